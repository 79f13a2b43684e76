//! Key generation and the conversions rcgen/ring and PKCS#12 need (everything as
//! PKCS#8).

use std::fmt;
use std::str::FromStr;

use pkcs8::der::asn1::{ContextSpecific, ObjectIdentifier, OctetStringRef};
use pkcs8::der::{Decode, Encode, Reader, SliceReader, TagNumber};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::{Error, Result};

/// The kind of key `nodetls cert --key-type` makes.
///
/// EC and Ed25519 keys come from ring; RSA keys from the pure-Rust `rsa` crate,
/// because ring cannot generate RSA keys. RUSTSEC-2023-0071 (the "Marvin" timing
/// attack) concerns RSA *decryption* with that crate; we only generate keys with it
/// and sign with ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyType {
    /// ECDSA on P-256 (prime256v1), signing with SHA-256. The default: fast and
    /// accepted everywhere Node runs.
    #[default]
    EcP256,
    /// ECDSA on P-384 (secp384r1), signing with SHA-384.
    EcP384,
    /// Ed25519 (RFC 8410). Node/OpenSSL use it with TLS 1.3 only.
    Ed25519,
    /// RSA, 2048-bit modulus, signing with PKCS#1 v1.5 SHA-256 (what `openssl genrsa
    /// 2048` in Node's docs makes).
    Rsa2048,
    /// RSA, 3072-bit modulus.
    Rsa3072,
    /// RSA, 4096-bit modulus (slow to generate: seconds).
    Rsa4096,
}

impl KeyType {
    /// Every key type, in the order of the `--key-type` help.
    pub const ALL: [KeyType; 6] = [
        KeyType::EcP256,
        KeyType::EcP384,
        KeyType::Ed25519,
        KeyType::Rsa2048,
        KeyType::Rsa3072,
        KeyType::Rsa4096,
    ];

    /// The `--key-type` spelling: `ec-p256`, `ec-p384`, `ed25519`, `rsa2048`, ...
    pub fn name(self) -> &'static str {
        match self {
            KeyType::EcP256 => "ec-p256",
            KeyType::EcP384 => "ec-p384",
            KeyType::Ed25519 => "ed25519",
            KeyType::Rsa2048 => "rsa2048",
            KeyType::Rsa3072 => "rsa3072",
            KeyType::Rsa4096 => "rsa4096",
        }
    }

    fn rsa_bits(self) -> Option<usize> {
        match self {
            KeyType::Rsa2048 => Some(2048),
            KeyType::Rsa3072 => Some(3072),
            KeyType::Rsa4096 => Some(4096),
            _ => None,
        }
    }

    /// Whether this is an RSA key type.
    pub fn is_rsa(self) -> bool {
        self.rsa_bits().is_some()
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KeyType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        KeyType::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::InvalidGenerateOption {
                option: "--key-type",
                reason: format!(
                    "{s:?} is not one of ec-p256, ec-p384, ed25519, rsa2048, rsa3072, rsa4096"
                ),
            })
    }
}

