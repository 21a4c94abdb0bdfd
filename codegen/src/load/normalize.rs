//! OpenAPI 3.1 → 3.0: rewrites a 3.1 document, still a YAML value, into the 3.0 form openapiv3
//! reads. 3.1 is an input format and nothing more: after this step nothing tells that the
//! document was 3.1.
//!
//! Each rewrite keeps the meaning where 3.0 can state it:
//!
//! - `type: [T, "null"]` is `type: T` with `nullable: true`. Several non-null types become a
//!   `oneOf` with one alternative per type, each taking the keywords of its type (`minLength` to
//!   the string, `minimum` to the numbers, `properties` to the object, `enum` values by their JSON
//!   type); `number` absorbs `integer`. Beside an existing `allOf`/`oneOf`/`anyOf`, the
//!   composition says what the value is and the type list is dropped.
//! - A schema that allows only null (`type: "null"`) becomes `nullable: true` with no type, any
//!   JSON value that may be null: 3.0 has no null type. A `{type: "null"}` alternative of a
//!   `oneOf`/`anyOf` makes the whole schema nullable instead; a single alternative left is
//!   merged into the schema, or kept as `allOf: [it]` (the 3.0 form of a nullable `$ref`).
//! - `examples: [a, …]` is `example: a`; `const: v` is `enum: [v]` (typed after `v` when the
//!   schema has no type); a numeric `exclusiveMinimum: n` is `minimum: n, exclusiveMinimum:
//!   true` unless an inclusive `minimum` is tighter (the same for maximum).
//! - `$ref` with siblings: in 3.1 they apply, in 3.0 they are ignored. Siblings that shape the
//!   value (`nullable`, `properties`…) turn the node into `allOf: [{$ref}, {the shaping
//!   siblings}]`, annotations staying beside `allOf`. Siblings that only document (`description`,
//!   `title`, `default`, …) get the same `allOf` form so the docs are not lost, except when the
//!   target states rules a field checks (`maxLength`, `minimum`, `default`…): the model reads
//!   those only through a plain `$ref`, so that stays and the annotations are dropped.
//! - `$defs` move to `components.schemas` (under their own name, or with a number when taken)
//!   and every `$ref` into them, by document pointer or by `#/$defs/…` from the schema that
//!   holds them, is rewritten. Definitions nothing refers to are dropped.
//! - `prefixItems` becomes `items`: the one schema the prefix repeats, or an `anyOf` of them
//!   (with the schema of `items` after the prefix); `items: false` closes the list with
//!   `maxItems`. A tuple open after its prefix is a list of any JSON value.
//! - `unevaluatedProperties` is `additionalProperties` where nothing is composed; `contentEncoding:
//!   base64` is `format: byte` and `contentMediaType` alone is `format: binary`; keywords 3.0 has
//!   no place for (`$schema`, `$id`, `$anchor`, `patternProperties`, `dependentRequired`, `if`…)
//!   are dropped, as are boolean `false` properties (they can never be present). A `true`
//!   schema is `{}`, a `false` one `{not: {}}`.
//! - Document level: `openapi` becomes `3.0.3`; `webhooks`, `jsonSchemaDialect`, `info.summary`
//!   and `info.license.identifier` are dropped; `paths` and each operation's `responses` are
//!   added empty when missing; path items given by `$ref` to `components.pathItems` are inlined
//!   and `components.pathItems` dropped; `mutualTLS` security schemes are dropped and taken out
//!   of security requirements (the TLS identity belongs to the HTTP client, not to a request).
//!
//! Nothing here fails: a node that does not have the expected shape (`type: 5`, `type: []`,
//! `examples: "x"`) is left as it is, for openapiv3 to refuse with its pointer.

use super::pointer::Pointer;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;

/// The version a 3.1 document is rewritten to.
const OPENAPI_30: &str = "3.0.3";

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where component schemas live, as the start of a `$ref`.
const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// Keywords of JSON Schema 2020-12 that OpenAPI 3.0 has no place for, dropped. (openapiv3 would
/// ignore most of them; dropping them keeps the rewritten document plain 3.0.)
const DROPPED: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$vocabulary",
    "$comment",
    "patternProperties",
    "dependentRequired",
    "dependentSchemas",
    "propertyNames",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "contentSchema",
];

/// Keywords that go with one JSON type, moved to that type's alternative when a type list splits.
const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern"];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const ARRAY_KEYWORDS: &[&str] = &["items", "minItems", "maxItems", "uniqueItems"];
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];

/// Keywords that annotate a schema without shaping its values: beside a `$ref` they stay on the
/// `allOf` wrapper, and alone they need no wrapper unless they document something.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "default",
    "externalDocs",
    "xml",
];

/// Annotations the model reads, worth an `allOf` wrapper around a `$ref` so they are not lost.
const DOCUMENTING: &[&str] = &["description", "title", "deprecated", "example", "default"];

/// Keywords whose rules the model reads from a `$ref`'s target, and only through a plain `$ref`.
const RULES: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "default",
];

const COMPOSITIONS: &[&str] = &["allOf", "oneOf", "anyOf"];

/// Rewrites the OpenAPI 3.1 `document` into OpenAPI 3.0.
pub(super) fn openapi_31_to_30(document: &mut Value) {
    let Value::Mapping(root) = document else {
        return;
    };
    rewrite_document_fields(root);
    let mut prepare = Prepare::take_from(document);
    walk(document, &mut prepare);
    hoist_definitions(document);
    let components = document
        .get("components")
        .and_then(|components| components.get("schemas"))
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    walk(document, &mut Rewrite { components });
}

// ----- document ------------------------------------------------------------------------------

/// The fields of the document object and its `info`.
fn rewrite_document_fields(root: &mut Mapping) {
    root.insert("openapi".into(), OPENAPI_30.into());
    root.shift_remove("webhooks");
    root.shift_remove("jsonSchemaDialect");
    if let Some(Value::Mapping(info)) = root.get_mut("info") {
        info.shift_remove("summary");
        if let Some(Value::Mapping(license)) = info.get_mut("license") {
            license.shift_remove("identifier");
        }
    }
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Mapping(Mapping::new()));
    }
}

/// What the walk meets in a document. Each hook sees its node before the walk goes into it.
trait Visitor {
    fn path_item(&mut self, _item: &mut Value) {}
    fn operation(&mut self, _operation: &mut Mapping) {}
    /// A schema that is not part of another schema (a component, a parameter's, a media type's).
    fn root_schema(&mut self, _schema: &mut Value, _pointer: &Pointer) {}
}

