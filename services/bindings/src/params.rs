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
    /// The genesis distribution of the supply.
    pub genesis: GenesisParams,
}

/// The genesis distribution: reference events of the vesting schedules and the table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisParams {
    /// The public sale.
    pub public_sale: Timepoint,
    /// The exchange listing.
    pub listing: Timepoint,
    /// The oracle network's launch.
    pub oracle_launch: Timepoint,
    /// The allocation table, relative to the deployments directory.
    pub allocations: PathBuf,
}

/// A moment in time: fixed, or relative to the deployment (for devnets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Timepoint {
    /// Unix seconds.
    Unix(u64),
    /// Seconds after the timestamp of the block the deployment starts at.
    AfterDeploy {
        /// The offset in seconds.
        after_deploy: u64,
    },
}

impl Timepoint {
    /// Unix seconds, given the deployment's starting block timestamp.
    pub const fn resolve(self, deploy_time: u64) -> u64 {
        match self {
            Self::Unix(t) => t,
            Self::AfterDeploy { after_deploy } => deploy_time + after_deploy,
        }
    }
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
        assert_eq!(params.genesis.listing.resolve(1_000), 1_000);
        assert_eq!(Timepoint::Unix(7).resolve(1_000), 7);
        assert!(Path::new(dir).join(&params.genesis.allocations).exists());
    }
}
