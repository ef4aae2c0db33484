//! The node's configuration: one TOML file (`oracle.toml`; examples per network in
//! `services/oracle/config/`), every value of which an environment variable can override.
//!
//! An override is named `MASA_ORACLE__<SECTION>__<KEY>` (double underscores between the parts,
//! case-insensitive): `MASA_ORACLE__CHAIN__RPC_URL=http://10.0.0.2:9650/ext/bc/masa/rpc` sets
//! `[chain] rpc_url`. The value is read as a TOML value when it parses as one (`5`, `true`,
//! `["web:v1"]`) and as a string otherwise. Secrets are not in the file: the keystores are
//! encrypted (their password comes from a file or `MASA_KEYSTORE_PASSWORD`) and the X API token
//! comes from `MASA_ORACLE_X_BEARER_TOKEN`.

use crate::{
    sources::{chain::ChainConfig, social::SocialConfig, web::WebConfig},
    tx::{Backoff, TxConfig},
};
use serde::{Deserialize, Deserializer, de};
use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};
use url::Url;

/// The prefix of overriding environment variables.
pub const ENV_PREFIX: &str = "MASA_ORACLE__";

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the configuration {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file (with its overrides) is not a valid configuration.
    #[error("invalid configuration {path}: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong (TOML's message, naming the key).
        reason: String,
    },
    /// An override names no key.
    #[error("environment variable {0} names no configuration key (expected {ENV_PREFIX}<SECTION>__<KEY>)")]
    BadOverride(String),
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the node acts.
    pub chain: ChainSection,
    /// The operator's and the node's keys.
    pub keys: KeysSection,
    /// The node's registration and database.
    #[serde(default)]
    pub node: NodeSection,
    /// The HTTP API (health, metrics, jobs, answers for peers, attestations).
    #[serde(default)]
    pub api: ApiSection,
    /// How answers are exchanged and submitted.
    #[serde(default)]
    pub peers: PeersSection,
    /// How transactions are sent: fee cap, replacement of stuck ones, receipts, RPC retries.
    #[serde(default)]
    pub tx: TxSection,
    /// Which jobs the node runs, and how.
    #[serde(default)]
    pub jobs: JobsSection,
    /// Each source's settings.
    #[serde(default)]
    pub sources: SourcesSection,
    /// The attestation service for contributors (served when the table is present).
    #[serde(default)]
    pub attest: Option<crate::attest::AttestConfig>,
    /// Deliberate faults, for testing the network's defences only.
    #[serde(default)]
    pub testing: TestingSection,
}

/// `[chain]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSection {
    /// The JSON-RPC endpoint.
    pub rpc_url: Url,
    /// The directory of network definitions and manifests.
    #[serde(default = "default_deployments")]
    pub deployments: PathBuf,
    /// The network's name in `networks.toml` (found from the chain id when omitted).
    pub network: Option<String>,
    /// The manifest (default `<deployments>/<network>.json`).
    pub manifest: Option<PathBuf>,
    /// How often the head is polled, in milliseconds.
    #[serde(default = "default_poll_ms")]
    pub poll_interval_ms: u64,
    /// Blocks behind the head a request must be before the node answers it (0 on a chain with
    /// instant finality; the network's finality depth on others).
    #[serde(default)]
    pub confirmations: u64,
    /// The first block to scan for requests (the deployment's block).
    #[serde(default)]
    pub start_block: u64,
    /// Blocks rescanned after a reorg is detected at the checkpoint.
    #[serde(default = "default_reorg_window")]
    pub reorg_window: u64,
    /// Blocks per `eth_getLogs`.
    #[serde(default = "default_log_range")]
    pub max_log_range: u64,
}

/// `[keys]`: both keys live in encrypted keystores (Web3 Secret Storage, as `cast wallet new`
/// writes them).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysSection {
    /// The operator's keystore: the wallet that stakes and pays for transactions.
    pub operator_keystore: PathBuf,
    /// The node's signing key's keystore: it signs answers and attestations.
    pub node_keystore: PathBuf,
    /// A file holding both keystores' password (else `MASA_KEYSTORE_PASSWORD`).
    pub password_file: Option<PathBuf>,
}

