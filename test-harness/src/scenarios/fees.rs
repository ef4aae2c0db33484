//! Fees end to end: MASA and stablecoin fees through the fee router and the real Uniswap V2,
//! and the DAO changing the burn share (and accepting the stablecoin) by proposal.

use crate::{Chain, ChainExt, Error, Expect, Result, scenarios::governance};
use alloy::{
    primitives::{Address, Bytes, U256},
    sol,
    sol_types::{SolCall, SolConstructor, SolEvent},
};
use masa_bindings::{
    MASA,
    contracts::{FeeRouter, IFeeRouter, MasaToken},
    uniswap::{UniswapV2Factory, UniswapV2Pair, UniswapV2Router02},
};
use masa_sdk::deploy::{
    Deployer,
    fees::{self, Exchange, FeeRouterInit},
};

sol!(
    /// The mintable test ERC-20 of the forge suite (`contracts/test/utils/TestERC20.sol`).
    #[derive(Debug)]
    TestERC20,
    "../contracts/out/TestERC20.sol/TestERC20.json"
);

/// Gas of each fee path.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// `payFee` in MASA (burn + four transfers).
    pub masa_path: u64,
    /// `payFee` in a stablecoin (swap through Uniswap V2, then burn + four transfers).
    pub swap_path: u64,
}

/// `amount` of a 6-decimal stablecoin.
fn usd(amount: u64) -> U256 {
    U256::from(amount) * U256::from(1_000_000u64)
}

/// Pays `amount` of `token` from `payer` at `min_out`; returns (MASA routed, MASA burned, gas).
async fn pay<C: Chain>(
    chain: &mut C,
    fee_router: Address,
    token_address: Address,
    masa: Address,
    payer: Address,
    amount: U256,
    min_out: U256,
) -> Result<(U256, U256, u64)> {
    let supply = chain.view(masa, MasaToken::totalSupplyCall {}).await?;
    let deadline = U256::from(chain.timestamp().await? + 300);
    let call = FeeRouter::payFeeCall {
        token: token_address,
        amount,
        minMasaOut: min_out,
        deadline,
        feeKind: alloy::primitives::keccak256("data-use"),
    };
    let outcome = chain.send(payer, fee_router, call).await?;
    let paid = outcome
        .logs
        .iter()
        .find_map(|log| FeeRouter::FeePaid::decode_log(log).ok())
        .ok_or_else(|| Error::Expectation { chain: chain.name(), message: "no FeePaid event".into() })?;
    let burned = supply - chain.view(masa, MasaToken::totalSupplyCall {}).await?;
    Ok((paid.masaAmount, burned, outcome.gas_used))
}

