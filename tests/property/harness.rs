//! The harness: a small crate, written and built by the tests, that decodes JSON into the
//! generated types and encodes it again. It depends on every generated crate, so building it
//! also compiles each fixture crate once.

use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A generated crate the harness decodes with.
pub(crate) struct Dependency<'a> {
    /// The crate's package name, which is also the spec's label in requests.
    pub(crate) package: &'a str,
    /// The crate's directory.
    pub(crate) dir: &'a Path,
    /// Rust names of the types the harness decodes into, from the crate's `types` module.
    pub(crate) types: Vec<&'a str>,
}

/// One value to decode as `type_name` of the crate `package`.
pub(crate) struct Request<'a> {
    /// The package name of the generated crate.
    pub(crate) package: &'a str,
    /// The type's Rust name in the crate's `types` module.
    pub(crate) type_name: &'a str,
    /// The JSON to decode.
    pub(crate) value: &'a Value,
}

/// What the harness made of a request.
pub(crate) enum Answer {
    /// Decoded, then encoded to this.
    Encoded(Value),
    /// Decoding failed with this error.
    Rejected(String),
    /// Decoded, but encoding failed with this error.
    NotEncoded(String),
}

/// A built harness.
pub(crate) struct Harness {
    /// The executable.
    binary: PathBuf,
    /// Compiler output of the build: warnings, when there are any.
    pub(crate) warnings: String,
}

/// The harness's package name.
pub(crate) const PACKAGE: &str = "property-harness";

/// What the fixtures' behaviour tests run on besides the generated crates: the runtime, an async
/// runtime and a mock server. Dev-dependencies count only in a workspace's own members, which is
/// why the behaviour tests are the harness's rather than each fixture crate's.
const BEHAVIOUR_DEV_DEPENDENCIES: &str = "\n[dev-dependencies]\n\
    tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\
    wiremock = \"0.6\"\n";

