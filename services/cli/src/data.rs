//! What `masa pool data` and `masa pass data` share: the column names, the progress bars, and
//! writing and summing up a verified dataset ([`masa_sdk::dataset`]).

use crate::error::Result;
use alloy::primitives::U256;
use masa_sdk::{
    dataset::{self, Provenance, Verified},
    deploy::params::SuiteParams,
    target::TargetSpec,
};
use std::{io::IsTerminal, path::Path, time::Instant};

/// The record's column names: `fields` if given, else the schema's `fields` in the network's
/// parameters file (none when there is no such file or schema: the columns are `field_<i>`).
pub fn field_names(
    fields: Option<Vec<String>>,
    target: &TargetSpec,
    network: Option<&str>,
    schema: U256,
) -> Vec<String> {
    if let Some(names) = fields {
        return names;
    }
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
