//! Parameters of the suite per network (`deployments/params/<network>.toml`): what the deployer
//! sets at deployment and governance may change later.

use crate::{Error, Result};
use alloy::primitives::Address;
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
    /// The fee router.
    pub fees: FeeParams,
    /// The zkSBT registry, its schemas and issuers.
    pub identity: IdentityParams,
}

/// zkSBT registry settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityParams {
    /// How many recent tree roots anonymous disclosures may use.
    pub root_window: u64,
    /// Schemas registered at deployment.
    #[serde(default)]
    pub schemas: Vec<SchemaParams>,
    /// Issuers registered at deployment.
    #[serde(default)]
    pub issuers: Vec<IssuerParams>,
}

/// A record schema.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaParams {
    /// Schema id (non-zero, below the BN254 scalar field).
    pub id: u64,
    /// Where the schema's fields are described.
    pub uri: String,
    /// Whether records may be minted without an issuer's attestation.
    pub self_attestable: bool,
}

/// An issuer and the schemas it may attest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerParams {
    /// The issuer's signing address.
    pub address: Address,
    /// Display name.
    pub name: String,
    /// Schema ids it may attest.
    pub schemas: Vec<u64>,
}

/// An address, or the manifest name of a contract of the suite (resolved once it is deployed).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum AddressRef {
    /// A fixed address.
    Address(Address),
    /// A suite contract, by manifest name (e.g. `TimelockController`).
    Contract(String),
}

impl AddressRef {
    /// The address, resolving contract names with `resolve`; `None` for an unknown name.
    pub fn resolve(&self, resolve: impl Fn(&str) -> Option<Address>) -> Option<Address> {
        match self {
            Self::Address(address) => Some(*address),
            Self::Contract(name) => resolve(name),
        }
    }
}

/// Fee router settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeParams {
    /// Where non-MASA fees are swapped.
    pub dex: Dex,
    /// Shares of every fee, in basis points summing to 10,000.
    pub shares: FeeShares,
    /// Who receives the distributed shares.
    pub recipients: FeeRecipients,
}

/// The Uniswap-V2-compatible exchange the fee router swaps through.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Dex {
    /// Deploy the real Uniswap V2 (factory, WETH9, router02) with the suite: devnets.
    Deploy(DeployDex),
    /// An existing router; `wrapped_native` absent where the native coin is not accepted (on
    /// the Masa subnet the native coin is MASA itself).
    Existing {
        /// The router.
        router: Address,
        /// The wrapped native coin.
        wrapped_native: Option<Address>,
    },
}

/// The exchanges the deployer can deploy itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum DeployDex {
    /// Uniswap V2 from its npm build artifacts.
    #[serde(rename = "deploy-uniswap-v2")]
    UniswapV2,
}

/// Fee shares in basis points (`IFeeRouter.Shares`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeShares {
    /// Burned.
    pub burn: u16,
    /// Oracle node rewards.
    pub oracle: u16,
    /// Validator rewards.
    pub validator: u16,
    /// Data-contributor rewards.
    pub contributor: u16,
    /// DAO treasury.
    pub treasury: u16,
}

/// Fee recipients (`IFeeRouter.Recipients`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeRecipients {
    /// Oracle node rewards.
    pub oracle_rewards: AddressRef,
    /// Validator rewards.
    pub validator_rewards: AddressRef,
    /// Data-contributor rewards.
    pub contributor_rewards: AddressRef,
    /// DAO treasury.
    pub treasury: AddressRef,
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
        assert_eq!(params.fees.dex, Dex::Deploy(DeployDex::UniswapV2));
        assert!(params.identity.root_window > 0);
        assert!(params.identity.schemas.iter().any(|s| s.self_attestable));
        let s = params.fees.shares;
        assert_eq!(
            u32::from(s.burn)
                + u32::from(s.oracle)
                + u32::from(s.validator)
                + u32::from(s.contributor)
                + u32::from(s.treasury),
            10_000
        );
        let timelock = Address::repeat_byte(1);
        let resolved = params
            .fees
            .recipients
            .treasury
            .resolve(|name| (name == "TimelockController").then_some(timelock));
        assert_eq!(resolved, Some(timelock));
    }
}
