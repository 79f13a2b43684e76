//! Per-connection observation and restriction wrappers around the verifiers and
//! resolvers: what Node reports after a handshake that rustls does not keep
//! (the stapled OCSP response, which of our certificates was sent), and the
//! `sigalgs` restriction on the schemes we accept from a peer.
//!
//! rustls resumes a client session only with a config whose verifier and
//! client-certificate resolver are the very same `Arc`s that made the session.
//! So these wrappers are shared (see `context.rs`), and the connection they
//! report to is passed in a thread-local, set only while that connection's
//! handshake future is polled ([`Observed`]): rustls calls verifiers and
//! resolvers synchronously from inside that poll.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

thread_local! {
    static CURRENT: RefCell<Option<Arc<HandshakeObserver>>> = const { RefCell::new(None) };
}

fn with_current(f: impl FnOnce(&HandshakeObserver)) {
    CURRENT.with(|c| {
        if let Some(o) = c.borrow().as_ref() {
            f(o);
        }
    });
}

/// A future during whose polls `observer` receives what the handshake shows.
pub struct Observed<F> {
    inner: Pin<Box<F>>,
    observer: Arc<HandshakeObserver>,
}

impl<F> Observed<F> {
    /// Wraps a handshake future.
    pub fn new(inner: F, observer: Arc<HandshakeObserver>) -> Self {
        Observed {
            inner: Box::pin(inner),
            observer,
        }
    }
}

impl<F: Future> Future for Observed<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let previous = CURRENT.with(|c| c.replace(Some(self.observer.clone())));
        let out = self.inner.as_mut().poll(cx);
        CURRENT.with(|c| *c.borrow_mut() = previous);
        out
    }
}

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::ResolvesClientCert;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

/// What one client handshake showed.
#[derive(Debug, Default)]
pub struct HandshakeObserver {
    ocsp: Mutex<Option<Vec<u8>>>,
    client_certificate: Mutex<Option<Arc<CertifiedKey>>>,
}

impl HandshakeObserver {
    /// The OCSP response the server stapled (`OCSPResponse` event), if any.
    pub fn ocsp_response(&self) -> Option<Vec<u8>> {
        self.ocsp
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The client certificate we sent (`getCertificate()`), if any: the key
    /// rustls chose, whose `cert[0]` went out.
    pub fn client_certificate(&self) -> Option<Arc<CertifiedKey>> {
        self.client_certificate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A client-certificate resolver that records the certificate sent.
#[derive(Debug)]
pub struct ObservingResolver {
    inner: Box<dyn ResolvesClientCert>,
}

impl ObservingResolver {
    /// Wraps `inner`.
    pub fn new(inner: impl ResolvesClientCert + 'static) -> Self {
        ObservingResolver {
            inner: Box::new(inner),
        }
    }
}

impl ResolvesClientCert for ObservingResolver {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let chosen = self.inner.resolve(root_hint_subjects, sigschemes);
        with_current(|o| {
            o.client_certificate
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone_from(&chosen);
        });
        chosen
    }

    fn has_certs(&self) -> bool {
        self.inner.has_certs()
    }
}

fn restrict(
    all: Vec<SignatureScheme>,
    allowed: Option<&Arc<[SignatureScheme]>>,
) -> Vec<SignatureScheme> {
    match allowed {
        Some(allowed) => all.into_iter().filter(|s| allowed.contains(s)).collect(),
        None => all,
    }
}

fn check_scheme(
    scheme: SignatureScheme,
    allowed: Option<&Arc<[SignatureScheme]>>,
) -> Result<(), rustls::Error> {
    match allowed {
        Some(a) if !a.contains(&scheme) => Err(rustls::Error::PeerMisbehaved(
            rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme,
        )),
        _ => Ok(()),
    }
}

/// A server-certificate verifier that records the stapled OCSP response and
/// applies `sigalgs`.
#[derive(Debug)]
pub struct ObservingVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    sigalgs: Option<Arc<[SignatureScheme]>>,
}

impl ObservingVerifier {
    /// Wraps `inner`.
    pub fn new(
        inner: Arc<dyn ServerCertVerifier>,
        sigalgs: Option<Arc<[SignatureScheme]>>,
    ) -> Self {
        ObservingVerifier { inner, sigalgs }
    }
}

impl ServerCertVerifier for ObservingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !ocsp_response.is_empty() {
            with_current(|o| {
                *o.ocsp.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(ocsp_response.to_vec());
            });
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        check_scheme(dss.scheme, self.sigalgs.as_ref())?;
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        check_scheme(dss.scheme, self.sigalgs.as_ref())?;
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        restrict(self.inner.supported_verify_schemes(), self.sigalgs.as_ref())
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}

/// A client-certificate verifier restricted to `sigalgs`.
#[derive(Debug)]
pub struct SigalgsClientVerifier {
    inner: Arc<dyn ClientCertVerifier>,
    sigalgs: Arc<[SignatureScheme]>,
}

impl SigalgsClientVerifier {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn ClientCertVerifier>, sigalgs: Arc<[SignatureScheme]>) -> Self {
        SigalgsClientVerifier { inner, sigalgs }
    }
}

impl ClientCertVerifier for SigalgsClientVerifier {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.inner
            .verify_client_cert(end_entity, intermediates, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        check_scheme(dss.scheme, Some(&self.sigalgs))?;
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        check_scheme(dss.scheme, Some(&self.sigalgs))?;
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        restrict(self.inner.supported_verify_schemes(), Some(&self.sigalgs))
    }
}
