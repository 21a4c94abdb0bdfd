//! Access tokens from the OAuth 2.0 client-credentials grant (RFC 6749 §4.4), cached until
//! shortly before they expire.
//!
//! [`ClientCredentials`] says where and as whom to ask; [`TokenCache`] asks, keeps the token and
//! makes sure that concurrent requests needing a new token share one token request and its
//! outcome.

use crate::params::encode_path_segment;
use crate::read::{Read, ReadError, read_limited};
use crate::secret::Secret;
use bytes::Bytes;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use serde_json::{Map, Value};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

/// The most a token's refresh is brought forward: a token is replaced once less than
/// `min(MAX_REFRESH_MARGIN, lifetime / 2)` of its lifetime is left.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// Settings of the client-credentials grant.
#[derive(Clone)]
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
}

impl ClientCredentials {
    /// Credentials of the client `client_id`, to be exchanged for tokens at `token_url`.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
        }
    }

    /// Replaces the scopes asked for (sent space-separated as `scope`; none → no `scope` field).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The URL of the token endpoint.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// Replaces every `{name}` placeholder of the token URL by the percent-encoded value (as a
    /// path segment), for each (name, value); unknown placeholders are left as they are.
    ///
    /// A value cannot add placeholders of its own: its braces are percent-encoded too.
    pub fn fill_token_url(mut self, variables: &[(&str, &str)]) -> Self {
        for (name, value) in variables {
            let placeholder = format!("{{{name}}}");
            self.token_url = self
                .token_url
                .replace(&placeholder, &encode_path_segment(value));
        }
        self
    }

    /// The client's identifier.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scopes asked for, as given to [`ClientCredentials::scopes`].
    pub fn requested_scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The form body of a token request: `grant_type`, and `scope` when there are scopes.
    fn form_body(&self) -> String {
        let mut body = String::from("grant_type=client_credentials");
        let scope = self
            .scopes
            .iter()
            .filter(|scope| !scope.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        if !scope.is_empty() {
            body.push_str("&scope=");
            body.push_str(&form_urlencode(&scope));
        }
        body
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Characters escaped by `application/x-www-form-urlencoded`: all but `*-._` and ASCII
/// alphanumerics.
const FORM_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// `value` form-urlencoded, with a space as `%20`: form decoders read it as a space just like
/// `+`, and so do servers that merely percent-decode the Basic credentials, which `+` would not
/// survive.
fn form_urlencode(value: &str) -> String {
    utf8_percent_encode(value, FORM_VALUE).to_string()
}

/// Fetches access tokens and keeps the current one until shortly before it expires. Share it
/// (e.g. in an `Arc`) between all requests of one client.
///
/// A token is reused while more than `min(30 s, lifetime / 2)` of its lifetime is left, and for
/// at least one second whatever lifetime the server gives, so a tiny or zero `expires_in` never
/// means a token request per call; a token whose response had no `expires_in` is reused until
/// [`TokenCache::refresh`] is called with it.
///
/// One token request is under way at a time: callers that find no usable token all wait for it
/// and share its outcome, so on a stalled endpoint they finish together, within one request's
/// timeout (that of the `reqwest::Client` passed in). A caller that is cancelled leaves the
/// request to the others, or to the next caller. After a failed token request the failure is
/// handed to every caller for a while (1 s, doubling with each further failure up to 30 s)
/// before the endpoint is asked again.
pub struct TokenCache {
    credentials: Arc<ClientCredentials>,
    state: Arc<Mutex<State>>,
}

/// The cache's state, behind a lock that is never held across an `await`.
#[derive(Default)]
struct State {
    /// The token in use.
    current: Option<CachedToken>,
    /// The token request under way, which every caller needing a token awaits.
    pending: Option<PendingRequest>,
    /// The last token request's failure, while the endpoint is left alone.
    failure: Option<Failure>,
}

/// A token request that several callers await; whichever polls it drives it.
type PendingRequest = Shared<BoxFuture<'static, Result<Secret, TokenError>>>;

/// Failed token requests in a row, and until when their error is handed out instead of asking.
struct Failure {
    error: TokenError,
    in_a_row: u32,
    retry_at: Instant,
}

/// The least time a token is reused, whatever its lifetime.
const MIN_REUSE: Duration = Duration::from_secs(1);

/// How long the endpoint is left alone after the first failure in a row; it doubles with each
/// further one, up to [`MAX_FAILURE_BACKOFF`].
const FIRST_FAILURE_BACKOFF: Duration = Duration::from_secs(1);

/// The longest the endpoint is left alone after failures.
const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(30);

impl TokenCache {
    /// The largest token response read, in bytes (64 KiB); a longer one is
    /// [`TokenError::TooLarge`]. A client whose
    /// [`max_response_body`](crate::ClientConfig::max_response_body) is smaller applies that.
    pub const MAX_RESPONSE_BODY: usize = 64 * 1024;

    /// An empty cache for tokens of `credentials`; the first token is fetched when first needed.
    pub fn new(credentials: ClientCredentials) -> Self {
        Self {
            credentials: Arc::new(credentials),
            state: Arc::default(),
        }
    }

    /// A usable access token: the cached one while it has more than the refresh margin left,
    /// otherwise the outcome of the token request under way or of a new one.
    ///
    /// # Errors
    ///
    /// When no cached token is usable and the token request fails, or failed so recently that
    /// the endpoint is left alone yet.
    pub async fn token(&self, http: &reqwest::Client) -> Result<Secret, TokenError> {
        self.token_within(http, Self::MAX_RESPONSE_BODY).await
    }

    /// [`Self::token`], reading a token response of at most `limit` bytes.
    pub(crate) async fn token_within(
        &self,
        http: &reqwest::Client,
        limit: usize,
    ) -> Result<Secret, TokenError> {
        let request = {
            let mut state = lock(&self.state);
            if let Some(cached) = state.current.as_ref().filter(|cached| cached.is_usable()) {
                return Ok(cached.token.clone());
            }
            self.request(&mut state, http, limit)?
        };
        request.await
    }

    /// Called after the API answered 401 to a request sent with `rejected`: if `rejected` is
    /// still the cached token, drops it and fetches a new one; if another caller already
    /// replaced it, returns the current one without a new request. Shares the token request
    /// under way, like [`Self::token`].
    ///
    /// # Errors
    ///
    /// When a new token is needed and the token request fails; the rejected token stays
    /// dropped, so a later call asks again.
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        rejected: &Secret,
    ) -> Result<Secret, TokenError> {
        self.refresh_within(http, rejected, Self::MAX_RESPONSE_BODY)
            .await
    }

    /// [`Self::refresh`], reading a token response of at most `limit` bytes.
    pub(crate) async fn refresh_within(
        &self,
        http: &reqwest::Client,
        rejected: &Secret,
        limit: usize,
    ) -> Result<Secret, TokenError> {
        let request = {
            let mut state = lock(&self.state);
            match &state.current {
                Some(cached) if cached.token == *rejected => state.current = None,
                Some(cached) if cached.is_usable() => return Ok(cached.token.clone()),
                _ => {}
            }
            self.request(&mut state, http, limit)?
        };
        request.await
    }

    /// The token request under way, or a new one; the last failure while the endpoint is left
    /// alone after it.
    fn request(
        &self,
        state: &mut State,
        http: &reqwest::Client,
        limit: usize,
    ) -> Result<PendingRequest, TokenError> {
        if let Some(pending) = &state.pending {
            return Ok(pending.clone());
        }
        if let Some(failure) = state
            .failure
            .as_ref()
            .filter(|failure| Instant::now() < failure.retry_at)
        {
            return Err(failure.error.clone());
        }
        let request = fetch_and_keep(
            Arc::clone(&self.credentials),
            Arc::downgrade(&self.state),
            http.clone(),
            limit,
        )
        .boxed()
        .shared();
        state.pending = Some(request.clone());
        Ok(request)
    }
}

/// One token request whose outcome is kept in the cache's `state`, if the cache still exists
/// (the request holds it weakly, so a cache dropped meanwhile is freed).
async fn fetch_and_keep(
    credentials: Arc<ClientCredentials>,
    state: Weak<Mutex<State>>,
    http: reqwest::Client,
    limit: usize,
) -> Result<Secret, TokenError> {
    let outcome = fetch(&credentials, &http, limit).await;
    let Some(state) = state.upgrade() else {
        return outcome.map(|fresh| fresh.token);
    };
    let mut state = lock(&state);
    state.pending = None;
    match outcome {
        Ok(fresh) => {
            let token = fresh.token.clone();
            state.current = Some(fresh);
            state.failure = None;
            Ok(token)
        }
        Err(error) => {
            let in_a_row = state
                .failure
                .as_ref()
                .map_or(1, |failure| failure.in_a_row.saturating_add(1));
            let backoff = FIRST_FAILURE_BACKOFF
                .saturating_mul(2u32.saturating_pow(in_a_row - 1))
                .min(MAX_FAILURE_BACKOFF);
            state.failure = Some(Failure {
                error: error.clone(),
                in_a_row,
                retry_at: Instant::now() + backoff,
            });
            Err(error)
        }
    }
}

/// The state, even if a thread panicked while holding it: every update leaves it consistent.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One token request (RFC 6749 §4.4.2), with the client authenticated by HTTP Basic; a response
/// body of more than `limit` bytes is refused.
async fn fetch(
    credentials: &ClientCredentials,
    http: &reqwest::Client,
    limit: usize,
) -> Result<CachedToken, TokenError> {
    tracing::debug!(
        token_url = %credentials.token_url,
        client_id = %credentials.client_id,
        "fetching access token"
    );
    // Taken before sending, so that the time the request takes counts against the lifetime.
    let requested_at = Instant::now();
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined by `:`.
    let response = http
        .post(&credentials.token_url)
        .header(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        )
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .basic_auth(
            form_urlencode(&credentials.client_id),
            Some(form_urlencode(credentials.client_secret.expose())),
        )
        .body(credentials.form_body())
        .send()
        .await
        .map_err(TokenError::transport)?;
    let Read { status, body, .. } =
        read_limited(response, limit)
            .await
            .map_err(|error| match error {
                ReadError::Transport(error) => TokenError::transport(error),
                ReadError::TooLarge { status, limit, .. } => TokenError::TooLarge { status, limit },
            })?;
    if !status.is_success() {
        return Err(rejection(status, body));
    }
    match parse_token_response(&body) {
        Ok(parsed) => Ok(CachedToken {
            token: parsed.access_token,
            refresh_at: parsed.lifetime.and_then(|lifetime| {
                requested_at.checked_add(refresh_after(lifetime).max(MIN_REUSE))
            }),
        }),
        Err(reason) => Err(TokenError::Malformed {
            status,
            reason,
            body,
        }),
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = match self.state.try_lock() {
            Ok(state) if state.pending.is_some() => "being fetched",
            Ok(state) if state.current.is_some() => "cached",
            Ok(_) => "none",
            // Another caller is looking at the token this very moment.
            Err(_) => "busy",
        };
        f.debug_struct("TokenCache")
            .field("credentials", &self.credentials)
            .field("token", &token)
            .finish()
    }
}

/// The token in use and when to stop using it.
struct CachedToken {
    token: Secret,
    /// `None`: no known expiry (no `expires_in`, or one too far away to represent).
    refresh_at: Option<Instant>,
}

impl CachedToken {
    fn is_usable(&self) -> bool {
        self.refresh_at
            .is_none_or(|refresh_at| Instant::now() < refresh_at)
    }
}

/// How long after its request a token of `lifetime` is reused: until `min(30 s, lifetime / 2)`
/// is left, so that a token is not sent just as it expires.
fn refresh_after(lifetime: Duration) -> Duration {
    lifetime.saturating_sub(MAX_REFRESH_MARGIN.min(lifetime / 2))
}

/// The parts of a successful token response (RFC 6749 §5.1) that we use.
#[derive(Debug)]
struct TokenResponse {
    access_token: Secret,
    lifetime: Option<Duration>,
}

/// Reads a successful token response, or says what is wrong with it.
///
/// The body is read as a JSON value first and its fields checked by hand, so that no message
/// quotes a field's value: the body holds the access token.
fn parse_token_response(body: &[u8]) -> Result<TokenResponse, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|error| format!("the body is not JSON: {error}"))?;
    let Value::Object(fields) = value else {
        return Err("the body is not a JSON object".to_owned());
    };
    let access_token = match fields.get("access_token") {
        Some(Value::String(token)) if !token.is_empty() => Secret::new(token.as_str()),
        Some(Value::String(_)) => return Err("`access_token` is empty".to_owned()),
        Some(_) => return Err("`access_token` is not a string".to_owned()),
        None => return Err("there is no `access_token`".to_owned()),
    };
    match fields.get("token_type") {
        // RFC 6749 requires `token_type`; a response without one is taken as a bearer token,
        // the only kind this cache hands out, rather than refused.
        None => {}
        Some(Value::String(token_type)) if token_type.eq_ignore_ascii_case("bearer") => {}
        Some(Value::String(token_type)) => {
            return Err(format!(
                "`token_type` is `{token_type}`, not `bearer` (RFC 6750)"
            ));
        }
        Some(_) => return Err("`token_type` is not a string".to_owned()),
    }
    Ok(TokenResponse {
        access_token,
        lifetime: lifetime(&fields)?,
    })
}

