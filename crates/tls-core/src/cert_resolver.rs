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
use rustls::{SignatureAlgorithm, SignatureScheme, SupportedCipherSuite};

/// The key/certificate pairs of a context, in the order Node loaded them.
#[derive(Debug, Clone)]
pub struct NodeCertResolver {
    keys: Vec<Arc<CertifiedKey>>,
    server: Option<Arc<ServerPreference>>,
}

/// How an OpenSSL server chooses among keys of several types that the client can
/// all accept.
#[derive(Debug)]
pub struct ServerPreference {
    /// The server's suites in its preference order.
    pub suites: Vec<SupportedCipherSuite>,
    /// Whether TLS 1.3 may be negotiated.
    pub tls13: bool,
    /// Whether the server's order wins (`honorCipherOrder`).
    pub honor_order: bool,
}

impl NodeCertResolver {
    /// A resolver over `keys` (empty: every handshake that needs a certificate fails,
    /// as a Node server with no `cert` does).
    pub fn new(keys: Vec<Arc<CertifiedKey>>) -> Self {
        NodeCertResolver { keys, server: None }
    }

    /// A server resolver that chooses among several usable keys as OpenSSL does.
    pub fn for_server(keys: Vec<Arc<CertifiedKey>>, preference: Arc<ServerPreference>) -> Self {
        NodeCertResolver {
            keys,
            server: Some(preference),
        }
    }

    /// The first key, in loading order, that can sign with one of `offered`.
    pub(crate) fn pick(&self, offered: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        self.keys
            .iter()
            .find(|k| k.key.choose_scheme(offered).is_some())
            .cloned()
    }

    /// The key a server presents to a client offering `offered` schemes and
    /// `client_suites`. With several usable keys, OpenSSL's rules: in TLS 1.3 its
    /// signature algorithm order (ECDSA, then Ed25519, then RSA); in TLS 1.2 the
    /// key of the first suite, in the server's order (or the client's without
    /// `honorCipherOrder`), that the client offers.
    pub fn choose(
        &self,
        offered: &[SignatureScheme],
        client_suites: &[rustls::CipherSuite],
    ) -> Option<Arc<CertifiedKey>> {
        // One key (the common case): usable or not, nothing to rank.
        if let [only] = self.keys.as_slice() {
            return only.key.choose_scheme(offered).map(|_| only.clone());
        }
        let usable: Vec<&Arc<CertifiedKey>> = self
            .keys
            .iter()
            .filter(|k| k.key.choose_scheme(offered).is_some())
            .collect();
        let (Some(pref), true) = (&self.server, usable.len() > 1) else {
            return usable.first().map(|k| (*k).clone());
        };
        let offered_suite = |s: &SupportedCipherSuite| client_suites.contains(&s.suite());
        let tls13 = pref.tls13
            && pref
                .suites
                .iter()
                .any(|s| matches!(s, SupportedCipherSuite::Tls13(_)) && offered_suite(s));
        if tls13 {
            let rank = |k: &&Arc<CertifiedKey>| match k.key.algorithm() {
                SignatureAlgorithm::ECDSA => 0,
                SignatureAlgorithm::ED25519 => 1,
                _ => 2,
            };
            return usable.into_iter().min_by_key(rank).cloned();
        }
        let tls12: Vec<&SupportedCipherSuite> = pref
            .suites
            .iter()
            .filter(|s| matches!(s, SupportedCipherSuite::Tls12(_)))
            .collect();
        let ordered: Vec<&SupportedCipherSuite> = if pref.honor_order {
            tls12.into_iter().filter(|s| offered_suite(s)).collect()
        } else {
            client_suites
                .iter()
                .filter_map(|c| tls12.iter().find(|s| s.suite() == *c).copied())
                .collect()
        };
        ordered
            .iter()
            .find_map(|s| {
                usable
                    .iter()
                    .find(|k| s.usable_for_signature_algorithm(k.key.algorithm()))
            })
            .or(usable.first())
            .map(|k| (*k).clone())
    }
}

impl ResolvesServerCert for NodeCertResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        // rustls resolves the certificate before it picks a suite, with the
        // signature schemes already narrowed to the suites in common. Without a
        // match, fall back to the first key so rustls goes on to fail the way
        // OpenSSL does (no shared cipher / no signature algorithm:
        // handshake_failure) rather than with access_denied.
        self.choose(
            client_hello.signature_schemes(),
            client_hello.cipher_suites(),
        )
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
