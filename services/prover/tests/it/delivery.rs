//! Real Groth16 proofs of the delivery circuit (circuits/build, from `make circuits`), with a
//! development key made here from the r1cs: the proof verifies, the developer decrypts the
//! record's values from its public inputs, and any change to them fails verification.

use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use masa_prover::{
    Circuit, DeliveryProof, DeliveryPublicInputs, DeliveryRequest, Prover, ProverError,
    calldata::{ProofFile, verify_calldata},
    delivery::{DeliveryError, DeliverySecretKey},
    keys::{Keys, read_r1cs},
    merkle::LeanImt,
    open_delivery, paths,
    record::Record,
    statement::{Mode, Operator, Statement},
    verifier,
};
use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One development key of the delivery circuit for the whole test binary.
fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        Keys::development(&root().join(paths::DELIVERY_R1CS), paths::DEV_SEED).expect("make circuits first")
    })
}

fn prover() -> Prover {
    Prover::from_keys(keys().clone(), &root().join(paths::DELIVERY_WASM)).unwrap()
}

/// The developer of circuits/delivery.md's vectors (and of the committed fixture).
fn developer() -> DeliverySecretKey {
    DeliverySecretKey::from_u256(
        "0x0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d".parse().unwrap(),
    )
    .unwrap()
}

fn record(secret: u64) -> Record {
    Record {
        schema_id: U256::from(7),
        values: [720 + secret, 400, 1_700_000_000, 3, 0, u64::MAX, 42, 99_999],
        salt: U256::from(0xdead_beef_u64 + secret),
        owner_secret: U256::from(secret),
        issuer: Address::repeat_byte(0xb0),
        expiry: 0,
    }
}

fn statement(mode: Mode) -> Statement {
    Statement {
        mode,
        field_index: 0,
        operator: Operator::Ge,
        operand_a: 700,
        operand_b: 0,
        scope: U256::from(1234),
        message_hash: U256::from(5678),
        valid_until: 1_999_999_999,
        issuers: Some(vec![Address::repeat_byte(0xb0)]),
    }
}

/// A delivery proof, checked as every valid one must be: it verifies locally and as calldata,
/// its public inputs carry the request and the statement, and the developer decrypts the
/// record's values from them.
fn prove_ok(
    prover: &mut Prover,
    r: &Record,
    mode: Mode,
    tree: Option<&LeanImt>,
    nonce: u128,
) -> DeliveryProof {
    let membership = tree.map(|t| t.proof(t.index_of(r.leaf().unwrap()).unwrap()).unwrap());
    let request = DeliveryRequest { key: developer().public_key(), nonce };
    let s = statement(mode);
    let (proof, _) = prover.prove_delivery(r, &s, membership.as_ref(), &request).unwrap();
    assert!(prover.verify(&proof));
    let file = ProofFile::from((&proof, Default::default()));
    assert_eq!(file.public_inputs.len(), 27);
    assert!(verify_calldata(keys(), &file).unwrap());
    let p = &proof.public_inputs;
    assert_eq!(p.disclosure.mode, Fr::from(mode as u64));
    let expected_root = tree.map_or_else(|| r.leaf().unwrap(), LeanImt::root);
    assert_eq!(p.disclosure.root, expected_root);
    assert_eq!(p.disclosure.scope(), s.scope);
    assert_eq!(p.delivery_key, [request.key.x(), request.key.y()]);
    assert_eq!(p.nonce, Fr::from(nonce));
    assert_eq!(open_delivery(&developer(), p).unwrap(), r.values.map(U256::from));
    proof
}

#[test]
fn direct_and_anonymous_deliveries_verify_and_decrypt() {
    let mut prover = prover();
    assert_eq!(prover.circuit(), Circuit::Delivery);
    let records: Vec<Record> = (1..=3).map(record).collect();
    let mut tree = LeanImt::new();
    for r in &records {
        tree.insert(r.leaf().unwrap());
    }
    let direct = prove_ok(&mut prover, &records[1], Mode::Direct, None, 0);
    let anonymous = prove_ok(&mut prover, &records[1], Mode::Anonymous, Some(&tree), u128::MAX);
    assert_eq!(direct.nullifier(), anonymous.nullifier(), "one owner, one scope");
    // a fresh ephemeral key each time: the same delivery twice gives another ciphertext
    let again = prove_ok(&mut prover, &records[1], Mode::Direct, None, 0);
    assert_ne!(again.public_inputs.ephemeral_key, direct.public_inputs.ephemeral_key);
    assert_ne!(again.ciphertext(), direct.ciphertext());
    // another developer cannot read it, nor claim it is to its key
    let other = DeliverySecretKey::generate();
    let err = open_delivery(&other, &direct.public_inputs).unwrap_err();
    assert!(matches!(err, DeliveryError::WrongKey { .. }), "{err}");
}

