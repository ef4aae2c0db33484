//! The prover: keys and compiled witness code loaded once, then proofs on demand.

use crate::{
    Circuit, ProverError,
    delivery::{DeliveryPublicInputs, DeliveryRequest, EphemeralSecret, Point, encrypt},
    field::{to_fr, to_u256},
    groth16::create_proof_no_zk,
    inputs::{PublicInputs, PublicSignals},
    keys::{Keys, Matrices},
    merkle::{MAX_DEPTH, MerkleProof},
    msm::Lanes,
    poseidon,
    proof::{CircuitProof, DeliveryProof, DisclosureProof, Timings},
    record::Record,
    statement::{Mode, Statement},
    witness::{WitnessCodeSource, Witnesser},
};
use ark_bn254::{Bn254, Fr};
use ark_ec::AffineRepr;
use ark_ff::Zero;
use ark_groth16::{Groth16, PreparedVerifyingKey, prepare_verifying_key};
use num_bigint::{BigInt, Sign};
use rand_core::OsRng;
use std::{
    path::Path,
    time::{Duration, Instant},
};
use zeroize::Zeroizing;

/// Number of public inputs of the disclosure circuit ([`PublicInputs::COUNT`]).
pub const PUBLIC_INPUTS: usize = PublicInputs::COUNT;

/// Loads once, proves many times: one circuit's key and witness code (the circuit is told by
/// the key: [`Prover::prove`] needs the disclosure circuit's, [`Prover::prove_delivery`] the
/// delivery circuit's).
#[derive(Debug)]
pub struct Prover {
    circuit: Circuit,
    keys: Keys,
    pvk: PreparedVerifyingKey<Bn254>,
    witnesser: Witnesser,
    /// How the proof's arithmetic runs ([`Lanes::Eight`] unless set).
    lanes: Lanes,
    /// Time spent loading, by stage (`witness`/`prove` stay zero).
    pub load_timings: Timings,
}

/// `f()` and how long it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    (f(), start.elapsed())
}

