//! Property tests of the generated types, for every component schema of the captured specs and of
//! the fixtures:
//!
//! - valid instances drawn from the schema itself (hypothesis-jsonschema, through the pinned
//!   helper `tests/tools/instances.py`) decode into the generated type, encode back to JSON that
//!   is still valid against the schema, and equal the instance up to [`canonical`] spelling;
//! - invalid instances made from them ([`mutants`]) do not decode.
//!
//! The generated types are driven by a harness crate the tests write and build ([`harness`]).
//! It depends on every fixture's generated crate, so building it is also the check that each
//! fixture generates a crate that compiles (and documents) without a warning.
//!
//! Each run draws with a new seed, printed at the start and with any failure;
//! `PROPERTY_SEED=<seed>` repeats a run.

mod canonical;
mod convert;
mod harness;
mod instances;
mod mutants;
mod report;

use canonical::Canonicaliser;
use harness::{Answer, Harness, Request};
use report::{Failures, shown};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

/// Valid instances drawn per schema.
const INSTANCES: usize = 200;

/// The environment variable that fixes the seed.
const SEED_VARIABLE: &str = "PROPERTY_SEED";

/// A spec whose component schemas are tested, and the crate generated from it.
struct Spec {
    /// The generated crate's package name; also the spec's label in harness requests.
    package: String,
    /// The spec, relative to the repository root.
    source: String,
    /// The generated crate's directory.
    crate_dir: PathBuf,
    /// Whether it is a fixture (whose crate the compile check covers).
    fixture: bool,
    /// Its component schemas.
    schemas: Vec<Schema>,
}

/// One component schema.
struct Schema {
    /// `#/components/schemas/<name>`.
    pointer: String,
    /// The generated type's name in the crate's `types` module, if there is one.
    type_name: Option<String>,
    /// The schema converted to JSON Schema, standalone.
    json_schema: Value,
    /// The same, with every node the generator types as any JSON value (see `Api::untyped`)
    /// allowing anything: what decoding is held to.
    decoded_schema: Value,
}

impl Spec {
    /// The key of `schema` in the helper's request and answer.
    fn key(&self, schema: &Schema) -> String {
        format!("{}{}", self.package, schema.pointer)
    }

    /// How failures of `schema` are headed.
    fn heading(&self, schema: &Schema) -> String {
        format!(
            "{}{} ({}::types::{})",
            self.source,
            schema.pointer,
            self.package.replace('-', "_"),
            schema.type_name.as_deref().unwrap_or("?")
        )
    }
}

/// What every test here shares: built once, by whichever test asks first.
struct Setup {
    /// The seed of this run.
    seed: u64,
    /// Every spec tested.
    specs: Vec<Spec>,
    /// The harness crate's directory.
    harness_dir: PathBuf,
    /// The harness's target directory.
    target_dir: PathBuf,
    /// The built harness, or the build's output.
    harness: Result<Harness, String>,
    /// Valid instances by schema key, or why there are none.
    drawn: Result<instances::Drawn, String>,
}

/// The shared setup, prepared on first use.
fn setup() -> &'static Setup {
    static SETUP: OnceLock<Result<Setup, String>> = OnceLock::new();
    match SETUP.get_or_init(prepare) {
        Ok(setup) => setup,
        Err(error) => panic!("{error}"),
    }
}

/// Prints a line to the test binary's standard error, past libtest's capture, so CI logs show it
/// for passing tests too.
fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "property: {line}");
}

/// The seed of this run: [`SEED_VARIABLE`] if set, else a random one.
fn seed() -> Result<u64, String> {
    match std::env::var(SEED_VARIABLE) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|error| format!("{SEED_VARIABLE}={text} is not a u64: {error}")),
        Err(_) => {
            use std::hash::BuildHasher as _;
            Ok(std::hash::RandomState::new().hash_one(std::time::SystemTime::now()))
        }
    }
}

