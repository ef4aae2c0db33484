//! The web source (`web:v1`): a page's main text, so that independent nodes agree on it.
//!
//! A job's parameters are an `http(s)` URL. The node fetches it ([`WebSource::fetch`], which the
//! attestation service also calls), keeps only `text/html` (the main text is extracted, without
//! navigation, footers, scripts: Mozilla's Readability algorithm, `dom_smoothie`) and
//! `text/plain` (taken as it is), and normalises the text so that the same page gives the same
//! bytes on every node.
//!
//! # Fetching, and what is refused
//!
//! - One overall timeout (connection, redirects and body); a timeout is transient.
//! - The body is read as a stream and the page is **refused** as soon as it passes `max_bytes`
//!   (a `Content-Length` above it is refused before reading): never truncated, since a truncated
//!   page would hash differently from node to node with different limits.
//! - At most `max_redirects` redirects, each to http(s); the referer is not sent.
//! - Media types other than `text/html`, `application/xhtml+xml` and `text/plain` are refused
//!   (a missing `Content-Type` too); so is HTML in which Readability finds no main content.
//! - **SSRF guard**: a URL whose host is, or resolves to, a loopback, private, link-local,
//!   unspecified or otherwise non-public address is refused, unless `allow_private_hosts` (or the
//!   host is listed in `allowed_hosts`). Every hop is checked: IP literals by the redirect policy,
//!   names by the client's resolver, so the connection uses the checked addresses (no DNS
//!   rebinding). No proxy is used. Details in `guard.rs`.
//! - HTTP statuses: 2xx is read; **408, 429 and 5xx are transient** (the server may recover);
//!   **every other status (404, 410, 403, a 3xx left unfollowed...) is [`Refused`]**, not
//!   `InvalidParams`: the URL is well formed, the server declines it, and retrying a 404 is
//!   pointless in the job's lifetime. Malformed URLs (not http(s), no host, credentials in the
//!   URL) are `InvalidParams`.
//!
//! # Normalisation
//!
//! The body is decoded per the Encoding Standard (a byte-order mark, else the header's charset,
//! else for HTML a `<meta charset>` in the first 1024 bytes, else UTF-8; malformed bytes become
//! U+FFFD). HTML goes through Readability (formatted text: one line per block); then the text is
//! put in Unicode NFC, each line's whitespace runs become one space and the line is trimmed, and
//! runs of blank lines become one (paragraphs stay apart). The title is Readability's, on one
//! line, normalised the same way (empty for plain text).
//!
//! # The canonical result and how nodes agree
//!
//! A [`WebPage`]'s [`result_hash`](crate::JobResult::result_hash) is the EIP-712 struct hash of
//!
//! ```solidity
//! struct WebResult { string url; bytes32 textSha256; string title; }
//! ```
//!
//! that is `keccak256(abi.encode(WEB_RESULT_TYPEHASH, keccak256(bytes(url)), textSha256,
//! keccak256(bytes(title))))` with `WEB_RESULT_TYPEHASH = keccak256("WebResult(string url,bytes32
//! textSha256,string title)")`. `url` is the URL exactly as the job gives it (the request's posted
//! URI, so a contract can recompute the hash), `textSha256` the sha256 of the normalised text (the
//! page's `content_hash`), `title` the normalised title. Not hashed: the final URL (redirects
//! through per-visitor tracking or session URLs differ between nodes for the same content), the
//! status, the media type and the byte count (the same text may arrive as differently encoded
//! bytes), and the fetch time.
//!
//! Honest nodes agree when the server sends them the same document: the extractor is pinned
//! (`dom_smoothie =0.19.0`, html5ever through `Cargo.lock`), deterministic (its candidates are
//! tie-broken by document order) and runs on the decoded text alone (no document URL), and the
//! normalisation removes whitespace and Unicode-form differences. The configuration hash
//! ([`WebSource::config_hash`](crate::Source::config_hash)) is `keccak256(abi.encode("web:v1",
//! extractor, normalization, userAgent))`: the extractor and its version, the normalisation's
//! version, and the `User-Agent` (servers vary content by it). The limits (timeout, `max_bytes`,
//! `max_redirects`) and the guard are not in it: they decide *whether* a node answers, never what
//! it answers (nothing is truncated), so nodes with different limits that both answer agree.
//!
//! Caveats: pages that change between the nodes' fetches (live counters, rotating ads inside the
//! article, personalised or geo-dependent content, A/B tests) give different texts and the nodes
//! do not agree, as they should not; a page rendered by JavaScript has no text to extract (the
//! source runs no scripts); a server that detects bots may serve nodes a challenge page, whose
//! text then is what they agree on.
//!
//! [`Refused`]: crate::SourceError::Refused

