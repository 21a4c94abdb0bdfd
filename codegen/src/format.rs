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

/// Formats `tokens`, a part of the file `file`, with prettyplease, one item at a time with a
/// blank line between items.
///
/// Parts of one file can be formatted apart and joined with [`join`]. prettyplease prints the
/// tokens of a macro call as one run of text; a brace-delimited call whose tokens are themselves
/// an item (the `client_runtime::object!` and `open_enum!` declarations) has that item formatted
/// in its place instead, and an inline module has its items formatted as the file's are.
pub fn rust(file: &str, tokens: TokenStream) -> Result<String, FormatError> {
    let syntax: syn::File = syn::parse2(tokens).map_err(|error| FormatError {
        file: file.to_owned(),
        message: error.to_string(),
    })?;
    let mut text = String::new();
    if !syntax.attrs.is_empty() {
        text.push_str(&unparse(syntax.attrs, Vec::new()));
    }
    items(&mut text, syntax.items);
    Ok(text)
}

/// Appends the formatted part `part` of a file to `contents`, after a blank line unless it is
/// the first.
pub fn join(contents: &mut String, part: &str) {
    if part.is_empty() {
        return;
    }
    if !contents.is_empty() {
        contents.push('\n');
    }
    contents.push_str(part);
}

/// Appends `items` to `text`, each formatted on its own, a blank line between two.
fn items(text: &mut String, items: Vec<syn::Item>) {
    for item in items {
        join(text, &item_text(item));
    }
}

fn item_text(item: syn::Item) -> String {
    match item {
        syn::Item::Macro(call) => macro_text(call),
        syn::Item::Mod(module) => module_text(module),
        item => unparse(Vec::new(), vec![item]),
    }
}

/// A macro call declaring an item: that item formatted inside the call's braces.
fn macro_text(mut call: syn::ItemMacro) -> String {
    let declared = match call.mac.delimiter {
        syn::MacroDelimiter::Brace(_) if call.ident.is_none() => {
            syn::parse2::<syn::Item>(call.mac.tokens.clone()).ok()
        }
        _ => None,
    };
    let Some(declared) = declared else {
        return unparse(Vec::new(), vec![syn::Item::Macro(call)]);
    };
    call.mac.tokens = TokenStream::new();
    let head = unparse(Vec::new(), vec![syn::Item::Macro(call)]);
    enclose(&head, &item_text(declared))
}

/// An inline module: its items formatted as a file's are, inside its braces.
fn module_text(mut module: syn::ItemMod) -> String {
    // Inner attributes print inside the braces, where the items are put.
    let has_inner_attributes = module
        .attrs
        .iter()
        .any(|attribute| matches!(attribute.style, syn::AttrStyle::Inner(_)));
    if has_inner_attributes || module.content.is_none() {
        return unparse(Vec::new(), vec![syn::Item::Mod(module)]);
    }
    let Some((brace, inner)) = module.content.take() else {
        return String::new();
    };
    module.content = Some((brace, Vec::new()));
    let head = unparse(Vec::new(), vec![syn::Item::Mod(module)]);
    let mut body = String::new();
    items(&mut body, inner);
    enclose(&head, &body)
}

/// `head`, an item formatted with an empty `{}` at its end, with `body` indented inside.
fn enclose(head: &str, body: &str) -> String {
    let open = head.strip_suffix("{}\n").unwrap_or(head);
    let mut text = format!("{open}{{\n");
    for line in body.lines() {
        if !line.is_empty() {
            text.push_str("    ");
        }
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("}\n");
    text
}

fn unparse(attrs: Vec<syn::Attribute>, items: Vec<syn::Item>) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs,
        items,
    })
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
        let mut joined = String::new();
        for part in parts {
            join(&mut joined, &rust("x.rs", part).unwrap());
        }
        assert_eq!(joined, whole);
        assert!(whole.ends_with("}\n") && !whole.ends_with("\n\n"));
        assert_eq!(
            whole,
            "//! Docs.\n\npub struct A;\n\nimpl A {\n    fn f() {}\n}\n\npub mod m {\n    pub struct B;\n}\n"
        );
    }

    #[test]
    fn a_macro_declaring_an_item_is_formatted_as_that_item() {
        let text = rust(
            "types.rs",
            quote! {
                #[cfg(feature = "a")]
                client_runtime::object! {
                    #[doc = " Docs."]
                    pub struct A { #[json("a", required)] pub a: String, }
                }
                other::call! { not an item }
            },
        )
        .unwrap();
        assert_eq!(
            text,
            "#[cfg(feature = \"a\")]\nclient_runtime::object! {\n    /// Docs.\n    pub struct A {\n        \
             #[json(\"a\", required)]\n        pub a: String,\n    }\n}\n\nother::call! {\n    not an item\n}\n"
        );
    }

    #[test]
    fn invalid_tokens_are_an_error_naming_the_file() {
        let error = rust("types.rs", quote!(pub struct)).unwrap_err();
        assert_eq!(error.file, "types.rs");
    }
}
