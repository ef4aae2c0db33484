//! The node's configuration: one TOML file (`oracle.toml`; examples per network in
//! `services/oracle/config/`), every value of which an environment variable can override.
//!
//! An override is named `MASA_ORACLE__<SECTION>__<KEY>` (double underscores between the parts,
//! case-insensitive): `MASA_ORACLE__CHAIN__RPC_URL=http://10.0.0.2:9650/ext/bc/masa/rpc` sets
//! `[chain] rpc_url`. The value is read as a TOML value when it parses as one (`5`, `true`,
//! `["web:v1"]`) and as a string otherwise. Secrets are not in the file: the keystores are
//! encrypted (their password comes from a file or `MASA_KEYSTORE_PASSWORD`) and the X API token
//! comes from `MASA_ORACLE_X_BEARER_TOKEN`.

use crate::sources::{chain::ChainConfig, social::SocialConfig, web::WebConfig};
use serde::Deserialize;
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
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
}

impl Default for PeersSection {
    fn default() -> Self {
        Self {
            extra: Vec::new(),
            poll_interval_ms: default_peer_poll_ms(),
            timeout_ms: default_peer_timeout_ms(),
            grace_ms: default_grace_ms(),
            submit_stagger_ms: default_stagger_ms(),
        }
    }
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
