//! Backfill and follow: `eth_getLogs` over every manifest contract in adaptive block ranges,
//! each range committed with its derived state, the unfinalised block hashes it covers and its
//! checkpoint in one transaction.
//!
//! Reorgs: the hashes of blocks within the finality depth of the head are kept. Before each
//! pass the checkpoint's hash is compared with the chain's; when it differs (a reorg, live or
//! while stopped) the stored hashes are walked down to the newest block the chain still has,
//! and everything above that common ancestor is rewound atomically. Within a pass, each
//! unfinalised block must link to its parent and every log's block hash must be the header's:
//! a reorg during the fetch discards the range and starts the pass again.

use crate::{
    catalog::Catalog,
    derive::{self, Changes, Context, DeriveError},
    events,
    metrics::{Metrics, gauge},
    store::{Batch, BlockRow, EventRow, Store, StoreError},
};
use alloy::{
    consensus::BlockHeader,
    eips::BlockNumberOrTag,
    primitives::{Address, B256},
    providers::Provider,
    rpc::types::{Filter, Log},
};
use futures::{StreamExt, TryStreamExt, stream};
use masa_bindings::{Contract, UnknownContract, manifest::Manifest};
use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

/// Headers fetched concurrently.
const HEADER_CONCURRENCY: usize = 8;

/// How often a backfill logs its progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// One progress line: blocks done of the pass, events/s, time left at the current block rate.
fn progress(first: u64, done: u64, head: u64, events: u64, elapsed: Duration) {
    let (covered, total) = (done + 1 - first, head + 1 - first);
    let secs = elapsed.as_secs_f64().max(1e-3);
    let eta = (total - covered) as f64 * secs / covered as f64;
    tracing::info!(
        block = done,
        head,
        percent = format!("{:.1}", 100.0 * covered as f64 / total as f64),
        events,
        events_per_s = (events as f64 / secs) as u64,
        eta_s = eta as u64,
        "backfill"
    );
}

/// Indexer errors.
#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An event's arguments do not fit the derived tables.
    #[error(transparent)]
    Derive(#[from] DeriveError),
    /// The RPC kept failing, after retries.
    #[error("RPC: {what} failed after {attempts} attempts: {reason}")]
    Rpc {
        /// What was asked.
        what: String,
        /// How often.
        attempts: u32,
        /// The last error.
        reason: String,
    },
    /// The chain replaced every block whose hash the index kept.
    #[error(
        "reorg deeper than the finality window: none of the stored blocks {lowest}..={checkpoint} is on \
         the chain any more; re-index from scratch or raise --finality-depth"
    )]
    ReorgBeyondWindow {
        /// The checkpoint.
        checkpoint: u64,
        /// The oldest stored block.
        lowest: u64,
    },
    /// The manifest lists no contract.
    #[error("the manifest has no contracts to index")]
    EmptyManifest,
    /// The manifest names a contract the suite does not have (a manifest of another version).
    #[error("the {network} manifest: {source}")]
    UnknownContract {
        /// The manifest's network.
        network: String,
        /// The name.
        source: UnknownContract,
    },
}

impl IndexerError {
    /// Whether waiting may cure it (a database or RPC outage), as opposed to a state that
    /// needs an operator.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Rpc { .. } | Self::Store(StoreError::Db { .. }))
    }
}

/// Block-range sizing. A range that fails shrinks by half; one that returns more logs than
/// `target_logs` shrinks in proportion (the next ranges, not this one, which is kept); one that
/// returns fewer than half of it doubles, up to `max` blocks. Ranges start small, so a dense
/// chain never answers one huge first request.
#[derive(Debug, Clone, Copy)]
pub struct RangeControl {
    /// Current range size in blocks.
    pub size: u64,
    /// Largest range.
    pub max: u64,
    /// Logs per range to aim for: a bound on memory and on the cost of a lost response.
    pub target_logs: u64,
}

impl Default for RangeControl {
    fn default() -> Self {
        Self { size: 16, max: 10_000, target_logs: 10_000 }
    }
}

