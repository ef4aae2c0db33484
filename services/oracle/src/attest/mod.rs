//! The attestation service for contributors: a person signs in with their wallet (EIP-4361) and
//! the node attests a record it computed itself, so that they can mint it as a zkSBT: their
//! wallet's activity read from the chain (schema 3, [`activity`]) or a web page the node fetched
//! (schema 4, [`page`]).
//!
//! **The flow.** The contributor asks for a nonce (`GET /v1/attest/nonce`), signs a Sign-In with
//! Ethereum message naming this node's domain, its chain and that nonce, and posts it with their
//! identity commitment `Poseidon_1(ownerSecret)` and a fresh salt, never their owner secret
//! (`POST /v1/attest/wallet-activity`; `POST /v1/attest/web-page` adds the page's URL). The node
//! checks the sign-in ([`siwe::verify`], the nonce unused), checks that its own key may attest
//! the schema right now (its operator's node is registered and active, the oracle network serves
//! the schema: what the registry checks again at the mint), reads what it attests (the activity
//! up to the block `latest - finality_depth`, or the page), uses the nonce, computes the record's
//! commitment `Poseidon_4(schemaId, Poseidon_8(values), salt, identity)` and signs the EIP-712
//! `Attestation` with the node key ([`ZkSbtClient::attest`]). The answer ([`Attested`]) carries
//! the record's values and what they were read from: the contributor builds the same record with
//! their secret and salt and mints it with [`ZkSbtClient::mint`]; the node's key is the token's
//! issuer. A request refused before the node signs (a page that cannot be read, a chain read that
//! failed) leaves the nonce unused: the same signed message can be sent again.
//!
//! **What binds what.** The sign-in authenticates the address only; the identity, the salt and
//! the URL ride beside it. That is enough: the attestation names the signed-in address as the
//! record's owner, and the registry mints it only with that owner's own consent signature (and
//! only with the identity it registered at the owner's first mint, which the node checks up
//! front). A copied sign-in gets its holder an attestation nobody else can use. The registry
//! checks the node's standing live at each mint: an attestation of a node that has since unbonded
//! or been jailed no longer mints (`ZkSBT__NotAnIssuer`).
//!
//! **Limits.** Each nonce is used once and lives `nonce_ttl_secs`; at most `max_nonces` are held.
//! Requests are rate-limited per client IP (every endpoint) and per signed-in address
//! (attestations of either kind), answered `429` with `Retry-After`. Only EOAs sign in (ERC-1271
//! contract wallets are not supported yet). Logs name the address, the page and the outcome,
//! never a signature, an identity or a salt.
//!
//! **Mounting.** [`AttestService::router`] is an axum router; the client IP is read from axum's
//! `ConnectInfo<SocketAddr>` (serve with `into_make_service_with_connect_info::<SocketAddr>()`),
//! or from the configured proxy header. Without either, every client shares one IP bucket.

pub mod activity;
pub mod error;
pub mod limit;
pub mod page;
pub mod siwe;

pub use activity::{
    ACTIVITY_FIELDS, ActivityReader, WalletActivity, WalletActivityRequest, WalletActivityResponse,
};
pub use error::AttestError;
pub use limit::{KeyedLimiter, RateLimit};
pub use page::{PageRead, WebPageRequest, WebPageResponse};

use crate::{metrics::AttestLabel, sources::web::WebSource};
use alloy::{
    primitives::{Address, U256},
    providers::DynProvider,
    signers::local::PrivateKeySigner,
};
use axum::{
    Json, Router,
    extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, State, rejection::JsonRejection},
    http::request::Parts,
    routing::{get, post},
};
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
use prometheus_client::metrics::{counter::Counter, family::Family};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::{
    future::Future,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
    time::{Duration, SystemTime},
};

/// The largest request body taken (a sign-in message is a few hundred bytes, a URL at most
/// [`MAX_URL_LEN`](crate::sources::web::MAX_URL_LEN)).
const MAX_BODY: usize = 16 * 1024;

