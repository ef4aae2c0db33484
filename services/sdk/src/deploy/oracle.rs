//! The oracle network's contracts: `OracleNodes` (the nodes' registry, stake and slashing,
//! owned by the DAO timelock, its slashed MASA's treasury resolved among the contracts deployed
//! so far), `OracleRequests` (data requests) and `OracleRewards` (the nodes' rewards), wired: the
//! registry tells the rewards of every stake change, and the genesis oracle staking wallet pays
//! the rewards (its beneficiary, when the deployer is the table's beneficiary, proposes the
//! rewards contract, which accepts). Deployed right after genesis, so the fee router's oracle
//! share can name `OracleRewards`.

use super::{
    Deployer, Error,
    params::{OracleConfig, OracleParams},
};
use crate::evm::Chain;
use alloy::{primitives::Address, sol_types::SolConstructor};
use masa_bindings::{
    Contract,
    contracts::{MasaVestingWallet, OracleNodes, OracleRequests, OracleRewards, oracle::IOracleNodes},
};
use std::path::Path;

/// What `OracleNodes` is built with.
#[derive(Debug, Clone, Copy)]
pub struct OracleInit {
    /// MASA, the staked token.
    pub masa: Address,
    /// The owner of the parameters (the DAO timelock).
    pub owner: Address,
    /// The parameters, in wei.
    pub config: OracleConfig,
    /// Receives slashed MASA neither paid to a reporter nor burned.
    pub treasury: Address,
    /// The vesting wallet funding the rewards (the genesis oracle staking wallet), if any.
    pub source: Option<Address>,
}

/// The oracle network's contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oracle {
    /// The node registry.
    pub nodes: Address,
    /// The request book.
    pub requests: Address,
    /// The rewards.
    pub rewards: Address,
}

/// Deploys the oracle network from the network's `[oracle]` parameters, funded by `source`.
pub async fn deploy_from_params<C: Chain>(
    run: &mut Deployer<'_, C>,
    masa: Address,
    owner: Address,
    source: Option<Address>,
    params: &OracleParams,
    params_path: &Path,
) -> Result<Oracle, Error> {
    let bad = |reason: String| Error::Params { path: params_path.to_owned(), reason };
    let config = params.config().map_err(bad)?;
    let treasury = params
        .treasury
        .resolve(|name| run.address_of(name.parse().ok()?))
        .ok_or_else(|| bad("[oracle] treasury names no contract of the suite".into()))?;
    deploy(run, OracleInit { masa, owner, config, treasury, source }).await
}

/// Deploys and wires the oracle network.
pub async fn deploy<C: Chain>(run: &mut Deployer<'_, C>, init: OracleInit) -> Result<Oracle, Error> {
    let c = init.config;
    // checked to fit 96 bits by `OracleParams::config`
    let u96 = |v: alloy::primitives::U256| alloy::primitives::Uint::<96, 2>::from(v.to::<u128>());
    let args = OracleNodes::constructorCall {
        masa_: init.masa,
        owner_: init.owner,
        params_: IOracleNodes::Params {
            minStake: u96(c.min_stake),
            maxStake: u96(c.max_stake),
            unbondingPeriod: c.unbonding_period_secs,
            claimWindow: c.claim_window_secs,
            jailPeriod: c.jail_period_secs,
            equivocationPenalty: u96(c.equivocation_penalty),
            reporterShareBps: c.reporter_share_bps,
            burnBps: c.burn_bps,
            slashCapacity: u96(c.slash_capacity),
            refillPerSecond: u96(c.refill_per_second),
            treasury: init.treasury,
        },
    };
    let nodes = run.create(Contract::OracleNodes, &OracleNodes::BYTECODE, args.abi_encode().into()).await?;
    let args = OracleRequests::constructorCall { masa_: init.masa, nodes_: nodes };
    let requests =
        run.create(Contract::OracleRequests, &OracleRequests::BYTECODE, args.abi_encode().into()).await?;
    let source = init.source.unwrap_or(Address::ZERO);
    let args = OracleRewards::constructorCall { masa_: init.masa, nodes_: nodes, source_: source };
    let rewards =
        run.create(Contract::OracleRewards, &OracleRewards::BYTECODE, args.abi_encode().into()).await?;
    run.send("OracleNodes.setRewards", nodes, OracleNodes::setRewardsCall { rewards_: rewards }).await?;
    if source != Address::ZERO {
        let beneficiary =
            run.view("MasaVestingWallet.beneficiary", source, MasaVestingWallet::beneficiaryCall {}).await?;
        if beneficiary == run.from() {
            let propose = MasaVestingWallet::proposeBeneficiaryCall { proposed: rewards };
            run.send("MasaVestingWallet.proposeBeneficiary (oracle)", source, propose).await?;
            run.send("OracleRewards.acceptSource", rewards, OracleRewards::acceptSourceCall {}).await?;
        } else {
            tracing::warn!(
                %source, %beneficiary, %rewards,
                "the oracle staking wallet's beneficiary is not the deployer: it must propose OracleRewards \
                 (proposeBeneficiary), then anyone calls OracleRewards.acceptSource"
            );
        }
    }
    Ok(Oracle { nodes, requests, rewards })
}
