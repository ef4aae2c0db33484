//! `masa devnet`: a local chain with the suite deployed ([`masa_sdk::devnet`]), until Ctrl-C.

use crate::error::{CliError, Result};
use masa_sdk::devnet::{Devnet, anvil_binary};
use std::path::PathBuf;

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
        None => {
            let here = std::env::current_dir()
                .map_err(|source| CliError::Io { what: "reading the current directory", source })?;
            anvil_binary(&here)?
        }
    };
    let devnet = Devnet::start(&binary, args.port, args.block_time, &args.deployments).await?;
    print_summary(&devnet);
    shutdown_signal().await?;
    tracing::info!("stopping anvil");
    drop(devnet);
    Ok(())
}

fn print_summary(devnet: &Devnet) {
    let report = &devnet.report;
    println!("deployed: the Masa suite is live on the devnet");
    println!("  {:<21} {}", "rpc url", devnet.anvil.endpoint());
    println!("  {:<21} {}", "chain id", report.manifest.chain_id);
    println!("  {:<21} {}", "manifest", report.manifest_path.display());
    for (name, deployment) in &report.manifest.contracts {
        println!("  {name:<21} {}", deployment.address);
    }
    println!("  {:<21} {} (anvil dev account 0)", "deployer", report.manifest.deployer);
    println!("press Ctrl-C to stop");
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() -> Result<()> {
    let io = |source| CliError::Io { what: "waiting for Ctrl-C", source };
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(io)?;
    tokio::select! {
        res = tokio::signal::ctrl_c() => res.map_err(io)?,
        _ = term.recv() => {}
    }
    Ok(())
}
