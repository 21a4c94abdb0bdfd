//! Recursive types: Rust holds a type inside itself only behind a pointer.
//!
//! A struct field or union alternative that leads back to its own type by value (not through a
//! `Vec` or map, which already allocate) is wrapped in `Box`. Only edges inside a strongly
//! connected component can close a cycle, so the search stays linear in the size of the model for
//! the usual spec with few recursive types.

use super::{Diagnostic, Severity, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// Named types a value of `ty` holds inline (not behind `Vec`, map or `Box`).
fn inline_names<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Nullable(inner) => inline_names(inner, out),
        _ => {}
    }
}

/// The types a value of `def` holds inline.
fn inline_edges(def: &TypeDef) -> Vec<&str> {
    let mut out = Vec::new();
    match &def.kind {
        // A map of extra properties allocates; its values are not inline.
        TypeKind::Struct { fields, .. } => {
            for field in fields {
                inline_names(&field.ty, &mut out);
            }
        }
        TypeKind::Union { variants, .. } => {
            for variant in variants {
                inline_names(&variant.ty, &mut out);
            }
        }
        TypeKind::Alias(target) => inline_names(target, &mut out),
        TypeKind::Enum { .. } | TypeKind::IntegerEnum { .. } => {}
    }
    out
}

/// Retypes aliases that are defined only in terms of themselves (`A: {$ref: B}` with
/// `B: {$ref: A}`, or `type A = Vec<A>`, which is not valid Rust) as any JSON value, with a
/// warning each (whose pointer is the alias's schema). Afterwards every chain of aliases ends,
/// which is what lets [`TypeRef::resolved`](super::TypeRef::resolved), and everything that looks
/// through aliases, terminate.
pub fn untie_alias_cycles(types: &mut [TypeDef]) -> Vec<Diagnostic> {
    let aliases: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(target) => Some((
                def.name.clone(),
                target.name().map(str::to_owned).into_iter().collect(),
            )),
            _ => None,
        })
        .collect();
    let cyclic: BTreeSet<String> = aliases
        .keys()
        .filter(|start| reaches(&aliases, start, start))
        .cloned()
        .collect();
    let mut diagnostics = Vec::new();
    for def in types.iter_mut().filter(|def| cyclic.contains(&def.name)) {
        def.kind = TypeKind::Alias(TypeRef::Json);
        def.docs.notes.push(
            "Kept as raw JSON: the schema is defined only in terms of itself, which a Rust type \
             alias cannot express."
                .to_owned(),
        );
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            pointer: def.pointer.clone(),
            message: "the schema is defined only in terms of itself; typed as any JSON value"
                .to_owned(),
        });
    }
    diagnostics
}

/// Whether `target` can be reached from `from` in one step or more.
fn reaches(edges: &BTreeMap<String, Vec<String>>, from: &str, target: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = edges
        .get(from)
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    while let Some(next) = stack.pop() {
        if next == target {
            return true;
        }
        if seen.insert(next) {
            stack.extend(edges.get(next).into_iter().flatten().map(String::as_str));
        }
    }
    false
}

