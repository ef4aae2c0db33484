//! Errors of the harness.

use alloy::primitives::{Address, Bytes};

/// Result alias of the harness.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong driving a chain or checking a scenario.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The in-process EVM rejected a transaction (invalid, not reverted).
    #[error("revm: {0}")]
    Revm(String),
    /// The anvil node could not be started.
    #[error("anvil: {0}")]
    Spawn(String),
    /// A JSON-RPC request to anvil failed.
    #[error("anvil RPC: {0}")]
    Rpc(#[from] alloy::transports::TransportError),
    /// Waiting for a receipt failed.
    #[error("anvil receipt: {0}")]
    Receipt(#[from] alloy::providers::PendingTransactionError),
    /// A transaction that should succeed reverted.
    #[error("call to {to} reverted with 0x{data}")]
    Reverted {
        /// The called contract.
        to: Address,
        /// The revert data.
        data: Bytes,
    },
    /// A call that should revert succeeded.
    #[error("call to {to} succeeded but was expected to revert")]
    DidNotRevert {
        /// The called contract.
        to: Address,
    },
    /// Return data or revert data did not decode as the expected type.
    #[error("cannot decode: {0}")]
    Decode(#[from] alloy::sol_types::Error),
    /// A scenario expectation failed.
    #[error("scenario on {chain}: {message}")]
    Expectation {
        /// Backend name.
        chain: &'static str,
        /// What was expected and what was found.
        message: String,
    },
    /// The prover failed.
    #[error("prover: {0}")]
    Prover(#[from] masa_prover::ProverError),
    /// A number is not a field element.
    #[error(transparent)]
    NotInField(#[from] masa_prover::field::NotInField),
}
