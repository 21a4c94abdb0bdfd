//! Contract tests: every operation of both generated clients, called with realistic arguments,
//! against Prism mocking the captured spec with `--errors`. A call passes when Prism finds no
//! violation in the request (it answers an error status and an `sl-violations` header when it
//! does), the status is a documented 2xx, and the body decodes into the generated success type.
//! Each test also fails when an operation of its spec has no call here, so a new operation
//! needs one.
//!
//! Prism answers with the first example of the lowest documented 2xx response; the examples
//! themselves are checked one by one in `examples_round_trip`.

mod ledger;
mod prism;

use client_runtime::{ClientConfig, Error, RawResponse, RetryPolicy, reqwest};
use ledger::{Ledger, judge, violations};
use prism::Prism;
use serde_json::json;
use std::time::Duration;

/// The spec of the generated package `package`, relative to the repository root.
fn spec_of(package: &str) -> &'static str {
    xtask::CLIENTS
        .iter()
        .find(|client| client.package == package)
        .unwrap_or_else(|| panic!("xtask::CLIENTS has no package {package}"))
        .spec
}

/// A configuration for `url` without retries, so that every call is one request.
fn config(url: &str) -> ClientConfig {
    ClientConfig::new(url)
        .retry(RetryPolicy::disabled())
        .timeout(Some(Duration::from_secs(10)))
}

