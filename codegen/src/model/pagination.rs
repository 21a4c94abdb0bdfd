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
fn struct_fields<'t>(ty: &'t TypeRef, types: &'t [TypeDef]) -> Option<&'t [super::Field]> {
    let def_of = |name: &str| types.iter().find(|def| def.name == name);
    let TypeRef::Named(name) = ty.resolved(def_of) else {
        return None;
    };
    match &def_of(name)?.kind {
        TypeKind::Struct { fields, .. } => Some(fields),
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

#[cfg(test)]
mod tests {
    use crate::model::{NextPage, Pagination, TypeRef};

    /// The pagination found for the one operation of a document whose `GET /things` has
    /// `parameters` and answers with `response` (YAML flow style).
    fn found(parameters: &str, response: &str) -> Option<Pagination> {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /things:\n    get:\n      \
             operationId: listThings\n      parameters: {parameters}\n      responses:\n        \
             '200':\n          description: A page.\n          content:\n            \
             application/json:\n              schema: {response}\n"
        );
        let loaded = crate::load(&text).expect("loads");
        loaded.api.operations[0].pagination.clone()
    }

    const PAGE: &str = "[{name: page, in: query, schema: {type: integer}}]";

    #[test]
    fn a_next_page_flag_one_level_down_is_found() {
        let pagination = found(
            PAGE,
            "{type: object, required: [data, pagination], properties: {data: {type: array, \
             items: {type: string}}, pagination: {type: object, required: [hasNextPage], \
             properties: {hasNextPage: {type: boolean}}}}}",
        )
        .expect("pages");
        assert_eq!(pagination.page_parameter, "page");
        assert_eq!(pagination.items_field, "data");
        assert_eq!(pagination.item_type, TypeRef::String);
        assert_eq!(
            pagination.next,
            NextPage::Flag(vec!["pagination".to_owned(), "has_next_page".to_owned()])
        );
    }

    #[test]
    fn a_page_count_beside_the_items_is_found() {
        let pagination = found(
            PAGE,
            "{type: object, required: [items, total_pages], properties: {items: {type: array, \
             items: {type: integer}}, total_pages: {type: integer, format: int64}}}",
        )
        .expect("pages");
        assert_eq!(
            pagination.next,
            NextPage::PageCount(vec!["total_pages".to_owned()])
        );
    }

    #[test]
    fn without_all_three_parts_an_operation_does_not_page() {
        let body = "{type: object, required: [data, hasMore], properties: {data: {type: array, \
                    items: {type: string}}, hasMore: {type: boolean}}}";
        assert!(found(PAGE, body).is_some());
        let required_page = "[{name: page, in: query, required: true, schema: {type: integer}}]";
        assert!(found(required_page, body).is_none(), "a required page");
        assert!(found("[]", body).is_none(), "no page parameter");
        let optional_items = "{type: object, required: [hasMore], properties: {data: {type: \
                              array, items: {type: string}}, hasMore: {type: boolean}}}";
        assert!(found(PAGE, optional_items).is_none(), "items may be absent");
        let no_flag = "{type: object, required: [data], properties: {data: {type: array, \
                       items: {type: string}}}}";
        assert!(
            found(PAGE, no_flag).is_none(),
            "nothing tells of a next page"
        );
    }
}
