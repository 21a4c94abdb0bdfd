//! A request that breaks a rule of the API description is refused before it is sent, with an
//! error naming the value and the rule; a request that keeps the rules goes out.

use client_runtime::{ClientConfig, Error, RetryPolicy};
use skiplino::Client;
use skiplino::auth::SecretKey;
use skiplino::types::{BookTicketRequest, BookTicketRequestLocation};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client_expecting(requests: u64) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .expect(requests)
        .mount(&server)
        .await;
    let config = ClientConfig::new(server.uri()).retry(RetryPolicy::disabled());
    let key = SecretKey::new("sk_test_key").expect("a secret key");
    let client = Client::from_config(config, key).expect("client builds");
    (server, client)
}

#[tokio::test]
async fn a_parameter_out_of_bounds_is_refused_before_sending() {
    let (server, client) = client_expecting(0).await;
    let error = client
        .list_customer_tickets()
        .limit(11)
        .send()
        .await
        .expect_err("limit 11 breaks the 1-10 bound");
    assert!(matches!(&error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "invalid request: `limit` must be at most 10"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_body_value_breaking_a_rule_is_refused_with_its_path() {
    let (server, client) = client_expecting(0).await;
    let body = BookTicketRequest {
        location: Some(BookTicketRequestLocation {
            lat: 91.0,
            lng: 0.0,
            additional_properties: Default::default(),
        }),
        ..BookTicketRequest::builder()
            .service_id("6fe8fb8b12")
            .group_of_service_id("7c1f9a3b2d")
            .build()
            .expect("a valid walk-in booking")
    };
    let error = client
        .book_ticket(body)
        .send()
        .await
        .expect_err("latitude 91 is out of range");
    assert_eq!(
        error.to_string(),
        "invalid request: `location.lat` must be at most 90"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_request_within_the_rules_is_sent() {
    let (server, client) = client_expecting(1).await;
    let error = client
        .list_customer_tickets()
        .limit(10)
        .send()
        .await
        .expect_err("the mock answers 503");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    server.verify().await;
}
