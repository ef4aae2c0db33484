//! `masa-indexer`: the Masa contracts' events and derived state in SQLite or PostgreSQL,
//! reorg-safe, behind an HTTP API.
//!
//! - [`events`]: a log of a suite contract decoded with its generated event enum
//!   ([`events::SuiteEvent`]);
//! - [`catalog`]: the API's JSON view of every event, decoded by name from the Foundry artifacts;
//! - [`derive`]: what each event changes in the derived tables, one module per contract family;
//! - [`store`]: the database (sqlx `Any`: SQLite by default, PostgreSQL by URL), batches,
//!   derived state and checkpoints committed together, reorg rewinds, API reads;
//! - [`indexer`]: adaptive `eth_getLogs` backfill, head following, reorg detection;
//! - [`api`]: axum routes and their `OpenAPI` document; [`metrics`]: Prometheus metrics.

pub mod api;
pub mod catalog;
pub mod derive;
pub mod events;
pub mod indexer;
pub mod metrics;
pub mod store;
