#![doc = include_str!("../README.md")]

pub mod api;
pub mod catalog;
pub mod derive;
pub mod events;
pub mod indexer;
pub mod metrics;
pub mod store;
