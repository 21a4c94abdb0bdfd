//! Model → Rust tokens, one module per kind of output. The only place that uses quote.

mod auth;
mod client;
mod docs;
pub(crate) mod manifest;
mod operations;
mod rules;
mod types;

use crate::model::usage::Usage;
use crate::model::{Api, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use types::Scope;

/// The token streams of a generated crate's source files, by path relative to `src/`.
pub(crate) fn sources(api: &Api) -> Vec<(&'static str, TokenStream)> {
    let usage = Usage::of(api);
    vec![
        ("lib.rs", client::lib(api)),
        ("auth.rs", auth::module(api)),
        (
            "client.rs",
            client::module(api, &usage, operations::client_methods(api)),
        ),
        ("operations.rs", operations::module(api, &usage)),
        ("types.rs", types::module(api, &usage)),
    ]
}

/// An identifier from a model name, which naming has already made valid and non-reserved.
fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type written for `ty`, as seen from `scope`.
fn type_tokens(ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Types => quote!(#name),
                Scope::Builders => quote!(super::#name),
                Scope::Elsewhere => quote!(crate::types::#name),
            }
        }
        TypeRef::String => quote!(String),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Int32 => quote!(i32),
        TypeRef::Int64 => quote!(i64),
        TypeRef::Float => quote!(f32),
        TypeRef::Double => quote!(f64),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::Binary => quote!(client_runtime::Binary),
        TypeRef::Bytes => quote!(client_runtime::Bytes),
        TypeRef::List(item) => {
            let item = type_tokens(item, scope);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, scope);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Box<#inner>)
        }
    }
}
