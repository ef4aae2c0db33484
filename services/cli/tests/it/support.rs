//! What the tests share: the binary as a person runs it, the library as the binary runs it, and
//! a deployments directory with the repository's network definitions, parameters and table.

use alloy::{
    network::EthereumWallet,
    providers::{DynProvider, Provider, ProviderBuilder},
};
use clap::Parser;
use masa_bindings::{contracts::genesis::Category, manifest::Manifest};
use masa_cli::{CliError, cmd::Cli};
use masa_prover::{keys::Keys, paths};
use masa_sdk::{
    deploy::{DeployConfig, deploy},
    vesting::release,
    zksbt::RecordDraft,
};
use masa_test_harness::{AnvilChain, Chain};
use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    time::Duration,
};

/// The repository's root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the `masa` binary from the repository's root, without key or RPC from the environment.
pub(crate) fn masa_bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_masa"))
        .args(args)
        .current_dir(root())
        .env_remove("MASA_PRIVATE_KEY")
        .env_remove("MASA_RPC_URL")
        .env_remove("MASA_NETWORK")
        .env_remove("MASA_DEPLOYMENTS")
        .output()
        .unwrap()
}

/// Runs `masa <args>` in-process, as the binary does.
pub(crate) async fn masa(args: &[&str]) -> Result<(), CliError> {
    Cli::try_parse_from(std::iter::once("masa").chain(args.iter().copied()))
        .expect("arguments parse")
        .run()
        .await
}

/// The `error: ` lines of a run, which must have failed with status 1.
fn error_lines(out: &Output) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    stderr.lines().filter(|l| l.starts_with("error: ")).map(str::to_owned).collect()
}

/// Exactly one line on stderr starting with `error: `, containing `needle`, and exit status 1.
pub(crate) fn assert_one_line_error(out: &Output, needle: &str) {
    let errors = error_lines(out);
    assert_eq!(errors.len(), 1, "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(errors[0].contains(needle), "{:?} lacks {needle:?}", errors[0]);
}

/// Exactly one `error: ` line on stderr, and it is `line`; exit status 1.
pub(crate) fn assert_error_line(out: &Output, line: &str) {
    assert_eq!(error_lines(out), [line], "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

/// A deployments directory with the repository's network definitions, table and parameters,
/// with `replace` applied to `params/anvil.toml` (each `from` must occur).
pub(crate) fn deployments(replace: &[(&str, &str)]) -> tempfile::TempDir {
    masa_test_harness::deployments(replace).unwrap()
}

/// Deployment of the suite on `rpc_url`, recorded in `dir`.
pub(crate) fn config(rpc_url: &str, dir: &tempfile::TempDir) -> DeployConfig {
    DeployConfig {
        rpc_url: rpc_url.parse().unwrap(),
        network: None,
        deployments: dir.path().to_path_buf(),
        manifest: None,
        params: None,
        timeout: Duration::from_secs(60),
    }
}

/// Account `i`'s private key as `--private-key` takes it.
pub(crate) fn key(chain: &impl masa_test_harness::Chain, i: usize) -> String {
    format!("0x{}", alloy::hex::encode(chain.accounts()[i].to_bytes()))
}

/// `args` followed by `--rpc-url <endpoint> --deployments <dir>`.
pub(crate) fn on(endpoint: &str, dir: &tempfile::TempDir, args: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    v.extend(["--rpc-url".into(), endpoint.into(), "--deployments".into(), dir.path().display().to_string()]);
    v
}

/// Runs `args` (owned strings) in-process.
pub(crate) async fn run(args: Vec<String>) -> Result<(), CliError> {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    masa(&refs).await
}

/// A deployed suite on anvil for the data market: account 0 (the developer) holds the released
/// community allocation; the development delivery proving key is in `tmp`.
pub(crate) struct Market {
    pub chain: AnvilChain,
    pub dir: tempfile::TempDir,
    pub manifest: Manifest,
    /// Signs as account 0.
    pub provider: DynProvider,
    pub tmp: tempfile::TempDir,
    pub proving_key: PathBuf,
    pub circuit: PathBuf,
}

/// Spawns anvil, deploys the suite, releases the community allocation to account 0, and writes
/// the delivery circuit's development proving key.
pub(crate) async fn market() -> Market {
    let mut chain = AnvilChain::spawn().unwrap();
    let dir = deployments(&[]);
    let developer = chain.accounts()[0].clone();
    let manifest = deploy(&config(&chain.endpoint(), &dir), developer.clone()).await.unwrap().manifest;
    // community rewards vest to account 0 on anvil: the developer's budget
    chain.advance_time(31 * 86_400).await.unwrap();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(developer))
        .connect_http(chain.endpoint().parse().unwrap())
        .erased();
    let community =
        manifest.vesting_wallets.iter().find(|w| w.category == Category::CommunityRewards as u8).unwrap();
    release(&provider, community.wallet).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let proving_key = tmp.path().join("delivery.key");
    Keys::development(&root().join(paths::DELIVERY_R1CS), paths::DEV_SEED)
        .unwrap()
        .save(&proving_key)
        .unwrap();
    Market { chain, dir, manifest, provider, tmp, proving_key, circuit: root().join("circuits/build") }
}

/// Mints an attested credit score for account `owner` (the devnet bureau is account 9).
pub(crate) async fn mint_credit(
    chain: &AnvilChain,
    t: &impl Fn(&[&str]) -> Vec<String>,
    dir: &std::path::Path,
    owner: usize,
    score: u64,
) {
    let owner_key = key(chain, owner);
    let path = |name: &str| dir.join(format!("{name}-{owner}.json")).to_str().unwrap().to_owned();
    let values = format!("{score},1700000000,840");
    masa(&[
        "sbt",
        "record",
        "--schema",
        "2",
        "--values",
        &values,
        "--out",
        &path("r"),
        "--private-key",
        &owner_key,
    ])
    .await
    .unwrap();
    let draft: RecordDraft = serde_json::from_str(&std::fs::read_to_string(path("r")).unwrap()).unwrap();
    let commitment = format!("{:#x}", draft.commitment);
    let address = chain.accounts()[owner].address().to_string();
    let issuer = key(chain, 9);
    run(t(&[
        "sbt",
        "attest",
        "--owner",
        &address,
        "--schema",
        "2",
        "--commitment",
        &commitment,
        "--out",
        &path("a"),
        "--private-key",
        &issuer,
    ]))
    .await
    .unwrap();
    run(t(&[
        "sbt",
        "mint",
        "--record",
        &path("r"),
        "--attestation",
        &path("a"),
        "--private-key",
        &owner_key,
    ]))
    .await
    .unwrap();
}
