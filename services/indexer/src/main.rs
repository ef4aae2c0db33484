//! `masa-indexer`: see the library docs.

use anyhow::{Context, Result};
use clap::Parser;
use masa_bindings::manifest::Manifest;
use masa_indexer::{indexer::Indexer, store::Store};
use std::{path::PathBuf, process::ExitCode, time::Duration};

/// Index the Masa contracts of a deployment into SQLite or PostgreSQL.
#[derive(Debug, Parser)]
#[command(name = "masa-indexer", version, about)]
struct Args {
    /// JSON-RPC endpoint.
    #[arg(long, env = "MASA_RPC_URL")]
    rpc_url: url::Url,
    /// The deployment manifest (addresses and deploy blocks).
    #[arg(long, default_value = "deployments/anvil.json")]
    manifest: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`); default: a SQLite file in --data-dir.
    #[arg(long, env = "MASA_DATABASE_URL")]
    database_url: Option<String>,
    /// Data directory for the default SQLite database.
    #[arg(long, default_value = ".masa-indexer")]
    data_dir: PathBuf,
    /// Blocks to rewind when a reorg replaced the checkpoint block.
    #[arg(long, default_value_t = 64)]
    reorg_depth: u64,
    /// Milliseconds between head polls.
    #[arg(long, default_value_t = 1_000)]
    poll_ms: u64,
    /// Index up to the current head, then exit.
    #[arg(long)]
    once: bool,
}

async fn run(args: Args) -> Result<()> {
    let manifest = Manifest::load(&args.manifest)?;
    let url = match args.database_url {
        Some(url) => url,
        None => {
            std::fs::create_dir_all(&args.data_dir)
                .with_context(|| format!("cannot create {}", args.data_dir.display()))?;
            format!("sqlite://{}/indexer.db", args.data_dir.display())
        }
    };
    let store = Store::connect(&url).await.with_context(|| format!("cannot open the database {url}"))?;
    let provider = alloy::providers::ProviderBuilder::new().connect_http(args.rpc_url.clone());
    let head = alloy::providers::Provider::get_block_number(&provider)
        .await
        .with_context(|| format!("cannot reach the RPC at {}", args.rpc_url))?;
    let mut indexer = Indexer::new(provider, store, &manifest, args.reorg_depth)?;
    if args.once {
        let report = indexer.sync_to(head).await?;
        println!("indexed to block {}: {} events in {} ranges", report.head, report.events, report.ranges);
        return Ok(());
    }
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stopping");
    };
    indexer.follow(Duration::from_millis(args.poll_ms), stop).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
