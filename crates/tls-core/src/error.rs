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
    /// `minVersion`/`maxVersion` is not a version name Node knows.
    #[error("{message}")]
    InvalidProtocolVersion {
        /// Node's message.
        message: String,
    },
    /// `secureProtocol` names an unknown or disabled (SSLv2/SSLv3) method.
    #[error("{message}")]
    InvalidProtocolMethod {
        /// Node's message.
        message: String,
    },
    /// `secureProtocol` given with `minVersion`/`maxVersion`.
    #[error("{message}")]
    ProtocolVersionConflict {
        /// Node's message.
        message: String,
    },
    /// The version range leaves neither TLS 1.2 nor TLS 1.3.
    #[error("{message}")]
    NoProtocolsAvailable {
        /// What was asked for.
        message: String,
    },
    /// The cipher list leaves no suite for the allowed versions.
    #[error("{message}")]
    NoCiphersAvailable {
        /// What was asked for.
        message: String,
    },
    /// A `*_server_method` used by a client, or `*_client_method` by a server.
    #[error("{message}")]
    MethodRoleMismatch {
        /// What was asked for.
        message: String,
    },
    /// `secureOptions` has bits that are neither honoured nor moot here.
    #[error("{message}")]
    UnsupportedSecureOption {
        /// Which bits.
        message: String,
    },
    /// `ecdhCurve` names an unknown group, or one ring does not implement.
    #[error("{message}")]
    EcdhCurve {
        /// Node's message, plus which group is unavailable.
        message: String,
    },
    /// A value out of Node's range (e.g. an ALPN name over 255 bytes).
    #[error("{message}")]
    OutOfRange {
        /// Node's message.
        message: String,
    },
    /// An option value Node refuses (`ERR_INVALID_ARG_VALUE`).
    #[error("{message}")]
    InvalidArgValue {
        /// Node's message.
        message: String,
    },
    /// `ALPNCallback` returned a protocol the client did not offer.
    #[error("{message}")]
    AlpnCallbackInvalidResult {
        /// Node's message.
        message: String,
    },
    /// `ALPNCallback` and `ALPNProtocols` were both given.
    #[error("The ALPNCallback and ALPNProtocols TLS options are mutually exclusive")]
    AlpnCallbackWithProtocols,
    /// `NPNProtocols` was given; NPN exists in neither Node 20 nor rustls.
    #[error("NPNProtocols is not supported: NPN was removed from Node.js (v12) and is not implemented by rustls; use ALPNProtocols")]
    NpnUnsupported,
    /// `sigalgs` names an algorithm this stack does not implement.
    #[error("{message}")]
    InvalidSigalgs {
        /// Which entry.
        message: String,
    },
    /// A `session` option this process did not issue.
    #[error("The session is not one this process issued: rustls client sessions cannot be serialised, so a session only resumes within the process that received it")]
    InvalidSession,
    /// A private key ring cannot sign with.
    #[error("{message}")]
    UnsupportedKey {
        /// Why.
        message: String,
    },
    /// `dhparam` is not DH parameters.
    #[error("{message}")]
    InvalidDhparam {
        /// What is wrong.
        message: String,
    },
    /// `dhparam` is valid but DHE suites do not exist in this stack.
    #[error("{message}")]
    DheUnsupported {
        /// Why.
        message: String,
    },

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
    /// A `crl` entry is not a CRL (Node: "Failed to parse CRL").
    #[error("Failed to parse CRL")]
    CrlParse,

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
            Error::InvalidProtocolVersion { .. } => "ERR_TLS_INVALID_PROTOCOL_VERSION",
            Error::InvalidProtocolMethod { .. } => "ERR_TLS_INVALID_PROTOCOL_METHOD",
            Error::ProtocolVersionConflict { .. } => "ERR_TLS_PROTOCOL_VERSION_CONFLICT",
            Error::NoProtocolsAvailable { .. } => "ERR_SSL_NO_PROTOCOLS_AVAILABLE",
            Error::NoCiphersAvailable { .. } => "ERR_SSL_NO_CIPHERS_AVAILABLE",
            Error::MethodRoleMismatch { .. } => "ERR_SSL_CALLED_A_FUNCTION_YOU_SHOULD_NOT_CALL",
            Error::UnsupportedSecureOption { .. } => "ERR_TLS_UNSUPPORTED_SECURE_OPTION",
            Error::EcdhCurve { .. } => "ERR_CRYPTO_OPERATION_FAILED",
            Error::OutOfRange { .. } => "ERR_OUT_OF_RANGE",
            Error::InvalidArgValue { .. } => "ERR_INVALID_ARG_VALUE",
            Error::AlpnCallbackInvalidResult { .. } => "ERR_TLS_ALPN_CALLBACK_INVALID_RESULT",
            Error::AlpnCallbackWithProtocols => "ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS",
            Error::NpnUnsupported => "ERR_TLS_NPN_UNSUPPORTED",
            Error::InvalidSigalgs { .. } => "ERR_TLS_INVALID_SIGALGS",
            Error::InvalidSession => "ERR_TLS_INVALID_SESSION",
            Error::UnsupportedKey { .. } => "ERR_OSSL_UNSUPPORTED",
            Error::InvalidDhparam { .. } => "ERR_TLS_INVALID_DHPARAM",
            Error::DheUnsupported { .. } => "ERR_TLS_DHE_UNSUPPORTED",
            Error::CipherListEmpty { .. } => "ERR_INVALID_ARG_VALUE",
            Error::NoCipherMatch { .. } => "ERR_SSL_NO_CIPHER_MATCH",
            Error::InvalidCipherCommand { .. } => "ERR_SSL_INVALID_COMMAND",
            Error::CrlParse => "ERR_CRYPTO_OPERATION_FAILED",
            Error::TicketKeysLength(_) => "ERR_INVALID_ARG_VALUE",
            Error::SetTicketKeysLength(_) => "ERR_INTERNAL_ASSERTION",
            Error::SessionTimeoutOutOfRange { .. } => "ERR_OUT_OF_RANGE",
            Error::SessionIdContextTooLong(_) => "ERR_SSL_SSL_SESSION_ID_CONTEXT_TOO_LONG",
            Error::RandomFailed => "ERR_NODETLS_RANDOM_FAILED",
        }
    }
}