fn walk(document: &mut Value, visitor: &mut impl Visitor) {
    let root = Pointer::root();
    if let Some(Value::Mapping(paths)) = document.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            path_item(item, &root.join("paths").join(key_text(path)), visitor);
        }
    }
    let Some(Value::Mapping(components)) = document.get_mut("components") else {
        return;
    };
    let at = root.join("components");
    for (name, schema) in entries(components, "schemas") {
        visitor.root_schema(schema, &at.join("schemas").join(name));
    }
    for (name, parameter) in entries(components, "parameters") {
        schema_holder(parameter, &at.join("parameters").join(name), visitor);
    }
    for (name, header) in entries(components, "headers") {
        schema_holder(header, &at.join("headers").join(name), visitor);
    }
    for (name, response) in entries(components, "responses") {
        self::response(response, &at.join("responses").join(name), visitor);
    }
    for (name, body) in entries(components, "requestBodies") {
        content(body, &at.join("requestBodies").join(name), visitor);
    }
    for (name, callback) in entries(components, "callbacks") {
        self::callback(callback, &at.join("callbacks").join(name), visitor);
    }
}

fn path_item(item: &mut Value, pointer: &Pointer, visitor: &mut impl Visitor) {
    visitor.path_item(item);
    let Value::Mapping(item) = item else {
        return;
    };
    for (index, parameter) in elements(item, "parameters") {
        schema_holder(parameter, &pointer.join("parameters").join(index), visitor);
    }
    for method in METHODS {
        if let Some(Value::Mapping(operation)) = item.get_mut(*method) {
            self::operation(operation, &pointer.join(method), visitor);
        }
    }
}

fn operation(operation: &mut Mapping, pointer: &Pointer, visitor: &mut impl Visitor) {
    visitor.operation(operation);
    for (index, parameter) in elements(operation, "parameters") {
        schema_holder(parameter, &pointer.join("parameters").join(index), visitor);
    }
    if let Some(body) = operation.get_mut("requestBody") {
        content(body, &pointer.join("requestBody"), visitor);
    }
    for (code, response) in entries(operation, "responses") {
        self::response(response, &pointer.join("responses").join(code), visitor);
    }
    for (name, callback) in entries(operation, "callbacks") {
        self::callback(callback, &pointer.join("callbacks").join(name), visitor);
    }
}

fn callback(callback: &mut Value, pointer: &Pointer, visitor: &mut impl Visitor) {
    if let Value::Mapping(expressions) = callback {
        for (expression, item) in expressions.iter_mut() {
            path_item(item, &pointer.join(key_text(expression)), visitor);
        }
    }
}

fn response(response: &mut Value, pointer: &Pointer, visitor: &mut impl Visitor) {
    content(response, pointer, visitor);
    if let Value::Mapping(response) = response {
        for (name, header) in entries(response, "headers") {
            schema_holder(header, &pointer.join("headers").join(name), visitor);
        }
    }
}

/// A parameter or a header: a `schema`, or a `content` map.
fn schema_holder(holder: &mut Value, pointer: &Pointer, visitor: &mut impl Visitor) {
    if let Some(schema) = holder.get_mut("schema") {
        visitor.root_schema(schema, &pointer.join("schema"));
    }
    content(holder, pointer, visitor);
}

/// The media types of a request body, response, parameter or header.
fn content(holder: &mut Value, pointer: &Pointer, visitor: &mut impl Visitor) {
    let Some(Value::Mapping(content)) = holder.get_mut("content") else {
        return;
    };
    for (media_type, media) in content.iter_mut() {
        let pointer = pointer.join("content").join(key_text(media_type));
        if let Some(schema) = media.get_mut("schema") {
            visitor.root_schema(schema, &pointer.join("schema"));
        }
        if let Some(Value::Mapping(encodings)) = media.get_mut("encoding") {
            for (property, encoding) in encodings.iter_mut() {
                let pointer = pointer.join("encoding").join(key_text(property));
                if let Value::Mapping(encoding) = encoding {
                    for (name, header) in entries(encoding, "headers") {
                        schema_holder(header, &pointer.join("headers").join(name), visitor);
                    }
                }
            }
        }
    }
}

/// Path items by `$ref`, missing `responses`, and `mutualTLS` security schemes.
struct Prepare {
    /// `components.pathItems`, taken out of the document.
    path_items: Mapping,
    /// The names of the `mutualTLS` security schemes, taken out of the document.
    mutual_tls: Vec<Value>,
}

impl Prepare {
    fn take_from(document: &mut Value) -> Self {
        let mut prepare = Self {
            path_items: Mapping::new(),
            mutual_tls: Vec::new(),
        };
        if let Some(Value::Mapping(components)) = document.get_mut("components") {
            if let Some(Value::Mapping(items)) = components.shift_remove("pathItems") {
                prepare.path_items = items;
            }
            if let Some(Value::Mapping(schemes)) = components.get_mut("securitySchemes") {
                schemes.retain(|name, scheme| {
                    let mutual = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
                    if mutual {
                        prepare.mutual_tls.push(name.clone());
                    }
                    !mutual
                });
            }
        }
        if let Some(security) = document.get_mut("security") {
            prepare.strip_mutual_tls(security);
        }
        prepare
    }

    /// Takes the `mutualTLS` schemes out of each requirement: one that named only such a scheme
    /// becomes `{}`, a request the HTTP client's TLS identity (not a credential) authorises.
    fn strip_mutual_tls(&self, security: &mut Value) {
        let Value::Sequence(requirements) = security else {
            return;
        };
        for requirement in requirements {
            if let Value::Mapping(requirement) = requirement {
                requirement.retain(|name, _| !self.mutual_tls.contains(name));
            }
        }
    }
}

impl Visitor for Prepare {
    fn path_item(&mut self, item: &mut Value) {
        // A chain of path items by `$ref` ends within as many links as there are path items.
        for _ in 0..=self.path_items.len() {
            let Some(target) = item
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| reference.strip_prefix("#/components/pathItems/"))
                .map(unescape)
                .and_then(|name| self.path_items.get(name.as_str()))
            else {
                return;
            };
            *item = target.clone();
        }
    }

    fn operation(&mut self, operation: &mut Mapping) {
        if !operation.contains_key("responses") {
            operation.insert("responses".into(), Value::Mapping(Mapping::new()));
        }
        if let Some(security) = operation.get_mut("security") {
            self.strip_mutual_tls(security);
        }
    }
}

// ----- $defs -----------------------------------------------------------------------------------

