//! `make bench`: the oracle network end to end. Three honest `masa-oracle` processes (the
//! end-to-end test's configuration, `tests/it/support.rs`) on an anvil mining a block every
//! second answer `web:v1` requests for a page a local server serves, at quorum 2.
//!
//! 1. **Latency**: [`SEQUENTIAL`] requests posted one at a time (after one warm-up): blocks from
//!    the post's block to the `RequestFinalized` block, and wall time from the post seen mined to
//!    the finalization seen (both watched as events every [`POLL`]).
//! 2. **Throughput**: [`BURST`] requests sent back to back (explicit nonces, gas and fees: one
//!    `eth_sendRawTransaction` each, no wait for receipts): requests per second from the first
//!    send to the last finalization seen, and each request's latency under that load.
//! 3. **Gas**: `gasUsed` of the fulfilments (the transactions emitting `RequestFinalized`), by
//!    their count of agreeing signatures; fulfilments that reverted are counted apart.
//!
//! The suite is deployed and MASA handed out with automine (set-up, not measured); the chain mines
//! a block a second from before the nodes start, so they register and stake at that pace too.
//! `MASA_BENCH_KEEP_LOGS=1` keeps the nodes' directories (logs, databases) and prints where.

#[path = "../tests/it/support.rs"]
mod support;

