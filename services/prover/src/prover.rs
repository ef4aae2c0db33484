//! The prover: keys and compiled witness code loaded once, then proofs on demand.

use crate::{
    ProverError,
    field::{to_fr, to_u256},
    groth16::create_proof_no_zk,
    keys::{Keys, Matrices},
    merkle::{MAX_DEPTH, MerkleProof},
    poseidon,
    record::Record,
    statement::{Mode, Statement},
    witness::{WitnessCodeSource, Witnesser},
};
use alloy::primitives::U256;
use ark_bn254::{Bn254, Fr};
use ark_ec::AffineRepr;
use ark_ff::Zero;
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, prepare_verifying_key};
use num_bigint::{BigInt, Sign};
use rand_core::OsRng;
use std::{
    path::Path,
    time::{Duration, Instant},
};

/// Number of public inputs of the disclosure circuit.
pub const PUBLIC_INPUTS: usize = 11;

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

/// A proof with its public inputs, in the circuit's order (circuits/disclosure.md).
#[derive(Debug, Clone, PartialEq)]
pub struct DisclosureProof {
    /// The Groth16 proof.
    pub proof: Proof<Bn254>,
    /// mode, root, schemaId, fieldIndex, operator, operandA, operandB, scope, nullifier,
    /// messageHash, validUntil.
    pub public_inputs: [Fr; PUBLIC_INPUTS],
}

impl DisclosureProof {
    /// The proof as the generated Solidity verifier takes it: A, B, C in EIP-197 encoding.
    pub fn proof_calldata(&self) -> [U256; 8] {
        crate::calldata::proof_words(&self.proof)
    }

    /// The public inputs as `uint256[11]`.
    pub fn inputs_calldata(&self) -> [U256; PUBLIC_INPUTS] {
        crate::calldata::input_words(&self.public_inputs)
    }

    /// The nullifier (public input 8).
    pub fn nullifier(&self) -> U256 {
        to_u256(self.public_inputs[8])
    }

    /// The root (public input 1): the commitment in direct mode, a tree root otherwise.
    pub fn root(&self) -> U256 {
        to_u256(self.public_inputs[1])
    }
}

/// Loads once, proves many times.
#[derive(Debug)]
pub struct Prover {
    keys: Keys,
    pvk: PreparedVerifyingKey<Bn254>,
    witnesser: Witnesser,
    /// Time spent loading, by stage (`witness`/`prove` stay zero).
    pub load_timings: Timings,
}

impl Prover {
    /// Loads the proving key at `key_path` and the witness code at `wasm_path`; with
    /// `r1cs_path`, refuses a key made for another build of the circuit.
    pub fn load(
        key_path: &Path,
        wasm_path: &Path,
        r1cs_sha256: Option<[u8; 32]>,
    ) -> Result<Self, ProverError> {
        let start = Instant::now();
        let witnesser = tracing::info_span!("witness_code").in_scope(|| Witnesser::load(wasm_path))?;
        let witness_code = start.elapsed();
        tracing::debug!(?witness_code, source = ?witnesser.source, "witness code ready");
        let start = Instant::now();
        let keys = tracing::info_span!("key_load").in_scope(|| Keys::load(key_path, r1cs_sha256))?;
        let pvk = prepare_verifying_key(&keys.pk.vk);
        let key_load = start.elapsed();
        tracing::debug!(?key_load, origin = ?keys.origin, "proving key loaded");
        Ok(Self {
            keys,
            pvk,
            witnesser,
            load_timings: Timings { witness_code, key_load, ..Timings::default() },
        })
    }

    /// From an in-memory key (tests, `setup` followed by a proof).
    pub fn from_keys(keys: Keys, wasm_path: &Path) -> Result<Self, ProverError> {
        let start = Instant::now();
        let witnesser = Witnesser::load(wasm_path)?;
        let pvk = prepare_verifying_key(&keys.pk.vk);
        let load_timings = Timings { witness_code: start.elapsed(), ..Timings::default() };
        Ok(Self { keys, pvk, witnesser, load_timings })
    }

    /// Whether the witness code came from the compiled-module cache.
    pub fn witness_code_source(&self) -> WitnessCodeSource {
        self.witnesser.source
    }

