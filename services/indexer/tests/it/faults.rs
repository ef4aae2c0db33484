//! Faults: a flaky RPC (drops, 429s, truncated answers, delays), `kill -9` of the binary during
//! backfill and during live follow, and a PostgreSQL outage while following. Each ends with the
//! index equal to a fresh one from scratch.

use crate::support::{Backend, Env, Rng, assert_equals_fresh_index};
use alloy::providers::{Provider, ProviderBuilder, ext::AnvilApi};
use masa_indexer::{indexer::Indexer, metrics::Metrics};
use masa_test_harness::FlakyRpc;
use std::{
    process::{Command, Stdio},
    sync::Arc,
    time::Duration,
};

#[tokio::test(flavor = "multi_thread")]
async fn a_flaky_rpc_yields_the_same_index_on_sqlite() {
    a_flaky_rpc_yields_the_same_index(Backend::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flaky_rpc_yields_the_same_index_on_postgres() {
    a_flaky_rpc_yields_the_same_index(Backend::postgres()).await;
}

async fn a_flaky_rpc_yields_the_same_index(backend: Backend) {
    let env = Env::deployed().await;
    env.activity(0).await;
    env.activity(1).await;
    let url: url::Url = env.chain.endpoint().parse().unwrap();
    let upstream = std::net::SocketAddr::from(([127, 0, 0, 1], url.port().unwrap()));
    let proxy = FlakyRpc::start(upstream, 30, 0xf1a4).await.unwrap();
    let flaky = ProviderBuilder::new().connect_http(proxy.url().parse().unwrap()).erased();
    let store = backend.store("flaky").await;
    let mut indexer = Indexer::new(flaky, store.clone(), &env.manifest, 16).unwrap();
    indexer.range.size = 2;
    indexer.range.max = 8;
    let head = env.head().await;
    indexer.sync_to(head).await.unwrap();
    assert!(proxy.counts.faults() > 10, "the proxy injected faults: {:?}", proxy.counts);
    env.assert_matches_chain(&store, head).await;
    assert_equals_fresh_index(&env, &backend, &store, head).await;
}

fn indexer_binary(env: &Env, database_url: &str, once: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_masa-indexer"));
    // the manifest is `<deployments>/anvil.json`, found by the RPC's chain id (masa_sdk::target)
    cmd.args(["--rpc-url", &env.chain.endpoint()])
        .arg("--deployments")
        .arg(env.deployments.path())
        .args(["--database-url", database_url, "--finality-depth", "16", "--max-range", "4"])
        .args(["--poll-ms", "20", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if once {
        cmd.arg("--once");
    }
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_backfill_and_follow_loses_nothing_on_sqlite() {
    kill_9_during_backfill_and_follow_loses_nothing(Backend::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_backfill_and_follow_loses_nothing_on_postgres() {
    kill_9_during_backfill_and_follow_loses_nothing(Backend::postgres()).await;
}

async fn kill_9_during_backfill_and_follow_loses_nothing(backend: Backend) {
    let env = Env::deployed().await;
    env.activity(0).await;
    // a longer chain, so that a kill lands mid-backfill
    env.provider.anvil_mine(Some(2_000), None).await.unwrap();
    let backfill_head = env.head().await;
    let url = backend.url("killed");
    let mut rng = Rng::new(0x9);
    for round in 1..=4 {
        let mut child = indexer_binary(&env, &url, false).spawn().unwrap();
        if round > 2 {
            env.activity(round).await; // while it follows
        }
        tokio::time::sleep(Duration::from_millis(150 + 100 * rng.below(6))).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if round == 1 {
            let store = backend.store("killed").await;
            let reached = store.checkpoint().await.unwrap().map_or(0, |c| c.number);
            assert!(reached < backfill_head, "the first kill landed during the backfill ({reached})");
        }
    }
    let status = indexer_binary(&env, &url, true).status().unwrap();
    assert!(status.success());
    let store = backend.store("killed").await;
    let head = env.head().await;
    assert_eq!(store.checkpoint().await.unwrap().unwrap().number, head);
    env.assert_matches_chain(&store, head).await;
    assert_equals_fresh_index(&env, &backend, &store, head).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_outage_pauses_and_resumes() {
    let env = Env::deployed().await;
    let Backend::Postgres(pg) = Backend::postgres() else { unreachable!() };
    let backend = Backend::Postgres(pg);
    let store = backend.store("outage").await;
    let metrics = Arc::new(Metrics::default());
    let mut indexer = Indexer::new(env.provider.clone(), store.clone(), &env.manifest, 16)
        .unwrap()
        .with_metrics(metrics.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let live = tokio::spawn(async move {
        indexer
            .follow(Duration::from_millis(20), async {
                let _ = stopped.await;
            })
            .await
    });
    let Backend::Postgres(pg) = &backend else { unreachable!() };
    pg.stop().unwrap();
    env.activity(0).await;
    // Wait until the outage is seen (a sync fails once the pool's wait for a connection ends)
    // rather than for a fixed time: an outage shorter than that wait is never noticed.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while metrics.db_errors.get() == 0 {
        assert!(!live.is_finished(), "the indexer stopped: {:?}", live.await);
        assert!(std::time::Instant::now() < deadline, "the outage was not seen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!metrics.is_synced());
    pg.resume().unwrap();
    let head = env.head().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while store.checkpoint().await.ok().flatten().is_none_or(|c| c.number < head) {
        assert!(!live.is_finished(), "the indexer stopped: {:?}", live.await);
        assert!(std::time::Instant::now() < deadline, "the indexer did not resume");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send(()).unwrap();
    live.await.unwrap().unwrap();
    env.assert_matches_chain(&store, head).await;
    assert_equals_fresh_index(&env, &backend, &store, head).await;
}
