//! Local `$ref`s to nodes that are not components: replaced by a copy of the node they point at.
//!
//! openapiv3 follows only `#/components/<kind>/<name>`, yet real documents also reuse a response
//! of another operation (`#/paths/~1a/get/responses/401`), a schema nested in another
//! (`#/components/schemas/Pet/properties/owner`) or a parameter written inline elsewhere
//! (`#/paths/~1a/get/parameters/0`). Before openapiv3 reads the document, each such reference
//! standing where a schema, response, parameter, request body, header or path item belongs is
//! replaced by a copy of its target, and the references inside the copy are treated the same way.
//! References to components stay references, so recursion through components keeps working.
//! Callbacks are the exception: openapiv3 reads no reference there at all, so every local one is
//! copied.
//!
//! Every copy is recorded in [`Relocations`], which maps a pointer into the expanded document
//! back to the node as written, so that diagnostics name nodes of the document the user wrote.
//!
//! A reference that leads back into itself (a cycle, or a node that contains a reference to
//! itself), nests copies too deeply, or would grow the document past its limit
//! ([`GROWTH_LIMIT`]) cannot be copied. In a schema it is left as it is, and the reader types it
//! as any JSON value with a warning (a recursive shape without a name cannot be a Rust type), or
//! refuses it in an `allOf`, whose parts must be merged; anywhere else it is an error at the
//! pointer of the `$ref`. A reference whose target does not
//! exist (or is in another document) is left as it is, for the reader to report.

use super::pointer::Pointer;
use crate::model::{Api, Diagnostic, Severity, TypeKind};
use serde_yaml::Value;
use std::collections::HashMap;

/// Nodes all copies together may add, beyond [`GROWTH_PER_NODE`] for each node of the document:
/// small enough that a document of references to references cannot exhaust memory or time.
/// (Real documents grow by up to 6.6 times, DigitalOcean's by 144,000 nodes.)
const GROWTH_LIMIT: usize = 100_000;

/// Nodes the copies may add for each node the document has, beyond [`GROWTH_LIMIT`].
const GROWTH_PER_NODE: usize = 8;

/// Nodes copies of schemas may add, beyond [`SCHEMA_GROWTH_PER_NODE`] for each node of the
/// document. Schemas that refer into each other can multiply without end, and each copy becomes
/// types of its own; past this, a schema reference stays a reference, which keeps the generated
/// crate in proportion to the document.
const SCHEMA_GROWTH_LIMIT: usize = 10_000;

/// Nodes copies of schemas may add for each node the document has, beyond
/// [`SCHEMA_GROWTH_LIMIT`].
const SCHEMA_GROWTH_PER_NODE: usize = 4;

/// Copies inside copies: a deeper nesting is refused, which bounds the depth of the document the
/// reader and the lowering recurse through.
const MAX_NESTED_COPIES: usize = 16;

/// Depth (in pointer segments) a copied node may end at.
const MAX_DEPTH: usize = 192;

/// `$ref` hops followed while resolving one pointer that runs through references.
const MAX_HOPS: usize = 32;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The component sections a reference may name as `#/components/<kind>/<name>`; openapiv3
/// follows those itself.
const COMPONENT_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "securitySchemes",
];

/// Where pointers into the expanded document come from in the document as written.
#[derive(Debug, Default, Clone)]
pub(super) struct Relocations {
    /// Pointer of each copy → pointer of the node it copies, in the document as written.
    sources: HashMap<String, String>,
}

impl Relocations {
    /// `pointer` (into the expanded document) as a pointer into the document as written: the
    /// innermost copy holding it is replaced by the node it copies.
    pub(super) fn relocate(&self, pointer: &str) -> String {
        let mut end = pointer.len();
        loop {
            let prefix = &pointer[..end];
            if let Some(source) = self.sources.get(prefix) {
                return format!("{source}{}", &pointer[end..]);
            }
            match prefix.rfind('/') {
                Some(slash) => end = slash,
                None => return pointer.to_owned(),
            }
        }
    }

    /// The diagnostics with relocated pointers; a problem met in several copies of one node is
    /// one problem, reported once.
    pub(super) fn diagnostics(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut relocated: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
        for diagnostic in diagnostics {
            let diagnostic = Diagnostic {
                pointer: self.relocate(&diagnostic.pointer),
                ..diagnostic
            };
            if !relocated.contains(&diagnostic) {
                relocated.push(diagnostic);
            }
        }
        relocated
    }

