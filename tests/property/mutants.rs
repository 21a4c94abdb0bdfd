//! Invalid instances made from valid ones: a property dropped, or a value (a property's, an array
//! item's, or the whole instance) replaced by one of another JSON type, at every place the schema
//! describes. Only changes the relaxed schema (see [`crate::convert::relaxed`]) rejects are kept:
//! those are what decoding must refuse too.

use crate::canonical::{Canonicaliser, property_schema};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// How many invalid instances are kept for one kind of change at one place of the schema.
const KEPT_PER_KIND: usize = 3;

/// How many instances one kind of change is tried on before it is given up (a change that the
/// relaxed schema always accepts, like dropping an optional property).
const TRIES_PER_KIND: usize = 20;

/// How many items of an array are changed.
const ITEMS: usize = 3;

/// An invalid instance and what made it so.
pub(crate) struct Mutant {
    /// The instance.
    pub(crate) value: Value,
    /// The change from a valid instance, e.g. "dropped /data/id".
    pub(crate) change: String,
    /// The kind of change and its place in the schema, without instance data, e.g. "a required
    /// property missing at /data/id".
    pub(crate) cause: String,
}

/// One step into a JSON value.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// A change at one place.
struct Edit {
    /// Where.
    path: Vec<Step>,
    /// Where, as a place in the schema: array indices and names of undeclared properties folded.
    place: String,
    /// `None` drops the property; `Some` replaces the value.
    replacement: Option<Value>,
}

/// Invalid variants of `instances`, valid instances of the schema `walker` walks, each rejected by
/// `relaxed`.
pub(crate) fn mutants(
    walker: &Canonicaliser<'_>,
    instances: &[Value],
    relaxed: &jsonschema::Validator,
) -> Vec<Mutant> {
    let mut tries: HashMap<String, (usize, usize)> = HashMap::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for instance in instances {
        let mut edits: Vec<Edit> = replacements_for(walker, walker.root(), instance)
            .into_iter()
            .map(|replacement| Edit {
                path: Vec::new(),
                place: String::new(),
                replacement: Some(replacement),
            })
            .collect();
        places(
            walker,
            instance,
            walker.root(),
            &mut Vec::new(),
            "",
            &mut edits,
        );
        for edit in edits {
            let kind = match &edit.replacement {
                None => format!("drop {}", edit.place),
                Some(value) => format!("{} {}", json_type(value), edit.place),
            };
            let (tried, kept) = tries.entry(kind).or_default();
            if *kept >= KEPT_PER_KIND || *tried >= TRIES_PER_KIND {
                continue;
            }
            *tried += 1;
            let value = apply(instance, &edit);
            if relaxed.is_valid(&value) || !seen.insert(value.to_string()) {
                continue;
            }
            *kept += 1;
            let pointer = pointer(&edit.path);
            let (change, cause) = match &edit.replacement {
                None => (
                    format!("dropped {pointer}"),
                    format!("a required property missing at {}", edit.place),
                ),
                Some(_) if pointer.is_empty() => (
                    format!("replaced the whole instance with {value}"),
                    format!("a whole instance of type {}", json_type(&value)),
                ),
                Some(replacement) => (
                    format!("replaced {pointer} with {replacement}"),
                    format!("{} at {}", with_article(json_type(replacement)), edit.place),
                ),
            };
            out.push(Mutant {
                value,
                change,
                cause,
            });
        }
    }
    out
}

