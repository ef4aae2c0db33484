//! The chain source (`chain:v1`): an address's on-chain activity up to a fixed block, counted
//! from event logs over JSON-RPC so that independent nodes agree.
//!
//! A job's parameters are `0x<address>@<block number>` (the address in lowercase, uppercase or
//! its EIP-55 checksum; the block in decimal, without leading zeros). The block is fixed by the
//! request so that every node counts over the same logs; the scan starts at the configured
//! `from_block` (default 0, the genesis). [`ChainSource::activity`] is also what the attestation
//! service calls for the network's schema 3, "wallet-activity", whose fields are
//! [`Activity::values`] in order.
//!
//! # What is counted, exactly
//!
//! Logs of **every contract** are read, by topic, in block ranges of at most `max_range` blocks
//! (halved down to one block while the endpoint answers a range with a JSON-RPC error, as
//! providers do for ranges or results they find too large). Two queries per range: `Transfer`
//! with the account as topic 1 (`from`), and `Transfer` or `Swap` with the account as topic 2
//! (`to`). A log both queries return (a transfer to oneself) is counted once (logs are keyed by
//! block number and log index). Removed (reorged) logs are skipped. Then each log counts once, in
//! the first matching row:
//!
//! | Counter | Logs |
//! | --- | --- |
//! | `mints` | `Transfer(address indexed from, address indexed to, …)` (ERC-20: 3 topics, ERC-721: 4) from the zero address to the account |
//! | (none) | `Transfer` from the account to the zero address: burns are not counted |
//! | `bridges` | `Transfer` between the account and one of the configured `bridges` addresses, either way |
//! | `transfers` | any other `Transfer` with the account as `from` or `to` |
//! | `swaps` | Uniswap V2 `Swap(address indexed sender, uint amount0In, uint amount1In, uint amount0Out, uint amount1Out, address indexed to)` with the account as `to` (topic 2) |
//!
//! `first_seen` and `last_seen` are the timestamps of the blocks of the first and the last
//! counted log (0 when none is counted). A `to_block` below `from_block` counts nothing.
//!
//! Not covered: native-coin transfers (they emit no log: reading them needs traces, which most
//! endpoints do not serve), ERC-1155 (`TransferSingle`/`TransferBatch`), swaps on other DEXes
//! (Uniswap V3/V4 `Swap` events have other signatures) and V2 swaps paid out to another address
//! than the account, bridge deposits that are not a token `Transfer` to a configured address
//! (a native-coin deposit, a burn-and-mint bridge: its burn counts nowhere, its mint as a mint),
//! and contract calls that emit nothing. Since any contract can emit these events, counts include
//! spam (unsolicited airdrops, zero-value "address poisoning" transfers): they are what the chain
//! says, not a judgement of it.
//!
//! # Errors
//!
//! A `to_block` above the endpoint's head is **transient**: the block is not mined yet, or this
//! node's endpoint lags its peers' (the node retries within its attempt budget). Every RPC
//! failure (a refused connection, a timeout, an error answer at one-block ranges) is transient.
//! Malformed parameters are `InvalidParams`.
//!
//! # The canonical result and how nodes agree
//!
//! An [`Activity`]'s [`result_hash`](crate::JobResult::result_hash) is the EIP-712 struct hash of
//!
//! ```solidity
//! struct ChainActivity {
//!     address account; uint64 toBlock; uint64 transfers; uint64 swaps; uint64 mints;
//!     uint64 bridges; uint64 firstSeen; uint64 lastSeen;
//! }
//! ```
//!
//! that is `keccak256(abi.encode(CHAIN_ACTIVITY_TYPEHASH, account, toBlock, transfers, swaps,
//! mints, bridges, firstSeen, lastSeen))` with `CHAIN_ACTIVITY_TYPEHASH =
//! keccak256("ChainActivity(address account,uint64 toBlock,uint64 transfers,uint64 swaps,uint64
//! mints,uint64 bridges,uint64 firstSeen,uint64 lastSeen)")`: the job (account, block) and every
//! value the attestation records. Not hashed: the chain id, `from_block` and the bridges (they
//! are the node's configuration, in its configuration hash), the number of logs read, the time
//! of the scan.
//!
//! Honest nodes agree because the counts are a pure function of the chain's logs in
//! `[from_block, to_block]` and of the configuration: the range is fixed by the request, logs are
//! deduplicated by position, the chunk size (`max_range`) changes the number of queries but not
//! the set of logs (so it is not in the configuration hash), and timestamps come from block
//! headers. The configuration hash ([`ChainSource::config_hash`](crate::Source::config_hash)) is
//! `keccak256(abi.encode("chain:v1", uint64 chainId, uint64 fromBlock, address[] bridges))`,
//! the bridges sorted ascending without duplicates, the chain id read from the endpoint at
//! connection: nodes reading different chains never count as agreeing.
//!
//! Caveats: a `to_block` that is not final yet may be reorganised between two nodes' scans (a
//! request should name a block below the chain's finality depth; on a chain with instant
//! finality any mined block is final); an endpoint that drops logs (a pruned or faulty node)
//! gives smaller counts; two endpoints can only be trusted as much as their operators.

