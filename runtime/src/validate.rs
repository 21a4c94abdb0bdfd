//! Checks of the rules an API description states for values a caller sends.
//!
//! Generated request types implement [`Validate`]; their builders and every operation's `send`
//! run it, so a value that breaks a rule is refused before anything goes on the wire. Decoding what
//! a server sends never runs these checks: strictness is for values this client sends.

use regex::Regex;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// A value that can check the rules the API states for it and for everything it contains.
pub trait Validate {
    /// The first broken rule, if any, with the path of the value that breaks it.
    fn validate(&self) -> Result<(), ValidationError>;
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self) -> Result<(), ValidationError> {
        self.as_ref().map_or(Ok(()), Validate::validate)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self) -> Result<(), ValidationError> {
        T::validate(self)
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self) -> Result<(), ValidationError> {
        for (index, item) in self.iter().enumerate() {
            item.validate()
                .map_err(|error| error.within(PathSegment::Index(index)))?;
        }
        Ok(())
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self) -> Result<(), ValidationError> {
        for (key, value) in self {
            value
                .validate()
                .map_err(|error| error.within(PathSegment::Key(key.clone())))?;
        }
        Ok(())
    }
}

/// A rule of the API description that a value breaks.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// A required property was never set.
    Required,
    /// `minLength`: at least this many characters.
    MinLength(u64),
    /// `maxLength`: at most this many characters.
    MaxLength(u64),
    /// `minimum` / `exclusiveMinimum`.
    Minimum {
        /// The bound.
        limit: f64,
        /// Whether the bound itself is refused.
        exclusive: bool,
    },
    /// `maximum` / `exclusiveMaximum`.
    Maximum {
        /// The bound.
        limit: f64,
        /// Whether the bound itself is refused.
        exclusive: bool,
    },
    /// `pattern`: the value must match this regular expression.
    Pattern(&'static str),
    /// `minItems`: at least this many items.
    MinItems(u64),
    /// A property the type lists was also given as an additional property.
    ListedProperty,
    /// `maxItems`: at most this many items.
    MaxItems(u64),
    /// A header value must be sendable in HTTP: no control characters or line breaks.
    HeaderValue,
    /// A path parameter must be one segment of the path: not empty, `.` or `..`, which would
    /// change which path the request goes to.
    PathSegment,
    /// The value has no encoding in this media type (a nested object in a form body, say).
    Unencodable(&'static str),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: &u64| if *n == 1 { "" } else { "s" };
        match self {
            Self::Required => f.write_str("is required but was not set"),
            Self::MinLength(n) => write!(f, "must be at least {n} character{} long", plural(n)),
            Self::MaxLength(n) => write!(f, "must be at most {n} character{} long", plural(n)),
            Self::Minimum {
                limit,
                exclusive: false,
            } => write!(f, "must be at least {limit}"),
            Self::Minimum {
                limit,
                exclusive: true,
            } => write!(f, "must be greater than {limit}"),
            Self::Maximum {
                limit,
                exclusive: false,
            } => write!(f, "must be at most {limit}"),
            Self::Maximum {
                limit,
                exclusive: true,
            } => write!(f, "must be less than {limit}"),
            Self::Pattern(pattern) => write!(f, "must match the pattern `{pattern}`"),
            Self::MinItems(n) => write!(f, "must have at least {n} item{}", plural(n)),
            Self::MaxItems(n) => write!(f, "must have at most {n} item{}", plural(n)),
            Self::HeaderValue => f.write_str(
                "must be sendable in an HTTP header (no control characters or line breaks)",
            ),
            Self::PathSegment => f.write_str(
                "must not be empty, `.` or `..`: as a path segment it would change the path",
            ),
            Self::Unencodable(media_type) => write!(f, "cannot be sent as {media_type}"),
            Self::ListedProperty => f.write_str(
                "is a listed property: set it with its own method, not as an additional one",
            ),
        }
    }
}

/// One step of the path to a value inside a request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PathSegment {
    /// A property, by its JSON name, or a parameter.
    Field(&'static str),
    /// An array item.
    Index(usize),
    /// A map entry.
    Key(String),
}

/// A value that breaks a rule of the API description: which value (its path, with JSON property
/// names) and which rule. The value itself is not kept, so a secret never ends up in a message.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// Outermost first.
    path: Vec<PathSegment>,
    rule: Rule,
}

impl ValidationError {
    /// `field` breaks `rule`.
    pub fn new(field: &'static str, rule: Rule) -> Self {
        Self {
            path: vec![PathSegment::Field(field)],
            rule,
        }
    }

    /// The required `field` was never set.
    pub fn missing(field: &'static str) -> Self {
        Self::new(field, Rule::Required)
    }

    /// The same error, for a value found in the property `field` of an enclosing object.
    pub fn in_field(self, field: &'static str) -> Self {
        self.within(PathSegment::Field(field))
    }

