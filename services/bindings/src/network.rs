//! Network definitions (`deployments/networks.toml`): chain id, default RPC, finality depth.

use crate::{Error, Result};
use serde::Deserialize;
use std::{collections::BTreeMap, path::Path};

/// File name of the network definitions inside the deployments directory.
pub const NETWORKS_FILE: &str = "networks.toml";

/// One network the suite can be deployed to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Name of the network (the table key), also the manifest file stem.
    #[serde(skip)]
    pub name: String,
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Default JSON-RPC endpoint.
    pub rpc_url: Option<String>,
    /// Blocks behind the head after which a block is final.
    pub finality_depth: u64,
    /// Symbol of the chain's native coin.
    pub native_currency: String,
}

/// Every network definition, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Networks(BTreeMap<String, Network>);

impl Networks {
    /// Reads `networks.toml` from the deployments directory.
    pub fn load(deployments_dir: impl AsRef<Path>) -> Result<Self> {
        let path = deployments_dir.as_ref().join(NETWORKS_FILE);
        let text =
            std::fs::read_to_string(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        Self::parse(&text).map_err(|source| Error::Toml { path, source })
    }

    /// Parses network definitions from TOML text.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        let mut networks: BTreeMap<String, Network> = toml::from_str(text)?;
        for (name, network) in &mut networks {
            network.name.clone_from(name);
        }
        Ok(Self(networks))
    }

    /// The network called `name`.
    pub fn by_name(&self, name: &str) -> Result<&Network> {
        self.0.get(name).ok_or_else(|| Error::UnknownNetwork {
            name: name.to_owned(),
            known: self.0.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    /// The network with chain id `chain_id`, if one is defined.
    pub fn by_chain_id(&self, chain_id: u64) -> Option<&Network> {
        self.0.values().find(|n| n.chain_id == chain_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_networks_parse() {
        let networks = Networks::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deployments")).unwrap();
        let anvil = networks.by_name("anvil").unwrap();
        assert_eq!((anvil.name.as_str(), anvil.chain_id), ("anvil", 31337));
        assert_eq!(networks.by_chain_id(43113).unwrap().name, "fuji");
        let err = networks.by_name("mainnet").unwrap_err().to_string();
        assert!(err.starts_with("unknown network mainnet (known: anvil, fuji"), "{err}");
    }

    #[test]
    fn rejects_unknown_keys() {
        let err =
            Networks::parse("[x]\nchain_id = 1\nfinality_depth = 0\nnative_currency = \"E\"\ntypo = 1\n");
        assert!(err.is_err());
    }
}
