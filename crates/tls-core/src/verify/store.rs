//! The trust store: Node's `ca` (or Mozilla's roots) and `crl` options.

use std::sync::Arc;

use rustls::DistinguishedName;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, TrustAnchor};

use super::cert::Cert;
use super::crl::Crl;
use crate::{Error, Result};

/// The certificates and CRLs a peer is verified against: Node's `ca` and
/// `crl` options (`tls.createSecureContext()`), or Mozilla's roots when `ca`
/// is not given.
///
/// Cheap to clone (an `Arc` inside).
#[derive(Clone, Debug)]
pub struct TrustStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    certs: Vec<Cert>,
    crls: Vec<Crl>,
    hints: Vec<DistinguishedName>,
}

impl TrustStore {
    /// A store of the `ca` certificates and `crl` lists.
    ///
    /// Like Node, a `ca` entry that is not a certificate is ignored, and
    /// giving any CRL turns on revocation checking for every certificate of
    /// the chain (OpenSSL's `X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL`).
    ///
    /// # Errors
    ///
    /// [`Error::CrlParse`] (`ERR_CRYPTO_OPERATION_FAILED`, Node's "Failed to
    /// parse CRL") when a CRL cannot be decoded.
    pub fn new(
        ca: Vec<CertificateDer<'static>>,
        crls: Vec<CertificateRevocationListDer<'static>>,
    ) -> Result<Self> {
        let certs: Vec<Cert> = ca.into_iter().filter_map(|c| Cert::from_der(&c)).collect();
        let crls = crls
            .into_iter()
            .map(|c| Crl::from_der(&c).ok_or(Error::CrlParse))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::from_parts(certs, crls, true))
    }

    /// Mozilla's root CAs (webpki-roots), Node's default when `ca` is absent.
    pub fn mozilla() -> Self {
        Self::from_trust_anchors(webpki_roots::TLS_SERVER_ROOTS)
    }

    /// A store of bare trust anchors (subject and key only, as webpki-roots
    /// ships them). Each acts as a self-signed root with no validity period;
    /// their name constraints are not enforced.
    pub fn from_trust_anchors<'a>(anchors: impl IntoIterator<Item = &'a TrustAnchor<'a>>) -> Self {
        let certs = anchors.into_iter().filter_map(Cert::from_anchor).collect();
        // Node does not name its built-in roots in CertificateRequest.
        Self::from_parts(certs, Vec::new(), false)
    }

    /// Mozilla's roots plus `extra` certificates (the CA certificates of a `pfx`,
    /// which Node adds to the default store), with `crls` enforced when given.
    pub fn mozilla_with(
        extra: &[CertificateDer<'static>],
        crls: &[CertificateRevocationListDer<'static>],
    ) -> Result<Self> {
        if extra.is_empty() && crls.is_empty() {
            return Ok(Self::mozilla());
        }
        let mut certs: Vec<Cert> = webpki_roots::TLS_SERVER_ROOTS
            .iter()
            .filter_map(Cert::from_anchor)
            .collect();
        certs.extend(extra.iter().filter_map(Cert::from_der));
        let crls = crls
            .iter()
            .map(|c| Crl::from_der(c).ok_or(Error::CrlParse))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::from_parts(certs, crls, false))
    }

    fn from_parts(certs: Vec<Cert>, crls: Vec<Crl>, hint: bool) -> Self {
        let mut hints: Vec<DistinguishedName> = Vec::new();
        for c in certs.iter().filter(|_| hint) {
            let dn = DistinguishedName::from(c.subject_der.clone());
            if !hints.iter().any(|h| h.as_ref() == dn.as_ref()) {
                hints.push(dn);
            }
        }
        TrustStore {
            inner: Arc::new(Inner { certs, crls, hints }),
        }
    }

    /// Whether CRLs were given, so every chain certificate needs one.
    pub fn checks_revocation(&self) -> bool {
        !self.inner.crls.is_empty()
    }

    /// The subjects of the trusted certificates: the certificate authorities
    /// a server names in its CertificateRequest (what OpenSSL sends from
    /// `SSL_CTX_set_client_CA_list`, which Node fills from `ca`).
    pub fn subjects(&self) -> &[DistinguishedName] {
        &self.inner.hints
    }

    pub(crate) fn certs(&self) -> &[Cert] {
        &self.inner.certs
    }

    pub(crate) fn crls(&self) -> &[Crl] {
        &self.inner.crls
    }
}
