//! openapiv3 → model: resolving references, naming inline shapes, and collecting diagnostics.

use super::pointer::Pointer;
use crate::model::naming::{self, Namespace};
use crate::model::{
    Api, BodyEncoding, Bound, ClientHeader, Constraints, CredentialSet, Diagnostic, Docs,
    EnumVariant, ErrorResponse, Field, Idempotency, IntegerVariant, Literal, Method, Operation,
    Parameter, ParameterLocation, ParameterStyle, Presence, RequestBody, SchemeKind, Security,
    SecurityScheme, Server, ServerVariable, Severity, StatusCode, SuccessResponse, SuccessVariant,
    Tag, TypeDef, TypeKind, TypeRef, UnionVariant,
};
use crate::model::{pagination, recursion, usage};
use indexmap::IndexMap;
use openapiv3 as oa;
use openapiv3::ReferenceOr;
use std::collections::{BTreeMap, BTreeSet};

/// Client method names the generated `Client` defines itself.
const CLIENT_METHODS: &[&str] = &["new", "from_config", "config", "http"];

/// Names a request builder uses itself, as fields or methods, which parameters must not take.
const REQUEST_BUILDER_NAMES: &[&str] = &["new", "client", "body", "check", "send"];

/// Method names a struct's builder defines itself, which its properties' setters must not take.
const TYPE_BUILDER_NAMES: &[&str] = &["build", "additional_property"];

pub(super) fn lower(document: &oa::OpenAPI) -> (Api, Vec<Diagnostic>) {
    let mut lowering = Lowering::new(document);
    lowering.lower_components();
    // Before anything follows aliases (parameters, bodies, defaults, pagination), which must end.
    let cycle_warnings = recursion::untie_alias_cycles(&mut lowering.types);
    let (mut operations, client_headers) = lowering.lower_operations();
    recursion::box_recursive_edges(&mut lowering.types);
    let mut untyped: Vec<String> = lowering
        .degraded
        .iter()
        .map(|(pointer, _)| pointer.to_string())
        .collect();
    untyped.extend(cycle_warnings.iter().map(|warning| warning.pointer.clone()));
    lowering.diagnostics.extend(cycle_warnings);
    let sent = usage::sent_types(&lowering.types, &operations);
    lowering.apply_defaults(&sent);
    pagination::detect(&mut operations, &lowering.types);
    let security_schemes = lowering.lower_security_schemes();
    let api = Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: non_empty(&document.info.description),
        servers: document.servers.iter().map(lower_server).collect(),
        credential_sets: credential_sets(&operations, &security_schemes),
        security_schemes,
        client_headers,
        types: lowering.types,
        operations,
        tags: document
            .tags
            .iter()
            .map(|tag| Tag {
                name: tag.name.clone(),
                description: non_empty(&tag.description),
            })
            .collect(),
        untyped,
    };
    (api, lowering.diagnostics)
}

/// How an inline shape gets its name: a short name that reads well and is preferred when free,
/// and a full one, unique by construction, for when it is not.
#[derive(Debug, Clone)]
struct NameHint {
    /// e.g. `LocationGeolocation`
    short: String,
    /// e.g. `CustomerLocationGeolocation`
    full: String,
    /// What the shape's own children build their short names on, e.g. `Geolocation`.
    word: String,
    /// A component's name, reserved up front, that the top-level shape takes as it is.
    reserved: Option<String>,
}

impl NameHint {
    fn fresh(name: String) -> Self {
        Self {
            short: name.clone(),
            full: name.clone(),
            word: name,
            reserved: None,
        }
    }

    fn component(name: String) -> Self {
        Self {
            reserved: Some(name.clone()),
            ..Self::fresh(name)
        }
    }

    /// The hint for the inline schema of property `property` of the shape this hint names.
    fn property(&self, property: &str) -> Self {
        let property = naming::type_name(property);
        Self {
            short: format!("{}{property}", self.word),
            full: format!("{}{property}", self.full),
            word: property,
            reserved: None,
        }
    }

    /// The hint for an inner shape such as an array's items (`Item`) or a map's values (`Value`).
    fn suffixed(&self, suffix: &str) -> Self {
        Self {
            short: format!("{}{suffix}", self.short),
            full: format!("{}{suffix}", self.full),
            word: format!("{}{suffix}", self.word),
            reserved: None,
        }
    }
}

/// The properties of an object schema, gathered from one schema or merged from an `allOf`.
#[derive(Default)]
struct ObjectShape<'a> {
    properties: IndexMap<String, (&'a ReferenceOr<Box<oa::Schema>>, Pointer)>,
    required: BTreeSet<String>,
    additional: Option<(&'a oa::AdditionalProperties, Pointer)>,
}

struct Lowering<'a> {
    document: &'a oa::OpenAPI,
    components: IndexMap<String, &'a ReferenceOr<oa::Schema>>,
    /// Component schema name in the document → its Rust type name.
    component_types: BTreeMap<String, String>,
    /// Components marked `nullable`, whose every use may be null.
    nullable_components: BTreeSet<String>,
    type_names: Namespace,
    types: Vec<TypeDef>,
    diagnostics: Vec<Diagnostic>,
    /// Nodes typed as any JSON value because they cannot be represented, with the reason.
    degraded: Vec<(Pointer, String)>,
    /// Optional properties with a `default`, settled once every type is known:
    /// (struct name, field name, default value, pointer of the default).
    pending_defaults: Vec<(String, String, serde_json::Value, Pointer)>,
    /// Pointers of the schemas whose `allOf` merge is being lowered, innermost last: a merge
    /// that meets one of them again would copy it into itself forever.
    merging: Vec<String>,
}

impl<'a> Lowering<'a> {
    fn new(document: &'a oa::OpenAPI) -> Self {
        let components: IndexMap<_, _> = document
            .components
            .iter()
            .flat_map(|components| &components.schemas)
            .map(|(name, schema)| (name.clone(), schema))
            .collect();
        let mut type_names = Namespace::new();
        let component_types = components
            .keys()
            .map(|name| (name.clone(), type_names.claim(naming::type_name(name))))
            .collect();
        Self {
            document,
            components,
            component_types,
            nullable_components: BTreeSet::new(),
            type_names,
            types: Vec::new(),
            diagnostics: Vec::new(),
            degraded: Vec::new(),
            pending_defaults: Vec::new(),
            merging: Vec::new(),
        }
    }

    fn warn(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.report(Severity::Warning, pointer, message.into());
    }

    /// Records a diagnostic once: a node that several operations share (a response, a parameter)
    /// is read once for each of them, and its problem is one problem.
    fn report(&mut self, severity: Severity, pointer: &Pointer, message: String) {
        let diagnostic = Diagnostic {
            severity,
            pointer: pointer.to_string(),
            message,
        };
        if !self.diagnostics.contains(&diagnostic) {
            self.diagnostics.push(diagnostic);
        }
    }

    /// Reports that the node at `pointer` cannot be represented and types it as any JSON value;
    /// the field or type holding it says why in its docs.
    fn degrade(&mut self, pointer: &Pointer, reason: &str) -> TypeRef {
        self.warn(pointer, format!("{reason}; typed as any JSON value"));
        self.degraded.push((pointer.clone(), reason.to_owned()));
        TypeRef::Json
    }

    /// Doc notes for the degraded nodes at or under `pointer`, recorded since `since`.
    fn degraded_notes(&self, since: usize, pointer: &Pointer) -> Vec<String> {
        let prefix = pointer.to_string();
        self.degraded[since..]
            .iter()
            .filter(|(at, _)| {
                let at = at.to_string();
                at == prefix || at.starts_with(&format!("{prefix}/"))
            })
            .map(|(at, reason)| {
                format!(
                    "Kept as raw JSON: the API description at `{at}` cannot be expressed as a Rust \
                     type ({reason})."
                )
            })
            .collect()
    }

    fn error(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.report(Severity::Error, pointer, message.into());
    }

    // ----- schemas -------------------------------------------------------------------------

    fn lower_components(&mut self) {
        let components = self.components.clone();
        for (name, schema) in &components {
            if let ReferenceOr::Item(schema) = schema {
                if schema.schema_data.nullable {
                    self.nullable_components.insert(name.clone());
                }
            }
        }
        for (name, schema) in components {
            let rust_name = self.component_types[&name].clone();
            let pointer = Pointer::root()
                .join("components")
                .join("schemas")
                .join(&name);
            let hint = NameHint::component(rust_name.clone());
            let degraded_before = self.degraded.len();
            let ty = match self.lower_schema(schema, &hint, &pointer) {
                TypeRef::Nullable(inner) => *inner,
                ty => ty,
            };
            let defined = self.types.iter().any(|def| def.name == rust_name);
            let ty = if ty == TypeRef::Named(rust_name.clone()) && !defined {
                self.degrade(&pointer, "a schema that only refers to itself")
            } else {
                ty
            };
            if ty != TypeRef::Named(rust_name.clone()) {
                let mut docs = match schema {
                    ReferenceOr::Item(schema) => docs_of(&schema.schema_data),
                    ReferenceOr::Reference { .. } => Docs::default(),
                };
                if ty.any(&|ty| matches!(ty, TypeRef::Json | TypeRef::JsonObject)) {
                    docs.notes = self.degraded_notes(degraded_before, &pointer);
                }
                self.types.push(TypeDef {
                    name: rust_name,
                    docs,
                    kind: TypeKind::Alias(ty),
                    pointer: pointer.to_string(),
                });
            }
        }
    }