    /// The keys in use.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Proves `statement` about `record`. Anonymous mode needs the record's membership proof
    /// in the registry's tree. Fails with a clear error, before any proving work, when the
    /// statement is false or the inputs are inconsistent.
    pub fn prove(
        &mut self,
        record: &Record,
        statement: &Statement,
        membership: Option<&MerkleProof>,
    ) -> Result<(DisclosureProof, Timings), ProverError> {
        let start = Instant::now();
        let span = tracing::info_span!("witness").entered();
        let CircuitInputs { named: inputs, public } = circuit_inputs(record, statement, membership)?;
        let assignment = self.witnesser.witness(inputs)?;
        let m = &self.keys.matrices;
        if assignment.len() as u64 != m.num_wires {
            return Err(ProverError::Witness(format!(
                "the witness code produced {} wires, the key's circuit has {}: witness code and key are from different builds",
                assignment.len(),
                m.num_wires
            )));
        }
        if assignment[1..=PUBLIC_INPUTS] != public {
            return Err(ProverError::Witness(
                "the witness's public inputs differ from the statement's".into(),
            ));
        }
        let witness_time = start.elapsed();
        drop(span);
        tracing::debug!(witness = ?witness_time, "witness computed");

        let start = Instant::now();
        let _span = tracing::info_span!("prove").entered();
        let proof = self.prove_assignment(&assignment, public)?;
        let prove_time = start.elapsed();
        tracing::debug!(prove = ?prove_time, "Groth16 proof, verified");
        Ok((proof, Timings { witness: witness_time, prove: prove_time, ..Timings::default() }))
    }

    /// The proof for a full assignment, verified.
    fn prove_assignment(
        &self,
        assignment: &[Fr],
        public: [Fr; PUBLIC_INPUTS],
    ) -> Result<DisclosureProof, ProverError> {
        let m = &self.keys.matrices;
        // The proof with r = s = 0, then randomised (see `groth16`): a fresh, zero-knowledge
        // proof. Should the unrandomised one be degenerate (A = 0 or B = 0: negligible odds),
        // randomising would not hide it, so it is refused.
        let fixed = create_proof_no_zk(&self.keys.pk, &self.keys.tables, m, assignment)?;
        if fixed.a.is_zero() || fixed.b.is_zero() {
            return Err(ProverError::Prove("degenerate proof (A or B is zero)".into()));
        }
        let proof = DisclosureProof {
            proof: Groth16::<Bn254>::rerandomize_proof(&self.keys.pk.vk, &fixed, &mut OsRng),
            public_inputs: public,
        };
        // No proof leaves the prover unverified (about 1.5 ms with the prepared key): a witness
        // that does not satisfy the circuit, or any fault in the prover, is an error here. The
        // full constraint check, slower, only runs then, to say which constraint fails.
        if !self.verify(&proof) {
            check_satisfied(m, assignment)?;
            return Err(ProverError::Prove("the proof does not verify".into()));
        }
        Ok(proof)
    }

    /// Verifies a proof against this prover's verifying key.
    pub fn verify(&self, proof: &DisclosureProof) -> bool {
        Groth16::<Bn254>::verify_proof(&self.pvk, &proof.proof, &proof.public_inputs).unwrap_or(false)
    }
}

/// The circuit's inputs by signal name (what snarkjs reads from `input.json`), and the public
/// inputs they produce.
#[derive(Debug, Clone)]
pub struct CircuitInputs {
    /// `(signal name, values)`, in the circuit's declaration order.
    pub named: Vec<(String, Vec<BigInt>)>,
    /// The 11 public inputs.
    pub public: [Fr; PUBLIC_INPUTS],
}

impl CircuitInputs {
    /// The inputs as a snarkjs `input.json` object (decimal strings).
    pub fn to_json(&self) -> serde_json::Value {
        let map = self
            .named
            .iter()
            .map(|(name, values)| {
                let values: Vec<serde_json::Value> =
                    values.iter().map(|v| serde_json::Value::String(v.to_string())).collect();
                let value = if values.len() == 1
                    && !matches!(name.as_str(), "value" | "pathIndices" | "pathElements")
                {
                    values[0].clone()
                } else {
                    serde_json::Value::Array(values)
                };
                (name.clone(), value)
            })
            .collect();
        serde_json::Value::Object(map)
    }
}

