use masa_test_harness::{AnvilChain, RevmChain, scenarios::fees};

#[tokio::test]
async fn dao_changes_the_burn_share_on_revm() {
    let gas = fees::dao_changes_the_burn_share(&mut RevmChain::new()).await.unwrap();
    assert!(gas.swap_path > gas.masa_path, "{gas:?}");
}

#[tokio::test]
async fn dao_changes_the_burn_share_on_anvil() {
    let gas = fees::dao_changes_the_burn_share(&mut AnvilChain::spawn().unwrap()).await.unwrap();
    assert!(gas.swap_path > gas.masa_path, "{gas:?}");
}
