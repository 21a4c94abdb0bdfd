//! The generator never panics on a broken document, and every problem it reports names a node.
//!
//! Each case takes one of the captured specs (`spec/*.yaml`), applies one to four random
//! [`Mutation`]s to its JSON, writes it out as JSON or YAML text and reads it with
//! [`codegen::load`] (every case) or [`codegen::generate`] (15% of the cases, chosen at random;
//! `generate` loads first, so every case goes through `load`). A case passes when:
//!
//! - nothing panics out of the generator (a panic `codegen::load` catches inside itself, around
//!   openapiv3, passes, since the caller sees an error, but is counted and shown in the summary);
//! - an error is `LoadError::Structure` or `LoadError::Invalid`, its text contains `#`, and each
//!   pointer it names (the Structure pointer, every diagnostic's pointer) [`resolves`] in the
//!   mutated document: it names an existing node, or a member missing from an existing object
//!   (a required field missing from `X` may be named as `X/field`, or as `X`). A syntax error
//!   cannot happen, since serde writes the text, with one known exception listed below; a format
//!   error is a defect of the generator. Both fail the case;
//! - on success, every warning's pointer resolves in the same way.
//!
//! Known and tolerated (counted in the summary): JSON text with an object key over 1024
//! characters is refused as a syntax error, because the loader reads JSON with a YAML reader,
//! which limits implicit keys to 1024 characters.
//!
//! A failure is shrunk, then reported as the spec, the mutations as applied (with the pointers
//! they touched) and what was wrong, not as the document.
//!
//! Cost: in a debug build, reading the YAML or JSON text takes most of a case's time, and grows
//! with the text. So the specs' prose (`description`, `summary`) is cut to one short line, media
//! examples are left out, and most cases start from a slice of the spec ([`Scope`]): a few path
//! items or component schemas with the components they reach. One case in twenty takes the whole
//! spec.
//!
//! The run is reproducible: the seed is fixed and printed; `SPEC_MUTATIONS_SEED=<u64>` picks
//! another and `PROPTEST_CASES=<n>` changes the number of cases (10,000 by default, split over
//! two threads, each with its own runner and a seed derived from the one printed).

use codegen::{GenerateError, LoadError, ManifestOptions, Target};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};
use serde_json::{Map, Value, json};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::Instant;

/// The captured specs, relative to the repository root.
const SPECS: &[&str] = &["spec/skiplino.yaml", "spec/pexip-engage.yaml"];

/// Cases when `PROPTEST_CASES` does not say.
const DEFAULT_CASES: u32 = 10_000;

/// The seed when `SPEC_MUTATIONS_SEED` does not say.
const DEFAULT_SEED: u64 = 0x5eed_cafe;

/// The threads the cases are split over (CI machines have two cores).
const THREADS: u64 = 2;

/// Object keys whose members are names chosen by the document's author.
const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "securitySchemes",
    "paths",
    "content",
    "headers",
    "variables",
    "mapping",
    "scopes",
];

/// Keys whose string values become names or text in the generated code.
const NAME_VALUES: &[&str] = &[
    "operationId",
    "name",
    "propertyName",
    "x-idempotent-when-set",
    "title",
    "description",
    "summary",
    "pattern",
    "format",
    "default",
    "example",
    "url",
    "tokenUrl",
    "scheme",
    "x-key-prefix",
];

/// Arrays whose string items are names or values that become names.
const NAME_LISTS: &[&str] = &["enum", "required", "tags", "x-extensible-enum"];

/// Keys a misspelling turns into.
const WRONG_KEYS: &[&str] = &[
    "properites",
    "requried",
    "itmes",
    "tpye",
    "$rfe",
    "$ref",
    "allof",
    "oneof",
    "additionalproperties",
    "enum",
    "type",
    "items",
    "x-extra",
    "",
];

/// Names that are hard to turn into Rust: keywords, names the generated code uses itself,
/// Unicode, punctuation, comment delimiters. [`Odd::Long`] adds a 10,000-character one.
const ODD_NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "fn",
    "async",
    "await",
    "gen",
    "dyn",
    "r#type",
    "match",
    "mod",
    "struct",
    "impl",
    "union",
    "macro_rules",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "None",
    "Some",
    "Ok",
    "Err",
    "Unknown",
    "Default",
    "Client",
    "Error",
    "build",
    "send",
    "new",
    "additional_properties",
    "_",
    "__",
    "0",
    "123abc",
    "",
    " ",
    "*/",
    "/*",
    "*/ /*",
    "//",
    "\"",
    "'",
    "\\",
    "#",
    "$ref",
    "~",
    "~1",
    "/",
    "{",
    "}",
    "{id}",
    "\n",
    "a\tb",
    "a-b",
    "a.b",
    "ünïcödé",
    "日本語",
    "🦀",
    "\u{200b}",
    "ǅungla",
    "ß",
    "İstanbul",
    "x\u{0}y",
    "credential",
    "New",
    "a\u{202e}b",
    "<script>",
];

/// Prose made to run as code or to break the build: fences rustdoc compiles, code indented inside
/// lists and quotes, an unclosed fence, control and bidirectional characters, HTML, braces.
const HOSTILE_TEXT: &[&str] = &[
    "```\nfn main() {}\n```",
    "```rust,should_panic\npanic!();\n```",
    "```json,rust\nfn x() {}\n```",
    "~~~\nfn x() {}\n~~~",
    "````\n```\nfn x() {}\n```\n````",
    "-     fn x() {}",
    ">     fn x() {}",
    "1.\n       fn x() {}",
    "- a\n\n  ```compile_fail\n  fn x() {}\n  ```",
    "\tfn x() {}",
    "```\nnever closed",
    "- ```\nx\n    fn y() {}",
    "a\u{202e}b\u{2066}c\u{0}d\u{7}e\r\nf",
    "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "{} }{ {{ }} {0}",
    "*/ /* \\ \" ' `",
];

/// Values beside a `format` whose Rust type cannot hold them, as JSON.
const OUT_OF_RANGE: &[(&str, &str, &str)] = &[
    ("number", "float", "1e300"),
    ("number", "float", "-1e39"),
    ("number", "float", "1e-320"),
    ("integer", "int32", "4294967296"),
    ("integer", "int32", "-2147483649"),
    ("integer", "int64", "1e20"),
    ("integer", "int64", "9223372036854775808"),
    ("number", "double", "1e308"),
];