impl Prover {
    /// Loads the proving key at `key_path` and the witness code at `wasm_path`; with
    /// `r1cs_path`, refuses a key made for another build of the circuit.
    pub fn load(
        key_path: &Path,
        wasm_path: &Path,
        r1cs_sha256: Option<[u8; 32]>,
    ) -> Result<Self, ProverError> {
        // Side by side: the witness code on this thread, the key (most of the time; its window
        // tables are parsed on every core) on another.
        let ((witnesser, witness_code), (keys, key_load)) = std::thread::scope(|s| {
            let keys = s.spawn(|| {
                tracing::info_span!("key_load").in_scope(|| timed(|| Keys::load(key_path, r1cs_sha256)))
            });
            let witnesser =
                tracing::info_span!("witness_code").in_scope(|| timed(|| Witnesser::load(wasm_path)));
            (witnesser, keys.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let (witnesser, keys) = (witnesser?, keys?);
        tracing::debug!(?witness_code, source = ?witnesser.source, "witness code ready");
        let circuit = Circuit::of_keys(&keys)?;
        let pvk = prepare_verifying_key(&keys.pk.vk);
        tracing::debug!(?key_load, origin = ?keys.origin, %circuit, "proving key loaded");
        Ok(Self {
            circuit,
            keys,
            pvk,
            witnesser,
            lanes: Lanes::Eight,
            load_timings: Timings { witness_code, key_load, ..Timings::default() },
        })
    }

    /// From an in-memory key (tests, `setup` followed by a proof).
    pub fn from_keys(keys: Keys, wasm_path: &Path) -> Result<Self, ProverError> {
        let start = Instant::now();
        let circuit = Circuit::of_keys(&keys)?;
        let witnesser = Witnesser::load(wasm_path)?;
        let pvk = prepare_verifying_key(&keys.pk.vk);
        let load_timings = Timings { witness_code: start.elapsed(), ..Timings::default() };
        Ok(Self { circuit, keys, pvk, witnesser, lanes: Lanes::Eight, load_timings })
    }

    /// Runs the proofs' arithmetic with `lanes` ([`Lanes::One`]: the portable path alone, for
    /// comparisons; the default is [`Lanes::Eight`]).
    pub fn set_lanes(&mut self, lanes: Lanes) {
        self.lanes = lanes;
    }

    /// The circuit this prover's key is for.
    pub fn circuit(&self) -> Circuit {
        self.circuit
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
        self.expect(Circuit::Disclosure)?;
        let start = Instant::now();
        let inputs = circuit_inputs(record, statement, membership)?;
        self.prove_inputs(inputs, start)
    }

    /// Proves `statement` about `record` and delivers the record's 8 values, encrypted to
    /// `request.key` under `request.nonce`, in the same proof (`circuits/delivery.md`). The
    /// ephemeral secret is drawn from the operating system's CSPRNG and erased after proving;
    /// the developer decrypts with [`crate::open_delivery`]. The same checks as [`Prover::prove`]
    /// run before any proving work.
    pub fn prove_delivery(
        &mut self,
        record: &Record,
        statement: &Statement,
        membership: Option<&MerkleProof>,
        request: &DeliveryRequest,
    ) -> Result<(DeliveryProof, Timings), ProverError> {
        self.prove_delivery_with(record, statement, membership, request, &EphemeralSecret::generate())
    }

    /// [`Prover::prove_delivery`] with a given ephemeral secret (tests: a delivery must never
    /// reuse one with the same nonce).
    fn prove_delivery_with(
        &mut self,
        record: &Record,
        statement: &Statement,
        membership: Option<&MerkleProof>,
        request: &DeliveryRequest,
        ephemeral: &EphemeralSecret,
    ) -> Result<(DeliveryProof, Timings), ProverError> {
        self.expect(Circuit::Delivery)?;
        let start = Instant::now();
        let inputs = delivery_inputs(record, statement, membership, request, ephemeral)?;
        self.prove_inputs(inputs, start)
    }

    fn expect(&self, circuit: Circuit) -> Result<(), ProverError> {
        if self.circuit != circuit {
            return Err(ProverError::WrongCircuit {
                what: "the prover's key",
                found: self.circuit,
                expected: circuit,
            });
        }
        Ok(())
    }

    /// The witness of `inputs` (checked against the key's circuit and the public inputs), then
    /// the proof, verified; `start`: when the work on the inputs began.
    fn prove_inputs<I: PublicSignals>(
        &mut self,
        CircuitInputs { named, public }: CircuitInputs<I>,
        start: Instant,
    ) -> Result<(CircuitProof<I>, Timings), ProverError> {
        let span = tracing::info_span!("witness").entered();
        let assignment = self.witnesser.witness(named)?;
        let m = &self.keys.matrices;
        if assignment.len() as u64 != m.num_wires {
            return Err(ProverError::Witness(format!(
                "the witness code produced {} wires, the key's circuit has {}: witness code and key are from different builds",
                assignment.len(),
                m.num_wires
            )));
        }
        if assignment[1..=I::COUNT] != public.signals()[..] {
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
    fn prove_assignment<I: PublicSignals>(
        &self,
        assignment: &[Fr],
        public: I,
    ) -> Result<CircuitProof<I>, ProverError> {
        let m = &self.keys.matrices;
        // The proof with r = s = 0, then randomised (see `groth16`): a fresh, zero-knowledge
        // proof. Should the unrandomised one be degenerate (A = 0 or B = 0: negligible odds),
        // randomising would not hide it, so it is refused.
        let fixed = create_proof_no_zk(&self.keys.pk, &self.keys.tables, m, assignment, self.lanes)?;
        if fixed.a.is_zero() || fixed.b.is_zero() {
            return Err(ProverError::Prove("degenerate proof (A or B is zero)".into()));
        }
        let proof = CircuitProof {
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
    pub fn verify<I: PublicSignals>(&self, proof: &CircuitProof<I>) -> bool {
        proof.verify(&self.pvk)
    }
}

/// The circuit's inputs by signal name (what snarkjs reads from `input.json`), and the public
/// inputs they produce ([`PublicInputs`] or [`DeliveryPublicInputs`]).
#[derive(Debug, Clone)]
pub struct CircuitInputs<I = PublicInputs> {
    /// `(signal name, values)`, in the circuit's declaration order.
    pub named: Vec<(String, Vec<BigInt>)>,
    /// The public inputs.
    pub public: I,
}

/// The input signals that are arrays (written as JSON arrays even when of length 1).
const ARRAY_SIGNALS: [&str; 8] = [
    "value",
    "issuers",
    "pathIndices",
    "pathElements",
    "deliveryKey",
    "ephemeralKey",
    "ciphertext",
    "deliveryKeyDiv8",
];

impl<I> CircuitInputs<I> {
    /// The inputs as a snarkjs `input.json` object (decimal strings).
    pub fn to_json(&self) -> serde_json::Value {
        let map = self
            .named
            .iter()
            .map(|(name, values)| {
                let values: Vec<serde_json::Value> =
                    values.iter().map(|v| serde_json::Value::String(v.to_string())).collect();
                let value = if values.len() == 1 && !ARRAY_SIGNALS.contains(&name.as_str()) {
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

/// Builds the circuit's inputs for `statement` about `record` (checked: a false statement, an
/// issuer outside the statement's set or an inconsistent Merkle proof is an error here).
///
/// The root is the record's leaf (direct mode: depth 0) or the root `membership` computes from
/// it (anonymous mode), so the record's schema, issuer and expiry must be the on-chain ones.
pub fn circuit_inputs(
    record: &Record,
    statement: &Statement,
    membership: Option<&MerkleProof>,
) -> Result<CircuitInputs, ProverError> {
    statement.check(record)?;
    let f = record.fields()?;
    let leaf = record.leaf()?;
    let (root, depth, indices, elements) = match (statement.mode, membership) {
        (Mode::Direct, _) => (leaf, 0, [false; MAX_DEPTH], [Fr::zero(); MAX_DEPTH]),
        (Mode::Anonymous, None) => {
            return Err(ProverError::Input("an anonymous proof needs the record's Merkle proof".into()));
        }
        (Mode::Anonymous, Some(m)) => {
            if m.compute_root(leaf) != m.root {
                return Err(ProverError::Input(
                    "the Merkle proof is not for this record's leaf (is the tree up to date, and are the record's schema, issuer and expiry the on-chain ones?)".into(),
                ));
            }
            (m.root, m.depth, m.path_indices, m.path_elements)
        }
    };
    let scope = to_fr("scope", statement.scope)?;
    let public = PublicInputs {
        mode: Fr::from(statement.mode as u64),
        root,
        schema_id: f.schema_id,
        issuer_set: statement.issuer_set().map_err(crate::statement::StatementError::from)?,
        field_index: Fr::from(statement.field_index),
        operator: Fr::from(statement.operator as u64),
        operand_a: Fr::from(statement.operand_a),
        operand_b: Fr::from(statement.operand_b),
        scope,
        nullifier: poseidon::nullifier(f.owner_secret, scope),
        message_hash: to_fr("messageHash", statement.message_hash)?,
        valid_until: Fr::from(statement.valid_until),
    };
    let issuers = statement.issuer_members().map_err(crate::statement::StatementError::from)?;
    let mut inputs: Vec<(String, Vec<BigInt>)> =
        public.named().map(|(name, v)| (name.to_owned(), vec![big(v)])).collect();
    inputs.push(("value".into(), record.values.iter().map(|&v| BigInt::from(v)).collect()));
    inputs.push(("salt".into(), vec![big(f.salt)]));
    inputs.push(("ownerSecret".into(), vec![big(f.owner_secret)]));
    inputs.push(("issuer".into(), vec![big(poseidon::address(record.issuer))]));
    inputs.push(("expiry".into(), vec![BigInt::from(record.expiry)]));
    inputs.push(("issuers".into(), issuers.iter().map(|&a| big(poseidon::address(a))).collect()));
    inputs.push(("merkleDepth".into(), vec![BigInt::from(depth)]));
    inputs.push(("pathIndices".into(), indices.iter().map(|&b| BigInt::from(u8::from(b))).collect()));
    inputs.push(("pathElements".into(), elements.iter().copied().map(big).collect()));

    Ok(CircuitInputs { named: inputs, public })
}

/// Builds the delivery circuit's inputs: those of [`circuit_inputs`] (same checks), the
/// delivery's public inputs (`deliveryKey` = `request.key`, `ephemeralKey` = e·Base8, `nonce`,
/// `ciphertext` = the encryption of the record's values under e·P) and the private
/// `ephemeralSecret` (e) and `deliveryKeyDiv8` ((8⁻¹ mod l)·P), in the circuit's order.
///
/// `ephemeral` must be fresh for each delivery ([`EphemeralSecret::generate`]): the snarkjs
/// `input.json` of [`CircuitInputs::to_json`] holds it, so treat that file as a secret.
pub fn delivery_inputs(
    record: &Record,
    statement: &Statement,
    membership: Option<&MerkleProof>,
    request: &DeliveryRequest,
    ephemeral: &EphemeralSecret,
) -> Result<CircuitInputs<DeliveryPublicInputs>, ProverError> {
    let CircuitInputs { named: disclosure, public: disclosed } =
        circuit_inputs(record, statement, membership)?;
    let e = ephemeral.public_key();
    let ciphertext =
        encrypt(&ephemeral.shared_key(&request.key), request.nonce, &record.values.map(Fr::from));
    let public = DeliveryPublicInputs {
        disclosure: disclosed,
        delivery_key: [request.key.x(), request.key.y()],
        ephemeral_key: [e.x, e.y],
        nonce: Fr::from(request.nonce),
        ciphertext,
    };
    let point = |p: Point| vec![big(p.x), big(p.y)];
    let (public_named, private_named) = disclosure.split_at(PublicInputs::COUNT);
    let mut named = public_named.to_vec();
    named.push(("deliveryKey".into(), point(request.key.point())));
    named.push(("ephemeralKey".into(), point(e)));
    named.push(("nonce".into(), vec![BigInt::from(request.nonce)]));
    named.push(("ciphertext".into(), ciphertext.iter().copied().map(big).collect()));
    named.extend_from_slice(private_named);
    let secret = Zeroizing::new(ephemeral.to_u256().to_be_bytes::<32>());
    named.push(("ephemeralSecret".into(), vec![BigInt::from_bytes_be(Sign::Plus, secret.as_slice())]));
    named.push(("deliveryKeyDiv8".into(), point(request.key.div8())));
    Ok(CircuitInputs { named, public })
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
    use alloy::primitives::{Address, U256};
    use std::collections::HashMap;

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn record() -> Record {
        Record {
            schema_id: U256::from(2),
            values: [5, 6, 7, 8, 9, 10, 11, 12],
            salt: U256::from(77),
            owner_secret: U256::from(88),
            issuer: Address::repeat_byte(0xb0),
            expiry: 2_000_000_000,
        }
    }

    fn statement(issuers: Option<Vec<Address>>) -> Statement {
        Statement {
            mode: Mode::Direct,
            field_index: 1,
            operator: Operator::Eq,
            operand_a: 6,
            operand_b: 0,
            scope: U256::from(3),
            message_hash: U256::from(4),
            valid_until: 1_900_000_000,
            issuers,
        }
    }

    /// The witness index of each named signal of the circuit (`disclosure.sym`: label, witness
    /// index or -1 when the optimiser removed it, component, name).
    fn symbols() -> HashMap<String, usize> {
        let text = std::fs::read_to_string(root().join("circuits/build/disclosure.sym"))
            .expect("make circuits first");
        text.lines()
            .filter_map(|line| {
                let mut parts = line.splitn(4, ',');
                let (_, wire, _, name) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
                Some((name.to_owned(), usize::try_from(wire.parse::<i64>().ok()?).ok()?))
            })
            .collect()
    }

    /// The Rust formulas are the circuit's: the witness's own `leaf`, `setHash`, `commitment`
    /// and `ownerCommitment` signals are what `poseidon` computes, and the public inputs are
    /// the witness's wires 1..=12 in [`PublicInputs::NAMES`] order.
    #[test]
    fn the_circuit_computes_the_same_leaf_and_issuer_set() {
        let mut witnesser = Witnesser::load(&root().join(paths::WASM)).expect("make circuits first");
        let symbols = symbols();
        let record = record();
        let set = vec![Address::repeat_byte(0x07), record.issuer];
        let inputs = circuit_inputs(&record, &statement(Some(set.clone())), None).unwrap();
        let w = witnesser.witness(inputs.named.clone()).unwrap();
        for (i, name) in PublicInputs::NAMES.iter().enumerate() {
            assert_eq!(symbols.get(&format!("main.{name}")), Some(&(i + 1)), "public input {name}");
        }
        assert_eq!(w[1..=PublicInputs::COUNT], inputs.public.to_array());
        let expected = [
            ("main.ownerCommitment", record.identity().unwrap()),
            ("main.commitment", record.commitment().unwrap()),
            ("main.leaf", record.leaf().unwrap()),
            ("main.setHash", poseidon::issuer_set(&set).unwrap()),
        ];
        for (name, value) in expected {
            let wire = *symbols.get(name).unwrap_or_else(|| panic!("{name} is not a witness signal"));
            assert_eq!(w[wire], value, "{name}");
        }
        assert_eq!(inputs.public.root, record.leaf().unwrap(), "direct mode: the root is the leaf");
        assert_eq!(inputs.public.issuer_set, poseidon::issuer_set(&set).unwrap());
    }

    /// A witness that does not satisfy the circuit never yields a proof: the proof made from it
    /// fails verification, and the error names the first unsatisfied constraint.
    #[test]
    fn a_wrong_witness_yields_no_proof() {
        let keys = Keys::development(&root().join(paths::R1CS), 11).expect("make circuits first");
        let mut prover = Prover::from_keys(keys, &root().join(paths::WASM)).unwrap();
        let CircuitInputs { named, public } = circuit_inputs(&record(), &statement(None), None).unwrap();
        assert_eq!(public.issuer_set, Fr::zero(), "no set: issuerSet 0");
        let good = prover.witnesser.witness(named).unwrap();
        assert!(prover.verify(&prover.prove_assignment(&good, public).unwrap()));
        for wire in [PublicInputs::COUNT + 1, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[wire] += Fr::from(1u64);
            let err = prover.prove_assignment(&bad, public).unwrap_err();
            assert!(err.to_string().contains("constraint"), "wire {wire}: {err}");
        }
    }

    #[test]
    fn inputs_json_has_the_new_private_inputs() {
        let record = record();
        let json = circuit_inputs(&record, &statement(Some(vec![record.issuer])), None).unwrap().to_json();
        let issuer = U256::from_be_slice(record.issuer.as_slice()).to_string();
        assert_eq!(json["issuer"], serde_json::json!(issuer));
        assert_eq!(json["issuers"], serde_json::json!([issuer, issuer, issuer, issuer]));
        assert_eq!(json["expiry"], serde_json::json!("2000000000"));
        assert_eq!(json["root"], serde_json::json!(to_u256(record.leaf().unwrap()).to_string()));
        let none = circuit_inputs(&record, &statement(None), None).unwrap().to_json();
        assert_eq!(none["issuers"], serde_json::json!(["0", "0", "0", "0"]));
        assert_eq!(none["issuerSet"], serde_json::json!("0"));
        let names: Vec<&String> = none.as_object().unwrap().keys().collect();
        assert_eq!(names.len(), 12 + 9, "12 public and 9 private input signals");
    }

    /// The delivery circuit encrypts as circuits/delivery.md says: with its vectors' p, e and N,
    /// a real proof of the record of its vectors carries exactly the pinned E and ciphertext.
    #[test]
    fn a_delivery_proof_carries_the_vectors_ciphertext() {
        use crate::delivery::{
            DeliveryPublicKey, DeliverySecretKey,
            cipher::tests::{VECTOR_C, VECTOR_E, VECTOR_N, VECTOR_P},
        };
        let keys = Keys::development(&root().join(paths::DELIVERY_R1CS), 5).expect("make circuits first");
        let mut prover = Prover::from_keys(keys, &root().join(paths::DELIVERY_WASM)).unwrap();
        let p = DeliverySecretKey::from_u256(VECTOR_P.parse().unwrap()).unwrap();
        let key: DeliveryPublicKey = p.public_key();
        let e = EphemeralSecret::from_u256(VECTOR_E.parse().unwrap()).unwrap();
        let record = Record { values: [720, 400, 1_700_000_000, 3, 0, u64::MAX, 42, 99_999], ..record() };
        let mut s = statement(None);
        (s.field_index, s.operator, s.operand_a) = (0, Operator::Ge, 700);
        let request = DeliveryRequest { key, nonce: VECTOR_N };
        let (proof, _) = prover.prove_delivery_with(&record, &s, None, &request, &e).unwrap();
        assert!(prover.verify(&proof));
        let words = proof.ciphertext().map(|w| format!("{w:#066x}"));
        assert_eq!(words, VECTOR_C);
        assert_eq!(proof.public_inputs.ephemeral_key, [e.public_key().x, e.public_key().y]);
        let json = delivery_inputs(&record, &s, None, &request, &e).unwrap().to_json();
        assert_eq!(json["nonce"], serde_json::json!(VECTOR_N.to_string()));
        assert_eq!(json["deliveryKeyDiv8"].as_array().map(Vec::len), Some(2));
        assert_eq!(json.as_object().unwrap().len(), 12 + 4 + 9 + 2, "16 public and 11 private input signals");
    }
}
