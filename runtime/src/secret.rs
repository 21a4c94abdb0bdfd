//! Credentials that never show up in `Debug` output, logs or error messages.

use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// A secret value such as an API key or access token.
///
/// It has no `Display`, and its `Debug` prints `Secret(***)`, so it cannot leak through
/// formatting; [`Secret::expose`] is the one way to read it. Its memory is overwritten with zeros
/// when it is dropped, and two secrets are compared in time that does not depend on where they
/// differ.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for putting on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Overwrites the secret's bytes with zeros (the whole allocation) and leaves it empty.
impl Zeroize for Secret {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for Secret {}

/// Constant-time in the contents: a caller timing comparisons learns at most the length.
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_value() {
        let secret = Secret::from("sk_live_very_secret");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(***))");
        assert_eq!(secret.expose(), "sk_live_very_secret");
    }

    #[test]
    fn secrets_are_equal_only_when_every_byte_is() {
        let key = Secret::from("sk_live_abc");
        assert_eq!(key, Secret::from("sk_live_abc"));
        assert_ne!(key, Secret::from("sk_live_abd"));
        assert_ne!(key, Secret::from("sk_live_ab"));
        assert_ne!(key, Secret::from(""));
    }

    #[test]
    fn wiping_a_secret_leaves_nothing_to_expose() {
        let mut secret = Secret::from("sk_live_very_secret");
        secret.zeroize();
        assert_eq!(secret.expose(), "");
    }
}
