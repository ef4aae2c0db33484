//! Data staking pools end to end, with real Groth16 proofs of the delivery circuit: a developer
//! funds a pool for "credit score >= 700, attested by the bureau" with its Baby Jubjub delivery
//! key; one person stakes anonymously (a watcher relays the transaction: the rewards still go to
//! the proof's recipient), the same stake is refused the second time and in a second pool of
//! the same statement (even with its purpose changed: the proof's scope is the first pool's), a
//! stake whose ciphertext is not the proven one is refused; halfway the first claims and another person stakes
//! directly; the developer decrypts both deliveries from the `Delivered` events and gets exactly
//! the stakers' records; both claim and leave at the end, the developer takes back what nobody
//! earned, and every wei of the funding is accounted for.

use crate::{
    Chain, ChainExt, Error, Expect, Result,
    scenarios::zksbt::{self, Ask, CREDIT, CREDIT_LIFETIME, Identity, Minted, REGISTRY},
};
use alloy::{
    primitives::{B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolEvent},
};
use masa_bindings::{
    MASA,
    contracts::{
        DataPools, MasaToken, ZkSBT,
        pools::{IDataPools, IZkSBT},
    },
};
use masa_prover::{
    DeliveryRequest, Prover,
    delivery::{DeliveryPublicKey, DeliverySecretKey},
    encryption::OwnerKeys,
    merkle::Trees,
    statement::Mode,
};
use masa_sdk::{
    deploy::{
        Deployer,
        pools::{self, PoolsInit},
    },
    pools::{Rebind, delivery_args, open},
};

/// The funding fee of the scenario: 1%.
const CREATE_FEE_BPS: u16 = 100;
/// Seconds the pool runs.
const DURATION: u64 = 1_000;
/// `IDataPools` operator `>=` (the disclosure circuit's numbering).
const GTE: u8 = 5;

/// Gas of the pool operations, with real proofs.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// `createPool` (budget pulled, fee through the fee router).
    pub create: u64,
    /// `create` less its calldata's gas (which depends on the bytes of the schedule's
    /// timestamps: 4 per zero byte, 16 per other).
    pub create_execution: u64,
    /// `stake` with an anonymous disclosure and its delivery (the pool verifies the proof).
    pub stake_anonymous: u64,
    /// `stake` with a direct disclosure and its delivery.
    pub stake_direct: u64,
    /// `claim` of a staker's rewards so far.
    pub claim: u64,
    /// `unstake` (claims, then leaves).
    pub unstake: u64,
}

