//! What users of a generated crate rely on when a response is decoded, shown on Skiplino's
//! generated types: properties the spec does not list are kept and sent back, enum values it does
//! not list are kept, absence and `null` mean what the spec says, and errors name the property.
//!
//! The generated structs read objects in one pass instead of deriving `Deserialize` with
//! `#[serde(flatten)]`; [`same_outcome_as_serde_derive`] checks that they decode exactly what the
//! derived impl did, and fail with the same messages.

use serde_json::{Value, json};
use skiplino::types::{AuthErrorEnvelope, ErrorEnvelope, Ticket, TicketStatus, TicketType};

/// A waiting ticket as the API sends it, with two properties the spec does not list.
fn ticket() -> Value {
    json!({
        "id": "k7m2p9x4q1",
        "ticketNumber": "A042",
        "status": "waiting",
        "statusAt": "2026-06-23T11:10:00Z",
        "type": "appointment",
        "time": "2026-07-01T09:30:00Z",
        "branch": {"id": "802b33af66", "name": "Seef Mall Branch", "floor": 2},
        "service": {"id": "802b33af66", "name": "Account Opening"},
        "groupOfService": {"id": "7c1f9a3b2d", "name": "Teller Services"},
        "customer": {"id": "9f2c8b7a4e1d6c3f0a5b8e2d7c4f1a9b", "name": "Layla Hassan"},
        "bookedAt": "2026-06-23T11:08:41Z",
        "queueSize": 6,
        "waitingTime": 18,
        "counter": {"number": 4, "open": true},
        "attachments": []
    })
}

/// `ticket()` with `change` applied to its object.
fn ticket_with(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut ticket = ticket();
    if let Some(object) = ticket.as_object_mut() {
        change(object);
    }
    ticket
}

