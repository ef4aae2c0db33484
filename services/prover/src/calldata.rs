//! Proofs as the EVM and snarkjs see them: `verifyProof(uint256[8] proof, uint256[N] input)`
//! of the generated verifiers (N = 12 for disclosures, 27 for deliveries), the JSON proof file
//! `masa-prover prove` writes, and snarkjs's `proof.json`.

pub use crate::proof::{proof_from_words, proof_words};
use crate::{
    ProverError,
    inputs::{PublicInputs, PublicSignals},
    keys::Keys,
    proof::{CircuitProof, Timings},
};
use alloy::primitives::U256;
use ark_groth16::prepare_verifying_key;
use serde::{Deserialize, Serialize};

/// A proof file: calldata for `verifyProof(uint256[8], uint256[N])`, and how long it took. `I`
/// is the circuit's public inputs: [`PublicInputs`] (12, the default) or
/// [`crate::DeliveryPublicInputs`] (27).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(serialize = "", deserialize = ""))]
pub struct ProofFile<I: PublicSignals = PublicInputs> {
    /// A, B, C in EIP-197 order.
    pub proof: [U256; 8],
    /// The public inputs, in circuit order (e.g. [`PublicInputs::NAMES`]).
    pub public_inputs: I::Words,
    /// Stage timings of the run that made it, in milliseconds.
    #[serde(default)]
    pub timings_ms: TimingsMs,
}

/// [`Timings`] in milliseconds, for JSON.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimingsMs {
    /// Compiling or loading the witness code.
    pub witness_code: f64,
    /// Loading the proving key.
    pub key_load: f64,
    /// Witness generation and constraint check.
    pub witness: f64,
    /// Groth16 proving.
    pub prove: f64,
}

impl From<Timings> for TimingsMs {
    fn from(t: Timings) -> Self {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        Self {
            witness_code: ms(t.witness_code),
            key_load: ms(t.key_load),
            witness: ms(t.witness),
            prove: ms(t.prove),
        }
    }
}

impl<I: PublicSignals> From<(&CircuitProof<I>, Timings)> for ProofFile<I> {
    fn from((proof, timings): (&CircuitProof<I>, Timings)) -> Self {
        Self {
            proof: proof.proof_calldata(),
            public_inputs: proof.inputs_calldata(),
            timings_ms: timings.into(),
        }
    }
}

impl<I: PublicSignals> ProofFile<I> {
    /// The proof and public inputs back as field and curve elements (every point checked on
    /// the curve and in the subgroup, every input below p).
    pub fn to_proof(&self) -> Result<CircuitProof<I>, ProverError> {
        Ok(CircuitProof {
            proof: proof_from_words(&self.proof)?,
            public_inputs: I::parse_words(&self.public_inputs)?,
        })
    }
}

/// Verifies calldata-shaped proof and inputs against `keys`.
pub fn verify_calldata<I: PublicSignals>(keys: &Keys, file: &ProofFile<I>) -> Result<bool, ProverError> {
    Ok(file.to_proof()?.verify(&prepare_verifying_key(&keys.pk.vk)))
}

/// The proof in snarkjs's `proof.json` shape (decimal strings, projective `1` coordinates), so
/// `snarkjs groth16 verify` can check it.
pub fn to_snarkjs(words: &[U256; 8]) -> serde_json::Value {
    let d = |i: usize| words[i].to_string();
    serde_json::json!({
        "pi_a": [d(0), d(1), "1"],
        "pi_b": [[d(3), d(2)], [d(5), d(4)], ["1", "0"]],
        "pi_c": [d(6), d(7), "1"],
        "protocol": "groth16",
        "curve": "bn128"
    })
}

/// The words of a snarkjs `proof.json` (the inverse of [`to_snarkjs`]).
pub fn from_snarkjs(proof: &serde_json::Value) -> Result<[U256; 8], ProverError> {
    let n = |v: &serde_json::Value| -> Result<U256, ProverError> {
        match v.as_str().map(str::parse::<U256>) {
            Some(Ok(n)) => Ok(n),
            _ => Err(ProverError::Calldata(format!("not a snarkjs proof: {v} is not a decimal string"))),
        }
    };
    Ok([
        n(&proof["pi_a"][0])?,
        n(&proof["pi_a"][1])?,
        n(&proof["pi_b"][0][1])?,
        n(&proof["pi_b"][0][0])?,
        n(&proof["pi_b"][1][1])?,
        n(&proof["pi_b"][1][0])?,
        n(&proof["pi_c"][0])?,
        n(&proof["pi_c"][1])?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proof::DisclosureProof;
    use ark_bn254::{Bn254, Fr, G1Affine, G2Affine};
    use ark_ec::AffineRepr;
    use ark_groth16::Proof;

    #[test]
    fn snarkjs_and_file_shapes_roundtrip() {
        let proof = Proof::<Bn254> {
            a: G1Affine::generator(),
            b: G2Affine::generator(),
            c: (G1Affine::generator() * Fr::from(3u64)).into(),
        };
        let words = proof_words(&proof);
        assert_eq!(from_snarkjs(&to_snarkjs(&words)).unwrap(), words);
        assert!(from_snarkjs(&serde_json::json!({"pi_a": [1, 2]})).is_err());
        let public_inputs = PublicInputs { scope: Fr::from(5u64), ..PublicInputs::default() };
        let disclosure = DisclosureProof { proof, public_inputs };
        let file = ProofFile::from((&disclosure, Timings::default()));
        let json = serde_json::to_value(&file).unwrap();
        assert_eq!(json["publicInputs"].as_array().unwrap().len(), 12);
        let back: ProofFile = serde_json::from_value(json).unwrap();
        assert_eq!(back.to_proof().unwrap(), disclosure);
        let mut bad = back;
        bad.public_inputs[0] = crate::field::MODULUS;
        assert!(matches!(bad.to_proof(), Err(ProverError::NotInField(_))));
    }
}
