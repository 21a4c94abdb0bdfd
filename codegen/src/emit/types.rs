//! `types.rs` of a generated crate: one Rust item per [`TypeDef`], builders for the structs a
//! request can carry, and the checks of the API's rules.

use super::docs;
use super::rules;
use super::{gated, ident, partial_docs_allowance, type_tokens};
use crate::model::usage::Usage;
use crate::model::{
    Api, EnumVariant, Field, IntegerVariant, Literal, Presence, TypeDef, TypeKind, TypeRef,
    UnionVariant,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The module documentation of `types.rs`.
pub(crate) fn header(usage: &Usage<'_>) -> TokenStream {
    let allowance = partial_docs_allowance(usage);
    quote! {
        //! Every schema of the API as a Rust type.
        #allowance
    }
}

/// The items of `types`.
pub(crate) fn module_items(usage: &Usage<'_>, types: &[TypeDef]) -> TokenStream {
    let items = types
        .iter()
        .map(|def| gated(usage.features.of_type(&def.name), type_def(def, usage)));
    quote!(#(#items)*)
}

/// The `builders` module, for the structs a request can carry; nothing when there are none.
pub(crate) fn builders(api: &Api, usage: &Usage<'_>) -> TokenStream {
    let builders: Vec<TokenStream> = api
        .types
        .iter()
        .filter(|def| usage.sent.contains(&def.name))
        .filter_map(|def| match &def.kind {
            TypeKind::Struct { fields, additional } => Some(gated(
                usage.features.of_type(&def.name),
                builder(def, fields, additional.as_ref(), usage),
            )),
            _ => None,
        })
        .collect();
    if builders.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// Builders for the types a request carries: each checks required properties and the
        /// API's rules when it builds.
        pub mod builders {
            #(#builders)*
        }
    }
}

fn type_def(def: &TypeDef, usage: &Usage<'_>) -> TokenStream {
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            structure(def, fields, additional.as_ref(), usage)
        }
        TypeKind::Enum { variants } => string_enum(def, variants),
        TypeKind::IntegerEnum { variants } => integer_enum(def, variants),
        TypeKind::Union {
            variants,
            discriminator,
        } => {
            let union = match discriminator {
                Some(property) => tagged_union(def, variants, property, usage),
                None => untagged_union(def, variants, usage),
            };
            let name = ident(&def.name);
            // A union may be a parameter (`oneOf: [string, integer]`): sent as its JSON text,
            // strings without quotes.
            quote! {
                #union

                impl client_runtime::ParamValue for #name {
                    fn to_param(&self) -> String {
                        serde_json::to_value(self)
                            .map(|value| client_runtime::ParamValue::to_param(&value))
                            .unwrap_or_default()
                    }
                }
            }
        }
        TypeKind::Alias(target) => {
            let docs = item_docs(def);
            let name = ident(&def.name);
            let target = tokens(target);
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

/// Where a type reference is written: inside `types` or from another module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// In `types` itself.
    Types,
    /// In `types::builders`, whose own `…Builder` names could shadow a schema's.
    Builders,
    /// Anywhere else in the crate.
    Elsewhere,
}

fn item_docs(def: &TypeDef) -> TokenStream {
    let mut lines = docs::lines(&def.docs, &[]);
    if lines.is_empty() {
        lines.push(format!("The `{}` schema.", def.name));
    }
    docs::attributes(&lines)
}

fn tokens(ty: &TypeRef) -> TokenStream {
    type_tokens(ty, Scope::Types)
}

