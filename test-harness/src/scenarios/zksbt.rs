//! zkSBT end to end, with real Groth16 proofs made in Rust and checked by the generated
//! on-chain verifier.
//!
//! - [`disclosure_lifecycle`]: an issuer attests, the owner consents, a relayer mints and pays the
//!   mint fee; the owner proves "credit score >= 700, attested by the bureau" directly and
//!   anonymously; replays, tampered inputs and front-running fail; other people's burns do not
//!   break a proof in flight; the owner burns and the record stops being provable; expiry.
//! - [`attacks`]: the attacks of the zkSBT hardening review (issue 12), each refused for the right
//!   reason: a schema nobody attested, a revoked record re-minted as self-attested, many owner
//!   secrets in one wallet, a squatted commitment, a front-run burn.
//! - [`capacity_renews`]: a registry with 4-leaf trees is filled; minting goes on in the next
//!   tree, and anonymous proofs against both trees are accepted.

use crate::{Chain, ChainExt, Error, Expect, Result};
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{SolEvent, SolStruct},
};
use ark_bn254::Fr;
use masa_bindings::{
    MASA,
    contracts::{IFeeRouter, IZkSBT, MasaToken, ZkSBT},
    eip712::{Attestation, Consent, zksbt_domain},
};
use masa_prover::{
    Prover,
    encryption::{OnChain, OwnerKeys, seal},
    field::{to_fr, to_u256},
    merkle::{LeanImt, MerkleProof, TreeEvent, Trees},
    record::Record,
    statement::{Mode, Operator, Statement},
};
use masa_sdk::{
    deploy::{
        Deployer,
        fees::{self, Exchange, FeeRouterInit},
        governance,
        identity::{self, IdentityInit},
        params::{IdentityConfig, IssuerParams, SchemaParams},
    },
    zksbt::disclosure,
};

/// Schema 1: self-attested profile; schema 2: attested credit score.
const PROFILE: u64 = 1;
pub(crate) const CREDIT: u64 = 2;

/// How long a disclosure made here stays valid.
const VALID_SECS: u64 = 3_600;
/// How long the attested credit records live.
pub(crate) const CREDIT_LIFETIME: u64 = 30 * 86_400;
/// How long a replaced root stays usable here: shorter than a disclosure's validity, so a proof
/// whose root has expired is refused for its root, not for its `validUntil`.
const ROOT_HISTORY: u64 = 600;

/// Gas of each step, for the benchmark.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// `mint` of an attested record (two signatures, identity check, leaf hash, tree insertion,
    /// ciphertext storage).
    pub mint_attested: u64,
    /// `mint` of a self-attested record, paying the mint fee.
    pub mint_self: u64,
    /// `verifyDisclosure` sent as a transaction (direct mode).
    pub verify_direct: u64,
    /// `consumeDisclosure`, direct mode.
    pub consume_direct: u64,
    /// `consumeDisclosure`, anonymous mode with an issuer set.
    pub consume_anonymous: u64,
    /// `burn` (leaf removed from the registry's own nodes, storage erased).
    pub burn: u64,
    /// `revoke` by the issuer.
    pub revoke: u64,
    /// `forwardFees` (the held mint fees paid through the fee router: burn + split).
    pub forward_fees: u64,
    /// Bytes of calldata of `consumeDisclosure`.
    pub consume_calldata_bytes: usize,
}

/// The registry's parameters of the scenarios: 2^20 leaves per tree, replaced roots usable
/// for [`ROOT_HISTORY`], a 1 MASA self-attested mint fee, attested mints free.
pub const REGISTRY: IdentityConfig = IdentityConfig {
    tree_depth: 20,
    root_history: ROOT_HISTORY,
    self_attested_mint_fee: MASA,
    attested_mint_fee: U256::ZERO,
};

/// The deployed identity contracts.
#[derive(Debug, Clone, Copy)]
pub struct Identity {
    /// The registry.
    pub sbt: Address,
    /// The issuer registry.
    pub registry: Address,
    /// MASA.
    pub masa: Address,
    /// The fee router the mint fees go through.
    pub fee_router: Address,
}

