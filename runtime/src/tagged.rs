//! Serde support for unions told apart by a discriminator property (`oneOf` with `discriminator`).
//!
//! Decoding reads the object once, looks at the tag and decodes the alternative it names; a tag
//! this client does not know is kept as raw JSON by the generated enum. Encoding writes the
//! alternative and adds the tag if the alternative's own type did not write it.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Reads an object and its string tag `property`. Anything else (not an object, no tag, a tag that
/// is not a string) is an error: only the tag's value is open to values this client does not know.
pub fn split<'de, D: Deserializer<'de>>(
    deserializer: D,
    property: &'static str,
) -> Result<(String, Value), D::Error> {
    let value = Value::deserialize(deserializer)?;
    match value.get(property) {
        Some(Value::String(tag)) => Ok((tag.clone(), value)),
        Some(_) => Err(D::Error::custom(format_args!(
            "the discriminator `{property}` must be a string"
        ))),
        None if value.is_object() => Err(D::Error::missing_field(property)),
        None => Err(D::Error::custom(format_args!(
            "expected an object with a `{property}` discriminator"
        ))),
    }
}

/// Decodes the alternative a tag selected.
pub fn decode<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Writes `value` with `property` set to one of the alternative's `tags` (the first, unless the
/// value already carries another of them): the enum variant, not a field of its own, decides.
pub fn serialize<T: Serialize, S: Serializer>(
    value: &T,
    property: &'static str,
    tags: &[&'static str],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(value).map_err(S::Error::custom)?;
    if let (Value::Object(object), Some(first)) = (&mut value, tags.first()) {
        let carried = object.get(property).and_then(Value::as_str);
        if !carried.is_some_and(|tag| tags.contains(&tag)) {
            object.insert(property.to_owned(), Value::String((*first).to_owned()));
        }
    }
    value.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    struct Cat {
        meows: bool,
    }

    #[test]
    fn the_tag_is_read_and_written() {
        let (tag, value) = split(json!({"kind": "cat", "meows": true}), "kind").unwrap();
        assert_eq!(tag, "cat");
        let cat: Cat = decode::<_, serde_json::Error>(value).unwrap();
        assert_eq!(cat, Cat { meows: true });
        let written = serialize(&cat, "kind", &["cat"], serde_json::value::Serializer).unwrap();
        assert_eq!(written, json!({"kind": "cat", "meows": true}));
    }

    #[derive(Serialize)]
    struct Tagged {
        kind: &'static str,
    }

    #[test]
    fn the_variant_decides_the_tag() {
        let write = |kind| {
            serialize(
                &Tagged { kind },
                "kind",
                &["cat", "Cat"],
                serde_json::value::Serializer,
            )
            .unwrap()
        };
        assert_eq!(write("Cat"), json!({"kind": "Cat"}));
        assert_eq!(write("dog"), json!({"kind": "cat"}));
    }

    #[test]
    fn a_missing_or_non_string_tag_is_an_error() {
        let error = split(json!({"meows": true}), "kind").unwrap_err();
        assert!(
            error.to_string().contains("missing field `kind`"),
            "{error}"
        );
        assert!(split(json!({"kind": 3}), "kind").is_err());
        assert!(split(json!("cat"), "kind").is_err());
    }
}