use crate::sources::{JobResult, Normalized, Source, SourceError, web::millis};
use alloy::{
    primitives::{Address, B256, b256, keccak256},
    providers::{DynProvider, Provider},
    rpc::types::{BlockNumberOrTag, Filter, Log},
    sol,
    sol_types::{SolStruct, SolValue},
};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::{
    collections::{BTreeMap, BTreeSet},
    future::{Future, IntoFuture},
    time::{Duration, SystemTime, UNIX_EPOCH},
};
use url::Url;

/// The job type this source runs.
pub const JOB: &str = "chain:v1";

/// `keccak256("Transfer(address,address,uint256)")`: ERC-20's and ERC-721's `Transfer`.
pub const TRANSFER_TOPIC: B256 = b256!("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

/// `keccak256("Swap(address,uint256,uint256,uint256,uint256,address)")`: Uniswap V2's `Swap`.
pub const SWAP_TOPIC: B256 = b256!("d78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822");

sol! {
    /// The canonical result of a chain job (module docs): what a node hashes and signs.
    #[derive(Debug)]
    struct ChainActivity {
        address account;
        uint64 toBlock;
        uint64 transfers;
        uint64 swaps;
        uint64 mints;
        uint64 bridges;
        uint64 firstSeen;
        uint64 lastSeen;
    }
}

/// `[sources.chain]`: where and how activity is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// The JSON-RPC endpoint of the chain whose activity is counted; `None` (the file omits it):
    /// the node's own `[chain] rpc_url`, which the node fills in before connecting.
    #[serde(default)]
    pub rpc_url: Option<Url>,
    /// The first block scanned (default 0).
    #[serde(default)]
    pub from_block: u64,
    /// The most blocks one `eth_getLogs` covers (default 10,000).
    #[serde(default = "default_max_range")]
    pub max_range: u64,
    /// Bridge contracts: transfers between the account and them count as bridge movements.
    #[serde(default)]
    pub bridges: Vec<Address>,
    /// The longest one RPC call may take (`timeout_ms` in the file; default 30 s).
    #[serde(rename = "timeout_ms", default = "default_timeout", deserialize_with = "millis")]
    pub timeout: Duration,
}

const fn default_max_range() -> u64 {
    10_000
}

const fn default_timeout() -> Duration {
    Duration::from_secs(30)
}

impl ChainConfig {
    /// The defaults for `rpc_url`: from the genesis, 10,000-block ranges, no bridges, 30 s calls.
    pub fn new(rpc_url: Url) -> Self {
        Self { rpc_url: Some(rpc_url), ..Self::default() }
    }
}

impl Default for ChainConfig {
    /// No endpoint yet, from the genesis, 10,000-block ranges, no bridges, 30 s calls.
    fn default() -> Self {
        Self {
            rpc_url: None,
            from_block: 0,
            max_range: default_max_range(),
            bridges: Vec::new(),
            timeout: default_timeout(),
        }
    }
}

/// An account's activity up to a block (module docs: what each count is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// The account.
    pub account: Address,
    /// The last block counted.
    pub to_block: u64,
    /// Token transfers from or to the account (not mints, burns or bridge movements).
    pub transfers: u64,
    /// Uniswap V2 swaps paying out to the account.
    pub swaps: u64,
    /// Token mints to the account.
    pub mints: u64,
    /// Token transfers between the account and a configured bridge.
    pub bridges: u64,
    /// The timestamp of the first counted log's block (0 when none).
    pub first_seen: u64,
    /// The timestamp of the last counted log's block (0 when none).
    pub last_seen: u64,
}