use alloy::{
    eips::eip1559::Eip1559Estimation,
    primitives::{Address, B256, U256, keccak256},
    providers::{DynProvider, Provider, ext::AnvilApi},
    rpc::types::Filter,
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use masa_bindings::{
    Contract,
    contracts::{MasaToken, OracleRequests},
};
use masa_oracle::{config::Config, tx::TxConfig};
use masa_sdk::{
    oracle::{OracleClient, job_type},
    tx::{latest_timestamp, signing_provider, with_headroom},
};
use masa_test_harness::{AnvilChain, Chain, DeployedSuite};
use std::{
    collections::{BTreeMap, HashMap},
    fmt::Display,
    net::SocketAddr,
    time::{Duration, Instant},
};
use support::{OracleProcess, masa, page_server};

/// Seconds between blocks.
const BLOCK_TIME: u64 = 1;
/// Requests posted one at a time, for the latency.
const SEQUENTIAL: usize = 10;
/// Requests sent back to back, for the throughput.
const BURST: usize = 60;
/// Agreeing nodes each request needs.
const QUORUM: u8 = 2;
/// How often the bench looks for new events.
const POLL: Duration = Duration::from_millis(50);
/// Longest wait for one sequential request, and for the whole burst.
const SEQUENTIAL_TIMEOUT: Duration = Duration::from_secs(60);
const BURST_TIMEOUT: Duration = Duration::from_secs(180);

/// One request, as the bench saw it on the chain.
#[derive(Debug, Clone, Copy)]
struct Sample {
    post_block: u64,
    /// When the bench saw the post's `RequestPosted` (its block mined).
    post_seen: Instant,
    fin_block: u64,
    /// When the bench saw its `RequestFinalized`.
    fin_seen: Instant,
    fin_tx: B256,
    /// Agreeing signatures (operators paid).
    signers: usize,
}

impl Sample {
    const fn blocks(&self) -> u64 {
        self.fin_block - self.post_block
    }

    fn wall(&self) -> Duration {
        self.fin_seen - self.post_seen
    }
}

/// Watches `OracleRequests`' `RequestPosted` and `RequestFinalized` logs, block range by block
/// range.
#[derive(Debug)]
struct Watch {
    provider: DynProvider,
    requests: Address,
    next: u64,
    /// Posts by transaction hash: block, when seen, request.
    posts: HashMap<B256, (u64, Instant, U256)>,
    /// Finalizations by request: block, when seen, transaction, agreeing signatures.
    finalized: HashMap<U256, (u64, Instant, B256, usize)>,
}

impl Watch {
    async fn new(provider: DynProvider, requests: Address) -> Self {
        let next = provider.get_block_number().await.unwrap() + 1;
        Self { provider, requests, next, posts: HashMap::new(), finalized: HashMap::new() }
    }

    /// Reads the logs of the blocks mined since the last look.
    async fn look(&mut self) {
        let head = self.provider.get_block_number().await.unwrap();
        if head < self.next {
            return;
        }
        let filter = Filter::new()
            .address(self.requests)
            .event_signature(vec![
                OracleRequests::RequestPosted::SIGNATURE_HASH,
                OracleRequests::RequestFinalized::SIGNATURE_HASH,
            ])
            .from_block(self.next)
            .to_block(head);
        let logs = self.provider.get_logs(&filter).await.unwrap();
        let now = Instant::now();
        for log in logs {
            let (block, tx) = (log.block_number.unwrap(), log.transaction_hash.unwrap());
            if let Ok(posted) = OracleRequests::RequestPosted::decode_log(&log.inner) {
                self.posts.insert(tx, (block, now, posted.requestId));
            } else if let Ok(done) = OracleRequests::RequestFinalized::decode_log(&log.inner) {
                self.finalized.insert(done.requestId, (block, now, tx, done.operators.len()));
            }
        }
        self.next = head + 1;
    }

    /// Waits until the requests the transactions `posts` posted are finalized.
    async fn finalized(&mut self, posts: &[B256], timeout: Duration, nodes: &[OracleProcess]) -> Vec<Sample> {
        let start = Instant::now();
        loop {
            self.look().await;
            let samples: Vec<Sample> = posts
                .iter()
                .filter_map(|tx| {
                    let (post_block, post_seen, id) = *self.posts.get(tx)?;
                    let (fin_block, fin_seen, fin_tx, signers) = *self.finalized.get(&id)?;
                    Some(Sample { post_block, post_seen, fin_block, fin_seen, fin_tx, signers })
                })
                .collect();
            if samples.len() == posts.len() {
                return samples;
            }
            if start.elapsed() > timeout {
                let logs: Vec<String> =
                    nodes.iter().map(|n| format!("--- {}\n{}", n.name, n.log())).collect();
                panic!(
                    "{} of {} requests finalized after {timeout:?}; the nodes' logs:\n{}",
                    samples.len(),
                    posts.len(),
                    logs.join("\n")
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// The consumer: posts `web:v1` requests with explicit nonces, gas and fees, so each post is one
/// `eth_sendRawTransaction` and nothing waits for a receipt.
struct Consumer {
    requests: OracleRequests::OracleRequestsInstance<DynProvider>,
    pages: SocketAddr,
    nonce: u64,
    gas: u64,
    fees: Eip1559Estimation,
    deadline: u64,
    sent: usize,
}

impl Consumer {
    /// The fee each request pays.
    fn fee() -> U256 {
        masa(2)
    }

    async fn new(provider: DynProvider, requests: Address, wallet: Address, pages: SocketAddr) -> Self {
        let nonce = provider.get_transaction_count(wallet).pending().await.unwrap();
        let deadline = latest_timestamp(&provider).await.unwrap() + 3_600;
        let fees = provider.estimate_eip1559_fees().await.unwrap();
        // room for a base fee rising for a few blocks in a row
        let fees = Eip1559Estimation {
            max_fee_per_gas: fees.max_fee_per_gas * 4,
            max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
        };
        let requests = OracleRequests::new(requests, provider);
        let mut consumer = Self { requests, pages, nonce, gas: 0, fees, deadline, sent: 0 };
        let (job, uri) = consumer.job(usize::MAX);
        let estimate = consumer
            .requests
            .post(job, keccak256(uri.as_bytes()), uri.clone(), Self::fee(), QUORUM, deadline)
            .estimate_gas()
            .await
            .unwrap();
        consumer.gas = with_headroom(estimate);
        consumer
    }

    /// The `n`-th request's job: the article, a distinct URL each time.
    fn job(&self, n: usize) -> (B256, String) {
        (job_type("web:v1"), format!("http://{}/article?n={n}", self.pages))
    }

    /// Sends the next post; returns its transaction's hash.
    async fn post(&mut self) -> B256 {
        let (job, uri) = self.job(self.sent);
        let pending = self
            .requests
            .post(job, keccak256(uri.as_bytes()), uri.clone(), Self::fee(), QUORUM, self.deadline)
            .nonce(self.nonce)
            .gas(self.gas)
            .max_fee_per_gas(self.fees.max_fee_per_gas)
            .max_priority_fee_per_gas(self.fees.max_priority_fee_per_gas)
            .send()
            .await
            .unwrap();
        self.nonce += 1;
        self.sent += 1;
        *pending.tx_hash()
    }
}

/// Minimum, median and maximum of `values` (not empty).
fn spread<T: Ord + Copy>(values: impl IntoIterator<Item = T>) -> (T, T, T) {
    let mut values: Vec<T> = values.into_iter().collect();
    values.sort();
    (values[0], values[values.len() / 2], values[values.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn row<T: Display>(what: &str, (min, median, max): (T, T, T)) {
    println!("| {what} | {min} | {median} | {max} |");
}

/// The spreads of `samples`' blocks and wall times, as two table rows.
fn latency_rows(samples: &[Sample]) {
    println!("| measure | min | median | max |");
    println!("|---|---:|---:|---:|");
    row("blocks, post's block → RequestFinalized's block", spread(samples.iter().map(Sample::blocks)));
    let (min, median, max) = spread(samples.iter().map(Sample::wall));
    row("wall time, post seen mined → finalization seen", (ms(min), ms(median), ms(max)));
}

/// The fulfilment transactions sent by `operators` in blocks `from..=to`: (succeeded, gas used) of
/// each, by sender.
async fn fulfilments(
    provider: &DynProvider,
    requests: Address,
    operators: &[Address],
    from: u64,
    to: u64,
) -> Vec<(Address, bool, u64)> {
    let mut sent = Vec::new();
    for number in from..=to {
        let receipts = provider.get_block_receipts(number.into()).await.unwrap().unwrap_or_default();
        for receipt in receipts {
            if receipt.to == Some(requests) && operators.contains(&receipt.from) {
                sent.push((receipt.from, receipt.status(), receipt.gas_used));
            }
        }
    }
    sent
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let setup = Instant::now();
    let chain = AnvilChain::spawn_with_block_time(BLOCK_TIME).expect("spawn anvil");
    let reader = chain.provider().clone();
    // set-up with automine, then a block a second before the nodes start
    reader.anvil_set_auto_mine(true).await.unwrap();
    let suite = DeployedSuite::deploy(&chain).await.expect("deploy the suite");
    let endpoint = chain.endpoint();
    let admin = chain.accounts()[0].clone();
    let admin_provider = signing_provider(endpoint.parse().unwrap(), admin);
    suite.release_community(&admin_provider).await.unwrap();
    let token = MasaToken::new(suite.manifest.address_of(Contract::MasaToken).unwrap(), &admin_provider);
    let requests = suite.manifest.address_of(Contract::OracleRequests).unwrap();
    let operators: Vec<PrivateKeySigner> = chain.accounts()[1..4].to_vec();
    let consumer = chain.accounts()[4].clone();
    for who in operators.iter().chain([&consumer]) {
        token.transfer(who.address(), masa(20_000)).send().await.unwrap().get_receipt().await.unwrap();
    }
    let consumer_provider = signing_provider(endpoint.parse().unwrap(), consumer.clone());
    MasaToken::new(suite.manifest.address_of(Contract::MasaToken).unwrap(), &consumer_provider)
        .approve(requests, U256::MAX)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    reader.anvil_set_interval_mining(BLOCK_TIME).await.unwrap();

    let pages = page_server().await;
    let root = tempfile::tempdir().unwrap();
    let mut nodes = OracleProcess::network(root.path(), &operators, &endpoint, suite.deployments.path());
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let started = Instant::now();
    for node in &mut nodes {
        node.start(&[]);
    }
    for node in &mut nodes {
        node.ready(&http).await;
    }
    let ready = started.elapsed();
    let oracle = OracleClient::new(reader.clone(), &suite.manifest, consumer.clone()).unwrap();
    for node in &nodes {
        assert!(oracle.node(node.operator.address()).await.unwrap().active(), "{} is active", node.name);
    }
    let config = Config::load(&nodes[0].dir.join("oracle.toml"), std::env::vars()).unwrap();
    let mut consumer = Consumer::new(consumer_provider, requests, consumer.address(), pages).await;
    let mut watch = Watch::new(reader.clone(), requests).await;

    // a warm-up request, not counted
    let warm_up = consumer.post().await;
    watch.finalized(&[warm_up], SEQUENTIAL_TIMEOUT, &nodes).await;

    // 1. one request at a time
    let first_block = reader.get_block_number().await.unwrap() + 1;
    let mut posts = Vec::new();
    let mut sequential = Vec::new();
    for _ in 0..SEQUENTIAL {
        let tx = consumer.post().await;
        posts.push(tx);
        sequential.extend(watch.finalized(&[tx], SEQUENTIAL_TIMEOUT, &nodes).await);
    }

    // 2. a burst, sent back to back
    let burst_start = Instant::now();
    let mut burst_posts = Vec::with_capacity(BURST);
    for _ in 0..BURST {
        burst_posts.push(consumer.post().await);
    }
    let sent_in = burst_start.elapsed();
    let burst = watch.finalized(&burst_posts, BURST_TIMEOUT, &nodes).await;
    let last = burst.iter().map(|s| s.fin_seen).max().unwrap();
    let burst_wall = last - burst_start;
    posts.extend(&burst_posts);
    let last_block = reader.get_block_number().await.unwrap();

    // 3. gas: the posts, the fulfilments that finalized, and every fulfilment sent
    let mut post_gas = Vec::new();
    for tx in &posts {
        post_gas.push(reader.get_transaction_receipt(*tx).await.unwrap().unwrap().gas_used);
    }
    let mut fulfil_gas: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    let mut submitters: BTreeMap<Address, usize> = BTreeMap::new();
    // the burst's finalizations per block, and per block and submitter
    let mut per_block: BTreeMap<u64, usize> = BTreeMap::new();
    let mut per_submitter_block: BTreeMap<(u64, Address), usize> = BTreeMap::new();
    for (i, sample) in sequential.iter().chain(&burst).enumerate() {
        let receipt = reader.get_transaction_receipt(sample.fin_tx).await.unwrap().unwrap();
        fulfil_gas.entry(sample.signers).or_default().push(receipt.gas_used);
        *submitters.entry(receipt.from).or_default() += 1;
        if i >= sequential.len() {
            *per_block.entry(sample.fin_block).or_default() += 1;
            *per_submitter_block.entry((sample.fin_block, receipt.from)).or_default() += 1;
        }
    }
    let operator_addresses: Vec<Address> = operators.iter().map(PrivateKeySigner::address).collect();
    let sent = fulfilments(&reader, requests, &operator_addresses, first_block, last_block).await;
    let reverted: Vec<u64> = sent.iter().filter(|(_, ok, _)| !ok).map(|(_, _, gas)| *gas).collect();

    drop(nodes); // killed
    let total = setup.elapsed();

    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "oracle network: 3 masa-oracle processes (honest, web:v1 against a local page), anvil mining a block every {BLOCK_TIME} s, quorum {QUORUM}"
    );
    println!(
        "machine: {cores} cores, shared by anvil, the three nodes and the bench (release build); nodes ready {:.1} s after start (register + stake at 1 s blocks)",
        ready.as_secs_f64()
    );
    println!(
        "node settings (tests/it/support.rs): chain poll {} ms, confirmations {}, peers poll {} ms, grace {} ms, submit stagger {} ms per rank, {} jobs at once, tx receipt poll {} ms",
        config.chain.poll_interval_ms,
        config.chain.confirmations,
        config.peers.poll_interval_ms,
        config.peers.grace_ms,
        config.peers.submit_stagger_ms,
        config.jobs.concurrency,
        TxConfig::default().poll_interval.as_millis(),
    );
    println!();
    println!(
        "request → finalized, one request at a time ({SEQUENTIAL} requests after a warm-up; events watched every {} ms)",
        POLL.as_millis()
    );
    latency_rows(&sequential);
    println!();
    let (first_post, last_post) = (
        burst.iter().map(|s| s.post_block).min().unwrap(),
        burst.iter().map(|s| s.post_block).max().unwrap(),
    );
    println!(
        "sustained: {BURST} requests sent back to back in {} (mined in blocks {first_post}..={last_post}); first send → last finalization seen {:.2} s: {:.2} requests/s",
        ms(sent_in),
        burst_wall.as_secs_f64(),
        BURST as f64 / burst_wall.as_secs_f64()
    );
    latency_rows(&burst);
    let (min, median, max) = spread(per_block.values().copied());
    println!(
        "finalized per block while the burst drained: min {min}, median {median}, max {max} over {} blocks; by one node in one block: at most {}",
        per_block.len(),
        per_submitter_block.values().max().unwrap()
    );
    println!();
    let (a, b, c) = spread(post_gas.iter().copied());
    println!(
        "gas per finalized request (receipts' gasUsed; {} posts: median {b}, min {a}, max {c})",
        post_gas.len()
    );
    println!("| fulfilment | finalized | median gas | min | max |");
    println!("|---|---:|---:|---:|---:|");
    for (signers, gas) in &fulfil_gas {
        let (min, median, max) = spread(gas.iter().copied());
        println!("| {signers} agreeing signatures | {} | {median} | {min} | {max} |", gas.len());
    }
    if reverted.is_empty() {
        println!("| reverted (a second submitter) | 0 | - | - | - |");
    } else {
        let (min, median, max) = spread(reverted.iter().copied());
        println!("| reverted (a second submitter) | {} | {median} | {min} | {max} |", reverted.len());
    }
    let by: Vec<String> = operators
        .iter()
        .zip(["a", "b", "c"])
        .map(|(op, name)| format!("{name} {}", submitters.get(&op.address()).copied().unwrap_or(0)))
        .collect();
    println!(
        "fulfilments sent: {} ({} finalized, by node: {}); bench wall time {:.0} s",
        sent.len(),
        sent.iter().filter(|(_, ok, _)| *ok).count(),
        by.join(", "),
        total.as_secs_f64()
    );
    if std::env::var_os("MASA_BENCH_KEEP_LOGS").is_some() {
        println!("node logs kept in {}", root.keep().display());
    }
    drop(chain);
}
