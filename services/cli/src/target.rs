//! `--rpc-url`, `--network`, `--deployments`, `--manifest`: where a command acts (resolved by
//! [`masa_sdk::target`]).

use crate::error::Result;
use masa_sdk::target::{Target, TargetSpec};
use std::path::PathBuf;
use url::Url;

/// Options that pick the chain and the deployment a command works on.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// JSON-RPC endpoint (default: the network's `rpc_url` in networks.toml; without
    /// `--network`, the local devnet's when `masa devnet` runs).
    #[arg(long, env = "MASA_RPC_URL")]
    pub rpc_url: Option<Url>,
    /// Network name from `<deployments>/networks.toml`; found from the chain id when omitted.
    #[arg(long, env = "MASA_NETWORK")]
    pub network: Option<String>,
    /// Directory of network definitions, parameters and manifests.
    #[arg(long, default_value = "deployments", env = "MASA_DEPLOYMENTS")]
    pub deployments: PathBuf,
    /// Manifest path (default: `<deployments>/<network>.json`).
    #[arg(long)]
    pub manifest: Option<PathBuf>,
}

impl TargetArgs {
    /// The options as the sdk takes them.
    pub fn spec(&self) -> TargetSpec {
        TargetSpec {
            rpc_url: self.rpc_url.clone(),
            network: self.network.clone(),
            deployments: self.deployments.clone(),
            manifest: self.manifest.clone(),
        }
    }

    /// The RPC URL: `--rpc-url`, else the network's default.
    pub fn rpc_url(&self) -> Result<Url> {
        Ok(self.spec().rpc_url()?)
    }

    /// Resolves the endpoint and loads the manifest of the chain it serves.
    pub async fn resolve(&self) -> Result<Target> {
        Ok(self.spec().resolve().await?)
    }
}
