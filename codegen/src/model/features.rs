//! The cargo features of a generated crate: one per tag, so a crate that calls a few operations of
//! a big API compiles only them and the types they reach.
//!
//! An operation is compiled when any of its tags' features is on; a type when any feature of an
//! operation reaching it is on. Types no operation reaches (webhook payloads, say) have a feature
//! of their own, `other-types`. What every feature needs, what an untagged operation needs and
//! what the `Client` itself needs is always compiled. An API whose operations use fewer than two
//! tags has no features.

use super::naming::{self, Namespace};
use super::usage::referenced;
use super::{Api, TypeDef, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// A tag's cargo feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeature {
    /// The feature's name (kebab-case), unique in the crate.
    pub name: String,
    /// The tag as operations list it.
    pub tag: String,
    /// How many operations it enables.
    pub operations: usize,
}

/// The feature of the types no operation reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherTypes {
    /// The feature's name, `other-types` unless a tag has it.
    pub name: String,
    /// How many types no operation reaches.
    pub count: usize,
}

/// Which features enable each operation and type; see the module documentation.
#[derive(Debug, Default)]
pub struct Features {
    /// The features, tags in document order, then tags the document does not list in order of use.
    pub tags: Vec<TagFeature>,
    /// The feature of the types no operation reaches, when there are some.
    pub other_types: Option<OtherTypes>,
    /// Operation method name → the features that enable it, sorted; absent when always compiled.
    operations: BTreeMap<String, Vec<String>>,
    /// Type name → the features that enable it, sorted; absent when always compiled.
    types: BTreeMap<String, Vec<String>>,
}

impl Features {
    /// Works out the features of `api`.
    pub fn of(api: &Api) -> Self {
        let mut tags: Vec<&str> = api
            .tags
            .iter()
            .map(|tag| tag.name.as_str())
            .filter(|tag| {
                api.operations
                    .iter()
                    .any(|op| op.tags.iter().any(|t| t == tag))
            })
            .collect();
        for tag in api.operations.iter().flat_map(|op| &op.tags) {
            if !tags.contains(&tag.as_str()) {
                tags.push(tag);
            }
        }
        if tags.len() < 2 {
            return Self::default();
        }
        let mut names = Namespace::new();
        names.claim("default".to_owned());
        let tags: Vec<TagFeature> = tags
            .into_iter()
            .map(|tag| TagFeature {
                name: names.claim(naming::feature_name(tag)),
                tag: tag.to_owned(),
                operations: api
                    .operations
                    .iter()
                    .filter(|op| op.tags.iter().any(|t| t == tag))
                    .count(),
            })
            .collect();
        let feature_of = |tag: &str| {
            tags.iter()
                .find(|feature| feature.tag == tag)
                .map(|feature| feature.name.clone())
        };

        let definitions: BTreeMap<&str, _> = api
            .types
            .iter()
            .map(|def| (def.name.as_str(), def))
            .collect();
        // `None` in the map: something always compiled reaches the type.
        let mut reached: BTreeMap<&str, Option<BTreeSet<String>>> = BTreeMap::new();
        let mut operations = BTreeMap::new();
        for operation in &api.operations {
            let features: BTreeSet<String> = operation
                .tags
                .iter()
                .filter_map(|tag| feature_of(tag))
                .collect();
            if features.is_empty() {
                reach(&mut reached, &definitions, operation.type_refs(), None);
            } else {
                reach(
                    &mut reached,
                    &definitions,
                    operation.type_refs(),
                    Some(&features),
                );
                operations.insert(operation.name.clone(), features.into_iter().collect());
            }
        }
        let header_types = api.client_headers.iter().map(|header| &header.parameter.ty);
        reach(&mut reached, &definitions, header_types, None);
        let unreached: Vec<TypeRef> = api
            .types
            .iter()
            .filter(|def| !reached.contains_key(def.name.as_str()))
            .map(|def| TypeRef::Named(def.name.clone()))
            .collect();
        let other_types = (!unreached.is_empty()).then(|| OtherTypes {
            name: names.claim("other-types".to_owned()),
            count: unreached.len(),
        });
        if let Some(other) = &other_types {
            let feature = BTreeSet::from([other.name.clone()]);
            reach(&mut reached, &definitions, unreached.iter(), Some(&feature));
        }

        let every = tags.len() + usize::from(other_types.is_some());
        let types = reached
            .into_iter()
            .filter_map(|(name, features)| {
                let features = features?;
                (features.len() < every).then(|| (name.to_owned(), features.into_iter().collect()))
            })
            .collect();
        Self {
            tags,
            other_types,
            operations,
            types,
        }
    }

