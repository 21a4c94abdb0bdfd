//! Request bodies other than JSON: `application/x-www-form-urlencoded`, `multipart/form-data`,
//! and the [`Binary`] type of `format: binary` values.
//!
//! Both encoders take the body through its JSON form (`serde_json::Value`), so a property is
//! named and written exactly as in a JSON body; what the media type cannot carry is refused with
//! a [`ValidationError`] before anything is sent.

use crate::validate::{Rule, ValidationError};
use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// The media type of form bodies.
pub const FORM_URLENCODED: &str = "application/x-www-form-urlencoded";

/// Raw bytes of a `format: binary` value, with the file name and media type a multipart part
/// carries.
///
/// In a `multipart/form-data` body it is one part of its own: its bytes as they are, under its
/// file name (a part without one is named after its property, since servers often read only
/// parts with a file name as files) and media type (`application/octet-stream` unless set).
/// Anywhere else, such as inside a JSON body, it travels as a string and must then be UTF-8
/// text; decoding reads a string's UTF-8 bytes and no name or media type.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Binary {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Binary {
    /// A value of `bytes`, without file name or media type.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The same bytes, sent under the file name `name` in multipart bodies.
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The same bytes, labelled `content_type` (e.g. `image/png`) in multipart bodies.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file name, if one was set.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type, if one was set.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&'static [u8]> for Binary {
    fn from(bytes: &'static [u8]) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

// The bytes can be large; their length says enough.
impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Binary")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => Err(serde::ser::Error::custom(
                "binary data that is not UTF-8 text can only be sent as a multipart part or a raw body",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

/// `value` (a struct or map) as an `application/x-www-form-urlencoded` body: one `name=value`
/// pair per property in its JSON form, an array repeating its name once per item (the `form`
/// style with `explode`, OpenAPI's default for form bodies), `null` left out.
///
/// A nested object, an array inside an array, or a value that is not an object at all has no
/// form encoding: it is refused, naming the property.
pub fn form_urlencoded(value: &impl Serialize) -> Result<String, ValidationError> {
    let unencodable = || ValidationError::new("body", Rule::Unencodable(FORM_URLENCODED));
    // Through JSON text, so the pairs keep the order of the struct's fields.
    let Properties(properties) = serde_json::to_string(value)
        .and_then(|text| serde_json::from_str(&text))
        .map_err(|_| unencodable())?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in properties {
        let refuse = || unencodable().with_key(name.clone());
        match value {
            Value::Array(items) => {
                for item in items {
                    pairs.push((name.clone(), scalar_text(&item).ok_or_else(refuse)?));
                }
            }
            Value::Null => {}
            other => pairs.push((name.clone(), scalar_text(&other).ok_or_else(refuse)?)),
        }
    }
    serde_urlencoded::to_string(&pairs).map_err(|_| unencodable())
}

/// The properties of a JSON object, in the order written.
struct Properties(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Properties {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Properties;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Properties, A::Error> {
                let mut properties = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    properties.push(entry);
                }
                Ok(Properties(properties))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The text of a string, number or boolean, as a form or part carries it.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A `multipart/form-data` body under construction: one part per property.
#[derive(Debug, Default)]
pub struct Multipart {
    form: reqwest::multipart::Form,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parts for the property `name` holding `value`, by its JSON form: a string, number or
    /// boolean is one text part; an array is one part per item; an object is one part of JSON
    /// text (`application/json`); `null` (an unset optional property) adds nothing.
    pub fn field(mut self, name: &str, value: &impl Serialize) -> Result<Self, ValidationError> {
        let value = serde_json::to_value(value).map_err(|_| {
            ValidationError::new("body", Rule::Unencodable("multipart/form-data"))
                .with_key(name.to_owned())
        })?;
        let items = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            self.form = match item {
                Value::Null => self.form,
                Value::Object(_) | Value::Array(_) => {
                    let part = reqwest::multipart::Part::text(item.to_string())
                        .mime_str("application/json")
                        .map_err(|_| {
                            ValidationError::new("body", Rule::Unencodable("multipart/form-data"))
                        })?;
                    self.form.part(name.to_owned(), part)
                }
                scalar => match scalar_text(&scalar) {
                    Some(text) => self.form.text(name.to_owned(), text),
                    None => self.form,
                },
            };
        }
        Ok(self)
    }

    /// One part per binary value of the property `name` (none for an unset optional one):
    /// the bytes as they are, with the value's file name and media type.
    pub fn binary<'a>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = &'a Binary>,
    ) -> Result<Self, ValidationError> {
        for value in values {
            let content_type = value
                .content_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            let file_name = value.file_name.clone().unwrap_or_else(|| name.to_owned());
            let part = reqwest::multipart::Part::stream(value.bytes.clone())
                .file_name(file_name)
                .mime_str(content_type)
                .map_err(|_| {
                    ValidationError::new("body", Rule::Unencodable("multipart/form-data"))
                        .with_key(name.to_owned())
                })?;
            self.form = self.form.part(name.to_owned(), part);
        }
        Ok(self)
    }

    /// The body, for `reqwest::RequestBuilder::multipart`.
    pub fn into_form(self) -> reqwest::multipart::Form {
        self.form
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_bodies_repeat_arrays_and_leave_out_nulls() {
        #[derive(Serialize)]
        struct Body {
            name: &'static str,
            tags: Vec<&'static str>,
            age: u8,
            vip: bool,
            note: Option<String>,
        }
        let body = Body {
            name: "Ann & Bob",
            tags: vec!["a", "b c"],
            age: 7,
            vip: true,
            note: None,
        };
        assert_eq!(
            form_urlencoded(&body).expect("encodes"),
            "name=Ann+%26+Bob&tags=a&tags=b+c&age=7&vip=true"
        );
    }

    #[test]
    fn nested_values_are_refused_by_name() {
        let error = form_urlencoded(&json!({"ok": 1, "meta": {"a": 1}})).expect_err("nested");
        assert_eq!(error.path(), "body[\"meta\"]");
        assert_eq!(
            error.rule(),
            &Rule::Unencodable("application/x-www-form-urlencoded")
        );
        assert!(form_urlencoded(&json!({"grid": [[1]]})).is_err());
        assert!(form_urlencoded(&json!([1, 2])).is_err());
    }

    #[test]
    fn binary_values_travel_as_text_only_when_they_are_text() {
        let text = Binary::new("héllo").with_file_name("a.txt");
        assert_eq!(serde_json::to_value(&text).expect("text"), json!("héllo"));
        assert!(serde_json::to_value(Binary::new(vec![0xff, 0xfe])).is_err());
        let decoded: Binary = serde_json::from_value(json!("abc")).expect("decodes");
        assert_eq!(decoded.bytes().as_ref(), b"abc");
        assert!(!format!("{text:?}").contains("héllo"));
    }

    #[test]
    fn a_bad_media_type_is_refused_not_sent() {
        let file = Binary::new(vec![1]).with_content_type("not a media type");
        let error = Multipart::new()
            .binary("file", [&file])
            .expect_err("refused");
        assert_eq!(error.path(), "body[\"file\"]");
    }
}
