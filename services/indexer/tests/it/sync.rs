//! Backfill, derived state and reorgs (`anvil_reorg`, depth 1–10, while stopped and while
//! following live) on SQLite and PostgreSQL: at the end the index equals a fresh one.

use crate::support::{Backend, Env, Rng, assert_equals_fresh_index};
use alloy::{providers::ext::AnvilApi, rpc::types::anvil::ReorgOptions};
use masa_indexer::{
    indexer::IndexerError,
    store::{EventRow, StoreError},
};
use masa_test_harness::Chain;
use std::time::Duration;

async fn reorg(env: &Env, rng: &mut Rng) -> u64 {
    let depth = 1 + rng.below(10);
    env.provider.anvil_reorg(ReorgOptions { depth, tx_block_pairs: vec![] }).await.unwrap();
    env.provider.anvil_mine(Some(rng.below(4)), None).await.unwrap();
    depth
}

async fn lifecycle(backend: Backend, seed: u64) {
    let env = Env::deployed().await;
    env.activity(0).await;
    let store = backend.store("live").await;
    let mut indexer = env.indexer(store.clone());
    let head = env.head().await;
    let report = indexer.sync_to(head).await.unwrap();
    assert!(report.ranges > 3, "{report:?}");
    env.assert_matches_chain(&store, head).await;

    // derived state of one round of activity
    let stats = store.zksbt_stats().await.unwrap();
    assert_eq!((stats.counters["minted"], stats.active), (1, 1));
    assert_eq!(stats.counters["identities"], 1, "the wallet's first mint registers its identity");
    assert_eq!((stats.trees.len(), stats.trees[0].tree_id, stats.trees[0].live), (1, 0, 1));
    assert_eq!(stats.schemas[0].schema_id, "1");
    let owner = env.chain.accounts()[1].address().to_checksum(None);
    let wallet = store.wallet(&owner).await.unwrap().unwrap();
    assert_eq!((wallet.records_held, wallet.records_minted, wallet.records.len()), (1, 1, 1));
    assert_eq!((wallet.records[0].tree_id, wallet.records[0].leaf_index), (0, 0));
    assert_eq!(wallet.transfers_in, 1);
    let fees = store.fees().await.unwrap();
    assert_eq!(fees.payments[0].payments, 1);
    assert_eq!(
        fees.distribution["burned"],
        (masa_bindings::MASA * alloy::primitives::U256::from(20)).to_string()
    );
    let deployer = store.wallet(&env.chain.accounts()[0].address().to_checksum(None)).await.unwrap().unwrap();
    assert!(deployer.vested_released != "0" && deployer.fees_paid == 1, "{deployer:?}");
    assert!(!store.activity(0, i64::MAX / 2).await.unwrap().is_empty());
    // a re-run adds nothing
    assert_eq!(indexer.sync_to(head).await.unwrap().events, 0);

    // reorgs while the indexer is stopped
    let mut rng = Rng::new(seed);
    for round in 1..=3 {
        env.activity(round).await;
        indexer.sync_to(env.head().await).await.unwrap();
        let depth = reorg(&env, &mut rng).await;
        let head = env.head().await;
        let report = indexer.sync_to(head).await.unwrap();
        assert_eq!(report.reorgs, 1, "depth {depth}: {report:?}");
        env.assert_matches_chain(&store, head).await;
    }

    // reorgs while it follows the head
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let live = tokio::spawn(async move {
        indexer
            .follow(Duration::from_millis(20), async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        indexer
    });
    for round in 4..=6 {
        env.activity(round).await;
        tokio::time::sleep(Duration::from_millis(100 + 50 * rng.below(4))).await;
        reorg(&env, &mut rng).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    let mut indexer = live.await.unwrap();
    let head = env.head().await;
    indexer.sync_to(head).await.unwrap();
    env.assert_matches_chain(&store, head).await;
    assert_equals_fresh_index(&env, &backend, &store, head).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reorgs_on_sqlite() {
    lifecycle(Backend::sqlite(), 0x5eed_0001).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reorgs_on_postgres() {
    lifecycle(Backend::postgres(), 0x5eed_0002).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reorg_deeper_than_the_window_stops_with_an_error() {
    let env = Env::deployed().await;
    let backend = Backend::sqlite();
    let store = backend.store("shallow").await;
    let mut indexer =
        masa_indexer::indexer::Indexer::new(env.provider.clone(), store.clone(), &env.manifest, 2).unwrap();
    env.provider.anvil_mine(Some(6), None).await.unwrap();
    indexer.sync_to(env.head().await).await.unwrap();
    let before = store.events().await.unwrap();
    env.provider.anvil_reorg(ReorgOptions { depth: 5, tx_block_pairs: vec![] }).await.unwrap();
    let err = indexer.sync_to(env.head().await).await.unwrap_err();
    assert!(matches!(err, IndexerError::ReorgBeyondWindow { .. }), "{err}");
    assert!(err.to_string().contains("re-index"), "{err}");
    assert_eq!(store.events().await.unwrap(), before, "nothing was changed");
}

/// Raw logs of an index built before they were kept (migration 0008): NULL in every row.
async fn forget_raw_logs(url: &str) {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query("UPDATE events SET topics = NULL, data = NULL").execute(&pool).await.unwrap();
    pool.close().await;
}

async fn an_older_index_gets_the_raw_logs_of_its_window(backend: Backend) {
    let env = Env::deployed().await;
    env.activity(0).await;
    let store = backend.store("older").await;
    let head = env.head().await;
    env.indexer(store.clone()).sync_to(head).await.unwrap();
    forget_raw_logs(&backend.url("older")).await;
    // the window (the stored block hashes) gets its raw logs back from the RPC, and nothing else
    let oldest = store.blocks().await.unwrap().last().unwrap().number;
    let mut indexer = env.indexer(store.clone());
    indexer.sync_to(head).await.unwrap();
    let events = store.events().await.unwrap();
    assert!(events.iter().any(|e| e.log.is_some()) && events.iter().any(|e| e.log.is_none()));
    for e in &events {
        assert_eq!(e.log.is_some(), e.block_number >= oldest, "event {}:{}", e.block_number, e.log_index);
    }
    // so a reorg over those events rewinds them like any other
    env.provider.anvil_reorg(ReorgOptions { depth: 5, tx_block_pairs: vec![] }).await.unwrap();
    env.activity(1).await;
    let head = env.head().await;
    assert_eq!(indexer.sync_to(head).await.unwrap().reorgs, 1);
    env.assert_balances_match_chain(&store, head).await;
    let fresh = backend.store("fresh").await;
    env.indexer(fresh.clone()).sync_to(head).await.unwrap();
    assert_eq!(store.derived_state().await.unwrap(), fresh.derived_state().await.unwrap());
    let without_logs =
        |events: Vec<EventRow>| events.into_iter().map(|e| EventRow { log: None, ..e }).collect::<Vec<_>>();
    assert_eq!(without_logs(store.events().await.unwrap()), without_logs(fresh.events().await.unwrap()));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_index_gets_the_raw_logs_of_its_window_on_sqlite() {
    an_older_index_gets_the_raw_logs_of_its_window(Backend::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_index_gets_the_raw_logs_of_its_window_on_postgres() {
    an_older_index_gets_the_raw_logs_of_its_window(Backend::postgres()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reorg_over_events_without_raw_logs_the_rpc_lost_asks_for_a_re_index() {
    let env = Env::deployed().await;
    env.activity(0).await;
    let backend = Backend::sqlite();
    let store = backend.store("lost").await;
    let head = env.head().await;
    env.indexer(store.clone()).sync_to(head).await.unwrap();
    forget_raw_logs(&backend.url("lost")).await;
    // replaced while the indexer was stopped: anvil no longer has the blocks they were in
    env.provider.anvil_reorg(ReorgOptions { depth: 5, tx_block_pairs: vec![] }).await.unwrap();
    let ids =
        |events: Vec<EventRow>| events.iter().map(|e| (e.block_number, e.log_index)).collect::<Vec<_>>();
    let before = ids(store.events().await.unwrap());
    let err = env.indexer(store.clone()).sync_to(env.head().await).await.unwrap_err();
    assert!(matches!(err, IndexerError::Store(StoreError::NoRawLog { .. })), "{err}");
    assert!(err.to_string().contains("re-index from scratch"), "{err}");
    let after = store.events().await.unwrap();
    assert!(after.iter().filter(|e| e.block_number > head - 5).all(|e| e.log.is_none()));
    assert_eq!(ids(after), before, "no event was removed");
}