/// `[node]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSection {
    /// The database: `sqlite://<path>` (default `sqlite://masa-oracle.db`) or `postgres://…`.
    #[serde(default = "default_database")]
    pub database_url: String,
    /// The URL peers reach this node's API at, registered on-chain as its endpoint.
    pub endpoint: Option<Url>,
    /// Register the node on first run when it is not registered.
    #[serde(default)]
    pub register: bool,
    /// Stake up to this much MASA (whole tokens, decimals allowed) on start when the node's stake
    /// is below it.
    pub stake: Option<String>,
}

impl Default for NodeSection {
    fn default() -> Self {
        Self { database_url: default_database(), endpoint: None, register: false, stake: None }
    }
}

/// `[api]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSection {
    /// The address the API listens on.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
}

impl Default for ApiSection {
    fn default() -> Self {
        Self { listen: default_listen() }
    }
}

/// `[peers]`: answers are exchanged over the nodes' APIs (each node serves its signed answer at
/// `GET /v1/answers/{request}`), at the endpoints the registry holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeersSection {
    /// More peer URLs to ask, besides the registered endpoints.
    #[serde(default)]
    pub extra: Vec<Url>,
    /// How often peers are asked while a quorum is missing, in milliseconds.
    #[serde(default = "default_peer_poll_ms")]
    pub poll_interval_ms: u64,
    /// A peer's answer request timeout, in milliseconds.
    #[serde(default = "default_peer_timeout_ms")]
    pub timeout_ms: u64,
    /// How long, once a quorum agrees, the first submitter waits for the nodes that have not
    /// answered yet (in milliseconds; not at all when every known node answered).
    #[serde(default = "default_grace_ms")]
    pub grace_ms: u64,
    /// How long each agreeing node waits per rank before it submits the fulfilment itself
    /// (the first in the request's order submits at once; the others only if it did not).
    #[serde(default = "default_stagger_ms")]
    pub submit_stagger_ms: u64,
    /// How long peers are still asked about a request after it finalized, in milliseconds: a
    /// node that signs a second, different result later (or whose two answers were not both
    /// seen before the quorum) is still reported for equivocation.
    #[serde(default = "default_equivocation_watch_ms")]
    pub equivocation_watch_ms: u64,
}

impl Default for PeersSection {
    fn default() -> Self {
        Self {
            extra: Vec::new(),
            poll_interval_ms: default_peer_poll_ms(),
            timeout_ms: default_peer_timeout_ms(),
            grace_ms: default_grace_ms(),
            submit_stagger_ms: default_stagger_ms(),
            equivocation_watch_ms: default_equivocation_watch_ms(),
        }
    }
}

/// `[tx]`: how the [transaction manager](crate::tx) sends the node's transactions, in an
/// operator's units. Every key defaults to [`TxConfig::default`]'s value; the timeouts and retries
/// apply to the node's chain reads too (they share the manager's transport).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TxSection {
    /// The highest EIP-1559 fee cap the node signs, in gwei: fee estimates above it are cut to it,
    /// and a base fee above it refuses the send (it waits rather than pays).
    pub max_fee_per_gas_gwei: Gwei,
    /// Blocks after which a pending transaction is replaced with higher fees.
    pub replace_after_blocks: u64,
    /// Seconds after which a pending transaction is replaced (whichever of the two comes first).
    pub replace_after_secs: u64,
    /// Most transactions signed for one key (the first, its replacements and re-signs).
    pub max_attempts: u32,
    /// Longest wait for a transaction's receipt in one send, in seconds; the transaction stays in
    /// the outbox after, and is tracked again by the next send of its key or at restart.
    pub receipt_timeout_secs: u64,
    /// Pause between two looks at a pending transaction, in milliseconds.
    pub poll_interval_ms: u64,
    /// Longest wait for one RPC answer, in milliseconds.
    pub request_timeout_ms: u64,
    /// Tries of one RPC request in all, retrying transient failures (1: no retry).
    pub retry_attempts: u32,
    /// The delay before the first retry, in milliseconds, doubled before each next one (with
    /// jitter).
    pub retry_initial_ms: u64,
    /// The longest delay between two retries, in milliseconds.
    pub retry_max_ms: u64,
}

