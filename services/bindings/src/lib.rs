#![doc = include_str!("../README.md")]

pub mod allocations;
pub mod artifacts;
pub mod contracts;
pub mod eip712;
mod error;
pub mod manifest;
pub mod network;
pub mod params;
pub mod uniswap;

pub use error::{Error, Result};
