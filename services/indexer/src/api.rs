//! The HTTP API (axum) and its `OpenAPI` document (utoipa, served at `/openapi.json`).
//!
//! Every read is a bound query over the index; bad parameters (unknown names, malformed
//! addresses, cursors or numbers, out-of-range limits) are a 400 with a message, a missing
//! wallet a 404, and a database failure a 503: never a 500 for what a caller sent.

use crate::{
    metrics::Metrics,
    store::{
        EventFilter, EventRow, OracleNodeFilter, OracleRequestFilter, PassFilter, PoolFilter, RequestStatus,
        Store, StoreError,
        oracle::{
            OracleDissentRow, OracleNodePage, OracleNodeRow, OracleRequestPage, OracleRequestRow,
            OracleResultRow, OracleSlashRow,
        },
        query::{
            ActivityRow, DeliveryPage, DeliveryRow, FeesRow, PassDeliveryPage, PassDeliveryRow, PassPage,
            PassRow, PoolPage, PoolRow, PoolStatement, ProposalRow, StakePage, StakeRow, TokenRow,
            WalletPoolRow, WalletRow, ZkSbtStats,
        },
    },
};
use alloy::primitives::{Address, U256};
use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// Largest page of events.
pub const MAX_LIMIT: u32 = 1_000;
/// Largest activity window, in days.
pub const MAX_DAYS: i64 = 3_660;
/// Latest first day of an activity window (days since 1970: the year 29349).
pub const MAX_DAY: i64 = 10_000_000;

/// What handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The index.
    pub store: Store,
    /// Progress and counters.
    pub metrics: Arc<Metrics>,
}

/// The API's `OpenAPI` document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "masa-indexer", description = "Read API over the Masa network index"),
    paths(
        health,
        ready,
        wallet,
        tokens,
        fees,
        zksbt_stats,
        proposals,
        pools,
        pool,
        pool_stakes,
        pool_deliveries,
        passes,
        pass,
        pass_deliveries,
        oracle_nodes,
        oracle_node,
        oracle_requests,
        oracle_request,
        activity,
        events
    ),
    components(schemas(
        ApiError,
        Ready,
        WalletRow,
        WalletPoolRow,
        PoolRow,
        PoolStatement,
        PoolPage,
        StakeRow,
        StakePage,
        DeliveryRow,
        DeliveryPage,
        PassRow,
        PassPage,
        PassDeliveryRow,
        PassDeliveryPage,
        OracleNodeRow,
        OracleSlashRow,
        OracleNodePage,
        RequestStatus,
        OracleRequestRow,
        OracleResultRow,
        OracleDissentRow,
        OracleRequestPage,
        TokenRow,
        FeesRow,
        ZkSbtStats,
        ProposalRow,
        ActivityRow,
        EventJson,
        EventPage
    ))
)]
pub struct ApiDoc;

/// The router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/v1/wallets/{address}", get(wallet))
        .route("/v1/tokens", get(tokens))
        .route("/v1/fees", get(fees))
        .route("/v1/zksbt/stats", get(zksbt_stats))
        .route("/v1/governance/proposals", get(proposals))
        .route("/v1/pools", get(pools))
        .route("/v1/pools/{id}", get(pool))
        .route("/v1/pools/{id}/stakes", get(pool_stakes))
        .route("/v1/pools/{id}/deliveries", get(pool_deliveries))
        .route("/v1/passes", get(passes))
        .route("/v1/passes/{id}", get(pass))
        .route("/v1/passes/{id}/deliveries", get(pass_deliveries))
        .route("/v1/oracle/nodes", get(oracle_nodes))
        .route("/v1/oracle/nodes/{operator}", get(oracle_node))
        .route("/v1/oracle/requests", get(oracle_requests))
        .route("/v1/oracle/requests/{id}", get(oracle_request))
        .route("/v1/activity", get(activity))
        .route("/v1/events", get(events))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such endpoint") })
        .with_state(state)
}

/// An error: status and a one-line message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    /// What went wrong.
    error: String,
    #[serde(skip)]
    status: u16,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { error: message.into(), status: status.as_u16() }
    }
    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::warn!(%e, "API read failed");
        Self::new(StatusCode::SERVICE_UNAVAILABLE, format!("the index is unavailable: {e}"))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        Self::bad(e.body_text())
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

