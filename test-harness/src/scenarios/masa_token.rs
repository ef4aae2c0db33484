//! The MASA token end to end: deploy, transfer, permit, delegate and read votes, burn.

use crate::{Chain, ChainExt, Error, Expect, Result};
use alloy::{
    primitives::{Address, U256},
    signers::SignerSync,
    sol_types::{SolEvent, SolStruct},
};
use masa_bindings::{
    MASA, TOTAL_SUPPLY,
    contracts::MasaToken,
    eip712::{Permit, masa_token_domain, vrs},
};
use masa_sdk::deploy::{Deployer, governance};

/// Gas used by each step, for reports and benchmarks.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// Deployment of the token.
    pub deploy: u64,
    /// A first transfer to a new holder.
    pub transfer: u64,
    /// `permit`.
    pub permit: u64,
    /// `delegate` (self-delegation of a holder).
    pub delegate: u64,
    /// `burn`.
    pub burn: u64,
}

/// Deploys MASA with `genesis` as holder and checks the genesis state; returns the address.
pub async fn deploy<C: Chain>(chain: &mut C, genesis: Address) -> Result<(Address, u64)> {
    let mut run = Deployer::new(chain, genesis);
    let token = governance::deploy_token(&mut run).await?;
    let outcome = run.steps().last().expect("the token's creation is a step").outcome.clone();
    let supply = TOTAL_SUPPLY;
    chain.ensure_eq("totalSupply", chain.view(token, MasaToken::totalSupplyCall {}).await?, supply)?;
    chain.ensure_eq("TOTAL_SUPPLY", chain.view(token, MasaToken::TOTAL_SUPPLYCall {}).await?, supply)?;
    chain.ensure_eq(
        "genesis balance",
        chain.view(token, MasaToken::balanceOfCall { account: genesis }).await?,
        supply,
    )?;
    chain.ensure_eq("name", chain.view(token, MasaToken::nameCall {}).await?, "Masa Token".to_owned())?;
    chain.ensure_eq("symbol", chain.view(token, MasaToken::symbolCall {}).await?, "MASA".to_owned())?;
    chain.ensure_eq("decimals", chain.view(token, MasaToken::decimalsCall {}).await?, 18)?;
    let genesis_event =
        outcome.logs.iter().find_map(|log| MasaToken::GenesisMinted::decode_log(log).ok()).ok_or_else(
            || Error::Expectation { chain: chain.name(), message: "no GenesisMinted event".into() },
        )?;
    chain.ensure_eq("GenesisMinted", (genesis_event.holder, genesis_event.amount), (genesis, supply))?;
    Ok((token, outcome.gas_used))
}

