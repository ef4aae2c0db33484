//! zkSBT end to end, with real Groth16 proofs made in Rust and checked by the generated
//! on-chain verifier: an issuer attests, the owner consents, a relayer mints; the owner proves
//! "credit score >= 700" directly and anonymously; replays, tampered inputs and front-running
//! fail; the owner burns and the record can no longer be proven.

use crate::{Chain, ChainExt, Error, Result};
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{SolConstructor, SolEvent, SolStruct},
};
use ark_bn254::Fr;
use masa_bindings::{
    contracts::{DisclosureVerifier, IIssuerRegistry, IZkSBT, IssuerRegistry, PoseidonT3, ZkSBT},
    eip712::{Attestation, Consent, zksbt_domain},
    link::linked_bytecode,
};
use masa_cli::sbt::disclosure;
use masa_prover::{
    Prover,
    encryption::{OwnerKeys, seal},
    field::{to_fr, to_u256},
    merkle::LeanImt,
    record::Record,
    statement::{Mode, Operator, Statement},
};

/// Schema 1: self-attested profile; schema 2: attested credit score.
const PROFILE: u64 = 1;
const CREDIT: u64 = 2;

/// How long a disclosure made here stays valid.
const VALID_SECS: u64 = 3_600;
/// How long the attested credit records live.
const CREDIT_LIFETIME: u64 = 30 * 86_400;

/// Gas of each step, for the benchmark.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// `mint` of an attested record (two signatures, tree insertion, ciphertext storage).
    pub mint_attested: u64,
    /// `mint` of a self-attested record.
    pub mint_self: u64,
    /// `verifyDisclosure` sent as a transaction (direct mode).
    pub verify_direct: u64,
    /// `consumeDisclosure`, direct mode.
    pub consume_direct: u64,
    /// `consumeDisclosure`, anonymous mode.
    pub consume_anonymous: u64,
    /// `burn` (leaf removal with sibling nodes, storage erased).
    pub burn: u64,
    /// Bytes of calldata of `consumeDisclosure`.
    pub consume_calldata_bytes: usize,
}

/// The deployed identity contracts.
#[derive(Debug, Clone, Copy)]
pub struct Identity {
    /// The registry.
    pub sbt: Address,
    /// The issuer registry.
    pub registry: Address,
}

/// Deploys Poseidon, the generated verifier, the issuer registry (owned by `admin`, with the
/// profile and credit schemas and `issuer` for credit) and the registry linked to Poseidon.
pub async fn deploy<C: Chain>(
    chain: &mut C,
    admin: Address,
    issuer: Address,
    root_window: u64,
) -> Result<Identity> {
    let (poseidon, _) = chain.create(admin, &PoseidonT3::BYTECODE, &[]).await?;
    let (verifier, _) = chain.create(admin, &DisclosureVerifier::BYTECODE, &[]).await?;
    let schema = |id: u64, self_attestable| IIssuerRegistry::SchemaInit {
        schemaId: U256::from(id),
        schema: IIssuerRegistry::Schema {
            uri: format!("test://schema/{id}"),
            selfAttestable: self_attestable,
            active: true,
        },
    };
    let (registry, _) = chain
        .create(
            admin,
            &IssuerRegistry::BYTECODE,
            &IssuerRegistry::constructorCall {
                owner_: admin,
                schemas: vec![schema(PROFILE, true), schema(CREDIT, false)],
                issuers: vec![IIssuerRegistry::IssuerInit {
                    issuer,
                    name: "Credit bureau".into(),
                    schemaIds: vec![U256::from(CREDIT)],
                }],
            }
            .abi_encode(),
        )
        .await?;
    let artifact = masa_bindings::artifacts::artifact("ZkSBT").expect("ZkSBT is bound");
    let code = linked_bytecode(artifact, &[("PoseidonT3", poseidon)])
        .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?;
    let args = ZkSBT::constructorCall {
        verifier_: verifier,
        issuers_: registry,
        rootWindow_: U256::from(root_window),
    }
    .abi_encode();
    let (sbt, _) = chain.create(admin, &code, &args).await?;
    Ok(Identity { sbt, registry })
}

/// A signer's 65-byte `r || s || v` signature of an EIP-712 struct.
fn sign_typed<T: SolStruct>(signer: &PrivateKeySigner, value: &T, chain_id: u64, sbt: Address) -> Bytes {
    let hash = value.eip712_signing_hash(&zksbt_domain(chain_id, sbt));
    let signature = signer.sign_hash_sync(&hash).expect("local signing cannot fail");
    Bytes::from(signature.as_bytes().to_vec())
}

