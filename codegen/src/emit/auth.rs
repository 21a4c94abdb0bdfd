//! `auth.rs` of a generated crate: one credential type per security scheme, and one trait per set
//! of schemes that operations accept, which decide what a `Client<C>` can call.

use super::{docs, ident, partial_docs_allowance};
use crate::model::usage::Usage;
use crate::model::{Api, CredentialSet, ParameterLocation, SchemeKind, Security, SecurityScheme};
use proc_macro2::TokenStream;
use quote::quote;

/// The `auth` module.
pub(crate) fn module(api: &Api, usage: &Usage<'_>) -> TokenStream {
    let allowance = partial_docs_allowance(usage);
    let schemes = api
        .security_schemes
        .iter()
        .map(|scheme| credential(api, scheme));
    let sets = api
        .credential_sets
        .iter()
        .map(|set| credential_set(api, set));
    quote! {
        //! Credentials, one type per security scheme of the API.
        //!
        //! A [`Client`](crate::Client) is built with one of them, and its type decides which
        //! operations the client has: an operation that does not accept the credential is not a
        //! method of that client, so calling it does not compile.
        #allowance
        #(#schemes)*
        #(#sets)*
    }
}

/// The schemes accepted by the operations that list `scheme`, for its docs.
fn operations_accepting(api: &Api, scheme: &str) -> Vec<String> {
    api.operations
        .iter()
        .filter(|operation| match &operation.security {
            Security::Anyone => false,
            Security::OneOf(accepted) => accepted.iter().any(|name| name == scheme),
        })
        .map(|operation| format!("[`Client::{0}`](crate::Client::{0})", operation.name))
        .collect()
}

fn credential(api: &Api, scheme: &SecurityScheme) -> TokenStream {
    let name = ident(&scheme.type_name);
    let wire = &scheme.name;
    let mut lines = vec![format!(
        "A credential of the `{}` security scheme: {}.",
        docs::inline_code(wire),
        match &scheme.kind {
            SchemeKind::Bearer { .. } =>
                "a token sent as `Authorization: Bearer <token>`".to_owned(),
            SchemeKind::Basic =>
                "a user name and password sent with HTTP Basic authentication".to_owned(),
            SchemeKind::Authorization { scheme } => format!(
                "credentials sent as `Authorization: {} <credentials>`",
                docs::inline_code(scheme)
            ),
            SchemeKind::ApiKey { location, name, .. } => format!(
                "a key sent in the `{}` {}",
                docs::inline_code(name),
                match location {
                    ParameterLocation::Query => "query parameter",
                    ParameterLocation::Cookie => "cookie",
                    _ => "header",
                }
            ),
            SchemeKind::OAuth2ClientCredentials { .. } =>
                "an OAuth 2.0 client whose access tokens the client fetches, caches and refreshes"
                    .to_owned(),
        }
    )];
    if let Some(description) = &scheme.description {
        lines.push(String::new());
        lines.extend(docs::prose(description));
    }
    let accepting = operations_accepting(api, wire);
    lines.push(String::new());
    lines.push(if accepting.is_empty() {
        "No operation lists this scheme.".to_owned()
    } else {
        format!("Operations that accept it: {}.", accepting.join(", "))
    });
    lines.push(String::new());
    lines.push("Its `Debug` output never shows the secret.".to_owned());
    let type_docs = docs::attributes(&lines);
    let traits = api
        .credential_sets
        .iter()
        .filter(|set| set.schemes.contains(wire))
        .map(|set| {
            let set = ident(&set.name);
            quote!(impl #set for #name {})
        });
    let body = match &scheme.kind {
        SchemeKind::Bearer { key_prefix } => key_credential(
            scheme,
            key_prefix.as_deref(),
            quote!(client_runtime::Authentication::Bearer(self.0)),
        ),
        SchemeKind::ApiKey {
            location,
            name: parameter,
            key_prefix,
        } => {
            let authentication = match location {
                ParameterLocation::Query => quote! {
                    client_runtime::Authentication::Query { name: #parameter.to_owned(), value: self.0 }
                },
                ParameterLocation::Cookie => quote! {
                    client_runtime::Authentication::Cookie { name: #parameter.to_owned(), value: self.0 }
                },
                _ => quote! {
                    client_runtime::Authentication::Header { name: #parameter.to_owned(), value: self.0 }
                },
            };
            key_credential(scheme, key_prefix.as_deref(), authentication)
        }
        SchemeKind::Authorization {
            scheme: http_scheme,
        } => {
            let authentication = quote! {
                client_runtime::Authentication::Header {
                    name: "Authorization".to_owned(),
                    value: client_runtime::Secret::new(format!("{} {}", #http_scheme, self.0.expose())),
                }
            };
            key_credential(scheme, None, authentication)
        }
        SchemeKind::Basic => basic_credential(scheme),
        SchemeKind::OAuth2ClientCredentials { token_url, scopes } => {
            client_credentials(api, scheme, token_url, scopes.keys().collect())
        }
    };
    quote! {
        #type_docs
        #body
        #(#traits)*
    }
}

/// A credential holding one key: checked when built, sent as `authentication`.
fn key_credential(
    scheme: &SecurityScheme,
    prefix: Option<&str>,
    authentication: TokenStream,
) -> TokenStream {
    let name = ident(&scheme.type_name);
    let wire = &scheme.name;
    let (prefix_const, prefix_value, prefix_doc) = match prefix {
        Some(prefix) => {
            let doc = format!(
                " A key, refused unless it is non-empty, sendable in a header and starts with \
                 `{}`.",
                docs::inline_code(prefix)
            );
            (
                Some(quote! {
                    /// The prefix every key of this scheme starts with.
                    pub const PREFIX: &'static str = #prefix;
                }),
                quote!(Some(Self::PREFIX)),
                doc,
            )
        }
        None => (
            None,
            quote!(None),
            " A key, refused unless it is non-empty and sendable in a header.".to_owned(),
        ),
    };
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #name(client_runtime::Secret);

        impl #name {
            #prefix_const

            #[doc = #prefix_doc]
            pub fn new(key: impl Into<client_runtime::Secret>) -> Result<Self, client_runtime::KeyError> {
                client_runtime::auth::check_key(#wire, key, #prefix_value).map(Self)
            }
        }

        impl client_runtime::Credential for #name {
            fn into_authentication(self, _server_variables: &[(&str, &str)]) -> client_runtime::Authentication {
                #authentication
            }
        }
    }
}

fn basic_credential(scheme: &SecurityScheme) -> TokenStream {
    let name = ident(&scheme.type_name);
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #name {
            username: String,
            password: client_runtime::Secret,
        }

        impl #name {
            /// A user name and password.
            pub fn new(username: impl Into<String>, password: impl Into<client_runtime::Secret>) -> Self {
                Self { username: username.into(), password: password.into() }
            }
        }

        impl client_runtime::Credential for #name {
            fn into_authentication(self, _server_variables: &[(&str, &str)]) -> client_runtime::Authentication {
                client_runtime::Authentication::Basic { username: self.username, password: self.password }
            }
        }
    }
}

