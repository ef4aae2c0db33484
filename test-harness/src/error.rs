//! Errors of the harness.

use alloy::primitives::Address;
use masa_sdk::{deploy, evm};

/// Result alias of the harness.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong starting a fixture, driving a chain or checking a scenario.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A fixture (anvil, PostgreSQL, the RPC proxy) could not be started.
    #[error("fixture: {0}")]
    Spawn(String),
    /// The chain refused or failed a transaction or call (a revert carries its decoded error).
    #[error("{0}")]
    Chain(#[from] evm::Error),
    /// Deploying the suite failed.
    #[error("deploy: {0}")]
    Deploy(Box<deploy::Error>),
    /// A JSON-RPC request made directly through a provider failed.
    #[error("RPC: {0}")]
    Rpc(#[from] alloy::transports::TransportError),
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

impl From<deploy::Error> for Error {
    fn from(err: deploy::Error) -> Self {
        Self::Deploy(Box::new(err))
    }
}
