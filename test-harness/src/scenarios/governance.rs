//! The DAO end to end: delegate, propose, vote, queue in the timelock, wait, execute.

use crate::{Chain, ChainExt, Error, Expect, Result};
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    sol_types::{SolCall, SolEvent},
};
use masa_bindings::{
    MASA,
    contracts::{MasaGovernor, MasaToken, TimelockController},
};
use masa_sdk::deploy::{
    Deployer,
    governance::{self, Governance},
    params::GovernanceParams,
};

/// Governance parameters of the scenario (seconds): short, so the story fits in a test.
const VOTING_DELAY: u64 = 1;
const VOTING_PERIOD: u32 = 300;
const TIMELOCK_DELAY: u64 = 60;
const VOTE_EXTENSION: u64 = 60;
const PROPOSAL_THRESHOLD_MASA: u64 = 1_000_000;
const QUORUM_PERCENT: u64 = 4;

/// `IGovernor.ProposalState` values used here.
mod state {
    pub(super) const PENDING: u8 = 0;
    pub(super) const ACTIVE: u8 = 1;
    pub(super) const SUCCEEDED: u8 = 4;
    pub(super) const QUEUED: u8 = 5;
    pub(super) const EXECUTED: u8 = 7;
}

/// Gas used by each governance step.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// `propose`.
    pub propose: u64,
    /// `castVote`.
    pub cast_vote: u64,
    /// `queue`.
    pub queue: u64,
    /// `execute`.
    pub execute: u64,
}

/// Deploys the DAO with the scenario's parameters through the sdk's deployer, as `masa deploy`
/// does: MASA (supply to `admin`), the timelock, the governor as its only proposer and
/// canceller, execution open, `admin`'s timelock admin role renounced.
pub async fn deploy<C: Chain>(chain: &mut C, admin: Address) -> Result<Governance> {
    let params = GovernanceParams {
        voting_delay: VOTING_DELAY,
        voting_period: VOTING_PERIOD,
        proposal_threshold_masa: PROPOSAL_THRESHOLD_MASA,
        quorum_percent: QUORUM_PERCENT,
        vote_extension: VOTE_EXTENSION,
        timelock_min_delay: TIMELOCK_DELAY,
    };
    Ok(governance::deploy(&mut Deployer::new(chain, admin), &params).await?)
}