/// `expires_in` as a duration: absent or `null` → no known lifetime; a number of seconds or a
/// numeric string (some servers send one) → that lifetime.
fn lifetime(fields: &Map<String, Value>) -> Result<Option<Duration>, String> {
    let seconds = match fields.get("expires_in") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(number)) => number
            .as_u64()
            .map(Duration::from_secs)
            .or_else(|| number.as_f64().and_then(fractional_seconds)),
        Some(Value::String(text)) => {
            let text = text.trim();
            text.parse::<u64>()
                .map(Duration::from_secs)
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(fractional_seconds))
        }
        Some(_) => None,
    };
    seconds
        .map(Some)
        .ok_or_else(|| "`expires_in` is not a non-negative number of seconds".to_owned())
}

/// A non-negative number of seconds as a duration, at most [`Duration::MAX`].
fn fractional_seconds(seconds: f64) -> Option<Duration> {
    (seconds.is_finite() && seconds >= 0.0)
        .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX))
}

/// The error for a refusal: the body's `error` and `error_description` (RFC 6749 §5.2) when it
/// is a JSON object that has them.
fn rejection(status: StatusCode, body: Bytes) -> TokenError {
    let fields = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    let text = |name: &str| match fields.get(name) {
        Some(Value::String(text)) => Some(text.clone()),
        _ => None,
    };
    TokenError::Rejected {
        status,
        error: text("error"),
        description: text("error_description"),
        body,
    }
}