/// `$ref` targets that resolve to nothing this generator reads.
const DANGLING: &[&str] = &[
    "#/components/schemas/Nope",
    "#/components/parameters/Nope",
    "#/components/responses/Nope",
    "#/components/requestBodies/Nope",
    "#/components/schemas/",
    "#/components/schemas",
    "#/nowhere",
    "#/paths/~1nope",
    "#",
    "",
    "not-a-pointer",
    "other.yaml#/X",
    "other.yaml",
    "https://example.com/spec.json#/components/schemas/X",
];

/// Schema keywords that take a number.
const BOUNDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
];

/// Numbers for bounds, as JSON: beyond every integer type, beyond f64's exact integers, negative,
/// fractional.
const HUGE: &[&str] = &[
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775807",
    "340282366920938463463374607431768211456",
    "1e308",
    "-1e308",
    "9007199254740993",
    "1e20",
    "4294967296",
    "-1",
    "0.5",
    "0",
];

/// Sections emptied (or replaced by an empty value) at once.
const SECTIONS: &[(&str, &str)] = &[
    ("/paths", "{}"),
    ("/components", "{}"),
    ("/components/schemas", "{}"),
    ("/components/securitySchemes", "{}"),
    ("/components/parameters", "{}"),
    ("/components/responses", "{}"),
    ("/components/requestBodies", "{}"),
    ("/info", "{}"),
    ("/servers", "[]"),
    ("/tags", "[]"),
    ("/security", "[]"),
    ("/security", "[{}]"),
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One change to a document. Each picks its node among the candidates in the document as it is
/// when the change is applied (after the earlier ones), so a list of them always applies.
#[derive(Debug, Clone)]
enum Mutation {
    /// Removes a node (an object member or an array item).
    Drop(Index),
    /// Renames an object member.
    Rename(Index, NewKey),
    /// Replaces a node with a value of another type.
    Retype(Index, Wrong),
    /// Points a `$ref` elsewhere.
    Dangle(Index, &'static str),
    /// Makes two component schemas (possibly the same one) refer to each other.
    Cycle(CycleShape, Index, Index),
    /// Renames a name chosen by the author (a property, a component, a path, an operationId, an
    /// enum value…) to an odd one; references and `required` lists follow a renamed component or
    /// property.
    OddName(Index, Odd),
    /// Adds a copy of a named entry (or enum value) under a name that differs only in case.
    CaseTwin(Index, Spelling),
    /// Gives an operation another one's `operationId`, or a spelling of it.
    DuplicateOperationId(Index, Index, Spelling),
    /// Sets a bound keyword of a schema to an extreme number, or bounds it the wrong way round.
    Bound(Index, &'static str, Extreme),
    /// Replaces a whole section with an empty one.
    EmptySection(&'static str, &'static str),
    /// Sets a description, summary, title or tag name to one of [`HOSTILE_TEXT`].
    HostileText(Index, &'static str),
    /// Points a parameter's or body's schema at a component schema (which a [`Mutation::Cycle`]
    /// may have made a cycle).
    UseSchema(Index, Index),
    /// Gives a schema a type, a format and a default (and an example) its Rust type cannot hold.
    OutOfRange(Index, (&'static str, &'static str, &'static str)),
}

#[derive(Debug, Clone)]
enum NewKey {
    /// A near miss of the old key.
    Typo(Typo, Index),
    /// A key from [`WRONG_KEYS`].
    Word(&'static str),
}

#[derive(Debug, Clone, Copy)]
enum Typo {
    SwapAdjacent,
    DropChar,
    DoubleChar,
    FlipCase,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Wrong {
    Number,
    String,
    Bool,
    Null,
    Array,
    Object,
}

#[derive(Debug, Clone, Copy)]
enum CycleShape {
    /// `A: {properties: {me: {$ref: A}}, required: [me]}` (B unused).
    SelfProperty,
    /// `A: {allOf: [$ref: B, {...}]}`, `B: {allOf: [$ref: A, {...}]}`.
    MutualAllOf,
    /// `A: {$ref: B}`, `B: {$ref: A}`.
    Alias,
    /// `A: {type: array, items: {$ref: B}}`, `B: {properties: {a: {$ref: A}}, required: [a]}`.
    ThroughItems,
    /// `A: {oneOf: [$ref: B, string]}`, `B: {oneOf: [$ref: A]}`.
    ThroughOneOf,
    /// `A: {type: object, additionalProperties: {$ref: A}}` (B unused).
    ThroughMap,
}

#[derive(Debug, Clone, Copy)]
enum Odd {
    /// A 10,000-character name.
    Long,
    /// One of [`ODD_NAMES`].
    Name(&'static str),
}

#[derive(Debug, Clone, Copy)]
enum Spelling {
    Same,
    UpperCase,
    LowerCase,
    FirstFlipped,
    SnakeCase,
    /// With a suffix the generator derives names with: `getPet` → `getPetError`.
    Suffixed(&'static str),
}

#[derive(Debug, Clone, Copy)]
enum Extreme {
    /// One of [`HUGE`].
    Number(&'static str),
    /// The lower bound of the pair above the upper one.
    Inverted,
}

/// How much of the spec a case starts from.
#[derive(Debug, Clone)]
enum Scope {
    /// All of it.
    Whole,
    /// These path items and one more component schema, with the components they reach; the
    /// security schemes are all kept.
    Paths(Vec<Index>, Index),
    /// No path item: these component schemas, with the components they reach.
    Schemas(Vec<Index>),
}

impl Scope {
    fn label(&self) -> &'static str {
        match self {
            Scope::Whole => "whole",
            Scope::Paths(..) => "some paths",
            Scope::Schemas(_) => "some schemas",
        }
    }
}

/// What a case reads and how.
#[derive(Debug, Clone)]
struct Case {
    /// Index into [`SPECS`].
    spec: usize,
    scope: Scope,
    mutations: Vec<Mutation>,
    /// Whether the text is YAML (or else JSON).
    yaml: bool,
    /// Whether the case runs `generate` (or else `load` only).
    generate: bool,
}

fn index_in<'a, T>(items: &'a [T], index: &Index) -> Option<&'a T> {
    (!items.is_empty()).then(|| index.get(items))
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let typo = prop_oneof![
        Just(Typo::SwapAdjacent),
        Just(Typo::DropChar),
        Just(Typo::DoubleChar),
        Just(Typo::FlipCase),
    ];
    let new_key = prop_oneof![
        (typo, any::<Index>()).prop_map(|(typo, at)| NewKey::Typo(typo, at)),
        select(WRONG_KEYS).prop_map(NewKey::Word),
    ];
    let wrong = prop_oneof![
        Just(Wrong::Number),
        Just(Wrong::String),
        Just(Wrong::Bool),
        Just(Wrong::Null),
        Just(Wrong::Array),
        Just(Wrong::Object),
    ];
    let cycle = prop_oneof![
        Just(CycleShape::SelfProperty),
        Just(CycleShape::MutualAllOf),
        Just(CycleShape::Alias),
        Just(CycleShape::ThroughItems),
        Just(CycleShape::ThroughOneOf),
        Just(CycleShape::ThroughMap),
    ];
    let odd = prop_oneof![
        1 => Just(Odd::Long),
        6 => select(ODD_NAMES).prop_map(Odd::Name),
    ];
    let spelling = || {
        prop_oneof![
            Just(Spelling::Same),
            Just(Spelling::UpperCase),
            Just(Spelling::LowerCase),
            Just(Spelling::FirstFlipped),
            Just(Spelling::SnakeCase),
            select(&["Error", "Success", "Builder"][..]).prop_map(Spelling::Suffixed),
        ]
    };
    let extreme = prop_oneof![
        5 => select(HUGE).prop_map(Extreme::Number),
        1 => Just(Extreme::Inverted),
    ];
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::Drop),
        2 => (any::<Index>(), new_key).prop_map(|(at, key)| Mutation::Rename(at, key)),
        3 => (any::<Index>(), wrong).prop_map(|(at, wrong)| Mutation::Retype(at, wrong)),
        2 => (any::<Index>(), select(DANGLING)).prop_map(|(at, to)| Mutation::Dangle(at, to)),
        2 => (cycle, any::<Index>(), any::<Index>())
            .prop_map(|(shape, a, b)| Mutation::Cycle(shape, a, b)),
        3 => (any::<Index>(), odd).prop_map(|(at, odd)| Mutation::OddName(at, odd)),
        1 => (any::<Index>(), spelling()).prop_map(|(at, spelling)| Mutation::CaseTwin(at, spelling)),
        1 => (any::<Index>(), any::<Index>(), spelling())
            .prop_map(|(a, b, spelling)| Mutation::DuplicateOperationId(a, b, spelling)),
        2 => (any::<Index>(), select(BOUNDS), extreme)
            .prop_map(|(at, keyword, extreme)| Mutation::Bound(at, keyword, extreme)),
        1 => select(SECTIONS).prop_map(|(at, empty)| Mutation::EmptySection(at, empty)),
        2 => (any::<Index>(), select(HOSTILE_TEXT)).prop_map(|(at, text)| Mutation::HostileText(at, text)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(at, schema)| Mutation::UseSchema(at, schema)),
        1 => (any::<Index>(), select(OUT_OF_RANGE)).prop_map(|(at, value)| Mutation::OutOfRange(at, value)),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    // Smallest first: a failure shrinks towards a small document.
    let scope = prop_oneof![
        10 => proptest::collection::vec(any::<Index>(), 1..=3).prop_map(Scope::Schemas),
        9 => (proptest::collection::vec(any::<Index>(), 1..=2), any::<Index>())
            .prop_map(|(paths, schema)| Scope::Paths(paths, schema)),
        1 => Just(Scope::Whole),
    ];
    (
        0..SPECS.len(),
        scope,
        proptest::collection::vec(mutation(), 1..=4),
        proptest::bool::weighted(0.15),
        proptest::bool::weighted(0.15),
    )
        .prop_map(|(spec, scope, mutations, yaml, generate)| Case {
            spec,
            scope,
            mutations,
            yaml,
            generate,
        })
}

// ----- JSON pointers ----------------------------------------------------------------------------

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// `#/a/b` for `["a", "b"]`, with long segments cut so a report stays short.
fn shown_pointer(segments: &[String]) -> String {
    let mut text = "#".to_owned();
    for segment in segments {
        text.push('/');
        text.push_str(&shown(&escape(segment)));
    }
    text
}

/// A string cut to its first characters when long.
fn shown(text: &str) -> String {
    let count = text.chars().count();
    if count <= 40 {
        text.to_owned()
    } else {
        let head: String = text.chars().take(12).collect();
        format!("{head}…({count} chars)")
    }
}

fn get<'v>(document: &'v Value, segments: &[String]) -> Option<&'v Value> {
    segments
        .iter()
        .try_fold(document, |node, segment| match node {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

fn get_mut<'v>(document: &'v mut Value, segments: &[String]) -> Option<&'v mut Value> {
    segments
        .iter()
        .try_fold(document, |node, segment| match node {
            Value::Object(map) => map.get_mut(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        })
}

/// Whether `pointer` (`#/…`) names a node of `document`, or a member missing from an object of it.
fn resolves(document: &Value, pointer: &str) -> bool {
    let Some(rest) = pointer.strip_prefix('#') else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = rest.strip_prefix('/') else {
        return false;
    };
    let segments: Vec<String> = rest
        .split('/')
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (parent, _) = segments.split_at(segments.len() - 1);
    get(document, &segments).is_some() || get(document, parent).is_some_and(Value::is_object)
}

/// A segment of the path to a node.
#[derive(Clone, Copy)]
enum Segment<'v> {
    Key(&'v str),
    Item(usize),
}

/// A node met while walking the document.
struct Node<'w, 'v> {
    path: &'w [Segment<'v>],
    value: &'v Value,
}

impl Node<'_, '_> {
    fn is_root(&self) -> bool {
        self.path.is_empty()
    }

    /// Whether it is a member of an object (rather than an array item or the root).
    fn is_member(&self) -> bool {
        matches!(self.path.last(), Some(Segment::Key(_)))
    }

    fn is_item(&self) -> bool {
        matches!(self.path.last(), Some(Segment::Item(_)))
    }

    fn key(&self) -> Option<&str> {
        match self.path.last() {
            Some(Segment::Key(key)) => Some(key),
            _ => None,
        }
    }

    /// The key of the member holding it (or holding the array it is in).
    fn parent_key(&self) -> Option<&str> {
        match self.path.len().checked_sub(2).map(|i| self.path[i]) {
            Some(Segment::Key(key)) => Some(key),
            _ => None,
        }
    }

    fn segments(&self) -> Vec<String> {
        self.path
            .iter()
            .map(|segment| match segment {
                Segment::Key(key) => (*key).to_owned(),
                Segment::Item(index) => index.to_string(),
            })
            .collect()
    }
}

/// Calls `visit` on every node in document order until it returns `true`.
fn walk<'v>(document: &'v Value, visit: &mut dyn FnMut(&Node<'_, 'v>) -> bool) {
    fn go<'v>(
        value: &'v Value,
        path: &mut Vec<Segment<'v>>,
        visit: &mut dyn FnMut(&Node<'_, 'v>) -> bool,
    ) -> bool {
        if visit(&Node { path, value }) {
            return true;
        }
        match value {
            Value::Object(map) => map.iter().any(|(key, child)| {
                path.push(Segment::Key(key));
                let done = go(child, path, visit);
                path.pop();
                done
            }),
            Value::Array(items) => items.iter().enumerate().any(|(index, child)| {
                path.push(Segment::Item(index));
                let done = go(child, path, visit);
                path.pop();
                done
            }),
            _ => false,
        }
    }
    go(document, &mut Vec::new(), visit);
}

/// The path to the `index`-th node, in document order, of those `filter` accepts.
fn pick(
    document: &Value,
    index: &Index,
    filter: &dyn Fn(&Node<'_, '_>) -> bool,
) -> Option<Vec<String>> {
    let mut count = 0;
    walk(document, &mut |node| {
        count += usize::from(filter(node));
        false
    });
    if count == 0 {
        return None;
    }
    let mut wanted = index.index(count);
    let mut found = None;
    walk(document, &mut |node| {
        if !filter(node) {
            return false;
        }
        if wanted == 0 {
            found = Some(node.segments());
            return true;
        }
        wanted -= 1;
        false
    });
    found
}

// ----- trimming and slicing ---------------------------------------------------------------------

/// Cuts prose (`description`, `summary`) to one short line and leaves out media `examples`;
/// `in_properties` says that the keys of `node` are property names, which are kept whatever they
/// spell.
fn trim_prose(node: &mut Value, in_properties: bool) {
    match node {
        Value::Object(map) => {
            if !in_properties {
                map.remove("examples");
            }
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text)
                        if !in_properties && (key == "description" || key == "summary") =>
                    {
                        *text = text
                            .lines()
                            .next()
                            .unwrap_or_default()
                            .chars()
                            .take(60)
                            .collect();
                    }
                    _ => trim_prose(value, key == "properties" && !in_properties),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| trim_prose(item, false)),
        _ => {}
    }
}

/// The document with only the path items at `keep` and the component schemas at `extra`, and the
/// components they reach through `$ref`.
fn slice(document: &Value, keep: &[Index], extra: &[Index]) -> Value {
    let mut out = document.clone();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    let names: Vec<&String> = paths.keys().collect();
    let kept: Map<String, Value> = keep
        .iter()
        .filter_map(|index| index_in(&names, index))
        .map(|name| ((*name).clone(), paths[name.as_str()].clone()))
        .collect();
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut pending: Vec<Value> = vec![Value::Object(kept.clone())];
    if let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        let schema_names: Vec<&String> = schemas.keys().collect();
        for name in extra
            .iter()
            .filter_map(|index| index_in(&schema_names, index))
        {
            reached.insert(("schemas".to_owned(), (*name).clone()));
            pending.push(schemas[name.as_str()].clone());
        }
    }
    while let Some(node) = pending.pop() {
        for reference in references(&node) {
            let Some(rest) = reference.strip_prefix("#/components/") else {
                continue;
            };
            let Some((section, name)) = rest.split_once('/') else {
                continue;
            };
            let name = name.replace("~1", "/").replace("~0", "~");
            let key = (section.to_owned(), name.clone());
            if reached.contains(&key) {
                continue;
            }
            if let Some(target) = document
                .get("components")
                .and_then(|c| c.get(section))
                .and_then(|s| s.get(&name))
            {
                pending.push(target.clone());
                reached.insert(key);
            }
        }
    }
    out["paths"] = Value::Object(kept);
    if let Some(components) = out.get_mut("components").and_then(Value::as_object_mut) {
        for (section, entries) in components.iter_mut() {
            if section == "securitySchemes" {
                continue;
            }
            if let Some(entries) = entries.as_object_mut() {
                entries.retain(|name, _| reached.contains(&(section.clone(), name.clone())));
            }
        }
    }
    out
}

fn references(node: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    out.push(reference.clone());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

// ----- mutations --------------------------------------------------------------------------------

fn respell(name: &str, spelling: Spelling) -> String {
    match spelling {
        Spelling::Same => name.to_owned(),
        Spelling::UpperCase => name.to_uppercase(),
        Spelling::LowerCase => name.to_lowercase(),
        Spelling::FirstFlipped => {
            let mut chars = name.chars();
            match chars.next() {
                Some(first) if first.is_uppercase() => first.to_lowercase().chain(chars).collect(),
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => "X".to_owned(),
            }
        }
        Spelling::SnakeCase => {
            let mut out = String::new();
            for c in name.chars() {
                if c.is_uppercase() {
                    out.push('_');
                    out.extend(c.to_lowercase());
                } else if c == '-' || c == ' ' {
                    out.push('_');
                } else {
                    out.push(c);
                }
            }
            out
        }
        Spelling::Suffixed(suffix) => format!("{name}{suffix}"),
    }
}

fn typo(key: &str, typo: Typo, at: &Index) -> String {
    let mut chars: Vec<char> = key.chars().collect();
    if chars.is_empty() {
        return "x".to_owned();
    }
    let i = at.index(chars.len());
    match typo {
        Typo::SwapAdjacent if chars.len() >= 2 => {
            let i = i.min(chars.len() - 2);
            chars.swap(i, i + 1);
        }
        Typo::SwapAdjacent | Typo::DoubleChar => chars.insert(i, chars[i]),
        Typo::DropChar => {
            chars.remove(i);
        }
        Typo::FlipCase => {
            let c = chars[i];
            chars[i] = if c.is_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            };
        }
    }
    chars.into_iter().collect()
}

fn wrong_value(current: &Value, wrong: Wrong) -> Value {
    const ALL: [Wrong; 6] = [
        Wrong::Number,
        Wrong::String,
        Wrong::Bool,
        Wrong::Null,
        Wrong::Array,
        Wrong::Object,
    ];
    let current_kind = match current {
        Value::Number(_) => Wrong::Number,
        Value::String(_) => Wrong::String,
        Value::Bool(_) => Wrong::Bool,
        Value::Null => Wrong::Null,
        Value::Array(_) => Wrong::Array,
        Value::Object(_) => Wrong::Object,
    };
    let wrong = if wrong == current_kind {
        let at = ALL.iter().position(|w| *w == wrong).unwrap_or(0);
        ALL[(at + 1) % ALL.len()]
    } else {
        wrong
    };
    match wrong {
        Wrong::Number => json!(7),
        Wrong::String => json!("seven"),
        Wrong::Bool => json!(true),
        Wrong::Null => Value::Null,
        Wrong::Array => json!([1, "a"]),
        Wrong::Object => json!({"x": 1}),
    }
}

/// Renames member `old` of the object at `parent` to `new` (replacing any member named `new`); when
/// the object is a components section or `properties`, references and `required` lists follow.
fn rename_member(document: &mut Value, parent: &[String], old: &str, new: &str) {
    let Some(Value::Object(map)) = get_mut(document, parent) else {
        return;
    };
    if let Some(value) = map.remove(old) {
        map.insert(new.to_owned(), value);
    }
    match parent {
        [components, section] if components == "components" => {
            let from = format!("#/components/{section}/{}", escape(old));
            let to = format!("#/components/{section}/{}", escape(new));
            rewrite_references(document, &from, &to);
        }
        [owner @ .., properties] if properties == "properties" => {
            if let Some(Value::Array(required)) =
                get_mut(document, owner).and_then(|owner| owner.get_mut("required"))
            {
                for item in required {
                    if item.as_str() == Some(old) {
                        *item = Value::String(new.to_owned());
                    }
                }
            }
        }
        _ => {}
    }
}

fn rewrite_references(node: &mut Value, from: &str, to: &str) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "$ref" && value.as_str() == Some(from) {
                    *value = Value::String(to.to_owned());
                } else {
                    rewrite_references(value, from, to);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_references(item, from, to)),
        _ => {}
    }
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", escape(name)) })
}