impl Default for TxSection {
    /// [`TxConfig::default`]'s values, in the section's units.
    fn default() -> Self {
        let tx = TxConfig::default();
        Self {
            max_fee_per_gas_gwei: Gwei::from_wei(tx.max_fee_per_gas),
            replace_after_blocks: tx.replace_after_blocks,
            replace_after_secs: tx.replace_after.as_secs(),
            max_attempts: tx.max_attempts,
            receipt_timeout_secs: tx.receipt_timeout.as_secs(),
            poll_interval_ms: millis(tx.poll_interval),
            request_timeout_ms: millis(tx.request_timeout),
            retry_attempts: tx.backoff.attempts,
            retry_initial_ms: millis(tx.backoff.initial),
            retry_max_ms: millis(tx.backoff.max),
        }
    }
}

impl TxSection {
    /// The transaction manager's configuration (the pre-flight's hardfork stays
    /// [`TxConfig::default`]'s).
    pub fn to_tx_config(&self) -> TxConfig {
        TxConfig {
            backoff: Backoff {
                attempts: self.retry_attempts,
                initial: Duration::from_millis(self.retry_initial_ms),
                max: Duration::from_millis(self.retry_max_ms),
            },
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            max_fee_per_gas: self.max_fee_per_gas_gwei.wei(),
            replace_after_blocks: self.replace_after_blocks,
            replace_after: Duration::from_secs(self.replace_after_secs),
            max_attempts: self.max_attempts,
            receipt_timeout: Duration::from_secs(self.receipt_timeout_secs),
            poll_interval: Duration::from_millis(self.poll_interval_ms),
            ..TxConfig::default()
        }
    }

    /// The first value that cannot work, as a one-line message naming its key.
    fn check(&self) -> Result<(), String> {
        // a zero fee cap refuses every send, zero replacement waits replace at every look, zero
        // timeouts give up at once
        let zero = [
            ("max_fee_per_gas_gwei", self.max_fee_per_gas_gwei.wei() == 0),
            ("replace_after_blocks", self.replace_after_blocks == 0),
            ("replace_after_secs", self.replace_after_secs == 0),
            ("max_attempts", self.max_attempts == 0),
            ("receipt_timeout_secs", self.receipt_timeout_secs == 0),
            ("poll_interval_ms", self.poll_interval_ms == 0),
            ("request_timeout_ms", self.request_timeout_ms == 0),
            ("retry_attempts", self.retry_attempts == 0),
        ];
        if let Some((key, _)) = zero.iter().find(|(_, zero)| *zero) {
            return Err(format!("[tx] {key} must be above 0"));
        }
        if self.retry_initial_ms > self.retry_max_ms {
            return Err(format!(
                "[tx] retry_initial_ms ({}) must not exceed retry_max_ms ({})",
                self.retry_initial_ms, self.retry_max_ms
            ));
        }
        Ok(())
    }
}

/// An amount of gwei in the configuration, held in wei: an integer (`25`) or a decimal of at most
/// 9 places (`0.001`, the smallest `0.000000001`: 1 wei), as a TOML number or string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gwei(u128);

impl Gwei {
    /// `wei` wei.
    pub const fn from_wei(wei: u128) -> Self {
        Self(wei)
    }

    /// The amount in wei.
    pub const fn wei(self) -> u128 {
        self.0
    }

    /// Reads decimal gwei (`25`, `0.5`, `.5`): `None` for anything else, more than 9 decimal
    /// places (below 1 wei) or more than `u128::MAX` wei. Not alloy's `parse_units`: it
    /// truncates places past the unit's silently, and takes negative amounts.
    fn parse(text: &str) -> Option<Self> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty())
            || !digits(whole)
            || !digits(fraction)
            || fraction.len() > 9
        {
            return None;
        }
        let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let fraction: u128 = format!("{fraction:0<9}").parse().ok()?;
        whole.checked_mul(1_000_000_000)?.checked_add(fraction).map(Self)
    }
}

impl<'de> Deserialize<'de> for Gwei {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl Visitor {
            fn read<E: de::Error>(text: &str) -> Result<Gwei, E> {
                Gwei::parse(text).ok_or_else(|| {
                    E::custom(format!(
                        "`{text}` is not an amount of gwei (a non-negative integer or decimal of at most 9 places)"
                    ))
                })
            }
        }

