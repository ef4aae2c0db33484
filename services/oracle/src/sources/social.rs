//! The social source (`social:v1`): an X (Twitter) user's or post's public data, read from the
//! X API v2 with the node's credentials, in a canonical JSON form nodes can agree on.
//!
//! A job's parameters are `x:user/<username>` (1–15 of `[A-Za-z0-9_]`) or `x:post/<id>` (a post
//! id: decimal digits, no leading zero, at most a `u64`). They are validated before any request
//! (`InvalidParams`). The requests, with the node's bearer token (`[sources.social]
//! bearer_token` or `MASA_ORACLE_X_BEARER_TOKEN`; it is never printed: [`BearerToken`] shows
//! `***`, and any echo of it in the API's messages is masked):
//!
//! - user: `GET /2/users/by/username/{username}?user.fields=created_at,public_metrics,verified,description`
//! - post: `GET /2/tweets/{id}?tweet.fields=created_at,public_metrics,author_id,lang`
//!
//! # The canonical document
//!
//! The response's `data` is reduced to a fixed set of fields, serialised as compact JSON (no
//! whitespace, keys in ascending byte order, strings as the API sent them, `serde_json`'s minimal
//! escaping: `"`, `\` and control characters only) with `null` for a listed field the API left
//! out, so every node writes the same bytes for the same data:
//!
//! - [`XUser`]: `created_at, description, id, name, public_metrics{followers_count,
//!   following_count, listed_count, tweet_count}, username, verified`;
//! - [`XPost`]: `author_id, created_at, id, lang, public_metrics{like_count, quote_count,
//!   reply_count, retweet_count}, text`.
//!
//! Left out on purpose: fields not asked for (`edit_history_tweet_ids`...), fields X may add later
//! (a new field must not split nodes on different versions of the API's answer), and the most
//! volatile counters (a post's `impression_count` and `bookmark_count`, a user's `like_count` and
//! `media_count`), which change by the second on any visible account and would keep nodes from
//! ever agreeing.
//!
//! **Not found** is a result, not an error: X answers an unknown username or post id with HTTP
//! 200 and an `errors` array whose entry is titled `Not Found Error` (type
//! `…/problems/resource-not-found`), and any endpoint may answer 404. Every honest node sees the
//! same absence, so it is a canonical document nodes can agree on: the JSON `null`
//! ([`SocialData::NotFound`]). Other errors without `data` (a suspended account, reported with the
//! same type but titled "Forbidden"; a protected one, "Authorization Error") are
//! [`Refused`](crate::SourceError::Refused), as is any other 4xx. **401 and 403** are refused too
//! (the node's credentials: a configuration problem, not the data's); **429** is transient (the
//! message gives `x-rate-limit-reset`, the Unix second the window reopens), as are **5xx**, a
//! timeout and a body that is not the API's JSON.
//!
//! # The canonical result and how nodes agree
//!
//! A [`SocialRecord`]'s [`result_hash`](crate::JobResult::result_hash) is the EIP-712 struct hash
//! of
//!
//! ```solidity
//! struct SocialResult { string kind; string id; bytes32 documentSha256; }
//! ```
//!
//! that is `keccak256(abi.encode(SOCIAL_RESULT_TYPEHASH, keccak256(bytes(kind)),
//! keccak256(bytes(id)), documentSha256))` with `SOCIAL_RESULT_TYPEHASH =
//! keccak256("SocialResult(string kind,string id,bytes32 documentSha256)")`: `kind` is `user` or
//! `post`, `id` the username or post id exactly as the parameters give it, `documentSha256` the
//! sha256 of the canonical document (the record's `content_hash`; for not found, of the four
//! bytes `null`). Not hashed: the fetch time and the rate-limit headers.
//!
//! Nodes agree when X gives them the same data: the document is a pure function of the listed
//! fields. The configuration hash ([`SocialSource::config_hash`](crate::Source::config_hash)) is
//! `keccak256(abi.encode("social:v1", baseUrl, fields))`: the API's base URL (a node reading
//! through another endpoint does not count as agreeing) and the version of the field selection.
//! The token and the timeout are not in it: they decide whether a node answers, not what.
//!
//! Caveats: counters still move (a popular account's followers, a viral post's likes), so nodes
//! whose reads straddle a change disagree and the job fails its quorum rather than certify
//! either value; a node's token may see less than another's (X's access tiers), which shows as a
//! refusal, not as a different answer.

