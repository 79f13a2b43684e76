//! Per-connection observation and restriction wrappers around the verifiers and
//! resolvers: what Node reports after a handshake that rustls does not keep
//! (the stapled OCSP response, which of our certificates was sent), and the
//! `sigalgs` restriction on the schemes we accept from a peer.

use std::sync::{Arc, Mutex, PoisonError};

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
    client_certificate: Mutex<Option<CertificateDer<'static>>>,
}

impl HandshakeObserver {
    /// The OCSP response the server stapled (`OCSPResponse` event), if any.
    pub fn ocsp_response(&self) -> Option<Vec<u8>> {
        self.ocsp
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The client certificate we sent (`getCertificate()`), if any.
    pub fn client_certificate(&self) -> Option<CertificateDer<'static>> {
        self.client_certificate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Wraps a client certificate resolver so the certificate sent is recorded.
    pub fn observe_client_certs(
        self: &Arc<Self>,
        inner: impl ResolvesClientCert + 'static,
    ) -> Arc<dyn ResolvesClientCert> {
        Arc::new(ObservingResolver {
            inner: Box::new(inner),
            observer: self.clone(),
        })
    }
}

#[derive(Debug)]
struct ObservingResolver {
    inner: Box<dyn ResolvesClientCert>,
    observer: Arc<HandshakeObserver>,
}

impl ResolvesClientCert for ObservingResolver {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let chosen = self.inner.resolve(root_hint_subjects, sigschemes);
        *self
            .observer
            .client_certificate
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            chosen.as_ref().and_then(|k| k.cert.first().cloned());
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
    observer: Arc<HandshakeObserver>,
}

impl ObservingVerifier {
    /// Wraps `inner`.
    pub fn new(
        inner: Arc<dyn ServerCertVerifier>,
        sigalgs: Option<Arc<[SignatureScheme]>>,
        observer: Arc<HandshakeObserver>,
    ) -> Self {
        ObservingVerifier {
            inner,
            sigalgs,
            observer,
        }
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
            *self
                .observer
                .ocsp
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(ocsp_response.to_vec());
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
