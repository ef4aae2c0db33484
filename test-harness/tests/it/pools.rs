//! The data pool story with real proofs on revm and on anvil: the same gas on both.

use crate::zksbt::prover;
use masa_test_harness::{AnvilChain, RevmChain, scenarios::pools};

#[tokio::test]
async fn stake_and_earn_on_revm_and_anvil() {
    let on_revm = pools::stake_and_earn(&mut RevmChain::new(), &mut prover()).await.unwrap();
    let on_anvil = pools::stake_and_earn(&mut AnvilChain::spawn().unwrap(), &mut prover()).await.unwrap();
    assert!(on_revm.stake_anonymous > 250_000, "a real Groth16 check: {on_revm:?}");
    assert!(on_anvil.stake_direct > 250_000, "a real Groth16 check: {on_anvil:?}");
    assert_eq!((on_revm.create, on_revm.unstake), (on_anvil.create, on_anvil.unstake), "same gas on both");
}