/// Passes `calls` (target, calldata) through the DAO: `proposer` proposes, `voters` vote for,
/// the proposal is queued, the timelock delay passes, anyone executes. Checks every state.
pub async fn pass<C: Chain>(
    chain: &mut C,
    dao: Governance,
    proposer: Address,
    voters: &[Address],
    calls: Vec<(Address, Bytes)>,
    description: &str,
) -> Result<GasReport> {
    let mut gas = GasReport::default();
    let (targets, calldatas): (Vec<Address>, Vec<Bytes>) = calls.into_iter().unzip();
    let values = vec![U256::ZERO; targets.len()];
    let description_hash: B256 = keccak256(description.as_bytes());

    let outcome = chain
        .send(
            proposer,
            dao.governor,
            MasaGovernor::proposeCall {
                targets: targets.clone(),
                values: values.clone(),
                calldatas: calldatas.clone(),
                description: description.to_owned(),
            },
        )
        .await?;
    gas.propose = outcome.gas_used;
    let created =
        outcome.logs.iter().find_map(|log| MasaGovernor::ProposalCreated::decode_log(log).ok()).ok_or_else(
            || Error::Expectation { chain: chain.name(), message: "no ProposalCreated event".into() },
        )?;
    let id = created.proposalId;
    let hashed = chain
        .view(
            dao.governor,
            MasaGovernor::hashProposalCall {
                targets: targets.clone(),
                values: values.clone(),
                calldatas: calldatas.clone(),
                descriptionHash: description_hash,
            },
        )
        .await?;
    chain.ensure_eq("proposal id", hashed, id)?;
    ensure_state(chain, dao, id, state::PENDING).await?;

    chain.advance_time(VOTING_DELAY + 1).await?;
    ensure_state(chain, dao, id, state::ACTIVE).await?;
    for (i, voter) in voters.iter().enumerate() {
        let outcome = chain
            .send(*voter, dao.governor, MasaGovernor::castVoteCall { proposalId: id, support: 1 })
            .await?;
        if i == 0 {
            gas.cast_vote = outcome.gas_used;
        }
    }

    let deadline = chain.view(dao.governor, MasaGovernor::proposalDeadlineCall { proposalId: id }).await?;
    let now = chain.timestamp().await?;
    chain.advance_time(deadline.to::<u64>().saturating_sub(now) + 1).await?;
    ensure_state(chain, dao, id, state::SUCCEEDED).await?;

    let queue = MasaGovernor::queueCall {
        targets: targets.clone(),
        values: values.clone(),
        calldatas: calldatas.clone(),
        descriptionHash: description_hash,
    };
    gas.queue = chain.send(proposer, dao.governor, queue).await?.gas_used;
    ensure_state(chain, dao, id, state::QUEUED).await?;

    let execute = MasaGovernor::executeCall { targets, values, calldatas, descriptionHash: description_hash };
    // too early: the timelock refuses
    let early = chain.call(proposer, dao.governor, execute.abi_encode().into()).await?;
    chain.ensure(early.is_err(), || "executed before the timelock delay".into())?;
    chain.advance_time(TIMELOCK_DELAY + 1).await?;
    gas.execute = chain.send(proposer, dao.governor, execute).await?.gas_used;
    ensure_state(chain, dao, id, state::EXECUTED).await?;
    Ok(gas)
}

async fn ensure_state<C: Chain>(chain: &C, dao: Governance, id: U256, expected: u8) -> Result<()> {
    let actual = chain.view(dao.governor, MasaGovernor::stateCall { proposalId: id }).await?;
    chain.ensure_eq("proposal state", actual, expected)
}

/// The story: holders delegate, the DAO raises its own timelock delay, the change is live.
pub async fn raise_timelock_delay<C: Chain>(chain: &mut C) -> Result<GasReport> {
    let [admin, alice] = [0, 1].map(|i| chain.account(i));
    let dao = deploy(chain, admin).await?;
    chain
        .send(admin, dao.token, MasaToken::transferCall { to: alice, value: MASA * U256::from(100_000_000) })
        .await?;
    chain.send(alice, dao.token, MasaToken::delegateCall { delegatee: alice }).await?;
    chain.send(admin, dao.token, MasaToken::delegateCall { delegatee: admin }).await?;
    chain.advance_time(1).await?;

    // nobody but the governor may schedule on the timelock
    let proposer_role = chain.view(dao.timelock, TimelockController::PROPOSER_ROLECall {}).await?;
    let denied: TimelockController::AccessControlUnauthorizedAccount = chain
        .expect_revert(
            admin,
            dao.timelock,
            TimelockController::scheduleCall {
                target: dao.timelock,
                value: U256::ZERO,
                data: TimelockController::updateDelayCall { newDelay: U256::ZERO }.abi_encode().into(),
                predecessor: B256::ZERO,
                salt: B256::ZERO,
                delay: U256::from(TIMELOCK_DELAY),
            },
        )
        .await?;
    chain.ensure_eq("unauthorized scheduler", (denied.account, denied.neededRole), (admin, proposer_role))?;

    let raise = TimelockController::updateDelayCall { newDelay: U256::from(2 * TIMELOCK_DELAY) };
    let gas = pass(
        chain,
        dao,
        alice,
        &[alice, admin],
        vec![(dao.timelock, raise.abi_encode().into())],
        "Double the delay",
    )
    .await?;
    chain.ensure_eq(
        "timelock delay after execution",
        chain.view(dao.timelock, TimelockController::getMinDelayCall {}).await?,
        U256::from(2 * TIMELOCK_DELAY),
    )?;
    Ok(gas)
}