/// A raw request's answer, as the runtime keeps one.
async fn raw(request: reqwest::RequestBuilder) -> RawResponse {
    let response = request.send().await.expect("Prism answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("Prism's answer is readable");
    RawResponse {
        status,
        headers,
        body,
    }
}

/// Asserts that Prism refused `answer` with `status` and, for each of `expected`, a violation
/// whose text holds it, and that the ledger's verdict reports them: a contract call sending such
/// a request would fail.
fn assert_flagged(what: &str, answer: RawResponse, status: u16, expected: &[&str]) {
    assert_eq!(
        answer.status.as_u16(),
        status,
        "{what}: Prism answered {} ({})",
        answer.status,
        answer.text()
    );
    let found = violations(&answer.headers);
    let verdict = judge::<(), std::fmt::Error>(&Err(Error::UnexpectedStatus(answer)), &[200]);
    let why = verdict.expect_err("a flagged request fails its call");
    for expected in expected {
        assert!(
            found.iter().any(|violation| violation.contains(expected)),
            "{what}: no violation mentions {expected:?}; Prism reported {found:?}"
        );
        assert!(
            why.contains(expected),
            "{what}: the verdict does not show the violation {expected:?}:\n{why}"
        );
    }
}

mod skiplino_contract {
    use super::*;
    use chrono::{Days, Utc};
    use skiplino::auth::{PublicKey, SecretKey};
    use skiplino::types::{
        BookTicketRequest, BookTicketRequestLocation, ChangeTimeRequest, CustomerUpdateRequest,
        CustomerWriteRequest,
    };

    /// Identifiers as the spec's examples give them.
    const BRANCH_ID: &str = "802b33af66";
    const APPOINTMENT_SERVICE_ID: &str = "802b33af66";
    const WALK_IN_SERVICE_ID: &str = "6fe8fb8b12";
    const GROUP_OF_SERVICE_ID: &str = "7c1f9a3b2d";
    const TICKET_ID: &str = "k7m2p9x4q1";
    const CUSTOMER_ID: &str = "9f2c8b7a4e1d6c3f0a5b8e2d7c4f1a9b";
    const CUSTOMER_EXTERNAL_ID: &str = "crm-7741";

    fn metadata(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        match value {
            serde_json::Value::Object(map) => map,
            other => panic!("metadata is an object, not {other}"),
        }
    }

    /// Prism refuses what the contract calls must never send, so a call that did would fail.
    async fn prism_flags_violations(prism: &str, client: &skiplino::Client) {
        let http = reqwest::Client::new();
        assert_flagged(
            "GET /branches without an API key",
            raw(http.get(format!("{prism}/branches"))).await,
            401,
            &["Invalid security scheme"],
        );
        assert_flagged(
            "POST /tickets/book with a short serviceId and a time not in UTC",
            raw(http
                .post(format!("{prism}/tickets/book"))
                .bearer_auth("sk_test_contract")
                .json(&json!({
                    "serviceId": "6fe8",
                    "groupOfServiceId": GROUP_OF_SERVICE_ID,
                    "time": "2026-07-01T09:30:00+03:00",
                })))
            .await,
            422,
            &[
                "request.body.serviceId: Request body property serviceId must NOT have fewer than 10 characters",
                "request.body.time: Request body property time must match pattern",
            ],
        );
        // Through the generated client: it leaves `format: email` to the server.
        let update = CustomerUpdateRequest::builder()
            .id(CUSTOMER_ID)
            .email("layla.hassan")
            .build()
            .expect("the client does not check e-mail addresses");
        let verdict = judge(&client.update_customer(update).send().await, &[200]);
        let why = verdict.expect_err("an update with an invalid e-mail address is flagged");
        assert!(
            why.contains("request.body.email") && why.contains("format \"email\""),
            "the verdict does not show the e-mail violation:\n{why}"
        );
    }

    #[tokio::test]
    async fn every_operation_is_accepted_by_prism_and_decodes() {
        let spec = spec_of("skiplino");
        let mut ledger = Ledger::new("skiplino", spec);
        let prism = Prism::start(&xtask::project_root().join(spec));
        let secret = skiplino::Client::from_config(
            config(prism.url()),
            SecretKey::new("sk_test_contract").expect("the key has the secret prefix"),
        )
        .expect("the client builds");
        prism_flags_violations(prism.url(), &secret).await;

        let public = skiplino::Client::from_config(
            config(prism.url()),
            PublicKey::new("pk_test_contract").expect("the key is a header value"),
        )
        .expect("the client builds")
        .with_x_locale("ar")
        .expect("the locale is a header value");
        let tomorrow = Utc::now().date_naive() + Days::new(1);
        let slot = tomorrow
            .and_hms_opt(9, 30, 0)
            .expect("09:30 is a time")
            .and_utc();

        ledger
            .call(
                "listActiveBranches",
                "secret key, X-Locale",
                secret.list_active_branches().x_locale("en").send(),
            )
            .await;
        ledger
            .call(
                "listActiveBranches",
                "public key, client-wide X-Locale",
                public.list_active_branches().send(),
            )
            .await;
        ledger
            .call(
                "getBranchServiceTree",
                "branch id",
                secret
                    .get_branch_service_tree(BRANCH_ID)
                    .x_locale("en")
                    .send(),
            )
            .await;
        ledger
            .call(
                "getAvailableSlots",
                "tomorrow",
                secret
                    .get_available_slots(APPOINTMENT_SERVICE_ID)
                    .date(tomorrow)
                    .x_locale("en")
                    .send(),
            )
            .await;
        ledger
            .call(
                "getAvailableSlots",
                "today by default, public key",
                public.get_available_slots(APPOINTMENT_SERVICE_ID).send(),
            )
            .await;
        let appointment = BookTicketRequest::builder()
            .service_id(APPOINTMENT_SERVICE_ID)
            .group_of_service_id(GROUP_OF_SERVICE_ID)
            .time(slot)
            .customer_id(CUSTOMER_ID)
            .options(metadata(json!({ "accountType": "savings" })))
            .location(
                BookTicketRequestLocation::builder()
                    .lat(26.2361)
                    .lng(50.5436)
                    .build()
                    .expect("the location is in range"),
            )
            .build()
            .expect("the booking is valid");
        ledger
            .call(
                "bookTicket",
                "appointment for a customer id, with options and location",
                secret.book_ticket(appointment).x_locale("en").send(),
            )
            .await;
        let walk_in = BookTicketRequest::builder()
            .service_id(WALK_IN_SERVICE_ID)
            .group_of_service_id(GROUP_OF_SERVICE_ID)
            .build()
            .expect("the booking is valid");
        ledger
            .call(
                "bookTicket",
                "walk-in without a customer",
                secret.book_ticket(walk_in).send(),
            )
            .await;
        ledger
            .call(
                "fetchTicket",
                "secret key",
                secret.fetch_ticket(TICKET_ID).x_locale("en").send(),
            )
            .await;
        ledger
            .call(
                "fetchTicket",
                "public key",
                public.fetch_ticket(TICKET_ID).send(),
            )
            .await;
        ledger
            .call(
                "cancelTicket",
                "ticket id",
                secret.cancel_ticket(TICKET_ID).x_locale("en").send(),
            )
            .await;
        let new_time = ChangeTimeRequest::builder()
            .time(slot + Days::new(1))
            .customer_external_id(CUSTOMER_EXTERNAL_ID)
            .build()
            .expect("the new time is valid");
        ledger
            .call(
                "rescheduleAppointment",
                "customer external id",
                secret
                    .reschedule_appointment(TICKET_ID, new_time)
                    .x_locale("en")
                    .send(),
            )
            .await;
        let customer = CustomerWriteRequest::builder()
            .external_id(CUSTOMER_EXTERNAL_ID)
            .name("Layla Hassan")
            .email("layla.hassan@example.com")
            .mobile("+97333445566")
            .metadata(metadata(json!({ "tier": "gold", "source": "mobile-app" })))
            .build()
            .expect("the customer is valid");
        ledger
            .call(
                "createCustomer",
                "every field",
                secret.create_customer(customer).x_locale("en").send(),
            )
            .await;
        ledger
            .call(
                "createCustomer",
                "empty body",
                secret
                    .create_customer(CustomerWriteRequest::default())
                    .send(),
            )
            .await;
        ledger
            .call(
                "listCustomers",
                "page 1 of 10",
                secret
                    .list_customers()
                    .page(1)
                    .limit(10)
                    .x_locale("en")
                    .send(),
            )
            .await;
        ledger
            .call(
                "fetchCustomer",
                "by id",
                secret
                    .fetch_customer()
                    .id(CUSTOMER_ID)
                    .x_locale("en")
                    .send(),
            )
            .await;
        ledger
            .call(
                "fetchCustomer",
                "by external id",
                secret
                    .fetch_customer()
                    .external_id(CUSTOMER_EXTERNAL_ID)
                    .send(),
            )
            .await;
        let update = CustomerUpdateRequest::builder()
            .id(CUSTOMER_ID)
            .name("Layla A. Hassan")
            .email("layla.new@example.com")
            .mobile("+97333778899")
            .metadata(metadata(json!({ "tier": "platinum" })))
            .build()
            .expect("the update is valid");
        ledger
            .call(
                "updateCustomer",
                "located by id",
                secret.update_customer(update).x_locale("en").send(),
            )
            .await;
        ledger
            .call(
                "deleteCustomer",
                "by external id",
                secret
                    .delete_customer()
                    .external_id(CUSTOMER_EXTERNAL_ID)
                    .x_locale("en")
                    .send(),
            )
            .await;
        ledger
            .call(
                "listCustomerTickets",
                "by id, page 1 of 10",
                secret
                    .list_customer_tickets()
                    .id(CUSTOMER_ID)
                    .page(1)
                    .limit(10)
                    .x_locale("en")
                    .send(),
            )
            .await;
        ledger
            .call(
                "listCustomerTickets",
                "by external id, public key",
                public
                    .list_customer_tickets()
                    .external_id(CUSTOMER_EXTERNAL_ID)
                    .send(),
            )
            .await;
        ledger.finish(prism.startup);
    }
}

mod pexip_engage_contract {
    use super::*;
    use pexip_engage::auth::Oauth2;
    use wiremock::matchers::{basic_auth, body_string_contains, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const CLIENT_ID: &str = "contract-client";
    const CLIENT_SECRET: &str = "contract-secret";
    const CORRELATION_ID: &str = "a4f0048e-c983-11ed-afa1-0242ac120002";

    /// A token endpoint for the enterprise `acme` that grants one access token.
    async fn token_server() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/realms/acme/protocol/openid-connect/token"))
            .and(basic_auth(CLIENT_ID, CLIENT_SECRET))
            .and(body_string_contains("grant_type=client_credentials"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "t",
                "token_type": "Bearer",
                "expires_in": 300,
            })))
            .expect(1)
            .named("client-credentials token request")
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn every_operation_is_accepted_by_prism_and_decodes() {
        let spec = spec_of("pexip-engage");
        let mut ledger = Ledger::new("pexip-engage", spec);
        let prism = Prism::start(&xtask::project_root().join(spec));
        assert_flagged(
            "GET /customers/1234 without an access token",
            raw(reqwest::Client::new().get(format!("{}/customers/1234", prism.url()))).await,
            401,
            &["Invalid security scheme"],
        );

        let tokens = token_server().await;
        // Prism ignores the path of `servers` by design (its FAQ: base paths are not
        // supported), so the client talks to Prism's root; the `enterprise` variable still
        // fills the token URL's realm.
        let client = pexip_engage::Client::from_config(
            config(prism.url()).server_variable("enterprise", "acme"),
            Oauth2::new(CLIENT_ID, CLIENT_SECRET).token_url(format!(
                "{}/realms/{{enterprise}}/protocol/openid-connect/token",
                tokens.uri()
            )),
        )
        .expect("the client builds");
        ledger
            .call(
                "getCustomerById",
                "X-Correlation-Id and Accept-Language on the request",
                client
                    .get_customer_by_id("1234")
                    .x_correlation_id(CORRELATION_ID)
                    .accept_language("da, en;q=0.8")
                    .send(),
            )
            .await;
        let defaults = client
            .with_x_correlation_id(CORRELATION_ID)
            .and_then(|client| client.with_accept_language("*"))
            .expect("the headers are valid");
        ledger
            .call(
                "getCustomerById",
                "client-wide headers, cached token",
                defaults.get_customer_by_id("1234").send(),
            )
            .await;
        ledger.finish(prism.startup);
        tokens.verify().await;
    }
}
