//! The attestation service for contributors: a person signs in with their wallet (EIP-4361) and
//! the node attests their wallet-activity record (zkSBT schema 3), which the node computed
//! itself from the chain, so that they can mint it.
//!
//! **The flow.** The contributor asks for a nonce (`GET /v1/attest/nonce`), signs a Sign-In with
//! Ethereum message naming this node's domain, its chain and that nonce, and posts it with their
//! identity commitment `Poseidon_1(ownerSecret)` and a fresh salt (`POST
//! /v1/attest/wallet-activity`), never their owner secret. The node checks the sign-in
//! ([`siwe::verify`], the nonce used once), checks that its own key may attest right now (its
//! operator's node is registered and active, the oracle network serves the schema: what the
//! registry checks again at the mint), reads the signed-in address's activity up to the block
//! `latest - finality_depth` ([`ActivityReader`]), computes the record's commitment
//! `Poseidon_4(schemaId, Poseidon_8(values), salt, identity)` and signs the EIP-712
//! `Attestation` with the node key ([`ZkSbtClient::attest`]). The answer carries the values and
//! the block: the contributor builds the same record with their secret and salt and mints it with
//! [`ZkSbtClient::mint`]; the node's key is the token's issuer.
//!
//! **What binds what.** The sign-in authenticates the address only; the identity and salt ride
//! beside it. That is enough: the attestation names the signed-in address as the record's owner,
//! and the registry mints it only with that owner's own consent signature (and only with the
//! identity it registered at the owner's first mint, which the node checks up front). A copied
//! sign-in gets its holder an attestation nobody else can use. The registry checks the node's
//! standing live at each mint: an attestation of a node that has since unbonded or been jailed no
//! longer mints (`ZkSBT__NotAnIssuer`).
//!
//! **Limits.** Each nonce is used once and lives `nonce_ttl_secs`; at most `max_nonces` are held.
//! Requests are rate-limited per client IP (both endpoints) and per signed-in address
//! (attestations), answered `429` with `Retry-After`. Only EOAs sign in (ERC-1271 contract
//! wallets are not supported yet). Logs name the address and the outcome, never a signature, an
//! identity or a salt.
//!
//! **Mounting.** [`AttestService::router`] is an axum router; the client IP is read from axum's
//! `ConnectInfo<SocketAddr>` (serve with `into_make_service_with_connect_info::<SocketAddr>()`),
//! or from the configured proxy header. Without either, every client shares one IP bucket.

pub mod error;
pub mod limit;
pub mod siwe;

pub use error::AttestError;
pub use limit::{KeyedLimiter, RateLimit};

use crate::SourceError;
use alloy::{
    primitives::{Address, U256},
    providers::{DynProvider, Provider},
    signers::local::PrivateKeySigner,
};
use axum::{
    Json, Router,
    extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, State, rejection::JsonRejection},
    http::request::Parts,
    routing::{get, post},
};
use futures::future::BoxFuture;
use masa_bindings::{
    Contract,
    contracts::{IssuerRegistry, OracleNodes},
    manifest::Manifest,
    revert::describe,
};
use masa_prover::{field::to_fr, poseidon};
use masa_sdk::{
    target::Target,
    tx,
    zksbt::{AttestRequest, AttestationFile, ZkSbtClient},
};
use serde::{Deserialize, Serialize};
use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
    time::{Duration, SystemTime},
};

/// Fields of a wallet-activity record (schema 3): transfers, swaps, mints, bridges, first seen,
/// last seen (unix seconds), in the schema's order.
pub const ACTIVITY_FIELDS: usize = 6;

/// The largest request body taken (a sign-in message is a few hundred bytes).
const MAX_BODY: usize = 16 * 1024;

/// Reads an address's wallet activity as the schema's values; the chain source implements it.
pub trait ActivityReader: Send + Sync {
    /// `account`'s activity up to and including `to_block`, as the schema's six values.
    fn values<'a>(
        &'a self,
        account: Address,
        to_block: u64,
    ) -> BoxFuture<'a, Result<[u64; ACTIVITY_FIELDS], SourceError>>;
}

