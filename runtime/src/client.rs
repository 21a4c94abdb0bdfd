//! The HTTP client a generated `Client` wraps, and its configuration.

use crate::error::{ApiError, Error, RawResponse};
use crate::response::Response;
use crate::secret::Secret;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// How to reach the API: base URL, credentials, default headers and timeouts.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    base_url: String,
    bearer_token: Option<Secret>,
    default_headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl ClientConfig {
    /// Default timeout for a whole request.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default timeout for establishing a connection.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A configuration for the server at `base_url`, e.g. `https://api.example.com/v1`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            bearer_token: None,
            default_headers: Vec::new(),
            timeout: Some(Self::DEFAULT_TIMEOUT),
            connect_timeout: Some(Self::DEFAULT_CONNECT_TIMEOUT),
            http: None,
        }
    }

    /// Replaces the base URL.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sends `Authorization: Bearer <token>` with every request.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.bearer_token = Some(token.into());
        self
    }

    /// Sends `name: value` with every request (a parameter set on one call takes precedence).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The timeout for a whole request, or `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout for establishing a connection, or `None` for no limit.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends through this `reqwest::Client` (timeouts set here are then not applied).
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
        /// The URL given.
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
    /// The HTTP client could not be set up (e.g. no TLS backend).
    #[error("the HTTP client could not be built: {0}")]
    Http(#[from] reqwest::Error),
}

/// Sends requests to one API server, adding the base URL, credentials and default headers.
#[derive(Debug, Clone)]
pub struct HttpClient {
    http: reqwest::Client,
    base_url: String,
    bearer_token: Option<Secret>,
    default_headers: HeaderMap,
}

impl HttpClient {
    /// A client from `config`.
    pub fn new(config: ClientConfig) -> Result<Self, BuildError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        reqwest::Url::parse(&base_url).map_err(|error| BuildError::BaseUrl {
            url: config.base_url.clone(),
            reason: error.to_string(),
        })?;
        let mut default_headers = HeaderMap::new();
        for (name, value) in &config.default_headers {
            let invalid = || BuildError::Header { name: name.clone() };
            let header_name = HeaderName::try_from(name.as_str()).map_err(|_| invalid())?;
            let header_value = HeaderValue::try_from(value.as_str()).map_err(|_| invalid())?;
            default_headers.insert(header_name, header_value);
        }
        let http = match config.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = config.timeout {
                    builder = builder.timeout(timeout);
                }
                if let Some(timeout) = config.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build()?
            }
        };
        Ok(Self {
            http,
            base_url,
            bearer_token: config.bearer_token,
            default_headers,
        })
    }

    /// The base URL requests are sent to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A request for `path` (already encoded, starting with `/`) with credentials and default headers.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .headers(self.default_headers.clone());
        if let Some(token) = &self.bearer_token {
            // reqwest marks the header sensitive, so it is redacted from its Debug output too.
            request = request.bearer_auth(token.expose());
        }
        request
    }

    /// Sends `request`; any status is a received response, only transport failures are errors.
    pub async fn send<E>(&self, request: RequestBuilder) -> Result<ReceivedResponse, Error<E>> {
        let response = request.send().await?;
        Ok(ReceivedResponse { response })
    }
}

/// A response whose status is known and whose body is not read yet.
#[derive(Debug)]
pub struct ReceivedResponse {
    response: reqwest::Response,
}

impl ReceivedResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// Decodes a JSON success body.
    pub async fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let raw = self.read().await?;
        match serde_json::from_slice(&raw.body) {
            Ok(body) => Ok(Response::new(raw.status, raw.headers, body)),
            Err(source) => Err(Error::Decode { raw, source }),
        }
    }

    /// A success without a body the client reads.
    pub async fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        let raw = self.read().await?;
        Ok(Response::new(raw.status, raw.headers, ()))
    }

    /// Decodes a documented error body and wraps it with `variant`.
    pub async fn error<B: DeserializeOwned, E>(self, variant: impl FnOnce(B) -> E) -> Error<E> {
        let raw = match self.read().await {
            Ok(raw) => raw,
            Err(error) => return error,
        };
        match serde_json::from_slice(&raw.body) {
            Ok(body) => Error::Api(ApiError {
                status: raw.status,
                headers: raw.headers,
                body: variant(body),
            }),
            Err(source) => Error::Decode { raw, source },
        }
    }

    /// A documented error without a body the client reads.
    pub async fn error_without_body<E>(self, variant: E) -> Error<E> {
        match self.read().await {
            Ok(raw) => Error::Api(ApiError {
                status: raw.status,
                headers: raw.headers,
                body: variant,
            }),
            Err(error) => error,
        }
    }

    /// A status the operation does not document.
    pub async fn unexpected<E>(self) -> Error<E> {
        match self.read().await {
            Ok(raw) => Error::UnexpectedStatus(raw),
            Err(error) => error,
        }
    }

    async fn read<E>(self) -> Result<RawResponse, Error<E>> {
        let status = self.response.status();
        let headers = self.response.headers().clone();
        let body = self.response.bytes().await?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}
