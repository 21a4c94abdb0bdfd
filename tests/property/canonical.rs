//! Canonical forms of JSON values, so that a round trip is judged by what a value means to the
//! generated types rather than by how it is spelled. Each rule is part of the generator's intended
//! semantics; both the instance sent and the value encoded back are canonicalised before they are
//! compared.

use chrono::{DateTime, SecondsFormat};
use serde_json::{Map, Number, Value, json};
use std::cell::RefCell;
use std::collections::HashMap;

/// How a number is held by the generated type, as far as its schema tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    /// `format: float`: an `f32`, so two numbers are equal when they are equal as `f32`.
    Float32,
    /// Any other `type: number`: an `f64`.
    Float64,
    /// An integer, or a number in a free-form value, which `serde_json::Value` keeps exactly.
    Exact,
}

/// Canonicalises values of one converted schema (see [`crate::convert`]) by walking value and
/// schema together: `properties`, `additionalProperties`, `items`, `allOf`, `$ref`, and for
/// `oneOf`/`anyOf` the first alternative the value is valid against.
pub(crate) struct Canonicaliser<'a> {
    /// The converted schema, `definitions` included.
    root: &'a Value,
    /// Validators of the subschemas met in `oneOf`/`anyOf` and of properties with defaults, by
    /// the address of the subschema inside `root`.
    validators: RefCell<HashMap<*const Value, jsonschema::Validator>>,
}

impl<'a> Canonicaliser<'a> {
    /// A canonicaliser for values of the converted schema `root`.
    pub(crate) fn new(root: &'a Value) -> Self {
        Self {
            root,
            validators: RefCell::new(HashMap::new()),
        }
    }

    /// The canonical form of `value`:
    ///
    /// - A string that parses as an RFC 3339 date-time is spelled one way for its instant: the
    ///   generated types hold UTC instants, so `03:04:05+02:00` comes back as `01:04:05Z`, maybe
    ///   with another number of fractional digits.
    /// - A string that parses as a hyphenated UUID is lower-cased: UUIDs compare case-insensitively.
    /// - Numbers compare by value (`5` equals `5.0`); where the schema says `format: float` the
    ///   type is an `f32`, so numbers are compared as `f32`, and other `type: number` values as
    ///   `f64`.
    /// - A property missing from an object, whose schema (after `$ref`) has a `default` and does
    ///   not allow `null`, is present with that default: decoding applies spec defaults.
    pub(crate) fn canonical(&self, value: &Value) -> Value {
        self.walk(value, Some(self.root))
    }

    fn walk(&self, value: &Value, schema: Option<&'a Value>) -> Value {
        let parts = schema
            .map(|schema| self.applicable(schema, value, 0))
            .unwrap_or_default();
        match value {
            Value::Number(number) => Value::Number(canonical_number(number, number_kind(&parts))),
            Value::String(text) => Value::String(canonical_string(text)),
            Value::Array(items) => {
                let item_schema = parts.iter().rev().find_map(|part| part.get("items"));
                Value::Array(
                    items
                        .iter()
                        .map(|item| self.walk(item, item_schema))
                        .collect(),
                )
            }
            Value::Object(object) => {
                let mut out = Map::new();
                for (name, property) in object {
                    let schema = property_schema(&parts, name);
                    out.insert(name.clone(), self.walk(property, schema));
                }
                for part in &parts {
                    let Some(properties) = part.get("properties").and_then(Value::as_object) else {
                        continue;
                    };
                    for (name, schema) in properties {
                        if out.contains_key(name) {
                            continue;
                        }
                        if let Some(default) = self.default_of(schema) {
                            out.insert(name.clone(), self.walk(default, Some(schema)));
                        }
                    }
                }
                Value::Object(out)
            }
            Value::Null | Value::Bool(_) => value.clone(),
        }
    }

