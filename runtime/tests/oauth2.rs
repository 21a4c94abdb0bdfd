//! The client-credentials grant against a local token endpoint: what is sent, when a token is
//! reused or replaced, that concurrent callers share one token request, that a failure is shared
//! while the endpoint is left alone, and that neither the client secret nor a token ever shows
//! in Debug output or error messages. (Endpoints that stall, refuse or flood are in
//! `hostile_servers.rs`.)

use client_runtime::{ClientCredentials, Secret, TokenCache, TokenError};
use percent_encoding::percent_decode_str;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "client id:1";
/// Characters that need form-urlencoding, so the Basic credentials show whether it was applied.
const CLIENT_SECRET: &str = "s3cr3t/+&=:é";

fn credentials(server: &MockServer) -> ClientCredentials {
    ClientCredentials::new(format!("{}/token", server.uri()), CLIENT_ID, CLIENT_SECRET)
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("the HTTP client builds")
}

fn bearer(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
}

/// Answers `token-1`, `token-2`, … in turn, with `expires_in` when given.
struct NumberedTokens {
    issued: AtomicUsize,
    expires_in: Option<u64>,
    delay: Duration,
}

impl NumberedTokens {
    fn new(expires_in: Option<u64>) -> Self {
        Self {
            issued: AtomicUsize::new(0),
            expires_in,
            delay: Duration::ZERO,
        }
    }

    /// Answers only after `delay`, so that concurrent callers overlap.
    fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

impl Respond for NumberedTokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let number = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let mut body = json!({"access_token": format!("token-{number}"), "token_type": "bearer"});
        if let Some(expires_in) = self.expires_in {
            body["expires_in"] = json!(expires_in);
        }
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(self.delay)
    }
}

async fn token_endpoint(responder: impl Respond + 'static, requests: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(responder)
        .expect(requests)
        .mount(&server)
        .await;
    server
}

async fn requests_received(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .expect("the mock server records requests")
        .len()
}

fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    let decode = |text: &str| {
        percent_decode_str(&text.replace('+', " "))
            .decode_utf8()
            .expect("form values are UTF-8")
            .into_owned()
    };
    std::str::from_utf8(body)
        .expect("the form body is ASCII")
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("each field has a value");
            (decode(name), decode(value))
        })
        .collect()
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut bits, mut bit_count, mut bytes) = (0_u32, 0_u32, Vec::new());
    for character in text.bytes().filter(|&character| character != b'=') {
        let value = ALPHABET
            .iter()
            .position(|&letter| letter == character)
            .expect("a base64 character");
        bits = (bits << 6) | value as u32;
        bit_count += 6;
        if bit_count >= 8 {
            bit_count -= 8;
            bytes.push((bits >> bit_count) as u8);
            bits &= (1 << bit_count) - 1;
        }
    }
    bytes
}

#[tokio::test]
async fn the_token_request_is_a_form_post_with_basic_client_authentication() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(header("accept", "application/json"))
        .respond_with(bearer("tok_first"))
        .expect(1)
        .mount(&server)
        .await;
    let cache = TokenCache::new(credentials(&server).scopes(["read", "write:all"]));

    let token = cache.token(&http()).await.expect("a token");

    assert_eq!(token.expose(), "tok_first");
    let requests = server.received_requests().await.expect("recorded");
    let request = &requests[0];
    let authorization = request
        .headers
        .get("authorization")
        .expect("an Authorization header")
        .to_str()
        .expect("ASCII");
    let encoded = authorization
        .strip_prefix("Basic ")
        .expect("Basic authentication");
    // RFC 6749 §2.3.1: each part form-urlencoded, then joined by `:`.
    assert_eq!(
        String::from_utf8(base64_decode(encoded)).expect("UTF-8"),
        "client%20id%3A1:s3cr3t%2F%2B%26%3D%3A%C3%A9"
    );
    assert_eq!(
        form_fields(&request.body),
        [
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("scope".to_owned(), "read write:all".to_owned()),
        ]
    );
}

