//! Every rule that turns a name from the document into a Rust identifier.
//!
//! Names from the wire may be keywords, start with digits, hold punctuation or non-ASCII letters, or
//! collide once their case is converted (`userId` and `user_id`). All of that is settled here, so
//! the rest of the generator can treat a model name as a valid identifier that is unique in its scope.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words Rust reserves in any edition up to 2024, which cannot name a field, variable or method.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Prelude names the generated `types` module uses unqualified; a schema of the same name would
/// shadow them, so it is renamed.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "Result", "Some", "None", "Ok", "Err", "String", "Vec", "Box", "From", "Into",
    "Default", "Self",
];

/// A type name (UpperCamelCase) for a schema or inline shape.
pub fn type_name(raw: &str) -> String {
    let name = ascii_words(raw).to_upper_camel_case();
    let name = if name.is_empty() {
        "Unnamed".to_owned()
    } else {
        name
    };
    let name = prefix_if_digit(name, "Type");
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// A field, parameter or method name (snake_case).
pub fn value_name(raw: &str) -> String {
    let name = ascii_words(raw).to_snake_case();
    let name = if name.is_empty() {
        "value".to_owned()
    } else {
        name
    };
    let name = prefix_if_digit(name, "n_");
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A cargo feature name (kebab-case) for a tag such as `Code Scanning` (`code-scanning`).
pub fn feature_name(raw: &str) -> String {
    let name = ascii_words(raw).to_kebab_case();
    match name.as_str() {
        "" => "untitled".to_owned(),
        // Cargo gives `default` its own meaning.
        "default" => "default-tag".to_owned(),
        _ => name,
    }
}

/// An enum variant name (UpperCamelCase) for a wire value such as `dark-green`, `light blue` or `""`.
pub fn variant_name(raw: &str) -> String {
    let name = ascii_words(raw).to_upper_camel_case();
    let name = if name.is_empty() {
        "Empty".to_owned()
    } else {
        name
    };
    let name = prefix_if_digit(name, "Value");
    if name == "Self" || name == "Unknown" {
        format!("{name}Value")
    } else {
        name
    }
}

/// An enum variant name for an integer value: `Value1`, `ValueMinus1`.
pub fn integer_variant_name(value: i64) -> String {
    if value < 0 {
        format!("ValueMinus{}", value.unsigned_abs())
    } else {
        format!("Value{value}")
    }
}

/// The variant name of a response in its operation's error or success enum, from its status.
pub fn status_variant_name(code: u16) -> String {
    let reason = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        423 => "Locked",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    reason.to_owned()
}

/// Why `name` cannot name a generated package, if it cannot: cargo's rules (ASCII letters,
/// digits, `-` and `_`, not starting with a digit, at most 64 characters, not a keyword) and the
/// names of the standard crates, which a dependency could not be told apart from.
pub fn package_name_problem(name: &str) -> Option<String> {
    const STANDARD_CRATES: &[&str] = &["std", "core", "alloc", "proc_macro", "proc-macro", "test"];
    let problem = if name.is_empty() {
        "it is empty"
    } else if name.len() > 64 {
        "it is longer than 64 characters"
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        "only ASCII letters, digits, `-` and `_` may name a package"
    } else if name.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        "a package name starts with a letter or `_`"
    } else if KEYWORDS.contains(&name.replace('-', "_").as_str()) {
        "it is a Rust keyword"
    } else if STANDARD_CRATES.contains(&name) {
        "it is the name of a standard crate"
    } else {
        return None;
    };
    Some(format!(
        "`{}` cannot name a package: {problem}",
        name.escape_debug()
    ))
}

/// The argument of `Client::new` that takes the credential, after the server's variables.
pub const CREDENTIAL_ARGUMENT: &str = "credential";

/// The suffixes of the types an operation's type name is the stem of, in the `operations`
/// module: its error enum and its success enum.
pub const OPERATION_TYPE_SUFFIXES: &[&str] = &["Error", "Success"];

/// The name of an operation's error enum, claimed with its type name.
pub fn error_type_name(operation_type: &str) -> String {
    format!("{operation_type}Error")
}

/// The name of an operation's success enum, claimed with its type name.
pub fn success_type_name(operation_type: &str) -> String {
    format!("{operation_type}Success")
}

/// Hands out names unique within one scope (a module's types, a struct's fields, an enum's variants).
///
/// A name already taken gets the smallest numeric suffix that frees it (`Customer2`, `user_id_2`), so
/// the outcome depends only on the order of claims, which the caller keeps deterministic.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns `name`, or `name` with the smallest suffix that is not yet taken, and takes it.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.contains('_') || name.chars().all(|c| !c.is_uppercase()) {
            "_"
        } else {
            ""
        };
        let unique = (2..)
            .map(|n| format!("{name}{separator}{n}"))
            .find(|candidate| !self.taken.contains(candidate))
            .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"));
        self.taken.insert(unique.clone());
        unique
    }

    /// Returns `name` (or `name` with the smallest suffix that frees them all) such that it and
    /// each name made by appending one of `suffixes` are free, and takes them all: a request
    /// builder `GetPet` with its `GetPetError` can then never meet an operation `getPetError`.
    pub fn claim_family(&mut self, name: String, suffixes: &[&str]) -> String {
        let free = |taken: &BTreeSet<String>, stem: &str| {
            !taken.contains(stem)
                && suffixes
                    .iter()
                    .all(|suffix| !taken.contains(&format!("{stem}{suffix}")))
        };
        let stem = if free(&self.taken, &name) {
            name
        } else {
            (2..)
                .map(|n| format!("{name}{n}"))
                .find(|candidate| free(&self.taken, candidate))
                .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"))
        };
        for suffix in suffixes {
            self.taken.insert(format!("{stem}{suffix}"));
        }
        self.taken.insert(stem.clone());
        stem
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// Reduces `raw` to ASCII words separated by spaces, keeping the case boundaries heck splits on.
///
/// Non-ASCII letters are transliterated (`café` → `cafe`, `Ünïcode` → `Unicode`); a name that then
/// meets another one is told apart by the [`Namespace`] of its scope, like any other collision.
fn ascii_words(raw: &str) -> String {
    deunicode::deunicode_with_tofu(raw, " ")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn prefix_if_digit(name: String, prefix: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_cargo_takes_name_a_package() {
        for good in ["skiplino", "pexip-engage", "a_b", "_x", "x1"] {
            assert_eq!(package_name_problem(good), None, "{good}");
        }
        for (bad, why) in [
            ("", "it is empty"),
            ("1up", "starts with a letter"),
            ("-x", "starts with a letter"),
            ("a b", "only ASCII"),
            ("a\"\n[x]", "only ASCII"),
            ("café", "only ASCII"),
            ("fn", "keyword"),
            ("std", "standard crate"),
        ] {
            let problem = package_name_problem(bad).expect(bad);
            assert!(problem.contains(why), "{problem}");
            assert!(!problem.contains('\n'), "{problem}");
        }
    }

    #[test]
    fn keywords_become_usable_field_names() {
        assert_eq!(value_name("type"), "type_");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("async"), "async_");
        assert_eq!(value_name("gen"), "gen_");
    }

    #[test]
    fn leading_digits_get_a_prefix() {
        assert_eq!(type_name("3DSecure"), "Type3dSecure");
        assert_eq!(value_name("2fa"), "n_2fa");
        assert_eq!(variant_name("1"), "Value1");
        assert_eq!(integer_variant_name(1), "Value1");
        assert_eq!(integer_variant_name(-1), "ValueMinus1");
    }

    #[test]
    fn wire_values_become_readable_variants() {
        assert_eq!(variant_name("dark-green"), "DarkGreen");
        assert_eq!(variant_name("light blue"), "LightBlue");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("checked_in"), "CheckedIn");
        assert_eq!(variant_name("Unknown"), "UnknownValue");
    }

    #[test]
    fn camel_and_snake_wire_names_meet_and_are_told_apart() {
        let mut fields = Namespace::new();
        let first = fields.claim(value_name("userId"));
        let second = fields.claim(value_name("user_id"));
        assert_eq!(first, "user_id");
        assert_eq!(second, "user_id_2");
    }

    #[test]
    fn a_derived_name_never_meets_another_operation() {
        let mut operations = Namespace::new();
        let get_pet = operations.claim_family(type_name("getPet"), OPERATION_TYPE_SUFFIXES);
        let get_pet_error =
            operations.claim_family(type_name("getPetError"), OPERATION_TYPE_SUFFIXES);
        assert_eq!(get_pet, "GetPet");
        assert_eq!(error_type_name(&get_pet), "GetPetError");
        assert_eq!(get_pet_error, "GetPetError2");
        let mut reversed = Namespace::new();
        assert_eq!(
            reversed.claim_family(type_name("getPetSuccess"), OPERATION_TYPE_SUFFIXES),
            "GetPetSuccess"
        );
        assert_eq!(
            reversed.claim_family(type_name("getPet"), OPERATION_TYPE_SUFFIXES),
            "GetPet2"
        );
    }

    #[test]
    fn type_collisions_get_a_numeric_suffix() {
        let mut types = Namespace::new();
        assert_eq!(types.claim(type_name("customer")), "Customer");
        assert_eq!(types.claim(type_name("Customer")), "Customer2");
        assert_eq!(types.claim(type_name("Customer")), "Customer3");
    }

    #[test]
    fn non_ascii_names_stay_distinct_and_valid() {
        assert_eq!(value_name("café"), "cafe");
        assert_eq!(type_name("Ünïcode"), "Unicode");
        assert_eq!(value_name("größe"), "grosse");
        assert_eq!(type_name("日本"), "RiBen");
        let mut fields = Namespace::new();
        assert_eq!(fields.claim(value_name("naive")), "naive");
        assert_eq!(fields.claim(value_name("naïve")), "naive_2");
    }

    #[test]
    fn names_the_generated_code_uses_are_not_shadowed() {
        assert_eq!(type_name("Result"), "ResultType");
        assert_eq!(type_name("string"), "StringType");
        assert_eq!(type_name("Error"), "Error");
        assert_eq!(type_name("default"), "DefaultType");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(value_name("_id"), "id");
        assert_eq!(value_name("$"), "value");
    }
}