/// Why no access token could be obtained. Display and Debug never contain the client secret or
/// a token.
///
/// Debug shows the length of a response body rather than the body, as a token response that
/// could not be used may still hold the token; the `body` fields have the bytes. Cheap to clone:
/// every caller waiting for one token request gets its error.
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint could not be reached or read.
    #[error("the token request failed: {0}")]
    Transport(#[source] Arc<reqwest::Error>),
    /// The token response's body is longer than the limit (see
    /// [`TokenCache::MAX_RESPONSE_BODY`]); it was not read further.
    #[error("the token endpoint's {status} response is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The token endpoint refused: status, the OAuth `error` code and `error_description` when
    /// the body has them (RFC 6749 §5.2), and the raw body bytes.
    #[error("the token endpoint refused with status {status}{}", refusal_note(.error.as_deref(), .description.as_deref()))]
    Rejected {
        /// The HTTP status.
        status: StatusCode,
        /// The OAuth error code, e.g. `invalid_client`.
        error: Option<String>,
        /// The server's explanation, for a person.
        description: Option<String>,
        /// The body as received.
        body: Bytes,
    },
    /// A success response that is not a usable token response (not JSON, no `access_token`, a
    /// `token_type` other than `bearer` in any case). Keep status and body.
    #[error("the token endpoint's {status} response is not a usable token response: {reason}")]
    Malformed {
        /// The HTTP status.
        status: StatusCode,
        /// What is wrong with the response.
        reason: String,
        /// The body as received.
        body: Bytes,
    },
}