    /// The type of `schema`, creating named types for the inline shapes in it.
    fn lower_schema(
        &mut self,
        schema: &'a ReferenceOr<oa::Schema>,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, pointer),
            ReferenceOr::Item(schema) => self.lower_item(schema, hint, pointer),
        }
    }

    fn lower_boxed(
        &mut self,
        schema: &'a ReferenceOr<Box<oa::Schema>>,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, pointer),
            ReferenceOr::Item(schema) => self.lower_item(schema, hint, pointer),
        }
    }

    fn lower_reference(&mut self, reference: &str, pointer: &Pointer) -> TypeRef {
        match component_schema_name(reference) {
            Some(name) if self.component_types.contains_key(name) => {
                let named = TypeRef::Named(self.component_types[name].clone());
                if self.nullable_components.contains(name) {
                    TypeRef::Nullable(Box::new(named))
                } else {
                    named
                }
            }
            Some(_) => {
                self.error(
                    pointer,
                    format!("`$ref: {reference}` points to no schema in this document"),
                );
                TypeRef::Json
            }
            None => self.degrade(
                pointer,
                &format!(
                    "`$ref: {reference}` is not a component schema, and its target is missing, \
                     in another document, or leads back into itself"
                ),
            ),
        }
    }

    fn lower_item(
        &mut self,
        schema: &'a oa::Schema,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        let data = &schema.schema_data;
        let ty = match &schema.schema_kind {
            oa::SchemaKind::Type(oa::Type::String(string)) => {
                self.lower_string(string, data, hint, pointer)
            }
            oa::SchemaKind::Type(oa::Type::Integer(integer)) => {
                self.lower_integer(integer, data, hint, pointer)
            }
            oa::SchemaKind::Type(oa::Type::Number(number)) => match number.format {
                oa::VariantOrUnknownOrEmpty::Item(oa::NumberFormat::Float) => TypeRef::Float,
                _ => TypeRef::Double,
            },
            oa::SchemaKind::Type(oa::Type::Boolean(_)) => TypeRef::Boolean,
            oa::SchemaKind::Type(oa::Type::Array(array)) => {
                self.lower_array(array.items.as_ref(), hint, pointer)
            }
            oa::SchemaKind::Type(oa::Type::Object(object)) => {
                let shape = ObjectShape::of_object(object, pointer);
                self.lower_object(shape, data, hint, pointer)
            }
            oa::SchemaKind::AllOf { all_of } => self.lower_all_of(all_of, data, hint, pointer),
            oa::SchemaKind::OneOf { one_of } => {
                self.lower_union(one_of, "oneOf", data, hint, pointer)
            }
            oa::SchemaKind::AnyOf { any_of } => {
                self.lower_union(any_of, "anyOf", data, hint, pointer)
            }
            oa::SchemaKind::Not { .. } => self.degrade(pointer, "a `not` schema"),
            oa::SchemaKind::Any(any) => self.lower_any(any, data, hint, pointer),
        };
        if data.nullable {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    fn lower_string(
        &mut self,
        string: &oa::StringType,
        data: &oa::SchemaData,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        // `x-extensible-enum` lists known values of an open set; both become enums that keep
        // unknown values, so they are read the same way.
        let extensible: Vec<String> = data
            .extensions
            .get("x-extensible-enum")
            .and_then(serde_json::Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        // A value listed twice would make an unreachable match arm.
        let mut seen = BTreeSet::new();
        let values: Vec<&String> = string
            .enumeration
            .iter()
            .flatten()
            .chain(&extensible)
            .filter(|value| seen.insert(value.as_str()))
            .collect();
        if !values.is_empty() {
            let mut names = Namespace::new();
            let variants = values
                .into_iter()
                .map(|value| EnumVariant {
                    name: names.claim(naming::variant_name(value)),
                    wire_value: value.clone(),
                })
                .collect();
            return self.define(hint, docs_of(data), TypeKind::Enum { variants }, pointer);
        }
        match &string.format {
            oa::VariantOrUnknownOrEmpty::Item(oa::StringFormat::DateTime) => TypeRef::DateTime,
            oa::VariantOrUnknownOrEmpty::Item(oa::StringFormat::Date) => TypeRef::Date,
            oa::VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Uuid,
            oa::VariantOrUnknownOrEmpty::Item(oa::StringFormat::Binary) => TypeRef::Binary,
            _ => TypeRef::String,
        }
    }

    fn lower_integer(
        &mut self,
        integer: &oa::IntegerType,
        data: &oa::SchemaData,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        let mut seen = BTreeSet::new();
        let values: Vec<i64> = integer
            .enumeration
            .iter()
            .flatten()
            .copied()
            .filter(|value| seen.insert(*value))
            .collect();
        if !values.is_empty() {
            // `x-enum-varnames` (or `x-enumNames`) name the values, where a spec gives them.
            let given: Vec<&str> = ["x-enum-varnames", "x-enumNames"]
                .iter()
                .find_map(|key| data.extensions.get(*key))
                .and_then(serde_json::Value::as_array)
                .map(|names| names.iter().filter_map(serde_json::Value::as_str).collect())
                .filter(|names: &Vec<&str>| names.len() == values.len())
                .unwrap_or_default();
            let mut names = Namespace::new();
            names.claim("Unknown".to_owned());
            let variants = values
                .iter()
                .enumerate()
                .map(|(index, &value)| IntegerVariant {
                    name: names.claim(match given.get(index) {
                        Some(name) => naming::variant_name(name),
                        None => naming::integer_variant_name(value),
                    }),
                    value,
                })
                .collect();
            return self.define(
                hint,
                docs_of(data),
                TypeKind::IntegerEnum { variants },
                pointer,
            );
        }
        match integer.format {
            oa::VariantOrUnknownOrEmpty::Item(oa::IntegerFormat::Int32) => TypeRef::Int32,
            _ => TypeRef::Int64,
        }
    }

    fn lower_array(
        &mut self,
        items: Option<&'a ReferenceOr<Box<oa::Schema>>>,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        let item = match items {
            Some(items) => self.lower_boxed(items, &hint.suffixed("Item"), &pointer.join("items")),
            None => TypeRef::Json,
        };
        TypeRef::List(Box::new(item))
    }

    fn lower_any(
        &mut self,
        any: &'a oa::AnySchema,
        data: &oa::SchemaData,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
            let shape = ObjectShape::new(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                pointer,
            );
            return self.lower_object(shape, data, hint, pointer);
        }
        if any.items.is_some() || any.typ.as_deref() == Some("array") {
            return self.lower_array(any.items.as_ref(), hint, pointer);
        }
        // openapiv3 reads a typed schema this way when one of its keywords does not fit the
        // type's own reading (an integer `maximum` of 1e20, say); its format still decides.
        match (any.typ.as_deref(), any.format.as_deref()) {
            (None, _) => TypeRef::Json,
            (Some("string"), _) => TypeRef::String,
            (Some("integer"), Some("int32")) => TypeRef::Int32,
            (Some("integer"), _) => TypeRef::Int64,
            (Some("number"), Some("float")) => TypeRef::Float,
            (Some("number"), _) => TypeRef::Double,
            (Some("boolean"), _) => TypeRef::Boolean,
            (Some(other), _) => self.degrade(pointer, &format!("unknown type `{other}`")),
        }
    }

    fn lower_object(
        &mut self,
        shape: ObjectShape<'a>,
        data: &oa::SchemaData,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        // Without `additionalProperties`, a schema allows any other property: the struct keeps
        // them, so what a server adds later survives a decode and re-encode.
        let additional = match shape.additional {
            Some((oa::AdditionalProperties::Any(false), _)) => None,
            None | Some((oa::AdditionalProperties::Any(true), _)) => Some(TypeRef::Json),
            Some((oa::AdditionalProperties::Schema(schema), additional_pointer)) => {
                Some(self.lower_schema(schema, &hint.suffixed("Value"), &additional_pointer))
            }
        };
        if shape.properties.is_empty() {
            return match additional {
                Some(TypeRef::Json) => TypeRef::JsonObject,
                Some(value) => TypeRef::Map(Box::new(value)),
                None => self.define(
                    hint,
                    docs_of(data),
                    TypeKind::Struct {
                        fields: Vec::new(),
                        additional: None,
                    },
                    pointer,
                ),
            };
        }
        let name = self.claim_name(hint);
        let mut field_names = Namespace::new();
        if additional.is_some() {
            // The emitted struct keeps extra properties in a field of this name.
            field_names.claim("additional_properties".to_owned());
        }
        // A field's builder setter has the field's name.
        for reserved in TYPE_BUILDER_NAMES {
            field_names.claim((*reserved).to_owned());
        }
        let mut fields = Vec::with_capacity(shape.properties.len());
        for (wire_name, (schema, property_pointer)) in shape.properties {
            let child_hint = hint.property(&wire_name);
            let degraded_before = self.degraded.len();
            let ty = self.lower_boxed(schema, &child_hint, &property_pointer);
            let required = shape.required.contains(&wire_name);
            let (ty, nullable) = match ty {
                TypeRef::Nullable(inner) => (*inner, true),
                ty => (ty, false),
            };
            let presence = match (required, nullable) {
                (true, false) => Presence::Required,
                (false, false) => Presence::Optional,
                (true, true) => Presence::Nullable,
                (false, true) => Presence::OptionalNullable,
            };
            let mut docs = match schema {
                // The referenced type carries its own docs.
                ReferenceOr::Reference { .. } => Docs::default(),
                ReferenceOr::Item(schema) => docs_of(&schema.schema_data),
            };
            if ty.any(&|ty| matches!(ty, TypeRef::Json | TypeRef::JsonObject)) {
                docs.notes = self.degraded_notes(degraded_before, &property_pointer);
            }
            let (constraints, default) = match self.resolve_boxed(schema, &property_pointer) {
                Some((resolved, resolved_pointer)) => {
                    let constraints = self.constraints(resolved, &resolved_pointer);
                    let default = resolved.schema_data.default.clone();
                    (constraints, default.map(|value| (value, resolved_pointer)))
                }
                None => (Constraints::default(), None),
            };
            let field_name = field_names.claim(naming::value_name(&wire_name));
            if let (Presence::Optional, Some((value, default_pointer))) = (presence, default) {
                self.pending_defaults.push((
                    name.clone(),
                    field_name.clone(),
                    value,
                    default_pointer.join("default"),
                ));
            }
            fields.push(Field {
                name: field_name,
                wire_name,
                ty,
                presence,
                docs,
                constraints,
                default: None,
            });
        }
        self.types.push(TypeDef {
            name: name.clone(),
            docs: docs_of(data),
            kind: TypeKind::Struct { fields, additional },
            pointer: pointer.to_string(),
        });
        TypeRef::Named(name)
    }

    fn lower_all_of(
        &mut self,
        parts: &'a [ReferenceOr<oa::Schema>],
        data: &oa::SchemaData,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        // Parts that only annotate (`{description: …}` beside a `$ref`) add nothing to the shape.
        let substantive: Vec<(usize, &'a ReferenceOr<oa::Schema>)> = parts
            .iter()
            .enumerate()
            .filter(|(_, part)| !only_annotates(part))
            .collect();
        if let [(index, only)] = substantive[..] {
            return self.lower_schema(only, hint, &pointer.join("allOf").join(index));
        }
        let mut merged = ObjectShape::default();
        let mut docs = docs_of(data);
        let depth = self.merging.len();
        for (index, part) in parts.iter().enumerate() {
            let part_pointer = pointer.join("allOf").join(index);
            let Some((schema, schema_pointer)) = self.resolve_schema(part, &part_pointer) else {
                self.merging.truncate(depth);
                return TypeRef::Json;
            };
            let key = schema_pointer.to_string();
            if self.merging.contains(&key) {
                self.merging.truncate(depth);
                return self.degrade(
                    &part_pointer,
                    "an `allOf` that includes itself through its own properties",
                );
            }
            self.merging.push(key);
            if docs.description.is_none() {
                docs.description = non_empty(&schema.schema_data.description);
            }
            match ObjectShape::of_schema(schema, &schema_pointer) {
                Some(shape) => merged.merge(shape),
                None => {
                    self.merging.truncate(depth);
                    return self.degrade(
                        &part_pointer,
                        "an `allOf` that mixes objects with a non-object schema",
                    );
                }
            }
        }
        let shape_data = oa::SchemaData {
            description: docs.description,
            ..data.clone()
        };
        let lowered = self.lower_object(merged, &shape_data, hint, pointer);
        self.merging.truncate(depth);
        lowered
    }

    /// A union of `alternatives`, listed under `keyword` (`oneOf` or `anyOf`) of the schema at
    /// `pointer`.
    fn lower_union(
        &mut self,
        alternatives: &'a [ReferenceOr<oa::Schema>],
        keyword: &str,
        data: &oa::SchemaData,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> TypeRef {
        let alternatives_pointer = pointer.join(keyword);
        let mut names = Namespace::new();
        let discriminator = data.discriminator.as_ref();
        if discriminator.is_some() {
            // The variant kept for tags this client does not know.
            names.claim("Unknown".to_owned());
        }
        let mut variants = Vec::with_capacity(alternatives.len());
        let mut nullable = false;
        for (index, alternative) in alternatives.iter().enumerate() {
            let ty = match self.lower_schema(
                alternative,
                &hint.suffixed(&format!("Variant{}", index + 1)),
                &alternatives_pointer.join(index),
            ) {
                // A nullable alternative makes the union itself nullable.
                TypeRef::Nullable(inner) => {
                    nullable = true;
                    *inner
                }
                ty => ty,
            };
            let name = names.claim(variant_name_for(&ty, index));
            variants.push(UnionVariant {
                name,
                ty,
                tags: Vec::new(),
            });
        }
        let discriminator = discriminator.and_then(|discriminator| {
            self.discriminator_tags(
                discriminator,
                alternatives,
                &mut variants,
                &alternatives_pointer,
            )
        });
        let union = self.define(
            hint,
            docs_of(data),
            TypeKind::Union {
                variants,
                discriminator,
            },
            pointer,
        );
        if nullable {
            TypeRef::Nullable(Box::new(union))
        } else {
            union
        }
    }

    /// Fills each variant's tags from `discriminator`: the `mapping` keys that point to its
    /// schema, or else the schema's component name. Returns the tag property, or `None` (an
    /// untagged union, with a warning) when some alternative is not a component it can name.
    fn discriminator_tags(
        &mut self,
        discriminator: &oa::Discriminator,
        alternatives: &[ReferenceOr<oa::Schema>],
        variants: &mut [UnionVariant],
        pointer: &Pointer,
    ) -> Option<String> {
        let mut used_tags = BTreeSet::new();
        for (index, (alternative, variant)) in
            alternatives.iter().zip(variants.iter_mut()).enumerate()
        {
            let ReferenceOr::Reference { reference } = alternative else {
                self.warn(
                    &pointer.join(index),
                    "a discriminator needs every alternative to be a `$ref` to a component \
                     schema; decoded by trying each alternative in turn instead",
                );
                return None;
            };
            let component = component_schema_name(reference)?;
            let mapped: Vec<String> = discriminator
                .mapping
                .iter()
                .filter(|(_, target)| {
                    target.as_str() == reference.as_str() || target.as_str() == component
                })
                .map(|(tag, _)| tag.clone())
                .collect();
            let tags = if mapped.is_empty() {
                vec![component.to_owned()]
            } else {
                mapped
            };
            // A tag selects one alternative: the first that claims it.
            variant.tags = tags
                .into_iter()
                .filter(|tag| used_tags.insert(tag.clone()))
                .collect();
        }
        Some(discriminator.property_name.clone())
    }

    /// Follows `$ref`s to a component schema; reports and gives up on any other reference.
    fn resolve_schema(
        &mut self,
        schema: &'a ReferenceOr<oa::Schema>,
        pointer: &Pointer,
    ) -> Option<(&'a oa::Schema, Pointer)> {
        match schema {
            ReferenceOr::Item(schema) => Some((schema, pointer.clone())),
            ReferenceOr::Reference { reference } => {
                self.resolve_schema_reference(reference, pointer)
            }
        }
    }

    /// [`Self::resolve_schema`] for a property's schema, which reports nothing: lowering the
    /// property's type reports a reference that leads nowhere, or degrades it.
    fn resolve_boxed(
        &self,
        schema: &'a ReferenceOr<Box<oa::Schema>>,
        pointer: &Pointer,
    ) -> Option<(&'a oa::Schema, Pointer)> {
        match schema {
            ReferenceOr::Item(schema) => Some((schema, pointer.clone())),
            ReferenceOr::Reference { reference } => {
                let components = &self.components;
                resolve_reference(reference, pointer, "schemas", "schema", |name| {
                    components.get(name).copied()
                })
                .ok()
            }
        }
    }

    fn resolve_schema_reference(
        &mut self,
        reference: &str,
        pointer: &Pointer,
    ) -> Option<(&'a oa::Schema, Pointer)> {
        let components = &self.components;
        let unresolved = match resolve_reference(reference, pointer, "schemas", "schema", |name| {
            components.get(name).copied()
        }) {
            Ok(resolved) => return Some(resolved),
            Err(unresolved) => unresolved,
        };
        // Schemas that are only references to each other are typed as any JSON value, with a
        // warning of their own; what refers to them is not broken.
        let severity = if unresolved.cyclic {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.report(severity, &unresolved.pointer, unresolved.reason);
        None
    }

    /// The rules `schema` states. A `pattern` the `regex` crate cannot run (a look-around, a
    /// back-reference) is kept for the docs but not checked, with a warning.
    fn constraints(&mut self, schema: &oa::Schema, pointer: &Pointer) -> Constraints {
        let mut constraints = constraints_of(schema);
        if let Some(pattern) = &constraints.pattern {
            let translated = ecma_pattern_to_rust(pattern);
            match regex::Regex::new(&translated) {
                Ok(_) => constraints.pattern_regex = Some(translated),
                Err(error) => {
                    let reason = error.to_string();
                    let reason = reason.lines().last().unwrap_or("unsupported syntax");
                    self.warn(
                        &pointer.join("pattern"),
                        format!("the pattern `{pattern}` is not checked before sending: {reason}"),
                    );
                }
            }
        }
        constraints
    }

    fn claim_name(&mut self, hint: &NameHint) -> String {
        if let Some(reserved) = &hint.reserved {
            return reserved.clone();
        }
        let short = naming::type_name(&hint.short);
        if !self.type_names.contains(&short) {
            return self.type_names.claim(short);
        }
        self.type_names.claim(naming::type_name(&hint.full))
    }

    fn define(
        &mut self,
        hint: &NameHint,
        docs: Docs,
        kind: TypeKind,
        pointer: &Pointer,
    ) -> TypeRef {
        let name = self.claim_name(hint);
        self.types.push(TypeDef {
            name: name.clone(),
            docs,
            kind,
            pointer: pointer.to_string(),
        });
        TypeRef::Named(name)
    }

    /// Settles the defaults of optional properties now that every enum is known, and states each
    /// in the field's docs. In a type a server sends and no request carries, a default the field's
    /// type can hold makes the field [`Presence::Defaulted`]: absence decodes as the default. A type
    /// a request carries keeps `Option`, so leaving a property out still means "not sent" (in an
    /// update, "leave as is") and the server applies its own default.
    fn apply_defaults(&mut self, sent: &BTreeSet<String>) {
        for (type_name, field_name, value, pointer) in std::mem::take(&mut self.pending_defaults) {
            let Some(field) = self.field_mut(&type_name, &field_name) else {
                continue;
            };
            field.docs.default.get_or_insert_with(|| value.to_string());
            let ty = field.ty.clone();
            if sent.contains(&type_name) {
                continue;
            }
            match self.literal(&ty, &value) {
                Some(literal) => {
                    if let Some(field) = self.field_mut(&type_name, &field_name) {
                        field.presence = Presence::Defaulted;
                        field.default = Some(literal);
                    }
                }
                None if self.is_scalar(&ty) => self.warn(
                    &pointer,
                    format!("the default {value} does not fit the property's type; not applied"),
                ),
                None => {}
            }
        }
    }

    fn field_mut(&mut self, type_name: &str, field_name: &str) -> Option<&mut Field> {
        self.types
            .iter_mut()
            .find(|def| def.name == type_name)
            .and_then(|def| match &mut def.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter_mut().find(|field| field.name == field_name)
                }
                _ => None,
            })
    }

    fn named_kind(&self, name: &str) -> Option<&TypeKind> {
        self.type_def(name).map(|def| &def.kind)
    }

    fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|def| def.name == name)
    }

    /// `ty` with aliases seen through.
    fn resolved<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        ty.resolved(|name| self.type_def(name))
    }

    /// Whether `ty` is a string, number, boolean or enum, whose defaults can be written in Rust.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        match self.resolved(ty) {
            TypeRef::String
            | TypeRef::Boolean
            | TypeRef::Int32
            | TypeRef::Int64
            | TypeRef::Float
            | TypeRef::Double => true,
            TypeRef::Named(name) => matches!(
                self.named_kind(name),
                Some(TypeKind::Enum { .. } | TypeKind::IntegerEnum { .. })
            ),
            _ => false,
        }
    }

    /// `value` as a Rust literal of type `ty`, if it is one.
    /// A number out of the type's range (`1e300` for a `float`, `2^40` for an `int32`) is none.
    fn literal(&self, ty: &TypeRef, value: &serde_json::Value) -> Option<Literal> {
        use serde_json::Value;
        match (self.resolved(ty), value) {
            (TypeRef::String, Value::String(text)) => Some(Literal::String(text.clone())),
            (TypeRef::Boolean, Value::Bool(flag)) => Some(Literal::Boolean(*flag)),
            (TypeRef::Int32, Value::Number(number)) => number
                .as_i64()
                .filter(|value| i32::try_from(*value).is_ok())
                .map(Literal::Integer),
            (TypeRef::Int64, Value::Number(number)) => number.as_i64().map(Literal::Integer),
            // Narrowed on purpose: a value beyond `f32` becomes infinite and is refused.
            #[allow(clippy::cast_possible_truncation)]
            (TypeRef::Float, Value::Number(number)) => number
                .as_f64()
                .map(|value| value as f32)
                .filter(|value| value.is_finite())
                .map(Literal::Float),
            (TypeRef::Double, Value::Number(number)) => number
                .as_f64()
                .filter(|value| value.is_finite())
                .map(Literal::Double),
            (TypeRef::Named(name), _) => match self.named_kind(name)? {
                TypeKind::Enum { variants } => variants
                    .iter()
                    .find(|variant| Some(variant.wire_value.as_str()) == value.as_str())
                    .map(|variant| Literal::Variant {
                        ty: name.clone(),
                        variant: variant.name.clone(),
                    }),
                TypeKind::IntegerEnum { variants } => variants
                    .iter()
                    .find(|variant| Some(variant.value) == value.as_i64())
                    .map(|variant| Literal::Variant {
                        ty: name.clone(),
                        variant: variant.name.clone(),
                    }),
                _ => None,
            },
            _ => None,
        }
    }

    // ----- operations ----------------------------------------------------------------------

    /// Every operation, and the optional header parameters a `Client` can set for all of them.
    fn lower_operations(&mut self) -> (Vec<Operation>, Vec<ClientHeader>) {
        let mut method_names = Namespace::new();
        for reserved in CLIENT_METHODS {
            method_names.claim((*reserved).to_owned());
        }
        let mut operation_type_names = Namespace::new();
        // A request builder named `New` would have a constructor `new` named like itself.
        operation_type_names.claim("New".to_owned());
        let mut operations = Vec::new();
        let document = self.document;
        for (path, item) in &document.paths.paths {
            let path_pointer = Pointer::root().join("paths").join(path);
            let ReferenceOr::Item(item) = item else {
                self.warn(
                    &path_pointer,
                    "path items given by `$ref` are not supported; skipped",
                );
                continue;
            };
            for (method, operation) in item.iter() {
                let pointer = path_pointer.join(method);
                let Some(method) = parse_method(method) else {
                    continue;
                };
                let operation_id = operation
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| synthesized_operation_id(method, path));
                let name = method_names.claim(naming::value_name(&operation_id));
                let type_name = operation_type_names.claim_family(
                    naming::type_name(&operation_id),
                    naming::OPERATION_TYPE_SUFFIXES,
                );
                operations.push(self.lower_operation(
                    OperationSite {
                        path,
                        path_pointer: &path_pointer,
                        method,
                        pointer: &pointer,
                        item,
                    },
                    operation,
                    name,
                    type_name,
                    operation_id,
                ));
            }
        }
        let mut client_headers: Vec<ClientHeader> = Vec::new();
        for parameter in operations
            .iter()
            .flat_map(|operation| &operation.parameters)
        {
            let shared = parameter.location == ParameterLocation::Header
                && !parameter.required
                && !client_headers.iter().any(|header| {
                    header
                        .parameter
                        .wire_name
                        .eq_ignore_ascii_case(&parameter.wire_name)
                });
            if shared {
                client_headers.push(ClientHeader {
                    method: method_names.claim(format!("with_{}", parameter.name)),
                    parameter: parameter.clone(),
                });
            }
        }
        (operations, client_headers)
    }

    fn lower_operation(
        &mut self,
        site: OperationSite<'_, 'a>,
        operation: &'a oa::Operation,
        name: String,
        type_name: String,
        operation_id: String,
    ) -> Operation {
        let pointer = site.pointer;
        let parameters = self.lower_parameters(&site, operation, &type_name);
        let body = operation.request_body.as_ref().and_then(|body| {
            self.lower_request_body(body, &type_name, &pointer.join("requestBody"))
        });
        let (success, errors) = self.lower_responses(&operation.responses, &type_name, pointer);
        let (security, scopes) = match (&operation.security, &self.document.security) {
            (Some(requirements), _) => self.lower_security(requirements, &pointer.join("security")),
            (None, Some(requirements)) => {
                self.lower_security(requirements, &Pointer::root().join("security"))
            }
            (None, None) => (Security::Anyone, Vec::new()),
        };
        let idempotent = self.idempotency(site.method, operation, body.as_ref(), pointer);
        Operation {
            name,
            type_name,
            operation_id,
            method: site.method,
            path: site.path.to_owned(),
            docs: Docs {
                summary: non_empty(&operation.summary),
                description: non_empty(&operation.description),
                deprecated: operation.deprecated,
                ..Docs::default()
            },
            tags: operation.tags.clone(),
            parameters,
            body,
            success,
            errors,
            security,
            scopes,
            idempotent,
            pagination: None,
            server: operation
                .servers
                .first()
                .or(site.item.servers.first())
                .map(|server| with_defaults(&lower_server(server))),
        }
    }

    fn lower_parameters(
        &mut self,
        site: &OperationSite<'_, 'a>,
        operation: &'a oa::Operation,
        operation_type: &str,
    ) -> Vec<Parameter> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut by_key: IndexMap<(String, &'static str), (&'a oa::Parameter, Pointer)> =
            IndexMap::new();
        let sources = [
            (&site.item.parameters, site.path_pointer.join("parameters")),
            (&operation.parameters, site.pointer.join("parameters")),
        ];
        for (list, list_pointer) in sources {
            for (index, parameter) in list.iter().enumerate() {
                let pointer = list_pointer.join(index);
                // Named where it is defined, which for a `$ref` is in the components.
                let Some((parameter, pointer)) = self.resolve_parameter(parameter, &pointer) else {
                    continue;
                };
                let data = parameter.parameter_data_ref();
                by_key.insert(
                    (data.name.clone(), location_key(parameter)),
                    (parameter, pointer),
                );
            }
        }
        let mut names = Namespace::new();
        for reserved in REQUEST_BUILDER_NAMES {
            names.claim((*reserved).to_owned());
        }
        let mut parameters = Vec::with_capacity(by_key.len());
        for (parameter, pointer) in by_key.into_values() {
            let data = parameter.parameter_data_ref();
            let location = match parameter {
                oa::Parameter::Path { .. } => ParameterLocation::Path,
                oa::Parameter::Query { .. } => ParameterLocation::Query,
                oa::Parameter::Header { .. } => ParameterLocation::Header,
                oa::Parameter::Cookie { .. } => ParameterLocation::Cookie,
            };
            let style = self.parameter_style(parameter, &pointer);
            let hint =
                NameHint::fresh(format!("{operation_type}{}", naming::type_name(&data.name)));
            let (ty, docs, constraints) = match &data.format {
                oa::ParameterSchemaOrContent::Schema(schema) => {
                    let schema_pointer = pointer.join("schema");
                    let ty = self.lower_schema(schema, &hint, &schema_pointer);
                    let (docs, constraints) = match self.resolve_schema(schema, &schema_pointer) {
                        Some((schema, resolved_pointer)) => {
                            let docs = docs_of(&schema.schema_data);
                            let constraints = self.constraints(schema, &resolved_pointer);
                            (docs, constraints)
                        }
                        None => (Docs::default(), Constraints::default()),
                    };
                    (ty, docs, constraints)
                }
                oa::ParameterSchemaOrContent::Content(_) => {
                    self.warn(
                        &pointer,
                        "parameters given by `content` are sent as strings",
                    );
                    (TypeRef::String, Docs::default(), Constraints::default())
                }
            };
            let ty = match ty {
                TypeRef::Nullable(inner) => *inner,
                ty => ty,
            };
            let is_object = self.is_object_like(&ty);
            parameters.push(Parameter {
                is_object,
                name: names.claim(naming::value_name(&data.name)),
                wire_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParameterLocation::Path,
                docs: Docs {
                    description: non_empty(&data.description).or(docs.description),
                    example: data
                        .example
                        .as_ref()
                        .map(ToString::to_string)
                        .or(docs.example),
                    deprecated: data.deprecated.unwrap_or(false),
                    ..docs
                },
                constraints,
                style,
            });
        }
        parameters
    }

    /// How the parameter's arrays and objects are spelled; a style the client cannot send is
    /// warned about and sent in its location's default style.
    fn parameter_style(&mut self, parameter: &oa::Parameter, pointer: &Pointer) -> ParameterStyle {
        let explode = parameter.parameter_data_ref().explode;
        let style = match parameter {
            oa::Parameter::Query { style, .. } => match style {
                oa::QueryStyle::Form if explode == Some(false) => Ok(ParameterStyle::CommaJoined),
                oa::QueryStyle::Form => Ok(ParameterStyle::FormExploded),
                oa::QueryStyle::SpaceDelimited => Ok(ParameterStyle::SpaceDelimited),
                oa::QueryStyle::PipeDelimited => Ok(ParameterStyle::PipeDelimited),
                oa::QueryStyle::DeepObject => Ok(ParameterStyle::DeepObject),
            },
            oa::Parameter::Path { style, .. } => match style {
                oa::PathStyle::Simple if explode == Some(true) => {
                    Ok(ParameterStyle::SimpleExploded)
                }
                oa::PathStyle::Simple => Ok(ParameterStyle::CommaJoined),
                oa::PathStyle::Label => Err(("label", ParameterStyle::CommaJoined)),
                oa::PathStyle::Matrix => Err(("matrix", ParameterStyle::CommaJoined)),
            },
            oa::Parameter::Header { .. } if explode == Some(true) => {
                Ok(ParameterStyle::SimpleExploded)
            }
            oa::Parameter::Header { .. } => Ok(ParameterStyle::CommaJoined),
            // Cookies carry one value each; arrays are comma-joined as `form` without `explode`.
            oa::Parameter::Cookie { .. } => Ok(ParameterStyle::CommaJoined),
        };
        style.unwrap_or_else(|(name, fallback)| {
            self.warn(
                pointer,
                format!("the `{name}` style is not sent by the generated client; the value is sent in the `simple` style"),
            );
            fallback
        })
    }

    fn resolve_parameter(
        &mut self,
        parameter: &'a ReferenceOr<oa::Parameter>,
        pointer: &Pointer,
    ) -> Option<(&'a oa::Parameter, Pointer)> {
        let components = self.document.components.as_ref();
        resolve_component(parameter, pointer, "parameters", "parameter", |name| {
            components.and_then(|c| c.parameters.get(name))
        })
        .map_err(|unresolved| self.error(&unresolved.pointer, unresolved.reason))
        .ok()
    }

    fn lower_request_body(
        &mut self,
        body: &'a ReferenceOr<oa::RequestBody>,
        operation_type: &str,
        pointer: &Pointer,
    ) -> Option<RequestBody> {
        let components = self.document.components.as_ref();
        let resolved = resolve_component(body, pointer, "requestBodies", "request body", |name| {
            components.and_then(|c| c.request_bodies.get(name))
        });
        let (body, body_pointer) = match resolved {
            Ok(resolved) => resolved,
            Err(unresolved) => {
                self.error(&unresolved.pointer, unresolved.reason);
                return None;
            }
        };
        let Some((content_type, media, encoding)) = preferred_media(&body.content, false) else {
            self.warn(
                &body_pointer,
                "the request body lists no media type; the operation is generated without a body",
            );
            return None;
        };
        let media_pointer = body_pointer.join("content").join(content_type);
        let hint = NameHint::fresh(format!("{operation_type}Request"));
        let schema_pointer = media_pointer.join("schema");
        let (ty, constraints) = match (&media.schema, encoding) {
            (_, BodyEncoding::Binary) => (TypeRef::Bytes, Constraints::default()),
            (Some(schema), _) => {
                let ty = self.lower_schema(schema, &hint, &schema_pointer);
                let constraints = match self.resolve_schema(schema, &schema_pointer) {
                    Some((resolved, resolved_pointer)) => {
                        self.constraints(resolved, &resolved_pointer)
                    }
                    None => Constraints::default(),
                };
                (ty, constraints)
            }
            (None, BodyEncoding::Text) => (TypeRef::String, Constraints::default()),
            (None, _) => (TypeRef::JsonObject, Constraints::default()),
        };
        let ty = match encoding {
            // The text is sent as it is, whatever the schema says it spells.
            BodyEncoding::Text => TypeRef::String,
            BodyEncoding::Multipart if !self.is_object_like(&ty) => {
                self.warn(
                    &media_pointer,
                    "a multipart body must be an object, one part per property; the operation is generated without a body",
                );
                return None;
            }
            _ => ty,
        };
        Some(RequestBody {
            ty,
            required: body.required,
            content_type: content_type.clone(),
            encoding,
            docs: Docs {
                description: non_empty(&body.description),
                ..Docs::default()
            },
            constraints,
        })
    }

    /// Whether a value of `ty` is an object whose properties can each become a part: a struct,
    /// a map or a free-form object.
    fn is_object_like(&self, ty: &TypeRef) -> bool {
        match self.resolved(ty) {
            TypeRef::Map(_) | TypeRef::JsonObject => true,
            TypeRef::Named(name) => {
                matches!(self.named_kind(name), Some(TypeKind::Struct { .. }))
            }
            _ => false,
        }
    }

    fn lower_responses(
        &mut self,
        responses: &'a oa::Responses,
        operation_type: &str,
        pointer: &Pointer,
    ) -> (SuccessResponse, Vec<ErrorResponse>) {
        let responses_pointer = pointer.join("responses");
        let mut keyed: Vec<(StatusCode, &'a ReferenceOr<oa::Response>, Pointer)> = responses
            .responses
            .iter()
            .map(|(code, response)| {
                let status = match code {
                    oa::StatusCode::Code(code) => StatusCode::Code(*code),
                    oa::StatusCode::Range(class) => {
                        StatusCode::Range(u8::try_from(*class).unwrap_or(u8::MAX))
                    }
                };
                (status, response, responses_pointer.join(code))
            })
            .collect();
        if let Some(default) = &responses.default {
            keyed.push((
                StatusCode::Default,
                default,
                responses_pointer.join("default"),
            ));
        }
        keyed.sort_by_key(|(status, _, _)| *status);

        let mut successes: Vec<SuccessVariant> = Vec::new();
        let mut success_names = Namespace::new();
        let mut errors = Vec::new();
        let mut variant_names = Namespace::new();
        for (status, response, response_pointer) in keyed {
            let components = self.document.components.as_ref();
            let resolved = resolve_component(
                response,
                &response_pointer,
                "responses",
                "response",
                |name| components.and_then(|c| c.responses.get(name)),
            );
            let (response, resolved_pointer) = match resolved {
                Ok(resolved) => resolved,
                Err(unresolved) => {
                    self.error(&unresolved.pointer, unresolved.reason);
                    continue;
                }
            };
            let docs = Docs {
                description: non_empty(&Some(response.description.clone())),
                ..Docs::default()
            };
            let variant = |names: &mut Namespace| {
                names.claim(match status {
                    StatusCode::Code(code) => naming::status_variant_name(code),
                    StatusCode::Range(2) => "Success".to_owned(),
                    StatusCode::Range(4) => "ClientError".to_owned(),
                    StatusCode::Range(5) => "ServerError".to_owned(),
                    StatusCode::Range(class) => format!("Status{class}xx"),
                    StatusCode::Default => "Default".to_owned(),
                })
            };
            if status.is_success() {
                let variant = variant(&mut success_names);
                // The first success keeps the name it had when it was the only body decoded.
                let hint = if successes.is_empty() {
                    NameHint::fresh(format!("{operation_type}Response"))
                } else {
                    NameHint::fresh(format!("{operation_type}{variant}Response"))
                };
                let (ty, encoding) = self.lower_response_body(response, &hint, &resolved_pointer);
                successes.push(SuccessVariant {
                    status,
                    variant,
                    ty,
                    encoding,
                    docs,
                });
            } else {
                let variant = variant(&mut variant_names);
                let hint = NameHint::fresh(format!("{operation_type}{variant}Response"));
                let (ty, encoding) = self.lower_response_body(response, &hint, &resolved_pointer);
                errors.push(ErrorResponse {
                    status,
                    variant,
                    ty,
                    encoding,
                    docs,
                });
            }
        }
        (success_response(successes), errors)
    }

    /// The body of a response and how to read it: JSON by its schema, text as a `String`, any
    /// other media type as bytes; `None` when it has no content.
    fn lower_response_body(
        &mut self,
        response: &'a oa::Response,
        hint: &NameHint,
        pointer: &Pointer,
    ) -> (Option<TypeRef>, BodyEncoding) {
        let Some((content_type, media, encoding)) = preferred_media(&response.content, true) else {
            return (None, BodyEncoding::Json);
        };
        let ty = match encoding {
            BodyEncoding::Text => TypeRef::String,
            BodyEncoding::Json => {
                let schema_pointer = pointer.join("content").join(content_type).join("schema");
                match &media.schema {
                    Some(schema) => self.lower_schema(schema, hint, &schema_pointer),
                    None => TypeRef::Json,
                }
            }
            _ => TypeRef::Bytes,
        };
        (Some(ty), encoding)
    }

    /// Whether the operation may be repeated: by its method, or as its `x-idempotent` or
    /// `x-idempotent-when-set` extension says.
    fn idempotency(
        &mut self,
        method: Method,
        operation: &oa::Operation,
        body: Option<&RequestBody>,
        pointer: &Pointer,
    ) -> Idempotency {
        if !matches!(method, Method::Post | Method::Patch)
            || operation.extensions.get("x-idempotent") == Some(&serde_json::Value::Bool(true))
        {
            return Idempotency::Always;
        }
        let Some(marker) = operation.extensions.get("x-idempotent-when-set") else {
            return Idempotency::Never;
        };
        let field = marker.as_str().and_then(|wire| {
            let TypeRef::Named(name) = &body?.ty else {
                return None;
            };
            let TypeKind::Struct { fields, .. } =
                &self.types.iter().find(|def| def.name == *name)?.kind
            else {
                return None;
            };
            fields
                .iter()
                .find(|field| field.wire_name == wire && field.presence != Presence::Required)
                .map(|field| field.name.clone())
        });
        match field {
            Some(field) => Idempotency::WhenBodyFieldSet(field),
            None => {
                self.warn(
                    &pointer.join("x-idempotent-when-set"),
                    "must name an optional property of the JSON request body; the operation is not retried",
                );
                Idempotency::Never
            }
        }
    }

    /// The schemes any one of which satisfies `requirements`, and the scopes each names.
    fn lower_security(
        &mut self,
        requirements: &[oa::SecurityRequirement],
        pointer: &Pointer,
    ) -> (Security, Vec<(String, Vec<String>)>) {
        let known = self
            .document
            .components
            .as_ref()
            .map(|components| &components.security_schemes);
        let mut accepted = BTreeSet::new();
        let mut scopes = Vec::new();
        let mut anyone = false;
        for (index, requirement) in requirements.iter().enumerate() {
            let mut schemes = requirement.iter();
            match (schemes.next(), schemes.next()) {
                (None, _) => anyone = true,
                (Some((scheme, scheme_scopes)), None) => {
                    if known.is_some_and(|known| known.contains_key(scheme)) {
                        accepted.insert(scheme.clone());
                        if !scheme_scopes.is_empty() {
                            scopes.push((scheme.clone(), scheme_scopes.clone()));
                        }
                    } else {
                        self.error(
                            &pointer.join(index).join(scheme),
                            format!("security scheme `{scheme}` is not defined in components.securitySchemes"),
                        );
                    }
                }
                (Some(_), Some(_)) => self.warn(
                    &pointer.join(index),
                    "a requirement of several schemes at once is not supported; it is left out",
                ),
            }
        }
        let security = if anyone || accepted.is_empty() {
            Security::Anyone
        } else {
            Security::OneOf(accepted.into_iter().collect())
        };
        (security, scopes)
    }

    fn lower_security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.document.components else {
            return Vec::new();
        };
        let mut names = Namespace::new();
        let mut schemes = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = Pointer::root()
                .join("components")
                .join("securitySchemes")
                .join(name);
            let ReferenceOr::Item(scheme) = scheme else {
                self.warn(
                    &pointer,
                    "security schemes given by `$ref` are not supported; skipped",
                );
                continue;
            };
            let key_prefix = |extensions: &IndexMap<String, serde_json::Value>| {
                extensions
                    .get("x-key-prefix")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            };
            let (description, kind) = match scheme {
                oa::SecurityScheme::HTTP {
                    scheme,
                    description,
                    extensions,
                    ..
                } => {
                    let kind = if scheme.eq_ignore_ascii_case("bearer") {
                        SchemeKind::Bearer {
                            key_prefix: key_prefix(extensions),
                        }
                    } else if scheme.eq_ignore_ascii_case("basic") {
                        SchemeKind::Basic
                    } else {
                        SchemeKind::Authorization {
                            scheme: scheme.clone(),
                        }
                    };
                    (description, kind)
                }
                oa::SecurityScheme::APIKey {
                    location,
                    name,
                    description,
                    extensions,
                } => (
                    description,
                    SchemeKind::ApiKey {
                        location: match location {
                            oa::APIKeyLocation::Query => ParameterLocation::Query,
                            oa::APIKeyLocation::Header => ParameterLocation::Header,
                            oa::APIKeyLocation::Cookie => ParameterLocation::Cookie,
                        },
                        name: name.clone(),
                        key_prefix: key_prefix(extensions),
                    },
                ),
                oa::SecurityScheme::OAuth2 {
                    flows, description, ..
                } => match &flows.client_credentials {
                    Some(flow) => (
                        description,
                        SchemeKind::OAuth2ClientCredentials {
                            token_url: flow.token_url.clone(),
                            scopes: flow.scopes.clone().into_iter().collect(),
                        },
                    ),
                    // Other flows need a user; the caller brings the token they yield.
                    None => (description, SchemeKind::Bearer { key_prefix: None }),
                },
                oa::SecurityScheme::OpenIDConnect { description, .. } => {
                    (description, SchemeKind::Bearer { key_prefix: None })
                }
            };
            if let Some((field, problem)) = unsendable(&kind) {
                self.error(
                    &pointer.join(field),
                    format!("{problem}: a client could never send this credential"),
                );
                continue;
            }
            schemes.push(SecurityScheme {
                name: name.clone(),
                type_name: names.claim(naming::type_name(name)),
                description: non_empty(description),
                kind,
            });
        }
        schemes
    }
}

