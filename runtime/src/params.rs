//! Encoding parameter values for paths, query strings and headers.

use crate::validate::{Rule, ValidationError};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use std::borrow::Cow;
use std::fmt;

/// A value that can be sent as a path, query or header parameter.
pub trait ParamValue {
    /// The value's text on the wire (before any percent-encoding).
    fn to_param(&self) -> String;

    /// The value as one path segment, percent-encoded.
    fn to_path_segment(&self) -> String {
        utf8_percent_encode(&self.to_param(), PATH_SEGMENT).to_string()
    }

    /// Writes [`Self::to_path_segment`] into `out`, for [`PathSegment`]'s `Display`.
    fn write_path_segment(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        out.write_str(&self.to_path_segment())
    }
}

/// A parameter as one path segment, percent-encoded when displayed: generated code writes a
/// request's path with `format_args!` and these, straight into the URL being built.
///
/// ```
/// use client_runtime::PathSegment;
///
/// let id = "a/b c".to_owned();
/// assert_eq!(format!("/files/{}", PathSegment(&id)), "/files/a%2Fb%20c");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PathSegment<'a, T: ?Sized>(pub &'a T);

impl<T: ParamValue + ?Sized> fmt::Display for PathSegment<'_, T> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_path_segment(out)
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }

    fn to_path_segment(&self) -> String {
        self.as_str().to_path_segment()
    }

    fn write_path_segment(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().write_path_segment(out)
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }

    /// Encoded straight from the text: no copy of it first.
    fn to_path_segment(&self) -> String {
        Cow::from(utf8_percent_encode(self, PATH_SEGMENT)).into_owned()
    }

    fn write_path_segment(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&utf8_percent_encode(self, PATH_SEGMENT), out)
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }

    fn to_path_segment(&self) -> String {
        (**self).to_path_segment()
    }

    fn write_path_segment(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).write_path_segment(out)
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(bool, i32, i64, u32, u64, f32, f64, uuid::Uuid);