/// The service's configuration (a `[attest]` table; every field has a default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttestConfig {
    /// The domain sign-in messages must name (an RFC 3986 authority: `oracle.example.org`,
    /// `localhost:8080`): the site contributors sign in at.
    pub domain: String,
    /// The URI messages must name; any URI when unset (the field must be there).
    pub uri: Option<String>,
    /// The schema attested (3, wallet activity).
    pub schema_id: u64,
    /// Blocks behind the head the activity is read at; unset: the network's (`finality_depth`
    /// in networks.toml, 0 for a development chain).
    pub finality_depth: Option<u64>,
    /// Seconds an attestation stays valid for the mint, from the latest block.
    pub attestation_valid_secs: u64,
    /// Seconds the record stays valid after the latest block (its `expiry`); 0: never expires.
    pub record_expiry_secs: u64,
    /// Seconds a sign-in nonce lives.
    pub nonce_ttl_secs: u64,
    /// Most nonces held at once (issued or used, until they expire).
    pub max_nonces: usize,
    /// Seconds a message's `Issued At` and `Not Before` may be ahead of the node's clock.
    pub clock_skew_secs: u64,
    /// Requests per client IP (nonces and attestations).
    pub per_ip: RateLimit,
    /// Attestations per signed-in address.
    pub per_address: RateLimit,
    /// A header a trusted reverse proxy sets to the client's address (`x-forwarded-for`: its
    /// last entry is taken); unset: the connection's peer address.
    pub client_ip_header: Option<String>,
}

impl Default for AttestConfig {
    fn default() -> Self {
        Self {
            domain: "localhost".to_owned(),
            uri: None,
            schema_id: 3,
            finality_depth: None,
            attestation_valid_secs: 3_600,
            record_expiry_secs: 0,
            nonce_ttl_secs: 300,
            max_nonces: 10_000,
            clock_skew_secs: 60,
            per_ip: RateLimit::new(30, 60),
            per_address: RateLimit::new(5, 3_600),
            client_ip_header: None,
        }
    }
}

/// A sign-in nonce (`GET /v1/attest/nonce`), with what the message must name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonceResponse {
    /// The nonce (alphanumeric).
    pub nonce: String,
    /// Unix seconds it expires.
    pub expires_at: u64,
    /// The domain the message must name.
    pub domain: String,
    /// The URI it must name, when the node requires one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The chain id it must name.
    pub chain_id: u64,
}

/// An attestation request (`POST /v1/attest/wallet-activity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalletActivityRequest {
    /// The signed EIP-4361 message, exactly as signed.
    pub message: String,
    /// Its EIP-191 signature, 65 bytes of hex.
    pub signature: String,
    /// The owner's identity commitment `Poseidon_1(ownerSecret)`, decimal or `0x` hex.
    pub identity: String,
    /// The record's salt, decimal or `0x` hex (a field element; fresh for each record).
    pub salt: String,
}

/// An attestation of a wallet-activity record: everything its owner needs to build the record
/// (with their secret and the salt they sent) and mint it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletActivityResponse {
    /// The node's signed attestation (the sdk's `AttestationFile`: `masa sbt mint --attestation`
    /// reads it).
    pub attestation: AttestationFile,
    /// The record's schema.
    pub schema_id: u64,
    /// The values counted (transfers, swaps, mints, bridges, first seen, last seen); the record's
    /// last two fields are 0.
    pub values: [u64; ACTIVITY_FIELDS],
    /// The block the activity was read at.
    pub block: u64,
    /// The signed-in address: the record's owner.
    pub owner: Address,
}

/// The attestation service of one node (cheap to clone: shared state).
#[derive(Clone)]
pub struct AttestService {
    inner: Arc<Inner>,
}

struct Inner {
    config: AttestConfig,
    finality_depth: u64,
    chain_id: u64,
    provider: DynProvider,
    sbt: ZkSbtClient<DynProvider>,
    issuers: Address,
    nodes: Address,
    reader: Arc<dyn ActivityReader>,
    nonces: siwe::NonceStore,
    per_ip: KeyedLimiter<IpAddr>,
    per_address: KeyedLimiter<Address>,
}

