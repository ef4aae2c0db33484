#![doc = include_str!("../README.md")]

mod anvil;
mod error;
mod expect;
mod postgres;
mod proxy;
pub mod scenarios;
mod suite;

pub use anvil::AnvilChain;
pub use error::{Error, Result};
pub use expect::Expect;
pub use masa_sdk::evm::{Chain, ChainExt, RevmChain, TxOutcome};
pub use postgres::Postgres;
pub use proxy::{FaultCounts, FlakyRpc};
pub use suite::{DeployedSuite, deployments};
