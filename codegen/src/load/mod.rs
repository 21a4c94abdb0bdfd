//! Reading a document: YAML or JSON text → openapiv3 → [`Api`].
//!
//! This module is the only one that sees openapiv3 types. Anything the model cannot represent is
//! reported as a [`Diagnostic`] with the JSON pointer of its node; the rest of the document still
//! becomes a model.

mod locate;
mod lower;
mod normalize;
mod pointer;
mod refs;

use crate::model::{Api, Diagnostic, Severity};
use pointer::Pointer;

/// A document that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The text is not YAML or JSON.
    #[error("the document is not valid YAML or JSON: {0}")]
    Syntax(String),
    /// The text parses but is not an OpenAPI 3.0 or 3.1 document.
    #[error("{pointer}: {message}")]
    Structure {
        /// JSON pointer of the node that does not fit.
        pointer: String,
        /// What is wrong with it.
        message: String,
    },
    /// The document is read, but some of it cannot become a client.
    #[error("the document has {} error(s); first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Diagnostic>),
}

/// A document turned into a model, with the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model.
    pub api: Api,
    /// Constructs that were degraded (e.g. typed as any JSON value), each with its pointer.
    pub warnings: Vec<Diagnostic>,
}

/// Reads an OpenAPI 3.0 or 3.1 document from YAML or JSON text (3.1 is rewritten to 3.0 first).
pub fn load(text: &str) -> Result<Loaded, LoadError> {
    // JSON is read as JSON first: faster, and without YAML's 1024-character limit on keys.
    let mut value: serde_yaml::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(_) => {
            serde_yaml::from_str(text).map_err(|error| LoadError::Syntax(error.to_string()))?
        }
    };
    if check_version(&value)? == Version::V31 {
        normalize::openapi_31_to_30(&mut value);
    }
    let relocations = refs::inline_local_references(&mut value).map_err(LoadError::Invalid)?;
    // Pointers found in the expanded document name the nodes the user wrote.
    match read(value) {
        Ok(Loaded { mut api, warnings }) => {
            relocations.model(&mut api);
            let warnings = relocations.diagnostics(warnings);
            Ok(Loaded { api, warnings })
        }
        Err(LoadError::Structure { pointer, message }) => Err(LoadError::Structure {
            pointer: relocations.relocate(&pointer),
            message,
        }),
        Err(LoadError::Invalid(errors)) => Err(LoadError::Invalid(relocations.diagnostics(errors))),
        Err(error) => Err(error),
    }
}

/// Reads a parsed document whose references to nodes other than components are copies by now.
fn read(mut value: serde_yaml::Value) -> Result<Loaded, LoadError> {
    drop_infinite_numbers(&mut value);
    drop_type_beside_composition(&mut value);
    // openapiv3 asserts on some inputs it does not expect; that must end as an error, not a crash.
    let document = std::panic::catch_unwind(|| parse(&value)).unwrap_or_else(|_| {
        let (pointer, message) = locate::first_failure(&value).unwrap_or_else(|| {
            (
                Pointer::root(),
                "the document has a shape the OpenAPI reader cannot handle".to_owned(),
            )
        });
        Err(LoadError::Structure {
            pointer: pointer.to_string(),
            message,
        })
    })?;
    let (api, diagnostics) = lower::lower(&document);
    let (errors, warnings): (Vec<_>, Vec<_>) = diagnostics
        .into_iter()
        .partition(|diagnostic| diagnostic.severity == Severity::Error);
    if errors.is_empty() {
        Ok(Loaded { api, warnings })
    } else {
        Err(LoadError::Invalid(errors))
    }
}

fn parse(value: &serde_yaml::Value) -> Result<openapiv3::OpenAPI, LoadError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let (pointer, message) = locate::first_failure(value).unwrap_or_else(|| {
            let pointer = Pointer::from_serde_path(error.path());
            (pointer, error.into_inner().to_string())
        });
        LoadError::Structure {
            pointer: pointer.to_string(),
            message,
        }
    })
}