/// Applies `mutation` to `document`; says what it did, with the pointer it touched.
fn apply(document: &mut Value, mutation: &Mutation) -> String {
    let pick =
        |index: &Index, filter: &dyn Fn(&Node<'_, '_>) -> bool| pick(document, index, filter);
    let value_at = |segments: &[String]| get(document, segments).cloned().unwrap_or(Value::Null);
    match mutation {
        Mutation::Drop(at) => {
            let Some(segments) = pick(at, &|node| !node.is_root()) else {
                return "drop: no node".to_owned();
            };
            let (parent, last) = segments.split_at(segments.len() - 1);
            match get_mut(document, parent) {
                Some(Value::Object(map)) => {
                    map.remove(&last[0]);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = last[0].parse::<usize>() {
                        items.remove(i);
                    }
                }
                _ => {}
            }
            format!("drop {}", shown_pointer(&segments))
        }
        Mutation::Rename(at, new_key) => {
            let Some(segments) = pick(at, &|node| node.is_member()) else {
                return "rename: no member".to_owned();
            };
            let (parent, last) = segments.split_at(segments.len() - 1);
            let new = match new_key {
                NewKey::Typo(kind, at) => typo(&last[0], *kind, at),
                NewKey::Word(word) => (*word).to_owned(),
            };
            // A plain rename: references and `required` lists are left as they were.
            if let Some(Value::Object(map)) = get_mut(document, parent) {
                if let Some(value) = map.remove(&last[0]) {
                    map.insert(new.clone(), value);
                }
            }
            format!("rename {} to {:?}", shown_pointer(&segments), shown(&new))
        }
        Mutation::Retype(at, wrong) => {
            let Some(segments) = pick(at, &|node| !node.is_root()) else {
                return "retype: no node".to_owned();
            };
            let replacement = wrong_value(&value_at(&segments), *wrong);
            if let Some(node) = get_mut(document, &segments) {
                *node = replacement.clone();
            }
            format!("set {} to {replacement}", shown_pointer(&segments))
        }
        Mutation::Dangle(at, target) => {
            let Some(segments) = pick(at, &|node| node.key() == Some("$ref")) else {
                return "dangle: no $ref".to_owned();
            };
            if let Some(node) = get_mut(document, &segments) {
                *node = Value::String((*target).to_owned());
            }
            format!("set {} to {target:?}", shown_pointer(&segments))
        }
        Mutation::Cycle(shape, a, b) => make_cycle(document, *shape, a, b),
        Mutation::OddName(at, odd) => {
            let name = match odd {
                Odd::Long => format!("Long{}", "x".repeat(9_996)),
                Odd::Name(name) => (*name).to_owned(),
            };
            let Some(segments) = pick(at, &|node| {
                let parent = node.parent_key();
                (node.is_member() && parent.is_some_and(|p| NAME_MAPS.contains(&p)))
                    || (node.value.is_string()
                        && node.key().is_some_and(|k| NAME_VALUES.contains(&k)))
                    || (node.is_item() && parent.is_some_and(|p| NAME_LISTS.contains(&p)))
            }) else {
                return "odd name: no name".to_owned();
            };
            let (parent, last) = segments.split_at(segments.len() - 1);
            let is_member = parent
                .last()
                .is_some_and(|p| NAME_MAPS.contains(&p.as_str()))
                && get(document, parent).is_some_and(Value::is_object);
            if is_member {
                let new = if parent == ["paths"] {
                    format!("/{name}")
                } else {
                    name
                };
                rename_member(document, parent, &last[0], &new);
                format!("rename {} to {:?}", shown_pointer(&segments), shown(&new))
            } else {
                if let Some(node) = get_mut(document, &segments) {
                    *node = Value::String(name.clone());
                }
                format!("set {} to {:?}", shown_pointer(&segments), shown(&name))
            }
        }
        Mutation::CaseTwin(at, spelling) => {
            let Some(segments) = pick(at, &|node| {
                let parent = node.parent_key();
                (node.is_member() && parent.is_some_and(|p| NAME_MAPS.contains(&p)))
                    || (node.is_item() && parent == Some("enum"))
            }) else {
                return "case twin: no name".to_owned();
            };
            let (parent, last) = segments.split_at(segments.len() - 1);
            let value = value_at(&segments);
            let spelling = match spelling {
                Spelling::Same => Spelling::FirstFlipped,
                other => *other,
            };
            match get_mut(document, parent) {
                Some(Value::Object(map)) => {
                    let twin = respell(&last[0], spelling);
                    map.entry(twin.clone()).or_insert(value);
                    format!("copy {} as {:?}", shown_pointer(&segments), shown(&twin))
                }
                Some(Value::Array(items)) => {
                    let twin = value
                        .as_str()
                        .map_or(value.clone(), |text| Value::String(respell(text, spelling)));
                    items.push(twin.clone());
                    format!("add {twin} beside {}", shown_pointer(&segments))
                }
                _ => "case twin: no parent".to_owned(),
            }
        }
        Mutation::DuplicateOperationId(a, b, spelling) => {
            let is_operation = |node: &Node<'_, '_>| {
                matches!(
                    node.path,
                    [Segment::Key("paths"), Segment::Key(_), Segment::Key(method)]
                        if METHODS.contains(method) && node.value.is_object()
                )
            };
            let (Some(first), Some(second)) = (pick(a, &is_operation), pick(b, &is_operation))
            else {
                return "duplicate operationId: no operation".to_owned();
            };
            let id = value_at(&first)
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("duplicated")
                .to_owned();
            let twin = respell(&id, *spelling);
            for (segments, id) in [(&first, &id), (&second, &twin)] {
                if let Some(Value::Object(operation)) = get_mut(document, segments) {
                    operation.insert("operationId".to_owned(), Value::String(id.clone()));
                }
            }
            format!(
                "operationId of {} = {id:?}, of {} = {twin:?}",
                shown_pointer(&first),
                shown_pointer(&second)
            )
        }
        Mutation::Bound(at, keyword, extreme) => {
            let Some(segments) = pick(at, &|node| {
                node.value
                    .as_object()
                    .is_some_and(|map| map.contains_key("type"))
            }) else {
                return "bound: no schema".to_owned();
            };
            let Some(Value::Object(schema)) = get_mut(document, &segments) else {
                return "bound: no schema".to_owned();
            };
            match extreme {
                Extreme::Number(number) => {
                    let value: Value = serde_json::from_str(number).unwrap_or(Value::Null);
                    schema.insert((*keyword).to_owned(), value.clone());
                    format!("set {}/{keyword} to {value}", shown_pointer(&segments))
                }
                Extreme::Inverted => {
                    for (low, high) in [
                        ("minimum", "maximum"),
                        ("minLength", "maxLength"),
                        ("minItems", "maxItems"),
                    ] {
                        schema.insert(low.to_owned(), json!(10));
                        schema.insert(high.to_owned(), json!(1));
                    }
                    format!("invert the bounds of {}", shown_pointer(&segments))
                }
            }
        }
        Mutation::HostileText(at, text) => {
            let Some(segments) = pick(at, &|node| {
                let prose = node.value.is_string()
                    && node
                        .key()
                        .is_some_and(|k| matches!(k, "description" | "summary" | "title"));
                let tag = node.value.is_string()
                    && (node.parent_key() == Some("tags")
                        || (node.key() == Some("name")
                            && matches!(node.path, [Segment::Key("tags"), _, _])));
                prose || tag
            }) else {
                return "hostile text: no prose".to_owned();
            };
            if let Some(node) = get_mut(document, &segments) {
                *node = Value::String((*text).to_owned());
            }
            format!("set {} to {text:?}", shown_pointer(&segments))
        }
        Mutation::UseSchema(at, schema) => {
            let names: Vec<String> = document
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|schemas| schemas.keys().cloned().collect())
                .unwrap_or_default();
            let Some(name) = index_in(&names, schema).cloned() else {
                return "use schema: no component schema".to_owned();
            };
            let Some(segments) = pick(at, &|node| {
                node.key() == Some("schema") && node.value.is_object()
            }) else {
                return "use schema: no parameter or body".to_owned();
            };
            if let Some(node) = get_mut(document, &segments) {
                *node = schema_ref(&name);
            }
            format!("point {} at {:?}", shown_pointer(&segments), shown(&name))
        }
        Mutation::OutOfRange(at, (json_type, format, value)) => {
            let Some(segments) = pick(at, &|node| {
                node.value
                    .as_object()
                    .is_some_and(|map| map.contains_key("type"))
            }) else {
                return "out of range: no schema".to_owned();
            };
            let Some(Value::Object(schema)) = get_mut(document, &segments) else {
                return "out of range: no schema".to_owned();
            };
            let value: Value = serde_json::from_str(value).unwrap_or(Value::Null);
            schema.insert("type".to_owned(), json!(json_type));
            schema.insert("format".to_owned(), json!(format));
            schema.insert("default".to_owned(), value.clone());
            schema.insert("example".to_owned(), value.clone());
            format!(
                "make {} a {json_type} ({format}) with default {value}",
                shown_pointer(&segments)
            )
        }
        Mutation::EmptySection(at, empty) => {
            let segments: Vec<String> = at.split('/').skip(1).map(str::to_owned).collect();
            let (parent, last) = segments.split_at(segments.len() - 1);
            let value: Value = serde_json::from_str(empty).unwrap_or(Value::Null);
            if let Some(Value::Object(map)) = get_mut(document, parent) {
                map.insert(last[0].clone(), value);
                format!("set #{at} to {empty}")
            } else {
                format!("set #{at}: no parent")
            }
        }
    }
}

