//! Watching the chain for requests: `RequestPosted` logs are read by polling, block range by
//! block range, up to `confirmations` blocks behind the head, from a checkpoint (a block number
//! and its hash) kept in the store.
//!
//! Reorgs: before each pass the checkpoint's hash is compared with the chain's block at that
//! height; when they differ the scan restarts `reorg_window` blocks lower. A request seen again
//! with the same posting is left as it is; one whose posting changed starts over
//! ([`Store::insert_job`](crate::store::Store::insert_job)). Whatever the scan believes, a job is
//! only answered and submitted after the request is read back from the chain's current state
//! (open, same parameters' hash, before its deadline), so a request a reorg removed is never
//! answered.

use super::{Node, NodeError};
use crate::store::jobs::{JobState, Posted};
use alloy::{
    eips::BlockNumberOrTag, primitives::B256, providers::Provider, rpc::types::Filter, sol_types::SolEvent,
};
use masa_bindings::contracts::OracleRequests;

impl Node {
    /// The hash of block `number` on the chain now.
    async fn block_hash(&self, number: u64) -> Result<Option<B256>, NodeError> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(number))
            .await
            .map_err(|e| NodeError::rpc("eth_getBlockByNumber", &e))?;
        Ok(block.map(|b| b.header.hash))
    }

    /// One scan pass: reads the requests posted since the checkpoint; returns how many are new.
    pub(crate) async fn scan(&self) -> Result<usize, NodeError> {
        let chain = &self.config.chain;
        let head =
            self.provider.get_block_number().await.map_err(|e| NodeError::rpc("eth_blockNumber", &e))?;
        self.metrics.head_block.set(i64::try_from(head).unwrap_or(i64::MAX));
        let safe = head.saturating_sub(chain.confirmations);
        let from = match self.store.checkpoint().await? {
            Some((number, hash)) if self.block_hash(number).await? == Some(hash) => number + 1,
            Some((number, _)) => {
                self.metrics.reorgs.inc();
                let from = number.saturating_sub(chain.reorg_window).max(chain.start_block);
                tracing::warn!(
                    checkpoint = number,
                    rescan_from = from,
                    "reorg: the checkpoint's block changed"
                );
                from
            }
            None => chain.start_block,
        };
        if from > safe {
            return Ok(0);
        }
        let mut new = 0;
        let mut start = from;
        while start <= safe {
            let end = safe.min(start + chain.max_log_range.max(1) - 1);
            let filter = Filter::new()
                .address(self.requests)
                .event_signature(OracleRequests::RequestPosted::SIGNATURE_HASH)
                .from_block(start)
                .to_block(end);
            let logs =
                self.provider.get_logs(&filter).await.map_err(|e| NodeError::rpc("eth_getLogs", &e))?;
            for log in logs {
                let Ok(event) = OracleRequests::RequestPosted::decode_log(&log.inner) else {
                    tracing::warn!(tx = ?log.transaction_hash, "a RequestPosted log that does not decode");
                    continue;
                };
                let Ok(request_id) = u64::try_from(event.requestId) else { continue };
                let source = self.sources.get(&event.jobType);
                let posted = Posted {
                    request_id,
                    job_type: event.jobType,
                    job_name: source.map(|s| s.job().to_owned()),
                    params: event.uri.clone(),
                    params_hash: event.paramsHash,
                    consumer: event.consumer,
                    fee: event.fee,
                    quorum: event.quorum,
                    deadline: event.deadline,
                    block: log.block_number.unwrap_or(end),
                    tx_hash: log.transaction_hash.unwrap_or_default(),
                };
                let state = if source.is_some() { JobState::New } else { JobState::Unsupported };
                if self.store.insert_job(&posted, state).await? {
                    new += 1;
                    self.metrics.requests_seen.inc();
                    tracing::info!(
                        request = request_id,
                        job = posted.job_name.as_deref().unwrap_or("unsupported"),
                        quorum = posted.quorum,
                        "request posted"
                    );
                }
            }
            start = end + 1;
        }
        let hash = self.block_hash(safe).await?.unwrap_or_default();
        self.store.set_checkpoint(safe, hash).await?;
        self.metrics.checkpoint_block.set(i64::try_from(safe).unwrap_or(i64::MAX));
        Ok(new)
    }
}
