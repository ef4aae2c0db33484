//! `masa deploy` (the library the binary runs) against a real anvil.

use alloy::{primitives::U256, providers::Provider, signers::local::PrivateKeySigner};
use masa_bindings::{
    contracts::{
        DataPools, FeeRouter, IssuerRegistry, MasaGenesis, MasaGovernor, MasaToken, MasaVestingWallet,
        OracleNodes, OracleRequests, OracleRewards, TimelockController, genesis::Category,
    },
    manifest::Manifest,
};
use masa_sdk::{
    deploy::{DeployConfig, Error as DeployError, Outcome, deploy},
    evm,
};
use masa_test_harness::{AnvilChain, Chain};
use std::time::Duration;

/// A deployments directory with the repository's network definitions, parameters and table.
pub(crate) fn deployments() -> tempfile::TempDir {
    masa_test_harness::deployments(&[]).unwrap()
}

pub(crate) fn config(rpc_url: &str, dir: &tempfile::TempDir) -> DeployConfig {
    DeployConfig {
        rpc_url: rpc_url.parse().unwrap(),
        network: None,
        deployments: dir.path().to_path_buf(),
        manifest: None,
        params: None,
        timeout: Duration::from_secs(10),
    }
}

#[tokio::test]
async fn deploys_once_then_detects_the_deployment() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let cfg = config(&chain.endpoint(), &dir);
    let deployer = chain.accounts()[0].clone();

    let first = deploy(&cfg, deployer.clone()).await.unwrap();
    assert_eq!(first.outcome, Outcome::Deployed);
    assert_eq!(first.manifest_path, dir.path().join("anvil.json"));
    assert_eq!(first.manifest.network, "anvil");
    assert_eq!(first.manifest.chain_id, 31337);
    assert_eq!(first.manifest.compiler.evm_version, "cancun");
    assert_eq!(Manifest::load(&first.manifest_path).unwrap(), first.manifest);

    let token = MasaToken::new(
        first.manifest.address_of(masa_bindings::Contract::MasaToken).unwrap(),
        chain.provider(),
    );
    let supply = token.totalSupply().call().await.unwrap();
    assert_eq!(supply, masa_bindings::TOTAL_SUPPLY);
    assert_eq!(token.TOTAL_SUPPLY().call().await.unwrap(), masa_bindings::TOTAL_SUPPLY);
    assert_eq!(token.balanceOf(deployer.address()).call().await.unwrap(), U256::ZERO, "all went to genesis");

    // the governor is the timelock's only proposer; the deployer kept no admin power
    let timelock = TimelockController::new(
        first.manifest.address_of(masa_bindings::Contract::TimelockController).unwrap(),
        chain.provider(),
    );
    let governor = first.manifest.address_of(masa_bindings::Contract::MasaGovernor).unwrap();
    let proposer = timelock.PROPOSER_ROLE().call().await.unwrap();
    let admin = timelock.DEFAULT_ADMIN_ROLE().call().await.unwrap();
    assert!(timelock.hasRole(proposer, governor).call().await.unwrap());
    assert!(!timelock.hasRole(proposer, deployer.address()).call().await.unwrap());
    assert!(!timelock.hasRole(admin, deployer.address()).call().await.unwrap());
    let dao = MasaGovernor::new(governor, chain.provider());
    assert_eq!(dao.token().call().await.unwrap(), *token.address());
    assert_eq!(dao.timelock().call().await.unwrap(), *timelock.address());
    assert_eq!(dao.CLOCK_MODE().call().await.unwrap(), "mode=timestamp");

    // the fee router swaps through the deployed Uniswap V2 and answers to the DAO
    let fees = FeeRouter::new(
        first.manifest.address_of(masa_bindings::Contract::FeeRouter).unwrap(),
        chain.provider(),
    );
    assert_eq!(fees.owner().call().await.unwrap(), *timelock.address());
    assert_eq!(
        fees.swapRouter().call().await.unwrap(),
        first.manifest.address_of(masa_bindings::Contract::UniswapV2Router02).unwrap()
    );
    assert_eq!(
        fees.wrappedNative().call().await.unwrap(),
        first.manifest.address_of(masa_bindings::Contract::WETH9).unwrap()
    );
    assert_eq!(fees.shares().call().await.unwrap().burnBps, 2_000);
    assert_eq!(fees.recipients().call().await.unwrap().treasury, *timelock.address());

    // the data pools stake through the registry, charge their fee through the router, answer to the DAO
    let pools = DataPools::new(
        first.manifest.address_of(masa_bindings::Contract::DataPools).unwrap(),
        chain.provider(),
    );
    assert_eq!(pools.owner().call().await.unwrap(), *timelock.address());
    assert_eq!(
        pools.zkSBT().call().await.unwrap(),
        first.manifest.address_of(masa_bindings::Contract::ZkSBT).unwrap()
    );
    assert_eq!(
        pools.deliveryVerifier().call().await.unwrap(),
        first.manifest.address_of(masa_bindings::Contract::DeliveryVerifier).unwrap()
    );
    assert_eq!(pools.feeRouter().call().await.unwrap(), *fees.address());
    assert_eq!(pools.masa().call().await.unwrap(), *token.address());
    assert_eq!(pools.createFeeBps().call().await.unwrap(), 100);

    // the oracle network: the registry answers to the DAO and tells the rewards of stake changes;
    // the rewards are paid by the genesis oracle wallet and the fee router's oracle share
    let address_of = |c| first.manifest.address_of(c).unwrap();
    let nodes = OracleNodes::new(address_of(masa_bindings::Contract::OracleNodes), chain.provider());
    let requests = OracleRequests::new(address_of(masa_bindings::Contract::OracleRequests), chain.provider());
    let rewards = OracleRewards::new(address_of(masa_bindings::Contract::OracleRewards), chain.provider());
    assert_eq!(nodes.owner().call().await.unwrap(), *timelock.address());
    assert_eq!(nodes.rewards().call().await.unwrap(), *rewards.address());
    assert_eq!(requests.nodes().call().await.unwrap(), *nodes.address());
    assert_eq!(rewards.nodes().call().await.unwrap(), *nodes.address());
    let oracle_wallet = first
        .manifest
        .vesting_wallets
        .iter()
        .find(|w| w.category == u8::from(Category::OracleStakingRewards))
        .unwrap()
        .wallet;
    assert_eq!(rewards.source().call().await.unwrap(), oracle_wallet);
    let wallet = MasaVestingWallet::new(oracle_wallet, chain.provider());
    assert_eq!(wallet.beneficiary().call().await.unwrap(), *rewards.address());
    assert_eq!(fees.recipients().call().await.unwrap().oracleRewards, *rewards.address());
    // the oracle network's active nodes attest the wallet-activity and web-page schemas
    let issuers = IssuerRegistry::new(address_of(masa_bindings::Contract::IssuerRegistry), chain.provider());
    assert_eq!(issuers.oracleNodes().call().await.unwrap(), *nodes.address());
    assert!(issuers.oracleServes(U256::from(3)).call().await.unwrap());
    assert!(issuers.oracleServes(U256::from(4)).call().await.unwrap());
    assert!(!issuers.oracleServes(U256::from(2)).call().await.unwrap());

    let block = chain.provider().get_block_number().await.unwrap();
    let second = deploy(&cfg, deployer).await.unwrap();
    assert_eq!(second.outcome, Outcome::AlreadyDeployed);
    assert_eq!(second.manifest, first.manifest);
    assert_eq!(chain.provider().get_block_number().await.unwrap(), block, "a re-run sent a transaction");
}