/// Replaces YAML's `.inf` and `.nan`, which JSON and JSON Schema cannot express, with `null`:
/// an infinite bound bounds nothing. (openapiv3 would otherwise read such a node twice with
/// different outcomes and panic.)
fn drop_infinite_numbers(value: &mut serde_yaml::Value) {
    match value {
        serde_yaml::Value::Number(number) if number.as_f64().is_some_and(|n| !n.is_finite()) => {
            *value = serde_yaml::Value::Null;
        }
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(drop_infinite_numbers),
        serde_yaml::Value::Mapping(entries) => {
            entries.values_mut().for_each(drop_infinite_numbers);
        }
        serde_yaml::Value::Tagged(tagged) => drop_infinite_numbers(&mut tagged.value),
        _ => {}
    }
}

/// Removes `type` from schemas that also compose others (`allOf`, `oneOf`, `anyOf`) when the
/// composition says what the value is, as in `{type: object, nullable: true, allOf: [$ref:
/// Address]}` or `{type: string, nullable: true, allOf: [$ref: Language]}`. openapiv3 reads such a
/// node by its `type` alone and drops the composition. Kept: a `type` with keywords of its own
/// beside it (`properties`, `enum`, `format`…), or composing inline parts that may lean on it.
fn drop_type_beside_composition(value: &mut serde_yaml::Value) {
    const SHAPING: &[&str] = &[
        "properties",
        "additionalProperties",
        "items",
        "enum",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "minItems",
        "maxItems",
    ];
    match value {
        serde_yaml::Value::Mapping(entries) => {
            let parts: Vec<&serde_yaml::Value> = ["allOf", "oneOf", "anyOf"]
                .iter()
                .filter_map(|keyword| entries.get(*keyword))
                .filter_map(serde_yaml::Value::as_sequence)
                .flatten()
                .collect();
            let composes = !parts.is_empty();
            let bare_object = entries.get("type").and_then(serde_yaml::Value::as_str)
                == Some("object")
                && !entries.contains_key("properties");
            let only_references = parts.iter().all(|part| part.get("$ref").is_some());
            let shaped = SHAPING.iter().any(|keyword| entries.contains_key(*keyword));
            if composes && (bare_object || (only_references && !shaped)) {
                entries.remove("type");
            }
            entries.values_mut().for_each(drop_type_beside_composition);
        }
        serde_yaml::Value::Sequence(items) => {
            items.iter_mut().for_each(drop_type_beside_composition);
        }
        serde_yaml::Value::Tagged(tagged) => drop_type_beside_composition(&mut tagged.value),
        _ => {}
    }
}

/// The OpenAPI versions this loader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// 3.0.x, read as it is.
    V30,
    /// 3.1.x, rewritten to 3.0 first.
    V31,
}

