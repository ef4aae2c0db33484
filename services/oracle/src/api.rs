//! The node's HTTP API:
//!
//! | Route | What |
//! | --- | --- |
//! | `GET /health` | liveness: the process serves (200) |
//! | `GET /ready` | readiness: the store and the RPC answer and the node is active on-chain (200), else 503 with the reason |
//! | `GET /metrics` | Prometheus metrics (`OpenMetrics` text) |
//! | `GET /v1/jobs?state=&before=&limit=` | the jobs, newest first |
//! | `GET /v1/jobs/{request}` | one job, its record and the answers collected |
//! | `GET /v1/answers/{request}` | this node's signed answer and the peers' it collected, for its peers (404 until answered) |
//! | `/v1/attest/…` | the attestation service (see [`crate::attest`]) |
//!
//! Bad input gets a 4xx with `{"error": "<one line>"}`.

use crate::{
    node::Node,
    peers::AnswerMsg,
    sources::Normalized,
    store::jobs::{Job, JobState, StoredAnswer},
};
use alloy::primitives::U256;
use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, atomic::Ordering};

/// An API error: a status and one readable line.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// The API over `node`.
pub fn router(node: &Arc<Node>) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/v1/jobs", get(jobs))
        .route("/v1/jobs/{request}", get(job))
        .route("/v1/answers/{request}", get(answers))
        .with_state(Arc::clone(node));
    match &node.attest {
        Some(service) => api.merge(service.router()),
        None => api,
    }
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn ready(State(node): State<Arc<Node>>) -> Response {
    let check = async {
        node.store.ping().await.map_err(|e| format!("store: {e}"))?;
        let head = alloy::providers::Provider::get_block_number(&node.provider)
            .await
            .map_err(|e| format!("rpc: {e}"))?;
        let info = node.oracle.node(node.operator).await.map_err(|e| format!("chain: {e}"))?;
        if !info.active() {
            return Err(format!(
                "the node is not active on-chain (registered: {}, staked: {}, unbonding: {}, jailed until: {})",
                info.node.registered, info.node.staked, info.node.unbonding, info.node.jailedUntil
            ));
        }
        Ok(head)
    };
    match check.await {
        Ok(head) => Json(serde_json::json!({ "ready": true, "head": head })).into_response(),
        Err(reason) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "ready": false, "reason": reason })))
                .into_response()
        }
    }
}

async fn metrics(State(node): State<Arc<Node>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        node.metrics.render(),
    )
        .into_response()
}

/// `GET /v1/jobs` parameters.
#[derive(Debug, Deserialize)]
struct JobsQuery {
    state: Option<String>,
    before: Option<u64>,
    limit: Option<u32>,
}

async fn jobs(State(node): State<Arc<Node>>, Query(q): Query<JobsQuery>) -> Result<Json<Vec<Job>>, ApiError> {
    let state = q
        .state
        .map(|s| {
            s.parse::<JobState>().map_err(|_| {
                let known: Vec<&str> = JobState::ALL.iter().map(|s| s.as_str()).collect();
                ApiError(
                    StatusCode::BAD_REQUEST,
                    format!("unknown state `{s}` (one of {})", known.join(", ")),
                )
            })
        })
        .transpose()?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError(StatusCode::BAD_REQUEST, format!("limit {limit} is not within 1..=500")));
    }
    Ok(Json(node.store.jobs(state, q.before, limit).await.map_err(internal)?))
}

/// One job with what it produced.
#[derive(Debug, Serialize)]
struct JobView {
    job: Job,
    record: Option<Normalized>,
    answers: Vec<StoredAnswer>,
}

async fn job(State(node): State<Arc<Node>>, Path(request): Path<u64>) -> Result<Json<JobView>, ApiError> {
    let job = node
        .store
        .job(request)
        .await
        .map_err(internal)?
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no job for request {request}")))?;
    let record = node.store.record(request).await.map_err(internal)?;
    let answers = node.store.answers(request).await.map_err(internal)?;
    Ok(Json(JobView { job, record, answers }))
}

async fn answers(
    State(node): State<Arc<Node>>,
    Path(request): Path<u64>,
) -> Result<Json<Vec<AnswerMsg>>, ApiError> {
    let not_yet =
        || ApiError(StatusCode::NOT_FOUND, format!("request {request} is not answered by this node"));
    let job = node.store.job(request).await.map_err(internal)?.ok_or_else(not_yet)?;
    let (Some(result_hash), Some(config_hash), Some(signature)) =
        (job.result_hash, job.config_hash, job.signature)
    else {
        return Err(not_yet());
    };
    let honest = AnswerMsg {
        request_id: U256::from(request),
        result_hash,
        config_hash,
        signer: node.signer(),
        signature,
    };
    // an equivocating test node serves its two answers in turn
    let own = match job.second {
        Some((second_hash, second_signature)) if node.served.fetch_add(1, Ordering::Relaxed) % 2 == 1 => {
            AnswerMsg { result_hash: second_hash, signature: second_signature, ..honest }
        }
        _ => honest,
    };
    // and what it collected from its peers (each answer is signed: relaying cannot forge one), so
    // that a node that served different answers to different peers is seen by all of them
    let mut served = vec![own];
    for answer in node.store.answers(request).await.map_err(internal)? {
        if answer.signer != node.signer() {
            served.push(AnswerMsg {
                request_id: U256::from(request),
                result_hash: answer.result_hash,
                config_hash: answer.config_hash,
                signer: answer.signer,
                signature: answer.signature,
            });
        }
    }
    Ok(Json(served))
}
