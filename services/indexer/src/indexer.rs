//! Backfill and follow: `eth_getLogs` over every manifest contract in adaptive block ranges,
//! each range committed with its checkpoint; a checkpoint whose block hash the chain no longer
//! has (a reorg, live or while stopped) rewinds the index by the reorg depth first.

use crate::{
    catalog::Catalog,
    store::{Checkpoint, EventRow, Store},
};
use alloy::{
    eips::BlockNumberOrTag,
    primitives::Address,
    providers::Provider,
    rpc::types::{Filter, Log},
};
use masa_bindings::manifest::Manifest;
use std::{collections::HashMap, time::Duration};

/// Indexer errors.
#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// The RPC kept failing for a block range, after retries.
    #[error("RPC: {what} failed after {attempts} attempts: {reason}")]
    Rpc {
        /// What was asked.
        what: String,
        /// How often.
        attempts: u32,
        /// The last error.
        reason: String,
    },
    /// The manifest lists no contract.
    #[error("the manifest has no contracts to index")]
    EmptyManifest,
}

/// Block-range sizing: halve on failure, double on success, within bounds.
#[derive(Debug, Clone, Copy)]
pub struct RangeControl {
    /// Current range size in blocks.
    pub size: u64,
    /// Largest range.
    pub max: u64,
}

impl RangeControl {
    fn grow(&mut self) {
        self.size = (self.size * 2).min(self.max);
    }
    fn shrink(&mut self) -> bool {
        if self.size == 1 {
            return false;
        }
        self.size = (self.size / 2).max(1);
        true
    }
}

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Events written.
    pub events: u64,
    /// Ranges committed.
    pub ranges: u64,
    /// Events removed by a reorg rewind.
    pub rewound: u64,
    /// The checkpoint reached.
    pub head: u64,
}

/// Indexes one deployment into one store.
#[derive(Debug)]
pub struct Indexer<P> {
    provider: P,
    store: Store,
    catalog: Catalog,
    contracts: HashMap<Address, String>,
    start: u64,
    reorg_depth: u64,
    /// Range sizing (public for tuning and tests).
    pub range: RangeControl,
}

impl<P: Provider> Indexer<P> {
    /// An indexer of every contract in `manifest`, from its first deployment block.
    pub fn new(
        provider: P,
        store: Store,
        manifest: &Manifest,
        reorg_depth: u64,
    ) -> Result<Self, IndexerError> {
        let contracts: HashMap<Address, String> =
            manifest.contracts.iter().map(|(name, d)| (d.address, name.clone())).collect();
        let start =
            manifest.contracts.values().map(|d| d.block_number).min().ok_or(IndexerError::EmptyManifest)?;
        Ok(Self {
            provider,
            store,
            catalog: Catalog::from_bindings(),
            contracts,
            start,
            reorg_depth,
            range: RangeControl { size: 2_000, max: 10_000 },
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    async fn retry<T, F, Fut>(&self, what: &str, mut f: F) -> Result<T, IndexerError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, alloy::transports::TransportError>>,
    {
        let mut delay = Duration::from_millis(100);
        let attempts = 6;
        for attempt in 1..=attempts {
            match f().await {
                Ok(v) => return Ok(v),
                Err(e) if attempt == attempts => {
                    return Err(IndexerError::Rpc { what: what.to_owned(), attempts, reason: e.to_string() });
                }
                Err(e) => {
                    tracing::warn!(what, attempt, %e, "RPC error; retrying in {delay:?}");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(10));
                }
            }
        }
        unreachable!("the loop returns on its last attempt")
    }

    async fn block_hash(&self, number: u64) -> Result<Option<String>, IndexerError> {
        let block = self
            .retry("eth_getBlockByNumber", || async {
                self.provider.get_block_by_number(BlockNumberOrTag::Number(number)).await
            })
            .await?;
        Ok(block.map(|b| b.header.hash.to_string()))
    }

    /// Rewinds when the checkpoint's block is no longer on the chain; returns the checkpoint
    /// to continue from.
    async fn check_reorg(&self) -> Result<(Option<Checkpoint>, u64), IndexerError> {
        let Some(cp) = self.store.checkpoint().await? else { return Ok((None, 0)) };
        if self.block_hash(cp.number).await?.as_deref() == Some(cp.hash.as_str()) {
            return Ok((Some(cp), 0));
        }
        let keep = cp.number.saturating_sub(self.reorg_depth).max(self.start.saturating_sub(1));
        let hash = self.block_hash(keep).await?.unwrap_or_default();
        let removed = self.store.rewind(&Checkpoint { number: keep, hash: hash.clone() }).await?;
        tracing::warn!(
            from = cp.number,
            to = keep,
            removed,
            "reorg: the checkpoint block was replaced; rewound"
        );
        Ok((Some(Checkpoint { number: keep, hash }), removed))
    }

    fn rows(&self, logs: &[Log]) -> Vec<EventRow> {
        logs.iter()
            .filter_map(|log| {
                let contract = self.contracts.get(&log.address())?;
                let (name, args) = match self.catalog.decode(contract, log.data()) {
                    Some(d) => (d.name, d.args.to_string()),
                    None => ("unknown".to_owned(), serde_json::json!({ "data": log.data() }).to_string()),
                };
                Some(EventRow {
                    block_number: log.block_number?,
                    log_index: log.log_index?,
                    block_hash: log.block_hash?.to_string(),
                    tx_hash: log.transaction_hash?.to_string(),
                    address: log.address().to_checksum(None),
                    contract: contract.clone(),
                    event: name,
                    args,
                })
            })
            .collect()
    }

    /// Indexes up to `head` (inclusive).
    pub async fn sync_to(&mut self, head: u64) -> Result<SyncReport, IndexerError> {
        let (cp, rewound) = self.check_reorg().await?;
        let mut from = cp.map_or(self.start, |c| c.number + 1);
        let mut report = SyncReport { rewound, head: from.saturating_sub(1), ..SyncReport::default() };
        let addresses: Vec<Address> = self.contracts.keys().copied().collect();
        while from <= head {
            let to = (from + self.range.size - 1).min(head);
            let filter = Filter::new().address(addresses.clone()).from_block(from).to_block(to);
            let logs = match self.provider.get_logs(&filter).await {
                Ok(logs) => logs,
                Err(e) => {
                    // too large a response or a struggling provider: smaller ranges, then retry
                    if self.range.shrink() {
                        tracing::debug!(from, to, %e, size = self.range.size, "getLogs failed; shrinking the range");
                        continue;
                    }
                    self.retry("eth_getLogs", || self.provider.get_logs(&filter)).await?
                }
            };
            let hash = self.block_hash(to).await?.unwrap_or_default();
            let rows = self.rows(&logs);
            self.store.commit(&rows, &Checkpoint { number: to, hash }).await?;
            tracing::info!(from, to, events = rows.len(), "indexed");
            report.events += rows.len() as u64;
            report.ranges += 1;
            report.head = to;
            from = to + 1;
            self.range.grow();
        }
        Ok(report)
    }

    /// Follows the chain head until `stop` resolves, polling every `poll`.
    pub async fn follow(
        &mut self,
        poll: Duration,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<(), IndexerError> {
        tokio::pin!(stop);
        loop {
            let head = self.retry("eth_blockNumber", || self.provider.get_block_number()).await?;
            self.sync_to(head).await?;
            tokio::select! {
                () = &mut stop => return Ok(()),
                () = tokio::time::sleep(poll) => {}
            }
        }
    }
}