/// Mints `record` for `owner` (consent signed by `owner`, attestation by `issuer` if any),
/// relayed by `relayer`. Returns the token id and the mint's gas and logs.
#[allow(clippy::too_many_arguments)]
async fn mint<C: Chain>(
    chain: &mut C,
    id: Identity,
    relayer: Address,
    owner: &PrivateKeySigner,
    keys: &OwnerKeys,
    record: &Record,
    issuer: Option<&PrivateKeySigner>,
    tree: &mut LeanImt,
) -> Result<(U256, u64)> {
    let commitment = to_u256(record.commitment()?);
    let ciphertext: Bytes = seal(record, &keys.public_key())?.into();
    let deadline = U256::from(chain.timestamp().await? + 600);
    let consent_nonce = chain.view(id.sbt, ZkSBT::consentNonceCall { owner: owner.address() }).await?;
    let issuer_address = issuer.map_or(Address::ZERO, PrivateKeySigner::address);
    let attestation_nonce = match issuer {
        // unordered nonces: any unused value; the commitment is unique here
        Some(_) => U256::from_be_bytes(keccak256(commitment.to_be_bytes::<32>()).0),
        None => U256::ZERO,
    };
    let consent = Consent {
        owner: owner.address(),
        schemaId: record.schema_id,
        commitment,
        ciphertextHash: keccak256(&ciphertext),
        issuer: issuer_address,
        expiry: record.expiry,
        nonce: consent_nonce,
        deadline,
    };
    let attestation = issuer.map(|i| {
        let a = Attestation {
            owner: owner.address(),
            schemaId: record.schema_id,
            commitment,
            expiry: record.expiry,
            nonce: attestation_nonce,
            deadline,
        };
        sign_typed(i, &a, chain.chain_id(), id.sbt)
    });
    let request = IZkSBT::MintRequest {
        owner: owner.address(),
        schemaId: record.schema_id,
        commitment,
        ciphertext,
        issuer: issuer_address,
        expiry: record.expiry,
        consentNonce: consent_nonce,
        consentDeadline: deadline,
        attestationNonce: attestation_nonce,
        attestationDeadline: deadline,
    };
    let call = ZkSBT::mintCall {
        req: request,
        consent: sign_typed(owner, &consent, chain.chain_id(), id.sbt),
        attestation: attestation.unwrap_or_default(),
    };
    let outcome = chain.send(relayer, id.sbt, call).await?;
    let minted =
        outcome.logs.iter().find_map(|log| ZkSBT::RecordMinted::decode_log(log).ok()).ok_or_else(|| {
            Error::Expectation { chain: chain.name(), message: "no RecordMinted event".into() }
        })?;
    // the off-chain tree follows the registry's events
    for inserted in outcome.logs.iter().filter_map(|log| ZkSBT::LeafInserted::decode_log(log).ok()) {
        let index = tree.insert(to_fr("leaf", inserted.leaf)?);
        chain.ensure_eq("leaf index", U256::from(index), inserted.index)?;
        chain.ensure_eq("root after insert", to_u256(tree.root()), inserted.root)?;
    }
    Ok((minted.tokenId, outcome.gas_used))
}

/// Proves "credit score (field 0) >= 700" for `consumer`'s `purpose`, bound to `recipient` and
/// `message`, in `mode`.
#[allow(clippy::too_many_arguments)]
async fn prove_score<C: Chain>(
    chain: &C,
    prover: &mut Prover,
    id: Identity,
    record: &Record,
    tree: &LeanImt,
    mode: Mode,
    consumer: Address,
    purpose: B256,
    recipient: Address,
    message: B256,
) -> Result<IZkSBT::Disclosure> {
    let scope = chain.view(id.sbt, ZkSBT::scopeOfCall { consumer, purpose }).await?;
    let message_hash = chain.view(id.sbt, ZkSBT::messageHashOfCall { recipient, message }).await?;
    let statement = Statement {
        mode,
        field_index: 0,
        operator: Operator::Ge,
        operand_a: 700,
        operand_b: 0,
        scope,
        message_hash,
        valid_until: chain.timestamp().await? + VALID_SECS,
    };
    let membership = match mode {
        Mode::Direct => None,
        Mode::Anonymous => {
            let index = tree.index_of(record.leaf()?).ok_or_else(|| Error::Expectation {
                chain: chain.name(),
                message: "the record is not in the tree".into(),
            })?;
            Some(
                tree.proof(index)
                    .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?,
            )
        }
    };
    let (proof, _) = prover.prove(record, &statement, membership.as_ref())?;
    chain.ensure(prover.verify(&proof), || "the proof does not verify locally".into())?;
    Ok(disclosure(&proof, purpose, recipient, message))
}