/// Deploys MASA, the real Uniswap V2 and the fee router (20% burned, the rest to `admin`), the
/// three Poseidon libraries, the generated verifier, the issuer registry (owned by `admin`, with
/// the profile and credit schemas and `issuer` for credit) and the registry, owned by `admin`
/// (the DAO timelock's stand-in) and linked to the libraries. `admin` holds the MASA supply.
pub async fn deploy<C: Chain>(
    chain: &mut C,
    admin: Address,
    issuer: Address,
    config: IdentityConfig,
) -> Result<Identity> {
    let mut run = Deployer::new(chain, admin);
    let masa = governance::deploy_token(&mut run).await?;
    let Exchange { weth, router, .. } = fees::deploy_exchange(&mut run, admin).await?;
    let shares = IFeeRouter::Shares {
        burnBps: 2_000,
        oracleBps: 2_000,
        validatorBps: 2_000,
        contributorBps: 2_000,
        treasuryBps: 2_000,
    };
    let recipients = IFeeRouter::Recipients {
        oracleRewards: admin,
        validatorRewards: admin,
        contributorRewards: admin,
        treasury: admin,
    };
    let fee_router = fees::deploy_router(
        &mut run,
        FeeRouterInit { masa, swap_router: router, wrapped_native: weth, owner: admin, shares, recipients },
    )
    .await?;
    let schema = |id: u64, self_attestable| SchemaParams {
        id,
        uri: format!("test://schema/{id}"),
        self_attestable,
        fields: vec![],
        oracle_attested: false,
    };
    let init = IdentityInit {
        owner: admin,
        fee_router,
        config,
        schemas: &[schema(PROFILE, true), schema(CREDIT, false)],
        issuers: &[IssuerParams { address: issuer, name: "Credit bureau".into(), schemas: vec![CREDIT] }],
        oracle_nodes: None,
    };
    let deployed = identity::deploy(&mut run, init).await?;
    Ok(Identity { sbt: deployed.sbt, registry: deployed.issuer_registry, masa, fee_router })
}

/// Follows the tree events of a transaction's logs in the off-chain copy of the registry's trees
/// (each root checked against the event's).
fn follow<C: Chain>(chain: &C, trees: &mut Trees, logs: &[alloy::primitives::Log]) -> Result<()> {
    for log in logs {
        let event = if let Ok(e) = ZkSBT::LeafInserted::decode_log(log) {
            TreeEvent::Inserted {
                tree_id: e.treeId.to(),
                index: e.index.to(),
                leaf: to_fr("leaf", e.leaf)?,
                root: to_fr("root", e.root)?,
            }
        } else if let Ok(e) = ZkSBT::LeafRemoved::decode_log(log) {
            TreeEvent::Removed {
                tree_id: e.treeId.to(),
                index: e.index.to(),
                leaf: to_fr("leaf", e.leaf)?,
                root: to_fr("root", e.root)?,
            }
        } else {
            continue;
        };
        trees
            .apply(&event)
            .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?;
    }
    Ok(())
}

/// Tree `id` of the off-chain copy.
fn tree<'a, C: Chain>(chain: &C, trees: &'a Trees, id: u64) -> Result<&'a LeanImt> {
    trees.tree(id).ok_or_else(|| Error::Expectation { chain: chain.name(), message: format!("no tree {id}") })
}

/// A minted token, as its owner knows it.
#[derive(Debug, Clone)]
pub(crate) struct Minted {
    pub(crate) token: U256,
    /// The record, with the on-chain issuer and expiry.
    pub(crate) record: Record,
    pub(crate) tree: u64,
    pub(crate) index: usize,
}

/// A signer's 65-byte `r || s || v` signature of an EIP-712 struct.
fn sign_typed<T: SolStruct>(signer: &PrivateKeySigner, value: &T, chain_id: u64, sbt: Address) -> Bytes {
    let hash = value.eip712_signing_hash(&zksbt_domain(chain_id, sbt));
    let signature = signer.sign_hash_sync(&hash).expect("local signing cannot fail");
    Bytes::from(signature.as_bytes().to_vec())
}

/// The owner's EIP-712 consent to exactly `req` (what `mint` checks).
fn consent_of(req: &IZkSBT::MintRequest) -> Consent {
    Consent {
        owner: req.owner,
        identity: req.identity,
        schemaId: req.schemaId,
        commitment: req.commitment,
        ciphertextHash: keccak256(&req.ciphertext),
        issuer: req.issuer,
        expiry: req.expiry,
        nonce: req.consentNonce,
        deadline: req.consentDeadline,
    }
}

/// Re-signs the consent of a mint whose request the owner changed.
fn resign<C: Chain>(chain: &C, id: Identity, owner: &PrivateKeySigner, call: &mut ZkSBT::mintCall) {
    call.consent = sign_typed(owner, &consent_of(&call.req), chain.chain_id(), id.sbt);
}

