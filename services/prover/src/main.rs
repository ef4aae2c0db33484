//! `masa-prover`: see `cli`.

mod cli;

use cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse_or_exit().run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // one line, whatever the error chain holds
            let message = format!("{err:#}").replace('\n', " ");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
