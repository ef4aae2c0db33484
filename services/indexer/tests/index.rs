//! The indexer against a real anvil with the deployed suite: every event once, nothing
//! invented, idempotent re-runs, and a reorg (snapshot/revert) rewound to match a fresh index.

use alloy::{
    network::EthereumWallet,
    providers::{Provider, ProviderBuilder, ext::AnvilApi},
    rpc::types::Filter,
};
use masa_bindings::contracts::MasaToken;
use masa_cli::deploy::{DeployConfig, deploy};
use masa_indexer::{indexer::Indexer, store::Store};
use masa_test_harness::{AnvilChain, Chain};
use std::{path::PathBuf, time::Duration};

async fn sqlite(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::connect(&format!("sqlite://{}/{name}.db", dir.path().display())).await.unwrap()
}

#[tokio::test]
async fn indexes_every_event_once_and_survives_a_reorg() {
    let chain = AnvilChain::spawn().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let config = DeployConfig {
        rpc_url: chain.endpoint().parse().unwrap(),
        network: None,
        deployments_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deployments"),
        manifest: Some(tmp.path().join("anvil.json")),
        params: None,
        timeout: Duration::from_secs(10),
    };
    let deployer = chain.accounts()[0].clone();
    let manifest = deploy(&config, deployer.clone()).await.unwrap().manifest;
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(deployer.clone()))
        .connect_http(chain.endpoint().parse().unwrap());

    // small ranges, so the backfill commits many checkpoints
    let mut indexer = Indexer::new(provider.clone(), sqlite(&tmp, "live").await, &manifest, 16).unwrap();
    indexer.range.size = 1;
    indexer.range.max = 4;
    let head = provider.get_block_number().await.unwrap();
    let report = indexer.sync_to(head).await.unwrap();
    let start = manifest.contracts.values().map(|d| d.block_number).min().unwrap();
    let addresses: Vec<_> = manifest.contracts.values().map(|d| d.address).collect();
    let expected = provider
        .get_logs(&Filter::new().address(addresses.clone()).from_block(start).to_block(head))
        .await
        .unwrap();
    assert_eq!(report.events as usize, expected.len());
    assert!(report.ranges > 3, "{report:?}");
    let store = indexer.store().clone();
    assert_eq!(store.count(None).await.unwrap() as usize, expected.len());
    let events = store.events().await.unwrap();
    assert!(events.iter().any(|e| e.contract == "MasaToken" && e.event == "Transfer"));
    assert!(events.iter().any(|e| e.contract == "MasaGenesis" && e.event == "AllocationCreated"));
    // a re-run adds nothing
    assert_eq!(indexer.sync_to(head).await.unwrap().events, 0);
    assert_eq!(store.count(None).await.unwrap() as usize, expected.len());

    // a reorg: events in blocks that are then replaced
    let snapshot = provider.anvil_snapshot().await.unwrap();
    let token = MasaToken::new(manifest.address_of("MasaToken").unwrap(), &provider);
    token.delegate(deployer.address()).send().await.unwrap().get_receipt().await.unwrap();
    let head = provider.get_block_number().await.unwrap();
    indexer.sync_to(head).await.unwrap();
    assert!(store.events().await.unwrap().iter().any(|e| e.event == "DelegateChanged"));
    assert!(provider.anvil_revert(snapshot).await.unwrap());
    provider.anvil_mine(Some(3), None).await.unwrap();
    let head = provider.get_block_number().await.unwrap();
    let report = indexer.sync_to(head).await.unwrap();
    assert!(report.rewound >= 1, "{report:?}");
    let after = store.events().await.unwrap();
    assert!(!after.iter().any(|e| e.event == "DelegateChanged"), "the replaced block's event is gone");

    // the database equals a fresh index from scratch, row for row
    let mut fresh = Indexer::new(provider.clone(), sqlite(&tmp, "fresh").await, &manifest, 16).unwrap();
    fresh.sync_to(head).await.unwrap();
    assert_eq!(fresh.store().events().await.unwrap(), after);
}
