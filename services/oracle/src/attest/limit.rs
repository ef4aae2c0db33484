//! Rate limits per key (a client's IP, a signed-in address), with `governor`'s GCRA: a key may
//! make `requests` requests at once, then one every `per_secs / requests` seconds. governor is
//! built without its `quanta` clock and its jitter (std's monotonic clock is enough here), so it
//! adds four small crates; its keyed state is a concurrent map the limiter prunes as it goes.

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};
use serde::{Deserialize, Serialize};
use std::{
    hash::Hash,
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

/// Checks between two prunings of the keys whose limit is back to full.
const PRUNE_EVERY: u64 = 1024;

/// A rate limit: at most `requests` per `per_secs` seconds, all at once or spread out.
/// `requests = 0` turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests allowed per period (the burst); 0: unlimited.
    pub requests: u32,
    /// The period, in seconds.
    pub per_secs: u64,
}

impl RateLimit {
    /// `requests` per `per_secs` seconds.
    pub const fn new(requests: u32, per_secs: u64) -> Self {
        Self { requests, per_secs }
    }
}

/// A limiter of [`RateLimit`] per key.
#[derive(Debug)]
pub struct KeyedLimiter<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// A limiter of `limit` per key.
    pub fn new(limit: RateLimit) -> Self {
        let limiter = NonZeroU32::new(limit.requests).map(|burst| {
            let period = Duration::from_secs(limit.per_secs.max(1)) / burst.get();
            // a zero period only for a sub-nanosecond spacing: as good as unlimited
            let quota = Quota::with_period(period.max(Duration::from_nanos(1))).expect("a non-zero period");
            RateLimiter::keyed(quota.allow_burst(burst))
        });
        Self { limiter, clock: DefaultClock::default(), checks: AtomicU64::new(0) }
    }

    /// Counts a request of `key`: refused with the time to wait when over the limit.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            limiter.retain_recent();
        }
        limiter.check_key(key).map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// The keys tracked (those not back to a full limit, or not pruned yet).
    pub fn len(&self) -> usize {
        self.limiter.as_ref().map_or(0, |limiter| limiter.len())
    }

    /// Whether no key is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Seconds to put in `Retry-After` for a wait of `wait` (rounded up, at least 1).
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refused_with_the_wait() {
        let limiter = KeyedLimiter::new(RateLimit::new(2, 60));
        assert!(limiter.check(&"a").is_ok());
        assert!(limiter.check(&"a").is_ok());
        let wait = limiter.check(&"a").unwrap_err();
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30), "{wait:?}");
        assert_eq!(retry_after_secs(wait), wait.as_secs() + 1);
        assert!(limiter.check(&"b").is_ok(), "keys are counted apart");
    }

    #[test]
    fn zero_requests_is_unlimited() {
        let limiter = KeyedLimiter::new(RateLimit::new(0, 60));
        for _ in 0..1000 {
            limiter.check(&1u8).unwrap();
        }
        assert!(limiter.is_empty());
    }
}
