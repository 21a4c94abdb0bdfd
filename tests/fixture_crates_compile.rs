//! `cargo xtask generate` makes a standalone crate from each fixture spec, and every one of them
//! compiles without a warning outside this workspace. A fixture `name.yaml` with a
//! `name.behaviour.rs` beside it gets that file as an integration test of its crate, which must pass.

use std::path::Path;
use std::process::Command;

#[test]
fn every_fixture_generates_a_crate_that_compiles_without_warnings() {
    let root = xtask::project_root();
    let out_root = root.join("target").join("fixture-crates");
    // A target dir of their own: the one `cargo test` runs from stays locked while tests run.
    let target_dir = root.join("target").join("fixture-target");
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests").join("fixtures"))
        .expect("fixtures dir")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty());
    let mut failures = Vec::new();
    for spec in &fixtures {
        let name = spec
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let package = format!("fixture-{name}");
        let out = out_root.join(&name);
        xtask::generate(spec, &out, &package)
            .unwrap_or_else(|error| panic!("{} does not generate: {error}", spec.display()));
        // The workspace's lock file pins the same dependency versions, so nothing is resolved anew.
        std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("copy Cargo.lock");
        let behaviour = spec.with_extension("behaviour.rs");
        let tests_dir = out.join("tests");
        if behaviour.exists() {
            std::fs::create_dir_all(&tests_dir).expect("create tests dir");
            std::fs::copy(&behaviour, tests_dir.join("behaviour.rs"))
                .expect("copy behaviour tests");
        } else if tests_dir.exists() {
            std::fs::remove_dir_all(&tests_dir).expect("remove stale tests");
        }
        if let Some(failure) = check(&out, &target_dir) {
            failures.push(format!("{}:\n{failure}", spec.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs clippy (denying warnings), `cargo test` and `cargo doc` on the crate at `dir`; returns
/// what went wrong, warnings included.
fn check(dir: &Path, target_dir: &Path) -> Option<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut problems = String::new();
    for subcommand in [
        &["clippy", "--all-targets"][..],
        &["test", "--all-targets"],
        &["doc", "--no-deps"],
    ] {
        let output = Command::new(&cargo)
            .args(subcommand)
            .args(["--offline", "--quiet", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target_dir)
            .output()
            .expect("cargo runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() || stderr.contains("warning") {
            let stdout = String::from_utf8_lossy(&output.stdout);
            problems.push_str(&format!("cargo {}:\n{stderr}\n{stdout}\n", subcommand[0]));
        }
    }
    (!problems.is_empty()).then_some(problems)
}
