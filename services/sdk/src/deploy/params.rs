//! Parameters of the suite per network (`deployments/params/<network>.toml`): what the deployer
//! sets at deployment and governance may change later.

use super::Error;
use alloy::primitives::{
    Address, U256,
    utils::{ParseUnits, parse_units},
};
use serde::Deserialize;
use std::{
    ops::RangeInclusive,
    path::{Path, PathBuf},
};

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
    /// The data staking pools.
    pub pools: PoolsParams,
    /// The access passes and their terms modules.
    pub passes: PassesParams,
    /// The oracle nodes' stake and slashing.
    pub oracle: OracleParams,
}

/// Oracle node stake and slashing settings (`IOracleNodes.Params`); governance changes them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OracleParams {
    /// Least stake of an active node, in MASA (a decimal string).
    pub min_stake: String,
    /// Most stake of one node, in MASA.
    pub max_stake: String,
    /// Seconds from an unbond until the stake is claimable.
    pub unbonding_period_secs: u32,
    /// Seconds the unbonded stake stays claimable (then it is staked again).
    pub claim_window_secs: u32,
    /// Seconds a slashed node stays inactive.
    pub jail_period_secs: u32,
    /// MASA slashed for one equivocation.
    pub equivocation_penalty: String,
    /// Share of a reported slash paid to its reporter, in basis points (at most 5,000).
    pub reporter_share_bps: u16,
    /// Share of the rest burned, in basis points (the remainder goes to the treasury).
    pub burn_bps: u16,
    /// Most MASA slashable at once.
    pub slash_capacity: String,
    /// MASA of slashing capacity regained per second.
    pub refill_per_second: String,
    /// Receives the slashed MASA neither paid to a reporter nor burned (an address or a suite
    /// contract by name).
    pub treasury: AddressRef,
}

/// [`OracleParams`] as the contract takes them, the treasury aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OracleConfig {
    /// Least stake of an active node (wei).
    pub min_stake: U256,
    /// Most stake of one node (wei).
    pub max_stake: U256,
    /// Seconds from an unbond until the stake is claimable.
    pub unbonding_period_secs: u32,
    /// Seconds the unbonded stake stays claimable.
    pub claim_window_secs: u32,
    /// Seconds a slashed node stays inactive.
    pub jail_period_secs: u32,
    /// MASA slashed for one equivocation (wei).
    pub equivocation_penalty: U256,
    /// Reporter's share, basis points.
    pub reporter_share_bps: u16,
    /// Burned share of the rest, basis points.
    pub burn_bps: u16,
    /// Slashing capacity (wei).
    pub slash_capacity: U256,
    /// Capacity regained per second (wei).
    pub refill_per_second: U256,
}

impl OracleParams {
    /// The values in wei, checked against the contract's bounds (one readable line if not).
    pub fn config(&self) -> Result<OracleConfig, String> {
        let amount = |name, text: &str| masa_amount("oracle", name, text);
        let c = OracleConfig {
            min_stake: amount("min_stake", &self.min_stake)?,
            max_stake: amount("max_stake", &self.max_stake)?,
            unbonding_period_secs: self.unbonding_period_secs,
            claim_window_secs: self.claim_window_secs,
            jail_period_secs: self.jail_period_secs,
            equivocation_penalty: amount("equivocation_penalty", &self.equivocation_penalty)?,
            reporter_share_bps: self.reporter_share_bps,
            burn_bps: self.burn_bps,
            slash_capacity: amount("slash_capacity", &self.slash_capacity)?,
            refill_per_second: amount("refill_per_second", &self.refill_per_second)?,
        };
        let bad = |why: String| Err(format!("[oracle] {why}"));
        // the contract stores amounts in 96 bits (79 billion MASA: above the supply)
        let max96 = (U256::from(1) << 96) - U256::from(1);
        if [c.min_stake, c.max_stake, c.equivocation_penalty, c.slash_capacity, c.refill_per_second]
            .iter()
            .any(|&v| v > max96)
        {
            return bad("an amount is above the total supply".into());
        }
        if c.min_stake.is_zero() || c.min_stake > c.max_stake {
            return bad(format!("min_stake = {:?} must be above 0 and at most max_stake", self.min_stake));
        }
        if !(3_600..=90 * 86_400).contains(&c.unbonding_period_secs) {
            return bad("unbonding_period_secs must be within [3600, 7776000] (1 hour to 90 days)".into());
        }
        if !(3_600..=30 * 86_400).contains(&c.claim_window_secs) {
            return bad("claim_window_secs must be within [3600, 2592000] (1 hour to 30 days)".into());
        }
        if c.jail_period_secs > 365 * 86_400 {
            return bad("jail_period_secs must be at most 31536000 (365 days)".into());
        }
        if c.reporter_share_bps > 5_000 || c.burn_bps > 10_000 {
            return bad("reporter_share_bps must be at most 5000, burn_bps at most 10000".into());
        }
        if c.slash_capacity.is_zero() {
            return bad("slash_capacity must be above 0".into());
        }
        Ok(c)
    }
}