mod extract;
mod guard;

use crate::sources::{JobResult, Normalized, Source, SourceError};
use alloy::{
    primitives::{B256, keccak256},
    sol,
    sol_types::{SolStruct, SolValue},
};
use extract::Kind;
use futures::future::BoxFuture;
use guard::{GuardedResolver, Policy};
use reqwest::{StatusCode, header};
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};
use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};
use url::Url;

/// The job type this source runs.
pub const JOB: &str = "web:v1";

/// The longest URL the source takes.
pub const MAX_URL_LEN: usize = 2048;

sol! {
    /// The canonical result of a web job (module docs): what a node hashes and signs.
    #[derive(Debug)]
    struct WebResult {
        string url;
        bytes32 textSha256;
        string title;
    }
}

/// `[sources.web]`: how pages are fetched.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// The whole fetch (connection, redirects, body) must finish within this (`timeout_ms` in
    /// the file; default 10 s).
    #[serde(rename = "timeout_ms", deserialize_with = "millis")]
    pub timeout: Duration,
    /// The largest body read, in bytes (default 2 MiB); a larger page is refused.
    pub max_bytes: u64,
    /// The most redirects followed (default 5).
    pub max_redirects: usize,
    /// The `User-Agent` sent (default `masa-oracle/<version>`).
    pub user_agent: String,
    /// Fetch hosts that are or resolve to non-public addresses (loopback, private, link-local):
    /// off by default, since a request's URL is chosen by whoever posts it. Tests turn it on.
    pub allow_private_hosts: bool,
    /// Hosts (names or IP literals, as URLs write them) fetched whatever address they resolve
    /// to, even with `allow_private_hosts` off: an intranet mirror the operator trusts. Empty by
    /// default.
    pub allowed_hosts: Vec<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            max_bytes: 2 * 1024 * 1024,
            max_redirects: 5,
            user_agent: concat!("masa-oracle/", env!("CARGO_PKG_VERSION")).to_owned(),
            allow_private_hosts: false,
            allowed_hosts: Vec::new(),
        }
    }
}

/// Reads a duration given in milliseconds (configuration files write `*_ms = <integer>`).
pub(crate) fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    u64::deserialize(deserializer).map(Duration::from_millis)
}

/// A fetched page, its text normalised (module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebPage {
    /// The URL as asked for (the job's parameters, verbatim).
    pub url: String,
    /// The URL the body came from, after redirects.
    pub final_url: String,
    /// The HTTP status of the final response (a 2xx).
    pub status: u16,
    /// The media type, lowercase, without parameters (`text/html`, `text/plain`...).
    pub content_type: String,
    /// The page's normalised title (empty for plain text or when the page has none).
    pub title: String,
    /// The page's main text, normalised.
    pub text: String,
    /// The body's size in bytes, as received.
    pub bytes: u64,
    /// Unix seconds when the body was read.
    pub fetched_at: u64,
    /// The sha256 of `text` (UTF-8).
    pub content_hash: B256,
}

impl JobResult for WebPage {
    /// The EIP-712 struct hash of `WebResult` (module docs).
    fn result_hash(&self) -> B256 {
        WebResult { url: self.url.clone(), textSha256: self.content_hash, title: self.title.clone() }
            .eip712_hash_struct()
    }
}

impl From<WebPage> for Normalized {
    fn from(page: WebPage) -> Self {
        let result_hash = page.result_hash();
        Self {
            source: "web".into(),
            metadata: serde_json::json!({
                "title": page.title,
                "content_type": page.content_type,
                "bytes": page.bytes,
                "final_url": page.final_url,
                "status": page.status,
            }),
            locator: page.url,
            fetched_at: page.fetched_at,
            content_hash: page.content_hash,
            text: page.text,
            result_hash,
        }
    }
}

