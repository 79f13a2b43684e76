//! How a failed sub-command reports itself: `nodetls: <CODE>: <text>` on stderr and
//! exit status 1 (shared/spec/cli.md, "General rules").

use std::io::Write;
use std::process::ExitCode;

/// A failure with Node's `err.code` and a message.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) code: String,
    pub(crate) message: String,
}

impl CliError {
    /// An error with an explicit code.
    #[allow(dead_code)] // used by some sub-commands only
    pub(crate) fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        CliError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// An error already reported on stdout as an event line (serve/connect): exit
    /// 1 without printing again.
    pub(crate) fn reported() -> Self {
        CliError::new("", "")
    }

    /// Prints the error line and gives the exit status. A broken pipe on stdout
    /// exits quietly, like ripgrep.
    pub(crate) fn report(&self) -> ExitCode {
        if self.code == "EPIPE" || self.code.is_empty() {
            return ExitCode::from(1);
        }
        let _ = writeln!(
            std::io::stderr(),
            "nodetls: {}: {}",
            self.code,
            self.message
        );
        ExitCode::from(1)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::new(tls_pki::error::io_error_code(&e), e.to_string())
    }
}

impl From<tls_pki::Error> for CliError {
    fn from(e: tls_pki::Error) -> Self {
        CliError::new(e.code(), e.to_string())
    }
}

impl From<tls_core::Error> for CliError {
    fn from(e: tls_core::Error) -> Self {
        CliError::new(e.code(), e.to_string())
    }
}

impl From<tls_node::Error> for CliError {
    fn from(e: tls_node::Error) -> Self {
        CliError::new(e.code(), e.to_string())
    }
}
