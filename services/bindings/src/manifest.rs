//! The deployment manifest: the one place that records where a network's contracts live.
//!
//! `masa deploy` writes `deployments/<network>.json`; services (indexer, oracle) and tests read
//! it. It is written atomically (a temporary file renamed over the old one), so a failed or
//! interrupted deployment never leaves a partial manifest behind.

use crate::{Contract, Error, Result, artifacts::CompilerSettings};
use alloy::primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};
use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
};

/// Every contract deployed on one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    /// Network name (`anvil`, `masa-subnet`, `fuji`, `opbnb-testnet`, ...).
    pub network: String,
    /// EIP-155 chain id the contracts live on.
    pub chain_id: u64,
    /// The account that deployed the suite.
    pub deployer: Address,
    /// Compiler settings of the deployed bytecode.
    pub compiler: CompilerSettings,
    /// Deployments by contract name.
    pub contracts: BTreeMap<String, Deployment>,
    /// The vesting wallets the genesis distribution created, in distribution order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vesting_wallets: Vec<VestingWallet>,
}

/// A vesting wallet created by the genesis distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VestingWallet {
    /// The allocation category (`IMasaGenesis.Category` index).
    pub category: u8,
    /// The beneficiary at genesis.
    pub beneficiary: Address,
    /// The wallet (an EIP-1167 clone of `MasaVestingWallet`).
    pub wallet: Address,
    /// Its allocation, in wei.
    pub amount: U256,
}

/// One deployed contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deployment {
    /// Contract address.
    pub address: Address,
    /// Hash of the creation transaction.
    pub tx_hash: B256,
    /// Block that included the creation transaction (indexers start here).
    pub block_number: u64,
    /// Hash of that block (lets a reader notice the deployment was reorged away).
    pub block_hash: B256,
    /// keccak256 of the deployed runtime code.
    pub code_hash: B256,
    /// ABI-encoded constructor arguments.
    pub constructor_args: Bytes,
}

impl Manifest {
    /// Reads a manifest from `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        serde_json::from_str(&text).map_err(|source| Error::Parse { path: path.to_path_buf(), source })
    }

    /// Reads the manifest at `path` if the file exists.
    pub fn load_if_exists(path: impl AsRef<Path>) -> Result<Option<Self>> {
        let path = path.as_ref();
        match std::fs::metadata(path) {
            Ok(_) => Self::load(path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path: path.to_path_buf(), source }),
        }
    }

    /// Writes the manifest to `path` atomically: readers see the old file or the new one,
    /// never a partial one.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let mut file = tempfile::NamedTempFile::new_in(&dir).map_err(io)?;
        let mut json = serde_json::to_string_pretty(self).expect("a manifest always serializes");
        json.push('\n');
        file.write_all(json.as_bytes()).map_err(io)?;
        file.as_file().sync_all().map_err(io)?;
        file.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// The deployment of `contract`.
    pub fn deployment(&self, contract: Contract) -> Result<&Deployment> {
        self.contracts.get(contract.name()).ok_or_else(|| Error::UnknownContract {
            network: self.network.clone(),
            chain_id: self.chain_id,
            contract,
        })
    }

    /// The address of `contract`.
    pub fn address_of(&self, contract: Contract) -> Result<Address> {
        self.deployment(contract).map(|d| d.address)
    }

    /// The first block any contract of the suite was deployed in: where indexers start.
    pub fn start_block(&self) -> Option<u64> {
        self.contracts.values().map(|d| d.block_number).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{address, b256};

    fn sample() -> Manifest {
        let deployment = Deployment {
            address: address!("5FbDB2315678afecb367f032d93F642f64180aa3"),
            tx_hash: b256!("0x1111111111111111111111111111111111111111111111111111111111111111"),
            block_number: 7,
            block_hash: b256!("0x2222222222222222222222222222222222222222222222222222222222222222"),
            code_hash: b256!("0x3333333333333333333333333333333333333333333333333333333333333333"),
            constructor_args: Bytes::from_static(&[1, 2, 3]),
        };
        Manifest {
            network: "anvil".into(),
            chain_id: 31337,
            deployer: address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
            compiler: CompilerSettings {
                solc_version: "0.8.30+commit.73712a01".into(),
                evm_version: "cancun".into(),
                optimizer: true,
                optimizer_runs: 10_000,
            },
            contracts: BTreeMap::from([("MasaToken".to_owned(), deployment)]),
            vesting_wallets: vec![VestingWallet {
                category: 6,
                beneficiary: address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
                wallet: address!("00000000000000000000000000000000000000AA"),
                amount: U256::from(311_080_041u64),
            }],
        }
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/anvil.json");
        let manifest = sample();
        manifest.save(&path).unwrap();
        assert_eq!(Manifest::load(&path).unwrap(), manifest);
        assert_eq!(manifest.start_block(), Some(7));
        // only the manifest itself is left in the directory: no temporary files
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn missing_manifest_is_none_and_unknown_contract_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::load_if_exists(dir.path().join("none.json")).unwrap(), None);
        let err = sample().address_of(Contract::ZkSBT).unwrap_err();
        assert_eq!(err.to_string(), "the anvil manifest (chain id 31337) has no deployment of ZkSBT");
    }

    #[test]
    fn rejects_malformed_manifests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        std::fs::write(&path, r#"{"network":"anvil"}"#).unwrap();
        let err = Manifest::load(&path).unwrap_err();
        assert!(matches!(err, Error::Parse { .. }), "{err}");
    }
}
