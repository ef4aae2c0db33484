//! Why the attestation service refuses a request, and the HTTP answer of each refusal.

use super::{
    limit::retry_after_secs,
    siwe::{NoncesFull, SiweError},
};
use crate::SourceError;
use alloy::primitives::{Address, U256};
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};
use std::time::Duration;

/// Why an attestation (or a nonce) is refused. Every message is one readable line naming the
/// address, the block or the limit; none holds a signature, an identity or a salt.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// The request is not what the endpoint takes (JSON, a number, a field).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The sign-in (EIP-4361) is refused.
    #[error("sign-in refused: {0}")]
    SignIn(#[from] SiweError),
    /// Too many requests from one client or for one address.
    #[error("too many requests {who}: retry in {retry_after} s")]
    RateLimited {
        /// Whose: `from 10.0.0.7`, `for 0xAb…`.
        who: String,
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The node holds as many sign-in nonces as it may.
    #[error("no sign-in nonce available: {0}")]
    NoncesFull(#[from] NoncesFull),
    /// The owner registered another identity commitment at its first mint: a record built on
    /// this one would never mint.
    #[error("{owner} registered another identity commitment at its first mint ({registered}); send that one")]
    IdentityMismatch {
        /// The signed-in owner.
        owner: Address,
        /// Its registered identity commitment.
        registered: U256,
    },
    /// This node's key may not attest now: the registry would refuse the mint.
    #[error("this node (key {signer}) cannot attest now: {reason}")]
    NodeUnavailable {
        /// The node key.
        signer: Address,
        /// Why: not registered, no active stake (unbonding, jailed, below the minimum), schema not
        /// served by the oracle network.
        reason: String,
    },
    /// A read of the chain failed.
    #[error("reading {what} from the chain failed: {reason}")]
    Chain {
        /// What was read.
        what: &'static str,
        /// The RPC's error.
        reason: String,
    },
    /// What the node attests could not be read: a `what` of `the activity`, `the page`.
    #[error("reading {what} failed: {}", .error.reason())]
    Read {
        /// What was read.
        what: &'static str,
        /// The source's error: invalid (400), refused (422) or transient (503).
        error: SourceError,
    },
    /// The attestation could not be made (the latest block's time, the signature).
    #[error("attesting failed: {0}")]
    Attest(#[from] masa_sdk::zksbt::Error),
}

impl AttestError {
    /// The HTTP status: 4xx for what the client can change, 503 for what the node or the chain
    /// cannot do now (never 500).
    pub const fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::SignIn(SiweError::Format(_) | SiweError::SignatureFormat(_)) => {
                StatusCode::BAD_REQUEST
            }
            Self::SignIn(_) => StatusCode::UNAUTHORIZED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::IdentityMismatch { .. } => StatusCode::CONFLICT,
            Self::Read { error: SourceError::InvalidParams { .. }, .. } => StatusCode::BAD_REQUEST,
            Self::Read { error: SourceError::Refused { .. }, .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NoncesFull(_)
            | Self::NodeUnavailable { .. }
            | Self::Chain { .. }
            | Self::Read { error: SourceError::Transient { .. }, .. }
            | Self::Attest(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Seconds to wait before retrying, when the refusal says.
    pub const fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after, .. } => Some(*retry_after),
            Self::NoncesFull(full) => Some(full.retry_after),
            _ => None,
        }
    }

    /// The refusal as a log line: a bad request's details may echo what the client sent (a salt
    /// of the wrong type), so only its kind is logged.
    pub(crate) fn log_line(&self) -> String {
        match self {
            Self::BadRequest(_) => "bad request (malformed field)".to_owned(),
            other => other.to_string(),
        }
    }

    /// A rate limit's refusal for `who` after a wait of `wait`.
    pub(crate) fn rate_limited(who: String, wait: Duration) -> Self {
        Self::RateLimited { who, retry_after: retry_after_secs(wait) }
    }
}

impl IntoResponse for AttestError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status(), Json(serde_json::json!({ "error": self.to_string() }))).into_response();
        if let Some(secs) = self.retry_after() {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
