//! The attestation service over HTTP, on a real anvil with the suite `masa deploy` put there: an
//! operator registers its node key and stakes; a contributor with real MASA transfers signs in
//! (EIP-4361, built here from the spec's layout and signed with alloy), gets its wallet activity
//! attested by the node (counted by the real chain source) and mints the zkSBT with it; replays,
//! other domains and chains, expired messages and other keys' signatures are refused; rate limits
//! answer 429; once the operator unbonds, the node refuses, and an attestation it gave before no
//! longer mints (the registry checks the issuer live). A page the node fetches itself is attested
//! the same way (schema 4): its record names the final URL's and the text's hashes and whether the
//! page names the owner; a page that cannot be read leaves the nonce unused, and the SSRF guard
//! holds through the attestation endpoint.

use crate::support::masa;
use alloy::{
    primitives::{Address, U256},
    providers::{Provider, ext::AnvilApi},
    signers::{SignerSync, local::PrivateKeySigner},
};
use masa_bindings::{Contract, contracts::MasaToken};
use masa_oracle::{
    attest::{AttestConfig, AttestService, Attested, RateLimit, WalletActivityResponse, WebPageResponse},
    sources::{
        chain::{ChainConfig, ChainSource},
        web::{WebConfig, WebSource},
    },
};
use masa_prover::field::to_u256;
use masa_sdk::{
    oracle::OracleClient,
    tx::signing_provider,
    zksbt::{self, ZkSbtClient, owner_keys},
};
use masa_test_harness::{AnvilChain, Chain, DeployedSuite};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::{
    net::SocketAddr,
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

pub(crate) const DOMAIN: &str = "oracle.test";
const URI: &str = "https://oracle.test/attest";
/// Transfers the contributor sends before signing in.
const SENT: u64 = 3;

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix).unwrap().format(&Rfc3339).unwrap()
}

/// A Sign-In with Ethereum message in the layout of EIP-4361.
#[derive(Clone)]
pub(crate) struct Siwe {
    domain: &'static str,
    address: Address,
    chain_id: u64,
    nonce: String,
    issued_at: i64,
    expiration: Option<i64>,
}

impl Siwe {
    pub(crate) fn text(&self) -> String {
        let mut text = format!(
            "{domain} wants you to sign in with your Ethereum account:\n{address}\n\n\
             Attest my wallet activity for a Masa zkSBT.\n\n\
             URI: {URI}\nVersion: 1\nChain ID: {chain}\nNonce: {nonce}\nIssued At: {issued}",
            domain = self.domain,
            address = self.address.to_checksum(None),
            chain = self.chain_id,
            nonce = self.nonce,
            issued = rfc3339(self.issued_at),
        );
        if let Some(exp) = self.expiration {
            text.push_str(&format!("\nExpiration Time: {}", rfc3339(exp)));
        }
        text
    }
}

/// A deployed suite with a registered, staked node, and a contributor with real transfers.
struct World {
    chain: AnvilChain,
    suite: DeployedSuite,
    operator: PrivateKeySigner,
    node_key: PrivateKeySigner,
    user: PrivateKeySigner,
}

impl World {
    async fn new() -> Self {
        let chain = AnvilChain::spawn().unwrap();
        let suite = DeployedSuite::deploy(&chain).await.unwrap();
        let admin = chain.accounts()[0].clone();
        let admin_provider = signing_provider(chain.endpoint().parse().unwrap(), admin);
        suite.release_community(&admin_provider).await.unwrap();
        let masa_token = suite.manifest.address_of(Contract::MasaToken).unwrap();
        let token = MasaToken::new(masa_token, &admin_provider);

        // the node: an operator stakes for a key that holds nothing
        let operator = chain.accounts()[1].clone();
        let node_key = PrivateKeySigner::random();
        token.transfer(operator.address(), masa(20_000)).send().await.unwrap().get_receipt().await.unwrap();
        let node = OracleClient::new(
            signing_provider(chain.endpoint().parse().unwrap(), operator.clone()),
            &suite.manifest,
            operator.clone(),
        )
        .unwrap();
        node.register(&node_key, "http://node.test", 600).await.unwrap();
        node.stake(masa(10_000)).await.unwrap();
        assert!(node.node(operator.address()).await.unwrap().active());

        // the contributor receives MASA and sends some on
        let user = chain.accounts()[5].clone();
        token.transfer(user.address(), masa(100)).send().await.unwrap().get_receipt().await.unwrap();
        let user_provider = signing_provider(chain.endpoint().parse().unwrap(), user.clone());
        let from_user = MasaToken::new(masa_token, &user_provider);
        for _ in 0..SENT {
            let to = chain.accounts()[6].address();
            from_user.transfer(to, masa(1)).send().await.unwrap().get_receipt().await.unwrap();
        }
        Self { chain, suite, operator, node_key, user }
    }

