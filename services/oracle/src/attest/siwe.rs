//! Sign-In with Ethereum (EIP-4361): a contributor proves it holds an address by signing a
//! message that names this node's domain, its chain and a nonce this node issued.
//!
//! The message is parsed by the `siwe` crate (Spruce's, from the spec's authors) without its
//! `ethers` feature, and then held to the spec's exact layout: the parsed message must render back
//! to the very text that was signed (the crate's parser skips the blank lines around the statement
//! without looking at them), and the statement and request id must use the characters the ABNF
//! allows. The signature is the EIP-191 `personal_sign` of that text, recovered with alloy.
//!
//! Only externally owned accounts sign in: the signature must recover to the message's address.
//! Contract wallets (ERC-1271) are not supported yet. Messages with the optional `scheme://`
//! before the domain are refused (the crate predates that part of the ABNF).

use alloy::primitives::{Address, Signature};
use rand_core::{OsRng, RngCore};
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// Characters of a nonce this node issues (alphanumeric, as the ABNF's `nonce = 8*( ALPHA / DIGIT )`).
const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Length of a nonce this node issues: 24 alphanumeric characters, about 143 bits.
pub const NONCE_LEN: usize = 24;

/// Why a sign-in is refused. Messages name what was expected and what the message says; none
/// holds the signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiweError {
    /// The text is not an EIP-4361 message.
    #[error("not an EIP-4361 message: {0}")]
    Format(String),
    /// The signature is not 65 bytes of hex.
    #[error("the signature is not a 65-byte hex string: {0}")]
    SignatureFormat(String),
    /// The signature recovers to another address than the message's (or to none).
    #[error("the signature is not {address}'s (recovered {recovered}); only EOA signatures are accepted")]
    Signer {
        /// The message's address.
        address: Address,
        /// Who signed (zero when nothing could be recovered).
        recovered: Address,
    },
    /// The message is for another domain.
    #[error("the message is for domain {got:?}, this node signs in for {expected:?}")]
    Domain {
        /// This node's domain.
        expected: String,
        /// The message's.
        got: String,
    },
    /// The message is for another URI.
    #[error("the message's URI is {got:?}, this node signs in at {expected:?}")]
    Uri {
        /// This node's URI.
        expected: String,
        /// The message's.
        got: String,
    },
    /// The message is for another chain.
    #[error("the message is for chain {got}, this node attests on chain {expected}")]
    ChainId {
        /// This node's chain.
        expected: u64,
        /// The message's.
        got: u64,
    },
    /// `Issued At` is in the future.
    #[error("the message was issued at {issued_at}, in the future (node time {now})")]
    IssuedInFuture {
        /// The message's `Issued At`.
        issued_at: String,
        /// The node's time.
        now: String,
    },
    /// `Expiration Time` has passed.
    #[error("the message expired at {expired_at} (node time {now})")]
    Expired {
        /// The message's `Expiration Time`.
        expired_at: String,
        /// The node's time.
        now: String,
    },
    /// `Not Before` has not come yet.
    #[error("the message is not valid before {not_before} (node time {now})")]
    NotYetValid {
        /// The message's `Not Before`.
        not_before: String,
        /// The node's time.
        now: String,
    },
    /// The nonce was not issued by this node (or expired so long ago that it was forgotten).
    #[error("nonce {0:?} was not issued by this node (or expired): ask for a new one")]
    UnknownNonce(String),
    /// The nonce's time to live has passed.
    #[error("nonce {0:?} has expired: ask for a new one")]
    NonceExpired(String),
    /// The nonce was used by an earlier sign-in.
    #[error("nonce {0:?} was already used: ask for a new one")]
    NonceUsed(String),
}

/// What this node requires of a sign-in message.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The `domain` (an RFC 3986 authority, e.g. `oracle.example.org` or `localhost:8080`).
    pub domain: &'a str,
    /// The `URI`, when the node requires one (any URI otherwise; the field must be there).
    pub uri: Option<&'a str>,
    /// The `Chain ID`.
    pub chain_id: u64,
    /// The node's time.
    pub now: SystemTime,
    /// Tolerated clock skew: `Issued At` may be this far ahead of the node's time, `Not Before`
    /// this far ahead too; `Expiration Time` is not stretched.
    pub skew: Duration,
}

