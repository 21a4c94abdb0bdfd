//! Quickstart for the Skiplino client: book an appointment and follow it through its life, then
//! keep a customer record in sync.
//!
//! ```text
//! cargo run -p skiplino --example quickstart
//! ```
//!
//! Without configuration it starts a local mock of the API in-process, answering with the spec's
//! examples, and talks to that. To talk to a real server instead, set both
//!
//! - `SKIPLINO_BASE_URL`, e.g. `https://api-dev.skiplino.com/external/v1`, and
//! - `SKIPLINO_SECRET_KEY`, a secret key (`sk_…`).
//!
//! Against a real server the walk creates a customer, books an appointment for it at the first free
//! slot of tomorrow (or of the days after), moves it to the next free slot, cancels it and deletes
//! the customer again. Every id it sends comes from an earlier response.

use chrono::{DateTime, Days, NaiveDate, Utc};
use futures_util::TryStreamExt;
use skiplino::auth::SecretKey;
use skiplino::types::{
    BookTicketRequest, Branch, BranchTreeGroup, ChangeTimeRequest, CustomerUpdateRequest,
    CustomerWriteRequest, Service, Slot, Ticket,
};
use skiplino::{Client, ClientConfig};
use std::error::Error;
use std::fmt;

/// How many days, from tomorrow on, the walk looks through for a free appointment slot.
const DAYS_TO_SEARCH: usize = 7;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let now = DateTime::<Utc>::from(std::time::SystemTime::now());
    // Today's slots may all be over: the walk books from tomorrow on.
    let tomorrow = now
        .date_naive()
        .checked_add_days(Days::new(1))
        .ok_or_else(|| StepFailed::new("pick the first day", "there is no date after today"))?;

    // `_mock` lives until the walk is over: dropping the mock server stops it.
    let (base_url, key, external_id, _mock) = match real_server()? {
        Some((base_url, key)) => {
            println!("Skiplino quickstart against {base_url} (SKIPLINO_BASE_URL)");
            // A fresh external id, so that a second run does not collide with the first.
            let external_id = format!("quickstart-{}", now.timestamp());
            (base_url, key, external_id, None)
        }
        None => {
            let server = mock::start(tomorrow, now)
                .await
                .map_err(failed("start the mock"))?;
            println!(
                "Skiplino quickstart against a local mock of the API at {}",
                server.uri()
            );
            let key = mock::SECRET_KEY.to_owned();
            (
                server.uri(),
                key,
                mock::EXTERNAL_ID.to_owned(),
                Some(server),
            )
        }
    };

    let key = SecretKey::new(key).map_err(failed("read the secret key"))?;
    let client = Client::from_config(ClientConfig::new(base_url), key)
        .map_err(failed("build the client"))?
        // Messages and names in English, on every request.
        .with_x_locale("en")
        .map_err(failed("build the client"))?;
    walk(&client, tomorrow, &external_id).await?;
    println!("Done.");
    Ok(())
}

