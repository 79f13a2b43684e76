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
    /// An option of [`crate::generate`] is out of range or malformed (an empty or
    /// over-long common name, a bad `subjectAltName` entry, `days` of 0, a bad serial).
    /// Node's code for an invalid argument value.
    #[error("invalid value for {option}: {reason}")]
    InvalidGenerateOption {
        /// The option, as the `nodetls cert/pfx/crl` flag names it.
        option: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// The issuer key given to [`crate::generate`] is not the key of the issuer
    /// certificate (or a PKCS#12 key is not the key of its certificate). Node gives
    /// `ERR_OSSL_X509_KEY_VALUES_MISMATCH` when `key` and `cert` do not match.
    #[error("{0}")]
    GenerateKeyMismatch(String),
    /// The issuer certificate is not a CA (no `basicConstraints` with `CA:TRUE`).
    /// Code: OpenSSL's verify code `INVALID_CA`, what a peer would later report.
    #[error("the issuer certificate is not a CA: {0}")]
    IssuerNotCa(String),
    /// The issuer certificate's `keyUsage` does not allow signing certificates
    /// (`KEYUSAGE_NO_CERTSIGN`) or CRLs (`KEYUSAGE_NO_CRL_SIGN`), OpenSSL's verify
    /// codes for a peer checking what we would make.
    #[error("the issuer certificate's keyUsage lacks {usage}")]
    IssuerKeyUsage {
        /// `keyCertSign` or `cRLSign`.
        usage: &'static str,
        /// The OpenSSL verify code.
        code: &'static str,
    },
    /// A key that generation cannot sign with or bundle (not RSA, ECDSA P-256/P-384
    /// or Ed25519, or not parseable). Project code `ERR_NODETLS_UNSUPPORTED_KEY`.
    #[error("unsupported or malformed private key: {0}")]
    UnsupportedGenerateKey(String),
    /// A certificate given to generation does not parse as X.509. Project code
    /// `ERR_NODETLS_BAD_CERTIFICATE`.
    #[error("malformed certificate: {0}")]
    GenerateBadCertificate(String),
    /// Making the key, certificate, PKCS#12 file or CRL failed inside the encoder
    /// (rcgen, rsa, p12-keystore). Project code `ERR_NODETLS_GENERATE_FAILED`.
    #[error("generation failed: {0}")]
    GenerateFailed(String),
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { source, .. } => io_error_code(source),
            Error::InvalidGenerateOption { .. } => "ERR_INVALID_ARG_VALUE",
            Error::GenerateKeyMismatch(_) => "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
            Error::IssuerNotCa(_) => "INVALID_CA",
            Error::IssuerKeyUsage { code, .. } => code,
            Error::UnsupportedGenerateKey(_) => "ERR_NODETLS_UNSUPPORTED_KEY",
            Error::GenerateBadCertificate(_) => "ERR_NODETLS_BAD_CERTIFICATE",
            Error::GenerateFailed(_) => "ERR_NODETLS_GENERATE_FAILED",
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
        K::ConnectionReset => "ECONNRESET",
        K::ConnectionAborted => "ECONNABORTED",
        K::BrokenPipe => "EPIPE",
        K::AddrInUse => "EADDRINUSE",
        K::AddrNotAvailable => "EADDRNOTAVAIL",
        K::TimedOut => "ETIMEDOUT",
        K::IsADirectory => "EISDIR",
        K::NotADirectory => "ENOTDIR",
        K::HostUnreachable => "EHOSTUNREACH",
        K::NetworkUnreachable => "ENETUNREACH",
        K::UnexpectedEof => "ECONNRESET",
        K::InvalidInput => "EINVAL",
        _ => "EIO",
    }
}
