//! Serde support for a property that must be present but may be `null`: `Option<T>`.
//!
//! Serde treats a missing `Option` field as `None`; a property the API marks required must instead
//! be there, even if only as `null`. Generated code uses
//! `#[serde(deserialize_with = "client_runtime::nullable::deserialize")]`, which makes serde report a
//! missing property as an error.

use serde::{Deserialize, Deserializer};

/// Reads `null` as `None` and anything else as `Some`.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// For an optional property of any JSON value: a present `null` is `Some(Value::Null)`, not
/// `None`, so that it is written back (`None`, an absent property, is skipped).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Profile {
        #[serde(deserialize_with = "super::deserialize")]
        nickname: Option<String>,
    }

    #[test]
    fn null_is_none_and_absence_is_an_error() {
        let profile: Profile = serde_json::from_str(r#"{"nickname": null}"#).unwrap();
        assert_eq!(profile.nickname, None);
        let profile: Profile = serde_json::from_str(r#"{"nickname": "kim"}"#).unwrap();
        assert_eq!(profile.nickname.as_deref(), Some("kim"));
        let error = serde_json::from_str::<Profile>("{}").unwrap_err();
        assert!(
            error.to_string().contains("missing field `nickname`"),
            "{error}"
        );
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Open {
        #[serde(deserialize_with = "super::deserialize")]
        nickname: Option<String>,
        #[serde(flatten)]
        rest: serde_json::Map<String, serde_json::Value>,
    }

    #[test]
    fn absence_is_an_error_next_to_flattened_properties_too() {
        let open: Open = serde_json::from_str(r#"{"nickname": null, "x": 1}"#).unwrap();
        assert_eq!((open.nickname, open.rest.len()), (None, 1));
        assert!(serde_json::from_str::<Open>(r#"{"x": 1}"#).is_err());
    }

    #[derive(Debug, Deserialize, serde::Serialize, PartialEq)]
    struct Loose {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::present"
        )]
        anything: Option<serde_json::Value>,
    }

    #[test]
    fn a_present_null_of_any_value_is_kept() {
        for text in [r#"{"anything":null}"#, r#"{"anything":[1]}"#, "{}"] {
            let loose: Loose = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&loose).unwrap(), text);
        }
    }
}
