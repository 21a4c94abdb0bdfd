//! Servers that try to hurt the client, on loopback: a redirect to another origin after each kind
//! of credential, a path parameter that climbs out of its path, bodies too large to hold, bodies
//! that trickle or stall, token endpoints that stall, refuse or hand out tokens that expire at
//! once, and a storm of `503`s. Each test fails if the protection it names is taken away.

use client_runtime::{
    Authentication, ClientConfig, ClientCredentials, Credential, Error, HttpClient, Method,
    Operation, RetryPolicy, Secret, TokenError,
};
use serde_json::json;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A credential that nobody but the API's own origin may see.
const KEY: &str = "sk_test_only_for_the_origin";

/// A credential of the runtime's own, of any kind.
struct Given(Authentication);

impl Credential for Given {
    fn into_authentication(self, _: &[(&str, &str)]) -> Authentication {
        self.0
    }
}

/// `GET {path}`, safe to retry.
fn get(path: &'static str) -> Operation {
    Operation {
        id: "hostileGet",
        method: Method::GET,
        path,
        idempotent: true,
        server: None,
    }
}

fn client(config: ClientConfig, authentication: Authentication) -> HttpClient {
    HttpClient::new(config, Given(authentication)).expect("the client builds")
}

/// Sends `GET {path}` with `client`.
async fn call(
    client: &HttpClient,
    path: &'static str,
) -> Result<client_runtime::ReceivedResponse, Error<Infallible>> {
    let operation = get(path);
    let request = client.request(&operation, path);
    client.send(&operation, request).await
}

/// Answers `GET {from}` on `server` with a redirect of `status` to `location`.
async fn redirect(server: &MockServer, from: &str, status: u16, location: &str) {
    Mock::given(path(from))
        .respond_with(ResponseTemplate::new(status).insert_header("Location", location))
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("the mock server records requests")
}

/// A raw TCP server on loopback that runs `answer` on every connection; counts connections.
async fn raw_server<F, Fut>(answer: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer(stream));
        }
    });
    (address, connections)
}

/// Reads a request's head, so that the client does not see its request refused.
async fn read_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
}

// --- Credentials and redirects -------------------------------------------------------------------