    /// The converted schema this canonicaliser walks.
    pub(crate) fn root(&self) -> &'a Value {
        self.root
    }

    /// Where `path` leads inside `value`, as a place in the schema: declared property names are
    /// kept, other property names become `~additional` and array indices `*`.
    pub(crate) fn place(&self, value: &Value, path: &[String]) -> String {
        let mut place = String::new();
        let mut node = Some(value);
        let mut schema = Some(self.root);
        for token in path {
            let parts = match (schema, node) {
                (Some(schema), Some(node)) => self.parts(schema, node),
                _ => Vec::new(),
            };
            match node {
                Some(Value::Array(items)) => {
                    place.push_str("/*");
                    schema = parts.iter().rev().find_map(|part| part.get("items"));
                    node = token.parse().ok().and_then(|index: usize| items.get(index));
                }
                _ => {
                    let declared = parts.iter().any(|part| {
                        part.get("properties")
                            .is_some_and(|properties| properties.get(token).is_some())
                    });
                    if declared {
                        place.push('/');
                        place.push_str(&token.replace('~', "~0").replace('/', "~1"));
                    } else {
                        place.push_str("/~additional");
                    }
                    schema = property_schema(&parts, token);
                    node = node.and_then(|node| node.get(token));
                }
            }
        }
        if place.is_empty() {
            "/".to_owned()
        } else {
            place
        }
    }

    /// The schema nodes that apply to `value` where `schema` (a node of the root) describes it.
    pub(crate) fn parts(&self, schema: &'a Value, value: &Value) -> Vec<&'a Value> {
        self.applicable(schema, value, 0)
    }

    /// The schema nodes that apply to `value`: `schema` after `$ref`, its `allOf` members, and the
    /// first `oneOf`/`anyOf` alternative `value` is valid against, each with theirs.
    fn applicable(&self, schema: &'a Value, value: &Value, depth: usize) -> Vec<&'a Value> {
        let schema = self.resolve(schema);
        let mut parts = vec![schema];
        // Only a schema that includes itself through `allOf` alone gets this deep.
        if depth > 64 {
            return parts;
        }
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            parts.extend(self.applicable(member, value, depth + 1));
        }
        for keyword in ["anyOf", "oneOf"] {
            let alternatives = schema.get(keyword).and_then(Value::as_array);
            let chosen = alternatives
                .into_iter()
                .flatten()
                .find(|alternative| self.accepts(alternative, value));
            if let Some(chosen) = chosen {
                parts.extend(self.applicable(chosen, value, depth + 1));
            }
        }
        parts
    }

    /// `schema` after following `$ref`s within the root document.
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            match reference
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer))
            {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    /// The default a missing property takes: the schema's `default` (or its `$ref` target's), when
    /// the property is not nullable.
    fn default_of(&self, schema: &'a Value) -> Option<&'a Value> {
        let resolved = self.resolve(schema);
        let default = schema.get("default").or_else(|| resolved.get("default"))?;
        (!nullable(schema) && !nullable(resolved)).then_some(default)
    }

    /// Whether `value` is valid against `schema`, a node of the root document.
    fn accepts(&self, schema: &'a Value, value: &Value) -> bool {
        let mut validators = self.validators.borrow_mut();
        let validator = validators
            .entry(std::ptr::from_ref(schema))
            .or_insert_with(|| {
                let standalone = json!({
                    "$schema": crate::convert::DRAFT_07,
                    "definitions": self.root.get("definitions").cloned().unwrap_or(json!({})),
                    "allOf": [schema],
                });
                crate::validator(&standalone)
            });
        validator.is_valid(value)
    }
}

/// Whether a converted schema is OpenAPI-`nullable`: `null` among its types, or a `{ "type": "null" }`
/// alternative (see [`crate::convert`]).
fn nullable(schema: &Value) -> bool {
    let null = Value::from("null");
    match schema.get("type") {
        Some(Value::Array(types)) if types.contains(&null) => return true,
        Some(single) if single == &null => return true,
        _ => {}
    }
    schema
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|alternatives| alternatives.contains(&json!({ "type": "null" })))
}

/// The schema of property `name` of an object the `parts` apply to. Where several parts declare
/// it (an `allOf` narrowing a property), the last one does, as in the generated type.
pub(crate) fn property_schema<'a>(parts: &[&'a Value], name: &str) -> Option<&'a Value> {
    parts
        .iter()
        .rev()
        .find_map(|part| {
            part.get("properties")
                .and_then(|properties| properties.get(name))
        })
        .or_else(|| {
            parts
                .iter()
                .find_map(|part| part.get("additionalProperties"))
        })
}

/// How the number the `parts` apply to is held.
fn number_kind(parts: &[&Value]) -> NumberKind {
    let has_type = |wanted: &str| {
        parts.iter().any(|part| match part.get("type") {
            Some(Value::String(single)) => single == wanted,
            Some(Value::Array(types)) => types.iter().any(|t| t == wanted),
            _ => false,
        })
    };
    let float = parts
        .iter()
        .any(|part| part.get("format").and_then(Value::as_str) == Some("float"));
    if float && has_type("number") {
        NumberKind::Float32
    } else if has_type("integer") {
        NumberKind::Exact
    } else if has_type("number") {
        NumberKind::Float64
    } else {
        NumberKind::Exact
    }
}