/// Writes the harness crate into `dir`, with each fixture's behaviour file (`name`, path) as its
/// integration test `tests/name.rs`; files whose contents did not change are left alone, so cargo
/// does not rebuild.
pub(crate) fn write(
    dir: &Path,
    lock: &Path,
    dependencies: &[Dependency<'_>],
    behaviour: &[(String, PathBuf)],
) -> Result<(), String> {
    let mut manifest = format!(
        "[package]\nname = \"{PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nserde = \"1\"\nserde_json = \"1\"\n",
    );
    let runtime = json!(xtask::project_root().join("runtime").display().to_string());
    let _ = writeln!(manifest, "client-runtime = {{ path = {runtime} }}");
    for dependency in dependencies {
        let path = json!(dependency.dir.display().to_string());
        let _ = writeln!(manifest, "{} = {{ path = {path} }}", dependency.package);
    }
    manifest.push_str(BEHAVIOUR_DEV_DEPENDENCIES);
    // Not a member of the repository's workspace; no debug info keeps the build small.
    manifest.push_str("\n[workspace]\n\n[profile.dev]\ndebug = false\n");
    let mut arms = String::new();
    for dependency in dependencies {
        let krate = dependency.package.replace('-', "_");
        for type_name in &dependency.types {
            let _ = writeln!(
                arms,
                "            ({:?}, {type_name:?}) => round_trip::<{krate}::types::{type_name}>(value),",
                dependency.package
            );
        }
    }
    let main = format!(
        r#"//! Reads JSON lines `{{"spec", "type", "value"}}` and answers each with one line: `{{"ok": <the
//! value decoded as the type and encoded again>}}` or `{{"err": "<why decoding failed>"}}`.

use serde_json::{{Value, json}};
use std::io::{{BufRead, Write}};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> Value {{
    match serde_json::from_value::<T>(value) {{
        Ok(decoded) => match serde_json::to_value(&decoded) {{
            Ok(encoded) => json!({{ "ok": encoded }}),
            Err(error) => json!({{ "encode": error.to_string() }}),
        }},
        Err(error) => json!({{ "err": error.to_string() }}),
    }}
}}

fn main() {{
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in std::io::stdin().lock().lines() {{
        let line = line.expect("stdin is readable");
        let mut request: Value = serde_json::from_str(&line).expect("a JSON request");
        let value = request["value"].take();
        let answer = match (request["spec"].as_str().unwrap_or(""), request["type"].as_str().unwrap_or("")) {{
{arms}            (spec, name) => json!({{ "unknown": format!("{{spec}}: {{name}}") }}),
        }};
        writeln!(out, "{{answer}}").expect("stdout is writable");
    }}
}}
"#
    );
    let write = |path: PathBuf, contents: &str| {
        xtask::ensure_file_contents(&path, contents, xtask::Mode::Write, &mut Default::default())
            .map_err(|error| error.to_string())
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src").join("main.rs"), &main)?;
    let tests_dir = dir.join("tests");
    if let Ok(entries) = std::fs::read_dir(&tests_dir) {
        for entry in entries.flatten() {
            let stale = !behaviour
                .iter()
                .any(|(name, _)| entry.file_name().to_string_lossy() == format!("{name}.rs"));
            if stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    for (name, path) in behaviour {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        write(tests_dir.join(format!("{name}.rs")), &text)?;
    }
    // The repository's lock file pins every registry dependency, so nothing is resolved anew.
    let lock = std::fs::read_to_string(lock).map_err(|error| error.to_string())?;
    write(dir.join("Cargo.lock"), &lock)
}

/// The cargo that runs these tests.
fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// Builds the harness in `dir` with its own target directory (the one `cargo test` runs from
/// stays locked while tests run). Fails with the compiler's output; warnings are kept with it.
pub(crate) fn build(dir: &Path, target_dir: &Path) -> Result<Harness, String> {
    let output = cargo()
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .map_err(|error| format!("cargo does not run: {error}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!("cargo build of the harness failed:\n{stderr}"));
    }
    let binary = target_dir
        .join("debug")
        .join(format!("property-harness{}", std::env::consts::EXE_SUFFIX));
    // Registry crates are built with `--cap-lints allow`: warnings come from generated crates,
    // the runtime or the harness.
    let warnings = if stderr.contains("warning") {
        stderr
    } else {
        String::new()
    };
    Ok(Harness { binary, warnings })
}

/// Runs `cargo <step>` on `packages` (dependencies of the harness in `dir`); returns its output
/// when it fails or warns.
pub(crate) fn cargo_on(
    dir: &Path,
    target_dir: &Path,
    packages: &[&str],
    step: &[&str],
) -> Option<String> {
    let mut command = cargo();
    command
        .args(step)
        .args(["--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir);
    for package in packages {
        command.args(["--package", package]);
    }
    match command.output() {
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            let stdout = String::from_utf8_lossy(&output.stdout);
            (!output.status.success() || stderr.contains("warning"))
                .then(|| format!("{stderr}{stdout}"))
        }
        Err(error) => Some(format!("cargo does not run: {error}")),
    }
}

impl Harness {
    /// Decodes and re-encodes every request, in order.
    pub(crate) fn run(&self, requests: &[Request<'_>]) -> Result<Vec<Answer>, String> {
        let mut child = Command::new(&self.binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| format!("{} does not start: {error}", self.binary.display()))?;
        let mut text = String::new();
        for request in requests {
            let line = json!({
                "spec": request.package,
                "type": request.type_name,
                "value": request.value,
            });
            let _ = writeln!(text, "{line}");
        }
        let mut stdin = child.stdin.take().expect("piped stdin");
        // Written from another thread while the answers are read, so neither pipe fills up.
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut answers = Vec::with_capacity(requests.len());
        for line in stdout.lines() {
            let line = line.map_err(|error| error.to_string())?;
            let answer: Value = serde_json::from_str(&line)
                .map_err(|error| format!("the harness wrote `{line}`: {error}"))?;
            let mut answer = match answer {
                Value::Object(answer) => answer,
                other => return Err(format!("the harness wrote {other}")),
            };
            answers.push(
                match (
                    answer.remove("ok"),
                    answer.remove("err"),
                    answer.remove("encode"),
                ) {
                    (Some(encoded), _, _) => Answer::Encoded(encoded),
                    (_, Some(Value::String(error)), _) => Answer::Rejected(error),
                    (_, _, Some(Value::String(error))) => Answer::NotEncoded(error),
                    _ => return Err(format!("the harness could not answer: {line}")),
                },
            );
        }
        let status = child.wait().map_err(|error| error.to_string())?;
        let _ = writer.join();
        if !status.success() || answers.len() != requests.len() {
            return Err(format!(
                "the harness exited with {status} after {} of {} answers",
                answers.len(),
                requests.len()
            ));
        }
        Ok(answers)
    }
}