    /// The same error, for a value found under `key` of an enclosing map or body.
    pub(crate) fn with_key(self, key: String) -> Self {
        let mut error = self;
        error.path.push(PathSegment::Key(key));
        error
    }

    fn within(mut self, segment: PathSegment) -> Self {
        self.path.insert(0, segment);
        self
    }

    /// The path of the offending value, e.g. `customer.tags[2]` or `limit`.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for segment in &self.path {
            match segment {
                PathSegment::Field(name) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
                PathSegment::Index(index) => path.push_str(&format!("[{index}]")),
                PathSegment::Key(key) => path.push_str(&format!("[{key:?}]")),
            }
        }
        path
    }

    /// The rule that is broken.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.path(), self.rule)
    }
}

impl std::error::Error for ValidationError {}

/// Checks a value of the property or parameter `field` and wraps its error with that name.
pub fn nested<T: Validate + ?Sized>(field: &'static str, value: &T) -> Result<(), ValidationError> {
    value.validate().map_err(|error| error.in_field(field))
}

/// A header parameter's value must travel in an HTTP header: no control characters, no line
/// breaks.
pub fn header_value(field: &'static str, value: &str) -> Result<(), ValidationError> {
    // `HeaderValue::from_str`'s own rule (visible ASCII, spaces, tabs and any byte above 0x7f),
    // checked without building the value.
    let valid = |byte: u8| (byte >= 0x20 && byte != 0x7f) || byte == b'\t';
    if value.bytes().all(valid) {
        Ok(())
    } else {
        Err(ValidationError::new(field, Rule::HeaderValue))
    }
}

/// A path parameter's text must stay one segment of the path. An empty one would join its
/// neighbours (`/members/` instead of `/members/{user}`), and URL parsers remove `.` and `..`
/// with the segment before them (WHATWG URL, RFC 3986 §5.2.4), percent-encoded or not: the
/// request would reach another resource.
pub fn path_segment(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if matches!(value, "" | "." | "..") {
        Err(ValidationError::new(field, Rule::PathSegment))
    } else {
        Ok(())
    }
}

/// `minLength` / `maxLength`, counted in characters (Unicode scalar values) as JSON Schema does.
pub fn length(
    field: &'static str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ValidationError> {
    if min.is_none() && max.is_none() {
        return Ok(());
    }
    let count = value.chars().count() as u64;
    if let Some(min) = min.filter(|min| count < *min) {
        return Err(ValidationError::new(field, Rule::MinLength(min)));
    }
    if let Some(max) = max.filter(|max| count > *max) {
        return Err(ValidationError::new(field, Rule::MaxLength(max)));
    }
    Ok(())
}

/// A number a bound can be checked on.
pub trait Number: Copy {
    /// The value as an `f64`, which every bound is written in.
    fn to_f64(self) -> f64;
}

macro_rules! number {
    ($($ty:ty),*) => {
        $(impl Number for $ty {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn to_f64(self) -> f64 {
                self as f64
            }
        })*
    };
}
number!(i8, i16, i32, i64, u8, u16, u32, u64, f64);

impl Number for f32 {
    /// The `f64` of the value's shortest decimal form, which is what goes on the wire: `0.1_f32`
    /// is `0.1`, not `0.10000000149…`, so it meets a bound of `0.1`.
    fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::from(self))
    }
}

/// A numeric bound as the API states it: `(limit, exclusive)`.
pub type Bound = (f64, bool);

/// `minimum` / `maximum`, each possibly exclusive.
pub fn range<N: Number>(
    field: &'static str,
    value: N,
    minimum: Option<Bound>,
    maximum: Option<Bound>,
) -> Result<(), ValidationError> {
    let value = value.to_f64();
    if let Some((limit, exclusive)) = minimum {
        if value < limit || (exclusive && value == limit) {
            return Err(ValidationError::new(
                field,
                Rule::Minimum { limit, exclusive },
            ));
        }
    }
    if let Some((limit, exclusive)) = maximum {
        if value > limit || (exclusive && value == limit) {
            return Err(ValidationError::new(
                field,
                Rule::Maximum { limit, exclusive },
            ));
        }
    }
    Ok(())
}

/// `minItems` / `maxItems`.
pub fn items(
    field: &'static str,
    count: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), ValidationError> {
    let count = count as u64;
    if let Some(min) = min.filter(|min| count < *min) {
        return Err(ValidationError::new(field, Rule::MinItems(min)));
    }
    if let Some(max) = max.filter(|max| count > *max) {
        return Err(ValidationError::new(field, Rule::MaxItems(max)));
    }
    Ok(())
}