/// The story on any chain; returns the gas of both fee paths.
pub async fn dao_changes_the_burn_share<C: Chain>(chain: &mut C) -> Result<GasReport> {
    let [admin, voter, payer, oracle, validators, contributors] =
        [0, 1, 2, 3, 4, 5].map(|i| chain.account(i));
    let dao = governance::deploy(chain, admin).await?;
    let masa = dao.token;

    // the real Uniswap V2, and a MASA/USDC pool at 1 MASA = 0.10 USDC
    let Exchange { weth, factory, router } =
        fees::deploy_exchange(&mut Deployer::new(chain, admin), admin).await?;
    let stable_args =
        TestERC20::constructorCall { name_: "USD Coin".into(), symbol_: "USDC".into(), decimals_: 6 };
    let (usdc, _) = chain.create(admin, &TestERC20::BYTECODE, &stable_args.abi_encode()).await?;
    chain.send(admin, usdc, TestERC20::mintCall { to: admin, amount: usd(2_000_000) }).await?;
    chain.send(admin, factory, UniswapV2Factory::createPairCall { tokenA: masa, tokenB: usdc }).await?;
    let pair = chain.view(factory, UniswapV2Factory::getPairCall { _0: masa, _1: usdc }).await?;
    chain
        .send(admin, masa, MasaToken::transferCall { to: pair, value: MASA * U256::from(10_000_000) })
        .await?;
    chain.send(admin, usdc, TestERC20::transferCall { to: pair, value: usd(1_000_000) }).await?;
    chain.send(admin, pair, UniswapV2Pair::mintCall { to: admin }).await?;

    // the fee router, owned by the DAO's timelock
    let shares = IFeeRouter::Shares {
        burnBps: 2_000,
        oracleBps: 3_000,
        validatorBps: 1_000,
        contributorBps: 3_000,
        treasuryBps: 1_000,
    };
    let recipients = IFeeRouter::Recipients {
        oracleRewards: oracle,
        validatorRewards: validators,
        contributorRewards: contributors,
        treasury: dao.timelock,
    };
    let init = FeeRouterInit {
        masa,
        swap_router: router,
        wrapped_native: weth,
        owner: dao.timelock,
        shares,
        recipients,
    };
    let fee_router = fees::deploy_router(&mut Deployer::new(chain, admin), init).await?;

    // a voter with 200M MASA of votes, a payer with MASA and USDC
    chain
        .send(admin, masa, MasaToken::transferCall { to: voter, value: MASA * U256::from(200_000_000) })
        .await?;
    chain.send(voter, masa, MasaToken::delegateCall { delegatee: voter }).await?;
    chain
        .send(admin, masa, MasaToken::transferCall { to: payer, value: MASA * U256::from(1_000_000) })
        .await?;
    chain.send(admin, usdc, TestERC20::transferCall { to: payer, value: usd(10_000) }).await?;
    chain.send(payer, masa, MasaToken::approveCall { spender: fee_router, value: U256::MAX }).await?;
    chain.send(payer, usdc, TestERC20::approveCall { spender: fee_router, value: U256::MAX }).await?;
    chain.advance_time(1).await?;

    // before: 20% of a MASA fee burns; USDC is not accepted yet
    let fee = MASA * U256::from(1_000);
    let (routed, burned, masa_gas) = pay(chain, fee_router, masa, masa, payer, fee, U256::ZERO).await?;
    chain.ensure_eq("20% burned", (routed, burned), (fee, fee / U256::from(5)))?;
    let refused: FeeRouter::FeeRouter__TokenNotAccepted = chain
        .expect_revert(
            payer,
            fee_router,
            FeeRouter::payFeeCall {
                token: usdc,
                amount: usd(50),
                minMasaOut: U256::ZERO,
                deadline: U256::from(chain.timestamp().await? + 300),
                feeKind: alloy::primitives::keccak256("data-use"),
            },
        )
        .await?;
    chain.ensure_eq("USDC refused", refused.token, usdc)?;

    // the DAO burns half and accepts USDC (swapped directly to MASA)
    let half = IFeeRouter::Shares {
        burnBps: 5_000,
        oracleBps: 2_000,
        validatorBps: 1_000,
        contributorBps: 1_000,
        treasuryBps: 1_000,
    };
    let calls: Vec<(Address, Bytes)> = vec![
        (fee_router, FeeRouter::setSharesCall { shares_: half }.abi_encode().into()),
        (fee_router, FeeRouter::acceptTokenCall { token: usdc, path: vec![usdc, masa] }.abi_encode().into()),
    ];
    governance::pass(chain, dao, voter, &[voter], calls, "Burn half of every fee; accept USDC").await?;

    // after: half burns; a USDC fee swaps at the caller's minimum, exactly the pool's quote
    let (_, burned, _) = pay(chain, fee_router, masa, masa, payer, fee, U256::ZERO).await?;
    chain.ensure_eq("50% burned", burned, fee / U256::from(2))?;
    let quote = chain
        .view(router, UniswapV2Router02::getAmountsOutCall { amountIn: usd(50), path: vec![usdc, masa] })
        .await?[1];
    let min_out = quote * U256::from(995) / U256::from(1_000); // 0.5% slippage allowed
    let dust = chain.view(fee_router, FeeRouter::dustCall {}).await?;
    let (routed, burned, swap_gas) = pay(chain, fee_router, usdc, masa, payer, usd(50), min_out).await?;
    chain.ensure_eq("swap output is the quote", routed, quote)?;
    chain.ensure_eq("half of the swapped fee burned", burned, (routed + dust) / U256::from(2))?;
    chain.ensure(routed > MASA * U256::from(490), || format!("50 USDC became only {routed} wei of MASA"))?;
    Ok(GasReport { masa_path: masa_gas, swap_path: swap_gas })
}