impl Activity {
    /// The values of schema 3, "wallet-activity", in its field order: transfers, swaps, mints,
    /// bridges, `first_seen`, `last_seen`.
    pub const fn values(&self) -> [u64; 6] {
        [self.transfers, self.swaps, self.mints, self.bridges, self.first_seen, self.last_seen]
    }
}

impl JobResult for Activity {
    /// The EIP-712 struct hash of `ChainActivity` (module docs).
    fn result_hash(&self) -> B256 {
        ChainActivity {
            account: self.account,
            toBlock: self.to_block,
            transfers: self.transfers,
            swaps: self.swaps,
            mints: self.mints,
            bridges: self.bridges,
            firstSeen: self.first_seen,
            lastSeen: self.last_seen,
        }
        .eip712_hash_struct()
    }
}

/// What a scan read besides the counts (the `Normalized` record's metadata).
#[derive(Debug, Clone, Copy, Default)]
struct Scan {
    logs: u64,
    first_block: Option<u64>,
    last_block: Option<u64>,
}

/// What one log counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    Transfer,
    Swap,
    Mint,
    Bridge,
}

/// The chain source: one endpoint, its chain id read at connection.
#[derive(Debug, Clone)]
pub struct ChainSource {
    config: ChainConfig,
    provider: DynProvider,
    chain_id: u64,
    bridges: BTreeSet<Address>,
    config_hash: B256,
}

fn invalid(reason: impl Into<String>) -> SourceError {
    SourceError::InvalidParams { job: JOB, reason: reason.into() }
}

fn transient(reason: impl Into<String>) -> SourceError {
    SourceError::Transient { job: JOB, reason: reason.into() }
}

impl ChainSource {
    /// Connects to `config.rpc_url` and reads its chain id, which goes into the configuration
    /// hash (transient when the endpoint does not answer; refused when there is no endpoint).
    pub async fn connect(config: ChainConfig) -> Result<Self, SourceError> {
        let rpc_url = config.rpc_url.clone().ok_or_else(|| SourceError::Refused {
            job: JOB,
            reason: "no JSON-RPC endpoint: set [sources.chain] rpc_url or [chain] rpc_url".into(),
        })?;
        Self::with_provider(config, masa_sdk::tx::read_provider(rpc_url)).await
    }

    /// The source reading through `provider` (the node passes one whose transport retries);
    /// `config.rpc_url` is then only informative.
    pub async fn with_provider(config: ChainConfig, provider: DynProvider) -> Result<Self, SourceError> {
        let chain_id = call(config.timeout, "eth_chainId", provider.get_chain_id()).await?;
        let bridges: BTreeSet<Address> = config.bridges.iter().copied().collect();
        let config_hash = keccak256(
            (JOB.to_owned(), chain_id, config.from_block, bridges.iter().copied().collect::<Vec<_>>())
                .abi_encode(),
        );
        Ok(Self { config, provider, chain_id, bridges, config_hash })
    }

    /// The configuration.
    pub const fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// The chain id of the endpoint.
    pub const fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// `account`'s activity from the configured `from_block` to `to_block` included (module
    /// docs: what is counted, what is transient).
    pub async fn activity(&self, account: Address, to_block: u64) -> Result<Activity, SourceError> {
        self.scan(account, to_block).await.map(|(activity, _)| activity)
    }