fn make_cycle(document: &mut Value, shape: CycleShape, a: &Index, b: &Index) -> String {
    if !document["components"].is_object() {
        document["components"] = json!({});
    }
    if !document["components"]["schemas"].is_object() {
        document["components"]["schemas"] = json!({});
    }
    let Some(schemas) = document["components"]["schemas"].as_object_mut() else {
        return "cycle: no schemas".to_owned();
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let a = index_in(&names, a)
        .cloned()
        .unwrap_or_else(|| "CycleA".to_owned());
    let b = index_in(&names, b)
        .cloned()
        .unwrap_or_else(|| "CycleB".to_owned());
    let (first, second) = match shape {
        CycleShape::SelfProperty => {
            let mut schema = schemas.get(&a).cloned().unwrap_or_else(|| json!({}));
            if !schema.get("properties").is_some_and(Value::is_object) {
                schema = json!({"type": "object", "properties": {}});
            }
            schema["properties"]["me"] = schema_ref(&a);
            match schema.get_mut("required").and_then(Value::as_array_mut) {
                Some(required) => required.push(json!("me")),
                None => schema["required"] = json!(["me"]),
            }
            (schema, None)
        }
        CycleShape::MutualAllOf => (
            json!({"allOf": [schema_ref(&b), {"type": "object", "properties": {"a": {"type": "string"}}}]}),
            Some(
                json!({"allOf": [schema_ref(&a), {"type": "object", "properties": {"b": {"type": "string"}}}]}),
            ),
        ),
        CycleShape::Alias => (schema_ref(&b), Some(schema_ref(&a))),
        CycleShape::ThroughItems => (
            json!({"type": "array", "items": schema_ref(&b)}),
            Some(json!({"type": "object", "properties": {"a": schema_ref(&a)}, "required": ["a"]})),
        ),
        CycleShape::ThroughOneOf => (
            json!({"oneOf": [schema_ref(&b), {"type": "string"}]}),
            Some(json!({"oneOf": [schema_ref(&a)]})),
        ),
        CycleShape::ThroughMap => (
            json!({"type": "object", "additionalProperties": schema_ref(&a)}),
            None,
        ),
    };
    // When A and B are one schema, the first shape wins and refers to itself.
    if let Some(second) = second.filter(|_| a != b) {
        schemas.insert(b.clone(), second);
    }
    schemas.insert(a.clone(), first);
    format!(
        "cycle {shape:?} through schemas {:?} and {:?}",
        shown(&a),
        shown(&b)
    )
}

// ----- checking ---------------------------------------------------------------------------------

/// What the cases came to, for the summary.
#[derive(Debug, Default)]
struct Tally {
    cases: u64,
    generated: u64,
    ok: u64,
    structure: u64,
    invalid: u64,
    root_pointer: u64,
    warnings: u64,
    /// Panics `codegen::load` caught inside itself: how many, and the first few.
    caught_inside: u64,
    caught_examples: Vec<String>,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.cases += other.cases;
        self.generated += other.generated;
        self.ok += other.ok;
        self.structure += other.structure;
        self.invalid += other.invalid;
        self.root_pointer += other.root_pointer;
        self.warnings += other.warnings;
        self.caught_inside += other.caught_inside;
        for example in &other.caught_examples {
            if self.caught_examples.len() < 5 {
                self.caught_examples.push(example.clone());
            }
        }
    }
}

