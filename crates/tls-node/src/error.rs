//! The one error type of this crate; every variant carries the code Node 20 gives.

use tls_core::verify::VerifyError;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure of a server or a socket.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Building the secure context failed.
    #[error(transparent)]
    Core(#[from] tls_core::Error),
    /// A certificate could not be described or did not match the host name
    /// (`ERR_TLS_CERT_ALTNAME_INVALID`).
    #[error(transparent)]
    Pki(#[from] tls_pki::Error),
    /// The peer's certificate did not verify (`DEPTH_ZERO_SELF_SIGNED_CERT`, ...).
    #[error("{0}")]
    Verify(VerifyError),
    /// The handshake failed: an alert received or a protocol error detected.
    #[error("{}", crate::alerts::message_of(.0))]
    Tls(rustls::Error),
    /// The peer was not authorized (a check after the handshake refused it).
    #[error("peer not authorized: {0}")]
    Unauthorized(String),
    /// The handshake did not finish within `handshakeTimeout`.
    #[error("TLS handshake timeout")]
    HandshakeTimeout,
    /// An option value Node refuses.
    #[error("{0}")]
    InvalidArgValue(String),
    /// `server.addContext()` without a name.
    #[error("\"servername\" is required parameter for Server.addContext")]
    RequiredServerName,
    /// `getTLSTicket()`: the ticket bytes are inside rustls.
    #[error("the raw TLS ticket is not exposed by rustls; use getSession()")]
    TicketUnavailable,
    /// `renegotiate()`: rustls does not renegotiate.
    #[error("renegotiation is not supported: rustls refuses renegotiation on both sides")]
    RenegotiationUnsupported,
    /// `exportKeyingMaterial()` failed.
    #[error("exportKeyingMaterial failed: {0}")]
    KeyingMaterial(String),
    /// A `resumeSession` hook failed: the connection is destroyed with its error.
    #[error("resumeSession failed: {0}")]
    SessionHook(String),
    /// The server is not listening (or already closed).
    #[error("Server is not running.")]
    ServerNotRunning,
    /// The client sent a plain HTTP request instead of a ClientHello
    /// (`ERR_SSL_HTTP_REQUEST`).
    #[error("http request")]
    HttpRequest,
    /// The client sent an HTTP proxy `CONNECT` instead of a ClientHello
    /// (`ERR_SSL_HTTPS_PROXY_REQUEST`).
    #[error("https proxy request")]
    HttpsProxyRequest,
    /// A socket operation failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Core(e) => e.code(),
            Error::Pki(e) => e.code(),
            Error::Verify(v) => v.code,
            Error::Tls(e) => crate::alerts::code_of(e),
            Error::Unauthorized(_) => "ERR_TLS_UNAUTHORIZED",
            Error::HandshakeTimeout => "ERR_TLS_HANDSHAKE_TIMEOUT",
            Error::InvalidArgValue(_) => "ERR_INVALID_ARG_VALUE",
            Error::RequiredServerName => "ERR_TLS_REQUIRED_SERVER_NAME",
            Error::TicketUnavailable => "ERR_TLS_TICKET_UNAVAILABLE",
            Error::RenegotiationUnsupported => "ERR_TLS_RENEGOTIATION_UNSUPPORTED",
            Error::KeyingMaterial(_) => "ERR_CRYPTO_OPERATION_FAILED",
            Error::ServerNotRunning => "ERR_SERVER_NOT_RUNNING",
            Error::SessionHook(_) => "ERR_TLS_SESSION_HOOK",
            Error::HttpRequest => "ERR_SSL_HTTP_REQUEST",
            Error::HttpsProxyRequest => "ERR_SSL_HTTPS_PROXY_REQUEST",
            Error::Io(e) => tls_pki::error::io_error_code(e),
        }
    }
}