/// The whole story; returns the gas each step used.
pub async fn lifecycle<C: Chain>(chain: &mut C) -> Result<GasReport> {
    let mut gas = GasReport::default();
    let [genesis, alice, bob, carol, dave] = [0, 1, 2, 3, 4].map(|i| chain.account(i));
    let (token, deploy_gas) = deploy(chain, genesis).await?;
    gas.deploy = deploy_gas;
    let balance = async |chain: &C, account| chain.view(token, MasaToken::balanceOfCall { account }).await;

    // transfer, with its event, and a transfer beyond the balance
    let outcome = chain
        .send(genesis, token, MasaToken::transferCall { to: alice, value: MASA * U256::from(1_000) })
        .await?;
    gas.transfer = outcome.gas_used;
    let transfer = outcome
        .logs
        .iter()
        .find_map(|log| MasaToken::Transfer::decode_log(log).ok())
        .ok_or_else(|| Error::Expectation { chain: chain.name(), message: "no Transfer event".into() })?;
    chain.ensure_eq(
        "Transfer event",
        (transfer.from, transfer.to, transfer.value),
        (genesis, alice, MASA * U256::from(1_000)),
    )?;
    chain.ensure_eq("alice balance", balance(chain, alice).await?, MASA * U256::from(1_000))?;
    let err: MasaToken::ERC20InsufficientBalance = chain
        .expect_revert(alice, token, MasaToken::transferCall { to: bob, value: MASA * U256::from(1_001) })
        .await?;
    chain.ensure_eq("insufficient balance", (err.sender, err.balance), (alice, MASA * U256::from(1_000)))?;

    // permit: alice signs off-chain, bob submits and spends; replay and expiry fail
    let domain = masa_token_domain(chain.chain_id(), token);
    let deadline = U256::from(chain.timestamp().await? + 3_600);
    let nonce = chain.view(token, MasaToken::noncesCall { owner: alice }).await?;
    let permit = Permit { owner: alice, spender: bob, value: MASA * U256::from(100), nonce, deadline };
    let signature = chain.accounts()[1]
        .sign_hash_sync(&permit.eip712_signing_hash(&domain))
        .map_err(|e| Error::Expectation { chain: chain.name(), message: format!("signing failed: {e}") })?;
    let (v, r, s) = vrs(&signature);
    let permit_call =
        MasaToken::permitCall { owner: alice, spender: bob, value: permit.value, deadline, v, r, s };
    gas.permit = chain.send(bob, token, permit_call.clone()).await?.gas_used;
    chain.ensure_eq(
        "allowance after permit",
        chain.view(token, MasaToken::allowanceCall { owner: alice, spender: bob }).await?,
        permit.value,
    )?;
    chain.ensure_eq(
        "nonce after permit",
        chain.view(token, MasaToken::noncesCall { owner: alice }).await?,
        nonce + U256::from(1),
    )?;
    chain
        .send(
            bob,
            token,
            MasaToken::transferFromCall { from: alice, to: carol, value: MASA * U256::from(60) },
        )
        .await?;
    chain.ensure_eq("carol balance", balance(chain, carol).await?, MASA * U256::from(60))?;
    chain.ensure_eq(
        "allowance after spend",
        chain.view(token, MasaToken::allowanceCall { owner: alice, spender: bob }).await?,
        MASA * U256::from(40),
    )?;
    // the replayed signature now recovers to another address (the nonce moved on)
    let replay: MasaToken::ERC2612InvalidSigner = chain.expect_revert(carol, token, permit_call).await?;
    chain.ensure_eq("replay owner", replay.owner, alice)?;
    chain.ensure(replay.signer != alice, || "replayed permit accepted as alice's".into())?;
    let past = U256::from(chain.timestamp().await? - 1);
    let expired = MasaToken::permitCall { owner: alice, spender: bob, value: MASA, deadline: past, v, r, s };
    let err: MasaToken::ERC2612ExpiredSignature = chain.expect_revert(bob, token, expired).await?;
    chain.ensure_eq("expired deadline", err.deadline, past)?;

    // delegation and votes on the timestamp clock
    chain.ensure_eq(
        "CLOCK_MODE",
        chain.view(token, MasaToken::CLOCK_MODECall {}).await?,
        "mode=timestamp".to_owned(),
    )?;
    gas.delegate = chain.send(alice, token, MasaToken::delegateCall { delegatee: alice }).await?.gas_used;
    chain.send(genesis, token, MasaToken::delegateCall { delegatee: dave }).await?;
    let delegated_at = chain.timestamp().await?;
    let alice_balance = balance(chain, alice).await?;
    let genesis_balance = balance(chain, genesis).await?;
    // clock() is the timestamp of the block a view runs in: the latest one on revm, the pending
    // one on anvil (wall-clock time, possibly a second or more later), never a block number
    let clock = chain.view(token, MasaToken::clockCall {}).await?.to::<u64>();
    chain.ensure((delegated_at..=delegated_at + 60).contains(&clock), || {
        format!("clock {clock} is not the timestamp of the latest or pending block ({delegated_at})")
    })?;
    chain.ensure_eq(
        "alice votes",
        chain.view(token, MasaToken::getVotesCall { account: alice }).await?,
        alice_balance,
    )?;
    chain.ensure_eq(
        "dave votes",
        chain.view(token, MasaToken::getVotesCall { account: dave }).await?,
        genesis_balance,
    )?;
    chain.ensure_eq(
        "dave delegator",
        chain.view(token, MasaToken::delegatesCall { account: genesis }).await?,
        dave,
    )?;
    let err: MasaToken::ERC5805FutureLookup = chain
        .expect_revert(
            alice,
            token,
            MasaToken::getPastVotesCall { account: alice, timepoint: U256::from(delegated_at + 1_000) },
        )
        .await?;
    chain.ensure_eq("future lookup", err.timepoint, U256::from(delegated_at + 1_000))?;
    chain.advance_time(10).await?;
    let at = U256::from(delegated_at);
    chain.ensure_eq(
        "alice past votes",
        chain.view(token, MasaToken::getPastVotesCall { account: alice, timepoint: at }).await?,
        alice_balance,
    )?;
    chain.ensure_eq(
        "bob past votes",
        chain.view(token, MasaToken::getPastVotesCall { account: bob, timepoint: at }).await?,
        U256::ZERO,
    )?;

    // burn lowers balance, votes and supply; burning more than the balance fails
    let supply_before = chain.view(token, MasaToken::totalSupplyCall {}).await?;
    gas.burn = chain.send(alice, token, MasaToken::burnCall { value: MASA * U256::from(10) }).await?.gas_used;
    let burnt_at = chain.timestamp().await?;
    chain.ensure_eq(
        "supply after burn",
        chain.view(token, MasaToken::totalSupplyCall {}).await?,
        supply_before - MASA * U256::from(10),
    )?;
    chain.ensure_eq(
        "alice votes after burn",
        chain.view(token, MasaToken::getVotesCall { account: alice }).await?,
        alice_balance - MASA * U256::from(10),
    )?;
    let err: MasaToken::ERC20InsufficientBalance =
        chain.expect_revert(carol, token, MasaToken::burnCall { value: MASA * U256::from(61) }).await?;
    chain.ensure_eq("burn beyond balance", (err.sender, err.needed), (carol, MASA * U256::from(61)))?;
    chain.advance_time(5).await?;
    chain.ensure_eq(
        "past total supply",
        chain.view(token, MasaToken::getPastTotalSupplyCall { timepoint: U256::from(burnt_at) }).await?,
        supply_before - MASA * U256::from(10),
    )?;
    Ok(gas)
}