/// Why a scheme's credential could not go on a request, with the field of the scheme that says
/// so: a header or cookie name that is not an HTTP token, an empty query parameter name, an
/// authorization scheme that is not a token, a key prefix no header value can start with.
fn unsendable(kind: &SchemeKind) -> Option<(&'static str, String)> {
    let prefix_problem = |prefix: &Option<String>| {
        prefix
            .as_deref()
            .filter(|prefix| {
                !prefix
                    .bytes()
                    .all(|byte| (byte >= 0x20 && byte != 0x7f) || byte == b'\t')
            })
            .map(|prefix| {
                (
                    "x-key-prefix",
                    format!("the key prefix {prefix:?} holds a character no HTTP header can carry"),
                )
            })
    };
    match kind {
        SchemeKind::ApiKey {
            location: ParameterLocation::Header | ParameterLocation::Cookie,
            name,
            ..
        } if !is_http_token(name) => Some((
            "name",
            format!("{name:?} is not a valid HTTP header or cookie name"),
        )),
        SchemeKind::ApiKey {
            location: ParameterLocation::Query,
            name,
            ..
        } if name.is_empty() => Some(("name", "the query parameter has no name".to_owned())),
        SchemeKind::ApiKey { key_prefix, .. } | SchemeKind::Bearer { key_prefix } => {
            prefix_problem(key_prefix)
        }
        SchemeKind::Authorization { scheme } if !is_http_token(scheme) => Some((
            "scheme",
            format!("{scheme:?} is not a valid HTTP authentication scheme name"),
        )),
        _ => None,
    }
}

