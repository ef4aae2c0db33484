#![doc = include_str!("../README.md")]

#[cfg(feature = "dataset")]
pub mod dataset;
pub mod deploy;
pub mod devnet;
pub mod evm;
pub mod fees;
pub mod indexer;
pub mod oracle;
pub mod passes;
pub mod pools;
pub mod target;
pub mod tx;
pub mod vesting;
pub mod wallet;
pub mod zksbt;
