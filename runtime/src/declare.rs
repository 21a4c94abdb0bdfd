//! The macros generated types are declared with: [`object!`](crate::object) for a struct of JSON
//! properties, [`open_enum!`](crate::open_enum) for a string enum that keeps values it does not
//! know.
//!
//! Each expands one compact declaration, one line per property or value, into the impls a
//! careful hand-written type would have, so that a generated crate states only what differs from
//! one type to the next.

/// Declares a struct of JSON properties with `Debug`, `Clone`, `PartialEq`, `Serialize` and
/// `Deserialize`.
///
/// Each field is marked `#[json("wire name", presence)]`, where the presence says what an absent
/// or `null` property means, as the API describes it:
///
/// | presence | field type | reading: absent / `null` | writing `None` |
/// |---|---|---|---|
/// | `required` | `T` | error / as `T` reads it | — |
/// | `nullable` | `Option<T>` | error / `None` | `null` |
/// | `optional` | `Option<T>` | `None` / `None` | left out |
/// | `optional_nullable` | `Option<Option<T>>` (or `Option<Value>`) | `None` / `Some(None)` (`Some(Null)`) | left out |
/// | `default = path` | `T` | `path()` / as `T` reads it | — |
///
/// A last field marked `#[additional]` keeps the properties the struct does not list, in a map
/// (`serde_json::Map` or `BTreeMap<String, V>`), and writes them back after the listed ones;
/// without it they are skipped. The object is read in one pass (see [`decode`](crate::decode)):
/// each listed name goes to its field, any other straight into the map, with the errors of
/// serde's derived impls (`missing field`, `duplicate field`).
///
/// ```
/// client_runtime::object! {
///     /// A ticket.
///     pub struct Ticket {
///         /// Its identifier.
///         #[json("id", required)]
///         pub id: String,
///         /// A note, absent when there is none.
///         #[json("note", optional)]
///         pub note: Option<String>,
///         #[additional]
///         pub additional_properties: serde_json::Map<String, serde_json::Value>,
///     }
/// }
///
/// let ticket: Ticket = serde_json::from_str(r#"{"id": "t1", "queue": 3}"#)?;
/// assert_eq!((ticket.id.as_str(), ticket.note), ("t1", None));
/// assert_eq!(ticket.additional_properties["queue"], 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! object {
    (
        $(#[doc = $doc:literal])*
        $(#[derive($($derive:ident),+)])?
        pub struct $name:ident {
            $(
                $(#[doc = $field_doc:literal])*
                #[json($wire:literal, $($presence:tt)+)]
                pub $field:ident: $ty:ty,
            )*
            $(
                #[additional]
                pub $additional:ident: $additional_ty:ty $(,)?
            )?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq $($(, $derive)+)?)]
        pub struct $name {
            $(
                $(#[doc = $field_doc])*
                pub $field: $ty,
            )*
            $(
                /// Properties not listed above, kept as received so that they are sent back
                /// unchanged.
                pub $additional: $additional_ty,
            )?
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use $crate::__private::serde::ser::SerializeMap as _;
                // Not written to when the struct has no property at all.
                #[allow(unused_mut)]
                let mut map = serializer.serialize_map(::core::option::Option::None)?;
                $($crate::__object_write!(map, $wire, &self.$field, $($presence)+);)*
                $(
                    for (name, value) in &self.$additional {
                        map.serialize_entry(name, value)?;
                    }
                )?
                map.end()
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::decode::object(deserializer)
            }
        }

        impl $crate::decode::Object for $name {
            const NAME: &'static str = ::core::stringify!($name);

            fn from_map<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::core::result::Result<Self, A::Error> {
                $(let mut $field = ::core::option::Option::None;)*
                $(let mut $additional: $additional_ty = ::core::default::Default::default();)?
                while let ::core::option::Option::Some(key) =
                    map.next_key::<$crate::decode::Key<'de>>()?
                {
                    match key.as_str() {
                        $($wire => $crate::decode::read(&mut map, &mut $field, $wire)?,)*
                        _ => $crate::__object_unlisted!(map, key $(, $additional)?),
                    }
                }
                ::core::result::Result::Ok(Self {
                    $($field: $crate::__object_value!($field, $wire, $($presence)+),)*
                    $($additional,)?
                })
            }
        }
    };
}

/// Writes one listed property of an [`object!`](crate::object): a field that may be absent
/// only when it is set.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_write {
    ($map:ident, $wire:literal, $value:expr, optional) => {
        if let ::core::option::Option::Some(value) = $value {
            $map.serialize_entry($wire, value)?;
        }
    };
    ($map:ident, $wire:literal, $value:expr, optional_nullable) => {
        $crate::__object_write!($map, $wire, $value, optional)
    };
    ($map:ident, $wire:literal, $value:expr, $($always:tt)+) => {
        $map.serialize_entry($wire, $value)?;
    };
}

