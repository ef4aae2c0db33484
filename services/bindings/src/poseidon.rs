//! `PoseidonT5` (`Poseidon_4`: the zkSBT issuer sets) and `PoseidonT6` (`Poseidon_5`: the zkSBT
//! tree leaves), linked libraries of the registry, bound from the creation code npm
//! `poseidon-solidity` publishes for its canonical deployments (reshaped into
//! `contracts/external/poseidon` by `tools/external-artifacts`, bytecode unchanged).
//!
//! Why not our own build of the same sources: these libraries are hand-written assembly that the
//! optimizer settings of our suite (10,000 runs) make about twice as expensive (a `Poseidon_5`
//! hash costs 163k gas compiled by us, ~75k as published), and the leaf hash is the largest
//! part of a mint. The forge tests link forge's own build (same source and function), so their
//! gas snapshot shows the dearer hash; deployments and the Rust scenarios use these.

// Generated from the one-function ABI.
#![allow(missing_docs)]

use alloy::sol;

sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    PoseidonT5,
    "../../contracts/external/poseidon/PoseidonT5.json"
);

sol!(
    #[sol(rpc)]
    #[derive(Debug, PartialEq, Eq)]
    PoseidonT6,
    "../../contracts/external/poseidon/PoseidonT6.json"
);
