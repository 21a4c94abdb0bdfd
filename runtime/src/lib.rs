//! Support code shared by the generated API clients.
//!
//! Generated crates stay thin by calling into this crate for everything that does not depend on
//! the API: the HTTP client and its configuration, credentials that never print, parameter
//! encoding, checks of the API's rules on values sent, response decoding and the error type.

mod client;
pub mod double_option;
mod error;
pub mod nullable;
mod params;
mod response;
mod secret;
pub mod tagged;
pub mod validate;

pub use client::{BuildError, ClientConfig, HttpClient, ReceivedResponse};
pub use error::{ApiError, Error, RawResponse};
pub use params::{ParamValue, Query, encode_path_segment};
pub use reqwest::{self, Method, StatusCode, header::HeaderMap};
pub use response::Response;
pub use secret::Secret;
pub use validate::{Validate, ValidationError};