#[tokio::test]
async fn genesis_puts_the_whole_supply_into_vesting_wallets() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let report = deploy(&config(&chain.endpoint(), &dir), chain.accounts()[0].clone()).await.unwrap();
    let manifest = &report.manifest;
    let token =
        MasaToken::new(manifest.address_of(masa_bindings::Contract::MasaToken).unwrap(), chain.provider());
    let timelock = manifest.address_of(masa_bindings::Contract::TimelockController).unwrap();
    let supply = token.totalSupply().call().await.unwrap();
    assert_eq!(manifest.vesting_wallets.len(), 13);

    let mut held = U256::ZERO;
    for entry in &manifest.vesting_wallets {
        let balance = token.balanceOf(entry.wallet).call().await.unwrap();
        assert_eq!(balance, entry.amount, "wallet {} holds its allocation", entry.wallet);
        let wallet = MasaVestingWallet::new(entry.wallet, chain.provider());
        let beneficiary = if entry.category == u8::from(Category::OracleStakingRewards) {
            // the deployer, the table's beneficiary, handed the oracle wallet to the rewards
            manifest.address_of(masa_bindings::Contract::OracleRewards).unwrap()
        } else {
            entry.beneficiary
        };
        assert_eq!(wallet.beneficiary().call().await.unwrap(), beneficiary);
        assert_eq!(wallet.allocation().call().await.unwrap(), entry.amount);
        held += balance;
    }
    assert_eq!(held, supply, "every token is in a vesting wallet");
    let genesis = MasaGenesis::new(
        manifest.address_of(masa_bindings::Contract::MasaGenesis).unwrap(),
        chain.provider(),
    );
    assert!(genesis.distributed().call().await.unwrap());
    assert_eq!(token.balanceOf(*genesis.address()).call().await.unwrap(), U256::ZERO);

    // the DAO treasury (ecosystem growth) vests to the timelock; 1 MASA below the published table
    let ecosystem = manifest.vesting_wallets.iter().find(|w| w.category == 6).unwrap();
    assert_eq!(ecosystem.beneficiary, timelock);
    assert_eq!(ecosystem.amount, masa_bindings::masa(311_080_041));
}

