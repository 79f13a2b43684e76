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

    /// `ticketKeys` (createServer / createSecureContext) is not exactly 48 bytes.
    /// Node: `TypeError [ERR_INVALID_ARG_VALUE]`.
    #[error("The property 'options.ticketKeys' must be exactly 48 bytes. Received {0}")]
    TicketKeysLength(usize),

    /// `server.setTicketKeys(keys)` was given a buffer that is not 48 bytes.
    /// Node 20 fails an internal assertion here (`ERR_INTERNAL_ASSERTION`).
    #[error("Session ticket keys must be a 48-byte buffer")]
    SetTicketKeysLength(usize),

    /// `sessionTimeout` is not an integer in `0..=2147483647`.
    /// Node: `RangeError [ERR_OUT_OF_RANGE]`, the message says which rule failed.
    #[error("The value of \"options.sessionTimeout\" is out of range. It must be {rule}. Received {received}")]
    SessionTimeoutOutOfRange {
        /// `"an integer"` or `">= 0 && <= 2147483647"`, as in Node's message.
        rule: &'static str,
        /// The rejected value, formatted like Node does.
        received: String,
    },

    /// `sessionIdContext` is longer than 32 bytes (OpenSSL's `SSL_MAX_SID_CTX_LENGTH`).
    /// Node 20 throws a `TypeError` carrying OpenSSL's reason and no `code`; our
    /// code follows Node's naming of OpenSSL reasons.
    #[error("ssl session id context too long ({0} bytes, at most 32)")]
    SessionIdContextTooLong(usize),

    /// No secure random bytes were available (ticket keys, nonces).
    #[error("the system random number generator failed")]
    RandomFailed,
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Pki(e) => e.code(),
            Error::TicketKeysLength(_) => "ERR_INVALID_ARG_VALUE",
            Error::SetTicketKeysLength(_) => "ERR_INTERNAL_ASSERTION",
            Error::SessionTimeoutOutOfRange { .. } => "ERR_OUT_OF_RANGE",
            Error::SessionIdContextTooLong(_) => "ERR_SSL_SSL_SESSION_ID_CONTEXT_TOO_LONG",
            Error::RandomFailed => "ERR_NODETLS_RANDOM_FAILED",
        }
    }
}
