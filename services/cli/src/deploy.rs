//! `masa deploy`: deploy the contract suite to a chain and record it in the manifest.
//!
//! Re-running against a chain that already has the suite detects it from the manifest (same
//! chain id, same code at every recorded address) and sends nothing. The manifest is written
//! once, atomically, after every contract is deployed: a failed run leaves no partial manifest.

// `DeployError` is returned at most once per run, never on a hot path, and its variants carry
// the context (paths, addresses, hashes) its one-line messages need: its size does not matter.
#![allow(clippy::result_large_err)]

use alloy::{
    contract::{CallBuilder, CallDecoder},
    eips::BlockNumberOrTag,
    network::EthereumWallet,
    primitives::{Address, B256, Bytes, U256, aliases::U48, keccak256},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionReceipt,
    signers::local::PrivateKeySigner,
    sol_types::SolConstructor,
    transports::TransportError,
};
use masa_bindings::{
    TOTAL_SUPPLY,
    allocations::{AllocationTable, TableError},
    artifacts,
    contracts::{
        FeeRouter, IFeeRouter, MasaGenesis, MasaGovernor, MasaToken, MasaVestingWallet, TimelockController,
    },
    manifest::{Deployment, Manifest, VestingWallet},
    masa,
    network::Networks,
    params::{AddressRef, DeployDex, Dex, SuiteParams},
    uniswap::{UniswapV2Factory, UniswapV2Router02, WETH9},
};
use std::{collections::BTreeMap, future::Future, path::PathBuf, time::Duration};
use url::Url;

/// The contracts of the suite, in deployment order.
pub const SUITE: [&str; 6] =
    ["MasaToken", "TimelockController", "MasaGovernor", "MasaVestingWallet", "MasaGenesis", "FeeRouter"];

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