thread_local! {
    /// Messages of the panics met on this thread since the case began.
    static PANICS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A panic hook, as `std::panic::take_hook` returns it.
type PanicHook = Box<dyn Fn(&panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Records panics instead of printing them while alive; puts the previous hook back when dropped.
struct QuietPanics {
    previous: Option<PanicHook>,
}

impl QuietPanics {
    fn install() -> Self {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANICS.with(|panics| panics.borrow_mut().push(format!("{location}: {message}")));
        }));
        Self {
            previous: Some(previous),
        }
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            panic::set_hook(previous);
        }
    }
}

fn target() -> Target {
    Target {
        spec_label: "mutated".to_owned(),
        command: "spec_mutations".to_owned(),
        manifest: ManifestOptions {
            package: "mutated".to_owned(),
            runtime_path: "../runtime".to_owned(),
            standalone: true,
            examples: Vec::new(),
        },
    }
}

/// Runs one case; `Err` says what is wrong, with the mutations that led there.
fn run_case(specs: &[Value], case: &Case, tally: &mut Tally) -> Result<(), String> {
    let base = &specs[case.spec];
    let mut document = match &case.scope {
        Scope::Whole => base.clone(),
        Scope::Paths(paths, schema) => slice(base, paths, std::slice::from_ref(schema)),
        Scope::Schemas(schemas) => slice(base, &[], schemas),
    };
    let mut applied = Vec::new();
    for mutation in &case.mutations {
        applied.push(apply(&mut document, mutation));
    }
    let text = if case.yaml {
        serde_yaml::to_string(&document).map_err(|e| format!("cannot write YAML: {e}"))?
    } else {
        serde_json::to_string(&document).map_err(|e| format!("cannot write JSON: {e}"))?
    };
    let context = || {
        let mut text = format!(
            "{} ({}{}, {}), mutations:",
            SPECS[case.spec],
            case.scope.label(),
            if case.yaml { ", YAML" } else { ", JSON" },
            if case.generate { "generate" } else { "load" },
        );
        for line in &applied {
            let _ = write!(text, "\n  - {line}");
        }
        text
    };
    PANICS.with(|panics| panics.borrow_mut().clear());
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        if case.generate {
            codegen::generate(&text, &target()).map(|generated| {
                // Checked here: a panic in the oracle is the oracle's.
                let problem = unsafe_output(&generated.files);
                (generated.warnings, problem)
            })
        } else {
            codegen::load(&text)
                .map(|loaded| (loaded.warnings, None))
                .map_err(GenerateError::from)
        }
    }));
    let panics = PANICS.with(|panics| std::mem::take(&mut *panics.borrow_mut()));
    let outcome = outcome.map_err(|_| format!("{}\npanicked: {}", context(), panics.join("; ")))?;
    tally.cases += 1;
    tally.generated += u64::from(case.generate);
    if !panics.is_empty() {
        tally.caught_inside += 1;
        if tally.caught_examples.len() < 5 {
            tally.caught_examples.push(format!(
                "{}\n  caught: {}\n  reported as: {}",
                context(),
                panics.join("; "),
                outcome
                    .as_ref()
                    .err()
                    .map_or_else(|| "no error".to_owned(), shown_error)
            ));
        }
    }
    let unresolved = |pointer: &str| !resolves(&document, pointer);
    match outcome {
        Ok((_, Some(problem))) => {
            return Err(format!("{}\nthe generated crate {problem}", context()));
        }
        Ok((warnings, None)) => {
            tally.ok += 1;
            tally.warnings += warnings.len() as u64;
            if let Some(warning) = warnings.iter().find(|w| unresolved(&w.pointer)) {
                return Err(format!(
                    "{}\na warning's pointer does not resolve: {}",
                    context(),
                    shown(&warning.to_string())
                ));
            }
        }
        Err(error) => {
            let text = error.to_string();
            let pointers: Vec<&str> = match &error {
                GenerateError::Load(LoadError::Structure { pointer, .. }) => {
                    tally.structure += 1;
                    vec![pointer]
                }
                GenerateError::Load(LoadError::Invalid(diagnostics)) => {
                    tally.invalid += 1;
                    diagnostics.iter().map(|d| d.pointer.as_str()).collect()
                }
                GenerateError::Load(LoadError::Syntax(_))
                | GenerateError::Format(_)
                | GenerateError::PackageName(_) => {
                    return Err(format!(
                        "{}\nan error without a pointer: {}",
                        context(),
                        shown_error(&error)
                    ));
                }
            };
            if pointers.is_empty() || !text.contains('#') {
                return Err(format!(
                    "{}\nan error without a pointer: {}",
                    context(),
                    shown_error(&error)
                ));
            }
            if pointers.iter().all(|pointer| *pointer == "#") {
                tally.root_pointer += 1;
            }
            if let Some(pointer) = pointers.into_iter().find(|p| unresolved(p)) {
                return Err(format!(
                    "{}\nthe error names {}, which does not resolve: {}",
                    context(),
                    shown(pointer),
                    shown_error(&error)
                ));
            }
        }
    }
    Ok(())
}

