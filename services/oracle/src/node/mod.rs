//! The node: it watches `OracleRequests` for requests ([`scan`]), runs each with the source of
//! its job type and signs the answer ([`work`]), collects its peers' answers and fulfils the
//! request once a quorum agrees ([`agree`]), and serves its API (health, readiness, metrics,
//! jobs, its answers for the peers, attestations). Three loops share one [`Node`]; a shutdown
//! signal stops them between steps (a step in flight finishes; the store makes an interrupted
//! one safe to redo).

mod agree;
mod scan;
mod work;

use crate::{
    api,
    attest::AttestService,
    config::{Config, Fault},
    metrics::Metrics,
    peers::Peers,
    sources::{Source, chain::ChainSource, social::SocialSource, web::WebSource},
    store::{
        Store, StoreError,
        jobs::{Job, JobState},
    },
    tx::{TxCounters, TxManager, resilient_client},
};
use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use masa_bindings::Contract;
use masa_sdk::{
    oracle::{OracleClient, Status, job_type},
    target::{Target, TargetSpec},
    wallet::KeySource,
};
use std::{collections::HashMap, sync::Arc, time::Duration};
use tokio::sync::{Mutex, watch};

/// Why the node stopped or a step failed. Messages never hold a key, a password or a token.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A key cannot be loaded.
    #[error("{which} key: {source}")]
    Key {
        /// Which key (`operator`, `node`).
        which: &'static str,
        /// Why.
        source: masa_sdk::wallet::Error,
    },
    /// The target (endpoint, manifest) cannot be resolved.
    #[error(transparent)]
    Target(#[from] masa_sdk::target::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An RPC call failed.
    #[error("{call} on the RPC: {reason}")]
    Rpc {
        /// What was asked.
        call: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// A read or transaction of the oracle contracts failed.
    #[error("{0}")]
    Chain(String),
    /// A source cannot be set up.
    #[error("source {job}: {reason}")]
    Source {
        /// The job type.
        job: String,
        /// Why.
        reason: String,
    },
    /// The node key cannot sign.
    #[error("the node key cannot sign: {0}")]
    Sign(String),
    /// The API cannot listen.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The transaction manager failed.
    #[error(transparent)]
    Tx(Box<crate::tx::TxError>),
}

impl From<crate::tx::TxError> for NodeError {
    fn from(e: crate::tx::TxError) -> Self {
        Self::Tx(Box::new(e))
    }
}

impl NodeError {
    pub(crate) fn rpc(call: &'static str, e: &impl std::fmt::Display) -> Self {
        Self::Rpc { call, reason: e.to_string() }
    }
}

/// Where a job's request stands on the chain now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnChain {
    /// Open, with the parameters the node saw, before its deadline.
    Open,
    /// Finalized.
    Finalized,
    /// Refunded.
    Refunded,
    /// Open but past its deadline.
    Expired,
    /// Not on the chain as the node saw it (a reorg removed or replaced it).
    Gone,
}

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    crate::store::now()
}

/// A running node's parts, shared by its loops and its API.
#[derive(Debug)]
pub struct Node {
    pub(crate) config: Config,
    pub(crate) store: Store,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) provider: DynProvider,
    pub(crate) oracle: OracleClient<DynProvider>,
    pub(crate) tx: TxManager,
    pub(crate) peers: Peers,
    pub(crate) sources: HashMap<B256, Arc<dyn Source>>,
    pub(crate) node_key: PrivateKeySigner,
    pub(crate) operator: Address,
    pub(crate) chain_id: u64,
    pub(crate) nodes: Address,
    pub(crate) requests: Address,
    pub(crate) attest: Option<AttestService>,
    /// When each request's quorum was first seen (the submission stagger's origin).
    pub(crate) quorum_seen: Mutex<HashMap<u64, std::time::Instant>>,
    /// Finalized requests whose peers are still asked for equivocation, and since when.
    pub(crate) watched: Mutex<HashMap<u64, std::time::Instant>>,
    /// Equivocations (request, signer) whose report is settled: mined, or refused for good.
    pub(crate) reported: Mutex<std::collections::HashSet<(u64, Address)>>,
    /// Answers served so far (an equivocating test node alternates between its two).
    pub(crate) served: std::sync::atomic::AtomicU64,
}

