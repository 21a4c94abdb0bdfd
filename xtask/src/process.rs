//! Child processes the benchmark and the corpus run: the generator built in release, cargo, and
//! what a finished child leaves behind (time, peak memory, why it failed).
//!
//! The generator runs as a child process rather than in-process so that its time and memory are
//! the whole program's, as a user sees them, and a panic ends only that child.

use crate::{XtaskError, io_error};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait4::Wait4 as _;

/// The exit code of a Rust program that panicked.
const PANIC_EXIT_CODE: i32 = 101;

/// One finished run of a child process.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub wall: Duration,
    /// Peak resident set size in bytes.
    pub peak_rss: u64,
    /// Why it failed, from its output; `None` when it exited successfully.
    pub failure: Option<String>,
    /// Whether it ended in a panic.
    pub panicked: bool,
}

/// Builds `xtask` in release and returns its executable: the generator as users run it.
pub(crate) fn build_generator(root: &Path) -> Result<PathBuf, XtaskError> {
    let mut command = Command::new(cargo());
    command
        .args(["build", "--release", "--package", "xtask"])
        .args(["--message-format", "json-render-diagnostics"])
        .current_dir(root)
        .stderr(Stdio::inherit());
    eprintln!("running {command:?}");
    let output = command.output().map_err(|source| io_error(root, source))?;
    if !output.status.success() {
        return Err(XtaskError::Failed(format!(
            "{command:?} exited with {}",
            output.status
        )));
    }
    // Cargo names the executable it built, wherever the target directory is.
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| {
            message
                .pointer("/target/name")
                .and_then(|name| name.as_str())
                == Some("xtask")
        })
        .find_map(|message| {
            message
                .get("executable")
                .and_then(|path| path.as_str())
                .map(PathBuf::from)
        })
        .ok_or_else(|| XtaskError::Failed(format!("{command:?} named no xtask executable")))
}

/// `generator generate --spec SPEC --out OUT --name NAME`.
pub(crate) fn generate_command(generator: &Path, spec: &Path, out: &Path, name: &str) -> Command {
    let mut command = Command::new(generator);
    command
        .arg("generate")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--name", name]);
    command
}

/// Runs `command` to completion with its output in `log`: wall time, peak memory and, when it
/// fails, why.
pub(crate) fn measure(command: &mut Command, log: &Path) -> Result<Run, XtaskError> {
    let file = File::create(log).map_err(|source| io_error(log, source))?;
    let file_too = file.try_clone().map_err(|source| io_error(log, source))?;
    let shown = format!("{command:?}");
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(file_too)
        .spawn()
        .map_err(|source| XtaskError::Io {
            path: shown.clone(),
            source,
        })?;
    // `wait4` reports the child's own resource usage, including its peak resident set.
    let used = child.wait4().map_err(|source| XtaskError::Io {
        path: shown,
        source,
    })?;
    let wall = started.elapsed();
    let failure = (!used.status.success()).then(|| {
        let output = std::fs::read_to_string(log).unwrap_or_default();
        let message = failure_message(&output);
        // An exit code adds nothing to the message; a signal (a kill, a crash) does.
        match used.status.code() {
            Some(_) => message,
            None => format!("{message} ({})", used.status),
        }
    });
    Ok(Run {
        wall,
        peak_rss: used.rusage.maxrss,
        failure,
        panicked: used.status.code() == Some(PANIC_EXIT_CODE),
    })
}

/// The line of a failed program's output that says why: a panic's message, an error line, or
/// else the last line.
pub(crate) fn failure_message(output: &str) -> String {
    let lines: Vec<&str> = output.lines().map(str::trim).collect();
    let message = if let Some((index, location)) = lines
        .iter()
        .enumerate()
        .find_map(|(index, line)| Some((index, line.split_once("panicked at ")?.1)))
    {
        // Since Rust 1.73 a panic's message follows on the line after its location.
        let next = lines.get(index + 1).copied().unwrap_or_default();
        // A dependency's source is named from its crate's directory, not the local registry's.
        let location = location
            .split_once("/registry/src/")
            .and_then(|(_, path)| path.split_once('/'))
            .map_or(location, |(_, path)| path);
        format!("panic at {}: {next}", location.trim_end_matches(':'))
    } else if let Some(line) = lines.iter().find(|line| {
        line.starts_with("error") || line.starts_with("Error") || line.starts_with("gen fail")
    }) {
        (*line).to_owned()
    } else {
        lines
            .iter()
            .rev()
            .find(|line| !line.is_empty())
            .copied()
            .unwrap_or("no output")
            .to_owned()
    };
    shorten(&message, 300)
}

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(limit).collect();
    short.push('…');
    short
}

/// The cargo that runs this xtask, so that every build uses the same toolchain.
pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_reported_with_its_message() {
        let output = "TYPE SPACE\nthread 'main' (3217) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/progenitor-impl-0.15.1/src/method.rs:1220:9:\nassertion failed: response_types.len() <= 1\nstack backtrace:";
        assert_eq!(
            failure_message(output),
            "panic at progenitor-impl-0.15.1/src/method.rs:1220:9: assertion failed: response_types.len() <= 1"
        );
    }

    #[test]
    fn an_error_line_is_preferred_to_the_last_line() {
        let output =
            "listing\ngen fail: UnexpectedFormat(\"x\")\nError: generation experienced errors\n";
        assert_eq!(failure_message(output), "gen fail: UnexpectedFormat(\"x\")");
    }

    #[test]
    fn a_panicking_child_is_told_from_a_failing_one() {
        let log = std::env::temp_dir().join(format!("xtask-process-{}.log", std::process::id()));
        let mut panicking = Command::new("sh");
        panicking.args(["-c", "echo boom >&2; exit 101"]);
        let run = measure(&mut panicking, &log).expect("sh runs");
        assert!(run.panicked);
        let mut failing = Command::new("sh");
        failing.args(["-c", "echo 'error: no such file' >&2; exit 1"]);
        let run = measure(&mut failing, &log).expect("sh runs");
        let _ = std::fs::remove_file(&log);
        assert!(!run.panicked);
        assert!(
            run.failure
                .as_deref()
                .is_some_and(|failure| failure.starts_with("error: no such file")),
            "{:?}",
            run.failure
        );
    }
}
