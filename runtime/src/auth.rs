//! Credentials: what a generated credential type turns into, and how it goes on a request.
//!
//! Each security scheme of an API becomes a credential type in the generated crate's `auth`
//! module. The type knows its scheme (a bearer key, an API key in a header, an OAuth 2.0 client);
//! this module knows how to put each kind on the wire.

use crate::oauth2::{ClientCredentials, TokenCache, TokenError};
use crate::secret::Secret;
use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;

/// A credential a generated `Client` can be built with.
///
/// Implemented by the credential types of each generated crate's `auth` module, and by
/// [`NoCredential`] for operations that need none.
pub trait Credential {
    /// How requests carry this credential. `server_variables` are the values of the server URL's
    /// `{name}` placeholders, which an OAuth 2.0 token URL may use too.
    fn into_authentication(self, server_variables: &[(&str, &str)]) -> Authentication;
}

/// No credential: requests go out unauthenticated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoCredential;

impl Credential for NoCredential {
    fn into_authentication(self, _: &[(&str, &str)]) -> Authentication {
        Authentication::None
    }
}

/// How a request is authenticated. Every secret in it is a [`Secret`], so its `Debug` output
/// never shows one.
#[derive(Clone)]
pub enum Authentication {
    /// Nothing is added.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic <base64 of user:password>`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// An API key in a header, or `Authorization` with another HTTP scheme's credentials.
    Header {
        /// The header's name.
        name: String,
        /// The key.
        value: Secret,
    },
    /// An API key in a query parameter.
    Query {
        /// The parameter's name.
        name: String,
        /// The key.
        value: Secret,
    },
    /// An API key in a cookie.
    Cookie {
        /// The cookie's name.
        name: String,
        /// The key.
        value: Secret,
    },
    /// A bearer token obtained with the OAuth 2.0 client-credentials grant, cached and refreshed.
    OAuth2(Arc<TokenCache>),
}

impl Authentication {
    /// Bearer tokens fetched with `credentials`; one cache serves every request of the client.
    pub fn client_credentials(credentials: ClientCredentials) -> Self {
        Self::OAuth2(Arc::new(TokenCache::new(credentials)))
    }

    /// Whether every request can carry this credential; the reason when it cannot (a header or
    /// cookie name not valid in HTTP, a key with a line break…), so that a client is never built
    /// that would send its requests without it.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        match self {
            Self::None | Self::OAuth2(_) => Ok(()),
            Self::Bearer(_) | Self::Basic { .. } => self
                .fixed_header()
                .map(drop)
                .ok_or("the credential is not a valid `Authorization` header value"),
            Self::Header { name, .. } => {
                HeaderName::try_from(name.as_str())
                    .map_err(|_| "the key's header name is not a valid HTTP header name")?;
                self.fixed_header()
                    .map(drop)
                    .ok_or("the key is not a valid HTTP header value")
            }
            Self::Query { name, .. } if name.is_empty() => {
                Err("the key's query parameter has no name")
            }
            Self::Query { .. } => Ok(()),
            Self::Cookie { name, value } => {
                if name.is_empty() || !name.bytes().all(is_cookie_name_byte) {
                    return Err("the key's cookie name is not a valid cookie name (RFC 6265)");
                }
                HeaderValue::from_str(&format!("{name}={}", value.expose()))
                    .map(drop)
                    .map_err(|_| "the key is not a valid cookie value")
            }
        }
    }

    /// The header this credential adds to every request when that header never changes (a bearer
    /// key, basic credentials, a key in a header), so it is built once rather than per request.
    /// `None` for the schemes that depend on the request or on time, and for a credential that is
    /// not a valid header value (which [`Self::apply`] leaves out too).
    pub(crate) fn fixed_header(&self) -> Option<(HeaderName, HeaderValue)> {
        let (name, mut value) = match self {
            Self::Bearer(token) => (AUTHORIZATION, bearer(token)?),
            Self::Basic { username, password } => (AUTHORIZATION, basic(username, password)?),
            Self::Header { name, value } => (
                HeaderName::try_from(name.as_str()).ok()?,
                HeaderValue::from_str(value.expose()).ok()?,
            ),
            Self::None | Self::Query { .. } | Self::Cookie { .. } | Self::OAuth2(_) => return None,
        };
        value.set_sensitive(true);
        Some((name, value))
    }

    /// Adds the credential to `request`, fetching an access token first if the scheme needs one
    /// (its response read up to `body_limit` bytes, and no more than
    /// [`TokenCache::MAX_RESPONSE_BODY`]). Returns the token used, so a 401 answer can ask for
    /// a fresh one.
    pub(crate) async fn apply(
        &self,
        http: &reqwest::Client,
        request: &mut reqwest::Request,
        body_limit: usize,
    ) -> Result<Option<Secret>, TokenError> {
        match self {
            Self::None => {}
            Self::Bearer(token) => set_bearer(request, token),
            Self::Basic { username, password } => {
                if let Some(mut value) = basic(username, password) {
                    value.set_sensitive(true);
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
            }
            Self::Header { name, value } => {
                if let (Ok(name), Ok(mut value)) = (
                    HeaderName::try_from(name.as_str()),
                    HeaderValue::from_str(value.expose()),
                ) {
                    value.set_sensitive(true);
                    request.headers_mut().insert(name, value);
                }
            }
            Self::Query { name, value } => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(name, value.expose());
            }
            Self::Cookie { name, value } => {
                // One `Cookie` header for all cookies (RFC 6265): the key joins the operation's
                // cookie parameters, if it has any.
                let key = format!("{name}={}", value.expose());
                let cookie = match request
                    .headers()
                    .get(reqwest::header::COOKIE)
                    .and_then(|existing| existing.to_str().ok())
                {
                    Some(existing) => format!("{existing}; {key}"),
                    None => key,
                };
                if let Ok(mut value) = HeaderValue::from_str(&cookie) {
                    value.set_sensitive(true);
                    request.headers_mut().insert(reqwest::header::COOKIE, value);
                }
            }
            Self::OAuth2(cache) => {
                let limit = body_limit.min(TokenCache::MAX_RESPONSE_BODY);
                let token = cache.token_within(http, limit).await?;
                set_bearer(request, &token);
                return Ok(Some(token));
            }
        }
        Ok(None)
    }

    /// After a 401 to a request sent with `rejected`: a fresh token, when the scheme can get one.
    pub(crate) async fn refresh(
        &self,
        http: &reqwest::Client,
        rejected: &Secret,
        body_limit: usize,
    ) -> Option<Result<Secret, TokenError>> {
        match self {
            Self::OAuth2(cache) => {
                let limit = body_limit.min(TokenCache::MAX_RESPONSE_BODY);
                Some(cache.refresh_within(http, rejected, limit).await)
            }
            _ => None,
        }
    }
}