/// Moves every `$defs` entry that something refers to into `components.schemas`, rewriting the
/// `$ref`s to it; drops the others.
fn hoist_definitions(document: &mut Value) {
    let taken = document
        .get("components")
        .and_then(|components| components.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|schemas| schemas.keys().map(key_text).collect())
        .unwrap_or_default();
    let mut hoist = Hoist {
        taken,
        hoisted: Vec::new(),
        moved: Vec::new(),
    };
    walk(document, &mut hoist);
    if hoist.hoisted.is_empty() {
        return;
    }
    rewrite_references(document, &hoist.moved);
    for (_, schema) in &mut hoist.hoisted {
        rewrite_references(schema, &hoist.moved);
    }
    let hoisted = referenced_only(document, hoist.hoisted);
    if hoisted.is_empty() {
        return;
    }
    let Value::Mapping(root) = document else {
        return;
    };
    let components = root
        .entry("components".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let Value::Mapping(components) = components else {
        return;
    };
    let schemas = components
        .entry("schemas".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Value::Mapping(schemas) = schemas {
        for (name, schema) in hoisted {
            schemas.insert(name.into(), schema);
        }
    }
}

struct Hoist {
    /// Component schema names in use, by the document or by hoisted definitions.
    taken: BTreeSet<String>,
    /// The definitions taken out, with their component names.
    hoisted: Vec<(String, Value)>,
    /// The pointer each hoisted definition had, and the `$ref` to where it is now.
    moved: Vec<(String, String)>,
}

impl Hoist {
    fn schema(&mut self, node: &mut Value, pointer: &Pointer) {
        let Value::Mapping(schema) = node else {
            return;
        };
        // Definitions under a keyword that goes anyway would be hoisted for nothing.
        for keyword in DROPPED {
            schema.shift_remove(*keyword);
        }
        if let Some(Value::Mapping(definitions)) = schema.shift_remove("$defs") {
            for (name, mut definition) in definitions {
                let name = key_text(&name);
                let old = pointer.join("$defs").join(&name);
                let component = self.claim(&name);
                let new = Pointer::root()
                    .join("components")
                    .join("schemas")
                    .join(&component);
                self.moved.push((old.to_string(), new.to_string()));
                self.schema(&mut definition, &old);
                self.hoisted.push((component, definition));
            }
        }
        for_each_subschema(schema, pointer, &mut |child, child_pointer| {
            self.schema(child, child_pointer);
        });
    }

    /// `name`, or `name2`, `name3`… if a component schema has it already.
    fn claim(&mut self, name: &str) -> String {
        let claimed = std::iter::once(name.to_owned())
            .chain((2..).map(|n| format!("{name}{n}")))
            .find(|candidate| !self.taken.contains(candidate))
            .unwrap_or_else(|| name.to_owned());
        self.taken.insert(claimed.clone());
        claimed
    }
}

impl Visitor for Hoist {
    fn root_schema(&mut self, schema: &mut Value, pointer: &Pointer) {
        let first_hoisted = self.hoisted.len();
        let first_moved = self.moved.len();
        self.schema(schema, pointer);
        // Inside a schema, `#/$defs/…` names the definitions of that schema (JSON Schema
        // resolves it against the schema resource; a document has no `$defs` of its own).
        let root = pointer.to_string();
        let local: Vec<(String, String)> = self.moved[first_moved..]
            .iter()
            .filter_map(|(old, new)| {
                let rest = old.strip_prefix(&root)?;
                rest.starts_with("/$defs/")
                    .then(|| (format!("#{rest}"), new.clone()))
            })
            .collect();
        rewrite_references(schema, &local);
        for (_, hoisted) in &mut self.hoisted[first_hoisted..] {
            rewrite_references(hoisted, &local);
        }
    }
}

/// Each `$ref` in `node` that points to (or into) an `old` pointer of `moved`, pointing to its
/// `new` place instead. The longest `old` wins, so nested definitions go to their own place.
fn rewrite_references(node: &mut Value, moved: &[(String, String)]) {
    match node {
        Value::Mapping(mapping) => {
            for (key, value) in mapping.iter_mut() {
                if key.as_str() == Some("$ref") {
                    if let Value::String(reference) = value {
                        if let Some(rewritten) = moved_reference(reference, moved) {
                            *reference = rewritten;
                        }
                        continue;
                    }
                }
                rewrite_references(value, moved);
            }
        }
        Value::Sequence(items) => items
            .iter_mut()
            .for_each(|item| rewrite_references(item, moved)),
        _ => {}
    }
}

fn moved_reference(reference: &str, moved: &[(String, String)]) -> Option<String> {
    moved
        .iter()
        .filter_map(|(old, new)| {
            let rest = reference.strip_prefix(old.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((old.len(), new, rest))
        })
        .max_by_key(|(length, _, _)| *length)
        .map(|(_, new, rest)| format!("{new}{rest}"))
}

/// The hoisted definitions that the document, or another kept definition, refers to.
fn referenced_only(document: &Value, mut hoisted: Vec<(String, Value)>) -> Vec<(String, Value)> {
    let mut in_document = BTreeSet::new();
    collect_references(document, &mut in_document);
    loop {
        let references: Vec<BTreeSet<String>> = hoisted
            .iter()
            .map(|(_, schema)| {
                let mut references = BTreeSet::new();
                collect_references(schema, &mut references);
                references
            })
            .collect();
        let keep: Vec<bool> = hoisted
            .iter()
            .enumerate()
            .map(|(index, (name, _))| {
                let target = Pointer::root()
                    .join("components")
                    .join("schemas")
                    .join(name)
                    .to_string();
                let points_here = |reference: &String| {
                    reference
                        .strip_prefix(&target)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                };
                in_document.iter().any(points_here)
                    || references
                        .iter()
                        .enumerate()
                        .any(|(other, set)| other != index && set.iter().any(points_here))
            })
            .collect();
        if keep.iter().all(|kept| *kept) {
            return hoisted;
        }
        let mut keep = keep.into_iter();
        hoisted.retain(|_| keep.next().unwrap_or(true));
    }
}

fn collect_references(node: &Value, references: &mut BTreeSet<String>) {
    match node {
        Value::Mapping(mapping) => {
            for (key, value) in mapping {
                match (key.as_str(), value) {
                    (Some("$ref"), Value::String(reference)) => {
                        references.insert(reference.clone());
                    }
                    _ => collect_references(value, references),
                }
            }
        }
        Value::Sequence(items) => items
            .iter()
            .for_each(|item| collect_references(item, references)),
        _ => {}
    }
}

// ----- schemas ---------------------------------------------------------------------------------

/// Calls `visit` on each schema directly inside `schema`, with its pointer. (Keywords of
/// [`DROPPED`] are gone before this is called.)
fn for_each_subschema(
    schema: &mut Mapping,
    pointer: &Pointer,
    visit: &mut dyn FnMut(&mut Value, &Pointer),
) {
    if let Some(Value::Mapping(properties)) = schema.get_mut("properties") {
        for (name, child) in properties.iter_mut() {
            visit(child, &pointer.join("properties").join(key_text(name)));
        }
    }
    for keyword in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Sequence(children)) = schema.get_mut(keyword) {
            for (index, child) in children.iter_mut().enumerate() {
                visit(child, &pointer.join(keyword).join(index));
            }
        }
    }
    for keyword in ["items", "not"] {
        if let Some(child) = schema.get_mut(keyword) {
            visit(child, &pointer.join(keyword));
        }
    }
    // These two take booleans in 3.0 too.
    for keyword in ["additionalProperties", "unevaluatedProperties"] {
        if let Some(child @ Value::Mapping(_)) = schema.get_mut(keyword) {
            visit(child, &pointer.join(keyword));
        }
    }
}

/// Rewrites schemas, every one reached from the document's root schemas.
struct Rewrite {
    /// `components.schemas` as they were before this pass, to look at `$ref` targets.
    components: Mapping,
}

impl Visitor for Rewrite {
    fn root_schema(&mut self, schema: &mut Value, _pointer: &Pointer) {
        self.schema(schema);
    }
}

impl Rewrite {
    fn schema(&self, node: &mut Value) {
        match node {
            Value::Bool(true) => *node = Value::Mapping(Mapping::new()),
            Value::Bool(false) => *node = nothing(),
            _ => {}
        }
        let Value::Mapping(schema) = node else {
            return;
        };
        // First, so that an alternative merged into this schema gets the rewrites below.
        null_alternatives(schema);
        for keyword in DROPPED {
            schema.shift_remove(*keyword);
        }
        content_format(schema);
        first_example(schema);
        const_to_enum(schema);
        exclusive_bound(schema, "minimum", "exclusiveMinimum", |limit, stated| {
            limit >= stated
        });
        exclusive_bound(schema, "maximum", "exclusiveMaximum", |limit, stated| {
            limit <= stated
        });
        unevaluated_properties(schema);
        array_items(schema);
        type_list(schema);
        self.reference_siblings(schema);
        if let Some(Value::Mapping(properties)) = schema.get_mut("properties") {
            properties.retain(|_, property| *property != Value::Bool(false));
        }
        for_each_subschema(schema, &Pointer::root(), &mut |child, _| self.schema(child));
    }

    /// `$ref` with siblings, which 3.0 ignores: see the module docs.
    fn reference_siblings(&self, schema: &mut Mapping) {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return;
        };
        if schema.len() == 1 {
            return;
        }
        let annotation = |key: &Value| {
            key.as_str()
                .is_some_and(|key| ANNOTATIONS.contains(&key) || key.starts_with("x-"))
        };
        let only_annotations = schema
            .keys()
            .all(|key| key.as_str() == Some("$ref") || annotation(key));
        let documents = DOCUMENTING.iter().any(|key| schema.contains_key(*key));
        if only_annotations && (!documents || self.carries_rules(reference)) {
            schema.retain(|key, _| key.as_str() == Some("$ref"));
            return;
        }
        let existing = match schema.get("allOf") {
            None => Vec::new(),
            Some(Value::Sequence(parts)) => parts.clone(),
            // Malformed: left for openapiv3 to refuse.
            Some(_) => return,
        };
        let mut target = Mapping::new();
        if let Some(reference) = schema.shift_remove("$ref") {
            target.insert("$ref".into(), reference);
        }
        schema.shift_remove("allOf");
        let mut shaping = Mapping::new();
        schema.retain(|key, value| {
            if annotation(key) || key.as_str() == Some("nullable") {
                return true;
            }
            shaping.insert(key.clone(), value.clone());
            false
        });
        // A `type` alone says no more than the target does.
        if shaping.len() == 1 && shaping.contains_key("type") {
            shaping.clear();
        }
        let mut parts = vec![Value::Mapping(target)];
        parts.extend(existing);
        if !shaping.is_empty() {
            parts.push(Value::Mapping(shaping));
        }
        schema.insert("allOf".into(), Value::Sequence(parts));
    }

    /// Whether the component schema `reference` leads to states rules a field checks.
    fn carries_rules(&self, reference: &str) -> bool {
        let mut reference = reference.to_owned();
        for _ in 0..=self.components.len() {
            let Some(target) = reference
                .strip_prefix(COMPONENT_SCHEMAS)
                .map(unescape)
                .and_then(|name| self.components.get(name.as_str()))
            else {
                return false;
            };
            match target.get("$ref").and_then(Value::as_str) {
                Some(next) => reference = next.to_owned(),
                None => return RULES.iter().any(|keyword| target.get(*keyword).is_some()),
            }
        }
        false
    }
}

