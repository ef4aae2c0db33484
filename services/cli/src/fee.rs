//! `masa fee`: pay a protocol fee through the fee router ([`masa_sdk::fees`]).

use crate::{error::Result, wallet::WalletArgs};
use masa_sdk::fees::{FeeClient, FeeRequest};
use masa_sdk::target::TargetSpec;

// Kept for the callers outside the CLI until they take them from the sdk.

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
        /// Largest accepted shortfall from the quote, in basis points (at most 10000).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(0..=10_000))]
        slippage_bps: u16,
        /// Seconds the payment stays valid.
        #[arg(long, default_value_t = 300)]
        deadline_secs: u64,
        /// Accounting label (hashed into the `feeKind`).
        #[arg(long, default_value = "data-use")]
        kind: String,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The paying account.
        #[command(flatten)]
        signer: WalletArgs,
    },
}

impl FeeCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        let Self::Pay { token, amount, slippage_bps, deadline_secs, kind, target, signer } = self;
        let signer = signer.signer()?;
        let fees = FeeClient::connect(&target.resolve().await?, signer)?;
        let token = fees.token(&token).await?;
        let amount = token.parse_amount(&amount)?;
        let request = FeeRequest { token, amount, slippage_bps, deadline_secs, kind };
        let paid = fees.pay(&request).await?;
        let masa = |wei| format!("{} MASA", masa_sdk::fees::masa_text(wei));
        println!(
            "paid {}: {} routed, {} burned, {} carried to the next routing (transaction {})",
            request.token.format(request.amount),
            masa(paid.masa_amount),
            masa(paid.burned),
            masa(paid.dust),
            paid.tx_hash
        );
        Ok(())
    }
}
