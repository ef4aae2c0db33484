//! The command-line interface: argument parsing and dispatch.

use crate::{
    deploy::{self, DeployConfig, Outcome},
    devnet::{self, DevnetArgs},
    wallet::WalletArgs,
};
use anyhow::{Context, Result};
use masa_bindings::network::Networks;
use std::{path::PathBuf, time::Duration};
use url::Url;

/// `masa`: deploy and operate the Masa personal-data network.
#[derive(Debug, clap::Parser)]
#[command(name = "masa", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Deploy the contract suite (or detect an existing deployment) and write the manifest.
    Deploy(Box<DeployArgs>),
    /// Run a local anvil chain with the suite deployed, until Ctrl-C.
    Devnet(DevnetArgs),
}

/// Options of `masa deploy`.
#[derive(Debug, Clone, clap::Args)]
pub struct DeployArgs {
    /// JSON-RPC endpoint (default: the network's `rpc_url` in networks.toml).
    #[arg(long, env = "MASA_RPC_URL")]
    pub rpc_url: Option<Url>,
    /// Network name from `<deployments>/networks.toml`; checked against the RPC's chain id.
    /// Found from the chain id when omitted.
    #[arg(long)]
    pub network: Option<String>,
    /// The signing key.
    #[command(flatten)]
    pub wallet: WalletArgs,
    /// Directory of network definitions and manifests.
    #[arg(long, default_value = "deployments", env = "MASA_DEPLOYMENTS")]
    pub deployments: PathBuf,
    /// Manifest path (default: `<deployments>/<network>.json`).
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Suite parameters (default: `<deployments>/params/<network>.toml`).
    #[arg(long)]
    pub params: Option<PathBuf>,
    /// Seconds to wait for one RPC answer or one receipt.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

impl Cli {
    /// Runs the parsed command.
    pub async fn run(self) -> Result<()> {
        match self.command {
            Command::Deploy(args) => run_deploy(*args).await,
            Command::Devnet(args) => devnet::run(&args).await,
        }
    }
}

async fn run_deploy(args: DeployArgs) -> Result<()> {
    let rpc_url = match (args.rpc_url, &args.network) {
        (Some(url), _) => url,
        (None, Some(name)) => {
            let networks = Networks::load(&args.deployments)?;
            let network = networks.by_name(name)?;
            let url = network
                .rpc_url
                .as_deref()
                .with_context(|| format!("network {name} has no rpc_url: pass --rpc-url"))?;
            url.parse().with_context(|| format!("network {name} has an invalid rpc_url {url}"))?
        }
        (None, None) => anyhow::bail!("give --rpc-url or --network"),
    };
    let signer = args.wallet.signer()?;
    let config = DeployConfig {
        rpc_url,
        network: args.network,
        deployments_dir: args.deployments,
        manifest: args.manifest,
        params: args.params,
        timeout: Duration::from_secs(args.timeout),
    };
    let report = deploy::deploy(&config, signer).await?;
    let verb = match report.outcome {
        Outcome::Deployed => "deployed",
        Outcome::AlreadyDeployed => "already deployed",
    };
    println!(
        "{verb}: {} (chain id {}) -> {}",
        report.manifest.network,
        report.manifest.chain_id,
        report.manifest_path.display()
    );
    for (name, deployment) in &report.manifest.contracts {
        println!("  {name} {} (block {})", deployment.address, deployment.block_number);
    }
    Ok(())
}