    /// Relocates the pointers the model keeps for the document's reader: the nodes typed as any
    /// JSON value, and those the generated docs name in their notes (`` `#/…` ``).
    pub(super) fn model(&self, api: &mut Api) {
        if self.sources.is_empty() {
            return;
        }
        api.untyped = self.pointers(std::mem::take(&mut api.untyped));
        for def in &mut api.types {
            self.notes(&mut def.docs.notes);
            if let TypeKind::Struct { fields, .. } = &mut def.kind {
                for field in fields {
                    self.notes(&mut field.docs.notes);
                }
            }
        }
    }

    /// Relocates each pointer quoted as `` `#/…` `` in `notes`.
    fn notes(&self, notes: &mut [String]) {
        for note in notes {
            let mut parts = note.split('`');
            let mut relocated = parts.next().unwrap_or_default().to_owned();
            for (index, part) in parts.enumerate() {
                relocated.push('`');
                // Odd parts (counting from 0) sit between a pair of backticks.
                if index % 2 == 0 && part.starts_with("#/") {
                    relocated.push_str(&self.relocate(part));
                } else {
                    relocated.push_str(part);
                }
            }
            *note = relocated;
        }
    }

    /// The pointers relocated, each kept once, in their first order.
    fn pointers(&self, pointers: Vec<String>) -> Vec<String> {
        let mut relocated: Vec<String> = Vec::with_capacity(pointers.len());
        for pointer in pointers {
            let pointer = self.relocate(&pointer);
            if !relocated.contains(&pointer) {
                relocated.push(pointer);
            }
        }
        relocated
    }
}

/// Replaces, in `document`, every local `$ref` that points to a node other than a component by
/// a copy of that node (see the module docs). Returns where the copies come from, or the errors
/// that stop the document from being expanded.
pub(super) fn inline_local_references(
    document: &mut Value,
) -> Result<Relocations, Vec<Diagnostic>> {
    if !needs_expansion(document) {
        return Ok(Relocations::default());
    }
    let original = document.clone();
    let nodes = node_count(&original).1;
    let mut expansion = Expansion {
        original: &original,
        growth_left: GROWTH_LIMIT.saturating_add(nodes.saturating_mul(GROWTH_PER_NODE)),
        schema_growth_left: SCHEMA_GROWTH_LIMIT
            .saturating_add(nodes.saturating_mul(SCHEMA_GROWTH_PER_NODE)),
        relocations: Relocations::default(),
        errors: Vec::new(),
    };
    expansion.document(document);
    if expansion.errors.is_empty() {
        Ok(expansion.relocations)
    } else {
        Err(expansion.errors)
    }
}

/// What a node holds, by where it stands; it decides which children hold what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Schema,
    Response,
    Parameter,
    RequestBody,
    Header,
    PathItem,
    /// An operation of a path item; never a reference.
    Operation,
    /// A media type of a `content` map; never a reference.
    Media,
    /// A callback: a map of expressions to path items, which openapiv3 reads without references.
    Callback,
}

struct Expansion<'o> {
    /// The document as written (after the 3.1 rewrite), where every target is looked up.
    original: &'o Value,
    /// Nodes the copies may still add.
    growth_left: usize,
    /// Nodes the copies of schemas may still add (also counted in `growth_left`).
    schema_growth_left: usize,
    relocations: Relocations,
    errors: Vec<Diagnostic>,
}

/// The targets being copied, outermost first: meeting one of them again is a cycle.
type Copying = Vec<String>;

