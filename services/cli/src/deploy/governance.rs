//! The token and the DAO: MASA, the timelock that owns every protocol parameter, and the
//! governor that is the timelock's only proposer.

use super::{DeployError, runner::Deployer};
use alloy::{
    primitives::{Address, U256, aliases::U48},
    providers::Provider,
    sol_types::SolConstructor,
};
use masa_bindings::{
    contracts::{MasaGovernor, MasaToken, TimelockController},
    masa,
    params::GovernanceParams,
};

/// The governance contracts of a deployment.
#[derive(Debug, Clone, Copy)]
pub(super) struct Governance {
    pub(super) token: Address,
    pub(super) timelock: Address,
}

/// Deploys MASA (the whole supply to the deployer, who hands it to genesis), the timelock and
/// the governor; makes the governor the timelock's only proposer and canceller, and renounces
/// the deployer's admin role.
pub(super) async fn deploy<P: Provider>(
    run: &mut Deployer<'_, P>,
    gov: &GovernanceParams,
) -> Result<Governance, DeployError> {
    let provider = run.provider;
    let deployer = run.deployer;
    let token = run
        .create(
            "MasaToken",
            MasaToken::deploy_builder(provider, deployer),
            MasaToken::constructorCall { genesisHolder: deployer }.abi_encode().into(),
        )
        .await?;

    let timelock_args = TimelockController::constructorCall {
        minDelay: U256::from(gov.timelock_min_delay),
        proposers: vec![],
        executors: vec![Address::ZERO], // execution of passed proposals is open to anyone
        admin: deployer,                // renounced below, once the governor holds its roles
    };
    let timelock = run
        .create(
            "TimelockController",
            TimelockController::deploy_builder(
                provider,
                timelock_args.minDelay,
                timelock_args.proposers.clone(),
                timelock_args.executors.clone(),
                timelock_args.admin,
            ),
            timelock_args.abi_encode().into(),
        )
        .await?;

    let governor_config = MasaGovernor::Config {
        votingDelay: U48::from(gov.voting_delay),
        votingPeriod: gov.voting_period,
        proposalThreshold: masa(gov.proposal_threshold_masa),
        quorumPercent: U256::from(gov.quorum_percent),
        voteExtension: U48::from(gov.vote_extension),
    };
    let governor_args = MasaGovernor::constructorCall { token, timelock, config: governor_config.clone() };
    let governor = run
        .create(
            "MasaGovernor",
            MasaGovernor::deploy_builder(provider, token, timelock, governor_config),
            governor_args.abi_encode().into(),
        )
        .await?;

    let timelock_contract = TimelockController::new(timelock, provider);
    let roles = [
        ("PROPOSER_ROLE", timelock_contract.PROPOSER_ROLE().call().await),
        ("CANCELLER_ROLE", timelock_contract.CANCELLER_ROLE().call().await),
    ];
    for (name, role) in roles {
        let role = role.map_err(|e| run.error(name, &e))?;
        run.execute("TimelockController.grantRole", timelock_contract.grantRole(role, governor)).await?;
    }
    let admin = timelock_contract
        .DEFAULT_ADMIN_ROLE()
        .call()
        .await
        .map_err(|e| run.error("DEFAULT_ADMIN_ROLE", &e))?;
    run.execute("TimelockController.renounceRole", timelock_contract.renounceRole(admin, deployer)).await?;
    Ok(Governance { token, timelock })
}
