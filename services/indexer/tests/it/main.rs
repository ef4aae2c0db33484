//! The indexer against a real anvil with the deployed suite, on SQLite and on a throwaway
//! PostgreSQL: every event once, derived state equal to the chain's, reorgs (live and while
//! stopped), faults (a flaky RPC, kill -9, a database outage), the HTTP API, the data pools'
//! and access passes' families on real delivery proofs, and the oracle network's.

mod api;
mod faults;
mod oracle;
mod passes;
mod pools;
mod support;
mod sync;