/// The service's configuration (a `[attest]` table; every field has a default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttestConfig {
    /// The domain sign-in messages must name (an RFC 3986 authority: `oracle.example.org`,
    /// `localhost:8080`): the site contributors sign in at.
    pub domain: String,
    /// The URI messages must name; any URI when unset (the field must be there).
    pub uri: Option<String>,
    /// The schema of wallet-activity records (3).
    pub wallet_activity_schema: u64,
    /// The schema of web-page records (4).
    pub web_page_schema: u64,
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
    /// Attestations per signed-in address (of either kind).
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
            wallet_activity_schema: 3,
            web_page_schema: 4,
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

/// What every attestation request carries besides its subject: the sign-in and the owner's side
/// of the record.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    /// The signed EIP-4361 message, exactly as signed.
    pub message: &'a str,
    /// Its EIP-191 signature, 65 bytes of hex.
    pub signature: &'a str,
    /// The owner's identity commitment `Poseidon_1(ownerSecret)`, decimal or `0x` hex.
    pub identity: &'a str,
    /// The record's salt, decimal or `0x` hex.
    pub salt: &'a str,
}

/// An attestation of a record: everything its owner needs to build the record (with their secret
/// and the salt they sent) and mint it, and what the node read (`S`, flattened into the JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attested<S> {
    /// The node's signed attestation (the sdk's `AttestationFile`: `masa sbt mint --attestation`
    /// reads it).
    pub attestation: AttestationFile,
    /// The record's schema.
    pub schema_id: u64,
    /// The record's eight values, in the schema's order.
    pub values: [u64; poseidon::FIELDS],
    /// The signed-in address: the record's owner.
    pub owner: Address,
    /// What the values were read from.
    #[serde(flatten)]
    pub subject: S,
}

/// A kind of record the node attests (wallet activity, a web page): what its request carries
/// besides the sign-in, and how the node reads the record's values. The value is what the
/// values were read from, returned beside them.
pub trait Subject: Serialize + Send + Sized + 'static {
    /// The request body.
    type Request: DeserializeOwned + Send + Sync + 'static;
    /// What is attested, for logs (`wallet activity`).
    const WHAT: &'static str;
    /// The kind's name in its endpoint's path and in the metrics (`wallet-activity`).
    const KIND: &'static str;

    /// The request's sign-in and owner's side of the record.
    fn credentials(request: &Self::Request) -> Credentials<'_>;

    /// The schema of the records, as configured.
    fn schema(config: &AttestConfig) -> u64;

    /// Reads `owner`'s record for `request`: its eight values, and what they were read from.
    fn read(
        service: &AttestService,
        owner: Address,
        request: &Self::Request,
    ) -> impl Future<Output = Result<([u64; poseidon::FIELDS], Self), AttestError>> + Send;

    /// What was read, for the log line of a success.
    fn describe(&self) -> String;
}

/// A signed-in owner the node may attest a record for (everything checked but the nonce's use).
struct Admitted {
    owner: Address,
    nonce: String,
    identity: U256,
    salt: U256,
    schema: u64,
}

/// The attestation service of one node (cheap to clone: shared state).
#[derive(Clone)]
pub struct AttestService {
    inner: Arc<Inner>,
    /// Requests by kind and outcome (the node's metric, after [`AttestService::count_in`]).
    counted: Family<AttestLabel, Counter>,
}

struct Inner {
    config: AttestConfig,
    finality_depth: u64,
    chain_id: u64,
    provider: DynProvider,
    sbt: ZkSbtClient<DynProvider>,
    issuers: Address,
    nodes: Address,
    activity: Arc<dyn ActivityReader>,
    pages: WebSource,
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
    /// registered in `OracleNodes`), reading activity with `activity` and pages with `pages`. An
    /// unset `finality_depth` is the network's.
    pub fn connect(
        target: &Target,
        mut config: AttestConfig,
        node_key: PrivateKeySigner,
        activity: Arc<dyn ActivityReader>,
        pages: WebSource,
    ) -> Result<Self, masa_sdk::zksbt::Error> {
        config.finality_depth.get_or_insert(target.finality_depth());
        let provider = tx::signing_provider(target.rpc_url.clone(), node_key.clone());
        Self::new(provider, &target.manifest, config, node_key, activity, pages)
    }

