//! `masa deploy`: deploy the contract suite to a chain and record it in the manifest.
//!
//! Re-running against a chain that already has the suite detects it from the manifest (same
//! chain id, same code at every recorded address) and sends nothing. The manifest is written
//! once, atomically, after every contract is deployed: a failed run leaves no partial manifest.

use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256, U256, keccak256},
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
    sol_types::SolConstructor,
    transports::TransportError,
};
use masa_bindings::{
    artifacts::{self, ContractArtifact},
    contracts::MasaToken,
    manifest::{Deployment, Manifest},
    network::Networks,
};
use std::{collections::BTreeMap, future::Future, path::PathBuf, time::Duration};
use url::Url;

/// What to deploy, where, and where to record it.
#[derive(Debug, Clone)]
pub struct DeployConfig {
    /// JSON-RPC endpoint of the target chain.
    pub rpc_url: Url,
    /// Network name from `networks.toml`; found by chain id when not given.
    pub network: Option<String>,
    /// Directory holding `networks.toml` and the manifests.
    pub deployments_dir: PathBuf,
    /// Manifest path; `<deployments_dir>/<network>.json` when not given.
    pub manifest: Option<PathBuf>,
    /// Receives the whole MASA supply; the deployer when not given.
    pub genesis_holder: Option<Address>,
    /// Longest wait for one RPC answer or one transaction receipt.
    pub timeout: Duration,
}

/// Whether this run deployed the suite or found it already deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The suite was deployed by this run.
    Deployed,
    /// The manifest's deployment is live on the chain; nothing was sent.
    AlreadyDeployed,
}

/// The result of a deployment run.
#[derive(Debug, Clone)]
pub struct DeployReport {
    /// Deployed now or found.
    pub outcome: Outcome,
    /// The manifest describing the live deployment.
    pub manifest: Manifest,
    /// Where the manifest is.
    pub manifest_path: PathBuf,
}

/// Why a deployment failed. Nothing is written to the manifest on any of these.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The RPC endpoint did not answer.
    #[error("cannot reach the RPC at {url}: {reason}")]
    Unreachable {
        /// The endpoint.
        url: Url,
        /// Transport error or timeout.
        reason: String,
    },
    /// An RPC request failed after the endpoint answered once.
    #[error("RPC request {request} to {url} failed: {source}")]
    Rpc {
        /// The endpoint.
        url: Url,
        /// What was asked.
        request: &'static str,
        /// The transport error.
        source: TransportError,
    },
    /// The endpoint serves another chain than the named network.
    #[error("the RPC at {url} serves chain id {actual}, but network {network} is chain id {expected}")]
    WrongChain {
        /// The endpoint.
        url: Url,
        /// The network asked for.
        network: String,
        /// Its chain id.
        expected: u64,
        /// The endpoint's chain id.
        actual: u64,
    },
    /// The manifest at the target path belongs to another chain.
    #[error("manifest {path} is for chain id {manifest}, but the RPC at {url} serves chain id {rpc}")]
    ManifestForOtherChain {
        /// The manifest path.
        path: PathBuf,
        /// The manifest's chain id.
        manifest: u64,
        /// The endpoint.
        url: Url,
        /// The endpoint's chain id.
        rpc: u64,
    },
    /// A manifest address holds other code than what was deployed there.
    #[error(
        "manifest {path}: {contract} at {address} has code hash {found}, not the recorded {expected}; refusing to deploy over it"
    )]
    CodeMismatch {
        /// The manifest path.
        path: PathBuf,
        /// The contract name.
        contract: String,
        /// Its recorded address.
        address: Address,
        /// Recorded code hash.
        expected: B256,
        /// Code hash found on chain (the empty-code hash if there is no code).
        found: B256,
    },
    /// The deployer cannot pay for the deployment.
    #[error(
        "deployer {account} has {balance} wei on chain {chain_id}, but deploying {contract} needs about {needed} wei"
    )]
    InsufficientFunds {
        /// The deployer.
        account: Address,
        /// Its balance.
        balance: U256,
        /// Estimated cost (gas × max fee per gas).
        needed: U256,
        /// The chain.
        chain_id: u64,
        /// The contract about to be deployed.
        contract: &'static str,
    },
    /// Sending a creation transaction or waiting for it failed.
    #[error("deploying {contract} failed: {reason}")]
    Send {
        /// The contract.
        contract: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A creation transaction was mined but reverted.
    #[error("deploying {contract}: transaction {tx_hash} reverted")]
    Reverted {
        /// The contract.
        contract: &'static str,
        /// The transaction.
        tx_hash: B256,
    },
    /// Manifest, network or artifact problem.
    #[error(transparent)]
    Bindings(#[from] masa_bindings::Error),
}

/// Deploys the suite with `signer` as described by `config`, or finds it already deployed.
pub async fn deploy(config: &DeployConfig, signer: PrivateKeySigner) -> Result<DeployReport, DeployError> {
    let url = &config.rpc_url;
    let deployer = signer.address();
    let provider = ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url.clone());

    let chain_id = with_timeout(config.timeout, provider.get_chain_id())
        .await
        .map_err(|reason| DeployError::Unreachable { url: url.clone(), reason })?;

    let networks = Networks::load(&config.deployments_dir)?;
    let network = match &config.network {
        Some(name) => {
            let network = networks.by_name(name)?;
            if network.chain_id != chain_id {
                return Err(DeployError::WrongChain {
                    url: url.clone(),
                    network: name.clone(),
                    expected: network.chain_id,
                    actual: chain_id,
                });
            }
            name.clone()
        }
        None => {
            networks.by_chain_id(chain_id).map_or_else(|| format!("chain-{chain_id}"), |n| n.name.clone())
        }
    };
    let manifest_path =
        config.manifest.clone().unwrap_or_else(|| config.deployments_dir.join(format!("{network}.json")));

    let rpc = |request: &'static str| {
        move |source: TransportError| DeployError::Rpc { url: url.clone(), request, source }
    };

    if let Some(existing) = Manifest::load_if_exists(&manifest_path)? {
        if existing.chain_id != chain_id {
            return Err(DeployError::ManifestForOtherChain {
                path: manifest_path,
                manifest: existing.chain_id,
                url: url.clone(),
                rpc: chain_id,
            });
        }
        let mut live = 0;
        for (name, deployment) in &existing.contracts {
            let code = provider.get_code_at(deployment.address).await.map_err(rpc("eth_getCode"))?;
            let found = keccak256(&code);
            if found == deployment.code_hash {
                live += 1;
            } else if !code.is_empty() || live > 0 {
                return Err(DeployError::CodeMismatch {
                    path: manifest_path,
                    contract: name.clone(),
                    address: deployment.address,
                    expected: deployment.code_hash,
                    found,
                });
            }
        }
        if live == existing.contracts.len() && live > 0 {
            tracing::info!(manifest = %manifest_path.display(), "suite already deployed on chain {chain_id}");
            return Ok(DeployReport { outcome: Outcome::AlreadyDeployed, manifest: existing, manifest_path });
        }
        tracing::warn!(
            manifest = %manifest_path.display(),
            "no code at the manifest's addresses on chain {chain_id} (a fresh dev chain?): deploying afresh"
        );
    }

    let holder = config.genesis_holder.unwrap_or(deployer);
    let mut contracts = BTreeMap::new();

    // The suite, in dependency order. Each step: estimate, check funds, send, record.
    let token_args = MasaToken::constructorCall { genesisHolder: holder }.abi_encode();
    let token = MasaToken::deploy_builder(&provider, holder);
    let step = Step { artifact: artifacts::MASA_TOKEN, chain_id, deployer, timeout: config.timeout, url };
    let gas = token.estimate_gas().await.map_err(|e| step.send_error(&e))?;
    step.check_funds(&provider, gas).await?;
    let pending = token.send().await.map_err(|e| step.send_error(&e))?;
    contracts
        .insert(step.artifact.name.to_owned(), step.confirm(&provider, pending, token_args.into()).await?);

    let manifest =
        Manifest { network, chain_id, deployer, compiler: artifacts::MASA_TOKEN.compiler()?, contracts };
    manifest.save(&manifest_path)?;
    Ok(DeployReport { outcome: Outcome::Deployed, manifest, manifest_path })
}

