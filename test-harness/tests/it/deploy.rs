//! `masa deploy` (the library the binary runs) against a real anvil.

use alloy::{
    primitives::{U256, address},
    providers::Provider,
    signers::local::PrivateKeySigner,
};
use masa_bindings::{
    contracts::{MasaGovernor, MasaToken, TimelockController},
    manifest::Manifest,
};
use masa_cli::deploy::{DeployConfig, DeployError, Outcome, deploy};
use masa_test_harness::{AnvilChain, Chain};
use std::{path::PathBuf, time::Duration};

/// A deployments directory with the repository's network definitions.
fn deployments() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deployments");
    std::fs::copy(repo.join("networks.toml"), dir.path().join("networks.toml")).unwrap();
    std::fs::create_dir(dir.path().join("params")).unwrap();
    std::fs::copy(repo.join("params/anvil.toml"), dir.path().join("params/anvil.toml")).unwrap();
    dir
}

fn config(rpc_url: &str, dir: &tempfile::TempDir) -> DeployConfig {
    DeployConfig {
        rpc_url: rpc_url.parse().unwrap(),
        network: None,
        deployments_dir: dir.path().to_path_buf(),
        manifest: None,
        params: None,
        genesis_holder: None,
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

    let token = MasaToken::new(first.manifest.address_of("MasaToken").unwrap(), chain.provider());
    let supply = token.totalSupply().call().await.unwrap();
    assert_eq!(supply, U256::from(1_588_866_523u64) * U256::from(10u64).pow(U256::from(18u64)));
    assert_eq!(token.balanceOf(deployer.address()).call().await.unwrap(), supply);

    // the governor is the timelock's only proposer; the deployer kept no admin power
    let timelock =
        TimelockController::new(first.manifest.address_of("TimelockController").unwrap(), chain.provider());
    let governor = first.manifest.address_of("MasaGovernor").unwrap();
    let proposer = timelock.PROPOSER_ROLE().call().await.unwrap();
    let admin = timelock.DEFAULT_ADMIN_ROLE().call().await.unwrap();
    assert!(timelock.hasRole(proposer, governor).call().await.unwrap());
    assert!(!timelock.hasRole(proposer, deployer.address()).call().await.unwrap());
    assert!(!timelock.hasRole(admin, deployer.address()).call().await.unwrap());
    let dao = MasaGovernor::new(governor, chain.provider());
    assert_eq!(dao.token().call().await.unwrap(), *token.address());
    assert_eq!(dao.timelock().call().await.unwrap(), *timelock.address());
    assert_eq!(dao.CLOCK_MODE().call().await.unwrap(), "mode=timestamp");

    let block = chain.provider().get_block_number().await.unwrap();
    let second = deploy(&cfg, deployer).await.unwrap();
    assert_eq!(second.outcome, Outcome::AlreadyDeployed);
    assert_eq!(second.manifest, first.manifest);
    assert_eq!(chain.provider().get_block_number().await.unwrap(), block, "a re-run sent a transaction");
}

#[tokio::test]
async fn genesis_holder_receives_the_supply() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments();
    let holder = address!("00000000000000000000000000000000000A11CE");
    let cfg = DeployConfig { genesis_holder: Some(holder), ..config(&chain.endpoint(), &dir) };
    let report = deploy(&cfg, chain.accounts()[0].clone()).await.unwrap();
    let token = MasaToken::new(report.manifest.address_of("MasaToken").unwrap(), chain.provider());
    assert_eq!(token.balanceOf(holder).call().await.unwrap(), token.totalSupply().call().await.unwrap());
}

#[tokio::test]
async fn unreachable_rpc_fails_without_a_manifest() {
    let dir = deployments();
    // a port nothing listens on: bind one, then free it
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = config(&format!("http://127.0.0.1:{port}"), &dir);
    let err = deploy(&cfg, PrivateKeySigner::random()).await.unwrap_err();
    assert!(matches!(err, DeployError::Unreachable { .. }), "{err}");
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
        DeployError::InsufficientFunds { account, balance, needed, chain_id, .. } => {
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
