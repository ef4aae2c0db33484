//! Fees: the exchange (the real Uniswap V2 on a devnet), then the fee router, owned by the DAO.

use super::{
    Deployer, Error,
    governance::Governance,
    params::{AddressRef, DeployDex, Dex, FeeParams, FeeShares},
};
use crate::evm::Chain;
use alloy::{
    primitives::{Address, Bytes},
    sol_types::SolConstructor,
};
use masa_bindings::{
    Contract,
    contracts::{FeeRouter, IFeeRouter},
    uniswap::{UniswapV2Factory, UniswapV2Router02, WETH9},
};
use std::path::Path;

/// The real Uniswap V2, from the npm packages' build artifacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    /// WETH9.
    pub weth: Address,
    /// The pair factory.
    pub factory: Address,
    /// Router02.
    pub router: Address,
}

/// What the fee router is built with.
#[derive(Debug, Clone)]
pub struct FeeRouterInit {
    /// MASA.
    pub masa: Address,
    /// The Uniswap-V2-compatible router non-MASA fees are swapped through.
    pub swap_router: Address,
    /// The wrapped native coin (`Address::ZERO` where the native coin is not accepted).
    pub wrapped_native: Address,
    /// Owner of the shares and accepted tokens (the DAO timelock).
    pub owner: Address,
    /// Shares of every fee.
    pub shares: IFeeRouter::Shares,
    /// Who receives the distributed shares.
    pub recipients: IFeeRouter::Recipients,
}

/// Deploys WETH9, the Uniswap V2 factory (fee setter `fee_to_setter`) and router02.
pub async fn deploy_exchange<C: Chain>(
    run: &mut Deployer<'_, C>,
    fee_to_setter: Address,
) -> Result<Exchange, Error> {
    let weth = run.create(Contract::WETH9, &WETH9::BYTECODE, Bytes::new()).await?;
    let factory_args = UniswapV2Factory::constructorCall { _feeToSetter: fee_to_setter };
    let factory = run
        .create(Contract::UniswapV2Factory, &UniswapV2Factory::BYTECODE, factory_args.abi_encode().into())
        .await?;
    let router_args = UniswapV2Router02::constructorCall { _factory: factory, _WETH: weth };
    let router = run
        .create(Contract::UniswapV2Router02, &UniswapV2Router02::BYTECODE, router_args.abi_encode().into())
        .await?;
    Ok(Exchange { weth, factory, router })
}

/// Deploys the fee router.
pub async fn deploy_router<C: Chain>(
    run: &mut Deployer<'_, C>,
    init: FeeRouterInit,
) -> Result<Address, Error> {
    let args = FeeRouter::constructorCall {
        masa_: init.masa,
        swapRouter_: init.swap_router,
        wrappedNative_: init.wrapped_native,
        owner_: init.owner,
        shares_: init.shares,
        recipients_: init.recipients,
    };
    run.create(Contract::FeeRouter, &FeeRouter::BYTECODE, args.abi_encode().into()).await
}

/// The shares as the contract takes them.
pub const fn shares(shares: FeeShares) -> IFeeRouter::Shares {
    IFeeRouter::Shares {
        burnBps: shares.burn,
        oracleBps: shares.oracle,
        validatorBps: shares.validator,
        contributorBps: shares.contributor,
        treasuryBps: shares.treasury,
    }
}

/// The fee shares must split the whole fee: checked before anything is sent.
pub fn check_shares(fees: &FeeParams, params_path: &Path) -> Result<(), Error> {
    let s = &fees.shares;
    let sum: u32 =
        [s.burn, s.oracle, s.validator, s.contributor, s.treasury].iter().map(|&b| u32::from(b)).sum();
    if sum != 10_000 {
        return Err(Error::Params {
            path: params_path.to_owned(),
            reason: format!("fee shares sum to {sum} basis points, not 10000"),
        });
    }
    Ok(())
}

/// The suite's fees: the DEX where the parameters ask for it, then the fee router owned by the
/// timelock, its recipients resolved among the contracts deployed so far.
pub async fn deploy<C: Chain>(
    run: &mut Deployer<'_, C>,
    gov: Governance,
    fees: &FeeParams,
    params_path: &Path,
) -> Result<Address, Error> {
    let (swap_router, wrapped_native) = match &fees.dex {
        Dex::Existing { router, wrapped_native } => (*router, wrapped_native.unwrap_or(Address::ZERO)),
        Dex::Deploy(DeployDex::UniswapV2) => {
            let exchange = deploy_exchange(run, gov.timelock).await?;
            (exchange.router, exchange.weth)
        }
    };
    let recipient = |which: &'static str, address: &AddressRef| {
        address.resolve(|name| run.address_of(name.parse().ok()?)).ok_or_else(|| Error::Params {
            path: params_path.to_owned(),
            reason: format!("fee recipient {which} names no contract of the suite"),
        })
    };
    let recipients = IFeeRouter::Recipients {
        oracleRewards: recipient("oracle_rewards", &fees.recipients.oracle_rewards)?,
        validatorRewards: recipient("validator_rewards", &fees.recipients.validator_rewards)?,
        contributorRewards: recipient("contributor_rewards", &fees.recipients.contributor_rewards)?,
        treasury: recipient("treasury", &fees.recipients.treasury)?,
    };
    let init = FeeRouterInit {
        masa: gov.token,
        swap_router,
        wrapped_native,
        owner: gov.timelock,
        shares: shares(fees.shares),
        recipients,
    };
    deploy_router(run, init).await
}
