//! OpenAPI 3.0 schema objects → JSON Schema draft 7, the dialect hypothesis-jsonschema draws from
//! and the `jsonschema` crate validates with.
//!
//! The conversion states what a generated type is meant to accept and produce: OpenAPI's own
//! keywords (`nullable`, boolean exclusive bounds, `discriminator`, `x-extensible-enum`) become
//! their JSON Schema meaning, and integers and floats get the range of the Rust type that holds
//! them. [`relaxed`] then drops what decoding deliberately does not check.

use serde_json::{Map, Value, json};

/// The `$schema` of every converted schema.
pub(crate) const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

/// Where converted component schemas live in a converted document.
const DEFINITIONS: &str = "#/definitions/";

/// Where component schemas live in an OpenAPI document.
const COMPONENTS: &str = "#/components/schemas/";

/// String formats kept: JSON Schema's own (hypothesis-jsonschema draws them and the validator
/// checks them), `uuid` (drawn by the helper's custom strategy) and the numeric ones (read by
/// [`crate::canonical`]; both tools ignore formats on numbers). Other OpenAPI formats (`byte`,
/// `binary`, `password`, made-up ones) say nothing a JSON Schema tool can check.
const KEPT_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
    "uuid",
    "float",
    "double",
    "int32",
    "int64",
];

/// Every component schema of an OpenAPI document as a standalone draft-07 schema, by component
/// name: `{ "$schema", "definitions": { every component, converted }, …the component }`.
pub(crate) fn component_schemas(document: &Value) -> Vec<(String, Value)> {
    let components = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut definitions: Map<String, Value> = components
        .iter()
        .map(|(name, schema)| (name.clone(), convert(schema)))
        .collect();
    // A chain of `$ref`s back to itself constrains nothing (and no tool can draw or check it);
    // the generated type is any JSON value.
    let only_refs_to_self: Vec<String> = definitions
        .keys()
        .filter(|name| refers_only_to_itself(&definitions, name))
        .cloned()
        .collect();
    for name in only_refs_to_self {
        definitions.insert(name, json!({}));
    }
    definitions
        .iter()
        .map(|(name, converted)| {
            let mut root = Map::new();
            root.insert("$schema".to_owned(), json!(DRAFT_07));
            root.insert("definitions".to_owned(), Value::Object(definitions.clone()));
            match converted {
                // Draft 7 ignores the siblings of `$ref`; keep the reference one level down.
                Value::Object(object) if object.contains_key("$ref") => {
                    root.insert("allOf".to_owned(), json!([converted]));
                }
                Value::Object(object) => root.extend(object.clone()),
                Value::Bool(false) => {
                    root.insert("not".to_owned(), json!({}));
                }
                _ => {}
            }
            (name.clone(), Value::Object(root))
        })
        .collect()
}

/// Whether the definition `name` is a `$ref` whose chain of bare `$ref`s leads back to it.
fn refers_only_to_itself(definitions: &Map<String, Value>, name: &str) -> bool {
    let mut current = name;
    for _ in 0..=definitions.len() {
        let Some(next) = definitions
            .get(current)
            .and_then(|definition| definition.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix("#/definitions/"))
        else {
            return false;
        };
        if next == name {
            return true;
        }
        current = next;
    }
    false
}

