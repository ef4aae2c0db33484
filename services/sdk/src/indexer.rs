//! The indexer's HTTP API (`masa-indexer`) as a guide to *where* a pool's or a pass's deliveries
//! are: which transactions carried them, and in which blocks stakes left. What was delivered is
//! always read from the chain (those transactions' receipts, those blocks' logs), so an indexer
//! that alters a delivery, or points at a transaction that delivered nothing, changes nothing
//! in the dataset. An indexer that *omits* deliveries cannot be caught this way: the chain's
//! logs, scanned from the deployment block, are the complete source.

use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
    rpc::types::Log,
    transports::http::reqwest,
};
use serde::{Deserialize, de::DeserializeOwned};
use std::collections::HashSet;
use url::Url;

/// Items per page asked of the API (its maximum).
const PAGE: u32 = 1_000;

/// Why the indexer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The base URL is not an http(s) URL.
    #[error("--indexer `{0}` is not an http(s) URL")]
    BadUrl(String),
    /// The request failed.
    #[error("cannot reach the indexer at {url}: {reason}")]
    Http {
        /// The request.
        url: String,
        /// Why.
        reason: String,
    },
    /// The indexer answered with an error.
    #[error("the indexer refused {url}: {status} {message}")]
    Status {
        /// The request.
        url: String,
        /// The HTTP status.
        status: u16,
        /// Its message.
        message: String,
    },
    /// The chain could not be read where the indexer points.
    #[error("{request} on the RPC (where the indexer points): {reason}")]
    Chain {
        /// What was asked.
        request: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// The answer is not what the API documents.
    #[error("the indexer's answer to {url} is not a page of {what}: {reason}")]
    Decode {
        /// The request.
        url: String,
        /// What was expected.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// Where a delivery is, as the indexer says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Located {
    /// The transaction that emitted it.
    pub tx_hash: B256,
    /// Its block.
    pub block_number: u64,
}

/// A stake as the indexer lists it (only what locates its exit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
struct Stake {
    unstaked_block: Option<u64>,
}

/// One page of a list endpoint.
#[derive(Debug, Deserialize)]
struct Page<T> {
    #[serde(alias = "deliveries", alias = "stakes")]
    items: Vec<T>,
    next_cursor: Option<String>,
}

/// A client of one indexer's API.
#[derive(Debug, Clone)]
pub struct IndexerClient {
    http: reqwest::Client,
    base: Url,
}

impl IndexerClient {
    /// A client of the indexer at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Result<Self, Error> {
        let mut url = Url::parse(base).map_err(|_| Error::BadUrl(base.to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::BadUrl(base.to_owned()));
        }
        // the API's paths are joined below the base's own
        if !url.path().ends_with('/') {
            url.set_path(&format!("{}/", url.path()));
        }
        Ok(Self { http: reqwest::Client::new(), base: url })
    }

    /// Where pool `id`'s deliveries are, in chain order.
    pub async fn pool_deliveries(&self, id: U256) -> Result<Vec<Located>, Error> {
        self.all(&format!("v1/pools/{id}/deliveries"), "deliveries").await
    }

    /// The blocks pool `id`'s stakes left in.
    pub async fn pool_exits(&self, id: U256) -> Result<Vec<u64>, Error> {
        let stakes: Vec<Stake> = self.all(&format!("v1/pools/{id}/stakes"), "stakes").await?;
        Ok(stakes.into_iter().filter_map(|s| s.unstaked_block).collect())
    }

    /// Where pass `id`'s deliveries are, by use.
    pub async fn pass_deliveries(&self, id: U256) -> Result<Vec<Located>, Error> {
        self.all(&format!("v1/passes/{id}/deliveries"), "deliveries").await
    }

    /// Every item of the list at `path`, following `next_cursor`.
    async fn all<T: DeserializeOwned>(&self, path: &str, what: &'static str) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = self.base.join(path).map_err(|_| Error::BadUrl(self.base.to_string()))?;
            url.query_pairs_mut().append_pair("limit", &PAGE.to_string());
            if let Some(cursor) = &cursor {
                url.query_pairs_mut().append_pair("cursor", cursor);
            }
            let page: Page<T> = self.get(&url, what).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                Some(_) => {
                    let reason = "the same cursor twice".to_owned();
                    return Err(Error::Decode { url: url.to_string(), what, reason });
                }
                None => return Ok(items),
            }
        }
    }

    async fn get<T: DeserializeOwned>(&self, url: &Url, what: &'static str) -> Result<T, Error> {
        let http = |e: reqwest::Error| Error::Http { url: url.to_string(), reason: e.to_string() };
        let response = self.http.get(url.clone()).send().await.map_err(http)?;
        let status = response.status();
        let text = response.text().await.map_err(http)?;
        if !status.is_success() {
            // the API's errors are `{"error": "..."}`
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_owned))
                .unwrap_or(text);
            return Err(Error::Status { url: url.to_string(), status: status.as_u16(), message });
        }
        serde_json::from_str(&text).map_err(|e| Error::Decode {
            url: url.to_string(),
            what,
            reason: e.to_string(),
        })
    }
}

/// The logs of `contract` whose first indexed argument is `id` (a pool's or a pass's), read from
/// the receipts of the transactions in `located` (each once); `progress` is told after each.
pub(crate) async fn logs_at<P: Provider>(
    provider: &P,
    located: &[Located],
    contract: Address,
    id: U256,
    mut progress: impl FnMut(usize),
) -> Result<Vec<Log>, Error> {
    let mut seen = HashSet::new();
    let mut logs = Vec::new();
    for (i, place) in located.iter().enumerate() {
        if seen.insert(place.tx_hash) {
            let receipt = provider
                .get_transaction_receipt(place.tx_hash)
                .await
                .map_err(|e| Error::Chain { request: "eth_getTransactionReceipt", reason: e.to_string() })?
                .ok_or_else(|| Error::Chain {
                    request: "eth_getTransactionReceipt",
                    reason: format!("the chain has no transaction {}", place.tx_hash),
                })?;
            logs.extend(
                receipt
                    .inner
                    .logs()
                    .iter()
                    .filter(|log| log.address() == contract && log.topics().get(1) == Some(&B256::from(id)))
                    .cloned(),
            );
        }
        progress(i + 1);
    }
    Ok(logs)
}