impl std::fmt::Debug for AttestService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttestService")
            .field("config", &self.inner.config)
            .field("signer", &self.inner.sbt.wallet())
            .field("chain_id", &self.inner.chain_id)
            .finish_non_exhaustive()
    }
}

impl AttestService {
    /// The service of `target`'s deployment, attesting with `node_key` (the key the node
    /// registered in `OracleNodes`) and reading activity with `reader`. An unset
    /// `finality_depth` is the network's.
    pub fn connect(
        target: &Target,
        mut config: AttestConfig,
        node_key: PrivateKeySigner,
        reader: Arc<dyn ActivityReader>,
    ) -> Result<Self, masa_sdk::zksbt::Error> {
        config.finality_depth.get_or_insert(target.finality_depth());
        let provider = tx::signing_provider(target.rpc_url.clone(), node_key.clone());
        Self::new(provider, &target.manifest, config, node_key, reader)
    }

    /// The service of `manifest`'s deployment over `provider` (an unset `finality_depth` is 0).
    pub fn new(
        provider: DynProvider,
        manifest: &Manifest,
        config: AttestConfig,
        node_key: PrivateKeySigner,
        reader: Arc<dyn ActivityReader>,
    ) -> Result<Self, masa_sdk::zksbt::Error> {
        let sbt = ZkSbtClient::new(provider.clone(), manifest, node_key)?;
        Ok(Self {
            inner: Arc::new(Inner {
                finality_depth: config.finality_depth.unwrap_or(0),
                chain_id: manifest.chain_id,
                issuers: manifest.address_of(Contract::IssuerRegistry)?,
                nodes: manifest.address_of(Contract::OracleNodes)?,
                nonces: siwe::NonceStore::new(Duration::from_secs(config.nonce_ttl_secs), config.max_nonces),
                per_ip: KeyedLimiter::new(config.per_ip),
                per_address: KeyedLimiter::new(config.per_address),
                provider,
                sbt,
                reader,
                config,
            }),
        })
    }

    /// The node key's address (the attestations' issuer).
    pub fn signer(&self) -> Address {
        self.inner.sbt.wallet()
    }

    /// The configuration.
    pub fn config(&self) -> &AttestConfig {
        &self.inner.config
    }