/// The whole story; `prover` must hold the key the generated verifier was made from.
pub async fn disclosure_lifecycle<C: Chain>(chain: &mut C, prover: &mut Prover) -> Result<GasReport> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let [admin, relayer, dapp, watcher, recipient] = [0, 1, 2, 3, 4].map(|i| signers[i].address());
    let (owner, issuer) = (&signers[5], &signers[6]);
    let id = deploy(chain, admin, issuer.address(), 16).await?;
    let mut report = GasReport::default();
    let mut tree = LeanImt::new();

    // other people's profiles make up the anonymity set
    for (i, member) in signers[7..10].iter().enumerate() {
        let keys = OwnerKeys::derive(&member.to_bytes().0);
        let record = keys.new_record(U256::from(PROFILE), [1_600_000_000 + i as u64, 10, 20, 0, 0, 0, 0, 0]);
        let (_, gas) = mint(chain, id, relayer, member, &keys, &record, None, &mut tree).await?;
        report.mint_self = gas;
    }

    // the issuer attests the owner's credit score; the owner consents; a relayer mints
    let keys = OwnerKeys::derive(&owner.to_bytes().0);
    let now = chain.timestamp().await?;
    let mut record = keys.new_record(U256::from(CREDIT), [742, now, 840, 0, 0, 0, 0, 0]);
    record.expiry = now + CREDIT_LIFETIME;
    let (token, gas) = mint(chain, id, relayer, owner, &keys, &record, Some(issuer), &mut tree).await?;
    report.mint_attested = gas;
    chain.ensure_eq(
        "owner",
        chain.view(id.sbt, ZkSBT::ownerOfCall { tokenId: token }).await?,
        owner.address(),
    )?;
    chain.ensure_eq("tree root", chain.view(id.sbt, ZkSBT::rootCall {}).await?, to_u256(tree.root()))?;
    // the owner reads the record back from the chain
    let stored = chain.view(id.sbt, ZkSBT::recordCall { tokenId: token }).await?;
    chain.ensure_eq("stored expiry", stored.expiry, record.expiry)?;
    let opened = keys.open_record(&stored.ciphertext, stored.expiry)?;
    chain.ensure_eq("decrypted record", opened, record.clone())?;

    // a direct disclosure for the dapp's credit check, bound to the recipient and a loan id
    let purpose = keccak256("credit-check");
    let message = keccak256("loan #1");
    let direct =
        prove_score(chain, prover, id, &record, &tree, Mode::Direct, dapp, purpose, recipient, message)
            .await?;
    chain.ensure(
        chain.view(id.sbt, ZkSBT::verifyDisclosureCall { consumer: dapp, d: direct.clone() }).await?,
        || "verifyDisclosure refused a valid direct proof".into(),
    )?;
    report.verify_direct = chain
        .send(dapp, id.sbt, ZkSBT::verifyDisclosureCall { consumer: dapp, d: direct.clone() })
        .await?
        .gas_used;
    let consume = ZkSBT::consumeDisclosureCall { d: direct.clone() };
    report.consume_calldata_bytes = alloy::sol_types::SolCall::abi_encode(&consume).len();
    let outcome = chain.send(dapp, id.sbt, consume.clone()).await?;
    report.consume_direct = outcome.gas_used;
    let event =
        outcome.logs.iter().find_map(|log| ZkSBT::DisclosureConsumed::decode_log(log).ok()).ok_or_else(
            || Error::Expectation { chain: chain.name(), message: "no DisclosureConsumed".into() },
        )?;
    chain.ensure_eq("consumer", event.consumer, dapp)?;
    chain.ensure_eq("nullifier", event.nullifier, direct.nullifier)?;

    // replay: the nullifier is spent in this scope
    chain.expect_revert::<ZkSBT::ZkSBT__NullifierUsed, _>(dapp, id.sbt, consume).await?;

    // anonymous: the dapp learns "some member has a score >= 700", nothing about which
    let purpose = keccak256("anonymous-credit-check");
    let anonymous =
        prove_score(chain, prover, id, &record, &tree, Mode::Anonymous, dapp, purpose, recipient, message)
            .await?;
    chain.ensure_eq("anonymous root", anonymous.root, to_u256(tree.root()))?;
    // tampered public input: claim a score >= 800 with the >= 700 proof
    let mut tampered = anonymous.clone();
    tampered.operandA = U256::from(800);
    chain
        .expect_revert::<ZkSBT::ZkSBT__InvalidProof, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: tampered },
        )
        .await?;
    // a watcher copies the pending transaction and submits it first: other scope, refused
    chain
        .expect_revert::<ZkSBT::ZkSBT__InvalidProof, _>(
            watcher,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: anonymous.clone() },
        )
        .await?;
    let mut redirected = anonymous.clone();
    redirected.recipient = watcher;
    chain
        .expect_revert::<ZkSBT::ZkSBT__InvalidProof, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: redirected },
        )
        .await?;
    report.consume_anonymous =
        chain.send(dapp, id.sbt, ZkSBT::consumeDisclosureCall { d: anonymous }).await?.gas_used;

    // an anonymous proof in flight when the owner burns
    let purpose = keccak256("later-check");
    let in_flight =
        prove_score(chain, prover, id, &record, &tree, Mode::Anonymous, dapp, purpose, recipient, message)
            .await?;
    let in_flight_direct =
        prove_score(chain, prover, id, &record, &tree, Mode::Direct, dapp, purpose, recipient, message)
            .await?;

    // the owner burns: record erased, leaf removed (siblings from the off-chain tree)
    let index = tree.index_of(record.leaf()?).expect("minted above");
    let siblings: Vec<U256> = tree
        .siblings(index)
        .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?
        .into_iter()
        .map(|(_, node)| to_u256(node))
        .collect();
    let outcome = chain
        .send(owner.address(), id.sbt, ZkSBT::burnCall { tokenId: token, siblingNodes: siblings })
        .await?;
    report.burn = outcome.gas_used;
    for removed in outcome.logs.iter().filter_map(|log| ZkSBT::LeafRemoved::decode_log(log).ok()) {
        tree.update(removed.index.to::<usize>(), Fr::from(0u64))
            .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?;
        chain.ensure_eq("root after removal", to_u256(tree.root()), removed.root)?;
    }
    chain.ensure(tree.index_of(record.leaf()?).is_none(), || "the leaf is still in the tree".into())?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__UnknownRoot, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: in_flight },
        )
        .await?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__RecordNotUsable, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: in_flight_direct },
        )
        .await?;
    // and no new anonymous proof can be made: the commitment is in no tree the registry accepts
    let none =
        prove_score(chain, prover, id, &record, &tree, Mode::Anonymous, dapp, purpose, recipient, message)
            .await;
    chain.ensure(none.is_err(), || "an anonymous proof was made for a burned record".into())?;
    // the other members still prove against the new root: the set survives a burn
    chain
        .ensure(chain.view(id.sbt, ZkSBT::isKnownRootCall { root_: to_u256(tree.root()) }).await?, || {
            "the post-burn root is not accepted".into()
        })?;

    expiry(chain, prover, id, &mut tree, relayer, dapp, recipient, owner, issuer).await?;
    Ok(report)
}