/// One contract of the suite being deployed.
struct Step<'a> {
    artifact: ContractArtifact,
    chain_id: u64,
    deployer: Address,
    timeout: Duration,
    url: &'a Url,
}

impl Step<'_> {
    fn send_error(&self, err: &(dyn std::error::Error + 'static)) -> DeployError {
        DeployError::Send { contract: self.artifact.name, reason: error_chain(err) }
    }

    /// Fails before sending when the deployer cannot pay gas × max fee per gas.
    async fn check_funds(&self, provider: &impl Provider, gas: u64) -> Result<(), DeployError> {
        let rpc = |request| move |source| DeployError::Rpc { url: self.url.clone(), request, source };
        let fees = provider.estimate_eip1559_fees().await.map_err(rpc("eth_feeHistory"))?;
        let balance = provider.get_balance(self.deployer).await.map_err(rpc("eth_getBalance"))?;
        let needed = U256::from(gas) * U256::from(fees.max_fee_per_gas);
        if balance < needed {
            return Err(DeployError::InsufficientFunds {
                account: self.deployer,
                balance,
                needed,
                chain_id: self.chain_id,
                contract: self.artifact.name,
            });
        }
        Ok(())
    }

    /// Waits for the creation receipt and records the deployment.
    async fn confirm(
        &self,
        provider: &impl Provider,
        pending: alloy::providers::PendingTransactionBuilder<alloy::network::Ethereum>,
        constructor_args: alloy::primitives::Bytes,
    ) -> Result<Deployment, DeployError> {
        let tx_hash = *pending.tx_hash();
        tracing::info!(contract = self.artifact.name, %tx_hash, "creation transaction sent");
        let receipt =
            pending.with_timeout(Some(self.timeout)).get_receipt().await.map_err(|e| self.send_error(&e))?;
        let (Some(address), true) = (receipt.contract_address, receipt.status()) else {
            return Err(DeployError::Reverted { contract: self.artifact.name, tx_hash });
        };
        let code = provider.get_code_at(address).await.map_err(|source| DeployError::Rpc {
            url: self.url.clone(),
            request: "eth_getCode",
            source,
        })?;
        tracing::info!(contract = self.artifact.name, %address, block = receipt.block_number, "deployed");
        Ok(Deployment {
            address,
            tx_hash,
            block_number: receipt.block_number.unwrap_or_default(),
            block_hash: receipt.block_hash.unwrap_or_default(),
            code_hash: keccak256(&code),
            constructor_args,
        })
    }
}

/// Runs an RPC future with a deadline; the error is a readable reason.
async fn with_timeout<T>(
    timeout: Duration,
    fut: impl Future<Output = Result<T, TransportError>>,
) -> Result<T, String> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(error_chain(&err)),
        Err(_) => Err(format!("no answer within {}s", timeout.as_secs())),
    }
}

/// An error and its sources on one line (`a: b: c`), so the root cause is never lost.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
