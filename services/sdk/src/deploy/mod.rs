//! Deployment of the suite, one module per contract family, written once over [`Chain`]: `masa
//! deploy`, `masa devnet`, the test harness and the scenarios all run these functions.
//!
//! [`deploy`] is the whole suite on a JSON-RPC chain, recorded in the manifest. Re-running against
//! a chain that already has the suite detects it from the manifest (same chain id, same code at
//! every recorded address) and sends nothing. The manifest is written once, atomically, after
//! every contract is deployed: a failed run leaves no partial manifest.

// `Error` is returned at most once per run, never on a hot path, and its variants carry the
// context (paths, addresses, hashes) its one-line messages need: its size does not matter.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod allocations;
mod error;
pub mod fees;
pub mod genesis;
pub mod governance;
pub mod identity;
pub mod oracle;
pub mod params;
pub mod pools;
mod run;

pub use error::Error;
pub use run::{Deployer, Step};

use crate::evm::{Chain, RpcChain};
use allocations::AllocationTable;
use alloy::{primitives::keccak256, signers::local::PrivateKeySigner};
use masa_bindings::{
    Contract, artifacts,
    manifest::{Manifest, VestingWallet},
    network::Networks,
};
use params::{DeployDex, Dex, SuiteParams};
use std::{
    path::{Path, PathBuf},
    time::Duration,
};
use url::Url;