/// What is wrong with a generated crate's files, if anything: a character no source or
/// manifest should hold (a control or bidirectional character), a manifest that is not TOML, or a
/// doc comment that holds a code block rustdoc would compile.
fn unsafe_output(files: &[codegen::GeneratedFile]) -> Option<String> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
    for file in files {
        let shown_path = file.path.display();
        if let Some(c) = file.contents.chars().find(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t'))
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        }) {
            return Some(format!("has {c:?} in {shown_path}"));
        }
        if file
            .path
            .extension()
            .is_some_and(|extension| extension == "toml")
        {
            if let Err(error) = file.contents.parse::<toml::Table>() {
                return Some(format!("has a manifest that is not TOML: {error}"));
            }
            continue;
        }
        // Each run of `///` or `//!` lines is one doc comment.
        let mut comments: Vec<Vec<&str>> = Vec::new();
        let mut open = false;
        for line in file.contents.lines() {
            let trimmed = line.trim_start();
            let text = trimmed
                .strip_prefix("///")
                .or_else(|| trimmed.strip_prefix("//!"));
            match (text, open) {
                (Some(text), true) => comments
                    .last_mut()?
                    .push(text.strip_prefix(' ').unwrap_or(text)),
                (Some(text), false) => comments.push(vec![text.strip_prefix(' ').unwrap_or(text)]),
                (None, _) => {}
            }
            open = text.is_some();
        }
        for comment in comments {
            let text = comment.join("\n");
            let compiled = Parser::new(&text).any(|event| match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    info.as_ref() != "text"
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => true,
                _ => false,
            });
            if compiled {
                return Some(format!(
                    "has a doc comment rustdoc would compile in {shown_path}:\n{}",
                    shown(&text)
                ));
            }
        }
    }
    None
}