/// A schema no value matches.
fn nothing() -> Value {
    let mut schema = Mapping::new();
    schema.insert("not".into(), Value::Mapping(Mapping::new()));
    Value::Mapping(schema)
}

/// `null` alternatives of `oneOf`/`anyOf` make the schema nullable instead.
fn null_alternatives(schema: &mut Mapping) {
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Sequence(alternatives)) = schema.get_mut(keyword) else {
            continue;
        };
        let before = alternatives.len();
        alternatives.retain(|alternative| !only_null(alternative));
        if alternatives.len() == before {
            continue;
        }
        let mut left = std::mem::take(alternatives);
        schema.shift_remove(keyword);
        schema.insert("nullable".into(), true.into());
        match left.pop() {
            // Only null: nullable, with no type (see `type_list`).
            None => {}
            Some(only) if left.is_empty() => keep_single_alternative(schema, keyword, only),
            Some(last) => {
                left.push(last);
                schema.insert(keyword.into(), Value::Sequence(left));
            }
        }
    }
}

/// The one alternative left of a `oneOf`/`anyOf`: merged into the schema when it is inline and
/// shares no keyword with it, else `allOf: [it]`.
fn keep_single_alternative(schema: &mut Mapping, keyword: &str, only: Value) {
    if schema.contains_key("discriminator") {
        schema.insert(keyword.into(), Value::Sequence(vec![only]));
        return;
    }
    match only {
        Value::Mapping(inline)
            if !inline.contains_key("$ref")
                && inline.keys().all(|key| !schema.contains_key(key)) =>
        {
            schema.extend(inline);
        }
        only => match schema.get_mut("allOf") {
            Some(Value::Sequence(parts)) => parts.push(only),
            Some(_) => {}
            None => {
                schema.insert("allOf".into(), Value::Sequence(vec![only]));
            }
        },
    }
}

