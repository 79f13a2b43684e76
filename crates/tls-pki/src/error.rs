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
    /// Bytes that `new crypto.X509Certificate(buf)` would refuse; the code is the
    /// PEM or ASN.1 reason Node reports (see [`crate::legacy::CertificateInputError`]).
    #[error("{0}")]
    CertificateInput(#[from] crate::legacy::CertificateInputError),
    /// `tls.checkServerIdentity`: the host name or IP address is not one the
    /// certificate names (`ERR_TLS_CERT_ALTNAME_INVALID`). `reason` is Node's text
    /// (`"Host: x. is not in the cert's altnames: DNS:..."`).
    #[error("Hostname/IP does not match certificate's altnames: {reason}")]
    CertAltnameInvalid {
        /// Node's `err.reason`.
        reason: String,
        /// Node's `err.host`: the host name checked, without a trailing dot.
        host: String,
    },
    /// `tls.checkServerIdentity`: a quoted `subjectaltname` entry is not a valid
    /// JSON string (`ERR_TLS_CERT_ALTNAME_FORMAT`). Node's own objects never
    /// produce this; a hand-built [`crate::legacy::LegacyCertificate`] can.
    #[error("Invalid subject alternative name string")]
    CertAltnameFormat,
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { source, .. } => io_error_code(source),
            Error::CertificateInput(e) => e.code(),
            Error::CertAltnameInvalid { .. } => "ERR_TLS_CERT_ALTNAME_INVALID",
            Error::CertAltnameFormat => "ERR_TLS_CERT_ALTNAME_FORMAT",
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
        // A peer that closes mid-record is reported as a reset, as Node does.
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
