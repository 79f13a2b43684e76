//! Private keys as Node's `key` option (and `passphrase`) accepts them: PKCS#1 RSA,
//! SEC1 EC and PKCS#8 keys in PEM, encrypted PKCS#8, traditional OpenSSL encrypted
//! PEM, and (beyond Node, whose `key` option takes PEM only) the same keys in DER.

pub(crate) mod decrypt;
pub(crate) mod der;

use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

use crate::error::{Error, Result};
use crate::pem;
use der::{oids, Reader};

/// A key's algorithm, as far as TLS cares: which certificate slot OpenSSL puts it
/// in, and which signature schemes it can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// RSA (`rsaEncryption`), PKCS#1 or PKCS#8.
    Rsa,
    /// RSA restricted to PSS (`id-RSASSA-PSS`).
    RsaPss,
    /// ECDSA on P-256 (`prime256v1`).
    EcP256,
    /// ECDSA on P-384 (`secp384r1`).
    EcP384,
    /// ECDSA on another curve (P-521, brainpool...): loads, but ring cannot sign.
    EcOther,
    /// Ed25519.
    Ed25519,
    /// Ed448: loads, but ring cannot sign.
    Ed448,
    /// Anything else OpenSSL can use for TLS (DSA).
    Other,
}

impl KeyKind {
    /// OpenSSL keeps one key and certificate per slot (`SSL_PKEY_RSA`,
    /// `SSL_PKEY_ECC`, ...); a key is only checked against a certificate of its slot.
    fn slot(self) -> u8 {
        match self {
            KeyKind::Rsa => 0,
            KeyKind::RsaPss => 1,
            KeyKind::EcP256 | KeyKind::EcP384 | KeyKind::EcOther => 2,
            KeyKind::Ed25519 => 3,
            KeyKind::Ed448 => 4,
            KeyKind::Other => 5,
        }
    }

    /// Whether OpenSSL would put keys of `self` and `other` in the same slot.
    pub fn same_slot(self, other: KeyKind) -> bool {
        self.slot() == other.slot()
    }
}

/// A public key in a comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// RSA modulus and exponent, without sign padding.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// An EC point (with its curve OID) or an EdDSA key, as in SubjectPublicKeyInfo.
    Raw {
        curve: Option<Vec<u8>>,
        bits: Vec<u8>,
    },
}

/// What we learnt from a private key's DER.
#[derive(Debug, Clone)]
pub(crate) struct KeyInfo {
    pub(crate) kind: KeyKind,
    /// `None` when the key does not carry it and we cannot derive it (Ed448, SEC1
    /// keys without the optional public key).
    pub(crate) public: Option<PublicKey>,
}