#[tokio::test]
async fn without_scopes_no_scope_field_is_sent() {
    let server = token_endpoint(bearer("tok"), 1).await;
    TokenCache::new(credentials(&server))
        .token(&http())
        .await
        .expect("a token");

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        form_fields(&requests[0].body),
        [("grant_type".to_owned(), "client_credentials".to_owned())]
    );
}

#[tokio::test]
async fn a_fresh_token_is_reused() {
    let server = token_endpoint(NumberedTokens::new(Some(3600)), 1).await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();

    let first = cache.token(&http).await.expect("a token");
    let second = cache.token(&http).await.expect("a token");

    assert_eq!(first.expose(), "token-1");
    assert_eq!(second.expose(), "token-1");
}

#[tokio::test]
async fn a_token_is_replaced_once_its_refresh_margin_is_reached() {
    // Lifetime 2 s, so the margin is 1 s: reused at once, replaced after 1.1 s.
    let server = token_endpoint(NumberedTokens::new(Some(2)), 2).await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();

    assert_eq!(
        cache.token(&http).await.expect("a token").expose(),
        "token-1"
    );
    assert_eq!(
        cache.token(&http).await.expect("a token").expose(),
        "token-1"
    );
    assert_eq!(requests_received(&server).await, 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        cache.token(&http).await.expect("a token").expose(),
        "token-2"
    );
}

#[tokio::test]
async fn an_expires_in_string_counts_as_a_lifetime() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "tok", "token_type": "bearer", "expires_in": "2"}),
        ))
        .expect(2)
        .mount(&server)
        .await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();

    cache.token(&http).await.expect("a token");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    cache.token(&http).await.expect("a token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_token_request() {
    let responder = NumberedTokens::new(Some(3600)).delayed(Duration::from_millis(200));
    let server = token_endpoint(responder, 1).await;
    let cache = Arc::new(TokenCache::new(credentials(&server)));
    let http = http();

    let callers: Vec<_> = (0..50)
        .map(|_| {
            let (cache, http) = (Arc::clone(&cache), http.clone());
            tokio::spawn(async move { cache.token(&http).await })
        })
        .collect();
    for caller in callers {
        let token = caller.await.expect("the caller ran").expect("a token");
        assert_eq!(token.expose(), "token-1");
    }
}

#[tokio::test]
async fn a_cancelled_caller_leaves_its_token_request_to_the_next_one() {
    let responder = NumberedTokens::new(Some(3600)).delayed(Duration::from_millis(300));
    let server = token_endpoint(responder, 1).await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();

    let cancelled = tokio::time::timeout(Duration::from_millis(50), cache.token(&http)).await;
    let token = cache.token(&http).await.expect("a token");

    assert!(cancelled.is_err(), "the first caller gave up");
    assert_eq!(
        token.expose(),
        "token-1",
        "the request under way is not sent again"
    );
}

#[tokio::test]
async fn a_token_without_expiry_is_reused_until_it_is_rejected() {
    let server = token_endpoint(NumberedTokens::new(None), 2).await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();

    let first = cache.token(&http).await.expect("a token");
    assert_eq!(cache.token(&http).await.expect("a token"), first);

    let replaced = cache.refresh(&http, &first).await.expect("a new token");
    assert_eq!(replaced.expose(), "token-2");
    assert_eq!(cache.token(&http).await.expect("a token"), replaced);
}

#[tokio::test]
async fn concurrent_refreshes_of_one_rejected_token_make_one_request() {
    let responder = NumberedTokens::new(None).delayed(Duration::from_millis(100));
    let server = token_endpoint(responder, 2).await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();
    let rejected = cache.token(&http).await.expect("a token");

    let (first, second) = tokio::join!(
        cache.refresh(&http, &rejected),
        cache.refresh(&http, &rejected)
    );

    assert_eq!(first.expect("a new token").expose(), "token-2");
    assert_eq!(second.expect("a new token").expose(), "token-2");
}