/// The signed mint of `record` for `owner` (consent by `owner`, attestation by `issuer` if
/// any): the call a relayer sends.
async fn mint_call<C: Chain>(
    chain: &C,
    id: Identity,
    owner: &PrivateKeySigner,
    keys: &OwnerKeys,
    record: &Record,
    issuer: Option<&PrivateKeySigner>,
) -> Result<ZkSBT::mintCall> {
    let commitment = to_u256(record.commitment()?);
    let identity = to_u256(record.identity()?);
    let ciphertext: Bytes = seal(record, &keys.public_key())?.into();
    let deadline = U256::from(chain.timestamp().await? + 600);
    let consent_nonce = chain.view(id.sbt, ZkSBT::consentNonceCall { owner: owner.address() }).await?;
    let issuer_address = issuer.map_or(Address::ZERO, PrivateKeySigner::address);
    // unordered nonces: any unused value; the salt makes this one unique
    let attestation_nonce = U256::from_be_bytes(keccak256(record.salt.to_be_bytes::<32>()).0);
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
    let req = IZkSBT::MintRequest {
        owner: owner.address(),
        identity,
        schemaId: record.schema_id,
        commitment,
        ciphertext,
        issuer: issuer_address,
        expiry: record.expiry,
        consentNonce: consent_nonce,
        consentDeadline: deadline,
        attestationNonce: if issuer.is_some() { attestation_nonce } else { U256::ZERO },
        attestationDeadline: deadline,
    };
    let consent = sign_typed(owner, &consent_of(&req), chain.chain_id(), id.sbt);
    Ok(ZkSBT::mintCall { req, consent, attestation: attestation.unwrap_or_default() })
}

/// Sends a mint from `relayer` and follows its tree events.
async fn send_mint<C: Chain>(
    chain: &mut C,
    id: Identity,
    relayer: Address,
    call: ZkSBT::mintCall,
    record: &Record,
    trees: &mut Trees,
) -> Result<(Minted, u64)> {
    let outcome = chain.send(relayer, id.sbt, call).await?;
    follow(chain, trees, &outcome.logs)?;
    let minted =
        outcome.logs.iter().find_map(|log| ZkSBT::RecordMinted::decode_log(log).ok()).ok_or_else(|| {
            Error::Expectation { chain: chain.name(), message: "no RecordMinted event".into() }
        })?;
    let mut record = record.clone();
    record.issuer = minted.issuer;
    let minted =
        Minted { token: minted.tokenId, record, tree: minted.treeId.to(), index: minted.leafIndex.to() };
    Ok((minted, outcome.gas_used))
}

/// Mints `record` for `owner`, relayed (and paid for) by `relayer`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn mint<C: Chain>(
    chain: &mut C,
    id: Identity,
    relayer: Address,
    owner: &PrivateKeySigner,
    keys: &OwnerKeys,
    record: &Record,
    issuer: Option<&PrivateKeySigner>,
    trees: &mut Trees,
) -> Result<(Minted, u64)> {
    let call = mint_call(chain, id, owner, keys, record, issuer).await?;
    send_mint(chain, id, relayer, call, record, trees).await
}

/// What a disclosure asks: "field 0 >= `min`", for whom, in which mode, from which issuers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ask<'a> {
    pub(crate) mode: Mode,
    pub(crate) min: u64,
    pub(crate) consumer: Address,
    pub(crate) purpose: B256,
    pub(crate) recipient: Address,
    pub(crate) message: B256,
    pub(crate) issuers: Option<&'a [Address]>,
}

/// Proves `ask` about `minted` against the off-chain copy of its tree (anonymous mode) or its
/// own leaf (direct mode).
pub(crate) async fn prove<C: Chain>(
    chain: &C,
    prover: &mut Prover,
    id: Identity,
    minted: &Minted,
    trees: &Trees,
    ask: Ask<'_>,
) -> Result<IZkSBT::Disclosure> {
    let (statement, membership) = statement(chain, id, minted, trees, ask).await?;
    let (proof, _) = prover.prove(&minted.record, &statement, membership.as_ref())?;
    chain.ensure(prover.verify(&proof), || "the proof does not verify locally".into())?;
    let token = if ask.mode == Mode::Direct { minted.token } else { U256::ZERO };
    Ok(disclosure(&proof, token, ask.purpose, ask.recipient, ask.message))
}

/// The statement `ask` makes about `minted` (scope and message hash from the registry) and, in
/// anonymous mode, the record's membership proof in the off-chain copy of its tree.
pub(crate) async fn statement<C: Chain>(
    chain: &C,
    id: Identity,
    minted: &Minted,
    trees: &Trees,
    ask: Ask<'_>,
) -> Result<(Statement, Option<MerkleProof>)> {
    let scope =
        chain.view(id.sbt, ZkSBT::scopeOfCall { consumer: ask.consumer, purpose: ask.purpose }).await?;
    let message_hash = chain
        .view(id.sbt, ZkSBT::messageHashOfCall { recipient: ask.recipient, message: ask.message })
        .await?;
    let statement = Statement {
        mode: ask.mode,
        field_index: 0,
        operator: Operator::Ge,
        operand_a: ask.min,
        operand_b: 0,
        scope,
        message_hash,
        valid_until: chain.timestamp().await? + VALID_SECS,
        issuers: ask.issuers.map(<[Address]>::to_vec),
    };
    let membership = match ask.mode {
        Mode::Direct => None,
        Mode::Anonymous => Some(
            tree(chain, trees, minted.tree)?
                .proof(minted.index)
                .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?,
        ),
    };
    Ok((statement, membership))
}

