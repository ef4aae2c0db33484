//! The transaction manager: sends the node's transactions (a fulfilment, an equivocation report,
//! a registration) from the operator's wallet, once per purpose, surviving restarts, flaky
//! endpoints and stuck transactions.
//!
//! - **Idempotent by key.** Each send names its purpose with a key (`fulfill:42`). The signed
//!   transaction is committed to the store's outbox, with its hash, nonce and fees, before it is
//!   broadcast; a key already in the outbox is never signed again with a new nonce while any of
//!   its transactions may still mine: a mined key is returned as it is, a pending one is tracked
//!   (its signed bytes rebroadcast). [`TxManager::resume`] finishes what a killed process left
//!   pending. A signed transaction is public data (it is what the node broadcasts); the key
//!   never leaves the signer and is never stored or logged.
//! - **Pre-flight.** Before signing, the call is executed in revm against a fork of the chain at
//!   the latest block ([`Fork`]); a revert is refused with the contract's error by name and
//!   values ([`TxError::Preflight`], [`Check::Revm`]) and nothing is signed.
//! - **Nonces.** One counter per wallet behind a mutex, started from the node's pending count and
//!   the outbox's highest pending nonce, and resynchronised when a nonce turns out taken.
//! - **Gas and fees.** The node's estimate [with headroom](masa_sdk::tx::with_headroom), EIP-1559
//!   fees from the node's fee history, capped at [`TxConfig::max_fee_per_gas`]; the wallet's
//!   balance is checked against gas × fee cap before signing. The estimate executes the call
//!   too, over the node's pending state: a revert there refuses the send as well
//!   ([`TxError::Preflight`], [`Check::GasEstimate`]).
//! - **Retries.** Every RPC request is retried on transient failures with exponential backoff and
//!   jitter ([`Backoff`]), at the transport.
//! - **Stuck transactions.** A transaction not mined after [`TxConfig::replace_after_blocks`]
//!   blocks or [`TxConfig::replace_after`] is replaced: re-signed with the same nonce and both
//!   fees raised by at least 12.5% (what nodes require to replace), recorded as another attempt
//!   of the key. Whichever attempt mines is the key's transaction. When another transaction
//!   took the nonce and none of the key's mined, the call is pre-flighted again and re-signed
//!   with a fresh nonce.

mod preflight;
mod retry;

pub use preflight::{Fork, ForkError, Outcome};
pub use retry::Backoff;

use crate::store::{
    Store, StoreError,
    outbox::{OutboxAttempt, OutboxEntry, OutboxState},
};
use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::{BlockNumberOrTag, eip2718::Encodable2718},
    network::TransactionBuilder,
    primitives::{Address, B256, Bytes, TxKind, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::{
        client::ClientBuilder,
        types::{Header, TransactionRequest},
    },
    signers::{SignerSync, local::PrivateKeySigner},
    transports::TransportError,
};
use masa_sdk::tx::{Call, Refusal, with_headroom};
use revm::primitives::hardfork::SpecId;
use std::{
    collections::HashMap,
    fmt,
    sync::{
        Arc, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::sync::{Mutex, OwnedMutexGuard};
use url::Url;

/// How the manager sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxConfig {
    /// Retries of each RPC request.
    pub backoff: Backoff,
    /// Longest wait for one RPC answer.
    pub request_timeout: Duration,
    /// The highest EIP-1559 fee cap the node signs (wei per gas): estimates above it are cut to
    /// it, and a base fee above it refuses the send.
    pub max_fee_per_gas: u128,
    /// Blocks after which a pending transaction is replaced.
    pub replace_after_blocks: u64,
    /// Time after which a pending transaction is replaced (whichever of the two comes first).
    pub replace_after: Duration,
    /// Most transactions signed for one key (the first, replacements and re-signs).
    pub max_attempts: u32,
    /// Longest wait for a key's receipt in one call; the transaction stays in the outbox after.
    pub receipt_timeout: Duration,
    /// Pause between two looks at a pending transaction.
    pub poll_interval: Duration,
    /// The chain's rules, for the pre-flight (anvil's `--hardfork cancun`, as the sdk's revm
    /// chain).
    pub spec: SpecId,
}

impl Default for TxConfig {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            request_timeout: Duration::from_secs(10),
            max_fee_per_gas: 500_000_000_000, // 500 gwei
            replace_after_blocks: 5,
            replace_after: Duration::from_secs(60),
            max_attempts: 10,
            receipt_timeout: masa_sdk::tx::RECEIPT_TIMEOUT,
            poll_interval: Duration::from_secs(1),
            spec: SpecId::CANCUN,
        }
    }
}

/// What the manager did, since it started (for metrics).
#[derive(Debug, Default)]
pub struct TxCounters {
    /// Keys whose first transaction was signed and broadcast.
    pub sent: AtomicU64,
    /// Replacements of stuck transactions (same nonce, higher fees).
    pub replaced: AtomicU64,
    /// Transactions re-signed with a fresh nonce after another transaction took theirs.
    pub resigned: AtomicU64,
    /// RPC requests retried after a transient failure.
    pub retried: AtomicU64,
    /// Sends refused before signing (nothing signed): reverted or halted in the revm pre-flight,
    /// or reverted in the node's gas estimate.
    pub preflight_refused: AtomicU64,
    /// Keys whose transaction was seen mined (status 1 or 0).
    pub mined: AtomicU64,
}

/// A key's mined transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The key.
    pub key: String,
    /// The transaction that mined.
    pub tx_hash: B256,
    /// Its block.
    pub block_number: u64,
    /// Its gas.
    pub gas_used: u64,
    /// Its nonce.
    pub nonce: u64,
    /// Transactions signed for the key (1, plus replacements and re-signs).
    pub attempts: u32,
    /// Whether the key's first transaction was signed before this call (by an earlier call or
    /// process): this call signed nothing new but, perhaps, replacements.
    pub already_done: bool,
}