impl Expansion<'_> {
    fn document(&mut self, document: &mut Value) {
        let root = Pointer::root();
        let mut copying = Copying::new();
        let Some(document) = untagged_mut(document).as_mapping_mut() else {
            return;
        };
        if let Some(paths) = document.get_mut("paths") {
            self.members(paths, Slot::PathItem, &root.join("paths"), &mut copying);
        }
        let Some(components) = document
            .get_mut("components")
            .map(untagged_mut)
            .and_then(Value::as_mapping_mut)
        else {
            return;
        };
        let components_pointer = root.join("components");
        for (section, slot) in [
            ("schemas", Slot::Schema),
            ("responses", Slot::Response),
            ("parameters", Slot::Parameter),
            ("requestBodies", Slot::RequestBody),
            ("headers", Slot::Header),
            ("callbacks", Slot::Callback),
        ] {
            if let Some(members) = components.get_mut(section) {
                let pointer = components_pointer.join(section);
                self.members(members, slot, &pointer, &mut copying);
            }
        }
    }

    /// Visits each member of a map (or item of a list) as a node of kind `slot`.
    fn members(&mut self, node: &mut Value, slot: Slot, pointer: &Pointer, copying: &mut Copying) {
        match untagged_mut(node) {
            Value::Mapping(entries) => {
                for (key, member) in entries.iter_mut() {
                    self.visit(member, slot, &pointer.join(key_text(key)), copying);
                }
            }
            Value::Sequence(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.visit(item, slot, &pointer.join(index), copying);
                }
            }
            _ => {}
        }
    }

    /// Visits the member `key` of `node`, if there is one, as a node of kind `slot`.
    fn child(
        &mut self,
        node: &mut serde_yaml::Mapping,
        key: &str,
        slot: Slot,
        pointer: &Pointer,
        copying: &mut Copying,
    ) {
        if let Some(child) = node.get_mut(key) {
            self.visit(child, slot, &pointer.join(key), copying);
        }
    }

    fn visit(&mut self, node: &mut Value, slot: Slot, pointer: &Pointer, copying: &mut Copying) {
        if let Some(reference) = self.reference_to_copy(node, slot) {
            self.copy_into(node, &reference, slot, pointer, copying);
            return;
        }
        let Some(entries) = untagged_mut(node).as_mapping_mut() else {
            return;
        };
        match slot {
            Slot::Schema => {
                if let Some(properties) = entries.get_mut("properties") {
                    let at = pointer.join("properties");
                    self.members(properties, Slot::Schema, &at, copying);
                }
                for key in ["allOf", "oneOf", "anyOf"] {
                    if let Some(parts) = entries.get_mut(key) {
                        self.members(parts, Slot::Schema, &pointer.join(key), copying);
                    }
                }
                for key in ["items", "additionalProperties", "not"] {
                    self.child(entries, key, Slot::Schema, pointer, copying);
                }
            }
            Slot::Response => {
                self.content(entries, pointer, copying);
                if let Some(headers) = entries.get_mut("headers") {
                    self.members(headers, Slot::Header, &pointer.join("headers"), copying);
                }
            }
            Slot::Parameter | Slot::Header => {
                self.child(entries, "schema", Slot::Schema, pointer, copying);
                self.content(entries, pointer, copying);
            }
            Slot::RequestBody => self.content(entries, pointer, copying),
            Slot::Media => self.child(entries, "schema", Slot::Schema, pointer, copying),
            Slot::PathItem => {
                if let Some(parameters) = entries.get_mut("parameters") {
                    let at = pointer.join("parameters");
                    self.members(parameters, Slot::Parameter, &at, copying);
                }
                for method in METHODS {
                    self.child(entries, method, Slot::Operation, pointer, copying);
                }
            }
            Slot::Operation => {
                for (key, slot) in [
                    ("parameters", Slot::Parameter),
                    ("responses", Slot::Response),
                    ("callbacks", Slot::Callback),
                ] {
                    if let Some(members) = entries.get_mut(key) {
                        self.members(members, slot, &pointer.join(key), copying);
                    }
                }
                self.child(entries, "requestBody", Slot::RequestBody, pointer, copying);
            }
            Slot::Callback => {
                for (key, item) in entries.iter_mut() {
                    self.visit(item, Slot::PathItem, &pointer.join(key_text(key)), copying);
                }
            }
        }
    }

    fn content(
        &mut self,
        node: &mut serde_yaml::Mapping,
        pointer: &Pointer,
        copying: &mut Copying,
    ) {
        if let Some(content) = node.get_mut("content") {
            self.members(content, Slot::Media, &pointer.join("content"), copying);
        }
    }

    /// The `$ref` of `node` if it is one this pass replaces in a node of kind `slot`.
    fn reference_to_copy(&self, node: &Value, slot: Slot) -> Option<String> {
        if matches!(slot, Slot::Operation | Slot::Media) {
            return None;
        }
        let reference = untagged(node).get("$ref")?.as_str()?;
        let local = reference.starts_with("#/");
        (local && (slot == Slot::Callback || !is_component_reference(reference)))
            .then(|| reference.to_owned())
    }

    /// Replaces the reference `node` (at `pointer`) with a copy of its target, then visits the
    /// copy as a node of kind `slot`. A target that does not resolve leaves `node` as it is.
    fn copy_into(
        &mut self,
        node: &mut Value,
        reference: &str,
        slot: Slot,
        pointer: &Pointer,
        copying: &mut Copying,
    ) {
        let Some((target, source)) = resolve(self.original, reference) else {
            return;
        };
        let source = source.to_string();
        let (depth, nodes) = node_count(target);
        let too_deep =
            copying.len() >= MAX_NESTED_COPIES || pointer.segments().len() + depth > MAX_DEPTH;
        let too_large = nodes > self.growth_left.min(self.schema_growth_left);
        if slot == Slot::Schema && (copying.contains(&source) || too_deep || too_large) {
            // Left as a reference: the reader types it as any JSON value, with a warning.
            return;
        }
        if copying.contains(&source) {
            return self.error(
                pointer,
                format!(
                    "`$ref` {reference} leads back to a node that contains it, or to itself, \
                     through references that are not components; only a component can be \
                     referred to from inside itself"
                ),
            );
        }
        if copying.len() >= MAX_NESTED_COPIES {
            return self.error(
                pointer,
                format!(
                    "`$ref` {reference} is reached through more than {MAX_NESTED_COPIES} nested \
                     references that are not components"
                ),
            );
        }
        if pointer.segments().len() + depth > MAX_DEPTH {
            return self.error(
                pointer,
                format!(
                    "`$ref` {reference} would nest the document deeper than {MAX_DEPTH} levels"
                ),
            );
        }
        let Some(growth_left) = self.growth_left.checked_sub(nodes) else {
            self.growth_left = 0;
            return self.error(
                pointer,
                format!(
                    "`$ref` {reference}: copying the targets of references that are not \
                     components would make the document too large; refer to components instead"
                ),
            );
        };
        self.growth_left = growth_left;
        if slot == Slot::Schema {
            self.schema_growth_left = self.schema_growth_left.saturating_sub(nodes);
        }
        *node = target.clone();
        self.relocations
            .sources
            .insert(pointer.to_string(), source.clone());
        copying.push(source);
        self.visit(node, slot, pointer, copying);
        copying.pop();
    }

    fn error(&mut self, pointer: &Pointer, message: String) {
        let diagnostic = Diagnostic {
            severity: Severity::Error,
            pointer: self.relocations.relocate(&pointer.to_string()),
            message,
        };
        if !self.errors.contains(&diagnostic) {
            self.errors.push(diagnostic);
        }
    }
}