/// Gives `who` MASA from `admin` and lets the registry take mint fees from it.
async fn fund<C: Chain>(chain: &mut C, id: Identity, admin: Address, who: Address) -> Result<()> {
    chain.send(admin, id.masa, MasaToken::transferCall { to: who, value: MASA * U256::from(1_000) }).await?;
    chain.send(who, id.masa, MasaToken::approveCall { spender: id.sbt, value: U256::MAX }).await?;
    Ok(())
}

/// The whole story; `prover` must hold the key the generated verifier was made from.
pub async fn disclosure_lifecycle<C: Chain>(chain: &mut C, prover: &mut Prover) -> Result<GasReport> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let [admin, relayer, dapp, watcher, recipient] = [0, 1, 2, 3, 4].map(|i| signers[i].address());
    let (owner, issuer) = (&signers[5], &signers[6]);
    let id = deploy(chain, admin, issuer.address(), REGISTRY).await?;
    fund(chain, id, admin, relayer).await?;
    let mut report = GasReport::default();
    let trees = &mut Trees::new();
    let bureau = [issuer.address()];

    // other people's profiles make up the anonymity set; the relayer pays the self-attested fee
    let mut members = Vec::new();
    for (i, member) in signers[7..10].iter().enumerate() {
        let keys = OwnerKeys::derive(&member.to_bytes().0);
        let record = keys.new_record(U256::from(PROFILE), [1_600_000_000 + i as u64, 10, 20, 0, 0, 0, 0, 0]);
        let (minted, gas) = mint(chain, id, relayer, member, &keys, &record, None, trees).await?;
        report.mint_self = gas;
        members.push((member, minted));
    }
    let held = chain.view(id.masa, MasaToken::balanceOfCall { account: id.sbt }).await?;
    chain.ensure_eq("three self-attested fees held", held, MASA * U256::from(3))?;

    // the issuer attests the owner's credit score; the owner consents; a relayer mints
    let keys = OwnerKeys::derive(&owner.to_bytes().0);
    let now = chain.timestamp().await?;
    let mut record = keys.new_record(U256::from(CREDIT), [742, now, 840, 0, 0, 0, 0, 0]);
    record.expiry = now + CREDIT_LIFETIME;
    let (credit, gas) = mint(chain, id, relayer, owner, &keys, &record, Some(issuer), trees).await?;
    report.mint_attested = gas;
    chain.ensure_eq(
        "owner",
        chain.view(id.sbt, ZkSBT::ownerOfCall { tokenId: credit.token }).await?,
        owner.address(),
    )?;
    chain.ensure_eq(
        "identity registered",
        chain.view(id.sbt, ZkSBT::identityOfCall { owner: owner.address() }).await?,
        to_u256(record.identity()?),
    )?;
    chain.ensure_eq(
        "tree root",
        chain.view(id.sbt, ZkSBT::rootCall {}).await?,
        to_u256(tree(chain, trees, 0)?.root()),
    )?;
    // the owner reads the record back from the chain, with the on-chain schema and issuer
    let stored = chain.view(id.sbt, ZkSBT::recordCall { tokenId: credit.token }).await?;
    let on_chain = OnChain { schema_id: stored.schemaId, issuer: stored.issuer, expiry: stored.expiry };
    let opened = keys.open_record(&stored.ciphertext, &on_chain)?;
    chain.ensure_eq("decrypted record", opened, credit.record.clone())?;

    // the fees held go through the fee router: 20% of them burned
    let supply = chain.view(id.masa, MasaToken::totalSupplyCall {}).await?;
    let outcome = chain.send(watcher, id.sbt, ZkSBT::forwardFeesCall {}).await?;
    report.forward_fees = outcome.gas_used;
    let burned = supply - chain.view(id.masa, MasaToken::totalSupplyCall {}).await?;
    chain.ensure_eq("20% of the mint fees burned", burned, MASA * U256::from(3) / U256::from(5))?;

    // a direct disclosure for the dapp's credit check, bound to the recipient and a loan id
    let ask = Ask {
        mode: Mode::Direct,
        min: 700,
        consumer: dapp,
        purpose: keccak256("credit-check"),
        recipient,
        message: keccak256("loan #1"),
        issuers: Some(&bureau),
    };
    let direct = prove(chain, prover, id, &credit, trees, ask).await?;
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
    chain.ensure_eq("issuer set", event.issuerSet, direct.issuerSet)?;
    let set = chain.view(id.sbt, ZkSBT::issuerSetOfCall { members: bureau.to_vec() }).await?;
    chain.ensure_eq("the issuer set the consumer asked for", direct.issuerSet, set)?;

    // replay: the nullifier is spent in this scope
    chain.expect_revert::<ZkSBT::ZkSBT__NullifierUsed, _>(dapp, id.sbt, consume).await?;

    // anonymous: the dapp learns "some record attested by the bureau has a score >= 700"
    let ask = Ask { mode: Mode::Anonymous, purpose: keccak256("anonymous-credit-check"), ..ask };
    let anonymous = prove(chain, prover, id, &credit, trees, ask).await?;
    chain.ensure_eq("anonymous root", anonymous.root, to_u256(tree(chain, trees, 0)?.root()))?;
    // tampered public inputs: a score >= 800, another issuer set, "any issuer"
    for tamper in [
        |d: &mut IZkSBT::Disclosure| d.operandA = U256::from(800),
        |d: &mut IZkSBT::Disclosure| d.issuerSet += U256::from(1),
        |d: &mut IZkSBT::Disclosure| d.issuerSet = U256::ZERO,
    ] {
        let mut tampered = anonymous.clone();
        tamper(&mut tampered);
        chain
            .expect_revert::<ZkSBT::ZkSBT__InvalidProof, _>(
                dapp,
                id.sbt,
                ZkSBT::consumeDisclosureCall { d: tampered },
            )
            .await?;
    }
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
    // churn: a member burns their profile in front of the pending disclosure; it still lands
    let (member, profile) = &members[0];
    let outcome = chain.send(member.address(), id.sbt, ZkSBT::burnCall { tokenId: profile.token }).await?;
    follow(chain, trees, &outcome.logs)?;
    chain.ensure(anonymous.root != to_u256(tree(chain, trees, 0)?.root()), || {
        "the burn left the root".into()
    })?;
    report.consume_anonymous =
        chain.send(dapp, id.sbt, ZkSBT::consumeDisclosureCall { d: anonymous }).await?.gas_used;

    // proofs in flight when the owner burns
    let ask = Ask { purpose: keccak256("later-check"), ..ask };
    let in_flight = prove(chain, prover, id, &credit, trees, ask).await?;
    let in_flight_direct =
        prove(chain, prover, id, &credit, trees, Ask { mode: Mode::Direct, ..ask }).await?;
    // a watcher mints right before the burn (the old registry's burn took sibling nodes that
    // any insertion invalidated): the burn lands all the same
    let watcher_keys = OwnerKeys::derive(&signers[3].to_bytes().0);
    fund(chain, id, admin, watcher).await?;
    let front = watcher_keys.new_record(U256::from(PROFILE), [1, 0, 0, 0, 0, 0, 0, 0]);
    mint(chain, id, watcher, &signers[3], &watcher_keys, &front, None, trees).await?;
    let outcome = chain.send(owner.address(), id.sbt, ZkSBT::burnCall { tokenId: credit.token }).await?;
    report.burn = outcome.gas_used;
    follow(chain, trees, &outcome.logs)?;
    chain.ensure(tree(chain, trees, credit.tree)?.leaf(credit.index) == Some(Fr::from(0u64)), || {
        "the burned leaf is still in the tree".into()
    })?;
    // direct proofs stop at once
    chain
        .expect_revert::<ZkSBT::ZkSBT__RecordNotUsable, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: in_flight_direct },
        )
        .await?;
    // an anonymous proof against a root from before the burn: accepted for `rootHistory`, then
    // refused, so a removed record stops being provable within that bound
    chain.advance_time(ROOT_HISTORY + 1).await?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__UnknownRoot, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: in_flight },
        )
        .await?;
    // and no new proof can be made: the leaf is zero in the current tree
    let none = prove(chain, prover, id, &credit, trees, Ask { purpose: keccak256("after"), ..ask }).await;
    chain.ensure(none.is_err(), || "an anonymous proof was made for a burned record".into())?;
    // the other members still prove against the current root
    chain.ensure(
        chain.view(id.sbt, ZkSBT::isKnownRootCall { root_: to_u256(tree(chain, trees, 0)?.root()) }).await?,
        || "the current root is not accepted".into(),
    )?;

    report.revoke = revocation(chain, prover, id, trees, relayer, dapp, owner, issuer).await?;
    expiry(chain, prover, id, trees, relayer, dapp, recipient, owner, issuer).await?;
    Ok(report)
}

