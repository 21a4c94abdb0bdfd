//! Recognising paginated list operations, so they get a stream of items beside the page call.
//!
//! An operation pages when it has an optional integer query parameter `page`, and its success
//! body is an object with a required array of items and a required way to tell that another page
//! follows: a boolean such as `hasNextPage` or a count such as `totalPages`, directly on the body
//! or on one of its required object properties (Skiplino's `pagination`).

use super::{
    NextPage, Operation, Pagination, ParameterLocation, Presence, TypeDef, TypeKind, TypeRef,
};

/// Property names, compared without case and `_`, that hold a page's items, best first.
const ITEM_NAMES: &[&str] = &["data", "items", "results", "records"];

/// Property names that say another page follows.
const FLAG_NAMES: &[&str] = &["hasnextpage", "hasnext", "hasmore"];

/// Property names that count the pages.
const PAGE_COUNT_NAMES: &[&str] = &["totalpages", "pagecount", "pages"];

/// Sets [`Operation::pagination`] on every operation that pages.
pub(crate) fn detect(operations: &mut [Operation], types: &[TypeDef]) {
    for operation in operations {
        operation.pagination = pagination(operation, types);
    }
}

fn pagination(operation: &Operation, types: &[TypeDef]) -> Option<Pagination> {
    let page = operation.parameters.iter().find(|parameter| {
        parameter.location == ParameterLocation::Query
            && !parameter.required
            && parameter.wire_name.eq_ignore_ascii_case("page")
            && matches!(parameter.ty, TypeRef::Int32 | TypeRef::Int64)
    })?;
    let body = struct_fields(operation.success.ty.as_ref()?, types)?;
    let required = |field: &&super::Field| field.presence == Presence::Required;
    let (items_field, item_type) = ITEM_NAMES.iter().find_map(|wanted| {
        body.iter()
            .filter(required)
            .find_map(|field| match &field.ty {
                TypeRef::List(item) if simplified(&field.wire_name) == *wanted => {
                    Some((field.name.clone(), (**item).clone()))
                }
                _ => None,
            })
    })?;
    let next = find_next(body, types, FLAG_NAMES, &TypeRef::Boolean)
        .map(NextPage::Flag)
        .or_else(|| {
            find_next(body, types, PAGE_COUNT_NAMES, &page.ty)
                .or_else(|| find_next(body, types, PAGE_COUNT_NAMES, &other_width(&page.ty)))
                .map(NextPage::PageCount)
        })?;
    Some(Pagination {
        page_parameter: page.name.clone(),
        page_type: page.ty.clone(),
        items_field,
        item_type,
        next,
    })
}

/// The path to a required field of type `ty` named one of `names`, on the body or one level down.
fn find_next(
    body: &[super::Field],
    types: &[TypeDef],
    names: &[&str],
    ty: &TypeRef,
) -> Option<Vec<String>> {
    let matches = |field: &super::Field| {
        field.presence == Presence::Required
            && field.ty == *ty
            && names.contains(&simplified(&field.wire_name).as_str())
    };
    if let Some(field) = body.iter().find(|field| matches(field)) {
        return Some(vec![field.name.clone()]);
    }
    body.iter()
        .filter(|field| field.presence == Presence::Required)
        .find_map(|outer| {
            let inner = struct_fields(&outer.ty, types)?;
            let field = inner.iter().find(|field| matches(field))?;
            Some(vec![outer.name.clone(), field.name.clone()])
        })
}

/// The fields of the struct `ty` names, through aliases.
fn struct_fields<'t>(ty: &TypeRef, types: &'t [TypeDef]) -> Option<&'t [super::Field]> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    match &types.iter().find(|def| def.name == *name)?.kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        TypeKind::Alias(target) => struct_fields(target, types),
        _ => None,
    }
}

/// A page count may be typed `int64` while the page parameter is `int32`, or the other way.
fn other_width(ty: &TypeRef) -> TypeRef {
    match ty {
        TypeRef::Int32 => TypeRef::Int64,
        _ => TypeRef::Int32,
    }
}

/// A name in lower case without `_` or `-`, so `has_next_page` and `hasNextPage` compare equal.
fn simplified(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}
