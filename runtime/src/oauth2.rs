//! Access tokens from the OAuth 2.0 client-credentials grant (RFC 6749 §4.4), cached until
//! shortly before they expire.
//!
//! [`ClientCredentials`] says where and as whom to ask; [`TokenCache`] asks, keeps the token and
//! makes sure that concurrent requests needing a new token share one token request.

use crate::params::encode_path_segment;
use crate::secret::Secret;
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use serde_json::{Map, Value};
use std::fmt;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

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
/// A token is reused while more than `min(30 s, lifetime / 2)` of its lifetime is left; a token
/// whose response had no `expires_in` is reused until [`TokenCache::refresh`] is called with it.
/// Callers that find no usable token wait for one token request instead of each sending their
/// own. The wait is bounded by the timeouts of the `reqwest::Client` passed in; if the caller
/// whose request is in flight is cancelled, the next waiting caller sends one instead.
pub struct TokenCache {
    credentials: ClientCredentials,
    /// Held across a token request, so that the callers arriving meanwhile wait for its token.
    current: Mutex<Option<CachedToken>>,
}

impl TokenCache {
    /// An empty cache for tokens of `credentials`; the first token is fetched when first needed.
    pub fn new(credentials: ClientCredentials) -> Self {
        Self {
            credentials,
            current: Mutex::new(None),
        }
    }

    /// A usable access token: the cached one while it has more than the refresh margin left,
    /// otherwise a newly fetched one. Concurrent callers that find no usable token share ONE
    /// token request (single flight); the others wait for it.
    ///
    /// # Errors
    ///
    /// When no cached token is usable and the token request fails; nothing is cached then, so
    /// the next call tries again.
    pub async fn token(&self, http: &reqwest::Client) -> Result<Secret, TokenError> {
        let mut current = self.current.lock().await;
        if let Some(cached) = current.as_ref().filter(|cached| cached.is_usable()) {
            return Ok(cached.token.clone());
        }
        self.replace(&mut current, http).await
    }

    /// Called after the API answered 401 to a request sent with `rejected`: if `rejected` is
    /// still the cached token, drops it and fetches a new one; if another caller already
    /// replaced it, returns the current one without a new request. Single flight too.
    ///
    /// # Errors
    ///
    /// When a new token is needed and the token request fails; the rejected token stays
    /// dropped, so the next call tries again.
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        rejected: &Secret,
    ) -> Result<Secret, TokenError> {
        let mut current = self.current.lock().await;
        if let Some(cached) = current
            .as_ref()
            .filter(|cached| cached.token != *rejected && cached.is_usable())
        {
            return Ok(cached.token.clone());
        }
        self.replace(&mut current, http).await
    }

    /// Drops the token in `slot`, fetches a new one and caches it.
    async fn replace(
        &self,
        slot: &mut Option<CachedToken>,
        http: &reqwest::Client,
    ) -> Result<Secret, TokenError> {
        *slot = None;
        let fresh = self.fetch(http).await?;
        let token = fresh.token.clone();
        *slot = Some(fresh);
        Ok(token)
    }

    /// One token request (RFC 6749 §4.4.2), with the client authenticated by HTTP Basic.
    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken, TokenError> {
        let credentials = &self.credentials;
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
            .map_err(TokenError::Transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(TokenError::Transport)?;
        if !status.is_success() {
            return Err(rejection(status, body));
        }
        match parse_token_response(&body) {
            Ok(parsed) => Ok(CachedToken {
                token: parsed.access_token,
                refresh_at: parsed
                    .lifetime
                    .and_then(|lifetime| requested_at.checked_add(refresh_after(lifetime))),
            }),
            Err(reason) => Err(TokenError::Malformed {
                status,
                reason,
                body,
            }),
        }
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = match self.current.try_lock() {
            Ok(current) if current.is_some() => "cached",
            Ok(_) => "none",
            // A token request is in flight, or another caller is looking at the token.
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
/// could not be used may still hold the token; the `body` fields have the bytes.
#[derive(thiserror::Error)]
pub enum TokenError {
    /// The token endpoint could not be reached or read.
    #[error("the token request failed: {0}")]
    Transport(#[source] reqwest::Error),
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

impl fmt::Debug for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(error) => f.debug_tuple("Transport").field(error).finish(),
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
