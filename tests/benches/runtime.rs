//! What the generated client costs at run time, against hand-written code doing the same work:
//!
//! - `call`: one `GET /tickets/{id}` through the generated Skiplino client, against the same
//!   request sent with `reqwest` and decoded with `serde_json` into the same type. Both talk to
//!   one in-process HTTP/1.1 server that answers every request with a fixed response over a
//!   kept-alive connection, so what differs is only the client side.
//! - `decode`: a page of 10,000 tickets decoded into the generated
//!   `ListCustomerTicketsResponse`, against a plain hand-written serde struct with the same fields;
//!   and against that struct keeping unknown properties as the generated types do, which tells
//!   how much of the difference is that guarantee.
//!
//! `cargo bench -p generator-tests --bench runtime`; after criterion's figures it prints the ratios
//! generated over hand-written, each measured in paired rounds (see [`paired_ratio`]).

use criterion::Criterion;
use skiplino::auth::PublicKey;
use skiplino::types::{FetchTicketResponse, ListCustomerTicketsResponse};
use skiplino::{Client, ClientConfig};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The ticket requested by the call benchmark (ten alphanumerics, as the API requires).
const TICKET_ID: &str = "k7m2p9x4q1";
/// A public key: `fetchTicket` accepts one.
const KEY: &str = "pk_bench_4f9c2a";
/// Tickets in the page the decode benchmark reads.
const PAGE_TICKETS: usize = 10_000;

/// Ticket `index` of a deterministic sequence covering every shape the API sends: each status and
/// type, walk-ins without an appointment time, tickets without a customer, and the fields only a
/// waiting ticket has.
fn ticket(index: usize) -> serde_json::Value {
    const STATUSES: [&str; 5] = ["waiting", "upcoming", "serving", "served", "cancelled"];
    let status = STATUSES[index % STATUSES.len()];
    let appointment = index % 3 == 0;
    let minute = index % 60;
    let mut ticket = serde_json::json!({
        "id": format!("t{index:09}"),
        "ticketNumber": format!("A{:03}", index % 1000),
        "status": status,
        "statusAt": format!("2026-06-23T11:{minute:02}:00.000Z"),
        "type": if appointment { "appointment" } else { "sequential" },
        "time": if appointment { serde_json::json!(format!("2026-07-01T09:{minute:02}:00.000Z")) } else { serde_json::Value::Null },
        "branch": { "id": "802b33af66", "name": "Seef Mall Branch" },
        "service": { "id": "6fe8fb8b12", "name": "Account Opening" },
        "groupOfService": { "id": "7c1f9a3b2d", "name": "Teller Services" },
        "customer": if index % 7 == 0 {
            serde_json::Value::Null
        } else {
            serde_json::json!({ "id": format!("{index:032x}"), "name": format!("Customer {index}") })
        },
        "bookedAt": format!("2026-06-23T10:{minute:02}:41.000Z"),
    });
    if status == "waiting"
        && let Some(object) = ticket.as_object_mut()
    {
        object.insert("queueSize".to_owned(), (index % 20).into());
        object.insert("waitingTime".to_owned(), (index % 90).into());
    }
    ticket
}

/// The body of `GET /tickets/{id}`.
fn fetch_ticket_body() -> Vec<u8> {
    let mut ticket = ticket(0);
    ticket["id"] = TICKET_ID.into();
    serde_json::to_vec(&serde_json::json!({
        "message": "Ticket fetched successfully.",
        "data": ticket,
    }))
    .unwrap_or_default()
}

/// A page of [`PAGE_TICKETS`] tickets, as `GET /customers/tickets` would send it.
fn ticket_page() -> Vec<u8> {
    let tickets: Vec<serde_json::Value> = (0..PAGE_TICKETS).map(ticket).collect();
    serde_json::to_vec(&serde_json::json!({
        "message": "Customer tickets fetched successfully.",
        "data": tickets,
        "pagination": {
            "total": PAGE_TICKETS,
            "page": 1,
            "limit": PAGE_TICKETS,
            "totalPages": 1,
            "hasNextPage": false,
            "hasPrevPage": false
        }
    }))
    .unwrap_or_default()
}

/// Starts an HTTP/1.1 server on a loopback port that answers every request with `200` and
/// `body`; returns its base URL. No parsing beyond the end of the headers: cheap next to either
/// client, and the same for both.
///
/// Every connection is served by one thread (a single-threaded Tokio runtime of its own). With a
/// thread per connection, each client had its own server thread, and where the scheduler placed
/// the two (beside the benchmark's thread or on the other core) decided more of the call ratio
/// than the clients did: runs of the same build gave 0.83 to 1.27.
fn serve(body: Vec<u8>) -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let response: std::sync::Arc<[u8]> = response.into();
    let server = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    std::thread::spawn(move || {
        server.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, response.clone()));
            }
        });
    });
    Ok(format!("http://{address}"))
}