/// Whether `text` is an RFC 9110 token, as header names, cookie names and authentication schemes
/// must be: one or more visible ASCII characters other than separators.
fn is_http_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// The sets of several schemes that operations accept, each named after its schemes.
fn credential_sets(operations: &[Operation], schemes: &[SecurityScheme]) -> Vec<CredentialSet> {
    let mut names = Namespace::new();
    for scheme in schemes {
        names.claim(scheme.type_name.clone());
    }
    let mut sets: Vec<CredentialSet> = Vec::new();
    for operation in operations {
        let Security::OneOf(accepted) = &operation.security else {
            continue;
        };
        if accepted.len() < 2 || sets.iter().any(|set| set.schemes == *accepted) {
            continue;
        }
        let words: Vec<&str> = accepted
            .iter()
            .filter_map(|name| schemes.iter().find(|scheme| scheme.name == *name))
            .map(|scheme| scheme.type_name.as_str())
            .collect();
        sets.push(CredentialSet {
            name: names.claim(words.join("Or")),
            schemes: accepted.clone(),
        });
    }
    sets
}

/// Where an operation sits in the document.
struct OperationSite<'p, 'a> {
    path: &'p str,
    path_pointer: &'p Pointer,
    method: Method,
    pointer: &'p Pointer,
    item: &'a oa::PathItem,
}