/// A verified sign-in: the message's fields this node uses. Its nonce is not yet consumed
/// ([`NonceStore::consume`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    /// The signed-in address (the signer).
    pub address: Address,
    /// The message's nonce.
    pub nonce: String,
    /// Its chain id.
    pub chain_id: u64,
    /// Its `Issued At` (unix seconds).
    pub issued_at: i64,
    /// Its `Expiration Time` (unix seconds), if any.
    pub expiration_time: Option<i64>,
}

/// Parses and verifies `text` (the exact signed message) and its `signature` (hex, 65 bytes,
/// `v` as 27/28 or 0/1) against what the node expects: format, signer (EOA), domain, URI,
/// version 1, chain id, `Issued At` not in the future, `Expiration Time` not passed, `Not Before`
/// reached. The nonce is only parsed: the caller checks and uses it with its [`NonceStore`].
pub fn verify(text: &str, signature: &str, expected: &Expected<'_>) -> Result<SignIn, SiweError> {
    let message = parse(text)?;
    let address = Address::from(message.address);

    // who signed: the exact text, as EIP-191 personal_sign
    let bytes =
        alloy::hex::decode(signature.trim()).map_err(|e| SiweError::SignatureFormat(e.to_string()))?;
    let signature = Signature::from_raw(&bytes).map_err(|e| SiweError::SignatureFormat(e.to_string()))?;
    let recovered = signature.recover_address_from_msg(text.as_bytes()).unwrap_or(Address::ZERO);
    if recovered != address {
        return Err(SiweError::Signer { address, recovered });
    }

    // for this node
    let domain = message.domain.as_str();
    if domain != expected.domain {
        return Err(SiweError::Domain { expected: expected.domain.to_owned(), got: domain.to_owned() });
    }
    if let Some(uri) = expected.uri
        && message.uri.as_str() != uri
    {
        return Err(SiweError::Uri { expected: uri.to_owned(), got: message.uri.as_str().to_owned() });
    }
    if message.chain_id != expected.chain_id {
        return Err(SiweError::ChainId { expected: expected.chain_id, got: message.chain_id });
    }

    // now
    let now = OffsetDateTime::from(expected.now);
    // the latest time a message may say it was issued (or starts): now, plus the skew
    let ahead = time::Duration::try_from(expected.skew).ok().and_then(|skew| now.checked_add(skew));
    let ahead = ahead.unwrap_or(now);
    let issued_at = *message.issued_at.as_ref();
    if issued_at > ahead {
        return Err(SiweError::IssuedInFuture {
            issued_at: message.issued_at.to_string(),
            now: rfc3339(now),
        });
    }
    if let Some(exp) = &message.expiration_time
        && *exp.as_ref() <= now
    {
        return Err(SiweError::Expired { expired_at: exp.to_string(), now: rfc3339(now) });
    }
    if let Some(nbf) = &message.not_before
        && *nbf.as_ref() > ahead
    {
        return Err(SiweError::NotYetValid { not_before: nbf.to_string(), now: rfc3339(now) });
    }

    Ok(SignIn {
        address,
        nonce: message.nonce,
        chain_id: message.chain_id,
        issued_at: issued_at.unix_timestamp(),
        expiration_time: message.expiration_time.map(|t| t.as_ref().unix_timestamp()),
    })
}