/// Reads a property an [`object!`](crate::object) does not list: into its map, or skipped.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_unlisted {
    ($map:ident, $key:ident) => {{
        $map.next_value::<$crate::__private::serde::de::IgnoredAny>()?;
    }};
    ($map:ident, $key:ident, $additional:ident) => {{
        $additional.insert($key.into_string(), $map.next_value()?);
    }};
}

/// The value of a field of an [`object!`](crate::object) from what was read, by its presence.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_value {
    ($slot:ident, $wire:literal, required) => {
        $crate::decode::required($slot, $wire)?
    };
    ($slot:ident, $wire:literal, nullable) => {
        $crate::decode::nullable($slot, $wire)?
    };
    ($slot:ident, $wire:literal, optional) => {
        $crate::decode::optional($slot)
    };
    // Absent is `None`, `null` is kept: `Some(None)`, or `Some(Null)` for any JSON value.
    ($slot:ident, $wire:literal, optional_nullable) => {
        $slot
    };
    ($slot:ident, $wire:literal, default = $default:path) => {
        $slot.unwrap_or_else($default)
    };
}

/// Declares a string enum that keeps values it does not know in an `Unknown(String)` variant,
/// with `as_str`, `Display`, `FromStr`, `From<String>`, `Serialize`, `Deserialize` and
/// [`ParamValue`](crate::ParamValue).
///
/// Each variant is written with its wire value as its discriminant. Reading allocates only for a
/// value that is not listed.
///
/// ```
/// client_runtime::open_enum! {
///     /// State of a ticket.
///     pub enum Status {
///         /// `waiting`
///         Waiting = "waiting",
///         /// `served`
///         Served = "served",
///     }
/// }
///
/// assert_eq!(serde_json::from_str::<Status>(r#""served""#)?, Status::Served);
/// let unknown: Status = serde_json::from_str(r#""paused""#)?;
/// assert_eq!(unknown, Status::Unknown("paused".to_owned()));
/// assert_eq!(unknown.to_string(), "paused");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $(
                $(#[doc = $variant_doc:literal])*
                $variant:ident = $wire:literal,
            )*
        }
    ) => {
        $(#[doc = $doc])*
        ///
        /// A value this client does not know yet is kept in [`Self::Unknown`] and sent back
        /// unchanged.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                $(#[doc = $variant_doc])*
                $variant,
            )*
            /// A value not listed in the API description, kept as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value,
                }
            }

            /// The variant of a value the API lists; `None` for any other.
            fn listed(value: &str) -> ::core::option::Option<Self> {
                match value {
                    $($wire => ::core::option::Option::Some(Self::$variant),)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::listed(&value).unwrap_or(Self::Unknown(value))
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(
                    Self::listed(value).unwrap_or_else(|| Self::Unknown(value.to_owned())),
                )
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::decode::open_enum(deserializer, Self::listed, Self::Unknown)
            }
        }

        impl $crate::ParamValue for $name {
            fn to_param(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }
    };
}

#[cfg(test)]
#[allow(unreachable_pub)] // The macros declare public types, here in a private module.
mod tests {
    use serde_json::{Map, Value, json};

    crate::object! {
        /// A required, a nullable, an optional, an optional-nullable and a defaulted property,
        /// and the others kept.
        pub struct Profile {
            #[json("id", required)]
            pub id: String,
            #[json("nickname", nullable)]
            pub nickname: Option<String>,
            #[json("bio", optional)]
            pub bio: Option<String>,
            #[json("avatar", optional_nullable)]
            pub avatar: Option<Option<String>>,
            #[json("extra", optional_nullable)]
            pub extra: Option<Value>,
            #[json("level", default = Self::default_level)]
            pub level: i32,
            #[additional]
            pub additional_properties: Map<String, Value>,
        }
    }

    impl Profile {
        fn default_level() -> i32 {
            3
        }
    }

    crate::object! {
        /// Fields named like the macro's own variables, and nothing kept.
        #[derive(Default)]
        pub struct Shadows {
            #[json("map", optional)]
            pub map: Option<u8>,
            #[json("key", optional)]
            pub key: Option<u8>,
        }
    }