impl<'a> ObjectShape<'a> {
    fn new(
        properties: &'a IndexMap<String, ReferenceOr<Box<oa::Schema>>>,
        required: &[String],
        additional: Option<&'a oa::AdditionalProperties>,
        pointer: &Pointer,
    ) -> Self {
        Self {
            properties: properties
                .iter()
                .map(|(name, schema)| {
                    (
                        name.clone(),
                        (schema, pointer.join("properties").join(name)),
                    )
                })
                .collect(),
            required: required.iter().cloned().collect(),
            additional: additional
                .map(|additional| (additional, pointer.join("additionalProperties"))),
        }
    }

    fn of_object(object: &'a oa::ObjectType, pointer: &Pointer) -> Self {
        Self::new(
            &object.properties,
            &object.required,
            object.additional_properties.as_ref(),
            pointer,
        )
    }

    /// The object shape of a schema, if it describes one (`type: object` or properties with no type).
    fn of_schema(schema: &'a oa::Schema, pointer: &Pointer) -> Option<Self> {
        match &schema.schema_kind {
            oa::SchemaKind::Type(oa::Type::Object(object)) => {
                Some(Self::of_object(object, pointer))
            }
            oa::SchemaKind::Any(any)
                if any.typ.is_none() || any.typ.as_deref() == Some("object") =>
            {
                Some(Self::new(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    pointer,
                ))
            }
            _ => None,
        }
    }