/// Parses `text` as an EIP-4361 message in its exact layout.
fn parse(text: &str) -> Result<siwe::Message, SiweError> {
    let message: siwe::Message =
        text.parse().map_err(|e: siwe::ParseError| SiweError::Format(e.to_string()))?;
    if message.to_string() != text {
        return Err(SiweError::Format(
            "the text is not laid out as the spec says (blank lines, line breaks, trailing text)".to_owned(),
        ));
    }
    if let Some(statement) = &message.statement
        && let Some(c) = statement.chars().find(|&c| !is_reserved(c) && !is_unreserved(c) && c != ' ')
    {
        return Err(SiweError::Format(format!("the statement holds {c:?}, which the ABNF does not allow")));
    }
    if let Some(id) = &message.request_id
        && !is_pchars(id)
    {
        return Err(SiweError::Format("the request id is not made of URI path characters".to_owned()));
    }
    if !message.nonce.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(SiweError::Format("the nonce is not alphanumeric".to_owned()));
    }
    Ok(message)
}

/// RFC 3986 `reserved`.
const fn is_reserved(c: char) -> bool {
    matches!(
        c,
        ':' | '/'
            | '?'
            | '#'
            | '['
            | ']'
            | '@'
            | '!'
            | '$'
            | '&'
            | '\''
            | '('
            | ')'
            | '*'
            | '+'
            | ','
            | ';'
            | '='
    )
}

/// RFC 3986 `unreserved`.
const fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// RFC 3986 `*pchar` (`unreserved / pct-encoded / sub-delims / ":" / "@"`).
fn is_pchars(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c == '%' {
            if i + 2 >= bytes.len() || !(bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit())
            {
                return false;
            }
            i += 3;
            continue;
        }
        let sub_delim = matches!(c, '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '=');
        if !(is_unreserved(c) || sub_delim || c == ':' || c == '@') {
            return false;
        }
        i += 1;
    }
    true
}

/// `t` as RFC 3339 (what messages carry).
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Unix seconds `secs` as RFC 3339 UTC (`2026-12-06T10:00:00Z`), e.g. for a message's
/// `Issued At`.
pub fn rfc3339_of_unix(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs).map_or_else(|_| secs.to_string(), rfc3339)
}

/// Unix seconds of `t` (0 before 1970).
pub fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A nonce's state.
#[derive(Debug, Clone, Copy)]
enum State {
    /// Issued, not used yet.
    Issued,
    /// Used by a sign-in: kept until it would have expired, to say so.
    Used,
}

/// The sign-in nonces this node issued: random, alphanumeric, each valid for a time to live and
/// for one sign-in. Kept in memory (a restart forgets them: clients ask again), at most `cap` at
/// a time (issued or used, until they expire).
#[derive(Debug)]
pub struct NonceStore {
    nonces: Mutex<HashMap<String, (State, Instant)>>,
    ttl: Duration,
    cap: usize,
}

/// No room for another nonce: too many are outstanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{outstanding} sign-in nonces are outstanding (the cap): retry in {retry_after} s")]
pub struct NoncesFull {
    /// The nonces held.
    pub outstanding: usize,
    /// Seconds until the oldest one expires.
    pub retry_after: u64,
}

impl NonceStore {
    /// An empty store of nonces valid `ttl`, at most `cap` at a time.
    pub fn new(ttl: Duration, cap: usize) -> Self {
        Self { nonces: Mutex::new(HashMap::new()), ttl, cap: cap.max(1) }
    }

    /// A new nonce and the time it expires.
    pub fn issue(&self) -> Result<(String, SystemTime), NoncesFull> {
        let now = Instant::now();
        let mut nonces = self.nonces.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if nonces.len() >= self.cap {
            nonces.retain(|_, (_, expires)| *expires > now);
        }
        if nonces.len() >= self.cap {
            let oldest = nonces.values().map(|(_, expires)| *expires).min().unwrap_or(now);
            let retry_after = oldest.saturating_duration_since(now).as_secs().max(1);
            return Err(NoncesFull { outstanding: nonces.len(), retry_after });
        }
        let nonce = loop {
            let nonce = random_nonce();
            if !nonces.contains_key(&nonce) {
                break nonce;
            }
        };
        nonces.insert(nonce.clone(), (State::Issued, now + self.ttl));
        Ok((nonce, SystemTime::now() + self.ttl))
    }

    /// Whether `nonce` could be used now (issued here, unexpired, unused), without using it.
    pub fn check(&self, nonce: &str) -> Result<(), SiweError> {
        self.with(nonce, |_| ())
    }

