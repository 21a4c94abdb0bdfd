//! The checks of the API's rules that run before a value is sent: one place for struct fields
//! and operation parameters alike.

use crate::model::usage::{Usage, ValueKind};
use crate::model::{Constraints, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// Statements checking the rules `constraints` states for `value` (an expression of type `&T` for
/// the value's type `ty`), which the API calls `wire_name`; each returns early with the first
/// broken rule. Rules of the values `value` holds are its type's own `Validate`. The caller puts them in a
/// block of their own, which also keeps each `PATTERN` static to its value.
pub(crate) fn checks(
    usage: &Usage<'_>,
    wire_name: &str,
    value: &TokenStream,
    ty: &TypeRef,
    constraints: &Constraints,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let optional_u64 = |limit: Option<u64>| match limit {
        Some(limit) => {
            let limit = Literal::u64_unsuffixed(limit);
            quote!(Some(#limit))
        }
        None => quote!(None),
    };
    match usage.kind(ty) {
        ValueKind::Text => {
            if constraints.min_length.is_some() || constraints.max_length.is_some() {
                let min = optional_u64(constraints.min_length);
                let max = optional_u64(constraints.max_length);
                out.push(quote! {
                    client_runtime::validate::length(#wire_name, #value, #min, #max)?;
                });
            }
            if let (Some(source), Some(regex)) = (&constraints.pattern, &constraints.pattern_regex)
            {
                let name = format_ident!("PATTERN");
                out.push(quote! {
                    static #name: client_runtime::validate::Pattern =
                        client_runtime::validate::Pattern::new(#source, #regex);
                    client_runtime::validate::pattern(#wire_name, #value, &#name)?;
                });
            }
        }
        ValueKind::Number => {
            if constraints.minimum.is_some() || constraints.maximum.is_some() {
                let bound = |bound: Option<crate::model::Bound>| match bound {
                    Some(bound) => {
                        let limit = Literal::f64_unsuffixed(bound.value);
                        let exclusive = bound.exclusive;
                        quote!(Some((#limit, #exclusive)))
                    }
                    None => quote!(None),
                };
                let min = bound(constraints.minimum);
                let max = bound(constraints.maximum);
                out.push(quote! {
                    client_runtime::validate::range(#wire_name, *#value, #min, #max)?;
                });
            }
        }
        ValueKind::List => {
            if constraints.min_items.is_some() || constraints.max_items.is_some() {
                let min = optional_u64(constraints.min_items);
                let max = optional_u64(constraints.max_items);
                out.push(quote! {
                    client_runtime::validate::items(#wire_name, #value.len(), #min, #max)?;
                });
            }
        }
        ValueKind::Other => {}
    }
    out
}