fn address(text: &str) -> Result<String, ApiError> {
    text.parse::<Address>()
        .map(|a| a.to_checksum(None))
        .map_err(|_| ApiError::bad(format!("`{text}` is not a 20-byte hex address")))
}

/// Liveness.
#[derive(Debug, Serialize, ToSchema)]
struct Health {
    status: &'static str,
}

/// Process up.
#[utoipa::path(get, path = "/health", responses((status = 200, description = "The process is up")))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: caught up with the chain head.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// Caught up.
    ready: bool,
    /// Chain head last seen.
    head: i64,
    /// Last indexed block.
    indexed: i64,
}

/// Caught up with the head and the database answers.
#[utoipa::path(get, path = "/ready", responses(
    (status = 200, description = "Caught up", body = Ready),
    (status = 503, description = "Behind the head, or the database is down", body = Ready)
))]
async fn ready(State(s): State<AppState>) -> Response {
    let body = Ready { ready: false, head: s.metrics.head.get(), indexed: s.metrics.indexed.get() };
    let ready = s.metrics.is_synced() && s.store.ping().await.is_ok();
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(Ready { ready, ..body })).into_response()
}

async fn metrics(State(s): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        s.metrics.encode(),
    )
        .into_response()
}

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// The wallet in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct WalletPath {
    /// 20-byte hex address, any case.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    address: String,
}

/// A wallet: balances, transfers, rewards, fees paid, vesting released, votes, zkSBT records
/// held, disclosures, its data pools (created, staked in, rewards claimed), its access passes
/// (granted, bought, and what they paid it as owner, by price token), the data requests it posted
/// and its oracle node (stake, request fees earned and withdrawn, rewards claimed).
#[utoipa::path(get, path = "/v1/wallets/{address}",
    params(WalletPath),
    responses(
        (status = 200, body = WalletRow),
        (status = 400, description = "Not an address", body = ApiError),
        (status = 404, description = "No event ever involved this wallet", body = ApiError),
    ))]
async fn wallet(State(s): State<AppState>, Path(path): Path<WalletPath>) -> ApiResult<WalletRow> {
    let address = address(&path.address)?;
    s.store
        .wallet(&address)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no indexed activity for {address}")))
}

/// Tokens with minted, burned and current supply.
#[utoipa::path(get, path = "/v1/tokens", responses((status = 200, body = Vec<TokenRow>)))]
async fn tokens(State(s): State<AppState>) -> ApiResult<Vec<TokenRow>> {
    Ok(Json(s.store.tokens().await?))
}

/// Fee router totals: payments per token and the MASA split.
#[utoipa::path(get, path = "/v1/fees", responses((status = 200, body = FeesRow)))]
async fn fees(State(s): State<AppState>) -> ApiResult<FeesRow> {
    Ok(Json(s.store.fees().await?))
}

/// zkSBT registry statistics: counters (records, disclosures, identities, fees), mint fee
/// amounts in MASA, each tree's leaves and live leaves (its anonymity set), per-schema counts.
#[utoipa::path(get, path = "/v1/zksbt/stats", responses((status = 200, body = ZkSbtStats)))]
async fn zksbt_stats(State(s): State<AppState>) -> ApiResult<ZkSbtStats> {
    Ok(Json(s.store.zksbt_stats().await?))
}

/// Paging of proposals.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ProposalQuery {
    /// Proposals created before this block (the previous page's last `block_number`).
    #[param(maximum = 9_223_372_036_854_775_807_u64)]
    before_block: Option<u64>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

fn limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit.unwrap_or(100) {
        l @ 1..=MAX_LIMIT => Ok(l),
        l => Err(ApiError::bad(format!("limit must be between 1 and {MAX_LIMIT}, not {l}"))),
    }
}

/// Governance proposals, newest first, with tallies.
#[utoipa::path(get, path = "/v1/governance/proposals", params(ProposalQuery), responses(
    (status = 200, body = Vec<ProposalRow>),
    (status = 400, body = ApiError),
))]
async fn proposals(
    State(s): State<AppState>,
    q: Result<Query<ProposalQuery>, QueryRejection>,
) -> ApiResult<Vec<ProposalRow>> {
    let Query(q) = q?;
    let before = block_param("before_block", q.before_block)?;
    Ok(Json(s.store.proposals(before, limit(q.limit)?).await?))
}