/// Loads the key in keystore `path` with the configured password file (else
/// `MASA_KEYSTORE_PASSWORD`); there is no prompt: a node runs unattended.
fn load_key(
    which: &'static str,
    path: &std::path::Path,
    password_file: Option<&std::path::Path>,
) -> Result<PrivateKeySigner, NodeError> {
    let source =
        KeySource::Keystore { path: path.to_owned(), password_file: password_file.map(ToOwned::to_owned) };
    source
        .signer(|path| {
            Err(std::io::Error::other(format!(
                "no password for {}: set [keys] password_file or {}",
                path.display(),
                masa_sdk::wallet::PASSWORD_ENV
            )))
        })
        .map_err(|source| NodeError::Key { which, source })
}

/// Checks `config`'s keys (they decrypt) and describes what the node would run.
pub fn check(config: &Config) -> Result<String, NodeError> {
    let keys = &config.keys;
    let operator = load_key("operator", &keys.operator_keystore, keys.password_file.as_deref())?;
    let node = load_key("node", &keys.node_keystore, keys.password_file.as_deref())?;
    Ok(format!(
        "configuration ok\n  rpc:       {}\n  operator:  {}\n  node key:  {}\n  database:  {}\n  api:       {}\n  endpoint:  {}\n  jobs:      {}\n  register:  {}, stake: {}",
        crate::store::redacted(config.chain.rpc_url.as_str()),
        operator.address(),
        node.address(),
        crate::store::redacted(&config.node.database_url),
        config.api.listen,
        config.node.endpoint.as_ref().map_or_else(|| "(none)".to_owned(), ToString::to_string),
        config.jobs.enabled.join(", "),
        config.node.register,
        config.node.stake.as_deref().unwrap_or("(none)"),
    ))
}