    /// Uses `nonce` for a sign-in: it must have been issued here, be unexpired and unused.
    pub fn consume(&self, nonce: &str) -> Result<(), SiweError> {
        self.with(nonce, |state| *state = State::Used)
    }

    /// Runs `f` on `nonce`'s state when it is usable.
    fn with(&self, nonce: &str, f: impl FnOnce(&mut State)) -> Result<(), SiweError> {
        let now = Instant::now();
        let mut nonces = self.nonces.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match nonces.get_mut(nonce) {
            None => Err(SiweError::UnknownNonce(nonce.to_owned())),
            Some((_, expires)) if *expires <= now => Err(SiweError::NonceExpired(nonce.to_owned())),
            Some((State::Used, _)) => Err(SiweError::NonceUsed(nonce.to_owned())),
            Some((state, _)) => {
                f(state);
                Ok(())
            }
        }
    }

    /// The nonces held (issued or used, expired ones not yet dropped).
    pub fn len(&self) -> usize {
        self.nonces.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }

    /// Whether no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// [`NONCE_LEN`] alphanumeric characters from the OS's random source (uniform: bytes past the
/// largest multiple of 62 are drawn again).
fn random_nonce() -> String {
    let mut out = String::with_capacity(NONCE_LEN);
    let mut buf = [0u8; 32];
    while out.len() < NONCE_LEN {
        OsRng.fill_bytes(&mut buf);
        for &b in &buf {
            if b < 248 && out.len() < NONCE_LEN {
                out.push(ALPHABET[usize::from(b % 62)] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::signers::{SignerSync, local::PrivateKeySigner};

    const NOW: i64 = 1_800_000_000;

    fn message(address: Address, extra: &str) -> String {
        format!(
            "oracle.test wants you to sign in with your Ethereum account:\n{address}\n\n\
             Get a wallet-activity attestation.\n\nURI: https://oracle.test/attest\nVersion: 1\n\
             Chain ID: 31337\nNonce: abcdEFGH1234ijkl\nIssued At: {}{extra}",
            rfc3339_of_unix(NOW - 10)
        )
    }

    fn expected() -> Expected<'static> {
        Expected {
            domain: "oracle.test",
            uri: Some("https://oracle.test/attest"),
            chain_id: 31337,
            now: UNIX_EPOCH + Duration::from_secs(NOW as u64),
            skew: Duration::from_secs(60),
        }
    }

    fn signed(key: &PrivateKeySigner, text: &str) -> String {
        alloy::hex::encode_prefixed(key.sign_message_sync(text.as_bytes()).unwrap().as_bytes())
    }

    #[test]
    fn a_signed_message_verifies_and_tampering_does_not() {
        let key = PrivateKeySigner::random();
        let text = message(key.address(), "");
        let sign_in = verify(&text, &signed(&key, &text), &expected()).unwrap();
        assert_eq!(sign_in.address, key.address());
        assert_eq!(sign_in.nonce, "abcdEFGH1234ijkl");
        assert_eq!(sign_in.issued_at, NOW - 10);

        // another key, or another text under the signature
        let other = PrivateKeySigner::random();
        let err = verify(&text, &signed(&other, &text), &expected()).unwrap_err();
        assert!(matches!(err, SiweError::Signer { recovered, .. } if recovered == other.address()), "{err}");
        let changed = text.replace("31337", "31338");
        let err = verify(&changed, &signed(&key, &text), &expected()).unwrap_err();
        assert!(matches!(err, SiweError::Signer { .. }), "{err}");
        let err = verify(&text, "0x1234", &expected()).unwrap_err();
        assert!(matches!(err, SiweError::SignatureFormat(_)), "{err}");
    }

    #[test]
    fn the_layout_is_the_specs() {
        let key = PrivateKeySigner::random();
        let good = message(key.address(), "");
        let bad = [
            // no blank line after the statement (the crate's parser alone takes it)
            good.replace("attestation.\n\nURI", "attestation.\nX\nURI"),
            good.replace(&key.address().to_string(), &key.address().to_string().to_lowercase()),
            format!("{good}\n"),
            good.replace('\n', "\r\n"),
            good.replace("wallet-activity", "wallet\"activity"),
            good.replace("Version: 1", "Version: 2"),
            format!("https://{good}"),
        ];
        for text in bad {
            let err = verify(&text, &signed(&key, &text), &expected()).unwrap_err();
            assert!(matches!(err, SiweError::Format(_)), "{text:?}: {err}");
        }
        // without a statement: two blank lines, not one
        let text = good.replace("Get a wallet-activity attestation.\n\n", "\n");
        assert!(verify(&text, &signed(&key, &text), &expected()).is_ok());
        let text = good.replace("Get a wallet-activity attestation.\n\n", "");
        let err = verify(&text, &signed(&key, &text), &expected()).unwrap_err();
        assert!(matches!(err, SiweError::Format(_)), "{err}");
    }

    #[test]
    fn domain_uri_chain_and_times_are_checked() {
        let key = PrivateKeySigner::random();
        let check = |text: String| verify(&text, &signed(&key, &text), &expected());
        let text = message(key.address(), "");
        assert!(matches!(
            check(text.replace("oracle.test wants", "evil.test wants")),
            Err(SiweError::Domain { .. })
        ));
        assert!(matches!(check(text.replace("test/attest", "test/other")), Err(SiweError::Uri { .. })));
        assert!(matches!(
            check(text.replace("31337", "1")),
            Err(SiweError::ChainId { expected: 31337, got: 1 })
        ));
        let future = text.replace(&rfc3339_of_unix(NOW - 10), &rfc3339_of_unix(NOW + 120));
        assert!(matches!(check(future), Err(SiweError::IssuedInFuture { .. })));
        let skewed = text.replace(&rfc3339_of_unix(NOW - 10), &rfc3339_of_unix(NOW + 30));
        assert!(check(skewed).is_ok(), "within the skew");
        let expired = message(key.address(), &format!("\nExpiration Time: {}", rfc3339_of_unix(NOW - 1)));
        let err = check(expired).unwrap_err();
        assert!(err.to_string().contains("expired at"), "{err}");
        let valid = message(key.address(), &format!("\nExpiration Time: {}", rfc3339_of_unix(NOW + 60)));
        assert_eq!(check(valid).unwrap().expiration_time, Some(NOW + 60));
        let early = message(key.address(), &format!("\nNot Before: {}", rfc3339_of_unix(NOW + 600)));
        assert!(matches!(check(early), Err(SiweError::NotYetValid { .. })));
    }

    #[test]
    fn nonces_are_random_single_use_expiring_and_capped() {
        let store = NonceStore::new(Duration::from_secs(60), 3);
        let (a, _) = store.issue().unwrap();
        let (b, expires) = store.issue().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), NONCE_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert!(expires > SystemTime::now() + Duration::from_secs(50));
        store.check(&a).unwrap();
        store.check(&a).expect("a check does not use the nonce");
        store.consume(&a).unwrap();
        assert_eq!(store.consume(&a), Err(SiweError::NonceUsed(a.clone())));
        assert_eq!(store.check(&a), Err(SiweError::NonceUsed(a.clone())));
        assert_eq!(store.consume("neverIssued123"), Err(SiweError::UnknownNonce("neverIssued123".into())));
        store.issue().unwrap();
        let full = store.issue().unwrap_err();
        assert_eq!(full.outstanding, 3, "used nonces count until they expire");

        let short = NonceStore::new(Duration::from_millis(20), 1);
        let (c, _) = short.issue().unwrap();
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(short.consume(&c), Err(SiweError::NonceExpired(c.clone())));
        short.issue().expect("expired nonces make room");
    }

    #[test]
    fn pchars() {
        assert!(is_pchars("req-1:a@b%20c"));
        assert!(!is_pchars("a b"));
        assert!(!is_pchars("a%2"));
        assert!(!is_pchars("a/b"));
    }
}