/// What to deploy, where, and where to record it.
#[derive(Debug, Clone)]
pub struct DeployConfig {
    /// JSON-RPC endpoint of the target chain.
    pub rpc_url: Url,
    /// Network name from `networks.toml`; found by chain id when not given.
    pub network: Option<String>,
    /// Directory holding `networks.toml`, the parameters and the manifests.
    pub deployments: PathBuf,
    /// Manifest path; `<deployments>/<network>.json` when not given.
    pub manifest: Option<PathBuf>,
    /// Suite parameters; `<deployments>/params/<network>.toml` when not given.
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

/// The suite's contracts for `params`, sorted by name (as a manifest lists them).
pub fn suite(params: &SuiteParams) -> Vec<Contract> {
    let deploys_dex = matches!(params.fees.dex, Dex::Deploy(DeployDex::UniswapV2));
    let mut suite: Vec<Contract> =
        Contract::ALL.iter().copied().filter(|c| deploys_dex || !Contract::UNISWAP_V2.contains(c)).collect();
    suite.sort_unstable_by_key(|c| c.name());
    suite
}

/// Deploys the suite in dependency order (governance, genesis, oracle, fees, identity, pools,
/// passes) with `run`, after checking the table and the shares; `deploy_time` is the timestamp
/// relative schedule points count from. Returns the vesting wallets genesis created.
pub async fn deploy_suite<C: Chain>(
    run: &mut Deployer<'_, C>,
    params: &SuiteParams,
    params_path: &Path,
    table: &AllocationTable,
    deploy_time: u64,
) -> Result<Vec<VestingWallet>, Error> {
    genesis::check_table(table, &suite(params))?;
    fees::check_shares(&params.fees, params_path)?;
    let config =
        params.identity.config().map_err(|reason| Error::Params { path: params_path.to_owned(), reason })?;
    params.pools.check().map_err(|reason| Error::Params { path: params_path.to_owned(), reason })?;
    params.passes.check().map_err(|reason| Error::Params { path: params_path.to_owned(), reason })?;
    params.oracle.config().map_err(|reason| Error::Params { path: params_path.to_owned(), reason })?;

    let gov = governance::deploy(run, &params.governance).await?;
    let vesting_wallets = genesis::deploy(run, gov, &params.genesis, table, deploy_time).await?;
    let oracle_wallet = vesting_wallets
        .iter()
        .find(|w| w.category == u8::from(masa_bindings::contracts::genesis::Category::OracleStakingRewards))
        .map(|w| w.wallet);
    let oracle =
        oracle::deploy_from_params(run, gov.token, gov.timelock, oracle_wallet, &params.oracle, params_path)
            .await?;
    let fee_router = fees::deploy(run, gov, &params.fees, params_path).await?;
    let identity = identity::deploy(
        run,
        identity::IdentityInit {
            owner: gov.timelock,
            fee_router,
            config,
            schemas: &params.identity.schemas,
            issuers: &params.identity.issuers,
            oracle_nodes: Some(oracle.nodes),
        },
    )
    .await?;
    let init = pools::PoolsInit {
        sbt: identity.sbt,
        fee_router,
        owner: gov.timelock,
        create_fee_bps: params.pools.create_fee_bps,
    };
    pools::deploy(run, init).await?;
    let delivery_verifier = run.address_of(Contract::DeliveryVerifier).expect("the pools deployed it");
    let init = access::PassesInit {
        sbt: identity.sbt,
        delivery_verifier,
        fee_router,
        owner: gov.timelock,
        params: params.passes,
    };
    access::deploy(run, init).await?;
    Ok(vesting_wallets)
}

/// Deploys the suite with `signer` as described by `config`, or finds it already deployed.
pub async fn deploy(config: &DeployConfig, signer: PrivateKeySigner) -> Result<DeployReport, Error> {
    let url = config.rpc_url.to_string();
    let deployer = signer.address();
    let mut chain = RpcChain::connect(config.rpc_url.clone(), vec![signer], config.timeout).await?;
    let chain_id = chain.chain_id();

    let networks = Networks::load(&config.deployments)?;
    let network = match &config.network {
        Some(name) => {
            let network = networks.by_name(name)?;
            if network.chain_id != chain_id {
                return Err(Error::WrongChain {
                    url,
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
        config.manifest.clone().unwrap_or_else(|| config.deployments.join(format!("{network}.json")));
    let params_path =
        config.params.clone().unwrap_or_else(|| SuiteParams::path(&config.deployments, &network));
    let params = SuiteParams::load(&params_path)?;

    if let Some(existing) = live_deployment(&chain, &manifest_path, &url, &suite(&params)).await? {
        tracing::info!(manifest = %manifest_path.display(), "suite already deployed on chain {chain_id}");
        return Ok(DeployReport { outcome: Outcome::AlreadyDeployed, manifest: existing, manifest_path });
    }

    let table = AllocationTable::load(config.deployments.join(&params.genesis.allocations))?;
    let deploy_time = chain.timestamp().await?;
    let mut run = Deployer::new(&mut chain, deployer);
    let vesting_wallets = deploy_suite(&mut run, &params, &params_path, &table, deploy_time).await?;

    let compiler = artifacts::artifact(Contract::MasaToken.name()).expect("MasaToken is bound").compiler()?;
    let manifest =
        Manifest { network, chain_id, deployer, compiler, contracts: run.into_contracts(), vesting_wallets };
    manifest.save(&manifest_path)?;
    Ok(DeployReport { outcome: Outcome::Deployed, manifest, manifest_path })
}

/// The manifest at `path` when its deployment of `suite` is live on `chain`; `None` when there
/// is no manifest or no code at its addresses (a fresh dev chain); an error when the chain holds
/// other code there or the manifest records another suite.
async fn live_deployment(
    chain: &RpcChain,
    path: &Path,
    url: &str,
    suite: &[Contract],
) -> Result<Option<Manifest>, Error> {
    let Some(existing) = Manifest::load_if_exists(path)? else { return Ok(None) };
    if existing.chain_id != chain.chain_id() {
        return Err(Error::ManifestForOtherChain {
            path: path.to_owned(),
            manifest: existing.chain_id,
            url: url.to_owned(),
            rpc: chain.chain_id(),
        });
    }
    let mut live = 0;
    for (name, deployment) in &existing.contracts {
        let code = chain.code_at(deployment.address).await?;
        let found = keccak256(&code);
        if found == deployment.code_hash {
            live += 1;
        } else if !code.is_empty() || live > 0 {
            return Err(Error::CodeMismatch {
                path: path.to_owned(),
                contract: name.clone(),
                address: deployment.address,
                expected: deployment.code_hash,
                found,
            });
        }
    }
    if live == 0 || live != existing.contracts.len() {
        tracing::warn!(
            manifest = %path.display(),
            "no code at the manifest's addresses on chain {} (a fresh dev chain?): deploying afresh",
            chain.chain_id()
        );
        return Ok(None);
    }
    let recorded: Vec<&str> = existing.contracts.keys().map(String::as_str).collect();
    let expected: Vec<&str> = suite.iter().map(|c| c.name()).collect();
    if recorded != expected {
        return Err(Error::SuiteChanged {
            path: path.to_owned(),
            recorded: recorded.join(", "),
            suite: expected.join(", "),
        });
    }
    Ok(Some(existing))
}
