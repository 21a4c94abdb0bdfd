//! A Prism mock server of one spec, run with `--errors` from the Node tools `cargo xtask test`
//! installs, and stopped when dropped (on a panic too).

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long Prism may take to start listening.
const START_DEADLINE: Duration = Duration::from_secs(60);

/// How often a port is tried when Prism finds the one it was given taken already.
const PORT_ATTEMPTS: usize = 3;

/// A running `prism mock --errors`.
pub(crate) struct Prism {
    child: Child,
    url: String,
    /// What Prism printed on stdout and stderr, interleaved by line.
    output: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
    /// How long it took to start.
    pub(crate) startup: Duration,
}

impl Prism {
    /// Starts Prism on a free port of 127.0.0.1 and waits until it accepts connections; panics
    /// with Prism's output if it does not within [`START_DEADLINE`].
    pub(crate) fn start(spec: &Path) -> Self {
        let binary = binary();
        assert!(
            binary.exists(),
            "{} is missing: install the pinned Node tools with `npm ci` in tests/tools \
             (`cargo xtask test` does it)",
            binary.display()
        );
        let started = Instant::now();
        for attempt in 1..=PORT_ATTEMPTS {
            let mut prism = Self::spawn(&binary, spec, free_port());
            match prism.wait_until_listening(started) {
                Ok(()) => {
                    prism.startup = started.elapsed();
                    return prism;
                }
                // Another process took the port between our probe and Prism's bind.
                Err(output) if output.contains("EADDRINUSE") && attempt < PORT_ATTEMPTS => {}
                Err(output) => panic!(
                    "Prism did not start on {} for {}:\n{output}",
                    prism.url,
                    spec.display()
                ),
            }
        }
        unreachable!("the last attempt returns or panics")
    }

    fn spawn(binary: &Path, spec: &Path, port: u16) -> Self {
        let mut child = Command::new(binary)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg("--errors")
            .arg(spec)
            // Plain text in failure messages.
            .env("FORCE_COLOR", "0")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {}: {error}", binary.display()));
        let output = Arc::new(Mutex::new(String::new()));
        // Read both pipes until Prism exits, so that it never blocks on a full one.
        let readers = [
            child.stdout.take().map(|pipe| capture(pipe, &output)),
            child.stderr.take().map(|pipe| capture(pipe, &output)),
        ]
        .into_iter()
        .flatten()
        .collect();
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            output,
            readers,
            startup: Duration::ZERO,
        }
    }

    /// Waits for Prism's "listening" line and a connection it accepts; on failure, returns its
    /// output.
    fn wait_until_listening(&mut self, started: Instant) -> Result<(), String> {
        let listening = format!("Prism is listening on {}", self.url);
        let address: SocketAddr = self
            .url
            .trim_start_matches("http://")
            .parse()
            .expect("the URL Prism is given holds a socket address");
        loop {
            if let Some(status) = self.child.try_wait().ok().flatten() {
                self.join_readers();
                return Err(format!("Prism exited with {status}:\n{}", self.output()));
            }
            // The line alone might be an earlier Prism's; the connection alone another
            // program's.
            if self.output().contains(&listening)
                && TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
            {
                return Ok(());
            }
            if started.elapsed() > START_DEADLINE {
                return Err(format!(
                    "Prism was not listening after {} s:\n{}",
                    START_DEADLINE.as_secs(),
                    self.output()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The base URL it serves, e.g. `http://127.0.0.1:40123`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Everything Prism printed so far.
    pub(crate) fn output(&self) -> String {
        self.output
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn join_readers(&mut self) {
        for reader in self.readers.drain(..) {
            // A reader only ends when its pipe closes; it cannot panic but on a poisoned lock.
            let _ = reader.join();
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Already exited if `kill` fails; either way `wait` reaps it.
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.join_readers();
    }
}

/// `tests/tools/node_modules/.bin/prism`.
fn binary() -> PathBuf {
    let name = if cfg!(windows) { "prism.cmd" } else { "prism" };
    xtask::project_root()
        .join("tests/tools/node_modules/.bin")
        .join(name)
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("the system has a free port on 127.0.0.1")
        .port()
}

/// Appends every line read from `pipe` to `output`, on a thread of its own.
fn capture(pipe: impl Read + Send + 'static, output: &Arc<Mutex<String>>) -> JoinHandle<()> {
    let output = Arc::clone(output);
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let mut output = output.lock().unwrap_or_else(PoisonError::into_inner);
            output.push_str(&line);
            output.push('\n');
        }
    })
}
