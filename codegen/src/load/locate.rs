//! Finding the smallest node that openapiv3 refuses.
//!
//! openapiv3 reads many nodes through untagged enums and flattened fields, where serde loses track
//! of the path, so an error is first reported at a high node such as `#/paths`. This module reads
//! the document's parts one by one, innermost first, to name the node that actually fails.

use super::pointer::Pointer;
use openapiv3 as oa;
use serde::de::DeserializeOwned;
use serde_yaml::Value;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf"];
const SCHEMA_CHILDREN: &[&str] = &["items", "additionalProperties", "not"];

/// The innermost node of `document` that does not read, with the reason, if one is found.
pub(super) fn first_failure(document: &Value) -> Option<(Pointer, String)> {
    walk(document).err()
}

fn walk(document: &Value) -> Walk {
    let root = Pointer::root();
    if let Some(paths) = document.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            let pointer = root.join("paths").join(key(path));
            path_item(item, &pointer)?;
        }
    }
    if let Some(components) = document.get("components") {
        let pointer = root.join("components");
        for (name, schema) in entries(components.get("schemas")) {
            schema_node(schema, &pointer.join("schemas").join(name))?;
        }
        for (name, parameter) in entries(components.get("parameters")) {
            parameter_node(parameter, &pointer.join("parameters").join(name))?;
        }
        for (name, response) in entries(components.get("responses")) {
            response_node(response, &pointer.join("responses").join(name))?;
        }
        for (name, body) in entries(components.get("requestBodies")) {
            body_node(body, &pointer.join("requestBodies").join(name))?;
        }
    }
    Ok(())
}

/// `Err` carries the failing node's pointer and the reason, so `?` stops the walk at the first one.
type Walk = Result<(), (Pointer, String)>;

fn path_item(item: &Value, pointer: &Pointer) -> Walk {
    for (index, parameter) in sequence(item.get("parameters")) {
        parameter_node(parameter, &pointer.join("parameters").join(index))?;
    }
    for method in METHODS {
        let Some(operation) = item.get(*method) else {
            continue;
        };
        let pointer = pointer.join(method);
        for (index, parameter) in sequence(operation.get("parameters")) {
            parameter_node(parameter, &pointer.join("parameters").join(index))?;
        }
        if let Some(body) = operation.get("requestBody") {
            body_node(body, &pointer.join("requestBody"))?;
        }
        for (code, response) in entries(operation.get("responses")) {
            response_node(response, &pointer.join("responses").join(code))?;
        }
        check::<oa::Operation>(operation, &pointer)?;
    }
    check::<oa::ReferenceOr<oa::PathItem>>(item, pointer)
}

fn parameter_node(parameter: &Value, pointer: &Pointer) -> Walk {
    if let Some(schema) = parameter.get("schema") {
        schema_node(schema, &pointer.join("schema"))?;
    }
    check::<oa::ReferenceOr<oa::Parameter>>(parameter, pointer)
}

fn body_node(body: &Value, pointer: &Pointer) -> Walk {
    content(body, pointer)?;
    check::<oa::ReferenceOr<oa::RequestBody>>(body, pointer)
}

fn response_node(response: &Value, pointer: &Pointer) -> Walk {
    content(response, pointer)?;
    check::<oa::ReferenceOr<oa::Response>>(response, pointer)
}

fn content(node: &Value, pointer: &Pointer) -> Walk {
    for (media_type, media) in entries(node.get("content")) {
        if let Some(schema) = media.get("schema") {
            schema_node(
                schema,
                &pointer.join("content").join(media_type).join("schema"),
            )?;
        }
    }
    Ok(())
}

fn schema_node(schema: &Value, pointer: &Pointer) -> Walk {
    for (name, property) in entries(schema.get("properties")) {
        schema_node(property, &pointer.join("properties").join(name))?;
    }
    for list in SCHEMA_LISTS {
        for (index, part) in sequence(schema.get(*list)) {
            schema_node(part, &pointer.join(list).join(index))?;
        }
    }
    for child in SCHEMA_CHILDREN {
        if let Some(node) = schema.get(*child).filter(|node| node.is_mapping()) {
            schema_node(node, &pointer.join(child))?;
        }
    }
    check::<oa::ReferenceOr<oa::Schema>>(schema, pointer)
}

fn check<T: DeserializeOwned>(node: &Value, pointer: &Pointer) -> Walk {
    serde_path_to_error::deserialize::<_, T>(node.clone())
        .map(drop)
        .map_err(|error| {
            let mut full = pointer.clone();
            for segment in Pointer::from_serde_path(error.path()).segments() {
                full = full.join(segment);
            }
            (full, error.into_inner().to_string())
        })
}

fn entries(node: Option<&Value>) -> impl Iterator<Item = (String, &Value)> {
    node.and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .map(|(k, v)| (key(k), v))
}

fn sequence(node: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    node.and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .enumerate()
}

fn key(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}