use crate::sources::{JobResult, Normalized, Source, SourceError, web::millis};
use alloy::{
    primitives::{B256, keccak256},
    sol,
    sol_types::{SolStruct, SolValue},
};
use futures::future::BoxFuture;
use reqwest::{StatusCode, header};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};
use std::{
    fmt,
    time::{Duration, SystemTime, UNIX_EPOCH},
};
use url::Url;

/// The job type this source runs.
pub const JOB: &str = "social:v1";

/// The environment variable holding the X API bearer token when the configuration has none.
pub const TOKEN_ENV: &str = "MASA_ORACLE_X_BEARER_TOKEN";

/// The X API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.x.com";

/// The fields asked for and kept, as the configuration hash names them.
const FIELDS: &str = "user: created_at,description,id,name,public_metrics{followers_count,following_count,\
     listed_count,tweet_count},username,verified; post: author_id,created_at,id,lang,public_metrics{like_count,\
     quote_count,reply_count,retweet_count},text; v1";

/// The largest API response read, in bytes (a user or a post is a few hundred).
const MAX_RESPONSE: usize = 1024 * 1024;

sol! {
    /// The canonical result of a social job (module docs): what a node hashes and signs.
    #[derive(Debug)]
    struct SocialResult {
        string kind;
        string id;
        bytes32 documentSha256;
    }
}

/// A secret bearer token: its `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct BearerToken(String);

impl BearerToken {
    /// Wraps a token.
    pub const fn new(token: String) -> Self {
        Self(token)
    }

    /// The token from `MASA_ORACLE_X_BEARER_TOKEN`, when set and not empty.
    pub fn from_env() -> Option<Self> {
        std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()).map(Self)
    }

    /// The token itself, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// `[sources.social]`: the X API and its credentials.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialConfig {
    /// The API's base URL (default `https://api.x.com`).
    #[serde(default = "default_base_url")]
    pub base_url: Url,
    /// The bearer token (default: `MASA_ORACLE_X_BEARER_TOKEN`).
    #[serde(default)]
    pub bearer_token: Option<BearerToken>,
    /// The longest one request may take (`timeout_ms` in the file; default 10 s).
    #[serde(rename = "timeout_ms", default = "default_timeout", deserialize_with = "millis")]
    pub timeout: Duration,
}

fn default_base_url() -> Url {
    Url::parse(DEFAULT_BASE_URL).expect("a valid URL")
}

const fn default_timeout() -> Duration {
    Duration::from_secs(10)
}

impl Default for SocialConfig {
    fn default() -> Self {
        Self { base_url: default_base_url(), bearer_token: None, timeout: default_timeout() }
    }
}

/// What a job reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A user, by username.
    User(String),
    /// A post, by id.
    Post(String),
}

impl Target {
    /// Parses `x:user/<username>` or `x:post/<id>` (module docs: what is valid).
    pub fn parse(params: &str) -> Result<Self, SourceError> {
        if let Some(name) = params.strip_prefix("x:user/") {
            let valid = (1..=15).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            return valid.then(|| Self::User(name.to_owned())).ok_or_else(|| {
                invalid(format!("{name:?} is not an X username (1 to 15 of A-Z, a-z, 0-9, _)"))
            });
        }
        if let Some(id) = params.strip_prefix("x:post/") {
            let canonical = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0');
            return (canonical && id.parse::<u64>().is_ok())
                .then(|| Self::Post(id.to_owned()))
                .ok_or_else(|| invalid(format!("{id:?} is not a post id (decimal, no leading zero)")));
        }
        Err(invalid(format!("{params:?} is neither x:user/<username> nor x:post/<id>")))
    }

    /// `user` or `post`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Post(_) => "post",
        }
    }

    /// The username or the post id, as the parameters give it.
    pub fn id(&self) -> &str {
        match self {
            Self::User(id) | Self::Post(id) => id,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "x:{}/{}", self.kind(), self.id())
    }
}

/// A user's public metrics, as kept (module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMetrics {
    /// Followers.
    pub followers_count: Option<u64>,
    /// Accounts followed.
    pub following_count: Option<u64>,
    /// Lists that include the user.
    pub listed_count: Option<u64>,
    /// Posts (including reposts).
    pub tweet_count: Option<u64>,
}

/// A user, as kept (fields in the canonical document's key order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XUser {
    /// When the account was created (ISO 8601, as the API writes it).
    pub created_at: Option<String>,
    /// The profile's description.
    pub description: Option<String>,
    /// The user's id.
    pub id: String,
    /// The display name.
    pub name: Option<String>,
    /// The counters.
    pub public_metrics: Option<UserMetrics>,
    /// The username, as X spells it.
    pub username: Option<String>,
    /// Whether the account is verified.
    pub verified: Option<bool>,
}

