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

    /// `ciphers` has no entry at all (`":"`): neither a TLS 1.3 nor a TLS 1.2
    /// part. Node: `ERR_INVALID_ARG_VALUE`.
    #[error("The property 'options.ciphers' is invalid. Received {list:?}")]
    CipherListEmpty {
        /// The list as given.
        list: String,
    },

    /// `ciphers` selects no suite: the TLS 1.3 part names no known suite, the
    /// TLS 1.2 part selects none of OpenSSL's, or none of the suites it selects
    /// is implemented here. Node: `ERR_SSL_NO_CIPHER_MATCH` (the last case is
    /// ours: Node accepts e.g. `TLS_AES_128_CCM_SHA256`, which rustls lacks).
    #[error("no cipher match: {reason} (ciphers {list:?})")]
    NoCipherMatch {
        /// The list as given.
        list: String,
        /// Which of the three cases.
        reason: &'static str,
    },

    /// The TLS 1.2 part of `ciphers` has a character OpenSSL's grammar rejects
    /// (`&`, a tab, a dangling `+` or `-`) or a bad `@` command (`@FOO`,
    /// `@SECLEVEL=9`). Node: `ERR_SSL_INVALID_COMMAND`.
    #[error("invalid command in cipher list {list:?}")]
    InvalidCipherCommand {
        /// The list as given.
        list: String,
    },
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Pki(e) => e.code(),
            Error::CipherListEmpty { .. } => "ERR_INVALID_ARG_VALUE",
            Error::NoCipherMatch { .. } => "ERR_SSL_NO_CIPHER_MATCH",
            Error::InvalidCipherCommand { .. } => "ERR_SSL_INVALID_COMMAND",
        }
    }
}