/// The error message of decoding `text` as a `Ticket`.
fn error(text: &str) -> String {
    match serde_json::from_str::<Ticket>(text) {
        Ok(ticket) => panic!("expected an error, decoded {ticket:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn unlisted_properties_are_kept_in_order_and_sent_back() {
    let text = serde_json::to_string(&ticket()).expect("json");
    let decoded: Ticket = serde_json::from_str(&text).expect("decodes");
    let kept: Vec<&str> = decoded
        .additional_properties
        .keys()
        .map(String::as_str)
        .collect();
    // In the order of `serde_json::Map`: sorted, or as received with `preserve_order`.
    assert_eq!(kept, ["attachments", "counter"]);
    assert_eq!(
        decoded.additional_properties["counter"],
        json!({"number": 4, "open": true})
    );
    assert_eq!(
        decoded.branch.additional_properties["floor"],
        json!(2),
        "nested objects keep theirs too"
    );
    let sent = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(sent, ticket());
    // Decoding what was sent gives the same value again.
    let again: Ticket = serde_json::from_value(sent).expect("decodes again");
    assert_eq!(again, decoded);
}

#[test]
fn a_repeated_unlisted_property_keeps_its_last_value() {
    let text = serde_json::to_string(&ticket()).expect("json").replacen(
        '{',
        r#"{"note":"first","note":"second","#,
        1,
    );
    let decoded: Ticket = serde_json::from_str(&text).expect("decodes");
    assert_eq!(decoded.additional_properties["note"], "second");
}

#[test]
fn enum_values_the_spec_does_not_list_are_kept() {
    let decoded: Ticket = serde_json::from_value(ticket_with(|ticket| {
        ticket.insert("status".to_owned(), json!("on-hold"));
        ticket.insert("type".to_owned(), json!("sequential"));
    }))
    .expect("decodes");
    assert_eq!(decoded.status, TicketStatus::Unknown("on-hold".to_owned()));
    assert_eq!(decoded.type_, TicketType::Sequential);
    assert_eq!(
        serde_json::to_value(&decoded).expect("encodes")["status"],
        "on-hold"
    );
    // A listed value spelled with an escape is still the listed variant.
    let text = serde_json::to_string(&ticket())
        .expect("json")
        .replace(r#""waiting""#, r#""w\u0061iting""#);
    let decoded: Ticket = serde_json::from_str(&text).expect("decodes");
    assert_eq!(decoded.status, TicketStatus::Waiting);
    assert_eq!(
        "on-hold".parse::<TicketStatus>(),
        Ok(TicketStatus::Unknown("on-hold".to_owned()))
    );
    assert_eq!(
        TicketStatus::from("served".to_owned()),
        TicketStatus::Served
    );
}

#[test]
fn absence_and_null_mean_what_the_spec_says() {
    // `time` and `customer` are required and may be null; `queueSize` is optional.
    let decoded: Ticket = serde_json::from_value(ticket_with(|ticket| {
        ticket.insert("time".to_owned(), Value::Null);
        ticket.insert("customer".to_owned(), Value::Null);
        ticket.insert("queueSize".to_owned(), Value::Null);
        ticket.remove("waitingTime");
    }))
    .expect("decodes");
    assert_eq!(decoded.time, None);
    assert_eq!(decoded.customer, None);
    assert_eq!((decoded.queue_size, decoded.waiting_time), (None, None));
    let sent = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(sent["time"], Value::Null, "a required null is sent as null");
    assert!(
        sent.get("queueSize").is_none(),
        "an absent optional is left out"
    );

    let missing = serde_json::from_value::<Ticket>(ticket_with(|ticket| {
        ticket.remove("time");
    }))
    .expect_err("a required nullable property must be present");
    assert_eq!(missing.to_string(), "missing field `time`");

    // `error` of the 401 envelope may be absent or null, and the two stay apart.
    for (wire, error) in [
        (json!({"message": "Unauthorized."}), None),
        (
            json!({"message": "Unauthorized.", "error": null}),
            Some(None),
        ),
        (
            json!({"message": "Unauthorized.", "error": "Invalid key."}),
            Some(Some("Invalid key.".to_owned())),
        ),
    ] {
        let decoded: AuthErrorEnvelope = serde_json::from_value(wire.clone()).expect("decodes");
        assert_eq!(decoded.error, error);
        assert_eq!(serde_json::to_value(&decoded).expect("encodes"), wire);
    }
    // `error` of the other envelope must be present, even if only as null.
    let decoded: ErrorEnvelope =
        serde_json::from_value(json!({"message": "Not found.", "error": null})).expect("decodes");
    assert_eq!(decoded.error, None);
    assert!(serde_json::from_value::<ErrorEnvelope>(json!({"message": "Not found."})).is_err());
}

#[test]
fn errors_name_the_property_and_what_was_expected() {
    let text = |value: Value| serde_json::to_string(&value).expect("json");
    assert!(
        error(&text(ticket_with(|ticket| {
            ticket.remove("ticketNumber");
        })))
        .starts_with("missing field `ticketNumber`"),
    );
    let wrong = error(&text(ticket_with(|ticket| {
        ticket.insert("queueSize".to_owned(), json!("six"));
    })));
    assert!(
        wrong.starts_with("invalid type: string \"six\", expected i32"),
        "{wrong}"
    );
    let wrong = error(&text(ticket_with(|ticket| {
        ticket.insert("status".to_owned(), json!(3));
    })));
    assert!(
        wrong.starts_with("invalid type: integer `3`, expected a string"),
        "{wrong}"
    );
    let duplicated = error(&text(ticket()).replacen('{', r#"{"id":"x","#, 1));
    assert!(
        duplicated.starts_with("duplicate field `id`"),
        "{duplicated}"
    );
    assert!(error("[]").starts_with("invalid type: sequence, expected struct Ticket"));
    assert!(error("null").starts_with("invalid type: null, expected struct Ticket"));
}

#[test]
fn decoding_works_inside_buffered_values_too() {
    // An untagged enum buffers the object first and reads it again through serde's own
    // deserializer, whose keys and strings arrive differently from `serde_json`'s.
    #[derive(Debug, serde::Deserialize)]
    #[serde(untagged)]
    enum TicketOrText {
        Ticket(Box<Ticket>),
        Text(String),
    }
    let decoded: TicketOrText = serde_json::from_value(ticket()).expect("decodes");
    match decoded {
        TicketOrText::Ticket(decoded) => {
            assert_eq!(serde_json::to_value(&decoded).expect("encodes"), ticket());
        }
        TicketOrText::Text(text) => panic!("expected a ticket, got the text {text:?}"),
    }
}

/// The `Ticket` of the generated crate before it read objects itself: serde's derive with the
/// same fields, attributes and flattened map.
mod derived {
    use chrono::{DateTime, Utc};
    use skiplino::types::{TicketBranch, TicketCustomer, TicketGroupOfService, TicketService};

    /// [`skiplino::types::TicketStatus`] before it had its own visitor.
    #[derive(Debug, Clone, PartialEq, serde::Serialize)]
    #[serde(transparent)]
    pub(crate) struct Status(pub(crate) String);

    impl<'de> serde::Deserialize<'de> for Status {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            String::deserialize(deserializer).map(Status)
        }
    }

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    pub(crate) struct Ticket {
        pub(crate) id: String,
        #[serde(rename = "ticketNumber")]
        pub(crate) ticket_number: String,
        pub(crate) status: Status,
        #[serde(rename = "statusAt")]
        pub(crate) status_at: DateTime<Utc>,
        #[serde(rename = "type")]
        pub(crate) type_: Status,
        #[serde(deserialize_with = "client_runtime::nullable::deserialize")]
        pub(crate) time: Option<DateTime<Utc>>,
        pub(crate) branch: TicketBranch,
        pub(crate) service: TicketService,
        #[serde(rename = "groupOfService")]
        pub(crate) group_of_service: TicketGroupOfService,
        #[serde(deserialize_with = "client_runtime::nullable::deserialize")]
        pub(crate) customer: Option<TicketCustomer>,
        #[serde(rename = "bookedAt")]
        pub(crate) booked_at: DateTime<Utc>,
        #[serde(rename = "queueSize")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(crate) queue_size: Option<i32>,
        #[serde(rename = "waitingTime")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub(crate) waiting_time: Option<i32>,
        #[serde(flatten)]
        pub(crate) additional_properties: serde_json::Map<String, serde_json::Value>,
    }
}

#[test]
fn same_outcome_as_serde_derive() {
    let base = serde_json::to_string(&ticket()).expect("json");
    let mut inputs: Vec<String> = vec![
        base.clone(),
        "{}".to_owned(),
        "[]".to_owned(),
        "null".to_owned(),
        "\"ticket\"".to_owned(),
        base.replacen('{', r#"{"id":"x","#, 1),
        base.replacen('{', r#"{"extra":1,"extra":2,"#, 1),
        base.replace(r#""waiting""#, r#""w\u0061iting""#),
        base.replace(r#""ticketNumber""#, r#""ticket\u004eumber""#),
        base.replacen('}', "", 1),
    ];
    let properties: Vec<String> = ticket()
        .as_object()
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default();
    // Each property left out, made null, and given a value of the wrong type.
    for property in &properties {
        for change in [None, Some(Value::Null), Some(json!(true)), Some(json!({}))] {
            let changed = ticket_with(|ticket| match change {
                None => {
                    ticket.remove(property);
                }
                Some(value) => {
                    ticket.insert(property.clone(), value);
                }
            });
            inputs.push(serde_json::to_string(&changed).expect("json"));
        }
    }
    for input in &inputs {
        let ours = serde_json::from_str::<Ticket>(input);
        let derived = serde_json::from_str::<derived::Ticket>(input);
        match (ours, derived) {
            (Ok(ours), Ok(derived)) => assert_eq!(
                serde_json::to_value(&ours).expect("encodes"),
                serde_json::to_value(&derived).expect("encodes"),
                "{input}"
            ),
            (Err(ours), Err(derived)) => {
                assert_eq!(ours.to_string(), derived.to_string(), "{input}");
            }
            (ours, derived) => panic!("{input}: ours {ours:?}, derived {derived:?}"),
        }
    }
}