    fn provider(&self) -> &alloy::providers::DynProvider {
        self.chain.provider()
    }

    /// The service with `config`, serving HTTP on a local port: its base URL. Pages on this
    /// machine are read.
    async fn serve(&self, config: AttestConfig) -> String {
        self.serve_reading(config, WebConfig { allow_private_hosts: true, ..WebConfig::default() }).await
    }

    /// [`Self::serve`], reading pages with `web`.
    async fn serve_reading(&self, config: AttestConfig, web: WebConfig) -> String {
        let source =
            ChainSource::connect(ChainConfig::new(self.chain.endpoint().parse().unwrap())).await.unwrap();
        let provider = signing_provider(self.chain.endpoint().parse().unwrap(), self.node_key.clone());
        let service = AttestService::new(
            provider,
            &self.suite.manifest,
            config,
            self.node_key.clone(),
            Arc::new(source),
            WebSource::new(web).unwrap(),
        )
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = service.router().into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    }

    fn sbt(&self, wallet: &PrivateKeySigner) -> ZkSbtClient<alloy::providers::DynProvider> {
        let provider = signing_provider(self.chain.endpoint().parse().unwrap(), wallet.clone());
        ZkSbtClient::new(provider, &self.suite.manifest, wallet.clone()).unwrap()
    }
}

fn config() -> AttestConfig {
    AttestConfig {
        domain: DOMAIN.to_owned(),
        uri: Some(URI.to_owned()),
        finality_depth: Some(2),
        per_address: RateLimit::new(20, 3_600),
        per_ip: RateLimit::new(100, 60),
        ..AttestConfig::default()
    }
}

/// A contributor talking to the service.
pub(crate) struct Client<'a> {
    http: reqwest::Client,
    base: String,
    user: &'a PrivateKeySigner,
    chain_id: u64,
}

impl<'a> Client<'a> {
    pub(crate) fn new(base: String, user: &'a PrivateKeySigner, chain_id: u64) -> Self {
        Self { http: reqwest::Client::new(), base, user, chain_id }
    }

    async fn nonce(&self) -> (StatusCode, Value) {
        let response = self.http.get(format!("{}/v1/attest/nonce", self.base)).send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// A fresh nonce's message, as this client would sign it.
    pub(crate) async fn message(&self) -> Siwe {
        let (status, body) = self.nonce().await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["expires_at"].as_i64().unwrap() > now());
        let nonce = body["nonce"].as_str().unwrap().to_owned();
        assert!(nonce.len() >= 16 && nonce.bytes().all(|b| b.is_ascii_alphanumeric()), "{nonce}");
        Siwe {
            domain: DOMAIN,
            address: self.user.address(),
            chain_id: self.chain_id,
            nonce,
            issued_at: now() - 5,
            expiration: Some(now() + 300),
        }
    }

    /// Posts `text` signed by `signer` with the contributor's identity and `salt`.
    pub(crate) async fn attest(
        &self,
        text: &str,
        signer: &PrivateKeySigner,
        salt: U256,
    ) -> (StatusCode, Value) {
        self.post(self.signed(text, signer, salt)).await
    }

