//! PKCS#12 files as Node's `pfx` option (with `passphrase`) opens them, through
//! p12-keystore.

use p12_keystore::error::Error as P12Error;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::{Error, Result};
use crate::key::{self, der, KeyInfo};

/// What a PKCS#12 file holds, as Node uses it: the private key, the certificate
/// that matches it, and every other certificate (`ca`), which Node both sends as
/// the chain and adds to the trust store.
#[derive(Debug)]
pub struct Pfx {
    /// The (first) private key, as PKCS#8.
    pub key: PrivateKeyDer<'static>,
    /// The certificate whose public key is the key's.
    pub cert: CertificateDer<'static>,
    /// The other certificates, in file order.
    pub ca: Vec<CertificateDer<'static>>,
}

/// Opens a PKCS#12 file as Node's `pfx` option does (`tls.createSecureContext({pfx,
/// passphrase})`, OpenSSL's `PKCS12_parse`).
///
/// A missing passphrase is the empty one. With an empty passphrase a file without a
/// MAC opens; with a non-empty one such a file is refused, as OpenSSL does. The
/// leaf is the first certificate matching the key; the others go to `ca`. Beyond
/// Node 20, which refuses them (`ERR_CRYPTO_UNSUPPORTED_OPERATION`), legacy files
/// (RC2-40 / 3DES bags, SHA-1 MAC) are read.
///
/// # Errors
/// `ERR_CRYPTO_OPERATION_FAILED` (no private key, or no certificate matching it);
/// project codes where Node has none: `ERR_PKCS12_MAC_VERIFY_FAILURE` (wrong or
/// missing passphrase), `ERR_PKCS12_MAC_ABSENT`, `ERR_PKCS12_PARSE_FAILURE` (not a
/// PKCS#12 file), `ERR_PKCS12_DECRYPT_FAILURE`; key errors of
/// [`crate::load_private_key`] for a key that does not parse.
pub fn load_pfx(data: &[u8], passphrase: Option<&str>) -> Result<Pfx> {
    let pass = passphrase.unwrap_or("");
    let has_mac = mac_present(data)?;
    if pass.chars().any(|c| u32::from(c) > 0xffff) {
        // p12-keystore encodes passphrases as BMPString, which cannot hold these;
        // OpenSSL writes them as UTF-16 surrogate pairs.
        return Err(Error::Pkcs12Decrypt {
            reason: "passphrase characters outside the Basic Multilingual Plane are not supported"
                .to_owned(),
        });
    }
    if !has_mac && !pass.is_empty() {
        return Err(Error::Pkcs12MacAbsent);
    }
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(data, pass).map_err(map_error)?;
    let key_bag = archive.keys.first().ok_or(Error::PfxMissing {
        what: "private key",
    })?;
    let key_der = key_bag.key.as_der().to_vec();
    let info = key::parse_pkcs8(&key_der).map_err(|e| match e {
        Error::UnknownCertificateType { .. } => e,
        _ => Error::KeyUnsupported {
            reason: "PFX private key does not parse",
        },
    })?;
    let mut cert = None;
    let mut ca = Vec::new();
    for bag in &archive.certs {
        let der = CertificateDer::from(bag.cert.as_der().to_vec());
        if cert.is_none() && matches_key(&info, &der) {
            cert = Some(der);
        } else {
            ca.push(der);
        }
    }
    let cert = cert.ok_or(Error::PfxMissing {
        what: "certificate",
    })?;
    Ok(Pfx {
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der)),
        cert,
        ca,
    })
}

/// OpenSSL's `X509_check_private_key`: same key type and same public key.
fn matches_key(info: &KeyInfo, cert: &CertificateDer<'_>) -> bool {
    let Ok((_, parsed)) = x509_parser::parse_x509_certificate(cert.as_ref()) else {
        return false;
    };
    let Some((kind, public)) = key::spki_info(parsed.tbs_certificate.subject_pki.raw) else {
        return false;
    };
    if kind != info.kind {
        return false;
    }
    info.public
        .as_ref()
        .is_none_or(|ours| crate::matching::same_public_key(ours, &public))
}

/// Reads `PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData
/// MacData OPTIONAL }` far enough to tell whether a MAC is present.
fn mac_present(data: &[u8]) -> Result<bool> {
    let parse = |reason: &str| Error::Pkcs12Parse {
        reason: reason.to_owned(),
    };
    let (pfx, _) = der::split_tlv(data).map_err(|_| parse("not enough data"))?;
    if pfx.tag != der::SEQUENCE {
        return Err(parse("wrong tag"));
    }
    let mut r = der::Reader::new(pfx.value);
    let version = r.read(der::INTEGER).ok_or_else(|| parse("wrong tag"))?;
    if version.value != [3] {
        return Err(parse("unsupported PKCS#12 version"));
    }
    r.read(der::SEQUENCE).ok_or_else(|| parse("wrong tag"))?;
    Ok(!r.is_empty())
}

fn map_error(e: P12Error) -> Error {
    match e {
        P12Error::MacError(_) => Error::Pkcs12MacVerifyFailure,
        P12Error::UnpadError
        | P12Error::UnsupportedEncryptionScheme
        | P12Error::UnsupportedMacAlgorithm
        | P12Error::Pkcs5Error(_)
        | P12Error::InvalidLength => Error::Pkcs12Decrypt {
            reason: e.to_string(),
        },
        other => Error::Pkcs12Parse {
            reason: other.to_string(),
        },
    }
}
