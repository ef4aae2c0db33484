//! Running jobs: each due `new` job is checked against the chain (still open, same parameters,
//! before its deadline), run by its source, and answered: the record is stored and the node key
//! signs `Result(requestId, resultHash, configHash)`, both in one store transaction.

use super::{Node, NodeError, OnChain, unix_now};
use crate::{
    config::Fault,
    metrics::Metrics,
    store::jobs::{Job, JobState, StoredAnswer},
};
use alloy::primitives::{B256, U256, keccak256};
use futures::StreamExt;
use masa_bindings::contracts::oracle::IOracleNodes;
use std::time::Instant;

/// Seconds before the `attempt`-th retry of a transiently failing job: 2, 4, 8... at most 60.
fn backoff_secs(attempt: u32) -> i64 {
    (1_i64 << attempt.min(6)).min(60)
}

/// `hash` with its last bit flipped: the wrong answer of a faulty test node.
fn flipped(hash: B256) -> B256 {
    let mut bytes = hash.0;
    bytes[31] ^= 1;
    B256::from(bytes)
}

impl Node {
    /// Runs the due jobs, `concurrency` at a time; returns how many were answered.
    pub(crate) async fn work(&self) -> Result<usize, NodeError> {
        let limit = u32::try_from(self.config.jobs.concurrency * 4).unwrap_or(u32::MAX);
        let due = self.store.jobs_in(JobState::New, limit).await?;
        let answered = futures::stream::iter(due)
            .map(|job| async move {
                let id = job.request_id;
                match self.run_job(job).await {
                    Ok(answered) => answered,
                    Err(e) => {
                        tracing::warn!(request = id, error = %e, "job not run this round");
                        false
                    }
                }
            })
            .buffer_unordered(self.config.jobs.concurrency)
            .filter(|answered| std::future::ready(*answered))
            .count()
            .await;
        Ok(answered)
    }

    /// Runs one job; `Ok(true)` when it was answered.
    async fn run_job(&self, job: Job) -> Result<bool, NodeError> {
        let id = job.request_id;
        match self.on_chain(&job).await? {
            OnChain::Open => {}
            other => {
                self.settle(&job, other).await?;
                return Ok(false);
            }
        }
        if keccak256(job.params.as_bytes()) != job.params_hash {
            self.store
                .set_failed_run(id, "the posted URI does not hash to the posted parameters' hash", None)
                .await?;
            return Ok(false);
        }
        let Some(source) = self.sources.get(&job.job_type) else {
            self.store.set_state(id, JobState::Unsupported, None).await?;
            return Ok(false);
        };
        let label = Metrics::job(source.job());
        let started = Instant::now();
        let outcome = source.run(&job.params).await;
        self.metrics.job_seconds.get_or_create(&label).observe(started.elapsed().as_secs_f64());
        let record = match outcome {
            Ok(record) => record,
            Err(e) => {
                self.metrics.job_failures.get_or_create(&label).inc();
                let retry = e.is_transient() && job.attempts + 1 < self.config.jobs.max_attempts;
                let retry_at = retry.then(|| unix_now() + backoff_secs(job.attempts + 1));
                tracing::warn!(request = id, job = source.job(), error = %e, retry, "job failed");
                self.store.set_failed_run(id, &e.to_string(), retry_at).await?;
                return Ok(false);
            }
        };
        let config_hash = source.config_hash();
        let result_hash = match self.config.testing.fault {
            Fault::WrongAnswer => flipped(record.result_hash),
            Fault::None | Fault::Equivocate => record.result_hash,
        };
        let sign = |result_hash| {
            let result = IOracleNodes::Result {
                requestId: U256::from(id),
                resultHash: result_hash,
                configHash: config_hash,
            };
            masa_sdk::oracle::sign_result(&self.node_key, self.chain_id, self.nodes, result)
                .map_err(|e| NodeError::Sign(e.to_string()))
        };
        let signed = sign(result_hash)?;
        let second = match self.config.testing.fault {
            Fault::Equivocate => Some(sign(flipped(result_hash))?),
            Fault::None | Fault::WrongAnswer => None,
        };
        self.store
            .set_answered(
                id,
                &record,
                config_hash,
                (result_hash, &signed.signature),
                second.as_ref().map(|s| (s.result.resultHash, &s.signature)),
            )
            .await?;
        self.store
            .insert_answer(
                id,
                &StoredAnswer {
                    signer: signed.signer,
                    result_hash,
                    config_hash,
                    signature: signed.signature.clone(),
                },
            )
            .await?;
        self.metrics.jobs_answered.get_or_create(&label).inc();
        tracing::info!(request = id, job = source.job(), result = %result_hash, "answered");
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_minute() {
        assert_eq!([1, 2, 3, 4, 5, 9].map(backoff_secs), [2, 4, 8, 16, 32, 60]);
        let hash = B256::repeat_byte(0x10);
        assert_ne!(flipped(hash), hash);
        assert_eq!(flipped(flipped(hash)), hash);
    }
}