/// Loads the first private key of `data`, as Node's `key` option does
/// (`tls.createSecureContext({key, passphrase})`).
///
/// `data` is PEM (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `RSA PRIVATE KEY`, `EC
/// PRIVATE KEY`, with traditional `Proc-Type: 4,ENCRYPTED` encryption; other blocks
/// such as certificates or `EC PARAMETERS`, and key blocks that do not decode, are
/// skipped, as OpenSSL 3 does) or, beyond Node, one DER key. `passphrase` decrypts encrypted keys; like Node, a missing passphrase is
/// the empty one.
///
/// # Example
/// The `key` and `cert` options of `tls.createSecureContext({key, cert})`:
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let key_pair = rcgen::KeyPair::generate()?;
/// let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])?
///     .self_signed(&key_pair)?;
///
/// let key = tls_pki::load_private_key(key_pair.serialize_pem().as_bytes(), None)?;
/// let chain = tls_pki::load_certificates(cert.pem().as_bytes())?;
/// tls_pki::check_private_key(&key, &chain[0])?;
/// assert_eq!(tls_pki::key_kind(&key), tls_pki::KeyKind::EcP256);
///
/// let err = tls_pki::load_private_key(b"not a key", None).unwrap_err();
/// assert_eq!(err.code(), "ERR_OSSL_UNSUPPORTED");
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// `ERR_OSSL_UNSUPPORTED` (nothing decodable), `ERR_OSSL_BAD_DECRYPT` (wrong or
/// missing passphrase), `ERR_SSL_UNKNOWN_CERTIFICATE_TYPE` (X25519/X448/DH key),
/// and the project codes `ERR_NODETLS_UNSUPPORTED_KEY_ENCRYPTION`,
/// `ERR_NODETLS_UNSUPPORTED_KEY_FORMAT`; see docs/errors.md.
pub fn load_private_key(data: &[u8], passphrase: Option<&str>) -> Result<PrivateKeyDer<'static>> {
    let pass = passphrase.unwrap_or("");
    if !pem::has_begin_line(data) {
        return load_der_key(data, pass);
    }
    // As OpenSSL 3's decoder: the first block that decodes as a private key wins.
    // Blocks that do not decode (bad base64, other labels, contents that do not
    // fit the label) are skipped; an unterminated block ends the search; a key
    // that decodes but cannot be used (wrong passphrase, X25519) is the error.
    let mut reader = pem::Reader::new(data);
    while let Some(block) = reader.next_block() {
        let block = match block {
            Ok(block) => block,
            Err(pem::PemError::BadBase64) => continue,
            Err(pem::PemError::BadEndLine) => return Err(unsupported("unterminated PEM block")),
        };
        match key_from_block(block, pass) {
            Ok(Some(key)) => return Ok(key),
            Ok(None) | Err(Error::KeyUnsupported { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Err(unsupported("no private key block"))
}

/// The key in one PEM block; `None` for blocks that are not private keys.
fn key_from_block(block: pem::Block, pass: &str) -> Result<Option<PrivateKeyDer<'static>>> {
    match block.label.as_str() {
        "PRIVATE KEY" => {
            parse_pkcs8(&block.der)?;
            Ok(Some(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                block.der,
            ))))
        }
        "ENCRYPTED PRIVATE KEY" => {
            let der = decrypt::decrypt_pkcs8(&block.der, pass)?;
            Ok(Some(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der))))
        }
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            let rsa = block.label.starts_with("RSA");
            let valid = |der: &[u8]| {
                if rsa {
                    parse_pkcs1(der, KeyKind::Rsa).is_some()
                } else {
                    parse_sec1(der, None).is_ok()
                }
            };
            let der = if block.header("Proc-Type").is_some() {
                decrypt::decrypt_traditional(&block, pass, valid)?
            } else if valid(&block.der) {
                block.der
            } else {
                return Err(unsupported("contents do not match the PEM label"));
            };
            Ok(Some(if rsa {
                PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der))
            } else {
                PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der))
            }))
        }
        "DSA PRIVATE KEY" => Err(Error::UnsupportedKeyFormat { label: block.label }),
        _ => Ok(None),
    }
}

/// A DER key: PKCS#8, PKCS#1, SEC1 or encrypted PKCS#8, tried in that order.
fn load_der_key(data: &[u8], pass: &str) -> Result<PrivateKeyDer<'static>> {
    match parse_pkcs8(data) {
        Ok(_) => {
            return Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                data.to_vec(),
            )))
        }
        Err(e @ Error::UnknownCertificateType { .. }) => return Err(e),
        Err(_) => {}
    }
    if parse_pkcs1(data, KeyKind::Rsa).is_some() {
        return Ok(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(
            data.to_vec(),
        )));
    }
    if parse_sec1(data, None).is_ok() {
        return Ok(PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(data.to_vec())));
    }
    if decrypt::looks_encrypted_pkcs8(data) {
        let der = decrypt::decrypt_pkcs8(data, pass)?;
        return Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)));
    }
    Err(unsupported("neither PEM nor a DER private key"))
}

fn unsupported(reason: &'static str) -> Error {
    Error::KeyUnsupported { reason }
}

/// The algorithm of a loaded private key ([`KeyKind::Other`] if it does not parse).
pub fn key_kind(key: &PrivateKeyDer<'_>) -> KeyKind {
    key_info(key).map_or(KeyKind::Other, |i| i.kind)
}

