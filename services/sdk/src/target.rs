//! Where a binary acts: an RPC endpoint, the network it serves, and the manifest of the suite
//! deployed there, resolved the same way for every binary.
//!
//! The endpoint is the one given, else the named network's `rpc_url`, else the local devnet's
//! when its manifest (`<deployments>/anvil.json`, written by `masa devnet`) exists. The manifest
//! is the one given, else `<deployments>/<network>.json`, the network being named or found by
//! the endpoint's chain id; it must be for the chain the endpoint serves.

use alloy::providers::{Provider, ProviderBuilder};
use masa_bindings::{
    manifest::Manifest,
    network::{Network, Networks},
};
use std::path::PathBuf;
use url::Url;

/// The network `masa devnet` runs.
pub const DEVNET: &str = "anvil";

/// What a binary was told about its target. With the `clap` feature it is the flags every
/// binary takes (`#[command(flatten)]`): `--rpc-url`, `--network`, `--deployments`, `--manifest`,
/// and the environment variables `MASA_RPC_URL`, `MASA_NETWORK`, `MASA_DEPLOYMENTS`.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
pub struct TargetSpec {
    /// JSON-RPC endpoint (default: the network's `rpc_url` in networks.toml; without
    /// `--network`, the local devnet's when `masa devnet` runs).
    #[cfg_attr(feature = "clap", arg(long, env = "MASA_RPC_URL"))]
    pub rpc_url: Option<Url>,
    /// Network name from `<deployments>/networks.toml`; found from the chain id when omitted.
    #[cfg_attr(feature = "clap", arg(long, env = "MASA_NETWORK"))]
    pub network: Option<String>,
    /// Directory of network definitions, parameters and manifests.
    #[cfg_attr(feature = "clap", arg(long, default_value = "deployments", env = "MASA_DEPLOYMENTS"))]
    pub deployments: PathBuf,
    /// Manifest path (default: `<deployments>/<network>.json`).
    #[cfg_attr(feature = "clap", arg(long))]
    pub manifest: Option<PathBuf>,
}

/// A resolved target.
#[derive(Debug, Clone)]
pub struct Target {
    /// The endpoint.
    pub rpc_url: Url,
    /// The chain id it serves.
    pub chain_id: u64,
    /// Its network definition, when `networks.toml` has one for that chain.
    pub network: Option<Network>,
    /// The deployment.
    pub manifest: Manifest,
}

impl Target {
    /// Blocks behind the head after which a block is final: the network's, else 0 (a chain
    /// without a definition is taken to be a development chain).
    pub fn finality_depth(&self) -> u64 {
        self.network.as_ref().map_or(0, |n| n.finality_depth)
    }
}

/// Why a target cannot be resolved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Neither an endpoint nor a network was given, and no local devnet runs.
    #[error("give --rpc-url or --network (no devnet manifest at {devnet}: `masa devnet` writes it)")]
    NoEndpoint {
        /// Where the devnet's manifest would be.
        devnet: PathBuf,
    },
    /// The network has no default endpoint.
    #[error("network {0} has no rpc_url: pass --rpc-url")]
    NoRpcUrl(String),
    /// The network's endpoint is not a URL.
    #[error("network {network} has an invalid rpc_url {url}")]
    BadRpcUrl {
        /// The network.
        network: String,
        /// What it says.
        url: String,
    },
    /// The endpoint did not answer.
    #[error("cannot reach the RPC at {url}: {reason}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// Why.
        reason: String,
    },
    /// The manifest is for another chain.
    #[error("manifest {path} is for chain id {manifest}, but the RPC at {url} serves chain id {rpc}")]
    WrongChain {
        /// The manifest.
        path: PathBuf,
        /// Its chain id.
        manifest: u64,
        /// The endpoint.
        url: String,
        /// The endpoint's chain id.
        rpc: u64,
    },
    /// Network definitions or the manifest cannot be read.
    #[error(transparent)]
    Bindings(#[from] masa_bindings::Error),
}

impl TargetSpec {
    /// The network the target names: the given one, else the devnet when its manifest exists.
    fn network_name(&self) -> Option<String> {
        self.network.clone().or_else(|| {
            (self.rpc_url.is_none() && self.deployments.join(format!("{DEVNET}.json")).exists())
                .then(|| DEVNET.to_owned())
        })
    }

    /// The RPC URL: the given one, else the network's default (see the module docs).
    pub fn rpc_url(&self) -> Result<Url, Error> {
        if let Some(url) = &self.rpc_url {
            return Ok(url.clone());
        }
        let Some(name) = self.network_name() else {
            return Err(Error::NoEndpoint { devnet: self.deployments.join(format!("{DEVNET}.json")) });
        };
        let networks = Networks::load(&self.deployments)?;
        let url = networks.by_name(&name)?.rpc_url.as_deref().ok_or_else(|| Error::NoRpcUrl(name.clone()))?;
        url.parse().map_err(|_| Error::BadRpcUrl { network: name, url: url.to_owned() })
    }

    /// Resolves the endpoint, asks its chain id, and loads the manifest of that chain.
    pub async fn resolve(&self) -> Result<Target, Error> {
        let rpc_url = self.rpc_url()?;
        let chain_id = ProviderBuilder::new()
            .connect_http(rpc_url.clone())
            .get_chain_id()
            .await
            .map_err(|e| Error::Unreachable { url: rpc_url.to_string(), reason: e.to_string() })?;
        let networks = Networks::load(&self.deployments).ok();
        let network = networks.as_ref().and_then(|n| n.by_chain_id(chain_id)).cloned();
        let path = match (&self.manifest, self.network_name()) {
            (Some(path), _) => path.clone(),
            (None, Some(name)) => self.deployments.join(format!("{name}.json")),
            (None, None) => {
                let name = network.as_ref().map_or_else(|| format!("chain-{chain_id}"), |n| n.name.clone());
                self.deployments.join(format!("{name}.json"))
            }
        };
        let manifest = Manifest::load(&path)?;
        if manifest.chain_id != chain_id {
            return Err(Error::WrongChain {
                path,
                manifest: manifest.chain_id,
                url: rpc_url.to_string(),
                rpc: chain_id,
            });
        }
        Ok(Target { rpc_url, chain_id, network, manifest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_endpoint_or_network_the_devnet_is_the_default_only_when_it_runs() {
        let dir = tempfile::tempdir().unwrap();
        let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deployments/networks.toml");
        std::fs::copy(repo, dir.path().join("networks.toml")).unwrap();
        let spec = TargetSpec { deployments: dir.path().to_path_buf(), ..TargetSpec::default() };
        let err = spec.rpc_url().unwrap_err().to_string();
        assert!(err.starts_with("give --rpc-url or --network (no devnet manifest at"), "{err}");
        std::fs::write(dir.path().join("anvil.json"), "{}").unwrap();
        assert_eq!(spec.rpc_url().unwrap().as_str(), "http://127.0.0.1:8545/");
        let given = TargetSpec { rpc_url: Some("http://10.0.0.1:9650/".parse().unwrap()), ..spec };
        assert_eq!(given.rpc_url().unwrap().as_str(), "http://10.0.0.1:9650/");
    }
}
