//! Node's key/certificate consistency check (`SSL_CTX_use_PrivateKey` after
//! `SSL_CTX_use_certificate` in `tls.createSecureContext({key, cert})`).

use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, Result};
use crate::key::{self, KeyKind, PublicKey};

/// Checks that `key` belongs to `cert`, as `tls.createSecureContext({key, cert})`
/// does.
///
/// Like OpenSSL, which keeps one key and certificate per key type, a key of
/// another type than the certificate (an Ed25519 key with an EC certificate, an
/// RSA-PSS key with an RSA certificate) is not a mismatch: Node starts with such a
/// pair. Keys of the same type must have the same public key (and, for EC, the
/// same curve). Keys that carry no public key and whose public key ring cannot
/// derive — Ed448, and EC keys written with `openssl ec -no_public` — are not
/// compared and pass (Node would compare them).
///
/// # Errors
/// `ERR_OSSL_X509_KEY_VALUES_MISMATCH` for a key of the certificate's type that
/// is not its key; `ERR_OSSL_UNSUPPORTED` if `key` does not parse;
/// `ERR_OSSL_ASN1_WRONG_TAG` if `cert` does not.
pub fn check_private_key(key: &PrivateKeyDer<'_>, cert: &CertificateDer<'_>) -> Result<()> {
    let info = key::key_info(key)?;
    let (cert_kind, cert_public) = certificate_public_key(cert)?;
    if !info.kind.same_slot(cert_kind) {
        return Ok(());
    }
    match info.public {
        Some(public) if !same_public_key(&public, &cert_public) => Err(Error::KeyValuesMismatch),
        _ => Ok(()),
    }
}

/// The algorithm of a certificate's public key (SubjectPublicKeyInfo);
/// [`KeyKind::Other`] for unknown algorithms or a certificate that does not parse.
pub fn certificate_key_kind(cert: &CertificateDer<'_>) -> KeyKind {
    certificate_public_key(cert).map_or(KeyKind::Other, |(kind, _)| kind)
}

fn certificate_public_key(cert: &CertificateDer<'_>) -> Result<(KeyKind, PublicKey)> {
    let bad = || Error::BadCertificate(crate::error::Asn1Reason::WrongTag);
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).map_err(|_| bad())?;
    key::spki_info(parsed.tbs_certificate.subject_pki.raw).ok_or_else(bad)
}

pub(crate) fn same_public_key(a: &PublicKey, b: &PublicKey) -> bool {
    match (a, b) {
        (
            PublicKey::Raw {
                curve: ca,
                bits: ba,
            },
            PublicKey::Raw {
                curve: cb,
                bits: bb,
            },
        ) => ca == cb && same_point(ba, bb),
        _ => a == b,
    }
}

/// EC points may be written compressed in one place and uncompressed in the other:
/// compare x and the parity of y when that is the case.
fn same_point(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let compress = |p: &[u8]| -> Option<Vec<u8>> {
        match p.split_first()? {
            (2 | 3, _) => Some(p.to_vec()),
            (4, xy) if xy.len() % 2 == 0 => {
                let (x, y) = xy.split_at(xy.len() / 2);
                let mut out = vec![2 + (y.last()? & 1)];
                out.extend_from_slice(x);
                Some(out)
            }
            _ => None,
        }
    };
    matches!((compress(a), compress(b)), (Some(x), Some(y)) if x == y)
}
