//! `operations.rs` of a generated crate: per operation a request builder and an error enum, and
//! the `Client` methods that start each request.

use super::docs;
use super::rules;
use super::types::Scope;
use super::{gated, ident, partial_docs_allowance, type_tokens};
use crate::model::naming;
use crate::model::usage::{Usage, ValueKind};
use crate::model::{
    Api, BodyEncoding, ErrorResponse, Idempotency, NextPage, Operation, Pagination, Parameter,
    ParameterLocation, ParameterStyle, Presence, RequestBody, Security, StatusCode, SuccessVariant,
    TypeKind, TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The module documentation of `operations.rs`.
pub(crate) fn header(usage: &Usage<'_>) -> TokenStream {
    let allowance = partial_docs_allowance(usage);
    quote! {
        //! One request builder per operation, and the errors each operation documents.
        //!
        //! Start a request with the matching [`Client`](crate::Client) method, set optional
        //! parameters on the builder, then `send().await` it.
        #allowance
    }
}

/// The builder and error enum of each of `operations`.
pub(crate) fn module_items(usage: &Usage<'_>, operations: &[Operation]) -> TokenStream {
    let items = operations.iter().map(|operation| {
        let builder = builder(operation, usage);
        let error = error_enum(operation);
        let success = success_enum(operation);
        gated(
            usage.features.of_operation(&operation.name),
            quote!(#builder #success #error),
        )
    });
    quote!(#(#items)*)
}

/// The `impl Client` blocks with one method per operation, grouped by the credentials the
/// operations accept: a method exists only on clients whose credential type it accepts.
pub(crate) fn client_methods(api: &Api, usage: &Usage<'_>) -> TokenStream {
    let mut groups: Vec<(&Security, Vec<TokenStream>)> = Vec::new();
    for operation in &api.operations {
        let method = gated(
            usage.features.of_operation(&operation.name),
            client_method(api, operation),
        );
        match groups
            .iter_mut()
            .find(|(security, _)| **security == operation.security)
        {
            Some((_, methods)) => methods.push(method),
            None => groups.push((&operation.security, vec![method])),
        }
    }
    let blocks = groups.into_iter().map(|(security, methods)| {
        let header = match security {
            Security::OneOf(accepted) if accepted.len() == 1 => {
                let scheme = api
                    .security_schemes
                    .iter()
                    .find(|scheme| scheme.name == accepted[0]);
                match scheme {
                    Some(scheme) => {
                        let name = ident(&scheme.type_name);
                        quote!(impl Client<crate::auth::#name>)
                    }
                    None => quote!(impl<C> Client<C>),
                }
            }
            Security::OneOf(accepted) => {
                match api
                    .credential_sets
                    .iter()
                    .find(|set| set.schemes == *accepted)
                {
                    Some(set) => {
                        let name = ident(&set.name);
                        quote!(impl<C: crate::auth::#name> Client<C>)
                    }
                    None => quote!(impl<C> Client<C>),
                }
            }
            Security::Anyone => quote!(impl<C> Client<C>),
        };
        quote! {
            #header {
                #(#methods)*
            }
        }
    });
    quote!(#(#blocks)*)
}

/// Required parameters in call order: path parameters as the template orders them, then the rest.
fn required_parameters(operation: &Operation) -> Vec<&Parameter> {
    let mut required: Vec<&Parameter> = operation
        .parameters
        .iter()
        .filter(|parameter| parameter.required)
        .collect();
    required.sort_by_key(|parameter| match parameter.location {
        ParameterLocation::Path => operation
            .path
            .find(&format!("{{{}}}", parameter.wire_name))
            .unwrap_or(usize::MAX),
        _ => usize::MAX,
    });
    required
}

fn optional_parameters(operation: &Operation) -> impl Iterator<Item = &Parameter> {
    operation
        .parameters
        .iter()
        .filter(|parameter| !parameter.required)
}

/// The argument type a caller passes for a value of `ty`.
fn argument_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(impl Into<String>),
        other => type_tokens(other, Scope::Elsewhere),
    }
}

fn argument_value(name: &proc_macro2::Ident, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(#name.into()),
        _ => quote!(#name),
    }
}

fn parameter_docs(parameter: &Parameter) -> Vec<String> {
    let location = match parameter.location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    };
    let mut extra = Vec::new();
    if let Some(note) = docs::constraint_note(&parameter.constraints) {
        extra.push(note);
    }
    extra.push(format!(
        "Sent as the `{}` {location} parameter.",
        docs::inline_code(&parameter.wire_name)
    ));
    docs::lines(&parameter.docs, &extra)
}

/// Which credentials an operation accepts, with the scopes it names.
fn authentication_note(api: &Api, operation: &Operation) -> String {
    let Security::OneOf(accepted) = &operation.security else {
        return "Authentication: none needed; every client has this operation.".to_owned();
    };
    let alternatives: Vec<String> = accepted
        .iter()
        .map(|wire| {
            let name = api
                .security_schemes
                .iter()
                .find(|scheme| scheme.name == *wire)
                .map_or(wire.as_str(), |scheme| scheme.type_name.as_str());
            let scopes = operation
                .scopes
                .iter()
                .find(|(scheme, _)| scheme == wire)
                .map(|(_, scopes)| {
                    let list: Vec<String> = scopes
                        .iter()
                        .map(|scope| format!("`{}`", docs::inline_code(scope)))
                        .collect();
                    format!(" with scope {}", list.join(", "))
                })
                .unwrap_or_default();
            format!("[`{name}`](crate::auth::{name}){scopes}")
        })
        .collect();
    format!(
        "Authentication: {}; only clients built with {} have this method.",
        alternatives.join(" or "),
        if alternatives.len() == 1 {
            "it"
        } else {
            "one of these"
        }
    )
}

fn operation_docs(api: &Api, operation: &Operation) -> Vec<String> {
    let extra = vec![format!(
        "`{} {}`",
        operation.method.as_str(),
        docs::inline_code(&operation.path)
    )];
    let mut lines = docs::lines(&operation.docs, &extra);
    if operation.docs.summary.is_none() && operation.docs.description.is_none() {
        lines.insert(0, String::new());
        lines.insert(0, format!("Calls `{}`.", operation.operation_id));
    }
    if let Some(server) = &operation.server {
        lines.push(String::new());
        lines.push(format!(
            "Server: `{}`, this operation's own, while the client uses the API's server; a base \
             URL given to [`Client::from_config`](crate::Client::from_config) serves it too.",
            docs::inline_code(server)
        ));
    }
    // Written here, not taken from the document, so its links stay links.
    lines.push(String::new());
    lines.push(authentication_note(api, operation));
    lines
}

fn client_method(api: &Api, operation: &Operation) -> TokenStream {
    let method = ident(&operation.name);
    let builder = ident(&operation.type_name);
    let mut arguments = Vec::new();
    let mut values = Vec::new();
    for parameter in required_parameters(operation) {
        let name = ident(&parameter.name);
        let ty = argument_type(&parameter.ty);
        values.push(argument_value(&name, &parameter.ty));
        arguments.push(quote!(#name: #ty));
    }
    if let Some(body) = operation.body.as_ref().filter(|body| body.required) {
        let ty = type_tokens(&body.ty, Scope::Elsewhere);
        arguments.push(quote!(body: #ty));
        values.push(quote!(body));
    }
    let mut lines = operation_docs(api, operation);
    let mut arguments_doc = Vec::new();
    for parameter in required_parameters(operation) {
        arguments_doc.push(format!("- `{}`:", parameter.name));
        arguments_doc.extend(
            parameter_docs(parameter)
                .into_iter()
                .map(|line| format!("  {line}")),
        );
    }
    if let Some(body) = operation.body.as_ref().filter(|body| body.required) {
        arguments_doc.push("- `body`: the request body.".to_owned());
        if let Some(description) = &body.docs.description {
            let body_docs = docs::prose(description);
            arguments_doc.extend(body_docs.into_iter().map(|line| format!("  {line}")));
        }
    }
    if !arguments_doc.is_empty() {
        lines.push(String::new());
        lines.push("Arguments:".to_owned());
        lines.push(String::new());
        lines.extend(arguments_doc);
    }
    lines.push(String::new());
    lines.push(format!(
        "Returns a [`{0}`](crate::operations::{0}) builder: set optional parameters on it, then `send().await`.",
        operation.type_name
    ));
    let docs = docs::attributes(&lines);
    quote! {
        #docs
        pub fn #method(&self, #(#arguments),*) -> crate::operations::#builder<'_> {
            crate::operations::#builder::new(&self.http, #(#values),*)
        }
    }
}

fn builder(operation: &Operation, usage: &Usage<'_>) -> TokenStream {
    let name = ident(&operation.type_name);
    let method = &operation.name;
    let struct_doc = format!(
        " A `{} {}` request, started by [`Client::{method}`](crate::Client::{method}).",
        operation.method.as_str(),
        docs::inline_code(&operation.path)
    );
    let required = required_parameters(operation);
    let optional: Vec<&Parameter> = optional_parameters(operation).collect();
    let body = operation.body.as_ref();

    let mut fields = Vec::new();
    let mut constructor_arguments = Vec::new();
    let mut constructor_fields = Vec::new();
    for parameter in &required {
        let field = ident(&parameter.name);
        let ty = type_tokens(&parameter.ty, Scope::Elsewhere);
        fields.push(quote!(#field: #ty,));
        constructor_arguments.push(quote!(#field: #ty));
        constructor_fields.push(quote!(#field,));
    }
    for parameter in &optional {
        let field = ident(&parameter.name);
        let ty = type_tokens(&parameter.ty, Scope::Elsewhere);
        fields.push(quote!(#field: Option<#ty>,));
        constructor_fields.push(quote!(#field: None,));
    }
    if let Some(body) = body {
        let ty = type_tokens(&body.ty, Scope::Elsewhere);
        if body.required {
            fields.push(quote!(body: #ty,));
            constructor_arguments.push(quote!(body: #ty));
            constructor_fields.push(quote!(body,));
        } else {
            fields.push(quote!(body: Option<#ty>,));
            constructor_fields.push(quote!(body: None,));
        }
    }

    let setters = optional.iter().map(|parameter| {
        let field = ident(&parameter.name);
        let ty = argument_type(&parameter.ty);
        let value = argument_value(&field, &parameter.ty);
        let docs = docs::attributes(&parameter_docs(parameter));
        quote! {
            #docs
            pub fn #field(mut self, #field: #ty) -> Self {
                self.#field = Some(#value);
                self
            }
        }
    });
    let body_setter = body.filter(|body| !body.required).map(|body| {
        let ty = type_tokens(&body.ty, Scope::Elsewhere);
        let docs = docs::attributes(&docs::lines(&body.docs, &["The request body.".to_owned()]));
        quote! {
            #docs
            pub fn body(mut self, body: #ty) -> Self {
                self.body = Some(body);
                self
            }
        }
    });

    let check = check(operation, usage);
    let send = send(operation, &required, &optional, check.is_some());
    let multipart = body
        .filter(|body| body.encoding == BodyEncoding::Multipart)
        .map(|body| multipart_parts(body, usage));
    let items = operation
        .pagination
        .as_ref()
        .map(|pagination| items(operation, pagination));
    let id = &operation.operation_id;
    let http_method = format_ident!("{}", operation.method.as_str());
    let path = &operation.path;
    let idempotent = operation.idempotent == Idempotency::Always;
    let server = match &operation.server {
        Some(url) => quote!(Some(#url)),
        None => quote!(None),
    };
    let operation_const = quote! {
        /// How the client names and retries this operation.
        const OPERATION: client_runtime::Operation = client_runtime::Operation {
            id: #id,
            method: client_runtime::Method::#http_method,
            path: #path,
            idempotent: #idempotent,
            server: #server,
        };
    };
    quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `send` is awaited"]
        pub struct #name<'a> {
            client: &'a client_runtime::HttpClient,
            #(#fields)*
        }

        impl<'a> #name<'a> {
            #operation_const

            pub(crate) fn new(client: &'a client_runtime::HttpClient, #(#constructor_arguments),*) -> Self {
                Self { client, #(#constructor_fields)* }
            }

            #(#setters)*
            #body_setter
            #check
            #multipart
            #send
            #items
        }
    }
}

/// A method checking parameters and body against the API's rules, if any apply.
fn check(operation: &Operation, usage: &Usage<'_>) -> Option<TokenStream> {
    let mut statements = Vec::new();
    for parameter in &operation.parameters {
        let header = parameter.location == ParameterLocation::Header;
        let path =
            parameter.location == ParameterLocation::Path && may_be_dot_segment(usage, parameter);
        let holds_checked = usage.holds_checked(&parameter.ty);
        if !header
            && !path
            && !holds_checked
            && !usage.has_rules(&parameter.constraints, &parameter.ty)
        {
            continue;
        }
        let field = ident(&parameter.name);
        let value = quote!(value);
        let mut checks = rules::checks(
            usage,
            &parameter.wire_name,
            &value,
            &parameter.ty,
            &parameter.constraints,
        );
        if holds_checked {
            // A value's own fields are named from the parameter: `color.r`.
            let wire = &parameter.wire_name;
            checks.push(quote!(client_runtime::validate::nested(#wire, value)?;));
        }
        if header {
            // A line break would end the header early: refuse it by name, before sending.
            let wire = &parameter.wire_name;
            let text = header_text(parameter, &quote!(value));
            checks.push(quote! {
                client_runtime::validate::header_value(#wire, #text)?;
            });
        }
        if path {
            // `..` would climb out of the operation's path; refuse it by name, before sending.
            let wire = &parameter.wire_name;
            let text = if usage.kind(&parameter.ty) == ValueKind::Text {
                quote!(value)
            } else {
                header_text(parameter, &quote!(value))
            };
            checks.push(quote! {
                client_runtime::validate::path_segment(#wire, #text)?;
            });
        }
        statements.push(if parameter.required {
            quote!({ let value = &self.#field; #(#checks)* })
        } else {
            quote!(if let Some(value) = &self.#field { #(#checks)* })
        });
    }
    if let Some(body) = &operation.body {
        let value = quote!(value);
        let mut checks = rules::checks(usage, "body", &value, &body.ty, &body.constraints);
        if usage.holds_checked(&body.ty) {
            // The body's own fields are named from its root: `location.lat`, not `body.location.lat`.
            checks.push(quote!(client_runtime::Validate::validate(value)?;));
        }
        if !checks.is_empty() {
            statements.push(if body.required {
                quote!({ let value = &self.body; #(#checks)* })
            } else {
                quote!(if let Some(value) = &self.body { #(#checks)* })
            });
        }
    }
    if statements.is_empty() {
        return None;
    }
    Some(quote! {
        /// The first parameter or body value that breaks a rule of the API description.
        fn check(&self) -> Result<(), client_runtime::ValidationError> {
            #(#statements)*
            Ok(())
        }
    })
}

/// Whether a path parameter can have the text `""`, `.` or `..` once its other rules pass: not a
/// number, boolean, UUID or date (whose text never is), and not held by a `minLength` or a
/// `pattern` that refuses all three already.
fn may_be_dot_segment(usage: &Usage<'_>, parameter: &Parameter) -> bool {
    let never_dots = matches!(
        usage.resolve(&parameter.ty),
        TypeRef::Int32
            | TypeRef::Int64
            | TypeRef::Float
            | TypeRef::Double
            | TypeRef::Boolean
            | TypeRef::Uuid
            | TypeRef::Date
            | TypeRef::DateTime
    );
    let constraints = &parameter.constraints;
    let ruled_out = usage.kind(&parameter.ty) == ValueKind::Text
        && (constraints.min_length.is_some_and(|min| min >= 3)
            || constraints
                .pattern_regex
                .as_deref()
                .and_then(|pattern| regex::Regex::new(pattern).ok())
                .is_some_and(|pattern| ["", ".", ".."].iter().all(|text| !pattern.is_match(text))));
    !never_dots && !ruled_out
}

fn send(
    operation: &Operation,
    required: &[&Parameter],
    optional: &[&Parameter],
    checked: bool,
) -> TokenStream {
    let error = error_name(operation);
    let success = match &operation.success.ty {
        _ if !operation.success.variants.is_empty() => {
            let name = ident(&success_name(operation));
            quote!(#name)
        }
        Some(ty) => type_tokens(ty, Scope::Elsewhere),
        None => quote!(()),
    };
    let path = path_expression(operation);
    let query_parameters: Vec<&&Parameter> = required
        .iter()
        .chain(optional)
        .filter(|parameter| parameter.location == ParameterLocation::Query)
        .collect();
    let properties: Vec<TokenStream> = required
        .iter()
        .chain(optional)
        .filter(|parameter| spelled_by_properties(parameter))
        .map(|parameter| properties_statement(parameter))
        .collect();
    let query = (!query_parameters.is_empty()).then(|| {
        let pushes = query_parameters.iter().map(|parameter| {
            let wire = &parameter.wire_name;
            let value = parameter_value(parameter);
            let list = matches!(parameter.ty, TypeRef::List(_));
            match parameter.style {
                ParameterStyle::DeepObject => quote! {
                    query.push_deep_object(#wire, #value).map_err(client_runtime::Error::InvalidRequest)?;
                },
                ParameterStyle::FormExploded if parameter.is_object => quote!(query.push_properties(#value);),
                ParameterStyle::FormExploded if list => quote!(query.push_each(#wire, #value);),
                ParameterStyle::SpaceDelimited if list => quote!(query.push_joined(#wire, #value, " ");),
                ParameterStyle::PipeDelimited if list => quote!(query.push_joined(#wire, #value, "|");),
                // A list's `ParamValue` is comma-joined.
                _ => quote!(query.push(#wire, #value);),
            }
        });
        quote! {
            let mut query = client_runtime::Query::new();
            #(#pushes)*
            request = request.query(query.pairs());
        }
    });
    let headers: Vec<TokenStream> = required.iter().chain(optional).filter(|parameter| parameter.location == ParameterLocation::Header).map(|parameter| {
        let wire = &parameter.wire_name;
        let place = parameter_place(parameter);
        if parameter.required {
            quote!(request = request.header(#wire, client_runtime::ParamValue::to_param(&#place));)
        } else {
            quote! {
                if let Some(value) = &#place {
                    request = request.header(#wire, client_runtime::ParamValue::to_param(value));
                }
            }
        }
    }).collect();
    let cookies = cookie_statements(required, optional);
    let body = operation.body.as_ref().map(|body| {
        if body.required {
            encode_body(body, &quote!(self.body))
        } else {
            let encode = encode_body(body, &quote!(body));
            quote! {
                if let Some(body) = self.body {
                    #encode
                }
            }
        }
    });
    let mut arms: Vec<TokenStream> = Vec::new();
    // `load` keeps errors in status order, so exact codes come out ascending.
    let errors = &operation.errors;
    for error_response in errors
        .iter()
        .filter(|e| matches!(e.status, StatusCode::Code(_)))
    {
        arms.push(error_arm(&error, error_response));
    }
    arms.extend(success_arms(operation));
    for error_response in errors
        .iter()
        .filter(|e| !matches!(e.status, StatusCode::Code(_)))
    {
        arms.push(error_arm(&error, error_response));
    }
    if !errors.iter().any(|e| e.status == StatusCode::Default) {
        arms.push(quote!(_ => Err(response.unexpected()),));
    }

    let mut lines = vec![
        "Sends the request and decodes the response.".to_owned(),
        String::new(),
    ];
    if let Some(description) = &operation.success.docs.description {
        let success_docs = docs::prose(description);
        lines.push("On success:".to_owned());
        lines.extend(success_docs);
        lines.push(String::new());
    }
    if !operation.success.variants.is_empty() {
        lines.push(format!(
            "The success statuses carry different bodies, so the body is a [`{}`], one variant \
             per documented status; an undocumented 2xx status is \
             [`Error::UnexpectedStatus`](client_runtime::Error::UnexpectedStatus).",
            success_name(operation)
        ));
        lines.push(String::new());
    }
    if let Some(body) = operation.body.as_ref().filter(|body| {
        matches!(
            body.encoding,
            BodyEncoding::FormUrlEncoded | BodyEncoding::Multipart
        )
    }) {
        lines.push(format!(
            "The body is sent as `{}`; a value that media type cannot carry is refused before \
             sending, as [`Error::InvalidRequest`](client_runtime::Error::InvalidRequest).",
            docs::inline_code(&body.content_type)
        ));
        lines.push(String::new());
    }
    if checked {
        lines.push(
            "A parameter or body that breaks a rule of the API description is refused before \
             anything is sent, as [`Error::InvalidRequest`](client_runtime::Error::InvalidRequest)."
                .to_owned(),
        );
        lines.push(String::new());
    }
    lines.push(format!(
        "A documented error status becomes [`Error::Api`](client_runtime::Error::Api) holding a [`{}`]; \
         transport failures, undocumented statuses and bodies that do not decode are the other \
         [`Error`](client_runtime::Error) variants.",
        error
    ));
    let docs = docs::attributes(&lines);
    let error = ident(&error);
    let mutable = (query.is_some() || !headers.is_empty() || body.is_some() || cookies.is_some())
        .then(|| quote!(mut));
    let (operation_value, operation_ref) = match &operation.idempotent {
        Idempotency::WhenBodyFieldSet(field) => {
            let field = ident(field);
            let body = if operation.body.as_ref().is_some_and(|body| body.required) {
                quote!(self.body.#field.is_some())
            } else {
                quote!(self.body.as_ref().is_some_and(|body| body.#field.is_some()))
            };
            (
                Some(quote! {
                    // Repeating it is safe when the body carries the property that makes it so.
                    let operation = client_runtime::Operation { idempotent: #body, ..Self::OPERATION };
                }),
                quote!(operation),
            )
        }
        _ => (None, quote!(Self::OPERATION)),
    };
    let check =
        checked.then(|| quote!(self.check().map_err(client_runtime::Error::InvalidRequest)?;));
    quote! {
        #docs
        pub async fn send(self) -> Result<client_runtime::Response<#success>, client_runtime::Error<#error>> {
            #check
            #(#properties)*
            #operation_value
            let #mutable request = self.client.request(&#operation_ref, #path);
            #query
            #(#headers)*
            #cookies
            #body
            let response = self.client.send(&#operation_ref, request).await?;
            match response.status().as_u16() {
                #(#arms)*
            }
        }
    }
}

/// `items()`: every item of every page from the builder's page on, as a stream.
fn items(operation: &Operation, pagination: &Pagination) -> TokenStream {
    let error = ident(&error_name(operation));
    let item = type_tokens(&pagination.item_type, Scope::Elsewhere);
    let page = ident(&pagination.page_parameter);
    let page_type = type_tokens(&pagination.page_type, Scope::Elsewhere);
    let items_field = ident(&pagination.items_field);
    let path = |fields: &[String]| {
        let fields = fields.iter().map(|field| ident(field));
        quote!(body #(.#fields)*)
    };
    let next = match &pagination.next {
        NextPage::Flag(fields) => {
            let flag = path(fields);
            quote!(if #flag { page.checked_add(1) } else { None })
        }
        NextPage::PageCount(fields) => {
            let count = path(fields);
            quote!(if i64::from(page) < i64::from(#count) { page.checked_add(1) } else { None })
        }
    };
    let method = &operation.name;
    let docs = docs::attributes(&[
        format!(
            "Every item of every page, from this request's `{}` (or the first page) on, as a \
             stream: the next page is fetched, with the same parameters, once the items before \
             it have been read. [`Client::{method}`](crate::Client::{method}) with `send` gets \
             one page.",
            pagination.page_parameter
        ),
        String::new(),
        "An error ends the stream after it is yielded; so does an empty page.".to_owned(),
    ]);
    quote! {
        #docs
        pub fn items(self) -> client_runtime::pagination::Items<'a, #item, #error> {
            let first: #page_type = self.#page.unwrap_or(1);
            client_runtime::pagination::items(first, move |page: #page_type| {
                let request = Self { #page: Some(page), ..self.clone() };
                async move {
                    let body = request.send().await?.into_body();
                    let next = #next;
                    Ok(client_runtime::Page { items: body.#items_field, next })
                }
            })
        }
    }
}

fn error_arm(error: &str, response: &ErrorResponse) -> TokenStream {
    let error = ident(error);
    let variant = ident(&response.variant);
    let pattern = status_pattern(response.status);
    match (&response.ty, response.encoding) {
        (None, _) => quote!(#pattern => Err(response.error_without_body(#error::#variant)),),
        (Some(_), BodyEncoding::Text) => {
            quote!(#pattern => Err(response.error_text(#error::#variant)),)
        }
        (Some(_), BodyEncoding::Binary) => {
            quote!(#pattern => Err(response.error_bytes(#error::#variant)),)
        }
        (Some(_), _) => quote!(#pattern => Err(response.error(#error::#variant)),),
    }
}

/// Whether the parameter is sent from a [`client_runtime::Properties`] of its value: objects in
/// every style but `deepObject`, which spells nested objects itself.
fn spelled_by_properties(parameter: &Parameter) -> bool {
    parameter.is_object && parameter.style != ParameterStyle::DeepObject
}

/// The local holding a parameter's `Properties`.
fn properties_local(parameter: &Parameter) -> proc_macro2::Ident {
    format_ident!("{}_properties", parameter.name.trim_start_matches("r#"))
}

/// `let color_properties = client_runtime::Properties::of("color", &self.color)…?;`: an object
/// parameter's properties spelled in its style, refused before sending when they cannot be.
fn properties_statement(parameter: &Parameter) -> TokenStream {
    let wire = &parameter.wire_name;
    let field = ident(&parameter.name);
    let local = properties_local(parameter);
    let spelling = properties_spelling(parameter);
    if parameter.required {
        quote! {
            let #local = client_runtime::Properties::of(#wire, &self.#field)
                .map_err(client_runtime::Error::InvalidRequest)? #spelling;
        }
    } else {
        let properties = match spelling {
            Some(spelling) => quote! {
                client_runtime::Properties::of(#wire, value).map(|properties| properties #spelling)
            },
            None => quote!(client_runtime::Properties::of(#wire, value)),
        };
        quote! {
            let #local = self.#field.as_ref().map(|value| #properties).transpose()
                .map_err(client_runtime::Error::InvalidRequest)?;
        }
    }
}

/// How the parameter's style spells its `Properties`, beyond the default `key,value`.
fn properties_spelling(parameter: &Parameter) -> Option<TokenStream> {
    match parameter.style {
        ParameterStyle::SimpleExploded => Some(quote!(.exploded())),
        ParameterStyle::SpaceDelimited => Some(quote!(.separated_by(" "))),
        ParameterStyle::PipeDelimited => Some(quote!(.separated_by("|"))),
        _ => None,
    }
}

/// The text a header parameter sends for `value` (a reference to its value), as an expression
/// of type `&String`; in a function returning a `ValidationError`, as an object's properties can
/// be refused.
pub(crate) fn header_text(parameter: &Parameter, value: &TokenStream) -> TokenStream {
    if spelled_by_properties(parameter) {
        let wire = &parameter.wire_name;
        let spelling = properties_spelling(parameter);
        quote!(&client_runtime::ParamValue::to_param(&client_runtime::Properties::of(#wire, #value)? #spelling))
    } else {
        quote!(&client_runtime::ParamValue::to_param(#value))
    }
}

/// Where the parameter's value to send is: its field, or the local holding its `Properties`.
fn parameter_place(parameter: &Parameter) -> TokenStream {
    if spelled_by_properties(parameter) {
        let local = properties_local(parameter);
        quote!(#local)
    } else {
        let field = ident(&parameter.name);
        quote!(self.#field)
    }
}

/// The parameter's value to send as an `Option<&_>`.
fn parameter_value(parameter: &Parameter) -> TokenStream {
    let place = parameter_place(parameter);
    if parameter.required {
        quote!(Some(&#place))
    } else {
        quote!(#place.as_ref())
    }
}

/// `format_args!("/tickets/{}/cancel", PathSegment(&self.id))` for the operation's path template.
fn path_expression(operation: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut arguments = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else {
            break;
        };
        template.push_str(&format_literal(&rest[..open]));
        let wire = &rest[open + 1..close];
        match operation.parameters.iter().find(|parameter| {
            parameter.location == ParameterLocation::Path && parameter.wire_name == wire
        }) {
            Some(parameter) => {
                template.push_str("{}");
                let place = parameter_place(parameter);
                arguments.push(quote!(client_runtime::PathSegment(&#place)));
            }
            // An undeclared placeholder is sent as written.
            None => template.push_str(&format_literal(&rest[open..=close])),
        }
        rest = &rest[close + 1..];
    }
    template.push_str(&format_literal(rest));
    if arguments.is_empty() {
        // No parameter to write in: the path as the document gives it, braces and all.
        let path = &operation.path;
        quote!(#path)
    } else {
        // Written straight into the URL, each parameter encoded on the way.
        quote!(format_args!(#template, #(#arguments),*))
    }
}

/// `text` as it reads in a `format_args!` template: every brace doubled.
fn format_literal(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

fn error_name(operation: &Operation) -> String {
    naming::error_type_name(&operation.type_name)
}

fn error_enum(operation: &Operation) -> TokenStream {
    let name = ident(&error_name(operation));
    let method = &operation.name;
    let doc = format!(
        " The error responses documented for [`Client::{method}`](crate::Client::{method})."
    );
    let variants = operation
        .errors
        .iter()
        .map(|error| status_variant(&error.variant, error.status, &error.docs, error.ty.as_ref()));
    let display_arms = operation.errors.iter().map(|error| {
        let variant = ident(&error.variant);
        let message = format!("{} ({})", status_text(error.status), error.variant);
        match &error.ty {
            Some(_) => quote!(Self::#variant(_) => f.write_str(#message),),
            None => quote!(Self::#variant => f.write_str(#message),),
        }
    });
    let (formatter, display_body) = if operation.errors.is_empty() {
        (quote!(_), quote!(match *self {}))
    } else {
        (quote!(f), quote!(match self { #(#display_arms)* }))
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, #formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display_body
            }
        }

        impl std::error::Error for #name {}
    }
}

/// A variant of an operation's success or error enum: the status's body, or none.
fn status_variant(
    name: &str,
    status: StatusCode,
    response_docs: &crate::model::Docs,
    ty: Option<&TypeRef>,
) -> TokenStream {
    let name = ident(name);
    let mut lines = vec![format!("Status {}.", status_text(status))];
    if let Some(description) = &response_docs.description {
        lines.push(String::new());
        lines.extend(docs::prose(description));
    }
    let docs = docs::attributes(&lines);
    match ty {
        Some(ty) => {
            let ty = type_tokens(ty, Scope::Elsewhere);
            quote!(#docs #name(#ty),)
        }
        None => quote!(#docs #name,),
    }
}

fn status_text(status: StatusCode) -> String {
    match status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(class) => format!("{class}XX"),
        StatusCode::Default => "other than documented".to_owned(),
    }
}

/// The `match` pattern of a status.
fn status_pattern(status: StatusCode) -> TokenStream {
    match status {
        StatusCode::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusCode::Range(class) => {
            let low = proc_macro2::Literal::u16_unsuffixed(u16::from(class) * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(u16::from(class) * 100 + 99);
            quote!(#low..=#high)
        }
        StatusCode::Default => quote!(_),
    }
}

/// The call reading a success body of `ty` sent as `encoding`, giving a `Response`.
fn decode_success(ty: Option<&TypeRef>, encoding: BodyEncoding) -> TokenStream {
    match (ty, encoding) {
        (None, _) => quote!(response.empty()),
        (Some(_), BodyEncoding::Text) => quote!(response.text()),
        (Some(_), BodyEncoding::Binary) => quote!(response.bytes()),
        (Some(_), _) => quote!(response.json()),
    }
}

/// The `match` arms of the success statuses: every 2xx to the one body type, or each
/// documented status to its variant of the success enum (exact codes first, as `load` sorts them).
fn success_arms(operation: &Operation) -> Vec<TokenStream> {
    let success = &operation.success;
    if success.variants.is_empty() {
        let decode = decode_success(success.ty.as_ref(), success.encoding);
        return vec![quote!(200..=299 => #decode,)];
    }
    let name = ident(&success_name(operation));
    let mut arms: Vec<TokenStream> = success
        .variants
        .iter()
        .map(|variant| {
            let pattern = status_pattern(variant.status);
            let decode = decode_success(variant.ty.as_ref(), variant.encoding);
            let constructor = ident(&variant.variant);
            match &variant.ty {
                Some(ty) => {
                    let ty = type_tokens(ty, Scope::Elsewhere);
                    quote! {
                        #pattern => #decode.map(|response: client_runtime::Response<#ty>| {
                            response.map(#name::#constructor)
                        }),
                    }
                }
                None => quote!(#pattern => #decode.map(|response| response.map(|()| #name::#constructor)),),
            }
        })
        .collect();
    let any_2xx = success
        .variants
        .iter()
        .any(|variant| variant.status == StatusCode::Range(2));
    let default_error = operation
        .errors
        .iter()
        .any(|error| error.status == StatusCode::Default);
    if !any_2xx && default_error {
        // An undocumented success is not the `default` error; a guard, since a range arm would
        // overlap the exact codes above.
        arms.push(quote!(status if (200..300).contains(&status) => Err(response.unexpected()),));
    }
    arms
}

fn success_name(operation: &Operation) -> String {
    naming::success_type_name(&operation.type_name)
}

/// The enum of success bodies, when the success statuses carry different ones.
fn success_enum(operation: &Operation) -> Option<TokenStream> {
    if operation.success.variants.is_empty() {
        return None;
    }
    let name = ident(&success_name(operation));
    let method = &operation.name;
    let doc = format!(
        " The success responses documented for [`Client::{method}`](crate::Client::{method}), \
         one variant per status."
    );
    let variants = operation
        .success
        .variants
        .iter()
        .map(|variant: &SuccessVariant| {
            status_variant(
                &variant.variant,
                variant.status,
                &variant.docs,
                variant.ty.as_ref(),
            )
        });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    })
}

/// The media type sent with a text or binary body: as the document writes it, or the generic
/// one for a range such as `image/*`.
fn concrete_content_type(body: &RequestBody) -> String {
    if body.content_type.contains('*') {
        match body.encoding {
            BodyEncoding::Text => "text/plain".to_owned(),
            _ => "application/octet-stream".to_owned(),
        }
    } else {
        body.content_type.clone()
    }
}

/// Statements adding the request body `value` (an owned expression) to `request`, encoded as its
/// media type says. Form and multipart bodies that cannot be encoded are refused before sending.
fn encode_body(body: &RequestBody, value: &TokenStream) -> TokenStream {
    let content_type = quote!(client_runtime::reqwest::header::CONTENT_TYPE);
    match body.encoding {
        BodyEncoding::Json => quote!(request = request.json(&#value);),
        BodyEncoding::FormUrlEncoded => quote! {
            let text = client_runtime::body::form_urlencoded(&#value)
                .map_err(client_runtime::Error::InvalidRequest)?;
            request = request
                .header(#content_type, client_runtime::body::FORM_URLENCODED)
                .body(text);
        },
        BodyEncoding::Multipart => quote! {
            let parts = Self::multipart(&#value).map_err(client_runtime::Error::InvalidRequest)?;
            request = request.multipart(parts.into_form());
        },
        BodyEncoding::Text | BodyEncoding::Binary => {
            let media_type = concrete_content_type(body);
            quote!(request = request.header(#content_type, #media_type).body(#value);)
        }
    }
}

/// `multipart()`: the parts of a multipart body, one per property (see
/// `client_runtime::Multipart`); binary properties are raw parts with their file names.
fn multipart_parts(body: &RequestBody, usage: &Usage<'_>) -> TokenStream {
    let ty = type_tokens(&body.ty, Scope::Elsewhere);
    let mut statements = Vec::new();
    let struct_fields = match usage.resolve(&body.ty) {
        TypeRef::Named(name) => match usage.def(name).map(|def| &def.kind) {
            Some(TypeKind::Struct { fields, additional }) => Some((fields, additional)),
            _ => None,
        },
        _ => None,
    };
    match struct_fields {
        Some((fields, additional)) => {
            for field in fields {
                let wire = &field.wire_name;
                let name = ident(&field.name);
                let presence_layers = match field.presence {
                    Presence::Required | Presence::Defaulted => 0,
                    Presence::Optional | Presence::Nullable => 1,
                    Presence::OptionalNullable => 2,
                };
                statements.push(match binary_layers(&field.ty, usage) {
                    Some(layers) => {
                        let flatten = (0..presence_layers + layers).map(|_| quote!(.flatten()));
                        quote!(parts = parts.binary(#wire, std::iter::once(&body.#name) #(#flatten)*)?;)
                    }
                    None => quote!(parts = parts.field(#wire, &body.#name)?;),
                });
            }
            if additional.is_some() {
                statements.push(quote! {
                    for (name, value) in &body.additional_properties {
                        parts = parts.field(name, value)?;
                    }
                });
            }
        }
        // A map or free-form object: one part per entry.
        None => statements.push(quote! {
            for (name, value) in body {
                parts = parts.field(name, value)?;
            }
        }),
    }
    quote! {
        /// The body as multipart parts, one per property.
        fn multipart(body: &#ty) -> Result<client_runtime::Multipart, client_runtime::ValidationError> {
            let mut parts = client_runtime::Multipart::new();
            #(#statements)*
            Ok(parts)
        }
    }
}

/// How many `Option`/`Vec` layers wrap a binary value of `ty`, when it holds one.
fn binary_layers(ty: &TypeRef, usage: &Usage<'_>) -> Option<usize> {
    match usage.resolve(ty) {
        TypeRef::Binary => Some(0),
        TypeRef::List(inner) | TypeRef::Nullable(inner) => {
            binary_layers(inner, usage).map(|layers| layers + 1)
        }
        _ => None,
    }
}

/// The statements sending the cookie parameters, all in one `Cookie` header.
fn cookie_statements(required: &[&Parameter], optional: &[&Parameter]) -> Option<TokenStream> {
    let pushes: Vec<TokenStream> = required
        .iter()
        .chain(optional)
        .filter(|parameter| parameter.location == ParameterLocation::Cookie)
        .map(|parameter| {
            let wire = &parameter.wire_name;
            let value = parameter_value(parameter);
            quote!(cookies.push(#wire, #value);)
        })
        .collect();
    (!pushes.is_empty()).then(|| {
        quote! {
            let mut cookies = client_runtime::Cookies::new();
            #(#pushes)*
            if let Some(cookie) = cookies.header() {
                request = request.header(client_runtime::reqwest::header::COOKIE, cookie);
            }
        }
    })
}