    /// The features that enable the operation whose method is `name`; empty when it is always
    /// compiled.
    pub fn of_operation(&self, name: &str) -> &[String] {
        self.operations.get(name).map_or(&[], Vec::as_slice)
    }

    /// The features that enable the type `name`; empty when it is always compiled.
    pub fn of_type(&self, name: &str) -> &[String] {
        self.types.get(name).map_or(&[], Vec::as_slice)
    }
}

/// Marks the types `roots` reach, at any depth, as enabled by `features` (`None`: always).
fn reach<'a>(
    reached: &mut BTreeMap<&'a str, Option<BTreeSet<String>>>,
    definitions: &BTreeMap<&'a str, &'a TypeDef>,
    roots: impl Iterator<Item = &'a TypeRef>,
    features: Option<&BTreeSet<String>>,
) {
    let mut pending: Vec<&'a str> = roots.filter_map(TypeRef::name).collect();
    while let Some(name) = pending.pop() {
        let entry = reached.entry(name).or_insert_with(|| Some(BTreeSet::new()));
        // Only a type whose features grew passes them on; that bounds the walk on cycles.
        let grew = match (entry.as_mut(), features) {
            (None, _) => false,
            (Some(_), None) => {
                *entry = None;
                true
            }
            (Some(current), Some(features)) => {
                let before = current.len();
                current.extend(features.iter().cloned());
                current.len() > before
            }
        };
        if grew {
            if let Some(def) = definitions.get(name) {
                pending.extend(referenced(def).into_iter().filter_map(TypeRef::name));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
tags: [{name: Code Scanning}, {name: Repos}, {name: Unused}]
paths:
  /alerts:
    get:
      operationId: listAlerts
      tags: [Code Scanning]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Alert'}}}}
  /repos:
    get:
      operationId: getRepo
      tags: [Repos, Code Scanning]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Repo'}}}}
  /meta:
    get:
      operationId: meta
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}}
components:
  schemas:
    Alert:
      type: object
      properties: {rule: {$ref: '#/components/schemas/Rule'}, repo: {$ref: '#/components/schemas/Repo'}}
    Rule: {type: object, properties: {id: {type: string}}}
    Repo: {type: object, properties: {owner: {$ref: '#/components/schemas/Owner'}, label: {$ref: '#/components/schemas/Label'}}}
    Owner: {type: object, properties: {login: {type: string}}}
    Webhook: {type: object, properties: {rule: {$ref: '#/components/schemas/Rule'}, label: {$ref: '#/components/schemas/Label'}}}
    Label: {type: object, properties: {name: {type: string}}}
"#;

    #[test]
    fn operations_follow_their_tags_and_types_the_operations_reaching_them() {
        let api = load(SPEC).unwrap().api;
        let features = Features::of(&api);
        let names: Vec<&str> = features.tags.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["code-scanning", "repos"],
            "unused tags have no feature"
        );
        assert_eq!(features.of_operation("list_alerts"), ["code-scanning"]);
        assert_eq!(
            features.of_operation("get_repo"),
            ["code-scanning", "repos"]
        );
        assert!(features.of_operation("meta").is_empty(), "untagged: always");
        assert_eq!(features.of_type("Alert"), ["code-scanning"]);
        assert_eq!(features.of_type("Rule"), ["code-scanning", "other-types"]);
        assert_eq!(features.of_type("Repo"), ["code-scanning", "repos"]);
        assert!(
            features.of_type("Label").is_empty(),
            "every feature reaches it"
        );
        assert!(
            features.of_type("Owner").is_empty(),
            "an untagged operation reaches it"
        );
        assert_eq!(features.of_type("Webhook"), ["other-types"]);
        assert_eq!(
            features.other_types,
            Some(OtherTypes {
                name: "other-types".to_owned(),
                count: 1
            })
        );
    }

    #[test]
    fn one_tag_makes_no_features() {
        let api = load(&SPEC.replace("[Repos, Code Scanning]", "[Code Scanning]"))
            .unwrap()
            .api;
        let features = Features::of(&api);
        assert!(features.tags.is_empty());
        assert!(features.of_operation("list_alerts").is_empty());
        assert!(features.of_type("Alert").is_empty());
    }
}