/// Pool filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PoolQuery {
    /// Created by this developer.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    developer: Option<String>,
    /// For this zkSBT schema (decimal).
    #[param(pattern = "^[0-9]{1,78}$")]
    schema_id: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// A pool in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct PoolPath {
    /// The pool's id (1, 2, ...).
    #[param(pattern = "^[0-9]{1,18}$")]
    id: String,
}

/// A schema id: a decimal uint256, as the index writes it (no leading zeros).
fn schema_id(text: &str) -> Result<String, ApiError> {
    // `from_str_radix` reads "" as 0
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| U256::from_str_radix(text, 10).ok())
        .flatten()
        .map(|id| id.to_string())
        .ok_or_else(|| ApiError::bad(format!("schema_id `{text}` is not a decimal uint256")))
}

/// A pool id: a database integer.
fn pool_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<u64>()
        .ok()
        .and_then(|id| i64::try_from(id).ok())
        .ok_or_else(|| ApiError::bad(format!("`{text}` is not a pool id (a number from 1)")))
}

/// The pool in the path, which must exist.
async fn existing_pool(s: &AppState, path: &PoolPath) -> Result<PoolRow, ApiError> {
    let id = pool_id(&path.id)?;
    s.store.pool(id).await?.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no pool {id}")))
}

/// Data pools by id, with their statement, schedule, delivery key and totals.
#[utoipa::path(get, path = "/v1/pools", params(PoolQuery), responses(
    (status = 200, body = PoolPage),
    (status = 400, body = ApiError),
))]
async fn pools(
    State(s): State<AppState>,
    q: Result<Query<PoolQuery>, QueryRejection>,
) -> ApiResult<PoolPage> {
    let Query(q) = q?;
    let schema_id = match q.schema_id {
        Some(text) => Some(schema_id(&text)?),
        None => None,
    };
    let after = match q.cursor.as_deref() {
        Some(text) => Some(
            pool_id(text)
                .map_err(|_| ApiError::bad(format!("`{text}` is not a cursor from a previous page")))?,
        ),
        None => None,
    };
    let filter = PoolFilter {
        developer: q.developer.as_deref().map(address).transpose()?,
        schema_id,
        after,
        limit: limit(q.limit)?,
    };
    Ok(Json(s.store.pools(&filter).await?))
}

/// One data pool: its statement, schedule (with extensions and an early end), delivery key and
/// totals (funded, fees, paid, refunded, held; stakers, stakes, deliveries, claims).
#[utoipa::path(get, path = "/v1/pools/{id}", params(PoolPath), responses(
    (status = 200, body = PoolRow),
    (status = 400, description = "Not a pool id", body = ApiError),
    (status = 404, description = "No such pool", body = ApiError),
))]
async fn pool(State(s): State<AppState>, Path(path): Path<PoolPath>) -> ApiResult<PoolRow> {
    Ok(Json(existing_pool(&s, &path).await?))
}

/// Paging of a pool's stakes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct StakeQuery {
    /// Only the stakes paying this recipient.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    recipient: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}-[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// A pool's stakes in chain order: recipient, when staked, claimed so far, whether withdrawn.
#[utoipa::path(get, path = "/v1/pools/{id}/stakes", params(PoolPath, StakeQuery), responses(
    (status = 200, body = StakePage),
    (status = 400, body = ApiError),
    (status = 404, description = "No such pool", body = ApiError),
))]
async fn pool_stakes(
    State(s): State<AppState>,
    Path(path): Path<PoolPath>,
    q: Result<Query<StakeQuery>, QueryRejection>,
) -> ApiResult<StakePage> {
    let Query(q) = q?;
    let recipient = q.recipient.as_deref().map(address).transpose()?;
    let after = q.cursor.as_deref().map(cursor).transpose()?;
    let limit = limit(q.limit)?;
    let pool = existing_pool(&s, &path).await?;
    Ok(Json(s.store.stakes(pool.pool_id, recipient.as_deref(), after, limit).await?))
}

