//! `masa-indexer`: the Masa contracts' events and derived state in SQLite or PostgreSQL,
//! reorg-safe, behind an HTTP API.
//!
//! - [`catalog`]: every event of every bound contract, decoded from the Foundry artifacts;
//! - [`derive`]: what each event changes in the derived tables, one module per contract family;
//! - [`store`]: the database (sqlx `Any`: SQLite by default, PostgreSQL by URL), batches,
//!   derived state and checkpoints committed together, reorg rewinds, API reads;
//! - [`indexer`]: adaptive `eth_getLogs` backfill, head following, reorg detection;
//! - [`api`]: axum routes and their `OpenAPI` document; [`metrics`]: Prometheus metrics.

pub mod api;
pub mod catalog;
pub mod derive;
pub mod indexer;
pub mod metrics;
pub mod store;