/// A fresh key: the signing key pair rcgen uses and its PKCS#8 DER.
pub(crate) fn generate_key(key_type: KeyType) -> Result<rcgen::KeyPair> {
    if let Some(bits) = key_type.rsa_bits() {
        use rsa::pkcs8::EncodePrivateKey;
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits)
            .map_err(|e| Error::GenerateFailed(format!("RSA key generation: {e}")))?;
        let der = key
            .to_pkcs8_der()
            .map_err(|e| Error::GenerateFailed(format!("RSA key encoding: {e}")))?;
        return rcgen::KeyPair::try_from(der.as_bytes())
            .map_err(|e| Error::GenerateFailed(format!("RSA key import: {e}")));
    }
    let alg = match key_type {
        KeyType::EcP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyType::Ed25519 => &rcgen::PKCS_ED25519,
        _ => &rcgen::PKCS_ECDSA_P256_SHA256,
    };
    let key = rcgen::KeyPair::generate_for(alg)
        .map_err(|e| Error::GenerateFailed(format!("{key_type} key generation: {e}")))?;
    if key_type != KeyType::Ed25519 {
        return Ok(key);
    }
    // ring writes Ed25519 keys as PKCS#8 v2 (RFC 5958, with the public key), which
    // OpenSSL 3.0, and so Node 20, cannot read ("unsupported"). Drop the public key
    // to get the v1 form `openssl genpkey -algorithm ed25519` writes; ring reads both.
    let v2 = pkcs8::PrivateKeyInfo::from_der(key.serialized_der())
        .map_err(|e| Error::GenerateFailed(format!("Ed25519 key encoding: {e}")))?;
    let v1 = pkcs8::PrivateKeyInfo {
        public_key: None,
        ..v2
    }
    .to_der()
    .map_err(|e| Error::GenerateFailed(format!("Ed25519 key encoding: {e}")))?;
    rcgen::KeyPair::try_from(v1.as_slice())
        .map_err(|e| Error::GenerateFailed(format!("Ed25519 key import: {e}")))
}

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// Any key Node's `key` option takes unencrypted (PKCS#8, PKCS#1 "RSA PRIVATE KEY",
/// SEC1 "EC PRIVATE KEY") as PKCS#8 DER, the one form ring and PKCS#12 take.
pub(crate) fn to_pkcs8(key: &PrivateKeyDer<'_>) -> Result<Vec<u8>> {
    let bad = |what: &str| Error::UnsupportedGenerateKey(what.to_owned());
    let (oid, params, inner) = match key {
        PrivateKeyDer::Pkcs8(k) => return Ok(k.secret_pkcs8_der().to_vec()),
        PrivateKeyDer::Pkcs1(k) => (RSA_ENCRYPTION, None, k.secret_pkcs1_der()),
        PrivateKeyDer::Sec1(k) => {
            // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
            //   parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
            // PKCS#8 moves the curve into the AlgorithmIdentifier, so it must be there.
            let der = k.secret_sec1_der();
            let mut reader =
                SliceReader::new(der).map_err(|_| bad("SEC1 key longer than 256 MiB"))?;
            let curve = reader
                .sequence(|r| {
                    let _version = u8::decode(r)?;
                    let _private = OctetStringRef::decode(r)?;
                    let curve =
                        ContextSpecific::<ObjectIdentifier>::decode_explicit(r, TagNumber::N0)?;
                    // The optional public key and anything after it are ring's to check.
                    r.read_slice(r.remaining_len())?;
                    Ok(curve.map(|c| c.value))
                })
                .map_err(|e| bad(&format!("SEC1 EC key: {e}")))?;
            let curve = curve.ok_or_else(|| bad("SEC1 EC key without its curve"))?;
            (EC_PUBLIC_KEY, Some(curve), der)
        }
        _ => return Err(bad("unknown private key encoding")),
    };
    // rsaEncryption takes NULL parameters; id-ecPublicKey the named curve.
    let params_any = match params {
        Some(curve) => curve.to_der(),
        None => pkcs8::der::asn1::Null.to_der(),
    }
    .map_err(|e| bad(&e.to_string()))?;
    let params_ref =
        pkcs8::der::asn1::AnyRef::from_der(&params_any).map_err(|e| bad(&e.to_string()))?;
    let info = pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid,
            parameters: Some(params_ref),
        },
        private_key: inner,
        public_key: None,
    };
    info.to_der().map_err(|e| bad(&e.to_string()))
}

/// An rcgen signing key from any unencrypted key Node takes.
pub(crate) fn signing_key(key: &PrivateKeyDer<'_>) -> Result<rcgen::KeyPair> {
    let der = to_pkcs8(key)?;
    let pkcs8 = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der));
    rcgen::KeyPair::try_from(&pkcs8).map_err(|e| {
        Error::UnsupportedGenerateKey(format!(
            "{e} (generation signs with RSA, ECDSA P-256/P-384 or Ed25519 keys)"
        ))
    })
}

/// Parses a certificate for generation.
pub(crate) fn parse_cert<'a>(
    cert: &'a CertificateDer<'_>,
) -> Result<x509_parser::certificate::X509Certificate<'a>> {
    let (rest, x509) = x509_parser::parse_x509_certificate(cert)
        .map_err(|e| Error::GenerateBadCertificate(e.to_string()))?;
    if !rest.is_empty() {
        return Err(Error::GenerateBadCertificate(
            "trailing data after the certificate".to_owned(),
        ));
    }
    Ok(x509)
}

/// Fails with Node's mismatch code unless `key` is the key of `cert`.
pub(crate) fn check_key_matches(
    key: &rcgen::KeyPair,
    cert: &x509_parser::certificate::X509Certificate<'_>,
    what: &str,
) -> Result<()> {
    use rcgen::PublicKeyData as _;
    if key.subject_public_key_info() == cert.public_key().raw {
        Ok(())
    } else {
        Err(Error::GenerateKeyMismatch(format!(
            "{what}: the private key does not match the certificate's public key"
        )))
    }
}