#[tokio::test]
async fn a_table_that_misses_the_supply_fails_before_sending() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let path = dir.path().join("allocations/anvil.json");
    // the table as published (ecosystem 311,080,042): one MASA more than the supply
    let table = std::fs::read_to_string(&path).unwrap().replace("\"311080041\"", "\"311080042\"");
    std::fs::write(&path, table).unwrap();
    let err = deploy(&config(&chain.endpoint(), &dir), chain.accounts()[0].clone()).await.unwrap_err();
    assert!(err.to_string().contains("allocations sum to"), "{err}");
    assert_eq!(chain.provider().get_block_number().await.unwrap(), 0, "nothing may be mined");
    assert!(!dir.path().join("anvil.json").exists());
}

#[tokio::test]
async fn unreachable_rpc_fails_without_a_manifest() {
    let dir = deployments();
    // a port nothing listens on: bind one, then free it
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = config(&format!("http://127.0.0.1:{port}"), &dir);
    let err = deploy(&cfg, PrivateKeySigner::random()).await.unwrap_err();
    assert!(matches!(err, DeployError::Chain(evm::Error::Unreachable { .. })), "{err}");
    assert!(err.to_string().contains("Connection refused"), "{err}");
    assert!(!dir.path().join("anvil.json").exists());
}

#[tokio::test]
async fn unfunded_key_fails_without_a_manifest() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let pauper = PrivateKeySigner::random();
    let err = deploy(&config(&chain.endpoint(), &dir), pauper.clone()).await.unwrap_err();
    match err {
        DeployError::Step {
            source: evm::Error::InsufficientFunds { account, balance, needed, chain_id },
            ..
        } => {
            assert_eq!((account, balance, chain_id), (pauper.address(), U256::ZERO, 31337));
            assert!(needed > U256::ZERO);
        }
        other => panic!("expected InsufficientFunds, got {other}"),
    }
    assert!(!dir.path().join("anvil.json").exists());
    assert_eq!(chain.provider().get_block_number().await.unwrap(), 0, "nothing may be mined");
}

#[tokio::test]
async fn manifest_for_another_chain_is_refused_and_kept() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let cfg = config(&chain.endpoint(), &dir);
    let report = deploy(&cfg, chain.accounts()[0].clone()).await.unwrap();
    let mut foreign = report.manifest.clone();
    foreign.chain_id = 43113;
    foreign.save(&report.manifest_path).unwrap();
    let before = std::fs::read(&report.manifest_path).unwrap();

    let err = deploy(&cfg, chain.accounts()[0].clone()).await.unwrap_err();
    assert!(matches!(err, DeployError::ManifestForOtherChain { manifest: 43113, rpc: 31337, .. }), "{err}");
    assert_eq!(std::fs::read(&report.manifest_path).unwrap(), before, "the manifest was touched");
}

#[tokio::test]
async fn network_name_must_match_the_chain() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let cfg = DeployConfig { network: Some("fuji".into()), ..config(&chain.endpoint(), &dir) };
    let err = deploy(&cfg, chain.accounts()[0].clone()).await.unwrap_err();
    assert!(matches!(err, DeployError::WrongChain { expected: 43113, actual: 31337, .. }), "{err}");
    assert!(!dir.path().join("fuji.json").exists());
}

#[tokio::test]
async fn a_manifest_of_another_suite_is_refused() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let cfg = config(&chain.endpoint(), &dir);
    let report = deploy(&cfg, chain.accounts()[0].clone()).await.unwrap();
    let mut older = report.manifest.clone();
    older.contracts.remove("MasaGovernor");
    older.save(&report.manifest_path).unwrap();
    let err = deploy(&cfg, chain.accounts()[0].clone()).await.unwrap_err();
    assert!(matches!(err, DeployError::SuiteChanged { .. }), "{err}");
}

#[tokio::test]
async fn missing_suite_parameters_fail_before_sending() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    std::fs::remove_file(dir.path().join("params/anvil.toml")).unwrap();
    let err = deploy(&config(&chain.endpoint(), &dir), chain.accounts()[0].clone()).await.unwrap_err();
    assert!(err.to_string().contains("params/anvil.toml"), "{err}");
    assert_eq!(chain.provider().get_block_number().await.unwrap(), 0, "nothing may be mined");
}

#[tokio::test]
async fn other_code_at_a_manifest_address_is_refused() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let cfg = config(&chain.endpoint(), &dir);
    let report = deploy(&cfg, chain.accounts()[0].clone()).await.unwrap();
    let mut tampered = report.manifest.clone();
    tampered.contracts.get_mut("MasaToken").unwrap().code_hash = alloy::primitives::B256::repeat_byte(7);
    tampered.save(&report.manifest_path).unwrap();
    let err = deploy(&cfg, chain.accounts()[0].clone()).await.unwrap_err();
    assert!(matches!(err, DeployError::CodeMismatch { .. }), "{err}");
}
