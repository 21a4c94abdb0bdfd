//! The intermediate model: plain Rust data shaped for emission.
//!
//! `load` builds it from an OpenAPI document and `emit` turns it into tokens; the model itself knows
//! neither openapiv3 nor quote. Every name in it is already a valid, collision-free Rust identifier
//! (see [`naming`]); every list is in a deterministic order.

pub mod features;
pub mod naming;
pub mod pagination;
pub mod recursion;
pub mod usage;

use std::collections::BTreeMap;

/// One API, ready to emit: its metadata, named types and operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The servers the document lists, first one the default.
    pub servers: Vec<Server>,
    /// Security schemes, in document order.
    pub security_schemes: Vec<SecurityScheme>,
    /// The sets of several schemes that operations accept, each a trait of the `auth` module that
    /// the schemes' credential types implement.
    pub credential_sets: Vec<CredentialSet>,
    /// Optional header parameters the `Client` can set once for every request.
    pub client_headers: Vec<ClientHeader>,
    /// Every named type: component schemas first (in document order), then the inline ones.
    pub types: Vec<TypeDef>,
    /// Every operation, in document order (path, then method).
    pub operations: Vec<Operation>,
    /// The document's tags, in document order, with what it says of each.
    pub tags: Vec<Tag>,
    /// JSON pointers of the schemas typed as any JSON value because no Rust type expresses them
    /// (a `not`, an alias defined only by itself…), in the order met.
    pub untyped: Vec<String>,
}

/// A tag grouping operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The tag's name as operations list it.
    pub name: String,
    /// What the document says of it.
    pub description: Option<String>,
}

/// A server URL, possibly templated with `{variables}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The URL as written, `{name}` placeholders included.
    pub url: String,
    /// What the document says of it.
    pub description: Option<String>,
    /// The template's variables, in document order.
    pub variables: Vec<ServerVariable>,
}

/// One `{name}` placeholder of a server URL.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    /// The placeholder's name.
    pub name: String,
    /// The argument of `Client::new` that gives its value (snake_case), unique among the
    /// server's variables and the credential argument.
    pub argument: String,
    /// The value used when none is given.
    pub default: String,
    /// What the document says of it.
    pub description: Option<String>,
}

/// A way requests authenticate, from `components.securitySchemes`. Each becomes a credential
/// type of the generated `auth` module.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's name in the document, as security requirements list it.
    pub name: String,
    /// The credential type's Rust name (UpperCamelCase), unique among the schemes.
    pub type_name: String,
    /// What the document says of it.
    pub description: Option<String>,
    /// How the credential travels.
    pub kind: SchemeKind,
}

/// How a security scheme's credential travels.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`; also OAuth 2.0 flows other than client credentials and
    /// OpenID Connect, whose tokens the caller obtains.
    Bearer {
        /// A prefix every valid token starts with (`x-key-prefix`).
        key_prefix: Option<String>,
    },
    /// HTTP Basic: `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// `Authorization: <scheme> <credentials>` for another HTTP authentication scheme, with
    /// credentials the caller brings as they are.
    Authorization {
        /// The scheme's name, e.g. `Digest`.
        scheme: String,
    },
    /// A key sent in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ParameterLocation,
        /// The header, query or cookie name.
        name: String,
        /// A prefix every valid key starts with (`x-key-prefix`).
        key_prefix: Option<String>,
    },
    /// OAuth 2.0 client credentials: the client fetches and refreshes its bearer tokens.
    OAuth2ClientCredentials {
        /// Where tokens are fetched, possibly templated like the server URL.
        token_url: String,
        /// Scope name → description.
        scopes: BTreeMap<String, String>,
    },
}

/// Several schemes, any one of which an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSet {
    /// The trait's Rust name (UpperCamelCase), e.g. `PublicKeyOrSecretKey`.
    pub name: String,
    /// The schemes, by name, sorted.
    pub schemes: Vec<String>,
}

/// A header parameter the `Client` can send with every request, e.g. `X-Locale`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientHeader {
    /// The `Client` method that sets it (snake_case), e.g. `with_x_locale`.
    pub method: String,
    /// The parameter as its first operation declares it.
    pub parameter: Parameter,
}

/// Which credentials an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// Any, or none: the operation lists no requirement, or an empty one.
    Anyone,
    /// Any one of these schemes, by name, sorted.
    OneOf(Vec<String>),
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust identifier (UpperCamelCase).
    pub name: String,
    /// Documentation taken from the schema.
    pub docs: Docs,
    /// What kind of type it is.
    pub kind: TypeKind,
    /// JSON pointer of the schema it came from.
    pub pointer: String,
}