/// Paging of a pool's deliveries.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DeliveryQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}-[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// A pool's deliveries in chain order, as emitted: each stake's record encrypted to the pool's
/// delivery key (ephemeral key, nonce, the 10 ciphertext words), with its block, log index and
/// transaction. The developer decrypts them with its delivery secret.
#[utoipa::path(get, path = "/v1/pools/{id}/deliveries", params(PoolPath, DeliveryQuery), responses(
    (status = 200, body = DeliveryPage),
    (status = 400, body = ApiError),
    (status = 404, description = "No such pool", body = ApiError),
))]
async fn pool_deliveries(
    State(s): State<AppState>,
    Path(path): Path<PoolPath>,
    q: Result<Query<DeliveryQuery>, QueryRejection>,
) -> ApiResult<DeliveryPage> {
    let Query(q) = q?;
    let after = q.cursor.as_deref().map(cursor).transpose()?;
    let limit = limit(q.limit)?;
    let pool = existing_pool(&s, &path).await?;
    Ok(Json(s.store.deliveries(pool.pool_id, after, limit).await?))
}

/// Pass filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PassQuery {
    /// Granted by this record owner.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    owner: Option<String>,
    /// Bought by this developer.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    developer: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// A pass in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct PassPath {
    /// The pass's id (1, 2, ...).
    #[param(pattern = "^[0-9]{1,18}$")]
    id: String,
}

/// A pass id: a database integer.
fn pass_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<u64>()
        .ok()
        .and_then(|id| i64::try_from(id).ok())
        .ok_or_else(|| ApiError::bad(format!("`{text}` is not a pass id (a number from 1)")))
}

/// A cursor of a previous page of ids or uses: a database integer.
fn number_cursor(text: &str) -> Result<i64, ApiError> {
    text.parse::<u64>()
        .ok()
        .and_then(|n| i64::try_from(n).ok())
        .ok_or_else(|| ApiError::bad(format!("`{text}` is not a cursor from a previous page")))
}

/// The pass in the path, which must exist.
async fn existing_pass(s: &AppState, path: &PassPath) -> Result<PassRow, ApiError> {
    let id = pass_id(&path.id)?;
    s.store.pass(id).await?.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no pass {id}")))
}

/// Access passes by id: owner, developer, record, price token and prices, validity, uses,
/// purpose, terms, delivery key, and totals (paid to the owner, fees, escrow, refunded; uses
/// requested and delivered; revoked, closed).
#[utoipa::path(get, path = "/v1/passes", params(PassQuery), responses(
    (status = 200, body = PassPage),
    (status = 400, body = ApiError),
))]
async fn passes(
    State(s): State<AppState>,
    q: Result<Query<PassQuery>, QueryRejection>,
) -> ApiResult<PassPage> {
    let Query(q) = q?;
    let filter = PassFilter {
        owner: q.owner.as_deref().map(address).transpose()?,
        developer: q.developer.as_deref().map(address).transpose()?,
        after: q.cursor.as_deref().map(number_cursor).transpose()?,
        limit: limit(q.limit)?,
    };
    Ok(Json(s.store.passes(&filter).await?))
}

/// One access pass, as accepted, with its totals.
#[utoipa::path(get, path = "/v1/passes/{id}", params(PassPath), responses(
    (status = 200, body = PassRow),
    (status = 400, description = "Not a pass id", body = ApiError),
    (status = 404, description = "No such pass", body = ApiError),
))]
async fn pass(State(s): State<AppState>, Path(path): Path<PassPath>) -> ApiResult<PassRow> {
    Ok(Json(existing_pass(&s, &path).await?))
}

/// Paging of a pass's deliveries.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PassDeliveryQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// A pass's deliveries by use, as emitted: what the owner was paid for each and the fee, the
/// record encrypted to the pass's delivery key (ephemeral key, nonce, the 10 ciphertext words),
/// with its block, log index and transaction. The developer decrypts them with its delivery
/// secret.
#[utoipa::path(get, path = "/v1/passes/{id}/deliveries", params(PassPath, PassDeliveryQuery), responses(
    (status = 200, body = PassDeliveryPage),
    (status = 400, body = ApiError),
    (status = 404, description = "No such pass", body = ApiError),
))]
async fn pass_deliveries(
    State(s): State<AppState>,
    Path(path): Path<PassPath>,
    q: Result<Query<PassDeliveryQuery>, QueryRejection>,
) -> ApiResult<PassDeliveryPage> {
    let Query(q) = q?;
    let after = q.cursor.as_deref().map(number_cursor).transpose()?;
    let limit = limit(q.limit)?;
    let pass = existing_pass(&s, &path).await?;
    Ok(Json(s.store.pass_deliveries(pass.pass_id, after, limit).await?))
}