    /// The service of `manifest`'s deployment over `provider` (an unset `finality_depth` is 0).
    pub fn new(
        provider: DynProvider,
        manifest: &Manifest,
        config: AttestConfig,
        node_key: PrivateKeySigner,
        activity: Arc<dyn ActivityReader>,
        pages: WebSource,
    ) -> Result<Self, masa_sdk::zksbt::Error> {
        let sbt = ZkSbtClient::new(provider.clone(), manifest, node_key)?;
        Ok(Self {
            counted: Family::default(),
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
                activity,
                pages,
                config,
            }),
        })
    }

    /// The service counting its requests in `family` (the node's `attestations` metric).
    pub fn count_in(mut self, family: &Family<AttestLabel, Counter>) -> Self {
        self.counted = family.clone();
        self
    }

    /// The node key's address (the attestations' issuer).
    pub fn signer(&self) -> Address {
        self.inner.sbt.wallet()
    }

    /// The configuration.
    pub fn config(&self) -> &AttestConfig {
        &self.inner.config
    }

    /// The routes `GET /v1/attest/nonce`, `POST /v1/attest/wallet-activity` and `POST
    /// /v1/attest/web-page`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/attest/nonce", get(nonce_handler))
            .route(&format!("/v1/attest/{}", WalletActivity::KIND), post(handler::<WalletActivity>))
            .route(&format!("/v1/attest/{}", PageRead::KIND), post(handler::<PageRead>))
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

    /// Counts a request of `client` against its IP's limit.
    fn check_ip(&self, client: IpAddr) -> Result<(), AttestError> {
        self.inner
            .per_ip
            .check(&client)
            .map_err(|wait| AttestError::rate_limited(format!("from {client}"), wait))
    }

    /// Attests the record of kind `S` that `request` asks for, for a client at `client`:
    /// [`WalletActivity`] or [`PageRead`].
    pub async fn attest<S: Subject>(
        &self,
        request: &S::Request,
        client: IpAddr,
    ) -> Result<Attested<S>, AttestError> {
        self.check_ip(client)?;
        self.attest_counted(request, client).await
    }

    /// [`Self::attest`] once the client's IP was counted; logs the outcome, naming the
    /// signed-in owner once the signature checked out.
    async fn attest_counted<S: Subject>(
        &self,
        request: &S::Request,
        client: IpAddr,
    ) -> Result<Attested<S>, AttestError> {
        let mut signed_in = None;
        let outcome = async {
            let config = &self.inner.config;
            let admitted = self.admit(S::credentials(request), S::schema(config), &mut signed_in).await?;
            let (values, subject) = S::read(self, admitted.owner, request).await?;
            self.seal(admitted, values, subject).await
        }
        .await;
        let label = AttestLabel {
            kind: S::KIND.to_owned(),
            outcome: if outcome.is_ok() { "issued" } else { "refused" }.to_owned(),
        };
        self.counted.get_or_create(&label).inc();
        let what = S::WHAT;
        match (&outcome, signed_in) {
            (Ok(done), _) => {
                let (owner, schema, read) = (done.owner, done.schema_id, done.subject.describe());
                tracing::info!(%owner, schema, %client, "attested {what}: {read}");
            }
            (Err(e), Some(owner)) => {
                let (status, why) = (e.status().as_u16(), e.log_line());
                tracing::info!(%owner, %client, status, "{what} attestation refused: {why}");
            }
            (Err(e), None) => {
                let (status, why) = (e.status().as_u16(), e.log_line());
                tracing::info!(%client, status, "{what} attestation refused: {why}");
            }
        }
        outcome
    }

    /// Checks a request's sign-in and owner for a record of `schema`, short of using its nonce:
    /// the sign-in (signature, this node's domain, chain, clock; then the nonce), the address's
    /// rate limit, this node's standing, the owner's identity. `signed_in` is set as soon as the
    /// signature checks out.
    async fn admit(
        &self,
        credentials: Credentials<'_>,
        schema: u64,
        signed_in: &mut Option<Address>,
    ) -> Result<Admitted, AttestError> {
        let inner = &self.inner;
        let identity = field("identity", credentials.identity)?;
        let salt = field("salt", credentials.salt)?;
        if identity.is_zero() {
            return Err(AttestError::BadRequest("identity is 0: send Poseidon_1(ownerSecret)".to_owned()));
        }
        let expected = siwe::Expected {
            domain: &inner.config.domain,
            uri: inner.config.uri.as_deref(),
            chain_id: inner.chain_id,
            now: SystemTime::now(),
            skew: Duration::from_secs(inner.config.clock_skew_secs),
        };
        let sign_in = siwe::verify(credentials.message, credentials.signature, &expected)?;
        let owner = sign_in.address;
        *signed_in = Some(owner);
        // a replayed or stale message is refused before it counts against the address's limit
        inner.nonces.check(&sign_in.nonce)?;
        inner
            .per_address
            .check(&owner)
            .map_err(|wait| AttestError::rate_limited(format!("for {owner}"), wait))?;
        // what would make the attestation useless
        self.check_signer(schema).await?;
        self.check_identity(owner, identity).await?;
        Ok(Admitted { owner, nonce: sign_in.nonce, identity, salt, schema })
    }

    /// Uses the admitted request's nonce, then attests its record of `values` (the nonce is used
    /// first, so two copies of one signed message never both get an attestation).
    async fn seal<S>(
        &self,
        admitted: Admitted,
        values: [u64; poseidon::FIELDS],
        subject: S,
    ) -> Result<Attested<S>, AttestError> {
        let inner = &self.inner;
        inner.nonces.consume(&admitted.nonce)?;
        let schema_id = U256::from(admitted.schema);
        let bad = |e: masa_prover::field::NotInField| AttestError::BadRequest(e.to_string());
        let commitment = poseidon::commitment_of_identity(
            to_fr("schemaId", schema_id).map_err(bad)?,
            &values,
            to_fr("salt", admitted.salt).map_err(bad)?,
            to_fr("identity", admitted.identity).map_err(bad)?,
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
                owner: admitted.owner,
                schema_id,
                commitment: masa_prover::field::to_u256(commitment),
                expiry,
                valid_secs: inner.config.attestation_valid_secs,
            })
            .await?;
        Ok(Attested { attestation, schema_id: admitted.schema, values, owner: admitted.owner, subject })
    }

    /// Whether the node key may attest `schema` now, as the registry checks it at the mint
    /// (`IssuerRegistry.isIssuer`); when not, why.
    pub async fn check_signer(&self, schema: u64) -> Result<(), AttestError> {
        let inner = &self.inner;
        let signer = self.signer();
        let schema = U256::from(schema);
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

/// `POST /v1/attest/<kind>`: the client's IP is counted first, then a body the endpoint does not
/// take is a 400 with serde's reason.
async fn handler<S: Subject>(
    State(service): State<AttestService>,
    ClientIp(client): ClientIp,
    body: Result<Json<S::Request>, JsonRejection>,
) -> Result<Json<Attested<S>>, AttestError> {
    service
        .check_ip(client)
        .inspect_err(|e| tracing::info!(%client, "attestation refused: {}", e.log_line()))?;
    let Json(request) = body.map_err(|e| AttestError::BadRequest(e.body_text()))?;
    service.attest_counted(&request, client).await.map(Json)
}
