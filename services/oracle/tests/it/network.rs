//! Three real `masa-oracle` processes on a real anvil (behind a flaky RPC proxy) with the suite
//! `masa deploy` put there: they register and stake themselves, answer requests for pages a
//! local server serves and prompts to the pinned model, agree, submit and get paid; a node
//! configured to answer wrongly is outvoted and recorded; an equivocating node is reported and
//! slashed; a node killed mid-job restarts and completes with no duplicate transaction; a request
//! nobody can answer is refunded.

use alloy::{
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ext::AnvilApi},
    rpc::types::Filter,
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use axum::{Router, routing::get};
use masa_bindings::{
    Contract,
    contracts::{MasaToken, OracleNodes, OracleRequests},
};
use masa_sdk::{
    oracle::{OracleClient, RequestSpec, Status},
    tx::signing_provider,
};
use masa_test_harness::{AnvilChain, Chain, DeployedSuite, FlakyRpc};
use std::{
    future::Future,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const MASA: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);
const PASSWORD: &str = "correct horse battery staple";

fn masa(n: u64) -> U256 {
    MASA * U256::from(n)
}

/// A free local port (bound, then released for the node to bind).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Polls `check` until it gives a value, failing after `timeout` with `what`.
async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(start.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One node: its keys, directory, configuration and (while running) process.
struct OracleProcess {
    name: String,
    dir: PathBuf,
    operator: PrivateKeySigner,
    key: PrivateKeySigner,
    port: u16,
    child: Option<Child>,
}

impl OracleProcess {
    fn new(root: &Path, name: &str, operator: PrivateKeySigner, rpc: &str, deployments: &Path) -> Self {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let key = PrivateKeySigner::random();
        let mut rng = alloy::signers::k256::elliptic_curve::rand_core::OsRng;
        for (file, signer) in [("operator.json", &operator), ("node.json", &key)] {
            PrivateKeySigner::encrypt_keystore(&dir, &mut rng, signer.to_bytes(), PASSWORD, Some(file))
                .unwrap();
        }
        std::fs::write(dir.join("password"), PASSWORD).unwrap();
        let port = free_port();
        let model = std::env::var("MASA_ORACLE_MODEL").expect("MASA_ORACLE_MODEL (make test sets it)");
        let config = format!(
            r#"
[chain]
rpc_url = "{rpc}"
deployments = "{deployments}"
manifest = "{deployments}/anvil.json"
poll_interval_ms = 200

[keys]
operator_keystore = "{dir}/operator.json"
node_keystore = "{dir}/node.json"
password_file = "{dir}/password"

[node]
database_url = "sqlite://{dir}/oracle.db"
endpoint = "http://127.0.0.1:{port}/"
register = true
stake = "10000"

[api]
listen = "127.0.0.1:{port}"

[peers]
poll_interval_ms = 200
submit_stagger_ms = 1500

[jobs]
enabled = ["web:v1", "llm:v1"]

[sources.web]
allow_private_hosts = true

[sources.llm]
model = "{model}"
max_tokens = 12
"#,
            deployments = deployments.display(),
            dir = dir.display(),
        );
        std::fs::write(dir.join("oracle.toml"), config).unwrap();
        Self { name: name.to_owned(), dir, operator, key, port, child: None }
    }

    /// Starts the process, with `env` overrides (`MASA_ORACLE__TESTING__FAULT`...).
    fn start(&mut self, env: &[(&str, &str)]) {
        assert!(self.child.is_none(), "{} runs already", self.name);
        let log =
            std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join("node.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_masa-oracle"))
            .arg("--config")
            .arg(self.dir.join("oracle.toml"))
            .args(["--log", "masa_oracle=debug,info", "run"])
            .envs(env.iter().copied())
            .env_remove("MASA_KEYSTORE_PASSWORD")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    /// Kills the process at once (SIGKILL: no graceful shutdown).
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the process gracefully (SIGTERM) and waits for it to exit.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    assert!(
                        status.success(),
                        "{} exited with {status} after SIGTERM; log:\n{}",
                        self.name,
                        self.log()
                    );
                    return;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("{} did not stop within 20 s of SIGTERM; log:\n{}", self.name, self.log());
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("node.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    }

    /// Waits until the node's API reports ready (registered, staked, store and RPC reachable).
    async fn ready(&mut self, http: &reqwest::Client) {
        let url = self.url("/ready");
        let start = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("{} exited with {status}; log:\n{}", self.name, self.log());
            }
            if let Ok(response) = http.get(&url).send().await
                && response.status().is_success()
            {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "{} not ready; log:\n{}",
                self.name,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The node's job for `request`, as its API shows it.
    async fn job(&self, http: &reqwest::Client, request: U256) -> Option<serde_json::Value> {
        let response = http.get(self.url(&format!("/v1/jobs/{request}"))).send().await.ok()?;
        response.status().is_success().then_some(())?;
        response.json().await.ok()
    }
}

impl Drop for OracleProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A page server: an article, a slow article, a missing page.
async fn page_server() -> SocketAddr {
    const ARTICLE: &str = "<html><head><title>Rainfall in Lisbon</title></head><body>\
        <nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>\
        <article><h1>Rainfall in Lisbon</h1>\
        <p>Lisbon received 42 millimetres of rain in November, a little under its long-term average.</p>\
        <p>The wettest day was the 14th, when a front from the Atlantic brought 11 millimetres in six hours.</p>\
        <p>Forecasters expect a drier December, with high pressure settling over the peninsula.</p>\
        </article><footer>Copyright 2026 Weather Desk</footer></body></html>";
    let app = Router::new()
        .route("/article", get(|| async { axum::response::Html(ARTICLE) }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(4)).await;
                axum::response::Html(ARTICLE.replace("Lisbon", "Porto"))
            }),
        )
        .route("/missing", get(|| async { (axum::http::StatusCode::NOT_FOUND, "no such page") }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// The events `event` of `address` over the chain so far.
async fn events<E: SolEvent>(provider: &DynProvider, address: Address) -> Vec<E> {
    let filter = Filter::new().address(address).event_signature(E::SIGNATURE_HASH).from_block(0);
    provider
        .get_logs(&filter)
        .await
        .unwrap()
        .iter()
        .map(|log| E::decode_log(&log.inner).unwrap().data)
        .collect()
}

/// The fulfilments of `request` sent to `requests` so far: each one's sender and whether it
/// succeeded.
async fn fulfilments(provider: &DynProvider, requests: Address, request: U256) -> Vec<(Address, bool)> {
    use alloy::{consensus::Transaction as _, sol_types::SolCall};
    let head = provider.get_block_number().await.unwrap();
    let mut sent = Vec::new();
    for number in 0..=head {
        let block = provider.get_block_by_number(number.into()).full().await.unwrap().unwrap();
        for tx in block.transactions.txns() {
            if tx.to() != Some(requests) {
                continue;
            }
            let Ok(call) = OracleRequests::fulfillCall::abi_decode(tx.input()) else { continue };
            if call.requestId == request {
                let receipt = provider.get_transaction_receipt(*tx.inner.tx_hash()).await.unwrap().unwrap();
                sent.push((tx.inner.signer(), receipt.status()));
            }
        }
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_oracle_processes_answer_agree_get_paid_and_punish() {
    let chain = AnvilChain::spawn().unwrap();
    let suite = DeployedSuite::deploy(&chain).await.unwrap();
    let admin = chain.accounts()[0].clone();
    let endpoint = chain.endpoint();
    let admin_provider = signing_provider(endpoint.parse().unwrap(), admin.clone());
    suite.release_community(&admin_provider).await.unwrap();
    let token = MasaToken::new(suite.manifest.address_of(Contract::MasaToken).unwrap(), &admin_provider);
    let requests = suite.manifest.address_of(Contract::OracleRequests).unwrap();
    let nodes_address = suite.manifest.address_of(Contract::OracleNodes).unwrap();
    let operators: Vec<PrivateKeySigner> = chain.accounts()[1..4].to_vec();
    let consumer = chain.accounts()[4].clone();
    for who in operators.iter().chain([&consumer]) {
        token.transfer(who.address(), masa(100_000)).send().await.unwrap().get_receipt().await.unwrap();
    }
    let customer = OracleClient::new(
        signing_provider(endpoint.parse().unwrap(), consumer.clone()),
        &suite.manifest,
        consumer.clone(),
    )
    .unwrap();
    let reader = chain.provider().clone();

    // the nodes reach anvil through a proxy that fails 10% of requests
    let port = url::Url::parse(&endpoint).unwrap().port().unwrap();
    let upstream = SocketAddr::from(([127, 0, 0, 1], port));
    let proxy = FlakyRpc::start(upstream, 10, 7).await.unwrap();
    let pages = page_server().await;
    let root = tempfile::tempdir().unwrap();
    let mut nodes: Vec<OracleProcess> = ["a", "b", "c"]
        .iter()
        .zip(&operators)
        .map(|(name, operator)| {
            OracleProcess::new(root.path(), name, operator.clone(), &proxy.url(), suite.deployments.path())
        })
        .collect();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    for node in &mut nodes {
        node.start(&[]);
    }
    for node in &mut nodes {
        node.ready(&http).await;
    }
    let oracle = OracleClient::new(reader.clone(), &suite.manifest, consumer.clone()).unwrap();
    for node in &nodes {
        let info = oracle.node(node.operator.address()).await.unwrap();
        assert!(info.active(), "{} registered and staked itself", node.name);
        assert_eq!(info.node.signer, node.key.address());
        assert_eq!(U256::from(info.node.staked), masa(10_000));
    }

    let finalized = |request: U256| {
        let customer = &customer;
        async move {
            wait_for(&format!("request {request} to finalize"), Duration::from_secs(180), || async {
                let r = customer.request(request).await.ok()?;
                (Status::of(&r) == Status::Finalized).then_some(r)
            })
            .await
        }
    };

    // 1. a prompt to the pinned model, quorum 3: the three nodes agree
    let llm = customer
        .post(&RequestSpec::new("llm:v1", "Name a primary colour.", masa(3), 3, 3_600))
        .await
        .unwrap();
    let done = finalized(llm.request).await;
    let paid = events::<OracleRequests::RequestFinalized>(&reader, requests).await;
    let mut operators_paid = paid.last().unwrap().operators.clone();
    operators_paid.sort();
    let mut all: Vec<Address> = operators.iter().map(PrivateKeySigner::address).collect();
    all.sort();
    assert_eq!(operators_paid, all, "the three nodes agreed on the model's answer");
    let job = nodes[0].job(&http, llm.request).await.unwrap();
    assert_eq!(job["record"]["result_hash"].as_str().unwrap(), done.resultHash.to_string());

    // 2. node c restarts configured to answer wrongly: a and b agree on the page, c's answer is
    //    recorded as a dissent and earns nothing
    nodes[2].stop();
    nodes[2].start(&[("MASA_ORACLE__TESTING__FAULT", "wrong-answer")]);
    nodes[2].ready(&http).await;
    let page = format!("http://{pages}/article");
    let web = customer.post(&RequestSpec::new("web:v1", &page, masa(4), 2, 3_600)).await.unwrap();
    finalized(web.request).await;
    let last = events::<OracleRequests::RequestFinalized>(&reader, requests).await.pop().unwrap();
    assert_eq!(last.requestId, web.request);
    assert!(!last.operators.contains(&operators[2].address()), "the wrong node is not paid");
    assert_eq!(last.share, masa(2));
    // the dissent is recorded once a transmitter saw c's answer before the quorum; c answers
    // as fast as the others, so it is in the fulfilment
    let dissents = events::<OracleRequests::Dissented>(&reader, requests).await;
    assert!(
        dissents.iter().any(|d| d.requestId == web.request && d.operator == operators[2].address()),
        "c's wrong answer is on the record: {dissents:?}"
    );

    // 3. node a is killed while it fetches a slow page, and restarted: the request completes,
    //    and no operator sent more than one fulfilment
    let slow = customer
        .post(&RequestSpec::new("web:v1", &format!("http://{pages}/slow"), masa(2), 2, 3_600))
        .await
        .unwrap();
    wait_for("node a to pick the slow job up", Duration::from_secs(60), || async {
        nodes[0].job(&http, slow.request).await.map(|_| ())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    nodes[0].kill();
    nodes[2].stop();
    nodes[2].start(&[]);
    nodes[2].ready(&http).await;
    nodes[0].start(&[]);
    nodes[0].ready(&http).await;
    finalized(slow.request).await;
    let sent = fulfilments(&reader, requests, slow.request).await;
    assert_eq!(sent.iter().filter(|(_, ok)| *ok).count(), 1, "one fulfilment finalized it: {sent:?}");
    for operator in &operators {
        let by = sent.iter().filter(|(from, _)| *from == operator.address()).count();
        assert!(by <= 1, "operator {} sent {by} fulfilments of one request", operator.address());
    }
    let job = wait_for("node a to settle the slow job", Duration::from_secs(60), || async {
        let job = nodes[0].job(&http, slow.request).await?;
        (job["job"]["state"] == "finalized").then_some(job)
    })
    .await;
    assert_eq!(job["job"]["attempts"], 0, "the killed run left no failure behind");

    // 4. node c equivocates: the others see its two answers, report it and it is slashed and
    //    jailed; its answers no longer count
    nodes[2].stop();
    nodes[2].start(&[("MASA_ORACLE__TESTING__FAULT", "equivocate")]);
    nodes[2].ready(&http).await;
    let twice = customer.post(&RequestSpec::new("web:v1", &page, masa(2), 2, 3_600)).await.unwrap();
    finalized(twice.request).await;
    let slashed = wait_for("c to be slashed", Duration::from_secs(60), || async {
        let slashes = events::<OracleNodes::Slashed>(&reader, nodes_address).await;
        slashes.into_iter().find(|s| s.operator == operators[2].address())
    })
    .await;
    assert!(!slashed.amount.is_zero());
    assert!(!oracle.node(operators[2].address()).await.unwrap().active(), "jailed");

    // 5. nobody can read a missing page: no quorum by the deadline, the consumer is refunded
    let missing = customer
        .post(&RequestSpec::new("web:v1", &format!("http://{pages}/missing"), masa(5), 2, 60))
        .await
        .unwrap();
    wait_for("the nodes to give the missing page up", Duration::from_secs(60), || async {
        let job = nodes[0].job(&http, missing.request).await?;
        (job["job"]["state"] == "failed").then_some(())
    })
    .await;
    reader.anvil_increase_time(120).await.unwrap();
    reader.evm_mine(None).await.unwrap();
    let before = token.balanceOf(consumer.address()).call().await.unwrap();
    customer.refund(missing.request).await.unwrap();
    assert_eq!(token.balanceOf(consumer.address()).call().await.unwrap(), before + masa(5));

    // the operators' earnings: a and b were paid for every request; graceful shutdown
    for node in &mut nodes {
        node.stop();
    }
    assert!(proxy.counts.faults() > 0, "the proxy failed some of the nodes' requests");
    drop(chain);
}
