//! When a failed attempt is tried again, and how long to wait first.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

/// How idempotent requests are retried after a connection error, a timeout, 429 or a 5xx status.
///
/// Waits grow exponentially from `initial_backoff` to at most `max_backoff`, each drawn at random
/// between zero and that bound ("full jitter"), so many clients do not retry in step. A
/// `Retry-After` header is honoured instead when the server sends one, unless it asks for a wait
/// longer than `max_retry_after`: the response is then returned as it is. A `Retry-After` shorter
/// than `initial_backoff` (`0`, a date in the past) waits `initial_backoff`, so a server cannot
/// make the client retry at once.
///
/// Only operations that are safe to repeat are retried: GET, HEAD, OPTIONS, PUT, DELETE, and
/// operations the API description marks idempotent. Every retry also spends from a
/// [`RetryBudget`] that all calls of one client share, so a failing server gets a bounded number
/// of extra requests however many calls meet it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    budget: RetryBudget,
}

impl Default for RetryPolicy {
    /// Three retries, waits from 100 ms up to 5 s, `Retry-After` honoured up to 60 s, and the
    /// default [`RetryBudget`].
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            budget: RetryBudget::default(),
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times one request may be retried after its first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The bound of the first wait; each later bound doubles, up to [`Self::max_backoff`].
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest bound a wait is drawn under.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client waits for; a server asking for more gets its answer
    /// returned instead of a retry.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The budget every retry of the client's calls spends from.
    pub fn budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// How many retries are allowed.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The budget retries spend from.
    pub(crate) fn retry_budget(&self) -> &RetryBudget {
        &self.budget
    }

    /// The wait before retry number `retry` (1 for the first), with jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let doubling = 2u32.saturating_pow(retry.saturating_sub(1));
        let bound = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        bound.mul_f64(fastrand::f64())
    }

    /// The wait before retrying after a response with `status` and `headers`, or `None` when the
    /// response is final: not a retryable status, or a `Retry-After` beyond the limit.
    pub(crate) fn wait_after_status(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        retry: u32,
        now: SystemTime,
    ) -> Option<Duration> {
        if !retryable_status(status) {
            return None;
        }
        match retry_after(headers, now) {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait.max(self.initial_backoff)),
            None => Some(self.backoff(retry)),
        }
    }
}

/// How many retries the calls of one client may make together: a token bucket in the manner of
/// the AWS SDKs' retry quota.
///
/// The bucket starts full. A retry takes `retry_cost` tokens (`timeout_cost` after a timeout,
/// which ties up a connection longest); a call that finds too few is not retried and returns what
/// it got. A call that succeeds puts back what its last retry took, or `refill` tokens if it
/// needed none, up to `capacity`. While a server keeps failing, retries stop once the bucket is
/// empty, and resume as calls succeed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    refill: u32,
}

impl Default for RetryBudget {
    /// 500 tokens, 5 per retry, 10 per retry after a timeout, 1 back per call that succeeds at
    /// once: up to 100 retries in a burst, then about one retry for every five successes.
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            refill: 1,
        }
    }
}

impl RetryBudget {
    /// No limit: every retry the [`RetryPolicy`] allows is made.
    pub fn unlimited() -> Self {
        Self {
            capacity: 0,
            retry_cost: 0,
            timeout_cost: 0,
            refill: 0,
        }
    }

    /// The tokens the bucket holds when full, and at the start.
    pub fn capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// The tokens a retry takes after an error status or a connection failure.
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// The tokens a retry takes after a timeout.
    pub fn timeout_cost(mut self, tokens: u32) -> Self {
        self.timeout_cost = tokens;
        self
    }

    /// The tokens a call that succeeds without a retry puts back.
    pub fn refill(mut self, tokens: u32) -> Self {
        self.refill = tokens;
        self
    }
}

/// The tokens left in one client's [`RetryBudget`], shared by its clones.
#[derive(Debug)]
pub(crate) struct RetryTokens {
    budget: RetryBudget,
    available: AtomicU32,
}

impl RetryTokens {
    pub(crate) fn new(budget: RetryBudget) -> Self {
        Self {
            available: AtomicU32::new(budget.capacity),
            budget,
        }
    }

