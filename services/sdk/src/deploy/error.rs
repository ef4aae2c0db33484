//! Why a deployment failed.

use crate::evm;
use alloy::primitives::{Address, B256};
use std::path::PathBuf;

/// Why a deployment failed. Nothing is written to the manifest on any of these.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A step of the deployment (a creation or a set-up call) failed.
    #[error("{step}: {source}")]
    Step {
        /// The contract created or the call made.
        step: String,
        /// Why.
        source: evm::Error,
    },
    /// The chain could not be reached or queried before anything was sent.
    #[error(transparent)]
    Chain(#[from] evm::Error),
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
    /// A parameters or allocations file cannot be read.
    #[error("{path}: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// The I/O or parse error.
        reason: String,
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
    Table(#[from] super::allocations::TableError),
    /// Manifest, network or artifact problem.
    #[error(transparent)]
    Bindings(#[from] masa_bindings::Error),
}