/// The issuer revokes a record: it can no longer be proven directly, nor with the issuer in the
/// set once the root history has passed. Returns the gas of `revoke`.
#[allow(clippy::too_many_arguments)]
async fn revocation<C: Chain>(
    chain: &mut C,
    prover: &mut Prover,
    id: Identity,
    trees: &mut Trees,
    relayer: Address,
    dapp: Address,
    owner: &PrivateKeySigner,
    issuer: &PrivateKeySigner,
) -> Result<u64> {
    let keys = OwnerKeys::derive(&owner.to_bytes().0);
    let now = chain.timestamp().await?;
    let record = keys.new_record(U256::from(CREDIT), [710, now, 0, 0, 0, 0, 0, 0]);
    let (minted, _) = mint(chain, id, relayer, owner, &keys, &record, Some(issuer), trees).await?;
    let outcome = chain.send(issuer.address(), id.sbt, ZkSBT::revokeCall { tokenId: minted.token }).await?;
    follow(chain, trees, &outcome.logs)?;
    let stored = chain.view(id.sbt, ZkSBT::recordCall { tokenId: minted.token }).await?;
    chain.ensure(stored.revoked && !stored.inTree, || "the record is not revoked".into())?;
    let bureau = [issuer.address()];
    let ask = Ask {
        mode: Mode::Direct,
        min: 700,
        consumer: dapp,
        purpose: keccak256("after-revocation"),
        recipient: dapp,
        message: B256::ZERO,
        issuers: Some(&bureau),
    };
    let direct = prove(chain, prover, id, &minted, trees, ask).await?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__RecordNotUsable, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: direct },
        )
        .await?;
    let anonymous = prove(chain, prover, id, &minted, trees, Ask { mode: Mode::Anonymous, ..ask }).await;
    chain.ensure(anonymous.is_err(), || "a revoked record was proven anonymously".into())?;
    Ok(outcome.gas_used)
}

