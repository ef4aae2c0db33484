//! `masa-indexer`: see the library docs.

use anyhow::{Context, Result};
use clap::Parser;
use masa_indexer::{
    api::{AppState, router},
    indexer::Indexer,
    metrics::Metrics,
    store::Store,
};
use masa_sdk::target::TargetSpec;
use std::{io::IsTerminal, net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc, time::Duration};
use tokio::sync::watch;

/// Index the Masa contracts of a deployment into SQLite or PostgreSQL and serve them over HTTP.
#[derive(Debug, Parser)]
#[command(name = "masa-indexer", version, about)]
struct Args {
    #[command(flatten)]
    target: TargetSpec,
    /// Database URL (`sqlite://…` or `postgres://…`); default: a SQLite file in --data-dir.
    #[arg(long, env = "MASA_DATABASE_URL")]
    database_url: Option<String>,
    /// Data directory for the default SQLite database.
    #[arg(long, env = "MASA_DATA_DIR", default_value = ".masa-indexer")]
    data_dir: PathBuf,
    /// Blocks behind the head that may still be reorganised (their hashes are kept);
    /// default: the network's `finality_depth` in networks.toml, found by the RPC's chain id.
    #[arg(long)]
    finality_depth: Option<u64>,
    /// Largest `eth_getLogs` range, in blocks.
    #[arg(long, default_value_t = 10_000)]
    max_range: u64,
    /// Milliseconds between head polls.
    #[arg(long, default_value_t = 1_000)]
    poll_ms: u64,
    /// HTTP API address.
    #[arg(long, env = "MASA_LISTEN", default_value = "127.0.0.1:8088")]
    listen: SocketAddr,
    /// Index up to the current head, then exit (no API).
    #[arg(long)]
    once: bool,
}

async fn run(args: Args) -> Result<()> {
    let target = args.target.resolve().await?;
    let manifest = &target.manifest;
    let finality_depth = match args.finality_depth {
        Some(depth) => depth,
        None => {
            if target.network.is_none() {
                tracing::warn!(
                    chain_id = target.chain_id,
                    "no network in networks.toml has this chain id: finality depth 0 (pass --finality-depth)"
                );
            }
            target.finality_depth()
        }
    };
    let url = match args.database_url {
        Some(url) => url,
        None => {
            std::fs::create_dir_all(&args.data_dir)
                .with_context(|| format!("cannot create {}", args.data_dir.display()))?;
            format!("sqlite://{}/indexer.db", args.data_dir.display())
        }
    };
    let store = Store::connect(&url).await?;
    let provider = alloy::providers::ProviderBuilder::new().connect_http(target.rpc_url.clone());
    let head = alloy::providers::Provider::get_block_number(&provider)
        .await
        .with_context(|| format!("cannot reach the RPC at {}", target.rpc_url))?;
    let metrics = Arc::new(Metrics::default());
    let mut indexer =
        Indexer::new(provider, store.clone(), manifest, finality_depth)?.with_metrics(metrics.clone());
    indexer.range.max = args.max_range.max(1);
    indexer.range.size = indexer.range.size.min(indexer.range.max);
    tracing::info!(network = manifest.network, chain_id = target.chain_id, finality_depth, head, "indexing");
    let bar = std::io::stderr().is_terminal().then(|| progress_bar(metrics.clone()));
    if args.once {
        let started = std::time::Instant::now();
        let report = indexer.sync_to(head).await;
        if let Some(bar) = bar {
            bar.abort();
        }
        let report = report?;
        let secs = started.elapsed().as_secs_f64();
        let p = report.profile;
        println!(
            "indexed to block {}: {} events in {} ranges, {secs:.2} s ({:.0} events/s); \
             getLogs {:.2} s, headers {:.2} s, decode {:.2} s, database {:.2} s",
            report.head,
            report.events,
            report.ranges,
            report.events as f64 / secs,
            p.logs.as_secs_f64(),
            p.headers.as_secs_f64(),
            p.decode.as_secs_f64(),
            p.commit.as_secs_f64(),
        );
        return Ok(());
    }

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(listen = %args.listen, "API up");
    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let api = axum::serve(listener, router(AppState { store, metrics }))
        .with_graceful_shutdown(stopped(stop_rx.clone()));
    let api = tokio::spawn(async move { api.await });
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping");
        let _ = stop_tx.send(true);
    });
    let followed = indexer.follow(Duration::from_millis(args.poll_ms), stopped(stop_rx)).await;
    if let Some(bar) = bar {
        bar.abort();
    }
    api.await.context("the API task failed")?.context("the API failed")?;
    followed?;
    Ok(())
}

/// A terminal progress bar over the metrics: blocks indexed of the head, events/s, ETA.
fn progress_bar(metrics: Arc<Metrics>) -> tokio::task::JoinHandle<()> {
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] block {pos}/{len} {msg} eta {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        let first_events = metrics.events.get();
        loop {
            let (head, indexed) = (metrics.head.get(), metrics.indexed.get());
            bar.set_length(u64::try_from(head).unwrap_or(0));
            bar.set_position(u64::try_from(indexed).unwrap_or(0));
            let events = metrics.events.get() - first_events;
            let rate = events as f64 / started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!("{events} events ({rate:.0}/s)"));
            if metrics.is_synced() {
                bar.finish_with_message(format!("{events} events, following the head"));
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_target_flags_are_the_sdks() {
        Args::command().debug_assert();
        let err = Args::try_parse_from(["masa-indexer", "--deployments-dir", "d"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
        let args = Args::try_parse_from(["masa-indexer", "--deployments", "d", "--network", "fuji"]).unwrap();
        assert_eq!(
            (args.target.deployments, args.target.network, args.target.rpc_url),
            (PathBuf::from("d"), Some("fuji".into()), None)
        );
    }
}