/// Collects the edits of the places inside `value`, which `schema` describes.
fn places(
    walker: &Canonicaliser<'_>,
    value: &Value,
    schema: &Value,
    path: &mut Vec<Step>,
    place: &str,
    edits: &mut Vec<Edit>,
) {
    let parts = walker.parts(schema, value);
    match value {
        Value::Object(object) => {
            for (name, property) in object {
                let declared = parts.iter().any(|part| {
                    part.get("properties")
                        .is_some_and(|properties| properties.get(name).is_some())
                });
                let inner = if declared {
                    format!("{place}/{}", escape(name))
                } else {
                    format!("{place}/~additional")
                };
                path.push(Step::Key(name.clone()));
                if declared {
                    edits.push(Edit {
                        path: path.clone(),
                        place: inner.clone(),
                        replacement: None,
                    });
                }
                let required = parts.iter().any(|part| {
                    part.get("required")
                        .and_then(Value::as_array)
                        .is_some_and(|required| required.iter().any(|n| n == name))
                });
                if let Some(schema) = property_schema(&parts, name).filter(|s| !permissive(s)) {
                    // An optional property sent as `null` decodes as absent, on purpose: servers
                    // often write `null` for what they leave unset.
                    let replacements = replacements_for(walker, schema, property)
                        .into_iter()
                        .filter(|replacement| required || !replacement.is_null());
                    for replacement in replacements {
                        edits.push(Edit {
                            path: path.clone(),
                            place: inner.clone(),
                            replacement: Some(replacement),
                        });
                    }
                    places(walker, property, schema, path, &inner, edits);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            let Some(schema) = parts
                .iter()
                .find_map(|part| part.get("items"))
                .filter(|s| !permissive(s))
            else {
                return;
            };
            let inner = format!("{place}/*");
            for (index, item) in items.iter().enumerate().take(ITEMS) {
                path.push(Step::Index(index));
                for replacement in replacements_for(walker, schema, item) {
                    edits.push(Edit {
                        path: path.clone(),
                        place: inner.clone(),
                        replacement: Some(replacement),
                    });
                }
                places(walker, item, schema, path, &inner, edits);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A schema every value is valid against.
fn permissive(schema: &Value) -> bool {
    schema == &Value::Bool(true) || schema.as_object().is_some_and(|object| object.is_empty())
}

/// [`replacements`] of `value`, which `schema` describes. An object closed by
/// `additionalProperties: false` has no map of extra properties in its generated struct, and serde
/// also reads such a struct from an array of its values in order: a leniency of decoding that is
/// left alone, so arrays are not tried there.
fn replacements_for(walker: &Canonicaliser<'_>, schema: &Value, value: &Value) -> Vec<Value> {
    let closed = walker
        .parts(schema, value)
        .iter()
        .any(|part| part.get("additionalProperties") == Some(&Value::Bool(false)));
    replacements(value)
        .into_iter()
        .filter(|replacement| !(closed && replacement.is_array()))
        .collect()
}

/// One value of each JSON type other than `value`'s.
fn replacements(value: &Value) -> Vec<Value> {
    let own = json_type(value);
    [
        json!(null),
        json!(true),
        json!(7),
        json!(0.5),
        json!("mutant"),
        json!([]),
        json!({}),
    ]
    .into_iter()
    .filter(|candidate| json_type(candidate) != own)
    .collect()
}

/// The JSON Schema type of `value`, telling integers from other numbers.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(number) if number.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// "a string", "an integer", "null".
fn with_article(json_type: &str) -> String {
    match json_type {
        "null" => "null".to_owned(),
        "integer" | "array" | "object" => format!("an {json_type}"),
        _ => format!("a {json_type}"),
    }
}

/// `instance` with `edit` made.
fn apply(instance: &Value, edit: &Edit) -> Value {
    let mut out = instance.clone();
    let Some((last, parents)) = edit.path.split_last() else {
        return edit.replacement.clone().unwrap_or(Value::Null);
    };
    let mut node = &mut out;
    for step in parents {
        node = match step {
            Step::Key(name) => &mut node[name.as_str()],
            Step::Index(index) => &mut node[*index],
        };
    }
    match (last, &edit.replacement) {
        (Step::Key(name), None) => {
            if let Some(object) = node.as_object_mut() {
                object.remove(name);
            }
        }
        (Step::Key(name), Some(replacement)) => node[name.as_str()] = replacement.clone(),
        (Step::Index(index), Some(replacement)) => node[*index] = replacement.clone(),
        (Step::Index(_), None) => {}
    }
    out
}

/// `name` as a JSON pointer token.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `path` as a JSON pointer.
fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(name) => format!("/{}", escape(name)),
            Step::Index(index) => format!("/{index}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_the_relaxed_schema_rejects_are_kept() {
        let schema = json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": { "type": "string", "minLength": 3 },
                "note": { "type": "string" },
                "tags": { "type": "array", "items": { "type": "string" } },
            },
        });
        let relaxed = crate::validator(&crate::convert::relaxed(&schema));
        let walker = Canonicaliser::new(&schema);
        let instances = [json!({ "id": "abc", "note": "n", "tags": ["t"] })];
        let changes: HashSet<String> = mutants(&walker, &instances, &relaxed)
            .into_iter()
            .map(|mutant| mutant.change)
            .collect();
        assert!(changes.contains("dropped /id"));
        assert!(!changes.contains("dropped /note"));
        assert!(changes.contains("replaced /note with 7"));
        assert!(changes.contains("replaced /tags/0 with null"));
        assert!(changes.contains("replaced the whole instance with []"));
        assert!(!changes.contains("replaced /id with \"mutant\""));
    }
}