/// Whether `reference` names a component, `#/components/<kind>/<name>`, which openapiv3 follows.
fn is_component_reference(reference: &str) -> bool {
    matches!(
        Pointer::parse_local(reference).as_deref(),
        Some([components, kind, _]) if components == "components" && COMPONENT_KINDS.contains(&kind.as_str())
    )
}

/// Whether `node` holds a local `$ref` this pass may replace (or a callback, where every local
/// reference is replaced): most documents have none, and are left without a copy being made.
fn needs_expansion(node: &Value) -> bool {
    match untagged(node) {
        Value::Mapping(entries) => entries.iter().any(|(key, value)| match key.as_str() {
            Some("$ref") => value.as_str().is_some_and(|reference| {
                reference.starts_with("#/") && !is_component_reference(reference)
            }),
            Some("callbacks") => true,
            _ => needs_expansion(value),
        }),
        Value::Sequence(items) => items.iter().any(needs_expansion),
        _ => false,
    }
}

/// The node a local `$ref` points at, with its pointer in the document. Segments are read
/// percent-decoded first, as a URI fragment is, then as written. A pointer running through a
/// `$ref` (`#/paths/~1a/get/responses/401/content`, where `401` is a reference) continues at its
/// target, and the pointer returned is the one of the node reached.
fn resolve<'v>(document: &'v Value, reference: &str) -> Option<(&'v Value, Pointer)> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment);
    let mut hops = 0;
    decoded
        .as_deref()
        .filter(|decoded| *decoded != fragment)
        .and_then(|decoded| resolve_fragment(document, decoded, &mut hops))
        .or_else(|| resolve_fragment(document, fragment, &mut hops))
}

