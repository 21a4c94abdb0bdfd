//! When a failed attempt is tried again, and how long to wait first.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// How idempotent requests are retried after a connection error, a timeout, 429 or a 5xx status.
///
/// Waits grow exponentially from `initial_backoff` to at most `max_backoff`, each drawn at random
/// between zero and that bound ("full jitter"), so many clients do not retry in step. A
/// `Retry-After` header is honoured instead when the server sends one, unless it asks for a wait
/// longer than `max_retry_after`: the response is then returned as it is.
///
/// Only operations that are safe to repeat are retried: GET, HEAD, OPTIONS, PUT, DELETE, and
/// operations the API description marks idempotent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three retries, waits from 100 ms up to 5 s, `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
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

    /// How many retries are allowed.
    pub fn retries(&self) -> u32 {
        self.max_retries
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
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// 429 and the 5xx statuses that say "try later"; 501 and 505 say the request can never work.
fn retryable_status(status: StatusCode) -> bool {
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
}
