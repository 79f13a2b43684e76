//! The one error type of this crate; every variant carries the code Node 20 gives.

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a secure context could not be built, or a peer was not trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A key, certificate, PFX or CRL could not be loaded.
    #[error(transparent)]
    Pki(#[from] tls_pki::Error),
    /// A `crl` entry is not a CRL (Node: "Failed to parse CRL").
    #[error("Failed to parse CRL")]
    CrlParse,
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Pki(e) => e.code(),
            Error::CrlParse => "ERR_CRYPTO_OPERATION_FAILED",
        }
    }
}
