//! The bookkeeping of a contract run: which request each call really sent (read from the
//! runtime's `request` span), what Prism answered, and which operations of the spec were left
//! without a call.

use client_runtime::{Error, HeaderMap, Response};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::{Debug, Write as _};
use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// An operation as the spec declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpecOperation {
    /// Upper-case HTTP method.
    pub(crate) method: String,
    /// The path template, e.g. `/tickets/{id}`.
    pub(crate) path: String,
    /// The 2xx statuses it documents.
    pub(crate) success: Vec<u16>,
}

/// Every operation of the spec at `spec` (relative to the repository root), by `operationId`.
pub(crate) fn spec_operations(spec: &str) -> BTreeMap<String, SpecOperation> {
    let path = xtask::project_root().join(spec);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let document: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .expect("the spec has `paths`");
    let mut operations = BTreeMap::new();
    for (template, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            ) {
                continue;
            }
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{spec}: {method} {template} has no operationId"));
            let success = operation
                .get("responses")
                .and_then(Value::as_object)
                .map(|responses| {
                    responses
                        .keys()
                        .filter_map(|status| status.parse::<u16>().ok())
                        .filter(|status| (200..300).contains(status))
                        .collect()
                })
                .unwrap_or_default();
            let previous = operations.insert(
                id.to_owned(),
                SpecOperation {
                    method: method.to_uppercase(),
                    path: template.clone(),
                    success,
                },
            );
            assert!(previous.is_none(), "{spec}: operationId {id} is not unique");
        }
    }
    operations
}

/// A request the runtime sent, as its `request` span names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Sent {
    operation: String,
    method: String,
    path: String,
}

thread_local! {
    /// The requests sent from this thread, in order.
    static SENT: RefCell<Vec<Sent>> = const { RefCell::new(Vec::new()) };
}

/// The requests sent from this thread so far.
fn sent_count() -> usize {
    SENT.with(|sent| sent.borrow().len())
}

/// The requests sent from this thread after the first `from`.
fn sent_since(from: usize) -> Vec<Sent> {
    SENT.with(|sent| sent.borrow()[from..].to_vec())
}

/// Installs [`RequestSpans`] as the global subscriber, once for the test binary.
///
/// Global rather than a scoped default per test: tracing caches a callsite's interest when a
/// thread first reaches it, asking the default dispatcher of that thread only while a single
/// dispatcher exists; with one scoped recorder per test thread, a test reaching the callsite
/// before its recorder exists cached "never" and hid the other test's requests.
fn record_requests() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(RequestSpans {
            next_id: AtomicU64::new(1),
        })
        .expect("nothing else in the contract tests installs a global subscriber");
    });
}

/// Records the `request` spans the runtime opens, one per operation call, for the thread that
/// opens them.
struct RequestSpans {
    next_id: AtomicU64,
}

impl Subscriber for RequestSpans {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_span()
            && metadata.name() == "request"
            && metadata.target().starts_with("client_runtime")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut sent = Sent::default();
        span.record(&mut SentVisitor(&mut sent));
        SENT.with(|list| list.borrow_mut().push(sent));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

struct SentVisitor<'a>(&'a mut Sent);

