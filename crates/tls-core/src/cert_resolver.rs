//! Choosing which of a context's key/certificate pairs to present.
//!
//! Node (OpenSSL) keeps one certificate per key type (RSA, RSA-PSS, EC, Ed25519)
//! and picks the one the peer's signature algorithms allow. This resolver does the
//! same for servers (from the ClientHello) and clients (from the
//! CertificateRequest), restricted by `sigalgs` when given.

use std::sync::Arc;

use rustls::client::ResolvesClientCert;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::{CertifiedKey, Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};

/// The key/certificate pairs of a context, in the order Node loaded them.
#[derive(Debug, Clone)]
pub struct NodeCertResolver {
    keys: Vec<Arc<CertifiedKey>>,
}

impl NodeCertResolver {
    /// A resolver over `keys` (empty: every handshake that needs a certificate fails,
    /// as a Node server with no `cert` does).
    pub fn new(keys: Vec<Arc<CertifiedKey>>) -> Self {
        NodeCertResolver { keys }
    }

    pub(crate) fn pick(&self, offered: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        self.keys
            .iter()
            .find(|k| k.key.choose_scheme(offered).is_some())
            .cloned()
    }
}

impl ResolvesServerCert for NodeCertResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        // rustls resolves the certificate before it picks a suite, with the
        // signature schemes already narrowed to the suites in common. Without a
        // match, fall back to the first key so rustls goes on to fail the way
        // OpenSSL does (no shared cipher / no signature algorithm:
        // handshake_failure) rather than with access_denied.
        self.pick(client_hello.signature_schemes())
            .or_else(|| self.keys.first().cloned())
    }
}

impl ResolvesClientCert for NodeCertResolver {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.pick(sigschemes)
    }

    fn has_certs(&self) -> bool {
        !self.keys.is_empty()
    }
}

/// A signing key that may only use the schemes of Node's `sigalgs` option.
#[derive(Debug)]
pub struct RestrictedKey {
    inner: Arc<dyn SigningKey>,
    allowed: Arc<[SignatureScheme]>,
}

impl RestrictedKey {
    /// Restricts `inner` to `allowed`.
    pub fn new(inner: Arc<dyn SigningKey>, allowed: Arc<[SignatureScheme]>) -> Self {
        RestrictedKey { inner, allowed }
    }
}

impl SigningKey for RestrictedKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        let offered: Vec<SignatureScheme> = offered
            .iter()
            .copied()
            .filter(|s| self.allowed.contains(s))
            .collect();
        self.inner.choose_scheme(&offered)
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        self.inner.algorithm()
    }
}
