//! Where a command acts: an RPC endpoint and the manifest of the suite deployed behind it.

use alloy::providers::{Provider, ProviderBuilder};
use anyhow::{Context, Result, bail};
use masa_bindings::{manifest::Manifest, network::Networks};
use std::path::PathBuf;
use url::Url;

/// Options that pick the chain and the deployment a command works on.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// JSON-RPC endpoint (default: the network's `rpc_url` in networks.toml).
    #[arg(long, env = "MASA_RPC_URL")]
    pub rpc_url: Option<Url>,
    /// Network name from `<deployments>/networks.toml`; found from the chain id when omitted.
    #[arg(long)]
    pub network: Option<String>,
    /// Directory of network definitions and manifests.
    #[arg(long, default_value = "deployments", env = "MASA_DEPLOYMENTS")]
    pub deployments: PathBuf,
    /// Manifest path (default: `<deployments>/<network>.json`).
    #[arg(long)]
    pub manifest: Option<PathBuf>,
}

/// A resolved target.
#[derive(Debug, Clone)]
pub struct Target {
    /// The endpoint.
    pub rpc_url: Url,
    /// The deployment.
    pub manifest: Manifest,
}

impl TargetArgs {
    /// The RPC URL: `--rpc-url`, else the network's default.
    pub fn rpc_url(&self) -> Result<Url> {
        if let Some(url) = &self.rpc_url {
            return Ok(url.clone());
        }
        let Some(name) = &self.network else { bail!("give --rpc-url or --network") };
        let networks = Networks::load(&self.deployments)?;
        let url = networks
            .by_name(name)?
            .rpc_url
            .as_deref()
            .with_context(|| format!("network {name} has no rpc_url: pass --rpc-url"))?;
        url.parse().with_context(|| format!("network {name} has an invalid rpc_url {url}"))
    }

    /// Resolves the endpoint and loads the manifest of the chain it serves.
    pub async fn resolve(&self) -> Result<Target> {
        let rpc_url = self.rpc_url()?;
        let chain_id = ProviderBuilder::new()
            .connect_http(rpc_url.clone())
            .get_chain_id()
            .await
            .with_context(|| format!("cannot reach the RPC at {rpc_url}"))?;
        let path = match (&self.manifest, &self.network) {
            (Some(path), _) => path.clone(),
            (None, Some(name)) => self.deployments.join(format!("{name}.json")),
            (None, None) => {
                let networks = Networks::load(&self.deployments)?;
                let name = networks
                    .by_chain_id(chain_id)
                    .map_or_else(|| format!("chain-{chain_id}"), |n| n.name.clone());
                self.deployments.join(format!("{name}.json"))
            }
        };
        let manifest = Manifest::load(&path)?;
        if manifest.chain_id != chain_id {
            bail!(
                "manifest {} is for chain id {}, but the RPC at {rpc_url} serves chain id {chain_id}",
                path.display(),
                manifest.chain_id
            );
        }
        Ok(Target { rpc_url, manifest })
    }
}
