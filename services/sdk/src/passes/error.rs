//! Why a pass operation failed.

use crate::{indexer, pools, tx, zksbt};
use alloy::primitives::{Address, B256, U256};
use masa_prover::{ProverError, delivery::DeliveryError};

/// Why a pass operation failed. Messages name the pass, the offer and the transaction; none holds
/// a record's values or a key.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest has no `AccessPasses` (or no MASA, or no terms modules).
    #[error(transparent)]
    Manifest(#[from] masa_bindings::Error),
    /// A read from the passes (or a token) failed.
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
    /// A delivery does not open (from the pools' delivery code, which passes share).
    #[error(transparent)]
    Delivery(#[from] pools::Error),
    /// No pass has this id.
    #[error("pass {pass} does not exist (passes are numbered from 1 to {count})")]
    UnknownPass {
        /// The id asked for.
        pass: U256,
        /// How many passes there are.
        count: U256,
    },
    /// An offer for another chain or passes contract than this deployment's.
    #[error(
        "the offer is for AccessPasses {passes} on chain {chain_id}, this deployment's is {expected} on chain {expected_chain_id}"
    )]
    OtherDeployment {
        /// The offer's contract.
        passes: Address,
        /// The offer's chain.
        chain_id: u64,
        /// This deployment's contract.
        expected: Address,
        /// This deployment's chain.
        expected_chain_id: u64,
    },
    /// The offer names another developer than the wallet.
    #[error("the offer is for developer {developer}, not this wallet {wallet}")]
    NotForWallet {
        /// The offer's developer.
        developer: Address,
        /// The wallet.
        wallet: Address,
    },
    /// The offer's purpose in words is not the purpose it signs.
    #[error(
        "the offer's purpose {purpose:?} is not the purpose it signs ({hash}): ask the owner for a new offer"
    )]
    PurposeMismatch {
        /// The words.
        purpose: String,
        /// The signed hash.
        hash: B256,
    },
    /// The offer does not parse.
    #[error("the offer does not parse: {0}")]
    OfferFile(String),
    /// An amount above the contract's `uint128`.
    #[error("{what} = {amount} is above the most a pass holds (2^128 - 1)")]
    AmountTooLarge {
        /// Which price.
        what: &'static str,
        /// The amount.
        amount: U256,
    },
    /// The offered record cannot be delivered until the pass's last delivery (the contract
    /// would refuse the offer at accept).
    #[error(
        "token {token}'s record {why}, before the pass's last delivery at {last_delivery} (its validity plus the delivery grace): offer a shorter validity or a live record"
    )]
    RecordUndeliverable {
        /// The token offered.
        token: U256,
        /// What stops it: revoked, out of its tree, or when it expires.
        why: String,
        /// The pass's last delivery time (`validUntil + DELIVERY_GRACE`).
        last_delivery: u64,
    },
    /// A developer's delivery key that is not one.
    #[error("the delivery key is not a Baby Jubjub key: {0}")]
    DeliveryKey(DeliveryError),
    /// Nothing to deliver.
    #[error(
        "pass {pass} has no use waiting for delivery ({delivered} of {requested} requested uses delivered)"
    )]
    NothingToDeliver {
        /// The pass.
        pass: U256,
        /// Uses delivered.
        delivered: u32,
        /// Uses requested.
        requested: u32,
    },
    /// The wallet does not own the pass's record.
    #[error("pass {pass} is {owner}'s record, not this wallet {wallet}'s")]
    NotOwner {
        /// The pass.
        pass: U256,
        /// Its owner.
        owner: Address,
        /// The wallet.
        wallet: Address,
    },
    /// A signature could not be made.
    #[error("cannot sign the offer: {0}")]
    Sign(String),
    /// The transaction did not emit the event that says what it did.
    #[error("transaction {tx_hash} emitted no {event}")]
    MissingEvent {
        /// The event.
        event: &'static str,
        /// The transaction.
        tx_hash: B256,
    },
}
