//! Real Groth16 proofs of the disclosure circuit (circuits/build, from `make circuits`), with
//! a development key made here from the r1cs.

use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use masa_prover::{
    Prover, ProverError, PublicInputs,
    calldata::{ProofFile, verify_calldata},
    field::to_u256,
    keys::{KeyOrigin, Keys, r1cs_sha256, read_r1cs},
    merkle::{LeanImt, Trees},
    paths, poseidon,
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

/// The credit bureau, an issuer.
const BUREAU: Address = Address::repeat_byte(0xb0);
/// Another issuer.
const LENDER: Address = Address::repeat_byte(0x1e);

/// A self-attested record; odd secrets: a record that expires after the statements'
/// validUntil; even: never.
fn record(secret: u64, score: u64) -> Record {
    Record {
        schema_id: U256::from(7),
        values: [score, 1_700_000_000, 840, 0, 0, 0, 0, u64::MAX],
        salt: U256::from(0xdead_beef_u64 + secret),
        owner_secret: U256::from(secret),
        issuer: Address::ZERO,
        expiry: if secret % 2 == 1 { VALID_UNTIL + 1 + secret } else { 0 },
    }
}

/// The same, attested by `issuer`.
fn attested(secret: u64, score: u64, issuer: Address) -> Record {
    Record { issuer, ..record(secret, score) }
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
        issuers: None,
    }
}

fn with_issuers(s: &Statement, issuers: &[Address]) -> Statement {
    Statement { issuers: Some(issuers.to_vec()), ..s.clone() }
}

fn tree_with(records: &[Record]) -> LeanImt {
    let mut tree = LeanImt::new();
    for r in records {
        tree.insert(r.leaf().unwrap());
    }
    tree
}

/// Proves and checks what every valid proof must satisfy: it verifies locally and as
/// calldata, and its public inputs say what was asked.
fn prove_ok(
    prover: &mut Prover,
    r: &Record,
    s: &Statement,
    tree: Option<&LeanImt>,
) -> masa_prover::DisclosureProof {
    let membership = tree.map(|t| t.proof(t.index_of(r.leaf().unwrap()).unwrap()).unwrap());
    let (proof, _) = prover.prove(r, s, membership.as_ref()).unwrap();
    assert!(prover.verify(&proof), "{s:?}");
    assert!(verify_calldata(keys(), &ProofFile::from((&proof, Default::default()))).unwrap());
    let p = &proof.public_inputs;
    let expected_root = match s.mode {
        Mode::Direct => r.leaf().unwrap(),
        Mode::Anonymous => tree.unwrap().root(),
    };
    assert_eq!(p.root, expected_root);
    assert_eq!(p.mode, Fr::from(s.mode as u64));
    assert_eq!(p.schema_id(), r.schema_id);
    let set = s.issuers.as_deref().map_or(Fr::from(0u64), |m| poseidon::issuer_set(m).unwrap());
    assert_eq!(p.issuer_set, set);
    assert_eq!(p.scope(), s.scope);
    assert_eq!(p.message_hash(), s.message_hash);
    assert_eq!(p.valid_until(), U256::from(s.valid_until));
    assert_eq!(p.field_index(), U256::from(s.field_index));
    proof
}

#[test]
fn direct_and_anonymous_proofs_verify_for_every_operator() {
    let mut prover = prover();
    let records: Vec<Record> = (1..=5).map(|i| attested(i, 700 + i, BUREAU)).collect();
    let tree = tree_with(&records);
    let me = &records[2]; // score 703
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
            prove_ok(&mut prover, me, &s, Some(&tree).filter(|_| mode == Mode::Anonymous));
        }
    }
}

/// A self-attested record proves "issuerSet contains address(0)"; an attested record proves a
/// 2-member set holding its issuer, in both modes, and "any issuer" (issuerSet 0).
#[test]
fn issuer_sets_are_proven_in_both_modes() {
    let mut prover = prover();
    let mine = record(2, 720);
    let theirs = attested(3, 760, BUREAU);
    let mut trees = Trees::new();
    let mut model = LeanImt::new();
    for (index, r) in [record(4, 1), mine.clone(), theirs.clone()].iter().enumerate() {
        model.insert(r.leaf().unwrap());
        let event = masa_prover::merkle::TreeEvent::Inserted {
            tree_id: 0,
            index: index as u64,
            leaf: r.leaf().unwrap(),
            root: model.root(),
        };
        trees.apply(&event).unwrap();
    }
    let tree = trees.tree(0).unwrap();
    for mode in [Mode::Direct, Mode::Anonymous] {
        let anon = Some(tree).filter(|_| mode == Mode::Anonymous);
        let ge = statement(mode, 0, Operator::Ge, 700, 0);
        let p = prove_ok(&mut prover, &mine, &with_issuers(&ge, &[Address::ZERO]), anon);
        assert_eq!(p.public_inputs.issuer_set, poseidon::issuer_set(&[Address::ZERO]).unwrap());
        let p = prove_ok(&mut prover, &theirs, &with_issuers(&ge, &[LENDER, BUREAU]), anon);
        assert_eq!(
            p.public_inputs.issuer_set,
            poseidon::issuer_set(&[LENDER, BUREAU, LENDER, LENDER]).unwrap()
        );
        prove_ok(&mut prover, &theirs, &with_issuers(&ge, &[BUREAU, Address::ZERO, LENDER, BUREAU]), anon);
        let p = prove_ok(&mut prover, &theirs, &ge, anon);
        assert_eq!(p.public_inputs.issuer_set, Fr::from(0u64), "no set: any issuer");
    }
}