/// Loads the specs, starts drawing instances, and builds the harness meanwhile.
fn prepare() -> Result<Setup, String> {
    let root = xtask::project_root();
    let seed = seed()?;
    note(&format!(
        "seed {seed} ({SEED_VARIABLE}={seed} draws the same instances again)"
    ));
    let specs = load_specs(&root)?;
    let started = Instant::now();
    let schemas: Vec<(String, &Value)> = specs
        .iter()
        .flat_map(|spec| {
            spec.schemas
                .iter()
                .map(move |s| (spec.key(s), &s.json_schema))
        })
        .collect();
    let pending = instances::interpreter()
        .and_then(|python| instances::spawn(&python, &root, seed, INSTANCES, &schemas));
    // The helper draws while the harness builds.
    let harness_dir = root.join("target").join("property").join("harness");
    let target_dir = root.join("target").join("property-target");
    let dependencies: Vec<harness::Dependency<'_>> = specs
        .iter()
        .map(|spec| harness::Dependency {
            package: &spec.package,
            dir: &spec.crate_dir,
            types: spec
                .schemas
                .iter()
                .filter_map(|s| s.type_name.as_deref())
                .collect(),
        })
        .collect();
    let behaviour = behaviour_tests(&root)?;
    harness::write(
        &harness_dir,
        &root.join("Cargo.lock"),
        &dependencies,
        &behaviour,
    )?;
    let harness = harness::build(&harness_dir, &target_dir);
    note(&format!("built the harness in {:.1?}", started.elapsed()));
    let drawn = pending
        .and_then(instances::Pending::finish)
        .map(|(drawn, took)| {
            note(&format!(
                "drew {} instances of {} schemas in {took:.1?}",
                drawn.values().flatten().map(Vec::len).sum::<usize>(),
                drawn.len(),
            ));
            drawn
        });
    Ok(Setup {
        seed,
        specs,
        harness_dir,
        target_dir,
        harness,
        drawn,
    })
}

/// Every fixture `name.yaml` with a `name.behaviour.rs` beside it: the behaviour file's name as a
/// test target (`name`) and its path, sorted.
fn behaviour_tests(root: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let fixtures = root.join("tests").join("fixtures");
    let mut tests: Vec<(String, PathBuf)> = std::fs::read_dir(&fixtures)
        .map_err(|error| format!("tests/fixtures: {error}"))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter_map(|path| {
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".behaviour.rs")?
                .to_owned();
            fixtures
                .join(format!("{name}.yaml"))
                .exists()
                .then_some((name, path))
        })
        .collect();
    tests.sort();
    Ok(tests)
}

/// The captured specs with their checked-in crates, and each fixture with a crate generated for
/// it under `target/property/crates`.
fn load_specs(root: &Path) -> Result<Vec<Spec>, String> {
    let mut specs = Vec::new();
    for client in xtask::CLIENTS {
        specs.push(load_spec(
            root,
            client.spec,
            client.package,
            root.join(client.crate_dir),
            false,
        )?);
    }
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests").join("fixtures"))
        .map_err(|error| format!("tests/fixtures: {error}"))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    fixtures.sort();
    for path in fixtures {
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let package = format!("fixture-{name}");
        let crate_dir = root
            .join("target")
            .join("property")
            .join("crates")
            .join(&name);
        xtask::generate(&path, &crate_dir, &package)
            .map_err(|error| format!("{} does not generate: {error}", path.display()))?;
        remove_old_behaviour_tests(&crate_dir)?;
        let source = format!("tests/fixtures/{name}.yaml");
        specs.push(load_spec(root, &source, &package, crate_dir, true)?);
    }
    Ok(specs)
}

/// Behaviour tests once lived in each fixture crate; they are the harness's now (see
/// [`harness::write`]), and a copy left from then would not build.
fn remove_old_behaviour_tests(crate_dir: &Path) -> Result<(), String> {
    let tests_dir = crate_dir.join("tests");
    if tests_dir.exists() {
        std::fs::remove_dir_all(&tests_dir)
            .map_err(|error| format!("{}: {error}", tests_dir.display()))?;
    }
    Ok(())
}