/// Data staking pool settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolsParams {
    /// Fee on every pool funding (creation and top-up), in basis points, paid through the fee
    /// router; at most [`MAX_CREATE_FEE_BPS`](Self::MAX_CREATE_FEE_BPS) (`DataPools`' bound).
    pub create_fee_bps: u16,
}

impl PoolsParams {
    /// `DataPools.MAX_CREATE_FEE_BPS`: 10%.
    pub const MAX_CREATE_FEE_BPS: u16 = 1_000;

    /// What is wrong with the parameters (one readable line), if anything.
    pub fn check(&self) -> Result<(), String> {
        if self.create_fee_bps > Self::MAX_CREATE_FEE_BPS {
            return Err(format!(
                "[pools] create_fee_bps = {} is above the contract's bound of {} (10%)",
                self.create_fee_bps,
                Self::MAX_CREATE_FEE_BPS
            ));
        }
        Ok(())
    }
}

/// Access pass settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassesParams {
    /// Fee on every pass payment (upfront and per use), in basis points, paid through the fee
    /// router; at most [`MAX_FEE_BPS`](Self::MAX_FEE_BPS) (`AccessPasses`' bound).
    pub fee_bps: u16,
    /// The deployment's `RateLimitTerms` rule: at most this many uses of a pass...
    pub rate_limit_uses: u32,
    /// ...per this many seconds.
    pub rate_limit_period_secs: u64,
}

impl PassesParams {
    /// `AccessPasses.MAX_FEE_BPS`: 10%.
    pub const MAX_FEE_BPS: u16 = 1_000;

    /// What is wrong with the parameters (one readable line), if anything.
    pub fn check(&self) -> Result<(), String> {
        if self.fee_bps > Self::MAX_FEE_BPS {
            return Err(format!(
                "[passes] fee_bps = {} is above the contract's bound of {} (10%)",
                self.fee_bps,
                Self::MAX_FEE_BPS
            ));
        }
        if self.rate_limit_uses == 0 || self.rate_limit_period_secs == 0 {
            return Err(format!(
                "[passes] rate_limit_uses = {} per rate_limit_period_secs = {}: both must be at least 1",
                self.rate_limit_uses, self.rate_limit_period_secs
            ));
        }
        Ok(())
    }
}

/// zkSBT registry settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityParams {
    /// Each of the registry's successive trees holds `2^tree_depth` leaves; in
    /// [`TREE_DEPTHS`](Self::TREE_DEPTHS) (the circuit proves paths of depth up to 20).
    /// Immutable after deployment.
    pub tree_depth: u8,
    /// Seconds a tree root stays accepted for anonymous disclosures after a later change of its
    /// tree replaced it; in [`ROOT_HISTORY_SECS`](Self::ROOT_HISTORY_SECS) (governance may change
    /// it within the same bounds).
    pub root_history_secs: u64,
    /// Fee of a self-attested mint, in MASA as a decimal string (`"1"`, `"0.5"`; up to 18
    /// decimals), paid by the account that sends the mint. Governance may change it.
    pub self_attested_mint_fee: String,
    /// Fee of an issuer-attested mint, in MASA as a decimal string. Governance may change it.
    pub attested_mint_fee: String,
    /// Schemas registered at deployment.
    #[serde(default)]
    pub schemas: Vec<SchemaParams>,
    /// Issuers registered at deployment.
    #[serde(default)]
    pub issuers: Vec<IssuerParams>,
}

/// The zkSBT registry's `Config` (constructor argument), from [`IdentityParams`], checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentityConfig {
    /// Leaves per tree: `2^tree_depth`.
    pub tree_depth: u8,
    /// Seconds a replaced root stays accepted.
    pub root_history: u64,
    /// Self-attested mint fee, in MASA wei.
    pub self_attested_mint_fee: U256,
    /// Attested mint fee, in MASA wei.
    pub attested_mint_fee: U256,
}