/// A record past its expiry cannot be proven, even anonymously and while its leaf is still in
/// the tree (nobody called `expire`): the leaf binds the expiry and the proof states it holds
/// until `validUntil`, which the registry checks; a proof past its `validUntil` is refused.
#[allow(clippy::too_many_arguments)]
async fn expiry<C: Chain>(
    chain: &mut C,
    prover: &mut Prover,
    id: Identity,
    tree: &mut LeanImt,
    relayer: Address,
    dapp: Address,
    recipient: Address,
    owner: &PrivateKeySigner,
    issuer: &PrivateKeySigner,
) -> Result<()> {
    let keys = OwnerKeys::derive(&owner.to_bytes().0);
    let now = chain.timestamp().await?;
    let mut record = keys.new_record(U256::from(CREDIT), [705, now, 0, 0, 0, 0, 0, 0]);
    record.expiry = now + 2 * VALID_SECS;
    mint(chain, id, relayer, owner, &keys, &record, Some(issuer), tree).await?;
    let message = keccak256("loan #2");
    // two anonymous proofs for two purposes: one consumed now, one only after its validUntil
    let mut proofs = Vec::with_capacity(2);
    for purpose in ["expiring-1", "expiring-2"] {
        let purpose = keccak256(purpose);
        proofs.push(
            prove_score(chain, prover, id, &record, tree, Mode::Anonymous, dapp, purpose, recipient, message)
                .await?,
        );
    }
    let (late, valid) = (proofs.pop().expect("two proofs"), proofs.pop().expect("two proofs"));
    chain.send(dapp, id.sbt, ZkSBT::consumeDisclosureCall { d: valid }).await?;
    // past the proof's validUntil (the record itself still lives): refused
    chain.advance_time(VALID_SECS + 1).await?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__DisclosureExpired, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: late },
        )
        .await?;
    // past the record's expiry: its leaf is still in the tree, but no proof can be made, not even
    // by claiming a later expiry (refused by the prover here; circuits/test shows the constraint
    // system rejects such witnesses)
    chain.advance_time(VALID_SECS).await?;
    chain.ensure(tree.index_of(record.leaf()?).is_some(), || "the expired leaf left the tree".into())?;
    for claimed in [record.expiry, record.expiry + 10 * VALID_SECS] {
        let forged = Record { expiry: claimed, ..record.clone() };
        let attempt = prove_score(
            chain,
            prover,
            id,
            &forged,
            tree,
            Mode::Anonymous,
            dapp,
            keccak256("expiring-3"),
            recipient,
            message,
        )
        .await;
        chain.ensure(attempt.is_err(), || format!("an expired record was proven (expiry {claimed})"))?;
    }
    Ok(())
}
