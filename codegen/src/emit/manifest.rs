//! `Cargo.toml` of a generated crate.

use crate::model::features::Features;
use crate::model::{Api, TypeRef};
use std::fmt::Write as _;
use std::path::Path;

/// Where the generated crate finds the runtime crate, whether it stands alone, and which
/// hand-written examples it builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestOptions {
    /// The package name, e.g. `skiplino`.
    pub package: String,
    /// Path from the crate's directory to the `client-runtime` crate.
    pub runtime_path: String,
    /// Whether the crate is its own workspace (generated outside this repository's workspace).
    pub standalone: bool,
    /// Paths from the crate's directory to example sources, e.g.
    /// `../../examples/skiplino/quickstart.rs`: each becomes an `[[example]]` named after its file
    /// stem, and any at all add the `[dev-dependencies]` the examples run on.
    pub examples: Vec<String>,
}

/// What the examples run on: an async runtime, a mock server, and stream combinators for
/// paginated operations. The versions are the ones the workspace already locks.
const EXAMPLE_DEV_DEPENDENCIES: &str = r#"
[dev-dependencies]
futures-util = { version = "0.3", default-features = false, features = ["std"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
wiremock = "0.6"
"#;

/// The manifest text, opening with `header`.
pub(crate) fn manifest(
    api: &Api,
    features: &Features,
    header: &str,
    options: &ManifestOptions,
) -> String {
    // Cargo hands the description to rustc in an environment variable, which can hold no NUL:
    // control characters go, and the rest is escaped by TOML.
    let description = toml_string(&comment(&format!(
        "Typed async client for the {} {}.",
        api.title, api.version
    )));
    let uuid = if api.type_refs().any(|ty| ty.any(&|ty| *ty == TypeRef::Uuid)) {
        "uuid = { version = \"1\", features = [\"serde\"] }\n"
    } else {
        ""
    };
    let mut examples = String::new();
    if !options.examples.is_empty() {
        examples.push_str(EXAMPLE_DEV_DEPENDENCIES);
    }
    for path in &options.examples {
        let path = path.replace('\\', "/");
        let name = Path::new(&path)
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = write!(
            examples,
            "\n[[example]]\nname = {}\npath = {}\n",
            toml_string(&name),
            toml_string(&path),
        );
    }
    let features = features_table(features);
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        r#"# {header}
[package]
name = {package}
version = "0.1.0"
description = {description}
edition = "2024"
rust-version = "1.85"
license = "MIT OR Apache-2.0"
publish = false

# Doc comments come from the API description; they are written so that none holds a doctest,
# and doctests stay off besides.
[lib]
doctest = false

[dependencies]
client-runtime = {{ path = {runtime} }}
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["float_roundtrip"] }}
{uuid}{features}{examples}
[lints.rust]
missing_docs = "warn"
unsafe_code = "forbid"
{workspace}"#,
        header = comment(header),
        package = toml_string(&options.package),
        runtime = toml_string(&options.runtime_path.replace('\\', "/")),
    )
}

/// The `[features]` table: one feature per tag, all on by default; nothing for an API without
/// features.
fn features_table(features: &Features) -> String {
    if features.tags.is_empty() {
        return String::new();
    }
    let all: Vec<String> = features
        .tags
        .iter()
        .map(|feature| &feature.name)
        .chain(features.other_types.as_ref().map(|other| &other.name))
        .map(|name| toml_string(name))
        .collect();
    let mut table = format!(
        "\n[features]\n# Every tag's operations. To compile only some of a big API, turn default features off\n\
         # and name the tags: the types their operations reach come with them.\ndefault = [{}]\n",
        all.join(", ")
    );
    for feature in &features.tags {
        let count = feature.operations;
        let plural = if count == 1 { "" } else { "s" };
        let tag = comment(&feature.tag);
        let _ = writeln!(
            table,
            "# The {count} operation{plural} tagged `{tag}`.\n{} = []",
            feature.name
        );
    }
    if let Some(other) = &features.other_types {
        let _ = writeln!(
            table,
            "# The {} types of schemas no operation uses.\n{} = []",
            other.count, other.name
        );
    }
    table
}

/// `text` as a TOML string, quoted and escaped by the TOML serializer.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// `text` fit for one TOML comment line: no line breaks, and none of the control characters TOML
/// refuses in comments (nor bidirectional controls, which make a line read unlike it parses).
fn comment(text: &str) -> String {
    super::docs::one_line(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info:
  title: Tiny
  version: 1.0.0
paths: {}
"#;

    fn manifest_with(examples: &[&str]) -> String {
        let api = crate::load(SPEC).expect("the spec loads").api;
        let options = ManifestOptions {
            package: "tiny".to_owned(),
            runtime_path: "../../runtime".to_owned(),
            standalone: false,
            examples: examples.iter().map(|&path| path.to_owned()).collect(),
        };
        manifest(&api, &Features::of(&api), "header", &options)
    }

    #[test]
    fn examples_become_targets_with_the_dev_dependencies_they_run_on() {
        let text = manifest_with(&[
            "../../examples/tiny/list.rs",
            "../../examples/tiny/quickstart.rs",
        ]);
        assert!(text.contains("\n[dev-dependencies]\n"), "{text}");
        assert!(
            text.contains(
                "\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n"
            ),
            "{text}"
        );
        assert!(text.contains("\nwiremock = \"0.6\"\n"), "{text}");
        assert!(text.contains("\nfutures-util = "), "{text}");
        assert!(
            text.contains(
                "\n[[example]]\nname = \"list\"\npath = \"../../examples/tiny/list.rs\"\n\n\
                 [[example]]\nname = \"quickstart\"\npath = \"../../examples/tiny/quickstart.rs\"\n"
            ),
            "{text}"
        );
        assert_eq!(text.matches("[dev-dependencies]").count(), 1, "{text}");
    }

    #[test]
    fn without_examples_there_are_no_example_targets_or_dev_dependencies() {
        let text = manifest_with(&[]);
        assert!(!text.contains("[[example]]"), "{text}");
        assert!(!text.contains("[dev-dependencies]"), "{text}");
        assert!(!text.contains("wiremock"), "{text}");
        assert!(text.contains("\nserde_json = "), "{text}");
    }

    #[test]
    fn example_paths_use_forward_slashes() {
        let text = manifest_with(&["..\\..\\examples\\tiny\\quickstart.rs"]);
        assert!(
            text.contains("name = \"quickstart\"\npath = \"../../examples/tiny/quickstart.rs\"\n"),
            "{text}"
        );
    }
}