/// The shapes a named type can take.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// The properties, in document order.
        fields: Vec<Field>,
        /// The type of properties beyond the named ones, which the struct keeps; `None` when the
        /// schema says `additionalProperties: false` (extra properties are then ignored on decoding).
        additional: Option<TypeRef>,
    },
    /// A string enumeration. The emitted enum also keeps values the document does not list.
    Enum {
        /// The listed values.
        variants: Vec<EnumVariant>,
    },
    /// An integer enumeration. The emitted enum also keeps values the document does not list.
    IntegerEnum {
        /// The listed values.
        variants: Vec<IntegerVariant>,
    },
    /// One of several shapes (`oneOf`/`anyOf`).
    Union {
        /// The alternatives.
        variants: Vec<UnionVariant>,
        /// The property whose value names the alternative (`discriminator.propertyName`); without
        /// one, decoding tries the alternatives in order.
        discriminator: Option<String>,
    },
    /// Another name for a type (a component schema that is an array, a map, a primitive…).
    Alias(TypeRef),
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust identifier (snake_case).
    pub name: String,
    /// The property name on the wire.
    pub wire_name: String,
    /// The value's type, without the `Option` that presence adds.
    pub ty: TypeRef,
    /// Whether the property must be there and whether it may be null.
    pub presence: Presence,
    /// Documentation taken from the property's schema.
    pub docs: Docs,
    /// Validation rules the document states for the value.
    pub constraints: Constraints,
    /// The value assumed when the property is absent, for [`Presence::Defaulted`] fields.
    pub default: Option<Literal>,
}

/// A default value the generated code can write as a Rust expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A boolean.
    Boolean(bool),
    /// An integer, within the range of the field's integer type.
    Integer(i64),
    /// A finite `float`.
    Float(f32),
    /// A finite `double`.
    Double(f64),
    /// A string.
    String(String),
    /// A variant of a generated enum.
    Variant {
        /// The enum's Rust name.
        ty: String,
        /// The variant's Rust name.
        variant: String,
    },
}

/// Whether a property must be present, and whether it may be `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// May be absent, never null: `Option<T>`, omitted when `None`.
    Optional,
    /// Always present, may be null: `Option<T>`, sent as `null` when `None`.
    Nullable,
    /// May be absent or null: `Option<Option<T>>`, so a write can tell "leave as is" from "clear".
    OptionalNullable,
    /// May be absent, and absence means the schema's `default`: `T`, filled with [`Field::default`]
    /// when absent and always sent.
    Defaulted,
}

/// One value of a string enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// The Rust identifier (UpperCamelCase).
    pub name: String,
    /// The value on the wire.
    pub wire_value: String,
}

/// One value of an integer enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegerVariant {
    /// The Rust identifier (UpperCamelCase).
    pub name: String,
    /// The value on the wire.
    pub value: i64,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust identifier (UpperCamelCase).
    pub name: String,
    /// The alternative's type.
    pub ty: TypeRef,
    /// The discriminator values that select this alternative, when the union has a discriminator.
    pub tags: Vec<String>,
}

/// A reference to a type, as it appears in a field, parameter or body.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A [`TypeDef`] by its Rust name.
    Named(String),
    /// `String`.
    String,
    /// `bool`.
    Boolean,
    /// `i32`.
    Int32,
    /// `i64`.
    Int64,
    /// `f32`.
    Float,
    /// `f64`.
    Double,
    /// An RFC 3339 instant.
    DateTime,
    /// A calendar date.
    Date,
    /// A UUID.
    Uuid,
    /// A `format: binary` string: raw bytes with the file name and media type a multipart part
    /// carries (`client_runtime::Binary`).
    Binary,
    /// A whole request or response body of a media type other than JSON, form or text, as raw
    /// bytes.
    Bytes,
    /// `Vec<T>`.
    List(Box<TypeRef>),
    /// A map from string keys.
    Map(Box<TypeRef>),
    /// A free-form JSON object.
    JsonObject,
    /// Any JSON value: what the document leaves open, or what cannot be represented.
    Json,
    /// `Option<T>` outside a field: a nullable array item or map value.
    Nullable(Box<TypeRef>),
    /// `Box<T>`: a reference that would otherwise make a type contain itself.
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    /// The type a list, map, `Option` or `Box` holds.
    pub fn inner(&self) -> Option<&TypeRef> {
        match self {
            Self::List(inner) | Self::Map(inner) | Self::Nullable(inner) | Self::Boxed(inner) => {
                Some(inner)
            }
            _ => None,
        }
    }

    /// Whether `test` holds for this type or any type it holds, at any depth.
    pub fn any(&self, test: &impl Fn(&TypeRef) -> bool) -> bool {
        test(self) || self.inner().is_some_and(|inner| inner.any(test))
    }

    /// This type with aliases and the boxes recursion adds seen through, named types looked up
    /// with `def`: what a value of it is. Lowering unties alias cycles first
    /// ([`recursion::untie_alias_cycles`]), so every chain ends; the walk is bounded all the same,
    /// and a longer chain stops where the bound is reached.
    pub fn resolved<'t>(&'t self, def: impl Fn(&str) -> Option<&'t TypeDef>) -> &'t TypeRef {
        let mut current = self;
        for _ in 0..64 {
            current = match current {
                Self::Boxed(inner) => inner,
                Self::Named(name) => match def(name).map(|def| &def.kind) {
                    Some(TypeKind::Alias(target)) => target,
                    _ => return current,
                },
                _ => return current,
            };
        }
        current
    }

    /// The named type this type is or holds, at any depth (a type holds at most one).
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Named(name) => Some(name),
            other => other.inner().and_then(TypeRef::name),
        }
    }
}