    /// Adds `other`'s properties; a property named again takes the later schema, as `allOf` narrows.
    fn merge(&mut self, other: Self) {
        for (name, property) in other.properties {
            self.properties.insert(name, property);
        }
        self.required.extend(other.required);
        if other.additional.is_some() {
            self.additional = other.additional;
        }
    }
}

fn docs_of(data: &oa::SchemaData) -> Docs {
    Docs {
        summary: non_empty(&data.title),
        description: non_empty(&data.description),
        example: data.example.as_ref().map(ToString::to_string),
        default: data.default.as_ref().map(ToString::to_string),
        deprecated: data.deprecated,
        notes: Vec::new(),
    }
}

fn constraints_of(schema: &oa::Schema) -> Constraints {
    let to_u64 = |value: Option<usize>| value.and_then(|value| u64::try_from(value).ok());
    match &schema.schema_kind {
        oa::SchemaKind::Type(oa::Type::String(string)) => Constraints {
            min_length: to_u64(string.min_length),
            max_length: to_u64(string.max_length),
            pattern: string.pattern.clone(),
            ..Constraints::default()
        },
        oa::SchemaKind::Type(oa::Type::Integer(integer)) => Constraints {
            // i64 → f64 loses precision only beyond 2^53, far past any documented bound.
            minimum: integer.minimum.map(|value| Bound {
                value: value as f64,
                exclusive: integer.exclusive_minimum,
            }),
            maximum: integer.maximum.map(|value| Bound {
                value: value as f64,
                exclusive: integer.exclusive_maximum,
            }),
            ..Constraints::default()
        },
        oa::SchemaKind::Type(oa::Type::Number(number)) => Constraints {
            minimum: number.minimum.map(|value| Bound {
                value,
                exclusive: number.exclusive_minimum,
            }),
            maximum: number.maximum.map(|value| Bound {
                value,
                exclusive: number.exclusive_maximum,
            }),
            ..Constraints::default()
        },
        oa::SchemaKind::Type(oa::Type::Array(array)) => Constraints {
            min_items: to_u64(array.min_items),
            max_items: to_u64(array.max_items),
            ..Constraints::default()
        },
        _ => Constraints::default(),
    }
}