/// Builds the circuit's inputs for `statement` about `record` (checked: a false statement or
/// an inconsistent Merkle proof is an error here).
pub fn circuit_inputs(
    record: &Record,
    statement: &Statement,
    membership: Option<&MerkleProof>,
) -> Result<CircuitInputs, ProverError> {
    statement.check(record)?;
    let f = record.fields()?;
    let commitment = poseidon::commitment(f.schema_id, &record.values, f.salt, f.owner_secret);
    let (root, depth, indices, elements) = match (statement.mode, membership) {
        (Mode::Direct, _) => (commitment, 0, [false; MAX_DEPTH], [Fr::zero(); MAX_DEPTH]),
        (Mode::Anonymous, None) => {
            return Err(ProverError::Input("an anonymous proof needs the record's Merkle proof".into()));
        }
        (Mode::Anonymous, Some(m)) => {
            if m.compute_root(poseidon::leaf(commitment, record.expiry)) != m.root {
                return Err(ProverError::Input(
                    "the Merkle proof is not for this record's leaf (is the tree up to date, and the record's expiry the minted one?)".into(),
                ));
            }
            (m.root, m.depth, m.path_indices, m.path_elements)
        }
    };
    let scope = to_fr("scope", statement.scope)?;
    let public: [Fr; PUBLIC_INPUTS] = [
        Fr::from(statement.mode as u64),
        root,
        f.schema_id,
        Fr::from(statement.field_index),
        Fr::from(statement.operator as u64),
        Fr::from(statement.operand_a),
        Fr::from(statement.operand_b),
        scope,
        poseidon::nullifier(f.owner_secret, scope),
        to_fr("messageHash", statement.message_hash)?,
        Fr::from(statement.valid_until),
    ];
    const NAMES: [&str; PUBLIC_INPUTS] = [
        "mode",
        "root",
        "schemaId",
        "fieldIndex",
        "operator",
        "operandA",
        "operandB",
        "scope",
        "nullifier",
        "messageHash",
        "validUntil",
    ];
    let mut inputs: Vec<(String, Vec<BigInt>)> =
        NAMES.iter().zip(public).map(|(name, v)| ((*name).to_owned(), vec![big(v)])).collect();
    inputs.push(("value".into(), record.values.iter().map(|&v| BigInt::from(v)).collect()));
    inputs.push(("salt".into(), vec![big(f.salt)]));
    inputs.push(("ownerSecret".into(), vec![big(f.owner_secret)]));
    inputs.push(("expiry".into(), vec![BigInt::from(record.expiry)]));
    inputs.push(("merkleDepth".into(), vec![BigInt::from(depth)]));
    inputs.push(("pathIndices".into(), indices.iter().map(|&b| BigInt::from(u8::from(b))).collect()));
    inputs.push(("pathElements".into(), elements.iter().copied().map(big).collect()));

    Ok(CircuitInputs { named: inputs, public })
}

fn big(value: Fr) -> BigInt {
    BigInt::from_bytes_be(Sign::Plus, &to_u256(value).to_be_bytes::<32>())
}

/// Every constraint `<A_i, w> * <B_i, w> = <C_i, w>` holds: a witness that fails here would
/// only give an invalid proof, so it is an error with the constraint's number.
fn check_satisfied(m: &Matrices, w: &[Fr]) -> Result<(), ProverError> {
    let dot = |row: &Vec<(Fr, usize)>| row.iter().map(|&(c, i)| c * w[i]).sum::<Fr>();
    let [a, b, c] = &m.abc;
    match (0..a.len()).find(|&i| dot(&a[i]) * dot(&b[i]) != dot(&c[i])) {
        None => Ok(()),
        Some(i) => Err(ProverError::Witness(format!("constraint {i} is not satisfied by the witness"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{paths, statement::Operator};

    /// A witness that does not satisfy the circuit never yields a proof: the proof made from it
    /// fails verification, and the error names the first unsatisfied constraint.
    #[test]
    fn a_wrong_witness_yields_no_proof() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let keys = Keys::development(&root.join(paths::R1CS), 11).expect("make circuits first");
        let mut prover = Prover::from_keys(keys, &root.join(paths::WASM)).unwrap();
        let record = Record {
            schema_id: U256::from(1),
            values: [5, 6, 7, 8, 9, 10, 11, 12],
            salt: U256::from(77),
            owner_secret: U256::from(88),
            expiry: 0,
        };
        let statement = Statement {
            mode: Mode::Direct,
            field_index: 1,
            operator: Operator::Eq,
            operand_a: 6,
            operand_b: 0,
            scope: U256::from(3),
            message_hash: U256::from(4),
            valid_until: u64::MAX,
        };
        let CircuitInputs { named, public } = circuit_inputs(&record, &statement, None).unwrap();
        let good = prover.witnesser.witness(named).unwrap();
        assert!(prover.verify(&prover.prove_assignment(&good, public).unwrap()));
        for wire in [PUBLIC_INPUTS + 1, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[wire] += Fr::from(1u64);
            let err = prover.prove_assignment(&bad, public).unwrap_err();
            assert!(err.to_string().contains("constraint"), "wire {wire}: {err}");
        }
    }
}
