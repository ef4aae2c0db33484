//! `masa vesting`: inspect and release the genesis vesting wallets ([`masa_sdk::vesting`]).

use crate::{error::Result, wallet::WalletArgs};
use alloy::primitives::{Address, U256};
use masa_sdk::target::TargetSpec;
use masa_sdk::{
    fees::masa_text,
    vesting::{VestingClient, WalletReport},
};

// Kept for the callers outside the CLI until they take it from the sdk.

/// `masa vesting` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum VestingCommand {
    /// Show the schedule and state of a vesting wallet, or of every wallet of a beneficiary.
    Show {
        /// A vesting wallet, or a beneficiary whose wallets to show.
        address: Address,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
    },
    /// Release what has vested in a wallet to its beneficiary (anyone may send this).
    Release {
        /// The vesting wallet.
        wallet: Address,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The sending account (pays gas; the tokens go to the beneficiary).
        #[command(flatten)]
        signer: WalletArgs,
    },
}

impl VestingCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Show { address, json, target } => {
                let reports = VestingClient::connect(&target.resolve().await?, None).show(address).await?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&reports).expect("reports serialize"));
                } else {
                    reports.iter().for_each(print_report);
                }
            }
            Self::Release { wallet, target, signer } => {
                let signer = signer.signer()?;
                let vesting = VestingClient::connect(&target.resolve().await?, Some(signer));
                let released = vesting.release(wallet).await?;
                println!(
                    "released {} MASA to {} (transaction {})",
                    masa_text(released.amount),
                    released.beneficiary,
                    released.tx_hash
                );
            }
        }
        Ok(())
    }
}

/// "in 3d 4h" / "5d 2h ago" relative to `now`.
fn relative(t: u64, now: u64) -> String {
    let (secs, future) = if t >= now { (t - now, true) } else { (now - t, false) };
    let text = format!("{}d {}h", secs / 86_400, secs % 86_400 / 3_600);
    if future { format!("in {text}") } else { format!("{text} ago") }
}

fn print_report(r: &WalletReport) {
    let percent = |part: U256| {
        if r.allocation.is_zero() {
            0.0
        } else {
            // display only: precision loss in the conversion is irrelevant here
            f64::from(part * U256::from(10_000) / r.allocation) / 100.0
        }
    };
    println!("vesting wallet {} ({})", r.wallet, r.category);
    println!("  beneficiary   {}", r.beneficiary);
    println!("  allocation    {} MASA", masa_text(r.allocation));
    println!("  vested        {} MASA ({:.2}%)", masa_text(r.vested), percent(r.vested));
    println!("  released      {} MASA", masa_text(r.released));
    println!("  releasable    {} MASA", masa_text(r.releasable));
    println!("  starts        {} ({})", r.start, relative(r.start, r.now));
    println!(
        "  lock-up ends  {} ({}), {:.2}% unlocks then",
        r.lock_end,
        relative(r.lock_end, r.now),
        f64::from(r.unlock_bps) / 100.0
    );
    println!("  fully vested  {} ({})", r.end, relative(r.end, r.now));
    let revocation = match (r.revocable, r.revoked) {
        (_, true) => "revoked",
        (true, false) => "revocable by governance",
        (false, false) => "not revocable",
    };
    println!("  revocation    {revocation}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_relative_to_the_latest_block() {
        assert_eq!(relative(1_000 + 3 * 86_400 + 4 * 3_600, 1_000), "in 3d 4h");
        assert_eq!(relative(1_000, 1_000 + 5 * 86_400 + 2 * 3_600 + 59), "5d 2h ago");
    }
}
