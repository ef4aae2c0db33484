//! The node's Prometheus metrics, served at `/metrics` (`OpenMetrics` text).

use crate::tx::TxCounters;
use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric, text::encode},
    metrics::{
        counter::{ConstCounter, Counter},
        family::Family,
        gauge::Gauge,
        histogram::Histogram,
    },
    registry::Registry,
};
use std::sync::{Arc, atomic::Ordering};

/// A label naming a job type or a state.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabel {
    /// The job type's name (`web:v1`), or `unknown`.
    pub job: String,
}

/// A label naming a job state.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabel {
    /// The state (`new`, `answered`...).
    pub state: String,
}

/// A label naming a kind of attested record and what became of the request.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AttestLabel {
    /// The kind, as its endpoint names it (`wallet-activity`, `web-page`).
    pub kind: String,
    /// `issued` or `refused`.
    pub outcome: String,
}

/// The node's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Requests seen on-chain.
    pub requests_seen: Counter,
    /// Jobs answered, by job type.
    pub jobs_answered: Family<JobLabel, Counter>,
    /// Source runs that failed, by job type.
    pub job_failures: Family<JobLabel, Counter>,
    /// Seconds a source took, by job type.
    pub job_seconds: Family<JobLabel, Histogram>,
    /// Peers' answers stored (verified).
    pub peer_answers: Counter,
    /// Peer asks that failed (unreachable, malformed).
    pub peer_failures: Counter,
    /// Fulfilments this node sent.
    pub fulfilments_sent: Counter,
    /// Requests seen finalized.
    pub requests_finalized: Counter,
    /// Equivocations this node reported.
    pub equivocations_reported: Counter,
    /// Reorgs detected at the checkpoint.
    pub reorgs: Counter,
    /// The chain head last seen.
    pub head_block: Gauge,
    /// The block scanned to.
    pub checkpoint_block: Gauge,
    /// Jobs per state (refreshed each coordination round).
    pub jobs: Family<StateLabel, Gauge>,
    /// Attestation requests, by kind of record and outcome (counted by the attestation service
    /// once the client's IP and the body passed).
    pub attestations: Family<AttestLabel, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// The metrics, registered under the `masa_oracle` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("masa_oracle");
        let metrics = Self {
            requests_seen: Counter::default(),
            jobs_answered: Family::default(),
            job_failures: Family::default(),
            job_seconds: Family::new_with_constructor(|| {
                Histogram::new([0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0])
            }),
            peer_answers: Counter::default(),
            peer_failures: Counter::default(),
            fulfilments_sent: Counter::default(),
            requests_finalized: Counter::default(),
            equivocations_reported: Counter::default(),
            reorgs: Counter::default(),
            head_block: Gauge::default(),
            checkpoint_block: Gauge::default(),
            jobs: Family::default(),
            attestations: Family::default(),
            registry: Registry::default(),
        };
        registry.register("requests_seen", "Requests seen on-chain", metrics.requests_seen.clone());
        registry.register("jobs_answered", "Jobs answered, by job type", metrics.jobs_answered.clone());
        registry.register(
            "job_failures",
            "Source runs that failed, by job type",
            metrics.job_failures.clone(),
        );
        registry.register("job_seconds", "Seconds a source took, by job type", metrics.job_seconds.clone());
        registry.register("peer_answers", "Peers' verified answers stored", metrics.peer_answers.clone());
        registry.register("peer_failures", "Peer asks that failed", metrics.peer_failures.clone());
        registry.register("fulfilments_sent", "Fulfilments this node sent", metrics.fulfilments_sent.clone());
        registry.register(
            "requests_finalized",
            "Requests seen finalized",
            metrics.requests_finalized.clone(),
        );
        registry.register(
            "equivocations_reported",
            "Equivocations this node reported",
            metrics.equivocations_reported.clone(),
        );
        registry.register("reorgs", "Reorgs detected at the checkpoint", metrics.reorgs.clone());
        registry.register("head_block", "The chain head last seen", metrics.head_block.clone());
        registry.register("checkpoint_block", "The block scanned to", metrics.checkpoint_block.clone());
        registry.register("jobs", "Jobs per state", metrics.jobs.clone());
        registry.register(
            "attestations",
            "Attestation requests, by kind and outcome",
            metrics.attestations.clone(),
        );
        Self { registry, ..metrics }
    }

    /// These metrics and the transaction counters of the node's sends (`sends`, its
    /// [`TxManager`](crate::tx::TxManager)'s) and reads (`reads`, its read transport's), read at
    /// each scrape.
    pub fn with_tx(mut self, sends: Arc<TxCounters>, reads: Arc<TxCounters>) -> Self {
        self.registry.register_collector(Box::new(TxCollector { sends, reads }));
        self
    }

    /// The metrics in the `OpenMetrics` text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // writing to a String cannot fail
        let _ = encode(&mut out, &self.registry);
        out
    }

    /// The counter of `job`'s type.
    pub fn job(job: &str) -> JobLabel {
        JobLabel { job: job.to_owned() }
    }
}

/// The transaction counters, as counters of the scrape.
#[derive(Debug)]
struct TxCollector {
    sends: Arc<TxCounters>,
    reads: Arc<TxCounters>,
}

impl Collector for TxCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let (s, r) = (&*self.sends, &*self.reads);
        let read = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
        for (name, help, value) in [
            ("tx_sent", "Transaction keys sent (their first transaction broadcast)", read(&s.sent)),
            ("tx_mined", "Transaction keys seen mined", read(&s.mined)),
            ("tx_replaced", "Stuck transactions replaced with higher fees", read(&s.replaced)),
            ("tx_resigned", "Transactions signed again with a fresh nonce", read(&s.resigned)),
            (
                "tx_refused",
                "Sends refused before signing (revm pre-flight or gas estimate)",
                read(&s.preflight_refused),
            ),
            (
                "rpc_retries",
                "RPC requests retried after a transient failure",
                read(&s.retried) + read(&r.retried),
            ),
        ] {
            let counter = ConstCounter::new(value);
            counter.encode(encoder.encode_descriptor(name, help, None, counter.metric_type())?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transaction_counters_are_read_at_each_scrape() {
        let (sends, reads) = (Arc::new(TxCounters::default()), Arc::new(TxCounters::default()));
        let metrics = Metrics::new().with_tx(Arc::clone(&sends), Arc::clone(&reads));
        sends.sent.fetch_add(3, Ordering::Relaxed);
        sends.preflight_refused.fetch_add(1, Ordering::Relaxed);
        sends.retried.fetch_add(2, Ordering::Relaxed);
        reads.retried.fetch_add(5, Ordering::Relaxed);
        let text = metrics.render();
        for line in [
            "masa_oracle_tx_sent_total 3",
            "masa_oracle_tx_mined_total 0",
            "masa_oracle_tx_refused_total 1",
            "masa_oracle_rpc_retries_total 7",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} not in\n{text}");
        }
        sends.mined.fetch_add(1, Ordering::Relaxed);
        assert!(metrics.render().lines().any(|l| l == "masa_oracle_tx_mined_total 1"));
    }
}