impl Node {
    /// Sets the node up from `config`: keys, target, store, sources, transaction manager (its
    /// unfinished transactions resumed), peers; registers and stakes when told to.
    pub async fn start(config: Config) -> Result<Arc<Self>, NodeError> {
        if config.testing.fault != Fault::None {
            tracing::warn!(fault = ?config.testing.fault, "this node is configured to misbehave ([testing] fault): for test networks only");
        }
        let keys = &config.keys;
        let operator_key = load_key("operator", &keys.operator_keystore, keys.password_file.as_deref())?;
        let node_key = load_key("node", &keys.node_keystore, keys.password_file.as_deref())?;
        let spec = TargetSpec {
            rpc_url: Some(config.chain.rpc_url.clone()),
            network: config.chain.network.clone(),
            deployments: config.chain.deployments.clone(),
            manifest: config.chain.manifest.clone(),
        };
        // an endpoint that does not answer at once (starting, rate limiting) is asked again
        let mut attempt = 0;
        let target = loop {
            match spec.resolve().await {
                Err(masa_sdk::target::Error::Unreachable { url, reason }) if attempt < 6 => {
                    attempt += 1;
                    tracing::warn!(%url, %reason, attempt, "the RPC did not answer; retrying");
                    tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
                }
                outcome => break outcome?,
            }
        };
        let store = Store::connect(&config.node.database_url).await?;
        // every read and send goes through a transport that retries transient failures
        let tx_config = config.tx.to_tx_config();
        let client = |counters| {
            resilient_client(target.rpc_url.clone(), &tx_config, counters)
                .map_err(|reason| NodeError::Rpc { call: "connect", reason })
        };
        let reads = Arc::new(TxCounters::default());
        let provider = ProviderBuilder::new().connect_client(client(Arc::clone(&reads))?).erased();
        let operator_provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(operator_key.clone()))
            .connect_client(client(Arc::clone(&reads))?)
            .erased();
        let oracle = OracleClient::new(operator_provider, &target.manifest, operator_key.clone())
            .map_err(|e| NodeError::Chain(e.to_string()))?;
        let nodes =
            target.manifest.address_of(Contract::OracleNodes).map_err(|e| NodeError::Chain(e.to_string()))?;
        let requests = target
            .manifest
            .address_of(Contract::OracleRequests)
            .map_err(|e| NodeError::Chain(e.to_string()))?;
        let sources = build_sources(&config, &target).await?;
        let tx =
            TxManager::new(target.rpc_url.clone(), operator_key.clone(), store.clone(), tx_config.clone())
                .await?;
        tx.resume().await?;
        let peers = Peers::new(
            provider.clone(),
            nodes,
            operator_key.address(),
            config.peers.extra.clone(),
            config.chain.start_block,
            config.chain.max_log_range,
            Duration::from_millis(config.peers.timeout_ms),
        );
        let metrics = Arc::new(Metrics::new().with_tx(Arc::clone(tx.counters()), reads));
        let attest = match &config.attest {
            None => None,
            Some(attest) => {
                let fail = |reason: String| NodeError::Source { job: "attest".into(), reason };
                let reader = chain_source(&config, &target).await?;
                let pages = WebSource::new(config.sources.web.clone()).map_err(|e| fail(e.to_string()))?;
                let mut attest = attest.clone();
                attest.finality_depth.get_or_insert(target.finality_depth());
                Some(
                    AttestService::new(
                        provider.clone(),
                        &target.manifest,
                        attest,
                        node_key.clone(),
                        Arc::new(reader),
                        pages,
                    )
                    .map_err(|e| fail(e.to_string()))?
                    .count_in(&metrics.attestations),
                )
            }
        };
        let node = Arc::new(Self {
            store,
            metrics,
            provider,
            oracle,
            tx,
            peers,
            sources,
            operator: operator_key.address(),
            node_key,
            chain_id: target.chain_id,
            nodes,
            requests,
            attest,
            quorum_seen: Mutex::new(HashMap::new()),
            watched: Mutex::new(HashMap::new()),
            reported: Mutex::new(std::collections::HashSet::new()),
            served: std::sync::atomic::AtomicU64::new(0),
            config,
        });
        // registration and staking read the chain first, so a try whose transaction landed
        // without its answer (a flaky endpoint) is not repeated by the next one
        let mut attempt = 0;
        while let Err(e) = node.enrol().await {
            attempt += 1;
            if attempt >= 5 {
                return Err(e);
            }
            tracing::warn!(error = %e, attempt, "registration or staking failed; retrying");
            tokio::time::sleep(Duration::from_secs(1 << attempt)).await;
        }
        Ok(node)
    }

    /// The operator's address.
    pub const fn operator(&self) -> Address {
        self.operator
    }

    /// The node key's address.
    pub fn signer(&self) -> Address {
        self.node_key.address()
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Registers the node and tops its stake up, as the configuration asks.
    async fn enrol(&self) -> Result<(), NodeError> {
        let chain = |e: masa_sdk::oracle::Error| NodeError::Chain(e.to_string());
        let info = self.oracle.node(self.operator).await.map_err(chain)?;
        if !info.node.registered {
            if !self.config.node.register {
                tracing::warn!(operator = %self.operator, "the node is not registered ([node] register = true registers it)");
                return Ok(());
            }
            let endpoint = self.config.node.endpoint.as_ref().map(ToString::to_string).unwrap_or_default();
            let tx = self.oracle.register(&self.node_key, &endpoint, 3_600).await.map_err(chain)?;
            tracing::info!(operator = %self.operator, signer = %self.signer(), %endpoint, %tx, "registered");
        } else if info.node.signer != self.signer() {
            return Err(NodeError::Chain(format!(
                "operator {} is registered with node key {}, but this node's key is {}",
                self.operator,
                info.node.signer,
                self.signer()
            )));
        }
        if let Some(stake) = &self.config.node.stake {
            let target = alloy::primitives::utils::parse_units(stake, 18)
                .map_err(|e| NodeError::Chain(format!("[node] stake `{stake}`: {e}")))?
                .get_absolute();
            let staked = U256::from(info.node.staked);
            if staked < target {
                let tx = self.oracle.stake(target - staked).await.map_err(chain)?;
                tracing::info!(operator = %self.operator, amount = %(target - staked), %tx, "staked");
            }
        }
        Ok(())
    }

    /// Where `job`'s request stands on the chain now.
    pub(crate) async fn on_chain(&self, job: &Job) -> Result<OnChain, NodeError> {
        let request = match self.oracle.request(U256::from(job.request_id)).await {
            Ok(request) => request,
            Err(masa_sdk::oracle::Error::UnknownRequest { .. }) => return Ok(OnChain::Gone),
            Err(e) => return Err(NodeError::Chain(e.to_string())),
        };
        if request.paramsHash != job.params_hash || request.jobType != job.job_type {
            return Ok(OnChain::Gone);
        }
        Ok(match Status::of(&request) {
            Status::Finalized => OnChain::Finalized,
            Status::Refunded => OnChain::Refunded,
            Status::None => OnChain::Gone,
            Status::Open if self.chain_time().await? > request.deadline => OnChain::Expired,
            Status::Open => OnChain::Open,
        })
    }

    /// The latest block's timestamp (deadlines are in chain time, which a development chain can
    /// move ahead of the wall clock).
    pub(crate) async fn chain_time(&self) -> Result<u64, NodeError> {
        masa_sdk::tx::latest_timestamp(&self.provider)
            .await
            .map_err(|e| NodeError::rpc("eth_getBlockByNumber", &e))
    }

    /// Records where a job's request ended up.
    pub(crate) async fn settle(&self, job: &Job, on_chain: OnChain) -> Result<(), NodeError> {
        let state = match on_chain {
            OnChain::Open => return Ok(()),
            OnChain::Finalized => {
                self.metrics.requests_finalized.inc();
                JobState::Finalized
            }
            OnChain::Refunded => JobState::Refunded,
            OnChain::Expired => JobState::Expired,
            OnChain::Gone => {
                self.store
                    .set_failed_run(
                        job.request_id,
                        "the request is no longer on the chain as posted (reorg)",
                        None,
                    )
                    .await?;
                return Ok(());
            }
        };
        self.quorum_seen.lock().await.remove(&job.request_id);
        if state == JobState::Finalized {
            self.watched.lock().await.insert(job.request_id, std::time::Instant::now());
        }
        tracing::info!(request = job.request_id, %state, "request settled");
        self.store.set_state(job.request_id, state, None).await?;
        Ok(())
    }

    /// Runs the node until `shutdown` turns true: the API and the three loops.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) -> Result<(), NodeError> {
        let listener = tokio::net::TcpListener::bind(self.config.api.listen)
            .await
            .map_err(|source| NodeError::Listen { addr: self.config.api.listen, source })?;
        tracing::info!(
            listen = %self.config.api.listen,
            operator = %self.operator,
            signer = %self.signer(),
            jobs = ?self.sources.values().map(|s| s.job()).collect::<Vec<_>>(),
            "masa-oracle running"
        );
        let app = api::router(&self);
        let mut api_shutdown = shutdown.clone();
        let server = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .with_graceful_shutdown(async move {
                    let _ = api_shutdown.wait_for(|stop| *stop).await;
                })
                .await
        });
        let poll = Duration::from_millis(self.config.chain.poll_interval_ms);
        let peer_poll = Duration::from_millis(self.config.peers.poll_interval_ms);
        let scan_loop = every(poll, shutdown.clone(), {
            let node = Arc::clone(&self);
            move || {
                let node = Arc::clone(&node);
                async move {
                    if let Err(e) = node.scan().await {
                        tracing::warn!(error = %e, "scan failed; retrying");
                    }
                }
            }
        });
        let work_loop = every(poll.min(Duration::from_millis(500)), shutdown.clone(), {
            let node = Arc::clone(&self);
            move || {
                let node = Arc::clone(&node);
                async move {
                    if let Err(e) = node.work().await {
                        tracing::warn!(error = %e, "work round failed");
                    }
                }
            }
        });
        let agree_loop = every(peer_poll, shutdown.clone(), {
            let node = Arc::clone(&self);
            move || {
                let node = Arc::clone(&node);
                async move {
                    if let Err(e) = node.agree().await {
                        tracing::warn!(error = %e, "agreement round failed");
                    }
                }
            }
        });
        tokio::join!(scan_loop, work_loop, agree_loop);
        let _ = shutdown.wait_for(|stop| *stop).await;
        match server.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the API stopped with an error"),
            Err(e) => tracing::warn!(error = %e, "the API task failed"),
        }
        tracing::info!("masa-oracle stopped");
        Ok(())
    }
}