fn resolve_fragment<'v>(
    document: &'v Value,
    fragment: &str,
    hops: &mut usize,
) -> Option<(&'v Value, Pointer)> {
    let segments = Pointer::parse_local(&format!("#{fragment}"))?;
    let mut node = document;
    let mut pointer = Pointer::root();
    for segment in &segments {
        node = untagged(node);
        loop {
            if let Some(child) = member(node, segment) {
                node = child;
                pointer = pointer.join(segment);
                break;
            }
            // The node may be a reference that holds the segment at its target.
            let reference = node.get("$ref").and_then(Value::as_str)?;
            let inner = reference.strip_prefix('#')?;
            *hops += 1;
            if *hops > MAX_HOPS {
                return None;
            }
            let inner = percent_decode(inner).unwrap_or_else(|| inner.to_owned());
            (node, pointer) = resolve_fragment(document, &inner, hops)?;
            node = untagged(node);
        }
    }
    Some((node, pointer))
}

/// The member `segment` of an object, or item `segment` of an array.
fn member<'v>(node: &'v Value, segment: &str) -> Option<&'v Value> {
    match node {
        Value::Mapping(entries) => entries.get(segment).or_else(|| {
            entries
                .iter()
                .find(|(key, _)| key_text(key) == segment)
                .map(|(_, value)| value)
        }),
        Value::Sequence(items) => {
            // RFC 6901: an index is `0` or digits without a leading zero.
            let canonical = segment == "0" || !segment.starts_with('0');
            let index: usize = segment.parse().ok().filter(|_| canonical)?;
            items.get(index)
        }
        _ => None,
    }
}

/// `text` with its `%XX` escapes decoded, if it has any and they decode to UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// The depth of the deepest node under `node` (0 for a scalar) and the number of nodes.
fn node_count(node: &Value) -> (usize, usize) {
    match untagged(node) {
        Value::Mapping(entries) => entries.values().fold((1, 1), |(depth, count), value| {
            let (inner_depth, inner_count) = node_count(value);
            (depth.max(inner_depth + 1), count + inner_count)
        }),
        Value::Sequence(items) => items.iter().fold((1, 1), |(depth, count), value| {
            let (inner_depth, inner_count) = node_count(value);
            (depth.max(inner_depth + 1), count + inner_count)
        }),
        _ => (0, 1),
    }
}

/// A map key as the text a pointer segment names it by (`200` for an unquoted YAML number).
fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

fn untagged(node: &Value) -> &Value {
    match node {
        Value::Tagged(tagged) => untagged(&tagged.value),
        other => other,
    }
}