/// `pattern`: `value` must contain a match (patterns are not anchored unless they say so).
pub fn pattern(field: &'static str, value: &str, pattern: &Pattern) -> Result<(), ValidationError> {
    if pattern.is_match(value) {
        Ok(())
    } else {
        Err(ValidationError::new(field, Rule::Pattern(pattern.source)))
    }
}

/// A `pattern` of the API description, compiled the first time it is used.
///
/// Declared as a `static` in generated code, with the pattern as the API writes it (an ECMA-262
/// regular expression, shown in errors) and the same pattern for the `regex` crate, which the
/// generator has checked compiles.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    regex: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// A pattern as the API writes it, and as the `regex` crate reads it.
    pub const fn new(source: &'static str, regex: &'static str) -> Self {
        Self {
            source,
            regex,
            compiled: OnceLock::new(),
        }
    }

    /// The source text.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `value` contains a match. A pattern that does not compile refuses nothing, since
    /// its rule cannot be checked here (the generator never emits one).
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| Regex::new(self.regex).ok())
            .as_ref()
            .is_none_or(|regex| regex.is_match(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_segments_that_cannot_move_the_path_are_sent() {
        for refused in ["", ".", ".."] {
            let error = path_segment("user", refused).expect_err(refused);
            assert_eq!(
                error.to_string(),
                "`user` must not be empty, `.` or `..`: as a path segment it would change the path"
            );
        }
        for kept in ["...", ".a", "a.", "%2e", " ", "a/..", "0"] {
            assert_eq!(path_segment("user", kept), Ok(()), "{kept:?}");
        }
    }

    #[test]
    fn header_values_follow_the_http_rule_of_reqwest() {
        for code in 0..0x110 {
            let Some(character) = char::from_u32(code) else {
                continue;
            };
            let value = format!("a{character}b");
            assert_eq!(
                header_value("X-Test", &value).is_ok(),
                reqwest::header::HeaderValue::from_str(&value).is_ok(),
                "{value:?}"
            );
        }
    }

    struct Geo {
        lat: f64,
    }

    impl Validate for Geo {
        fn validate(&self) -> Result<(), ValidationError> {
            range("lat", self.lat, Some((-90.0, false)), Some((90.0, false)))
        }
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(length("name", "café", Some(4), Some(4)).is_ok());
        let error = length("name", "", Some(1), None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`name` must be at least 1 character long"
        );
        let error = length("name", "abcd", None, Some(3)).unwrap_err();
        assert_eq!(error.rule(), &Rule::MaxLength(3));
    }

    #[test]
    fn bounds_can_be_exclusive() {
        assert!(range("limit", 10_i64, Some((1.0, false)), Some((10.0, false))).is_ok());
        let error = range("limit", 11_i64, Some((1.0, false)), Some((10.0, false))).unwrap_err();
        assert_eq!(error.to_string(), "`limit` must be at most 10");
        let error = range("ratio", 0.0_f32, Some((0.0, true)), None).unwrap_err();
        assert_eq!(error.to_string(), "`ratio` must be greater than 0");
    }

    #[test]
    fn item_counts_and_patterns_are_checked() {
        assert_eq!(
            items("tags", 0, Some(1), None).unwrap_err().to_string(),
            "`tags` must have at least 1 item"
        );
        static PHONE: Pattern = Pattern::new("^\\+\\d{6,15}$", "^\\+[0-9]{6,15}$");
        assert!(pattern("phone", "+3212345678", &PHONE).is_ok());
        assert_eq!(
            pattern("phone", "12", &PHONE).unwrap_err().to_string(),
            "`phone` must match the pattern `^\\+\\d{6,15}$`"
        );
    }

    #[test]
    fn nested_errors_name_the_whole_path() {
        let places = vec![Geo { lat: 0.0 }, Geo { lat: 91.0 }];
        let error = nested("places", &places).unwrap_err().in_field("trip");
        assert_eq!(error.path(), "trip.places[1].lat");
        assert_eq!(error.to_string(), "`trip.places[1].lat` must be at most 90");
        let mut by_name = BTreeMap::new();
        by_name.insert("home".to_owned(), Geo { lat: -100.0 });
        assert_eq!(
            nested("geo", &by_name).unwrap_err().path(),
            "geo[\"home\"].lat"
        );
        assert!(nested("geo", &None::<Geo>).is_ok());
    }

    #[test]
    fn a_float_meets_a_bound_equal_to_its_decimal_form() {
        assert!(range("ratio", 0.1_f32, None, Some((0.1, false))).is_ok());
        assert!(range("ratio", 0.7_f32, Some((0.7, false)), None).is_ok());
        assert!(range("ratio", 0.7_f32, Some((0.7, true)), None).is_err());
    }

    #[test]
    fn a_missing_required_value_names_its_field() {
        assert_eq!(
            ValidationError::missing("email").to_string(),
            "`email` is required but was not set"
        );
    }
}