/// Parses any loaded private key.
pub(crate) fn key_info(key: &PrivateKeyDer<'_>) -> Result<KeyInfo> {
    match key {
        PrivateKeyDer::Pkcs1(k) => parse_pkcs1(k.secret_pkcs1_der(), KeyKind::Rsa)
            .ok_or_else(|| unsupported("bad PKCS#1 key")),
        PrivateKeyDer::Sec1(k) => parse_sec1(k.secret_sec1_der(), None),
        PrivateKeyDer::Pkcs8(k) => parse_pkcs8(k.secret_pkcs8_der()),
        _ => Err(unsupported("unknown key encoding")),
    }
}

/// PKCS#1 `RSAPrivateKey`: version, n, e, d, p, q, dp, dq, qinv (+ multi-prime).
fn parse_pkcs1(der: &[u8], kind: KeyKind) -> Option<KeyInfo> {
    let seq = der::single(der, der::SEQUENCE)?;
    let mut r = Reader::new(seq.value);
    let mut ints = Vec::with_capacity(9);
    for _ in 0..9 {
        ints.push(r.read(der::INTEGER)?.value);
    }
    if r.peek_tag().is_some_and(|t| t != der::SEQUENCE) {
        return None;
    }
    let n = der::unsigned(ints[1]);
    let e = der::unsigned(ints[2]);
    if n.iter().all(|&b| b == 0) || e.iter().all(|&b| b == 0) {
        return None;
    }
    Some(KeyInfo {
        kind,
        public: Some(PublicKey::Rsa {
            n: n.to_vec(),
            e: e.to_vec(),
        }),
    })
}

/// SEC1 `ECPrivateKey`; the curve comes from the key's `[0]` parameters or, inside
/// PKCS#8, from the AlgorithmIdentifier.
fn parse_sec1(der: &[u8], outer_curve: Option<&[u8]>) -> Result<KeyInfo> {
    let bad = || unsupported("bad SEC1 EC key");
    let seq = der::single(der, der::SEQUENCE).ok_or_else(bad)?;
    let mut r = Reader::new(seq.value);
    let version = r.read(der::INTEGER).ok_or_else(bad)?;
    if version.value != [1] {
        return Err(bad());
    }
    let private = r.read(der::OCTET_STRING).ok_or_else(bad)?;
    if private.value.is_empty() {
        return Err(bad());
    }
    let mut curve = outer_curve.map(<[u8]>::to_vec);
    if let Some(params) = r.read(0xa0) {
        let oid = der::single(params.value, der::OID).ok_or_else(bad)?;
        curve = Some(oid.value.to_vec());
    }
    let mut public = None;
    if let Some(pk) = r.read(0xa1) {
        let bits = der::single(pk.value, der::BIT_STRING).ok_or_else(bad)?;
        match bits.value.split_first() {
            Some((0, point)) if !point.is_empty() => public = Some(point.to_vec()),
            _ => return Err(bad()),
        }
    }
    if !r.is_empty() {
        return Err(bad());
    }
    let curve = curve.ok_or_else(bad)?;
    let kind = ec_kind(&curve);
    Ok(KeyInfo {
        kind,
        public: public.map(|bits| PublicKey::Raw {
            curve: Some(curve),
            bits,
        }),
    })
}

fn ec_kind(curve: &[u8]) -> KeyKind {
    if curve == oids::P256 {
        KeyKind::EcP256
    } else if curve == oids::P384 {
        KeyKind::EcP384
    } else {
        KeyKind::EcOther
    }
}

/// DSA 1.2.840.10040.4.1: OpenSSL uses it for TLS; we load it as [`KeyKind::Other`].
const DSA: [u8; 7] = [0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];

/// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (v1 and v2).
pub(crate) fn parse_pkcs8(der: &[u8]) -> Result<KeyInfo> {
    let bad = || unsupported("bad PKCS#8 key");
    let seq = der::single(der, der::SEQUENCE).ok_or_else(bad)?;
    let mut r = Reader::new(seq.value);
    let version = r.read(der::INTEGER).ok_or_else(bad)?;
    if version.value != [0] && version.value != [1] {
        return Err(bad());
    }
    let alg = r.read(der::SEQUENCE).ok_or_else(bad)?;
    let mut ar = Reader::new(alg.value);
    let oid = ar.read(der::OID).ok_or_else(bad)?.value;
    let params = ar.rest();
    let private = r.read(der::OCTET_STRING).ok_or_else(bad)?.value;
    // [0] attributes are skipped; [1] is the v2 public key.
    let _ = r.read(0xa0);
    let embedded_public = match r.read(0x81).or_else(|| r.read(0xa1)) {
        Some(pk) => {
            // [1] IMPLICIT BIT STRING: unused-bits octet, then the key.
            match pk.value.split_first() {
                Some((0, key)) => Some(key.to_vec()),
                _ => return Err(bad()),
            }
        }
        None => None,
    };
    if !r.is_empty() {
        return Err(bad());
    }
    if oid == oids::RSA || oid == oids::RSA_PSS {
        let kind = if oid == oids::RSA {
            KeyKind::Rsa
        } else {
            KeyKind::RsaPss
        };
        return parse_pkcs1(private, kind).ok_or_else(bad);
    }
    if oid == oids::EC {
        let curve = der::single(params, der::OID).ok_or_else(bad)?;
        return parse_sec1(private, Some(curve.value));
    }
    if oid == oids::ED25519 || oid == oids::ED448 {
        let (kind, len) = if oid == oids::ED25519 {
            (KeyKind::Ed25519, 32)
        } else {
            (KeyKind::Ed448, 57)
        };
        let seed = der::single(private, der::OCTET_STRING)
            .ok_or_else(bad)?
            .value;
        if seed.len() != len || !params.is_empty() {
            return Err(bad());
        }
        let public = embedded_public.or_else(|| {
            (kind == KeyKind::Ed25519)
                .then(|| ring::signature::Ed25519KeyPair::from_seed_unchecked(seed).ok())
                .flatten()
                .map(|pair| {
                    ring::signature::KeyPair::public_key(&pair)
                        .as_ref()
                        .to_vec()
                })
        });
        return Ok(KeyInfo {
            kind,
            public: public.map(|bits| PublicKey::Raw { curve: None, bits }),
        });
    }
    let no_tls = [
        (&oids::X25519[..], "X25519"),
        (&oids::X448[..], "X448"),
        (&oids::DH_PKCS3[..], "DH"),
        (&oids::DH_X942[..], "DH"),
    ];
    if let Some((_, algorithm)) = no_tls.iter().find(|(o, _)| *o == oid) {
        return Err(Error::UnknownCertificateType { algorithm });
    }
    if oid == DSA {
        return Ok(KeyInfo {
            kind: KeyKind::Other,
            public: None,
        });
    }
    Err(unsupported("unknown key algorithm"))
}

/// The kind and public key of a SubjectPublicKeyInfo.
pub(crate) fn spki_info(spki: &[u8]) -> Option<(KeyKind, PublicKey)> {
    let seq = der::single(spki, der::SEQUENCE)?;
    let mut r = Reader::new(seq.value);
    let alg = r.read(der::SEQUENCE)?;
    let bits = r.read(der::BIT_STRING)?;
    let (&0, key) = bits.value.split_first()? else {
        return None;
    };
    let mut ar = Reader::new(alg.value);
    let oid = ar.read(der::OID)?.value;
    let params = ar.rest();
    if oid == oids::RSA || oid == oids::RSA_PSS {
        let kind = if oid == oids::RSA {
            KeyKind::Rsa
        } else {
            KeyKind::RsaPss
        };
        let pk = der::single(key, der::SEQUENCE)?;
        let mut pr = Reader::new(pk.value);
        let n = der::unsigned(pr.read(der::INTEGER)?.value).to_vec();
        let e = der::unsigned(pr.read(der::INTEGER)?.value).to_vec();
        return Some((kind, PublicKey::Rsa { n, e }));
    }
    if oid == oids::EC {
        let curve = der::single(params, der::OID)?.value.to_vec();
        return Some((
            ec_kind(&curve),
            PublicKey::Raw {
                curve: Some(curve),
                bits: key.to_vec(),
            },
        ));
    }
    let kind = if oid == oids::ED25519 {
        KeyKind::Ed25519
    } else if oid == oids::ED448 {
        KeyKind::Ed448
    } else {
        KeyKind::Other
    };
    Some((
        kind,
        PublicKey::Raw {
            curve: None,
            bits: key.to_vec(),
        },
    ))
}