    async fn scan(&self, account: Address, to_block: u64) -> Result<(Activity, Scan), SourceError> {
        let head = call(self.config.timeout, "eth_blockNumber", self.provider.get_block_number()).await?;
        if to_block > head {
            return Err(transient(format!(
                "block {to_block} is above the endpoint's head {head}: not mined yet, or this node's endpoint lags"
            )));
        }
        let word = account.into_word();
        let outgoing = Filter::new().event_signature(TRANSFER_TOPIC).topic1(word);
        let incoming = Filter::new().event_signature(vec![TRANSFER_TOPIC, SWAP_TOPIC]).topic2(word);
        // keyed by position: a log both queries return (a transfer to oneself) is kept once
        let mut logs: BTreeMap<(u64, u64), Log> = BTreeMap::new();
        let mut from = self.config.from_block;
        let mut size = self.config.max_range.max(1);
        while from <= to_block {
            let to = from.saturating_add(size - 1).min(to_block);
            let range = |f: &Filter| f.clone().from_block(from).to_block(to);
            let answers = futures::future::try_join(
                self.get_logs(&range(&outgoing), from, to),
                self.get_logs(&range(&incoming), from, to),
            )
            .await;
            match answers {
                Ok((a, b)) => {
                    for log in a.into_iter().chain(b) {
                        if let (Some(block), Some(index), false) =
                            (log.block_number, log.log_index, log.removed)
                        {
                            logs.insert((block, index), log);
                        }
                    }
                    let Some(next) = to.checked_add(1) else { break };
                    from = next;
                }
                // the endpoint answered with an error: often "range too large" or "too many
                // results"; a smaller range may pass
                Err(RangeError::Refused(_)) if size > 1 => size = size.div_ceil(2),
                Err(RangeError::Refused(reason) | RangeError::Failed(reason)) => {
                    return Err(transient(reason));
                }
            }
        }

        let mut activity = Activity {
            account,
            to_block,
            transfers: 0,
            swaps: 0,
            mints: 0,
            bridges: 0,
            first_seen: 0,
            last_seen: 0,
        };
        let mut scan = Scan { logs: logs.len() as u64, ..Scan::default() };
        for ((block, _), log) in &logs {
            let Some(counted) = classify(log, account, &self.bridges) else { continue };
            match counted {
                Counted::Transfer => activity.transfers += 1,
                Counted::Swap => activity.swaps += 1,
                Counted::Mint => activity.mints += 1,
                Counted::Bridge => activity.bridges += 1,
            }
            scan.first_block.get_or_insert(*block);
            scan.last_block = Some(*block);
        }
        if let (Some(first), Some(last)) = (scan.first_block, scan.last_block) {
            activity.first_seen = self.timestamp(first).await?;
            activity.last_seen =
                if last == first { activity.first_seen } else { self.timestamp(last).await? };
        }
        Ok((activity, scan))
    }

    async fn get_logs(&self, filter: &Filter, from: u64, to: u64) -> Result<Vec<Log>, RangeError> {
        match tokio::time::timeout(self.config.timeout, self.provider.get_logs(filter)).await {
            Ok(Ok(logs)) => Ok(logs),
            Ok(Err(e)) if e.as_error_resp().is_some() => {
                Err(RangeError::Refused(format!("eth_getLogs over blocks {from}..={to}: {e}")))
            }
            Ok(Err(e)) => Err(RangeError::Failed(format!("eth_getLogs over blocks {from}..={to}: {e}"))),
            Err(_) => Err(RangeError::Failed(format!(
                "eth_getLogs over blocks {from}..={to}: no answer within {:?}",
                self.config.timeout
            ))),
        }
    }

    async fn timestamp(&self, block: u64) -> Result<u64, SourceError> {
        let header = call(
            self.config.timeout,
            "eth_getBlockByNumber",
            self.provider.get_block_by_number(BlockNumberOrTag::Number(block)).into_future(),
        )
        .await?
        .ok_or_else(|| transient(format!("the endpoint has no block {block}")))?;
        Ok(header.header.timestamp)
    }

    /// Runs a job: parses `params`, scans, and builds the record.
    async fn job(&self, params: &str) -> Result<Normalized, SourceError> {
        let (account, to_block) = parse_params(params)?;
        let (activity, scan) = self.scan(account, to_block).await?;
        let text =
            serde_json::to_string(&activity).map_err(|e| transient(format!("encoding the activity: {e}")))?;
        Ok(Normalized {
            source: "chain".into(),
            locator: format!("{}@{to_block}", account.to_checksum(None)),
            fetched_at: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            content_hash: B256::from_slice(&Sha256::digest(text.as_bytes())),
            metadata: serde_json::json!({
                "chain_id": self.chain_id,
                "from_block": self.config.from_block,
                "logs": scan.logs,
                "first_seen_block": scan.first_block,
                "last_seen_block": scan.last_block,
                "values": activity.values(),
            }),
            result_hash: activity.result_hash(),
            text,
        })
    }
}