/// Oracle node filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OracleNodeQuery {
    /// The node signing with this key.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    signer: Option<String>,
    /// Only nodes slashed at least once (`true`) or never (`false`).
    slashed: Option<bool>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}-[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// An oracle node's operator in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct OracleNodePath {
    /// The operator's 20-byte hex address, any case.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    operator: String,
}

/// Oracle nodes in the order they registered: operator, key, endpoint, stake (active, unbonding,
/// held; staked in, unbonded, lapsed, claimed), slashes and jail, request fees (earned,
/// withdrawn, pending; requests answered, dissents), weight in the rewards and rewards claimed.
#[utoipa::path(get, path = "/v1/oracle/nodes", params(OracleNodeQuery), responses(
    (status = 200, body = OracleNodePage),
    (status = 400, body = ApiError),
))]
async fn oracle_nodes(
    State(s): State<AppState>,
    q: Result<Query<OracleNodeQuery>, QueryRejection>,
) -> ApiResult<OracleNodePage> {
    let Query(q) = q?;
    let filter = OracleNodeFilter {
        signer: q.signer.as_deref().map(address).transpose()?,
        slashed: q.slashed,
        after: q.cursor.as_deref().map(cursor).transpose()?,
        limit: limit(q.limit)?,
    };
    Ok(Json(s.store.oracle_nodes(&filter).await?))
}

/// One oracle node: as registered, its stake, slashes, request fees and rewards.
#[utoipa::path(get, path = "/v1/oracle/nodes/{operator}", params(OracleNodePath), responses(
    (status = 200, body = OracleNodeRow),
    (status = 400, description = "Not an address", body = ApiError),
    (status = 404, description = "The operator registered no node", body = ApiError),
))]
async fn oracle_node(
    State(s): State<AppState>,
    Path(path): Path<OracleNodePath>,
) -> ApiResult<OracleNodeRow> {
    let operator = address(&path.operator)?;
    s.store
        .oracle_node(&operator)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no oracle node of {operator}")))
}

/// Data request filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OracleRequestQuery {
    /// Posted by this consumer.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    consumer: Option<String>,
    /// Standing so.
    status: Option<RequestStatus>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// A data request in the path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct OracleRequestPath {
    /// The request's id (1, 2, ...).
    #[param(pattern = "^[0-9]{1,18}$")]
    id: String,
}

/// Data requests by id: terms as posted (consumer, job type, parameters, fee, quorum, deadline),
/// status, result (hashes, operators paid, share and remainder), refund and dissents.
#[utoipa::path(get, path = "/v1/oracle/requests", params(OracleRequestQuery), responses(
    (status = 200, body = OracleRequestPage),
    (status = 400, body = ApiError),
))]
async fn oracle_requests(
    State(s): State<AppState>,
    q: Result<Query<OracleRequestQuery>, QueryRejection>,
) -> ApiResult<OracleRequestPage> {
    let Query(q) = q?;
    let filter = OracleRequestFilter {
        consumer: q.consumer.as_deref().map(address).transpose()?,
        status: q.status,
        after: q.cursor.as_deref().map(number_cursor).transpose()?,
        limit: limit(q.limit)?,
    };
    Ok(Json(s.store.oracle_requests(&filter).await?))
}

/// One data request, with its result and the dissents its finalization recorded.
#[utoipa::path(get, path = "/v1/oracle/requests/{id}", params(OracleRequestPath), responses(
    (status = 200, body = OracleRequestRow),
    (status = 400, description = "Not a request id", body = ApiError),
    (status = 404, description = "No such request", body = ApiError),
))]
async fn oracle_request(
    State(s): State<AppState>,
    Path(path): Path<OracleRequestPath>,
) -> ApiResult<OracleRequestRow> {
    let id = path
        .id
        .parse::<u64>()
        .ok()
        .and_then(|id| i64::try_from(id).ok())
        .ok_or_else(|| ApiError::bad(format!("`{}` is not a request id (a number from 1)", path.id)))?;
    s.store
        .oracle_request(id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no oracle request {id}")))
}

/// Days of activity.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ActivityQuery {
    /// First UTC day (days since 1970-01-01).
    #[param(minimum = 0, maximum = 10_000_000)]
    from_day: i64,
    /// Number of days, 1 to 3660.
    #[param(minimum = 1, maximum = 3660)]
    days: i64,
}

