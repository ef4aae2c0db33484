//! `masa devnet`: a local chain with the suite deployed, until Ctrl-C.
//!
//! anvil comes from npm (`@foundry-rs/anvil`); [`anvil_binary`] finds the native binary that
//! package installs, so signals and kills reach anvil itself rather than a node wrapper.

use crate::deploy::{self, DeployConfig, DeployReport};
use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    signers::local::PrivateKeySigner,
};
use anyhow::{Context, Result, bail};
use std::{
    path::{Path, PathBuf},
    time::Duration,
};

/// Chain id of the local devnet (anvil's default; `deployments/networks.toml` says the same).
pub const DEVNET_CHAIN_ID: u64 = 31337;

/// Locates anvil: `$MASA_ANVIL`, else the native binary from `node_modules` under `root`
/// (or one of its ancestors), else the npm wrapper.
pub fn anvil_binary(root: &Path) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("MASA_ANVIL") {
        return Ok(PathBuf::from(path));
    }
    let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "linux-amd64",
        ("linux", "aarch64") => "linux-arm64",
        ("macos", "x86_64") => "darwin-amd64",
        ("macos", "aarch64") => "darwin-arm64",
        (os, arch) => bail!("no anvil build for {os}/{arch}: set MASA_ANVIL"),
    };
    for dir in root.ancestors() {
        let modules = dir.join("node_modules");
        for candidate in
            [modules.join(format!("@foundry-rs/anvil-{platform}/bin/anvil")), modules.join(".bin/anvil")]
        {
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "anvil not found under {}/node_modules: run `make setup` (npm ci) or set MASA_ANVIL",
        root.display()
    )
}

/// Starts anvil (Cancun rules, chain id [`DEVNET_CHAIN_ID`]) on `port`; 0 picks a free port.
/// The process is killed when the returned instance is dropped.
pub fn spawn_anvil(binary: &Path, port: u16, block_time: Option<u64>) -> Result<AnvilInstance> {
    let mut anvil = Anvil::at(binary).port(port).chain_id(DEVNET_CHAIN_ID).args(["--hardfork", "cancun"]);
    if let Some(secs) = block_time {
        anvil = anvil.block_time(secs);
    }
    anvil.try_spawn().with_context(|| format!("cannot start {}", binary.display()))
}

/// Options of `masa devnet`.
#[derive(Debug, Clone, clap::Args)]
pub struct DevnetArgs {
    /// Port of the JSON-RPC endpoint.
    #[arg(long, default_value_t = 8545)]
    pub port: u16,
    /// Mine a block every N seconds instead of one per transaction.
    #[arg(long)]
    pub block_time: Option<u64>,
    /// The anvil binary (default: `$MASA_ANVIL` or the one installed by npm).
    #[arg(long)]
    pub anvil: Option<PathBuf>,
    /// Directory holding `networks.toml`; the manifest goes to `<dir>/anvil.json`.
    #[arg(long, default_value = "deployments", env = "MASA_DEPLOYMENTS")]
    pub deployments: PathBuf,
}

/// Runs the devnet until Ctrl-C or SIGTERM, then stops anvil.
pub async fn run(args: &DevnetArgs) -> Result<()> {
    let binary = match &args.anvil {
        Some(path) => path.clone(),
        None => anvil_binary(&std::env::current_dir()?)?,
    };
    let anvil = spawn_anvil(&binary, args.port, args.block_time)?;
    let signer = PrivateKeySigner::from(anvil.first_key().clone());
    let config = DeployConfig {
        rpc_url: anvil.endpoint_url(),
        network: Some("anvil".into()),
        deployments_dir: args.deployments.clone(),
        manifest: None,
        params: None,
        timeout: Duration::from_secs(30),
    };
    let report = deploy::deploy(&config, signer).await?;
    print_summary(&anvil, &report);
    shutdown_signal().await?;
    tracing::info!("stopping anvil");
    drop(anvil);
    Ok(())
}

fn print_summary(anvil: &AnvilInstance, report: &DeployReport) {
    println!("deployed: the Masa suite is live on the devnet");
    println!("  rpc url            {}", anvil.endpoint());
    println!("  chain id           {}", report.manifest.chain_id);
    println!("  manifest           {}", report.manifest_path.display());
    for (name, deployment) in &report.manifest.contracts {
        println!("  {name:<18} {}", deployment.address);
    }
    println!("  deployer           {} (anvil dev account 0)", report.manifest.deployer);
    println!("press Ctrl-C to stop");
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() -> Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        res = tokio::signal::ctrl_c() => res?,
        _ = term.recv() => {}
    }
    Ok(())
}
