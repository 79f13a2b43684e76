//! rustls verifiers that verify peers the way Node does ([`verify_chain`])
//! and carry Node's code in the rustls error.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, Error, OtherError, PeerMisbehaved,
    SignatureScheme,
};
use rustls_pki_types::{CertificateDer, ServerName, SubjectPublicKeyInfoDer, UnixTime};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use super::chain::{verify_chain, Purpose};
use super::codes::{VerifyError, NO_PEER_CERTIFICATE};
use super::store::TrustStore;

/// The [`VerifyError`] inside a rustls error raised by this module's
/// verifiers, so `tls-node` can report Node's `err.code`. A client that sent
/// no certificate to a server requiring one (`Error::NoCertificatesPresented`)
/// maps to [`NO_PEER_CERTIFICATE`], Node's `UNABLE_TO_GET_ISSUER_CERT`.
pub fn verify_error_of(err: &Error) -> Option<&VerifyError> {
    match err {
        Error::NoCertificatesPresented => Some(&NO_PEER_CERTIFICATE),
        Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
            inner.downcast_ref::<VerifyError>()
        }
        _ => None,
    }
}

/// Wraps a [`VerifyError`] the way [`verify_error_of`] unwraps it.
pub fn rustls_error(err: VerifyError) -> Error {
    Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(err))))
}

fn ring_algorithms() -> WebPkiSupportedAlgorithms {
    rustls::crypto::ring::default_provider().signature_verification_algorithms
}

/// Checks a handshake signature with the peer certificate's key.
///
/// rustls's own helpers parse the certificate with webpki, which rejects
/// X.509 v1 certificates that OpenSSL (and so Node) accepts; this takes the
/// key out with x509-parser and verifies with the same ring algorithms.
fn verify_handshake_signature(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
    algs: &WebPkiSupportedAlgorithms,
    tls13: bool,
) -> Result<HandshakeSignatureValid, Error> {
    let Some((_, candidates)) = algs.mapping.iter().find(|(s, _)| *s == dss.scheme) else {
        return Err(PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme.into());
    };
    let (_, x509) = X509Certificate::from_der(cert.as_ref())
        .map_err(|_| Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let spki = SubjectPublicKeyInfoDer::from(x509.tbs_certificate.subject_pki.raw);
    if tls13 {
        // TLS 1.3 binds each scheme to one algorithm; rustls checks that.
        return rustls::crypto::verify_tls13_signature_with_raw_key(message, &spki, dss, algs);
    }
    let key = webpki::RawPublicKeyEntity::try_from(&spki)
        .map_err(|_| Error::InvalidCertificate(CertificateError::BadEncoding))?;
    for alg in *candidates {
        match key.verify_signature(*alg, message, dss.signature()) {
            Ok(()) => return Ok(HandshakeSignatureValid::assertion()),
            Err(webpki::Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_)) => {}
            Err(_) => return Err(Error::InvalidCertificate(CertificateError::BadSignature)),
        }
    }
    Err(Error::InvalidCertificate(CertificateError::BadSignature))
}

/// Verifies a server's certificate for a client, like Node's `tls.connect()`
/// with `ca`, `crl` and `rejectUnauthorized`.
///
/// The host name is not checked here: Node calls `checkServerIdentity`
/// after the handshake. With `rejectUnauthorized: false`
/// ([`NodeServerCertVerifier::dangerous_accept_unauthorized`]) every chain is
/// accepted and the socket later runs [`verify_chain`] to fill `authorized`
/// and `authorizationError`.
#[derive(Debug)]
pub struct NodeServerCertVerifier {
    pub(crate) store: TrustStore,
    pub(crate) reject_unauthorized: bool,
    algs: WebPkiSupportedAlgorithms,
}

impl NodeServerCertVerifier {
    /// A verifier that rejects unauthorized servers (Node's default,
    /// `rejectUnauthorized: true`).
    pub fn new(store: TrustStore) -> Self {
        NodeServerCertVerifier {
            store,
            reject_unauthorized: true,
            algs: ring_algorithms(),
        }
    }

    /// The `rejectUnauthorized` setting.
    pub fn reject_unauthorized(&self) -> bool {
        self.reject_unauthorized
    }

    /// The store chains are verified against.
    pub fn store(&self) -> &TrustStore {
        &self.store
    }
}

impl ServerCertVerifier for NodeServerCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if !self.reject_unauthorized {
            return Ok(ServerCertVerified::assertion());
        }
        verify_chain(
            end_entity,
            intermediates,
            &self.store,
            Purpose::ServerAuth,
            now,
        )
        .map(|_| ServerCertVerified::assertion())
        .map_err(rustls_error)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(message, cert, dss, &self.algs, false)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(message, cert, dss, &self.algs, true)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// Verifies client certificates for a server, like Node's
/// `tls.createServer()` with `requestCert`, `rejectUnauthorized`, `ca` and
/// `crl`.
///
/// A certificate is asked for only when `requestCert` is true, and is
/// mandatory only when `rejectUnauthorized` is true as well. The
/// CertificateRequest names the `ca` subjects, as OpenSSL's client CA list
/// that Node fills from `ca`.
#[derive(Debug)]
pub struct NodeClientCertVerifier {
    pub(crate) store: TrustStore,
    pub(crate) request_cert: bool,
    pub(crate) reject_unauthorized: bool,
    algs: WebPkiSupportedAlgorithms,
}

impl NodeClientCertVerifier {
    /// A verifier for `requestCert: request_cert` that rejects unauthorized
    /// clients (`rejectUnauthorized: true`, Node's default).
    pub fn new(store: TrustStore, request_cert: bool) -> Self {
        NodeClientCertVerifier {
            store,
            request_cert,
            reject_unauthorized: true,
            algs: ring_algorithms(),
        }
    }

    /// The `requestCert` setting.
    pub fn request_cert(&self) -> bool {
        self.request_cert
    }

    /// The `rejectUnauthorized` setting.
    pub fn reject_unauthorized(&self) -> bool {
        self.reject_unauthorized
    }

    /// The store chains are verified against.
    pub fn store(&self) -> &TrustStore {
        &self.store
    }
}

impl ClientCertVerifier for NodeClientCertVerifier {
    fn offer_client_auth(&self) -> bool {
        self.request_cert
    }

    fn client_auth_mandatory(&self) -> bool {
        self.request_cert && self.reject_unauthorized
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.store.subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        if !self.reject_unauthorized {
            return Ok(ClientCertVerified::assertion());
        }
        verify_chain(
            end_entity,
            intermediates,
            &self.store,
            Purpose::ClientAuth,
            now,
        )
        .map(|_| ClientCertVerified::assertion())
        .map_err(rustls_error)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(message, cert, dss, &self.algs, false)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_handshake_signature(message, cert, dss, &self.algs, true)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}