/// One spec: its component schemas, converted, with the names of their generated types.
fn load_spec(
    root: &Path,
    source: &str,
    package: &str,
    crate_dir: PathBuf,
    fixture: bool,
) -> Result<Spec, String> {
    let text = std::fs::read_to_string(root.join(source)).map_err(|e| format!("{source}: {e}"))?;
    let document: Value = serde_yaml::from_str(&text).map_err(|e| format!("{source}: {e}"))?;
    let api = codegen::load(&text)
        .map_err(|e| format!("{source}: {e}"))?
        .api;
    let mut untyped_document = document.clone();
    for pointer in &api.untyped {
        if let Some(node) = untyped_document.pointer_mut(pointer.trim_start_matches('#')) {
            *node = Value::Object(serde_json::Map::new());
        }
    }
    let mut decoded_schemas: HashMap<String, Value> = convert::component_schemas(&untyped_document)
        .into_iter()
        .collect();
    let names: HashMap<&str, &str> = api
        .types
        .iter()
        .map(|ty| (ty.pointer.as_str(), ty.name.as_str()))
        .collect();
    let schemas = convert::component_schemas(&document)
        .into_iter()
        .map(|(component, json_schema)| {
            let pointer = format!(
                "#/components/schemas/{}",
                component.replace('~', "~0").replace('/', "~1")
            );
            Schema {
                type_name: names.get(pointer.as_str()).map(|name| (*name).to_owned()),
                pointer,
                decoded_schema: decoded_schemas
                    .remove(&component)
                    .unwrap_or_else(|| json_schema.clone()),
                json_schema,
            }
        })
        .collect();
    Ok(Spec {
        package: package.to_owned(),
        source: source.to_owned(),
        crate_dir,
        fixture,
        schemas,
    })
}

/// A draft-07 validator of `schema` that checks formats too.
pub(crate) fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|error| panic!("invalid converted schema ({error}): {schema}"))
}

/// What `validator` finds wrong with `value`, one line each (a few at most).
fn validation_errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .take(5)
        .map(|error| {
            format!(
                "{} (at {}, schema {})",
                error,
                error.instance_path(),
                error.schema_path()
            )
        })
        .collect()
}

/// The converted schema without its `definitions`, for failure messages.
fn schema_text(schema: &Schema) -> String {
    let mut shown_schema = schema.json_schema.clone();
    if let Some(object) = shown_schema.as_object_mut() {
        object.remove("definitions");
        object.remove("$schema");
    }
    shown(&shown_schema)
}

/// The harness, or a panic explaining why there is none.
fn harness(setup: &Setup) -> &Harness {
    setup
        .harness
        .as_ref()
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Every schema with its drawn instances; schemas without are recorded in `failures`.
fn drawn<'a>(
    setup: &'a Setup,
    failures: &mut Failures,
) -> Vec<(&'a Spec, &'a Schema, &'a [Value])> {
    let drawn = setup
        .drawn
        .as_ref()
        .unwrap_or_else(|error| panic!("{error}"));
    let mut out = Vec::new();
    for spec in &setup.specs {
        for schema in &spec.schemas {
            let heading = spec.heading(schema);
            if schema.type_name.is_none() {
                failures.add(&heading, "no generated type has this schema's pointer", "");
                continue;
            }
            match drawn.get(&spec.key(schema)) {
                Some(Ok(values)) if values.len() >= INSTANCES => {
                    out.push((spec, schema, values.as_slice()))
                }
                Some(Ok(values)) => failures.add(
                    &heading,
                    "too few instances drawn",
                    format!("{} of {INSTANCES}", values.len()),
                ),
                Some(Err(error)) => {
                    failures.add(&heading, "no instances could be drawn", error.as_str())
                }
                None => failures.add(&heading, "the helper drew nothing for this schema", ""),
            }
        }
    }
    out
}

