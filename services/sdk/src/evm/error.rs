//! Why a chain operation failed.

use alloy::primitives::{Address, B256, Bytes, U256};

/// Result alias of [`crate::evm`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a transaction, call or query failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The in-process EVM rejected a transaction (invalid, not reverted).
    #[error("revm: {0}")]
    Revm(String),
    /// The RPC endpoint did not answer at all.
    #[error("cannot reach the RPC at {url}: {reason}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// Transport error or timeout.
        reason: String,
    },
    /// A JSON-RPC request failed.
    #[error("RPC request {request} to {url} failed: {reason}")]
    Rpc {
        /// The endpoint.
        url: String,
        /// What was asked.
        request: &'static str,
        /// The transport error and its causes, or the timeout.
        reason: String,
    },
    /// The transaction was sent but its receipt did not come.
    #[error("transaction {tx_hash} sent to {url}: no receipt: {reason}")]
    Receipt {
        /// The endpoint.
        url: String,
        /// The transaction.
        tx_hash: B256,
        /// What went wrong.
        reason: String,
    },
    /// A transaction that must succeed reverted (or would revert, by gas estimation).
    #[error("{to} reverted: {}", describe(.data))]
    Reverted {
        /// The called contract.
        to: Address,
        /// The revert data.
        data: Bytes,
    },
    /// A contract creation reverted.
    #[error("contract creation by {from} in transaction {tx_hash} failed")]
    CreationFailed {
        /// The deployer.
        from: Address,
        /// The transaction.
        tx_hash: B256,
    },
    /// The sender cannot pay for the transaction.
    #[error("{account} has {balance} wei on chain {chain_id}, but the transaction needs about {needed} wei")]
    InsufficientFunds {
        /// The sender.
        account: Address,
        /// Its balance.
        balance: U256,
        /// Estimated cost (gas × max fee per gas).
        needed: U256,
        /// The chain.
        chain_id: u64,
    },
    /// The chain holds no key for the sender.
    #[error("no signing key for {0} on this chain")]
    UnknownAccount(Address),
    /// Return data did not decode as the expected type.
    #[error("cannot decode the return data: {0}")]
    Decode(#[from] alloy::sol_types::Error),
}

/// Revert data by error name and values when a contract of the suite declares it, else as hex.
fn describe(data: &Bytes) -> String {
    if data.is_empty() {
        return "without data".into();
    }
    masa_bindings::revert::decode(data).unwrap_or_else(|| format!("with data {data}"))
}

/// An error and its sources on one line (`a: b: c`), so the root cause is never lost.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
