//! `masa deploy`: deploy the contract suite to a chain and record it in the manifest.
//!
//! Re-running against a chain that already has the suite detects it from the manifest (same
//! chain id, same code at every recorded address) and sends nothing. The manifest is written
//! once, atomically, after every contract is deployed: a failed run leaves no partial manifest.

// `DeployError` is returned at most once per run, never on a hot path, and its variants carry
// the context (paths, addresses, hashes) its one-line messages need: its size does not matter.
#![allow(clippy::result_large_err)]

mod error;
mod fees;
mod genesis;
mod governance;
mod identity;
mod runner;

pub use error::DeployError;

use alloy::{
    eips::BlockNumberOrTag,
    network::EthereumWallet,
    primitives::keccak256,
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
    transports::TransportError,
};
use masa_bindings::{
    allocations::AllocationTable,
    artifacts,
    manifest::Manifest,
    network::Networks,
    params::{DeployDex, Dex, SuiteParams},
};
use runner::{Deployer, with_timeout};
use std::{collections::BTreeMap, path::PathBuf, time::Duration};
use url::Url;

/// The contracts of the suite, in deployment order.
pub const SUITE: [&str; 12] = [
    "MasaToken",
    "TimelockController",
    "MasaGovernor",
    "MasaVestingWallet",
    "MasaGenesis",
    "FeeRouter",
    "PoseidonT3",
    "PoseidonT5",
    "PoseidonT6",
    "DisclosureVerifier",
    "IssuerRegistry",
    "ZkSBT",
];

/// The Uniswap V2 contracts deployed with the suite where the parameters ask for it (devnets).
pub const UNISWAP_V2: [&str; 3] = ["WETH9", "UniswapV2Factory", "UniswapV2Router02"];

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
    /// Suite parameters; `<deployments_dir>/params/<network>.toml` when not given.
    pub params: Option<PathBuf>,
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

/// Deploys the suite with `signer` as described by `config`, or finds it already deployed.
pub async fn deploy(config: &DeployConfig, signer: PrivateKeySigner) -> Result<DeployReport, DeployError> {
    let url = &config.rpc_url;
    let deployer = signer.address();
    let provider = ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url.clone());

    let chain_id = with_timeout(config.timeout, provider.get_chain_id())
        .await
        .map_err(|reason| DeployError::Unreachable { url: url.to_string(), reason })?;

    let networks = Networks::load(&config.deployments_dir)?;
    let network = match &config.network {
        Some(name) => {
            let network = networks.by_name(name)?;
            if network.chain_id != chain_id {
                return Err(DeployError::WrongChain {
                    url: url.to_string(),
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
        move |source: TransportError| DeployError::Rpc {
            url: url.to_string(),
            request,
            source: Box::new(source),
        }
    };

    let params_path = match &config.params {
        Some(path) => path.clone(),
        None => SuiteParams::path(&config.deployments_dir, &network),
    };
    let params = SuiteParams::load(&params_path)?;
    let mut suite: Vec<&str> = SUITE.to_vec();
    if matches!(params.fees.dex, Dex::Deploy(DeployDex::UniswapV2)) {
        suite.extend(UNISWAP_V2);
    }
    suite.sort_unstable();

    if let Some(existing) = Manifest::load_if_exists(&manifest_path)? {
        if existing.chain_id != chain_id {
            return Err(DeployError::ManifestForOtherChain {
                path: manifest_path,
                manifest: existing.chain_id,
                url: url.to_string(),
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
            let recorded: Vec<&str> = existing.contracts.keys().map(String::as_str).collect();
            if recorded != suite {
                return Err(DeployError::SuiteChanged {
                    path: manifest_path,
                    recorded: recorded.join(", "),
                    suite: suite.join(", "),
                });
            }
            tracing::info!(manifest = %manifest_path.display(), "suite already deployed on chain {chain_id}");
            return Ok(DeployReport { outcome: Outcome::AlreadyDeployed, manifest: existing, manifest_path });
        }
        tracing::warn!(
            manifest = %manifest_path.display(),
            "no code at the manifest's addresses on chain {chain_id} (a fresh dev chain?): deploying afresh"
        );
    }

    let table = AllocationTable::load(config.deployments_dir.join(&params.genesis.allocations))?;
    // Check everything that can be checked before sending anything.
    genesis::check_table(&table, &suite)?;
    fees::check_shares(&params.fees, &params_path)?;
    let deploy_time = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .map_err(rpc("eth_getBlockByNumber"))?
        .map_or(0, |block| block.header.timestamp);
    let mut run = Deployer {
        provider: &provider,
        url,
        chain_id,
        deployer,
        timeout: config.timeout,
        contracts: BTreeMap::new(),
    };

    // The suite, in dependency order.
    let gov = governance::deploy(&mut run, &params.governance).await?;
    let vesting_wallets = genesis::deploy(&mut run, gov, &params.genesis, &table, deploy_time).await?;
    fees::deploy(&mut run, gov, &params.fees, &params_path).await?;
    identity::deploy(&mut run, gov, &params.identity, &params_path).await?;

    let compiler = artifacts::artifact("MasaToken").expect("MasaToken is bound").compiler()?;
    let manifest =
        Manifest { network, chain_id, deployer, compiler, contracts: run.contracts, vesting_wallets };
    manifest.save(&manifest_path)?;
    Ok(DeployReport { outcome: Outcome::Deployed, manifest, manifest_path })
}
