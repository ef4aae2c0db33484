//! The local devnet: anvil (from npm `@foundry-rs/anvil`) with the suite deployed.
//!
//! [`anvil_binary`] finds the native binary that package installs, so signals and kills reach
//! anvil itself rather than a node wrapper.

use crate::{
    deploy::{self, DeployConfig, DeployReport},
    target::DEVNET,
};
use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    signers::local::PrivateKeySigner,
};
use std::{
    path::{Path, PathBuf},
    time::Duration,
};

/// Chain id of the local devnet (anvil's default; `deployments/networks.toml` says the same).
pub const DEVNET_CHAIN_ID: u64 = 31337;

/// Why the devnet cannot start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No anvil build for this platform.
    #[error("no anvil build for {os}/{arch}: set MASA_ANVIL")]
    Platform {
        /// The OS.
        os: &'static str,
        /// The CPU architecture.
        arch: &'static str,
    },
    /// anvil is not installed.
    #[error("anvil not found under {0}/node_modules: run `make setup` (npm ci) or set MASA_ANVIL")]
    NotFound(PathBuf),
    /// anvil did not start.
    #[error("cannot start {binary}: {reason}")]
    Spawn {
        /// The binary.
        binary: PathBuf,
        /// Why.
        reason: String,
    },
    /// The suite could not be deployed on it.
    #[error("deploying the suite on the devnet: {0}")]
    Deploy(Box<deploy::Error>),
}

/// Locates anvil: `$MASA_ANVIL`, else the native binary from `node_modules` under `root` (or one
/// of its ancestors), else the npm wrapper.
pub fn anvil_binary(root: &Path) -> Result<PathBuf, Error> {
    if let Some(path) = std::env::var_os("MASA_ANVIL") {
        return Ok(PathBuf::from(path));
    }
    let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "linux-amd64",
        ("linux", "aarch64") => "linux-arm64",
        ("macos", "x86_64") => "darwin-amd64",
        ("macos", "aarch64") => "darwin-arm64",
        (os, arch) => return Err(Error::Platform { os, arch }),
    };
    for dir in root.ancestors() {
        let modules = dir.join("node_modules");
        for candidate in
            [modules.join(format!("@foundry-rs/anvil-{platform}/bin/anvil")), modules.join(".bin/anvil")]
        {
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(Error::NotFound(root.to_path_buf()))
}

/// Starts anvil (Cancun rules, chain id [`DEVNET_CHAIN_ID`]) on `port`; 0 picks a free port.
/// The process is killed when the returned instance is dropped.
///
/// `states_kept`: keep at most this many past states, in memory only. Without it anvil writes
/// older states under `~/.foundry/anvil/tmp`, which a killed anvil never removes (hundreds of
/// megabytes per test chain): processes that kill anvil (tests, benchmarks) pass a bound.
pub fn spawn_anvil(
    binary: &Path,
    port: u16,
    block_time: Option<u64>,
    states_kept: Option<u32>,
) -> Result<AnvilInstance, Error> {
    let mut anvil = Anvil::at(binary).port(port).chain_id(DEVNET_CHAIN_ID).args(["--hardfork", "cancun"]);
    if let Some(secs) = block_time {
        anvil = anvil.block_time(secs);
    }
    if let Some(states) = states_kept {
        anvil = anvil.args(["--prune-history".to_owned(), states.to_string()]);
    }
    anvil.try_spawn().map_err(|e| Error::Spawn { binary: binary.to_path_buf(), reason: e.to_string() })
}

/// A running devnet: anvil, and the suite deployed on it by dev account 0.
#[derive(Debug)]
pub struct Devnet {
    /// The anvil process (killed on drop).
    pub anvil: AnvilInstance,
    /// The deployment, recorded in `<deployments>/anvil.json`.
    pub report: DeployReport,
}

impl Devnet {
    /// Starts anvil from `binary` and deploys the suite with the `anvil` parameters of
    /// `deployments`.
    pub async fn start(
        binary: &Path,
        port: u16,
        block_time: Option<u64>,
        deployments: &Path,
    ) -> Result<Self, Error> {
        let anvil = spawn_anvil(binary, port, block_time, None)?;
        let signer = PrivateKeySigner::from(anvil.first_key().clone());
        let config = DeployConfig {
            rpc_url: anvil.endpoint_url(),
            network: Some(DEVNET.into()),
            deployments: deployments.to_path_buf(),
            manifest: None,
            params: None,
            timeout: Duration::from_secs(30),
        };
        let report = deploy::deploy(&config, signer).await.map_err(|e| Error::Deploy(Box::new(e)))?;
        Ok(Self { anvil, report })
    }
}
