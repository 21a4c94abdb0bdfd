//! Quickstart for the Pexip Engage client: fetch one customer, with an access token the client
//! obtains itself through the OAuth 2.0 client-credentials grant.
//!
//! ```text
//! cargo run -p pexip-engage --example quickstart
//! ```
//!
//! Without configuration it starts a local token endpoint and a local mock of the API in-process,
//! answering with the spec's example, and talks to those. To talk to a real enterprise instead, set
//!
//! - `PEXIP_ENGAGE_ENTERPRISE`, the enterprise (tenant) identifier,
//! - `PEXIP_ENGAGE_CLIENT_ID` and `PEXIP_ENGAGE_CLIENT_SECRET`, the OAuth 2.0 client,
//! - `PEXIP_ENGAGE_CUSTOMER_ID`, the customer to fetch,
//!
//! and, to leave the development environment the spec names, `PEXIP_ENGAGE_BASE_URL` and
//! `PEXIP_ENGAGE_TOKEN_URL` (both may contain `{enterprise}`, which is replaced by the enterprise).

use pexip_engage::auth::Oauth2;
use pexip_engage::types::Customer;
use pexip_engage::{Client, ClientConfig};
use std::error::Error;
use std::fmt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // `_mock` lives until the walk is over: dropping the mock servers stops them.
    let (client, customer_id, _mock) = match Settings::from_env()? {
        Some(settings) => {
            println!(
                "Pexip Engage quickstart against enterprise {} (PEXIP_ENGAGE_ENTERPRISE)",
                settings.enterprise
            );
            let mut credential = Oauth2::new(settings.client_id, settings.client_secret);
            if let Some(token_url) = settings.token_url {
                credential = credential.token_url(token_url);
            }
            let client = match settings.base_url {
                Some(base_url) => Client::from_config(
                    ClientConfig::new(base_url).server_variable("enterprise", settings.enterprise),
                    credential,
                ),
                None => Client::new(settings.enterprise, credential),
            }
            .map_err(|error| StepFailed::new("build the client", &error))?;
            (client, settings.customer_id, None)
        }
        None => {
            let servers = mock::start().await;
            println!(
                "Pexip Engage quickstart against a local mock of the API at {} \
                 and of the identity server at {}",
                servers.api.uri(),
                servers.identity.uri()
            );
            let credential = Oauth2::new(mock::CLIENT_ID, mock::CLIENT_SECRET).token_url(format!(
                "{}/realms/{{enterprise}}/protocol/openid-connect/token",
                servers.identity.uri()
            ));
            let config =
                ClientConfig::new(format!("{}/enterprises/{{enterprise}}", servers.api.uri()))
                    .server_variable("enterprise", mock::ENTERPRISE);
            let client = Client::from_config(config, credential)
                .map_err(|error| StepFailed::new("build the client", &error))?;
            (client, mock::CUSTOMER_ID.to_owned(), Some(servers))
        }
    };

    // The first request fetches an access token; the client caches it for the ones after.
    let customer = client
        .get_customer_by_id(&customer_id)
        .x_correlation_id("pexip-engage-quickstart")
        .send()
        .await
        .map_err(|error| StepFailed::request("get the customer", &error))?
        .into_body()
        .data;
    print_customer(&customer);
    println!("Done.");
    Ok(())
}

/// Prints a few fields of `customer`, one per line.
fn print_customer(customer: &Customer) {
    // Optional nullable fields are `Option<Option<_>>`: absent, null, or a value.
    fn text(field: &Option<Option<String>>) -> &str {
        field.as_ref().and_then(Option::as_deref).unwrap_or("-")
    }
    println!(
        " 1. get customer {}: {} {}",
        customer.id,
        text(&customer.first_name),
        text(&customer.last_name)
    );
    println!("    e-mail:    {}", text(&customer.email));
    println!("    phone:     {}", text(&customer.phone_number));
    println!("    company:   {}", text(&customer.company));
    println!("    external:  {}", text(&customer.external_id));
    let language = match &customer.language {
        Some(Some(language)) => language.to_string(),
        _ => "-".to_owned(),
    };
    println!(
        "    language:  {language}, time zone {}",
        customer.time_zone
    );
    if let Some(Some(location)) = &customer.location {
        println!(
            "    address:   {} ({:.4}, {:.4})",
            location.formatted_address,
            location.geolocation.latitude,
            location.geolocation.longitude
        );
    }
    println!(
        "    existing:  {}; created {}, updated {}{}",
        if customer.existing { "yes" } else { "no" },
        customer.created_at.format("%Y-%m-%d"),
        customer.updated_at.format("%Y-%m-%d"),
        customer
            .deleted_at
            .map(|deleted| format!(", deleted {}", deleted.format("%Y-%m-%d")))
            .unwrap_or_default()
    );
}

/// A step that failed, as one readable message: which step, why, and what the server said.
struct StepFailed(String);

impl StepFailed {
    fn new(step: &str, error: &dyn Error) -> Self {
        let mut message = format!("step `{step}` failed: {error}");
        let mut source = error.source();
        while let Some(cause) = source {
            // Some errors repeat their source's message in their own: show each message once.
            let cause_message = cause.to_string();
            if !message.contains(&cause_message) {
                message = format!("{message}: {cause_message}");
            }
            source = cause.source();
        }
        Self(message)
    }

