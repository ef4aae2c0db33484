//! The token and the DAO: MASA, the timelock that owns every protocol parameter, and the
//! governor that is the timelock's only proposer.

use super::{Deployer, Error, params::GovernanceParams};
use crate::evm::Chain;
use alloy::{
    primitives::{Address, U256, aliases::U48},
    sol_types::SolConstructor,
};
use masa_bindings::{
    Contract,
    contracts::{MasaGovernor, MasaToken, TimelockController},
    masa,
};

/// The governance contracts of a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Governance {
    /// MASA.
    pub token: Address,
    /// The timelock: owner of every protocol parameter, treasury of the DAO.
    pub timelock: Address,
    /// The governor, the timelock's only proposer and canceller.
    pub governor: Address,
}

/// Deploys MASA with the whole supply to the deployer (who hands it to genesis).
pub async fn deploy_token<C: Chain>(run: &mut Deployer<'_, C>) -> Result<Address, Error> {
    let args = MasaToken::constructorCall { genesisHolder: run.from() }.abi_encode();
    run.create(Contract::MasaToken, &MasaToken::BYTECODE, args.into()).await
}

/// Deploys MASA, the timelock and the governor; makes the governor the timelock's only proposer
/// and canceller, opens execution to anyone, and renounces the deployer's admin role.
pub async fn deploy<C: Chain>(
    run: &mut Deployer<'_, C>,
    params: &GovernanceParams,
) -> Result<Governance, Error> {
    let deployer = run.from();
    let token = deploy_token(run).await?;
    let timelock_args = TimelockController::constructorCall {
        minDelay: U256::from(params.timelock_min_delay),
        proposers: vec![],
        executors: vec![Address::ZERO], // execution of passed proposals is open to anyone
        admin: deployer,                // renounced below, once the governor holds its roles
    };
    let timelock = run
        .create(
            Contract::TimelockController,
            &TimelockController::BYTECODE,
            timelock_args.abi_encode().into(),
        )
        .await?;
    let config = MasaGovernor::Config {
        votingDelay: U48::from(params.voting_delay),
        votingPeriod: params.voting_period,
        proposalThreshold: masa(params.proposal_threshold_masa),
        quorumPercent: U256::from(params.quorum_percent),
        voteExtension: U48::from(params.vote_extension),
    };
    let governor_args = MasaGovernor::constructorCall { token, timelock, config };
    let governor = run
        .create(Contract::MasaGovernor, &MasaGovernor::BYTECODE, governor_args.abi_encode().into())
        .await?;

    for (name, role) in [
        (
            "PROPOSER_ROLE",
            run.view("PROPOSER_ROLE", timelock, TimelockController::PROPOSER_ROLECall {}).await?,
        ),
        (
            "CANCELLER_ROLE",
            run.view("CANCELLER_ROLE", timelock, TimelockController::CANCELLER_ROLECall {}).await?,
        ),
    ] {
        let step = format!("TimelockController.grantRole({name})");
        run.send(&step, timelock, TimelockController::grantRoleCall { role, account: governor }).await?;
    }
    let admin =
        run.view("DEFAULT_ADMIN_ROLE", timelock, TimelockController::DEFAULT_ADMIN_ROLECall {}).await?;
    let renounce = TimelockController::renounceRoleCall { role: admin, callerConfirmation: deployer };
    run.send("TimelockController.renounceRole", timelock, renounce).await?;
    Ok(Governance { token, timelock, governor })
}