/// The prover refuses, before any proving work, an issuer outside the set, a malformed set,
/// and a record whose schema, issuer or expiry is not the one in the tree's leaf.
#[test]
fn the_prover_refuses_an_issuer_outside_the_set() {
    let mut prover = prover();
    let theirs = attested(3, 760, BUREAU);
    let mine = record(2, 720);
    let ge = statement(Mode::Direct, 0, Operator::Ge, 700, 0);
    let err = prover.prove(&theirs, &with_issuers(&ge, &[LENDER, Address::ZERO]), None).unwrap_err();
    assert!(
        matches!(&err, ProverError::Statement(StatementError::IssuerNotInSet { issuer, set }) if *issuer == BUREAU && set == &[LENDER, Address::ZERO]),
        "{err}"
    );
    assert!(err.to_string().contains(&BUREAU.to_string()), "{err}");
    let err = prover.prove(&mine, &with_issuers(&ge, &[BUREAU]), None).unwrap_err();
    assert!(err.to_string().contains("(self-attested)"), "{err}");
    for bad in [vec![], vec![BUREAU; 5]] {
        let err = prover.prove(&theirs, &with_issuers(&ge, &bad), None).unwrap_err();
        assert!(matches!(err, ProverError::Statement(StatementError::IssuerSet(_))), "{err}");
    }
    // a self-attested record claimed as the bureau's: its leaf is not in the tree
    let tree = tree_with(std::slice::from_ref(&mine));
    let claimed = Record { issuer: BUREAU, ..mine.clone() };
    let anon = with_issuers(&statement(Mode::Anonymous, 0, Operator::Ge, 700, 0), &[BUREAU]);
    let err = prover.prove(&claimed, &anon, Some(&tree.proof(0).unwrap())).unwrap_err();
    assert!(matches!(err, ProverError::Input(_)), "{err}");
    // nor can it claim another schema
    let other_schema = Record { schema_id: U256::from(2), ..mine };
    let err = prover.prove(&other_schema, &anon, Some(&tree.proof(0).unwrap())).unwrap_err();
    assert!(matches!(err, ProverError::Statement(StatementError::IssuerNotInSet { .. })), "{err}");
    let any = statement(Mode::Anonymous, 0, Operator::Ge, 700, 0);
    let err = prover.prove(&other_schema, &any, Some(&tree.proof(0).unwrap())).unwrap_err();
    assert!(matches!(err, ProverError::Input(_)), "{err}");
}

#[test]
fn every_tampered_public_input_fails_verification() {
    let mut prover = prover();
    let r = attested(1, 720, BUREAU);
    let tree = tree_with(&[record(2, 1), r.clone()]);
    for (mode, tree) in [(Mode::Direct, None), (Mode::Anonymous, Some(&tree))] {
        let s = with_issuers(&statement(mode, 0, Operator::Ge, 700, 0), &[LENDER, BUREAU]);
        let proof = prove_ok(&mut prover, &r, &s, tree);
        for name in PublicInputs::NAMES {
            let mut tampered = proof.clone();
            let mut values = tampered.public_inputs.to_array();
            let slot = PublicInputs::NAMES.iter().position(|&n| n == name).unwrap();
            values[slot] += Fr::from(1u64);
            tampered.public_inputs = PublicInputs::from_array(values);
            assert!(!prover.verify(&tampered), "{mode:?}: {name} changed but the proof still verifies");
        }
        // "any issuer" instead of the set the proof was made for
        let mut any = proof.clone();
        any.public_inputs.issuer_set = Fr::from(0u64);
        assert!(!prover.verify(&any), "{mode:?}: issuerSet 0");
        let mut swapped = proof;
        std::mem::swap(&mut swapped.proof.a, &mut swapped.proof.c);
        assert!(!prover.verify(&swapped));
    }
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

/// One owner secret, one identity: every record of a wallet gives the same nullifier per
/// scope, whatever its schema, issuer or mode.
#[test]
fn the_nullifier_depends_on_owner_and_scope_only() {
    let mut prover = prover();
    let s = statement(Mode::Direct, 0, Operator::Ge, 0, 0);
    let a = prove_ok(&mut prover, &record(1, 720), &s, None);
    let mut other_record = attested(1, 800, BUREAU);
    other_record.salt = U256::from(1);
    other_record.schema_id = U256::from(2);
    let tree = tree_with(&[other_record.clone()]);
    let b =
        prove_ok(&mut prover, &other_record, &statement(Mode::Anonymous, 0, Operator::Ge, 0, 0), Some(&tree));
    assert_eq!(a.nullifier(), b.nullifier(), "same owner, same scope: one disclosure");
    let mut s2 = s.clone();
    s2.scope = U256::from(1);
    let c = prove_ok(&mut prover, &record(1, 720), &s2, None);
    assert_ne!(a.nullifier(), c.nullifier());
    assert_eq!(a.root(), to_u256(record(1, 720).leaf().unwrap()));
}

#[test]
fn keys_roundtrip_and_refuse_another_circuit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.key");
    keys().save(&path).unwrap();
    let (hash, r1cs) = read_r1cs(&root().join(paths::R1CS)).unwrap();
    assert_eq!(r1cs.num_inputs, PublicInputs::COUNT + 1, "the circuit has 12 public inputs");
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