impl TokenError {
    fn transport(error: reqwest::Error) -> Self {
        Self::Transport(Arc::new(error))
    }
}

impl fmt::Debug for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(error) => f.debug_tuple("Transport").field(error).finish(),
            Self::TooLarge { status, limit } => f
                .debug_struct("TooLarge")
                .field("status", status)
                .field("limit", limit)
                .finish(),
            Self::Rejected {
                status,
                error,
                description,
                body,
            } => f
                .debug_struct("Rejected")
                .field("status", status)
                .field("error", error)
                .field("description", description)
                .field("body", &BodyLength(body.len()))
                .finish(),
            Self::Malformed {
                status,
                reason,
                body,
            } => f
                .debug_struct("Malformed")
                .field("status", status)
                .field("reason", reason)
                .field("body", &BodyLength(body.len()))
                .finish(),
        }
    }
}

/// Stands in for a body in Debug output: `<12 bytes>`.
struct BodyLength(usize);

impl fmt::Debug for BodyLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

/// `: invalid_client (bad secret)`, or as much of it as the server sent.
fn refusal_note(error: Option<&str>, description: Option<&str>) -> String {
    match (error, description) {
        (Some(error), Some(description)) => format!(": {error} ({description})"),
        (Some(error), None) => format!(": {error}"),
        (None, Some(description)) => format!(": {description}"),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_escape_everything_but_unreserved_form_characters() {
        assert_eq!(
            form_urlencode("a b+c&d=e:f/é"),
            "a%20b%2Bc%26d%3De%3Af%2F%C3%A9"
        );
        assert_eq!(form_urlencode("Az09*-._"), "Az09*-._");
    }

    #[test]
    fn scopes_are_sent_space_separated_and_only_when_there_are_some() {
        let credentials = ClientCredentials::new("https://auth.example/token", "id", "secret");
        assert_eq!(credentials.form_body(), "grant_type=client_credentials");
        let scoped = credentials.clone().scopes(["read:all", "", "write"]);
        assert_eq!(
            scoped.form_body(),
            "grant_type=client_credentials&scope=read%3Aall%20write"
        );
        assert_eq!(
            credentials.scopes([""]).form_body(),
            "grant_type=client_credentials"
        );
    }

    #[test]
    fn the_refresh_margin_is_thirty_seconds_or_half_the_lifetime() {
        assert_eq!(
            refresh_after(Duration::from_secs(3600)),
            Duration::from_secs(3570)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(1)),
            Duration::from_millis(500)
        );
        assert_eq!(refresh_after(Duration::ZERO), Duration::ZERO);
        assert_eq!(
            refresh_after(Duration::MAX),
            Duration::MAX - MAX_REFRESH_MARGIN
        );
    }

    #[test]
    fn expires_in_may_be_a_number_or_a_numeric_string() {
        let lifetime_of = |body: &str| parse_token_response(body.as_bytes()).map(|t| t.lifetime);
        let token = r#""access_token":"t","token_type":"Bearer""#;
        assert_eq!(
            lifetime_of(&format!("{{{token},\"expires_in\":3600}}")),
            Ok(Some(Duration::from_secs(3600)))
        );
        assert_eq!(
            lifetime_of(&format!("{{{token},\"expires_in\":\" 60 \"}}")),
            Ok(Some(Duration::from_secs(60)))
        );
        assert_eq!(
            lifetime_of(&format!("{{{token},\"expires_in\":1.5}}")),
            Ok(Some(Duration::from_millis(1500)))
        );
        assert_eq!(lifetime_of(&format!("{{{token}}}")), Ok(None));
        assert_eq!(
            lifetime_of(&format!("{{{token},\"expires_in\":null}}")),
            Ok(None)
        );
        for bad in ["-1", "\"-1\"", "\"soon\"", "\"NaN\"", "true", "[]"] {
            assert!(
                lifetime_of(&format!("{{{token},\"expires_in\":{bad}}}")).is_err(),
                "expires_in {bad} is refused"
            );
        }
    }

    #[test]
    fn an_expiry_too_far_away_to_represent_never_expires() {
        for expires_in in ["1e300", "18446744073709551615", "\"1e300\""] {
            let body = format!(
                r#"{{"access_token":"t","token_type":"bearer","expires_in":{expires_in}}}"#
            );
            let lifetime = parse_token_response(body.as_bytes())
                .expect("a huge lifetime is a lifetime")
                .lifetime
                .expect("and it is known");
            assert_eq!(
                Instant::now().checked_add(refresh_after(lifetime)),
                None,
                "expires_in {expires_in}"
            );
        }
    }

    #[test]
    fn messages_about_a_bad_token_response_do_not_quote_the_token() {
        for body in [
            r#"{"access_token":12345678,"token_type":"bearer"}"#,
            r#"{"access_token":["12345678"],"token_type":"bearer"}"#,
            r#"{"access_token":"12345678","token_type":"mac"}"#,
            r#"{"access_token":"12345678","token_type":"bearer","expires_in":"12345678x"}"#,
            r#"{"access_token":"12345678","token_type":"bearer","expires_in":true"#,
            r#"["12345678"]"#,
        ] {
            let reason = parse_token_response(body.as_bytes()).expect_err(body);
            assert!(!reason.contains("12345678"), "{reason}");
        }
    }
}