/// A post's public metrics, as kept (module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostMetrics {
    /// Likes.
    pub like_count: Option<u64>,
    /// Quotes.
    pub quote_count: Option<u64>,
    /// Replies.
    pub reply_count: Option<u64>,
    /// Reposts.
    pub retweet_count: Option<u64>,
}

/// A post, as kept (fields in the canonical document's key order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XPost {
    /// The author's user id.
    pub author_id: Option<String>,
    /// When it was posted (ISO 8601).
    pub created_at: Option<String>,
    /// The post's id.
    pub id: String,
    /// Its language (BCP 47), as X detected it.
    pub lang: Option<String>,
    /// The counters.
    pub public_metrics: Option<PostMetrics>,
    /// Its text.
    pub text: Option<String>,
}

/// What the API said about a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocialData {
    /// The user.
    User(XUser),
    /// The post.
    Post(XPost),
    /// No such user or post.
    NotFound,
}

impl SocialData {
    /// The canonical document (module docs): compact JSON, keys sorted, `null` when not found.
    pub fn document(&self) -> String {
        let encoded = match self {
            Self::User(user) => serde_json::to_string(user),
            Self::Post(post) => serde_json::to_string(post),
            Self::NotFound => Ok("null".to_owned()),
        };
        encoded.expect("plain structs of strings and integers always serialise")
    }
}

/// A job's result: the target and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialRecord {
    /// What was read.
    pub target: Target,
    /// What the API said.
    pub data: SocialData,
    /// The canonical document.
    pub document: String,
    /// The sha256 of the document.
    pub content_hash: B256,
    /// Unix seconds when it was read.
    pub fetched_at: u64,
}

impl SocialRecord {
    fn new(target: Target, data: SocialData) -> Self {
        let document = data.document();
        let content_hash = B256::from_slice(&Sha256::digest(document.as_bytes()));
        let fetched_at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Self { target, data, document, content_hash, fetched_at }
    }

    /// Whether the target exists.
    pub const fn found(&self) -> bool {
        !matches!(self.data, SocialData::NotFound)
    }
}

impl JobResult for SocialRecord {
    /// The EIP-712 struct hash of `SocialResult` (module docs).
    fn result_hash(&self) -> B256 {
        SocialResult {
            kind: self.target.kind().to_owned(),
            id: self.target.id().to_owned(),
            documentSha256: self.content_hash,
        }
        .eip712_hash_struct()
    }
}

impl From<SocialRecord> for Normalized {
    fn from(record: SocialRecord) -> Self {
        Self {
            source: "social".into(),
            locator: record.target.to_string(),
            fetched_at: record.fetched_at,
            content_hash: record.content_hash,
            metadata: serde_json::json!({
                "kind": record.target.kind(),
                "id": record.target.id(),
                "found": record.found(),
            }),
            result_hash: record.result_hash(),
            text: record.document,
        }
    }
}

/// The social source: one HTTP client and the token.
#[derive(Debug, Clone)]
pub struct SocialSource {
    config: SocialConfig,
    token: BearerToken,
    client: reqwest::Client,
    config_hash: B256,
}

fn invalid(reason: impl Into<String>) -> SourceError {
    SourceError::InvalidParams { job: JOB, reason: reason.into() }
}

fn refused(reason: impl Into<String>) -> SourceError {
    SourceError::Refused { job: JOB, reason: reason.into() }
}

fn transient(reason: impl Into<String>) -> SourceError {
    SourceError::Transient { job: JOB, reason: reason.into() }
}

/// The API's envelope: `data`, or `errors`, or both.
#[derive(Debug, Deserialize)]
struct Envelope<T> {
    data: Option<T>,
    #[serde(default, deserialize_with = "errors")]
    errors: Vec<ApiError>,
}

/// One entry of the API's `errors` array (or its problem document on a 4xx/5xx).
#[derive(Debug, Default, Deserialize)]
struct ApiError {
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
    #[serde(default, rename = "type")]
    kind: String,
}

fn errors<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ApiError>, D::Error> {
    Option::<Vec<ApiError>>::deserialize(deserializer).map(Option::unwrap_or_default)
}

impl ApiError {
    /// X's "no such resource": titled `Not Found Error` (or untitled) with the type
    /// `…/problems/resource-not-found`. A suspended account comes with the same type but the
    /// title `Forbidden`: not a not-found.
    fn is_not_found(&self) -> bool {
        self.title == "Not Found Error"
            || (self.title.is_empty() && self.kind.ends_with("/problems/resource-not-found"))
    }
}