/// Every kind of credential the client adds, each with what the origin sees of it.
fn every_credential(token_url: &str) -> Vec<(&'static str, Authentication)> {
    vec![
        (
            "api key header",
            Authentication::Header {
                name: "X-Api-Key".to_owned(),
                value: Secret::from(KEY),
            },
        ),
        ("bearer", Authentication::Bearer(Secret::from(KEY))),
        (
            "basic",
            Authentication::Basic {
                username: "user".to_owned(),
                password: Secret::from(KEY),
            },
        ),
        (
            "query key",
            Authentication::Query {
                name: "api_key".to_owned(),
                value: Secret::from(KEY),
            },
        ),
        (
            "cookie key",
            Authentication::Cookie {
                name: "session".to_owned(),
                value: Secret::from(KEY),
            },
        ),
        (
            "oauth2",
            Authentication::client_credentials(ClientCredentials::new(token_url, "id", KEY)),
        ),
    ]
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_origin() {
    let origin = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": KEY, "token_type": "bearer", "expires_in": 3600}),
        ))
        .mount(&origin)
        .await;
    redirect(
        &origin,
        "/start",
        302,
        &format!("{}/landing", elsewhere.uri()),
    )
    .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&elsewhere)
        .await;

    for (kind, authentication) in every_credential(&format!("{}/token", origin.uri())) {
        let client = client(ClientConfig::new(origin.uri()), authentication);
        let response = call(&client, "/start").await.expect("an answer");
        assert_eq!(response.status(), 302, "{kind}: the redirect is the answer");
        let seen = received(&elsewhere).await;
        assert!(
            seen.is_empty(),
            "{kind}: the other origin was asked: {:?}",
            seen.iter()
                .map(|request| &request.headers)
                .collect::<Vec<_>>()
        );
    }
    let asked = received(&origin).await;
    assert!(
        asked.iter().all(|request| request.url.path() != "/landing"),
        "nothing else was followed"
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_without_a_referer() {
    let origin = MockServer::start().await;
    redirect(&origin, "/start", 307, "/next").await;
    Mock::given(path("/next"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&origin)
        .await;
    let client = client(
        ClientConfig::new(origin.uri()),
        Authentication::Header {
            name: "X-Api-Key".to_owned(),
            value: Secret::from(KEY),
        },
    );

    let response = call(&client, "/start").await.expect("an answer");

    assert_eq!(response.status(), 200);
    let next = received(&origin)
        .await
        .into_iter()
        .find(|request| request.url.path() == "/next")
        .expect("the redirect was followed");
    assert!(next.headers.get("referer").is_none(), "{:?}", next.headers);
    assert_eq!(
        next.headers.get("x-api-key").map(|value| value.as_bytes()),
        Some(KEY.as_bytes()),
        "the key stays with its origin"
    );
}

#[tokio::test]
async fn a_redirect_loop_within_the_origin_ends_with_the_redirect() {
    let origin = MockServer::start().await;
    redirect(&origin, "/start", 302, "/start").await;
    let client = client(ClientConfig::new(origin.uri()), Authentication::None);

    let response = call(&client, "/start").await.expect("an answer");

    assert_eq!(response.status(), 302);
    assert_eq!(
        received(&origin).await.len(),
        ClientConfig::MAX_REDIRECTS + 1
    );
}

#[test]
fn a_credential_that_cannot_be_sent_is_refused_when_the_client_is_built() {
    let error = HttpClient::new(
        ClientConfig::new("http://127.0.0.1:9"),
        Given(Authentication::Header {
            name: "X Api Key".to_owned(),
            value: Secret::from(KEY),
        }),
    )
    .expect_err("a header name with spaces cannot be sent");
    assert_eq!(
        error.to_string(),
        "the credential cannot be sent: the key's header name is not a valid HTTP header name"
    );
}

// --- Paths ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_path_parameter_cannot_climb_out_of_its_path() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let skiplino = skiplino::Client::from_config(
        ClientConfig::new(server.uri()),
        skiplino::auth::SecretKey::new(KEY).expect("a secret key"),
    )
    .expect("the client builds");
    let pexip = pexip_engage::Client::from_config(
        ClientConfig::new(server.uri()),
        pexip_engage::auth::Oauth2::new("id", KEY),
    )
    .expect("the client builds");

    for segment in ["..", "."] {
        let error = skiplino
            .get_branch_service_tree(segment)
            .send()
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, Error::InvalidRequest(invalid) if invalid.path() == "branchId"),
            "{error:?}"
        );
    }
    for segment in ["..", ".", ""] {
        let error = pexip
            .get_customer_by_id(segment)
            .send()
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, Error::InvalidRequest(invalid) if invalid.path() == "id"),
            "{segment:?}: {error:?}"
        );
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

// --- Bodies --------------------------------------------------------------------------------------

/// A gibibyte, more than any client should hold.
const GIB: u64 = 1 << 30;

/// Answers every request with `status` and a body of `GIB` zeros, sent in chunks (no
/// `Content-Length`), until the client hangs up; adds up the bytes it got out.
async fn endless_body(status: u16) -> (SocketAddr, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let sent = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&sent);
    let (address, connections) = raw_server(move |mut stream| {
        let sent = Arc::clone(&counted);
        async move {
            read_head(&mut stream).await;
            let head = format!(
                "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\n\
                 transfer-encoding: chunked\r\n\r\n"
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'0'; 1 << 20];
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk,
                b"\r\n".to_vec(),
            ]
            .concat();
            for _ in 0..(GIB >> 20) {
                if stream.write_all(&framed).await.is_err() {
                    return;
                }
                sent.fetch_add(1 << 20, Ordering::SeqCst);
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
    })
    .await;
    (address, connections, sent)
}

/// The environment variable that makes the memory test run its body, in a process of its own.
const MEASURE: &str = "HOSTILE_SERVERS_MEASURE_MEMORY";

