//! Every example in the captured specs (request bodies and responses, the documentation pages'
//! examples among them) decodes into the generated type and encodes back to equal JSON.
//! Timestamps are compared as instants, since `.000Z` and `Z` name the same one.

use codegen::model::{Api, TypeRef};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `json` as `T` and encodes it again.
fn round_trip<T: DeserializeOwned + Serialize>(json: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(json.clone()).map_err(|error| error.to_string())?;
    serde_json::to_value(&decoded).map_err(|error| error.to_string())
}

macro_rules! round_trip_table {
    ($krate:ident: $($ty:ident),* $(,)?) => {
        |type_name: &str, json: &Value| -> Option<Result<Value, String>> {
            match type_name {
                $(stringify!($ty) => Some(round_trip::<$krate::types::$ty>(json)),)*
                _ => None,
            }
        }
    };
}

/// RFC 3339 strings are replaced by one canonical spelling of their instant.
fn normalise_instants(value: &Value) -> Value {
    match value {
        Value::String(text) => match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(instant) => Value::String(instant.with_timezone(&chrono::Utc).to_rfc3339()),
            Err(_) => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(normalise_instants).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), normalise_instants(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `(where, type name, example)` for every example of every request body and response.
fn examples(spec: &str) -> Vec<(String, String, Value)> {
    let text = std::fs::read_to_string(xtask::project_root().join(spec)).expect("spec is readable");
    let document: Value = serde_yaml::from_str(&text).expect("spec is YAML");
    let Api { operations, .. } = codegen::load(&text).expect("spec loads").api;
    let resolve = |node: &Value| -> Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => document
                .pointer(reference.trim_start_matches('#'))
                .cloned()
                .unwrap_or(Value::Null),
            None => node.clone(),
        }
    };
    let media_examples = |node: &Value| -> Vec<Value> {
        let Some(media) = node.pointer("/content/application~1json") else {
            return Vec::new();
        };
        let mut found: Vec<Value> = media.get("example").cloned().into_iter().collect();
        if let Some(named) = media.get("examples").and_then(Value::as_object) {
            found.extend(
                named
                    .values()
                    .map(&resolve)
                    .filter_map(|e| e.get("value").cloned()),
            );
        }
        found
    };
    let mut out = Vec::new();
    for operation in operations {
        let node = document
            .pointer(&format!(
                "/paths/{}/{}",
                operation.path.replace('~', "~0").replace('/', "~1"),
                operation.method.as_str().to_lowercase()
            ))
            .cloned()
            .unwrap_or(Value::Null);
        let type_of = |ty: &Option<TypeRef>| match ty {
            Some(TypeRef::Named(name)) => name.clone(),
            other => format!("{other:?}"),
        };
        if let Some(body) = &operation.body {
            let request = resolve(node.get("requestBody").unwrap_or(&Value::Null));
            for example in media_examples(&request) {
                out.push((
                    format!("{} request", operation.operation_id),
                    type_of(&Some(body.ty.clone())),
                    example,
                ));
            }
        }
        let responses = node
            .get("responses")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (status, response) in responses {
            let response = resolve(&response);
            let ty = if status.starts_with('2') {
                type_of(&operation.success.ty)
            } else {
                let code: Option<u16> = status.parse().ok();
                let error = operation.errors.iter().find(|error| {
                    matches!(error.status, codegen::model::StatusCode::Code(c) if Some(c) == code)
                });
                type_of(&error.and_then(|error| error.ty.clone()))
            };
            for example in media_examples(&response) {
                out.push((
                    format!("{} {status}", operation.operation_id),
                    ty.clone(),
                    example,
                ));
            }
        }
    }
    out
}

fn check_all(
    spec: &str,
    table: impl Fn(&str, &Value) -> Option<Result<Value, String>>,
    minimum: usize,
) {
    let examples = examples(spec);
    assert!(
        examples.len() >= minimum,
        "{spec}: only {} examples found",
        examples.len()
    );
    let mut failures = Vec::new();
    for (place, type_name, example) in &examples {
        match table(type_name, example) {
            None => failures.push(format!(
                "{place}: type `{type_name}` is missing from the test's table"
            )),
            Some(Err(error)) => {
                failures.push(format!("{place}: does not decode as {type_name}: {error}"))
            }
            Some(Ok(encoded)) if normalise_instants(&encoded) != normalise_instants(example) => {
                failures.push(format!(
                    "{place}: {type_name} re-encodes differently\n  sent: {example}\n  back: {encoded}"
                ));
            }
            Some(Ok(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn skiplino_examples_decode_and_re_encode_unchanged() {
    let table = round_trip_table!(skiplino:
        ListActiveBranchesResponse, GetBranchServiceTreeResponse, GetAvailableSlotsResponse,
        BookTicketRequest, BookTicketResponse, FetchTicketResponse, CancelTicketResponse,
        ChangeTimeRequest, RescheduleAppointmentResponse, CustomerWriteRequest,
        CreateCustomerResponse, ListCustomersResponse, FetchCustomerResponse,
        CustomerUpdateRequest, UpdateCustomerResponse, DeleteCustomerResponse,
        ListCustomerTicketsResponse, ErrorEnvelope, ValidationErrorEnvelope, AuthErrorEnvelope,
    );
    check_all("spec/skiplino.yaml", table, 40);
}

#[test]
fn pexip_engage_examples_decode_and_re_encode_unchanged() {
    let table = round_trip_table!(pexip_engage: CustomerResponse, ErrorResponse);
    check_all("spec/pexip-engage.yaml", table, 2);
}

#[test]
fn pexip_engage_customer_with_every_nullable_field_null_round_trips() {
    let customer = serde_json::json!({
        "id": "c-1", "externalId": null, "customerNumber": null, "email": null,
        "firstName": null, "lastName": null, "company": null, "language": null, "notes": null,
        "phoneNumber": null, "existing": false, "timeZone": "Europe/Brussels",
        "createdAt": "2026-01-02T03:04:05Z", "updatedAt": "2026-01-02T03:04:05Z",
        "deletedAt": null, "location": null
    });
    let back = round_trip::<pexip_engage::types::Customer>(&customer).expect("decodes");
    assert_eq!(back, customer);
}

#[test]
fn a_ticket_with_a_new_status_and_new_properties_round_trips() {
    let (_, _, mut response) = examples("spec/skiplino.yaml")
        .into_iter()
        .find(|(_, type_name, _)| type_name == "FetchTicketResponse")
        .expect("the spec has a fetchTicket example");
    response["data"]["status"] = serde_json::json!("on_hold");
    response["data"]["type"] = serde_json::json!("virtual");
    response["data"]["queuePosition"] = serde_json::json!(4);
    response["data"]["branch"]["timeZone"] = serde_json::json!("Asia/Bahrain");
    response["requestId"] = serde_json::json!("r-1");
    let decoded: skiplino::types::FetchTicketResponse =
        serde_json::from_value(response.clone()).expect("decodes");
    assert_eq!(
        decoded.data.status,
        skiplino::types::TicketStatus::Unknown("on_hold".to_owned())
    );
    let back = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(normalise_instants(&back), normalise_instants(&response));
}