impl ParamValue for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for chrono::NaiveDate {
    fn to_param(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

/// Items comma-joined: the `simple` style of paths and headers, and `form` without `explode`.
impl<T: ParamValue> ParamValue for Vec<T> {
    fn to_param(&self) -> String {
        let items: Vec<String> = self.iter().map(ParamValue::to_param).collect();
        items.join(",")
    }

    /// Each item encoded on its own, so the commas between them stay delimiters.
    fn to_path_segment(&self) -> String {
        let items: Vec<String> = self.iter().map(ParamValue::to_path_segment).collect();
        items.join(",")
    }
}

impl ParamValue for serde_json::Value {
    fn to_param(&self) -> String {
        match self {
            Self::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}

/// Characters escaped in one path segment: everything but RFC 3986 unreserved characters.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'&')
    .add(b'+')
    .add(b';')
    .add(b'=')
    .add(b':')
    .add(b'@')
    .add(b'!')
    .add(b'$')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b',');

/// A value made safe to stand as one path segment: `a/b c` → `a%2Fb%20c`.
pub fn encode_path_segment(value: &impl ParamValue) -> String {
    value.to_path_segment()
}

/// Query pairs in the order they are pushed; absent values are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name=value` when `value` is present.
    pub fn push(&mut self, name: &'static str, value: Option<&impl ParamValue>) {
        if let Some(value) = value {
            self.pairs.push((name.to_owned(), value.to_param()));
        }
    }

    /// Adds `name=a<separator>b` for a list (`spaceDelimited` with `" "`, `pipeDelimited` with
    /// `"|"`).
    pub fn push_joined<T: ParamValue>(
        &mut self,
        name: &'static str,
        values: Option<&Vec<T>>,
        separator: &str,
    ) {
        if let Some(values) = values {
            let items: Vec<String> = values.iter().map(ParamValue::to_param).collect();
            self.pairs.push((name.to_owned(), items.join(separator)));
        }
    }

    /// Adds an object in the `deepObject` style, by its JSON form: `name[key]=value` per
    /// property (keys sorted), `name[key][inner]=value` for nested objects, an array repeating
    /// its pair once per item, `null` left out; a scalar is `name=value`. An array of arrays or
    /// of objects has no such spelling and is refused.
    pub fn push_deep_object(
        &mut self,
        name: &'static str,
        value: Option<&impl serde::Serialize>,
    ) -> Result<(), ValidationError> {
        let Some(value) = value else {
            return Ok(());
        };
        let refuse = || ValidationError::new(name, Rule::Unencodable("a deepObject query"));
        let value = serde_json::to_value(value).map_err(|_| refuse())?;
        deep_object(name.to_owned(), value, true, &mut self.pairs).ok_or_else(refuse)
    }

    /// Adds `name=item` once per item (the `form` style with `explode`, OpenAPI's default).
    pub fn push_each<T: ParamValue>(&mut self, name: &'static str, values: Option<&Vec<T>>) {
        for value in values.into_iter().flatten() {
            self.pairs.push((name.to_owned(), value.to_param()));
        }
    }

    /// Adds each property as a pair of its own, `key=value` (an object in the `form` style with
    /// `explode`, OpenAPI's default), when `value` is present.
    pub fn push_properties(&mut self, value: Option<&Properties>) {
        for (key, value) in value.into_iter().flat_map(|value| &value.pairs) {
            self.pairs.push((key.clone(), value.clone()));
        }
    }

    /// The pairs, for `reqwest::RequestBuilder::query`.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// Pushes the pairs spelling `value` at `key` in the `deepObject` style; `None` when it has no
/// such spelling. Arrays hold only scalars: `arrays_allowed` is false inside one.
fn deep_object(
    key: String,
    value: serde_json::Value,
    arrays_allowed: bool,
    pairs: &mut Vec<(String, String)>,
) -> Option<()> {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::Object(properties) if arrays_allowed => {
            for (name, value) in properties {
                deep_object(format!("{key}[{name}]"), value, true, pairs)?;
            }
        }
        Value::Array(items) if arrays_allowed => {
            for item in items {
                deep_object(key.clone(), item, false, pairs)?;
            }
        }
        Value::Object(_) | Value::Array(_) => return None,
        scalar => pairs.push((key, scalar.to_param())),
    }
    Some(())
}

/// An object parameter spelled property by property, as the `simple` and `form` styles spell
/// objects: from its JSON form, properties sorted by name, `null` ones left out, a list of scalars
/// comma-joined. As a [`ParamValue`] it is `key,value,key,value` (`simple`, or `form` without
/// `explode`), or `key=value,key=value` once [`exploded`](Self::exploded) (`simple` with
/// `explode`); a query in `form` with `explode` takes each property as a pair of its own
/// ([`Query::push_properties`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Properties {
    pairs: Vec<(String, String)>,
    separator: &'static str,
    exploded: bool,
}

impl Properties {
    /// The properties of `value`, the parameter `name`'s. A property holding an object, or a
    /// list of anything but scalars, has no spelling in these styles and is refused.
    pub fn of(name: &'static str, value: &impl serde::Serialize) -> Result<Self, ValidationError> {
        use serde_json::Value;
        let refuse = || {
            ValidationError::new(
                name,
                Rule::Unencodable("a parameter: its style has no spelling for nested objects"),
            )
        };
        let Value::Object(properties) = serde_json::to_value(value).map_err(|_| refuse())? else {
            return Err(refuse());
        };
        let mut pairs = Vec::with_capacity(properties.len());
        for (key, value) in properties {
            let text = match value {
                Value::Null => continue,
                Value::Array(items) => {
                    let mut texts = Vec::with_capacity(items.len());
                    for item in items {
                        match item {
                            Value::Array(_) | Value::Object(_) => return Err(refuse()),
                            scalar => texts.push(scalar.to_param()),
                        }
                    }
                    texts.join(",")
                }
                Value::Object(_) => return Err(refuse()),
                scalar => scalar.to_param(),
            };
            pairs.push((key, text));
        }
        Ok(Self {
            pairs,
            separator: ",",
            exploded: false,
        })
    }

