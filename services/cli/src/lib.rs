#![doc = include_str!("../README.md")]

pub mod cmd;
pub mod deploy;
pub mod devnet;
pub mod wallet;
