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
            // one line, whatever the error chain holds; a cause already in the message (the
            // library's errors say theirs) is not said twice
            let mut message = err.to_string();
            for cause in err.chain().skip(1).map(ToString::to_string) {
                if !message.contains(&cause) {
                    message = format!("{message}: {cause}");
                }
            }
            eprintln!("error: {}", message.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