/// Whether `schema` allows null and nothing else.
fn only_null(schema: &Value) -> bool {
    let Value::Mapping(schema) = schema else {
        return false;
    };
    let null = Value::Null;
    let null_type = Value::String("null".to_owned());
    let says_null = match schema.get("type") {
        Some(Value::String(single)) => single == "null",
        Some(Value::Sequence(types)) => !types.is_empty() && types.iter().all(|t| *t == null_type),
        _ => {
            schema.get("const") == Some(&null)
                || schema.get("enum") == Some(&Value::Sequence(vec![Value::Null]))
        }
    };
    says_null
        && schema.keys().all(|key| {
            key.as_str().is_some_and(|key| {
                ["type", "const", "enum", "description", "title", "$comment"].contains(&key)
                    || key.starts_with("x-")
            })
        })
}

/// `contentEncoding`/`contentMediaType` as the `format` 3.0 gives such strings.
fn content_format(schema: &mut Mapping) {
    let encoding = schema.shift_remove("contentEncoding");
    let media_type = schema.shift_remove("contentMediaType");
    if schema.contains_key("format") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), media_type) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(_)) => "binary",
        _ => return,
    };
    schema.insert("format".into(), format.into());
}

/// `examples: [a, …]` as `example: a`.
fn first_example(schema: &mut Mapping) {
    let Some(Value::Sequence(examples)) = schema.get("examples") else {
        return;
    };
    let first = examples.first().cloned();
    schema.shift_remove("examples");
    if let Some(first) = first {
        schema.entry("example".into()).or_insert(first);
    }
}

/// `const: v` as `enum: [v]`, typed after `v` when nothing else says what the value is.
fn const_to_enum(schema: &mut Mapping) {
    let Some(value) = schema.shift_remove("const") else {
        return;
    };
    let untyped = !schema.contains_key("type")
        && !schema.contains_key("$ref")
        && COMPOSITIONS
            .iter()
            .all(|keyword| !schema.contains_key(*keyword));
    if untyped {
        let json_type = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(number) if number.is_i64() || number.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(json_type) = json_type {
            schema.insert("type".into(), json_type.into());
        }
    }
    schema.insert("enum".into(), Value::Sequence(vec![value]));
}

/// A numeric `exclusive` bound (3.1) as `bound` with `exclusive: true` (3.0), unless the
/// inclusive `bound` stated beside it is `tighter`.
fn exclusive_bound(
    schema: &mut Mapping,
    bound: &str,
    exclusive: &str,
    tighter: fn(f64, f64) -> bool,
) {
    let Some(limit) = schema
        .get(exclusive)
        .filter(|limit| limit.is_number())
        .cloned()
    else {
        return;
    };
    let stated = schema.get(bound).and_then(Value::as_f64);
    match (limit.as_f64(), stated) {
        (Some(limit), Some(stated)) if !tighter(limit, stated) => {
            schema.shift_remove(exclusive);
        }
        _ => {
            schema.insert(bound.into(), limit);
            schema.insert(exclusive.into(), true.into());
        }
    }
}

/// `unevaluatedProperties` as `additionalProperties` when nothing is composed, where the two
/// mean the same; dropped otherwise.
fn unevaluated_properties(schema: &mut Mapping) {
    let Some(unevaluated) = schema.shift_remove("unevaluatedProperties") else {
        return;
    };
    let composed = COMPOSITIONS
        .iter()
        .any(|keyword| schema.contains_key(*keyword));
    if !composed && (unevaluated.is_bool() || unevaluated.is_mapping()) {
        schema
            .entry("additionalProperties".into())
            .or_insert(unevaluated);
    }
}

/// `prefixItems`, and boolean `items`, as 3.0's one `items` schema.
fn array_items(schema: &mut Mapping) {
    let prefix = match schema.get("prefixItems") {
        Some(Value::Sequence(prefix)) => Some(prefix.clone()),
        // Malformed: dropped with the rest of what 3.0 has no place for.
        Some(_) => Some(Vec::new()),
        None => None,
    };
    schema.shift_remove("prefixItems");
    let rest = schema.shift_remove("items");
    let closed = rest == Some(Value::Bool(false));
    let Some(prefix) = prefix else {
        match rest {
            Some(Value::Bool(false)) => {
                schema.entry("maxItems".into()).or_insert(0.into());
            }
            Some(Value::Bool(true)) | None => {}
            Some(items) => {
                schema.insert("items".into(), items);
            }
        }
        return;
    };
    let mut alternatives: Vec<Value> = Vec::new();
    for item in prefix
        .iter()
        .chain(rest.iter().filter(|rest| !rest.is_bool()))
    {
        if !alternatives.contains(item) {
            alternatives.push(item.clone());
        }
    }
    if closed {
        let length = u64::try_from(prefix.len()).unwrap_or(u64::MAX);
        schema.entry("maxItems".into()).or_insert(length.into());
    } else if !matches!(rest, Some(Value::Mapping(_))) {
        // Any value may follow the prefix.
        return;
    }
    let items = match alternatives.len() {
        0 => return,
        1 => alternatives.remove(0),
        _ => {
            let mut any_of = Mapping::new();
            any_of.insert("anyOf".into(), Value::Sequence(alternatives));
            Value::Mapping(any_of)
        }
    };
    schema.insert("items".into(), items);
}

