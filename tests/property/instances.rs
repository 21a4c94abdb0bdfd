//! Valid instances of JSON Schemas, drawn by hypothesis-jsonschema through the pinned Python
//! helper `tests/tools/instances.py`, in the environment `cargo xtask test` installs.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Instances by schema key, or why a schema had none.
pub(crate) type Drawn = BTreeMap<String, Result<Vec<Value>, String>>;

/// The helper's interpreter, from the environment `cargo xtask test` installs.
pub(crate) fn interpreter() -> Result<PathBuf, String> {
    xtask::python_tools().ok_or_else(|| {
        format!(
            "the Python environment of the property tests ({}) is missing or was installed from \
             other requirements than tests/tools/requirements.txt: run `cargo xtask test`, which \
             installs it",
            xtask::PYTHON_ENV
        )
    })
}

/// A helper run under way.
pub(crate) struct Pending {
    child: Child,
    /// When the helper started.
    started: Instant,
    /// Its output, and when it ended.
    stdout: JoinHandle<std::io::Result<(String, Instant)>>,
    stderr: JoinHandle<std::io::Result<String>>,
}

/// Starts drawing `count` instances of each schema with `seed`; [`Pending::finish`] collects them.
pub(crate) fn spawn(
    python: &Path,
    root: &Path,
    seed: u64,
    count: usize,
    schemas: &[(String, &Value)],
) -> Result<Pending, String> {
    let request = json!({
        "seed": seed,
        "count": count,
        "schemas": schemas.iter().map(|(key, schema)| (key.clone(), (*schema).clone())).collect::<serde_json::Map<_, _>>(),
    });
    let script = root.join("tests").join("tools").join("instances.py");
    // Kept, so the helper can be run by hand on exactly what a run asked of it.
    let kept = root
        .join("target")
        .join("property")
        .join("instances-request.json");
    let _ = std::fs::create_dir_all(root.join("target").join("property"));
    let text = request.to_string();
    let _ = std::fs::write(&kept, &text);
    let mut child = Command::new(python)
        .arg(&script)
        // Hash randomisation must not change what is drawn.
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(root.join("target"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("{} does not start: {error}", python.display()))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    // The helper reads the whole request before it writes anything; a failed write shows up as
    // the helper's own error.
    std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    Ok(Pending {
        child,
        started: Instant::now(),
        stdout: std::thread::spawn(move || {
            let mut text = String::new();
            stdout
                .read_to_string(&mut text)
                .map(|_| (text, Instant::now()))
        }),
        stderr: std::thread::spawn(move || {
            let mut text = String::new();
            stderr.read_to_string(&mut text).map(|_| text)
        }),
    })
}

impl Pending {
    /// Waits for the helper and parses what it drew; says how long the helper took.
    pub(crate) fn finish(mut self) -> Result<(Drawn, Duration), String> {
        let status = self.child.wait().map_err(|error| error.to_string())?;
        let (stdout, ended) = self
            .stdout
            .join()
            .expect("reader thread")
            .map_err(|e| e.to_string())?;
        let stderr = self
            .stderr
            .join()
            .expect("reader thread")
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!(
                "tests/tools/instances.py failed ({status}):\n{stderr}"
            ));
        }
        let mut drawn = Drawn::new();
        for line in stdout.lines() {
            let parsed: Value = serde_json::from_str(line)
                .map_err(|error| format!("the helper wrote `{line}`: {error}"))?;
            let key = parsed["key"].as_str().unwrap_or_default().to_owned();
            if let Some(error) = parsed.get("error").and_then(Value::as_str) {
                drawn.insert(key, Err(error.to_owned()));
            } else if let Ok(values) = drawn.entry(key).or_insert_with(|| Ok(Vec::new())) {
                values.push(parsed["value"].clone());
            }
        }
        Ok((drawn, ended.duration_since(self.started)))
    }
}
