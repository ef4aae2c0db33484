use masa_test_harness::{AnvilChain, RevmChain, scenarios::masa_token};

#[tokio::test]
async fn lifecycle_on_revm() {
    let gas = masa_token::lifecycle(&mut RevmChain::new()).await.unwrap();
    assert!(gas.transfer > 21_000 && gas.burn > 21_000, "{gas:?}");
}

#[tokio::test]
async fn lifecycle_on_anvil() {
    let mut chain = AnvilChain::spawn().unwrap();
    let gas = masa_token::lifecycle(&mut chain).await.unwrap();
    assert!(gas.transfer > 21_000 && gas.burn > 21_000, "{gas:?}");
}

/// Both backends run the same EVM rules with the same accounts: steps with identical calldata
/// cost identical gas. (`permit` is left out: its deadline, and so its calldata, follows each
/// chain's clock.)
#[tokio::test]
async fn backends_agree_on_gas() {
    let revm = masa_token::lifecycle(&mut RevmChain::new()).await.unwrap();
    let anvil = masa_token::lifecycle(&mut AnvilChain::spawn().unwrap()).await.unwrap();
    assert_eq!(
        (revm.deploy, revm.transfer, revm.delegate, revm.burn),
        (anvil.deploy, anvil.transfer, anvil.delegate, anvil.burn)
    );
}