/// `type: [T, …]` (and `type: "null"`) as 3.0's single type and `nullable`.
fn type_list(schema: &mut Mapping) {
    let listed: Vec<String> = match schema.get("type") {
        Some(Value::String(single)) if single == "null" => vec![single.clone()],
        Some(Value::Sequence(types)) if !types.is_empty() => {
            let Some(types) = types
                .iter()
                .map(|t| t.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
            else {
                return;
            };
            types
        }
        // A single type, or a malformed one for openapiv3 to refuse.
        _ => return,
    };
    let mut types: Vec<String> = Vec::new();
    for listed in listed {
        if listed == "null" {
            schema.insert("nullable".into(), true.into());
        } else if !types.contains(&listed) {
            types.push(listed);
        }
    }
    if types.iter().any(|t| t == "number") {
        types.retain(|t| t != "integer");
    }
    let composed = COMPOSITIONS
        .iter()
        .any(|keyword| schema.contains_key(*keyword));
    match types.as_slice() {
        [single] => {
            schema.insert("type".into(), single.as_str().into());
        }
        // Only null; or a composition that says what the value is.
        _ if types.is_empty() || composed => {
            schema.shift_remove("type");
        }
        _ => split_types(schema, &types),
    }
}

/// A schema of several types as a `oneOf` of one schema per type.
fn split_types(schema: &mut Mapping, types: &[String]) {
    let enumeration = match schema.shift_remove("enum") {
        Some(Value::Sequence(values)) => Some(values),
        _ => None,
    };
    let format = schema.shift_remove("format");
    let mut alternatives = Vec::with_capacity(types.len());
    for json_type in types {
        let mut alternative = Mapping::new();
        alternative.insert("type".into(), json_type.as_str().into());
        for keyword in keywords_of(json_type) {
            if let Some(value) = schema.get(*keyword) {
                alternative.insert((*keyword).into(), value.clone());
            }
        }
        if let Some(format) = format
            .as_ref()
            .filter(|format| format_type(format) == json_type)
        {
            alternative.insert("format".into(), format.clone());
        }
        if let Some(values) = &enumeration {
            let fitting: Vec<Value> = values
                .iter()
                .filter(|value| is_of_type(value, json_type))
                .cloned()
                .collect();
            alternative.insert("enum".into(), Value::Sequence(fitting));
        }
        alternatives.push(alternative);
    }
    for keyword in [
        STRING_KEYWORDS,
        NUMBER_KEYWORDS,
        ARRAY_KEYWORDS,
        OBJECT_KEYWORDS,
    ]
    .concat()
    {
        schema.shift_remove(keyword);
    }
    schema.shift_remove("type");
    // An alternative none of the listed values fits matches nothing; with no value fitting any
    // (a schema nothing matches), the values are left out instead.
    let empty_enum = Value::Sequence(Vec::new());
    if alternatives
        .iter()
        .any(|alternative| alternative.get("enum") != Some(&empty_enum))
    {
        alternatives.retain(|alternative| alternative.get("enum") != Some(&empty_enum));
    } else {
        for alternative in &mut alternatives {
            alternative.shift_remove("enum");
        }
    }
    if let [only] = alternatives.as_mut_slice() {
        schema.extend(std::mem::take(only));
        return;
    }
    schema.insert(
        "oneOf".into(),
        Value::Sequence(alternatives.into_iter().map(Value::Mapping).collect()),
    );
}

fn keywords_of(json_type: &str) -> &'static [&'static str] {
    match json_type {
        "string" => STRING_KEYWORDS,
        "integer" | "number" => NUMBER_KEYWORDS,
        "array" => ARRAY_KEYWORDS,
        "object" => OBJECT_KEYWORDS,
        _ => &[],
    }
}

/// The type a `format` belongs to.
fn format_type(format: &Value) -> &'static str {
    match format.as_str() {
        Some("int32" | "int64") => "integer",
        Some("float" | "double") => "number",
        _ => "string",
    }
}

fn is_of_type(value: &Value, json_type: &str) -> bool {
    match (json_type, value) {
        ("string", Value::String(_)) => true,
        ("boolean", Value::Bool(_)) => true,
        ("number", Value::Number(_)) => true,
        ("integer", Value::Number(number)) => {
            number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
        ("array", Value::Sequence(_)) => true,
        ("object", Value::Mapping(_)) => true,
        _ => false,
    }
}

// ----- helpers ---------------------------------------------------------------------------------

/// The entries of the map under `keyword` of `node`, with their keys as text.
fn entries<'a>(
    node: &'a mut Mapping,
    keyword: &str,
) -> impl Iterator<Item = (String, &'a mut Value)> {
    node.get_mut(keyword)
        .and_then(Value::as_mapping_mut)
        .into_iter()
        .flat_map(|mapping| mapping.iter_mut())
        .map(|(key, value)| (key_text(key), value))
}

/// The items of the list under `keyword` of `node`, with their indexes.
fn elements<'a>(
    node: &'a mut Mapping,
    keyword: &str,
) -> impl Iterator<Item = (usize, &'a mut Value)> {
    node.get_mut(keyword)
        .and_then(Value::as_sequence_mut)
        .into_iter()
        .flatten()
        .enumerate()
}