/// Runs `step` every `period` until `shutdown` turns true (a step in flight finishes first).
async fn every<F, Fut>(period: Duration, mut shutdown: watch::Receiver<bool>, mut step: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        if *shutdown.borrow() {
            return;
        }
        step().await;
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// The chain source of `[sources.chain]` (its endpoint defaulting to `[chain] rpc_url`), reading
/// through a transport that retries transient failures.
async fn chain_source(config: &Config, target: &Target) -> Result<ChainSource, NodeError> {
    let chain = config.sources.chain.clone().unwrap_or_default();
    let url = chain.rpc_url.clone().unwrap_or_else(|| target.rpc_url.clone());
    let client = resilient_client(url.clone(), &config.tx.to_tx_config(), Arc::new(TxCounters::default()))
        .map_err(|reason| NodeError::Rpc { call: "connect", reason })?;
    let provider = ProviderBuilder::new().connect_client(client).erased();
    let config = crate::sources::chain::ChainConfig { rpc_url: Some(url), ..chain };
    ChainSource::with_provider(config, provider)
        .await
        .map_err(|e| NodeError::Source { job: "chain:v1".into(), reason: e.to_string() })
}

/// The sources of the enabled job types, keyed by their on-chain word.
async fn build_sources(
    config: &Config,
    target: &Target,
) -> Result<HashMap<B256, Arc<dyn Source>>, NodeError> {
    let mut sources: HashMap<B256, Arc<dyn Source>> = HashMap::new();
    for job in &config.jobs.enabled {
        let fail = |reason: String| NodeError::Source { job: job.clone(), reason };
        let source: Arc<dyn Source> = match job.as_str() {
            "web:v1" => {
                Arc::new(WebSource::new(config.sources.web.clone()).map_err(|e| fail(e.to_string()))?)
            }
            "chain:v1" => Arc::new(chain_source(config, target).await?),
            "social:v1" => {
                let social =
                    config.sources.social.clone().ok_or_else(|| fail("needs [sources.social]".into()))?;
                Arc::new(SocialSource::new(social).map_err(|e| fail(e.to_string()))?)
            }
            "llm:v1" => Arc::new(
                crate::sources::llm::LlmSource::from_config(config.sources.llm.as_ref())
                    .map_err(|e| fail(e.to_string()))?,
            ),
            other => {
                return Err(fail(format!(
                    "unknown job type `{other}` (known: web:v1, chain:v1, social:v1, llm:v1)"
                )));
            }
        };
        sources.insert(job_type(source.job()), source);
    }
    Ok(sources)
}
