//! JSON event lines on stdout (one object per line), and the error event.

use std::io::Write;

use serde_json::{json, Value};

use crate::CliError;

/// Prints one JSON line and flushes, so a reader sees each event as it happens.
pub(crate) fn emit(value: &Value) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (the reader went away) is not our failure to report.
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

/// `{"event":"error","code":...,"message":...}` and exit status 1.
pub(crate) fn emit_error(e: &CliError) -> std::process::ExitCode {
    emit(&json!({"event": "error", "code": e.code, "message": e.message}));
    std::process::ExitCode::from(1)
}