/// The story on any chain; `prover` proves the delivery circuit with the key its generated
/// verifier was made from.
pub async fn stake_and_earn<C: Chain>(chain: &mut C, prover: &mut Prover) -> Result<GasReport> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let [admin, relayer, developer, watcher] = [0, 1, 2, 3].map(|i| signers[i].address());
    let (alice, bob, issuer) = (&signers[5], &signers[6], &signers[7]);
    let id = zksbt::deploy(chain, admin, issuer.address(), REGISTRY).await?;
    let init =
        PoolsInit { sbt: id.sbt, fee_router: id.fee_router, owner: admin, create_fee_bps: CREATE_FEE_BPS };
    let pools = pools::deploy(&mut Deployer::new(chain, admin), init).await?;
    let mut gas = GasReport::default();
    let developer_key = DeliverySecretKey::generate();

    // the bureau attests two credit scores above 700
    let trees = &mut Trees::new();
    let mut minted = Vec::new();
    for (owner, score) in [(alice, 742), (bob, 815)] {
        let keys = OwnerKeys::derive(&owner.to_bytes().0);
        let now = chain.timestamp().await?;
        let mut record = keys.new_record(U256::from(CREDIT), [score, now, 840, 0, 0, 0, 0, 0]);
        record.expiry = now + CREDIT_LIFETIME;
        minted.push(zksbt::mint(chain, id, relayer, owner, &keys, &record, Some(issuer), trees).await?.0);
    }

    // the developer funds 1,000 MASA over 1,000 s; 1% goes through the fee router
    let budget = MASA * U256::from(1_000);
    chain.send(admin, id.masa, MasaToken::transferCall { to: developer, value: budget }).await?;
    let bureau = [issuer.address()];
    let issuer_set = chain.view(id.sbt, ZkSBT::issuerSetOfCall { members: bureau.to_vec() }).await?;
    let start = chain.timestamp().await? + 11;
    let terms = Terms { issuer_set, min: 700, budget, start, duration: DURATION };
    let (outcome, created, calldata_gas) =
        open_pool(chain, id, pools, developer, developer_key.public_key(), terms).await?;
    gas.create = outcome.gas_used;
    gas.create_execution = outcome.gas_used - calldata_gas;
    let pool = created.poolId;
    let funded = created.rewardBudget;
    chain.ensure_eq(
        "budget net of the 1% fee",
        (funded, created.fee),
        (budget / U256::from(100) * U256::from(99), budget / U256::from(100)),
    )?;
    // a second pool of the same developer, statement and key, to replay a stake into
    chain.send(admin, id.masa, MasaToken::transferCall { to: developer, value: budget }).await?;
    let (_, other, _) = open_pool(chain, id, pools, developer, developer_key.public_key(), terms).await?;
    let purpose = chain.view(pools, DataPools::purposeOfCall { poolId: pool }).await?;
    let balance = async |chain: &C, account| chain.view(id.masa, MasaToken::balanceOfCall { account }).await;
    let before = (balance(chain, alice.address()).await?, balance(chain, bob.address()).await?);
    chain.advance_time(start - chain.timestamp().await?).await?;

    // alice proves anonymously to the pool; a watcher relays it; rewards are bound to alice
    let ask = |mode, recipient| Ask {
        mode,
        min: 700,
        consumer: pools,
        purpose,
        recipient,
        message: B256::ZERO,
        issuers: Some(&bureau),
    };
    let stake = Stake { id, key: developer_key.public_key(), nonce: 1 };
    let (d, delivery) =
        stake.prove(chain, prover, &minted[0], trees, ask(Mode::Anonymous, alice.address())).await?;
    // a ciphertext other than the proven one (here: one element changed) has no valid proof
    let mut forged = delivery.clone();
    forged.ciphertext[3] += U256::from(1);
    let refused: DataPools::DataPools__InvalidDeliveryProof = chain
        .expect_revert(watcher, pools, DataPools::stakeCall { poolId: pool, d: d.clone(), delivery: forged })
        .await?;
    chain.ensure_eq("a forged delivery is refused", refused.nullifier, d.nullifier)?;
    let call = DataPools::stakeCall { poolId: pool, d: d.clone(), delivery: delivery.clone() };
    let outcome = chain.send(watcher, pools, call.clone()).await?;
    gas.stake_anonymous = outcome.gas_used;
    let mut deliveries: Vec<_> =
        outcome.logs.iter().filter_map(|log| DataPools::Delivered::decode_log(log).ok()).collect();
    let staked = chain.view(pools, DataPools::stakeOfCall { poolId: pool, nullifier: d.nullifier }).await?;
    chain.ensure_eq("the proof's recipient holds the stake", staked.recipient, alice.address())?;
    let again: DataPools::DataPools__NullifierUsed =
        chain.expect_revert(alice.address(), pools, call).await?;
    chain.ensure_eq("one stake per person and pool", again.nullifier, d.nullifier)?;
    // the same stake in the second pool: refused for its purpose, and with the purpose changed,
    // by the proof (its scope is the first pool's)
    let other_purpose = chain.view(pools, DataPools::purposeOfCall { poolId: other.poolId }).await?;
    let replay = |d: &IZkSBT::Disclosure| DataPools::stakeCall {
        poolId: other.poolId,
        d: d.clone(),
        delivery: delivery.clone(),
    };
    let mismatch: DataPools::DataPools__PurposeMismatch =
        chain.expect_revert(watcher, pools, replay(&d)).await?;
    chain.ensure_eq(
        "a stake states its pool's purpose",
        (mismatch.expected, mismatch.actual),
        (other_purpose, purpose),
    )?;
    let moved = IZkSBT::Disclosure { purpose: other_purpose, ..d.clone() };
    let refused: DataPools::DataPools__InvalidDeliveryProof =
        chain.expect_revert(watcher, pools, replay(&moved)).await?;
    chain.ensure_eq(
        "a proof is bound to its pool",
        (refused.poolId, refused.nullifier),
        (other.poolId, d.nullifier),
    )?;
    // nobody staked in it: the developer ends it and gets its whole budget back
    let before_end = balance(chain, developer).await?;
    chain.send(developer, pools, DataPools::endCall { poolId: other.poolId }).await?;
    let back = balance(chain, developer).await? - before_end;
    chain.ensure_eq("the unused pool's budget is back", back, other.rewardBudget)?;

    // halfway through alice claims what she earned so far, and bob stakes directly
    chain.advance_time(DURATION / 2).await?;
    let call = DataPools::claimCall { poolId: pool, nullifier: d.nullifier };
    gas.claim = chain.send(alice.address(), pools, call).await?.gas_used;
    let (e, delivery) =
        stake.prove(chain, prover, &minted[1], trees, ask(Mode::Direct, bob.address())).await?;
    let outcome = chain
        .send(bob.address(), pools, DataPools::stakeCall { poolId: pool, d: e.clone(), delivery })
        .await?;
    gas.stake_direct = outcome.gas_used;
    deliveries.extend(outcome.logs.iter().filter_map(|log| DataPools::Delivered::decode_log(log).ok()));

    // the developer opens every delivery: exactly the stakers' records, in staking order
    chain.ensure_eq("one delivery per stake", deliveries.len(), 2)?;
    for (delivered, (minted, nullifier)) in
        deliveries.iter().zip([(&minted[0], d.nullifier), (&minted[1], e.nullifier)])
    {
        chain.ensure_eq(
            "the delivery's stake",
            (delivered.poolId, delivered.nullifier),
            (pool, nullifier),
        )?;
        let values = open(&developer_key, &delivered.delivery)
            .map_err(|e| Error::Expectation { chain: chain.name(), message: e.to_string() })?;
        chain.ensure_eq("the delivered record", values, minted.record.values.map(U256::from))?;
    }
    chain.ensure(open(&DeliverySecretKey::generate(), &deliveries[0].delivery).is_err(), || {
        "another key opened a delivery".into()
    })?;

    // after the end both leave with their rewards; the developer takes back the rest
    chain.advance_time(DURATION).await?;
    gas.unstake = chain
        .send(alice.address(), pools, DataPools::unstakeCall { poolId: pool, nullifier: d.nullifier })
        .await?
        .gas_used;
    chain.send(bob.address(), pools, DataPools::unstakeCall { poolId: pool, nullifier: e.nullifier }).await?;
    let developer_before = balance(chain, developer).await?;
    // what nobody earned: time before the first stake, rounding dust (may be nothing)
    if chain.view(pools, DataPools::refundableCall { poolId: pool }).await? > U256::ZERO {
        chain.send(developer, pools, DataPools::refundCall { poolId: pool }).await?;
    }
    let paid_alice = balance(chain, alice.address()).await? - before.0;
    let paid_bob = balance(chain, bob.address()).await? - before.1;
    let refunded = balance(chain, developer).await? - developer_before;
    chain.ensure(paid_alice > paid_bob && paid_bob > U256::ZERO, || {
        format!("alice {paid_alice}, bob {paid_bob}")
    })?;
    chain.ensure_eq("paid + refunded = funded, to the wei", paid_alice + paid_bob + refunded, funded)?;
    chain.ensure_eq("the pools hold nothing", balance(chain, pools).await?, U256::ZERO)?;
    Ok(gas)
}