/// Why a deployment failed. Nothing is written to the manifest on any of these.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The RPC endpoint did not answer.
    #[error("cannot reach the RPC at {url}: {reason}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// Transport error or timeout.
        reason: String,
    },
    /// An RPC request failed after the endpoint answered once.
    #[error("RPC request {request} to {url} failed: {source}")]
    Rpc {
        /// The endpoint.
        url: String,
        /// What was asked.
        request: &'static str,
        /// The transport error.
        source: Box<TransportError>,
    },
    /// The endpoint serves another chain than the named network.
    #[error("the RPC at {url} serves chain id {actual}, but network {network} is chain id {expected}")]
    WrongChain {
        /// The endpoint.
        url: String,
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
        url: String,
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
    /// The manifest records a live deployment of another set of contracts than this suite.
    #[error(
        "manifest {path} records a live deployment of [{recorded}], not this suite's [{suite}]; deploy to a new manifest (--manifest)"
    )]
    SuiteChanged {
        /// The manifest path.
        path: PathBuf,
        /// Contracts in the manifest.
        recorded: String,
        /// Contracts of this suite.
        suite: String,
    },
    /// The deployer cannot pay for the deployment.
    #[error("deployer {account} has {balance} wei on chain {chain_id}, but {step} needs about {needed} wei")]
    InsufficientFunds {
        /// The deployer.
        account: Address,
        /// Its balance.
        balance: U256,
        /// Estimated cost (gas × max fee per gas).
        needed: U256,
        /// The chain.
        chain_id: u64,
        /// The step about to be sent.
        step: &'static str,
    },
    /// Sending a transaction of the deployment or waiting for it failed.
    #[error("{step} failed: {reason}")]
    Send {
        /// The deployment step (contract creation or set-up call).
        step: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A transaction of the deployment was mined but reverted.
    #[error("{step}: transaction {tx_hash} reverted")]
    Reverted {
        /// The deployment step.
        step: &'static str,
        /// The transaction.
        tx_hash: B256,
    },
    /// The suite parameters are inconsistent.
    #[error("suite parameters {path}: {reason}")]
    Params {
        /// The parameters file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The allocation table cannot be distributed.
    #[error("allocation table: {0}")]
    Table(#[from] TableError),
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
    // Check the table before sending anything (suite contract names resolve to a stand-in).
    table.entries(TOTAL_SUPPLY, |name| suite.contains(&name).then_some(Address::ZERO))?;
    let fees = &params.fees;
    let share_sum = [
        fees.shares.burn,
        fees.shares.oracle,
        fees.shares.validator,
        fees.shares.contributor,
        fees.shares.treasury,
    ]
    .iter()
    .map(|&bps| u32::from(bps))
    .sum::<u32>();
    if share_sum != 10_000 {
        return Err(DeployError::Params {
            path: params_path,
            reason: format!("fee shares sum to {share_sum} basis points, not 10000"),
        });
    }
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
    let token = run
        .create(
            "MasaToken",
            // the deployer receives the supply, then hands all of it to MasaGenesis below
            MasaToken::deploy_builder(&provider, deployer),
            MasaToken::constructorCall { genesisHolder: deployer }.abi_encode().into(),
        )
        .await?;

    let gov = &params.governance;
    let timelock_args = TimelockController::constructorCall {
        minDelay: U256::from(gov.timelock_min_delay),
        proposers: vec![],
        executors: vec![Address::ZERO], // execution of passed proposals is open to anyone
        admin: deployer,                // renounced below, once the governor holds its roles
    };
    let timelock = run
        .create(
            "TimelockController",
            TimelockController::deploy_builder(
                &provider,
                timelock_args.minDelay,
                timelock_args.proposers.clone(),
                timelock_args.executors.clone(),
                timelock_args.admin,
            ),
            timelock_args.abi_encode().into(),
        )
        .await?;

    let governor_config = MasaGovernor::Config {
        votingDelay: U48::from(gov.voting_delay),
        votingPeriod: gov.voting_period,
        proposalThreshold: masa(gov.proposal_threshold_masa),
        quorumPercent: U256::from(gov.quorum_percent),
        voteExtension: U48::from(gov.vote_extension),
    };
    let governor_args = MasaGovernor::constructorCall { token, timelock, config: governor_config.clone() };
    let governor = run
        .create(
            "MasaGovernor",
            MasaGovernor::deploy_builder(&provider, token, timelock, governor_config),
            governor_args.abi_encode().into(),
        )
        .await?;

    // The governor becomes the timelock's only proposer and canceller; the deployer lets go.
    let timelock_contract = TimelockController::new(timelock, &provider);
    let roles = [
        ("PROPOSER_ROLE", timelock_contract.PROPOSER_ROLE().call().await),
        ("CANCELLER_ROLE", timelock_contract.CANCELLER_ROLE().call().await),
    ];
    for (name, role) in roles {
        let role = role.map_err(|e| run.error(name, &e))?;
        run.execute("TimelockController.grantRole", timelock_contract.grantRole(role, governor)).await?;
    }
    let admin = timelock_contract
        .DEFAULT_ADMIN_ROLE()
        .call()
        .await
        .map_err(|e| run.error("DEFAULT_ADMIN_ROLE", &e))?;
    run.execute("TimelockController.renounceRole", timelock_contract.renounceRole(admin, deployer)).await?;

    // Genesis: every token goes into a vesting wallet, in one transaction.
    let implementation = run
        .create(
            "MasaVestingWallet",
            MasaVestingWallet::deploy_builder(&provider),
            MasaVestingWallet::constructorCall {}.abi_encode().into(),
        )
        .await?;
    let genesis_params = &params.genesis;
    let genesis_args = MasaGenesis::constructorCall {
        token_: token,
        vestingImplementation_: implementation,
        publicSale_: genesis_params.public_sale.resolve(deploy_time),
        listing_: genesis_params.listing.resolve(deploy_time),
        oracleLaunch_: genesis_params.oracle_launch.resolve(deploy_time),
        treasury_: timelock, // unvested tokens of revoked wallets return to the DAO
        revoker_: timelock,
    };
    let genesis = run
        .create(
            "MasaGenesis",
            MasaGenesis::deploy_builder(
                &provider,
                genesis_args.token_,
                genesis_args.vestingImplementation_,
                genesis_args.publicSale_,
                genesis_args.listing_,
                genesis_args.oracleLaunch_,
                genesis_args.treasury_,
                genesis_args.revoker_,
            ),
            genesis_args.abi_encode().into(),
        )
        .await?;
    let entries = table.entries(TOTAL_SUPPLY, |name| run.contracts.get(name).map(|d| d.address))?;
    let masa_token = MasaToken::new(token, &provider);
    run.execute("MasaToken.transfer to MasaGenesis", masa_token.transfer(genesis, TOTAL_SUPPLY)).await?;
    let receipt = run
        .execute("MasaGenesis.distribute", MasaGenesis::new(genesis, &provider).distribute(entries))
        .await?;
    let vesting_wallets = receipt
        .inner
        .logs()
        .iter()
        .filter_map(|log| log.log_decode::<MasaGenesis::AllocationCreated>().ok())
        .map(|log| {
            let created = log.inner.data;
            VestingWallet {
                category: created.category,
                beneficiary: created.beneficiary,
                wallet: created.wallet,
                amount: created.amount,
            }
        })
        .collect();

    // Fees: the exchange (the real Uniswap V2 on a devnet), then the router, owned by the DAO.
    let (swap_router, wrapped_native) = match &fees.dex {
        Dex::Existing { router, wrapped_native } => (*router, wrapped_native.unwrap_or(Address::ZERO)),
        Dex::Deploy(DeployDex::UniswapV2) => {
            let weth = run.create("WETH9", WETH9::deploy_builder(&provider), Bytes::new()).await?;
            let factory = run
                .create(
                    "UniswapV2Factory",
                    UniswapV2Factory::deploy_builder(&provider, timelock),
                    UniswapV2Factory::constructorCall { _feeToSetter: timelock }.abi_encode().into(),
                )
                .await?;
            let router = run
                .create(
                    "UniswapV2Router02",
                    UniswapV2Router02::deploy_builder(&provider, factory, weth),
                    UniswapV2Router02::constructorCall { _factory: factory, _WETH: weth }.abi_encode().into(),
                )
                .await?;
            (router, weth)
        }
    };
    let resolve = |name: &str| run.contracts.get(name).map(|d| d.address);
    let recipient = |which: &'static str, address: &AddressRef| {
        address.resolve(resolve).ok_or_else(|| DeployError::Params {
            path: params_path.clone(),
            reason: format!("fee recipient {which} names no contract of the suite"),
        })
    };
    let shares = IFeeRouter::Shares {
        burnBps: fees.shares.burn,
        oracleBps: fees.shares.oracle,
        validatorBps: fees.shares.validator,
        contributorBps: fees.shares.contributor,
        treasuryBps: fees.shares.treasury,
    };
    let recipients = IFeeRouter::Recipients {
        oracleRewards: recipient("oracle_rewards", &fees.recipients.oracle_rewards)?,
        validatorRewards: recipient("validator_rewards", &fees.recipients.validator_rewards)?,
        contributorRewards: recipient("contributor_rewards", &fees.recipients.contributor_rewards)?,
        treasury: recipient("treasury", &fees.recipients.treasury)?,
    };
    let fee_router_args = FeeRouter::constructorCall {
        masa_: token,
        swapRouter_: swap_router,
        wrappedNative_: wrapped_native,
        owner_: timelock,
        shares_: shares.clone(),
        recipients_: recipients.clone(),
    };
    run.create(
        "FeeRouter",
        FeeRouter::deploy_builder(
            &provider,
            token,
            swap_router,
            wrapped_native,
            timelock,
            shares,
            recipients,
        ),
        fee_router_args.abi_encode().into(),
    )
    .await?;

    let compiler = artifacts::artifact("MasaToken").expect("MasaToken is bound").compiler()?;
    let manifest =
        Manifest { network, chain_id, deployer, compiler, contracts: run.contracts, vesting_wallets };
    manifest.save(&manifest_path)?;
    Ok(DeployReport { outcome: Outcome::Deployed, manifest, manifest_path })
}

/// One deployment run: sends transactions from the deployer and records the created contracts.
struct Deployer<'a, P> {
    provider: &'a P,
    url: &'a Url,
    chain_id: u64,
    deployer: Address,
    timeout: Duration,
    contracts: BTreeMap<String, Deployment>,
}