/// Every public input is bound: a changed ciphertext word, key, nonce or disclosure input fails
/// verification.
#[test]
fn every_tampered_public_input_fails_verification() {
    let mut prover = prover();
    let proof = prove_ok(&mut prover, &record(1), Mode::Direct, None, 5);
    for (i, name) in DeliveryPublicInputs::NAMES.iter().enumerate() {
        let mut values = proof.public_inputs.to_array();
        values[i] += Fr::from(1u64);
        let tampered =
            DeliveryProof { public_inputs: DeliveryPublicInputs::from_array(values), ..proof.clone() };
        assert!(!prover.verify(&tampered), "{name} changed but the proof still verifies");
    }
    // the ciphertext of another record under the same key, nonce and ephemeral key
    let other = prove_ok(&mut prover, &record(2), Mode::Direct, None, 5);
    let swapped = DeliveryProof {
        public_inputs: DeliveryPublicInputs {
            ciphertext: other.public_inputs.ciphertext,
            ..proof.public_inputs
        },
        ..proof
    };
    assert!(!prover.verify(&swapped));
}

/// A prover refuses the other circuit's operation, before any work.
#[test]
fn each_prover_proves_its_own_circuit() {
    let mut delivery = prover();
    let err = delivery.prove(&record(1), &statement(Mode::Direct), None).unwrap_err();
    assert!(
        matches!(
            err,
            ProverError::WrongCircuit { found: Circuit::Delivery, expected: Circuit::Disclosure, .. }
        ),
        "{err}"
    );
    let disclosure_keys = Keys::development(&root().join(paths::R1CS), 1).unwrap();
    let mut disclosure = Prover::from_keys(disclosure_keys, &root().join(paths::WASM)).unwrap();
    let request = DeliveryRequest { key: developer().public_key(), nonce: 0 };
    let err = disclosure.prove_delivery(&record(1), &statement(Mode::Direct), None, &request).unwrap_err();
    assert!(matches!(err, ProverError::WrongCircuit { .. }), "{err}");
    // a false statement is refused as for a disclosure
    let low = Record { values: [10, 0, 0, 0, 0, 0, 0, 0], ..record(1) };
    let err = delivery.prove_delivery(&low, &statement(Mode::Direct), None, &request).unwrap_err();
    assert!(matches!(err, ProverError::Statement(_)), "{err}");
}

#[test]
fn the_delivery_key_is_the_circuits() {
    let (hash, r1cs) = read_r1cs(&root().join(paths::DELIVERY_R1CS)).unwrap();
    assert_eq!(r1cs.num_inputs, DeliveryPublicInputs::COUNT + 1, "27 public inputs");
    assert_eq!(keys().r1cs_sha256, hash);
    assert_eq!(Circuit::of_keys(keys()).unwrap(), Circuit::Delivery);
}

/// The committed `DeliveryVerifier.sol` is the one the development key generates (`make
/// verifier`), and names its circuit.
#[test]
fn the_committed_delivery_verifier_matches_the_circuit() {
    let path = root().join(paths::DELIVERY_VERIFIER);
    assert!(
        verifier::is_current(keys(), &path).unwrap(),
        "{} is stale: run `make verifier`",
        paths::DELIVERY_VERIFIER
    );
    let source = std::fs::read_to_string(&path).unwrap();
    assert!(source.contains("contract DeliveryVerifier {"));
    assert!(source.contains("// circuit: circuits/build/delivery.r1cs sha256 "));
    assert!(source.contains("uint256[27] calldata input"));
}

/// The committed forge fixture is a real proof for the development key, of the identity
/// fixtures' record, to circuits/delivery.md's developer, which decrypts it to that record's
/// values.
#[test]
fn the_committed_fixture_verifies_and_decrypts() {
    let dir = root().join("contracts/test");
    let file: ProofFile<DeliveryPublicInputs> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("pools/fixtures/delivery-proof.json")).unwrap(),
    )
    .unwrap();
    assert!(verify_calldata(keys(), &file).unwrap(), "regenerate it with `make verifier`");
    let record: Record =
        serde_json::from_str(&std::fs::read_to_string(dir.join("identity/fixtures/record.json")).unwrap())
            .unwrap();
    let inputs = file.to_proof().unwrap().public_inputs;
    assert_eq!(open_delivery(&developer(), &inputs).unwrap(), record.values.map(U256::from));
    assert_eq!(inputs.disclosure.root, record.leaf().unwrap());
}
