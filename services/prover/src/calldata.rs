//! Proofs as the EVM sees them: `verifyProof(uint256[8] proof, uint256[11] input)` of the
//! generated verifier, and the JSON proof file `masa-prover prove` writes.
//!
//! The proof words are A, B, C in EIP-197 order (`[A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y]`,
//! imaginary part first in G2), as `taceo_groth16_sol::prepare_uncompressed_proof` makes them.

use crate::{
    DisclosureProof, Timings,
    field::{to_fr, to_u256, to_u256_fq},
    keys::Keys,
    prover::PUBLIC_INPUTS,
};
use alloy::primitives::U256;
use anyhow::{Result, bail};
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ff::PrimeField;
use ark_groth16::{Groth16, Proof, prepare_verifying_key};
use serde::{Deserialize, Serialize};

/// The proof as `uint256[8]` for the verifier.
pub fn proof_words(proof: &Proof<Bn254>) -> [U256; 8] {
    taceo_groth16_sol::prepare_uncompressed_proof(proof)
}

/// The public inputs as `uint256[11]`, in the circuit's order.
pub fn input_words(public_inputs: &[Fr; PUBLIC_INPUTS]) -> [U256; PUBLIC_INPUTS] {
    public_inputs.map(to_u256)
}

/// A proof file: calldata for `verifyProof(uint256[8], uint256[11])`, and how long it took.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProofFile {
    /// A, B, C in EIP-197 order.
    pub proof: [U256; 8],
    /// The 10 public inputs.
    pub public_inputs: [U256; PUBLIC_INPUTS],
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

impl From<(&DisclosureProof, Timings)> for ProofFile {
    fn from((proof, timings): (&DisclosureProof, Timings)) -> Self {
        Self {
            proof: proof_words(&proof.proof),
            public_inputs: input_words(&proof.public_inputs),
            timings_ms: timings.into(),
        }
    }
}

impl ProofFile {
    /// The proof and public inputs back as field and curve elements (every point checked on
    /// the curve and in the subgroup, every input below p).
    pub fn to_proof(&self) -> Result<DisclosureProof> {
        let proof = proof_from_words(&self.proof)?;
        let mut public_inputs = [Fr::from(0u64); PUBLIC_INPUTS];
        for (out, &word) in public_inputs.iter_mut().zip(&self.public_inputs) {
            *out = to_fr("public input", word)?;
        }
        Ok(DisclosureProof { proof, public_inputs })
    }
}

/// Verifies calldata-shaped proof and inputs against `keys`.
pub fn verify_calldata(keys: &Keys, file: &ProofFile) -> Result<bool> {
    let proof = file.to_proof()?;
    let pvk = prepare_verifying_key(&keys.pk.vk);
    Ok(Groth16::<Bn254>::verify_proof(&pvk, &proof.proof, &proof.public_inputs).unwrap_or(false))
}

/// Parses `[A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y]` back into a proof (points checked).
pub fn proof_from_words(words: &[U256; 8]) -> Result<Proof<Bn254>> {
    let fq = |w: U256| -> Result<Fq> {
        let f = Fq::from_be_bytes_mod_order(&w.to_be_bytes::<32>());
        if to_u256_fq(f) != w {
            bail!("proof coordinate {w} is not a base field element");
        }
        Ok(f)
    };
    let g1 = |x, y| -> Result<G1Affine> {
        let p = G1Affine::new_unchecked(fq(x)?, fq(y)?);
        if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
            bail!("proof point is not on the curve");
        }
        Ok(p)
    };
    let b = G2Affine::new_unchecked(
        Fq2::new(fq(words[3])?, fq(words[2])?),
        Fq2::new(fq(words[5])?, fq(words[4])?),
    );
    if !b.is_on_curve() || !b.is_in_correct_subgroup_assuming_on_curve() {
        bail!("proof point B is not on the curve");
    }
    Ok(Proof { a: g1(words[0], words[1])?, b, c: g1(words[6], words[7])? })
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
pub fn from_snarkjs(proof: &serde_json::Value) -> Result<[U256; 8]> {
    let n = |v: &serde_json::Value| -> Result<U256> {
        match v.as_str().map(str::parse::<U256>) {
            Some(Ok(n)) => Ok(n),
            _ => bail!("not a snarkjs proof: {v} is not a decimal string"),
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
        assert_eq!(from_snarkjs(&to_snarkjs(&words)).unwrap(), words);
        let mut off_curve = words;
        off_curve[1] += U256::from(1);
        assert!(proof_from_words(&off_curve).is_err());
        let mut too_big = words;
        too_big[0] = U256::MAX;
        assert!(proof_from_words(&too_big).is_err());
    }
}
