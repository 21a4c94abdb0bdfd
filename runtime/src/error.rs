//! The error every generated operation returns.

use crate::oauth2::TokenError;
use crate::response::request_id;
use crate::validate::ValidationError;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;
use std::time::Duration;

/// Why a call failed. `E` is the operation's own enum of documented error responses.
///
/// Whatever the server answered is kept: status, headers and the raw body, decoded or not.
/// New kinds of failure may be added, so a `match` on it needs a `_` arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request was refused before sending: a value breaks a rule of the API description.
    #[error("invalid request: {0}")]
    InvalidRequest(ValidationError),
    /// No access token could be obtained for the request, so it was not sent.
    #[error("no access token: {0}")]
    Authentication(#[source] TokenError),
    /// The request could not be sent, or the response could not be read (connection, TLS, timeout).
    #[error("request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The server answered with an error status the API documents, and its body decoded.
    #[error("{0}")]
    Api(ApiError<E>),
    /// The server answered with a status the API does not document for this operation.
    #[error("the server answered with undocumented status {}{}", .0.status, .0.request_id_note())]
    UnexpectedStatus(RawResponse),
    /// The response body is larger than the client reads (see
    /// [`ClientConfig::max_response_body`](crate::ClientConfig::max_response_body)); reading
    /// stopped at the limit, and the rest was never held in memory.
    #[error("the {status} response body is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The call, with all its retries, did not finish within the client's deadline (see
    /// [`ClientConfig::deadline`](crate::ClientConfig::deadline)).
    #[error("the call did not finish within its deadline of {0:?}")]
    DeadlineExceeded(Duration),
    /// The body does not match the documented schema for its status.
    #[error("the {} response body does not match the API description: {source}{}", raw.status, raw.request_id_note())]
    Decode {
        /// What the server sent.
        raw: RawResponse,
        /// What did not match.
        #[source]
        source: serde_json::Error,
    },
}

impl<E> Error<E> {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(error) => Some(error.status),
            Self::UnexpectedStatus(raw) | Self::Decode { raw, .. } => Some(raw.status),
            Self::ResponseTooLarge { status, .. } => Some(*status),
            Self::Transport(error) => error.status(),
            Self::InvalidRequest(_) | Self::Authentication(_) | Self::DeadlineExceeded(_) => None,
        }
    }

    /// The documented error body, when the server sent one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api(error) => Some(&error.body),
            _ => None,
        }
    }

    /// Whether the request timed out: an attempt's timeout, the stall timeout or the call's
    /// deadline.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Transport(error) => error.is_timeout(),
            Self::DeadlineExceeded(_) => true,
            _ => false,
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(error: reqwest::Error) -> Self {
        Self::Transport(error)
    }
}

/// A documented error response: status, headers and the decoded body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body, as the operation's error enum.
    pub body: E,
}

impl<E> ApiError<E> {
    /// The server's id for the request, from the usual request-id headers.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }
}

impl<E: fmt::Display> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered with error {}", self.body)?;
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// A response kept as received: status, headers and body bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, unread.
    pub body: Bytes,
}

impl RawResponse {
    /// The server's id for the request, from the usual request-id headers.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn request_id_note(&self) -> String {
        self.request_id()
            .map(|id| format!(" (request id {id})"))
            .unwrap_or_default()
    }
}