/// A byte of an RFC 6265 cookie name (an RFC 9110 token): visible ASCII but separators.
fn is_cookie_name_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&byte)
}

/// Replaces the `Authorization` header with `Bearer <token>`, marked sensitive so reqwest's own
/// `Debug` output redacts it.
pub(crate) fn set_bearer(request: &mut reqwest::Request, token: &Secret) {
    if let Some(mut value) = bearer(token) {
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
    }
}

/// `Bearer <token>`, when that is a valid header value.
fn bearer(token: &Secret) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("Bearer {}", token.expose())).ok()
}

/// `Basic <base64 of user:password>`, when that is a valid header value.
fn basic(username: &str, password: &Secret) -> Option<HeaderValue> {
    let credentials = format!("{username}:{}", password.expose());
    let encoded = BASE64_STANDARD.encode(credentials);
    HeaderValue::from_str(&format!("Basic {encoded}")).ok()
}

impl fmt::Debug for Authentication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Bearer(token) => f.debug_tuple("Bearer").field(token).finish(),
            Self::Basic { username, password } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", password)
                .finish(),
            Self::Header { name, value } => f
                .debug_struct("Header")
                .field("name", name)
                .field("value", value)
                .finish(),
            Self::Query { name, value } => f
                .debug_struct("Query")
                .field("name", name)
                .field("value", value)
                .finish(),
            Self::Cookie { name, value } => f
                .debug_struct("Cookie")
                .field("name", name)
                .field("value", value)
                .finish(),
            Self::OAuth2(cache) => f.debug_tuple("OAuth2").field(cache).finish(),
        }
    }
}

/// Why a key was refused when its credential was built. It never contains the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key is empty.
    #[error("the {scheme} key is empty")]
    Empty {
        /// The security scheme's name in the API description.
        scheme: &'static str,
    },
    /// The key does not start with the prefix the API description declares for the scheme.
    #[error("a {scheme} key must start with `{prefix}`")]
    Prefix {
        /// The security scheme's name in the API description.
        scheme: &'static str,
        /// The prefix every key of the scheme starts with.
        prefix: &'static str,
    },
    /// The key holds a character that cannot travel in an HTTP header (a control character or
    /// a line break).
    #[error("the {scheme} key holds a character that cannot be sent in an HTTP header")]
    Unsendable {
        /// The security scheme's name in the API description.
        scheme: &'static str,
    },
}

