//! `lib.rs` and `client.rs` of a generated crate: the crate root and the `Client` type.

use super::docs;
use crate::model::{Api, SecurityScheme};
use proc_macro2::TokenStream;
use quote::quote;

/// The crate root.
pub(crate) fn lib(api: &Api) -> TokenStream {
    let mut lines = vec![format!(
        "A typed async client for the {} (version {}).",
        api.title, api.version
    )];
    if let Some(description) = &api.description {
        lines.push(String::new());
        lines.extend(docs::prose(description));
    }
    for tag in &api.tags {
        let methods: Vec<String> = api
            .operations
            .iter()
            .filter(|operation| operation.tags.contains(&tag.name))
            .map(|operation| format!("[`Client::{}`]", operation.name))
            .collect();
        if methods.is_empty() && tag.description.is_none() {
            continue;
        }
        lines.push(String::new());
        lines.push(format!("## {}", docs::inline_code(&tag.name)));
        if let Some(description) = &tag.description {
            lines.push(String::new());
            lines.extend(docs::prose(description));
        }
        if !methods.is_empty() {
            lines.push(String::new());
            lines.push(format!("Operations: {}.", methods.join(", ")));
        }
    }
    lines.push(String::new());
    lines.push(
        "Start with [`Client`]: each operation is a method that returns a request builder; \
         [`types`] holds every schema and [`operations`] the builders and their error types."
            .to_owned(),
    );
    let attributes = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    quote! {
        #(#attributes)*

        // Generated modules are formatted by the generator, not by rustfmt. Numbers come from the
        // spec as written (a bound of 3.14 is not π), and a type's size follows the API's shapes.
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        #[allow(clippy::approx_constant)]
        pub mod operations;
        #[rustfmt::skip]
        #[allow(clippy::approx_constant, clippy::large_enum_variant)]
        pub mod types;

        pub use client::Client;
        pub use client_runtime::{BuildError, ClientConfig, Error, Response, Secret};
    }
}

/// The `client` module: the `Client` type and one method per operation.
pub(crate) fn module(api: &Api, methods: TokenStream) -> TokenStream {
    let (base_url, base_url_doc) = default_base_url(api);
    let takes_token = api.security_schemes.values().any(|scheme| {
        matches!(
            scheme,
            SecurityScheme::Bearer { .. } | SecurityScheme::OAuth2ClientCredentials { .. }
        )
    });
    let mut client_lines = vec![
        format!("A client for the {} (version {}).", api.title, api.version),
        String::new(),
        "Cloning is cheap: clones share one connection pool and configuration.".to_owned(),
    ];
    for (name, scheme) in &api.security_schemes {
        let description = match scheme {
            SecurityScheme::Bearer { description, .. }
            | SecurityScheme::ApiKey { description, .. }
            | SecurityScheme::OAuth2ClientCredentials { description, .. }
            | SecurityScheme::Other { description } => description,
        };
        client_lines.push(String::new());
        client_lines.push(format!("Security scheme `{}`:", docs::inline_code(name)));
        if let Some(description) = description {
            client_lines.extend(docs::prose(description));
        }
    }
    let client_docs = docs::attributes(&client_lines);
    let constructor = if takes_token {
        quote! {
            /// A client for [`Self::DEFAULT_BASE_URL`] that sends `bearer_token` with every request.
            pub fn new(
                bearer_token: impl Into<client_runtime::Secret>,
            ) -> Result<Self, client_runtime::BuildError> {
                Self::from_config(
                    client_runtime::ClientConfig::new(Self::DEFAULT_BASE_URL).bearer_token(bearer_token),
                )
            }
        }
    } else {
        quote! {
            /// A client for [`Self::DEFAULT_BASE_URL`].
            pub fn new() -> Result<Self, client_runtime::BuildError> {
                Self::from_config(client_runtime::ClientConfig::new(Self::DEFAULT_BASE_URL))
            }
        }
    };
    let base_url_doc = docs::attributes(&base_url_doc);
    quote! {
        //! The [`Client`] and its operation methods.

        #client_docs
        #[derive(Debug, Clone)]
        pub struct Client {
            http: client_runtime::HttpClient,
        }

        impl Client {
            #base_url_doc
            pub const DEFAULT_BASE_URL: &'static str = #base_url;

            #constructor

            /// A client built from `config`: base URL, credentials, default headers and timeouts.
            pub fn from_config(
                config: client_runtime::ClientConfig,
            ) -> Result<Self, client_runtime::BuildError> {
                Ok(Self { http: client_runtime::HttpClient::new(config)? })
            }

            /// The HTTP client every request goes through.
            pub fn http(&self) -> &client_runtime::HttpClient {
                &self.http
            }
        }

        #methods
    }
}

/// The first server's URL with its variables at their defaults, and the doc lines saying so.
fn default_base_url(api: &Api) -> (String, Vec<String>) {
    let Some(server) = api.servers.first() else {
        return (
            "http://localhost".to_owned(),
            vec![
                "The API description names no server; set the base URL with [`Self::from_config`]."
                    .to_owned(),
            ],
        );
    };
    let mut url = server.url.clone();
    let mut lines = vec![format!(
        "The first server the API description lists: <{}>.",
        server.url.replace(['{', '}'], "")
    )];
    if let Some(description) = &server.description {
        let about = docs::prose(description);
        lines.push(String::new());
        lines.extend(about);
    }
    if !server.variables.is_empty() {
        lines[0] = format!(
            "The first server the API description lists, `{}`, with its variables at their defaults.",
            docs::inline_code(&server.url)
        );
        lines.push(String::new());
        for variable in &server.variables {
            url = url.replace(&format!("{{{}}}", variable.name), &variable.default);
            let about = variable
                .description
                .as_ref()
                .map(|description| {
                    let about = docs::prose(description);
                    format!(": {}", about.join(" "))
                })
                .unwrap_or_default();
            lines.push(format!(
                "- `{}` = `{}`{about}",
                docs::inline_code(&variable.name),
                docs::inline_code(&variable.default)
            ));
        }
    }
    (url, lines)
}
