//! Failures collected over a whole run and reported once, grouped by schema, with the seed that
//! reproduces them.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How many failures of one schema are shown in full, each of a different cause.
const SHOWN_PER_SCHEMA: usize = 4;

/// How much of one JSON value is shown.
const SHOWN_CHARS: usize = 1500;

/// The failures of one test.
pub(crate) struct Failures {
    /// The test's seed.
    seed: u64,
    /// Failures by schema heading, in order.
    by_schema: BTreeMap<String, Vec<Failure>>,
}

/// One failing instance: what went wrong (one-line causes the summary groups on) and the details.
pub(crate) struct Failure {
    /// What went wrong, without instance-specific data; at least one.
    pub(crate) causes: Vec<String>,
    /// Everything needed to understand this occurrence.
    pub(crate) details: String,
}

impl Failures {
    /// No failures yet, for a run with `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            by_schema: BTreeMap::new(),
        }
    }

    /// Records a failure of the schema `heading` names.
    pub(crate) fn add(
        &mut self,
        heading: &str,
        cause: impl Into<String>,
        details: impl Into<String>,
    ) {
        self.add_all(heading, vec![cause.into()], details);
    }

    /// Records a failure with several causes (e.g. differences at several places).
    pub(crate) fn add_all(
        &mut self,
        heading: &str,
        causes: Vec<String>,
        details: impl Into<String>,
    ) {
        self.by_schema
            .entry(heading.to_owned())
            .or_default()
            .push(Failure {
                causes,
                details: details.into(),
            });
    }

    /// Panics with a summary of every failure, if there are any.
    pub(crate) fn finish(self, what: &str) {
        if self.by_schema.is_empty() {
            return;
        }
        let total: usize = self.by_schema.values().map(Vec::len).sum();
        let mut text = format!(
            "{total} instance(s) of {} schema(s) fail: {what}\n",
            self.by_schema.len()
        );
        let _ = writeln!(
            text,
            "seed {seed}: re-run with `PROPERTY_SEED={seed} cargo test -p generator-tests --test property` \
             (after `cargo xtask test` has installed the Python helper's environment)\n",
            seed = self.seed
        );
        text.push_str("Causes by schema:\n");
        for (heading, failures) in &self.by_schema {
            let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
            for cause in failures.iter().flat_map(|failure| &failure.causes) {
                *causes.entry(cause.as_str()).or_default() += 1;
            }
            let _ = writeln!(text, "  {heading}: {} instance(s)", failures.len());
            for (cause, count) in causes {
                let _ = writeln!(text, "    {count} × {cause}");
            }
        }
        for (heading, failures) in &self.by_schema {
            let _ = writeln!(text, "\n==== {heading}: {} failure(s) ====", failures.len());
            // One of each cause first, so a rare cause is not hidden behind a common one.
            let mut shown_causes = std::collections::HashSet::new();
            let mut shown_count = 0;
            for failure in failures {
                if shown_count == SHOWN_PER_SCHEMA {
                    break;
                }
                let new_causes: Vec<&str> = failure
                    .causes
                    .iter()
                    .map(String::as_str)
                    .filter(|cause| !shown_causes.contains(cause))
                    .collect();
                if !new_causes.is_empty() {
                    shown_causes.extend(new_causes);
                    let _ = writeln!(
                        text,
                        "-- {}\n{}",
                        failure.causes.join("; "),
                        failure.details
                    );
                    shown_count += 1;
                }
            }
            if failures.len() > shown_count {
                let _ = writeln!(text, "… and {} more", failures.len() - shown_count);
            }
        }
        let _ = write!(text, "\nseed {}", self.seed);
        panic!("{text}");
    }
}

/// `value` as compact JSON, cut short when long.
pub(crate) fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}… ({} characters)", &text[..end], text.chars().count()),
        None => text,
    }
}

/// A place where two values differ.
#[derive(Debug, PartialEq)]
pub(crate) struct Difference {
    /// The place, as the keys and indices leading to it.
    pub(crate) path: Vec<String>,
    /// What the first value has there, if anything.
    pub(crate) sent: Option<Value>,
    /// What the second value has there, if anything.
    pub(crate) back: Option<Value>,
}

impl Difference {
    /// What kind of difference it is, without instance data.
    pub(crate) fn kind(&self) -> &'static str {
        match (&self.sent, &self.back) {
            (Some(_), None) => "a property is lost",
            (None, Some(_)) => "a property appears",
            _ => "a value changes",
        }
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = |value: &Option<Value>| value.as_ref().map_or("absent".to_owned(), shown);
        write!(
            f,
            "at {}: sent {}, back {}",
            pointer(&self.path),
            side(&self.sent),
            side(&self.back)
        )
    }
}

/// `path` as a JSON pointer (`/` for the root).
pub(crate) fn pointer(path: &[String]) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    path.iter()
        .map(|token| format!("/{}", token.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Every place where `a` and `b` differ, outermost first: a property on one side only, or values
/// that are not equal and not both objects or both arrays of one length.
pub(crate) fn differences(a: &Value, b: &Value) -> Vec<Difference> {
    fn walk(a: &Value, b: &Value, path: &mut Vec<String>, out: &mut Vec<Difference>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut names: Vec<&String> = x.keys().chain(y.keys()).collect();
                names.sort();
                names.dedup();
                for name in names {
                    path.push(name.clone());
                    match (x.get(name), y.get(name)) {
                        (Some(p), Some(q)) => walk(p, q, path, out),
                        (p, q) => out.push(Difference {
                            path: path.clone(),
                            sent: p.cloned(),
                            back: q.cloned(),
                        }),
                    }
                    path.pop();
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (index, (p, q)) in x.iter().zip(y).enumerate() {
                    path.push(index.to_string());
                    walk(p, q, path, out);
                    path.pop();
                }
            }
            _ if a == b => {}
            _ => out.push(Difference {
                path: path.clone(),
                sent: Some(a.clone()),
                back: Some(b.clone()),
            }),
        }
    }
    let mut out = Vec::new();
    walk(a, b, &mut Vec::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_are_named_by_their_pointers() {
        let a = json!({ "a": [1, { "b": 2 }], "c": 3 });
        let b = json!({ "a": [1, { "b": 5 }], "d": [] });
        let found: Vec<String> = differences(&a, &b)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "at /a/1/b: sent 2, back 5",
                "at /c: sent 3, back absent",
                "at /d: sent absent, back []"
            ]
        );
        let kinds: Vec<&str> = differences(&a, &b).iter().map(Difference::kind).collect();
        assert_eq!(
            kinds,
            [
                "a value changes",
                "a property is lost",
                "a property appears"
            ]
        );
        assert!(differences(&a, &a).is_empty());
    }
}
