//! The Foundry artifacts the bindings were generated from, embedded at build time, and the
//! compiler settings recorded in them (written into deployment manifests).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// A contract's Foundry artifact, embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct ContractArtifact {
    /// The contract name, as used in deployment manifests.
    pub name: &'static str,
    /// The Foundry artifact JSON.
    pub json: &'static str,
}

/// The artifact of the contract called `name`, among those bound in [`crate::contracts`].
pub fn artifact(name: &str) -> Option<ContractArtifact> {
    crate::contracts::ARTIFACTS.iter().find(|a| a.name == name).copied()
}

/// The compiler settings a contract was built with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompilerSettings {
    /// Full solc version, e.g. `0.8.30+commit.73712a01`.
    pub solc_version: String,
    /// Target EVM version (`cancun` for subnet-evm and opBNB).
    pub evm_version: String,
    /// Whether the optimizer ran.
    pub optimizer: bool,
    /// Optimizer runs.
    pub optimizer_runs: u64,
}

#[derive(Deserialize)]
struct Artifact {
    metadata: Metadata,
}

#[derive(Deserialize)]
struct Metadata {
    compiler: MetadataCompiler,
    settings: MetadataSettings,
}

#[derive(Deserialize)]
struct MetadataCompiler {
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetadataSettings {
    evm_version: String,
    optimizer: MetadataOptimizer,
}

#[derive(Deserialize)]
struct MetadataOptimizer {
    enabled: bool,
    runs: u64,
}

impl ContractArtifact {
    /// The compiler settings recorded in the artifact's metadata.
    pub fn compiler(&self) -> Result<CompilerSettings> {
        let artifact: Artifact = serde_json::from_str(self.json)
            .map_err(|source| Error::Artifact { contract: self.name, source })?;
        let Metadata { compiler, settings } = artifact.metadata;
        Ok(CompilerSettings {
            solc_version: compiler.version,
            evm_version: settings.evm_version,
            optimizer: settings.optimizer.enabled,
            optimizer_runs: settings.optimizer.runs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_is_built_for_cancun_with_one_compiler() {
        let first = crate::contracts::ARTIFACTS[0].compiler().unwrap();
        assert_eq!(first.evm_version, "cancun");
        assert!(first.solc_version.starts_with("0.8."), "{}", first.solc_version);
        assert!(first.optimizer);
        for artifact in crate::contracts::ARTIFACTS {
            assert_eq!(artifact.compiler().unwrap(), first, "{}", artifact.name);
        }
        assert_eq!(artifact("MasaToken").unwrap().name, "MasaToken");
        assert!(artifact("Nope").is_none());
    }
}