/// The check that refused a call before anything was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The pre-flight: the call executed in revm over a fork of the chain at a block ([`Fork`]).
    Revm {
        /// The block it ran over.
        block: u64,
    },
    /// The node's gas estimate (`eth_estimateGas`), which executes the call over the node's
    /// pending state: the chain moved since the pre-flight's block, or the node's pool holds a
    /// transaction that changes the outcome.
    GasEstimate,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Revm { block } => write!(f, "the revm pre-flight at block {block}"),
            Self::GasEstimate => f.write_str("the node's gas estimate (eth_estimateGas, pending state)"),
        }
    }
}

/// Why a send failed. Messages name the call, the key and the transaction, never key material.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The endpoint cannot be used (its chain id is not answered).
    #[error("the RPC endpoint {endpoint} cannot be used: {reason}")]
    Connect {
        /// The endpoint, as host and port (a URL may carry an API key).
        endpoint: String,
        /// Why.
        reason: String,
    },
    /// The call reverted in a check before signing (the revm pre-flight or the node's gas
    /// estimate): nothing was signed.
    #[error("{call} ({key}) refused by {check}: {reason}")]
    Preflight {
        /// The call (`OracleRequests.fulfill`).
        call: String,
        /// The key.
        key: String,
        /// The check that refused it.
        check: Check,
        /// The contract's error, by name and values when a contract of the suite declares it.
        reason: Refusal,
    },
    /// The pre-flight halted (out of gas, an invalid opcode): nothing was signed.
    #[error("{call} ({key}) halts in the pre-flight at block {block}: {reason}")]
    Halted {
        /// The call.
        call: String,
        /// The key.
        key: String,
        /// The block it ran over.
        block: u64,
        /// Why, as revm names it.
        reason: String,
    },
    /// An RPC request failed after its retries.
    #[error("{call} ({key}): {request} failed: {reason}")]
    Rpc {
        /// The call.
        call: String,
        /// The key.
        key: String,
        /// The request (`eth_estimateGas`, `pre-flight`).
        request: &'static str,
        /// Why.
        reason: String,
    },
    /// The wallet cannot pay the gas (nothing was signed).
    #[error("{call} ({key}) may cost {needed} wei of gas, but the wallet {wallet} holds {balance} wei")]
    Funds {
        /// The call.
        call: String,
        /// The key.
        key: String,
        /// The operator's wallet.
        wallet: Address,
        /// Its balance.
        balance: U256,
        /// Gas limit × fee cap.
        needed: U256,
    },
    /// The chain's base fee is above the configured cap (nothing was signed).
    #[error("{call} ({key}): the base fee ({base_fee} wei) is above the fee cap ({cap} wei)")]
    FeeCap {
        /// The call.
        call: String,
        /// The key.
        key: String,
        /// The latest block's base fee.
        base_fee: u128,
        /// [`TxConfig::max_fee_per_gas`].
        cap: u128,
    },
    /// The node refused the signed transaction for good; the key may be sent again.
    #[error("{call} ({key}): the node rejected transaction {tx_hash}: {reason}")]
    Rejected {
        /// The call.
        call: String,
        /// The key.
        key: String,
        /// The transaction.
        tx_hash: B256,
        /// The node's answer.
        reason: String,
    },
    /// The transaction is not mined yet; it stays in the outbox.
    #[error(
        "{call} ({key}): transaction {tx_hash} (nonce {nonce}) not mined after {waited_secs} s; the outbox keeps \
         it, the next send of the key or a resume tracks it again"
    )]
    Pending {
        /// The call.
        call: String,
        /// The key.
        key: String,
        /// Its newest transaction.
        tx_hash: B256,
        /// Its nonce.
        nonce: u64,
        /// Seconds waited in this call.
        waited_secs: u64,
    },
    /// The transaction was mined and reverted (the chain changed after the pre-flight). Final
    /// for the key: another attempt takes another key.
    #[error("{call} ({key}) reverted in transaction {tx_hash} (block {block})")]
    Reverted {
        /// The call.
        call: String,
        /// The key.
        key: String,
        /// The transaction.
        tx_hash: B256,
        /// Its block.
        block: u64,
    },
    /// Signing failed.
    #[error("{call} ({key}): signing failed: {reason}")]
    Sign {
        /// The call.
        call: String,
        /// The key.
        key: String,
        /// Why.
        reason: String,
    },
    /// The outbox failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TxError {
    /// Whether the same send may succeed later: an endpoint that failed, a transaction still
    /// pending. Refusals, reverts, missing funds and store failures are not.
    pub const fn is_transient(&self) -> bool {
        matches!(self, Self::Connect { .. } | Self::Rpc { .. } | Self::Pending { .. })
    }

    /// The contract's refusal, when a check before signing (either [`Check`]) refused the call.
    pub const fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::Preflight { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// The key and call a step works for, naming them in errors.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    key: &'a str,
    call: &'a str,
}

impl Ctx<'_> {
    fn rpc(self, request: &'static str) -> impl FnOnce(TransportError) -> TxError {
        move |e| TxError::Rpc { call: self.call.into(), key: self.key.into(), request, reason: e.to_string() }
    }

    fn sign(self) -> impl FnOnce(alloy::signers::Error) -> TxError {
        move |e| TxError::Sign { call: self.call.into(), key: self.key.into(), reason: e.to_string() }
    }
}

/// How the node answered a broadcast.
#[derive(Debug)]
enum Broadcast {
    /// Accepted now.
    Accepted,
    /// It already had the transaction.
    Known,
    /// The nonce is taken (mined): by this transaction or another.
    NonceTaken,
    /// Another transaction with this nonce pays more or as much.
    Underpriced,
    /// The endpoint failed (after the transport's retries).
    Unreachable(String),
    /// Refused for another reason.
    Rejected(String),
}

