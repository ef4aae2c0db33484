//! Why a deployment failed.

use alloy::{
    primitives::{Address, B256, U256},
    transports::TransportError,
};
use masa_bindings::allocations::TableError;
use std::path::PathBuf;

/// Why a deployment failed. Nothing is written to the manifest on any of these.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The RPC endpoint did not answer.
    #[error("cannot reach the RPC at {url}: {reason}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// Transport error or timeout.
        reason: String,
    },
    /// An RPC request failed after the endpoint answered once.
    #[error("RPC request {request} to {url} failed: {source}")]
    Rpc {
        /// The endpoint.
        url: String,
        /// What was asked.
        request: &'static str,
        /// The transport error.
        source: Box<TransportError>,
    },
    /// The endpoint serves another chain than the named network.
    #[error("the RPC at {url} serves chain id {actual}, but network {network} is chain id {expected}")]
    WrongChain {
        /// The endpoint.
        url: String,
        /// The network asked for.
        network: String,
        /// Its chain id.
        expected: u64,
        /// The endpoint's chain id.
        actual: u64,
    },
    /// The manifest at the target path belongs to another chain.
    #[error("manifest {path} is for chain id {manifest}, but the RPC at {url} serves chain id {rpc}")]
    ManifestForOtherChain {
        /// The manifest path.
        path: PathBuf,
        /// The manifest's chain id.
        manifest: u64,
        /// The endpoint.
        url: String,
        /// The endpoint's chain id.
        rpc: u64,
    },
    /// A manifest address holds other code than what was deployed there.
    #[error(
        "manifest {path}: {contract} at {address} has code hash {found}, not the recorded {expected}; refusing to deploy over it"
    )]
    CodeMismatch {
        /// The manifest path.
        path: PathBuf,
        /// The contract name.
        contract: String,
        /// Its recorded address.
        address: Address,
        /// Recorded code hash.
        expected: B256,
        /// Code hash found on chain (the empty-code hash if there is no code).
        found: B256,
    },
    /// The manifest records a live deployment of another set of contracts than this suite.
    #[error(
        "manifest {path} records a live deployment of [{recorded}], not this suite's [{suite}]; deploy to a new manifest (--manifest)"
    )]
    SuiteChanged {
        /// The manifest path.
        path: PathBuf,
        /// Contracts in the manifest.
        recorded: String,
        /// Contracts of this suite.
        suite: String,
    },
    /// The deployer cannot pay for the deployment.
    #[error("deployer {account} has {balance} wei on chain {chain_id}, but {step} needs about {needed} wei")]
    InsufficientFunds {
        /// The deployer.
        account: Address,
        /// Its balance.
        balance: U256,
        /// Estimated cost (gas × max fee per gas).
        needed: U256,
        /// The chain.
        chain_id: u64,
        /// The step about to be sent.
        step: &'static str,
    },
    /// Sending a transaction of the deployment or waiting for it failed.
    #[error("{step} failed: {reason}")]
    Send {
        /// The deployment step (contract creation or set-up call).
        step: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A transaction of the deployment was mined but reverted.
    #[error("{step}: transaction {tx_hash} reverted")]
    Reverted {
        /// The deployment step.
        step: &'static str,
        /// The transaction.
        tx_hash: B256,
    },
    /// The suite parameters are inconsistent.
    #[error("suite parameters {path}: {reason}")]
    Params {
        /// The parameters file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The allocation table cannot be distributed.
    #[error("allocation table: {0}")]
    Table(#[from] TableError),
    /// Manifest, network or artifact problem.
    #[error(transparent)]
    Bindings(#[from] masa_bindings::Error),
}