        impl de::Visitor<'_> for Visitor {
            type Value = Gwei;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of gwei (25, 0.5 or \"0.001\")")
            }

            fn visit_u64<E: de::Error>(self, gwei: u64) -> Result<Gwei, E> {
                Ok(Gwei(u128::from(gwei) * 1_000_000_000))
            }

            fn visit_i64<E: de::Error>(self, gwei: i64) -> Result<Gwei, E> {
                Self::read(&gwei.to_string())
            }

            fn visit_f64<E: de::Error>(self, gwei: f64) -> Result<Gwei, E> {
                // a float's `Display` is its shortest exact decimal, never in exponent notation
                Self::read(&gwei.to_string())
            }

            fn visit_str<E: de::Error>(self, gwei: &str) -> Result<Gwei, E> {
                Self::read(gwei.trim())
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

/// `duration` in whole milliseconds.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// `[jobs]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobsSection {
    /// The job types this node answers.
    #[serde(default = "default_jobs")]
    pub enabled: Vec<String>,
    /// Jobs run at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Attempts of a job whose source fails transiently.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
}

impl Default for JobsSection {
    fn default() -> Self {
        Self { enabled: default_jobs(), concurrency: default_concurrency(), max_attempts: default_attempts() }
    }
}

/// `[sources]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesSection {
    /// `[sources.web]`.
    #[serde(default)]
    pub web: WebConfig,
    /// `[sources.chain]` (its RPC defaults to `[chain] rpc_url`).
    #[serde(default)]
    pub chain: Option<ChainConfig>,
    /// `[sources.social]`.
    #[serde(default)]
    pub social: Option<SocialConfig>,
    /// `[sources.llm]`.
    #[serde(default)]
    pub llm: Option<crate::sources::llm::LlmSourceConfig>,
}

/// A deliberate fault.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// None: an honest node.
    #[default]
    None,
    /// Sign a wrong result (its hash with the last bit flipped) for every job.
    WrongAnswer,
    /// Sign two different results for every job and serve a different one to each peer that
    /// asks: the equivocation `OracleNodes` slashes.
    Equivocate,
}

/// `[testing]`: faults that make this node misbehave, so that a test network can show the
/// others outvote, record and slash it. Never set on a real node: the node logs a warning at
/// start when one is set.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestingSection {
    /// The fault.
    #[serde(default)]
    pub fault: Fault,
}

fn default_deployments() -> PathBuf {
    PathBuf::from("deployments")
}
const fn default_poll_ms() -> u64 {
    1_000
}
const fn default_reorg_window() -> u64 {
    64
}
const fn default_log_range() -> u64 {
    10_000
}
fn default_database() -> String {
    "sqlite://masa-oracle.db".to_owned()
}
fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 7400))
}
const fn default_peer_poll_ms() -> u64 {
    300
}
const fn default_peer_timeout_ms() -> u64 {
    2_000
}
const fn default_grace_ms() -> u64 {
    1_000
}
const fn default_stagger_ms() -> u64 {
    3_000
}
const fn default_equivocation_watch_ms() -> u64 {
    30_000
}
fn default_jobs() -> Vec<String> {
    vec!["web:v1".into(), "chain:v1".into()]
}
const fn default_concurrency() -> usize {
    2
}
const fn default_attempts() -> u32 {
    5
}

impl Config {
    /// Reads `path` and applies the `MASA_ORACLE__…` overrides of `env`.
    pub fn load(path: &Path, env: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Self::parse(path, &text, env)
    }

    /// Parses `text` (read from `path`, for messages) with the overrides of `env`.
    pub fn parse(
        path: &Path,
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let invalid = |reason: String| ConfigError::Invalid { path: path.to_owned(), reason };
        let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| invalid(e.to_string()))?;
        for (name, value) in env {
            if let Some(rest) = name.strip_prefix(ENV_PREFIX) {
                apply_override(&mut table, &name, rest, &value)?;
            }
        }
        let config: Self = table.try_into().map_err(|e: toml::de::Error| invalid(e.to_string()))?;
        if config.jobs.concurrency == 0 {
            return Err(invalid("[jobs] concurrency must be at least 1".into()));
        }
        config.tx.check().map_err(invalid)?;
        Ok(config)
    }
}

