//! The data pool story with real delivery proofs on revm and on anvil: the same gas on both.

use crate::zksbt::root;
use masa_prover::{Circuit, Prover, keys::Keys, paths};
use masa_test_harness::{AnvilChain, RevmChain, scenarios::pools};

/// The development key the committed `DeliveryVerifier.sol` was generated from (the prover's
/// tests check that the two still match).
pub(crate) fn delivery_prover() -> Prover {
    let circuit = Circuit::Delivery;
    let keys =
        Keys::development(&root().join(circuit.r1cs()), paths::DEV_SEED).expect("run `make circuits` first");
    Prover::from_keys(keys, &root().join(circuit.wasm())).unwrap()
}

#[tokio::test]
async fn stake_and_earn_on_revm_and_anvil() {
    let mut prover = delivery_prover();
    let on_revm = pools::stake_and_earn(&mut RevmChain::new(), &mut prover).await.unwrap();
    let on_anvil = pools::stake_and_earn(&mut AnvilChain::spawn().unwrap(), &mut prover).await.unwrap();
    assert!(on_revm.stake_anonymous > 350_000, "a real Groth16 check of 27 inputs: {on_revm:?}");
    assert!(on_anvil.stake_direct > 350_000, "a real Groth16 check of 27 inputs: {on_anvil:?}");
    // creation costs the same on both a stake's and an unstake's gas depend on the second each
    // lands in (the accumulator's carry going from zero to non-zero costs a fresh slot), which
    // anvil takes from the wall clock while a proof is being made
    // (less the calldata's gas, which depends on the bytes of the timestamps)
    assert_eq!(on_revm.create_execution, on_anvil.create_execution, "same creation gas on both");
}
