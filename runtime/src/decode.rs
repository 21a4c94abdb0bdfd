//! What the generated `Deserialize` impls call: objects read in one pass, and open enums that
//! allocate only for values they do not know.
//!
//! A generated struct keeps the properties its schema does not list in `additional_properties`.
//! Serde's `#[serde(flatten)]` would do that by buffering every object before reading its fields;
//! instead the struct implements [`Object`], whose `from_map` matches each property name against
//! the listed ones and sends the others straight into the map, and its `Deserialize` calls
//! [`object`]. Generated structs get both impls from [`object!`](crate::object); written by
//! hand, they look like this:
//!
//! ```
//! use client_runtime::decode;
//! use serde::de::{Deserialize, Deserializer, MapAccess};
//!
//! #[derive(Debug, PartialEq)]
//! struct Ticket {
//!     id: String,
//!     note: Option<String>,
//!     additional_properties: serde_json::Map<String, serde_json::Value>,
//! }
//!
//! impl<'de> Deserialize<'de> for Ticket {
//!     fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         decode::object(deserializer)
//!     }
//! }
//!
//! impl decode::Object for Ticket {
//!     const NAME: &'static str = "Ticket";
//!
//!     fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
//!         let mut id = None;
//!         let mut note = None;
//!         let mut additional_properties = serde_json::Map::new();
//!         while let Some(key) = map.next_key::<decode::Key<'de>>()? {
//!             match key.as_str() {
//!                 "id" => decode::read(&mut map, &mut id, "id")?,
//!                 "note" => decode::read(&mut map, &mut note, "note")?,
//!                 _ => {
//!                     additional_properties.insert(key.into_string(), map.next_value()?);
//!                 }
//!             }
//!         }
//!         Ok(Self {
//!             id: decode::required(id, "id")?,
//!             note: decode::optional(note),
//!             additional_properties,
//!         })
//!     }
//! }
//!
//! let ticket: Ticket = serde_json::from_str(r#"{"id": "t1", "queue": 3}"#)?;
//! assert_eq!(ticket.id, "t1");
//! assert_eq!(ticket.note, None);
//! assert_eq!(ticket.additional_properties["queue"], 3);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! What an absent property means depends on how the API describes it, so each kind has its
//! function: [`required`], [`nullable`], [`optional`]; a property that may be absent or `null`
//! (`Option<Option<T>>`), or an optional one of any JSON value (where `null` is a value), keeps
//! what [`read`] left, and one with a default falls back to it with `Option::unwrap_or_else`.
//! The errors are those of serde's derived impls: `missing field`, `duplicate field`, each naming
//! the property, and `invalid type` from the field's own type.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Unexpected, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A struct read from the properties of a JSON object, in one pass.
pub trait Object: Sized {
    /// The struct's name, for errors such as `expected struct Ticket`.
    const NAME: &'static str;

    /// Reads the struct from the properties of an object.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Reads an [`Object`]: what its `Deserialize` impl calls. Anything but an object is an error.
pub fn object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// The visitor of [`object`].
struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// A property name read from an object: borrowed from the input when the input allows, so the
/// listed properties are told apart without allocating; owned otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as an owned `String`, for a map of the properties a struct does not list.
    #[inline]
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads a [`Key`] from a string (or UTF-8 bytes, as buffered formats may hand over).
struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
        Ok(owned(value))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value)))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(value) {
            Ok(text) => self.visit_borrowed_str(text),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(value), &self)),
        }
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(value) {
            Ok(text) => self.visit_str(text),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(value), &self)),
        }
    }
}

/// A key copied out of a transient buffer (an escaped name, a reader's input): kept out of line,
/// so the common path, a name borrowed from the input, stays small enough to be inlined.
#[cold]
#[inline(never)]
fn owned(value: &str) -> Key<'static> {
    Key(Cow::Owned(value.to_owned()))
}

