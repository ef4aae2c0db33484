use masa_test_harness::{AnvilChain, RevmChain, scenarios::governance};

#[tokio::test]
async fn dao_raises_its_timelock_delay_on_revm() {
    let gas = governance::raise_timelock_delay(&mut RevmChain::new()).await.unwrap();
    assert!(gas.propose > 0 && gas.execute > 0, "{gas:?}");
}

#[tokio::test]
async fn dao_raises_its_timelock_delay_on_anvil() {
    let gas = governance::raise_timelock_delay(&mut AnvilChain::spawn().unwrap()).await.unwrap();
    assert!(gas.propose > 0 && gas.execute > 0, "{gas:?}");
}