/// `number` as the type of `kind` holds it, integral values as integers.
fn canonical_number(number: &Number, kind: NumberKind) -> Number {
    let Some(float) = number.as_f64() else {
        return number.clone();
    };
    let value = match kind {
        NumberKind::Float32 => f64::from(float as f32),
        NumberKind::Float64 => float,
        NumberKind::Exact if number.is_i64() || number.is_u64() => return number.clone(),
        NumberKind::Exact => float,
    };
    // 2^63: every integral f64 below it in magnitude is an exact i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value) {
        Number::from(value as i64)
    } else {
        Number::from_f64(value).unwrap_or_else(|| number.clone())
    }
}

/// One spelling for a date-time (its UTC instant) and for a UUID (lower case).
fn canonical_string(text: &str) -> String {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return instant
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(SecondsFormat::Nanos, true);
    }
    if text.len() == 36 && uuid::Uuid::parse_str(text).is_ok() {
        return text.to_ascii_lowercase();
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(schema: &Value, a: &Value, b: &Value) -> bool {
        let canonicaliser = Canonicaliser::new(schema);
        canonicaliser.canonical(a) == canonicaliser.canonical(b)
    }

    #[test]
    fn date_times_compare_by_instant() {
        let any = json!({});
        assert!(same(
            &any,
            &json!("2026-01-02T03:04:05Z"),
            &json!("2026-01-02T03:04:05.000+00:00")
        ));
        assert!(same(
            &any,
            &json!("2026-01-02T03:04:05.5+02:00"),
            &json!("2026-01-02T03:04:05.500000+02:00")
        ));
        assert!(same(
            &any,
            &json!("2026-01-02T03:04:05+02:00"),
            &json!("2026-01-02T01:04:05Z")
        ));
        assert!(!same(
            &any,
            &json!("2026-01-02T03:04:05Z"),
            &json!("2026-01-02T03:04:06Z")
        ));
    }

    #[test]
    fn uuids_compare_case_insensitively() {
        let any = json!({});
        let lower = json!("9f2c8b7a-4e1d-6c3f-0a5b-8e2d7c4f1a9b");
        assert!(same(
            &any,
            &lower,
            &json!("9F2C8B7A-4E1D-6C3F-0A5B-8E2D7C4F1A9B")
        ));
        assert!(!same(&any, &json!("ABC"), &json!("abc")));
    }

    #[test]
    fn numbers_compare_by_value_and_floats_as_f32() {
        let any = json!({});
        assert!(same(&any, &json!(5), &json!(5.0)));
        assert!(!same(&any, &json!(5), &json!(5.5)));
        let float = json!({ "type": "number", "format": "float" });
        assert!(same(&float, &json!(0.1), &json!(f64::from(0.1_f32))));
        assert!(!same(
            &json!({ "type": "number" }),
            &json!(0.1),
            &json!(f64::from(0.1_f32))
        ));
    }

    #[test]
    fn a_missing_property_with_a_default_takes_it() {
        let schema = json!({
            "definitions": { "Page": { "type": "integer", "default": 1 } },
            "type": "object",
            "properties": {
                "page": { "$ref": "#/definitions/Page" },
                "size": { "type": "integer", "default": 10 },
                "cleared": { "type": ["string", "null"], "default": "x" },
            },
        });
        assert!(same(&schema, &json!({}), &json!({ "page": 1, "size": 10 })));
        assert!(!same(
            &schema,
            &json!({}),
            &json!({ "page": 1, "size": 10, "cleared": "x" })
        ));
        assert!(same(
            &schema,
            &json!({ "size": 3 }),
            &json!({ "page": 1.0, "size": 3 })
        ));
    }

    #[test]
    fn the_first_alternative_that_fits_gives_the_schema() {
        let schema = json!({
            "anyOf": [
                { "type": "object", "required": ["a"], "properties": { "f": { "type": "number", "format": "float" } } },
                { "type": "object", "properties": { "f": { "type": "number" }, "d": { "type": "boolean", "default": true } } },
            ],
        });
        assert!(same(
            &schema,
            &json!({ "a": 1, "f": 0.1 }),
            &json!({ "a": 1, "f": f64::from(0.1_f32) })
        ));
        assert!(same(
            &schema,
            &json!({ "f": 0.5 }),
            &json!({ "f": 0.5, "d": true })
        ));
    }

    #[test]
    fn nested_values_are_walked_through_items_and_additional_properties() {
        let schema = json!({
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": { "type": "object", "properties": { "n": { "type": "integer", "default": 0 } } },
            },
        });
        assert!(same(
            &schema,
            &json!({ "x": [{}] }),
            &json!({ "x": [{ "n": 0 }] })
        ));
    }
}