    /// Posts `text` signed by `signer` with the contributor's identity, `salt` and the page `url`.
    pub(crate) async fn attest_page(
        &self,
        text: &str,
        signer: &PrivateKeySigner,
        salt: U256,
        url: &str,
    ) -> (StatusCode, Value) {
        let mut body = self.signed(text, signer, salt);
        body["url"] = url.into();
        self.post_to("web-page", body).await
    }

    /// A request's body: `text` signed by `signer`, the contributor's identity and `salt`.
    fn signed(&self, text: &str, signer: &PrivateKeySigner, salt: U256) -> Value {
        let signature = signer.sign_message_sync(text.as_bytes()).unwrap();
        let identity = owner_keys(self.user).identity().unwrap();
        json!({
            "message": text,
            "signature": alloy::hex::encode_prefixed(signature.as_bytes()),
            "identity": identity.to_string(),
            "salt": format!("{salt:#x}"),
        })
    }

    async fn post(&self, body: Value) -> (StatusCode, Value) {
        self.post_to("wallet-activity", body).await
    }

    async fn post_to(&self, endpoint: &str, body: Value) -> (StatusCode, Value) {
        let response =
            self.http.post(format!("{}/v1/attest/{endpoint}", self.base)).json(&body).send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }
}

/// Asserts a refusal's status and that its one-line message says `says`.
pub(crate) fn refused((status, body): (StatusCode, Value), expected: StatusCode, says: &str) {
    assert_eq!(status, expected, "{body}");
    let error = body["error"].as_str().unwrap_or_else(|| panic!("no error message: {body}"));
    assert!(error.contains(says), "{error:?} does not say {says:?}");
    assert!(!error.contains('\n'), "one line: {error:?}");
}

/// The contributor's record of the answer: its values, its salt, its secret.
pub(crate) fn record<S>(
    user: &PrivateKeySigner,
    answer: &Attested<S>,
    salt: U256,
) -> masa_prover::record::Record {
    let mut record = owner_keys(user).new_record(U256::from(answer.schema_id), answer.values);
    record.salt = salt;
    record
}

pub(crate) fn salt(n: u64) -> U256 {
    U256::from(0x5a17_0000_u64 + n)
}

