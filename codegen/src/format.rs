//! Tokens → formatted Rust text with the `@generated` header.

use proc_macro2::TokenStream;

/// Generated tokens that are not valid Rust: a defect of the generator, reported, never a panic.
#[derive(Debug, thiserror::Error)]
#[error("the generated `{file}` is not valid Rust ({message}); please report this with the spec")]
pub struct FormatError {
    /// The file that failed.
    pub file: String,
    /// What the parser said.
    pub message: String,
}

/// Formats `tokens`, a part of the file `file`, with prettyplease.
///
/// Parts of one file can be formatted apart and joined: prettyplease starts every top-level item
/// on a line of its own and puts nothing between items.
pub fn rust(file: &str, tokens: TokenStream) -> Result<String, FormatError> {
    let syntax: syn::File = syn::parse2(tokens).map_err(|error| FormatError {
        file: file.to_owned(),
        message: error.to_string(),
    })?;
    Ok(prettyplease::unparse(&syntax))
}

/// The `@generated` header line put on top of every file, after formatting because prettyplease
/// drops `//` comments.
pub fn header_line(header: &str) -> String {
    format!("// {header}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parts_formatted_apart_join_into_the_whole_file() {
        let whole = rust(
            "x.rs",
            quote! {
                //! Docs.
                pub struct A;
                impl A { fn f() {} }
                pub mod m { pub struct B; }
            },
        )
        .unwrap();
        let parts = [
            quote! {
                //! Docs.
            },
            quote! {
                pub struct A;
                impl A { fn f() {} }
            },
            quote! { pub mod m { pub struct B; } },
        ];
        let joined: String = parts
            .into_iter()
            .map(|part| rust("x.rs", part).unwrap())
            .collect();
        assert_eq!(joined, whole);
        assert!(whole.ends_with("}\n") && !whole.ends_with("\n\n"));
    }

    #[test]
    fn invalid_tokens_are_an_error_naming_the_file() {
        let error = rust("types.rs", quote!(pub struct)).unwrap_err();
        assert_eq!(error.file, "types.rs");
    }
}