impl IdentityParams {
    /// Accepted `tree_depth` values (`ZkSBT`: 1..20; the circuit's depth is 20).
    pub const TREE_DEPTHS: RangeInclusive<u8> = 1..=20;
    /// Accepted `root_history_secs` (`ZkSBT.MIN_ROOT_HISTORY` 1 minute ..
    /// `MAX_ROOT_HISTORY` 1 day).
    pub const ROOT_HISTORY_SECS: RangeInclusive<u64> = 60..=86_400;

    /// The registry's configuration, or what is wrong with the parameters (one readable line).
    pub fn config(&self) -> Result<IdentityConfig, String> {
        if !Self::TREE_DEPTHS.contains(&self.tree_depth) {
            return Err(format!(
                "[identity] tree_depth = {} is out of range: a tree holds 2^tree_depth leaves, tree_depth in {}..={}",
                self.tree_depth,
                Self::TREE_DEPTHS.start(),
                Self::TREE_DEPTHS.end()
            ));
        }
        if !Self::ROOT_HISTORY_SECS.contains(&self.root_history_secs) {
            return Err(format!(
                "[identity] root_history_secs = {} is out of range: {}..={} seconds (1 minute to 1 day)",
                self.root_history_secs,
                Self::ROOT_HISTORY_SECS.start(),
                Self::ROOT_HISTORY_SECS.end()
            ));
        }
        for schema in &self.schemas {
            let mut names: Vec<&String> = schema.fields.iter().collect();
            names.sort();
            names.dedup();
            if schema.fields.len() > 8
                || names.len() != schema.fields.len()
                || names.iter().any(|n| n.is_empty())
            {
                return Err(format!(
                    "[identity.schemas] id {}: fields {:?} must be at most 8 distinct, non-empty names",
                    schema.id, schema.fields
                ));
            }
        }
        Ok(IdentityConfig {
            tree_depth: self.tree_depth,
            root_history: self.root_history_secs,
            self_attested_mint_fee: masa_amount(
                "identity",
                "self_attested_mint_fee",
                &self.self_attested_mint_fee,
            )?,
            attested_mint_fee: masa_amount("identity", "attested_mint_fee", &self.attested_mint_fee)?,
        })
    }
}

