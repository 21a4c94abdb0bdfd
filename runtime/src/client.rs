//! The HTTP client a generated `Client` wraps, and its configuration.

use crate::auth::{Authentication, Credential};
use crate::error::{ApiError, Error, RawResponse};
use crate::params::encode_path_segment;
use crate::read::{ReadError, read_limited};
use crate::response::Response;
use crate::retry::{RetryPolicy, RetryTokens, retryable_status, retryable_transport};
use crate::secret::Secret;
use crate::validate::{Rule, ValidationError};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;
use tracing::field::Empty;

/// What the client needs to know of an operation to send it: its name for logs, and whether it
/// is safe to repeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `/tickets/{id}`; it names the operation in logs, never a value.
    pub path: &'static str,
    /// Whether sending it twice has the effect of sending it once, so a failed attempt may be
    /// retried: GET, HEAD, OPTIONS, PUT and DELETE, and operations the API marks `x-idempotent`.
    pub idempotent: bool,
    /// The operation's own server, when it (or its path) lists one: an absolute URL, or a path
    /// taken from the base URL's origin. Used while the client's base URL is the API's own
    /// (see [`ClientConfig::api_server`]); a base URL of the caller's choosing serves everything.
    pub server: Option<&'static str>,
}

/// How to reach the API: base URL, default headers, timeouts, limits and retries.
///
/// The defaults: each attempt may take 30 s ([`Self::timeout`]), of which 10 s to connect
/// ([`Self::connect_timeout`]), and may go 20 s without receiving a byte
/// ([`Self::read_timeout`]); a call has no deadline across its retries unless one is set
/// ([`Self::deadline`]); a response body may be 32 MiB ([`Self::max_response_body`]); retries
/// follow [`RetryPolicy::default`]. Redirects are followed only within the origin of the
/// request (scheme, host and port), at most 10 in a row; a redirect elsewhere is returned as it
/// is, so no credential the client adds ever reaches another origin. No `Referer` is sent.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    base_url: String,
    api_server: Option<String>,
    server_variables: Vec<(String, String)>,
    default_headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_response_body: usize,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
}

impl ClientConfig {
    /// Default timeout for one attempt: connecting, sending and reading the whole response.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default timeout for establishing a connection.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default stall timeout: the longest an attempt waits for the next bytes from the server.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(20);
    /// Default limit of a response body, in bytes (32 MiB).
    pub const DEFAULT_MAX_RESPONSE_BODY: usize = 32 * 1024 * 1024;
    /// How many redirects within one origin are followed in a row.
    pub const MAX_REDIRECTS: usize = 10;

