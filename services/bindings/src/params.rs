//! Parameters of the suite per network (`deployments/params/<network>.toml`): what the deployer
//! sets at deployment and governance may change later.

use crate::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Everything the deployer needs beyond the chain itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteParams {
    /// DAO governor and timelock settings.
    pub governance: GovernanceParams,
}

/// Governor and timelock settings; durations in seconds (MASA votes use a timestamp clock).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GovernanceParams {
    /// Seconds from proposal to the vote snapshot and start.
    pub voting_delay: u64,
    /// Seconds a vote stays open.
    pub voting_period: u32,
    /// Whole MASA of votes needed to propose.
    pub proposal_threshold_masa: u64,
    /// Quorum, in percent of the past total supply.
    pub quorum_percent: u64,
    /// Seconds of voting guaranteed after quorum is reached (late-quorum protection).
    pub vote_extension: u64,
    /// Seconds between a passed proposal being queued and becoming executable.
    pub timelock_min_delay: u64,
}

impl SuiteParams {
    /// Path of the parameters of `network` in the deployments directory.
    pub fn path(deployments_dir: impl AsRef<Path>, network: &str) -> PathBuf {
        deployments_dir.as_ref().join("params").join(format!("{network}.toml"))
    }

    /// Reads the parameters file at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        toml::from_str(&text).map_err(|source| Error::Toml { path: path.to_path_buf(), source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anvil_parameters_parse() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deployments");
        let params = SuiteParams::load(SuiteParams::path(dir, "anvil")).unwrap();
        assert_eq!(params.governance.quorum_percent, 4);
        assert!(params.governance.voting_period > 0);
    }
}
