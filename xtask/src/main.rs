//! `cargo xtask`: the project's chores in plain Rust (rust-analyzer's pattern).
#![forbid(unsafe_code)]

use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  bench [--quick] [--json FILE] [--servers ours,node,raw] [SCENARIO...]
          server CPU/op, ops/s, MiB/s and idle RSS of nodetls vs Node 20 vs raw
          tokio-rustls, as ratios (docs/performance.md); builds itself --release
  help    this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("bench") if cfg!(debug_assertions) => return rerun_release(&args),
        Some("bench") => xtask::bench::main(&args[1..]),
        // Hidden: the `ours` and `raw` servers the bench starts.
        Some("bench-server") => xtask::bench::server::main(&args[1..]),
        Some(other) => {
            eprintln!("xtask: unknown task `{other}` (try `cargo xtask help`)");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Timings of a debug build mean nothing: `cargo xtask bench` (a debug build
/// through the alias) runs itself again as `cargo run --release -p xtask`.
fn rerun_release(args: &[String]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("xtask: building the bench with --release");
    let mut command = Command::new(cargo);
    command
        .args(["run", "--release", "--quiet", "--package", "xtask", "--"])
        .args(args);
    // `cargo run` gave us the package's CARGO_MANIFEST_DIR, CARGO_PKG_* ...;
    // ring's build script tracks CARGO_MANIFEST_DIR, so passing them on would
    // make every switch between this and a plain `cargo build --release`
    // rebuild ring and everything above it.
    for (name, _) in std::env::vars_os() {
        let name_str = name.to_string_lossy();
        if name_str.starts_with("CARGO_MANIFEST_")
            || name_str.starts_with("CARGO_PKG_")
            || matches!(
                &*name_str,
                "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
            )
        {
            command.env_remove(&name);
        }
    }
    let status = command.status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("xtask: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
