//! `cargo xtask <command>`: see `cargo xtask help`.

use std::path::PathBuf;
use std::process::ExitCode;
use xtask::{Mode, XtaskError};

// Generating a big spec allocates millions of small token trees; mimalloc is ~25% faster than the
// system allocator at it and keeps the peak lower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check]
      Regenerate every crate in generated/ from spec/ (with --check: write nothing, fail if stale).
  cargo xtask test
      Run every test: install the pinned Node tools, lint the specs, then `cargo test --workspace`.
  cargo xtask corpus [--all]
      Generate and `cargo check` a sample of real third-party specs and print a table (with --all:
      generate, without compiling, every OpenAPI 3.0 document of the APIs.guru collection).
  cargo xtask bench [--only skiplino|pexip-engage|netbox|github]
      Time generation and peak memory, line counts and cold `cargo check` of the generated
      crates, side by side with cargo-progenitor (installed pinned), and print a table.
  cargo xtask generate --spec FILE --out DIR --name CRATE
      Generate a standalone client crate named CRATE from the OpenAPI 3.0 document FILE into DIR.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => match &args[1..] {
            [] => xtask::codegen(Mode::Write),
            [flag] if flag == "--check" => xtask::codegen(Mode::Check),
            _ => return usage_error("`codegen` takes only `--check`"),
        },
        Some("test") => xtask::test().map(|()| Vec::new()),
        Some("corpus") => match &args[1..] {
            [] => xtask::corpus::corpus(false),
            [flag] if flag == "--all" => xtask::corpus::corpus(true),
            _ => return usage_error("`corpus` takes only `--all`"),
        },
        Some("bench") => match &args[1..] {
            [] => xtask::bench::bench(None),
            [flag, name] if flag == "--only" => xtask::bench::bench(Some(name.as_str())),
            _ => return usage_error("`bench` takes only `--only NAME`"),
        },
        Some("generate") => match parse_generate(&args[1..]) {
            Ok((spec, out, name)) => xtask::generate(&spec, &out, &name),
            Err(message) => return usage_error(&message),
        },
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => return usage_error(&format!("unknown command `{other}`")),
        None => return usage_error("no command given"),
    };
    match result {
        Ok(warnings) => {
            for warning in warnings {
                eprintln!("{warning}");
            }
            ExitCode::SUCCESS
        }
        Err(XtaskError::Stale(report)) => {
            eprintln!("{report}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse_generate(args: &[String]) -> Result<(PathBuf, PathBuf, String), String> {
    let (mut spec, mut out, mut name) = (None, None, None);
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let slot = match flag.as_str() {
            "--spec" => &mut spec,
            "--out" => &mut out,
            "--name" => &mut name,
            other => return Err(format!("unknown option `{other}`")),
        };
        *slot = Some(
            args.next()
                .ok_or_else(|| format!("`{flag}` needs a value"))?
                .clone(),
        );
    }
    match (spec, out, name) {
        (Some(spec), Some(out), Some(name)) => Ok((spec.into(), out.into(), name)),
        _ => Err("`generate` needs --spec, --out and --name".to_owned()),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
