//! The command-line interface: argument parsing and dispatch.

use crate::{
    devnet::{self, DevnetArgs},
    error::Result,
    fee::FeeCommand,
    node::{NodeCommand, RequestCommand},
    pass::PassCommand,
    pool::PoolCommand,
    sbt::SbtCommand,
    vesting::VestingCommand,
    wallet::WalletArgs,
};
use masa_sdk::deploy::{self, DeployConfig, Outcome};
use masa_sdk::target::TargetSpec;
use std::{path::PathBuf, time::Duration};

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
    /// Inspect and release genesis vesting wallets.
    #[command(subcommand)]
    Vesting(VestingCommand),
    /// Pay protocol fees through the fee router.
    #[command(subcommand)]
    Fee(FeeCommand),
    /// zkSBT data records: draft, attest, mint, show, prove, share, open, burn, revoke, expire.
    #[command(subcommand)]
    Sbt(Box<SbtCommand>),
    /// Data staking pools: create, fund, extend, end, refund, show, list, stake, claim,
    /// unstake, data.
    #[command(subcommand)]
    Pool(Box<PoolCommand>),
    /// Access passes to one record for one developer: key, offer, accept, use, deliver, open,
    /// show, revoke, close, purpose.
    #[command(subcommand)]
    Pass(Box<PassCommand>),
    /// Oracle nodes, as their operator: register, stake, unbond, claim, withdraw, rewards, show.
    #[command(subcommand)]
    Node(Box<NodeCommand>),
    /// Data requests to the oracle network: post, show, refund.
    #[command(subcommand)]
    Request(Box<RequestCommand>),
}

/// Options of `masa deploy`.
#[derive(Debug, Clone, clap::Args)]
pub struct DeployArgs {
    /// The chain, and where network definitions, parameters and the manifest live.
    #[command(flatten)]
    pub target: TargetSpec,
    /// The signing key.
    #[command(flatten)]
    pub wallet: WalletArgs,
    /// Suite parameters (default: `<deployments>/params/<network>.toml`).
    #[arg(long)]
    pub params: Option<PathBuf>,
    /// Seconds to wait for one RPC answer or one receipt.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

impl Cli {
    /// Runs the parsed command.
    pub async fn run(self) -> Result<(), crate::CliError> {
        match self.command {
            Command::Deploy(args) => run_deploy(*args).await,
            Command::Devnet(args) => devnet::run(&args).await,
            Command::Vesting(command) => command.run().await,
            Command::Fee(command) => command.run().await,
            Command::Sbt(command) => command.run().await,
            Command::Pool(command) => command.run().await,
            Command::Pass(command) => command.run().await,
            Command::Node(command) => command.run().await,
            Command::Request(command) => command.run().await,
        }
    }
}

async fn run_deploy(args: DeployArgs) -> Result<()> {
    let rpc_url = args.target.rpc_url()?;
    let signer = args.wallet.signer()?;
    let config = DeployConfig {
        rpc_url,
        network: args.target.network,
        deployments: args.target.deployments,
        manifest: args.target.manifest,
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