fn client_credentials(
    api: &Api,
    scheme: &SecurityScheme,
    token_url: &str,
    known_scopes: Vec<&String>,
) -> TokenStream {
    let name = ident(&scheme.type_name);
    // By default, ask for what the operations need, in a stable order.
    let mut needed: Vec<&String> = api
        .operations
        .iter()
        .flat_map(|operation| &operation.scopes)
        .filter(|(listed, _)| *listed == scheme.name)
        .flat_map(|(_, scopes)| scopes)
        .collect();
    needed.sort();
    needed.dedup();
    let needed_doc = if needed.is_empty() {
        " Client credentials for `client_id`, asking for no particular scope.".to_owned()
    } else {
        let list: Vec<String> = needed
            .iter()
            .map(|scope| format!("`{}`", docs::inline_code(scope)))
            .collect();
        format!(
            " Client credentials for `client_id`, asking for the scopes the operations need: {}.",
            list.join(", ")
        )
    };
    let token_url_doc = format!(
        " Where access tokens are fetched. `{{name}}` placeholders take the values of the server \
         variables of the same name: `{}`.",
        docs::inline_code(token_url)
    );
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #name {
            client_id: String,
            client_secret: client_runtime::Secret,
            scopes: Vec<String>,
            token_url: String,
        }

        impl #name {
            #[doc = #token_url_doc]
            pub const TOKEN_URL: &'static str = #token_url;
            /// Every scope the API description defines for this scheme.
            pub const SCOPES: &'static [&'static str] = &[#(#known_scopes),*];

            #[doc = #needed_doc]
            pub fn new(client_id: impl Into<String>, client_secret: impl Into<client_runtime::Secret>) -> Self {
                Self {
                    client_id: client_id.into(),
                    client_secret: client_secret.into(),
                    scopes: vec![#(#needed.to_owned()),*],
                    token_url: Self::TOKEN_URL.to_owned(),
                }
            }

            /// Asks for these scopes instead.
            pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
                self.scopes = scopes.into_iter().map(Into::into).collect();
                self
            }

            /// Fetches tokens from `token_url` instead of [`Self::TOKEN_URL`] (placeholders are
            /// filled the same way).
            pub fn token_url(mut self, token_url: impl Into<String>) -> Self {
                self.token_url = token_url.into();
                self
            }
        }

        impl client_runtime::Credential for #name {
            fn into_authentication(self, server_variables: &[(&str, &str)]) -> client_runtime::Authentication {
                client_runtime::Authentication::client_credentials(
                    client_runtime::ClientCredentials::new(self.token_url, self.client_id, self.client_secret)
                        .scopes(self.scopes)
                        .fill_token_url(server_variables),
                )
            }
        }
    }
}

fn credential_set(api: &Api, set: &CredentialSet) -> TokenStream {
    let name = ident(&set.name);
    let members: Vec<String> = set
        .schemes
        .iter()
        .filter_map(|wire| {
            api.security_schemes
                .iter()
                .find(|scheme| scheme.name == *wire)
        })
        .map(|scheme| format!("[`{}`]", scheme.type_name))
        .collect();
    let doc = format!(
        " A credential accepted by the operations open to any of {}; a client built with one of \
         them has those operations.",
        members.join(", ")
    );
    quote! {
        #[doc = #doc]
        pub trait #name: client_runtime::Credential {}
    }
}