/// A mapping key as text: YAML allows keys such as `200` that are not strings.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// One pointer segment, unescaped (RFC 6901).
fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("test YAML parses")
    }

    /// `text`, a 3.1 document, rewritten.
    fn normalized(text: &str) -> Value {
        let mut document = yaml(text);
        openapi_31_to_30(&mut document);
        document
    }

    /// The component schemas of a 3.1 document with `schemas` as `components.schemas`, rewritten.
    fn schemas(schemas: &str) -> Value {
        let mut document = yaml("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n");
        document["components"]["schemas"] = yaml(schemas);
        openapi_31_to_30(&mut document);
        document["components"]["schemas"].clone()
    }

    /// One component schema, rewritten.
    fn schema(schema: &str) -> Value {
        let mut document = yaml("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n");
        document["components"]["schemas"]["S"] = yaml(schema);
        openapi_31_to_30(&mut document);
        document["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn the_document_becomes_3_0_without_the_fields_3_0_lacks() {
        let document = normalized(
            r"
openapi: 3.1.1
jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base
info:
  title: t
  summary: Short.
  version: '1'
  license: {name: MIT, identifier: MIT}
webhooks:
  newPet: {post: {responses: {'200': {description: ok}}}}
",
        );
        assert_eq!(
            document,
            yaml(
                "openapi: 3.0.3\ninfo: {title: t, version: '1', license: {name: MIT}}\npaths: {}\n"
            )
        );
    }

    #[test]
    fn path_items_by_reference_are_inlined_and_operations_get_responses() {
        let document = normalized(
            r"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /pets: {$ref: '#/components/pathItems/Pets'}
components:
  pathItems:
    Pets: {$ref: '#/components/pathItems/PetsForReal'}
    PetsForReal:
      get: {operationId: listPets}
",
        );
        assert_eq!(
            document,
            yaml(
                r"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get: {operationId: listPets, responses: {}}
components: {}
"
            )
        );
    }

    #[test]
    fn mutual_tls_schemes_leave_the_requirements_they_were_in() {
        let document = normalized(
            r"
openapi: 3.1.0
info: {title: t, version: '1'}
security: [{mtls: []}, {key: []}]
paths:
  /a:
    get:
      security: [{mtls: [], key: []}]
      responses: {'204': {description: ok}}
components:
  securitySchemes:
    mtls: {type: mutualTLS}
    key: {type: apiKey, in: header, name: X-Key}
",
        );
        assert_eq!(document["security"], yaml("[{}, {key: []}]"));
        assert_eq!(
            document["paths"]["/a"]["get"]["security"],
            yaml("[{key: []}]")
        );
        assert_eq!(
            document["components"]["securitySchemes"],
            yaml("{key: {type: apiKey, in: header, name: X-Key}}")
        );
    }

    #[test]
    fn a_type_with_null_is_that_type_nullable() {
        assert_eq!(
            schema("{type: [string, 'null'], maxLength: 3}"),
            yaml("{type: string, nullable: true, maxLength: 3}")
        );
        assert_eq!(schema("{type: [integer]}"), yaml("{type: integer}"));
    }

    #[test]
    fn a_schema_of_null_alone_is_nullable_with_no_type() {
        assert_eq!(schema("{type: 'null'}"), yaml("{nullable: true}"));
        assert_eq!(
            schema("{type: ['null'], description: d}"),
            yaml("{nullable: true, description: d}")
        );
    }

    #[test]
    fn several_types_become_one_alternative_per_type_with_its_keywords() {
        assert_eq!(
            schema(
                r"
type: [string, integer, 'null', array]
description: Several.
minLength: 1
minimum: 0
format: int32
items: {type: string}
enum: [a, 1, null, [x]]
"
            ),
            yaml(
                r"
description: Several.
nullable: true
oneOf:
  - {type: string, minLength: 1, enum: [a]}
  - {type: integer, minimum: 0, format: int32, enum: [1]}
  - {type: array, items: {type: string}, enum: [[x]]}
"
            )
        );
    }

    #[test]
    fn number_absorbs_integer_and_unfitting_enum_values_narrow_the_types() {
        assert_eq!(
            schema("{type: [integer, number], minimum: 1}"),
            yaml("{type: number, minimum: 1}")
        );
        assert_eq!(
            schema("{type: [string, boolean], enum: [a, b]}"),
            yaml("{type: string, enum: [a, b]}")
        );
    }

    #[test]
    fn a_type_list_beside_a_composition_leaves_the_composition_to_say_the_type() {
        assert_eq!(
            schema("{type: [object, string, 'null'], oneOf: [{type: object}, {type: string}]}"),
            yaml("{nullable: true, oneOf: [{type: object}, {type: string}]}")
        );
    }

    #[test]
    fn schema_examples_become_the_first_example_and_media_examples_stay() {
        assert_eq!(
            schema("{type: string, examples: [a, b]}"),
            yaml("{type: string, example: a}")
        );
        assert_eq!(
            schema("{type: string, example: x, examples: [a]}"),
            yaml("{type: string, example: x}")
        );
        let document = normalized(
            r"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: integer, examples: [1]}
              examples: {one: {value: 1}}
",
        );
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"],
            yaml("{schema: {type: integer, example: 1}, examples: {one: {value: 1}}}")
        );
    }

    #[test]
    fn const_is_a_one_value_enum_typed_after_its_value() {
        assert_eq!(schema("{const: cat}"), yaml("{type: string, enum: [cat]}"));
        assert_eq!(schema("{const: 2}"), yaml("{type: integer, enum: [2]}"));
        assert_eq!(
            schema("{type: string, const: cat, enum: [cat, dog]}"),
            yaml("{type: string, enum: [cat]}")
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_ones_unless_an_inclusive_bound_is_tighter() {
        assert_eq!(
            schema("{type: number, exclusiveMinimum: 0, exclusiveMaximum: 10}"),
            yaml(
                "{type: number, minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true}"
            )
        );
        assert_eq!(
            schema(
                "{type: number, minimum: 5, exclusiveMinimum: 0, maximum: 10, exclusiveMaximum: 10}"
            ),
            yaml("{type: number, minimum: 5, maximum: 10, exclusiveMaximum: true}")
        );
    }

    #[test]
    fn a_reference_with_docs_keeps_them_on_an_all_of_wrapper() {
        let schemas = schemas(
            r"
S: {$ref: '#/components/schemas/Pet', description: The pet., summary: ignored}
Pet: {type: object}
",
        );
        assert_eq!(
            schemas["S"],
            yaml(
                "{allOf: [{$ref: '#/components/schemas/Pet'}], description: The pet., summary: ignored}"
            )
        );
    }

    #[test]
    fn a_reference_to_rules_keeps_them_checked_over_its_docs() {
        let schemas = schemas(
            r"
S: {$ref: '#/components/schemas/Alias', description: A code.}
Alias: {$ref: '#/components/schemas/Code'}
Code: {type: string, maxLength: 3}
",
        );
        assert_eq!(schemas["S"], yaml("{$ref: '#/components/schemas/Alias'}"));
    }

    #[test]
    fn a_reference_with_annotations_only_stays_plain() {
        assert_eq!(
            schema("{$ref: '#/components/schemas/Pet', readOnly: true, x-note: n}"),
            yaml("{$ref: '#/components/schemas/Pet'}")
        );
    }

    #[test]
    fn a_reference_with_shaping_siblings_composes_them() {
        assert_eq!(
            schema("{$ref: '#/components/schemas/Pet', type: [object, 'null'], description: d}"),
            yaml("{allOf: [{$ref: '#/components/schemas/Pet'}], nullable: true, description: d}")
        );
        assert_eq!(
            schema(
                r"
$ref: '#/components/schemas/Pet'
title: Named pet
required: [name]
properties: {name: {type: string}}
allOf: [{$ref: '#/components/schemas/Tagged'}]
"
            ),
            yaml(
                r"
title: Named pet
allOf:
  - {$ref: '#/components/schemas/Pet'}
  - {$ref: '#/components/schemas/Tagged'}
  - {required: [name], properties: {name: {type: string}}}
"
            )
        );
    }

    #[test]
    fn a_null_alternative_makes_the_schema_nullable() {
        assert_eq!(
            schema("{oneOf: [{$ref: '#/components/schemas/Pet'}, {type: 'null'}], description: d}"),
            yaml("{allOf: [{$ref: '#/components/schemas/Pet'}], nullable: true, description: d}")
        );
        assert_eq!(
            schema("{anyOf: [{type: string, maxLength: 3}, {type: 'null'}]}"),
            yaml("{type: string, maxLength: 3, nullable: true}")
        );
        assert_eq!(
            schema("{anyOf: [{type: 'null'}, {type: string, examples: [a]}]}"),
            yaml("{type: string, example: a, nullable: true}")
        );
        assert_eq!(
            schema("{oneOf: [{type: string}, {const: null}, {type: integer}]}"),
            yaml("{oneOf: [{type: string}, {type: integer}], nullable: true}")
        );
        assert_eq!(
            schema("{type: object, oneOf: [{type: 'null'}, {type: object}]}"),
            yaml("{type: object, allOf: [{type: object}], nullable: true}")
        );
    }

    #[test]
    fn definitions_move_to_components_and_references_follow() {
        let schemas = schemas(
            r"
Color: {type: integer}
S:
  type: object
  properties:
    primary: {$ref: '#/$defs/Color'}
    secondary: {$ref: '#/components/schemas/S/$defs/Color'}
    shade: {$ref: '#/$defs/Color/$defs/Shade'}
  $defs:
    Color:
      type: string
      $defs:
        Shade: {type: [string, 'null']}
    Unused: {type: string}
",
        );
        assert_eq!(
            schemas,
            yaml(
                r"
Color: {type: integer}
S:
  type: object
  properties:
    primary: {$ref: '#/components/schemas/Color2'}
    secondary: {$ref: '#/components/schemas/Color2'}
    shade: {$ref: '#/components/schemas/Shade'}
Color2: {type: string}
Shade: {type: string, nullable: true}
"
            )
        );
    }

    #[test]
    fn definitions_referred_to_only_by_dropped_ones_are_dropped_too() {
        let schemas = schemas(
            r"
S:
  type: object
  $defs:
    A: {$ref: '#/$defs/B'}
    B: {type: string}
    Loop: {type: array, items: {$ref: '#/$defs/Loop'}}
",
        );
        assert_eq!(schemas, yaml("S: {type: object}"));
    }

    #[test]
    fn prefix_items_become_the_items_they_allow() {
        assert_eq!(
            schema("{type: array, prefixItems: [{type: string}, {type: string}], items: false}"),
            yaml("{type: array, items: {type: string}, maxItems: 2}")
        );
        assert_eq!(
            schema(
                "{type: array, prefixItems: [{type: string}, {type: [integer, 'null']}], items: false}"
            ),
            yaml(
                "{type: array, maxItems: 2, items: {anyOf: [{type: string}, {type: integer, nullable: true}]}}"
            )
        );
        assert_eq!(
            schema("{type: array, prefixItems: [{type: string}], items: {type: integer}}"),
            yaml("{type: array, items: {anyOf: [{type: string}, {type: integer}]}}")
        );
        assert_eq!(
            schema("{type: array, prefixItems: [{type: string}]}"),
            yaml("{type: array}")
        );
        assert_eq!(
            schema("{type: array, items: false}"),
            yaml("{type: array, maxItems: 0}")
        );
    }

    #[test]
    fn unevaluated_properties_are_additional_ones_where_nothing_is_composed() {
        assert_eq!(
            schema("{type: object, unevaluatedProperties: false}"),
            yaml("{type: object, additionalProperties: false}")
        );
        assert_eq!(
            schema("{allOf: [{type: object}], unevaluatedProperties: false}"),
            yaml("{allOf: [{type: object}]}")
        );
    }

    #[test]
    fn keywords_3_0_lacks_are_dropped_and_content_keywords_become_formats() {
        assert_eq!(
            schema(
                r"
$schema: https://json-schema.org/draft/2020-12/schema
$id: https://example.com/s
$anchor: s
$comment: c
type: object
patternProperties: {'^x': {type: string}}
dependentRequired: {a: [b]}
properties:
  photo: {type: string, contentMediaType: image/png}
  data: {type: string, contentEncoding: base64, contentMediaType: image/png}
  text: {type: string, format: email, contentMediaType: text/plain}
"
            ),
            yaml(
                r"
type: object
properties:
  photo: {type: string, format: binary}
  data: {type: string, format: byte}
  text: {type: string, format: email}
"
            )
        );
    }

    #[test]
    fn boolean_schemas_become_their_3_0_forms() {
        assert_eq!(
            schema(
                "{type: object, properties: {any: true, never: false}, additionalProperties: false, not: false}"
            ),
            yaml(
                "{type: object, properties: {any: {}}, additionalProperties: false, not: {not: {}}}"
            )
        );
    }

    #[test]
    fn schemas_are_rewritten_wherever_the_document_holds_them() {
        let nullable = yaml("{type: string, nullable: true}");
        let document = normalized(
            r"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: [string, 'null']}}]
    post:
      parameters:
        - {name: q, in: query, content: {application/json: {schema: {type: [string, 'null']}}}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {p: {type: [string, 'null']}}}
      responses:
        '200':
          description: ok
          headers: {X-A: {schema: {type: [string, 'null']}}}
      callbacks:
        done:
          '{$request.body#/url}':
            post:
              requestBody: {content: {application/json: {schema: {type: [string, 'null']}}}}
              responses: {'204': {description: ok}}
components:
  parameters:
    P: {name: p, in: query, schema: {type: [string, 'null']}}
  headers:
    H: {schema: {type: [string, 'null']}}
  requestBodies:
    B: {content: {application/json: {schema: {items: {type: [string, 'null']}}}}}
  responses:
    R: {description: r, content: {application/json: {schema: {not: {type: [string, 'null']}}}}}
",
        );
        let item = &document["paths"]["/a/{id}"];
        assert_eq!(item["parameters"][0]["schema"], nullable);
        let post = &item["post"];
        assert_eq!(
            post["parameters"][0]["content"]["application/json"]["schema"],
            nullable
        );
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["properties"]["p"],
            nullable
        );
        assert_eq!(
            post["responses"]["200"]["headers"]["X-A"]["schema"],
            nullable
        );
        assert_eq!(
            post["callbacks"]["done"]["{$request.body#/url}"]["post"]["requestBody"]["content"]["application/json"]
                ["schema"],
            nullable
        );
        let components = &document["components"];
        assert_eq!(components["parameters"]["P"]["schema"], nullable);
        assert_eq!(components["headers"]["H"]["schema"], nullable);
        assert_eq!(
            components["requestBodies"]["B"]["content"]["application/json"]["schema"]["items"],
            nullable
        );
        assert_eq!(
            components["responses"]["R"]["content"]["application/json"]["schema"]["not"],
            nullable
        );
    }

    #[test]
    fn malformed_schemas_are_left_for_the_reader_to_refuse() {
        for malformed in [
            "{type: 5}",
            "{type: []}",
            "{type: [5, 'null']}",
            "{examples: x}",
            "{$ref: 5, description: d}",
            "{$ref: '#/components/schemas/S', allOf: 3}",
            "{oneOf: 3, anyOf: [3, {type: 'null'}]}",
        ] {
            let rewritten = schema(malformed);
            assert!(rewritten.is_mapping(), "{malformed} → {rewritten:?}");
        }
        assert_eq!(schema("{type: 5}"), yaml("{type: 5}"));
        assert_eq!(schema("{type: []}"), yaml("{type: []}"));
        assert_eq!(schema("{examples: x}"), yaml("{examples: x}"));
        // None of these may panic either.
        for odd in [
            "[1, 2]",
            "7",
            "{properties: 4, items: [], $defs: 3, prefixItems: 3, const: {a: 1}}",
            "{enum: 3, type: [string, integer]}",
            "{exclusiveMinimum: x, exclusiveMaximum: .inf}",
        ] {
            schema(odd);
        }
        for document in [
            "7",
            "[]",
            "{paths: 3, components: 4}",
            "{components: {schemas: 3}}",
        ] {
            normalized(document);
        }
    }
}