fn untagged_mut(node: &mut Value) -> &mut Value {
    match node {
        Value::Tagged(tagged) => untagged_mut(&mut tagged.value),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadError, Loaded, load};
    use crate::model::{Operation, TypeKind, TypeRef};

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("test YAML parses")
    }

    fn expanded(text: &str) -> (Value, Relocations) {
        let mut document = yaml(text);
        let relocations = inline_local_references(&mut document).expect("expands");
        (document, relocations)
    }

    fn expansion_errors(text: &str) -> Vec<Diagnostic> {
        inline_local_references(&mut yaml(text)).expect_err("refused")
    }

    #[test]
    fn a_response_of_another_operation_is_copied_and_named_where_it_is_written() {
        let (document, relocations) = expanded(
            r##"
paths:
  /a:
    get:
      responses:
        '401': {description: denied}
  /b:
    get:
      responses:
        '401': {$ref: '#/paths/~1a/get/responses/401'}
"##,
        );
        assert_eq!(
            document["paths"]["/b"]["get"]["responses"]["401"],
            yaml("{description: denied}")
        );
        assert_eq!(
            relocations.relocate("#/paths/~1b/get/responses/401/description"),
            "#/paths/~1a/get/responses/401/description"
        );
        assert_eq!(
            relocations.relocate("#/paths/~1b/get/responses/4010"),
            "#/paths/~1b/get/responses/4010"
        );
    }

    #[test]
    fn references_to_components_stay_references() {
        let text = r##"
paths:
  /a:
    get:
      parameters: [{$ref: '#/components/parameters/Id'}]
      responses:
        '200': {$ref: '#/components/responses/Ok'}
components:
  schemas:
    Node: {properties: {next: {$ref: '#/components/schemas/Node'}}}
"##;
        let (document, relocations) = expanded(text);
        assert_eq!(document, yaml(text));
        assert!(relocations.sources.is_empty());
    }

    #[test]
    fn references_inside_a_copy_are_followed_and_relocated_to_their_own_target() {
        let (document, relocations) = expanded(
            r##"
components:
  schemas:
    Owner:
      properties:
        address: {properties: {city: {type: string}}}
    Pet:
      properties:
        owner: {properties: {home: {$ref: '#/components/schemas/Owner/properties/address'}}}
    Sitter:
      properties:
        client: {$ref: '#/components/schemas/Pet/properties/owner'}
"##,
        );
        let client = &document["components"]["schemas"]["Sitter"]["properties"]["client"];
        assert_eq!(
            client["properties"]["home"],
            yaml("{properties: {city: {type: string}}}")
        );
        let at = "#/components/schemas/Sitter/properties/client";
        assert_eq!(
            relocations.relocate(&format!("{at}/properties/home/properties/city")),
            "#/components/schemas/Owner/properties/address/properties/city"
        );
        assert_eq!(
            relocations.relocate(&format!("{at}/properties")),
            "#/components/schemas/Pet/properties/owner/properties"
        );
    }

    #[test]
    fn percent_escapes_and_references_along_the_pointer_are_followed() {
        let (document, relocations) = expanded(
            r##"
paths:
  /a/{id}:
    get:
      responses:
        '401': {$ref: '#/components/responses/Denied'}
  /b:
    get:
      responses:
        '401': {$ref: '#/paths/~1a~1%7Bid%7D/get/responses/401'}
        '403':
          description: forbidden
          content:
            application/json:
              schema: {$ref: '#/paths/~1a~1%7Bid%7D/get/responses/401/content/application~1json/schema'}
components:
  responses:
    Denied:
      description: denied
      content:
        application/json:
          schema: {type: string}
"##,
        );
        let responses = &document["paths"]["/b"]["get"]["responses"];
        // A copy of a reference to a component is that reference.
        assert_eq!(
            responses["401"],
            yaml("{$ref: '#/components/responses/Denied'}")
        );
        assert_eq!(
            responses["403"]["content"]["application/json"]["schema"],
            yaml("{type: string}")
        );
        assert_eq!(
            relocations.relocate("#/paths/~1b/get/responses/403/content/application~1json/schema"),
            "#/components/responses/Denied/content/application~1json/schema"
        );
    }

    #[test]
    fn targets_that_do_not_resolve_are_left_for_the_reader_to_report() {
        let text = r##"
paths:
  /a:
    get:
      parameters:
        - $ref: '#/paths/~1nope/get/parameters/0'
        - $ref: 'other.yaml#/paths/~1a/get/parameters/0'
        - $ref: '#/paths/~1a/get/parameters/7'
        - $ref: '#/paths/~1a/get/parameters/00'
"##;
        let (document, relocations) = expanded(text);
        assert_eq!(document, yaml(text));
        assert!(relocations.sources.is_empty());
    }

    #[test]
    fn a_reference_that_leads_back_into_itself_is_an_error_at_the_reference() {
        let errors = expansion_errors(
            r##"
paths:
  /a:
    get:
      parameters: [{$ref: '#/paths/~1a/get/parameters/0'}]
      responses:
        '400': {$ref: '#/paths/~1a/get/responses/401'}
        '401': {$ref: '#/paths/~1a/get/responses/400'}
"##,
        );
        let pointers: Vec<&str> = errors.iter().map(|error| error.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1a/get/parameters/0",
                "#/paths/~1a/get/responses/400",
                "#/paths/~1a/get/responses/401",
            ]
        );
        assert!(
            errors[0].message.contains("leads back"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_schema_that_leads_back_into_itself_stays_a_reference() {
        let (document, relocations) = expanded(
            r##"
components:
  schemas:
    Tree:
      properties:
        node:
          properties:
            child: {$ref: '#/components/schemas/Tree/properties/node'}
    Forest:
      properties:
        tree: {$ref: '#/components/schemas/Tree/properties/node'}
"##,
        );
        let tree = &document["components"]["schemas"]["Forest"]["properties"]["tree"];
        assert_eq!(
            tree["properties"]["child"],
            yaml("{$ref: '#/components/schemas/Tree/properties/node'}")
        );
        assert_eq!(
            relocations.relocate("#/components/schemas/Forest/properties/tree/properties/child"),
            "#/components/schemas/Tree/properties/node/properties/child"
        );
    }

    /// Levels of `kind` (`schemas` or `callbacks`), each referring to the next one four times.
    fn fan_out(kind: &str) -> String {
        let mut text = format!("components:\n  {kind}:\n");
        for level in 0..8 {
            let next = match kind {
                "schemas" => format!("'#/components/schemas/L{}/properties/x'", level + 1),
                _ => format!("'#/components/callbacks/L{}'", level + 1),
            };
            let refs = format!(
                "{{a: {{$ref: {next}}}, b: {{$ref: {next}}}, c: {{$ref: {next}}}, d: {{$ref: {next}}}}}"
            );
            text.push_str(&match kind {
                "schemas" => {
                    format!("    L{level}: {{properties: {{x: {{properties: {refs}}}}}}}\n")
                }
                _ => format!("    L{level}: {{e: {{post: {{callbacks: {refs}}}}}}}\n"),
            });
        }
        text + "    L8: {}\n"
    }

    fn expand_within(document: &mut Value, growth_left: usize) -> Vec<Diagnostic> {
        let original = document.clone();
        let mut expansion = Expansion {
            original: &original,
            growth_left,
            schema_growth_left: growth_left,
            relocations: Relocations::default(),
            errors: Vec::new(),
        };
        expansion.document(document);
        expansion.errors
    }

    #[test]
    fn a_document_that_would_grow_past_the_limit_is_refused() {
        let errors = expand_within(&mut yaml(&fan_out("callbacks")), 10_000);
        assert!(
            errors
                .iter()
                .any(|error| error.message.contains("too large")),
            "{errors:?}"
        );
        // 4^8 copies would be too many; a few levels are not.
        let few = fan_out("callbacks").replace("'#/components/callbacks/L3'", "'#/nowhere'");
        assert_eq!(expand_within(&mut yaml(&few), 10_000), []);
    }

    #[test]
    fn a_schema_past_the_limit_stays_a_reference() {
        let mut document = yaml(&fan_out("schemas"));
        assert_eq!(expand_within(&mut document, 10_000), []);
        let remaining = serde_yaml::to_string(&document).unwrap_or_default();
        assert!(remaining.contains("$ref"), "{remaining}");
    }

    #[test]
    fn references_to_callbacks_are_copied_since_openapiv3_reads_none_there() {
        let (document, _) = expanded(
            r##"
paths:
  /a:
    post:
      callbacks:
        done: {$ref: '#/components/callbacks/Done'}
      responses: {'200': {description: ok}}
components:
  callbacks:
    Done:
      '{$request.body#/url}':
        post: {responses: {'200': {description: ok}}}
"##,
        );
        assert_eq!(
            document["paths"]["/a"]["post"]["callbacks"]["done"],
            document["components"]["callbacks"]["Done"]
        );
    }

    // ----- through the whole loader --------------------------------------------------------

    const REUSING: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: listA
      parameters:
        - {name: limit, in: query, schema: {type: integer, format: int32, maximum: 50}}
      responses:
        '200': {description: ok}
        '401':
          description: denied
          content:
            application/json:
              schema:
                type: object
                required: [message]
                properties:
                  message: {type: string}
  /b:
    get:
      operationId: listB
      parameters:
        - $ref: '#/paths/~1a/get/parameters/0'
      responses:
        '200':
          description: the owner
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet/properties/owner'}
        '401': {$ref: '#/paths/~1a/get/responses/401'}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner:
          type: object
          required: [name]
          properties:
            name: {type: string}
"##;

    fn operation<'a>(loaded: &'a Loaded, id: &str) -> &'a Operation {
        loaded
            .api
            .operations
            .iter()
            .find(|operation| operation.operation_id == id)
            .expect("operation exists")
    }

    fn struct_fields(loaded: &Loaded, ty: Option<&TypeRef>) -> Vec<(String, TypeRef)> {
        let name = ty.and_then(TypeRef::name).expect("a named type");
        let def = loaded
            .api
            .types
            .iter()
            .find(|def| def.name == name)
            .expect("type exists");
        let TypeKind::Struct { fields, .. } = &def.kind else {
            panic!("{name} is a struct");
        };
        fields
            .iter()
            .map(|field| (field.wire_name.clone(), field.ty.clone()))
            .collect()
    }

    #[test]
    fn reused_responses_schemas_and_parameters_generate_the_types_of_their_targets() {
        let loaded = load(REUSING).expect("loads");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let reusing = operation(&loaded, "listB");
        let limit = &reusing.parameters[0];
        assert_eq!(
            (limit.wire_name.as_str(), &limit.ty),
            ("limit", &TypeRef::Int32)
        );
        assert!(limit.constraints.maximum.is_some());
        assert_eq!(
            struct_fields(&loaded, reusing.success.ty.as_ref()),
            [("name".to_owned(), TypeRef::String)]
        );
        assert_eq!(reusing.errors[0].variant, "Unauthorized");
        assert_eq!(
            struct_fields(&loaded, reusing.errors[0].ty.as_ref()),
            [("message".to_owned(), TypeRef::String)]
        );
    }

    #[test]
    fn a_problem_inside_a_reused_node_is_reported_once_where_it_is_written() {
        let text = REUSING
            .replace(
                "message: {type: string}",
                "message: {$ref: '#/components/schemas/Gone'}",
            )
            .replace("name: {type: string}", "name: {not: {type: string}}");
        let LoadError::Invalid(errors) = load(&text).unwrap_err() else {
            panic!("a diagnostic");
        };
        let pointers: Vec<&str> = errors.iter().map(|error| error.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["#/paths/~1a/get/responses/401/content/application~1json/schema/properties/message"]
        );
        let loaded =
            load(&text.replace("'#/components/schemas/Gone'", "'#/components/schemas/Pet'"))
                .expect("loads");
        let warnings: Vec<&str> = loaded
            .warnings
            .iter()
            .map(|warning| warning.pointer.as_str())
            .collect();
        assert_eq!(
            warnings,
            ["#/components/schemas/Pet/properties/owner/properties/name"]
        );
        assert_eq!(loaded.api.untyped, warnings);
        let notes: Vec<&String> = loaded
            .api
            .types
            .iter()
            .flat_map(|def| match &def.kind {
                TypeKind::Struct { fields, .. } => fields.as_slice(),
                _ => &[],
            })
            .flat_map(|field| &field.docs.notes)
            .collect();
        assert_eq!(notes.len(), 2, "the component's and its copy's: {notes:?}");
        for note in notes {
            assert!(note.contains(&format!("`{}`", warnings[0])), "{note}");
        }
    }

    #[test]
    fn a_reused_node_the_reader_refuses_is_named_where_it_is_written() {
        let text = REUSING.replace(
            "'#/paths/~1a/get/parameters/0'",
            "'#/components/schemas/Pet/properties/owner'",
        );
        let LoadError::Structure { pointer, .. } = load(&text).unwrap_err() else {
            panic!("a structural error");
        };
        assert!(
            pointer.starts_with("#/components/schemas/Pet/properties/owner"),
            "{pointer}"
        );
    }

    #[test]
    fn a_cycle_of_reused_responses_is_an_error_at_a_reference() {
        let text = REUSING
            .replace(
                "'200': {description: ok}",
                "'200': {$ref: '#/paths/~1b/get/responses/401'}",
            )
            .replace(
                "'401': {$ref: '#/paths/~1a/get/responses/401'}",
                "'401': {$ref: '#/paths/~1a/get/responses/200'}",
            );
        let LoadError::Invalid(errors) = load(&text).unwrap_err() else {
            panic!("a diagnostic");
        };
        assert!(
            errors
                .iter()
                .all(|error| error.message.contains("leads back")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .all(|error| error.pointer.starts_with("#/paths/~1")),
            "{errors:?}"
        );
    }
}
