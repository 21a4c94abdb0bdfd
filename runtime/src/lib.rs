//! Support code shared by the generated API clients.
//!
//! Generated crates stay thin by calling into this crate for everything that does not depend on
//! the API: the HTTP client and its configuration, credentials that never print, parameter
//! encoding, checks of the API's rules on values sent, response decoding, retries, tracing,
//! pagination and the error type.

pub mod auth;
pub mod body;
mod client;
mod declare;
pub mod decode;
pub mod double_option;
mod error;
pub mod nullable;
pub mod oauth2;
pub mod pagination;
mod params;
mod read;
mod response;
mod retry;
mod secret;
pub mod tagged;
pub mod validate;

pub use auth::{Authentication, Credential, KeyError, NoCredential};
pub use body::{Binary, Multipart};
pub use bytes::{self, Bytes};
pub use client::{
    BuildError, ClientConfig, HttpClient, Operation, ReceivedResponse, same_origin_redirects,
};
pub use error::{ApiError, Error, RawResponse};
pub use futures_core::Stream;
pub use oauth2::{ClientCredentials, TokenCache, TokenError};
pub use pagination::Page;
pub use params::{Cookies, ParamValue, PathSegment, Properties, Query, encode_path_segment};
pub use reqwest::{self, Method, StatusCode, header::HeaderMap};
pub use response::Response;
pub use retry::{RetryBudget, RetryPolicy};
pub use secret::Secret;
pub use validate::{Validate, ValidationError};

/// What the macros of this crate expand to, named from the crate so that a generated crate needs
/// no imports for them.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