impl RangeControl {
    fn fit(&mut self, logs: usize) {
        let logs = logs as u64;
        if logs > self.target_logs {
            self.size = (self.size * self.target_logs / logs).max(1);
        } else if logs < self.target_logs / 2 {
            self.size = (self.size * 2).min(self.max);
        }
    }
    fn shrink(&mut self) -> bool {
        if self.size == 1 {
            return false;
        }
        self.size = (self.size / 2).max(1);
        true
    }
}

/// Where a sync's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Profile {
    /// Waiting for `eth_getLogs`.
    pub logs: Duration,
    /// Waiting for block headers.
    pub headers: Duration,
    /// Decoding logs and deriving state.
    pub decode: Duration,
    /// Writing to the database.
    pub commit: Duration,
}

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Events written.
    pub events: u64,
    /// Ranges committed.
    pub ranges: u64,
    /// Reorgs found.
    pub reorgs: u64,
    /// Events removed by reorg rewinds.
    pub rewound: u64,
    /// Ranges discarded because the chain changed while they were fetched.
    pub discarded: u64,
    /// The checkpoint reached.
    pub head: u64,
    /// Where the time went.
    pub profile: Profile,
}

/// Indexes one deployment into one store.
#[derive(Debug)]
pub struct Indexer<P> {
    provider: P,
    store: Store,
    catalog: Catalog,
    /// Each indexed address: its contract and its checksummed form.
    contracts: HashMap<Address, (Contract, String)>,
    start: u64,
    finality_depth: u64,
    ctx: Context,
    metrics: Arc<Metrics>,
    /// Whether the raw logs the window lacked were looked for (once per indexer).
    raw_logs_checked: bool,
    /// Whether the families a migration added were derived from the stored events (once per
    /// indexer, before it commits anything).
    backlog_derived: bool,
    /// Range sizing (public for tuning and tests).
    pub range: RangeControl,
}

impl<P: Provider> Indexer<P> {
    /// An indexer of every contract in `manifest` (and its vesting wallets), from its first
    /// deployment block, keeping block hashes `finality_depth` blocks behind the head.
    pub fn new(
        provider: P,
        store: Store,
        manifest: &Manifest,
        finality_depth: u64,
    ) -> Result<Self, IndexerError> {
        let mut contracts = HashMap::new();
        for (name, deployment) in &manifest.contracts {
            let contract = name.parse().map_err(|source| IndexerError::UnknownContract {
                network: manifest.network.clone(),
                source,
            })?;
            contracts.insert(deployment.address, (contract, deployment.address.to_checksum(None)));
        }
        for wallet in &manifest.vesting_wallets {
            contracts.insert(wallet.wallet, (Contract::MasaVestingWallet, wallet.wallet.to_checksum(None)));
        }
        let start = manifest.start_block().ok_or(IndexerError::EmptyManifest)?;
        let ctx = Context { fee_router: manifest.address_of(Contract::FeeRouter).ok() };
        Ok(Self {
            provider,
            store,
            catalog: Catalog::from_bindings(),
            contracts,
            start,
            finality_depth,
            ctx,
            metrics: Arc::default(),
            raw_logs_checked: false,
            backlog_derived: false,
            range: RangeControl::default(),
        })
    }