/// A MASA amount written as a decimal string (`"1"`, `"0.25"`, at most 18 decimals), in wei.
fn masa_amount(section: &str, name: &str, amount: &str) -> Result<U256, String> {
    let bad = |why: &str| format!("[{section}] {name} = {amount:?} is not a MASA amount: {why}");
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || (amount.contains('.') && fraction.is_empty())
    {
        return Err(bad("write a non-negative decimal number of MASA as a string, e.g. \"1\" or \"0.5\""));
    }
    if fraction.len() > 18 {
        return Err(bad("MASA has 18 decimals"));
    }
    match parse_units(amount, 18) {
        Ok(ParseUnits::U256(wei)) => Ok(wei),
        Ok(ParseUnits::I256(_)) => Err(bad("negative")),
        Err(e) => Err(bad(&e.to_string())),
    }
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
    /// The names of its first fields (at most 8, each once): the columns of the datasets
    /// `masa pool data` writes. Off-chain only; fields left unnamed are `field_<i>`.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Whether the oracle network's active nodes attest it (their keys are its issuers while
    /// their nodes are active; governance changes it with `setOracleSchema`).
    #[serde(default)]
    pub oracle_attested: bool,
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

    /// Reads the parameters file at `path` and checks the values the parser cannot (ranges,
    /// amounts), so a bad file fails before anything is sent.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let file = |reason: String| Error::File { path: path.to_path_buf(), reason };
        let text = std::fs::read_to_string(path).map_err(|e| file(e.to_string()))?;
        let params: Self = toml::from_str(&text).map_err(|e| file(e.to_string()))?;
        params.identity.config().map_err(|reason| Error::Params { path: path.to_path_buf(), reason })?;
        params.pools.check().map_err(|reason| Error::Params { path: path.to_path_buf(), reason })?;
        params.passes.check().map_err(|reason| Error::Params { path: path.to_path_buf(), reason })?;
        params.oracle.config().map_err(|reason| Error::Params { path: path.to_path_buf(), reason })?;
        Ok(params)
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
        let identity = params.identity.config().unwrap();
        assert_eq!((identity.tree_depth, identity.root_history), (20, 3_600));
        assert_eq!(identity.attested_mint_fee, U256::ZERO);
        assert!(params.identity.schemas.iter().any(|s| s.self_attestable));
        let credit = params.identity.schemas.iter().find(|s| s.id == 2).unwrap();
        assert_eq!(credit.fields, ["score", "scored_at", "country"]);
        let mut twice = params.identity.clone();
        twice.schemas[0].fields = vec!["a".into(), "a".into()];
        assert!(twice.config().unwrap_err().contains("at most 8 distinct"));
        assert_eq!(params.pools.check(), Ok(()));
        let too_high = PoolsParams { create_fee_bps: PoolsParams::MAX_CREATE_FEE_BPS + 1 };
        assert!(too_high.check().unwrap_err().starts_with("[pools] create_fee_bps = 1001 is above"));
        assert_eq!(params.passes.check(), Ok(()));
        let passes = |fee_bps, rate_limit_uses| PassesParams { fee_bps, rate_limit_uses, ..params.passes };
        assert!(passes(1_001, 1).check().unwrap_err().starts_with("[passes] fee_bps = 1001 is above"));
        assert!(passes(0, 0).check().unwrap_err().contains("both must be at least 1"));
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

    #[test]
    fn oracle_parameters_are_checked() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deployments");
        let params = SuiteParams::load(SuiteParams::path(dir, "anvil")).unwrap().oracle;
        assert_eq!(
            params.config().unwrap().min_stake,
            U256::from(10_000) * U256::from(10).pow(U256::from(18))
        );
        let with = |f: fn(&mut OracleParams)| {
            let mut p = params.clone();
            f(&mut p);
            p.config().unwrap_err()
        };
        assert!(with(|p| p.min_stake = "2000000".into()).contains("at most max_stake"), "min above max");
        assert!(
            with(|p| p.max_stake = "1e6".into())
                .starts_with("[oracle] max_stake = \"1e6\" is not a MASA amount")
        );
        assert!(with(|p| p.unbonding_period_secs = 60).contains("1 hour to 90 days"));
        assert!(with(|p| p.reporter_share_bps = 5_001).contains("at most 5000"));
        assert!(with(|p| p.slash_capacity = "0".into()).contains("above 0"));
    }

    #[test]
    fn identity_parameters_are_checked() {
        let base = IdentityParams {
            tree_depth: 20,
            root_history_secs: 3_600,
            self_attested_mint_fee: "1".into(),
            attested_mint_fee: "0.25".into(),
            schemas: vec![],
            issuers: vec![],
        };
        let config = base.config().unwrap();
        assert_eq!(config.self_attested_mint_fee, masa_bindings::MASA);
        assert_eq!(config.attested_mint_fee, masa_bindings::MASA / U256::from(4));
        let with = |f: fn(&mut IdentityParams)| {
            let mut p = base.clone();
            f(&mut p);
            p.config().unwrap_err()
        };
        assert!(with(|p| p.tree_depth = 0).contains("tree_depth = 0 is out of range"));
        assert!(with(|p| p.tree_depth = 21).contains("tree_depth = 21"));
        assert!(with(|p| p.root_history_secs = 59).contains("root_history_secs = 59 is out of range"));
        assert!(with(|p| p.root_history_secs = 86_401).contains("1 minute to 1 day"));
        assert!(with(|p| p.self_attested_mint_fee = "-1".into()).contains("self_attested_mint_fee"));
        assert!(with(|p| p.attested_mint_fee = "1e18".into()).contains("attested_mint_fee = \"1e18\""));
        assert!(
            with(|p| p.attested_mint_fee = "0.0000000000000000001".into()).contains("MASA has 18 decimals")
        );
        assert!(with(|p| p.attested_mint_fee = "1.".into()).contains("not a MASA amount"));
        assert!(with(|p| p.attested_mint_fee = ".5".into()).contains("not a MASA amount"));
        assert!(with(|p| p.attested_mint_fee = String::new()).contains("not a MASA amount"));
        // a bad file fails at load, naming the file
        let dir = tempfile::tempdir().unwrap();
        let anvil = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deployments/params/anvil.toml");
        let text = std::fs::read_to_string(anvil).unwrap().replace("tree_depth = 20", "tree_depth = 32");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, text).unwrap();
        let err = SuiteParams::load(&path).unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains("tree_depth = 32"), "{err}");
    }
}