#[test]
fn every_fixture_generates_a_crate_that_compiles_without_warnings() {
    let setup = setup();
    let harness = harness(setup);
    let fixtures: Vec<&str> = setup
        .specs
        .iter()
        .filter(|spec| spec.fixture)
        .map(|spec| spec.package.as_str())
        .collect();
    assert!(!fixtures.is_empty(), "no fixtures in tests/fixtures");
    let mut problems = String::new();
    if !harness.warnings.is_empty() {
        problems.push_str(&format!("cargo build:\n{}\n", harness.warnings));
    }
    // Clippy denies what rustc only warns about (an approximate constant, say); the tests are the
    // fixtures' behaviour files.
    for step in [
        &["clippy", "--all-targets"][..],
        &["test"],
        &["doc", "--no-deps"],
    ] {
        // The behaviour files are the harness's integration tests.
        let mut packages = fixtures.clone();
        if step[0] != "doc" {
            packages.push(harness::PACKAGE);
        }
        if let Some(output) =
            harness::cargo_on(&setup.harness_dir, &setup.target_dir, &packages, step)
        {
            problems.push_str(&format!("cargo {}:\n{output}\n", step[0]));
        }
    }
    assert!(problems.is_empty(), "{problems}");
}

/// The first wall against doc text that runs as code is how docs are written: no doc comment of a
/// generated crate holds a block rustdoc would compile. (The second, `doctest = false` in the
/// generated manifest, is taken down here.) Every fixture crate, the hostile ones among them, is
/// copied into one workspace with doctests on, and rustdoc must find no test at all.
#[test]
fn no_doc_comment_of_a_fixture_crate_is_a_doctest() {
    let setup = setup();
    harness(setup);
    let root = xtask::project_root();
    let workspace = root.join("target").join("property").join("doctests");
    let mut members = Vec::new();
    for spec in setup.specs.iter().filter(|spec| spec.fixture) {
        let copy = workspace.join(&spec.package);
        let manifest = std::fs::read_to_string(spec.crate_dir.join("Cargo.toml"))
            .unwrap_or_else(|error| panic!("{}: {error}", spec.crate_dir.display()));
        assert!(
            manifest.contains("\n[lib]\ndoctest = false\n"),
            "{}: doctests are not off",
            spec.package
        );
        let manifest = manifest
            .replace("\n[lib]\ndoctest = false\n", "\n[lib]\ndoctest = true\n")
            .replace("\n[workspace]\n", "\n");
        write_if_changed(&copy.join("Cargo.toml"), &manifest);
        let sources = std::fs::read_dir(spec.crate_dir.join("src")).expect("generated sources");
        for source in sources.flatten() {
            let text = std::fs::read_to_string(source.path()).expect("a generated source");
            write_if_changed(&copy.join("src").join(source.file_name()), &text);
        }
        members.push(format!("{:?}", spec.package));
    }
    write_if_changed(
        &workspace.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("the lock file");
    write_if_changed(&workspace.join("Cargo.lock"), &lock);
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "test",
            "--doc",
            "--offline",
            "--workspace",
            "--manifest-path",
        ])
        .arg(workspace.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &setup.target_dir)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}{stdout}");
    let results: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("test result:"))
        .collect();
    assert_eq!(results.len(), members.len(), "{stdout}");
    for result in results {
        assert!(
            result.starts_with("test result: ok. 0 passed; 0 failed"),
            "{stdout}"
        );
    }
    note(&format!(
        "rustdoc found no doctest in {} fixture crates",
        members.len()
    ));
}

/// Writes `text` to `path` unless it is there already, so cargo does not rebuild.
fn write_if_changed(path: &Path, text: &str) {
    xtask::ensure_file_contents(path, text, xtask::Mode::Write, &mut Default::default())
        .unwrap_or_else(|error| panic!("{error}"));
}