impl SocialSource {
    /// A source with `config`; the token comes from the configuration, else from
    /// `MASA_ORACLE_X_BEARER_TOKEN`. Refused when there is none or the client cannot be built.
    pub fn new(config: SocialConfig) -> Result<Self, SourceError> {
        let token = config.bearer_token.clone().or_else(BearerToken::from_env).ok_or_else(|| {
            refused(format!("no X API bearer token: set [sources.social] bearer_token or {TOKEN_ENV}"))
        })?;
        if !matches!(config.base_url.scheme(), "http" | "https") {
            return Err(refused(format!("the X API base URL {} is not http(s)", config.base_url)));
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("masa-oracle/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .build()
            .map_err(|e| refused(format!("cannot build the HTTP client: {e}")))?;
        let base = base(&config.base_url);
        let config_hash = keccak256((JOB.to_owned(), base, FIELDS.to_owned()).abi_encode());
        Ok(Self { config, token, client, config_hash })
    }

    /// The configuration.
    pub const fn config(&self) -> &SocialConfig {
        &self.config
    }

    /// Reads `target` from the API (module docs: what is kept, what is refused or transient).
    pub async fn lookup(&self, target: &Target) -> Result<SocialRecord, SourceError> {
        let base = base(&self.config.base_url);
        let (path, fields) = match target {
            Target::User(name) => (
                format!("2/users/by/username/{name}"),
                ("user.fields", "created_at,public_metrics,verified,description"),
            ),
            Target::Post(id) => {
                (format!("2/tweets/{id}"), ("tweet.fields", "created_at,public_metrics,author_id,lang"))
            }
        };
        let mut url = Url::parse(&format!("{base}/{path}"))
            .map_err(|e| refused(format!("the X API base URL {base} does not make a URL: {e}")))?;
        url.query_pairs_mut().append_pair(fields.0, fields.1);
        let mut response = self
            .client
            .get(url)
            .bearer_auth(self.token.expose())
            .send()
            .await
            .map_err(|e| transient(format!("{target}: {}", self.mask(&e.to_string()))))?;
        let status = response.status();
        let reset =
            response.headers().get("x-rate-limit-reset").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let json =
            response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| {
                let t = t.to_ascii_lowercase();
                t.starts_with("application/json") || t.starts_with("application/problem+json")
            });
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transient(format!("{target}: {}", self.mask(&e.to_string()))))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE {
                return Err(transient(format!("{target}: the API's answer is over {MAX_RESPONSE} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        let problem = || -> String {
            let p: ApiError = serde_json::from_slice(&body).unwrap_or_default();
            self.mask(
                &[p.title, p.detail].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(": "),
            )
        };
        match status {
            s if s.is_success() => {}
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                return Err(refused(format!(
                    "{target}: the X API refused this node's credentials (HTTP {status}: {})",
                    problem()
                )));
            }
            StatusCode::NOT_FOUND => return Ok(SocialRecord::new(target.clone(), SocialData::NotFound)),
            StatusCode::TOO_MANY_REQUESTS => {
                let when = reset.map_or_else(
                    || "no x-rate-limit-reset given".to_owned(),
                    |r| format!("x-rate-limit-reset {r} (Unix seconds)"),
                );
                return Err(transient(format!("{target}: rate limited by the X API (HTTP 429), {when}")));
            }
            s if s.is_server_error() => {
                return Err(transient(format!("{target}: HTTP {status}: {}", problem())));
            }
            _ => return Err(refused(format!("{target}: HTTP {status}: {}", problem()))),
        }
        if !json {
            return Err(transient(format!("{target}: the API's answer is not JSON")));
        }
        let data = match target {
            Target::User(_) => self.decode::<XUser>(target, &body)?.map(SocialData::User),
            Target::Post(_) => self.decode::<XPost>(target, &body)?.map(SocialData::Post),
        };
        Ok(SocialRecord::new(target.clone(), data.unwrap_or(SocialData::NotFound)))
    }

    /// `data` from an envelope; `None` when the API says the target does not exist.
    fn decode<T: for<'de> Deserialize<'de>>(
        &self,
        target: &Target,
        body: &[u8],
    ) -> Result<Option<T>, SourceError> {
        let envelope: Envelope<T> = serde_json::from_slice(body)
            .map_err(|e| transient(format!("{target}: the API's answer is not the expected JSON: {e}")))?;
        if let Some(data) = envelope.data {
            return Ok(Some(data));
        }
        match envelope.errors.first() {
            Some(e) if e.is_not_found() => Ok(None),
            Some(e) => {
                Err(refused(format!("{target}: {}", self.mask(&format!("{}: {}", e.title, e.detail)))))
            }
            None => Err(transient(format!("{target}: the API's answer has neither data nor errors"))),
        }
    }

    /// `text` with any occurrence of the token replaced by `***`.
    fn mask(&self, text: &str) -> String {
        if self.token.expose().is_empty() {
            text.to_owned()
        } else {
            text.replace(self.token.expose(), "***")
        }
    }
}

/// The base URL without a trailing slash.
fn base(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

impl Source for SocialSource {
    fn job(&self) -> &'static str {
        JOB
    }

    fn config_hash(&self) -> B256 {
        self.config_hash
    }

    fn run<'a>(&'a self, params: &'a str) -> BoxFuture<'a, Result<Normalized, SourceError>> {
        Box::pin(async move {
            let target = Target::parse(params)?;
            self.lookup(&target).await.map(Normalized::from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_validated() {
        assert_eq!(Target::parse("x:user/XDevelopers").unwrap(), Target::User("XDevelopers".into()));
        assert_eq!(Target::parse("x:user/a_1").unwrap().kind(), "user");
        assert_eq!(
            Target::parse("x:post/1460323737035677698").unwrap(),
            Target::Post("1460323737035677698".into())
        );
        for bad in [
            "x:user/",
            "x:user/sixteen_chars_xx",
            "x:user/bad-name",
            "x:user/a/b",
            "x:user/../2/tweets",
            "x:post/",
            "x:post/0123",
            "x:post/12a",
            "x:post/18446744073709551616",
            "x:users/abc",
            "twitter:user/abc",
        ] {
            assert!(matches!(Target::parse(bad), Err(SourceError::InvalidParams { .. })), "{bad}");
        }
    }

    #[test]
    fn the_token_never_prints() {
        let token = BearerToken::new("AAAA-secret".into());
        assert_eq!(format!("{token} {token:?}"), "*** ***");
        let config = SocialConfig { bearer_token: Some(token), ..SocialConfig::default() };
        assert!(!format!("{config:?}").contains("secret"));
        let source = SocialSource::new(config).unwrap();
        assert!(!format!("{source:?}").contains("secret"));
        assert_eq!(source.mask("Bearer AAAA-secret rejected"), "Bearer *** rejected");
    }

    #[test]
    fn documents_are_canonical_json() {
        let raw = r#"{"username":"X","verified":false,"public_metrics":{"tweet_count":3,"like_count":9,
            "followers_count":1,"following_count":2,"listed_count":0},"name":"N \"q\" é","id":"7","extra":1}"#;
        let user: XUser = serde_json::from_str(raw).unwrap();
        assert_eq!(
            SocialData::User(user).document(),
            r#"{"created_at":null,"description":null,"id":"7","name":"N \"q\" é","public_metrics":{"followers_count":1,"following_count":2,"listed_count":0,"tweet_count":3},"username":"X","verified":false}"#
        );
        assert_eq!(SocialData::NotFound.document(), "null");
    }

    /// The result hash is exactly the documented Solidity expression.
    #[test]
    fn result_hash_is_the_documented_eip712_struct_hash() {
        let record = SocialRecord::new(Target::Post("20".into()), SocialData::NotFound);
        assert_eq!(record.content_hash, B256::from_slice(&Sha256::digest(b"null")));
        let typehash = keccak256("SocialResult(string kind,string id,bytes32 documentSha256)");
        let expected =
            keccak256((typehash, keccak256("post"), keccak256("20"), record.content_hash).abi_encode());
        assert_eq!(record.result_hash(), expected);
        let user = SocialRecord::new(Target::User("20".into()), SocialData::NotFound);
        assert_ne!(user.result_hash(), record.result_hash(), "the kind is bound");
    }

    #[test]
    fn config_hash_covers_the_base_url_not_the_token() {
        let config = |url: &str, token: &str| SocialConfig {
            base_url: Url::parse(url).unwrap(),
            bearer_token: Some(BearerToken::new(token.into())),
            timeout: Duration::from_secs(1),
        };
        let a = SocialSource::new(config("https://api.x.com", "a")).unwrap();
        let b = SocialSource::new(config("https://api.x.com/", "b")).unwrap();
        let c = SocialSource::new(config("http://127.0.0.1:9/", "a")).unwrap();
        assert_eq!(a.config_hash(), b.config_hash());
        assert_ne!(a.config_hash(), c.config_hash());
    }
}
