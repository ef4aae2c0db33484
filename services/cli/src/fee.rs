//! `masa fee`: pay a protocol fee through the fee router.

use crate::{target::TargetArgs, wallet::WalletArgs};
use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256, U256, keccak256, utils::parse_units},
    providers::{Provider, ProviderBuilder, WalletProvider},
};
use anyhow::{Context, Result, bail};
use masa_bindings::{
    Contract,
    contracts::{FeeRouter, MasaToken},
    uniswap::UniswapV2Router02,
};

/// `masa fee` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum FeeCommand {
    /// Pay a fee in MASA or an accepted token; non-MASA fees are swapped to MASA at the
    /// exchange's current quote less `--slippage-bps`, then burned and distributed.
    Pay {
        /// `MASA` or the address of an accepted token.
        #[arg(long)]
        token: String,
        /// The fee in whole token units (decimals allowed, e.g. `12.5`).
        #[arg(long)]
        amount: String,
        /// Largest accepted shortfall from the quote, in basis points.
        #[arg(long, default_value_t = 50)]
        slippage_bps: u16,
        /// Seconds the payment stays valid.
        #[arg(long, default_value_t = 300)]
        deadline_secs: u64,
        /// Accounting label (hashed into the `feeKind`).
        #[arg(long, default_value = "data-use")]
        kind: String,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The paying account.
        #[command(flatten)]
        signer: WalletArgs,
    },
}

/// What a fee payment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeePayment {
    /// The MASA the fee became.
    pub masa_amount: U256,
    /// MASA burned by this routing.
    pub burned: U256,
    /// MASA carried to the next routing.
    pub dust: U256,
    /// The transaction.
    pub tx_hash: B256,
}

impl FeeCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        let Self::Pay { token, amount, slippage_bps, deadline_secs, kind, target, signer } = self;
        if slippage_bps > 10_000 {
            bail!("--slippage-bps must be at most 10000, got {slippage_bps}");
        }
        let target = target.resolve().await?;
        let masa = target.manifest.address_of(Contract::MasaToken)?;
        let fee_router = target.manifest.address_of(Contract::FeeRouter)?;
        let token = if token.eq_ignore_ascii_case("masa") {
            masa
        } else {
            token.parse().with_context(|| format!("--token {token} is neither MASA nor an address"))?
        };
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer.signer()?))
            .connect_http(target.rpc_url);
        let decimals = MasaToken::new(token, &provider)
            .decimals()
            .call()
            .await
            .with_context(|| format!("{token} does not answer decimals(): not an ERC-20?"))?;
        let amount: U256 = parse_units(&amount, decimals)
            .with_context(|| format!("--amount {amount} is not a number with at most {decimals} decimals"))?
            .into();
        let min_out = min_masa_out(&provider, fee_router, token, masa, amount, slippage_bps).await?;
        let now = provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await?
            .map_or(0, |b| b.header.timestamp);
        let payment = pay_fee(
            &provider,
            fee_router,
            token,
            amount,
            min_out,
            now + deadline_secs,
            keccak256(kind.as_bytes()),
        )
        .await?;
        println!(
            "paid: {} wei of MASA routed, {} wei burned, {} wei carried (transaction {})",
            payment.masa_amount, payment.burned, payment.dust, payment.tx_hash
        );
        Ok(())
    }
}

/// The least MASA to accept for `amount` of `token`: the exchange's quote along the router's
/// path, less `slippage_bps`. The quote is read here, off-chain, never by the contract.
pub async fn min_masa_out(
    provider: &impl Provider,
    fee_router: Address,
    token: Address,
    masa: Address,
    amount: U256,
    slippage_bps: u16,
) -> Result<U256> {
    if token == masa {
        return Ok(amount);
    }
    let router = FeeRouter::new(fee_router, provider);
    let path = router.pathOf(token).call().await.context("cannot read the fee router's path")?;
    if path.is_empty() {
        bail!("{token} is not accepted by the fee router (governance accepts tokens)");
    }
    let exchange = router.swapRouter().call().await.context("cannot read the fee router's exchange")?;
    let amounts = UniswapV2Router02::new(exchange, provider)
        .getAmountsOut(amount, path)
        .call()
        .await
        .context("the exchange cannot quote this swap (no pool or no liquidity?)")?;
    let quote = *amounts.last().context("the exchange returned no quote")?;
    Ok(quote * U256::from(10_000 - u32::from(slippage_bps)) / U256::from(10_000))
}

/// Approves (if needed) and pays `amount` of `token` through the fee router.
pub async fn pay_fee(
    provider: &(impl Provider + WalletProvider),
    fee_router: Address,
    token: Address,
    amount: U256,
    min_masa_out: U256,
    deadline: u64,
    fee_kind: B256,
) -> Result<FeePayment> {
    let payer = provider.default_signer_address();
    let erc20 = MasaToken::new(token, provider);
    if erc20.allowance(payer, fee_router).call().await? < amount {
        let receipt = erc20.approve(fee_router, amount).send().await?.get_receipt().await?;
        if !receipt.status() {
            bail!("approving the fee router reverted in transaction {}", receipt.transaction_hash);
        }
    }
    let router = FeeRouter::new(fee_router, provider);
    let call = router.payFee(token, amount, min_masa_out, U256::from(deadline), fee_kind);
    // Simulate first: a revert comes back decoded (slippage, deadline, unknown token).
    if let Err(err) = call.call().await {
        bail!("the fee router refuses this payment: {}", masa_bindings::revert::describe(&err));
    }
    // The estimate is made in a block with the latest timestamp; where the tokens move between
    // delegated accounts, the block it lands in (a later timestamp) pushes new vote checkpoints
    // (ERC20Votes, timestamp clock) instead of updating them in place: tens of thousands more
    // gas. Unused gas is not charged, so the margin is wide.
    let gas = call.estimate_gas().await?;
    let receipt = call.gas(gas + gas / 2).send().await?.get_receipt().await?;
    if !receipt.status() {
        bail!("payFee reverted in transaction {}", receipt.transaction_hash);
    }
    let paid = receipt.decoded_log::<FeeRouter::FeePaid>().context("payFee emitted no FeePaid event")?;
    let split =
        receipt.decoded_log::<FeeRouter::FeeDistributed>().context("payFee emitted no FeeDistributed")?;
    Ok(FeePayment {
        masa_amount: paid.masaAmount,
        burned: split.burned,
        dust: split.dust,
        tx_hash: receipt.transaction_hash,
    })
}
