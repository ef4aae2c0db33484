//! The access pass story with a real delivery proof on revm and on anvil: the same gas on both
//! for what does not depend on the second a transaction lands in.

use crate::pools::delivery_prover;
use masa_test_harness::{AnvilChain, RevmChain, scenarios::passes};

#[tokio::test]
async fn buy_use_revoke_expire_on_revm_and_anvil() {
    let mut prover = delivery_prover();
    let on_revm = passes::buy_use_revoke_expire(&mut RevmChain::new(), &mut prover).await.unwrap();
    let on_anvil =
        passes::buy_use_revoke_expire(&mut AnvilChain::spawn().unwrap(), &mut prover).await.unwrap();
    assert!(on_revm.deliver > 350_000, "a real Groth16 check of 27 inputs: {on_revm:?}");
    assert_eq!(on_revm.request_use, on_anvil.request_use, "same requestUse gas on both");
    assert_eq!(on_revm.close, on_anvil.close, "same close gas on both");
}