/// Reads a node's refusal of `eth_sendRawTransaction` (geth's, anvil's, reth's wording).
fn broadcast_outcome(result: Result<(), TransportError>) -> Broadcast {
    let err = match result {
        Ok(()) => return Broadcast::Accepted,
        Err(err) => err,
    };
    let Some(payload) = err.as_error_resp() else {
        return Broadcast::Unreachable(err.to_string());
    };
    let message = payload.message.to_lowercase();
    if ["already known", "already imported", "known transaction", "already exists", "already in the pool"]
        .iter()
        .any(|m| message.contains(m))
    {
        Broadcast::Known
    } else if message.contains("nonce too low") || message.contains("nonce has already been used") {
        Broadcast::NonceTaken
    } else if message.contains("underpriced") {
        Broadcast::Underpriced
    } else {
        Broadcast::Rejected(payload.message.to_string())
    }
}

/// `fee` raised by 12.5% (rounded up), at least by 1 wei.
const fn bumped(fee: u128) -> u128 {
    fee.saturating_add(fee.div_ceil(8)).saturating_add(if fee < 8 { 1 } else { 0 })
}

/// One lock per key, so that concurrent sends of one key sign once.
#[derive(Debug, Default)]
struct KeyLocks(std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>);

/// A held key lock; the map forgets the key when nobody else holds or waits for it.
struct KeyGuard<'a> {
    locks: &'a KeyLocks,
    key: String,
    lock: Arc<Mutex<()>>,
    guard: Option<OwnedMutexGuard<()>>,
}

impl KeyLocks {
    async fn lock(&self, key: &str) -> KeyGuard<'_> {
        let lock =
            self.0.lock().unwrap_or_else(PoisonError::into_inner).entry(key.to_owned()).or_default().clone();
        let guard = lock.clone().lock_owned().await;
        KeyGuard { locks: self, key: key.to_owned(), lock, guard: Some(guard) }
    }
}

impl Drop for KeyGuard<'_> {
    fn drop(&mut self) {
        self.guard.take();
        let mut map = self.locks.0.lock().unwrap_or_else(PoisonError::into_inner);
        // the map's reference and ours: nobody waits
        if Arc::strong_count(&self.lock) == 2 {
            map.remove(&self.key);
        }
    }
}

/// Fees of one signed transaction.
#[derive(Debug, Clone, Copy)]
struct Fees {
    max_fee_per_gas: u128,
    max_priority_fee_per_gas: u128,
}

/// A transaction of a key, to sign.
struct Unsigned<'a> {
    /// Its attempt number.
    number: u32,
    nonce: u64,
    to: Address,
    input: &'a Bytes,
    gas_limit: u64,
    fees: Fees,
    /// The latest block when signed.
    block: u64,
}

struct Inner {
    provider: DynProvider,
    signer: PrivateKeySigner,
    chain_id: u64,
    store: Store,
    config: TxConfig,
    /// The wallet's next nonce; `None` until read from the chain (and after a resync).
    nonce: Mutex<Option<u64>>,
    keys: KeyLocks,
    counters: Arc<TxCounters>,
}

/// Sends the node's transactions from one wallet; cheap to clone (clones share the wallet's
/// nonce counter and key locks).
#[derive(Clone)]
pub struct TxManager {
    inner: Arc<Inner>,
}

impl fmt::Debug for TxManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TxManager")
            .field("wallet", &self.address())
            .field("chain_id", &self.inner.chain_id)
            .finish_non_exhaustive()
    }
}

/// An RPC client for `rpc_url` whose transport retries transient failures (dropped
/// connections, answers cut short, HTTP 429 and 5xx, rate-limit errors) with `config`'s backoff,
/// counting each retry in `counters`. The node reads the chain through such clients too.
pub fn resilient_client(
    rpc_url: Url,
    config: &TxConfig,
    counters: Arc<TxCounters>,
) -> Result<alloy::rpc::client::RpcClient, String> {
    let http =
        reqwest::Client::builder().timeout(config.request_timeout).build().map_err(|e| e.to_string())?;
    Ok(ClientBuilder::default()
        .layer(retry::RetryLayer::new(config.backoff, counters))
        .http_with_client(http, rpc_url))
}