#[tokio::test]
async fn refreshing_an_already_replaced_token_returns_the_current_one() {
    let server = token_endpoint(NumberedTokens::new(Some(3600)), 2).await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();
    let old = cache.token(&http).await.expect("a token");
    let current = cache.refresh(&http, &old).await.expect("a new token");
    assert_eq!(requests_received(&server).await, 2);

    let again = cache.refresh(&http, &old).await.expect("the current token");

    assert_eq!(again, current);
    assert_eq!(again.expose(), "token-2");
    assert_eq!(requests_received(&server).await, 2);
}

#[tokio::test]
async fn a_refusal_keeps_the_oauth_error_code_and_description() {
    let body = json!({"error": "invalid_client", "error_description": "bad secret"});
    let server = token_endpoint(ResponseTemplate::new(401).set_body_json(&body), 1).await;

    let error = TokenCache::new(credentials(&server))
        .token(&http())
        .await
        .expect_err("the endpoint refuses");

    let TokenError::Rejected {
        status,
        error: code,
        description,
        body: received,
    } = &error
    else {
        panic!("expected Rejected, got {error:?}");
    };
    assert_eq!(status.as_u16(), 401);
    assert_eq!(code.as_deref(), Some("invalid_client"));
    assert_eq!(description.as_deref(), Some("bad secret"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(received).expect("JSON"),
        body
    );
    assert_eq!(
        error.to_string(),
        "the token endpoint refused with status 401 Unauthorized: invalid_client (bad secret)"
    );
}

#[tokio::test]
async fn a_refusal_without_an_oauth_error_body_keeps_the_body() {
    let server = token_endpoint(ResponseTemplate::new(503).set_body_string("busy"), 1).await;

    let error = TokenCache::new(credentials(&server))
        .token(&http())
        .await
        .expect_err("the endpoint refuses");

    assert!(
        matches!(
            &error,
            TokenError::Rejected { status, error: None, description: None, body }
                if status.as_u16() == 503 && body.as_ref() == b"busy"
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_success_response_that_is_not_json_is_malformed() {
    let server = token_endpoint(ResponseTemplate::new(200).set_body_string("<html>"), 1).await;

    let error = TokenCache::new(credentials(&server))
        .token(&http())
        .await
        .expect_err("not a token response");

    assert!(
        matches!(
            &error,
            TokenError::Malformed { status, body, .. }
                if status.as_u16() == 200 && body.as_ref() == b"<html>"
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_token_type_other_than_bearer_is_malformed() {
    let body = json!({"access_token": "tok_mac", "token_type": "mac", "expires_in": 60});
    let server = token_endpoint(ResponseTemplate::new(200).set_body_json(body), 1).await;

    let error = TokenCache::new(credentials(&server))
        .token(&http())
        .await
        .expect_err("not a bearer token");

    let TokenError::Malformed { reason, .. } = &error else {
        panic!("expected Malformed, got {error:?}");
    };
    assert!(reason.contains("`mac`"), "{reason}");
}

#[tokio::test]
async fn a_response_without_an_access_token_is_malformed() {
    let body = json!({"token_type": "bearer"});
    let server = token_endpoint(ResponseTemplate::new(200).set_body_json(body), 1).await;

    let error = TokenCache::new(credentials(&server))
        .token(&http())
        .await
        .expect_err("no token");

    assert!(matches!(error, TokenError::Malformed { .. }), "{error:?}");
}

/// A URL on which nothing listens: the port was just free.
fn unreachable_token_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/token")
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_transport_error() {
    let cache = TokenCache::new(ClientCredentials::new(
        unreachable_token_url(),
        CLIENT_ID,
        CLIENT_SECRET,
    ));

    let error = cache.token(&http()).await.expect_err("nothing listens");

    assert!(matches!(error, TokenError::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn a_failed_token_request_is_shared_until_its_backoff_has_passed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(bearer("tok_after_failure"))
        .expect(1)
        .mount(&server)
        .await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();

    let failure = cache
        .token(&http)
        .await
        .expect_err("the first request fails");
    let again = cache
        .token(&http)
        .await
        .expect_err("within the backoff, the same failure");
    assert_eq!(requests_received(&server).await, 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let token = cache.token(&http).await.expect("after it, a new request");

    assert!(
        matches!(failure, TokenError::Rejected { .. }),
        "{failure:?}"
    );
    assert_eq!(again.to_string(), failure.to_string());
    assert_eq!(token.expose(), "tok_after_failure");
}

#[tokio::test]
async fn a_failed_refresh_does_not_bring_back_the_rejected_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(bearer("tok_rejected"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(bearer("tok_new"))
        .mount(&server)
        .await;
    let cache = TokenCache::new(credentials(&server));
    let http = http();
    let rejected = cache.token(&http).await.expect("a token");

    cache
        .refresh(&http, &rejected)
        .await
        .expect_err("the refresh fails");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let token = cache.token(&http).await.expect("a new token");

    assert_eq!(token.expose(), "tok_new");
}

#[tokio::test]
async fn neither_the_secret_nor_a_token_shows_in_debug_output_or_errors() {
    const TOKEN: &str = "tok_live_9f8e7d6c5b4a";
    let server = MockServer::start().await;
    Mock::given(path("/ok"))
        .respond_with(bearer(TOKEN))
        .mount(&server)
        .await;
    Mock::given(path("/refused"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"error": "invalid_client", "error_description": "bad secret"}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/mac"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": TOKEN, "token_type": "mac"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/number"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"access_token": 98765432123, "token_type": "bearer"}"#),
        )
        .mount(&server)
        .await;
    Mock::given(path("/html"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("<p>{TOKEN}</p>")))
        .mount(&server)
        .await;
    let at = |endpoint: &str| {
        ClientCredentials::new(
            format!("{}{endpoint}", server.uri()),
            CLIENT_ID,
            CLIENT_SECRET,
        )
    };
    let http = http();
    let assert_hidden = |text: String| {
        for hidden in [CLIENT_SECRET, TOKEN, "98765432123"] {
            assert!(!text.contains(hidden), "{hidden} shows in {text}");
        }
    };

    let credentials = at("/ok").scopes(["read"]);
    assert_hidden(format!("{credentials:?}"));
    let cache = TokenCache::new(credentials);
    let token = cache.token(&http).await.expect("a token");
    assert_eq!(token.expose(), TOKEN);
    assert_hidden(format!("{cache:?}"));
    assert_hidden(format!("{token:?}"));

    let mut errors = Vec::new();
    for endpoint in ["/refused", "/mac", "/number", "/html"] {
        let cache = TokenCache::new(at(endpoint));
        errors.push(cache.token(&http).await.expect_err(endpoint));
    }
    let cache = TokenCache::new(ClientCredentials::new(
        unreachable_token_url(),
        CLIENT_ID,
        CLIENT_SECRET,
    ));
    errors.push(cache.token(&http).await.expect_err("nothing listens"));
    assert!(matches!(errors[0], TokenError::Rejected { .. }));
    assert!(matches!(errors[1], TokenError::Malformed { .. }));
    assert!(matches!(errors[4], TokenError::Transport(_)));
    for error in errors {
        assert_hidden(error.to_string());
        assert_hidden(format!("{error:?}"));
        assert_hidden(format!("{error:#?}"));
    }
}

#[test]
fn token_url_placeholders_are_filled_with_encoded_segments() {
    let credentials = ClientCredentials::new(
        "https://auth.example/{enterprise}/oauth/{region}/token",
        CLIENT_ID,
        Secret::new(CLIENT_SECRET),
    )
    .fill_token_url(&[("enterprise", "acme corp/{region}"), ("tenant", "t1")]);

    assert_eq!(
        credentials.token_url(),
        "https://auth.example/acme%20corp%2F%7Bregion%7D/oauth/{region}/token"
    );
    assert_eq!(credentials.client_id(), CLIENT_ID);
    assert!(credentials.requested_scopes().is_empty());
}

#[test]
fn the_token_cache_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<TokenCache>();
    assert_send_sync::<TokenError>();
}