impl tracing::field::Visit for SentVisitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "operation" => self.0.operation = value.to_owned(),
            "path" => self.0.path = value.to_owned(),
            "method" => self.0.method = value.to_owned(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

/// What became of one call.
struct Call {
    /// `operationId (what the call is)`.
    label: String,
    operation: String,
    outcome: Result<(), String>,
}

/// The calls of one contract run against one spec.
///
/// Requests are recorded per thread: they must be sent on the thread that awaits
/// [`Ledger::call`], as a current-thread runtime does.
pub(crate) struct Ledger {
    api: &'static str,
    spec: BTreeMap<String, SpecOperation>,
    calls: Vec<Call>,
    /// When the first call started.
    started: Option<Instant>,
}

impl Ledger {
    /// A ledger for the operations of `spec`. Make it before anything sends a request, so that
    /// the runtime's spans are recorded from the start.
    pub(crate) fn new(api: &'static str, spec: &str) -> Self {
        record_requests();
        Self {
            api,
            spec: spec_operations(spec),
            calls: Vec::new(),
            started: None,
        }
    }

    /// Sends `request`, a call of `operation` described by `what`, and notes whether it sent
    /// exactly that operation as the spec declares it, Prism found no violation, the status is a
    /// documented 2xx and the body decoded into the generated success type.
    pub(crate) async fn call<T, E: Debug + std::fmt::Display + 'static>(
        &mut self,
        operation: &str,
        what: &str,
        request: impl Future<Output = Result<Response<T>, Error<E>>>,
    ) {
        self.started.get_or_insert_with(Instant::now);
        let before = sent_count();
        let result = request.await;
        let sent = sent_since(before);
        let declared = self.spec.get(operation);
        let outcome = match (sent.as_slice(), declared) {
            (_, None) => Err(format!("`{operation}` is not an operationId of the spec")),
            ([one], Some(_)) if one.operation != operation => Err(format!(
                "the call sent operation `{}` ({} {}), not `{operation}`",
                one.operation, one.method, one.path
            )),
            ([one], Some(declared))
                if one.method != declared.method || one.path != declared.path =>
            {
                Err(format!(
                    "the client sends it as {} {}, the spec declares {} {}",
                    one.method, one.path, declared.method, declared.path
                ))
            }
            ([_], Some(declared)) => judge(&result, &declared.success),
            (_, Some(declared)) => Err(format!(
                "the call sent {} requests instead of one: {sent:?}; its outcome: {:?}",
                sent.len(),
                judge(&result, &declared.success)
            )),
        };
        self.calls.push(Call {
            label: format!("{operation} ({what})"),
            operation: operation.to_owned(),
            outcome,
        });
    }

    /// Panics with every failed call, and every operation of the spec no call exercised;
    /// otherwise prints a summary.
    pub(crate) fn finish(self, prism_startup: Duration) {
        let mut report = String::new();
        for call in &self.calls {
            if let Err(why) = &call.outcome {
                let _ = writeln!(report, "✗ {}:\n{}\n", call.label, indent(why));
            }
        }
        let exercised: Vec<&str> = self
            .calls
            .iter()
            .filter(|call| call.outcome.is_ok())
            .map(|call| call.operation.as_str())
            .collect();
        let attempted: Vec<&str> = self
            .calls
            .iter()
            .map(|call| call.operation.as_str())
            .collect();
        let missing: Vec<&str> = self
            .spec
            .keys()
            .map(String::as_str)
            .filter(|id| !attempted.contains(id))
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(
                report,
                "✗ operations of the spec without a contract call (add one to tests/contract): {}",
                missing.join(", ")
            );
        }
        let passed = self
            .spec
            .keys()
            .filter(|id| exercised.contains(&id.as_str()))
            .count();
        eprintln!(
            "{}: {} calls, {passed} of {} operations pass; Prism started in {:.1} s, the calls took {:.2} s",
            self.api,
            self.calls.len(),
            self.spec.len(),
            prism_startup.as_secs_f64(),
            self.started
                .map_or(Duration::ZERO, |started| started.elapsed())
                .as_secs_f64(),
        );
        assert!(
            report.is_empty(),
            "{}: the generated client and the spec disagree:\n\n{report}",
            self.api
        );
    }
}

/// `Ok` when `result` is a documented 2xx response that Prism raised no violation about and that
/// decoded; otherwise what went wrong, with Prism's violations and the body.
pub(crate) fn judge<T, E: Debug + std::fmt::Display + 'static>(
    result: &Result<Response<T>, Error<E>>,
    success: &[u16],
) -> Result<(), String> {
    match result {
        Ok(response) => {
            let violations = violations(response.headers());
            let status = response.status().as_u16();
            if !violations.is_empty() {
                Err(format!(
                    "Prism answered {status} but flagged the request:\n{}",
                    violations.join("\n")
                ))
            } else if !success.contains(&status) {
                Err(format!(
                    "status {status} is not among the documented 2xx statuses {success:?}"
                ))
            } else {
                Ok(())
            }
        }
        Err(error) => {
            let mut message = chain(error);
            let (headers, body) = match error {
                Error::Api(api) => (Some(&api.headers), Some(format!("{:?}", api.body))),
                Error::UnexpectedStatus(raw) | Error::Decode { raw, .. } => {
                    (Some(&raw.headers), Some(raw.text()))
                }
                _ => (None, None),
            };
            let violations = headers.map(violations).unwrap_or_default();
            if violations.is_empty() {
                message.push_str("\nPrism flagged no violation");
            } else {
                let _ = write!(
                    message,
                    "\nPrism's violations (sl-violations):\n{}",
                    violations.join("\n")
                );
            }
            if let Some(body) = body {
                let _ = write!(message, "\nbody: {body}");
            }
            Err(message)
        }
    }
}

/// Prism's `sl-violations` header, one line per violation.
pub(crate) fn violations(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("sl-violations")
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .flat_map(|text| match serde_json::from_str::<Vec<Value>>(&text) {
            Ok(list) => list.iter().map(describe_violation).collect(),
            Err(_) => vec![format!("  - {text}")],
        })
        .collect()
}

fn describe_violation(violation: &Value) -> String {
    let text = |key: &str| {
        violation
            .get(key)
            .map(|value| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    let location = violation
        .get("location")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .map(|part| {
                    part.as_str()
                        .map_or_else(|| part.to_string(), str::to_owned)
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    format!(
        "  - [{}] {location}: {} (code {})",
        text("severity"),
        text("message"),
        text("code")
    )
}

/// An error and its sources, one per line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, "\n  caused by: {cause}");
        source = cause.source();
    }
    text
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
