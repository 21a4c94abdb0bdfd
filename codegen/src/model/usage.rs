//! Facts about how types are used, derived from the model: which are sent in requests, and which
//! carry rules a value must follow before it is sent.

use super::features::Features;
use super::{Api, Constraints, Field, Operation, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// What kind of value a type holds, once aliases are seen through; decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A string: `minLength`, `maxLength`, `pattern`.
    Text,
    /// An integer or number: `minimum`, `maximum`.
    Number,
    /// An array: `minItems`, `maxItems`.
    List,
    /// Anything else: no rule applies to the value as a whole.
    Other,
}

/// The named types of an API, by name, with the usage facts the emitters need.
#[derive(Debug)]
pub struct Usage<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
    /// Types a request can carry: parameters, request bodies and every type they reach.
    pub sent: BTreeSet<String>,
    /// Sent types whose values, or something they hold, have a rule to check before sending.
    pub checked: BTreeSet<String>,
    /// The cargo features that enable each operation and type.
    pub features: Features,
}

impl<'a> Usage<'a> {
    /// Works out the facts for `api`.
    pub fn of(api: &'a Api) -> Self {
        let types = api
            .types
            .iter()
            .map(|def| (def.name.as_str(), def))
            .collect();
        let mut usage = Self {
            types,
            sent: BTreeSet::new(),
            checked: BTreeSet::new(),
            features: Features::of(api),
        };
        usage.sent = sent_types(&api.types, &api.operations);
        // A type is checked if a field has an applicable rule, or holds a checked type.
        loop {
            let newly: Vec<String> = api
                .types
                .iter()
                .filter(|def| !usage.checked.contains(&def.name))
                .filter(|def| match &def.kind {
                    TypeKind::Struct { fields, additional } => {
                        fields.iter().any(|field| usage.field_is_checked(field))
                            || additional
                                .as_ref()
                                .is_some_and(|ty| usage.holds_checked(ty))
                    }
                    TypeKind::Union { variants, .. } => variants
                        .iter()
                        .any(|variant| usage.holds_checked(&variant.ty)),
                    TypeKind::Alias(_) | TypeKind::Enum { .. } | TypeKind::IntegerEnum { .. } => {
                        false
                    }
                })
                .map(|def| def.name.clone())
                .collect();
            if newly.is_empty() {
                break;
            }
            usage.checked.extend(newly);
        }
        // Only values sent are checked; what a server sends is taken as it comes.
        let sent = &usage.sent;
        usage.checked.retain(|name| sent.contains(name));
        usage
    }

    /// The type definition named `name`.
    pub fn def(&self, name: &str) -> Option<&'a TypeDef> {
        self.types.get(name).copied()
    }

    /// `ty` with aliases (and the boxes recursion adds) seen through.
    pub fn resolve<'t>(&self, ty: &'t TypeRef) -> &'t TypeRef
    where
        'a: 't,
    {
        ty.resolved(|name| self.def(name))
    }

    /// What kind of value `ty` holds.
    pub fn kind(&self, ty: &TypeRef) -> ValueKind {
        match self.resolve(ty) {
            TypeRef::String => ValueKind::Text,
            TypeRef::Int32 | TypeRef::Int64 | TypeRef::Float | TypeRef::Double => ValueKind::Number,
            TypeRef::List(_) => ValueKind::List,
            _ => ValueKind::Other,
        }
    }

    /// Whether `constraints` has a rule that applies to a value of `ty`.
    pub fn has_rules(&self, constraints: &Constraints, ty: &TypeRef) -> bool {
        match self.kind(ty) {
            ValueKind::Text => {
                constraints.min_length.is_some()
                    || constraints.max_length.is_some()
                    || constraints.pattern_regex.is_some()
            }
            ValueKind::Number => constraints.minimum.is_some() || constraints.maximum.is_some(),
            ValueKind::List => constraints.min_items.is_some() || constraints.max_items.is_some(),
            ValueKind::Other => false,
        }
    }

    /// Whether a value of `ty` holds a value of a checked type.
    pub fn holds_checked(&self, ty: &TypeRef) -> bool {
        match self.resolve(ty) {
            TypeRef::Named(name) => self.checked.contains(name),
            other => other.inner().is_some_and(|inner| self.holds_checked(inner)),
        }
    }

    /// Whether a field has anything to check.
    pub fn field_is_checked(&self, field: &Field) -> bool {
        self.has_rules(&field.constraints, &field.ty) || self.holds_checked(&field.ty)
    }
}

/// Types a request can carry: parameters, request bodies and every type they reach.
pub fn sent_types(types: &[TypeDef], operations: &[Operation]) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &TypeDef> =
        types.iter().map(|def| (def.name.as_str(), def)).collect();
    let mut sent = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for operation in operations {
        let parameters = operation.parameters.iter().map(|parameter| &parameter.ty);
        let body = operation.body.as_ref().map(|body| &body.ty);
        pending.extend(
            parameters
                .chain(body)
                .filter_map(TypeRef::name)
                .map(str::to_owned),
        );
    }
    while let Some(name) = pending.pop() {
        if !sent.insert(name.clone()) {
            continue;
        }
        if let Some(def) = by_name.get(name.as_str()) {
            pending.extend(
                referenced(def)
                    .into_iter()
                    .filter_map(|ty| ty.name())
                    .map(str::to_owned),
            );
        }
    }
    sent
}

/// Every type reference a definition makes.
pub fn referenced(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct { fields, additional } => fields
            .iter()
            .map(|field| &field.ty)
            .chain(additional.as_ref())
            .collect(),
        TypeKind::Union { variants, .. } => variants.iter().map(|variant| &variant.ty).collect(),
        TypeKind::Alias(target) => vec![target],
        TypeKind::Enum { .. } | TypeKind::IntegerEnum { .. } => Vec::new(),
    }
}

impl Api {
    /// Every type reference the API makes: fields, extra properties, alternatives, aliases,
    /// parameters, bodies and responses.
    pub fn type_refs(&self) -> impl Iterator<Item = &TypeRef> {
        let in_types = self.types.iter().flat_map(referenced);
        let in_operations = self.operations.iter().flat_map(Operation::type_refs);
        in_types.chain(in_operations)
    }
}

impl Operation {
    /// Every type reference the operation makes: parameters, body and responses.
    pub fn type_refs(&self) -> impl Iterator<Item = &TypeRef> {
        self.parameters
            .iter()
            .map(|parameter| &parameter.ty)
            .chain(self.body.as_ref().map(|body| &body.ty))
            .chain(self.success.ty.as_ref())
            .chain(
                self.success
                    .variants
                    .iter()
                    .filter_map(|variant| variant.ty.as_ref()),
            )
            .chain(self.errors.iter().filter_map(|error| error.ty.as_ref()))
    }
}
