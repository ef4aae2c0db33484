//! `masa-oracle`: the Masa oracle node. A thin command line over the `masa_oracle` library.

// The doc comments below are clap's `--help` text, where Markdown backticks would print as is.
#![allow(clippy::doc_markdown)]

use alloy::signers::local::PrivateKeySigner;
use clap::{Parser, Subcommand};
use masa_oracle::{config::Config, node::Node};
use std::{path::PathBuf, process::ExitCode};
use tokio::sync::watch;

/// The Masa oracle node: it watches the oracle network's data requests, answers the job types
/// it runs (web pages, on-chain activity, X posts and profiles, prompts to an open model),
/// agrees with the other staked nodes, submits the agreed results and earns their fees; it also
/// attests contributors' data for their zkSBTs.
///
/// Start with `masa-oracle keys new` (twice: an operator key that stakes and pays gas, a node
/// key that signs answers), write a configuration (examples in services/oracle/config/), check
/// it with `masa-oracle check`, then `masa-oracle run`.
#[derive(Debug, Parser)]
#[command(name = "masa-oracle", version, about, long_about)]
struct Cli {
    /// The configuration file (TOML). Any key can be overridden by an environment variable
    /// MASA_ORACLE__<SECTION>__<KEY>, e.g. MASA_ORACLE__CHAIN__RPC_URL.
    #[arg(long, short, global = true, env = "MASA_ORACLE_CONFIG", default_value = "oracle.toml")]
    config: PathBuf,
    /// Log filter (tracing's EnvFilter syntax: `info`, `masa_oracle=debug,info`).
    #[arg(long, global = true, env = "MASA_ORACLE_LOG", default_value = "info")]
    log: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the node until Ctrl-C or SIGTERM (in-flight work finishes; a second signal exits at
    /// once).
    Run,
    /// Check the configuration and the keys, and print what the node would run.
    Check,
    /// Manage keystores.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Create a new key in an encrypted keystore (Web3 Secret Storage) and print its address.
    New {
        /// The keystore file to write (its directory must exist; an existing file is refused).
        #[arg(long)]
        out: PathBuf,
        /// A file holding the password (else MASA_KEYSTORE_PASSWORD, else a prompt).
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
}

fn password(file: Option<&PathBuf>) -> Result<String, String> {
    if let Some(file) = file {
        let text =
            std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        return Ok(text.trim_end_matches(['\r', '\n']).to_owned());
    }
    if let Ok(password) = std::env::var(masa_sdk::wallet::PASSWORD_ENV) {
        return Ok(password);
    }
    let first = rpassword::prompt_password("new keystore password: ").map_err(|e| e.to_string())?;
    let again = rpassword::prompt_password("again: ").map_err(|e| e.to_string())?;
    if first != again {
        return Err("the passwords differ".into());
    }
    Ok(first)
}

fn new_key(out: &std::path::Path, password_file: Option<&PathBuf>) -> Result<(), String> {
    if out.exists() {
        return Err(format!("{} exists: refusing to overwrite a keystore", out.display()));
    }
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name =
        out.file_name().and_then(|n| n.to_str()).ok_or_else(|| format!("{} names no file", out.display()))?;
    let password = password(password_file)?;
    if password.is_empty() {
        return Err("the password is empty".into());
    }
    let mut rng = alloy::signers::k256::elliptic_curve::rand_core::OsRng;
    let (signer, _) = PrivateKeySigner::new_keystore(dir, &mut rng, password, Some(name))
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("{} written: address {}", out.display(), signer.address());
    Ok(())
}

async fn run(config: Config) -> Result<(), String> {
    let node = Node::start(config).await.map_err(|e| e.to_string())?;
    let (stop, shutdown) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing the work in flight (a second signal exits now)");
        let _ = stop.send(true);
        wait_for_signal().await;
        tracing::warn!("second signal: exiting now");
        std::process::exit(130);
    });
    node.run(shutdown).await.map_err(|e| e.to_string())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
        else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let outcome = match cli.command {
        Command::Keys { command: KeysCommand::New { out, password_file } } => {
            new_key(&out, password_file.as_ref())
        }
        Command::Check => Config::load(&cli.config, std::env::vars())
            .map_err(|e| e.to_string())
            .and_then(|config| masa_oracle::node::check(&config).map_err(|e| e.to_string()))
            .map(|summary| println!("{summary}")),
        Command::Run => match Config::load(&cli.config, std::env::vars()) {
            Err(e) => Err(e.to_string()),
            Ok(config) => match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(run(config)),
                Err(e) => Err(format!("cannot start the runtime: {e}")),
            },
        },
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