/// This process's peak resident memory, in bytes (Linux's `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// A body of a gibibyte against the default limit (32 MiB): refused once the limit is passed,
/// with its status and headers, and the process never holds more than a fraction of it. The
/// peak is measured in a process of its own (this test binary, running only this test), so
/// other tests' memory does not count.
#[test]
fn a_body_over_the_limit_is_refused_with_memory_bounded() {
    if std::env::var_os(MEASURE).is_some() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let (address, _, sent) = endless_body(200).await;
            let client = client(
                ClientConfig::new(format!("http://{address}")).timeout(None),
                Authentication::None,
            );
            let error = call(&client, "/export").await.expect_err("too large");
            let Error::ResponseTooLarge {
                status,
                headers,
                limit,
            } = &error
            else {
                panic!("expected ResponseTooLarge, got {error:?}");
            };
            assert_eq!(*status, 200);
            assert_eq!(headers["content-type"], "application/json");
            assert_eq!(*limit, ClientConfig::DEFAULT_MAX_RESPONSE_BODY);
            println!("sent={}", sent.load(Ordering::SeqCst));
        });
        println!("peak={}", peak_memory().unwrap_or(0));
        return;
    }
    if peak_memory().is_none() {
        eprintln!("hostile_servers: no /proc/self/status here; the peak is not measured");
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().expect("this binary"))
        .args([
            "a_body_over_the_limit_is_refused_with_memory_bounded",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(MEASURE, "1")
        .output()
        .expect("the measuring process runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let figure = |name: &str| -> u64 {
        stdout
            .lines()
            .find_map(|line| line.split_once(&format!("{name}=")).map(|(_, value)| value))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name}= in {stdout}"))
    };
    let (peak, sent) = (figure("peak"), figure("sent"));
    eprintln!(
        "hostile_servers: a 1 GiB body refused after the server sent {} MiB; peak memory {} MiB",
        sent >> 20,
        peak >> 20
    );
    assert!(peak < 160 << 20, "peak memory {} MiB", peak >> 20);
    assert!(sent < GIB / 4, "the client read on: {} MiB", sent >> 20);
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let (address, connections) = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {GIB}\r\n\r\n");
        let _ = stream.write_all(head.as_bytes()).await;
        // Then nothing: a client that waited for the body would time out.
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let client = client(
        ClientConfig::new(format!("http://{address}")).max_response_body(1024),
        Authentication::None,
    );
    let started = Instant::now();

    let error = call(&client, "/export").await.expect_err("too large");

    assert!(
        matches!(error, Error::ResponseTooLarge { status, limit: 1024, .. } if status == 200),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(connections.load(Ordering::SeqCst), 1, "not retried");
}

#[tokio::test]
async fn an_error_body_over_the_limit_keeps_its_status_and_is_not_retried() {
    let (address, connections, _) = endless_body(503).await;
    let client = client(
        ClientConfig::new(format!("http://{address}")).max_response_body(64 * 1024),
        Authentication::None,
    );

    let error = call(&client, "/export").await.expect_err("too large");

    assert!(
        matches!(&error, Error::ResponseTooLarge { status, .. } if *status == 503),
        "{error:?}"
    );
    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_token_response_over_its_limit_is_refused() {
    let (address, _, _) = endless_body(200).await;
    let client = client(
        ClientConfig::new("http://127.0.0.1:9"),
        Authentication::client_credentials(ClientCredentials::new(
            format!("http://{address}/token"),
            "id",
            KEY,
        )),
    );

    let error = call(&client, "/things").await.expect_err("no token");

    assert!(
        matches!(
            &error,
            Error::Authentication(TokenError::TooLarge { limit, .. })
                if *limit == client_runtime::TokenCache::MAX_RESPONSE_BODY
        ),
        "{error:?}"
    );
}

// --- Slow servers --------------------------------------------------------------------------------

/// Sends a head promising a long body, then one byte every 20 ms: never idle, never done.
async fn trickling_server() -> (SocketAddr, Arc<AtomicUsize>) {
    raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if stream.write_all(b" ").await.is_err() {
                return;
            }
        }
    })
    .await
}

#[tokio::test]
async fn the_deadline_bounds_a_call_with_all_its_retries() {
    let (address, connections) = trickling_server().await;
    let client = client(
        ClientConfig::new(format!("http://{address}"))
            .timeout(Some(Duration::from_secs(1)))
            .deadline(Some(Duration::from_millis(1500))),
        Authentication::None,
    );
    let started = Instant::now();

    let error = call(&client, "/export").await.expect_err("never finishes");

    let took = started.elapsed();
    assert!(matches!(error, Error::DeadlineExceeded(_)), "{error:?}");
    assert!(error.is_timeout());
    // Without the deadline: four attempts of a second each, and the waits between them.
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(connections.load(Ordering::SeqCst) <= 2);
}

