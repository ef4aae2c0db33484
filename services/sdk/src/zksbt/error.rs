//! Why a zkSBT operation failed.

use crate::tx::{self, Call};
use alloy::primitives::{Address, B256, U256};
use masa_prover::{ProverError, merkle::TreeError};
use std::path::PathBuf;

/// Why a zkSBT operation failed. Messages name the token, the wallet, the file or the
/// transaction; none holds the owner secret or a record's values.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest has no registry or no MASA.
    #[error(transparent)]
    Manifest(#[from] masa_bindings::Error),
    /// A read from the registry (or MASA) failed.
    #[error(transparent)]
    Read(#[from] tx::ReadError),
    /// `eth_getLogs` or a block query failed.
    #[error(transparent)]
    Rpc(#[from] tx::RpcError),
    /// A transaction did not go through.
    #[error(transparent)]
    Tx(#[from] tx::Error),
    /// The token has no record (never minted, or burned).
    #[error("zkSBT {token} does not exist: {reason}")]
    NoSuchToken {
        /// The token.
        token: U256,
        /// The registry's refusal (`ERC721NonexistentToken(7)`) or the transport error.
        reason: String,
    },
    /// The token belongs to another wallet.
    #[error("zkSBT {token} belongs to {owner}, not to the wallet {wallet}")]
    NotOwner {
        /// The token.
        token: U256,
        /// Its owner.
        owner: Address,
        /// The wallet.
        wallet: Address,
    },
    /// A self-attested record has no issuer to revoke it.
    #[error("zkSBT {token} is self-attested: no issuer can revoke it (its owner burns it)")]
    SelfAttested {
        /// The token.
        token: U256,
    },
    /// Only a record's issuer revokes it.
    #[error("zkSBT {token} was attested by {issuer}, not by the wallet {wallet}: only its issuer revokes it")]
    NotIssuer {
        /// The token.
        token: U256,
        /// Its issuer.
        issuer: Address,
        /// The wallet.
        wallet: Address,
    },
    /// The token's leaf was already removed.
    #[error("zkSBT {token}'s leaf is already out of its tree")]
    NotInTree {
        /// The token.
        token: U256,
    },
    /// The token has not expired.
    #[error("zkSBT {token} has not expired (expiry {expiry}, latest block {now})")]
    NotExpired {
        /// The token.
        token: U256,
        /// Its expiry (0: never).
        expiry: u64,
        /// The latest block's timestamp.
        now: u64,
    },
    /// A removed record cannot be proven.
    #[error("zkSBT {token}'s leaf is no longer in its tree (revoked or expired): it cannot be proven")]
    NotProvable {
        /// The token.
        token: U256,
    },
    /// The record does not open to the leaf the tree holds.
    #[error(
        "zkSBT {token}'s leaf is not at index {index} of tree {tree}: the record does not match the chain"
    )]
    LeafMismatch {
        /// The token.
        token: U256,
        /// Its leaf index.
        index: u32,
        /// Its tree.
        tree: u32,
    },
    /// The wallet's identity on the registry is not the one its key derives.
    #[error(
        "the wallet {wallet}'s registered identity {registered:#x} is not the one derived from its key ({derived:#x}): \
         its records were minted by another client and cannot be proven from here"
    )]
    IdentityMismatch {
        /// The wallet.
        wallet: Address,
        /// Its identity on the registry.
        registered: U256,
        /// The identity its key derives.
        derived: U256,
    },
    /// The attestation is for another record.
    #[error("the attestation by {issuer} is for commitment {attested:#x}, not this record's {commitment:#x}")]
    AttestationMismatch {
        /// The issuer.
        issuer: Address,
        /// The attested commitment.
        attested: U256,
        /// The record's.
        commitment: U256,
    },
    /// A transaction succeeded without the event it must emit.
    #[error("{call} in transaction {tx_hash} emitted no {event} event")]
    MissingEvent {
        /// The call.
        call: Call,
        /// The transaction.
        tx_hash: B256,
        /// The event.
        event: &'static str,
    },
    /// The tree rebuilt from the registry's events is not the registry's.
    #[error("tree {tree}: {reason}")]
    Tree {
        /// The tree.
        tree: u32,
        /// What does not match.
        reason: String,
    },
    /// A tree operation failed.
    #[error("tree {tree}: {source}")]
    TreeIndex {
        /// The tree.
        tree: u32,
        /// Why.
        source: TreeError,
    },
    /// The registry does not accept a disclosure.
    #[error("the registry does not accept this disclosure from {consumer}: {reason}")]
    DisclosureRefused {
        /// The consumer.
        consumer: Address,
        /// The registry's reason.
        reason: String,
    },
    /// The disclosure would be valid past the largest timestamp.
    #[error("a validity of {valid_secs} seconds is too large")]
    Validity {
        /// The seconds asked for.
        valid_secs: u64,
    },
    /// Only the consumer consumes a disclosure.
    #[error("consumeDisclosure is sent from the wallet {wallet}, which is not the consumer {consumer}")]
    NotConsumer {
        /// The wallet.
        wallet: Address,
        /// The consumer.
        consumer: Address,
    },
    /// A record has too many values.
    #[error("a record has {fields} fields, got {got} values")]
    TooManyValues {
        /// Fields of a record.
        fields: usize,
        /// Values given.
        got: usize,
    },
    /// A file exists where a private file would be created.
    #[error("{path} exists: refusing to overwrite it (delete it, or write elsewhere)")]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// A file cannot be read or written.
    #[error("cannot {action} {path}: {source}")]
    File {
        /// `read`, `write`, `create`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not what it should be.
    #[error("{path} is not a valid {what}: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// A record draft, an attestation.
        what: &'static str,
        /// The parse error.
        reason: String,
    },
    /// A draft written by an older client holds the owner secret.
    #[error(
        "{path} holds the wallet's owner secret (written by an older `masa sbt record`): delete it securely \
         and draft the record again; the secret is now re-derived from the wallet"
    )]
    DraftWithSecret {
        /// The file.
        path: PathBuf,
    },
    /// The draft is another wallet's.
    #[error("the record draft {path} is for {owner}, not for the wallet {wallet}")]
    DraftOwner {
        /// The file.
        path: PathBuf,
        /// The draft's owner.
        owner: Address,
        /// The wallet.
        wallet: Address,
    },
    /// The draft's commitment is not that of its contents.
    #[error(
        "the record draft {path}'s commitment {commitment:#x} is not that of its contents with this wallet's owner \
         secret: edited, or drafted with another wallet"
    )]
    DraftEdited {
        /// The file.
        path: PathBuf,
        /// The commitment it claims.
        commitment: U256,
    },
    /// A shared record does not match the token it is said to be from.
    #[error("the shared record does not match zkSBT {token}: {source}")]
    SharedMismatch {
        /// The token.
        token: U256,
        /// What differs.
        source: ProverError,
    },
    /// The wallet's record of a token claims another schema than the token's.
    #[error("zkSBT {token}: {source}")]
    SealedMismatch {
        /// The token.
        token: U256,
        /// What differs.
        source: ProverError,
    },
    /// Loading the prover failed.
    #[error("loading the prover (`make keys` makes the development key): {0}")]
    ProverLoad(ProverError),
    /// Proving, encryption or a statement failed.
    #[error(transparent)]
    Prover(#[from] ProverError),
    /// A record could not be signed.
    #[error("signing the {what}: {reason}")]
    Sign {
        /// A consent, an attestation.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

impl From<masa_prover::field::NotInField> for Error {
    fn from(err: masa_prover::field::NotInField) -> Self {
        Self::Prover(err.into())
    }
}

impl From<masa_prover::statement::StatementError> for Error {
    fn from(err: masa_prover::statement::StatementError) -> Self {
        Self::Prover(err.into())
    }
}
