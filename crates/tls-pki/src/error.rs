//! The one error type of this crate; every variant carries the code Node 20 gives
//! for the same input.

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong loading or describing keys, certificates, PKCS#12 files or CRLs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading a file failed (`ENOENT`, `EACCES`, ...).
    #[error("{context}: {source}")]
    Io {
        /// What was being read.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { source, .. } => io_error_code(source),
        }
    }
}

/// The code Node gives to an operating-system error (`ENOENT`, `ECONNREFUSED`, ...).
pub fn io_error_code(err: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::NotFound => "ENOENT",
        K::PermissionDenied => "EACCES",
        K::ConnectionRefused => "ECONNREFUSED",
        K::ConnectionReset | K::UnexpectedEof => "ECONNRESET",
        K::ConnectionAborted => "ECONNABORTED",
        K::BrokenPipe => "EPIPE",
        K::AddrInUse => "EADDRINUSE",
        K::AddrNotAvailable => "EADDRNOTAVAIL",
        K::TimedOut => "ETIMEDOUT",
        K::IsADirectory => "EISDIR",
        K::NotADirectory => "ENOTDIR",
        K::HostUnreachable => "EHOSTUNREACH",
        K::NetworkUnreachable => "ENETUNREACH",
        K::InvalidInput => "EINVAL",
        _ => "EIO",
    }
}
