//! The oracle network against a real anvil, on SQLite and PostgreSQL, driven through the sdk's
//! `OracleClient`: three operators register nodes and stake, one moves its endpoint; a consumer
//! posts requests the nodes answer (one fee split with a remainder, one with a dissent). A reorg
//! over a stake, a request, its finalization and a withdrawal rewinds them all, and the same
//! request posted and answered again lands. Then the operators withdraw their fees; one unbonds,
//! is slashed for an equivocation (from its active stake, then from its unbonding stake) and
//! claims the rest; another lets an unbonding lapse and is slashed twice; the third claims its
//! rewards; a request expires and is refunded, another stays open. The index's nodes and requests
//! (as tables and over HTTP) equal the registry's, the request book's and the rewards' views and
//! logs, each operator's figures add up to what its wallet received, and the whole index equals a
//! fresh one. An index from before migration 0011 derives the oracle tables from the events it
//! already holds.

use crate::support::{
    Api, Backend, Env, account, assert_backlog_derives, assert_equals_fresh_index, confirm,
};
use alloy::{
    primitives::{Address, B256, U256, keccak256},
    providers::{DynProvider, Provider, ext::AnvilApi},
    rpc::types::{Filter, Log, anvil::ReorgOptions},
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use masa_bindings::{
    Contract, MASA,
    contracts::{MasaToken, OracleNodes, OracleRequests, OracleRewards, oracle::IOracleNodes},
};
use masa_indexer::store::{
    OracleNodeFilter, OracleRequestFilter, RequestStatus, Store,
    oracle::{OracleNodeRow, OracleRequestRow},
};
use masa_sdk::oracle::{Finalized, OracleClient, RequestSpec, SignedResult, job_type};
use masa_test_harness::Chain;
use serde_json::Value;
use std::collections::BTreeMap;

/// The operators' accounts, in the order they register.
const OPERATORS: [usize; 3] = [1, 2, 3];
/// The consumer's account.
const CONSUMER: usize = 4;
/// Reports equivocations (and sends fulfilments and refunds: anyone may).
const REPORTER: usize = 5;
/// MASA sent to each operator and to the consumer.
const FUNDS: u64 = 100_000;
/// The job the requests are for.
const JOB: &str = "web:v1";
/// The configuration every answer is computed under.
const CONFIG: &str = "web:v1 masa-oracle test";

fn masa(n: u64) -> U256 {
    MASA * U256::from(n)
}

/// The suite, the oracle contracts and the three nodes' keys.
struct World {
    env: Env,
    nodes: Address,
    requests: Address,
    rewards: Address,
    keys: Vec<PrivateKeySigner>,
}

impl World {
    /// Deploys the suite and sends the operators and the consumer MASA.
    async fn new() -> Self {
        let env = Env::deployed().await;
        for i in OPERATORS.into_iter().chain([CONSUMER]) {
            env.fund(i, masa(FUNDS)).await;
        }
        let address = |c| env.manifest.address_of(c).unwrap();
        let (nodes, requests, rewards) = (
            address(Contract::OracleNodes),
            address(Contract::OracleRequests),
            address(Contract::OracleRewards),
        );
        let keys = (0..OPERATORS.len()).map(|_| PrivateKeySigner::random()).collect();
        Self { env, nodes, requests, rewards, keys }
    }

    fn operator(&self, node: usize) -> Address {
        self.env.chain.accounts()[OPERATORS[node]].address()
    }

    fn consumer(&self) -> Address {
        self.env.chain.accounts()[CONSUMER].address()
    }

    fn reporter(&self) -> Address {
        self.env.chain.accounts()[REPORTER].address()
    }

    /// Node `node`'s operator's client.
    fn client(&self, node: usize) -> OracleClient<DynProvider> {
        self.env.oracle(OPERATORS[node])
    }

    /// The consumer posts a request for `params`; returns its id.
    async fn post(&self, params: &str, fee: U256, quorum: u8, ttl_secs: u64) -> U256 {
        let spec = RequestSpec::new(JOB, params, fee, quorum, ttl_secs);
        self.env.oracle(CONSUMER).post(&spec).await.unwrap().request
    }

    /// Node `node`'s key's answer `result` to `request`.
    fn answer(&self, node: usize, request: U256, result: &str) -> SignedResult {
        let answer = IOracleNodes::Result {
            requestId: request,
            resultHash: keccak256(result),
            configHash: keccak256(CONFIG),
        };
        self.env.oracle(REPORTER).sign(&self.keys[node], answer).unwrap()
    }

    /// The reporter sends `request`'s fulfilment: `agree` answer "the page", `dissent` answer
    /// otherwise.
    async fn finalize(&self, request: U256, agree: &[usize], dissent: &[usize]) -> Finalized {
        let answers = agree.iter().map(|&n| self.answer(n, request, "the page")).collect();
        let dissents = dissent.iter().map(|&n| self.answer(n, request, "another page")).collect();
        self.env.oracle(REPORTER).fulfill(answers, dissents).await.unwrap()
    }

    /// The reporter proves that node `node`'s key signed two results for `request`: it is
    /// slashed and jailed, and the reporter paid.
    async fn report(&self, node: usize, request: U256) {
        let (a, b) = (self.answer(node, request, "the page"), self.answer(node, request, "a lie"));
        let reporter = account(&self.env.chain, REPORTER);
        let nodes = OracleNodes::new(self.nodes, &reporter);
        confirm(nodes.reportEquivocation(a.result, a.signature, b.result, b.signature)).await;
    }

    async fn advance(&self, seconds: u64) {
        self.env.provider.anvil_increase_time(seconds).await.unwrap();
        self.env.provider.evm_mine(None).await.unwrap();
    }

    async fn balance(&self, who: Address) -> U256 {
        MasaToken::new(self.env.masa(), &self.env.provider).balanceOf(who).call().await.unwrap()
    }

    /// The chain's logs of event `E` of `address` up to `head`.
    async fn logs<E: SolEvent>(&self, address: Address, head: u64) -> Vec<(Log, E)> {
        let filter =
            Filter::new().address(address).event_signature(E::SIGNATURE_HASH).from_block(0).to_block(head);
        let logs = self.env.provider.get_logs(&filter).await.unwrap();
        logs.into_iter().map(|l| (l.clone(), E::decode_log(&l.inner).unwrap().data)).collect()
    }
}

fn wei(text: &str) -> U256 {
    text.parse().unwrap()
}

fn checksum(a: Address) -> String {
    a.to_checksum(None)
}

async fn node_of(store: &Store, operator: Address) -> OracleNodeRow {
    store.oracle_node(&checksum(operator)).await.unwrap().unwrap()
}

async fn all_requests(store: &Store) -> Vec<OracleRequestRow> {
    store.oracle_requests(&OracleRequestFilter { limit: 1_000, ..Default::default() }).await.unwrap().requests
}

/// The index's nodes and requests equal the registry's, the request book's and the rewards'
/// views at `head`, and what the contracts hold is what the index says they hold.
async fn assert_oracle_matches_chain(world: &World, store: &Store, head: u64) {
    let block = head.into();
    let nodes = OracleNodes::new(world.nodes, &world.env.provider);
    let requests = OracleRequests::new(world.requests, &world.env.provider);
    let rewards = OracleRewards::new(world.rewards, &world.env.provider);
    let token = MasaToken::new(world.env.masa(), &world.env.provider);

    let indexed = store.oracle_nodes(&OracleNodeFilter { limit: 1_000, ..Default::default() }).await.unwrap();
    let operators: Vec<String> = indexed.nodes.iter().map(|n| n.operator.clone()).collect();
    let expected: Vec<String> = (0..OPERATORS.len()).map(|i| checksum(world.operator(i))).collect();
    assert_eq!(operators, expected, "every node, in the order they registered");
    let (mut held, mut pending, mut claimed) = (U256::ZERO, U256::ZERO, U256::ZERO);
    for node in &indexed.nodes {
        let operator: Address = node.operator.parse().unwrap();
        let n = nodes.node(operator).block(block).call().await.unwrap();
        let at = format!("node of {operator}");
        assert!(n.registered, "{at}");
        assert_eq!(
            (node.signer.as_str(), node.endpoint.as_str()),
            (checksum(n.signer).as_str(), n.endpoint.as_str()),
            "{at}"
        );
        assert_eq!(
            [&node.staked, &node.unbonding],
            [n.staked.to_string(), n.unbonding.to_string()].each_ref(),
            "{at}: active and unbonding stake"
        );
        assert_eq!(node.unbonded_at.unwrap_or(0), n.unbondedAt as i64, "{at}: claimable from");
        assert_eq!(node.jailed_until.unwrap_or(0), n.jailedUntil as i64, "{at}: jailed until");
        assert_eq!(wei(&node.held), U256::from(n.staked) + U256::from(n.unbonding), "{at}: held");
        let earned = requests.earned(operator).block(block).call().await.unwrap();
        assert_eq!(node.fees_pending, earned.to_string(), "{at}: fees earned and not withdrawn");
        assert_eq!(wei(&node.fees_earned) - wei(&node.fees_withdrawn), earned, "{at}");
        let weight = rewards.weightOf(operator).block(block).call().await.unwrap();
        assert_eq!(node.weight, weight.to_string(), "{at}: weight");
        held += wei(&node.held);
        pending += earned;
        claimed += wei(&node.rewards_claimed);
    }
    let total = nodes.totalStaked().block(block).call().await.unwrap();
    assert_eq!(held, total, "the registry's total stake");
    assert_eq!(
        token.balanceOf(world.nodes).block(block).call().await.unwrap(),
        held,
        "the registry holds the stakes"
    );
    assert_eq!(rewards.claimed().block(block).call().await.unwrap(), claimed, "rewards claimed");

    let count: u64 = requests.requestCount().block(block).call().await.unwrap().to();
    let indexed = all_requests(store).await;
    assert_eq!(
        indexed.iter().map(|r| r.request_id as u64).collect::<Vec<_>>(),
        (1..=count).collect::<Vec<_>>()
    );
    let mut escrow = U256::ZERO;
    for request in &indexed {
        let r = requests.request(U256::from(request.request_id)).block(block).call().await.unwrap();
        let at = format!("request {}", request.request_id);
        assert_eq!(request.consumer, checksum(r.consumer), "{at}");
        assert_eq!(
            (request.fee.as_str(), request.quorum, request.deadline),
            (r.fee.to_string().as_str(), i64::from(r.quorum), r.deadline as i64),
            "{at}"
        );
        assert_eq!(
            (request.job_type.as_str(), request.params_hash.as_str()),
            (r.jobType.to_string().as_str(), r.paramsHash.to_string().as_str()),
            "{at}"
        );
        let status = match r.status {
            1 => RequestStatus::Open,
            2 => RequestStatus::Finalized,
            3 => RequestStatus::Refunded,
            other => panic!("{at}: status {other}"),
        };
        assert_eq!(request.status, status, "{at}");
        match &request.result {
            Some(result) => assert_eq!(
                (result.result_hash.as_str(), result.config_hash.as_str()),
                (r.resultHash.to_string().as_str(), r.configHash.to_string().as_str()),
                "{at}"
            ),
            None => assert_eq!((r.resultHash, r.configHash), (B256::ZERO, B256::ZERO), "{at}"),
        }
        assert_eq!(request.refunded_time.is_some(), status == RequestStatus::Refunded, "{at}");
        if status == RequestStatus::Open {
            escrow += wei(&request.fee);
        }
    }
    let book = token.balanceOf(world.requests).block(block).call().await.unwrap();
    assert_eq!(
        book,
        escrow + pending,
        "the request book holds the open requests' fees and the fees not withdrawn"
    );
}

/// Every `RequestFinalized`, `Dissented` and `Slashed` log of the chain, as the API serves it.
async fn assert_logs_served(world: &World, api: &Api, head: u64) {
    let finalized = world.logs::<OracleRequests::RequestFinalized>(world.requests, head).await;
    assert_eq!(finalized.len(), 3, "requests 1, 2 and 3");
    for (log, e) in &finalized {
        let (status, r) = api.get(&format!("/v1/oracle/requests/{}", e.requestId)).await;
        assert_eq!(status, 200, "{r}");
        let result = &r["result"];
        assert_eq!(result["result_hash"], e.resultHash.to_string());
        assert_eq!(result["config_hash"], e.configHash.to_string());
        let operators: Vec<String> = e.operators.iter().map(|a| checksum(*a)).collect();
        assert_eq!(result["operators"], serde_json::json!(operators));
        assert_eq!(result["share"], e.share.to_string());
        let fee = wei(r["fee"].as_str().unwrap());
        assert_eq!(wei(result["remainder"].as_str().unwrap()), fee - e.share * U256::from(e.operators.len()));
        assert_eq!(result["block_number"].as_u64(), log.block_number);
        assert_eq!(result["log_index"].as_u64(), log.log_index);
        assert_eq!(result["tx_hash"], log.transaction_hash.unwrap().to_string());
    }
    let dissented = world.logs::<OracleRequests::Dissented>(world.requests, head).await;
    assert_eq!(dissented.len(), 1);
    for (log, e) in &dissented {
        let (_, r) = api.get(&format!("/v1/oracle/requests/{}", e.requestId)).await;
        assert_eq!(r["dissents"].as_array().unwrap().len(), 1, "{r}");
        let d = &r["dissents"][0];
        assert_eq!(d["operator"], checksum(e.operator));
        assert_eq!(
            (d["result_hash"].as_str().unwrap(), d["config_hash"].as_str().unwrap()),
            (e.resultHash.to_string().as_str(), e.configHash.to_string().as_str())
        );
        assert_eq!((d["block_number"].as_u64(), d["log_index"].as_u64()), (log.block_number, log.log_index));
        assert_eq!(d["tx_hash"], log.transaction_hash.unwrap().to_string());
    }
    let slashed = world.logs::<OracleNodes::Slashed>(world.nodes, head).await;
    assert_eq!(slashed.len(), 3);
    let mut served = Vec::new();
    for i in 0..OPERATORS.len() {
        let (_, node) = api.get(&format!("/v1/oracle/nodes/{}", world.operator(i))).await;
        served.extend(
            node["slashes"].as_array().unwrap().iter().map(|s| (node["operator"].clone(), s.clone())),
        );
    }
    served.sort_by_key(|(_, s)| (s["block_number"].as_u64(), s["log_index"].as_u64()));
    assert_eq!(served.len(), slashed.len());
    for ((operator, s), (log, e)) in served.iter().zip(&slashed) {
        assert_eq!(operator, &Value::from(checksum(e.operator)));
        assert_eq!(s["reporter"], checksum(e.reporter));
        assert_eq!(s["reason"], e.reason.to_string());
        assert_eq!(
            [&s["amount"], &s["reward"], &s["burned"]],
            [e.amount, e.reward, e.burned].map(|v| Value::from(v.to_string())).each_ref()
        );
        assert_eq!(s["jailed_until"].as_u64(), Some(e.jailedUntil));
        assert_eq!((s["block_number"].as_u64(), s["log_index"].as_u64()), (log.block_number, log.log_index));
        assert_eq!(s["tx_hash"], log.transaction_hash.unwrap().to_string());
    }
}

async fn lifecycle(backend: Backend) {
    let world = World::new().await;
    let store = backend.store("oracle").await;
    let mut indexer = world.env.indexer(store.clone());
    let operators: Vec<Address> = (0..OPERATORS.len()).map(|i| world.operator(i)).collect();
    let mut before = Vec::new();
    for who in operators.iter().chain([&world.consumer(), &world.reporter()]) {
        before.push(world.balance(*who).await);
    }

    // three nodes, staking 10,000, 20,000 and 30,000 MASA; the second moves its endpoint
    for (i, key) in world.keys.iter().enumerate() {
        let node = world.client(i);
        node.register(key, &format!("https://node-{i}.example"), 600).await.unwrap();
        node.stake(masa(10_000 * (i as u64 + 1))).await.unwrap();
    }
    let second = account(&world.env.chain, OPERATORS[1]);
    confirm(OracleNodes::new(world.nodes, &second).setEndpoint("https://moved.example".into())).await;

    // request 1: 10 MASA split three ways (the first operator gets the wei the shares leave);
    // request 2: two nodes agree, the third dissents
    let first = world.post("https://example.org/a", masa(10), 2, 3_600).await;
    let split = world.finalize(first, &[0, 1, 2], &[]).await;
    assert_eq!(split.share, masa(10) / U256::from(3));
    let dissented = world.post("https://example.org/b", masa(3), 2, 3_600).await;
    world.finalize(dissented, &[0, 1], &[2]).await;
    let head = world.env.head().await;
    indexer.sync_to(head).await.unwrap();
    assert_oracle_matches_chain(&world, &store, head).await;
    let n = node_of(&store, world.operator(1)).await;
    assert_eq!(
        (n.endpoint.as_str(), n.registered_endpoint.as_str(), n.endpoint_changes),
        ("https://moved.example", "https://node-1.example", 1)
    );
    let r = store.oracle_request(first.to()).await.unwrap().unwrap();
    assert_eq!(r.result.as_ref().unwrap().remainder, "1", "10 MASA = 3 shares + 1 wei");
    assert_eq!(r.job_type, job_type(JOB).to_string());
    assert_eq!(r.params_hash, keccak256("https://example.org/a").to_string());
    assert_eq!(r.uri, "https://example.org/a");

    // the third node stakes more, request 3 is posted and answered, the first operator withdraws
    // its fees; then a reorg replaces every one of those blocks
    let fork = head + 1;
    world.client(2).stake(masa(5_000)).await.unwrap();
    let third = world.post("https://example.org/c", masa(4), 2, 3_600).await;
    world.finalize(third, &[0, 2], &[]).await;
    world.client(0).withdraw_fees().await.unwrap();
    let head = world.env.head().await;
    indexer.sync_to(head).await.unwrap();
    assert_eq!(store.oracle_request(third.to()).await.unwrap().unwrap().status, RequestStatus::Finalized);
    assert_eq!(node_of(&store, world.operator(2)).await.staked, masa(35_000).to_string());
    assert_eq!(node_of(&store, world.operator(0)).await.fee_withdrawals, 1);
    let depth = head - fork + 1;
    assert!(depth <= 10, "the reorg stays inside the window: {depth}");
    world.env.provider.anvil_reorg(ReorgOptions { depth, tx_block_pairs: vec![] }).await.unwrap();
    let head = world.env.head().await;
    let report = indexer.sync_to(head).await.unwrap();
    assert_eq!(report.reorgs, 1, "{report:?}");
    assert_eq!(store.oracle_request(third.to()).await.unwrap(), None, "request 3 was rewound");
    let n = node_of(&store, world.operator(2)).await;
    assert_eq!(
        (n.staked.as_str(), n.weight.as_str()),
        (masa(30_000).to_string().as_str(), masa(30_000).to_string().as_str()),
        "the stake and its weight as before: {n:?}"
    );
    assert_eq!((n.stakes, n.requests_answered), (1, 1));
    let n = node_of(&store, world.operator(0)).await;
    assert_eq!((n.fee_withdrawals, n.fees_withdrawn.as_str()), (0, "0"));
    let consumer = store.wallet(&checksum(world.consumer())).await.unwrap().unwrap();
    assert_eq!(consumer.requests_posted, 2);
    assert_oracle_matches_chain(&world, &store, head).await;
    assert_equals_fresh_index(&world.env, &backend, &store, head).await;

    // the same request posted and answered again lands, as request 3 again
    assert_eq!(world.post("https://example.org/c", masa(4), 2, 3_600).await, third);
    world.finalize(third, &[0, 2], &[]).await;
    for i in 0..OPERATORS.len() {
        world.client(i).withdraw_fees().await.unwrap();
    }
    // the second node unbonds most of its stake and is slashed for an equivocation on request 2:
    // its 2,000 active MASA first, then 3,000 of the unbonding 18,000
    world.client(1).unbond(masa(18_000)).await.unwrap();
    world.report(1, dissented).await;
    let head = world.env.head().await;
    indexer.sync_to(head).await.unwrap();
    assert_oracle_matches_chain(&world, &store, head).await;
    let n = node_of(&store, world.operator(1)).await;
    assert_eq!((n.staked.as_str(), n.unbonding.as_str()), ("0", masa(15_000).to_string().as_str()), "{n:?}");
    assert!(n.unbonded_at.is_some() && n.jailed_until.is_some(), "{n:?}");
    // the first unbonds 1,000 and lets it lapse; the second claims its unbonded stake; the first
    // is slashed (from its active stake), the third claims its rewards
    world.client(0).unbond(masa(1_000)).await.unwrap();
    world.advance(3_601).await;
    world.client(1).claim_stake().await.unwrap();
    world.report(0, first).await;
    let third_node = world.client(2);
    third_node.sync(world.operator(2)).await.unwrap();
    assert!(
        !third_node.node(world.operator(2)).await.unwrap().rewards.is_zero(),
        "the third node earned rewards"
    );
    third_node.claim_rewards().await.unwrap();
    world.advance(3_600).await;
    // past its claim window: staking again returns the unbonding stake first; a second
    // equivocation jails the first node longer
    world.client(0).stake(masa(1_000)).await.unwrap();
    world.report(0, third).await;
    // request 4 expires without a quorum and is refunded; request 5 stays open
    let expired = world.post("https://example.org/d", masa(5), 3, 60).await;
    world.advance(120).await;
    world.env.oracle(REPORTER).refund(expired).await.unwrap();
    let open = world.post("https://example.org/e", masa(2), 1, 86_400).await;
    let head = world.env.head().await;
    indexer.sync_to(head).await.unwrap();
    world.env.assert_matches_chain(&store, head).await;
    assert_oracle_matches_chain(&world, &store, head).await;

    // every figure: the nodes as the index tells them
    let nodes: Vec<OracleNodeRow> = {
        let mut v = Vec::new();
        for i in 0..OPERATORS.len() {
            v.push(node_of(&store, world.operator(i)).await);
        }
        v
    };
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let text = |n: u64| masa(n).to_string();
    let equivocation = keccak256("equivocation").to_string();
    // the first: staked 10,000, unbonded 1,000 that lapsed, staked 1,000 more, slashed 5,000 twice
    assert_eq!((a.staked_in.as_str(), a.stakes), (text(11_000).as_str(), 2));
    assert_eq!(
        (a.unbonded.as_str(), a.unbondings, a.lapsed.as_str(), a.lapses),
        (text(1_000).as_str(), 1, text(1_000).as_str(), 1)
    );
    assert_eq!((a.slashed.as_str(), a.slashes.len()), (text(10_000).as_str(), 2));
    assert_eq!((a.staked.as_str(), a.unbonding.as_str(), a.unbonded_at), (text(1_000).as_str(), "0", None));
    assert_eq!(a.jailed_until, a.slashes.iter().map(|s| s.jailed_until).max());
    assert!(a.slashes[1].jailed_until > a.slashes[0].jailed_until, "the later jail ends later: {a:?}");
    // the second: staked 20,000, unbonded 18,000, slashed 5,000, claimed the 15,000 left
    assert_eq!(
        (b.staked_in.as_str(), b.unbonded.as_str(), b.claimed.as_str(), b.claims),
        (text(20_000).as_str(), text(18_000).as_str(), text(15_000).as_str(), 1)
    );
    assert_eq!(
        (b.staked.as_str(), b.unbonding.as_str(), b.held.as_str(), b.unbonded_at),
        ("0", "0", "0", None)
    );
    // a reported equivocation: 10% to the reporter, half of the rest burned
    for s in a.slashes.iter().chain(&b.slashes) {
        assert_eq!(
            (s.reporter.as_str(), s.reason.as_str()),
            (checksum(world.reporter()).as_str(), equivocation.as_str())
        );
        assert_eq!(
            [s.amount.as_str(), s.reward.as_str(), s.burned.as_str()],
            [text(5_000), text(500), text(2_250)].each_ref().map(String::as_str)
        );
    }
    // the third: staked 30,000 (its rewound stake is gone), answered requests 1 and 3, dissented once
    assert_eq!(
        (c.staked.as_str(), c.staked_in.as_str(), c.slashes.len(), c.jailed_until),
        (text(30_000).as_str(), text(30_000).as_str(), 0, None)
    );
    assert_eq!(
        (c.requests_answered, c.dissents, b.requests_answered, b.dissents, a.requests_answered),
        (2, 1, 2, 0, 3)
    );
    assert_eq!((c.reward_claims, a.reward_claims), (1, 0));
    // the fees: each agreeing operator's share, and the remainder to the first one paid
    let mut earned: BTreeMap<String, U256> = BTreeMap::new();
    for (_, e) in world.logs::<OracleRequests::RequestFinalized>(world.requests, head).await {
        let r = store.oracle_request(e.requestId.to()).await.unwrap().unwrap();
        for (i, operator) in e.operators.iter().enumerate() {
            let paid =
                if i == 0 { wei(&r.fee) - e.share * U256::from(e.operators.len() - 1) } else { e.share };
            *earned.entry(checksum(*operator)).or_default() += paid;
        }
    }
    for n in &nodes {
        assert_eq!(wei(&n.fees_earned), earned[&n.operator], "fees earned by {}", n.operator);
        assert_eq!(
            (n.fees_withdrawn.as_str(), n.fees_pending.as_str(), n.fee_withdrawals),
            (n.fees_earned.as_str(), "0", 1)
        );
    }
    assert_eq!(
        earned.values().copied().sum::<U256>(),
        masa(10 + 3 + 4),
        "the fees of requests 1, 2 and 3, to the wei"
    );
    // what reached each operator's wallet: its funds, less its stakes, plus its claimed stake,
    // withdrawn fees and claimed rewards
    for (i, n) in nodes.iter().enumerate() {
        let expected = before[i] - wei(&n.staked_in)
            + wei(&n.claimed)
            + wei(&n.fees_withdrawn)
            + wei(&n.rewards_claimed);
        assert_eq!(world.balance(world.operator(i)).await, expected, "the wallet of {}", n.operator);
    }
    assert!(!wei(&c.rewards_claimed).is_zero());
    let reports = a.slashes.iter().chain(&b.slashes).map(|s| wei(&s.reward)).sum::<U256>();
    assert_eq!(world.balance(world.reporter()).await, before[4] + reports, "the reporter's rewards");

    // the requests
    let requests = all_requests(&store).await;
    let statuses: Vec<_> = requests.iter().map(|r| (r.request_id, r.status)).collect();
    use RequestStatus::{Finalized as F, Open as O, Refunded as R};
    assert_eq!(statuses, [(1, F), (2, F), (3, F), (4, R), (5, O)]);
    let fees: U256 = requests.iter().map(|r| wei(&r.fee)).sum();
    let refunded: U256 = requests.iter().filter(|r| r.status == R).map(|r| wei(&r.fee)).sum();
    assert_eq!(
        world.balance(world.consumer()).await,
        before[3] - fees + refunded,
        "the consumer paid the fees, less the refund"
    );
    assert_eq!((requests[3].quorum, requests[4].result.as_ref()), (3, None));
    assert_eq!(requests[1].dissents.len(), 1);
    assert_eq!(requests[1].dissents[0].operator, checksum(world.operator(2)));
    assert_eq!(requests[1].dissents[0].result_hash, keccak256("another page").to_string());
    assert!(requests.iter().filter(|r| r.request_id != 2).all(|r| r.dissents.is_empty()));
    assert_eq!(open, U256::from(5));

    // the HTTP API over the same index
    let api = Api::serve(&store).await;
    let listed = api.all("/v1/oracle/nodes", "", "nodes", 1).await;
    assert_eq!(listed, nodes.iter().map(|n| serde_json::to_value(n).unwrap()).collect::<Vec<_>>());
    let lower = |a: Address| a.to_string().to_lowercase();
    let (status, one) = api.get(&format!("/v1/oracle/nodes/{}", lower(world.operator(1)))).await;
    assert_eq!((status, &one), (200, &serde_json::to_value(b).unwrap()));
    let by_key = api
        .all("/v1/oracle/nodes", &format!("signer={}&", lower(world.keys[2].address())), "nodes", 10)
        .await;
    assert_eq!(by_key, [serde_json::to_value(c).unwrap()]);
    let slashed = api.all("/v1/oracle/nodes", "slashed=true&", "nodes", 10).await;
    assert_eq!(
        slashed.iter().map(|n| n["operator"].clone()).collect::<Vec<_>>(),
        [&a.operator, &b.operator].map(|o| Value::from(o.as_str()))
    );
    let never = api.all("/v1/oracle/nodes", "slashed=false&", "nodes", 10).await;
    assert_eq!(never, [serde_json::to_value(c).unwrap()]);
    let listed = api.all("/v1/oracle/requests", "", "requests", 2).await;
    assert_eq!(listed, requests.iter().map(|r| serde_json::to_value(r).unwrap()).collect::<Vec<_>>());
    for (status, ids) in [("open", vec![5]), ("finalized", vec![1, 2, 3]), ("refunded", vec![4])] {
        let page = api.all("/v1/oracle/requests", &format!("status={status}&"), "requests", 2).await;
        assert_eq!(
            page.iter().map(|r| r["request_id"].as_u64().unwrap()).collect::<Vec<_>>(),
            ids,
            "{status}"
        );
        assert!(page.iter().all(|r| r["status"] == status), "{status}");
    }
    let mine = api
        .all(
            "/v1/oracle/requests",
            &format!("consumer={}&status=refunded&", lower(world.consumer())),
            "requests",
            10,
        )
        .await;
    assert_eq!(mine.len(), 1);
    let (_, none) = api.get(&format!("/v1/oracle/requests?consumer={}", world.operator(0))).await;
    assert_eq!(none["requests"], Value::Array(vec![]));
    let (status, r) = api.get("/v1/oracle/requests/4").await;
    assert_eq!((status, &r["status"], &r["result"]), (200, &Value::from("refunded"), &Value::Null));
    assert!(r["refunded_time"].as_i64().is_some_and(|t| t > r["deadline"].as_i64().unwrap()), "{r}");
    assert_logs_served(&world, &api, head).await;
    // node-to-earn in the wallet summary
    for (i, n) in nodes.iter().enumerate() {
        let (status, wallet) = api.get(&format!("/v1/wallets/{}", world.operator(i))).await;
        assert_eq!(status, 200, "{wallet}");
        assert_eq!(wallet["oracle_node"], serde_json::to_value(n).unwrap());
        assert_eq!(
            (&wallet["nodes_registered"], &wallet["requests_posted"]),
            (&Value::from(1), &Value::from(0))
        );
    }
    let (_, wallet) = api.get(&format!("/v1/wallets/{}", world.consumer())).await;
    assert_eq!((&wallet["oracle_node"], &wallet["requests_posted"]), (&Value::Null, &Value::from(5)));
    for bad in [
        "/v1/oracle/nodes/0x12",
        "/v1/oracle/nodes/node-1",
        "/v1/oracle/nodes?signer=0x12",
        "/v1/oracle/nodes?slashed=maybe",
        "/v1/oracle/nodes?limit=0",
        "/v1/oracle/nodes?limit=1001",
        "/v1/oracle/nodes?cursor=1",
        "/v1/oracle/nodes?cursor=a-b",
        "/v1/oracle/nodes?operator=0x0000000000000000000000000000000000000001",
        "/v1/oracle/requests/x",
        "/v1/oracle/requests/-1",
        "/v1/oracle/requests/99999999999999999999",
        "/v1/oracle/requests?status=done",
        "/v1/oracle/requests?consumer=alice",
        "/v1/oracle/requests?cursor=1-2",
        "/v1/oracle/requests?cursor=-1",
        "/v1/oracle/requests?limit=1001",
        "/v1/oracle/requests?job_type=web",
    ] {
        let (status, body) = api.get(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"].as_str().is_some_and(|m| !m.is_empty()), "{bad}: {body}");
    }
    for missing in ["/v1/oracle/requests/0", "/v1/oracle/requests/6"] {
        let (status, body) = api.get(missing).await;
        assert_eq!(status, 404, "{missing}: {body}");
        assert!(body["error"].as_str().is_some_and(|m| m.contains("no oracle request")), "{missing}: {body}");
    }
    let (status, body) = api.get(&format!("/v1/oracle/nodes/{}", world.consumer())).await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].as_str().is_some_and(|m| m.contains("no oracle node")), "{body}");

    assert_equals_fresh_index(&world.env, &backend, &store, head).await;
    // an index from before migration 0011: its oracle tables derived from the stored events
    assert_backlog_derives(
        &world.env,
        &backend,
        &store,
        head,
        "oracle",
        &[
            "DELETE FROM oracle_nodes",
            "DELETE FROM oracle_endpoints",
            "DELETE FROM oracle_stake_changes",
            "DELETE FROM oracle_slashes",
            "DELETE FROM oracle_node_totals",
            "DELETE FROM oracle_requests",
            "DELETE FROM oracle_results",
            "DELETE FROM oracle_request_totals",
            "DELETE FROM oracle_dissents",
            "DELETE FROM oracle_fees",
            "DELETE FROM oracle_weights",
            "DELETE FROM oracle_rewards",
            "UPDATE wallets SET nodes_registered = 0, requests_posted = 0",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oracle_nodes_requests_fees_and_rewards_on_sqlite() {
    lifecycle(Backend::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oracle_nodes_requests_fees_and_rewards_on_postgres() {
    lifecycle(Backend::postgres()).await;
}