    /// A configuration for the server at `base_url`, e.g. `https://api.example.com/v1`. The URL
    /// may hold `{name}` placeholders, filled from [`Self::server_variable`].
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_server: None,
            server_variables: Vec::new(),
            default_headers: Vec::new(),
            timeout: Some(Self::DEFAULT_TIMEOUT),
            connect_timeout: Some(Self::DEFAULT_CONNECT_TIMEOUT),
            read_timeout: Some(Self::DEFAULT_READ_TIMEOUT),
            deadline: None,
            max_response_body: Self::DEFAULT_MAX_RESPONSE_BODY,
            retry: RetryPolicy::default(),
            http: None,
        }
    }

    /// Replaces the base URL.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Names `url` as the API's own server. While the base URL is that one, operations that list
    /// servers of their own are sent there; a base URL set to anything else (a mock, a proxy)
    /// serves every operation.
    pub fn api_server(mut self, url: impl Into<String>) -> Self {
        self.api_server = Some(url.into());
        self
    }

    /// Gives the server URL's `{name}` placeholder a value (percent-encoded as a path segment).
    /// An OAuth 2.0 token URL with the same placeholder gets the same value.
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.server_variables.retain(|(known, _)| *known != name);
        self.server_variables.push((name, value.into()));
        self
    }

    /// Sends `name: value` with every request (a value set on one call takes precedence).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The timeout for one attempt (connecting, sending and reading the whole response), or
    /// `None` for no limit. A retry starts a new attempt with a new timeout; see
    /// [`Self::deadline`] for a bound on the whole call.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The stall timeout: how long an attempt may wait for the server's next bytes (the
    /// response's head, or more of its body) before it fails, or `None` for no limit.
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// The longest a call may take with all its attempts and the waits between them, or `None`
    /// (the default) for no bound beyond the attempts' own timeouts. A call past it ends with
    /// [`Error::DeadlineExceeded`]; a retry whose wait would end past it is not made, and the
    /// call returns what the last attempt got.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The largest response body the client reads, in bytes, for success and error responses
    /// alike. A longer one ends the call with [`Error::ResponseTooLarge`], which keeps the
    /// status and headers; reading stops at the limit, so memory stays bounded by it. OAuth 2.0
    /// token responses are held to the smaller of this and
    /// [`TokenCache::MAX_RESPONSE_BODY`](crate::TokenCache::MAX_RESPONSE_BODY).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// The timeout for establishing a connection, or `None` for no limit.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed attempts of idempotent operations are retried; [`RetryPolicy::disabled`]
    /// turns retries off.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends through this `reqwest::Client`. The timeouts and the redirect policy set here are
    /// then not applied, the client's own are: build it with [`same_origin_redirects`] (or
    /// `reqwest::redirect::Policy::none()`) and `referer(false)` to keep credentials from
    /// following a redirect to another origin.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The base URL does not parse as an absolute URL.
    #[error("the base URL `{url}` is not an absolute URL: {reason}")]
    BaseUrl {
        /// The URL given, placeholders filled.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A default header's name or value is not valid in HTTP.
    #[error("the default header `{name}` has an invalid name or value")]
    Header {
        /// The header name given.
        name: String,
    },
    /// The credential cannot be put on a request: the name of its header or cookie is not
    /// valid in HTTP, say. A client that sent its requests without it is never built.
    #[error("the credential cannot be sent: {0}")]
    Credential(&'static str),
    /// The HTTP client could not be set up (e.g. no TLS backend).
    #[error("the HTTP client could not be built: {0}")]
    Http(#[from] reqwest::Error),
}

/// The redirect policy of the clients this crate builds: a redirect is followed only to the
/// origin (scheme, host and port) of the request's first URL, at most
/// [`ClientConfig::MAX_REDIRECTS`] in a row. Any other redirect is not followed: the response
/// that asks for it is what the request gets. Credentials the client adds (headers, a key in the
/// query or a cookie) so never reach another origin, and an `https` request is never continued
/// over `http`.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let within_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if within_origin && attempt.previous().len() <= ClientConfig::MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Sends requests to one API server: adds the base URL, credentials and default headers, retries
/// what may be retried, and traces each request.
///
/// Cloning is cheap: clones share the connection pool and the access-token cache.
#[derive(Debug, Clone)]
pub struct HttpClient {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    http: reqwest::Client,
    base_url: String,
    /// The base URL parsed once, when requests to it can be read against it (see [`Self::url`]).
    base: Option<Base>,
    /// Whether operations with servers of their own go there: the base URL is the API's own.
    operation_servers: bool,
    authentication: Authentication,
    /// The header a credential that never changes puts on every request, built once.
    credential_header: Option<(HeaderName, HeaderValue)>,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    /// What is left of the retry budget, shared by every clone of the client.
    retry_tokens: Arc<RetryTokens>,
    deadline: Option<Duration>,
    max_response_body: usize,
}

impl HttpClient {
    /// A client from `config` that authenticates with `credential`.
    pub fn new(config: ClientConfig, credential: impl Credential) -> Result<Self, BuildError> {
        let operation_servers = config.api_server.as_ref() == Some(&config.base_url);
        let base_url = fill_placeholders(&config.base_url, &config.server_variables);
        let base_url = base_url.trim_end_matches('/').to_owned();
        if let Some(placeholder) = first_placeholder(&base_url) {
            return Err(BuildError::BaseUrl {
                reason: format!(
                    "the placeholder `{placeholder}` has no value; set it with `ClientConfig::server_variable`"
                ),
                url: base_url,
            });
        }
        let parsed = reqwest::Url::parse(&base_url).map_err(|error| BuildError::BaseUrl {
            url: base_url.clone(),
            reason: error.to_string(),
        })?;
        let base = Base::new(parsed);
        let mut default_headers = HeaderMap::new();
        for (name, value) in &config.default_headers {
            let (name, value) =
                header(name, value).ok_or_else(|| BuildError::Header { name: name.clone() })?;
            default_headers.insert(name, value);
        }
        let http = match config.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder()
                    .redirect(same_origin_redirects())
                    .referer(false);
                if let Some(timeout) = config.timeout {
                    builder = builder.timeout(timeout);
                }
                if let Some(timeout) = config.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                if let Some(timeout) = config.read_timeout {
                    builder = builder.read_timeout(timeout);
                }
                builder.build()?
            }
        };
        let variables: Vec<(&str, &str)> = config
            .server_variables
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let authentication = credential.into_authentication(&variables);
        authentication.check().map_err(BuildError::Credential)?;
        Ok(Self {
            shared: Arc::new(Shared {
                http,
                base_url,
                base,
                operation_servers,
                credential_header: authentication.fixed_header(),
                authentication,
                default_headers,
                retry_tokens: Arc::new(RetryTokens::new(config.retry.retry_budget().clone())),
                retry: config.retry,
                deadline: config.deadline,
                max_response_body: config.max_response_body,
            }),
        })
    }

    /// The base URL requests are sent to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// This client, also sending `name: value` with every request (a value set on one call
    /// takes precedence). The other clones keep their headers.
    pub fn with_default_header(
        &self,
        name: &'static str,
        value: &str,
    ) -> Result<Self, ValidationError> {
        let Some((name, value)) = header(name, value) else {
            return Err(ValidationError::new(name, Rule::HeaderValue));
        };
        let mut default_headers = self.shared.default_headers.clone();
        default_headers.insert(name, value);
        Ok(Self {
            shared: Arc::new(Shared {
                http: self.shared.http.clone(),
                base_url: self.shared.base_url.clone(),
                base: self.shared.base.clone(),
                operation_servers: self.shared.operation_servers,
                authentication: self.shared.authentication.clone(),
                credential_header: self.shared.credential_header.clone(),
                default_headers,
                retry: self.shared.retry.clone(),
                retry_tokens: Arc::clone(&self.shared.retry_tokens),
                deadline: self.shared.deadline,
                max_response_body: self.shared.max_response_body,
            }),
        })
    }

    /// A request for `operation` at `path` (already encoded, starting with `/`): a `&str`, or
    /// `format_args!` with the path parameters as [`PathSegment`](crate::PathSegment)s, which
    /// are encoded straight into the URL.
    pub fn request(&self, operation: &Operation, path: impl fmt::Display) -> RequestBuilder {
        let method = operation.method.clone();
        match self.url(operation, path) {
            Ok(url) => self.shared.http.request(method, url),
            Err(text) => self.shared.http.request(method, text),
        }
    }

    /// Where `operation` at `path` is sent: its own server while the base URL is the API's,
    /// the base URL otherwise. Parsed here when it goes to the base URL, whose scheme and host
    /// were parsed when the client was built; otherwise the text, which reqwest parses.
    fn url(&self, operation: &Operation, path: impl fmt::Display) -> Result<reqwest::Url, String> {
        let base = &self.shared.base_url;
        let mut url = String::with_capacity(base.len() + 64);
        match operation.server {
            Some(server) if self.shared.operation_servers => {
                let server = server.trim_end_matches('/');
                if server.starts_with('/') {
                    // A relative server is read from the base URL's origin.
                    match reqwest::Url::parse(base) {
                        Ok(parsed) => url.push_str(&parsed.origin().ascii_serialization()),
                        Err(_) => url.push_str(base),
                    }
                }
                url.push_str(server);
            }
            _ => {
                if let Some(parsed) = &self.shared.base {
                    let mut reference = String::with_capacity(parsed.path.len() + 64);
                    reference.push_str(&parsed.path);
                    // Writing into a `String` cannot fail.
                    let _ = write!(reference, "{path}");
                    if let Some(url) = parsed.join(&reference) {
                        return Ok(url);
                    }
                    url.push_str(base);
                    url.push_str(&reference[parsed.path.len()..]);
                    return Err(url);
                }
                url.push_str(base);
            }
        }
        let _ = write!(url, "{path}");
        Err(url)
    }

    /// Sends `request` and reads the whole response. Any status is a received response; only
    /// transport and credential failures are errors.
    ///
    /// Idempotent operations are retried as the [`RetryPolicy`] says. A 401 to a request that
    /// carried an OAuth 2.0 access token is sent once more with a fresh token.
    pub async fn send<E>(
        &self,
        operation: &Operation,
        request: RequestBuilder,
    ) -> Result<ReceivedResponse, Error<E>> {
        let mut request = request.build()?;
        for (name, value) in &self.shared.default_headers {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        // Its fields are formatted only when a subscriber takes the span.
        let span = tracing::info_span!(
            "request",
            operation = operation.id,
            method = %operation.method,
            path = operation.path,
            status = Empty,
            attempt = Empty,
        );
        let call = self
            .send_with_retries(operation, request, &span)
            .instrument(span.clone());
        match self.shared.deadline {
            None => call.await,
            Some(deadline) => tokio::time::timeout(deadline, call)
                .await
                .unwrap_or(Err(Error::DeadlineExceeded(deadline))),
        }
    }

    async fn send_with_retries<E>(
        &self,
        operation: &Operation,
        request: reqwest::Request,
        span: &tracing::Span,
    ) -> Result<ReceivedResponse, Error<E>> {
        let shared = &*self.shared;
        let retries = if operation.idempotent {
            shared.retry.retries()
        } else {
            0
        };
        // A wait that would end past the deadline is not begun: the call ends with what it got.
        let give_up_at = shared.deadline.map(|deadline| Instant::now() + deadline);
        let may_wait = |wait: Duration| give_up_at.is_none_or(|at| Instant::now() + wait < at);
        // Whether the request may have to go out again, and so is copied before each attempt:
        // a retry after a failure, or a fresh OAuth 2.0 token after a 401.
        let may_resend = retries > 0 || matches!(shared.authentication, Authentication::OAuth2(_));
        let mut retried = 0;
        let mut attempt = 0;
        let mut token_refreshed = false;
        // What the last retry took from the budget, given back if the call then succeeds.
        let mut last_retry_cost = None;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let copy = if may_resend { copy(&request) } else { None };
            let Some(copy) = copy else {
                // Sent once: it may not be resent, or its body is a stream, which is read once.
                let (outcome, _) = self.attempt(request).await?;
                let raw = outcome.map_err(failure)?;
                return Ok(self.received(raw, attempt, last_retry_cost, span));
            };
            let (outcome, token) = self.attempt(copy).await?;
            let raw = match outcome {
                Ok(raw) => raw,
                Err(ReadError::Transport(error))
                    if retried < retries && retryable_transport(&error) =>
                {
                    let wait = shared.retry.backoff(retried + 1);
                    let Some(cost) = may_wait(wait)
                        .then(|| shared.retry_tokens.take(error.is_timeout()))
                        .flatten()
                    else {
                        return Err(Error::Transport(error));
                    };
                    retried += 1;
                    last_retry_cost = Some(cost);
                    tracing::warn!(
                        attempt,
                        wait_ms = millis(wait),
                        error = %error,
                        "request failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Err(error) => return Err(failure(error)),
            };
            if raw.status == StatusCode::UNAUTHORIZED
                && !token_refreshed
                && let Some(token) = &token
                && let Some(refreshed) = shared
                    .authentication
                    .refresh(&shared.http, token, shared.max_response_body)
                    .await
            {
                // The request was refused before it did anything, so even a POST may be resent.
                token_refreshed = true;
                refreshed.map_err(Error::Authentication)?;
                span.record("status", raw.status.as_u16());
                tracing::debug!(attempt, "access token rejected; retrying with a fresh one");
                continue;
            }
            if retried < retries
                && let Some(wait) = shared.retry.wait_after_status(
                    raw.status,
                    &raw.headers,
                    retried + 1,
                    SystemTime::now(),
                )
                && may_wait(wait)
                && let Some(cost) = shared.retry_tokens.take(false)
            {
                retried += 1;
                last_retry_cost = Some(cost);
                span.record("status", raw.status.as_u16());
                tracing::warn!(
                    attempt,
                    status = raw.status.as_u16(),
                    wait_ms = millis(wait),
                    "server asked to try later; retrying"
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            return Ok(self.received(raw, attempt, last_retry_cost, span));
        }
    }

    /// The response a call ends with, recorded in the span; one the server did not ask to have
    /// retried also refills the retry budget.
    fn received(
        &self,
        raw: RawResponse,
        attempt: u32,
        last_retry_cost: Option<u32>,
        span: &tracing::Span,
    ) -> ReceivedResponse {
        span.record("status", raw.status.as_u16());
        tracing::debug!(attempt, status = raw.status.as_u16(), "response received");
        if !retryable_status(raw.status) {
            self.shared.retry_tokens.succeeded(last_retry_cost);
        }
        ReceivedResponse { raw }
    }

    /// One attempt: credentials added, request sent, whole response read within the body limit.
    /// The outer error is a credential that could not be obtained; the inner one a failure to
    /// send or read. Also returns the access token used, if any.
    async fn attempt<E>(
        &self,
        mut request: reqwest::Request,
    ) -> Result<(Result<RawResponse, ReadError>, Option<Secret>), Error<E>> {
        let shared = &*self.shared;
        let token = match &shared.credential_header {
            Some((name, value)) => {
                request.headers_mut().insert(name.clone(), value.clone());
                None
            }
            None => shared
                .authentication
                .apply(&shared.http, &mut request, shared.max_response_body)
                .await
                .map_err(Error::Authentication)?,
        };
        let outcome = match shared.http.execute(request).await {
            Ok(response) => read_limited(response, shared.max_response_body)
                .await
                .map(|read| RawResponse {
                    status: read.status,
                    headers: read.headers,
                    body: read.body,
                }),
            Err(error) => Err(ReadError::Transport(error)),
        };
        // reqwest's errors print their URL; a key sent in the query must not go with it.
        let outcome = outcome.map_err(|error| match error {
            ReadError::Transport(mut error) => {
                if matches!(shared.authentication, Authentication::Query { .. })
                    && let Some(url) = error.url_mut()
                {
                    url.set_query(None);
                }
                ReadError::Transport(error)
            }
            too_large => too_large,
        });
        Ok((outcome, token))
    }
}

/// The error of an attempt that got no whole response.
fn failure<E>(error: ReadError) -> Error<E> {
    match error {
        ReadError::Transport(error) => Error::Transport(error),
        ReadError::TooLarge {
            status,
            headers,
            limit,
        } => Error::ResponseTooLarge {
            status,
            headers,
            limit,
        },
    }
}

/// The base URL, parsed once. A request's URL is its path read against it as an absolute-path
/// reference, `/v1/tickets/k7m2p9x4q1`: what parsing the base URL's text followed by the path
/// gives, without parsing scheme and host (a host goes through IDNA processing) again each time.
#[derive(Debug, Clone)]
struct Base {
    url: reqwest::Url,
    /// The base URL's path without its trailing `/`: `/v1`, or empty.
    path: String,
}

impl Base {
    /// `None` for a base URL whose text a path cannot simply follow (a query or fragment, a URL
    /// that cannot be a base) or whose scheme reads references differently from `http(s)`.
    fn new(url: reqwest::Url) -> Option<Self> {
        let usable = matches!(url.scheme(), "http" | "https")
            && !url.cannot_be_a_base()
            && url.query().is_none()
            && url.fragment().is_none();
        usable.then(|| Self {
            path: url.path().trim_end_matches('/').to_owned(),
            url,
        })
    }

    /// `reference` (the base path followed by a request's path) read against the base URL;
    /// `None` when it would not be read as a path: it does not start with one `/` (`//` or
    /// `/\` would start a host), or it does not parse.
    fn join(&self, reference: &str) -> Option<reqwest::Url> {
        let mut characters = reference.chars();
        if characters.next() != Some('/') || matches!(characters.next(), Some('/' | '\\')) {
            return None;
        }
        self.url.join(reference).ok()
    }
}

/// A copy of `request` to send while the original is kept for another attempt; `None` when its
/// body is a stream, which can be read only once.
///
/// A request with a body is copied by `Request::try_clone`. One without, such as a GET, is copied
/// here, with all that a [`RequestBuilder`] sets: method, URL, headers, version and timeout.
/// `try_clone` would first build an extension map to hold the timeout and then replace it with
/// the original's, allocations a request without a timeout of its own does not need.
fn copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    copy.headers_mut().clone_from(request.headers());
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
}

/// A wait in whole milliseconds, for logs.
fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

/// A header from text, when the name and value are both valid in HTTP.
fn header(name: &str, value: &str) -> Option<(HeaderName, HeaderValue)> {
    Some((
        HeaderName::try_from(name).ok()?,
        HeaderValue::try_from(value).ok()?,
    ))
}

/// The first `{name}` left in `url`.
fn first_placeholder(url: &str) -> Option<&str> {
    let start = url.find('{')?;
    let end = url[start..]
        .find('}')
        .map_or(url.len(), |end| start + end + 1);
    Some(&url[start..end])
}

/// Replaces each `{name}` of `template` by its value, percent-encoded as a path segment.
fn fill_placeholders(template: &str, variables: &[(String, String)]) -> String {
    variables
        .iter()
        .fold(template.to_owned(), |url, (name, value)| {
            url.replace(&format!("{{{name}}}"), &encode_path_segment(value))
        })
}

/// A body as UTF-8 text; the error says why not, in the type [`Error::Decode`] carries.
fn utf8(body: &Bytes) -> Result<String, serde_json::Error> {
    String::from_utf8(body.to_vec()).map_err(|error| {
        <serde_json::Error as serde::de::Error>::custom(format!(
            "the text body is not UTF-8: {error}"
        ))
    })
}

/// A response whose status is known and whose body has been read.
///
/// Its decoding methods return the whole response inside the error on failure, by design: the
/// caller gets status, headers and body back, once per call.
#[derive(Debug)]
pub struct ReceivedResponse {
    raw: RawResponse,
}

impl ReceivedResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.raw.status
    }

    /// Decodes a JSON success body.
    #[allow(clippy::result_large_err)]
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let raw = self.raw;
        match serde_json::from_slice(&raw.body) {
            Ok(body) => Ok(Response::new(raw.status, raw.headers, body)),
            Err(source) => Err(Error::Decode { raw, source }),
        }
    }

    /// A `text/*` success body, which must be UTF-8.
    #[allow(clippy::result_large_err)]
    pub fn text<E>(self) -> Result<Response<String>, Error<E>> {
        let raw = self.raw;
        match utf8(&raw.body) {
            Ok(body) => Ok(Response::new(raw.status, raw.headers, body)),
            Err(source) => Err(Error::Decode { raw, source }),
        }
    }

    /// A success body of any other media type, as received.
    #[allow(clippy::result_large_err)]
    pub fn bytes<E>(self) -> Result<Response<Bytes>, Error<E>> {
        Ok(Response::new(
            self.raw.status,
            self.raw.headers,
            self.raw.body,
        ))
    }

    /// A success without a body the client reads.
    #[allow(clippy::result_large_err)]
    pub fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(Response::new(self.raw.status, self.raw.headers, ()))
    }

    /// Decodes a documented error body and wraps it with `variant`.
    pub fn error<B: DeserializeOwned, E>(self, variant: impl FnOnce(B) -> E) -> Error<E> {
        let raw = self.raw;
        match serde_json::from_slice(&raw.body) {
            Ok(body) => Error::Api(ApiError {
                status: raw.status,
                headers: raw.headers,
                body: variant(body),
            }),
            Err(source) => Error::Decode { raw, source },
        }
    }

    /// A documented `text/*` error body (UTF-8), wrapped with `variant`.
    pub fn error_text<E>(self, variant: impl FnOnce(String) -> E) -> Error<E> {
        let raw = self.raw;
        match utf8(&raw.body) {
            Ok(body) => Error::Api(ApiError {
                status: raw.status,
                headers: raw.headers,
                body: variant(body),
            }),
            Err(source) => Error::Decode { raw, source },
        }
    }

    /// A documented error body of any other media type, as received, wrapped with `variant`.
    pub fn error_bytes<E>(self, variant: impl FnOnce(Bytes) -> E) -> Error<E> {
        Error::Api(ApiError {
            status: self.raw.status,
            headers: self.raw.headers,
            body: variant(self.raw.body),
        })
    }

    /// A documented error without a body the client reads.
    pub fn error_without_body<E>(self, variant: E) -> Error<E> {
        Error::Api(ApiError {
            status: self.raw.status,
            headers: self.raw.headers,
            body: variant,
        })
    }

    /// A status the operation does not document.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::NoCredential;

    #[test]
    fn server_variables_fill_the_url_and_unfilled_ones_are_named() {
        let config = ClientConfig::new("https://api.example.com/enterprises/{enterprise}/")
            .server_variable("enterprise", "acme corp");
        let client = HttpClient::new(config, NoCredential).expect("builds");
        assert_eq!(
            client.base_url(),
            "https://api.example.com/enterprises/acme%20corp"
        );
        let error = HttpClient::new(
            ClientConfig::new("https://api.example.com/{enterprise}/v1"),
            NoCredential,
        )
        .expect_err("a placeholder without a value is refused");
        assert!(
            error.to_string().contains("`{enterprise}` has no value"),
            "{error}"
        );
    }

    /// A request's URL as text, however it was made.
    fn text(url: Result<reqwest::Url, String>) -> String {
        url.map_or_else(|text| text, String::from)
    }

    #[test]
    fn a_path_read_against_the_parsed_base_url_is_the_url_of_the_whole_text() {
        let list = Operation {
            id: "list",
            method: Method::GET,
            path: "/files",
            idempotent: true,
            server: None,
        };
        let bases = [
            "http://127.0.0.1:9",
            "https://api.example.com/v1/",
            "https://user:pw@API.example.com:8443/a b/./c/../d",
            "https://[::1]/x%2Fy",
            "https://café.example/v1",
            "https://api.example.com/v1?key=1",
            "ftp://files.example.com/pub",
        ];
        let paths = [
            "/tickets/k7m2p9x4q1",
            "/things?page=1&q=a b",
            "/a#part",
            "/a/../../b",
            "//elsewhere.example/x",
            "/\\elsewhere.example/x",
            "/%2F/é",
            "/tab\there ",
            "",
            "?only=query",
        ];
        for base in bases {
            let client = HttpClient::new(ClientConfig::new(base), NoCredential).expect("builds");
            for path in paths {
                let whole = format!("{}{path}", client.base_url());
                let expected = reqwest::Url::parse(&whole).map(String::from);
                let url = client.url(&list, path);
                match (&url, &expected) {
                    (Ok(url), Ok(expected)) => assert_eq!(url.as_str(), expected, "{whole}"),
                    (Err(text), _) => assert_eq!(*text, whole),
                    (Ok(url), Err(_)) => panic!("{whole} does not parse, yet gave {url}"),
                }
            }
        }
    }

    #[test]
    fn only_what_reads_as_a_path_is_read_against_the_base_url() {
        let list = Operation {
            id: "list",
            method: Method::GET,
            path: "/files",
            idempotent: true,
            server: None,
        };
        let client = |base| HttpClient::new(ClientConfig::new(base), NoCredential).expect("builds");
        let local = client("http://127.0.0.1:9");
        assert!(local.url(&list, "/tickets/k7m2p9x4q1").is_ok());
        assert!(local.url(&list, "//elsewhere.example/x").is_err());
        assert!(local.url(&list, "/\\elsewhere.example/x").is_err());
        let versioned = client("https://api.example.com/v1");
        assert!(
            versioned.url(&list, "//files").is_ok(),
            "after `/v1`, `//` is a path"
        );
        assert!(
            client("https://api.example.com/v1?key=1")
                .url(&list, "/files")
                .is_err()
        );
    }

    #[test]
    fn operations_with_servers_of_their_own_go_there_unless_the_base_url_was_chosen() {
        let upload = |server| Operation {
            id: "upload",
            method: Method::POST,
            path: "/files",
            idempotent: false,
            server: Some(server),
        };
        let api = "https://api.example.com/v1";
        let own =
            HttpClient::new(ClientConfig::new(api).api_server(api), NoCredential).expect("builds");
        assert_eq!(
            text(own.url(&upload("https://uploads.example.com/"), "/files")),
            "https://uploads.example.com/files"
        );
        assert_eq!(
            text(own.url(&upload("/upload/v1"), "/files")),
            "https://api.example.com/upload/v1/files",
            "a relative server is read from the base URL's origin"
        );
        let list = Operation {
            server: None,
            ..upload("unused")
        };
        assert_eq!(
            text(own.url(&list, "/files")),
            "https://api.example.com/v1/files"
        );
        let mock = HttpClient::new(
            ClientConfig::new("http://127.0.0.1:9").api_server(api),
            NoCredential,
        )
        .expect("builds");
        assert_eq!(
            text(mock.url(&upload("https://uploads.example.com"), "/files")),
            "http://127.0.0.1:9/files",
            "a base URL of the caller's choosing serves every operation"
        );
    }

    /// A key sent as the `api_key` query parameter.
    struct QueryKey;

    impl Credential for QueryKey {
        fn into_authentication(self, _: &[(&str, &str)]) -> Authentication {
            Authentication::Query {
                name: "api_key".to_owned(),
                value: Secret::from("do_not_print"),
            }
        }
    }

    #[tokio::test]
    async fn a_key_in_the_query_stays_out_of_transport_errors() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let config =
            ClientConfig::new(format!("http://127.0.0.1:{port}")).retry(RetryPolicy::disabled());
        let client = HttpClient::new(config, QueryKey).expect("builds");
        let operation = Operation {
            id: "listThings",
            method: Method::GET,
            path: "/things",
            idempotent: true,
            server: None,
        };
        let request = client.request(&operation, "/things?page=1");
        let error = client
            .send::<std::convert::Infallible>(&operation, request)
            .await
            .expect_err("nothing listens there");
        let source = std::error::Error::source(&error).map(ToString::to_string);
        let text = format!("{error} {error:?} {source:?}");
        assert!(matches!(error, Error::Transport(_)), "{text}");
        assert!(!text.contains("do_not_print"), "{text}");
    }

    #[test]
    fn an_invalid_default_header_is_refused() {
        let client = HttpClient::new(ClientConfig::new("https://api.example.com"), NoCredential)
            .expect("builds");
        let error = client
            .with_default_header("X-Locale", "en\r\nX-Evil: 1")
            .expect_err("a line break is refused");
        assert!(
            error.to_string().starts_with("`X-Locale` must be"),
            "{error}"
        );
    }
}
