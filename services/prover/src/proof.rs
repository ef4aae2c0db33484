//! A proof of one of the crate's circuits: the Groth16 proof with its named public inputs
//! ([`DisclosureProof`], [`DeliveryProof`]), its EVM encoding (`uint256[8]`: A, B, C in EIP-197
//! order, `[A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y]`, imaginary part first in G2, as
//! `taceo_groth16_sol::prepare_uncompressed_proof` makes them), and where the time to make it
//! went.

use crate::{
    ProverError,
    delivery::{CIPHERTEXT, DeliveryPublicInputs},
    field::to_u256_fq,
    inputs::{PublicInputs, PublicSignals},
};
use alloy::primitives::U256;
use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G2Affine};
use ark_ff::PrimeField;
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof};
use std::time::Duration;

/// A proof with its public inputs (`I`: the circuit's [`PublicSignals`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitProof<I> {
    /// The Groth16 proof.
    pub proof: Proof<Bn254>,
    /// The public inputs, by name.
    pub public_inputs: I,
}

/// A proof of the disclosure circuit.
pub type DisclosureProof = CircuitProof<PublicInputs>;

/// A proof of the delivery circuit.
pub type DeliveryProof = CircuitProof<DeliveryPublicInputs>;

impl<I: PublicSignals> CircuitProof<I> {
    /// The proof as the generated Solidity verifier takes it: A, B, C in EIP-197 encoding.
    pub fn proof_calldata(&self) -> [U256; 8] {
        proof_words(&self.proof)
    }

    /// The public inputs as the verifier's `uint256[N]`.
    pub fn inputs_calldata(&self) -> I::Words {
        self.public_inputs.words()
    }

    /// Whether the proof verifies against `pvk` with its public inputs.
    pub fn verify(&self, pvk: &PreparedVerifyingKey<Bn254>) -> bool {
        Groth16::<Bn254>::verify_proof(pvk, &self.proof, &self.public_inputs.signals()).unwrap_or(false)
    }
}

impl DisclosureProof {
    /// The nullifier.
    pub fn nullifier(&self) -> U256 {
        self.public_inputs.nullifier()
    }

    /// The root: the token's leaf in direct mode, a tree root in anonymous mode.
    pub fn root(&self) -> U256 {
        self.public_inputs.root()
    }
}

impl DeliveryProof {
    /// The disclosure's nullifier.
    pub fn nullifier(&self) -> U256 {
        self.public_inputs.disclosure.nullifier()
    }

    /// The disclosure's root.
    pub fn root(&self) -> U256 {
        self.public_inputs.disclosure.root()
    }

    /// The ciphertext (9 released elements and the tag) as `uint256`s.
    pub fn ciphertext(&self) -> [U256; CIPHERTEXT] {
        self.public_inputs.ciphertext.map(crate::field::to_u256)
    }
}

/// Where time went, for `--timings` and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Compiling or loading the witness code.
    pub witness_code: Duration,
    /// Loading the proving key.
    pub key_load: Duration,
    /// Computing the witness.
    pub witness: Duration,
    /// The Groth16 prover, and the verification of its proof.
    pub prove: Duration,
}

/// The proof as `uint256[8]` for the verifier.
pub fn proof_words(proof: &Proof<Bn254>) -> [U256; 8] {
    taceo_groth16_sol::prepare_uncompressed_proof(proof)
}

/// Parses `[A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y]` back into a proof (every coordinate
/// checked below q, every point on the curve and in the subgroup).
pub fn proof_from_words(words: &[U256; 8]) -> Result<Proof<Bn254>, ProverError> {
    let fq = |w: U256| -> Result<Fq, ProverError> {
        let f = Fq::from_be_bytes_mod_order(&w.to_be_bytes::<32>());
        if to_u256_fq(f) != w {
            return Err(ProverError::Calldata(format!("proof coordinate {w} is not a base field element")));
        }
        Ok(f)
    };
    let g1 = |x, y, name: &str| -> Result<G1Affine, ProverError> {
        let p = G1Affine::new_unchecked(fq(x)?, fq(y)?);
        if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
            return Err(ProverError::Calldata(format!("proof point {name} is not on the curve")));
        }
        Ok(p)
    };
    let b = G2Affine::new_unchecked(
        Fq2::new(fq(words[3])?, fq(words[2])?),
        Fq2::new(fq(words[5])?, fq(words[4])?),
    );
    if !b.is_on_curve() || !b.is_in_correct_subgroup_assuming_on_curve() {
        return Err(ProverError::Calldata("proof point B is not on the curve".into()));
    }
    Ok(Proof { a: g1(words[0], words[1], "A")?, b, c: g1(words[6], words[7], "C")? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_ec::AffineRepr;

    #[test]
    fn words_roundtrip_and_reject_junk() {
        let proof = Proof::<Bn254> {
            a: G1Affine::generator(),
            b: G2Affine::generator(),
            c: (G1Affine::generator() * Fr::from(3u64)).into(),
        };
        let words = proof_words(&proof);
        assert_eq!(proof_from_words(&words).unwrap(), proof);
        let mut off_curve = words;
        off_curve[1] += U256::from(1);
        assert!(proof_from_words(&off_curve).is_err());
        let mut too_big = words;
        too_big[0] = U256::MAX;
        assert!(proof_from_words(&too_big).is_err());
    }
}
