//! The node's Prometheus metrics, served at `/metrics` (`OpenMetrics` text).

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

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
