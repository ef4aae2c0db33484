//! Fees: the exchange (the real Uniswap V2 on a devnet), then the fee router, owned by the DAO.

use super::{DeployError, governance::Governance, runner::Deployer};
use alloy::{
    primitives::{Address, Bytes},
    providers::Provider,
    sol_types::SolConstructor,
};
use masa_bindings::{
    contracts::{FeeRouter, IFeeRouter},
    params::{AddressRef, DeployDex, Dex, FeeParams},
    uniswap::{UniswapV2Factory, UniswapV2Router02, WETH9},
};
use std::path::Path;

/// The fee shares must split the whole fee: checked before anything is sent.
pub(super) fn check_shares(fees: &FeeParams, params_path: &Path) -> Result<(), DeployError> {
    let s = &fees.shares;
    let sum: u32 =
        [s.burn, s.oracle, s.validator, s.contributor, s.treasury].iter().map(|&b| u32::from(b)).sum();
    if sum != 10_000 {
        return Err(DeployError::Params {
            path: params_path.to_owned(),
            reason: format!("fee shares sum to {sum} basis points, not 10000"),
        });
    }
    Ok(())
}

/// Deploys the DEX where the parameters ask for it, then the fee router.
pub(super) async fn deploy<P: Provider>(
    run: &mut Deployer<'_, P>,
    gov: Governance,
    fees: &FeeParams,
    params_path: &Path,
) -> Result<(), DeployError> {
    let provider = run.provider;
    let (swap_router, wrapped_native) = match &fees.dex {
        Dex::Existing { router, wrapped_native } => (*router, wrapped_native.unwrap_or(Address::ZERO)),
        Dex::Deploy(DeployDex::UniswapV2) => {
            let weth = run.create("WETH9", WETH9::deploy_builder(provider), Bytes::new()).await?;
            let factory = run
                .create(
                    "UniswapV2Factory",
                    UniswapV2Factory::deploy_builder(provider, gov.timelock),
                    UniswapV2Factory::constructorCall { _feeToSetter: gov.timelock }.abi_encode().into(),
                )
                .await?;
            let router = run
                .create(
                    "UniswapV2Router02",
                    UniswapV2Router02::deploy_builder(provider, factory, weth),
                    UniswapV2Router02::constructorCall { _factory: factory, _WETH: weth }.abi_encode().into(),
                )
                .await?;
            (router, weth)
        }
    };
    let resolve = |name: &str| run.contracts.get(name).map(|d| d.address);
    let recipient = |which: &'static str, address: &AddressRef| {
        address.resolve(resolve).ok_or_else(|| DeployError::Params {
            path: params_path.to_owned(),
            reason: format!("fee recipient {which} names no contract of the suite"),
        })
    };
    let shares = IFeeRouter::Shares {
        burnBps: fees.shares.burn,
        oracleBps: fees.shares.oracle,
        validatorBps: fees.shares.validator,
        contributorBps: fees.shares.contributor,
        treasuryBps: fees.shares.treasury,
    };
    let recipients = IFeeRouter::Recipients {
        oracleRewards: recipient("oracle_rewards", &fees.recipients.oracle_rewards)?,
        validatorRewards: recipient("validator_rewards", &fees.recipients.validator_rewards)?,
        contributorRewards: recipient("contributor_rewards", &fees.recipients.contributor_rewards)?,
        treasury: recipient("treasury", &fees.recipients.treasury)?,
    };
    let args = FeeRouter::constructorCall {
        masa_: gov.token,
        swapRouter_: swap_router,
        wrappedNative_: wrapped_native,
        owner_: gov.timelock,
        shares_: shares.clone(),
        recipients_: recipients.clone(),
    };
    run.create(
        "FeeRouter",
        FeeRouter::deploy_builder(
            provider,
            gov.token,
            swap_router,
            wrapped_native,
            gov.timelock,
            shares,
            recipients,
        ),
        args.abi_encode().into(),
    )
    .await?;
    Ok(())
}