    /// The failure of a request, with the body of the server's answer when there was one.
    fn request<E>(step: &str, error: &pexip_engage::Error<E>) -> Self
    where
        E: fmt::Debug + fmt::Display + 'static,
    {
        let Self(mut message) = Self::new(step, error);
        match error {
            pexip_engage::Error::Api(api) => {
                message = format!("{message}\n  the server said: {:?}", api.body);
            }
            pexip_engage::Error::UnexpectedStatus(raw)
            | pexip_engage::Error::Decode { raw, .. } => {
                message = format!("{message}\n  the server said: {}", raw.text());
            }
            _ => {}
        }
        Self(message)
    }
}

impl fmt::Display for StepFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// `main` prints its error with `Debug`: make that the readable message.
impl fmt::Debug for StepFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for StepFailed {}

/// Where and as whom to connect to a real enterprise, from the environment.
struct Settings {
    enterprise: String,
    client_id: String,
    client_secret: String,
    customer_id: String,
    base_url: Option<String>,
    token_url: Option<String>,
}

impl Settings {
    /// The settings, when the required variables are set; `None` (use the mocks) when none is.
    fn from_env() -> Result<Option<Self>, StepFailed> {
        const REQUIRED: [&str; 4] = [
            "PEXIP_ENGAGE_ENTERPRISE",
            "PEXIP_ENGAGE_CLIENT_ID",
            "PEXIP_ENGAGE_CLIENT_SECRET",
            "PEXIP_ENGAGE_CUSTOMER_ID",
        ];
        let setting = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let [enterprise, client_id, client_secret, customer_id] = REQUIRED.map(setting);
        match (enterprise, client_id, client_secret, customer_id) {
            (Some(enterprise), Some(client_id), Some(client_secret), Some(customer_id)) => {
                Ok(Some(Self {
                    enterprise,
                    client_id,
                    client_secret,
                    customer_id,
                    base_url: setting("PEXIP_ENGAGE_BASE_URL"),
                    token_url: setting("PEXIP_ENGAGE_TOKEN_URL"),
                }))
            }
            (None, None, None, None) => Ok(None),
            _ => {
                let missing: Vec<&str> = REQUIRED
                    .into_iter()
                    .filter(|name| setting(name).is_none())
                    .collect();
                Err(StepFailed(format!(
                    "step `read the settings` failed: {} not set: set all of {} to use a real \
                     enterprise, or none to use the mock",
                    missing.join(", "),
                    REQUIRED.join(", ")
                )))
            }
        }
    }
}

/// A local identity server and API, answering with the spec's example, adapted to be coherent:
/// the customer has the id asked for, is not deleted, and has a real address.
mod mock {
    use serde_json::json;
    use wiremock::matchers::{body_string_contains, header, header_exists, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    pub(super) const ENTERPRISE: &str = "acme";
    pub(super) const CLIENT_ID: &str = "quickstart-client";
    pub(super) const CLIENT_SECRET: &str = "quickstart-secret";
    pub(super) const CUSTOMER_ID: &str = "123";

    const ACCESS_TOKEN: &str = "mock-access-token";

    /// The two mock servers.
    pub(super) struct Servers {
        /// The identity server, issuing access tokens.
        pub(super) identity: MockServer,
        /// The API.
        pub(super) api: MockServer,
    }

    pub(super) async fn start() -> Servers {
        let identity = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!(
                "/realms/{ENTERPRISE}/protocol/openid-connect/token"
            )))
            .and(header_exists("authorization"))
            .and(body_string_contains("grant_type=client_credentials"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": ACCESS_TOKEN,
                "token_type": "Bearer",
                "expires_in": 300,
            })))
            .mount(&identity)
            .await;

        let api = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!(
                "/enterprises/{ENTERPRISE}/customers/{CUSTOMER_ID}"
            )))
            .and(header(
                "authorization",
                format!("Bearer {ACCESS_TOKEN}").as_str(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": {
                    "id": CUSTOMER_ID,
                    "externalId": "ABCD1234",
                    "customerNumber": "123456",
                    "email": "john.doe@pexip.com",
                    "firstName": "John",
                    "lastName": "Doe",
                    "company": "Acme Corp",
                    "language": "nl",
                    "notes": "Prefers video meetings in the morning.",
                    "phoneNumber": "+32412345678",
                    "existing": true,
                    "timeZone": "Europe/Brussels",
                    "createdAt": "2022-08-17T19:05:21.362Z",
                    "updatedAt": "2022-08-17T19:05:21.362Z",
                    "deletedAt": null,
                    "location": {
                        "city": {"language": "en", "value": "Ghent"},
                        "state": {"language": "en", "value": "East Flanders"},
                        "street1": {"language": "en", "value": "Korenmarkt 1"},
                        "street2": null,
                        "postalCode": "9000",
                        "countryCode": "BE",
                        "formattedAddress": "Korenmarkt 1, 9000 Ghent, Belgium",
                        "geolocation": {"latitude": 51.0479466, "longitude": 3.6912248},
                        "translations": {
                            "city": [
                                {"language": "en", "value": "Ghent"},
                                {"language": "nl", "value": "Gent"},
                            ],
                            "state": [
                                {"language": "en", "value": "East Flanders"},
                                {"language": "nl", "value": "Oost-Vlaanderen"},
                            ],
                            "street1": [{"language": "nl", "value": "Korenmarkt 1"}],
                            "street2": [],
                        },
                    },
                },
            })))
            .mount(&api)
            .await;
        Servers { identity, api }
    }
}