/// An ECMA-262 pattern (without the `u` flag) for the `regex` crate, which is Unicode-aware by
/// default: `\d` and `\w` mean ASCII digits and word characters there, as in ECMA-262.
fn ecma_pattern_to_rust(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('d') if in_class => out.push_str("0-9"),
                Some('d') => out.push_str("[0-9]"),
                Some('w') if in_class => out.push_str("A-Za-z0-9_"),
                Some('w') => out.push_str("[A-Za-z0-9_]"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The server's URL with every placeholder filled with its default.
fn with_defaults(server: &Server) -> String {
    server
        .variables
        .iter()
        .fold(server.url.clone(), |url, variable| {
            url.replace(&format!("{{{}}}", variable.name), &variable.default)
        })
}

fn lower_server(server: &oa::Server) -> Server {
    // `Client::new` takes the variables and then the credential.
    let mut arguments = Namespace::new();
    arguments.claim(naming::CREDENTIAL_ARGUMENT.to_owned());
    Server {
        url: server.url.clone(),
        description: non_empty(&server.description),
        variables: server
            .variables
            .iter()
            .flatten()
            .map(|(name, variable)| ServerVariable {
                name: name.clone(),
                argument: arguments.claim(naming::value_name(name)),
                default: variable.default.clone(),
                description: non_empty(&variable.description),
            })
            .collect(),
    }
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

fn component_schema_name(reference: &str) -> Option<&str> {
    reference
        .strip_prefix("#/components/schemas/")
        .filter(|name| !name.contains('/'))
}

/// How many `$ref`s a chain may follow before it is taken for a cycle.
const MAX_REFERENCE_CHAIN: usize = 32;

/// Follows `$ref`s from `item` (at `pointer`) through `components.<section>`, which holds `what`
/// (e.g. "response"). Returns the item with its own pointer (a component's, once a reference is
/// followed), so that what is found inside it is named where it is written; or the pointer of the
/// link that leads nowhere, and why.
fn resolve_component<'a, T>(
    item: &'a ReferenceOr<T>,
    pointer: &Pointer,
    section: &str,
    what: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Result<(&'a T, Pointer), Unresolved> {
    match item {
        ReferenceOr::Item(item) => Ok((item, pointer.clone())),
        ReferenceOr::Reference { reference } => {
            resolve_reference(reference, pointer, section, what, lookup)
        }
    }
}

/// The one resolver of `$ref` chains, for every kind of component: follows `reference` (written
/// at `pointer`) through `components.<section>` for at most [`MAX_REFERENCE_CHAIN`] links, so a
/// cycle is an error at the reference rather than a loop.
fn resolve_reference<'a, T>(
    reference: &str,
    pointer: &Pointer,
    section: &str,
    what: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Result<(&'a T, Pointer), Unresolved> {
    let mut reference = reference;
    let mut at = pointer.clone();
    for _ in 0..MAX_REFERENCE_CHAIN {
        let target =
            Pointer::parse_local(reference).and_then(|segments| match segments.as_slice() {
                [components, kind, name] if components == "components" && kind == section => {
                    lookup(name).map(|target| (name.clone(), target))
                }
                _ => None,
            });
        let Some((name, target)) = target else {
            return Err(Unresolved {
                pointer: at,
                reason: format!("`$ref: {reference}` points to no {what} in this document"),
                cyclic: false,
            });
        };
        at = Pointer::root().join("components").join(section).join(&name);
        match target {
            ReferenceOr::Item(item) => return Ok((item, at)),
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    Err(Unresolved {
        pointer: pointer.clone(),
        reason: format!(
            "`$ref` chain of {what}s is cyclic or longer than {MAX_REFERENCE_CHAIN} links"
        ),
        cyclic: true,
    })
}

/// Why a `$ref` chain could not be followed.
struct Unresolved {
    /// The reference that leads nowhere, or the start of a chain that does not end.
    pointer: Pointer,
    reason: String,
    /// Whether the chain goes round (or on past the bound) rather than breaking off.
    cyclic: bool,
}

/// Whether an `allOf` part only annotates, as `{description: …}` does: no type, no keyword that
/// shapes or constrains a value.
fn only_annotates(part: &ReferenceOr<oa::Schema>) -> bool {
    match part {
        ReferenceOr::Reference { .. } => false,
        ReferenceOr::Item(schema) => {
            matches!(&schema.schema_kind, oa::SchemaKind::Any(any) if *any == oa::AnySchema::default())
                && !schema.schema_data.nullable
                && schema.schema_data.discriminator.is_none()
        }
    }
}

/// What a call returns on success: the one body every success status shares, or one variant
/// per status when their bodies differ.
fn success_response(mut successes: Vec<SuccessVariant>) -> SuccessResponse {
    let shared = successes.windows(2).all(|pair| {
        (&pair[0].ty, pair[0].encoding) == (&pair[1].ty, pair[1].encoding)
            || (pair[0].ty.is_none() && pair[1].ty.is_none())
    });
    if shared || successes.len() < 2 {
        let first = successes.drain(..).next();
        return match first {
            Some(first) => SuccessResponse {
                status: Some(first.status),
                ty: first.ty,
                encoding: first.encoding,
                docs: first.docs,
                variants: Vec::new(),
            },
            None => SuccessResponse {
                status: None,
                ty: None,
                encoding: BodyEncoding::Json,
                docs: Docs::default(),
                variants: Vec::new(),
            },
        };
    }
    SuccessResponse {
        status: successes.first().map(|first| first.status),
        ty: None,
        encoding: BodyEncoding::Json,
        docs: Docs::default(),
        variants: successes,
    }
}

/// How a media type is written or read.
fn encoding_of(media_type: &str) -> BodyEncoding {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::FormUrlEncoded
    } else if essence == "multipart/form-data" {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Binary
    }
}

/// The media type a body is sent (or, with `response`, read) as, by preference: JSON, form,
/// multipart, text, then anything else as raw bytes; the first listed among equals. A response
/// reads a form as text and multipart as bytes.
fn preferred_media(
    content: &IndexMap<String, oa::MediaType>,
    response: bool,
) -> Option<(&String, &oa::MediaType, BodyEncoding)> {
    let rank = |encoding: BodyEncoding| match encoding {
        BodyEncoding::Json => 0,
        BodyEncoding::FormUrlEncoded => 1,
        BodyEncoding::Multipart => 2,
        BodyEncoding::Text => 3,
        BodyEncoding::Binary => 4,
    };
    content
        .iter()
        .map(|(media_type, media)| {
            let encoding = match (encoding_of(media_type), response) {
                (BodyEncoding::FormUrlEncoded, true) => BodyEncoding::Text,
                (BodyEncoding::Multipart, true) => BodyEncoding::Binary,
                (encoding, _) => encoding,
            };
            (media_type, media, encoding)
        })
        .min_by_key(|(_, _, encoding)| rank(*encoding))
}

fn location_key(parameter: &oa::Parameter) -> &'static str {
    match parameter {
        oa::Parameter::Path { .. } => "path",
        oa::Parameter::Query { .. } => "query",
        oa::Parameter::Header { .. } => "header",
        oa::Parameter::Cookie { .. } => "cookie",
    }
}

fn parse_method(method: &str) -> Option<Method> {
    Some(match method {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        "trace" => Method::Trace,
        _ => return None,
    })
}

/// A stable operation name for one without `operationId`: `GET /users/{id}` → `get_users_by_id`.
fn synthesized_operation_id(method: Method, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(parameter) => words.push(format!("by_{parameter}")),
            None => words.push(segment.to_owned()),
        }
    }
    words.join("_")
}

fn variant_name_for(ty: &TypeRef, index: usize) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::Int32 | TypeRef::Int64 => "Integer".to_owned(),
        TypeRef::Float | TypeRef::Double => "Number".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::Binary => "Binary".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::List(_) => "List".to_owned(),
        TypeRef::Map(_) | TypeRef::JsonObject => "Object".to_owned(),
        TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => variant_name_for(inner, index),
        TypeRef::Json => format!("Variant{}", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use crate::load::{LoadError, load};

    fn errors(text: &str) -> Vec<crate::model::Diagnostic> {
        match load(text) {
            Err(LoadError::Invalid(errors)) => errors,
            other => panic!("expected diagnostics, got {other:?}"),
        }
    }

    #[test]
    fn a_problem_inside_a_shared_response_is_named_where_the_response_is_defined() {
        let errors = errors(
            r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '500': {$ref: '#/components/responses/Failure'}
components:
  responses:
    Failure:
      description: failed
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Nope'}
"##,
        );
        assert_eq!(
            errors[0].pointer,
            "#/components/responses/Failure/content/application~1json/schema"
        );
    }

    #[test]
    fn a_reference_chain_that_breaks_is_named_at_the_broken_link() {
        let errors = errors(
            r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      parameters: [{$ref: '#/components/parameters/Id'}]
      requestBody: {$ref: '#/components/requestBodies/Thing'}
      responses:
        '200': {description: ok}
components:
  parameters:
    Id: {$ref: '#/components/parameters/Gone'}
  requestBodies:
    Thing:
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Nope'}
"##,
        );
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/components/parameters/Id",
                "#/components/requestBodies/Thing/content/application~1json/schema",
            ]
        );
    }

    #[test]
    fn a_cycle_of_shared_responses_is_an_error_where_the_operation_uses_it() {
        let errors = errors(
            r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200': {$ref: '#/components/responses/Ping'}
components:
  responses:
    Ping: {$ref: '#/components/responses/Pong'}
    Pong: {$ref: '#/components/responses/Ping'}
"##,
        );
        assert_eq!(errors[0].pointer, "#/paths/~1a/get/responses/200");
        assert!(
            errors[0].message.contains("cyclic"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn schemas_that_are_only_references_to_each_other_become_json_with_a_warning() {
        let loaded = load(
            r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      parameters:
        - {name: filter, in: query, schema: {$ref: '#/components/schemas/A'}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/B'}
      responses:
        '200': {description: ok}
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
"##,
        )
        .expect("a cycle of aliases is a warning, not a failure");
        let pointers: Vec<&str> = loaded.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1a/get/parameters/0/schema",
                "#/paths/~1a/get/requestBody/content/application~1json/schema",
                "#/components/schemas/A",
                "#/components/schemas/B"
            ]
        );
    }

    #[test]
    fn a_default_beyond_the_range_of_its_type_is_not_applied() {
        let loaded = load(
            r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Reading'}
components:
  schemas:
    Reading:
      type: object
      properties:
        ratio: {type: number, format: float, default: 1e300}
        count: {type: integer, format: int32, default: 4294967296}
        total: {type: integer, format: int64, default: 1e20}
"##,
        )
        .expect("loads");
        let warned: Vec<&str> = loaded.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            warned,
            [
                "#/components/schemas/Reading/properties/ratio/default",
                "#/components/schemas/Reading/properties/count/default",
                "#/components/schemas/Reading/properties/total/default",
            ]
        );
    }
}