/// The server and key from `SKIPLINO_BASE_URL` and `SKIPLINO_SECRET_KEY`, when both are set;
/// `None` (use the mock) when neither is.
fn real_server() -> Result<Option<(String, String)>, StepFailed> {
    let setting = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    match (setting("SKIPLINO_BASE_URL"), setting("SKIPLINO_SECRET_KEY")) {
        (Some(base_url), Some(key)) => Ok(Some((base_url, key))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(StepFailed::new(
            "read the settings",
            "SKIPLINO_BASE_URL is set but SKIPLINO_SECRET_KEY is not: \
             set both to use a real server, or neither to use the mock",
        )),
        (None, Some(_)) => Err(StepFailed::new(
            "read the settings",
            "SKIPLINO_SECRET_KEY is set but SKIPLINO_BASE_URL is not: \
             set both to use a real server, or neither to use the mock",
        )),
    }
}

/// The whole walk: one printed line per step; the first failing step ends it.
async fn walk(client: &Client, from: NaiveDate, external_id: &str) -> Result<(), StepFailed> {
    // Branches, then the first branch (open ones first) with a service that takes appointments.
    let mut branches = client
        .list_active_branches()
        .send()
        .await
        .step("list branches")?
        .into_body()
        .data;
    println!(
        " 1. list branches: {} active: {}",
        branches.len(),
        join(&branches, |branch| format!(
            "{} [{}] ({})",
            branch.name,
            branch.id,
            if branch.branch_status.is_branch_open {
                "open"
            } else {
                "closed"
            }
        ))
    );
    branches.sort_by_key(|branch| !branch.branch_status.is_branch_open);
    let (branch, group, service) = appointment_service(client, branches).await?;

    // Free slots: the first day with one, from `from` on.
    let (day, slots) = free_slots(client, &service, from).await?;
    println!(
        " 3. slots of {} on {day}: {}",
        service.name,
        join(&slots, |slot| format!(
            "{} ({} left)",
            slot.time.format("%H:%M"),
            slot.remaining
        ))
    );
    let mut free = slots.iter().filter(|slot| slot.remaining > 0);
    let first_slot = free
        .next()
        .ok_or_else(|| StepFailed::new("pick a slot", "no slot has room"))?;
    let later_slot = free.next();

    // An appointment needs a customer: create one, known by our own id.
    let new_customer = CustomerWriteRequest::builder()
        .external_id(external_id)
        .name("Layla Hassan")
        .email("layla.hassan@example.com")
        .mobile("+97333445566")
        .metadata(serde_json::Map::from_iter([
            ("tier".to_owned(), "gold".into()),
            ("source".to_owned(), "quickstart".into()),
        ]))
        .build()
        .map_err(failed("create a customer"))?;
    let customer = client
        .create_customer(new_customer)
        .send()
        .await
        .step("create a customer")?
        .into_body()
        .data;
    println!(
        " 4. create customer {external_id}: {} [{}]",
        customer.name.as_deref().unwrap_or("(no name)"),
        customer.id
    );

    // Book the first free slot for that customer.
    let booking = BookTicketRequest::builder()
        .service_id(&service.id)
        .group_of_service_id(&group.id)
        .time(first_slot.time)
        .customer_id(&customer.id)
        .build()
        .map_err(failed("book a ticket"))?;
    let booked = client
        .book_ticket(booking)
        .send()
        .await
        .step("book a ticket")?
        .into_body();
    let ticket = booked.data;
    println!(
        " 5. book ticket at {} ({}): {}; \"{}\"",
        branch.name,
        service.name,
        describe(&ticket),
        booked.message
    );

    let fetched = client
        .fetch_ticket(&ticket.id)
        .send()
        .await
        .step("fetch the ticket")?
        .into_body()
        .data;
    println!(" 6. fetch ticket {}: {}", ticket.id, describe(&fetched));

    match later_slot {
        Some(slot) => {
            let change = ChangeTimeRequest::builder()
                .time(slot.time)
                .customer_id(&customer.id)
                .build()
                .map_err(failed("reschedule the ticket"))?;
            let moved = client
                .reschedule_appointment(&ticket.id, change)
                .send()
                .await
                .step("reschedule the ticket")?
                .into_body()
                .data;
            println!(" 7. reschedule ticket {}: {}", ticket.id, describe(&moved));
        }
        None => println!(" 7. reschedule: skipped, {day} has no second free slot"),
    }

    let cancelled = client
        .cancel_ticket(&ticket.id)
        .send()
        .await
        .step("cancel the ticket")?
        .into_body()
        .data;
    println!(" 8. cancel ticket {}: {}", ticket.id, describe(&cancelled));

    // Customers: find the new one in the directory, page after page, as one stream.
    let mut listed = std::pin::pin!(client.list_customers().limit(100).items());
    let mut read = 0;
    let found = loop {
        match listed.try_next().await.step("list customers")? {
            Some(entry) => {
                read += 1;
                if entry.external_id.as_deref() == Some(external_id) {
                    break entry;
                }
            }
            None => {
                return Err(StepFailed::new(
                    "list customers",
                    format!("no customer has the external id {external_id}"),
                ));
            }
        }
    };
    println!(
        " 9. list customers: found {external_id} [{}] after reading {read} customer(s)",
        found.id
    );

    let fetched = client
        .fetch_customer()
        .id(&customer.id)
        .send()
        .await
        .step("fetch the customer")?
        .into_body()
        .data;
    println!(
        "10. fetch customer {}: {}, {}, {}, created {}",
        fetched.id,
        fetched.name.as_deref().unwrap_or("(no name)"),
        fetched.email.as_deref().unwrap_or("(no e-mail)"),
        fetched.mobile.as_deref().unwrap_or("(no mobile)"),
        fetched.created_at.format("%Y-%m-%d %H:%M UTC")
    );

    let change = CustomerUpdateRequest::builder()
        .id(&customer.id)
        .name("Layla A. Hassan")
        .mobile("+97333778899")
        .build()
        .map_err(failed("update the customer"))?;
    let updated = client
        .update_customer(change)
        .send()
        .await
        .step("update the customer")?
        .into_body()
        .data;
    println!(
        "11. update customer {}: now {}, {}",
        updated.id,
        updated.name.as_deref().unwrap_or("(no name)"),
        updated.mobile.as_deref().unwrap_or("(no mobile)")
    );

    let tickets = client
        .list_customer_tickets()
        .id(&customer.id)
        .send()
        .await
        .step("list the customer's tickets")?
        .into_body();
    println!(
        "12. list tickets of customer {}: {} in all; {}",
        customer.id,
        tickets.pagination.total,
        join(&tickets.data, describe)
    );

    let deleted = client
        .delete_customer()
        .id(&customer.id)
        .send()
        .await
        .step("delete the customer")?;
    println!(
        "13. delete customer {}: \"{}\"",
        customer.id, deleted.message
    );
    Ok(())
}

/// The first branch whose service tree has a service that takes appointments, with that service
/// and its group; prints each tree it reads.
async fn appointment_service(
    client: &Client,
    branches: Vec<Branch>,
) -> Result<(Branch, BranchTreeGroup, Service), StepFailed> {
    for branch in branches {
        let tree = client
            .get_branch_service_tree(&branch.id)
            .send()
            .await
            .step("read a branch's service tree")?
            .into_body()
            .data;
        println!(
            " 2. service tree of {}: {}",
            branch.name,
            join(&tree, |group| format!(
                "{} [{}]: {}",
                group.name,
                group.id,
                join(&group.services, |service| format!(
                    "{} [{}] ({})",
                    service.name,
                    service.id,
                    if service.is_appointment {
                        "appointments"
                    } else {
                        "walk-in"
                    }
                ))
            ))
        );
        for group in tree {
            if let Some(service) = group.services.iter().find(|s| s.is_appointment).cloned() {
                return Ok((branch, group, service));
            }
        }
    }
    Err(StepFailed::new(
        "find an appointment service",
        "no active branch offers a service that takes appointments",
    ))
}

/// The first day from `from` on (within [`DAYS_TO_SEARCH`]) that has a slot with room, and its
/// slots.
async fn free_slots(
    client: &Client,
    service: &Service,
    from: NaiveDate,
) -> Result<(NaiveDate, Vec<Slot>), StepFailed> {
    for day in from.iter_days().take(DAYS_TO_SEARCH) {
        let slots = client
            .get_available_slots(&service.id)
            .date(day)
            .send()
            .await
            .step("list available slots")?
            .into_body()
            .data;
        if slots.iter().any(|slot| slot.remaining > 0) {
            return Ok((day, slots));
        }
        println!(" 3. slots of {} on {day}: none free", service.name);
    }
    Err(StepFailed::new(
        "list available slots",
        format!(
            "{} has no free slot in the {DAYS_TO_SEARCH} days from {from}",
            service.name
        ),
    ))
}

/// A ticket in one line: number, id, kind, time and status.
fn describe(ticket: &Ticket) -> String {
    let time = ticket.time.map_or_else(
        || "no time".to_owned(),
        |time| time.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    format!(
        "{} [{}] {} at {time}, {}",
        ticket.ticket_number, ticket.id, ticket.type_, ticket.status
    )
}

/// `items` shown with `show`, comma-separated; `(none)` when there are none.
fn join<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    if items.is_empty() {
        return "(none)".to_owned();
    }
    items.iter().map(show).collect::<Vec<_>>().join(", ")
}

/// A step of the walk that failed: which one, why, and what the server said about it.
struct StepFailed {
    step: &'static str,
    error: Box<dyn Error>,
    server_said: Option<String>,
}

impl StepFailed {
    fn new(step: &'static str, error: impl Into<Box<dyn Error>>) -> Self {
        Self {
            step,
            error: error.into(),
            server_said: None,
        }
    }
}

impl fmt::Display for StepFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut message = format!("step `{}` failed: {}", self.step, self.error);
        let mut source = self.error.source();
        while let Some(cause) = source {
            // Some errors repeat their source's message in their own: show each message once.
            let cause_message = cause.to_string();
            if !message.contains(&cause_message) {
                message = format!("{message}: {cause_message}");
            }
            source = cause.source();
        }
        f.write_str(&message)?;
        if let Some(said) = &self.server_said {
            write!(f, "\n  the server said: {said}")?;
        }
        Ok(())
    }
}

