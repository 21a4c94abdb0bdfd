//! Serde support for `Option<Option<T>>` fields that may be absent or `null`.
//!
//! With `#[serde(default, skip_serializing_if = "Option::is_none", with = "client_runtime::double_option")]`:
//! an absent property is `None`, `null` is `Some(None)` and a value is `Some(Some(value))`, and
//! each is written back the same way. An update request can so tell "leave as is" from "clear".

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Writes `Some(None)` as `null` and `Some(Some(value))` as the value. (`None` is skipped by the
/// field's `skip_serializing_if`; written here it would also be `null`.)
pub fn serialize<T: Serialize, S: Serializer>(
    value: &Option<Option<T>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

/// Reads a present property: `null` as `Some(None)`, a value as `Some(Some(value))`. An absent one
/// never reaches here; the field's `default` makes it `None`.
pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Update {
        #[serde(default, skip_serializing_if = "Option::is_none", with = "super")]
        name: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_are_three_states_both_ways() {
        for (wire, value) in [
            (json!({}), None),
            (json!({"name": null}), Some(None)),
            (json!({"name": "Layla"}), Some(Some("Layla".to_owned()))),
        ] {
            let decoded: Update = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(decoded, Update { name: value });
            assert_eq!(serde_json::to_value(&decoded).unwrap(), wire);
        }
    }
}