/// Why one range's logs could not be read.
enum RangeError {
    /// The endpoint answered with a JSON-RPC error (a smaller range may pass).
    Refused(String),
    /// The transport failed or timed out.
    Failed(String),
}

/// Awaits one RPC call within `timeout`; any failure is transient.
async fn call<T, E: std::fmt::Display>(
    timeout: Duration,
    method: &str,
    request: impl Future<Output = Result<T, E>>,
) -> Result<T, SourceError> {
    match tokio::time::timeout(timeout, request).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(transient(format!("{method}: {e}"))),
        Err(_) => Err(transient(format!("{method}: no answer within {timeout:?}"))),
    }
}

/// What `log` counts as for `account` (module docs' table), if anything.
fn classify(log: &Log, account: Address, bridges: &BTreeSet<Address>) -> Option<Counted> {
    let topics = log.topics();
    let topic0 = *topics.first()?;
    if topic0 == TRANSFER_TOPIC && matches!(topics.len(), 3 | 4) {
        let from = Address::from_word(topics[1]);
        let to = Address::from_word(topics[2]);
        return if from == Address::ZERO && to == account {
            Some(Counted::Mint)
        } else if to == Address::ZERO && from == account {
            None
        } else if (from == account && bridges.contains(&to)) || (to == account && bridges.contains(&from)) {
            Some(Counted::Bridge)
        } else if from == account || to == account {
            Some(Counted::Transfer)
        } else {
            None
        };
    }
    (topic0 == SWAP_TOPIC && topics.len() == 3 && topics[2] == account.into_word()).then_some(Counted::Swap)
}

/// `0x<address>@<block>`: the account and the last block.
pub fn parse_params(params: &str) -> Result<(Address, u64), SourceError> {
    let (address, block) = params
        .split_once('@')
        .ok_or_else(|| invalid(format!("{params:?} is not 0x<address>@<block number>")))?;
    let hex = address
        .strip_prefix("0x")
        .filter(|h| h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| invalid(format!("{address:?} is not a 0x-prefixed 20-byte hex address")))?;
    let mixed = hex.bytes().any(|b| b.is_ascii_lowercase()) && hex.bytes().any(|b| b.is_ascii_uppercase());
    let account = if mixed {
        Address::parse_checksummed(address, None)
            .map_err(|_| invalid(format!("{address} has a wrong EIP-55 checksum")))?
    } else {
        address.parse().map_err(|e| invalid(format!("{address}: {e}")))?
    };
    let canonical = block.bytes().all(|b| b.is_ascii_digit()) && !(block.len() > 1 && block.starts_with('0'));
    let to_block = block
        .parse::<u64>()
        .ok()
        .filter(|_| canonical)
        .ok_or_else(|| invalid(format!("{block:?} is not a block number (decimal, no leading zeros)")))?;
    Ok((account, to_block))
}

