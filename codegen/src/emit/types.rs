//! `types.rs` of a generated crate: one Rust item per [`TypeDef`].

use super::docs;
use super::{ident, type_tokens};
use crate::model::{Api, EnumVariant, Field, Presence, TypeDef, TypeKind, TypeRef, UnionVariant};
use proc_macro2::TokenStream;
use quote::quote;

/// The `types` module.
pub(crate) fn module(api: &Api) -> TokenStream {
    let items = api.types.iter().map(type_def);
    quote! {
        //! Every schema of the API as a Rust type.
        #(#items)*
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Struct { fields, additional } => structure(def, fields, additional.as_ref()),
        TypeKind::Enum { variants } => string_enum(def, variants),
        TypeKind::Union { variants } => union(def, variants),
        TypeKind::Alias(target) => {
            let docs = item_docs(def);
            let name = ident(&def.name);
            let target = type_tokens(target, Scope::Types);
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
    Types,
    Elsewhere,
}

fn item_docs(def: &TypeDef) -> TokenStream {
    let mut lines = docs::lines(&def.docs, &[]);
    if lines.is_empty() {
        lines.push(format!("The `{}` schema.", def.name));
    }
    docs::attributes(&lines)
}

fn structure(def: &TypeDef, fields: &[Field], additional: Option<&TypeRef>) -> TokenStream {
    let docs = item_docs(def);
    let name = ident(&def.name);
    let all_optional = fields.iter().all(|field| {
        matches!(
            field.presence,
            Presence::Optional | Presence::OptionalNullable
        )
    });
    let default = all_optional.then(|| quote!(Default,));
    let fields = fields.iter().map(field);
    let additional = additional.map(|value| {
        let value = type_tokens(value, Scope::Types);
        quote! {
            /// Properties sent beyond the ones listed above, kept as received.
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let mut extra = Vec::new();
    if let Some(note) = docs::constraint_note(&field.constraints) {
        extra.push(note);
    }
    extra.push(match field.presence {
        Presence::Required => format!("JSON: `{}`, required.", docs::inline_code(&field.wire_name)),
        Presence::Optional => format!("JSON: `{}`, optional.", docs::inline_code(&field.wire_name)),
        Presence::Nullable => format!(
            "JSON: `{}`, required, may be `null`.",
            docs::inline_code(&field.wire_name)
        ),
        Presence::OptionalNullable => format!(
            "JSON: `{}`, optional, may be `null`: `None` leaves it out, `Some(None)` sends `null`.",
            docs::inline_code(&field.wire_name)
        ),
    });
    let docs = docs::attributes(&docs::lines(&field.docs, &extra));
    let name = ident(&field.name);
    let rename = (field.name != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    let inner = type_tokens(&field.ty, Scope::Types);
    let (ty, presence) = match field.presence {
        Presence::Required => (inner, None),
        Presence::Nullable => (quote!(Option<#inner>), None),
        Presence::Optional => (
            quote!(Option<#inner>),
            Some(quote!(#[serde(default, skip_serializing_if = "Option::is_none")])),
        ),
        Presence::OptionalNullable => (
            quote!(Option<Option<#inner>>),
            Some(quote! {
                #[serde(
                    default,
                    skip_serializing_if = "Option::is_none",
                    with = "client_runtime::double_option"
                )]
            }),
        ),
    };
    quote! {
        #docs
        #rename
        #presence
        pub #name: #ty,
    }
}

fn string_enum(def: &TypeDef, variants: &[EnumVariant]) -> TokenStream {
    let docs = item_docs(def);
    let name = ident(&def.name);
    let declarations = variants.iter().map(|variant| {
        let doc = format!(" `{}`", docs::inline_code(&variant.wire_value));
        let variant = ident(&variant.name);
        quote! {
            #[doc = #doc]
            #variant,
        }
    });
    let to_wire = variants.iter().map(|variant| {
        let wire = &variant.wire_value;
        let variant = ident(&variant.name);
        quote!(Self::#variant => #wire,)
    });
    let from_wire = variants.iter().map(|variant| {
        let wire = &variant.wire_value;
        let variant = ident(&variant.name);
        quote!(#wire => Self::#variant,)
    });
    quote! {
        #docs
        ///
        /// A value this client does not know yet is kept in [`Self::Unknown`] and sent back unchanged.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#declarations)*
            /// A value not listed in the API description, kept as received.
            Unknown(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_wire)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value.to_owned()))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }

        impl client_runtime::ParamValue for #name {
            fn to_param(&self) -> String {
                self.as_str().to_owned()
            }
        }
    }
}

fn union(def: &TypeDef, variants: &[UnionVariant]) -> TokenStream {
    let docs = item_docs(def);
    let name = ident(&def.name);
    let declarations = variants.iter().map(|variant| {
        let ty = type_tokens(&variant.ty, Scope::Types);
        let doc = format!(" The `{}` alternative.", variant.name);
        let variant = ident(&variant.name);
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    quote! {
        #docs
        ///
        /// Decoding tries the alternatives in the order listed and keeps the first that fits.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#declarations)*
        }
    }
}
