//! `operations.rs` of a generated crate: per operation a request builder and an error enum, and
//! the `Client` methods that start each request.

use super::docs;
use super::rules;
use super::types::Scope;
use super::{ident, type_tokens};
use crate::model::usage::Usage;
use crate::model::{
    Api, ErrorResponse, Operation, Parameter, ParameterLocation, StatusCode, TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The `operations` module.
pub(crate) fn module(api: &Api, usage: &Usage<'_>) -> TokenStream {
    let items = api.operations.iter().map(|operation| {
        let builder = builder(operation, usage);
        let error = error_enum(operation);
        quote!(#builder #error)
    });
    quote! {
        //! One request builder per operation, and the errors each operation documents.
        //!
        //! Start a request with the matching [`Client`](crate::Client) method, set optional
        //! parameters on the builder, then `send().await` it.
        #(#items)*
    }
}

/// The `impl Client` block with one method per operation.
pub(crate) fn client_methods(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(client_method);
    quote! {
        impl Client {
            #(#methods)*
        }
    }
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

fn operation_docs(operation: &Operation) -> Vec<String> {
    let mut extra = vec![format!(
        "`{} {}`",
        operation.method.as_str(),
        docs::inline_code(&operation.path)
    )];
    if !operation.security.is_empty() {
        let alternatives: Vec<String> = operation
            .security
            .iter()
            .map(|schemes| {
                schemes
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        extra.push(format!("Authentication: {}.", alternatives.join(" or ")));
    }
    let mut lines = docs::lines(&operation.docs, &extra);
    if operation.docs.summary.is_none() && operation.docs.description.is_none() {
        lines.insert(0, String::new());
        lines.insert(0, format!("Calls `{}`.", operation.operation_id));
    }
    lines
}

fn client_method(operation: &Operation) -> TokenStream {
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
    let mut lines = operation_docs(operation);
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
            crate::operations::#builder::new(self, #(#values),*)
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
    quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `send` is awaited"]
        pub struct #name<'a> {
            client: &'a crate::Client,
            #(#fields)*
        }

        impl<'a> #name<'a> {
            pub(crate) fn new(client: &'a crate::Client, #(#constructor_arguments),*) -> Self {
                Self { client, #(#constructor_fields)* }
            }

            #(#setters)*
            #body_setter
            #check
            #send
        }
    }
}

/// A method checking parameters and body against the API's rules, if any apply.
fn check(operation: &Operation, usage: &Usage<'_>) -> Option<TokenStream> {
    let mut statements = Vec::new();
    for parameter in &operation.parameters {
        if !usage.has_rules(&parameter.constraints, &parameter.ty) {
            continue;
        }
        let field = ident(&parameter.name);
        let value = quote!(value);
        let checks = rules::checks(
            usage,
            &parameter.wire_name,
            &value,
            &parameter.ty,
            &parameter.constraints,
        );
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

fn send(
    operation: &Operation,
    required: &[&Parameter],
    optional: &[&Parameter],
    checked: bool,
) -> TokenStream {
    let error = error_name(operation);
    let success = match &operation.success.ty {
        Some(ty) => type_tokens(ty, Scope::Elsewhere),
        None => quote!(()),
    };
    let http_method = format_ident!("{}", operation.method.as_str());

    let path = path_expression(operation);
    let query_parameters: Vec<&&Parameter> = required
        .iter()
        .chain(optional)
        .filter(|parameter| parameter.location == ParameterLocation::Query)
        .collect();
    let query = (!query_parameters.is_empty()).then(|| {
        let pushes = query_parameters.iter().map(|parameter| {
            let wire = &parameter.wire_name;
            let field = ident(&parameter.name);
            let value = if parameter.required {
                quote!(Some(&self.#field))
            } else {
                quote!(self.#field.as_ref())
            };
            if matches!(parameter.ty, TypeRef::List(_)) {
                quote!(query.push_each(#wire, #value);)
            } else {
                quote!(query.push(#wire, #value);)
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
        let field = ident(&parameter.name);
        if parameter.required {
            quote!(request = request.header(#wire, client_runtime::ParamValue::to_param(&self.#field));)
        } else {
            quote! {
                if let Some(value) = &self.#field {
                    request = request.header(#wire, client_runtime::ParamValue::to_param(value));
                }
            }
        }
    }).collect();
    let body = operation.body.as_ref().map(|body| {
        if body.required {
            quote!(request = request.json(&self.body);)
        } else {
            quote! {
                if let Some(body) = &self.body {
                    request = request.json(body);
                }
            }
        }
    });

    let decode_success = if operation.success.ty.is_some() {
        quote!(response.json().await)
    } else {
        quote!(response.empty().await)
    };
    let mut arms: Vec<TokenStream> = Vec::new();
    // `load` keeps errors in status order, so exact codes come out ascending.
    let errors = &operation.errors;
    for error_response in errors
        .iter()
        .filter(|e| matches!(e.status, StatusCode::Code(_)))
    {
        arms.push(error_arm(&error, error_response));
    }
    arms.push(quote!(200..=299 => #decode_success,));
    for error_response in errors
        .iter()
        .filter(|e| !matches!(e.status, StatusCode::Code(_)))
    {
        arms.push(error_arm(&error, error_response));
    }
    if !errors.iter().any(|e| e.status == StatusCode::Default) {
        arms.push(quote!(_ => Err(response.unexpected().await),));
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
    let mutable = (query.is_some() || !headers.is_empty() || body.is_some()).then(|| quote!(mut));
    let check =
        checked.then(|| quote!(self.check().map_err(client_runtime::Error::InvalidRequest)?;));
    quote! {
        #docs
        pub async fn send(self) -> Result<client_runtime::Response<#success>, client_runtime::Error<#error>> {
            #check
            let #mutable request = self.client.http().request(client_runtime::Method::#http_method, #path);
            #query
            #(#headers)*
            #body
            let response = self.client.http().send(request).await?;
            match response.status().as_u16() {
                #(#arms)*
            }
        }
    }
}

fn error_arm(error: &str, response: &ErrorResponse) -> TokenStream {
    let error = ident(error);
    let variant = ident(&response.variant);
    let pattern = match response.status {
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
    };
    if response.ty.is_some() {
        quote!(#pattern => Err(response.error(#error::#variant).await),)
    } else {
        quote!(#pattern => Err(response.error_without_body(#error::#variant).await),)
    }
}

/// `format!("/tickets/{}/cancel", encode(&self.id))` for the operation's path template.
fn path_expression(operation: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut arguments = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else {
            break;
        };
        template.push_str(&rest[..open]);
        let wire = &rest[open + 1..close];
        match operation.parameters.iter().find(|parameter| {
            parameter.location == ParameterLocation::Path && parameter.wire_name == wire
        }) {
            Some(parameter) => {
                let field = ident(&parameter.name);
                template.push_str("{}");
                arguments.push(quote!(client_runtime::encode_path_segment(&self.#field)));
            }
            // An undeclared placeholder is sent as written.
            None => template.push_str(&rest[open..=close].replace('{', "{{").replace('}', "}}")),
        }
        rest = &rest[close + 1..];
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    if arguments.is_empty() {
        quote!(#template)
    } else {
        quote!(&format!(#template, #(#arguments),*))
    }
}

fn error_name(operation: &Operation) -> String {
    format!("{}Error", operation.type_name)
}

fn error_enum(operation: &Operation) -> TokenStream {
    let name = ident(&error_name(operation));
    let method = &operation.name;
    let doc = format!(
        " The error responses documented for [`Client::{method}`](crate::Client::{method})."
    );
    let variants = operation.errors.iter().map(|error| {
        let variant = ident(&error.variant);
        let status = status_text(error.status);
        let mut lines = vec![format!("Status {status}.")];
        if let Some(description) = &error.docs.description {
            lines.push(String::new());
            lines.extend(docs::prose(description));
        }
        let docs = docs::attributes(&lines);
        match &error.ty {
            Some(ty) => {
                let ty = type_tokens(ty, Scope::Elsewhere);
                quote!(#docs #variant(#ty),)
            }
            None => quote!(#docs #variant,),
        }
    });
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

fn status_text(status: StatusCode) -> String {
    match status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(class) => format!("{class}XX"),
        StatusCode::Default => "other than documented".to_owned(),
    }
}
