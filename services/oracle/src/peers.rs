//! How nodes learn each other's answers: each node serves its signed answer to a request at
//! `GET /v1/answers/{request}` on the endpoint it registered in `OracleNodes`; the others ask
//! every registered endpoint (and any configured extra URL) until they hold a quorum of agreeing
//! signatures. Any agreeing node can then carry the signatures to `OracleRequests.fulfill` in one
//! transaction, as Chainlink's OCR does: the answers are exchanged off-chain, the chain checks
//! every signature, and nobody can copy another node's answer because a signature only counts
//! for the key that made it.
//!
//! Nothing a peer serves is trusted: an answer is kept only when its signature recovers to the
//! signer it claims, for the request asked about, in this deployment's domain.

use crate::store::jobs::StoredAnswer;
use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::{DynProvider, Provider},
    rpc::types::Filter,
    sol_types::SolEvent,
};
use masa_bindings::contracts::{OracleNodes, oracle::IOracleNodes};
use masa_sdk::oracle::result_signer;
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, time::Duration};
use tokio::sync::Mutex;
use url::Url;

/// A signed answer as nodes serve it to each other (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerMsg {
    /// The request.
    pub request_id: U256,
    /// The result's hash.
    pub result_hash: B256,
    /// The configuration's hash.
    pub config_hash: B256,
    /// The node key that signed.
    pub signer: Address,
    /// Its EIP-712 signature of `Result(requestId, resultHash, configHash)`.
    pub signature: Bytes,
}

impl AnswerMsg {
    /// The `Result` it signs.
    pub const fn result(&self) -> IOracleNodes::Result {
        IOracleNodes::Result {
            requestId: self.request_id,
            resultHash: self.result_hash,
            configHash: self.config_hash,
        }
    }

    /// The answer, when its signature is `signer`'s for `request` in the registry's domain.
    pub fn verified(&self, request: u64, chain_id: u64, nodes: Address) -> Option<StoredAnswer> {
        (self.request_id == U256::from(request)
            && result_signer(chain_id, nodes, &self.result(), &self.signature) == Some(self.signer))
        .then(|| StoredAnswer {
            signer: self.signer,
            result_hash: self.result_hash,
            config_hash: self.config_hash,
            signature: self.signature.clone(),
        })
    }
}

/// The registered nodes' endpoints, read from `OracleNodes`' events and refreshed as blocks
/// pass.
#[derive(Debug)]
struct Directory {
    /// The block scanned to.
    scanned: u64,
    /// Each operator's endpoint.
    endpoints: BTreeMap<Address, String>,
}

/// The peers of one node.
#[derive(Debug)]
pub struct Peers {
    http: reqwest::Client,
    provider: DynProvider,
    nodes: Address,
    own_operator: Address,
    extra: Vec<Url>,
    max_log_range: u64,
    directory: Mutex<Directory>,
}

impl Peers {
    /// The peers registered at `nodes` since `start_block`, plus `extra`, asked with `timeout`.
    pub fn new(
        provider: DynProvider,
        nodes: Address,
        own_operator: Address,
        extra: Vec<Url>,
        start_block: u64,
        max_log_range: u64,
        timeout: Duration,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            http,
            provider,
            nodes,
            own_operator,
            extra,
            max_log_range: max_log_range.max(1),
            directory: Mutex::new(Directory {
                scanned: start_block.saturating_sub(1),
                endpoints: BTreeMap::new(),
            }),
        }
    }

    /// The endpoints to ask: every registered node's but this one's, and the extra URLs.
    pub async fn endpoints(&self) -> Result<Vec<Url>, String> {
        let head = self.provider.get_block_number().await.map_err(|e| format!("eth_blockNumber: {e}"))?;
        let mut directory = self.directory.lock().await;
        while directory.scanned < head {
            let from = directory.scanned + 1;
            let to = head.min(from + self.max_log_range - 1);
            let filter = Filter::new()
                .address(self.nodes)
                .event_signature(vec![
                    OracleNodes::NodeRegistered::SIGNATURE_HASH,
                    OracleNodes::EndpointChanged::SIGNATURE_HASH,
                ])
                .from_block(from)
                .to_block(to);
            let logs = self.provider.get_logs(&filter).await.map_err(|e| format!("eth_getLogs: {e}"))?;
            for log in logs {
                if let Ok(registered) = OracleNodes::NodeRegistered::decode_log(&log.inner) {
                    directory.endpoints.insert(registered.operator, registered.data.endpoint.clone());
                } else if let Ok(changed) = OracleNodes::EndpointChanged::decode_log(&log.inner) {
                    directory.endpoints.insert(changed.operator, changed.data.endpoint.clone());
                }
            }
            directory.scanned = to;
        }
        let mut urls: Vec<Url> = directory
            .endpoints
            .iter()
            .filter(|(operator, _)| **operator != self.own_operator)
            .filter_map(|(_, endpoint)| Url::parse(endpoint).ok())
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .collect();
        urls.extend(self.extra.iter().cloned());
        urls.sort();
        urls.dedup();
        Ok(urls)
    }

    /// What each peer serves for `request` (an unreachable peer or a malformed answer counts
    /// as none; the failures are returned for the logs and metrics).
    pub async fn ask(&self, request: u64) -> (Vec<AnswerMsg>, Vec<String>) {
        let endpoints = match self.endpoints().await {
            Ok(endpoints) => endpoints,
            Err(e) => return (Vec::new(), vec![e]),
        };
        let asks = endpoints.iter().map(|endpoint| async move {
            let url = endpoint.join(&format!("v1/answers/{request}")).map_err(|e| e.to_string())?;
            let response = self.http.get(url.clone()).send().await.map_err(|e| format!("{url}: {e}"))?;
            if response.status() == reqwest::StatusCode::NOT_FOUND {
                return Ok(Vec::new());
            }
            let response = response.error_for_status().map_err(|e| format!("{url}: {e}"))?;
            response.json::<Vec<AnswerMsg>>().await.map_err(|e| format!("{url}: {e}"))
        });
        let mut answers = Vec::new();
        let mut failures = Vec::new();
        for outcome in futures::future::join_all(asks).await {
            match outcome {
                Ok(mut served) => answers.append(&mut served),
                Err(e) => failures.push(e),
            }
        }
        (answers, failures)
    }
}