/// A record past its expiry cannot be proven, even anonymously and while its leaf is still in
/// the tree (nobody called `expire`): the leaf binds the expiry and the proof states it holds
/// until `validUntil`, which the registry checks; a proof past its `validUntil` is refused.
#[allow(clippy::too_many_arguments)]
async fn expiry<C: Chain>(
    chain: &mut C,
    prover: &mut Prover,
    id: Identity,
    trees: &mut Trees,
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
    let (minted, _) = mint(chain, id, relayer, owner, &keys, &record, Some(issuer), trees).await?;
    let bureau = [issuer.address()];
    // two anonymous proofs for two purposes: one consumed now, one only after its validUntil
    let mut proofs = Vec::with_capacity(2);
    for purpose in ["expiring-1", "expiring-2"] {
        let ask = Ask {
            mode: Mode::Anonymous,
            min: 700,
            consumer: dapp,
            purpose: keccak256(purpose),
            recipient,
            message: keccak256("loan #2"),
            issuers: Some(&bureau),
        };
        proofs.push(prove(chain, prover, id, &minted, trees, ask).await?);
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
    chain.ensure(tree(chain, trees, minted.tree)?.leaf(minted.index) != Some(Fr::from(0u64)), || {
        "the expired leaf left the tree".into()
    })?;
    for claimed in [record.expiry, record.expiry + 10 * VALID_SECS] {
        let mut forged = minted.clone();
        forged.record.expiry = claimed;
        let ask = Ask {
            mode: Mode::Anonymous,
            min: 700,
            consumer: dapp,
            purpose: keccak256("expiring-3"),
            recipient,
            message: B256::ZERO,
            issuers: None,
        };
        let attempt = prove(chain, prover, id, &forged, trees, ask).await;
        chain.ensure(attempt.is_err(), || format!("an expired record was proven (expiry {claimed})"))?;
    }
    // anyone clears the expired leaf
    let outcome = chain.send(dapp, id.sbt, ZkSBT::expireCall { tokenId: minted.token }).await?;
    follow(chain, trees, &outcome.logs)
}

/// The attacks of the zkSBT hardening review (issue 12), each refused for the right reason.
pub async fn attacks<C: Chain>(chain: &mut C, prover: &mut Prover) -> Result<()> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let [admin, relayer, dapp] = [0, 1, 2].map(|i| signers[i].address());
    let (mallory, bob, issuer) = (&signers[3], &signers[4], &signers[6]);
    let id = deploy(chain, admin, issuer.address(), REGISTRY).await?;
    fund(chain, id, admin, relayer).await?;
    fund(chain, id, admin, mallory.address()).await?;
    let trees = &mut Trees::new();
    let bureau = [issuer.address()];
    let ask = |purpose: &str, mode, issuers| Ask {
        mode,
        min: 800,
        consumer: dapp,
        purpose: keccak256(purpose),
        recipient: dapp,
        message: B256::ZERO,
        issuers,
    };

    // 1. A schema nobody attested. Mallory commits to a "credit score 900" (schema 2) and mints
    // it as a self-attested profile (schema 1): the registry puts schema 1 and issuer 0 in the
    // leaf, so no proof of schema 2 exists against any root the registry knows.
    let mallory_keys = OwnerKeys::derive(&mallory.to_bytes().0);
    let lie = mallory_keys.new_record(U256::from(CREDIT), [900, 0, 0, 0, 0, 0, 0, 0]);
    let mut call = mint_call(chain, id, mallory, &mallory_keys, &lie, None).await?;
    // the request says schema 1 (self-attestable); the commitment's preimage says schema 2
    call.req.schemaId = U256::from(PROFILE);
    resign(chain, id, mallory, &mut call);
    let (lie_token, _) = send_mint(chain, id, relayer, call, &lie, trees).await?;
    // the honest prover has no witness: the leaf it computes (schema 2) is not the tree's
    for (purpose, issuers) in [("lie-any", None), ("lie-bureau", Some(&bureau[..]))] {
        let attempt =
            prove(chain, prover, id, &lie_token, trees, ask(purpose, Mode::Anonymous, issuers)).await;
        chain.ensure(attempt.is_err(), || {
            format!("a schema-2 proof was made from a schema-1 leaf ({purpose})")
        })?;
    }
    // a real proof against a tree Mallory builds herself, holding the leaf she would need
    let leaf = lie.leaf()?;
    let fake = Trees::from_events(&[TreeEvent::Inserted { tree_id: 0, index: 0, leaf, root: leaf }])
        .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?;
    let fake_minted = Minted { tree: 0, index: 0, ..lie_token.clone() };
    let forged =
        prove(chain, prover, id, &fake_minted, &fake, ask("lie-fake-root", Mode::Anonymous, None)).await?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__UnknownRoot, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: forged },
        )
        .await?;
    // direct mode names the token, whose leaf says schema 1
    let mut forged =
        prove(chain, prover, id, &fake_minted, &fake, ask("lie-direct", Mode::Direct, None)).await?;
    forged.root = chain
        .view(
            id.sbt,
            ZkSBT::leafAtCall { treeId: U256::from(lie_token.tree), index: U256::from(lie_token.index) },
        )
        .await?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__SchemaMismatch, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: forged },
        )
        .await?;

    // 2. A revoked record comes back. Bob's attested score is revoked; Bob re-mints the same
    // commitment as a self-attested profile: it is a self-attested schema-1 leaf, so a consumer
    // asking for the bureau's schema-2 attestation gets no proof.
    let bob_keys = OwnerKeys::derive(&bob.to_bytes().0);
    let score = bob_keys.new_record(U256::from(CREDIT), [850, 0, 0, 0, 0, 0, 0, 0]);
    let (bob_token, _) = mint(chain, id, relayer, bob, &bob_keys, &score, Some(issuer), trees).await?;
    let honest =
        prove(chain, prover, id, &bob_token, trees, ask("bob-1", Mode::Anonymous, Some(&bureau))).await?;
    let outcome =
        chain.send(issuer.address(), id.sbt, ZkSBT::revokeCall { tokenId: bob_token.token }).await?;
    follow(chain, trees, &outcome.logs)?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__AlreadyRevoked, _>(
            issuer.address(),
            id.sbt,
            ZkSBT::revokeCall { tokenId: bob_token.token },
        )
        .await?;
    let mut again = mint_call(chain, id, bob, &bob_keys, &score, None).await?;
    again.req.schemaId = U256::from(PROFILE);
    resign(chain, id, bob, &mut again);
    let (reminted, _) = send_mint(chain, id, relayer, again, &score, trees).await?;
    for (purpose, issuers) in [("bob-2", Some(&bureau[..])), ("bob-3", None)] {
        let attempt =
            prove(chain, prover, id, &reminted, trees, ask(purpose, Mode::Anonymous, issuers)).await;
        chain.ensure(attempt.is_err(), || format!("a revoked record was proven again ({purpose})"))?;
    }
    // the proof made before the revocation dies with its root
    chain.advance_time(ROOT_HISTORY + 1).await?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__UnknownRoot, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: honest },
        )
        .await?;

    // 3. Many owner secrets in one wallet (many nullifiers per scope): a second identity is
    // refused, and two records of one wallet share one nullifier per scope.
    let other_secret = OwnerKeys::derive(&[7u8; 32]);
    let sybil = other_secret.new_record(U256::from(PROFILE), [5, 0, 0, 0, 0, 0, 0, 0]);
    let sybil_call = mint_call(chain, id, mallory, &other_secret, &sybil, None).await?;
    let refused: ZkSBT::ZkSBT__IdentityMismatch = chain.expect_revert(relayer, id.sbt, sybil_call).await?;
    chain.ensure_eq("registered identity", refused.registered, to_u256(lie.identity()?))?;
    let first = mallory_keys.new_record(U256::from(PROFILE), [950, 0, 0, 0, 0, 0, 0, 0]);
    let second = mallory_keys.new_record(U256::from(PROFILE), [990, 0, 0, 0, 0, 0, 0, 0]);
    let (first, _) = mint(chain, id, relayer, mallory, &mallory_keys, &first, None, trees).await?;
    let (second, _) = mint(chain, id, relayer, mallory, &mallory_keys, &second, None, trees).await?;
    let self_attested = [Address::ZERO];
    let one =
        prove(chain, prover, id, &first, trees, ask("sybil", Mode::Anonymous, Some(&self_attested))).await?;
    let two =
        prove(chain, prover, id, &second, trees, ask("sybil", Mode::Anonymous, Some(&self_attested))).await?;
    chain.ensure_eq("one nullifier per wallet and scope", one.nullifier, two.nullifier)?;
    chain.send(dapp, id.sbt, ZkSBT::consumeDisclosureCall { d: one }).await?;
    chain
        .expect_revert::<ZkSBT::ZkSBT__NullifierUsed, _>(
            dapp,
            id.sbt,
            ZkSBT::consumeDisclosureCall { d: two },
        )
        .await?;

    // 4. Squatting a pending attested mint: Mallory copies the commitment of Bob's pending mint
    // and mints it first as her own self-attested record; Bob's mint still succeeds.
    let pending_record = bob_keys.new_record(U256::from(CREDIT), [760, 0, 0, 0, 0, 0, 0, 0]);
    let pending = mint_call(chain, id, bob, &bob_keys, &pending_record, Some(issuer)).await?;
    let mut squat = mint_call(chain, id, mallory, &mallory_keys, &first.record, None).await?;
    squat.req.commitment = pending.req.commitment;
    resign(chain, id, mallory, &mut squat);
    let outcome = chain.send(mallory.address(), id.sbt, squat).await?;
    follow(chain, trees, &outcome.logs)?;
    let (bobs, _) = send_mint(chain, id, relayer, pending, &pending_record, trees).await?;
    chain.ensure_eq(
        "Bob owns his record",
        chain.view(id.sbt, ZkSBT::ownerOfCall { tokenId: bobs.token }).await?,
        bob.address(),
    )?;
    let bob_ask = Ask { min: 750, ..ask("bob-4", Mode::Anonymous, Some(&bureau)) };
    let proof = prove(chain, prover, id, &bobs, trees, bob_ask).await?;
    chain.send(dapp, id.sbt, ZkSBT::consumeDisclosureCall { d: proof }).await?;

    // 5. A front-run burn: Mallory's mint and burn land before Bob's burn; Bob's burn succeeds.
    mint(chain, id, relayer, mallory, &mallory_keys, &first.record, None, trees).await?;
    let outcome = chain.send(mallory.address(), id.sbt, ZkSBT::burnCall { tokenId: first.token }).await?;
    follow(chain, trees, &outcome.logs)?;
    let outcome = chain.send(bob.address(), id.sbt, ZkSBT::burnCall { tokenId: bobs.token }).await?;
    follow(chain, trees, &outcome.logs)?;
    chain.ensure_eq(
        "root after the burns",
        chain.view(id.sbt, ZkSBT::rootCall {}).await?,
        to_u256(tree(chain, trees, 0)?.root()),
    )?;
    Ok(())
}