/// Sets the key `rest` (`SECTION__KEY`, any depth) of `table` to `value`.
fn apply_override(table: &mut toml::Table, name: &str, rest: &str, value: &str) -> Result<(), ConfigError> {
    let path: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
    let Some((last, sections)) = path.split_last() else {
        return Err(ConfigError::BadOverride(name.to_owned()));
    };
    if path.iter().any(String::is_empty) {
        return Err(ConfigError::BadOverride(name.to_owned()));
    }
    let mut at = table;
    for section in sections {
        let entry = at.entry(section.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        at = entry.as_table_mut().ok_or_else(|| ConfigError::BadOverride(name.to_owned()))?;
    }
    // `key = <value>` parses as TOML when the value is a TOML value; otherwise it is a string
    let parsed = format!("v = {value}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.to_owned()));
    at.insert(last.clone(), parsed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        [chain]
        rpc_url = "http://127.0.0.1:8545"
        [keys]
        operator_keystore = "keys/operator.json"
        node_keystore = "keys/node.json"
    "#;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn defaults_fill_what_the_file_omits() {
        let config = Config::parse(Path::new("oracle.toml"), MINIMAL, env(&[])).unwrap();
        assert_eq!(config.api.listen, default_listen());
        assert_eq!(config.node.database_url, "sqlite://masa-oracle.db");
        assert_eq!(config.jobs.enabled, ["web:v1", "chain:v1"]);
        assert_eq!(config.testing.fault, Fault::None);
    }

    #[test]
    fn environment_overrides_any_key_with_typed_values() {
        let config = Config::parse(
            Path::new("oracle.toml"),
            MINIMAL,
            env(&[
                ("MASA_ORACLE__CHAIN__RPC_URL", "http://10.0.0.2:9650/rpc"),
                ("MASA_ORACLE__JOBS__CONCURRENCY", "4"),
                ("MASA_ORACLE__JOBS__ENABLED", r#"["llm:v1"]"#),
                ("MASA_ORACLE__API__LISTEN", "0.0.0.0:9000"),
                ("MASA_ORACLE__TESTING__FAULT", "wrong-answer"),
                ("UNRELATED", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(config.chain.rpc_url.as_str(), "http://10.0.0.2:9650/rpc");
        assert_eq!(config.jobs.concurrency, 4);
        assert_eq!(config.jobs.enabled, ["llm:v1"]);
        assert_eq!(config.api.listen.port(), 9000);
        assert_eq!(config.testing.fault, Fault::WrongAnswer);
    }

    #[test]
    fn unknown_keys_and_bad_overrides_are_named() {
        let err =
            Config::parse(Path::new("oracle.toml"), &format!("{MINIMAL}\n[api]\nlisten_on = 1\n"), env(&[]))
                .unwrap_err()
                .to_string();
        assert!(err.contains("listen_on"), "{err}");
        let err = Config::parse(Path::new("oracle.toml"), MINIMAL, env(&[("MASA_ORACLE__CHAIN____X", "1")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("MASA_ORACLE__CHAIN____X names no configuration key"), "{err}");
        let err =
            Config::parse(Path::new("oracle.toml"), MINIMAL, env(&[("MASA_ORACLE__JOBS__CONCURRENCY", "0")]))
                .unwrap_err()
                .to_string();
        assert!(err.contains("concurrency must be at least 1"), "{err}");
    }

    #[test]
    fn tx_defaults_are_the_transaction_manager_s() {
        let config = Config::parse(Path::new("oracle.toml"), MINIMAL, env(&[])).unwrap();
        assert_eq!(config.tx, TxSection::default());
        assert_eq!(config.tx.to_tx_config(), TxConfig::default());
        assert_eq!(config.tx.max_fee_per_gas_gwei.wei(), 500_000_000_000);
        let written = Config::parse(
            Path::new("oracle.toml"),
            &format!("{MINIMAL}\n[tx]\nmax_fee_per_gas_gwei = 500\nmax_attempts = 10\n"),
            env(&[]),
        )
        .unwrap();
        assert_eq!(written.tx.to_tx_config(), TxConfig::default());
    }

    #[test]
    fn tx_values_and_overrides_reach_the_transaction_manager() {
        let text = format!(
            "{MINIMAL}
            [tx]
            max_fee_per_gas_gwei = 1.5
            replace_after_blocks = 60
            replace_after_secs = 30
            max_attempts = 4
            receipt_timeout_secs = 300
            poll_interval_ms = 250
            request_timeout_ms = 20000
            retry_attempts = 3
            retry_initial_ms = 50
            retry_max_ms = 2000
            "
        );
        let tx = Config::parse(Path::new("oracle.toml"), &text, env(&[])).unwrap().tx.to_tx_config();
        let expected = TxConfig {
            backoff: Backoff { attempts: 3, initial: Duration::from_millis(50), max: Duration::from_secs(2) },
            request_timeout: Duration::from_secs(20),
            max_fee_per_gas: 1_500_000_000,
            replace_after_blocks: 60,
            replace_after: Duration::from_secs(30),
            max_attempts: 4,
            receipt_timeout: Duration::from_secs(300),
            poll_interval: Duration::from_millis(250),
            spec: TxConfig::default().spec,
        };
        assert_eq!(tx, expected);

        // an override wins over the file; the fee cap is read as a TOML integer, float or string
        for (value, wei) in [("25", 25_000_000_000), ("0.001", 1_000_000), ("\"0.000000001\"", 1)] {
            let config = Config::parse(
                Path::new("oracle.toml"),
                &text,
                env(&[
                    ("MASA_ORACLE__TX__MAX_FEE_PER_GAS_GWEI", value),
                    ("MASA_ORACLE__TX__POLL_INTERVAL_MS", "100"),
                ]),
            )
            .unwrap();
            let tx = config.tx.to_tx_config();
            assert_eq!((tx.max_fee_per_gas, tx.poll_interval), (wei, Duration::from_millis(100)), "{value}");
            assert_eq!(tx.max_attempts, 4, "the file's other values stay");
        }
        // and without a [tx] table in the file
        let config = Config::parse(
            Path::new("oracle.toml"),
            MINIMAL,
            env(&[("MASA_ORACLE__TX__REPLACE_AFTER_BLOCKS", "12")]),
        )
        .unwrap();
        assert_eq!(config.tx.to_tx_config().replace_after_blocks, 12);
    }

    #[test]
    fn invalid_tx_values_are_named() {
        let refused = |tx: &str| {
            Config::parse(Path::new("oracle.toml"), &format!("{MINIMAL}\n[tx]\n{tx}\n"), env(&[]))
                .unwrap_err()
                .to_string()
        };
        for (tx, said) in [
            ("max_attempts = 0", "[tx] max_attempts must be above 0"),
            ("poll_interval_ms = 0", "[tx] poll_interval_ms must be above 0"),
            ("max_fee_per_gas_gwei = 0", "[tx] max_fee_per_gas_gwei must be above 0"),
            ("max_fee_per_gas_gwei = \"0.0\"", "[tx] max_fee_per_gas_gwei must be above 0"),
            ("replace_after_blocks = 0", "[tx] replace_after_blocks must be above 0"),
            ("retry_initial_ms = 6000", "[tx] retry_initial_ms (6000) must not exceed retry_max_ms (5000)"),
            ("max_fee_per_gas_gwei = -1", "`-1` is not an amount of gwei"),
            ("max_fee_per_gas_gwei = 0.0000000001", "`0.0000000001` is not an amount of gwei"),
            ("max_fee_per_gas_gwei = \"25 gwei\"", "`25 gwei` is not an amount of gwei"),
            ("max_fee_per_gas = 25", "max_fee_per_gas"),
        ] {
            let err = refused(tx);
            assert!(err.contains(said), "{tx}: {err}");
        }
        let err = refused("max_fee_per_gas_gwei = -1");
        assert!(err.contains("max_fee_per_gas_gwei"), "the key is named: {err}");
        let err =
            Config::parse(Path::new("oracle.toml"), MINIMAL, env(&[("MASA_ORACLE__TX__MAX_ATTEMPTS", "0")]))
                .unwrap_err()
                .to_string();
        assert!(err.contains("[tx] max_attempts must be above 0"), "{err}");
    }

    #[test]
    fn every_example_configuration_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let config = Config::load(&path, env(&[])).unwrap_or_else(|e| panic!("{e}"));
                assert!(!config.jobs.enabled.is_empty(), "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen >= 3, "an example per network in {}", dir.display());
    }
}