    /// The routes `GET /v1/attest/nonce` and `POST /v1/attest/wallet-activity`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/attest/nonce", get(nonce_handler))
            .route("/v1/attest/wallet-activity", post(wallet_activity_handler))
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(self.clone())
    }

    /// A new sign-in nonce for a client at `client`.
    pub fn nonce(&self, client: IpAddr) -> Result<NonceResponse, AttestError> {
        let inner = &self.inner;
        self.check_ip(client)?;
        let (nonce, expires) = inner.nonces.issue()?;
        Ok(NonceResponse {
            nonce,
            expires_at: siwe::unix(expires),
            domain: inner.config.domain.clone(),
            uri: inner.config.uri.clone(),
            chain_id: inner.chain_id,
        })
    }

    /// Attests the wallet activity of the address signed in by `request`, for a client at
    /// `client`.
    pub async fn attest_wallet_activity(
        &self,
        request: &WalletActivityRequest,
        client: IpAddr,
    ) -> Result<WalletActivityResponse, AttestError> {
        self.check_ip(client)?;
        self.attest_checked(request, client).await
    }

    /// Counts a request of `client` against its IP's limit.
    fn check_ip(&self, client: IpAddr) -> Result<(), AttestError> {
        self.inner
            .per_ip
            .check(&client)
            .map_err(|wait| AttestError::rate_limited(format!("from {client}"), wait))
    }

    /// [`Self::attest_wallet_activity`] once the client's IP was counted; logs the outcome.
    async fn attest_checked(
        &self,
        request: &WalletActivityRequest,
        client: IpAddr,
    ) -> Result<WalletActivityResponse, AttestError> {
        let mut owner = None;
        let outcome = self.attest(request, &mut owner).await;
        match (&outcome, owner) {
            (Ok(done), _) => {
                let (owner, block, schema) = (done.owner, done.block, done.schema_id);
                tracing::info!(%owner, block, schema, %client, "attested wallet activity");
            }
            (Err(e), owner) => {
                let (status, why) = (e.status().as_u16(), e.log_line());
                // the address is only known once the signature checked out
                match owner {
                    Some(owner) => tracing::info!(%owner, %client, status, "attestation refused: {why}"),
                    None => tracing::info!(%client, status, "attestation refused: {why}"),
                }
            }
        }
        outcome
    }

    async fn attest(
        &self,
        request: &WalletActivityRequest,
        signed_in: &mut Option<Address>,
    ) -> Result<WalletActivityResponse, AttestError> {
        let inner = &self.inner;
        let identity = field("identity", &request.identity)?;
        let salt = field("salt", &request.salt)?;
        if identity.is_zero() {
            return Err(AttestError::BadRequest("identity is 0: send Poseidon_1(ownerSecret)".to_owned()));
        }

        // who signed in: the signature, then this node's domain, chain, clock; then the nonce
        let expected = siwe::Expected {
            domain: &inner.config.domain,
            uri: inner.config.uri.as_deref(),
            chain_id: inner.chain_id,
            now: SystemTime::now(),
            skew: Duration::from_secs(inner.config.clock_skew_secs),
        };
        let sign_in = siwe::verify(&request.message, &request.signature, &expected)?;
        let owner = sign_in.address;
        *signed_in = Some(owner);
        // a replayed or stale message is refused before it counts against the address's limit
        inner.nonces.check(&sign_in.nonce)?;
        inner
            .per_address
            .check(&owner)
            .map_err(|wait| AttestError::rate_limited(format!("for {owner}"), wait))?;
        // before the nonce is used, what would make the attestation useless
        self.check_signer().await?;
        self.check_identity(owner, identity).await?;
        inner.nonces.consume(&sign_in.nonce)?;

        // the activity at a final block, its record's commitment, the attestation
        let head = inner
            .provider
            .get_block_number()
            .await
            .map_err(|e| AttestError::Chain { what: "the latest block number", reason: e.to_string() })?;
        let block = head.saturating_sub(inner.finality_depth);
        let values = inner.reader.values(owner, block).await?;
        let mut record_values = [0u64; poseidon::FIELDS];
        record_values[..ACTIVITY_FIELDS].copy_from_slice(&values);
        let schema_id = U256::from(inner.config.schema_id);
        let commitment = poseidon::commitment_of_identity(
            to_fr("schemaId", schema_id).map_err(|e| AttestError::BadRequest(e.to_string()))?,
            &record_values,
            to_fr("salt", salt).map_err(|e| AttestError::BadRequest(e.to_string()))?,
            to_fr("identity", identity).map_err(|e| AttestError::BadRequest(e.to_string()))?,
        );
        let expiry = if inner.config.record_expiry_secs == 0 {
            0
        } else {
            let now = tx::latest_timestamp(&inner.provider)
                .await
                .map_err(|e| AttestError::Chain { what: "the latest block's time", reason: e.to_string() })?;
            now.saturating_add(inner.config.record_expiry_secs)
        };
        let attestation = inner
            .sbt
            .attest(AttestRequest {
                owner,
                schema_id,
                commitment: masa_prover::field::to_u256(commitment),
                expiry,
                valid_secs: inner.config.attestation_valid_secs,
            })
            .await?;
        Ok(WalletActivityResponse { attestation, schema_id: inner.config.schema_id, values, block, owner })
    }

    /// Whether the node key may attest the schema now, as the registry checks it at the mint
    /// (`IssuerRegistry.isIssuer`); when not, why.
    pub async fn check_signer(&self) -> Result<(), AttestError> {
        let inner = &self.inner;
        let signer = self.signer();
        let schema = U256::from(inner.config.schema_id);
        let read = |what: &'static str| {
            move |e: alloy::contract::Error| AttestError::Chain { what, reason: describe(&e) }
        };
        let issuers = IssuerRegistry::new(inner.issuers, &inner.provider);
        if issuers.isIssuer(signer, schema).call().await.map_err(read("IssuerRegistry.isIssuer"))? {
            return Ok(());
        }
        let unavailable = |reason: String| AttestError::NodeUnavailable { signer, reason };
        let nodes = OracleNodes::new(inner.nodes, &inner.provider);
        let operator = nodes.operatorOf(signer).call().await.map_err(read("OracleNodes.operatorOf"))?;
        if operator == Address::ZERO {
            return Err(unavailable("its key is not registered in OracleNodes".to_owned()));
        }
        let stake = nodes.activeStake(operator).call().await.map_err(read("OracleNodes.activeStake"))?;
        if stake.is_zero() {
            return Err(unavailable(format!(
                "its operator {operator} has no active stake (unbonding, jailed or below the minimum)"
            )));
        }
        if !issuers.oracleServes(schema).call().await.map_err(read("IssuerRegistry.oracleServes"))? {
            return Err(unavailable(format!("the oracle network does not attest schema {schema}")));
        }
        Err(unavailable(format!("the issuer registry does not accept it for schema {schema}")))
    }

    /// Refuses an identity other than the one `owner` registered at its first mint.
    async fn check_identity(&self, owner: Address, identity: U256) -> Result<(), AttestError> {
        let registered = self
            .inner
            .sbt
            .contract()
            .identityOf(owner)
            .call()
            .await
            .map_err(|e| AttestError::Chain { what: "ZkSBT.identityOf", reason: describe(&e) })?;
        if !registered.is_zero() && registered != identity {
            return Err(AttestError::IdentityMismatch { owner, registered });
        }
        Ok(())
    }

    fn client_ip(&self, parts: &Parts) -> IpAddr {
        if let Some(header) = &self.inner.config.client_ip_header {
            let forwarded = parts.headers.get(header.as_str()).and_then(|v| v.to_str().ok());
            if let Some(ip) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|s| s.trim().parse().ok())
            {
                return ip;
            }
        }
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(addr)| addr.ip())
    }
}