    /// Takes the cost of a retry after a timeout (`timeout`) or another failure; `None`, taking
    /// nothing, when too few tokens are left.
    pub(crate) fn take(&self, timeout: bool) -> Option<u32> {
        let cost = if timeout {
            self.budget.timeout_cost
        } else {
            self.budget.retry_cost
        };
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
                available.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded; `retry_cost` is what its last retry took, if it was retried.
    pub(crate) fn succeeded(&self, retry_cost: Option<u32>) {
        let tokens = retry_cost.unwrap_or(self.budget.refill);
        let capacity = self.budget.capacity;
        // An `Err` means the bucket is full already.
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
                (available < capacity).then(|| available.saturating_add(tokens).min(capacity))
            });
    }
}

/// 429 and the 5xx statuses that say "try later"; 501 and 505 say the request can never work.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status.is_server_error()
            && status != StatusCode::NOT_IMPLEMENTED
            && status != StatusCode::HTTP_VERSION_NOT_SUPPORTED)
}

/// The wait a `Retry-After` header asks for: delay seconds or an HTTP date (RFC 9110 §10.2.3).
/// A date in the past means no wait; a header that is neither is ignored.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a transport failure may have left the server untouched or may go away: a refused or
/// reset connection, a timeout. Errors building the request or following redirects are final.
pub(crate) fn retryable_transport(error: &reqwest::Error) -> bool {
    !error.is_builder() && !error.is_redirect() && !error.is_status()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn with_retry_after(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).expect("valid"));
        headers
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&with_retry_after("7"), now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            retry_after(&with_retry_after(&later), now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(
            retry_after(&with_retry_after(&earlier), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&with_retry_after("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_temporary_statuses_are_retried_and_long_waits_are_not() {
        let policy = RetryPolicy::default();
        let now = SystemTime::now();
        let none = HeaderMap::new();
        for status in [429, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).expect("valid");
            assert!(policy.wait_after_status(status, &none, 1, now).is_some());
        }
        for status in [200, 400, 401, 404, 422, 501, 505] {
            let status = StatusCode::from_u16(status).expect("valid");
            assert_eq!(policy.wait_after_status(status, &none, 1, now), None);
        }
        let unavailable = StatusCode::SERVICE_UNAVAILABLE;
        assert_eq!(
            policy.wait_after_status(unavailable, &with_retry_after("2"), 1, now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.wait_after_status(unavailable, &with_retry_after("0"), 1, now),
            Some(Duration::from_millis(100)),
            "`Retry-After: 0` still waits the initial backoff"
        );
        assert_eq!(
            policy.wait_after_status(unavailable, &with_retry_after("61"), 1, now),
            None
        );
    }

    #[test]
    fn backoff_grows_within_its_bounds() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(3) <= Duration::from_millis(350));
            assert!(policy.backoff(40) <= Duration::from_millis(350));
        }
        let waits: Vec<Duration> = (0..20).map(|_| policy.backoff(3)).collect();
        assert!(
            waits.iter().any(|wait| *wait != waits[0]),
            "waits are jittered"
        );
    }

    #[test]
    fn the_budget_allows_a_burst_then_refills_as_calls_succeed() {
        let tokens = RetryTokens::new(RetryBudget::default().capacity(20));
        let retries = std::iter::from_fn(|| tokens.take(false)).take(100).count();
        assert_eq!(retries, 4, "20 tokens at 5 a retry");
        assert_eq!(tokens.take(true), None);
        for _ in 0..4 {
            tokens.succeeded(None);
        }
        assert_eq!(
            tokens.take(false),
            None,
            "four successes give back four tokens"
        );
        tokens.succeeded(None);
        assert_eq!(tokens.take(false), Some(5));
        tokens.succeeded(Some(5));
        tokens.succeeded(Some(10));
        tokens.succeeded(Some(10));
        assert_eq!(
            std::iter::from_fn(|| tokens.take(false)).take(100).count(),
            4,
            "never above capacity"
        );
    }

    #[test]
    fn an_unlimited_budget_never_runs_out() {
        let tokens = RetryTokens::new(RetryBudget::unlimited());
        assert!((0..10_000).all(|_| tokens.take(true).is_some()));
    }
}
