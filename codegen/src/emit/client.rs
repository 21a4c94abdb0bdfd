//! `lib.rs` and `client.rs` of a generated crate: the crate root and the `Client` type.

use super::{docs, ident, partial_docs_allowance, rules};
use crate::model::naming;
use crate::model::usage::Usage;
use crate::model::{Api, ClientHeader, Security, ServerVariable, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// The crate root.
pub(crate) fn lib(api: &Api, usage: &Usage<'_>) -> TokenStream {
    let mut lines = vec![format!(
        "A typed async client for the {} (version {}).",
        docs::inline_prose(&api.title),
        docs::inline_prose(&api.version)
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
        // The crate root is formatted by rustfmt too, where a lint attribute that lets links
        // to left-out operations pass would be laid out unlike prettyplease does; so with
        // features, the root names operations without linking them.
        let feature = usage
            .features
            .tags
            .iter()
            .find(|feature| feature.tag == tag.name);
        let methods: Vec<String> = match feature {
            None => methods,
            Some(_) => api
                .operations
                .iter()
                .filter(|operation| operation.tags.contains(&tag.name))
                .map(|operation| format!("`Client::{}`", operation.name))
                .collect(),
        };
        if methods.is_empty() && tag.description.is_none() {
            continue;
        }
        lines.push(String::new());
        lines.push(format!("## {}", docs::inline_prose(&tag.name)));
        if let Some(description) = &tag.description {
            lines.push(String::new());
            lines.extend(docs::prose(description));
        }
        if !methods.is_empty() {
            lines.push(String::new());
            lines.push(match feature {
                None => format!("Operations: {}.", methods.join(", ")),
                Some(feature) => format!(
                    "Operations (feature `{}`): {}.",
                    feature.name,
                    methods.join(", ")
                ),
            });
        }
    }
    lines.push(String::new());
    lines.push(
        "Start with [`Client`]: each operation is a method that returns a request builder; \
         [`types`] holds every schema and [`operations`] the builders and their error types."
            .to_owned(),
    );
    let attributes = docs::inner_attributes(&lines);
    quote! {
        #attributes

        // Generated modules are formatted by the generator, not by rustfmt. Numbers come from the
        // spec as written (a bound of 3.14 is not π), and a type's size follows the API's shapes.
        #[rustfmt::skip]
        pub mod auth;
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        #[allow(clippy::approx_constant)]
        pub mod operations;
        #[rustfmt::skip]
        #[allow(clippy::approx_constant, clippy::large_enum_variant)]
        pub mod types;

        pub use client::{Client, SERVER_URL};
        // Two short lists, which prettyplease and rustfmt lay out alike.
        pub use client_runtime::{BuildError, ClientConfig, Error, KeyError, Response};
        pub use client_runtime::{RetryPolicy, Secret, ValidationError};
    }
}

/// The `client` module: the `Client` type, its constructors and one method per operation.
pub(crate) fn module(api: &Api, usage: &Usage<'_>, methods: TokenStream) -> TokenStream {
    let (server_url, server_doc) = server_url(api);
    let default_credential = default_credential(api);
    let mut client_lines = vec![
        format!(
            "A client for the {} (version {}).",
            docs::inline_prose(&api.title),
            docs::inline_prose(&api.version)
        ),
        String::new(),
        "Cloning is cheap: clones share one connection pool, configuration and access-token cache."
            .to_owned(),
    ];
    if !api.security_schemes.is_empty() {
        client_lines.push(String::new());
        client_lines.push(
            "`C` is the credential it authenticates with, one of the types in [`auth`](crate::auth); \
             it decides which operations are methods of the client. An operation that does not \
             accept `C` is not there, so calling it does not compile."
                .to_owned(),
        );
        for scheme in &api.security_schemes {
            let accepted = api
                .operations
                .iter()
                .filter(|operation| accepts(&operation.security, &scheme.name))
                .count();
            client_lines.push(format!(
                "- [`{0}`](crate::auth::{0}): {accepted} of the {1} operations.",
                scheme.type_name,
                api.operations.len()
            ));
        }
    }
    let client_docs = docs::attributes(&client_lines);
    let variables: Vec<&ServerVariable> = api
        .servers
        .first()
        .map(|server| server.variables.iter().collect())
        .unwrap_or_default();
    let variable_arguments: Vec<TokenStream> = variables
        .iter()
        .map(|variable| {
            let name = ident(&variable.argument);
            quote!(#name: impl Into<String>)
        })
        .collect();
    let variable_settings = variables.iter().map(|variable| {
        let wire = &variable.name;
        let name = ident(&variable.argument);
        quote!(.server_variable(#wire, #name))
    });
    let mut new_lines = vec![if variables.is_empty() {
        "A client for [`SERVER_URL`](crate::SERVER_URL)".to_owned()
    } else {
        let names: Vec<String> = variables
            .iter()
            .map(|variable| format!("`{}`", variable.argument))
            .collect();
        format!(
            "A client for [`SERVER_URL`](crate::SERVER_URL) with its placeholders filled from {}",
            names.join(", ")
        )
    }];
    let credential = ident(naming::CREDENTIAL_ARGUMENT);
    let (credential_argument, credential_value, generics) = if api.security_schemes.is_empty() {
        new_lines[0].push('.');
        (
            None,
            quote!(client_runtime::NoCredential),
            quote!(Client<client_runtime::NoCredential>),
        )
    } else {
        new_lines[0].push_str(", authenticating with `credential`.");
        (
            Some(quote!(#credential: C)),
            quote!(#credential),
            quote!(<C: client_runtime::Credential> Client<C>),
        )
    };
    for variable in &variables {
        if let Some(description) = &variable.description {
            new_lines.push(String::new());
            new_lines.push(format!(
                "`{}`: {}",
                variable.argument,
                docs::prose(description).join(" ")
            ));
        }
    }
    let credential_passed = credential_argument.as_ref().map(|_| quote!(#credential));
    let new_docs = docs::attributes(&new_lines);
    let constructor_arguments: Vec<&TokenStream> = variable_arguments
        .iter()
        .chain(&credential_argument)
        .collect();
    let header_setters = api
        .client_headers
        .iter()
        .map(|header| header_setter(header, usage));
    let server_doc = docs::attributes(&server_doc);
    let allowance = partial_docs_allowance(usage);
    // Only then does the runtime need to tell the API's server from one the caller chose.
    let api_server = api
        .operations
        .iter()
        .any(|operation| operation.server.is_some())
        .then(|| quote!(.api_server(SERVER_URL)));
    quote! {
        //! The [`Client`] and its operation methods.
        #allowance

        #server_doc
        pub const SERVER_URL: &str = #server_url;

        #client_docs
        pub struct Client<C = #default_credential> {
            http: client_runtime::HttpClient,
            credential: std::marker::PhantomData<fn() -> C>,
        }

        impl<C> Clone for Client<C> {
            fn clone(&self) -> Self {
                Self { http: self.http.clone(), credential: std::marker::PhantomData }
            }
        }

        impl<C> std::fmt::Debug for Client<C> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client").field("http", &self.http).finish()
            }
        }

        impl #generics {
            #new_docs
            pub fn new(#(#constructor_arguments),*) -> Result<Self, client_runtime::BuildError> {
                Self::from_config(
                    client_runtime::ClientConfig::new(SERVER_URL) #api_server #(#variable_settings)*,
                    #credential_passed
                )
            }

            /// A client built from `config` (base URL, server variables, default headers,
            /// timeouts, retries), authenticating with `credential`.
            pub fn from_config(
                config: client_runtime::ClientConfig,
                #credential_argument
            ) -> Result<Self, client_runtime::BuildError> {
                Ok(Self {
                    http: client_runtime::HttpClient::new(config, #credential_value)?,
                    credential: std::marker::PhantomData,
                })
            }
        }

        impl<C> Client<C> {
            /// The HTTP client every request goes through.
            pub fn http(&self) -> &client_runtime::HttpClient {
                &self.http
            }

            #(#header_setters)*
        }

        #methods
    }
}

/// Whether an operation with `security` accepts the scheme named `scheme`.
pub(crate) fn accepts(security: &Security, scheme: &str) -> bool {
    match security {
        Security::Anyone => true,
        Security::OneOf(accepted) => accepted.iter().any(|name| name == scheme),
    }
}

/// The credential `Client` means without a type argument: the scheme most operations accept,
/// the first listed among equals.
fn default_credential(api: &Api) -> TokenStream {
    let mut best: Option<(&str, usize)> = None;
    for scheme in &api.security_schemes {
        let count = api
            .operations
            .iter()
            .filter(|operation| accepts(&operation.security, &scheme.name))
            .count();
        if best.is_none_or(|(_, most)| count > most) {
            best = Some((&scheme.type_name, count));
        }
    }
    match best {
        Some((name, _)) => {
            let name = ident(name);
            quote!(crate::auth::#name)
        }
        None => quote!(client_runtime::NoCredential),
    }
}

/// `with_x_locale`: a clone of the client that sends a header parameter with every request.
fn header_setter(header: &ClientHeader, usage: &Usage<'_>) -> TokenStream {
    let method = ident(&header.method);
    let parameter = &header.parameter;
    let wire = &parameter.wire_name;
    let name = ident(&parameter.name);
    let mut lines = vec![format!(
        "A clone of this client that sends the `{}` header with every request; a value set on \
         one request takes precedence.",
        docs::inline_code(wire)
    )];
    if let Some(description) = &parameter.docs.description {
        lines.push(String::new());
        lines.extend(docs::prose(description));
    }
    if let Some(note) = docs::constraint_note(&parameter.constraints) {
        lines.push(String::new());
        lines.push(note);
    }
    lines.push(String::new());
    lines.push(
        "A value that breaks a rule of the API description, or cannot travel in a header, is \
         refused."
            .to_owned(),
    );
    let docs = docs::attributes(&lines);
    let (argument, text) = match parameter.ty {
        TypeRef::String => (
            quote!(#name: impl Into<String>),
            quote!(let #name: String = #name.into();),
        ),
        _ => {
            let ty = super::type_tokens(&parameter.ty, super::types::Scope::Elsewhere);
            (quote!(#name: #ty), quote!())
        }
    };
    let checks = rules::checks(
        usage,
        wire,
        &quote!(&#name),
        &parameter.ty,
        &parameter.constraints,
    );
    let header_text = super::operations::header_text(parameter, &quote!(&#name));
    quote! {
        #docs
        pub fn #method(&self, #argument) -> Result<Self, client_runtime::ValidationError> {
            #text
            #(#checks)*
            Ok(Self {
                http: self.http.with_default_header(#wire, #header_text)?,
                credential: std::marker::PhantomData,
            })
        }
    }
}

/// The first server's URL, `{name}` placeholders included, and the doc lines saying so.
fn server_url(api: &Api) -> (String, Vec<String>) {
    let Some(server) = api.servers.first() else {
        return (
            "http://localhost".to_owned(),
            vec![
                "The API description names no server: set the base URL with \
                 `Client::from_config`."
                    .to_owned(),
            ],
        );
    };
    let mut lines = vec![if server.variables.is_empty() {
        format!(
            "The server the API description lists first: {}.",
            docs::url(&server.url)
        )
    } else {
        format!(
            "The server the API description lists first, `{}`; `Client::new` takes a value for \
             each placeholder.",
            docs::inline_code(&server.url)
        )
    }];
    if let Some(description) = &server.description {
        lines.push(String::new());
        lines.extend(docs::prose(description));
    }
    if !server.variables.is_empty() {
        lines.push(String::new());
        for variable in &server.variables {
            let about = variable
                .description
                .as_ref()
                .map(|description| format!(": {}", docs::prose(description).join(" ")))
                .unwrap_or_default();
            lines.push(format!(
                "- `{}` (the description's example: `{}`){about}",
                docs::inline_code(&variable.name),
                docs::inline_code(&variable.default)
            ));
        }
    }
    (server.url.clone(), lines)
}
