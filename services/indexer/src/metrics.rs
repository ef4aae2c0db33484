//! Prometheus metrics (`/metrics`) and the progress `/ready` reads: head, indexed block,
//! events, reorgs, RPC and database errors, commit latency.

use prometheus_client::{
    encoding::text::encode,
    metrics::{counter::Counter, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use std::sync::atomic::{AtomicBool, Ordering};

/// The indexer's metrics, shared by the sync loop and the API.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Chain head last seen.
    pub head: Gauge,
    /// Last indexed block (the checkpoint).
    pub indexed: Gauge,
    /// Events written.
    pub events: Counter,
    /// Block ranges committed.
    pub ranges: Counter,
    /// Reorgs handled.
    pub reorgs: Counter,
    /// Events removed by reorg rewinds.
    pub rewound: Counter,
    /// RPC errors (each retried).
    pub rpc_errors: Counter,
    /// Database errors (each waited out).
    pub db_errors: Counter,
    /// Current `eth_getLogs` range size.
    pub range_size: Gauge,
    /// Seconds per committed batch.
    pub commit_seconds: Histogram,
    synced: AtomicBool,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("masa_indexer");
        let metrics = Self {
            head: Gauge::default(),
            indexed: Gauge::default(),
            events: Counter::default(),
            ranges: Counter::default(),
            reorgs: Counter::default(),
            rewound: Counter::default(),
            rpc_errors: Counter::default(),
            db_errors: Counter::default(),
            range_size: Gauge::default(),
            commit_seconds: Histogram::new([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]),
            synced: AtomicBool::new(false),
            registry: Registry::default(),
        };
        registry.register("head_block", "Chain head last seen", metrics.head.clone());
        registry.register("indexed_block", "Last indexed block (checkpoint)", metrics.indexed.clone());
        registry.register("events", "Events written", metrics.events.clone());
        registry.register("ranges", "Block ranges committed", metrics.ranges.clone());
        registry.register("reorgs", "Reorgs handled", metrics.reorgs.clone());
        registry.register("rewound_events", "Events removed by reorg rewinds", metrics.rewound.clone());
        registry.register("rpc_errors", "RPC errors, each retried", metrics.rpc_errors.clone());
        registry.register("db_errors", "Database errors, each waited out", metrics.db_errors.clone());
        registry.register("range_size_blocks", "Current eth_getLogs range size", metrics.range_size.clone());
        registry.register("commit_seconds", "Seconds per committed batch", metrics.commit_seconds.clone());
        Self { registry, ..metrics }
    }
}

impl Metrics {
    /// The Prometheus text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }

    /// Records that the index reached the head it last saw (or fell behind again).
    pub fn set_synced(&self, synced: bool) {
        self.synced.store(synced, Ordering::Relaxed);
    }

    /// Whether the index has caught up with the chain head.
    pub fn is_synced(&self) -> bool {
        self.synced.load(Ordering::Relaxed)
    }
}

/// Converts a block number for a gauge.
pub(crate) fn gauge(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