/// Validation rules a schema states.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minimum`, or `exclusiveMinimum`.
    pub minimum: Option<Bound>,
    /// `maximum`, or `exclusiveMaximum`.
    pub maximum: Option<Bound>,
    /// `pattern`, an ECMA-262 regular expression, as written.
    pub pattern: Option<String>,
    /// The same pattern for the `regex` crate; `None` when it has no equivalent there (a
    /// look-around, a back-reference), and the pattern is then not checked.
    pub pattern_regex: Option<String>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
}

/// A numeric bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// Whether the limit itself is excluded.
    pub exclusive: bool,
}

impl Constraints {
    /// Whether no rule is stated.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Documentation lines for an item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// A one-line summary, if the document gives one apart from the description.
    pub summary: Option<String>,
    /// The longer description (CommonMark).
    pub description: Option<String>,
    /// An example value, as JSON text.
    pub example: Option<String>,
    /// A default value, as JSON text.
    pub default: Option<String>,
    /// Whether the document marks it deprecated.
    pub deprecated: bool,
    /// Remarks of the generator's own, e.g. why a value is kept as raw JSON.
    pub notes: Vec<String>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The method name on the client (snake_case).
    pub name: String,
    /// Prefix for the operation's own types (UpperCamelCase), e.g. `FetchCustomer`.
    pub type_name: String,
    /// `operationId` as written, or the one made from method and path.
    pub operation_id: String,
    /// The HTTP method.
    pub method: Method,
    /// The path template relative to the server, e.g. `/tickets/{id}`.
    pub path: String,
    /// Summary, description and deprecation.
    pub docs: Docs,
    /// Tags, in document order.
    pub tags: Vec<String>,
    /// Path, query and header parameters, path-level ones merged in, in document order.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// The response the method returns on success.
    pub success: SuccessResponse,
    /// Documented error responses, in status order.
    pub errors: Vec<ErrorResponse>,
    /// The credentials it accepts.
    pub security: Security,
    /// Scopes the operation's requirements name, by scheme, for its docs.
    pub scopes: Vec<(String, Vec<String>)>,
    /// Whether sending it twice has the effect of sending it once, so a failed attempt may be
    /// retried.
    pub idempotent: Idempotency,
    /// How to walk its pages, when it is a paginated list (see [`pagination`]).
    pub pagination: Option<Pagination>,
    /// The operation's own server (its `servers`, else its path's), placeholders filled with
    /// their defaults; `None` when it uses the API's.
    pub server: Option<String>,
}

/// Whether an operation may be sent again after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency {
    /// GET, HEAD, OPTIONS, PUT, DELETE and TRACE, or an operation marked `x-idempotent: true`.
    Always,
    /// Only when the body's property (Rust field name) is set, which makes a repeat find the
    /// first one's result (`x-idempotent-when-set: externalId`).
    WhenBodyFieldSet(String),
    /// Any other POST or PATCH.
    Never,
}

/// How a list operation pages: which parameter picks the page, where a page's items are and how
/// to tell whether another page follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The page-number parameter's Rust name.
    pub page_parameter: String,
    /// Its integer type.
    pub page_type: TypeRef,
    /// The response field holding the page's items (Rust name), an array.
    pub items_field: String,
    /// The type of one item.
    pub item_type: TypeRef,
    /// How the response tells that another page follows.
    pub next: NextPage,
}

