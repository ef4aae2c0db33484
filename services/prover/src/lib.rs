#![doc = include_str!("../README.md")]

pub mod calldata;
pub mod circuit;
pub mod delivery;
pub mod encryption;
pub mod field;
#[cfg(target_arch = "x86_64")]
mod field8;
pub mod groth16;
pub mod inputs;
pub mod keys;
pub mod merkle;
pub mod msm;
mod native_field;
pub mod poseidon;
pub mod proof;
pub mod prover;
pub mod qap;
pub mod record;
pub mod statement;
pub mod verifier;
pub mod witness;

pub use circuit::Circuit;
pub use delivery::{DeliveryPublicInputs, DeliveryRequest, open_delivery};
pub use inputs::{PublicInputs, PublicSignals};
pub use proof::{CircuitProof, DeliveryProof, DisclosureProof, Timings};
pub use prover::Prover;

use std::path::{Path, PathBuf};

/// Default artifact locations, relative to the repository root.
pub mod paths {
    /// The circuit's constraint system.
    pub const R1CS: &str = "circuits/build/disclosure.r1cs";
    /// The circuit's witness code.
    pub const WASM: &str = "circuits/build/disclosure_js/disclosure.wasm";
    /// The proving key in the fast format.
    pub const KEY: &str = "circuits/build/disclosure.key";
    /// The generated Solidity verifier (committed).
    pub const VERIFIER: &str = "contracts/src/identity/generated/DisclosureVerifier.sol";
    /// The seed of the development setup (both circuits).
    pub const DEV_SEED: u64 = 0x4d41_5341; // "MASA"
    /// The delivery circuit's constraint system.
    pub const DELIVERY_R1CS: &str = "circuits/build/delivery.r1cs";
    /// The delivery circuit's signal names (circom's `.sym`).
    pub const DELIVERY_SYM: &str = "circuits/build/delivery.sym";
    /// The delivery circuit's witness code.
    pub const DELIVERY_WASM: &str = "circuits/build/delivery_js/delivery.wasm";
    /// The delivery circuit's proving key in the fast format.
    pub const DELIVERY_KEY: &str = "circuits/build/delivery.key";
    /// The delivery circuit's generated Solidity verifier (committed).
    pub const DELIVERY_VERIFIER: &str = "contracts/src/pools/generated/DeliveryVerifier.sol";
}

/// Everything that can go wrong while proving.
#[derive(Debug, thiserror::Error)]
pub enum ProverError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key problem (missing, corrupt, for another circuit).
    #[error("{0}")]
    Key(String),
    /// The witness could not be computed.
    #[error("witness: {0}")]
    Witness(String),
    /// Groth16 proving failed.
    #[error("proving: {0}")]
    Prove(String),
    /// The prover's inputs are inconsistent.
    #[error("{0}")]
    Input(String),
    /// The statement cannot be proven about the record.
    #[error(transparent)]
    Statement(#[from] statement::StatementError),
    /// A number is not a field element.
    #[error(transparent)]
    NotInField(#[from] field::NotInField),
    /// A record could not be decrypted, or does not match its token.
    #[error("{0}")]
    Decrypt(String),
    /// A sealed record says another schema than its token's on-chain record.
    #[error(
        "the sealed record's schema {sealed} differs from its token's on-chain schema {on_chain}: do not trust it"
    )]
    SchemaMismatch {
        /// The schema in the ciphertext.
        sealed: alloy::primitives::U256,
        /// The token's schema, as the registry checked it at mint.
        on_chain: alloy::primitives::U256,
    },
    /// A shared record's contents do not hash to its token's commitment.
    #[error(
        "the shared record's commitment {shared:#x} is not its token's on-chain commitment {on_chain:#x}: do not trust it"
    )]
    CommitmentMismatch {
        /// The commitment of the shared contents.
        shared: alloy::primitives::U256,
        /// The token's commitment.
        on_chain: alloy::primitives::U256,
    },
    /// A delivery's keys, nonce or ciphertext are invalid.
    #[error(transparent)]
    Delivery(#[from] delivery::DeliveryError),
    /// The prover, key or file is for another circuit than the operation's.
    #[error("{what} is for the {found} circuit, not the {expected} circuit")]
    WrongCircuit {
        /// What was given (a key, a proof file).
        what: &'static str,
        /// Its circuit.
        found: Circuit,
        /// The circuit the operation needs.
        expected: Circuit,
    },
    /// A proof's words (calldata, snarkjs JSON) are malformed.
    #[error("{0}")]
    Calldata(String),
}

impl ProverError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_owned(), source }
    }
}
