//! Helpers shared by the nodetls test suites.
//!
//! Interop tests need live peers (`node`, `openssl`). Where one is missing they skip
//! with a visible message, except under `CI=true`, where a missing peer is a failure:
//! CI must never go green by testing nothing.
#![forbid(unsafe_code)]

pub mod cli;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Finds `name` on `PATH`. Missing: prints a skip message and returns `None`, or
/// panics when `CI=true`.
pub fn peer(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "`{name}` is required under CI=true but is not on PATH"
        );
        eprintln!("SKIPPED: `{name}` is not on PATH; this interop test did not run");
    }
    found
}

/// Returns early from a test (with a visible message) when a peer is missing.
#[macro_export]
macro_rules! require_peer {
    ($name:expr) => {
        match $crate::peer($name) {
            Some(p) => p,
            None => return,
        }
    };
}

/// A fresh temporary directory, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("nodetls-test-")
        .tempdir()
        .expect("temp dir")
}

/// Runs a command to completion with no stdin, returning its output.
pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs a command and panics (showing stderr) unless it exits 0; returns stdout.
pub fn run_ok(cmd: &mut Command) -> Vec<u8> {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed with {}:\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `openssl ARGS...` run in `dir`.
pub fn openssl(dir: &Path) -> Command {
    let mut c = Command::new("openssl");
    c.current_dir(dir);
    c
}

/// `node -e SCRIPT ARGS...` run in `dir`.
pub fn node_script(dir: &Path, script: &str) -> Command {
    let mut c = Command::new("node");
    c.current_dir(dir).arg("-e").arg(script);
    c
}
