//! The genesis vesting wallets' client: each wallet's schedule and state, and the release of what
//! has vested to its beneficiary (anyone may send it).
//!
//! ```no_run
//! # async fn example(target: masa_sdk::target::Target, wallet: alloy::signers::local::PrivateKeySigner)
//! # -> Result<(), masa_sdk::vesting::Error> {
//! use masa_sdk::vesting::VestingClient;
//!
//! let vesting = VestingClient::connect(&target, Some(wallet));
//! let beneficiary = target.manifest.vesting_wallets[0].beneficiary;
//! for report in vesting.show(beneficiary).await? {
//!     if !report.releasable.is_zero() {
//!         let released = vesting.release(report.wallet).await?;
//!         println!("{} wei to {}", released.amount, released.beneficiary);
//!     }
//! }
//! # Ok(()) }
//! ```

use crate::{
    deploy::allocations::category_label,
    target::Target,
    tx::{self, Call},
};
use alloy::{
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider},
    signers::local::PrivateKeySigner,
};
use masa_bindings::{
    Contract,
    contracts::{MasaVestingWallet, genesis::Category},
    manifest::{Manifest, VestingWallet},
    revert::describe,
};
use serde::Serialize;

/// Why a vesting report or release failed. Messages name the wallet and the transaction.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address is no wallet and no beneficiary of the deployment.
    #[error("{address} is neither a vesting wallet nor a beneficiary in the {network} manifest")]
    Unknown {
        /// The address.
        address: Address,
        /// The manifest's network.
        network: String,
    },
    /// The address is not a vesting wallet of the deployment.
    #[error("{wallet} is not a vesting wallet of the {network} manifest")]
    NotAWallet {
        /// The address.
        wallet: Address,
        /// The manifest's network.
        network: String,
    },
    /// A view of the wallet failed.
    #[error("cannot read {call} of vesting wallet {wallet}: {reason}")]
    Read {
        /// The view.
        call: &'static str,
        /// The wallet.
        wallet: Address,
        /// The revert or transport error.
        reason: String,
    },
    /// The latest block cannot be read.
    #[error("cannot read the latest block: {0}")]
    Block(String),
    /// Nothing to release.
    #[error("nothing has vested in {wallet} beyond what was released")]
    NothingVested {
        /// The wallet.
        wallet: Address,
    },
    /// The release transaction failed.
    #[error("releasing vesting wallet {wallet}: {source}")]
    Release {
        /// The wallet.
        wallet: Address,
        /// Why.
        source: tx::Error,
    },
    /// The release succeeded without its event.
    #[error("release() of {wallet} in transaction {tx_hash} emitted no Released event")]
    NoReleasedEvent {
        /// The wallet.
        wallet: Address,
        /// The transaction.
        tx_hash: B256,
    },
}

/// The state of one vesting wallet at the latest block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletReport {
    /// The wallet.
    pub wallet: Address,
    /// Allocation category, as a person reads it (`core team`).
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
pub async fn release(provider: &impl Provider, wallet: Address) -> Result<Release, Error> {
    let contract = MasaVestingWallet::new(wallet, provider);
    let releasable = contract.releasable().call().await.map_err(|e| Error::Read {
        call: "releasable()",
        wallet,
        reason: describe(&e),
    })?;
    if releasable.is_zero() {
        return Err(Error::NothingVested { wallet });
    }
    let receipt = tx::send(Call::new(Contract::MasaVestingWallet, "release"), contract.release())
        .await
        .map_err(|source| Error::Release { wallet, source })?;
    let event = receipt
        .decoded_log::<MasaVestingWallet::Released>()
        .ok_or(Error::NoReleasedEvent { wallet, tx_hash: receipt.transaction_hash })?;
    Ok(Release { beneficiary: event.beneficiary, amount: event.amount, tx_hash: receipt.transaction_hash })
}

/// Reads a wallet's state at the latest block.
pub async fn report(provider: &impl Provider, entry: &VestingWallet) -> Result<WalletReport, Error> {
    let wallet = entry.wallet;
    let contract = MasaVestingWallet::new(wallet, provider);
    let read = |call: &'static str| {
        move |e: alloy::contract::Error| Error::Read { call, wallet, reason: describe(&e) }
    };
    let now = tx::latest_timestamp(provider).await.map_err(|e| Error::Block(e.to_string()))?;
    let schedule = contract.schedule().call().await.map_err(read("schedule()"))?;
    Ok(WalletReport {
        wallet,
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

/// The manifest's wallets that are `address` or belong to beneficiary `address`.
pub fn wallets_of(manifest: &Manifest, address: Address) -> Vec<&VestingWallet> {
    manifest.vesting_wallets.iter().filter(|w| w.wallet == address || w.beneficiary == address).collect()
}

/// The vesting wallets of a deployment.
#[derive(Debug, Clone)]
pub struct VestingClient<P> {
    provider: P,
    manifest: Manifest,
}

impl VestingClient<DynProvider> {
    /// The wallets of `target`'s deployment; `wallet` sends releases (read-only without).
    pub fn connect(target: &Target, wallet: Option<PrivateKeySigner>) -> Self {
        let provider = match wallet {
            Some(wallet) => tx::signing_provider(target.rpc_url.clone(), wallet),
            None => tx::read_provider(target.rpc_url.clone()),
        };
        Self::new(provider, target.manifest.clone())
    }
}

impl<P: Provider> VestingClient<P> {
    /// The wallets `manifest` records, over `provider`.
    pub const fn new(provider: P, manifest: Manifest) -> Self {
        Self { provider, manifest }
    }

    /// The state of wallet `address`, or of every wallet of beneficiary `address`.
    pub async fn show(&self, address: Address) -> Result<Vec<WalletReport>, Error> {
        let wallets = wallets_of(&self.manifest, address);
        if wallets.is_empty() {
            return Err(Error::Unknown { address, network: self.manifest.network.clone() });
        }
        let mut reports = Vec::with_capacity(wallets.len());
        for entry in wallets {
            reports.push(report(&self.provider, entry).await?);
        }
        Ok(reports)
    }

    /// Releases what has vested in `wallet` (a wallet of the deployment) to its beneficiary.
    pub async fn release(&self, wallet: Address) -> Result<Release, Error> {
        if !self.manifest.vesting_wallets.iter().any(|w| w.wallet == wallet) {
            return Err(Error::NotAWallet { wallet, network: self.manifest.network.clone() });
        }
        release(&self.provider, wallet).await
    }
}