/// Checks a key for the security scheme `scheme` before a credential is built from it: not
/// empty, sendable in a header, and starting with `prefix` when the scheme declares one.
pub fn check_key(
    scheme: &'static str,
    key: impl Into<Secret>,
    prefix: Option<&'static str>,
) -> Result<Secret, KeyError> {
    let key = key.into();
    let text = key.expose();
    if text.is_empty() {
        return Err(KeyError::Empty { scheme });
    }
    if HeaderValue::from_str(text).is_err() {
        return Err(KeyError::Unsendable { scheme });
    }
    if let Some(prefix) = prefix
        && !text.starts_with(prefix)
    {
        return Err(KeyError::Prefix { scheme, prefix });
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_do_not_print";

    #[test]
    fn keys_are_checked_without_being_repeated() {
        assert!(check_key("secretKey", KEY, Some("sk_")).is_ok());
        let cases = [
            (
                check_key("secretKey", "pk_live_do_not_print", Some("sk_")),
                "a secretKey key must start with `sk_`",
            ),
            (
                check_key("secretKey", "", Some("sk_")),
                "the secretKey key is empty",
            ),
            (
                check_key("secretKey", "sk_live\ndo_not_print", Some("sk_")),
                "the secretKey key holds a character that cannot be sent in an HTTP header",
            ),
        ];
        for (result, message) in cases {
            let error = result.expect_err("the key is refused");
            assert_eq!(error.to_string(), message);
            assert!(!format!("{error:?}").contains("do_not_print"));
        }
    }

    #[tokio::test]
    async fn a_cookie_key_joins_the_cookies_already_set() {
        let http = reqwest::Client::new();
        let mut request = http
            .get("https://api.example.com/things")
            .header(reqwest::header::COOKIE, "lang=en")
            .build()
            .expect("a request");
        let key = Authentication::Cookie {
            name: "session".to_owned(),
            value: Secret::from(KEY),
        };
        key.apply(&http, &mut request, usize::MAX)
            .await
            .expect("applied");
        let cookies: Vec<_> = request
            .headers()
            .get_all(reqwest::header::COOKIE)
            .iter()
            .collect();
        assert_eq!(cookies.len(), 1);
        assert_eq!(cookies[0], format!("lang=en; session={KEY}").as_str());
    }

    #[tokio::test]
    async fn a_fixed_header_is_the_one_apply_sets() {
        let http = reqwest::Client::new();
        let fixed = [
            Authentication::Bearer(Secret::from(KEY)),
            Authentication::Basic {
                username: "user".to_owned(),
                password: Secret::from(KEY),
            },
            Authentication::Header {
                name: "X-Api-Key".to_owned(),
                value: Secret::from(KEY),
            },
        ];
        for authentication in fixed {
            let mut request = http
                .get("https://api.example.com/")
                .build()
                .expect("a request");
            authentication
                .apply(&http, &mut request, usize::MAX)
                .await
                .expect("applied");
            let (name, value) = authentication.fixed_header().expect("a fixed header");
            assert!(value.is_sensitive(), "{name} is redacted in debug output");
            assert_eq!(request.headers().get(&name), Some(&value));
        }
        let per_request = [
            Authentication::None,
            Authentication::Query {
                name: "key".to_owned(),
                value: Secret::from(KEY),
            },
            Authentication::Cookie {
                name: "session".to_owned(),
                value: Secret::from(KEY),
            },
            Authentication::Bearer(Secret::from("line\nbreak")),
        ];
        for authentication in per_request {
            assert!(
                authentication.fixed_header().is_none(),
                "{authentication:?}"
            );
        }
    }

    #[test]
    fn debug_output_hides_every_secret() {
        let all = [
            Authentication::Bearer(Secret::from(KEY)),
            Authentication::Header {
                name: "X-Api-Key".to_owned(),
                value: Secret::from(KEY),
            },
            Authentication::Query {
                name: "key".to_owned(),
                value: Secret::from(KEY),
            },
            Authentication::Cookie {
                name: "session".to_owned(),
                value: Secret::from(KEY),
            },
            Authentication::client_credentials(ClientCredentials::new(
                "https://auth.example.com/token",
                "client",
                KEY,
            )),
        ];
        for authentication in all {
            let debug = format!("{authentication:?}");
            assert!(!debug.contains(KEY), "{debug}");
        }
    }

    #[test]
    fn a_credential_that_cannot_be_sent_is_named_before_any_request() {
        let unsendable = [
            Authentication::Header {
                name: "X Api Key".to_owned(),
                value: Secret::from(KEY),
            },
            Authentication::Header {
                name: "X-Api-Key".to_owned(),
                value: Secret::from("line\nbreak"),
            },
            Authentication::Bearer(Secret::from("line\nbreak")),
            Authentication::Query {
                name: String::new(),
                value: Secret::from(KEY),
            },
            Authentication::Cookie {
                name: "a;b".to_owned(),
                value: Secret::from(KEY),
            },
            Authentication::Cookie {
                name: "session".to_owned(),
                value: Secret::from("x\ry"),
            },
        ];
        for authentication in unsendable {
            let reason = authentication.check().expect_err("refused");
            assert!(!reason.contains(KEY), "{reason}");
        }
        for sendable in [
            Authentication::None,
            Authentication::Header {
                name: "X-Api-Key".to_owned(),
                value: Secret::from(KEY),
            },
            Authentication::Cookie {
                name: "session_id".to_owned(),
                value: Secret::from(KEY),
            },
        ] {
            assert_eq!(sendable.check(), Ok(()), "{sendable:?}");
        }
    }
}
