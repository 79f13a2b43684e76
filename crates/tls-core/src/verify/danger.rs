//! `rejectUnauthorized: false`: accepting peers whose chain does not verify.
//!
//! Kept apart, like rustls's `danger` modules, because it turns off the
//! protection certificates exist for. Node allows it and then reports the
//! failure in `socket.authorized` / `socket.authorizationError`, which
//! `tls-node` fills by running [`super::verify_chain`] after the handshake.

use super::rustls_adapters::{NodeClientCertVerifier, NodeServerCertVerifier};

impl NodeServerCertVerifier {
    /// Node's `rejectUnauthorized` for clients: `false` accepts any server
    /// chain (the handshake signature is still checked).
    #[must_use]
    pub fn dangerous_accept_unauthorized(mut self, accept: bool) -> Self {
        self.reject_unauthorized = !accept;
        self
    }
}

impl NodeClientCertVerifier {
    /// Node's `rejectUnauthorized` for servers with `requestCert`: `false`
    /// accepts any client chain, and makes the certificate optional.
    #[must_use]
    pub fn dangerous_accept_unauthorized(mut self, accept: bool) -> Self {
        self.reject_unauthorized = !accept;
        self
    }
}