// `main` prints its error with `Debug`: make that the readable message.
impl fmt::Debug for StepFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Error for StepFailed {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.error.as_ref())
    }
}

/// Turns an error into the failure of `step`.
fn failed<E: Into<Box<dyn Error>>>(step: &'static str) -> impl FnOnce(E) -> StepFailed {
    move |error| StepFailed::new(step, error)
}

/// Names the step a request belongs to, keeping the server's answer when it sent one.
trait Step<T> {
    fn step(self, step: &'static str) -> Result<T, StepFailed>;
}

impl<T, E> Step<T> for Result<T, skiplino::Error<E>>
where
    E: fmt::Debug + fmt::Display + 'static,
{
    fn step(self, step: &'static str) -> Result<T, StepFailed> {
        self.map_err(|error| {
            let server_said = match &error {
                skiplino::Error::Api(api) => Some(format!("{:?}", api.body)),
                skiplino::Error::UnexpectedStatus(raw) | skiplino::Error::Decode { raw, .. } => {
                    Some(raw.text())
                }
                _ => None,
            };
            StepFailed {
                step,
                error: Box::new(error),
                server_said,
            }
        })
    }
}

/// A local mock of the API, answering the walk's requests with the spec's examples, adapted so
/// that one request's answer fits the next: ids carry over and times lie in the future.
mod mock {
    use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
    use serde_json::{Value, json};
    use std::error::Error;
    use wiremock::matchers::{body_partial_json, header, method, path, query_param};
    use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

