//! Why a pool operation failed.

use crate::{indexer, tx, zksbt};
use alloy::primitives::U256;
use masa_prover::{
    ProverError, delivery::DeliveryError, field::NotInField, poseidon::IssuerSetSize, statement::Operator,
};

/// Why a pool operation failed. Messages name the pool, the stake and the transaction; none
/// holds a record's values or a key.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest has no `DataPools` (or no MASA).
    #[error(transparent)]
    Manifest(#[from] masa_bindings::Error),
    /// A read from the pools (or MASA) failed.
    #[error(transparent)]
    Read(#[from] tx::ReadError),
    /// `eth_getLogs` or a block query failed.
    #[error(transparent)]
    Rpc(#[from] tx::RpcError),
    /// A transaction did not go through.
    #[error(transparent)]
    Tx(#[from] tx::Error),
    /// The indexer could not say where the deliveries are.
    #[error(transparent)]
    Indexer(#[from] indexer::Error),
    /// The record, the wallet's identity or the proof (from the zkSBT client).
    #[error(transparent)]
    ZkSbt(#[from] zksbt::Error),
    /// The prover failed.
    #[error(transparent)]
    Prover(#[from] ProverError),
    /// No pool has this id.
    #[error("pool {pool} does not exist (pools are numbered from 1 to {count})")]
    UnknownPool {
        /// The id asked for.
        pool: U256,
        /// How many pools there are (ids 1 to count).
        count: U256,
    },
    /// The pool's operator number is none of the circuit's.
    #[error("pool {pool}'s operator {operator} is none of the circuit's (0-6)")]
    BadOperator {
        /// The pool.
        pool: U256,
        /// Its operator.
        operator: u8,
    },
    /// The pool accepts a set of issuers the stake cannot name.
    #[error(
        "pool {pool} accepts issuer set {expected:#x}, and {given} is not it: pass the pool's issuers (1 to 4 addresses)"
    )]
    IssuerSet {
        /// The pool.
        pool: U256,
        /// The pool's issuer set.
        expected: U256,
        /// What was tried (the record's issuer alone, or the given list).
        given: String,
    },
    /// An issuer list of the wrong size.
    #[error(transparent)]
    IssuerSetSize(#[from] IssuerSetSize),
    /// The record is not about what the pool asks.
    #[error("zkSBT {} has schema {}, pool {} accepts schema {}", .0.token, .0.record, .0.pool, .0.accepted)]
    Schema(Box<SchemaMismatch>),
    /// The pool's delivery key is not a Baby Jubjub key (the contract checks it: never).
    #[error("pool {pool}'s delivery key is not a Baby Jubjub key: {source}")]
    DeliveryKey {
        /// The pool.
        pool: U256,
        /// Why.
        source: DeliveryError,
    },
    /// The budget is zero.
    #[error("the budget must be more than 0 MASA")]
    ZeroBudget,
    /// A second operand for an operator other than `in`.
    #[error("`{operator}` takes one operand, not {operands}: a second operand is only for `in`")]
    Operands {
        /// The operator.
        operator: Operator,
        /// Its operands.
        operands: String,
    },
    /// The transaction did not emit the event that says what it did.
    #[error("transaction {tx_hash} emitted no {event}")]
    MissingEvent {
        /// The event.
        event: &'static str,
        /// The transaction.
        tx_hash: alloy::primitives::B256,
    },
    /// A delivery does not open.
    #[error("the delivery does not open: {0}")]
    Delivery(#[from] DeliveryError),
    /// A word of a delivery is not a field element.
    #[error("the delivery does not open: {0}")]
    NotInField(#[from] NotInField),
}

/// A record of another schema than the pool's (boxed: four words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaMismatch {
    /// The token.
    pub token: U256,
    /// Its schema.
    pub record: U256,
    /// The pool.
    pub pool: U256,
    /// The pool's schema.
    pub accepted: U256,
}