/// The web source: one HTTP client (connection pool, guard) shared by every job.
#[derive(Debug, Clone)]
pub struct WebSource {
    config: WebConfig,
    client: reqwest::Client,
    policy: Arc<Policy>,
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

impl WebSource {
    /// A source with `config`'s limits and guard. Fails (`Refused`) only when the HTTP client
    /// cannot be built: a `User-Agent` that is not a valid header value, or no TLS backend.
    pub fn new(config: WebConfig) -> Result<Self, SourceError> {
        let policy = Arc::new(Policy {
            allow_private: config.allow_private_hosts,
            allowed_hosts: config.allowed_hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
        });
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.as_str())
            .redirect(guard::redirect_policy(Arc::clone(&policy), config.max_redirects))
            .dns_resolver(Arc::new(GuardedResolver(Arc::clone(&policy))))
            .no_proxy()
            .referer(false)
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| refused(format!("cannot build the HTTP client: {e}")))?;
        let config_hash = keccak256(
            (
                JOB.to_owned(),
                extract::EXTRACTOR.to_owned(),
                extract::NORMALIZATION.to_owned(),
                config.user_agent.clone(),
            )
                .abi_encode(),
        );
        Ok(Self { config, client, policy, config_hash })
    }

    /// The configuration.
    pub const fn config(&self) -> &WebConfig {
        &self.config
    }

    /// Fetches `url` and extracts its normalised main text (module docs: what is refused, what is
    /// transient).
    pub async fn fetch(&self, url: &str) -> Result<WebPage, SourceError> {
        let parsed = parse_url(url)?;
        guard::check_url(&self.policy, &parsed).map_err(|e| refused(e.to_string()))?;
        let timeout = self.config.timeout;
        let (response, body) = tokio::time::timeout(timeout, self.download(parsed))
            .await
            .map_err(|_| transient(format!("{url}: no complete response within {timeout:?}")))??;
        let fetched_at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let (title, text) = tokio::task::spawn_blocking({
            let charset = response.charset.clone();
            move || -> Result<(String, String), SourceError> {
                let decoded = extract::decode(&body, charset.as_deref(), response.kind);
                match response.kind {
                    Kind::Html => extract::extract_html(&decoded).map_err(|e| refused(format!("{e}"))),
                    Kind::Plain => Ok((String::new(), extract::normalize_text(&decoded))),
                }
            }
        })
        .await
        .map_err(|e| transient(format!("the extraction task failed: {e}")))?
        .map_err(|e| match e {
            SourceError::Refused { reason, .. } => refused(format!("{url}: {reason}")),
            other => other,
        })?;
        let content_hash = B256::from_slice(&Sha256::digest(text.as_bytes()));
        Ok(WebPage {
            url: url.to_owned(),
            final_url: response.final_url,
            status: response.status,
            content_type: response.essence,
            title,
            text,
            bytes: response.bytes,
            fetched_at,
            content_hash,
        })
    }

    /// Sends the request and reads the body within the limits.
    async fn download(&self, url: Url) -> Result<(Head, Vec<u8>), SourceError> {
        let shown = url.to_string();
        let mut response = self
            .client
            .get(url)
            .header(header::ACCEPT, "text/html, application/xhtml+xml, text/plain;q=0.9")
            .send()
            .await
            .map_err(|e| request_error(&shown, &e))?;
        let status = response.status();
        let final_url = response.url().to_string();
        if !status.is_success() {
            let why = format!("{shown}: HTTP {status} from {final_url}");
            return Err(
                if status.is_server_error()
                    || status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::REQUEST_TIMEOUT
                {
                    transient(why)
                } else {
                    refused(why)
                },
            );
        }
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| refused(format!("{shown}: no Content-Type")))?;
        let (essence, charset) = extract::media_type(content_type);
        let kind = extract::kind(&essence).ok_or_else(|| {
            refused(format!("{shown}: {essence} is not read (only text/html and text/plain)"))
        })?;
        let max = self.config.max_bytes;
        if let Some(length) = response.content_length().filter(|l| *l > max) {
            return Err(refused(format!(
                "{shown}: Content-Length {length} is over the limit of {max} bytes"
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| request_error(&shown, &e))? {
            if (body.len() + chunk.len()) as u64 > max {
                return Err(refused(format!("{shown}: the body is over the limit of {max} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        let head =
            Head { final_url, status: status.as_u16(), essence, charset, kind, bytes: body.len() as u64 };
        Ok((head, body))
    }
}

/// What the response's head said.
struct Head {
    final_url: String,
    status: u16,
    essence: String,
    charset: Option<String>,
    kind: Kind,
    bytes: u64,
}

/// A job's URL: http(s), a host, no credentials, at most [`MAX_URL_LEN`] bytes.
fn parse_url(url: &str) -> Result<Url, SourceError> {
    if url.len() > MAX_URL_LEN {
        return Err(invalid(format!("the URL is longer than {MAX_URL_LEN} bytes")));
    }
    let parsed = Url::parse(url).map_err(|e| invalid(format!("{url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!("{url:?} is not an http(s) URL")));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid(format!("{url:?} has no host")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("URLs with credentials are not fetched"));
    }
    Ok(parsed)
}

/// A reqwest failure as the source reports it: the guard's refusals are permanent, the rest
/// (connection, timeout, a broken body) transient.
fn request_error(url: &str, error: &reqwest::Error) -> SourceError {
    if let Some(blocked) = guard::blocked_in(error) {
        return refused(format!("{url}: {blocked}"));
    }
    if error.is_redirect() {
        return refused(format!("{url}: {error}"));
    }
    // the chain's messages say what failed (the resolver, the connection, TLS...)
    let mut reason = format!("{url}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        reason.push_str(&format!(": {e}"));
        source = e.source();
    }
    transient(reason)
}

impl Source for WebSource {
    fn job(&self) -> &'static str {
        JOB
    }

    fn config_hash(&self) -> B256 {
        self.config_hash
    }

    fn run<'a>(&'a self, params: &'a str) -> BoxFuture<'a, Result<Normalized, SourceError>> {
        Box::pin(async move { self.fetch(params).await.map(Normalized::from) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> WebPage {
        let text = "Main text.".to_owned();
        WebPage {
            url: "https://example.com/a".into(),
            final_url: "https://example.com/a?utm=1".into(),
            status: 200,
            content_type: "text/html".into(),
            title: "A title".into(),
            content_hash: B256::from_slice(&Sha256::digest(text.as_bytes())),
            text,
            bytes: 1234,
            fetched_at: 1_700_000_000,
        }
    }

    /// The result hash is exactly the documented Solidity expression.
    #[test]
    fn result_hash_is_the_documented_eip712_struct_hash() {
        let p = page();
        let typehash = keccak256("WebResult(string url,bytes32 textSha256,string title)");
        let expected =
            keccak256((typehash, keccak256(&p.url), p.content_hash, keccak256(&p.title)).abi_encode());
        assert_eq!(p.result_hash(), expected);
    }

    /// The URL, the text and the title change the hash; the final URL, status, type, size and
    /// time do not.
    #[test]
    fn result_hash_binds_url_text_and_title_only() {
        let p = page();
        let h = p.result_hash();
        let mut q = p.clone();
        q.url.push('b');
        assert_ne!(q.result_hash(), h);
        let mut q = p.clone();
        q.content_hash = B256::repeat_byte(7);
        assert_ne!(q.result_hash(), h);
        let mut q = p.clone();
        q.title.push('!');
        assert_ne!(q.result_hash(), h);
        let mut q = p;
        q.final_url = "https://example.com/b".into();
        q.status = 203;
        q.content_type = "text/plain".into();
        q.bytes = 1;
        q.fetched_at = 0;
        assert_eq!(q.result_hash(), h);
    }

    #[test]
    fn urls_are_validated() {
        for bad in ["ftp://example.com/", "not a url", "http://user:pw@example.com/", "file:///etc/passwd"] {
            assert!(matches!(parse_url(bad), Err(SourceError::InvalidParams { .. })), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(matches!(parse_url(&long), Err(SourceError::InvalidParams { .. })));
        assert!(parse_url("https://example.com/a?b=c#d").is_ok());
    }

    #[test]
    fn config_hash_covers_the_user_agent_not_the_limits() {
        let a = WebSource::new(WebConfig::default()).unwrap();
        let b = WebSource::new(WebConfig {
            timeout: Duration::from_millis(1),
            max_bytes: 1,
            max_redirects: 0,
            allow_private_hosts: true,
            ..WebConfig::default()
        })
        .unwrap();
        assert_eq!(a.config_hash(), b.config_hash());
        let c = WebSource::new(WebConfig { user_agent: "other/1".into(), ..WebConfig::default() }).unwrap();
        assert_ne!(a.config_hash(), c.config_hash());
    }

    #[test]
    fn config_reads_milliseconds_and_defaults() {
        let config: WebConfig = toml::from_str("timeout_ms = 300\nallow_private_hosts = true").unwrap();
        assert_eq!(config.timeout, Duration::from_millis(300));
        assert!(config.allow_private_hosts);
        assert_eq!(config.max_bytes, 2 * 1024 * 1024);
        assert!(config.user_agent.starts_with("masa-oracle/"));
    }
}
