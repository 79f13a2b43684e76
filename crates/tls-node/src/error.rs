//! The one error type of this crate; every variant carries the code Node 20 gives.

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure of a server or a socket.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Building the secure context failed.
    #[error(transparent)]
    Core(#[from] tls_core::Error),
    /// A socket operation failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Core(e) => e.code(),
            Error::Io(e) => tls_pki::error::io_error_code(e),
        }
    }
}
