//! The indexer against a real anvil with the deployed suite, on SQLite and on a throwaway
//! PostgreSQL: every event once, derived state equal to the chain's, reorgs (live and while
//! stopped), faults (a flaky RPC, kill -9, a database outage), and the HTTP API.

mod api;
mod faults;
mod pools;
mod support;
mod sync;
