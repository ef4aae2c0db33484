//! Job sources: where a node's answers come from.
//!
//! Each kind of job defines its *canonical result*, the value nodes hash and sign, and so how
//! independent nodes agree: two nodes agree on a job when their result hashes are equal (the
//! `resultHash` of `OracleNodes`' EIP-712 `Result`) under equal configurations (its
//! `configHash`). A [`Source`] runs one job type (`web:v1`, `chain:v1`, `social:v1`, `llm:v1`)
//! and returns the job's [`Normalized`] record: what the node stores and serves, and the result
//! hash it signs.

pub mod chain;
pub mod llm;
pub mod social;
pub mod web;

use alloy::primitives::B256;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

/// A job's result as nodes compare it.
pub trait JobResult {
    /// The hash of the canonical encoding of the result: equal for every honest node that ran
    /// the same job under the same configuration. Each source documents what it hashes.
    fn result_hash(&self) -> B256;
}

/// One job's output in the node's standard format, whatever its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalized {
    /// The source's name (`web`, `chain`, `social`, `llm`).
    pub source: String,
    /// What was read: a URL, `address@block`, `x:user/<name>`, a prompt.
    pub locator: String,
    /// Unix seconds when the node read it (not hashed: nodes read at different times).
    pub fetched_at: u64,
    /// The hash of the canonical content (each source documents it).
    pub content_hash: B256,
    /// The content as text: a page's main text, a JSON document, a model's answer.
    pub text: String,
    /// What else the source knows (title, content type, byte counts, counts per kind...).
    pub metadata: serde_json::Value,
    /// The canonical result's hash: what the node signs as `resultHash`.
    pub result_hash: B256,
}

/// Why a job could not be run.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The job's parameters are not what the job type takes: no node can answer it (permanent).
    #[error("invalid parameters for {job}: {reason}")]
    InvalidParams {
        /// The job type.
        job: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The data is refused by a limit or a policy (too large, a private address, not HTML...):
    /// permanent for this node's configuration.
    #[error("{job} refused: {reason}")]
    Refused {
        /// The job type.
        job: &'static str,
        /// Why.
        reason: String,
    },
    /// Reading the data failed in a way that may pass (a timeout, a 5xx, a rate limit, an RPC
    /// error): the job is retried.
    #[error("{job} failed (will retry): {reason}")]
    Transient {
        /// The job type.
        job: &'static str,
        /// Why.
        reason: String,
    },
}

impl SourceError {
    /// Whether running the job again may succeed.
    pub const fn is_transient(&self) -> bool {
        matches!(self, Self::Transient { .. })
    }

    /// Why, without the job type or the retry policy (for callers that state their own).
    pub fn reason(&self) -> &str {
        match self {
            Self::InvalidParams { reason, .. }
            | Self::Refused { reason, .. }
            | Self::Transient { reason, .. } => reason,
        }
    }
}

/// A job type a node can run.
pub trait Source: Send + Sync + std::fmt::Debug {
    /// The job type's name as requests post it (its keccak256 is the on-chain `jobType`).
    fn job(&self) -> &'static str;

    /// The hash of everything in this node's configuration that decides the result (limits,
    /// extractor version, model hash, block range rules): signed as `configHash`, so that nodes
    /// only count as agreeing when they ran the job the same way.
    fn config_hash(&self) -> B256;

    /// Runs the job with the request's parameters (its posted URI).
    fn run<'a>(&'a self, params: &'a str) -> BoxFuture<'a, Result<Normalized, SourceError>>;
}