fn shown_error(error: &GenerateError) -> String {
    let text = error.to_string();
    if text.chars().count() > 400 {
        format!("{}…", text.chars().take(400).collect::<String>())
    } else {
        text
    }
}

fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut bytes = [0; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = seed.rotate_left(16 * i as u32) ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    bytes
}

#[test]
fn mutated_specs_never_panic_and_every_error_names_its_node() {
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seed: u64 = std::env::var("SPEC_MUTATIONS_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    println!(
        "spec_mutations: {cases} cases, seed {seed} (SPEC_MUTATIONS_SEED={seed} repeats this run)"
    );
    let root = xtask::project_root();
    let specs: Vec<Value> = SPECS
        .iter()
        .map(|spec| {
            let text = std::fs::read_to_string(root.join(spec)).expect("the spec is readable");
            let mut spec: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
            trim_prose(&mut spec, false);
            spec
        })
        .collect();
    let started = Instant::now();
    let total = Mutex::new(Tally::default());
    let failures = Mutex::new(Vec::new());
    {
        let _quiet = QuietPanics::install();
        std::thread::scope(|scope| {
            for thread in 0..THREADS {
                let (specs, total, failures) = (&specs, &total, &failures);
                scope.spawn(move || {
                    let share =
                        cases / THREADS as u32 + u32::from(u64::from(cases) % THREADS > thread);
                    let config = Config {
                        cases: share,
                        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
                        max_shrink_iters: 4096,
                        ..Config::default()
                    };
                    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(seed ^ thread));
                    let mut runner = TestRunner::new_with_rng(config, rng);
                    let tally = RefCell::new(Tally::default());
                    let result = runner.run(&case(), |case| {
                        run_case(specs, &case, &mut tally.borrow_mut()).map_err(TestCaseError::fail)
                    });
                    total.lock().expect("not poisoned").add(&tally.borrow());
                    if let Err(error) = result {
                        let report = match error {
                            TestError::Fail(reason, case) => {
                                format!("{reason}\n(shrunk case: {case:?})")
                            }
                            TestError::Abort(reason) => format!("aborted: {reason}"),
                        };
                        failures.lock().expect("not poisoned").push(report);
                    }
                });
            }
        });
    }
    let elapsed = started.elapsed();
    let total = total.into_inner().expect("not poisoned");
    println!(
        "spec_mutations: {} cases in {elapsed:.1?} ({} through generate): {} ok with {} warnings, \
         {} structure errors, {} invalid documents, {} named only the root",
        total.cases,
        total.generated,
        total.ok,
        total.warnings,
        total.structure,
        total.invalid,
        total.root_pointer,
    );
    if total.caught_inside > 0 {
        println!(
            "spec_mutations: in {} cases codegen::load caught a panic of its own; first ones:",
            total.caught_inside
        );
        for example in &total.caught_examples {
            println!("{example}");
        }
    }
    let failures = failures.into_inner().expect("not poisoned");
    assert!(
        failures.is_empty(),
        "seed {seed}: {}",
        failures.join("\n\n")
    );
}

/// The one gap the run tolerates, as a case of its own: JSON text is read with a YAML reader,
/// which refuses implicit keys over 1024 characters, so a valid JSON document with a long
/// property name is "not valid YAML or JSON". The same document as YAML loads.
#[test]
fn a_json_document_with_a_long_property_name_loads() {
    let name = "x".repeat(2_000);
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Pet": {"type": "object", "properties": {name: {"type": "string"}}}}},
    });
    let yaml = serde_yaml::to_string(&document).expect("writes YAML");
    assert!(codegen::load(&yaml).is_ok());
    let json = serde_json::to_string(&document).expect("writes JSON");
    if let Err(error) = codegen::load(&json) {
        panic!("{error}");
    }
}
