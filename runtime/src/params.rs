//! Encoding parameter values for paths, query strings and headers.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// A value that can be sent as a path, query or header parameter.
pub trait ParamValue {
    /// The value's text on the wire (before any percent-encoding).
    fn to_param(&self) -> String;
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
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
    utf8_percent_encode(&value.to_param(), PATH_SEGMENT).to_string()
}

/// Query pairs in the order they are pushed; absent values are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pairs: Vec<(&'static str, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name=value` when `value` is present.
    pub fn push(&mut self, name: &'static str, value: Option<&impl ParamValue>) {
        if let Some(value) = value {
            self.pairs.push((name, value.to_param()));
        }
    }

    /// Adds `name=item` once per item (the `form` style with `explode`, OpenAPI's default).
    pub fn push_each<T: ParamValue>(&mut self, name: &'static str, values: Option<&Vec<T>>) {
        for value in values.into_iter().flatten() {
            self.pairs.push((name, value.to_param()));
        }
    }

    /// The pairs, for `reqwest::RequestBuilder::query`.
    pub fn pairs(&self) -> &[(&'static str, String)] {
        &self.pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn path_segments_cannot_break_out_of_their_segment() {
        assert_eq!(encode_path_segment(&"a/b c?d#e"), "a%2Fb%20c%3Fd%23e");
        assert_eq!(encode_path_segment(&"..%2F"), "..%252F");
        assert_eq!(encode_path_segment(&"T-12_3.x~"), "T-12_3.x~");
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
        assert_eq!(
            query.pairs(),
            [
                ("page", "2".to_owned()),
                ("tag", "a".to_owned()),
                ("tag", "b".to_owned())
            ]
        );
    }
}
