//! The oracle network's contracts: for now `OracleNodes` (the nodes' registry, stake and
//! slashing), owned by the DAO timelock, its slashed MASA's treasury resolved among the contracts
//! deployed so far. Requests, rewards and attestations come with issue 15's next parts.

use super::{
    Deployer, Error,
    params::{OracleConfig, OracleParams},
};
use crate::evm::Chain;
use alloy::{primitives::Address, sol_types::SolConstructor};
use masa_bindings::{
    Contract,
    contracts::{OracleNodes, oracle::IOracleNodes},
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
}

/// Deploys `OracleNodes` from the network's `[oracle]` parameters; returns its address.
pub async fn deploy_from_params<C: Chain>(
    run: &mut Deployer<'_, C>,
    masa: Address,
    owner: Address,
    params: &OracleParams,
    params_path: &Path,
) -> Result<Address, Error> {
    let bad = |reason: String| Error::Params { path: params_path.to_owned(), reason };
    let config = params.config().map_err(bad)?;
    let treasury = params
        .treasury
        .resolve(|name| run.address_of(name.parse().ok()?))
        .ok_or_else(|| bad("[oracle] treasury names no contract of the suite".into()))?;
    deploy(run, OracleInit { masa, owner, config, treasury }).await
}

/// Deploys `OracleNodes`; returns its address.
pub async fn deploy<C: Chain>(run: &mut Deployer<'_, C>, init: OracleInit) -> Result<Address, Error> {
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
    run.create(Contract::OracleNodes, &OracleNodes::BYTECODE, args.abi_encode().into()).await
}
