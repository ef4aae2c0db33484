//! Why a `masa` command failed: the sdk's errors, and the command line's own (bad input, files,
//! the terminal). `main` prints one line, `error: <message>`, and exits with status 1.

use masa_sdk::{
    dataset, deploy, devnet, fees, indexer, oracle, passes, pools, target, vesting, wallet, zksbt,
};
use std::path::PathBuf;

/// The result of a command.
pub type Result<T, E = CliError> = std::result::Result<T, E>;

/// Why a `masa` command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// An argument is wrong in a way clap cannot see (a set too large, a bad key).
    #[error("{0}")]
    Input(String),
    /// The target cannot be resolved (no endpoint, unreachable RPC, manifest for another chain).
    #[error(transparent)]
    Target(Box<target::Error>),
    /// The signing key cannot be loaded.
    #[error("{}", wallet_message(.0))]
    Wallet(#[from] wallet::Error),
    /// The deployment failed.
    #[error(transparent)]
    Deploy(Box<deploy::Error>),
    /// The devnet failed.
    #[error(transparent)]
    Devnet(Box<devnet::Error>),
    /// A zkSBT operation failed.
    #[error(transparent)]
    ZkSbt(Box<zksbt::Error>),
    /// A vesting report or release failed.
    #[error(transparent)]
    Vesting(Box<vesting::Error>),
    /// A fee quote or payment failed.
    #[error(transparent)]
    Fees(Box<fees::Error>),
    /// A pool operation failed.
    #[error(transparent)]
    Pools(Box<pools::Error>),
    /// A pass operation failed.
    #[error(transparent)]
    Passes(Box<passes::Error>),
    /// An oracle network operation failed.
    #[error(transparent)]
    Oracle(Box<oracle::Error>),
    /// The indexer could not be read.
    #[error(transparent)]
    Indexer(Box<indexer::Error>),
    /// A dataset could not be written.
    #[error(transparent)]
    Dataset(Box<dataset::DatasetError>),
    /// Records were listed, but some are refused.
    #[error("refusing records sealed under another schema than their token's: {0}")]
    Refused(String),
    /// A file cannot be read or written.
    #[error("cannot {action} {path}: {source}")]
    File {
        /// `read`, `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The terminal or a signal handler failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
}

// The sdk's errors are boxed: a `Result` of this crate stays small.
macro_rules! boxed_from {
    ($($variant:ident($error:ty)),* $(,)?) => {$(
        impl From<$error> for CliError {
            fn from(err: $error) -> Self {
                Self::$variant(Box::new(err))
            }
        }
    )*};
}

boxed_from!(
    Target(target::Error),
    Deploy(deploy::Error),
    Devnet(devnet::Error),
    ZkSbt(zksbt::Error),
    Vesting(vesting::Error),
    Fees(fees::Error),
    Pools(pools::Error),
    Passes(passes::Error),
    Oracle(oracle::Error),
    Dataset(dataset::DatasetError),
    Indexer(indexer::Error),
);

/// The wallet's error in the words of the command line (a bad key names its flag).
fn wallet_message(err: &wallet::Error) -> String {
    match err {
        wallet::Error::BadPrivateKey => "--private-key is not a valid secp256k1 private key".to_owned(),
        other => other.to_string(),
    }
}

impl CliError {
    /// The one line `main` prints after `error: ` (newlines of nested messages folded).
    pub fn line(&self) -> String {
        self.to_string().replace('\n', " ")
    }
}
