//! Why an oracle network operation failed.

use crate::tx;
use alloy::primitives::U256;

/// Why an oracle operation failed. Messages name the node, the request and the transaction;
/// none holds a key.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest has no oracle network (or no MASA).
    #[error(transparent)]
    Manifest(#[from] masa_bindings::Error),
    /// A read from the oracle contracts (or MASA) failed.
    #[error(transparent)]
    Read(#[from] tx::ReadError),
    /// A block query failed.
    #[error(transparent)]
    Rpc(#[from] tx::RpcError),
    /// A transaction did not go through.
    #[error(transparent)]
    Tx(#[from] tx::Error),
    /// No request has this id.
    #[error("request {request} does not exist (requests are numbered from 1 to {count})")]
    UnknownRequest {
        /// The id asked for.
        request: U256,
        /// How many requests there are.
        count: U256,
    },
    /// A node key could not sign.
    #[error("the node key cannot sign: {0}")]
    Sign(String),
    /// A receipt lacks the event the call emits.
    #[error("transaction {tx_hash} has no {event} event")]
    MissingEvent {
        /// The event.
        event: &'static str,
        /// The transaction.
        tx_hash: alloy::primitives::B256,
    },
}
