#![doc = include_str!("../README.md")]

pub mod cmd;
pub mod data;
pub mod devnet;
pub mod error;
pub mod fee;
pub mod node;
pub mod pass;
pub mod pool;
pub mod sbt;
pub mod vesting;
pub mod wallet;

pub use error::CliError;
