//! `masa-indexer`: the Masa contracts' events into SQLite or PostgreSQL, reorg-safe.
//!
//! - [`catalog`]: every event of every bound contract, decoded from the Foundry artifacts;
//! - [`store`]: the database (sqlx `Any`: SQLite by default, PostgreSQL by URL), batches and
//!   checkpoints committed together;
//! - [`indexer`]: adaptive `eth_getLogs` backfill, head following, reorg rewind.

pub mod catalog;
pub mod indexer;
pub mod store;
