//! Errors of the bindings crate.

use std::path::PathBuf;

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong reading artifacts, network definitions and manifests.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The manifest path.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A manifest file is not a valid manifest.
    #[error("manifest {path} is not a valid deployment manifest: {source}")]
    Parse {
        /// The manifest path.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The manifest has no deployment of the named contract.
    #[error("the {network} manifest (chain id {chain_id}) has no deployment of {contract}")]
    UnknownContract {
        /// The network named in the manifest.
        network: String,
        /// The chain id in the manifest.
        chain_id: u64,
        /// The contract asked for.
        contract: crate::Contract,
    },
    /// A TOML file (network definitions) is not valid.
    #[error("{path}: {source}")]
    Toml {
        /// The file path.
        path: PathBuf,
        /// The TOML error.
        source: toml::de::Error,
    },
    /// No network of that name is defined.
    #[error("unknown network {name} (known: {known})")]
    UnknownNetwork {
        /// The name asked for.
        name: String,
        /// The defined names, comma separated.
        known: String,
    },
    /// An embedded Foundry artifact lacks compiler metadata.
    #[error("artifact of {contract} has no usable compiler metadata: {source}")]
    Artifact {
        /// The contract name.
        contract: &'static str,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// A contract's creation code could not be linked with its libraries.
    #[error("cannot link {contract}: {reason}")]
    Link {
        /// The contract name.
        contract: &'static str,
        /// What is wrong.
        reason: String,
    },
}