impl<P: Provider> Deployer<'_, P> {
    fn error(&self, step: &'static str, err: &(dyn std::error::Error + 'static)) -> DeployError {
        DeployError::Send { step, reason: error_chain(err) }
    }

    /// Deploys `contract` with `builder` (whose constructor arguments are `args`): estimates,
    /// checks funds, sends, waits, and records the deployment.
    async fn create<Q: Provider, D: CallDecoder>(
        &mut self,
        contract: &'static str,
        builder: CallBuilder<Q, D>,
        constructor_args: Bytes,
    ) -> Result<Address, DeployError> {
        let receipt = self.execute(contract, builder).await?;
        let address = receipt
            .contract_address
            .ok_or(DeployError::Reverted { step: contract, tx_hash: receipt.transaction_hash })?;
        let code = self.provider.get_code_at(address).await.map_err(|source| DeployError::Rpc {
            url: self.url.to_string(),
            request: "eth_getCode",
            source: Box::new(source),
        })?;
        tracing::info!(contract, %address, block = receipt.block_number, "deployed");
        self.contracts.insert(
            contract.to_owned(),
            Deployment {
                address,
                tx_hash: receipt.transaction_hash,
                block_number: receipt.block_number.unwrap_or_default(),
                block_hash: receipt.block_hash.unwrap_or_default(),
                code_hash: keccak256(&code),
                constructor_args,
            },
        );
        Ok(address)
    }

    /// Sends one transaction of the run and waits for its successful receipt. Fails before
    /// sending when the deployer cannot pay gas × max fee per gas.
    async fn execute<Q: Provider, D: CallDecoder>(
        &self,
        step: &'static str,
        builder: CallBuilder<Q, D>,
    ) -> Result<TransactionReceipt, DeployError> {
        let rpc = |request| {
            move |source| DeployError::Rpc { url: self.url.to_string(), request, source: Box::new(source) }
        };
        let gas = builder.estimate_gas().await.map_err(|e| self.error(step, &e))?;
        let fees = self.provider.estimate_eip1559_fees().await.map_err(rpc("eth_feeHistory"))?;
        let balance = self.provider.get_balance(self.deployer).await.map_err(rpc("eth_getBalance"))?;
        let needed = U256::from(gas) * U256::from(fees.max_fee_per_gas);
        if balance < needed {
            return Err(DeployError::InsufficientFunds {
                account: self.deployer,
                balance,
                needed,
                chain_id: self.chain_id,
                step,
            });
        }
        let pending = builder
            .gas(gas)
            .max_fee_per_gas(fees.max_fee_per_gas)
            .max_priority_fee_per_gas(fees.max_priority_fee_per_gas)
            .send()
            .await
            .map_err(|e| self.error(step, &e))?;
        let tx_hash = *pending.tx_hash();
        tracing::debug!(step, %tx_hash, "transaction sent");
        let receipt =
            pending.with_timeout(Some(self.timeout)).get_receipt().await.map_err(|e| self.error(step, &e))?;
        if !receipt.status() {
            return Err(DeployError::Reverted { step, tx_hash });
        }
        Ok(receipt)
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
