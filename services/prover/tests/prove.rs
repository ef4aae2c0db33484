//! Real Groth16 proofs of the disclosure circuit (circuits/build, from `make circuits`), with
//! a development key made here from the r1cs.

use alloy::primitives::U256;
use ark_bn254::Fr;
use masa_prover::{
    DisclosureProof, Prover, ProverError,
    calldata::{ProofFile, verify_calldata},
    field::to_u256,
    keys::{KeyOrigin, Keys, r1cs_sha256, read_r1cs},
    merkle::LeanImt,
    paths,
    record::Record,
    statement::{Mode, Operator, Statement, StatementError},
    verifier,
};
use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One development key for the whole test binary (made in ~0.3 s).
fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        Keys::development(&root().join(paths::R1CS), paths::DEV_SEED).expect("make circuits first")
    })
}

fn prover() -> Prover {
    Prover::from_keys(keys().clone(), &root().join(paths::WASM)).unwrap()
}

fn record(secret: u64, score: u64) -> Record {
    Record {
        schema_id: U256::from(7),
        values: [score, 1_700_000_000, 840, 0, 0, 0, 0, u64::MAX],
        salt: U256::from(0xdead_beef_u64 + secret),
        owner_secret: U256::from(secret),
        // odd secrets: a record that expires after the statements' validUntil; even: never
        expiry: if secret % 2 == 1 { VALID_UNTIL + 1 + secret } else { 0 },
    }
}

/// The statements' validUntil.
const VALID_UNTIL: u64 = 1_999_999_999;

fn statement(mode: Mode, field: u8, operator: Operator, a: u64, b: u64) -> Statement {
    Statement {
        mode,
        field_index: field,
        operator,
        operand_a: a,
        operand_b: b,
        scope: U256::from(1234),
        message_hash: U256::from(5678),
        valid_until: VALID_UNTIL,
    }
}

fn tree_with(records: &[Record]) -> LeanImt {
    let mut tree = LeanImt::new();
    for r in records {
        tree.insert(r.leaf().unwrap());
    }
    tree
}

#[test]
fn direct_and_anonymous_proofs_verify_for_every_operator() {
    let mut prover = prover();
    let records: Vec<Record> = (1..=5).map(|i| record(i, 700 + i)).collect();
    let tree = tree_with(&records);
    let me = &records[2]; // score 703
    let membership = tree.proof(2).unwrap();
    let cases = [
        (0, Operator::Eq, 703, 0),
        (0, Operator::Ne, 700, 0),
        (0, Operator::Lt, 704, 0),
        (0, Operator::Le, 703, 0),
        (1, Operator::Gt, 1_600_000_000, 0),
        (0, Operator::Ge, 700, 0),
        (2, Operator::InRange, 800, 900),
        (7, Operator::Eq, u64::MAX, 0),
    ];
    for (field, op, a, b) in cases {
        for mode in [Mode::Direct, Mode::Anonymous] {
            let s = statement(mode, field, op, a, b);
            let (proof, _) = prover.prove(me, &s, Some(&membership)).unwrap();
            assert!(prover.verify(&proof), "{mode:?} field {field} {op} {a} {b}");
            let expected_root = match mode {
                Mode::Direct => me.commitment().unwrap(),
                Mode::Anonymous => tree.root(),
            };
            assert_eq!(proof.root(), to_u256(expected_root));
            // the calldata the contract receives verifies too
            let file = ProofFile::from((&proof, Default::default()));
            assert!(verify_calldata(keys(), &file).unwrap());
        }
    }
}

#[test]
fn every_tampered_public_input_fails_verification() {
    let mut prover = prover();
    let (proof, _) =
        prover.prove(&record(1, 720), &statement(Mode::Direct, 0, Operator::Ge, 700, 0), None).unwrap();
    assert!(prover.verify(&proof));
    for i in 0..proof.public_inputs.len() {
        let mut tampered: DisclosureProof = proof.clone();
        tampered.public_inputs[i] += Fr::from(1u64);
        assert!(!prover.verify(&tampered), "public input {i} changed but the proof still verifies");
    }
    let mut swapped = proof;
    std::mem::swap(&mut swapped.proof.a, &mut swapped.proof.c);
    assert!(!prover.verify(&swapped));
}

