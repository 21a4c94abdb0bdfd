//! Model → Rust tokens, one module per kind of output. The only place that uses quote.

mod auth;
mod client;
pub(crate) mod docs;
pub(crate) mod manifest;
mod operations;
mod rules;
mod types;

use crate::model::usage::Usage;
use crate::model::{Api, TypeRef};
use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
use quote::quote;
use types::Scope;

/// Items per piece of the big files: small enough that pieces spread over threads evenly and
/// each piece's syntax tree stays small, large enough that a piece is worth a thread's hand-off.
const ITEMS_PER_PIECE: usize = 200;

/// One source file of a generated crate, in pieces that are emitted and formatted apart and whose
/// formatted texts, joined in order, are the file.
pub(crate) struct Source {
    /// Path relative to `src/`.
    pub(crate) name: &'static str,
    /// The file's pieces, in order.
    pub(crate) pieces: Vec<Piece>,
}

/// A part of a source file that is valid Rust on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// All of `lib.rs`.
    Lib,
    /// All of `auth.rs`.
    Auth,
    /// All of `client.rs`.
    Client,
    /// The module documentation of `operations.rs`.
    OperationsHeader,
    /// The items of the operations `start..end`.
    Operations(usize, usize),
    /// The module documentation of `types.rs`.
    TypesHeader,
    /// The items of the types `start..end`.
    Types(usize, usize),
    /// The `builders` module of `types.rs`.
    Builders,
}

impl Piece {
    /// Whether the piece is a whole module that cannot be split, and so may be much larger than
    /// the others (the `Client` with every operation's method, the `builders` module).
    pub(crate) fn is_whole_module(self) -> bool {
        matches!(self, Self::Client | Self::Builders)
    }
}

/// The generated crate's source files, as pieces.
pub(crate) fn sources(api: &Api) -> Vec<Source> {
    let ranges = |count: usize| {
        (0..count)
            .step_by(ITEMS_PER_PIECE)
            .map(move |start| (start, count.min(start + ITEMS_PER_PIECE)))
    };
    let mut operations = vec![Piece::OperationsHeader];
    operations
        .extend(ranges(api.operations.len()).map(|(start, end)| Piece::Operations(start, end)));
    let mut types = vec![Piece::TypesHeader];
    types.extend(ranges(api.types.len()).map(|(start, end)| Piece::Types(start, end)));
    types.push(Piece::Builders);
    vec![
        Source {
            name: "auth.rs",
            pieces: vec![Piece::Auth],
        },
        Source {
            name: "client.rs",
            pieces: vec![Piece::Client],
        },
        Source {
            name: "lib.rs",
            pieces: vec![Piece::Lib],
        },
        Source {
            name: "operations.rs",
            pieces: operations,
        },
        Source {
            name: "types.rs",
            pieces: types,
        },
    ]
}

/// The tokens of one piece.
pub(crate) fn piece(api: &Api, usage: &Usage<'_>, piece: Piece) -> TokenStream {
    match piece {
        Piece::Lib => client::lib(api, usage),
        Piece::Auth => auth::module(api, usage),
        Piece::Client => client::module(api, usage, operations::client_methods(api, usage)),
        Piece::OperationsHeader => operations::header(usage),
        Piece::Operations(start, end) => {
            operations::module_items(usage, &api.operations[start..end])
        }
        Piece::TypesHeader => types::header(usage),
        Piece::Types(start, end) => types::module_items(usage, &api.types[start..end]),
        Piece::Builders => types::builders(api, usage),
    }
}

/// `items` with a `#[cfg]` on each top-level item that compiles it only when one of `features` is
/// on; `items` as they are when `features` is empty.
///
/// Items are told apart by their tokens: an item ends with a top-level `;` or with a top-level
/// `{…}` that no `;` follows, which holds for every item the emitters write.
fn gated(features: &[String], items: TokenStream) -> TokenStream {
    let condition = match features {
        [] => return items,
        [feature] => quote!(feature = #feature),
        several => quote!(any(#(feature = #several),*)),
    };
    let mut gated = TokenStream::new();
    let mut item: Vec<TokenTree> = Vec::new();
    let mut tokens = items.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let ends = match &token {
            TokenTree::Punct(punct) => punct.as_char() == ';',
            TokenTree::Group(group) => {
                group.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(next)) if next.as_char() == ';')
            }
            _ => false,
        };
        item.push(token);
        if ends {
            // After the item's documentation, where a reader looks for it.
            let docs_end = item
                .chunks(2)
                .take_while(|pair| {
                    matches!(pair, [TokenTree::Punct(hash), TokenTree::Group(attribute)]
                    if hash.as_char() == '#' && is_doc(attribute))
                })
                .count()
                * 2;
            let body: TokenStream = item.drain(docs_end..).collect();
            gated.extend(item.drain(..));
            gated.extend(quote!(#[cfg(#condition)] #body));
        }
    }
    gated.extend(item);
    gated
}

/// Whether `attribute`, the `[…]` of an outer attribute, is a `doc` attribute.
fn is_doc(attribute: &proc_macro2::Group) -> bool {
    attribute.delimiter() == Delimiter::Bracket
        && matches!(attribute.stream().into_iter().next(), Some(TokenTree::Ident(name)) if name == "doc")
}

/// For the top of a module file: with some tag features off, doc links to the operations and
/// types they leave out render as plain text instead of failing the docs build; with every
/// feature on, every link is still checked. Nothing for a crate without features.
fn partial_docs_allowance(usage: &Usage<'_>) -> TokenStream {
    let features = &usage.features;
    let all: Vec<&str> = features
        .tags
        .iter()
        .map(|feature| feature.name.as_str())
        .chain(
            features
                .other_types
                .as_ref()
                .map(|other| other.name.as_str()),
        )
        .collect();
    if all.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #![cfg_attr(not(all(#(feature = #all),*)), allow(rustdoc::broken_intra_doc_links))]
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_gated_and_a_block_followed_by_a_semicolon_stays_one_item() {
        let items = quote! {
            /// Docs.
            #[derive(Debug)]
            pub struct A { x: u8 }
            impl A { fn f() {} }
            pub struct B(u8);
            const C: u8 = { 1 };
            pub type D = A;
        };
        let gated = gated(&["x".to_owned(), "y".to_owned()], items);
        let text = gated.to_string();
        assert_eq!(text.matches("cfg").count(), 5, "{text}");
        let file: syn::File = syn::parse2(gated).unwrap();
        assert_eq!(file.items.len(), 5);
        assert!(
            text.starts_with(
                "# [doc = r\" Docs.\"] # [cfg (any (feature = \"x\" , feature = \"y\"))] # [derive"
            ),
            "{text}"
        );
    }

    #[test]
    fn no_features_leaves_items_alone() {
        let items = quote!(
            pub struct A;
        );
        assert_eq!(gated(&[], items.clone()).to_string(), items.to_string());
    }
}