    /// Spelled `key=value,key=value` (the `simple` style with `explode`).
    pub fn exploded(self) -> Self {
        Self {
            exploded: true,
            ..self
        }
    }

    /// Keys and values joined by `separator` instead of a comma (`spaceDelimited` with `" "`,
    /// `pipeDelimited` with `"|"`).
    pub fn separated_by(self, separator: &'static str) -> Self {
        Self { separator, ..self }
    }

    fn spell(&self, encode: impl Fn(&str) -> String) -> String {
        let mut parts = Vec::with_capacity(self.pairs.len() * 2);
        for (key, value) in &self.pairs {
            if self.exploded {
                parts.push(format!("{}={}", encode(key), encode(value)));
            } else {
                parts.push(encode(key));
                parts.push(encode(value));
            }
        }
        parts.join(self.separator)
    }
}

impl ParamValue for Properties {
    fn to_param(&self) -> String {
        self.spell(str::to_owned)
    }

    fn to_path_segment(&self) -> String {
        self.spell(|text| utf8_percent_encode(text, PATH_SEGMENT).to_string())
    }
}

/// Characters escaped in a cookie's name or value: whatever RFC 6265 leaves out of a
/// cookie-octet, and `%` itself so the encoding can be undone.
const COOKIE_OCTET: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%')
    .add(b'=');

/// Cookie parameters, sent together in one `Cookie` header: `a=1; b=2`, each name and value
/// percent-encoded where a cookie could not carry it as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cookies {
    pairs: Vec<String>,
}

impl Cookies {
    /// No cookies yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name=value` when `value` is present.
    pub fn push(&mut self, name: &'static str, value: Option<&impl ParamValue>) {
        if let Some(value) = value {
            self.pairs.push(format!(
                "{}={}",
                utf8_percent_encode(name, COOKIE_OCTET),
                utf8_percent_encode(&value.to_param(), COOKIE_OCTET)
            ));
        }
    }

