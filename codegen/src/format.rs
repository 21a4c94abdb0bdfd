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

/// Formats `tokens` with prettyplease and puts `header` (one `//` line) on top.
///
/// The header is added after formatting because prettyplease drops `//` comments.
pub fn rust_file(file: &str, tokens: TokenStream, header: &str) -> Result<String, FormatError> {
    let syntax: syn::File = syn::parse2(tokens).map_err(|error| FormatError {
        file: file.to_owned(),
        message: error.to_string(),
    })?;
    Ok(format!("// {header}\n{}", prettyplease::unparse(&syntax)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn header_comes_first_and_output_ends_with_one_newline() {
        let text = rust_file(
            "x.rs",
            quote!(
                pub struct A;
            ),
            "@generated test",
        )
        .unwrap();
        assert_eq!(text, "// @generated test\npub struct A;\n");
    }

    #[test]
    fn invalid_tokens_are_an_error_naming_the_file() {
        let error = rust_file("types.rs", quote!(pub struct), "h").unwrap_err();
        assert_eq!(error.file, "types.rs");
    }
}
