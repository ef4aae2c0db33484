//! The oracle's integration tests, one binary. They run the real pinned model: `make test` installs
//! it and passes its path in `MASA_ORACLE_MODEL`; without it they fail and say so.

mod agreement;
mod attest;
mod chain;
mod http;
mod network;
mod pinning;
mod social;
mod support;
mod tx;
mod web;

use masa_oracle::LlmConfig;

/// The pinned SmolLM2's configuration from `MASA_ORACLE_MODEL`, or a failure that says how to get it.
fn config() -> LlmConfig {
    LlmConfig::smollm2_from_env().unwrap_or_else(|e| panic!("{e}"))
}
