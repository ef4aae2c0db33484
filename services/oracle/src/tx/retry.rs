//! Retries of transient RPC failures, as a layer on the transport: every request the transaction
//! manager and its pre-flight make (a pre-flight makes dozens) is retried with exponential
//! backoff and full jitter, up to a configured number of attempts.
//!
//! Retried: failures of the connection (refused, reset, closed without an answer, timed out), an
//! answer that does not parse (cut short), HTTP 429 and 5xx, and JSON-RPC errors that mean
//! "later" (rate limits: alloy's [`ErrorPayload::is_retry_err`]). Not retried: every other
//! JSON-RPC error (a revert, "nonce too low", "already known"), which the node would answer
//! again. Re-sending a request is safe for every call the manager makes: reads, and
//! `eth_sendRawTransaction` of the same signed bytes (the node answers "already known" or
//! accepts it once).
//!
//! [`ErrorPayload::is_retry_err`]: alloy::rpc::json_rpc::ErrorPayload::is_retry_err

use super::TxCounters;
use alloy::{
    rpc::json_rpc::{RequestPacket, ResponsePacket},
    transports::{RpcError, TransportError, TransportErrorKind, TransportFut},
};
use rand_core::{OsRng, RngCore};
use std::{
    sync::{Arc, atomic::Ordering},
    task::{Context, Poll},
    time::Duration,
};
use tower::{Layer, Service};

/// How transient failures are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Tries of one request in all (1: no retry).
    pub attempts: u32,
    /// The delay before the first retry, doubled before each next one.
    pub initial: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    /// 8 tries, 100 ms doubling up to 5 s: about 12 s of retries at most.
    fn default() -> Self {
        Self { attempts: 8, initial: Duration::from_millis(100), max: Duration::from_secs(5) }
    }
}

impl Backoff {
    /// The delay before retry number `retry` (0 for the first): a uniformly random duration in
    /// `[d / 2, d]` where `d = min(initial × 2^retry, max)`, so clients that failed together do
    /// not retry together.
    pub fn delay(&self, retry: u32) -> Duration {
        let ceiling = self.initial.saturating_mul(1u32 << retry.min(20)).min(self.max);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let half = nanos / 2;
        let jitter = if half == 0 { 0 } else { OsRng.next_u64() % (half + 1) };
        Duration::from_nanos(half + jitter)
    }
}

/// Whether a failed request may succeed if sent again.
pub(crate) fn is_transient(err: &TransportError) -> bool {
    match err {
        RpcError::ErrorResp(payload) => payload.is_retry_err(),
        RpcError::Transport(kind) => match kind {
            TransportErrorKind::HttpError(http) => {
                http.status == 429 || http.status == 408 || http.status >= 500
            }
            TransportErrorKind::NonRetryable(_) => false,
            _ => true,
        },
        RpcError::DeserError { .. } | RpcError::NullResp => true,
        _ => false,
    }
}

/// The retry layer of the manager's transport.
#[derive(Debug, Clone)]
pub(crate) struct RetryLayer {
    backoff: Backoff,
    counters: Arc<TxCounters>,
}

impl RetryLayer {
    /// Retries with `backoff`, counting each retry in `counters`.
    pub(crate) const fn new(backoff: Backoff, counters: Arc<TxCounters>) -> Self {
        Self { backoff, counters }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = RetryService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RetryService { inner, backoff: self.backoff, counters: self.counters.clone() }
    }
}

/// A transport that retries transient failures of `S`.
#[derive(Debug, Clone)]
pub(crate) struct RetryService<S> {
    inner: S,
    backoff: Backoff,
    counters: Arc<TxCounters>,
}

impl<S> Service<RequestPacket> for RetryService<S>
where
    S: Service<
            RequestPacket,
            Response = ResponsePacket,
            Error = TransportError,
            Future = TransportFut<'static>,
        > + Clone
        + Send
        + Sync
        + 'static,
{
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: RequestPacket) -> Self::Future {
        // the service that was polled ready serves the first try; clones serve the retries
        let mut inner = self.inner.clone();
        std::mem::swap(&mut inner, &mut self.inner);
        let (backoff, counters) = (self.backoff, self.counters.clone());
        Box::pin(async move {
            let mut retry = 0;
            loop {
                let err = match inner.call(request.clone()).await {
                    Ok(response) => match response.as_error() {
                        Some(payload) if payload.is_retry_err() => RpcError::ErrorResp(payload.clone()),
                        _ => return Ok(response),
                    },
                    Err(err) => err,
                };
                if retry + 1 >= backoff.attempts.max(1) || !is_transient(&err) {
                    return Err(err);
                }
                let methods: Vec<&str> = request.method_names().collect();
                tracing::debug!(?methods, retry, error = %err, "retrying an RPC request");
                counters.retried.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(backoff.delay(retry)).await;
                retry += 1;
                // wait until a clone of the transport is ready again
                std::future::poll_fn(|cx| inner.poll_ready(cx)).await?;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_with_jitter_below_each_step() {
        let backoff =
            Backoff { attempts: 10, initial: Duration::from_millis(100), max: Duration::from_millis(1_000) };
        for _ in 0..50 {
            for (retry, ceiling) in
                [(0, 100), (1, 200), (2, 400), (3, 800), (4, 1_000), (12, 1_000), (40, 1_000)]
            {
                let delay = backoff.delay(retry);
                let ceiling = Duration::from_millis(ceiling);
                assert!(delay <= ceiling && delay >= ceiling / 2, "retry {retry}: {delay:?}");
            }
        }
        let zero = Backoff { attempts: 1, initial: Duration::ZERO, max: Duration::ZERO };
        assert_eq!(zero.delay(3), Duration::ZERO);
    }

    #[test]
    fn connection_failures_and_rate_limits_are_transient_node_answers_are_not() {
        let dropped = TransportErrorKind::custom_str("connection closed before message completed");
        assert!(is_transient(&dropped));
        let limited = TransportErrorKind::http_error(429, "rate limited".into());
        assert!(is_transient(&limited));
        assert!(!is_transient(&TransportErrorKind::http_error(400, String::new())));
        let cut: TransportError = RpcError::DeserError {
            err: serde_json::from_str::<u8>("{").unwrap_err(),
            text: "{\"jsonrpc\"".into(),
        };
        assert!(is_transient(&cut));
        let payload = |code, message: &str| {
            RpcError::ErrorResp(alloy::rpc::json_rpc::ErrorPayload {
                code,
                message: message.to_owned().into(),
                data: None,
            })
        };
        assert!(is_transient(&payload(-32005, "rate limited")));
        assert!(!is_transient(&payload(-32000, "nonce too low")));
        assert!(!is_transient(&payload(3, "execution reverted")));
    }
}
