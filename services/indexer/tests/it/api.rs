//! The HTTP API over a real index: every endpoint, cursor paging that returns each event once,
//! and hostile parameters answered with a 400 and a message (never a 500).

use crate::support::{Api, Backend, Env};
use alloy::primitives::{U256, keccak256};
use masa_bindings::{MASA, contracts::oracle::IOracleNodes};
use masa_indexer::metrics::Metrics;
use masa_sdk::oracle::RequestSpec;
use masa_test_harness::Chain;
use serde_json::Value;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread")]
async fn endpoints_paging_and_bad_parameters_on_sqlite() {
    endpoints_paging_and_bad_parameters(Backend::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoints_paging_and_bad_parameters_on_postgres() {
    endpoints_paging_and_bad_parameters(Backend::postgres()).await;
}

async fn endpoints_paging_and_bad_parameters(backend: Backend) {
    let env = Env::deployed().await;
    env.activity(0).await;
    let store = backend.store("api").await;
    let metrics = Arc::new(Metrics::default());
    let mut indexer = env.indexer(store.clone()).with_metrics(metrics.clone());
    indexer.sync_to(env.head().await).await.unwrap();

    let api = Api::serve_with(&store, metrics.clone()).await;

    assert_eq!(api.get("/health").await.0, 200);
    let (status, ready) = api.get("/ready").await;
    assert_eq!((status, &ready["ready"]), (503, &Value::Bool(false)), "not synced yet: {ready}");
    metrics.set_synced(true);
    assert_eq!(api.get("/ready").await.0, 200);
    let (status, text) = api.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(text.as_str().unwrap().contains("masa_indexer_events_total"), "{text}");
    let (status, doc) = api.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["paths"]["/v1/events"].is_object(), "{doc}");
    for path in
        ["/v1/oracle/nodes", "/v1/oracle/nodes/{operator}", "/v1/oracle/requests", "/v1/oracle/requests/{id}"]
    {
        assert!(doc["paths"][path]["get"].is_object(), "{path}: {doc}");
    }
    // no node and no request yet: empty pages
    let (status, nodes) = api.get("/v1/oracle/nodes").await;
    assert_eq!((status, &nodes["nodes"], &nodes["next_cursor"]), (200, &Value::Array(vec![]), &Value::Null));
    let (status, requests) = api.get("/v1/oracle/requests?status=open").await;
    assert_eq!((status, &requests["requests"]), (200, &Value::Array(vec![])));

    // a wallet, any case
    let owner = env.chain.accounts()[1].address();
    let (status, wallet) = api.get(&format!("/v1/wallets/{}", owner.to_string().to_lowercase())).await;
    assert_eq!(status, 200, "{wallet}");
    assert_eq!(wallet["address"], owner.to_checksum(None));
    assert_eq!(wallet["records_held"], 1);
    assert_eq!(wallet["records"][0]["schema_id"], "1");
    assert_eq!(api.get("/v1/wallets/0x000000000000000000000000000000000000dEaD").await.0, 404);
    let (status, tokens) = api.get("/v1/tokens").await;
    assert_eq!(status, 200);
    assert_eq!(tokens[0]["token"], env.masa().to_checksum(None));
    let (status, stats) = api.get("/v1/zksbt/stats").await;
    assert_eq!((status, &stats["counters"]["minted"]), (200, &Value::from(1)));
    assert_eq!(stats["trees"][0]["live"], 1, "{stats}");
    assert_eq!(wallet["records"][0]["tree_id"], 0);
    assert_eq!(api.get("/v1/fees").await.1["payments"][0]["payments"], 1);
    assert_eq!(api.get("/v1/governance/proposals").await.0, 200);
    let (status, activity) = api.get("/v1/activity?from_day=20000&days=3000").await;
    assert_eq!(status, 200);
    assert!(activity.as_array().is_some_and(|a| !a.is_empty()), "{activity}");

    // paging through every event returns each once, in chain order
    let all = store.events().await.unwrap();
    let mut seen = Vec::new();
    let mut path = "/v1/events?limit=7".to_owned();
    loop {
        let (status, page) = api.get(&path).await;
        assert_eq!(status, 200, "{page}");
        for e in page["events"].as_array().unwrap() {
            seen.push((e["block_number"].as_u64().unwrap(), e["log_index"].as_u64().unwrap()));
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/events?limit=7&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, all.iter().map(|e| (e.block_number, e.log_index)).collect::<Vec<_>>());
    let (_, transfers) = api.get("/v1/events?contract=MasaToken&event=Transfer&limit=1000").await;
    let expected = all.iter().filter(|e| e.contract == "MasaToken" && e.event == "Transfer").count();
    assert_eq!(transfers["events"].as_array().unwrap().len(), expected);
    // the ciphertext is never served
    let (_, minted) = api.get("/v1/events?contract=ZkSBT&event=RecordMinted").await;
    assert!(minted["events"][0]["args"]["ciphertext"]["length"].as_u64().unwrap() > 0, "{minted}");

    for bad in [
        "/v1/wallets/not-an-address",
        "/v1/wallets/0x1234",
        "/v1/events?limit=0",
        "/v1/events?limit=1001",
        "/v1/events?limit=-1",
        "/v1/events?cursor=abc",
        "/v1/events?cursor=1-2-3",
        "/v1/events?cursor=99999999999999999999-1",
        "/v1/events?from_block=x",
        "/v1/events?to_block=18446744073709551615",
        "/v1/events?address=0xzz",
        "/v1/events?tx_hash=0x12",
        "/v1/events?unknown=1",
        "/v1/events?contract=%27%3B%20DROP%20TABLE%20events%3B--&limit=abc",
        "/v1/activity",
        "/v1/activity?from_day=10&days=0",
        "/v1/activity?from_day=-1&days=1",
        "/v1/activity?from_day=0&days=99999",
        "/v1/governance/proposals?limit=100000",
        "/v1/governance/proposals?before_block=9223372036854775808",
    ] {
        let (status, body) = api.get(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"].as_str().is_some_and(|m| !m.is_empty()), "{bad}: {body}");
    }
    // a hostile string is only ever a bound value
    let (status, none) = api.get("/v1/events?contract=%27%3B%20DROP%20TABLE%20events%3B--").await;
    assert_eq!((status, none["events"].as_array().unwrap().len()), (200, 0));
    assert_eq!(store.count(None).await.unwrap() as usize, all.len());
    assert_eq!(api.get("/v1/nothing").await.0, 404);
}

/// `schemathesis` (from `PyPI`, installed by `make test`) against the `OpenAPI` document: generated and
/// hostile requests to every operation; no 5xx, every response as documented.
#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_finds_no_contract_violation() {
    let schemathesis =
        std::env::var_os("MASA_SCHEMATHESIS").map(std::path::PathBuf::from).unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap())
                .join(".cache/masa-network/tools/schemathesis/bin/schemathesis")
        });
    assert!(
        schemathesis.exists(),
        "{} is missing: run `make test` (it installs schemathesis)",
        schemathesis.display()
    );
    let env = Env::deployed().await;
    env.activity(0).await;
    // a data pool and an access pass, so their endpoints answer with one
    let key = masa_prover::delivery::DeliverySecretKey::generate().public_key().to_words();
    env.create_pool(4, key, 100, 1_000, 0).await;
    env.accept_pass(2, 4).await;
    // an oracle node and a request it answered, so the oracle endpoints answer with them
    let node_key = env.run_node(5, "https://node.example", MASA * U256::from(10_000)).await;
    env.fund(6, MASA * U256::from(10)).await;
    let spec = RequestSpec::new("web:v1", "https://example.org", MASA * U256::from(3), 1, 600);
    let posted = env.oracle(6).post(&spec).await.unwrap();
    let answer = IOracleNodes::Result {
        requestId: posted.request,
        resultHash: keccak256("the page"),
        configHash: keccak256("web:v1 test"),
    };
    let node = env.oracle(5);
    node.fulfill(vec![node.sign(&node_key, answer).unwrap()], vec![]).await.unwrap();
    let backend = Backend::sqlite();
    let store = backend.store("contract").await;
    let metrics = Arc::new(Metrics::default());
    env.indexer(store.clone()).with_metrics(metrics.clone()).sync_to(env.head().await).await.unwrap();
    metrics.set_synced(true);
    let base = Api::serve_with(&store, metrics).await.base;
    // schemathesis keeps a crash cache in its working directory: a temporary one
    let workdir = tempfile::tempdir().unwrap();
    let cwd = workdir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&schemathesis)
            .current_dir(cwd)
            .args(["run", &format!("{base}/openapi.json"), "--checks", "all", "--max-examples", "40"])
            .args(["--seed", "1", "--no-color"])
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "schemathesis found problems:\n{report}");
}