/// A pool's terms: "credit score >= `min`" attested by `issuer_set`, `budget` MASA (fee
/// included) streamed from `start` for `duration` seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terms {
    pub(crate) issuer_set: U256,
    pub(crate) min: u64,
    pub(crate) budget: U256,
    pub(crate) start: u64,
    pub(crate) duration: u64,
}

/// `developer` (holding the budget) approves it and opens a pool of `terms` with delivery key
/// `key`: the transaction, its `PoolCreated` event and its calldata's gas.
pub(crate) async fn open_pool<C: Chain>(
    chain: &mut C,
    id: Identity,
    pools: alloy::primitives::Address,
    developer: alloy::primitives::Address,
    key: DeliveryPublicKey,
    terms: Terms,
) -> Result<(crate::TxOutcome, DataPools::PoolCreated, u64)> {
    chain.send(developer, id.masa, MasaToken::approveCall { spender: pools, value: terms.budget }).await?;
    let [x, y] = key.to_words();
    let config = IDataPools::PoolConfig {
        start: terms.start,
        end: terms.start + terms.duration,
        maxStakers: 0,
        statement: IDataPools::Statement {
            schemaId: U256::from(CREDIT),
            issuerSet: terms.issuer_set,
            fieldIndex: 0,
            operator: GTE,
            operandA: terms.min,
            operandB: 0,
        },
        metadataURI: "test://pools/credit".into(),
        deliveryKeyX: x,
        deliveryKeyY: y,
    };
    // a second after the last supply change on both backends (anvil may mine many blocks in one
    // wall-clock second): the fee's burn then writes a new total-supply checkpoint on both
    chain.advance_time(1).await?;
    let call = DataPools::createPoolCall { config, budget: terms.budget };
    let calldata_gas = calldata_gas(&call.abi_encode());
    let outcome = chain.send(developer, pools, call).await?;
    let created =
        outcome.logs.iter().find_map(|log| DataPools::PoolCreated::decode_log(log).ok()).ok_or_else(
            || Error::Expectation { chain: chain.name(), message: "no PoolCreated event".into() },
        )?;
    Ok((outcome, created.data, calldata_gas))
}