impl TxManager {
    /// A manager sending from `signer`'s wallet through the endpoint at `rpc_url`, recording in
    /// `store`'s outbox. Asks the endpoint its chain id.
    pub async fn new(
        rpc_url: Url,
        signer: PrivateKeySigner,
        store: Store,
        config: TxConfig,
    ) -> Result<Self, TxError> {
        let endpoint = format!(
            "{}:{}",
            rpc_url.host_str().unwrap_or("?"),
            rpc_url.port_or_known_default().unwrap_or_default()
        );
        let counters = Arc::new(TxCounters::default());
        let client = resilient_client(rpc_url, &config, Arc::clone(&counters))
            .map_err(|reason| TxError::Connect { endpoint: endpoint.clone(), reason })?;
        let provider = ProviderBuilder::new().disable_recommended_fillers().connect_client(client).erased();
        let chain_id = provider
            .get_chain_id()
            .await
            .map_err(|e| TxError::Connect { endpoint, reason: e.to_string() })?;
        let inner = Inner {
            provider,
            signer,
            chain_id,
            store,
            config,
            nonce: Mutex::new(None),
            keys: KeyLocks::default(),
            counters,
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The wallet.
    pub fn address(&self) -> Address {
        self.inner.signer.address()
    }

    /// The chain id transactions are signed for.
    pub fn chain_id(&self) -> u64 {
        self.inner.chain_id
    }

    /// What the manager did so far.
    pub fn counters(&self) -> &Arc<TxCounters> {
        &self.inner.counters
    }

    /// The provider the manager reads and broadcasts through (with its retries).
    pub fn provider(&self) -> &DynProvider {
        &self.inner.provider
    }

    /// Sends a call of `data` to `to` for `key`, and waits for it to be mined (up to
    /// [`TxConfig::receipt_timeout`]): pre-flighted, signed with the wallet's next nonce,
    /// recorded, broadcast, replaced while stuck. A key whose transaction is already mined is
    /// returned as it is ([`Sent::already_done`]); one whose transaction is pending is tracked,
    /// never signed anew. `call` names the function in errors.
    pub async fn send(&self, key: &str, call: Call, to: Address, data: Bytes) -> Result<Sent, TxError> {
        let call = call.to_string();
        let _guard = self.inner.keys.lock(key).await;
        let restart = match self.inner.store.outbox_entry(key).await? {
            Some(entry) => match self.finish(entry).await {
                Some(done) => return done,
                None => true,
            },
            None => false,
        };
        if restart {
            tracing::info!(key, %call, "sending a key again after its transactions failed");
        }
        self.first(Ctx { key, call: &call }, to, data).await
    }

    /// Finishes every key the outbox holds pending for this wallet (a process killed between
    /// broadcast and receipt): rebroadcasts their signed transactions, in nonce order, and tracks
    /// each until it is mined, replaced or times out. Safe when the chain mined them already.
    /// Returns each key's outcome; fails only when the store does.
    pub async fn resume(&self) -> Result<Vec<(String, Result<Sent, TxError>)>, TxError> {
        let wallet = self.address();
        let mut pending = self.inner.store.outbox_pending().await?;
        pending.retain(|entry| {
            let ours = entry.sender == wallet;
            if !ours {
                tracing::warn!(key = entry.key, sender = %entry.sender, "a pending transaction of another wallet is left alone");
            }
            ours
        });
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        tracing::info!(count = pending.len(), "resuming pending transactions");
        for entry in &pending {
            let attempts = self.inner.store.outbox_attempts(&entry.key).await?;
            if let Some(newest) = attempts.iter().rev().find(|a| a.nonce == entry.nonce) {
                let outcome = self.broadcast(&newest.raw).await;
                tracing::debug!(key = entry.key, tx_hash = %newest.tx_hash, ?outcome, "rebroadcast");
            }
        }
        let tracked = pending.into_iter().map(|entry| async move {
            let _guard = self.inner.keys.lock(&entry.key).await;
            // a send of the key may have finished it meanwhile
            let outcome = match self.inner.store.outbox_entry(&entry.key).await {
                Ok(Some(entry)) => self.finish(entry).await,
                Ok(None) => None,
                Err(e) => Some(Err(e.into())),
            };
            outcome.map(|outcome| (entry.key, outcome))
        });
        Ok(futures::future::join_all(tracked).await.into_iter().flatten().collect())
    }

    /// The outcome of a key the outbox holds: its mined transaction, its revert, or its pending
    /// transaction tracked to the end; `None` when the key failed and may be sent again.
    async fn finish(&self, entry: OutboxEntry) -> Option<Result<Sent, TxError>> {
        let ctx = Ctx { key: &entry.key, call: &entry.call };
        match entry.state {
            OutboxState::Mined => Some(self.sent(&entry, true).await),
            OutboxState::Reverted => Some(Err(TxError::Reverted {
                call: entry.call.clone(),
                key: entry.key.clone(),
                tx_hash: entry.tx_hash.unwrap_or_default(),
                block: entry.block_number.unwrap_or_default(),
            })),
            OutboxState::Pending => {
                tracing::debug!(
                    key = ctx.key,
                    call = ctx.call,
                    nonce = entry.nonce,
                    "tracking a pending transaction"
                );
                Some(self.track(entry.clone(), true).await)
            }
            OutboxState::Failed => None,
        }
    }

    /// A mined key as [`Sent`].
    async fn sent(&self, entry: &OutboxEntry, already_done: bool) -> Result<Sent, TxError> {
        let attempts = self.inner.store.outbox_attempts(&entry.key).await?;
        let tx_hash = entry.tx_hash.unwrap_or_default();
        Ok(Sent {
            key: entry.key.clone(),
            tx_hash,
            block_number: entry.block_number.unwrap_or_default(),
            gas_used: entry.gas_used.unwrap_or_default(),
            nonce: attempts.iter().find(|a| a.tx_hash == tx_hash).map_or(entry.nonce, |a| a.nonce),
            attempts: u32::try_from(attempts.len()).unwrap_or(u32::MAX),
            already_done,
        })
    }

    /// A key's first transaction (or a failed key's new one): pre-flight, gas, fees, nonce,
    /// signature, outbox, broadcast, then tracked to its receipt.
    async fn first(&self, ctx: Ctx<'_>, to: Address, data: Bytes) -> Result<Sent, TxError> {
        let latest = self.latest(ctx).await?;
        self.preflight(ctx, &latest, to, &data).await?;
        let gas_limit = self.estimate(ctx, &latest, to, &data).await?;
        let fees = self.fees(ctx, &latest, None).await?;
        self.check_funds(ctx, gas_limit, fees).await?;
        let number =
            u32::try_from(self.inner.store.outbox_attempts(ctx.key).await?.len()).unwrap_or(u32::MAX);
        let (entry, attempt) = {
            let mut next = self.inner.nonce.lock().await;
            let nonce = self.next_nonce(ctx, *next).await?;
            let unsigned =
                Unsigned { number, nonce, to, input: &data, gas_limit, fees, block: latest.number };
            let attempt = self.sign(ctx.key, &unsigned).map_err(ctx.sign())?;
            let entry = OutboxEntry {
                key: ctx.key.to_owned(),
                call: ctx.call.to_owned(),
                sender: self.address(),
                to,
                input: data,
                gas_limit,
                nonce,
                state: OutboxState::Pending,
                tx_hash: None,
                block_number: None,
                gas_used: None,
                error: None,
            };
            if !self.inner.store.outbox_begin(&entry, &attempt).await? {
                // another process on this database holds the key: its transaction is the key's
                drop(next);
                let entry = self.inner.store.outbox_entry(ctx.key).await?.ok_or_else(|| {
                    StoreError::Corrupt(format!("outbox key {} refused and missing", ctx.key))
                })?;
                return match self.finish(entry).await {
                    Some(outcome) => outcome,
                    None => {
                        Err(StoreError::Corrupt(format!("outbox key {} failed while being sent", ctx.key))
                            .into())
                    }
                };
            }
            *next = Some(nonce + 1);
            (entry, attempt)
        };
        self.inner.counters.sent.fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            key = ctx.key,
            call = ctx.call,
            tx_hash = %attempt.tx_hash,
            nonce = attempt.nonce,
            gas_limit,
            max_fee_per_gas = fees.max_fee_per_gas,
            "transaction signed and recorded, broadcasting"
        );
        match self.broadcast(&attempt.raw).await {
            Broadcast::Accepted | Broadcast::Known => {}
            // tracking sees whether the nonce went to this transaction or another
            Broadcast::NonceTaken => *self.inner.nonce.lock().await = None,
            Broadcast::Underpriced => {
                tracing::warn!(key = ctx.key, tx_hash = %attempt.tx_hash, "another transaction holds the nonce");
                *self.inner.nonce.lock().await = None;
            }
            Broadcast::Unreachable(reason) => {
                tracing::warn!(key = ctx.key, tx_hash = %attempt.tx_hash, reason, "broadcast failed; tracking rebroadcasts it");
            }
            Broadcast::Rejected(reason) => return self.rejected(&entry, attempt.tx_hash, reason).await,
        }
        self.track(entry, false).await
    }

    /// Marks a key whose only live transaction the node refused as failed (the nonce is free
    /// again: the counter resynchronises).
    async fn rejected(&self, entry: &OutboxEntry, tx_hash: B256, reason: String) -> Result<Sent, TxError> {
        tracing::warn!(key = entry.key, %tx_hash, reason, "the node rejected the transaction");
        self.inner.store.outbox_failed(&entry.key, &format!("rejected by the node: {reason}")).await?;
        *self.inner.nonce.lock().await = None;
        Err(TxError::Rejected { call: entry.call.clone(), key: entry.key.clone(), tx_hash, reason })
    }

    /// Follows a pending key until one of its transactions is mined: replaces it while stuck,
    /// re-signs it when its nonce went to another transaction, rebroadcasts it when the node
    /// forgot it.
    async fn track(&self, mut entry: OutboxEntry, already_done: bool) -> Result<Sent, TxError> {
        let call = entry.call.clone();
        let key = entry.key.clone();
        let ctx = Ctx { key: &key, call: &call };
        let config = &self.inner.config;
        let started = Instant::now();
        let mut watched_from: Option<(u64, Instant)> = None;
        let mut cannot_bump = false;
        loop {
            let attempts = self.inner.store.outbox_attempts(&entry.key).await?;
            if let Some(done) = self.receipt(&entry, &attempts, already_done).await? {
                return done;
            }
            let Some(newest) = attempts.iter().rev().find(|a| a.nonce == entry.nonce).cloned() else {
                return Err(StoreError::Corrupt(format!(
                    "outbox key {key} has no attempt with nonce {}",
                    entry.nonce
                ))
                .into());
            };
            match self
                .step(ctx, &mut entry, &attempts, &newest, &mut watched_from, &mut cannot_bump, already_done)
                .await
            {
                Ok(Some(done)) => return done,
                Ok(None) => {}
                Err(e) if e.is_transient() => {
                    tracing::debug!(key, error = %e, "tracking: the endpoint failed, trying again");
                }
                Err(e) => return Err(e),
            }
            if started.elapsed() >= config.receipt_timeout {
                let tx_hash = self
                    .inner
                    .store
                    .outbox_attempts(&key)
                    .await?
                    .last()
                    .map_or(newest.tx_hash, |a| a.tx_hash);
                return Err(TxError::Pending {
                    call,
                    key: key.clone(),
                    tx_hash,
                    nonce: entry.nonce,
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            tokio::time::sleep(config.poll_interval).await;
        }
    }

    /// One look at a pending key after its receipts were found missing.
    #[allow(clippy::too_many_arguments)] // the tracking loop's state, passed down once
    async fn step(
        &self,
        ctx: Ctx<'_>,
        entry: &mut OutboxEntry,
        attempts: &[OutboxAttempt],
        newest: &OutboxAttempt,
        watched_from: &mut Option<(u64, Instant)>,
        cannot_bump: &mut bool,
        already_done: bool,
    ) -> Result<Option<Result<Sent, TxError>>, TxError> {
        let provider = &self.inner.provider;
        let config = &self.inner.config;
        let mined_nonce = provider
            .get_transaction_count(entry.sender)
            .latest()
            .await
            .map_err(ctx.rpc("eth_getTransactionCount"))?;
        if mined_nonce > entry.nonce {
            // mined between the receipts and the count?
            if let Some(done) = self.receipt(entry, attempts, already_done).await? {
                return Ok(Some(done));
            }
            tracing::warn!(
                key = ctx.key,
                nonce = entry.nonce,
                "another transaction took the nonce: re-signing"
            );
            *self.inner.nonce.lock().await = None;
            // a refusal fails the key (returned as is); an endpoint failure is tried again
            self.resign(ctx, entry, attempts.len()).await?;
            return Ok(None);
        }
        let block = provider.get_block_number().await.map_err(ctx.rpc("eth_blockNumber"))?;
        let (from_block, from_time) = *watched_from.get_or_insert((block, Instant::now()));
        let waited_blocks = block.saturating_sub(newest.sent_block.max(from_block));
        let signed_ago = Duration::from_secs(
            u64::try_from(crate::store::now().saturating_sub(newest.sent_at)).unwrap_or(0),
        );
        let waited = signed_ago.min(from_time.elapsed());
        let stuck = waited_blocks >= config.replace_after_blocks || waited >= config.replace_after;
        let count = u32::try_from(attempts.len()).unwrap_or(u32::MAX);
        if stuck && !*cannot_bump && count < config.max_attempts {
            if self.replace(ctx, entry, newest, count).await? {
                *watched_from = Some((block, Instant::now()));
            } else {
                *cannot_bump = true;
            }
            return Ok(None);
        }
        // rebroadcast the newest attempt when the node does not know it (restarted, evicted)
        let known = provider
            .get_transaction_by_hash(newest.tx_hash)
            .await
            .map_err(ctx.rpc("eth_getTransactionByHash"))?;
        if known.is_none() {
            match self.broadcast(&newest.raw).await {
                Broadcast::Accepted => {
                    tracing::info!(key = ctx.key, tx_hash = %newest.tx_hash, "rebroadcast");
                }
                Broadcast::Known | Broadcast::NonceTaken | Broadcast::Underpriced => {}
                Broadcast::Unreachable(reason) => {
                    return Err(TxError::Rpc {
                        call: ctx.call.into(),
                        key: ctx.key.into(),
                        request: "eth_sendRawTransaction",
                        reason,
                    });
                }
                Broadcast::Rejected(reason) => {
                    // not failed for that: it may have been accepted before and still be held
                    // by other nodes; it is tried again, and replaced when stuck
                    tracing::warn!(key = ctx.key, tx_hash = %newest.tx_hash, reason, "the node refuses a rebroadcast");
                }
            }
        }
        Ok(None)
    }

    /// The receipt of any of the key's transactions, recorded: `Some(Ok)` when it succeeded,
    /// `Some(Err(Reverted))` when it reverted, `None` when none is mined.
    async fn receipt(
        &self,
        entry: &OutboxEntry,
        attempts: &[OutboxAttempt],
        already_done: bool,
    ) -> Result<Option<Result<Sent, TxError>>, TxError> {
        for attempt in attempts.iter().rev() {
            let receipt = match self.inner.provider.get_transaction_receipt(attempt.tx_hash).await {
                Ok(Some(receipt)) => receipt,
                Ok(None) => continue,
                Err(e) => {
                    // the next look asks again
                    tracing::debug!(key = entry.key, tx_hash = %attempt.tx_hash, error = %e, "no answer for a receipt");
                    continue;
                }
            };
            let Some(block) = receipt.block_number else { continue };
            let success = receipt.status();
            self.inner
                .store
                .outbox_mined(&entry.key, attempt.tx_hash, block, receipt.gas_used, success)
                .await?;
            self.inner.counters.mined.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                key = entry.key,
                tx_hash = %attempt.tx_hash,
                block,
                gas_used = receipt.gas_used,
                attempt = attempt.attempt,
                success,
                "transaction mined"
            );
            if !success {
                return Ok(Some(Err(TxError::Reverted {
                    call: entry.call.clone(),
                    key: entry.key.clone(),
                    tx_hash: attempt.tx_hash,
                    block,
                })));
            }
            return Ok(Some(Ok(Sent {
                key: entry.key.clone(),
                tx_hash: attempt.tx_hash,
                block_number: block,
                gas_used: receipt.gas_used,
                nonce: attempt.nonce,
                attempts: u32::try_from(attempts.len()).unwrap_or(u32::MAX),
                already_done,
            })));
        }
        Ok(None)
    }

    /// Replaces the stuck `newest` with the same nonce and both fees raised by at least 12.5%
    /// (or to the node's current estimate when higher), as attempt `number`. False when the
    /// fee cap leaves no room to raise them.
    async fn replace(
        &self,
        ctx: Ctx<'_>,
        entry: &OutboxEntry,
        newest: &OutboxAttempt,
        number: u32,
    ) -> Result<bool, TxError> {
        let latest = self.latest(ctx).await?;
        let floor = Fees {
            max_fee_per_gas: bumped(newest.max_fee_per_gas),
            max_priority_fee_per_gas: bumped(newest.max_priority_fee_per_gas),
        };
        let fees = self.fees(ctx, &latest, Some(floor)).await?;
        if fees.max_fee_per_gas < floor.max_fee_per_gas
            || fees.max_priority_fee_per_gas < floor.max_priority_fee_per_gas
        {
            tracing::warn!(
                key = ctx.key,
                tx_hash = %newest.tx_hash,
                cap = self.inner.config.max_fee_per_gas,
                "stuck, but the fee cap leaves no room for a replacement"
            );
            return Ok(false);
        }
        let attempt = self.sign_again(ctx, entry, number, entry.nonce, fees, latest.number).await?;
        self.inner.counters.replaced.fetch_add(1, Ordering::Relaxed);
        let outcome = self.broadcast(&attempt.raw).await;
        tracing::info!(
            key = ctx.key,
            replaced = %newest.tx_hash,
            tx_hash = %attempt.tx_hash,
            nonce = entry.nonce,
            max_fee_per_gas = fees.max_fee_per_gas,
            max_priority_fee_per_gas = fees.max_priority_fee_per_gas,
            ?outcome,
            "stuck transaction replaced"
        );
        Ok(true)
    }

    /// Signs the key's call anew with a fresh nonce, after another transaction took its nonce
    /// and none of its own mined: pre-flighted again (a refusal fails the key: nothing of it
    /// can mine any more).
    async fn resign(&self, ctx: Ctx<'_>, entry: &mut OutboxEntry, count: usize) -> Result<(), TxError> {
        let latest = self.latest(ctx).await?;
        if let Err(e) = self.preflight(ctx, &latest, entry.to, &entry.input).await {
            if !e.is_transient() {
                self.inner.store.outbox_failed(&entry.key, &e.to_string()).await?;
            }
            return Err(e);
        }
        let fees = self.fees(ctx, &latest, None).await?;
        self.check_funds(ctx, entry.gas_limit, fees).await?;
        let number = u32::try_from(count).unwrap_or(u32::MAX);
        let attempt = {
            let mut next = self.inner.nonce.lock().await;
            let nonce = self.next_nonce(ctx, *next).await?;
            let attempt = self.sign_again(ctx, entry, number, nonce, fees, latest.number).await?;
            *next = Some(nonce + 1);
            attempt
        };
        entry.nonce = attempt.nonce;
        self.inner.counters.resigned.fetch_add(1, Ordering::Relaxed);
        let outcome = self.broadcast(&attempt.raw).await;
        tracing::info!(key = ctx.key, tx_hash = %attempt.tx_hash, nonce = attempt.nonce, ?outcome, "re-signed");
        Ok(())
    }

    // ------------------------------------------------------------------ steps

    /// The latest block's header.
    async fn latest(&self, ctx: Ctx<'_>) -> Result<Header, TxError> {
        let block = self
            .inner
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .map_err(ctx.rpc("eth_getBlockByNumber"))?;
        block.map(|block| block.header).ok_or_else(|| TxError::Rpc {
            call: ctx.call.into(),
            key: ctx.key.into(),
            request: "eth_getBlockByNumber",
            reason: "the node has no latest block".into(),
        })
    }

    /// Executes the call in revm over the chain at `latest`; a revert or a halt refuses it.
    async fn preflight(
        &self,
        ctx: Ctx<'_>,
        latest: &Header,
        to: Address,
        data: &Bytes,
    ) -> Result<(), TxError> {
        let inner = &self.inner;
        let fork = Fork::new(inner.provider.clone(), latest.clone(), inner.chain_id, inner.config.spec);
        let block = fork.block();
        let outcome =
            fork.call(self.address(), to, data.clone(), U256::ZERO).await.map_err(|e| TxError::Rpc {
                call: ctx.call.into(),
                key: ctx.key.into(),
                request: "pre-flight",
                reason: e.to_string(),
            })?;
        let refused = match outcome {
            Outcome::Success { gas_used, .. } => {
                tracing::debug!(key = ctx.key, call = ctx.call, block, gas_used, "pre-flight passed");
                return Ok(());
            }
            Outcome::Revert { data, .. } => TxError::Preflight {
                call: ctx.call.into(),
                key: ctx.key.into(),
                check: Check::Revm { block },
                reason: Refusal::from_data(&data),
            },
            Outcome::Halt { reason } => {
                TxError::Halted { call: ctx.call.into(), key: ctx.key.into(), block, reason }
            }
        };
        inner.counters.preflight_refused.fetch_add(1, Ordering::Relaxed);
        tracing::info!(key = ctx.key, error = %refused, "not sent");
        Err(refused)
    }

    /// The node's gas estimate with headroom, within the block's gas limit. A revert here (over
    /// the node's pending state: the chain moved since the pre-flight, or a transaction in the
    /// pool changes the outcome) is a refusal too, labelled [`Check::GasEstimate`].
    async fn estimate(
        &self,
        ctx: Ctx<'_>,
        latest: &Header,
        to: Address,
        data: &Bytes,
    ) -> Result<u64, TxError> {
        let request =
            TransactionRequest::default().with_from(self.address()).with_to(to).with_input(data.clone());
        let gas = match self.inner.provider.estimate_gas(request).await {
            Ok(gas) => gas,
            Err(e) => {
                if let Some(revert) = e.as_error_resp().and_then(|payload| payload.as_revert_data()) {
                    self.inner.counters.preflight_refused.fetch_add(1, Ordering::Relaxed);
                    let refused = TxError::Preflight {
                        call: ctx.call.into(),
                        key: ctx.key.into(),
                        check: Check::GasEstimate,
                        reason: Refusal::from_data(&revert),
                    };
                    tracing::info!(key = ctx.key, error = %refused, "not sent");
                    return Err(refused);
                }
                return Err(ctx.rpc("eth_estimateGas")(e));
            }
        };
        Ok(with_headroom(gas).min(latest.gas_limit).max(gas))
    }

    /// EIP-1559 fees: the node's estimate, at least `floor` (a replacement's), capped at
    /// [`TxConfig::max_fee_per_gas`].
    async fn fees(&self, ctx: Ctx<'_>, latest: &Header, floor: Option<Fees>) -> Result<Fees, TxError> {
        let cap = self.inner.config.max_fee_per_gas;
        let base_fee = u128::from(latest.base_fee_per_gas.unwrap_or(0));
        if base_fee > cap {
            return Err(TxError::FeeCap { call: ctx.call.into(), key: ctx.key.into(), base_fee, cap });
        }
        let estimate =
            self.inner.provider.estimate_eip1559_fees().await.map_err(ctx.rpc("eth_feeHistory"))?;
        let (mut max_fee, mut priority) = (estimate.max_fee_per_gas, estimate.max_priority_fee_per_gas);
        if let Some(floor) = floor {
            max_fee = max_fee.max(floor.max_fee_per_gas);
            priority = priority.max(floor.max_priority_fee_per_gas);
        }
        let max_fee = max_fee.min(cap);
        Ok(Fees { max_fee_per_gas: max_fee, max_priority_fee_per_gas: priority.min(max_fee) })
    }

    /// Refuses a transaction the wallet cannot pay gas × fee cap for.
    async fn check_funds(&self, ctx: Ctx<'_>, gas_limit: u64, fees: Fees) -> Result<(), TxError> {
        let wallet = self.address();
        let balance = self.inner.provider.get_balance(wallet).await.map_err(ctx.rpc("eth_getBalance"))?;
        let needed = U256::from(gas_limit) * U256::from(fees.max_fee_per_gas);
        if balance < needed {
            return Err(TxError::Funds {
                call: ctx.call.into(),
                key: ctx.key.into(),
                wallet,
                balance,
                needed,
            });
        }
        Ok(())
    }

    /// The wallet's next nonce as the chain and the outbox know it: the node's pending count,
    /// or past the outbox's highest pending nonce (transactions the node may have dropped, which
    /// their tracking rebroadcasts).
    async fn chain_nonce(&self, ctx: Ctx<'_>) -> Result<u64, TxError> {
        let wallet = self.address();
        let pending = self
            .inner
            .provider
            .get_transaction_count(wallet)
            .pending()
            .await
            .map_err(ctx.rpc("eth_getTransactionCount"))?;
        let outbox = self.inner.store.outbox_highest_pending_nonce(wallet).await?;
        let nonce = outbox.map_or(pending, |highest| pending.max(highest + 1));
        tracing::debug!(%wallet, pending, ?outbox, nonce, "nonce synchronised");
        Ok(nonce)
    }

    /// Signs `tx`, attempt `tx.number` of `key`: an EIP-1559 call.
    /// The wallet's next nonce: the one kept (`next`, under the nonce lock), else the chain's.
    async fn next_nonce(&self, ctx: Ctx<'_>, next: Option<u64>) -> Result<u64, TxError> {
        match next {
            Some(nonce) => Ok(nonce),
            None => self.chain_nonce(ctx).await,
        }
    }

    /// Signs `entry`'s call again as attempt `number` with `nonce` and `fees` (a replacement, or
    /// a re-signing after its nonce was taken) and records the attempt in the outbox.
    async fn sign_again(
        &self,
        ctx: Ctx<'_>,
        entry: &OutboxEntry,
        number: u32,
        nonce: u64,
        fees: Fees,
        block: u64,
    ) -> Result<OutboxAttempt, TxError> {
        let unsigned = Unsigned {
            number,
            nonce,
            to: entry.to,
            input: &entry.input,
            gas_limit: entry.gas_limit,
            fees,
            block,
        };
        let attempt = self.sign(ctx.key, &unsigned).map_err(ctx.sign())?;
        self.inner.store.outbox_add_attempt(&attempt).await?;
        Ok(attempt)
    }

    fn sign(&self, key: &str, tx: &Unsigned<'_>) -> Result<OutboxAttempt, alloy::signers::Error> {
        let Fees { max_fee_per_gas, max_priority_fee_per_gas } = tx.fees;
        let unsigned = TxEip1559 {
            chain_id: self.inner.chain_id,
            nonce: tx.nonce,
            gas_limit: tx.gas_limit,
            max_fee_per_gas,
            max_priority_fee_per_gas,
            to: TxKind::Call(tx.to),
            value: U256::ZERO,
            access_list: Default::default(),
            input: tx.input.clone(),
        };
        let signature = self.inner.signer.sign_hash_sync(&unsigned.signature_hash())?;
        let signed = unsigned.into_signed(signature);
        let tx_hash = *signed.hash();
        let raw = TxEnvelope::from(signed).encoded_2718();
        Ok(OutboxAttempt {
            tx_hash,
            key: key.to_owned(),
            attempt: tx.number,
            nonce: tx.nonce,
            max_fee_per_gas,
            max_priority_fee_per_gas,
            raw: raw.into(),
            sent_block: tx.block,
            sent_at: crate::store::now(),
        })
    }

    /// Broadcasts a signed transaction.
    async fn broadcast(&self, raw: &Bytes) -> Broadcast {
        broadcast_outcome(self.inner.provider.send_raw_transaction(raw).await.map(drop))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_pay_at_least_an_eighth_more() {
        assert_eq!(bumped(1_000_000_000), 1_125_000_000);
        assert_eq!(bumped(1_000_000_001), 1_125_000_002);
        assert_eq!(bumped(0), 1);
        assert_eq!(bumped(7), 9);
        for fee in [1u128, 8, 9, 100, 1_234_567, u128::from(u64::MAX)] {
            assert!(bumped(fee) * 8 >= fee * 9, "{fee}");
        }
        assert_eq!(bumped(u128::MAX), u128::MAX);
    }

    #[test]
    fn node_answers_to_a_broadcast_are_read() {
        let answer = |message: &str| {
            broadcast_outcome(Err(alloy::transports::RpcError::ErrorResp(
                alloy::rpc::json_rpc::ErrorPayload {
                    code: -32000,
                    message: message.to_owned().into(),
                    data: None,
                },
            )))
        };
        assert!(matches!(answer("already known"), Broadcast::Known));
        assert!(matches!(answer("Transaction 0xab… already imported"), Broadcast::Known));
        assert!(matches!(answer("nonce too low"), Broadcast::NonceTaken));
        assert!(matches!(answer("replacement transaction underpriced"), Broadcast::Underpriced));
        assert!(matches!(answer("insufficient funds for gas * price + value"), Broadcast::Rejected(_)));
        let dropped = alloy::transports::TransportErrorKind::custom_str("connection closed");
        assert!(matches!(broadcast_outcome(Err(dropped)), Broadcast::Unreachable(_)));
        assert!(matches!(broadcast_outcome(Ok(())), Broadcast::Accepted));
    }

    #[test]
    fn errors_name_the_call_the_key_and_the_transaction() {
        let err = TxError::Pending {
            call: "OracleRequests.fulfill".into(),
            key: "fulfill:42".into(),
            tx_hash: B256::repeat_byte(0xab),
            nonce: 7,
            waited_secs: 120,
        };
        let text = err.to_string();
        assert!(text.starts_with("OracleRequests.fulfill (fulfill:42): transaction 0xabab"), "{text}");
        assert!(err.is_transient());
        let refused = TxError::Preflight {
            call: "OracleRequests.refund".into(),
            key: "refund:1".into(),
            check: Check::Revm { block: 9 },
            reason: Refusal::Raw(Bytes::new()),
        };
        assert!(!refused.is_transient());
        assert!(refused.refusal().is_some());
        assert_eq!(
            refused.to_string(),
            "OracleRequests.refund (refund:1) refused by the revm pre-flight at block 9: a revert without data"
        );
    }

    #[test]
    fn a_refusal_of_the_gas_estimate_is_not_labelled_a_revm_pre_flight() {
        let refused = TxError::Preflight {
            call: "OracleRequests.fulfill".into(),
            key: "fulfill:7".into(),
            check: Check::GasEstimate,
            reason: Refusal::Raw(Bytes::from_static(&[0xde, 0xad])),
        };
        let text = refused.to_string();
        assert_eq!(
            text,
            "OracleRequests.fulfill (fulfill:7) refused by the node's gas estimate (eth_estimateGas, \
             pending state): a revert with data 0xdead"
        );
        assert!(!text.contains("revm") && !text.contains("at block"), "{text}");
        assert!(!refused.is_transient());
        assert!(refused.refusal().is_some());
    }
}