/// A big API's crate is split by tag into cargo features; each must build alone, and so must the
/// crate with none of them (its untagged operations and shared types).
#[test]
fn every_tag_feature_compiles_and_documents_alone_without_warnings() {
    let setup = setup();
    harness(setup);
    let mut problems = String::new();
    let mut checked = 0;
    for spec in &setup.specs {
        let manifest = std::fs::read_to_string(spec.crate_dir.join("Cargo.toml"))
            .unwrap_or_else(|error| panic!("{}: {error}", spec.crate_dir.display()));
        let features = tag_features(&manifest);
        if features.is_empty() {
            continue;
        }
        // Docs too: they link to operations and types a selection may leave out.
        for feature in features.iter().map(Some).chain([None]) {
            for step in ["check", "doc"] {
                let mut command =
                    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
                command
                    .args([step, "--offline", "--quiet", "--no-default-features"])
                    .arg("--manifest-path")
                    .arg(spec.crate_dir.join("Cargo.toml"))
                    .args(
                        feature
                            .map(|feature| ["--features", feature.as_str()])
                            .into_iter()
                            .flatten(),
                    )
                    .env("CARGO_TARGET_DIR", &setup.target_dir);
                if step == "doc" {
                    command.arg("--no-deps");
                }
                let output = command.output().expect("cargo runs");
                let stderr = String::from_utf8_lossy(&output.stderr);
                if !output.status.success() || stderr.contains("warning") {
                    problems.push_str(&format!(
                        "cargo {step} of {} with {feature:?}:\n{stderr}\n",
                        spec.package
                    ));
                }
            }
            checked += 1;
        }
    }
    note(&format!("checked {checked} feature selections"));
    assert!(checked > 0, "no generated crate has tag features");
    assert!(problems.is_empty(), "{problems}");
}

