//! Data staking pools end to end, with real Groth16 proofs through the zkSBT registry: a
//! developer funds a pool for "credit score >= 700, attested by the bureau"; one person stakes
//! anonymously (a watcher relays the transaction: the rewards still go to the proof's
//! recipient), the same proof is refused the second time, another person stakes directly
//! halfway; both claim and leave at the end, the developer takes back what nobody earned, and
//! every wei of the funding is accounted for.

use crate::{
    Chain, ChainExt, Error, Expect, Result,
    scenarios::zksbt::{self, Ask, CREDIT, CREDIT_LIFETIME, REGISTRY},
};
use alloy::{
    primitives::{B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use masa_bindings::{
    MASA,
    contracts::{
        DataPools, MasaToken, ZkSBT,
        pools::{IDataPools, IZkSBT},
    },
};
use masa_prover::{Prover, encryption::OwnerKeys, merkle::Trees, statement::Mode};
use masa_sdk::deploy::{
    Deployer,
    pools::{self, PoolsInit},
};

/// The funding fee of the scenario: 1%.
const CREATE_FEE_BPS: u16 = 100;
/// Seconds the pool runs.
const DURATION: u64 = 1_000;
/// `BabyJubJub`'s `Base8` (circomlib): a valid delivery key.
const KEY: (&str, &str) = (
    "5299619240641551281634865583518297030282874472190772894086521144482721001553",
    "16950150798460657717958625567821834550301663161624707787222815936182638968203",
);
/// `IDataPools` operator `>=` (the disclosure circuit's numbering).
const GTE: u8 = 5;

/// Gas of the pool operations, with real proofs.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// `createPool` (budget pulled, fee through the fee router).
    pub create: u64,
    /// `stake` with an anonymous disclosure (the registry verifies the proof).
    pub stake_anonymous: u64,
    /// `stake` with a direct disclosure.
    pub stake_direct: u64,
    /// `unstake` (claims, then leaves).
    pub unstake: u64,
}

/// The story on any chain.
pub async fn stake_and_earn<C: Chain>(chain: &mut C, prover: &mut Prover) -> Result<GasReport> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let [admin, relayer, developer, watcher] = [0, 1, 2, 3].map(|i| signers[i].address());
    let (alice, bob, issuer) = (&signers[5], &signers[6], &signers[7]);
    let id = zksbt::deploy(chain, admin, issuer.address(), REGISTRY).await?;
    let init =
        PoolsInit { sbt: id.sbt, fee_router: id.fee_router, owner: admin, create_fee_bps: CREATE_FEE_BPS };
    let pools = pools::deploy(&mut Deployer::new(chain, admin), init).await?;
    let mut gas = GasReport::default();

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
    chain.send(developer, id.masa, MasaToken::approveCall { spender: pools, value: budget }).await?;
    let bureau = [issuer.address()];
    let issuer_set = chain.view(id.sbt, ZkSBT::issuerSetOfCall { members: bureau.to_vec() }).await?;
    let start = chain.timestamp().await? + 11;
    let config = IDataPools::PoolConfig {
        start,
        end: start + DURATION,
        maxStakers: 0,
        statement: IDataPools::Statement {
            schemaId: U256::from(CREDIT),
            issuerSet: issuer_set,
            fieldIndex: 0,
            operator: GTE,
            operandA: 700,
            operandB: 0,
        },
        metadataURI: "test://pools/credit".into(),
        deliveryKeyX: KEY.0.parse().expect("a decimal number"),
        deliveryKeyY: KEY.1.parse().expect("a decimal number"),
    };
    // a second after the last supply change on both backends (anvil may mine many blocks in one
    // wall-clock second): the fee's burn then writes a new total-supply checkpoint on both
    chain.advance_time(1).await?;
    let outcome = chain.send(developer, pools, DataPools::createPoolCall { config, budget }).await?;
    gas.create = outcome.gas_used;
    let created =
        outcome.logs.iter().find_map(|log| DataPools::PoolCreated::decode_log(log).ok()).ok_or_else(
            || Error::Expectation { chain: chain.name(), message: "no PoolCreated event".into() },
        )?;
    let pool = created.poolId;
    let funded = created.rewardBudget;
    chain.ensure_eq(
        "budget net of the 1% fee",
        (funded, created.fee),
        (budget / U256::from(100) * U256::from(99), budget / U256::from(100)),
    )?;
    let purpose = chain.view(pools, DataPools::purposeOfCall { poolId: pool }).await?;
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
    let d = zksbt::prove(chain, prover, id, &minted[0], trees, ask(Mode::Anonymous, alice.address())).await?;
    let outcome = chain.send(watcher, pools, DataPools::stakeCall { poolId: pool, d: to_pool(&d) }).await?;
    gas.stake_anonymous = outcome.gas_used;
    let stake = chain.view(pools, DataPools::stakeOfCall { poolId: pool, nullifier: d.nullifier }).await?;
    chain.ensure_eq("the proof's recipient holds the stake", stake.recipient, alice.address())?;
    let again: ZkSBT::ZkSBT__NullifierUsed = chain
        .expect_revert(alice.address(), pools, DataPools::stakeCall { poolId: pool, d: to_pool(&d) })
        .await?;
    chain.ensure_eq("one stake per person and pool", again.nullifier, d.nullifier)?;

    // bob stakes directly halfway through
    chain.advance_time(DURATION / 2).await?;
    let e = zksbt::prove(chain, prover, id, &minted[1], trees, ask(Mode::Direct, bob.address())).await?;
    gas.stake_direct = chain
        .send(bob.address(), pools, DataPools::stakeCall { poolId: pool, d: to_pool(&e) })
        .await?
        .gas_used;

    // after the end both leave with their rewards; the developer takes back the rest
    chain.advance_time(DURATION).await?;
    let balance = async |chain: &C, account| chain.view(id.masa, MasaToken::balanceOfCall { account }).await;
    let before = (balance(chain, alice.address()).await?, balance(chain, bob.address()).await?);
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

/// The registry's disclosure as the pools' ABI spells it (the same struct, bound twice).
fn to_pool(d: &masa_bindings::contracts::IZkSBT::Disclosure) -> IZkSBT::Disclosure {
    IZkSBT::Disclosure {
        mode: d.mode,
        tokenId: d.tokenId,
        root: d.root,
        schemaId: d.schemaId,
        issuerSet: d.issuerSet,
        fieldIndex: d.fieldIndex,
        operator: d.operator,
        operandA: d.operandA,
        operandB: d.operandB,
        purpose: d.purpose,
        nullifier: d.nullifier,
        recipient: d.recipient,
        message: d.message,
        validUntil: d.validUntil,
        proof: d.proof,
    }
}
