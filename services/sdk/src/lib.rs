#![doc = include_str!("../README.md")]

pub mod deploy;
pub mod devnet;
pub mod evm;
pub mod target;
pub mod wallet;