/// How a page response tells that another page follows, as Rust field paths from its root.
#[derive(Debug, Clone, PartialEq)]
pub enum NextPage {
    /// A boolean such as `pagination.hasNextPage`.
    Flag(Vec<String>),
    /// A page count such as `pagination.totalPages`: more follow while the page number is below it.
    PageCount(Vec<String>),
}

/// HTTP methods OpenAPI describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The upper-case name, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In a cookie.
    Cookie,
}

/// One operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The Rust identifier (snake_case).
    pub name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Where it travels.
    pub location: ParameterLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the operation needs it.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
    /// Validation rules the document states.
    pub constraints: Constraints,
    /// How an array or object value is spelled on the wire.
    pub style: ParameterStyle,
    /// Whether the value is an object (a struct or a map), spelled property by property.
    pub is_object: bool,
}

/// How a parameter's array or object value is spelled (OpenAPI's `style` and `explode`); scalars
/// are spelled alike in every style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterStyle {
    /// Query `form` with `explode` (the default): `tag=a&tag=b`.
    FormExploded,
    /// Query `form` without `explode`, and the `simple` style of paths and headers: `a,b`;
    /// objects `key,value,key,value`.
    CommaJoined,
    /// The `simple` style of paths and headers with `explode`: lists as [`Self::CommaJoined`],
    /// objects `key=value,key=value`.
    SimpleExploded,
    /// Query `spaceDelimited`: `tag=a%20b`.
    SpaceDelimited,
    /// Query `pipeDelimited`: `tag=a|b`.
    PipeDelimited,
    /// Query `deepObject`: `filter[color]=red&filter[size]=9`.
    DeepObject,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// The body's type.
    pub ty: TypeRef,
    /// Whether the operation needs it.
    pub required: bool,
    /// The media type sent.
    pub content_type: String,
    /// How the body is written.
    pub encoding: BodyEncoding,
    /// Documentation.
    pub docs: Docs,
    /// Validation rules the document states for the body as a whole.
    pub constraints: Constraints,
}

/// How a body travels: which encoder writes a request body, which decoder reads a response's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON (`application/json`, `*+json`).
    Json,
    /// `application/x-www-form-urlencoded`: one pair per property.
    FormUrlEncoded,
    /// `multipart/form-data`: one part per property.
    Multipart,
    /// `text/*`: the body is a `String`.
    Text,
    /// Any other media type: the body is raw bytes.
    Binary,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessResponse {
    /// The status the document gives (`200`, `201`, `2XX`…), if any.
    pub status: Option<StatusCode>,
    /// The decoded body, or `None` when it carries none the client reads (or when
    /// [`Self::variants`] says what each status carries).
    pub ty: Option<TypeRef>,
    /// How the body is read.
    pub encoding: BodyEncoding,
    /// Documentation.
    pub docs: Docs,
    /// When several success statuses carry different bodies: one variant per status, in status
    /// order, and the call returns an enum of them. Empty when one body type serves every
    /// success status.
    pub variants: Vec<SuccessVariant>,
}

/// One success status of an operation whose success statuses carry different bodies.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessVariant {
    /// The status it answers.
    pub status: StatusCode,
    /// The variant name in the operation's success enum (UpperCamelCase), e.g. `Created`.
    pub variant: String,
    /// The decoded body, or `None` when it has none the client reads.
    pub ty: Option<TypeRef>,
    /// How the body is read.
    pub encoding: BodyEncoding,
    /// Documentation.
    pub docs: Docs,
}

/// A documented error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// The status it answers.
    pub status: StatusCode,
    /// The variant name in the operation's error enum (UpperCamelCase).
    pub variant: String,
    /// The decoded body, or `None` when it has none the client reads.
    pub ty: Option<TypeRef>,
    /// How the body is read.
    pub encoding: BodyEncoding,
    /// Documentation.
    pub docs: Docs,
}

/// A response key of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusCode {
    /// One exact code.
    Code(u16),
    /// A class such as `4XX`, by its first digit.
    Range(u8),
    /// `default`: any status not otherwise listed.
    Default,
}

impl StatusCode {
    /// Whether this key stands for a 2xx status.
    pub fn is_success(self) -> bool {
        match self {
            Self::Code(code) => (200..300).contains(&code),
            Self::Range(class) => class == 2,
            Self::Default => false,
        }
    }
}

/// A problem found while reading a document, at a JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// JSON pointer of the offending node, e.g. `#/components/schemas/Foo/properties/bar`.
    pub pointer: String,
    /// What is wrong and what was done about it.
    pub message: String,
}

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on with a degraded type.
    Warning,
    /// The document cannot be turned into a client.
    Error,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.pointer, self.message)
    }
}