/// Boxes what makes a type contain itself by value.
pub fn box_recursive_edges(types: &mut [TypeDef]) {
    let index: BTreeMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, def)| (def.name.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|def| {
            inline_edges(def)
                .into_iter()
                .filter_map(|name| index.get(name).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected_components(&edges);
    let mut edges = edges;
    // Inside a component, box edges in document order until no inline cycle is left.
    for source in 0..types.len() {
        let recursive_targets: Vec<usize> = edges[source]
            .iter()
            .copied()
            .filter(|&target| component[target] == component[source])
            .collect();
        for target in recursive_targets {
            if !reaches_index(&edges, target, source) {
                continue;
            }
            let target_name = types[target].name.clone();
            box_references(&mut types[source], &target_name);
            edges[source].retain(|&t| t != target);
        }
    }
}

fn reaches_index(edges: &[Vec<usize>], from: usize, target: usize) -> bool {
    if from == target {
        return true;
    }
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(next) = stack.pop() {
        if next == target {
            return true;
        }
        if !std::mem::replace(&mut seen[next], true) {
            stack.extend(&edges[next]);
        }
    }
    false
}

/// Wraps every inline reference to `target` in `def` in `Box`.
fn box_references(def: &mut TypeDef, target: &str) {
    let wrap = |ty: &mut TypeRef| box_inline(ty, target);
    match &mut def.kind {
        TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|field| wrap(&mut field.ty)),
        TypeKind::Union { variants, .. } => {
            variants
                .iter_mut()
                .for_each(|variant| wrap(&mut variant.ty));
        }
        TypeKind::Alias(ty) => wrap(ty),
        TypeKind::Enum { .. } | TypeKind::IntegerEnum { .. } => {}
    }
}

fn box_inline(ty: &mut TypeRef, target: &str) {
    match ty {
        TypeRef::Named(name) if name == target => {
            *ty = TypeRef::Boxed(Box::new(ty.clone()));
        }
        TypeRef::Nullable(inner) => box_inline(inner, target),
        _ => {}
    }
}

/// Tarjan's algorithm, iteratively: the component number of each node.
fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut next_order = 0;
    let mut next_component = 0;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, index of the next edge to follow)
        let mut frames = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut next_edge)) = frames.last_mut() {
            if let Some(&child) = edges[node].get(*next_edge) {
                *next_edge += 1;
                if order[child] == UNSEEN {
                    order[child] = next_order;
                    low[child] = next_order;
                    next_order += 1;
                    stack.push(child);
                    on_stack[child] = true;
                    frames.push((child, 0));
                } else if on_stack[child] {
                    low[node] = low[node].min(order[child]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Constraints, Docs, Field, Presence};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            name: name.to_owned(),
            wire_name: name.to_owned(),
            ty,
            presence: Presence::Optional,
            docs: Docs::default(),
            constraints: Constraints::default(),
            default: None,
        }
    }

    fn structure(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.to_owned(),
            docs: Docs::default(),
            kind: TypeKind::Struct {
                fields,
                additional: None,
            },
            pointer: format!("#/components/schemas/{name}"),
        }
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(name.to_owned())
    }

    fn field_types(def: &TypeDef) -> Vec<TypeRef> {
        match &def.kind {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| f.ty.clone()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_type_holding_itself_is_boxed_and_lists_are_left_alone() {
        let mut types = vec![structure(
            "Node",
            vec![
                field("parent", named("Node")),
                field("children", TypeRef::List(Box::new(named("Node")))),
            ],
        )];
        assert!(untie_alias_cycles(&mut types).is_empty());
        box_recursive_edges(&mut types);
        assert_eq!(
            field_types(&types[0]),
            vec![
                TypeRef::Boxed(Box::new(named("Node"))),
                TypeRef::List(Box::new(named("Node"))),
            ]
        );
    }

    #[test]
    fn a_cycle_through_two_types_is_broken_once() {
        let mut types = vec![
            structure("Person", vec![field("employer", named("Company"))]),
            structure("Company", vec![field("owner", named("Person"))]),
            structure("Office", vec![field("company", named("Company"))]),
        ];
        box_recursive_edges(&mut types);
        assert_eq!(
            field_types(&types[0]),
            vec![TypeRef::Boxed(Box::new(named("Company")))]
        );
        assert_eq!(field_types(&types[1]), vec![named("Person")]);
        assert_eq!(field_types(&types[2]), vec![named("Company")]);
    }

    #[test]
    fn an_alias_defined_by_itself_becomes_json_with_a_warning() {
        let mut types = vec![TypeDef {
            name: "Tree".to_owned(),
            docs: Docs::default(),
            kind: TypeKind::Alias(TypeRef::List(Box::new(named("Tree")))),
            pointer: "#/components/schemas/Tree".to_owned(),
        }];
        let diagnostics = untie_alias_cycles(&mut types);
        assert_eq!(types[0].kind, TypeKind::Alias(TypeRef::Json));
        assert_eq!(diagnostics[0].pointer, "#/components/schemas/Tree");
    }
}