/// Reads the value of the listed property `name` into `slot`; a property that appears twice is
/// an error naming it, as serde's derived impls report it.
pub fn read<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(duplicate(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The error for a property read twice: out of line, as the cold paths below, so that what runs
/// for every property stays small.
#[cold]
#[inline(never)]
fn duplicate<E: de::Error>(name: &'static str) -> E {
    E::duplicate_field(name)
}

/// The error for a required property that is absent.
#[cold]
#[inline(never)]
fn missing<E: de::Error>(name: &'static str) -> E {
    E::missing_field(name)
}

/// What an absent property of type `T` reads as: see [`Absent`].
#[cold]
#[inline(never)]
fn absent<'de, T: Deserialize<'de>, E: de::Error>(name: &'static str) -> Result<T, E> {
    T::deserialize(Absent {
        name,
        error: PhantomData,
    })
}

/// A required property: absent is an error naming it. (As with serde's derived impls, a type
/// that reads absence as a value, an `Option`, takes that value instead.)
pub fn required<'de, T, E>(value: Option<T>, name: &'static str) -> Result<T, E>
where
    T: Deserialize<'de>,
    E: de::Error,
{
    match value {
        Some(value) => Ok(value),
        None => absent(name),
    }
}

/// A required property that may be `null`: `null` is `None`, and absent is an error naming it.
pub fn nullable<T, E: de::Error>(
    value: Option<Option<T>>,
    name: &'static str,
) -> Result<Option<T>, E> {
    value.ok_or_else(|| missing(name))
}

/// An optional property that is never `null` in the API: absent and `null` are both `None`.
pub fn optional<T>(value: Option<Option<T>>) -> Option<T> {
    value.flatten()
}

/// What a missing property reads as: `None` for an `Option`, an error naming the property for
/// anything else (serde's own rule for a field without a default).
struct Absent<E> {
    name: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for Absent<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(missing(self.name))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Reads a string enum that keeps values it does not know: `listed` gives the variant of a value
/// the API lists, `unknown` wraps any other value. Only an unknown value is copied into a
/// `String`; a listed one is matched where it lies in the input.
pub fn open_enum<'de, D, T>(
    deserializer: D,
    listed: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(OpenEnum { listed, unknown })
}

/// The visitor of [`open_enum`].
struct OpenEnum<T> {
    listed: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
}

impl<T> Visitor<'_> for OpenEnum<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok((self.listed)(value).unwrap_or_else(|| (self.unknown)(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
        Ok(match (self.listed)(&value) {
            Some(listed) => listed,
            None => (self.unknown)(value),
        })
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<T, E> {
        match std::str::from_utf8(value) {
            Ok(text) => self.visit_str(text),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value, json};

    /// What the generator writes for a struct with a required, a nullable, an optional and an
    /// optional-nullable property that keeps the others.
    #[derive(Debug, PartialEq, serde::Serialize)]
    struct Profile {
        id: String,
        nickname: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        bio: Option<String>,
        #[serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "crate::double_option::serialize"
        )]
        avatar: Option<Option<String>>,
        #[serde(flatten)]
        additional_properties: Map<String, Value>,
    }

    impl<'de> Deserialize<'de> for Profile {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
        }
    }

    impl Object for Profile {
        const NAME: &'static str = "Profile";

        fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut id = None;
            let mut nickname = None;
            let mut bio = None;
            let mut avatar = None;
            let mut additional_properties = Map::new();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "id" => read(&mut map, &mut id, "id")?,
                    "nickname" => read(&mut map, &mut nickname, "nickname")?,
                    "bio" => read(&mut map, &mut bio, "bio")?,
                    "avatar" => read(&mut map, &mut avatar, "avatar")?,
                    _ => {
                        additional_properties.insert(key.into_string(), map.next_value()?);
                    }
                }
            }
            Ok(Self {
                id: required(id, "id")?,
                nickname: nullable(nickname, "nickname")?,
                bio: optional(bio),
                avatar,
                additional_properties,
            })
        }
    }

    fn error(text: &str) -> String {
        serde_json::from_str::<Profile>(text)
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn unlisted_properties_are_kept_and_written_back() {
        let text = r#"{"id":"p1","nickname":null,"a":1,"b":{"c":[true]},"z":"last"}"#;
        let profile: Profile = serde_json::from_str(text).expect("decodes");
        let kept: Vec<&str> = profile
            .additional_properties
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(kept, ["a", "b", "z"]);
        assert_eq!(serde_json::to_string(&profile).expect("encodes"), text);
        // The same through an owned `Value`, whose keys arrive as `String`s.
        let again: Profile =
            serde_json::from_value(serde_json::from_str(text).expect("json")).expect("decodes");
        assert_eq!(again, profile);
    }

    #[test]
    fn absence_and_null_mean_what_the_api_says() {
        let profile: Profile =
            serde_json::from_str(r#"{"id":"p1","nickname":null,"bio":null}"#).expect("decodes");
        assert_eq!(
            (profile.nickname, profile.bio, profile.avatar),
            (None, None, None)
        );
        let profile: Profile =
            serde_json::from_str(r#"{"id":"p1","nickname":"kim","avatar":null}"#).expect("decodes");
        assert_eq!(profile.nickname.as_deref(), Some("kim"));
        assert_eq!(profile.avatar, Some(None));
        let profile: Profile =
            serde_json::from_str(r#"{"id":"p1","nickname":"kim","avatar":"a.png"}"#)
                .expect("decodes");
        assert_eq!(profile.avatar, Some(Some("a.png".to_owned())));
    }

    #[test]
    fn errors_name_the_property_as_serde_derive_does() {
        assert!(error(r#"{"nickname":null}"#).starts_with("missing field `id`"));
        assert!(error(r#"{"id":"p1"}"#).starts_with("missing field `nickname`"));
        assert!(
            error(r#"{"id":"p1","id":"p2","nickname":null}"#).starts_with("duplicate field `id`")
        );
        assert!(
            error(r#"{"id":5,"nickname":null}"#)
                .starts_with("invalid type: integer `5`, expected a string"),
            "{}",
            error(r#"{"id":5,"nickname":null}"#)
        );
        assert!(
            error(r#"["p1", null]"#).starts_with("invalid type: sequence, expected struct Profile")
        );
        assert!(error(r#"{"id":null,"nickname":null}"#).starts_with("invalid type: null"));
    }

    #[test]
    fn a_repeated_unlisted_property_keeps_its_last_value() {
        let profile: Profile =
            serde_json::from_str(r#"{"id":"p1","nickname":null,"x":1,"x":2}"#).expect("decodes");
        assert_eq!(
            profile.additional_properties,
            Map::from_iter([("x".to_owned(), json!(2))])
        );
    }

    #[test]
    fn keys_are_borrowed_when_the_input_allows() {
        let mut deserializer = serde_json::Deserializer::from_str(r#""plain""#);
        let key = Key::deserialize(&mut deserializer).expect("a key");
        assert!(matches!(key.0, Cow::Borrowed("plain")));
        // An escape has to be decoded into a buffer of its own.
        let mut deserializer = serde_json::Deserializer::from_str(r#""t\u0061b""#);
        let key = Key::deserialize(&mut deserializer).expect("a key");
        assert_eq!(key.as_str(), "tab");
        assert!(matches!(key.0, Cow::Owned(_)));
    }

    #[test]
    fn required_reads_absence_as_serde_does() {
        let absent: Result<Option<u8>, serde_json::Error> = required(None, "maybe");
        assert_eq!(absent.expect("an option reads absence as None"), None);
        let absent: Result<u8, serde_json::Error> = required(None, "count");
        assert_eq!(
            absent.expect_err("absent").to_string(),
            "missing field `count`"
        );
        let present: Result<u8, serde_json::Error> = required(Some(3), "count");
        assert_eq!(present.expect("present"), 3);
    }

    #[derive(Debug, PartialEq)]
    enum Colour {
        Red,
        Unknown(String),
    }

    impl Colour {
        fn listed(value: &str) -> Option<Self> {
            (value == "red").then_some(Self::Red)
        }
    }

    impl<'de> Deserialize<'de> for Colour {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            open_enum(deserializer, Self::listed, Self::Unknown)
        }
    }

    #[test]
    fn open_enums_keep_unknown_values_and_refuse_other_types() {
        let read = |text: &str| serde_json::from_str::<Colour>(text);
        assert_eq!(read(r#""red""#).expect("listed"), Colour::Red);
        assert_eq!(read(r#""r\u0065d""#).expect("escaped"), Colour::Red);
        assert_eq!(
            read(r#""teal""#).expect("unknown"),
            Colour::Unknown("teal".to_owned())
        );
        assert_eq!(
            serde_json::from_value::<Colour>(json!("teal")).expect("owned"),
            Colour::Unknown("teal".to_owned())
        );
        assert_eq!(
            read("3").expect_err("a number").to_string(),
            "invalid type: integer `3`, expected a string at line 1 column 1"
        );
        assert!(read("null").is_err());
    }
}