impl Source for ChainSource {
    fn job(&self) -> &'static str {
        JOB
    }

    fn config_hash(&self) -> B256 {
        self.config_hash
    }

    fn run<'a>(&'a self, params: &'a str) -> BoxFuture<'a, Result<Normalized, SourceError>> {
        Box::pin(self.job(params))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::{
        primitives::{Bytes, LogData, U256, address},
        sol_types::SolValue,
    };

    #[test]
    fn topics_are_the_event_signatures() {
        assert_eq!(TRANSFER_TOPIC, keccak256("Transfer(address,address,uint256)"));
        assert_eq!(SWAP_TOPIC, keccak256("Swap(address,uint256,uint256,uint256,uint256,address)"));
    }

    fn activity() -> Activity {
        Activity {
            account: address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
            to_block: 42,
            transfers: 5,
            swaps: 1,
            mints: 2,
            bridges: 1,
            first_seen: 1_700_000_000,
            last_seen: 1_700_000_100,
        }
    }

    /// The result hash is exactly the documented Solidity expression.
    #[test]
    fn result_hash_is_the_documented_eip712_struct_hash() {
        let a = activity();
        let typehash = keccak256(
            "ChainActivity(address account,uint64 toBlock,uint64 transfers,uint64 swaps,uint64 mints,uint64 bridges,uint64 firstSeen,uint64 lastSeen)",
        );
        let u = U256::from;
        let expected = keccak256(
            (
                typehash,
                a.account,
                u(a.to_block),
                u(a.transfers),
                u(a.swaps),
                u(a.mints),
                u(a.bridges),
                u(a.first_seen),
                u(a.last_seen),
            )
                .abi_encode(),
        );
        assert_eq!(a.result_hash(), expected);
        assert_eq!(a.values(), [5, 1, 2, 1, 1_700_000_000, 1_700_000_100]);
    }

    #[tokio::test]
    async fn the_configuration_reads_defaults_and_needs_an_endpoint() {
        let config: ChainConfig =
            toml::from_str("bridges = [\"0x90F79bf6EB2c4f870365E785982E1f101E93b906\"]\ntimeout_ms = 500")
                .unwrap();
        assert_eq!((config.rpc_url.as_ref(), config.from_block, config.max_range), (None, 0, 10_000));
        assert_eq!(config.timeout, Duration::from_millis(500));
        let err = ChainSource::connect(config).await.unwrap_err();
        assert!(matches!(err, SourceError::Refused { .. }), "{err}");
    }

    #[test]
    fn params_are_validated() {
        let (account, block) = parse_params("0x70997970c51812dc3a010c7d01b50e0d17dc79c8@123").unwrap();
        assert_eq!((account, block), (activity().account, 123));
        assert!(parse_params("0x70997970C51812dc3A010C7d01b50e0d17dc79C8@0").is_ok(), "checksummed");
        assert!(parse_params("0x70997970C51812DC3A010C7D01B50E0D17DC79C8@1").is_ok(), "uppercase");
        for bad in [
            "0x70997970C51812dc3A010C7d01b50e0d17dc79c8@1", // wrong checksum
            "70997970c51812dc3a010c7d01b50e0d17dc79c8@1",
            "0x70997970c51812dc3a010c7d01b50e0d17dc79@1",
            "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
            "0x70997970c51812dc3a010c7d01b50e0d17dc79c8@",
            "0x70997970c51812dc3a010c7d01b50e0d17dc79c8@01",
            "0x70997970c51812dc3a010c7d01b50e0d17dc79c8@+1",
            "0x70997970c51812dc3a010c7d01b50e0d17dc79c8@latest",
            "0x70997970c51812dc3a010c7d01b50e0d17dc79c8@18446744073709551616",
        ] {
            assert!(matches!(parse_params(bad), Err(SourceError::InvalidParams { .. })), "{bad}");
        }
    }

    fn log(topics: Vec<B256>) -> Log {
        Log {
            inner: alloy::primitives::Log {
                address: Address::ZERO,
                data: LogData::new_unchecked(topics, Bytes::new()),
            },
            ..Log::default()
        }
    }

    #[test]
    fn logs_are_classified_as_documented() {
        let me = activity().account;
        let other = address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
        let bridge = address!("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
        let bridges: BTreeSet<Address> = [bridge].into();
        let w = Address::into_word;
        let z = Address::ZERO;
        let c = |topics| classify(&log(topics), me, &bridges);
        assert_eq!(c(vec![TRANSFER_TOPIC, w(&me), w(&other)]), Some(Counted::Transfer));
        assert_eq!(c(vec![TRANSFER_TOPIC, w(&other), w(&me)]), Some(Counted::Transfer));
        assert_eq!(
            c(vec![TRANSFER_TOPIC, w(&other), w(&me), B256::with_last_byte(7)]),
            Some(Counted::Transfer)
        );
        assert_eq!(c(vec![TRANSFER_TOPIC, w(&z), w(&me)]), Some(Counted::Mint));
        assert_eq!(c(vec![TRANSFER_TOPIC, w(&me), w(&z)]), None, "burn");
        assert_eq!(c(vec![TRANSFER_TOPIC, w(&me), w(&bridge)]), Some(Counted::Bridge));
        assert_eq!(c(vec![TRANSFER_TOPIC, w(&bridge), w(&me)]), Some(Counted::Bridge));
        assert_eq!(c(vec![SWAP_TOPIC, w(&other), w(&me)]), Some(Counted::Swap));
        assert_eq!(c(vec![SWAP_TOPIC, w(&me), w(&other)]), None, "a swap paying someone else");
        assert_eq!(c(vec![TRANSFER_TOPIC, w(&me)]), None, "not an ERC-20/721 Transfer");
    }
}
