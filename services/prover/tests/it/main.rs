//! The prover's integration tests, one binary: real Groth16 proofs of both circuits
//! (circuits/build, from `make circuits`) with development keys made here from the r1cs.

mod delivery;
mod disclosure;