/// How stakes into one pool are proven: the delivery circuit, to the pool's key.
#[derive(Debug, Clone, Copy)]
struct Stake {
    id: Identity,
    key: DeliveryPublicKey,
    nonce: u128,
}

impl Stake {
    /// `stake`'s arguments for `ask` about `minted`: a delivery proof, verified locally.
    async fn prove<C: Chain>(
        &self,
        chain: &C,
        prover: &mut Prover,
        minted: &Minted,
        trees: &Trees,
        ask: Ask<'_>,
    ) -> Result<(IZkSBT::Disclosure, IDataPools::Delivery)> {
        prove_delivery(
            chain,
            prover,
            self.id,
            DeliveryRequest { key: self.key, nonce: self.nonce },
            minted,
            trees,
            ask,
        )
        .await
    }
}

/// The `Disclosure` and `Delivery` arguments (of any binding that takes them) of a delivery proof
/// of `ask` about `minted`, encrypted as `request` says.
pub(crate) async fn prove_delivery<C: Chain, D: Rebind, V: Rebind>(
    chain: &C,
    prover: &mut Prover,
    id: Identity,
    request: DeliveryRequest,
    minted: &Minted,
    trees: &Trees,
    ask: Ask<'_>,
) -> Result<(D, V)> {
    let (statement, membership) = zksbt::statement(chain, id, minted, trees, ask).await?;
    let (proof, _) = prover.prove_delivery(&minted.record, &statement, membership.as_ref(), &request)?;
    let token = if ask.mode == Mode::Direct { minted.token } else { U256::ZERO };
    Ok(delivery_args(&proof, token, ask.purpose, ask.recipient, ask.message))
}

/// The calldata's part of a transaction's intrinsic gas (EIP-2028).
fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}