#[tokio::test]
async fn a_stalled_response_fails_at_the_stall_timeout() {
    for head_sent in [false, true] {
        let (address, _) = raw_server(move |mut stream| async move {
            read_head(&mut stream).await;
            if head_sent {
                let head = "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n";
                let _ = stream.write_all(head.as_bytes()).await;
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        })
        .await;
        let client = client(
            ClientConfig::new(format!("http://{address}"))
                .read_timeout(Some(Duration::from_millis(300)))
                .retry(RetryPolicy::disabled()),
            Authentication::None,
        );
        let started = Instant::now();

        let error = call(&client, "/export").await.expect_err("stalled");

        let took = started.elapsed();
        assert!(error.is_timeout(), "{error:?}");
        // Without the stall timeout: the attempt's own 30 s.
        assert!(
            took < Duration::from_secs(3),
            "head sent {head_sent}: took {took:?}"
        );
    }
}

// --- Token endpoints -----------------------------------------------------------------------------

/// An OAuth 2.0 client of the API at `api`, fetching tokens at `token_url`, with attempts of
/// `timeout` and no retries.
fn oauth_client(api: &str, token_url: String, timeout: Duration) -> HttpClient {
    client(
        ClientConfig::new(api)
            .timeout(Some(timeout))
            .retry(RetryPolicy::disabled()),
        Authentication::client_credentials(ClientCredentials::new(token_url, "id", KEY)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_waiting_on_a_stalled_token_endpoint_finish_within_one_timeout() {
    let (address, connections) = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let client = oauth_client(
        "http://127.0.0.1:9",
        format!("http://{address}/token"),
        Duration::from_secs(1),
    );
    let started = Instant::now();

    let callers: Vec<_> = (0..5)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let outcome = call(&client, "/things").await;
                (outcome, started.elapsed())
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for caller in callers {
        let (outcome, took) = caller.await.expect("the caller ran");
        let error = outcome.expect_err("no token");
        assert!(
            matches!(&error, Error::Authentication(TokenError::Transport(_))),
            "{error:?}"
        );
        slowest = slowest.max(took);
    }

    // Each in turn, with a timeout of its own, would have taken five seconds.
    assert!(
        slowest < Duration::from_millis(1900),
        "the last took {slowest:?}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1, "one token request");
}

#[tokio::test]
async fn a_refusing_token_endpoint_is_asked_once_for_many_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    let client = oauth_client(
        &server.uri(),
        format!("{}/token", server.uri()),
        Duration::from_secs(5),
    );

    for _ in 0..20 {
        let error = call(&client, "/things").await.expect_err("no token");
        assert!(
            matches!(&error, Error::Authentication(TokenError::Rejected { status, .. }) if *status == 401),
            "{error:?}"
        );
    }

    assert_eq!(received(&server).await.len(), 1, "the refusal was shared");
}

#[tokio::test]
async fn a_token_that_expires_at_once_is_not_fetched_for_every_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "short-lived", "token_type": "bearer", "expires_in": 0}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/things"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = oauth_client(
        &server.uri(),
        format!("{}/token", server.uri()),
        Duration::from_secs(5),
    );

    for _ in 0..20 {
        let response = call(&client, "/things").await.expect("an answer");
        assert_eq!(response.status(), 200);
    }

    let token_requests = received(&server)
        .await
        .iter()
        .filter(|request| request.url.path() == "/token")
        .count();
    assert_eq!(token_requests, 1);
}

// --- Retries -------------------------------------------------------------------------------------

/// A server that answers everything `503` with `Retry-After: 0`.
async fn storm() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_503s_gets_a_bounded_number_of_retries() {
    let server = storm().await;
    let client = client(ClientConfig::new(server.uri()), Authentication::None);
    let calls = |count: usize| {
        let client = client.clone();
        async move {
            let callers: Vec<_> = (0..count)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move { call(&client, "/things").await })
                })
                .collect();
            for caller in callers {
                let response = caller.await.expect("ran").expect("an answer");
                assert_eq!(response.status(), 503);
            }
        }
    };

    calls(50).await;
    let first = received(&server).await.len();
    calls(50).await;
    let second = received(&server).await.len() - first;

    // Without a budget: four attempts a call, 200 requests each time.
    assert!(first <= 50 + 100, "{first} requests for 50 calls");
    assert_eq!(second, 50, "once the budget is spent, no call is retried");
}

#[tokio::test]
async fn retry_after_zero_still_waits_the_initial_backoff() {
    let server = storm().await;
    let client = client(
        ClientConfig::new(server.uri()).retry(
            RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(150)),
        ),
        Authentication::None,
    );
    let started = Instant::now();

    let response = call(&client, "/things").await.expect("an answer");

    assert_eq!(response.status(), 503);
    assert_eq!(received(&server).await.len(), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "retried at once: {:?}",
        started.elapsed()
    );
}
