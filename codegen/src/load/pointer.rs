//! JSON pointers (RFC 6901, in URI-fragment form) to nodes of the document being read.

use std::fmt;

/// A pointer such as `#/paths/~1tickets~1{id}/get`, built one segment at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub(crate) fn root() -> Self {
        Self("#".to_owned())
    }

    /// This pointer with one more segment, escaped as RFC 6901 requires.
    pub(crate) fn join(&self, segment: impl fmt::Display) -> Self {
        let segment = segment.to_string().replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{segment}", self.0))
    }

    /// The pointer of the node a serde deserialization error stopped at.
    pub(crate) fn from_serde_path(path: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment;
        path.iter()
            .fold(Self::root(), |pointer, segment| match segment {
                Segment::Seq { index } => pointer.join(index),
                Segment::Map { key } => pointer.join(key),
                Segment::Enum { variant } => pointer.join(variant),
                Segment::Unknown => pointer,
            })
    }

    /// The unescaped segments after `#`.
    pub(crate) fn segments(&self) -> Vec<String> {
        Self::parse_local(&self.0).unwrap_or_default()
    }

    /// The pointer of a `$ref` target inside this document, if it is one (`#/components/...`).
    pub(crate) fn parse_local(reference: &str) -> Option<Vec<String>> {
        let rest = reference.strip_prefix("#/")?;
        Some(
            rest.split('/')
                .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
                .collect(),
        )
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_with_slashes_and_tildes_are_escaped() {
        let pointer = Pointer::root().join("paths").join("/a/{id}").join("x~y");
        assert_eq!(pointer.to_string(), "#/paths/~1a~1{id}/x~0y");
    }

    #[test]
    fn local_references_split_into_unescaped_segments() {
        assert_eq!(
            Pointer::parse_local("#/components/schemas/a~1b"),
            Some(vec!["components".into(), "schemas".into(), "a/b".into()])
        );
        assert_eq!(Pointer::parse_local("other.yaml#/x"), None);
    }
}