/// One OpenAPI schema object (or `$ref`) as JSON Schema; subschemas are converted too, data
/// (`enum`, `default`, `const`) is copied as it is.
pub(crate) fn convert(node: &Value) -> Value {
    let Some(object) = node.as_object() else {
        return node.clone();
    };
    let nullable = object.get("nullable") == Some(&Value::Bool(true));
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        // OpenAPI 3.0 ignores the siblings of `$ref`, except that `nullable` is commonly meant.
        let converted = json!({ "$ref": definition_reference(reference) });
        return if nullable {
            or_null(converted)
        } else {
            converted
        };
    }
    let mut out = Map::new();
    for (key, value) in object {
        let converted = match key.as_str() {
            "properties" | "patternProperties" => Value::Object(
                value
                    .as_object()
                    .map(|properties| {
                        properties
                            .iter()
                            .map(|(name, schema)| (name.clone(), convert(schema)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => convert(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(convert)
                    .collect(),
            ),
            "format" => match value.as_str() {
                Some(format) if KEPT_FORMATS.contains(&format) => value.clone(),
                _ => continue,
            },
            // Annotations and OpenAPI-only keywords; `discriminator`, `nullable` and the
            // exclusive bounds are applied below.
            "nullable" | "discriminator" | "example" | "xml" | "externalDocs" | "readOnly"
            | "writeOnly" | "deprecated" | "exclusiveMinimum" | "exclusiveMaximum" => continue,
            extension if extension.starts_with("x-") => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    let is_string = object.get("type").and_then(Value::as_str) == Some("string");
    match object.get("x-extensible-enum") {
        // The generator reads the known values as an enum (keeping any other value it meets).
        Some(known) if is_string && !out.contains_key("enum") => {
            out.insert("enum".to_owned(), known.clone());
        }
        _ => {}
    }
    exclusive_bound(object, &mut out, "minimum", "exclusiveMinimum");
    exclusive_bound(object, &mut out, "maximum", "exclusiveMaximum");
    type_range(&mut out);
    if let Some(discriminator) = object.get("discriminator") {
        tag_alternatives(object, discriminator, &mut out);
    }
    let out = Value::Object(out);
    if nullable { or_null(out) } else { out }
}

/// `#/components/schemas/X…` as `#/definitions/X…`.
fn definition_reference(reference: &str) -> String {
    match reference.strip_prefix(COMPONENTS) {
        Some(rest) => format!("{DEFINITIONS}{rest}"),
        None => reference.to_owned(),
    }
}

/// `schema`, or `null`.
fn or_null(schema: Value) -> Value {
    let Value::Object(mut object) = schema else {
        return schema;
    };
    let composite = ["$ref", "enum", "const", "allOf", "anyOf", "oneOf", "not"]
        .iter()
        .any(|key| object.contains_key(*key));
    match object.get("type") {
        // With no type and nothing else that could refuse it, null is allowed already.
        None if !composite => Value::Object(object),
        Some(Value::String(single)) if !composite => {
            let both = json!([single, "null"]);
            object.insert("type".to_owned(), both);
            Value::Object(object)
        }
        _ => json!({ "anyOf": [Value::Object(object), { "type": "null" }] }),
    }
}

/// OpenAPI 3.0's `exclusiveMinimum: true` next to `minimum: m` is draft 7's `exclusiveMinimum: m`.
fn exclusive_bound(
    object: &Map<String, Value>,
    out: &mut Map<String, Value>,
    bound: &str,
    exclusive: &str,
) {
    match object.get(exclusive) {
        Some(Value::Bool(true)) => {
            if let Some(limit) = out.remove(bound) {
                out.insert(exclusive.to_owned(), limit);
            }
        }
        // Already draft 7's numeric form.
        Some(limit @ Value::Number(_)) => {
            out.insert(exclusive.to_owned(), limit.clone());
        }
        _ => {}
    }
}

/// Bounds the Rust type of a number: `i32` for `format: int32`, `i64` for other integers, `f32`
/// for `format: float`, `f64` for other numbers. The generated types cannot hold more.
fn type_range(out: &mut Map<String, Value>) {
    let format = out.get("format").and_then(Value::as_str);
    let (low, high) = match (out.get("type").and_then(Value::as_str), format) {
        (Some("integer"), Some("int32")) => (json!(i32::MIN), json!(i32::MAX)),
        (Some("integer"), _) => (json!(i64::MIN), json!(i64::MAX)),
        (Some("number"), Some("float")) => {
            (json!(-f64::from(f32::MAX)), json!(f64::from(f32::MAX)))
        }
        (Some("number"), _) => (json!(f64::MIN), json!(f64::MAX)),
        _ => return,
    };
    tighten(out, "minimum", low, |stated, range| stated > range);
    tighten(out, "maximum", high, |stated, range| stated < range);
}

/// Sets `key` to `range` unless the schema states a tighter bound already.
fn tighten(out: &mut Map<String, Value>, key: &str, range: Value, tighter: fn(f64, f64) -> bool) {
    let stated = out.get(key).and_then(Value::as_f64);
    let range_f64 = range.as_f64().unwrap_or_default();
    if stated.is_none_or(|stated| !tighter(stated, range_f64)) {
        out.insert(key.to_owned(), range);
    }
}

/// An OpenAPI discriminator on a `oneOf`/`anyOf`: each alternative that names a component also
/// requires the tag property to hold that alternative's tag (its key in `mapping`, or else the
/// component's name).
fn tag_alternatives(
    object: &Map<String, Value>,
    discriminator: &Value,
    out: &mut Map<String, Value>,
) {
    let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
        return;
    };
    let mapping = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for keyword in ["oneOf", "anyOf"] {
        let (Some(original), Some(Value::Array(converted))) = (
            object.get(keyword).and_then(Value::as_array),
            out.get_mut(keyword),
        ) else {
            continue;
        };
        for (alternative, converted) in original.iter().zip(converted.iter_mut()) {
            let Some(reference) = alternative.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let name = reference.strip_prefix(COMPONENTS).unwrap_or(reference);
            let tag = mapping
                .iter()
                .find(|(_, target)| {
                    target
                        .as_str()
                        .is_some_and(|target| target == reference || target == name)
                })
                .map_or(name, |(tag, _)| tag.as_str());
            *converted = json!({
                "allOf": [
                    converted.clone(),
                    { "required": [property], "properties": { property: { "const": tag } } }
                ]
            });
        }
    }
}

/// `schema` without what decoding deliberately leaves unchecked: length, range, pattern, item
/// count, format and enum-membership rules, and `additionalProperties: false` (strictness is for
/// values a caller sends; unknown enum values are kept). `oneOf` becomes `anyOf`, since decoding
/// takes the first alternative that fits. A dropped `enum` leaves the type of its values.
pub(crate) fn relaxed(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        let (key, value) = match key.as_str() {
            "definitions" | "properties" | "patternProperties" => (
                key.as_str(),
                Value::Object(
                    value
                        .as_object()
                        .map(|schemas| {
                            schemas
                                .iter()
                                .map(|(name, schema)| (name.clone(), relaxed(schema)))
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
            ),
            "additionalProperties" if value == &Value::Bool(false) => continue,
            "items" | "additionalProperties" | "not" => (key.as_str(), relaxed(value)),
            "allOf" | "anyOf" | "oneOf" => (
                if key == "oneOf" {
                    "anyOf"
                } else {
                    key.as_str()
                },
                Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(relaxed)
                        .collect(),
                ),
            ),
            "enum" => {
                match common_type(value) {
                    Some(kind) if !object.contains_key("type") => {
                        out.insert("type".to_owned(), json!(kind));
                    }
                    _ => {}
                }
                continue;
            }
            "minLength" | "maxLength" | "minimum" | "maximum" | "exclusiveMinimum"
            | "exclusiveMaximum" | "multipleOf" | "pattern" | "minItems" | "maxItems"
            | "uniqueItems" | "minProperties" | "maxProperties" | "format" => continue,
            _ => (key.as_str(), value.clone()),
        };
        // `oneOf` and `anyOf` side by side both apply; keep them apart.
        if key == "anyOf" && out.contains_key("anyOf") {
            let both = json!([{ "anyOf": out.remove("anyOf") }, { "anyOf": value }]);
            out.insert("allOf".to_owned(), both);
            continue;
        }
        out.insert(key.to_owned(), value);
    }
    Value::Object(out)
}

/// The JSON type every value of an `enum` has, if they share one.
fn common_type(values: &Value) -> Option<&'static str> {
    let values = values.as_array()?;
    if values.iter().all(Value::is_string) {
        Some("string")
    } else if values.iter().all(|v| v.is_i64() || v.is_u64()) {
        Some("integer")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(yaml: &str) -> Value {
        convert(&serde_yaml::from_str(yaml).expect("YAML"))
    }

    #[test]
    fn references_point_into_definitions() {
        assert_eq!(
            converted("$ref: '#/components/schemas/Pet'"),
            json!({ "$ref": "#/definitions/Pet" })
        );
    }

    #[test]
    fn nullable_adds_null_to_a_single_type() {
        assert_eq!(
            converted("{type: string, nullable: true, minLength: 1}"),
            json!({ "type": ["string", "null"], "minLength": 1 })
        );
    }

    #[test]
    fn nullable_wraps_what_would_refuse_null() {
        assert_eq!(
            converted("{$ref: '#/components/schemas/Pet', nullable: true}"),
            json!({ "anyOf": [{ "$ref": "#/definitions/Pet" }, { "type": "null" }] })
        );
        assert_eq!(
            converted("{type: string, nullable: true, enum: [a]}"),
            json!({ "anyOf": [{ "type": "string", "enum": ["a"] }, { "type": "null" }] })
        );
        assert_eq!(
            converted("{type: object, nullable: true, allOf: [{$ref: '#/components/schemas/A'}]}"),
            json!({ "anyOf": [
                { "type": "object", "allOf": [{ "$ref": "#/definitions/A" }] },
                { "type": "null" }
            ] })
        );
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        assert_eq!(
            converted(
                "{type: number, format: double, minimum: 0, exclusiveMinimum: true, maximum: 5, exclusiveMaximum: false}"
            ),
            json!({ "type": "number", "format": "double", "exclusiveMinimum": 0, "minimum": f64::MIN, "maximum": 5 })
        );
    }

    #[test]
    fn integers_get_the_range_of_their_rust_type() {
        assert_eq!(
            converted("{type: integer, format: int32, minimum: 1}"),
            json!({ "type": "integer", "format": "int32", "minimum": 1, "maximum": i32::MAX })
        );
        assert_eq!(
            converted("{type: integer}"),
            json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX })
        );
        assert_eq!(
            converted("{type: number, format: float}")["maximum"],
            json!(f64::from(f32::MAX))
        );
    }

    #[test]
    fn annotations_and_extensions_are_dropped() {
        assert_eq!(
            converted(
                "{type: string, example: x, x-inferred: true, readOnly: true, deprecated: true, format: password, description: kept}"
            ),
            json!({ "type": "string", "description": "kept" })
        );
    }

    #[test]
    fn data_is_copied_without_conversion() {
        assert_eq!(
            converted("{type: object, default: {x-a: 1, nullable: true}}"),
            json!({ "type": "object", "default": { "x-a": 1, "nullable": true } })
        );
    }

    #[test]
    fn an_extensible_enum_lists_its_known_values() {
        assert_eq!(
            converted("{type: string, x-extensible-enum: [a, b]}"),
            json!({ "type": "string", "enum": ["a", "b"] })
        );
    }

    #[test]
    fn a_discriminator_requires_each_alternatives_tag() {
        let schema = converted(
            "oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n\
             discriminator: {propertyName: kind, mapping: {dog: '#/components/schemas/Dog'}}",
        );
        assert_eq!(
            schema,
            json!({ "oneOf": [
                { "allOf": [{ "$ref": "#/definitions/Cat" },
                    { "required": ["kind"], "properties": { "kind": { "const": "Cat" } } }] },
                { "allOf": [{ "$ref": "#/definitions/Dog" },
                    { "required": ["kind"], "properties": { "kind": { "const": "dog" } } }] },
            ] })
        );
    }

    #[test]
    fn a_component_schema_stands_alone() {
        let document = serde_yaml::from_str(
            "components: {schemas: {A: {$ref: '#/components/schemas/B'}, B: {type: string}}}",
        )
        .expect("YAML");
        let schemas = component_schemas(&document);
        assert_eq!(schemas[0].0, "A");
        assert_eq!(
            schemas[0].1,
            json!({
                "$schema": DRAFT_07,
                "definitions": { "A": { "$ref": "#/definitions/B" }, "B": { "type": "string" } },
                "allOf": [{ "$ref": "#/definitions/B" }],
            })
        );
    }

    #[test]
    fn relaxing_keeps_types_and_required_properties_only() {
        let strict = json!({
            "type": "object",
            "required": ["a"],
            "additionalProperties": false,
            "properties": {
                "a": { "type": "string", "minLength": 1, "pattern": "x", "format": "date-time" },
                "pattern": { "enum": ["x", "y"] },
                "n": { "type": "integer", "minimum": 0, "maximum": 9 },
                "u": { "oneOf": [{ "type": "string" }, { "type": "null" }] },
            },
        });
        assert_eq!(
            relaxed(&strict),
            json!({
                "type": "object",
                "required": ["a"],
                "properties": {
                    "a": { "type": "string" },
                    "pattern": { "type": "string" },
                    "n": { "type": "integer" },
                    "u": { "anyOf": [{ "type": "string" }, { "type": "null" }] },
                },
            })
        );
    }
}
