//! `Cargo.toml` of a generated crate.

use crate::model::{Api, TypeRef};

/// Where the generated crate finds the runtime crate, and whether it stands alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestOptions {
    /// The package name, e.g. `skiplino`.
    pub package: String,
    /// Path from the crate's directory to the `client-runtime` crate.
    pub runtime_path: String,
    /// Whether the crate is its own workspace (generated outside this repository's workspace).
    pub standalone: bool,
}

/// The manifest text, opening with `header`.
pub(crate) fn manifest(api: &Api, header: &str, options: &ManifestOptions) -> String {
    let description = format!("Typed async client for the {} {}.", api.title, api.version)
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let uuid = if api.type_refs().any(|ty| ty.any(&|ty| *ty == TypeRef::Uuid)) {
        "uuid = { version = \"1\", features = [\"serde\"] }\n"
    } else {
        ""
    };
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        r#"# {header}
[package]
name = "{package}"
version = "0.1.0"
description = "{description}"
edition = "2024"
rust-version = "1.85"
license = "MIT OR Apache-2.0"
publish = false

[dependencies]
client-runtime = {{ path = "{runtime}" }}
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["float_roundtrip"] }}
{uuid}
[lints.rust]
missing_docs = "warn"
unsafe_code = "forbid"
{workspace}"#,
        package = options.package,
        runtime = options.runtime_path.replace('\\', "/"),
    )
}