#[test]
fn false_or_inconsistent_statements_are_refused_before_proving() {
    let mut prover = prover();
    let r = record(1, 650);
    let err = prover.prove(&r, &statement(Mode::Direct, 0, Operator::Ge, 700, 0), None).unwrap_err();
    assert!(matches!(err, ProverError::Statement(StatementError::False { .. })), "{err}");
    let err = prover.prove(&r, &statement(Mode::Anonymous, 0, Operator::Le, 700, 0), None).unwrap_err();
    assert!(matches!(err, ProverError::Input(_)), "anonymous without a Merkle proof: {err}");
    // a Merkle proof for another record
    let other = tree_with(&[record(2, 1), r.clone()]);
    let wrong = other.proof(0).unwrap();
    let err =
        prover.prove(&r, &statement(Mode::Anonymous, 0, Operator::Le, 700, 0), Some(&wrong)).unwrap_err();
    assert!(matches!(err, ProverError::Input(_)), "{err}");
    // an expired record (expiry <= validUntil), in either mode
    let tree = tree_with(std::slice::from_ref(&r));
    let mut expired = r.clone();
    expired.expiry = VALID_UNTIL;
    for (mode, membership) in [(Mode::Direct, None), (Mode::Anonymous, Some(tree.proof(0).unwrap()))] {
        let err = prover
            .prove(&expired, &statement(mode, 0, Operator::Le, 700, 0), membership.as_ref())
            .unwrap_err();
        assert!(matches!(err, ProverError::Statement(StatementError::Expired { .. })), "{err}");
    }
    // an expiry other than the one in the tree's leaf (a record claimed to live longer)
    let mut extended = r.clone();
    extended.expiry = VALID_UNTIL + 10;
    let err = prover
        .prove(&extended, &statement(Mode::Anonymous, 0, Operator::Le, 700, 0), Some(&tree.proof(0).unwrap()))
        .unwrap_err();
    assert!(matches!(err, ProverError::Input(_)), "{err}");
}

#[test]
fn the_nullifier_depends_on_owner_and_scope_only() {
    let mut prover = prover();
    let s = statement(Mode::Direct, 0, Operator::Ge, 0, 0);
    let (a, _) = prover.prove(&record(1, 720), &s, None).unwrap();
    let mut other_record = record(1, 800);
    other_record.salt = U256::from(1);
    let (b, _) = prover.prove(&other_record, &s, None).unwrap();
    assert_eq!(a.nullifier(), b.nullifier(), "same owner, same scope: one disclosure");
    let mut s2 = s.clone();
    s2.scope = U256::from(1);
    let (c, _) = prover.prove(&record(1, 720), &s2, None).unwrap();
    assert_ne!(a.nullifier(), c.nullifier());
}

#[test]
fn keys_roundtrip_and_refuse_another_circuit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.key");
    keys().save(&path).unwrap();
    let (hash, _) = read_r1cs(&root().join(paths::R1CS)).unwrap();
    assert_eq!(r1cs_sha256(&root().join(paths::R1CS)).unwrap(), hash);
    let loaded = Keys::load(&path, Some(hash)).unwrap();
    assert_eq!(&loaded, keys());
    assert_eq!(loaded.origin, KeyOrigin::Development);
    let err = Keys::load(&path, Some([0; 32])).unwrap_err();
    assert!(err.to_string().contains("another build"), "{err}");
    std::fs::write(&path, b"nonsense").unwrap();
    assert!(Keys::load(&path, None).is_err());
    // the setup is reproducible: same r1cs and seed, same key
    let again = Keys::development(&root().join(paths::R1CS), paths::DEV_SEED).unwrap();
    assert_eq!(again.pk.vk, keys().pk.vk);
}

/// The committed Solidity verifier is the one the development key generates: a changed
/// circuit without `make verifier` fails here (and in `make lint`).
#[test]
fn the_committed_verifier_matches_the_circuit() {
    assert!(
        verifier::is_current(keys(), &root().join(paths::VERIFIER)).unwrap(),
        "{} is stale: run `make verifier`",
        paths::VERIFIER
    );
}