    /// The key the walk authenticates with; the mock answers no other.
    pub(super) const SECRET_KEY: &str = "sk_test_quickstart";
    /// The customer's id in the integrator's own system, as in the spec's examples.
    pub(super) const EXTERNAL_ID: &str = "crm-7741";

    const AUTHORIZATION: &str = "Bearer sk_test_quickstart";
    const BRANCH_ID: &str = "802b33af66";
    const GROUP_ID: &str = "7c1f9a3b2d";
    // The spec's examples give this service the branch's id; a distinct one shows which is which.
    const SERVICE_ID: &str = "a41c7e9d03";
    const TICKET_ID: &str = "k7m2p9x4q1";
    const CUSTOMER_ID: &str = "9f2c8b7a4e1d6c3f0a5b8e2d7c4f1a9b";

    /// Starts the mock, with slots on `day`, and `now` as the time of every change.
    pub(super) async fn start(
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<MockServer, Box<dyn Error>> {
        let at = |hour: u32, minute: u32| {
            day.and_hms_opt(hour, minute, 0)
                .map(|time| time.and_utc())
                .ok_or("not a time of day")
        };
        let (booked_time, moved_time) = (at(9, 0)?, at(9, 30)?);
        let server = MockServer::start().await;

        ok(
            request("GET", "/branches"),
            json!({
                "message": "Branches fetched successfully.",
                "data": [
                    {"id": BRANCH_ID, "name": "Seef Mall Branch", "branchStatus": {"isBranchOpen": true}},
                    {"id": "3d9e0c7a51", "name": "Riffa Branch", "branchStatus": {"isBranchOpen": false}},
                ],
            }),
        )
        .mount(&server)
        .await;
        ok(
            request("GET", &format!("/branches/{BRANCH_ID}/tree")),
            json!({
                "message": "Branch services fetched successfully.",
                "data": [{
                    "id": GROUP_ID,
                    "name": "Teller Services",
                    "services": [
                        {"id": "6fe8fb8b12", "name": "Cash Withdrawal", "isOpen": true, "isAppointment": false},
                        {"id": SERVICE_ID, "name": "Account Opening", "isOpen": true, "isAppointment": true},
                    ],
                }],
            }),
        )
        .mount(&server)
        .await;
        ok(
            request("GET", &format!("/services/{SERVICE_ID}/slots"))
                .and(query_param("date", day.to_string())),
            json!({
                "message": "Slots fetched successfully.",
                "data": [
                    {"time": timestamp(booked_time), "remaining": 2},
                    {"time": timestamp(moved_time), "remaining": 1},
                    {"time": timestamp(at(10, 0)?), "remaining": 3},
                ],
            }),
        )
        .mount(&server)
        .await;

        let created = customer("Layla Hassan", "+97333445566", now, now);
        respond(
            201,
            request("POST", "/customers/create").and(body_partial_json(json!({
                "externalId": EXTERNAL_ID,
                "name": "Layla Hassan",
            }))),
            json!({"message": "Customer created successfully.", "data": created}),
        )
        .mount(&server)
        .await;

        let booked = ticket("upcoming", booked_time, now);
        respond(
            201,
            request("POST", "/tickets/book").and(body_partial_json(json!({
                "serviceId": SERVICE_ID,
                "groupOfServiceId": GROUP_ID,
                "customerId": CUSTOMER_ID,
            }))),
            json!({"message": "Appointment booked successfully.", "data": booked}),
        )
        .mount(&server)
        .await;
        ok(
            request("GET", &format!("/tickets/{TICKET_ID}")),
            json!({"message": "Ticket fetched successfully.", "data": booked}),
        )
        .mount(&server)
        .await;
        ok(
            request("POST", &format!("/tickets/{TICKET_ID}/change-time"))
                .and(body_partial_json(json!({"customerId": CUSTOMER_ID}))),
            json!({
                "message": "Ticket updated successfully.",
                "data": ticket("upcoming", moved_time, now),
            }),
        )
        .mount(&server)
        .await;
        let cancelled = ticket("cancelled", moved_time, now);
        ok(
            request("POST", &format!("/tickets/{TICKET_ID}/cancel")),
            json!({"message": "Ticket cancelled successfully.", "data": cancelled}),
        )
        .mount(&server)
        .await;

        ok(
            request("GET", "/customers/getAll").and(query_param("page", "1")),
            json!({
                "message": "Customers fetched successfully.",
                "data": [created],
                "pagination": pagination(1, 100),
            }),
        )
        .mount(&server)
        .await;
        ok(
            request("GET", "/customers/getOne").and(query_param("id", CUSTOMER_ID)),
            json!({"message": "Customer fetched successfully.", "data": created}),
        )
        .mount(&server)
        .await;
        ok(
            request("PUT", "/customers/update").and(body_partial_json(json!({
                "id": CUSTOMER_ID,
                "name": "Layla A. Hassan",
            }))),
            json!({
                "message": "Customer updated successfully.",
                "data": customer("Layla A. Hassan", "+97333778899", now, now),
            }),
        )
        .mount(&server)
        .await;
        ok(
            request("GET", "/customers/tickets").and(query_param("id", CUSTOMER_ID)),
            json!({
                "message": "Customer tickets fetched successfully.",
                "data": [cancelled],
                "pagination": pagination(1, 10),
            }),
        )
        .mount(&server)
        .await;
        ok(
            request("DELETE", "/customers/delete").and(query_param("id", CUSTOMER_ID)),
            json!({"message": "Customer deleted successfully.", "data": null}),
        )
        .mount(&server)
        .await;
        Ok(server)
    }

    /// A request to `path` with `method`, carrying the walk's key.
    fn request(method_name: &str, path_name: &str) -> MockBuilder {
        Mock::given(method(method_name))
            .and(path(path_name))
            .and(header("authorization", AUTHORIZATION))
    }

    fn ok(request: MockBuilder, body: Value) -> Mock {
        respond(200, request, body)
    }

    fn respond(status: u16, request: MockBuilder, body: Value) -> Mock {
        request.respond_with(ResponseTemplate::new(status).set_body_json(body))
    }

    /// The walk's appointment, `status` at `time`, changed last at `now`.
    fn ticket(status: &str, time: DateTime<Utc>, now: DateTime<Utc>) -> Value {
        json!({
            "id": TICKET_ID,
            "ticketNumber": "A042",
            "status": status,
            "statusAt": timestamp(now),
            "type": "appointment",
            "time": timestamp(time),
            "branch": {"id": BRANCH_ID, "name": "Seef Mall Branch"},
            "service": {"id": SERVICE_ID, "name": "Account Opening"},
            "groupOfService": {"id": GROUP_ID, "name": "Teller Services"},
            "customer": {"id": CUSTOMER_ID, "name": "Layla Hassan"},
            "bookedAt": timestamp(now),
        })
    }

    /// The walk's customer.
    fn customer(name: &str, mobile: &str, created: DateTime<Utc>, updated: DateTime<Utc>) -> Value {
        json!({
            "_id": CUSTOMER_ID,
            "externalId": EXTERNAL_ID,
            "companyId": "cmp_5f3a91",
            "name": name,
            "email": "layla.hassan@example.com",
            "mobile": mobile,
            "metadata": {"tier": "gold", "source": "quickstart"},
            "createdAt": timestamp(created),
            "updatedAt": timestamp(updated),
        })
    }

    /// The only page of a list of `total` items, `limit` a page.
    fn pagination(total: u32, limit: u32) -> Value {
        json!({
            "total": total,
            "page": 1,
            "limit": limit,
            "totalPages": 1,
            "hasNextPage": false,
            "hasPrevPage": false,
        })
    }

    /// `time` as the API writes it: UTC, with milliseconds.
    fn timestamp(time: DateTime<Utc>) -> String {
        time.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}