/// The field type a struct declares for `field`.
fn field_type(field: &Field) -> TokenStream {
    let inner = tokens(&field.ty);
    match field.presence {
        Presence::Required | Presence::Defaulted => inner,
        Presence::Nullable | Presence::Optional => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(Option<Option<#inner>>),
    }
}

/// The type of the map keeping properties beyond the listed ones.
fn additional_type(value: &TypeRef, scope: Scope) -> TokenStream {
    match value {
        TypeRef::Json => quote!(serde_json::Map<String, serde_json::Value>),
        value => {
            let value = type_tokens(value, scope);
            quote!(std::collections::BTreeMap<String, #value>)
        }
    }
}

/// The associated function returning a field's default: unique per type, as field names are.
fn default_function_name(field: &Field) -> proc_macro2::Ident {
    format_ident!("default_{}", field.name.trim_end_matches('_'))
}

fn structure(
    def: &TypeDef,
    fields: &[Field],
    additional: Option<&TypeRef>,
    usage: &Usage<'_>,
) -> TokenStream {
    let docs = item_docs(def);
    let name = ident(&def.name);
    let all_optional = fields.iter().all(|field| {
        matches!(
            field.presence,
            Presence::Optional | Presence::OptionalNullable | Presence::Defaulted
        )
    });
    let has_defaults = fields
        .iter()
        .any(|field| field.presence == Presence::Defaulted);
    let derive_default = (all_optional && !has_defaults).then(|| quote!(#[derive(Default)]));
    let declared = fields.iter().map(|field| struct_field(field, usage));
    let additional_field = additional.map(|value| {
        let ty = additional_type(value, Scope::Types);
        quote! {
            #[additional]
            pub additional_properties: #ty,
        }
    });
    let default_impl = (all_optional && has_defaults).then(|| {
        let values = fields.iter().map(|field| {
            let field_name = ident(&field.name);
            if field.presence == Presence::Defaulted {
                let function = default_function_name(field);
                quote!(#field_name: Self::#function(),)
            } else {
                quote!(#field_name: None,)
            }
        });
        let additional = additional.map(|_| quote!(additional_properties: Default::default(),));
        quote! {
            impl Default for #name {
                /// Every optional property unset, and those with a default at their default.
                fn default() -> Self {
                    Self {
                        #(#values)*
                        #additional
                    }
                }
            }
        }
    });
    let builder_fn = usage.sent.contains(&def.name).then(|| {
        let builder = format_ident!("{}Builder", def.name);
        let doc = format!(
            " Starts a [`{builder}`](builders::{builder}), which checks required properties and the \
             API's rules when it builds."
        );
        // Qualified: a property named `default` gives the builder a setter of that name.
        quote! {
            #[doc = #doc]
            pub fn builder() -> builders::#builder {
                <builders::#builder as Default>::default()
            }
        }
    });
    let default_functions = default_functions(fields);
    let associated = (builder_fn.is_some() || !default_functions.is_empty()).then(|| {
        quote! {
            impl #name {
                #builder_fn
                #(#default_functions)*
            }
        }
    });
    let validate = usage
        .checked
        .contains(&def.name)
        .then(|| struct_validate(def, fields, additional, usage));
    // `object!` writes the derives, `Serialize` and a one-pass `Deserialize` from one line per
    // field, each wire name once.
    quote! {
        client_runtime::object! {
            #docs
            #derive_default
            pub struct #name {
                #(#declared)*
                #additional_field
            }
        }
        #default_impl
        #associated
        #validate
    }
}

fn field_docs(field: &Field) -> Vec<String> {
    let mut extra = Vec::new();
    if let Some(note) = docs::constraint_note(&field.constraints) {
        extra.push(note);
    }
    let wire = docs::inline_code(&field.wire_name);
    extra.push(match field.presence {
        Presence::Required => format!("JSON: `{wire}`, required."),
        Presence::Optional => format!("JSON: `{wire}`, optional."),
        Presence::Nullable => format!("JSON: `{wire}`, required, may be `null`."),
        Presence::OptionalNullable => format!(
            "JSON: `{wire}`, optional, may be `null`: `None` leaves it out, `Some(None)` sends `null`."
        ),
        Presence::Defaulted => {
            format!("JSON: `{wire}`, optional; when absent it takes the default below.")
        }
    });
    docs::lines(&field.docs, &extra)
}

/// A field of a struct, marked with its wire name and presence for the impls
/// `client_runtime::object!` writes.
fn struct_field(field: &Field, usage: &Usage<'_>) -> TokenStream {
    let docs = docs::attributes(&field_docs(field));
    let name = ident(&field.name);
    let wire = &field.wire_name;
    let presence = match field.presence {
        Presence::Required => quote!(required),
        Presence::Nullable => quote!(nullable),
        // `null` is one of the values an untyped property takes, not its absence.
        Presence::Optional if *usage.resolve(&field.ty) == TypeRef::Json => {
            quote!(optional_nullable)
        }
        Presence::Optional => quote!(optional),
        Presence::OptionalNullable => quote!(optional_nullable),
        Presence::Defaulted => {
            let function = default_function_name(field);
            quote!(default = Self::#function)
        }
    };
    let ty = field_type(field);
    quote! {
        #docs
        #[json(#wire, #presence)]
        pub #name: #ty,
    }
}

/// `fn` items returning each default of `def`'s fields.
fn default_functions(fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .filter_map(|field| {
            let literal = field.default.as_ref()?;
            let function = default_function_name(field);
            let ty = tokens(&field.ty);
            let value = match literal {
                Literal::Boolean(flag) => quote!(#flag),
                Literal::Integer(value) => {
                    let value = proc_macro2::Literal::i64_unsuffixed(*value);
                    quote!(#value)
                }
                // The shortest text that reads back as the same `f32`: no excessive digits.
                Literal::Float(value) => {
                    let value = proc_macro2::Literal::f32_unsuffixed(*value);
                    quote!(#value)
                }
                Literal::Double(value) => {
                    let value = proc_macro2::Literal::f64_unsuffixed(*value);
                    quote!(#value)
                }
                Literal::String(text) => quote!(#text.to_owned()),
                Literal::Variant { ty, variant } => {
                    let ty = ident(ty);
                    let variant = ident(variant);
                    quote!(#ty::#variant)
                }
            };
            let doc = format!(
                " The API's default for `{}`.",
                docs::inline_code(&field.wire_name)
            );
            Some(quote! {
                #[doc = #doc]
                fn #function() -> #ty {
                    #value
                }
            })
        })
        .collect()
}

/// `impl Validate`, checking each field's rules.
fn struct_validate(
    def: &TypeDef,
    fields: &[Field],
    additional: Option<&TypeRef>,
    usage: &Usage<'_>,
) -> TokenStream {
    let name = ident(&def.name);
    let additional = additional
        .filter(|ty| usage.holds_checked(ty))
        .map(|_| quote!(client_runtime::Validate::validate(&self.additional_properties)?;));
    let checks = fields
        .iter()
        .filter(|field| usage.field_is_checked(field))
        .map(|field| {
            let access = ident(&field.name);
            let value = quote!(value);
            let mut checks = rules::checks(
                usage,
                &field.wire_name,
                &value,
                &field.ty,
                &field.constraints,
            );
            if usage.holds_checked(&field.ty) {
                let wire = &field.wire_name;
                checks.push(quote!(client_runtime::validate::nested(#wire, #value)?;));
            }
            match field.presence {
                // A block of its own keeps `value` and any `PATTERN` static to this field.
                Presence::Required | Presence::Defaulted => quote! {
                    {
                        let value = &self.#access;
                        #(#checks)*
                    }
                },
                Presence::Optional | Presence::Nullable => quote! {
                    if let Some(value) = &self.#access {
                        #(#checks)*
                    }
                },
                Presence::OptionalNullable => quote! {
                    if let Some(Some(value)) = &self.#access {
                        #(#checks)*
                    }
                },
            }
        });
    quote! {
        impl client_runtime::Validate for #name {
            fn validate(&self) -> Result<(), client_runtime::ValidationError> {
                #(#checks)*
                #additional
                Ok(())
            }
        }
    }
}

/// The builder of a struct a request can carry.
fn builder(
    def: &TypeDef,
    fields: &[Field],
    additional: Option<&TypeRef>,
    usage: &Usage<'_>,
) -> TokenStream {
    let target = type_tokens(&TypeRef::Named(def.name.clone()), Scope::Builders);
    let name = format_ident!("{}Builder", def.name);
    let doc = format!(
        " Builds a [`{0}`](super::{0}): set properties with the methods named after them, then \
         [`build`](Self::build).",
        def.name
    );
    let parent = |ty: &TypeRef| type_tokens(ty, Scope::Builders);
    let slots = fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let inner = parent(&field.ty);
        match field.presence {
            Presence::Nullable | Presence::OptionalNullable => {
                quote!(#field_name: Option<Option<#inner>>,)
            }
            _ => quote!(#field_name: Option<#inner>,),
        }
    });
    let setters = fields.iter().map(|field| {
        // Field names never take the builder's own method names (see `load`).
        let slot = ident(&field.name);
        // The field's own docs say what it is; the setter links to them.
        let null = match field.presence {
            Presence::Nullable | Presence::OptionalNullable => " `None` sends `null`.",
            _ => "",
        };
        let doc = format!(
            " Sets [`{field}`](super::{ty}::{field}).{null}",
            field = field.name,
            ty = def.name
        );
        let docs = quote!(#[doc = #doc]);
        let (argument, value) = match (&field.ty, field.presence) {
            (_, Presence::Nullable | Presence::OptionalNullable) => {
                let inner = parent(&field.ty);
                (quote!(Option<#inner>), quote!(value))
            }
            (TypeRef::String, _) => (quote!(impl Into<String>), quote!(value.into())),
            (TypeRef::Boxed(inner), _) => {
                let inner = parent(inner);
                (quote!(#inner), quote!(Box::new(value)))
            }
            (ty, _) => (parent(ty), quote!(value)),
        };
        quote! {
            #docs
            pub fn #slot(mut self, value: #argument) -> Self {
                self.#slot = Some(#value);
                self
            }
        }
    });
    let values = fields.iter().map(|field| {
        let slot = ident(&field.name);
        let wire = &field.wire_name;
        match field.presence {
            Presence::Required | Presence::Nullable => quote! {
                #slot: self.#slot.ok_or_else(|| client_runtime::ValidationError::missing(#wire))?,
            },
            Presence::Optional | Presence::OptionalNullable => quote!(#slot: self.#slot,),
            Presence::Defaulted => {
                let function = default_function_name(field);
                quote!(#slot: self.#slot.unwrap_or_else(#target::#function),)
            }
        }
    });
    let additional_slot = additional.map(|value| {
        let ty = additional_type(value, Scope::Builders);
        quote!(additional_properties: #ty,)
    });
    let additional_setter = additional.map(|value| {
        let value_ty = match value {
            TypeRef::Json => quote!(serde_json::Value),
            other => parent(other),
        };
        quote! {
            /// Adds a property the API description does not list.
            pub fn additional_property(mut self, name: impl Into<String>, value: #value_ty) -> Self {
                self.additional_properties.insert(name.into(), value);
                self
            }
        }
    });
    let additional_value =
        additional.map(|_| quote!(additional_properties: self.additional_properties,));
    let wire_names: Vec<&String> = fields.iter().map(|field| &field.wire_name).collect();
    let listed_check = (additional.is_some() && !wire_names.is_empty()).then(|| {
        quote! {
            // Serialized next to the listed field, it would send the property twice.
            for name in [#(#wire_names),*] {
                if self.additional_properties.contains_key(name) {
                    return Err(client_runtime::ValidationError::new(
                        name,
                        client_runtime::validate::Rule::ListedProperty,
                    ));
                }
            }
        }
    });
    let check = usage
        .checked
        .contains(&def.name)
        .then(|| quote!(client_runtime::Validate::validate(&value)?;));
    let build_doc = format!(
        " The [`{0}`](super::{0}), or the first required property left unset or rule broken.",
        def.name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default)]
        #[must_use]
        pub struct #name {
            #(#slots)*
            #additional_slot
        }

        impl #name {
            #(#setters)*
            #additional_setter

            #[doc = #build_doc]
            pub fn build(self) -> Result<#target, client_runtime::ValidationError> {
                #listed_check
                let value = #target {
                    #(#values)*
                    #additional_value
                };
                #check
                Ok(value)
            }
        }
    }
}

fn wire_value_doc(wire: &str) -> String {
    if wire.is_empty() {
        " The empty string.".to_owned()
    } else {
        format!(" `{}`", docs::inline_code(wire))
    }
}

fn string_enum(def: &TypeDef, variants: &[EnumVariant]) -> TokenStream {
    let docs = item_docs(def);
    let name = ident(&def.name);
    let declarations = variants.iter().map(|variant| {
        let doc = wire_value_doc(&variant.wire_value);
        let wire = &variant.wire_value;
        let variant = ident(&variant.name);
        quote! {
            #[doc = #doc]
            #variant = #wire,
        }
    });
    // `open_enum!` adds the `Unknown` variant and the impls every open enum has.
    quote! {
        client_runtime::open_enum! {
            #docs
            pub enum #name {
                #(#declarations)*
            }
        }
    }
}

fn integer_enum(def: &TypeDef, variants: &[IntegerVariant]) -> TokenStream {
    let docs = item_docs(def);
    let name = ident(&def.name);
    let declarations = variants.iter().map(|variant| {
        let doc = format!(" `{}`", variant.value);
        let variant = ident(&variant.name);
        quote! {
            #[doc = #doc]
            #variant,
        }
    });
    let to_wire = variants.iter().map(|variant| {
        let value = proc_macro2::Literal::i64_unsuffixed(variant.value);
        let variant = ident(&variant.name);
        quote!(Self::#variant => #value,)
    });
    let from_wire = variants.iter().map(|variant| {
        let value = proc_macro2::Literal::i64_unsuffixed(variant.value);
        let variant = ident(&variant.name);
        quote!(#value => Self::#variant,)
    });
    quote! {
        #docs
        ///
        /// A value this client does not know yet is kept in [`Self::Unknown`] and sent back unchanged.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#declarations)*
            /// A value not listed in the API description, kept as received.
            Unknown(i64),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn value(self) -> i64 {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_wire)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::num::ParseIntError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                value.parse::<i64>().map(Self::from)
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                i64::deserialize(deserializer).map(Self::from)
            }
        }

        impl client_runtime::ParamValue for #name {
            fn to_param(&self) -> String {
                self.value().to_string()
            }
        }
    }
}

/// `impl Validate` for a union whose alternatives hold checked types.
fn union_validate(
    def: &TypeDef,
    variants: &[UnionVariant],
    usage: &Usage<'_>,
) -> Option<TokenStream> {
    if !usage.checked.contains(&def.name) {
        return None;
    }
    let name = ident(&def.name);
    let arms = variants
        .iter()
        .filter(|variant| usage.holds_checked(&variant.ty))
        .map(|variant| {
            let variant = ident(&variant.name);
            quote!(Self::#variant(value) => client_runtime::Validate::validate(value),)
        });
    Some(quote! {
        impl client_runtime::Validate for #name {
            fn validate(&self) -> Result<(), client_runtime::ValidationError> {
                #[allow(unreachable_patterns)]
                match self {
                    #(#arms)*
                    _ => Ok(()),
                }
            }
        }
    })
}

fn untagged_union(def: &TypeDef, variants: &[UnionVariant], usage: &Usage<'_>) -> TokenStream {
    let docs = item_docs(def);
    let name = ident(&def.name);
    let declarations = variants.iter().map(|variant| {
        let ty = tokens(&variant.ty);
        let doc = format!(" The `{}` alternative.", variant.name);
        let variant = ident(&variant.name);
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    let validate = union_validate(def, variants, usage);
    quote! {
        #docs
        ///
        /// Decoding tries the alternatives in the order listed and keeps the first that fits; a
        /// value that fits none is an error.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#declarations)*
        }
        #validate
    }
}

fn tagged_union(
    def: &TypeDef,
    variants: &[UnionVariant],
    property: &str,
    usage: &Usage<'_>,
) -> TokenStream {
    let docs = item_docs(def);
    let name = ident(&def.name);
    let declarations = variants.iter().map(|variant| {
        let ty = tokens(&variant.ty);
        let tags: Vec<String> = variant
            .tags
            .iter()
            .map(|tag| format!("`{}`", docs::inline_code(tag)))
            .collect();
        let doc = format!(
            " `{}` is {}.",
            docs::inline_code(property),
            tags.join(" or ")
        );
        let variant = ident(&variant.name);
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    let encode_arms = variants.iter().map(|variant| {
        let name = ident(&variant.name);
        let tags = &variant.tags;
        if tags.is_empty() {
            quote!(Self::#name(value) => serde::Serialize::serialize(value, serializer),)
        } else {
            quote! {
                Self::#name(value) => client_runtime::tagged::serialize(value, #property, &[#(#tags),*], serializer),
            }
        }
    });
    // An alternative whose tags all belong to earlier ones is never selected when decoding.
    let decode_arms = variants
        .iter()
        .filter(|variant| !variant.tags.is_empty())
        .map(|variant| {
            let tags = &variant.tags;
            let variant = ident(&variant.name);
            quote! {
                #(#tags)|* => client_runtime::tagged::decode(value).map(Self::#variant),
            }
        });
    let validate = union_validate(def, variants, usage);
    let item_doc = format!(
        " The `{}` property says which alternative a value is. A value whose tag this client does \
         not know is kept in [`Self::Unknown`] and sent back unchanged.",
        docs::inline_code(property)
    );
    quote! {
        #docs
        ///
        #[doc = #item_doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#declarations)*
            /// An alternative this client does not know, kept as received.
            Unknown(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode_arms)*
                    Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, value) = client_runtime::tagged::split(deserializer, #property)?;
                match tag.as_str() {
                    #(#decode_arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
        #validate
    }
}
