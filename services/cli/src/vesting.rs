//! `masa vesting`: inspect and release the genesis vesting wallets.

use crate::{target::TargetArgs, wallet::WalletArgs};
use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256, U256, utils::format_units},
    providers::{Provider, ProviderBuilder},
};
use anyhow::{Context, Result, bail};
use masa_bindings::{
    contracts::{MasaVestingWallet, MasaVestingWallet::MasaVestingWalletInstance, genesis::Category},
    manifest::VestingWallet,
};
use masa_sdk::deploy::allocations::category_label;
use serde::Serialize;

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
        target: TargetArgs,
    },
    /// Release what has vested in a wallet to its beneficiary (anyone may send this).
    Release {
        /// The vesting wallet.
        wallet: Address,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The sending account (pays gas; the tokens go to the beneficiary).
        #[command(flatten)]
        signer: WalletArgs,
    },
}

/// The state of one vesting wallet, as `masa vesting show` reports it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletReport {
    /// The wallet.
    pub wallet: Address,
    /// Allocation category.
    pub category: String,
    /// Current beneficiary.
    pub beneficiary: Address,
    /// Allocation (wei).
    pub allocation: U256,
    /// Vested at the latest block (wei).
    pub vested: U256,
    /// Released so far (wei).
    pub released: U256,
    /// Releasable now (wei).
    pub releasable: U256,
    /// Reference event (unix seconds).
    pub start: u64,
    /// End of the lock-up (unix seconds).
    pub lock_end: u64,
    /// Share released at the end of the lock-up (basis points).
    pub unlock_bps: u16,
    /// Fully vested at (unix seconds).
    pub end: u64,
    /// Whether governance may revoke it.
    pub revocable: bool,
    /// Whether it was revoked.
    pub revoked: bool,
    /// Latest block timestamp the figures are for.
    pub now: u64,
}

impl VestingCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Show { address, json, target } => {
                let target = target.resolve().await?;
                let provider = ProviderBuilder::new().connect_http(target.rpc_url.clone());
                let wallets = wallets_of(&target.manifest.vesting_wallets, address);
                if wallets.is_empty() {
                    bail!(
                        "{address} is neither a vesting wallet nor a beneficiary in the {} manifest",
                        target.manifest.network
                    );
                }
                let mut reports = Vec::with_capacity(wallets.len());
                for entry in wallets {
                    reports.push(report(&provider, entry).await?);
                }
                if json {
                    println!("{}", serde_json::to_string_pretty(&reports)?);
                } else {
                    for report in &reports {
                        print_report(report);
                    }
                }
                Ok(())
            }
            Self::Release { wallet, target, signer } => {
                let target = target.resolve().await?;
                if !target.manifest.vesting_wallets.iter().any(|w| w.wallet == wallet) {
                    bail!("{wallet} is not a vesting wallet of the {} manifest", target.manifest.network);
                }
                let provider = ProviderBuilder::new()
                    .wallet(EthereumWallet::from(signer.signer()?))
                    .connect_http(target.rpc_url.clone());
                let released = release(&provider, wallet).await?;
                println!(
                    "released {} MASA to {} (transaction {})",
                    masa(released.amount),
                    released.beneficiary,
                    released.tx_hash
                );
                Ok(())
            }
        }
    }
}

/// What a release paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    /// Who received it.
    pub beneficiary: Address,
    /// How much (wei), as the `Released` event says.
    pub amount: U256,
    /// The transaction.
    pub tx_hash: B256,
}

/// Releases what has vested in `wallet`, sending from the provider's wallet.
pub async fn release(provider: &impl Provider, wallet: Address) -> Result<Release> {
    let contract = MasaVestingWallet::new(wallet, provider);
    let releasable = contract.releasable().call().await.context("cannot read releasable()")?;
    if releasable.is_zero() {
        bail!("nothing has vested in {wallet} beyond what was released");
    }
    let receipt = contract
        .release()
        .send()
        .await
        .context("release() was not accepted")?
        .get_receipt()
        .await
        .context("no receipt for release()")?;
    if !receipt.status() {
        bail!("release() reverted in transaction {}", receipt.transaction_hash);
    }
    let event = receipt
        .decoded_log::<MasaVestingWallet::Released>()
        .context("release() emitted no Released event")?;
    Ok(Release { beneficiary: event.beneficiary, amount: event.amount, tx_hash: receipt.transaction_hash })
}

/// The manifest's wallets that are `address` or belong to beneficiary `address`.
fn wallets_of(wallets: &[VestingWallet], address: Address) -> Vec<&VestingWallet> {
    wallets.iter().filter(|w| w.wallet == address || w.beneficiary == address).collect()
}

/// Reads a wallet's state at the latest block.
pub async fn report(provider: &impl Provider, entry: &VestingWallet) -> Result<WalletReport> {
    let contract: MasaVestingWalletInstance<_> = MasaVestingWallet::new(entry.wallet, provider);
    let read = |what: &'static str| {
        move |e| anyhow::Error::new(e).context(format!("cannot read {what} of {}", entry.wallet))
    };
    let now = provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await?
        .context("the RPC has no latest block")?
        .header
        .timestamp;
    let schedule = contract.schedule().call().await.map_err(read("schedule()"))?;
    Ok(WalletReport {
        wallet: entry.wallet,
        category: Category::try_from(entry.category).map_or("unknown", category_label).to_owned(),
        beneficiary: contract.beneficiary().call().await.map_err(read("beneficiary()"))?,
        allocation: contract.allocation().call().await.map_err(read("allocation()"))?,
        vested: contract.vestedAmount(now).call().await.map_err(read("vestedAmount()"))?,
        released: contract.released().call().await.map_err(read("released()"))?,
        releasable: contract.releasable().call().await.map_err(read("releasable()"))?,
        start: schedule.start,
        lock_end: schedule.start + schedule.lockup,
        unlock_bps: schedule.unlockAtLockEndBps,
        end: contract.end().call().await.map_err(read("end()"))?,
        revocable: schedule.revocable,
        revoked: contract.revoked().call().await.map_err(read("revoked()"))?,
        now,
    })
}

fn masa(wei: U256) -> String {
    format_units(wei, 18).unwrap_or_else(|_| format!("{wei} wei"))
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
    println!("  allocation    {} MASA", masa(r.allocation));
    println!("  vested        {} MASA ({:.2}%)", masa(r.vested), percent(r.vested));
    println!("  released      {} MASA", masa(r.released));
    println!("  releasable    {} MASA", masa(r.releasable));
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