/// The features a generated manifest lists besides `default`.
fn tag_features(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .skip_while(|line| *line != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.strip_suffix(" = []"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_valid_instance_round_trips() {
    let setup = setup();
    let harness = harness(setup);
    let mut failures = Failures::new(setup.seed);
    let schemas = drawn(setup, &mut failures);
    let requests: Vec<Request<'_>> = schemas
        .iter()
        .flat_map(|(spec, schema, values)| {
            values.iter().map(|value| Request {
                package: &spec.package,
                type_name: schema.type_name.as_deref().unwrap_or_default(),
                value,
            })
        })
        .collect();
    let mut answers = harness
        .run(&requests)
        .unwrap_or_else(|error| panic!("{error}"))
        .into_iter();
    for (spec, schema, values) in &schemas {
        let heading = spec.heading(schema);
        let strict = validator(&schema.json_schema);
        let canonicaliser = Canonicaliser::new(&schema.json_schema);
        for value in *values {
            let answer = answers.next().expect("one answer per request");
            let details = |back: Option<&Value>, more: &str| {
                format!(
                    "schema: {}\ninstance: {}\nre-encoded: {}\n{more}",
                    schema_text(schema),
                    shown(value),
                    back.map_or("-".to_owned(), shown)
                )
            };
            let sent_errors = validation_errors(&strict, value);
            if !sent_errors.is_empty() {
                let cause = "the drawn instance is invalid: hypothesis-jsonschema and the validator disagree";
                failures.add(&heading, cause, details(None, &sent_errors.join("\n")));
                continue;
            }
            let back = match answer {
                Answer::Encoded(back) => back,
                Answer::Rejected(error) => {
                    let cause = format!("does not decode: {error}");
                    failures.add(&heading, cause, details(None, ""));
                    continue;
                }
                Answer::NotEncoded(error) => {
                    let cause = format!("decodes but does not encode: {error}");
                    failures.add(&heading, cause, details(None, ""));
                    continue;
                }
            };
            let back_errors = validation_errors(&strict, &back);
            if !back_errors.is_empty() {
                let places: Vec<String> = strict
                    .iter_errors(&back)
                    .map(|error| error.schema_path().to_string())
                    .collect();
                let cause = format!("the re-encoded value is invalid ({})", places.join(", "));
                failures.add(
                    &heading,
                    cause,
                    details(Some(&back), &back_errors.join("\n")),
                );
                continue;
            }
            let sent = canonicaliser.canonical(value);
            let received = canonicaliser.canonical(&back);
            let differences = report::differences(&sent, &received);
            if !differences.is_empty() {
                let mut causes: Vec<String> = differences
                    .iter()
                    .map(|difference| {
                        let place = canonicaliser.place(&sent, &difference.path);
                        format!(
                            "differs after the round trip: {} at {place}",
                            difference.kind()
                        )
                    })
                    .collect();
                causes.sort();
                causes.dedup();
                let listed: Vec<String> = differences
                    .iter()
                    .take(5)
                    .map(|difference| format!("difference (canonical) {difference}"))
                    .collect();
                failures.add_all(&heading, causes, details(Some(&back), &listed.join("\n")));
            }
        }
    }
    note(&format!(
        "checked the round trip of {} valid instances of {} schemas",
        requests.len(),
        schemas.len()
    ));
    failures.finish("every valid instance decodes, re-encodes validly and round-trips");
}

#[test]
fn decoding_rejects_invalid_instances() {
    let setup = setup();
    let harness = harness(setup);
    let mut failures = Failures::new(setup.seed);
    let schemas = drawn(setup, &mut failures);
    let mut made = Vec::new();
    let mut counts: Vec<(String, Vec<String>)> = Vec::new();
    for (spec, schema, values) in &schemas {
        let relaxed_schema = convert::relaxed(&schema.decoded_schema);
        let relaxed = validator(&relaxed_schema);
        let walker = Canonicaliser::new(&schema.json_schema);
        let mutants = mutants::mutants(&walker, values, &relaxed);
        let component = schema.pointer.rsplit('/').next().unwrap_or_default();
        match counts.last_mut() {
            Some((package, list)) if *package == spec.package => {
                list.push(format!("{component} {}", mutants.len()));
            }
            _ => counts.push((
                spec.package.clone(),
                vec![format!("{component} {}", mutants.len())],
            )),
        }
        if mutants.is_empty() && is_object_schema(&walker) {
            failures.add(
                &spec.heading(schema),
                "no invalid instance could be made of this object schema",
                format!("schema: {}", schema_text(schema)),
            );
        }
        made.push((spec, schema, relaxed, mutants));
    }
    let requests: Vec<Request<'_>> = made
        .iter()
        .flat_map(|(spec, schema, _, mutants)| {
            mutants.iter().map(|mutant| Request {
                package: &spec.package,
                type_name: schema.type_name.as_deref().unwrap_or_default(),
                value: &mutant.value,
            })
        })
        .collect();
    let mut answers = harness
        .run(&requests)
        .unwrap_or_else(|error| panic!("{error}"))
        .into_iter();
    for (spec, schema, relaxed, mutants) in &made {
        for mutant in mutants {
            let back = match answers.next().expect("one answer per request") {
                Answer::Rejected(_) => continue,
                Answer::Encoded(back) => back,
                Answer::NotEncoded(error) => json!(format!("(not encoded: {error})")),
            };
            failures.add(
                &spec.heading(schema),
                format!("decoding accepts {}", mutant.cause),
                format!(
                    "change: {}\nschema: {}\ninstance: {}\nre-encoded: {}\n{}",
                    mutant.change,
                    schema_text(schema),
                    shown(&mutant.value),
                    shown(&back),
                    validation_errors(relaxed, &mutant.value).join("\n")
                ),
            );
        }
    }
    note(&format!(
        "checked {} invalid instances; per schema:",
        requests.len()
    ));
    for (package, list) in counts {
        note(&format!("  {package}: {}", list.join(", ")));
    }
    failures.finish("decoding rejects every invalid instance");
}

/// Whether the schema describes objects (rather than a union that may be other things, or a
/// primitive).
fn is_object_schema(walker: &Canonicaliser<'_>) -> bool {
    walker.parts(walker.root(), &json!({})).iter().any(|part| {
        part.get("properties").is_some()
            || match part.get("type") {
                Some(Value::String(single)) => single == "object",
                Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
                _ => false,
            }
    })
}