#[tokio::test]
async fn attest_signs_in_attests_and_the_record_mints() {
    let world = World::new().await;
    world.provider().anvil_mine(Some(2), None).await.unwrap(); // the transfers are final
    let chain_id = world.chain.chain_id();
    let client = Client::new(world.serve(config()).await, &world.user, chain_id);

    // sign in, get the attestation
    let message = client.message().await;
    let text = message.text();
    let (status, body) = client.attest(&text, &world.user, salt(1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: WalletActivityResponse = serde_json::from_value(body).unwrap();
    assert_eq!(answer.owner, world.user.address());
    assert_eq!(answer.schema_id, 3);
    assert_eq!(answer.attestation.issuer, world.node_key.address());
    let head = world.provider().get_block_number().await.unwrap();
    assert_eq!(answer.subject.block, head - 2, "read at latest - finality_depth");
    let [transfers, swaps, mints, bridges, first_seen, last_seen, 0, 0] = answer.values else {
        panic!("the last two values are 0: {:?}", answer.values)
    };
    assert_eq!((transfers, swaps, mints, bridges), (1 + SENT, 0, 0, 0), "one received, {SENT} sent");
    assert!(0 < first_seen && first_seen <= last_seen, "{:?}", answer.values);

    // the contributor builds the record with its secret and salt, and mints it
    let record = record(&world.user, &answer, salt(1));
    assert_eq!(to_u256(record.commitment().unwrap()), answer.attestation.commitment);
    let person = world.sbt(&world.user);
    let minted = person.mint(record, Some(&answer.attestation)).await.unwrap();
    let on_chain = person.record(minted.token).await.unwrap();
    assert_eq!(on_chain.issuer, world.node_key.address(), "the node key is the token's issuer");
    assert_eq!(on_chain.schemaId, U256::from(3));
    let tokens = person.tokens().await.unwrap();
    let mine = tokens.iter().find(|t| t.token == minted.token).unwrap();
    assert_eq!(mine.values.unwrap(), answer.values, "the sealed record opens to the attested values");

    // the same nonce twice
    refused(client.attest(&text, &world.user, salt(2)).await, StatusCode::UNAUTHORIZED, "already used");

    // another domain, another chain, an expired message, another key's signature
    let fresh = client.message().await;
    let other_domain = Siwe { domain: "evil.test", ..fresh.clone() };
    let said = "this node signs in for \"oracle.test\"";
    refused(client.attest(&other_domain.text(), &world.user, salt(3)).await, StatusCode::UNAUTHORIZED, said);
    let other_chain = Siwe { chain_id: 1, ..fresh.clone() };
    let said = format!("the message is for chain 1, this node attests on chain {chain_id}");
    refused(client.attest(&other_chain.text(), &world.user, salt(3)).await, StatusCode::UNAUTHORIZED, &said);
    let expired = Siwe { chain_id, issued_at: now() - 600, expiration: Some(now() - 60), ..other_chain };
    refused(
        client.attest(&expired.text(), &world.user, salt(3)).await,
        StatusCode::UNAUTHORIZED,
        "expired at",
    );
    let valid = Siwe { issued_at: now() - 5, expiration: Some(now() + 300), ..expired };
    let stranger = PrivateKeySigner::random();
    let said = format!("recovered {}", stranger.address());
    refused(client.attest(&valid.text(), &stranger, salt(3)).await, StatusCode::UNAUTHORIZED, &said);
    let unknown = Siwe { nonce: "NotIssuedByThisNode1".to_owned(), ..valid.clone() };
    refused(
        client.attest(&unknown.text(), &world.user, salt(3)).await,
        StatusCode::UNAUTHORIZED,
        "not issued",
    );
    // the refusals above left the nonce unused: the honest message still attests
    let (status, body) = client.attest(&valid.text(), &world.user, salt(3)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // bad input is a 400 with a message, never a 500
    refused(client.post(json!({ "message": 1 })).await, StatusCode::BAD_REQUEST, "bad request");
    let fresh = client.message().await;
    let text = fresh.text();
    let signature = world.user.sign_message_sync(text.as_bytes()).unwrap();
    let signature = alloy::hex::encode_prefixed(signature.as_bytes());
    let body = |identity: &str, salt: &str| json!({ "message": text, "signature": signature, "identity": identity, "salt": salt });
    refused(client.post(body("12", "lots")).await, StatusCode::BAD_REQUEST, "salt is not a decimal");
    let p = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    refused(client.post(body(p, "1")).await, StatusCode::BAD_REQUEST, "identity");
    refused(client.post(body("0", "1")).await, StatusCode::BAD_REQUEST, "identity is 0");
    refused(client.post(body("12345", "1")).await, StatusCode::CONFLICT, "registered another identity");
}

#[tokio::test]
async fn attest_rate_limits_answer_429_with_retry_after() {
    let world = World::new().await;
    let chain_id = world.chain.chain_id();
    let limited = AttestConfig {
        per_ip: RateLimit::new(4, 3_600),
        per_address: RateLimit::new(1, 3_600),
        record_expiry_secs: 86_400,
        ..config()
    };
    let base = world.serve(limited).await;
    let client = Client::new(base.clone(), &world.user, chain_id);

    // per address: one attestation an hour (this one for a record that expires in a day)
    let first = client.message().await;
    let (status, body) = client.attest(&first.text(), &world.user, salt(1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: WalletActivityResponse = serde_json::from_value(body).unwrap();
    let chain_now = masa_sdk::tx::latest_timestamp(world.provider()).await.unwrap();
    assert_eq!(answer.attestation.expiry, chain_now + 86_400, "a day after the latest block");
    assert_eq!(answer.attestation.deadline, U256::from(chain_now + 3_600), "valid an hour");
    let second = client.message().await;
    let response = client
        .http
        .post(format!("{base}/v1/attest/wallet-activity"))
        .json(&json!({
            "message": second.text(),
            "signature": alloy::hex::encode_prefixed(
                world.user.sign_message_sync(second.text().as_bytes()).unwrap().as_bytes()
            ),
            "identity": owner_keys(&world.user).identity().unwrap().to_string(),
            "salt": "7",
        }))
        .send()
        .await
        .unwrap();
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3_000..=3_600).contains(&retry), "{retry}");
    let said = format!("too many requests for {}", world.user.address());
    refused((response.status(), response.json().await.unwrap()), StatusCode::TOO_MANY_REQUESTS, &said);

    // per IP: four requests an hour, and the fifth (three nonces and two attestations above)
    let response = client.http.get(format!("{base}/v1/attest/nonce")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("too many requests from 127.0.0.1"), "{body}");
}

#[tokio::test]
async fn attest_stops_when_the_node_unbonds_and_its_attestations_stop_minting() {
    let world = World::new().await;
    let chain_id = world.chain.chain_id();
    let client = Client::new(world.serve(config()).await, &world.user, chain_id);

    // an attestation while the node is active
    let message = client.message().await;
    let (status, body) = client.attest(&message.text(), &world.user, salt(1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before: WalletActivityResponse = serde_json::from_value(body).unwrap();

    // the operator unbonds part of its stake: the node is inactive at once
    let operator = OracleClient::new(
        signing_provider(world.chain.endpoint().parse().unwrap(), world.operator.clone()),
        &world.suite.manifest,
        world.operator.clone(),
    )
    .unwrap();
    operator.unbond(masa(1)).await.unwrap();
    assert!(!operator.node(world.operator.address()).await.unwrap().active());

    // the service refuses, saying why
    let message = client.message().await;
    let said = format!("its operator {} has no active stake", world.operator.address());
    refused(
        client.attest(&message.text(), &world.user, salt(2)).await,
        StatusCode::SERVICE_UNAVAILABLE,
        &said,
    );

    // and the attestation it gave before no longer mints: the registry checks the issuer live
    let record = record(&world.user, &before, salt(1));
    match world.sbt(&world.user).mint(record, Some(&before.attestation)).await.unwrap_err() {
        zksbt::Error::Tx(e) => {
            let refusal = e.refusal().unwrap_or_else(|| panic!("not a refusal: {e}"));
            assert!(refusal.is("ZkSBT__NotAnIssuer"), "{e}");
        }
        other => panic!("expected the registry's refusal, got {other}"),
    }
}

/// A server of pages about `owner`: `/me` names the address, `/moved` redirects there,
/// `/someone` names nobody, `/missing` is a 404.
async fn pages_about(owner: Address) -> SocketAddr {
    use axum::{Router, response::Html, response::Redirect, routing::get};
    let article = |who: String| {
        format!(
            "<html><head><title>About me</title></head><body><nav><a href='/'>Home</a></nav>\
             <article><h1>About me</h1>\
             <p>I write about rainfall in Lisbon and the rivers of the Iberian peninsula.</p>\
             <p>My wallet for tips and for Masa is {who}, and it is the only one I use.</p>\
             <p>The wettest day last November was the 14th, with 11 millimetres in six hours.</p>\
             </article><footer>Copyright 2026</footer></body></html>"
        )
    };
    let mine = article(owner.to_checksum(None));
    let theirs = article("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC".to_owned());
    let app = Router::new()
        .route("/me", get(move || async move { Html(mine) }))
        .route("/moved", get(|| async { Redirect::permanent("/me") }))
        .route("/someone", get(move || async move { Html(theirs) }))
        .route("/missing", get(|| async { (StatusCode::NOT_FOUND, "no such page") }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// The first 192 bits of `hash` in three big-endian limbs, as the web-page schema keeps hashes.
fn limbs(hash: alloy::primitives::B256) -> [u64; 3] {
    std::array::from_fn(|i| u64::from_be_bytes(hash[i * 8..i * 8 + 8].try_into().unwrap()))
}

#[tokio::test]
async fn attest_web_page_reads_the_page_itself_and_the_record_mints() {
    let world = World::new().await;
    let chain_id = world.chain.chain_id();
    let pages = pages_about(world.user.address()).await;
    let client = Client::new(world.serve(config()).await, &world.user, chain_id);

    // a page that cannot be read is refused before the node signs: the nonce stays unused
    let message = client.message().await;
    let text = message.text();
    let missing = format!("http://{pages}/missing");
    let said = "reading the page failed";
    refused(
        client.attest_page(&text, &world.user, salt(1), &missing).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        said,
    );
    let said = "\"ftp://files.test/me\" is not an http(s) URL";
    refused(
        client.attest_page(&text, &world.user, salt(1), "ftp://files.test/me").await,
        StatusCode::BAD_REQUEST,
        said,
    );

    // the same message, for a page that moved to the contributor's own page
    let moved = format!("http://{pages}/moved");
    let (status, body) = client.attest_page(&text, &world.user, salt(1), &moved).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: WebPageResponse = serde_json::from_value(body).unwrap();
    let read = &answer.subject;
    assert_eq!((answer.schema_id, answer.owner), (4, world.user.address()));
    assert_eq!(answer.attestation.issuer, world.node_key.address());
    assert_eq!(
        (read.url.as_str(), read.final_url.as_str()),
        (moved.as_str(), format!("http://{pages}/me").as_str())
    );
    assert!(read.text.contains(&world.user.address().to_checksum(None)), "{}", read.text);
    assert!(!read.text.contains("Copyright"), "the main text only: {}", read.text);
    assert_eq!(
        read.text_sha256.as_slice(),
        <sha2::Sha256 as sha2::Digest>::digest(read.text.as_bytes()).as_slice()
    );
    assert_eq!(
        answer.values[..3],
        limbs(alloy::primitives::keccak256(&read.final_url)),
        "the final URL's hash"
    );
    assert_eq!(answer.values[3..6], limbs(read.text_sha256), "the text's hash");
    assert!(answer.values[6].abs_diff(now() as u64) < 60, "fetched now: {}", answer.values[6]);
    assert_eq!((answer.values[7], read.names_owner), (1, true), "the page names its owner");

    // the contributor builds the record and mints it; the node key is the issuer
    let record = record(&world.user, &answer, salt(1));
    assert_eq!(to_u256(record.commitment().unwrap()), answer.attestation.commitment);
    let person = world.sbt(&world.user);
    let minted = person.mint(record, Some(&answer.attestation)).await.unwrap();
    let on_chain = person.record(minted.token).await.unwrap();
    assert_eq!((on_chain.issuer, on_chain.schemaId), (world.node_key.address(), U256::from(4)));
    let tokens = person.tokens().await.unwrap();
    let mine = tokens.iter().find(|t| t.token == minted.token).unwrap();
    assert_eq!(mine.values.unwrap(), answer.values, "the sealed record opens to the attested values");
    // the message was used by the attestation
    refused(
        client.attest_page(&text, &world.user, salt(2), &moved).await,
        StatusCode::UNAUTHORIZED,
        "already used",
    );

    // a page that names someone else is attested as not naming the owner
    let message = client.message().await;
    let someone = format!("http://{pages}/someone");
    let (status, body) = client.attest_page(&message.text(), &world.user, salt(3), &someone).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let other: WebPageResponse = serde_json::from_value(body).unwrap();
    assert_eq!((other.values[7], other.subject.names_owner), (0, false));
    assert_eq!(other.values[3..6], limbs(other.subject.text_sha256));

    // the SSRF guard holds through the attestation: a node that reads only public hosts refuses
    // this machine's pages, and signs nothing
    let guarded =
        Client::new(world.serve_reading(config(), WebConfig::default()).await, &world.user, chain_id);
    let message = guarded.message().await;
    let said = "resolves to a non-public address";
    let me = format!("http://{pages}/me");
    refused(
        guarded.attest_page(&message.text(), &world.user, salt(4), &me).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        said,
    );
}