    /// The `Cookie` header's value, when any cookie was added.
    pub fn header(&self) -> Option<String> {
        (!self.pairs.is_empty()).then(|| self.pairs.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_displayed_path_segment_is_the_encoded_one() {
        fn same<T: ParamValue + ?Sized>(value: &T) {
            assert_eq!(PathSegment(value).to_string(), encode_path_segment(&value));
        }
        same("a/b c?d#é");
        same(&"plain".to_owned());
        same(&vec!["a,b".to_owned(), "c d".to_owned()]);
        same(&-42_i64);
        same(&chrono::NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date"));
        assert_eq!(
            format!("/a/{}/b/{}", PathSegment("x/y"), PathSegment(&3_u32)),
            "/a/x%2Fy/b/3"
        );
    }

    #[test]
    fn path_segments_cannot_break_out_of_their_segment() {
        assert_eq!(encode_path_segment(&"a/b c?d#e"), "a%2Fb%20c%3Fd%23e");
        assert_eq!(encode_path_segment(&"..%2F"), "..%252F");
        assert_eq!(encode_path_segment(&"T-12_3.x~"), "T-12_3.x~");
        assert_eq!(encode_path_segment(&vec!["a,b", "c"]), "a%2Cb,c");
    }

    #[test]
    fn instants_are_sent_as_rfc3339_in_utc() {
        let instant = chrono::Utc.with_ymd_and_hms(2026, 6, 23, 11, 0, 0).unwrap();
        assert_eq!(instant.to_param(), "2026-06-23T11:00:00Z");
    }

    #[test]
    fn absent_values_are_left_out_and_lists_repeat_the_name() {
        let mut query = Query::new();
        query.push("page", Some(&2_i64));
        query.push("search", None::<&String>);
        query.push_each("tag", Some(&vec!["a".to_owned(), "b".to_owned()]));
        let pairs: Vec<(&str, &str)> = query
            .pairs()
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        assert_eq!(pairs, [("page", "2"), ("tag", "a"), ("tag", "b")]);
    }

    fn pairs(query: &Query) -> Vec<String> {
        query
            .pairs()
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect()
    }

    #[test]
    fn lists_join_as_their_style_says() {
        let tags = vec!["a".to_owned(), "b c".to_owned()];
        let mut query = Query::new();
        query.push("csv", Some(&tags));
        query.push_joined("space", Some(&tags), " ");
        query.push_joined("pipe", Some(&tags), "|");
        assert_eq!(pairs(&query), ["csv=a,b c", "space=a b c", "pipe=a|b c"]);
    }

    #[test]
    fn deep_objects_name_each_property_in_brackets() {
        let filter = serde_json::json!({"color": "red", "size": {"min": 1}, "tags": ["x", "y"], "gone": null});
        let mut query = Query::new();
        query
            .push_deep_object("filter", Some(&filter))
            .expect("encodes");
        assert_eq!(
            pairs(&query),
            [
                "filter[color]=red",
                "filter[size][min]=1",
                "filter[tags]=x",
                "filter[tags]=y"
            ]
        );
        let nested = serde_json::json!({"grid": [[1]]});
        let error = query
            .push_deep_object("filter", Some(&nested))
            .expect_err("an array of arrays");
        assert_eq!(error.path(), "filter");
    }

    #[test]
    fn cookie_values_cannot_end_their_cookie_early() {
        let mut cookies = Cookies::new();
        assert_eq!(cookies.header(), None);
        cookies.push("session", Some(&"a b;c=d,é%"));
        cookies.push("lang", Some(&"en"));
        cookies.push("unset", None::<&String>);
        assert_eq!(
            cookies.header().as_deref(),
            Some("session=a%20b%3Bc%3Dd%2C%C3%A9%25; lang=en")
        );
    }

    #[derive(serde::Serialize)]
    struct Color {
        r: u8,
        g: Option<u8>,
        name: Option<String>,
        tags: Vec<&'static str>,
    }

    fn color() -> Color {
        Color {
            r: 100,
            g: None,
            name: Some("dark red/blue".to_owned()),
            tags: vec!["a", "b"],
        }
    }

    #[test]
    fn an_object_is_spelled_property_by_property_in_each_style() {
        let properties = Properties::of("color", &color()).expect("flat");
        // `g` is null, so left out; the list is comma-joined.
        assert_eq!(properties.to_param(), "name,dark red/blue,r,100,tags,a,b");
        assert_eq!(
            properties.to_path_segment(),
            "name,dark%20red%2Fblue,r,100,tags,a%2Cb"
        );
        assert_eq!(
            properties.clone().exploded().to_param(),
            "name=dark red/blue,r=100,tags=a,b"
        );
        assert_eq!(
            properties.clone().separated_by("|").to_param(),
            "name|dark red/blue|r|100|tags|a,b"
        );
        let mut query = Query::new();
        query.push_properties(Some(&properties));
        query.push_properties(None);
        assert_eq!(
            query.pairs(),
            [
                ("name".to_owned(), "dark red/blue".to_owned()),
                ("r".to_owned(), "100".to_owned()),
                ("tags".to_owned(), "a,b".to_owned()),
            ]
        );
    }

    #[test]
    fn a_nested_object_or_a_scalar_is_refused_by_the_parameters_name() {
        let nested = serde_json::json!({"size": {"min": 3}});
        let error = Properties::of("filter", &nested).expect_err("nested");
        assert_eq!(
            error.to_string(),
            "`filter` cannot be sent as a parameter: its style has no spelling for nested objects"
        );
        let list_of_lists = serde_json::json!({"grid": [[1, 2]]});
        assert!(Properties::of("filter", &list_of_lists).is_err());
        assert!(Properties::of("filter", &"text").is_err());
        let empty = Properties::of("filter", &serde_json::json!({})).expect("empty");
        assert_eq!(empty.to_param(), "");
    }
}
