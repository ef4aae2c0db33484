#![doc = include_str!("../README.md")]

mod anvil;
mod chain;
mod error;
mod postgres;
mod proxy;
mod revm;
pub mod scenarios;
mod suite;

pub use anvil::AnvilChain;
pub use chain::{Chain, ChainExt, TxOutcome};
pub use error::{Error, Result};
pub use postgres::Postgres;
pub use proxy::{FaultCounts, FlakyRpc};
pub use revm::RevmChain;
pub use suite::DeployedSuite;