/// A number field of a request (decimal or `0x` hex), below the BN254 scalar field's modulus.
fn field(name: &'static str, text: &str) -> Result<U256, AttestError> {
    let value: U256 = text
        .trim()
        .parse()
        .map_err(|e| AttestError::BadRequest(format!("{name} is not a decimal or 0x-hex number: {e}")))?;
    if to_fr(name, value).is_err() {
        return Err(AttestError::BadRequest(format!("{name} is not below the BN254 scalar field's modulus")));
    }
    Ok(value)
}

/// The client's IP address, as the service reads it.
struct ClientIp(IpAddr);

impl FromRequestParts<AttestService> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, service: &AttestService) -> Result<Self, Self::Rejection> {
        Ok(Self(service.client_ip(parts)))
    }
}

async fn nonce_handler(
    State(service): State<AttestService>,
    ClientIp(client): ClientIp,
) -> Result<Json<NonceResponse>, AttestError> {
    service.nonce(client).map(Json).inspect_err(|e| tracing::info!(%client, "nonce refused: {e}"))
}

async fn wallet_activity_handler(
    State(service): State<AttestService>,
    ClientIp(client): ClientIp,
    body: Result<Json<WalletActivityRequest>, JsonRejection>,
) -> Result<Json<WalletActivityResponse>, AttestError> {
    service
        .check_ip(client)
        .inspect_err(|e| tracing::info!(%client, "attestation refused: {}", e.log_line()))?;
    let Json(request) = body.map_err(|e| AttestError::BadRequest(e.body_text()))?;
    service.attest_checked(&request, client).await.map(Json)
}

impl ActivityReader for crate::sources::chain::ChainSource {
    /// [`ChainSource::activity`](crate::sources::chain::ChainSource::activity)'s values.
    fn values<'a>(
        &'a self,
        account: Address,
        to_block: u64,
    ) -> BoxFuture<'a, Result<[u64; ACTIVITY_FIELDS], SourceError>> {
        Box::pin(async move { self.activity(account, to_block).await.map(|activity| activity.values()) })
    }
}
