//! The zkSBT stories with real proofs on revm and on anvil: the lifecycle, the attacks of the
//! hardening review (issue 12), and capacity renewing when a tree is full.

use masa_prover::{Prover, keys::Keys, paths};
use masa_test_harness::{AnvilChain, RevmChain, scenarios::zksbt};
use std::path::{Path, PathBuf};

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The development key the committed `DisclosureVerifier.sol` was generated from (the prover's
/// tests check that the two still match).
pub(crate) fn prover() -> Prover {
    let keys =
        Keys::development(&root().join(paths::R1CS), paths::DEV_SEED).expect("run `make circuits` first");
    Prover::from_keys(keys, &root().join(paths::WASM)).unwrap()
}

#[tokio::test]
async fn disclosure_lifecycle_on_revm() {
    let gas = zksbt::disclosure_lifecycle(&mut RevmChain::new(), &mut prover()).await.unwrap();
    assert!(gas.consume_direct > 200_000 && gas.burn > 0 && gas.revoke > 0, "{gas:?}");
}

#[tokio::test]
async fn disclosure_lifecycle_on_anvil() {
    let gas = zksbt::disclosure_lifecycle(&mut AnvilChain::spawn().unwrap(), &mut prover()).await.unwrap();
    assert!(gas.consume_direct > 200_000 && gas.burn > 0 && gas.revoke > 0, "{gas:?}");
}

#[tokio::test]
async fn hardening_attacks_fail_on_revm() {
    zksbt::attacks(&mut RevmChain::new(), &mut prover()).await.unwrap();
}

#[tokio::test]
async fn hardening_attacks_fail_on_anvil() {
    zksbt::attacks(&mut AnvilChain::spawn().unwrap(), &mut prover()).await.unwrap();
}

#[tokio::test]
async fn capacity_renews_on_revm() {
    zksbt::capacity_renews(&mut RevmChain::new(), &mut prover()).await.unwrap();
}

#[tokio::test]
async fn capacity_renews_on_anvil() {
    zksbt::capacity_renews(&mut AnvilChain::spawn().unwrap(), &mut prover()).await.unwrap();
}