    crate::object! {
        /// No field at all.
        pub struct Empty {}
    }

    fn read(text: &str) -> Result<Profile, String> {
        serde_json::from_str(text).map_err(|error| error.to_string())
    }

    #[test]
    fn presence_decides_absence_and_null_both_ways() {
        let profile = read(r#"{"id":"p1","nickname":null}"#).expect("decodes");
        assert_eq!(
            (
                &profile.nickname,
                &profile.bio,
                &profile.avatar,
                &profile.extra
            ),
            (&None, &None, &None, &None)
        );
        assert_eq!(profile.level, 3);
        // Absent optional properties stay absent; a nullable one is written as `null`.
        assert_eq!(
            serde_json::to_string(&profile).expect("encodes"),
            r#"{"id":"p1","nickname":null,"level":3}"#
        );
        let text =
            r#"{"id":"p1","nickname":"kim","bio":"hi","avatar":null,"extra":null,"level":7}"#;
        let profile = read(text).expect("decodes");
        assert_eq!(profile.avatar, Some(None));
        assert_eq!(profile.extra, Some(Value::Null));
        assert_eq!(serde_json::to_string(&profile).expect("encodes"), text);
        assert_eq!(
            read(r#"{"id":"p1","nickname":null,"bio":null}"#)
                .expect("decodes")
                .bio,
            None
        );
    }

    #[test]
    fn unlisted_properties_are_kept_in_order_and_written_back_last() {
        let text = r#"{"a":1,"id":"p1","b":{"c":[true]},"nickname":null,"z":"last"}"#;
        let profile = read(text).expect("decodes");
        let kept: Vec<&str> = profile
            .additional_properties
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(kept, ["a", "b", "z"]);
        assert_eq!(
            serde_json::to_value(&profile).expect("encodes"),
            serde_json::from_str::<Value>(text)
                .expect("json")
                .as_object()
                .map(|object| {
                    let mut object = object.clone();
                    object.insert("level".to_owned(), json!(3));
                    Value::Object(object)
                })
                .expect("an object")
        );
    }

    #[test]
    fn errors_name_the_property_as_serde_derive_does() {
        assert!(
            read(r#"{"nickname":null}"#)
                .unwrap_err()
                .starts_with("missing field `id`")
        );
        assert!(
            read(r#"{"id":"p1"}"#)
                .unwrap_err()
                .starts_with("missing field `nickname`")
        );
        assert!(
            read(r#"{"id":"p1","id":"p2","nickname":null}"#)
                .unwrap_err()
                .starts_with("duplicate field `id`")
        );
        assert!(
            read(r#"["p1", null]"#)
                .unwrap_err()
                .starts_with("invalid type: sequence, expected struct Profile")
        );
    }

    #[test]
    fn a_struct_without_a_map_skips_unlisted_properties() {
        let shadows: Shadows =
            serde_json::from_str(r#"{"map":1,"other":{"deep":[1,2]},"key":2}"#).expect("decodes");
        assert_eq!((shadows.map, shadows.key), (Some(1), Some(2)));
        assert_eq!(Shadows::default().map, None);
        assert_eq!(
            serde_json::to_string(&Shadows::default()).expect("encodes"),
            "{}"
        );
        let empty: Empty = serde_json::from_str(r#"{"x":1}"#).expect("decodes");
        assert_eq!(serde_json::to_string(&empty).expect("encodes"), "{}");
    }

    crate::open_enum! {
        /// A colour.
        pub enum Colour {
            /// `red`
            Red = "red",
            /// The empty string.
            Blank = "",
        }
    }

    #[test]
    fn open_enums_read_and_write_listed_and_unknown_values() {
        use crate::ParamValue;
        let read = |text: &str| serde_json::from_str::<Colour>(text);
        assert_eq!(read(r#""red""#).expect("listed"), Colour::Red);
        assert_eq!(read(r#""""#).expect("listed"), Colour::Blank);
        assert_eq!(
            read(r#""teal""#).expect("unknown"),
            Colour::Unknown("teal".to_owned())
        );
        assert!(read("3").is_err());
        assert_eq!("red".parse::<Colour>(), Ok(Colour::Red));
        assert_eq!(Colour::from("teal".to_owned()).to_param(), "teal");
        assert_eq!(
            serde_json::to_string(&Colour::Red).expect("encodes"),
            r#""red""#
        );
        assert_eq!(Colour::Unknown("x".to_owned()).as_str(), "x");
    }
}