/// Answers each request on `stream` (requests without a body, as GETs are) until it closes.
async fn answer(mut stream: tokio::net::TcpStream, response: std::sync::Arc<[u8]>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = stream.set_nodelay(true);
    let mut buffer = [0_u8; 8192];
    let mut pending = Vec::new();
    loop {
        let Ok(read) = stream.read(&mut buffer).await else {
            return;
        };
        if read == 0 {
            return;
        }
        pending.extend_from_slice(&buffer[..read]);
        while let Some(end) = pending.windows(4).position(|window| window == b"\r\n\r\n") {
            pending.drain(..end + 4);
            if stream.write_all(&response).await.is_err() {
                return;
            }
        }
    }
}

/// What a hand-written client would declare: the fields, with the same types, and nothing else.
// The fields are there to be decoded; the benchmark never reads them.
#[allow(dead_code)]
mod plain {
    use chrono::{DateTime, Utc};
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    pub(crate) struct TicketPage {
        pub(crate) message: String,
        pub(crate) data: Vec<Ticket>,
        pub(crate) pagination: Pagination,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(crate) struct Pagination {
        pub(crate) total: i64,
        pub(crate) page: i32,
        pub(crate) limit: i32,
        pub(crate) total_pages: i32,
        pub(crate) has_next_page: bool,
        pub(crate) has_prev_page: bool,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(crate) struct Ticket {
        pub(crate) id: String,
        pub(crate) ticket_number: String,
        pub(crate) status: Status,
        pub(crate) status_at: DateTime<Utc>,
        #[serde(rename = "type")]
        pub(crate) type_: Kind,
        pub(crate) time: Option<DateTime<Utc>>,
        pub(crate) branch: Named,
        pub(crate) service: Named,
        pub(crate) group_of_service: Named,
        pub(crate) customer: Option<Named>,
        pub(crate) booked_at: DateTime<Utc>,
        #[serde(default)]
        pub(crate) queue_size: Option<i32>,
        #[serde(default)]
        pub(crate) waiting_time: Option<i32>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub(crate) enum Status {
        Waiting,
        Upcoming,
        Serving,
        Served,
        Cancelled,
        #[serde(other)]
        Unknown,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub(crate) enum Kind {
        Appointment,
        Sequential,
        #[serde(other)]
        Unknown,
    }

    #[derive(Debug, Deserialize)]
    pub(crate) struct Named {
        pub(crate) id: String,
        pub(crate) name: String,
    }
}

/// [`plain`]'s structs, each also keeping the properties it does not list, as the generated ones do.
#[allow(dead_code)]
mod keeping_unknown {
    use chrono::{DateTime, Utc};
    use serde::Deserialize;
    use serde_json::{Map, Value};

    #[derive(Debug, Deserialize)]
    pub(crate) struct TicketPage {
        pub(crate) message: String,
        pub(crate) data: Vec<Ticket>,
        pub(crate) pagination: Pagination,
        #[serde(flatten)]
        pub(crate) other: Map<String, Value>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(crate) struct Pagination {
        pub(crate) total: i64,
        pub(crate) page: i32,
        pub(crate) limit: i32,
        pub(crate) total_pages: i32,
        pub(crate) has_next_page: bool,
        pub(crate) has_prev_page: bool,
        #[serde(flatten)]
        pub(crate) other: Map<String, Value>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(crate) struct Ticket {
        pub(crate) id: String,
        pub(crate) ticket_number: String,
        pub(crate) status: super::plain::Status,
        pub(crate) status_at: DateTime<Utc>,
        #[serde(rename = "type")]
        pub(crate) type_: super::plain::Kind,
        pub(crate) time: Option<DateTime<Utc>>,
        pub(crate) branch: Named,
        pub(crate) service: Named,
        pub(crate) group_of_service: Named,
        pub(crate) customer: Option<Named>,
        pub(crate) booked_at: DateTime<Utc>,
        #[serde(default)]
        pub(crate) queue_size: Option<i32>,
        #[serde(default)]
        pub(crate) waiting_time: Option<i32>,
        #[serde(flatten)]
        pub(crate) other: Map<String, Value>,
    }

    #[derive(Debug, Deserialize)]
    pub(crate) struct Named {
        pub(crate) id: String,
        pub(crate) name: String,
        #[serde(flatten)]
        pub(crate) other: Map<String, Value>,
    }
}

/// Calls timed together in one round of the paired comparison: long enough (milliseconds) that
/// timer resolution and scheduling do not matter.
const CALL_BATCH: u64 = 100;
/// Rounds of the paired comparisons.
const ROUNDS: usize = 41;

/// The median of `ours / theirs` over [`ROUNDS`] rounds, each timing one batch of each, the order
/// alternating. On a machine shared with other work, load drifts over seconds; criterion times
/// one benchmark after the other, so their figures can differ by more than the gap measured here,
/// while a round's two batches see the same load.
fn paired_ratio(mut ours: impl FnMut() -> Duration, mut theirs: impl FnMut() -> Duration) -> f64 {
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            let (ours, theirs) = if round % 2 == 0 {
                let ours = ours();
                (ours, theirs())
            } else {
                let theirs = theirs();
                (ours(), theirs)
            };
            ours.as_secs_f64() / theirs.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// How long `run` takes.
fn timed(run: impl FnOnce()) -> Duration {
    let started = Instant::now();
    run();
    started.elapsed()
}

/// The call benchmarks; the paired ratio of generated over hand-written.
fn call(c: &mut Criterion) -> f64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let base_url = serve(fetch_ticket_body()).expect("a local server");
    let generated = Client::from_config(
        ClientConfig::new(base_url.clone()),
        PublicKey::new(KEY).expect("a valid key"),
    )
    .expect("the client builds");
    // The runtime's defaults, so both clients pool and time out alike.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(20))
        .build()
        .expect("a reqwest client");
    let url = format!("{base_url}/tickets/{TICKET_ID}");
    let (generated, http, url) = (&generated, &http, url.as_str());
    let ours = move || async move {
        generated
            .fetch_ticket(TICKET_ID)
            .send()
            .await
            .expect("a ticket")
            .into_body()
    };
    let hand_written = move || async move {
        let response = http
            .get(url)
            .bearer_auth(KEY)
            .send()
            .await
            .expect("a response");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("a body");
        serde_json::from_slice::<FetchTicketResponse>(&body).expect("a ticket")
    };
    // Both decode the same body into the same type; check once that they agree.
    let (first, second) = runtime.block_on(async { (ours().await, hand_written().await) });
    assert_eq!(first, second);
    let ours_batch = |iterations: u64| {
        timed(|| {
            runtime.block_on(async {
                for _ in 0..iterations {
                    black_box(ours().await);
                }
            });
        })
    };
    let hand_written_batch = |iterations: u64| {
        timed(|| {
            runtime.block_on(async {
                for _ in 0..iterations {
                    black_box(hand_written().await);
                }
            });
        })
    };

    let mut group = c.benchmark_group("call");
    group.bench_function("generated", |b| b.iter_custom(ours_batch));
    group.bench_function("hand-written", |b| b.iter_custom(hand_written_batch));
    group.finish();
    paired_ratio(|| ours_batch(CALL_BATCH), || hand_written_batch(CALL_BATCH))
}

/// Decodes `page` as `T`.
fn decode_as<T: serde::de::DeserializeOwned>(page: &[u8]) {
    let decoded: T = serde_json::from_slice(black_box(page)).expect("a page");
    black_box(decoded);
}

/// The decode benchmarks; the paired ratios of generated over the plain and over the
/// unknown-keeping hand-written structs.
fn decode(c: &mut Criterion) -> (f64, f64) {
    let page = ticket_page();
    let generated: ListCustomerTicketsResponse =
        serde_json::from_slice(&page).expect("the generated type decodes the page");
    let plain: plain::TicketPage =
        serde_json::from_slice(&page).expect("the plain struct decodes the page");
    assert_eq!(generated.data.len(), PAGE_TICKETS);
    assert_eq!(plain.data.len(), PAGE_TICKETS);

    let mut group = c.benchmark_group("decode 10,000 tickets");
    // Each decode takes tens of milliseconds: fewer samples, over a longer time.
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("generated", |b| {
        b.iter(|| decode_as::<ListCustomerTicketsResponse>(&page));
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| decode_as::<plain::TicketPage>(&page));
    });
    group.bench_function("hand-written, keeping unknown properties", |b| {
        b.iter(|| decode_as::<keeping_unknown::TicketPage>(&page));
    });
    group.finish();
    let generated = || timed(|| decode_as::<ListCustomerTicketsResponse>(&page));
    (
        paired_ratio(generated, || {
            timed(|| decode_as::<plain::TicketPage>(&page))
        }),
        paired_ratio(generated, || {
            timed(|| decode_as::<keeping_unknown::TicketPage>(&page))
        }),
    )
}

// What `criterion_group!` and `criterion_main!` expand to, written out so the ratios can follow.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let call = call(&mut criterion);
    let (decode, decode_keeping) = decode(&mut criterion);
    criterion.final_summary();
    println!(
        "\ngenerated / hand-written, median of {ROUNDS} paired rounds (target: at most 1.05):"
    );
    println!("  call (GET /tickets/{{id}}, {CALL_BATCH} calls a round): {call:.3}");
    println!("  decode 10,000 tickets, plain hand-written struct: {decode:.3}");
    println!(
        "  decode 10,000 tickets, hand-written struct keeping unknown properties: {decode_keeping:.3}"
    );
}