/// Events per day, contract and event name (for charts).
#[utoipa::path(get, path = "/v1/activity", params(ActivityQuery), responses(
    (status = 200, body = Vec<ActivityRow>),
    (status = 400, body = ApiError),
))]
async fn activity(
    State(s): State<AppState>,
    q: Result<Query<ActivityQuery>, QueryRejection>,
) -> ApiResult<Vec<ActivityRow>> {
    let Query(q) = q?;
    if !(0..=MAX_DAY).contains(&q.from_day) {
        return Err(ApiError::bad(format!("from_day must be between 0 and {MAX_DAY}, not {}", q.from_day)));
    }
    if !(1..=MAX_DAYS).contains(&q.days) {
        return Err(ApiError::bad(format!("days must be between 1 and {MAX_DAYS}, not {}", q.days)));
    }
    Ok(Json(s.store.activity(q.from_day, q.from_day + q.days - 1).await?))
}

/// Event filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EventQuery {
    /// Manifest contract name, e.g. `MasaToken`.
    contract: Option<String>,
    /// Event name, e.g. `Transfer`.
    event: Option<String>,
    /// Emitting contract address.
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    address: Option<String>,
    /// Transaction hash.
    #[param(pattern = "^0x[0-9a-fA-F]{64}$")]
    tx_hash: Option<String>,
    /// From this block, inclusive.
    #[param(maximum = 9_223_372_036_854_775_807_u64)]
    from_block: Option<u64>,
    /// To this block, inclusive.
    #[param(maximum = 9_223_372_036_854_775_807_u64)]
    to_block: Option<u64>,
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}-[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// An event with its decoded arguments.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    block_number: u64,
    log_index: u64,
    block_time: u64,
    block_hash: String,
    tx_hash: String,
    address: String,
    contract: String,
    event: String,
    /// Arguments by name: integers as decimal strings, bytes as hex, addresses checksummed.
    #[schema(value_type = Object)]
    args: serde_json::Value,
}

impl From<EventRow> for EventJson {
    fn from(e: EventRow) -> Self {
        Self {
            args: serde_json::from_str(&e.args).unwrap_or(serde_json::Value::Null),
            block_number: e.block_number,
            log_index: e.log_index,
            block_time: e.block_time,
            block_hash: e.block_hash,
            tx_hash: e.tx_hash,
            address: e.address,
            contract: e.contract,
            event: e.event,
        }
    }
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    events: Vec<EventJson>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

fn cursor(text: &str) -> Result<(u64, u64), ApiError> {
    let bad = || ApiError::bad(format!("`{text}` is not a cursor from a previous page"));
    let (block, log) = text.split_once('-').ok_or_else(bad)?;
    let block = block.parse::<u64>().map_err(|_| bad())?;
    let log = log.parse::<u64>().map_err(|_| bad())?;
    // stored numbers are BIGINT
    if i64::try_from(block).is_err() || i64::try_from(log).is_err() {
        return Err(bad());
    }
    Ok((block, log))
}

fn block_param(name: &str, v: Option<u64>) -> Result<Option<u64>, ApiError> {
    match v {
        Some(b) if i64::try_from(b).is_err() => Err(ApiError::bad(format!("{name} {b} is beyond any block"))),
        _ => Ok(v),
    }
}

/// Events in chain order, filtered, with cursor pagination.
#[utoipa::path(get, path = "/v1/events", params(EventQuery), responses(
    (status = 200, body = EventPage),
    (status = 400, body = ApiError),
))]
async fn events(
    State(s): State<AppState>,
    q: Result<Query<EventQuery>, QueryRejection>,
) -> ApiResult<EventPage> {
    let Query(q) = q?;
    let tx_hash = match q.tx_hash {
        Some(h) => Some(
            h.parse::<alloy::primitives::B256>()
                .map(|h| h.to_string())
                .map_err(|_| ApiError::bad(format!("`{h}` is not a 32-byte hex hash")))?,
        ),
        None => None,
    };
    let filter = EventFilter {
        contract: q.contract,
        event: q.event,
        address: q.address.as_deref().map(address).transpose()?,
        tx_hash,
        from_block: block_param("from_block", q.from_block)?,
        to_block: block_param("to_block", q.to_block)?,
        after: q.cursor.as_deref().map(cursor).transpose()?,
        limit: limit(q.limit)?,
    };
    let page = s.store.event_page(&filter).await?;
    Ok(Json(EventPage {
        events: page.events.into_iter().map(EventJson::from).collect(),
        next_cursor: page.next.map(|(b, l)| format!("{b}-{l}")),
    }))
}
