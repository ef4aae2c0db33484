//! What `masa pool data` and `masa pass data` share: the column names, the progress bars, and
//! writing and summing up a verified dataset ([`masa_sdk::dataset`]).

use crate::{error::Result, wallet::WalletArgs};
use alloy::primitives::{Address, U256};
use masa_sdk::{
    dataset::{self, Provenance, Verified},
    deploy::params::SuiteParams,
    target::TargetSpec,
};
use std::{
    io::IsTerminal,
    path::{Path, PathBuf},
    time::Instant,
};

/// What `pool data` and `pass data` take besides the pool or pass.
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// The directory to write `<pool|pass>-<id>.jsonl`, `.parquet` (and `.refused.jsonl` when a
    /// delivery is refused) to; existing files are never overwritten.
    #[arg(long)]
    pub out: PathBuf,
    /// Column names of the record's fields, comma separated (default: the schema's `fields` in
    /// the network's parameters file, else `field_<i>`).
    #[arg(long, value_delimiter = ',')]
    pub fields: Option<Vec<String>>,
    /// Ask a masa-indexer (its base URL) which transactions delivered, instead of scanning the
    /// chain's logs; the deliveries themselves are still read from the chain.
    #[arg(long, value_name = "URL")]
    pub indexer: Option<String>,
    /// The chain and deployment.
    #[command(flatten)]
    pub target: TargetSpec,
    /// The developer's wallet (its delivery key decrypts).
    #[command(flatten)]
    pub wallet: WalletArgs,
}

/// Warns on stderr when `wallet` is not the `developer` of `what` (its key will open nothing).
pub fn warn_unless_developer(what: &str, developer: Address, wallet: Address) {
    if developer != wallet {
        eprintln!(
            "warning: {what}'s developer is {developer}, not the wallet {wallet}: its deliveries will not open"
        );
    }
}

/// The record's column names from the schema's `fields` in the network's parameters file (none
/// when there is no such file or schema: the columns are then `field_<i>`).
pub fn schema_field_names(target: &TargetSpec, network: Option<&str>, schema: U256) -> Vec<String> {
    let Some(network) = target.network.as_deref().or(network) else { return vec![] };
    let path = SuiteParams::path(&target.deployments, network);
    let Ok(params) = SuiteParams::load(&path) else { return vec![] };
    params
        .identity
        .schemas
        .into_iter()
        .find(|s| U256::from(s.id) == schema)
        .map(|s| s.fields)
        .unwrap_or_default()
}

/// A progress bar on stderr, hidden when stderr is not a terminal.
pub fn progress(unit: &'static str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {unit}"
        ))
        .expect("a valid template")
        .progress_chars("=> "),
    )
}

/// Writes `verified` (checked since `started`) to `out` as `<stem>.jsonl` and `.parquet` with
/// `names` for the record's fields, and prints the counts, the rate and the files.
pub fn export<P: Provenance>(
    out: &Path,
    stem: &str,
    names: &[String],
    verified: &Verified<P>,
    started: Instant,
) -> Result<()> {
    let columns = dataset::columns(names, &verified.rows)?;
    let files = dataset::write(out, stem, verified, &columns)?;
    let total = verified.rows.len() + verified.refused.len();
    let secs = started.elapsed().as_secs_f64().max(1e-6);
    println!(
        "{stem}: {} records verified, {} refused ({:.0} deliveries/s) -> {}, {}",
        verified.rows.len(),
        verified.refused.len(),
        total as f64 / secs,
        files.jsonl.display(),
        files.parquet.display()
    );
    if let Some(refused) = files.refused {
        eprintln!("refused deliveries and why: {}", refused.display());
    }
    Ok(())
}