/// The version of the document, or a refusal of one this loader does not read, before openapiv3
/// gives a vaguer error.
fn check_version(value: &serde_yaml::Value) -> Result<Version, LoadError> {
    let refuse = |pointer: &str, message: String| {
        Err(LoadError::Structure {
            pointer: pointer.to_owned(),
            message,
        })
    };
    if value.get("swagger").is_some() {
        return refuse(
            "#/swagger",
            "Swagger 2.0 documents are not supported; convert the document to OpenAPI 3 (3.0 or \
             3.1) first, e.g. with swagger2openapi"
                .to_owned(),
        );
    }
    let version = match value.get("openapi") {
        Some(serde_yaml::Value::String(version)) => version,
        Some(serde_yaml::Value::Number(number)) => {
            return refuse(
                "#/openapi",
                format!("the version must be a string such as '3.1.0'; quote `{number}` in YAML"),
            );
        }
        _ => {
            return refuse(
                "#/openapi",
                "the `openapi` version field is missing or not a string".to_owned(),
            );
        }
    };
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("3"), Some("0")) => Ok(Version::V30),
        (Some("3"), Some("1")) => Ok(Version::V31),
        _ => refuse(
            "#/openapi",
            format!("OpenAPI {version} is not supported; only 3.0.x and 3.1.x documents are read"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swagger_documents_are_refused_with_a_way_forward() {
        let error =
            load("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("#/swagger: Swagger 2.0"), "{message}");
        assert!(
            message.contains("convert the document to OpenAPI 3"),
            "{message}"
        );
    }

    #[test]
    fn versions_other_than_3_0_and_3_1_are_refused_at_the_version_field() {
        for version in ["3.2.0", "4.0.0", "2.0", "3"] {
            let text =
                format!("openapi: {version:?}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n");
            let message = load(&text).unwrap_err().to_string();
            assert!(
                message.starts_with(&format!("#/openapi: OpenAPI {version} is not supported")),
                "{message}"
            );
        }
        let message = load("openapi: 3.1\ninfo: {title: t, version: '1'}\n")
            .unwrap_err()
            .to_string();
        assert!(message.contains("quote `3.1`"), "{message}");
    }

    #[test]
    fn a_3_0_document_is_read_as_3_0_and_not_rewritten() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Name: {type: [string, 'null']}\n";
        let error = load(text).unwrap_err();
        assert!(
            error.to_string().starts_with("#/components/schemas/Name"),
            "{error}"
        );
    }

    #[test]
    fn a_3_1_schema_that_cannot_be_rewritten_is_refused_at_its_pointer() {
        for schema in ["{type: []}", "{type: [string, 5]}"] {
            let text = format!(
                "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {schema}\n"
            );
            let error = load(&text).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("#/components/schemas/Pet/properties/name"),
                "{schema}: {error}"
            );
        }
    }

    #[test]
    fn a_3_1_document_loads_as_its_3_0_equivalent() {
        use crate::model::{Presence, TypeKind, TypeRef};
        let text = r##"
openapi: 3.1.0
info: {title: t, version: '1', summary: A 3.1 document.}
webhooks: {}
components:
  schemas:
    Owner:
      type: object
      properties:
        name: {type: string}
    Pet:
      type: object
      required: [name, owner]
      properties:
        name: {type: [string, 'null']}
        owner:
          oneOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]
        age: {type: integer, exclusiveMinimum: 0, examples: [3]}
        tag: {type: [string, integer]}
        kind: {const: dog}
"##;
        let loaded = load(text).expect("a 3.1 document loads");
        assert!(loaded.api.operations.is_empty());
        let TypeKind::Struct { fields, .. } = kind_of(&loaded, "Pet") else {
            panic!("a struct");
        };
        assert_eq!(fields[0].ty, TypeRef::String);
        assert_eq!(fields[0].presence, Presence::Nullable);
        assert_eq!(fields[1].ty, TypeRef::Named("Owner".to_owned()));
        assert_eq!(fields[1].presence, Presence::Nullable);
        let minimum = fields[2].constraints.minimum.as_ref().expect("a minimum");
        assert!(minimum.exclusive && minimum.value == 0.0);
        assert!(matches!(
            &fields[3].ty,
            TypeRef::Named(name) if matches!(kind_of(&loaded, name), TypeKind::Union { .. })
        ));
        assert!(matches!(
            &fields[4].ty,
            TypeRef::Named(name) if matches!(kind_of(&loaded, name), TypeKind::Enum { .. })
        ));
    }

    #[test]
    fn a_structural_error_names_the_pointer_of_its_node() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let error = load(text).unwrap_err();
        assert!(
            error.to_string().starts_with("#/paths/~1a/get/responses"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_property_schema_is_named_down_to_its_keyword() {
        let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties:
        age: {type: integer, minimum: many}
"#;
        let error = load(text).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("#/components/schemas/Pet/properties/age"),
            "{error}"
        );
    }

    #[test]
    fn text_that_is_not_yaml_is_a_syntax_error() {
        assert!(matches!(
            load("openapi: [").unwrap_err(),
            LoadError::Syntax(_)
        ));
    }

    #[test]
    fn a_dangling_reference_is_an_error_at_its_pointer() {
        let text = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Owner'}
"##;
        let LoadError::Invalid(errors) = load(text).unwrap_err() else {
            panic!("expected a diagnostic");
        };
        assert_eq!(
            errors[0].pointer,
            "#/components/schemas/Pet/properties/owner"
        );
        assert!(errors[0].message.contains("#/components/schemas/Owner"));
    }

    fn schemas(yaml: &str) -> Loaded {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{yaml}"
        );
        load(&text).expect("loads")
    }

    fn kind_of<'a>(loaded: &'a Loaded, name: &str) -> &'a crate::model::TypeKind {
        &loaded
            .api
            .types
            .iter()
            .find(|def| def.name == name)
            .expect("type exists")
            .kind
    }

    #[test]
    fn a_typed_object_that_composes_another_is_that_other() {
        use crate::model::{TypeKind, TypeRef};
        let loaded = schemas(
            r##"    Text: {type: object, properties: {value: {type: string}}}
    Address:
      type: object
      properties:
        city: {type: object, nullable: true, allOf: [{$ref: '#/components/schemas/Text'}]}
"##,
        );
        let TypeKind::Struct { fields, .. } = kind_of(&loaded, "Address") else {
            panic!("a struct");
        };
        assert_eq!(fields[0].ty, TypeRef::Named("Text".to_owned()));
    }

    #[test]
    fn a_reference_with_a_description_beside_it_is_that_reference_even_when_recursive() {
        use crate::model::TypeKind;
        let loaded = schemas(
            r##"    Node:
      type: object
      properties:
        next: {allOf: [{$ref: '#/components/schemas/Node'}, {description: The next node.}]}
    Loop:
      type: object
      properties:
        again:
          allOf:
            - $ref: '#/components/schemas/Loop'
            - {type: object, properties: {extra: {type: string}}}
"##,
        );
        let TypeKind::Struct { fields, .. } = kind_of(&loaded, "Node") else {
            panic!("a struct");
        };
        assert_eq!(fields[0].ty.name(), Some("Node"));
        // A merge that would copy a schema into itself forever degrades instead.
        assert!(
            loaded
                .warnings
                .iter()
                .any(|warning| warning.message.contains("includes itself")),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn a_typed_string_that_composes_an_enum_is_that_enum() {
        use crate::model::{Presence, TypeKind, TypeRef};
        let loaded = schemas(
            r##"    Language: {type: string, enum: [da, en]}
    Customer:
      type: object
      properties:
        language: {type: string, nullable: true, allOf: [{$ref: '#/components/schemas/Language'}]}
        code: {type: string, minLength: 2, allOf: [{maxLength: 5}]}
"##,
        );
        let TypeKind::Struct { fields, .. } = kind_of(&loaded, "Customer") else {
            panic!("a struct");
        };
        assert_eq!(fields[0].ty, TypeRef::Named("Language".to_owned()));
        assert_eq!(fields[0].presence, Presence::OptionalNullable);
        // Inline parts with keywords of the type beside them keep it.
        assert_eq!(fields[1].ty, TypeRef::String);
    }

    #[test]
    fn repeated_enum_values_make_one_variant() {
        use crate::model::TypeKind;
        let loaded = schemas(
            "    Shade: {type: string, enum: [red, red, blue]}\n    Level: {type: integer, enum: [1, 1, -1]}\n",
        );
        let TypeKind::Enum { variants } = kind_of(&loaded, "Shade") else {
            panic!("a string enum");
        };
        assert_eq!(variants.len(), 2);
        let TypeKind::IntegerEnum { variants } = kind_of(&loaded, "Level") else {
            panic!("an integer enum");
        };
        let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Value1", "ValueMinus1"]);
    }

    #[test]
    fn an_infinite_bound_bounds_nothing() {
        use crate::model::TypeKind;
        let loaded = schemas(
            "    Reading:\n      type: object\n      properties:\n        value: {type: number, minimum: -.inf, maximum: .inf}\n",
        );
        let TypeKind::Struct { fields, .. } = kind_of(&loaded, "Reading") else {
            panic!("a struct");
        };
        assert!(fields[0].constraints.is_empty());
    }

    #[test]
    fn a_tag_claimed_twice_selects_the_first_alternative_only() {
        use crate::model::TypeKind;
        let loaded = schemas(
            r##"    Cat: {type: object, properties: {kind: {type: string}}}
    Pet:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Cat'}]
      discriminator: {propertyName: kind}
"##,
        );
        let TypeKind::Union {
            variants,
            discriminator,
        } = kind_of(&loaded, "Pet")
        else {
            panic!("a union");
        };
        assert_eq!(discriminator.as_deref(), Some("kind"));
        assert_eq!(variants[0].tags, ["Cat"]);
        assert!(variants[1].tags.is_empty());
    }

    #[test]
    fn an_inline_alternative_leaves_a_discriminated_union_untagged_with_a_warning() {
        use crate::model::TypeKind;
        let loaded = schemas(
            r##"    Cat: {type: object, properties: {kind: {type: string}}}
    Pet:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {type: object, properties: {kind: {type: string}}}]
      discriminator: {propertyName: kind}
"##,
        );
        assert!(matches!(
            kind_of(&loaded, "Pet"),
            TypeKind::Union {
                discriminator: None,
                ..
            }
        ));
        assert_eq!(
            loaded.warnings[0].pointer,
            "#/components/schemas/Pet/oneOf/1"
        );
    }
}