    /// Shares `metrics` with the API.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    async fn retry<T, F, Fut>(&self, what: &str, mut f: F) -> Result<T, IndexerError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, alloy::transports::TransportError>>,
    {
        let mut delay = Duration::from_millis(100);
        let attempts = 8;
        for attempt in 1..=attempts {
            match f().await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    self.metrics.rpc_errors.inc();
                    if attempt == attempts {
                        return Err(IndexerError::Rpc {
                            what: what.to_owned(),
                            attempts,
                            reason: e.to_string(),
                        });
                    }
                    tracing::warn!(what, attempt, %e, "RPC error; retrying in {delay:?}");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(10));
                }
            }
        }
        unreachable!("the loop returns on its last attempt")
    }

    /// The chain's block `number`: (hash, parent hash, timestamp); `None` if it has none.
    async fn header(&self, number: u64) -> Result<Option<(BlockRow, u64)>, IndexerError> {
        let block = self
            .retry(&format!("eth_getBlockByNumber({number})"), || async {
                self.provider.get_block_by_number(BlockNumberOrTag::Number(number)).await
            })
            .await?;
        Ok(block.map(|b| {
            let row = BlockRow {
                number,
                hash: b.header.hash.to_string(),
                parent_hash: b.header.parent_hash().to_string(),
            };
            (row, b.header.timestamp())
        }))
    }

    /// Finds the checkpoint still on the chain, rewinding to the common ancestor after a reorg.
    async fn reconcile(&self, report: &mut SyncReport) -> Result<Option<BlockRow>, IndexerError> {
        let Some(checkpoint) = self.store.checkpoint().await? else { return Ok(None) };
        if self.header(checkpoint.number).await?.is_some_and(|(b, _)| b.hash == checkpoint.hash) {
            return Ok(Some(checkpoint));
        }
        let stored = self.store.blocks().await?;
        let mut ancestor = None;
        for block in &stored {
            if self.header(block.number).await?.is_some_and(|(b, _)| b.hash == block.hash) {
                ancestor = Some(block.clone());
                break;
            }
        }
        let Some(ancestor) = ancestor else {
            return Err(IndexerError::ReorgBeyondWindow {
                checkpoint: checkpoint.number,
                lowest: stored.last().map_or(checkpoint.number, |b| b.number),
            });
        };
        let removed = self.store.rewind(&ancestor, &self.ctx).await?;
        report.reorgs += 1;
        report.rewound += removed;
        self.metrics.reorgs.inc();
        self.metrics.rewound.inc_by(removed);
        self.metrics.indexed.set(gauge(ancestor.number));
        tracing::warn!(
            checkpoint = checkpoint.number,
            ancestor = ancestor.number,
            depth = checkpoint.number - ancestor.number,
            removed,
            "reorg: rewound to the common ancestor"
        );
        Ok(Some(ancestor))
    }

    /// Fills in, from the RPC, the raw logs of the unfinalised window's events indexed before raw
    /// logs were kept (migration 0008), which a reorg rewind would need: the logs of each such
    /// block, asked for by the hash it was indexed with (`eth_getLogs` by block hash, which a
    /// node answers for a block it has, even off the canonical chain). A block the node no longer
    /// has is left as it is, with a warning: a rewind over its events stops with
    /// [`StoreError::NoRawLog`]. Runs once per indexer.
    async fn fill_raw_logs(&mut self, addresses: &[Address]) -> Result<(), IndexerError> {
        if self.raw_logs_checked {
            return Ok(());
        }
        let blocks = self.store.blocks_missing_raw_logs().await?;
        let mut found = Vec::new();
        for block in &blocks {
            let hash: B256 = block.hash.parse().map_err(|_| {
                StoreError::Corrupt(format!("hash {} of an event in block {}", block.hash, block.number))
            })?;
            let filter = Filter::new().at_block_hash(hash).address(addresses.to_vec());
            match self.provider.get_logs(&filter).await {
                Ok(logs) => found.extend(
                    logs.into_iter()
                        .filter(|l| l.block_hash == Some(hash))
                        .filter_map(|l| Some((block.number, l.log_index?, l.inner.data))),
                ),
                Err(e) => tracing::warn!(
                    block = block.number,
                    hash = block.hash,
                    %e,
                    "cannot fetch the raw logs of events indexed before they were kept; \
                     a reorg rewinding them will ask for a re-index"
                ),
            }
        }
        if !blocks.is_empty() {
            let filled = self.store.fill_raw_logs(&found).await?;
            tracing::info!(
                blocks = blocks.len(),
                events = filled,
                "filled in raw logs of the unfinalised window"
            );
        }
        self.raw_logs_checked = true;
        Ok(())
    }

    /// Logs of `[from, to]`, shrinking the range on provider errors (too large a response,
    /// a struggling node) and retrying with backoff at one block. Returns the `to` used.
    async fn logs(
        &mut self,
        from: u64,
        head: u64,
        addresses: &[Address],
    ) -> Result<(u64, Vec<Log>), IndexerError> {
        loop {
            let to = (from + self.range.size - 1).min(head);
            let filter = Filter::new().address(addresses.to_vec()).from_block(from).to_block(to);
            match self.provider.get_logs(&filter).await {
                Ok(logs) => return Ok((to, logs)),
                Err(e) => {
                    self.metrics.rpc_errors.inc();
                    if self.range.shrink() {
                        tracing::debug!(from, to, %e, size = self.range.size, "getLogs failed; shrinking the range");
                        continue;
                    }
                    let what = format!("eth_getLogs({from}..={to})");
                    return Ok((to, self.retry(&what, || self.provider.get_logs(&filter)).await?));
                }
            }
        }
    }

    /// Builds the batch for `[from, to]`; `None` when the chain changed while it was fetched.
    async fn batch(
        &self,
        from: u64,
        to: u64,
        head: u64,
        logs: &[Log],
        parent: Option<&BlockRow>,
        profile: &mut Profile,
    ) -> Result<Option<Batch>, IndexerError> {
        // blocks above `final_at` may still be replaced
        let final_at = head.saturating_sub(self.finality_depth);
        let mut wanted: BTreeSet<u64> = (from.max(final_at + 1)..=to).collect();
        wanted.insert(to);
        for log in logs {
            if log.block_timestamp.is_none() {
                wanted.extend(log.block_number);
            }
        }
        let started = Instant::now();
        let headers: Vec<Option<(BlockRow, u64)>> = stream::iter(wanted.iter().copied())
            .map(|number| self.header(number))
            .buffered(HEADER_CONCURRENCY)
            .try_collect()
            .await?;
        profile.headers += started.elapsed();
        let started = Instant::now();
        let mut by_number = BTreeMap::new();
        for header in headers {
            let Some((block, time)) = header else { return Ok(None) };
            by_number.insert(block.number, (block, time));
        }
        // unfinalised blocks must chain: each to the previous one, the first to the checkpoint
        for (number, (block, _)) in by_number.range(final_at + 1..) {
            let previous = match by_number.get(&(number - 1)) {
                Some((p, _)) => Some(&p.hash),
                None => parent.filter(|p| p.number + 1 == *number).map(|p| &p.hash),
            };
            if previous.is_some_and(|p| *p != block.parent_hash) {
                return Ok(None);
            }
        }
        let mut events = Vec::with_capacity(logs.len());
        let mut changes = Changes::default();
        for log in logs {
            let (Some(number), Some(index), Some(hash)) = (log.block_number, log.log_index, log.block_hash)
            else {
                // a pending log: the node answered for blocks it has not sealed
                return Ok(None);
            };
            let header = by_number.get(&number);
            if header.is_some_and(|(b, _)| b.hash != hash.to_string()) {
                return Ok(None);
            }
            let Some((contract, checksummed)) = self.contracts.get(&log.address()) else { continue };
            let contract = *contract;
            let Some(time) = log.block_timestamp.or(header.map(|(_, t)| *t)) else { return Ok(None) };
            let (name, event) = events::decode(contract, log.data());
            let args = match event.as_ref().and_then(|_| self.catalog.args(contract, log.data())) {
                Some(args) => args,
                None => serde_json::json!({ "data": log.data() }),
            };
            let tx_hash = log.transaction_hash.map(|h| h.to_string()).unwrap_or_default();
            let derived = derive::Event {
                contract,
                address: log.address(),
                name,
                event: event.as_ref(),
                block_number: number,
                block_time: time,
                log_index: index,
                tx_hash: &tx_hash,
            };
            changes.add(&derived, &self.ctx)?;
            events.push(EventRow {
                block_number: number,
                log_index: index,
                block_time: time,
                block_hash: hash.to_string(),
                tx_hash,
                address: checksummed.clone(),
                contract: contract.name().to_owned(),
                event: name.to_owned(),
                args: args.to_string(),
                log: Some(log.data().clone()),
            });
        }
        changes.compact();
        let checkpoint = by_number.get(&to).map(|(b, _)| b.clone());
        profile.decode += started.elapsed();
        let final_checkpoint = checkpoint.clone().filter(|c| c.number <= final_at);
        let blocks =
            by_number.range(final_at + 1..).map(|(_, (b, _))| b.clone()).chain(final_checkpoint).collect();
        Ok(Some(Batch { events, changes, blocks, checkpoint, prune_below: (final_at + 1).min(to) }))
    }

    /// Indexes up to `head` (inclusive).
    pub async fn sync_to(&mut self, head: u64) -> Result<SyncReport, IndexerError> {
        let mut report = SyncReport::default();
        let addresses: Vec<Address> = self.contracts.keys().copied().collect();
        self.metrics.head.set(gauge(head));
        if !self.backlog_derived {
            // before anything is committed: the families a migration added derive the events
            // stored before it, never those indexed after it (their changes include the family's)
            self.store.derive_backlog(&self.ctx).await?;
            self.backlog_derived = true;
        }
        self.fill_raw_logs(&addresses).await?;
        let began = Instant::now();
        let mut logged = began;
        'pass: loop {
            let mut parent = self.reconcile(&mut report).await?;
            let mut from = parent.as_ref().map_or(self.start, |c| c.number + 1);
            report.head = from.saturating_sub(1);
            self.metrics.indexed.set(gauge(report.head));
            let first = from;
            while from <= head {
                let started = Instant::now();
                let (to, logs) = self.logs(from, head, &addresses).await?;
                report.profile.logs += started.elapsed();
                let Some(batch) =
                    self.batch(from, to, head, &logs, parent.as_ref(), &mut report.profile).await?
                else {
                    report.discarded += 1;
                    tracing::info!(from, to, "the chain changed during the fetch; checking for a reorg");
                    continue 'pass;
                };
                let started = Instant::now();
                self.store.commit(&batch).await?;
                report.profile.commit += started.elapsed();
                self.metrics.commit_seconds.observe(started.elapsed().as_secs_f64());
                let count = batch.events.len() as u64;
                tracing::debug!(from, to, events = count, "indexed");
                if logged.elapsed() >= PROGRESS_EVERY && to < head {
                    logged = Instant::now();
                    progress(first, to, head, report.events + count, began.elapsed());
                }
                self.metrics.events.inc_by(count);
                self.metrics.ranges.inc();
                self.metrics.indexed.set(gauge(to));
                report.events += count;
                report.ranges += 1;
                report.head = to;
                parent = batch.checkpoint;
                from = to + 1;
                self.range.fit(logs.len());
                self.metrics.range_size.set(gauge(self.range.size));
            }
            return Ok(report);
        }
    }

    /// Follows the chain head until `stop` resolves, polling every `poll`. RPC and database
    /// outages are waited out (logged, counted in the metrics); other errors end it.
    pub async fn follow(
        &mut self,
        poll: Duration,
        stop: impl Future<Output = ()>,
    ) -> Result<(), IndexerError> {
        tokio::pin!(stop);
        let mut backoff = poll;
        loop {
            let step = async {
                let head = self.retry("eth_blockNumber", || self.provider.get_block_number()).await?;
                self.metrics.head.set(gauge(head));
                let report = self.sync_to(head).await?;
                Ok::<_, IndexerError>(report.head >= head)
            };
            let wait = match step.await {
                Ok(synced) => {
                    self.metrics.set_synced(synced);
                    backoff = poll;
                    poll
                }
                Err(e) if e.is_transient() => {
                    if matches!(e, IndexerError::Store(_)) {
                        self.metrics.db_errors.inc();
                    }
                    self.metrics.set_synced(false);
                    tracing::error!(%e, "paused; retrying in {backoff:?}");
                    let wait = backoff;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                    wait
                }
                Err(e) => return Err(e),
            };
            tokio::select! {
                () = &mut stop => return Ok(()),
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}