/// A registry with 4-leaf trees: five mints fill tree 0 and start tree 1, and anonymous proofs
/// against both trees are accepted; a removal in the full tree still works.
pub async fn capacity_renews<C: Chain>(chain: &mut C, prover: &mut Prover) -> Result<()> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let [admin, relayer, dapp] = [0, 1, 2].map(|i| signers[i].address());
    let config = IdentityConfig { tree_depth: 2, ..REGISTRY };
    let id = deploy(chain, admin, signers[6].address(), config).await?;
    fund(chain, id, admin, relayer).await?;
    let trees = &mut Trees::new();
    let mut minted = Vec::new();
    for (i, member) in signers[3..8].iter().enumerate() {
        let keys = OwnerKeys::derive(&member.to_bytes().0);
        let record = keys.new_record(U256::from(PROFILE), [900 + i as u64, 0, 0, 0, 0, 0, 0, 0]);
        minted.push((member, mint(chain, id, relayer, member, &keys, &record, None, trees).await?.0));
    }
    chain.ensure_eq(
        "trees",
        minted.iter().map(|(_, m)| (m.tree, m.index)).collect::<Vec<_>>(),
        vec![(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)],
    )?;
    chain.ensure_eq("current tree", chain.view(id.sbt, ZkSBT::currentTreeCall {}).await?, U256::from(1))?;
    for id_ in [0, 1] {
        chain.ensure_eq(
            "tree root",
            chain.view(id.sbt, ZkSBT::treeRootCall { treeId: U256::from(id_) }).await?,
            to_u256(tree(chain, trees, id_)?.root()),
        )?;
    }
    // a removal in the full tree
    let (member, first) = &minted[0];
    let outcome = chain.send(member.address(), id.sbt, ZkSBT::burnCall { tokenId: first.token }).await?;
    follow(chain, trees, &outcome.logs)?;
    for (i, (_, token)) in minted.iter().enumerate().skip(3) {
        let ask = Ask {
            mode: Mode::Anonymous,
            min: 900,
            consumer: dapp,
            purpose: keccak256(format!("capacity-{i}")),
            recipient: dapp,
            message: B256::ZERO,
            issuers: Some(&[Address::ZERO]),
        };
        let d = prove(chain, prover, id, token, trees, ask).await?;
        chain.ensure_eq(
            "root of the record's tree",
            d.root,
            to_u256(tree(chain, trees, token.tree)?.root()),
        )?;
        chain.send(dapp, id.sbt, ZkSBT::consumeDisclosureCall { d }).await?;
    }
    Ok(())
}
