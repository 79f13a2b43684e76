//! [`LegacyCertificate`]: Node 20's `X509Certificate#toLegacyObject()` /
//! `tlsSocket.getPeerCertificate()` object (`X509ToObject` in Node's
//! `src/crypto/crypto_common.cc`, then `translatePeerCertificate` in
//! `lib/_tls_common.js`).

use base64::Engine as _;
use serde_json::{Map, Value};

use super::der::{
    self, DerError, DerResult, Reader, Tlv, TAG_BIT_STRING, TAG_BOOLEAN, TAG_INTEGER,
    TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE,
};
use super::general_name;
use super::name::{self, DistinguishedName, NameEntry};
use super::oids;
use super::time;
use super::CertificateInputError;
use crate::error::Result;

/// A key that Node may set to a value, set to `null`, or leave undefined (absent
/// from the object and from `JSON.stringify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyField<T> {
    /// Undefined: the certificate has no such extension.
    Absent,
    /// `null`: the extension is present but OpenSSL cannot decode or print it.
    Null,
    /// The value.
    Value(T),
}

impl<T> LegacyField<T> {
    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            LegacyField::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// The public-key fields of the legacy object. Node describes RSA
/// (`rsaEncryption`) and EC keys only; any other key (Ed25519, Ed448, RSA-PSS,
/// DSA...) adds no key at all to the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyPublicKey {
    /// `modulus`, `bits`, `exponent`, `pubkey`.
    Rsa {
        /// Upper-case hex without leading zeros (`BN_print`).
        modulus: String,
        /// Bit length of the modulus.
        bits: u64,
        /// `"0x"` + lower-case hex (`"0x10001"`).
        exponent: String,
        /// DER SubjectPublicKeyInfo (`i2d_RSA_PUBKEY`).
        pubkey: Vec<u8>,
    },
    /// `bits`, `pubkey`, `asn1Curve`, `nistCurve`.
    Ec {
        /// Bit length of the group order (`EC_GROUP_order_bits`).
        bits: Option<u32>,
        /// The encoded point, as in the certificate.
        pubkey: Vec<u8>,
        /// OpenSSL's short name of the curve (`prime256v1`, `secp384r1`).
        asn1_curve: Option<String>,
        /// NIST name (`P-256`), when the curve has one.
        nist_curve: Option<String>,
    },
    /// No key fields.
    None,
}

/// Node 20's legacy certificate object, field for field.
///
/// Built by [`LegacyCertificate::from_der`]; [`LegacyCertificate::to_json`] gives
/// exactly `JSON.stringify(new X509Certificate(der).toLegacyObject())` with the
/// Buffers `raw` and `pubkey` as base64 strings (shared/spec/cli.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyCertificate {
    /// `subject`; `None` when a value cannot be converted to UTF-8 (Node: undefined).
    pub subject: Option<DistinguishedName>,
    /// `issuer`; as `subject`.
    pub issuer: Option<DistinguishedName>,
    /// `subjectaltname`: `"DNS:a.com, IP Address:1.2.3.4, ..."` with Node's quoting.
    pub subjectaltname: LegacyField<String>,
    /// `infoAccess`: `{"OCSP - URI": [...], "CA Issuers - URI": [...]}` in order.
    pub info_access: LegacyField<Vec<(String, Vec<String>)>>,
    /// `ca`: OpenSSL's `X509_check_ca(cert) == 1`.
    pub ca: bool,
    /// `modulus`/`bits`/`exponent`/`pubkey` or `bits`/`pubkey`/`asn1Curve`/`nistCurve`.
    pub public_key: LegacyPublicKey,
    /// `valid_from`: `"Nov 23 14:49:20 2026 GMT"`.
    pub valid_from: String,
    /// `valid_to`.
    pub valid_to: String,
    /// `fingerprint`: SHA-1 of the DER, upper-case hex with colons.
    pub fingerprint: String,
    /// `fingerprint256`: SHA-256.
    pub fingerprint256: String,
    /// `fingerprint512`: SHA-512.
    pub fingerprint512: String,
    /// `ext_key_usage`: dotted OIDs; `None` without (or with a duplicated or
    /// undecodable) extendedKeyUsage extension.
    pub ext_key_usage: Option<Vec<String>>,
    /// `serialNumber`: upper-case hex, two digits per byte, leading zero bytes
    /// dropped, `"0"` for zero, `-` for a negative serial (`BN_bn2hex`).
    pub serial_number: String,
    /// `raw`: the certificate's DER.
    pub raw: Vec<u8>,
    pub(crate) link: LinkInfo,
}

/// What `X509_check_issued` needs to link a certificate to its issuer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct LinkInfo {
    pub(crate) subject_canon: Vec<Vec<(String, Vec<u8>)>>,
    pub(crate) issuer_canon: Vec<Vec<(String, Vec<u8>)>>,
    pub(crate) serial: Vec<u8>,
    pub(crate) skid: Option<Vec<u8>>,
    pub(crate) akid_key_id: Option<Vec<u8>>,
    pub(crate) akid_serial: Option<Vec<u8>>,
    pub(crate) key_usage: Option<u16>,
    pub(crate) extensions_valid: bool,
    pub(crate) key_family: KeyFamily,
    pub(crate) signature_family: KeyFamily,
}

/// Key families for OpenSSL's signature-algorithm/issuer-key match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum KeyFamily {
    Rsa,
    Ec,
    Ed25519,
    Ed448,
    Dsa,
    #[default]
    Other,
}

const KU_KEY_CERT_SIGN: u16 = 0x04;

/// The parsed parts of a certificate.
struct Parts<'a> {
    serial: &'a [u8],
    issuer: Vec<NameEntry<'a>>,
    not_before: Tlv<'a>,
    not_after: Tlv<'a>,
    subject: Vec<NameEntry<'a>>,
    spki: Tlv<'a>,
    signature_oid: String,
    extensions: Vec<(String, &'a [u8])>,
}

/// Parses the certificate structure as strictly as OpenSSL's `d2i_X509`.
fn parse_parts(cert: &[u8]) -> DerResult<Parts<'_>> {
    let mut outer = Reader::new(cert);
    let cert_seq = outer.read(TAG_SEQUENCE)?;
    let mut c = Reader::new(cert_seq.value);
    let tbs = c.read(TAG_SEQUENCE)?;
    let sig_alg = c.read(TAG_SEQUENCE)?;
    let mut sa = Reader::new(sig_alg.value);
    let signature_oid = der::read_oid(&mut sa)?;
    der::bit_string_bytes(c.read(TAG_BIT_STRING)?)?;
    if !c.is_empty() {
        return Err(DerError::TooLong);
    }
    let mut t = Reader::new(tbs.value);
    if let Some(v) = t.read_optional(0xa0)? {
        let mut vr = Reader::new(v.value);
        der::integer_bytes(vr.read(TAG_INTEGER)?)?;
    }
    let serial = der::integer_bytes(t.read(TAG_INTEGER)?)?;
    let alg = t.read(TAG_SEQUENCE)?;
    der::read_oid(&mut Reader::new(alg.value))?;
    let issuer = name::parse_name(t.read(TAG_SEQUENCE)?)?;
    let validity = t.read(TAG_SEQUENCE)?;
    let mut vr = Reader::new(validity.value);
    let not_before = read_time(&mut vr)?;
    let not_after = read_time(&mut vr)?;
    if !vr.is_empty() {
        return Err(DerError::TooLong);
    }
    let subject = name::parse_name(t.read(TAG_SEQUENCE)?)?;
    let spki = t.read(TAG_SEQUENCE)?;
    {
        let mut s = Reader::new(spki.value);
        let a = s.read(TAG_SEQUENCE)?;
        der::read_oid(&mut Reader::new(a.value))?;
        der::bit_string_bytes(s.read(TAG_BIT_STRING)?)?;
        if !s.is_empty() {
            return Err(DerError::TooLong);
        }
    }
    t.read_optional(0x81)?;
    t.read_optional(0x82)?;
    let mut extensions = Vec::new();
    if let Some(exts) = t.read_optional(0xa3)? {
        let mut er = Reader::new(exts.value);
        let list = er.read(TAG_SEQUENCE)?;
        if !er.is_empty() {
            return Err(DerError::TooLong);
        }
        let mut lr = Reader::new(list.value);
        while !lr.is_empty() {
            let ext = lr.read(TAG_SEQUENCE)?;
            let mut x = Reader::new(ext.value);
            let oid = der::read_oid(&mut x)?;
            x.read_optional(TAG_BOOLEAN)?;
            let value = x.read(TAG_OCTET_STRING)?;
            if !x.is_empty() {
                return Err(DerError::TooLong);
            }
            extensions.push((oid, value.value));
        }
    }
    if !t.is_empty() {
        return Err(DerError::TooLong);
    }
    Ok(Parts {
        serial,
        issuer,
        not_before,
        not_after,
        subject,
        spki,
        signature_oid,
        extensions,
    })
}

fn read_time<'a>(r: &mut Reader<'a>) -> DerResult<Tlv<'a>> {
    let t = r.read_any()?;
    if t.tag == der::TAG_UTC_TIME || t.tag == der::TAG_GENERALIZED_TIME {
        Ok(t)
    } else {
        Err(DerError::WrongTag)
    }
}

/// Checks that `der` starts with a certificate OpenSSL would decode.
pub(crate) fn check_der(der: &[u8]) -> DerResult<()> {
    parse_parts(der).map(|_| ())
}

/// How an extension occurs: once (with its value), several times, or not at all.
enum Occurrence<'a> {
    None,
    Once(&'a [u8]),
    Many,
}

fn find_ext<'a>(exts: &[(String, &'a [u8])], oid: &str) -> Occurrence<'a> {
    let mut found = exts.iter().filter(|(o, _)| o == oid);
    match (found.next(), found.next()) {
        (None, _) => Occurrence::None,
        (Some((_, v)), None) => Occurrence::Once(v),
        _ => Occurrence::Many,
    }
}

fn first_ext<'a>(exts: &[(String, &'a [u8])], oid: &str) -> Option<&'a [u8]> {
    exts.iter().find(|(o, _)| o == oid).map(|(_, v)| *v)
}

/// Decodes basicConstraints: `(cA, pathLen negative?)`.
fn basic_constraints(v: &[u8]) -> DerResult<(bool, bool)> {
    let mut r = Reader::new(v);
    // Like OpenSSL's X509V3_EXT_d2i, bytes after the value are ignored.
    let seq = r.read(TAG_SEQUENCE)?;
    let mut s = Reader::new(seq.value);
    let ca = match s.read_optional(TAG_BOOLEAN)? {
        Some(b) => b.value.first().is_some_and(|&x| x != 0),
        None => false,
    };
    let negative = match s.read_optional(TAG_INTEGER)? {
        Some(i) => der::integer_bytes(i)?
            .first()
            .is_some_and(|&b| b & 0x80 != 0),
        None => false,
    };
    if !s.is_empty() {
        return Err(DerError::TooLong);
    }
    Ok((ca, negative))
}

/// Decodes keyUsage into OpenSSL's `ex_kusage` bits.
fn key_usage(v: &[u8]) -> DerResult<u16> {
    let mut r = Reader::new(v);
    let bits = der::bit_string_bytes(r.read(TAG_BIT_STRING)?)?;
    let lo = u16::from(bits.first().copied().unwrap_or(0));
    let hi = u16::from(bits.get(1).copied().unwrap_or(0));
    Ok(lo | (hi << 8))
}

fn ext_key_usage(v: &[u8]) -> DerResult<Vec<String>> {
    let mut r = Reader::new(v);
    // Like OpenSSL's X509V3_EXT_d2i, bytes after the value are ignored.
    let seq = r.read(TAG_SEQUENCE)?;
    let mut s = Reader::new(seq.value);
    let mut out = Vec::new();
    while !s.is_empty() {
        out.push(der::read_oid(&mut s)?);
    }
    Ok(out)
}

fn octet_string(v: &[u8]) -> DerResult<Vec<u8>> {
    let mut r = Reader::new(v);
    let o = r.read(TAG_OCTET_STRING)?;
    Ok(o.value.to_vec())
}

/// authorityKeyIdentifier: `(keyIdentifier, authorityCertSerialNumber)`.
type AkidParts = (Option<Vec<u8>>, Option<Vec<u8>>);

fn authority_key_id(v: &[u8]) -> DerResult<AkidParts> {
    let mut r = Reader::new(v);
    // Like OpenSSL's X509V3_EXT_d2i, bytes after the value are ignored.
    let seq = r.read(TAG_SEQUENCE)?;
    let mut s = Reader::new(seq.value);
    let key_id = s.read_optional(0x80)?.map(|t| t.value.to_vec());
    s.read_optional(0xa1)?;
    let serial = s.read_optional(0x82)?.map(|t| t.value.to_vec());
    if !s.is_empty() {
        return Err(DerError::TooLong);
    }
    Ok((key_id, serial))
}

/// `BN_bn2hex(ASN1_INTEGER_to_BN(serial))`.
fn serial_hex(bytes: &[u8]) -> String {
    let negative = bytes.first().is_some_and(|&b| b & 0x80 != 0);
    let magnitude: Vec<u8> = if negative {
        // Two's complement negation.
        let mut m: Vec<u8> = bytes.iter().map(|b| !b).collect();
        for b in m.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
        m
    } else {
        bytes.to_vec()
    };
    let digits = der::hex_upper(strip_zeros(&magnitude));
    if digits.is_empty() {
        "0".to_owned()
    } else if negative {
        format!("-{digits}")
    } else {
        digits
    }
}

fn signature_family(oid: &str) -> KeyFamily {
    match oid {
        "1.2.840.113549.1.1.2"
        | "1.2.840.113549.1.1.3"
        | "1.2.840.113549.1.1.4"
        | "1.2.840.113549.1.1.5"
        | "1.2.840.113549.1.1.10"
        | "1.2.840.113549.1.1.11"
        | "1.2.840.113549.1.1.12"
        | "1.2.840.113549.1.1.13"
        | "1.2.840.113549.1.1.14" => KeyFamily::Rsa,
        o if o.starts_with("1.2.840.10045.4.") => KeyFamily::Ec,
        "1.3.101.112" => KeyFamily::Ed25519,
        "1.3.101.113" => KeyFamily::Ed448,
        "1.2.840.10040.4.3" | "2.16.840.1.101.3.4.3.1" | "2.16.840.1.101.3.4.3.2" => KeyFamily::Dsa,
        _ => KeyFamily::Other,
    }
}

/// Node's key fields and the key's family.
fn public_key(spki: Tlv<'_>) -> (LegacyPublicKey, KeyFamily) {
    let parsed = (|| -> DerResult<(String, Option<Tlv<'_>>, &[u8])> {
        let mut s = Reader::new(spki.value);
        let alg = s.read(TAG_SEQUENCE)?;
        let mut a = Reader::new(alg.value);
        let oid = der::read_oid(&mut a)?;
        let params = if a.is_empty() {
            None
        } else {
            Some(a.read_any()?)
        };
        let key = der::bit_string_bytes(s.read(TAG_BIT_STRING)?)?;
        Ok((oid, params, key))
    })();
    let Ok((oid, params, key)) = parsed else {
        return (LegacyPublicKey::None, KeyFamily::Other);
    };
    match oid.as_str() {
        "1.2.840.113549.1.1.1" => (rsa_key(key), KeyFamily::Rsa),
        "1.2.840.113549.1.1.10" => (LegacyPublicKey::None, KeyFamily::Rsa),
        "1.2.840.10045.2.1" => (ec_key(params, key), KeyFamily::Ec),
        "1.3.101.112" => (LegacyPublicKey::None, KeyFamily::Ed25519),
        "1.3.101.113" => (LegacyPublicKey::None, KeyFamily::Ed448),
        "1.2.840.10040.4.1" => (LegacyPublicKey::None, KeyFamily::Dsa),
        _ => (LegacyPublicKey::None, KeyFamily::Other),
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[i..]
}

fn rsa_key(key: &[u8]) -> LegacyPublicKey {
    let parsed = (|| -> DerResult<(&[u8], &[u8])> {
        let mut r = Reader::new(key);
        let seq = r.read(TAG_SEQUENCE)?;
        let mut s = Reader::new(seq.value);
        let n = der::integer_bytes(s.read(TAG_INTEGER)?)?;
        let e = der::integer_bytes(s.read(TAG_INTEGER)?)?;
        Ok((n, e))
    })();
    let Ok((n, e)) = parsed else {
        return LegacyPublicKey::None;
    };
    let n = strip_zeros(n);
    let e = strip_zeros(e);
    // BN_print: upper-case hex, leading zero nibble dropped.
    let mut modulus = der::hex_upper(n);
    if modulus.starts_with('0') {
        modulus.remove(0);
    }
    if modulus.is_empty() {
        modulus.push('0');
    }
    let bits = n.first().map_or(0, |&top| {
        (n.len() as u64 - 1) * 8 + u64::from(8 - top.leading_zeros())
    });
    // BN_get_word: all ones when the exponent does not fit in 64 bits.
    let exponent = if e.len() > 8 {
        u64::MAX
    } else {
        e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    };
    // i2d_RSA_PUBKEY: SubjectPublicKeyInfo with rsaEncryption and NULL parameters.
    let rsa_public_key = der_seq(&[der_uint(n), der_uint(e)]);
    let mut bit_string = vec![0u8];
    bit_string.extend_from_slice(&rsa_public_key);
    let alg = der_seq(&[
        der_tlv(
            TAG_OID,
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
        ),
        vec![0x05, 0x00],
    ]);
    let pubkey = der_seq(&[alg, der_tlv(TAG_BIT_STRING, &bit_string)]);
    LegacyPublicKey::Rsa {
        modulus,
        bits,
        exponent: format!("0x{exponent:x}"),
        pubkey,
    }
}

/// The named curve of explicit ECParameters, as OpenSSL 3 recognises them.
fn explicit_curve(params: &[u8]) -> Option<&'static str> {
    let mut r = Reader::new(params);
    r.read(TAG_INTEGER).ok()?;
    let field = r.read(TAG_SEQUENCE).ok()?;
    let curve = r.read(TAG_SEQUENCE).ok()?;
    r.read(TAG_OCTET_STRING).ok()?;
    let order = r.read(TAG_INTEGER).ok()?;
    let mut c = Reader::new(curve.value);
    let a = c.read(TAG_OCTET_STRING).ok()?;
    let b = c.read(TAG_OCTET_STRING).ok()?;
    let mut input = field.raw.to_vec();
    for part in [a.value, b.value, order.value] {
        input.push(b'|');
        input.extend_from_slice(strip_zeros(part));
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, &input);
    let hex: String = der::hex_upper(digest.as_ref()).to_ascii_lowercase();
    oids::curve_from_explicit_hash(&hex)
}

fn ec_key(params: Option<Tlv<'_>>, key: &[u8]) -> LegacyPublicKey {
    let curve = match params {
        Some(p) if p.tag == TAG_OID => {
            let Ok(curve_oid) = der::oid_to_string(p.value) else {
                return LegacyPublicKey::None;
            };
            oids::short_name(&curve_oid)
        }
        // specifiedCurve: OpenSSL 3 names it when the parameters are a known curve's.
        Some(p) if p.tag == TAG_SEQUENCE => explicit_curve(p.value),
        _ => None,
    };
    let Some(curve) = curve else {
        // Unknown explicit parameters: not described (see docs/node-compat.md).
        return LegacyPublicKey::None;
    };
    if curve == "SM2" {
        // OpenSSL 3 loads an SM2-curve key as an SM2 key, not EC: no key fields.
        return LegacyPublicKey::None;
    }
    let Some(bits) = oids::curve_order_bits(curve) else {
        // Not a curve OpenSSL 3.0 supports: X509_get_pubkey fails.
        return LegacyPublicKey::None;
    };
    if !ec_point_decodes(curve, key) {
        // X509_get_pubkey fails for a point OpenSSL cannot decode: no key fields.
        return LegacyPublicKey::None;
    }
    LegacyPublicKey::Ec {
        bits: Some(bits),
        pubkey: key.to_vec(),
        asn1_curve: Some(curve.to_owned()),
        nist_curve: oids::nist_curve_name(curve).map(str::to_owned),
    }
}

/// Whether OpenSSL's `EC_POINT_oct2point` would accept `point` on `curve`: a known
/// point form; for P-256 and P-384 also the right length, and for uncompressed
/// points a point on the curve (checked with ring's ECDH peer-key validation).
/// Other curves are only checked for the form byte.
fn ec_point_decodes(curve: &str, point: &[u8]) -> bool {
    let Some(&form) = point.first() else {
        return false;
    };
    if !matches!(form, 0x00 | 0x02 | 0x03 | 0x04 | 0x06 | 0x07) {
        return false;
    }
    let (field_len, alg) = match curve {
        "prime256v1" => (32, &ring::agreement::ECDH_P256),
        "secp384r1" => (48, &ring::agreement::ECDH_P384),
        _ => return true,
    };
    match form {
        0x00 => point.len() == 1,
        0x02 | 0x03 => point.len() == 1 + field_len,
        0x04 => {
            if point.len() != 1 + 2 * field_len {
                return false;
            }
            let rng = ring::rand::SystemRandom::new();
            let Ok(ours) = ring::agreement::EphemeralPrivateKey::generate(alg, &rng) else {
                // No randomness: do not drop fields we cannot check.
                return true;
            };
            let peer = ring::agreement::UnparsedPublicKey::new(alg, point);
            ring::agreement::agree_ephemeral(ours, &peer, |_| ()).is_ok()
        }
        _ => point.len() == 1 + 2 * field_len,
    }
}

fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        let mut out = vec![0x80 | bytes.len() as u8];
        out.extend(bytes);
        out
    }
}

fn der_tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(value.len()));
    out.extend_from_slice(value);
    out
}

fn der_seq(items: &[Vec<u8>]) -> Vec<u8> {
    der_tlv(TAG_SEQUENCE, &items.concat())
}

fn der_uint(magnitude: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(magnitude.len() + 1);
    if magnitude.first().is_none_or(|&b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(magnitude);
    der_tlv(TAG_INTEGER, &v)
}

fn digest_hex(alg: &'static ring::digest::Algorithm, data: &[u8]) -> String {
    der::colon_hex(ring::digest::digest(alg, data).as_ref())
}

impl LegacyCertificate {
    /// Describes one DER certificate as Node 20 does
    /// (`new crypto.X509Certificate(der).toLegacyObject()`).
    ///
    /// Bytes after the certificate's DER element are ignored, as Node ignores them
    /// in a DER buffer. For PEM or mixed input use [`LegacyCertificate::from_x509_input`].
    ///
    /// # Errors
    /// [`crate::Error::CertificateInput`] with OpenSSL's ASN.1 reason
    /// (`ERR_OSSL_ASN1_TOO_LONG`, `ERR_OSSL_ASN1_WRONG_TAG`, ...).
    pub fn from_der(der: &[u8]) -> Result<LegacyCertificate> {
        if der.is_empty() {
            // OpenSSL reports an empty buffer as a wrong tag, not a missing field.
            return Err(CertificateInputError::Asn1WrongTag.into());
        }
        let mut r = Reader::new(der);
        let cert = r.read_any().map_err(CertificateInputError::from)?;
        if cert.tag != TAG_SEQUENCE {
            return Err(CertificateInputError::Asn1WrongTag.into());
        }
        let parts = parse_parts(cert.raw).map_err(CertificateInputError::from)?;
        Ok(Self::from_parts(cert.raw, &parts))
    }

    /// What `new crypto.X509Certificate(buf)` reads from a file's bytes: the first
    /// certificate PEM block (other blocks and text skipped), else DER; see
    /// shared/spec/cli.md, "nodetls x509".
    ///
    /// # Errors
    /// [`crate::Error::CertificateInput`]: `ERR_OSSL_PEM_NO_START_LINE` (no
    /// certificate: garbage, a key, a CRL, an empty buffer),
    /// `ERR_OSSL_PEM_BAD_END_LINE` (truncated PEM), `ERR_OSSL_PEM_BAD_BASE64_DECODE`,
    /// or an ASN.1 reason for a certificate block that does not decode.
    pub fn from_x509_input(data: &[u8]) -> Result<LegacyCertificate> {
        let der = super::input::find_certificate(data, check_der)?;
        Self::from_der(&der)
    }

    fn from_parts(raw: &[u8], p: &Parts<'_>) -> LegacyCertificate {
        let exts = &p.extensions;
        let mut valid = true;

        let bc = match find_ext(exts, "2.5.29.19") {
            Occurrence::None => None,
            Occurrence::Many => {
                valid = false;
                None
            }
            Occurrence::Once(v) => {
                if let Ok((ca, negative_path_len)) = basic_constraints(v) {
                    valid &= !negative_path_len;
                    Some(ca)
                } else {
                    valid = false;
                    None
                }
            }
        };
        let ku = match find_ext(exts, "2.5.29.15") {
            Occurrence::None => None,
            Occurrence::Many => {
                valid = false;
                None
            }
            Occurrence::Once(v) => {
                let k = key_usage(v).ok();
                valid &= k.is_some();
                k
            }
        };
        let eku = match find_ext(exts, "2.5.29.37") {
            Occurrence::None => None,
            Occurrence::Many => {
                valid = false;
                None
            }
            Occurrence::Once(v) => {
                let e = ext_key_usage(v).ok();
                valid &= e.is_some();
                e
            }
        };
        let skid = match find_ext(exts, "2.5.29.14") {
            Occurrence::None => None,
            Occurrence::Many => {
                valid = false;
                None
            }
            Occurrence::Once(v) => {
                let s = octet_string(v).ok();
                valid &= s.is_some();
                s
            }
        };
        let (akid_key_id, akid_serial) = match find_ext(exts, "2.5.29.35") {
            Occurrence::None => (None, None),
            Occurrence::Many => {
                valid = false;
                (None, None)
            }
            Occurrence::Once(v) => authority_key_id(v).unwrap_or_else(|_| {
                valid = false;
                (None, None)
            }),
        };
        let subjectaltname = match first_ext(exts, "2.5.29.17") {
            None => LegacyField::Absent,
            Some(v) => match general_name::subject_alt_name(v) {
                Some(s) => LegacyField::Value(s),
                None => LegacyField::Null,
            },
        };
        match find_ext(exts, "2.5.29.17") {
            Occurrence::Many => valid = false,
            _ if subjectaltname == LegacyField::Null => valid = false,
            _ => {}
        }
        let info_access = match first_ext(exts, "1.3.6.1.5.5.7.1.1") {
            None => LegacyField::Absent,
            Some(v) => match general_name::info_access_text(v) {
                Some(text) => LegacyField::Value(general_name::info_access_object(&text)),
                None => LegacyField::Null,
            },
        };
        // X509_check_ca == 1: valid extensions, keyUsage (if any) allows
        // keyCertSign, basicConstraints present with cA true.
        let ca = valid && ku.is_none_or(|k| k & KU_KEY_CERT_SIGN != 0) && bc == Some(true);
        let (public_key, key_family) = public_key(p.spki);

        LegacyCertificate {
            subject: DistinguishedName::from_entries(&p.subject),
            issuer: DistinguishedName::from_entries(&p.issuer),
            subjectaltname,
            info_access,
            ca,
            public_key,
            valid_from: time::print(p.not_before.tag, p.not_before.value),
            valid_to: time::print(p.not_after.tag, p.not_after.value),
            fingerprint: digest_hex(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, raw),
            fingerprint256: digest_hex(&ring::digest::SHA256, raw),
            fingerprint512: digest_hex(&ring::digest::SHA512, raw),
            ext_key_usage: eku,
            serial_number: serial_hex(p.serial),
            raw: raw.to_vec(),
            link: LinkInfo {
                subject_canon: name::canonical(&p.subject),
                issuer_canon: name::canonical(&p.issuer),
                serial: p.serial.to_vec(),
                skid,
                akid_key_id,
                akid_serial,
                key_usage: ku,
                extensions_valid: valid,
                key_family,
                signature_family: signature_family(&p.signature_oid),
            },
        }
    }

    /// `X509_check_issued(issuer, self) == X509_V_OK`: names match (OpenSSL's
    /// canonical comparison), the authority key identifier (if any) matches the
    /// issuer, the issuer's key type can make this certificate's signature, and the
    /// issuer's keyUsage (if any) allows keyCertSign. The signature itself is not
    /// checked, as OpenSSL does not check it here either.
    pub fn is_issued_by(&self, issuer: &LegacyCertificate) -> bool {
        let (s, i) = (&self.link, &issuer.link);
        if i.subject_canon != s.issuer_canon || !i.extensions_valid || !s.extensions_valid {
            return false;
        }
        if let (Some(k), Some(skid)) = (&s.akid_key_id, &i.skid) {
            if k != skid {
                return false;
            }
        }
        if let Some(serial) = &s.akid_serial {
            if *serial != i.serial {
                return false;
            }
        }
        if s.signature_family == KeyFamily::Other || s.signature_family != i.key_family {
            return false;
        }
        i.key_usage.is_none_or(|k| k & KU_KEY_CERT_SIGN != 0)
    }

    /// Node's object as JSON: same keys in the same order, `raw` and `pubkey` as
    /// base64 strings, undefined keys left out.
    pub fn to_json(&self) -> Value {
        Value::Object(self.to_json_map())
    }

    pub(crate) fn to_json_map(&self) -> Map<String, Value> {
        let b64 = |b: &[u8]| Value::String(base64::engine::general_purpose::STANDARD.encode(b));
        let mut m = Map::new();
        if let Some(s) = &self.subject {
            m.insert("subject".into(), s.to_json());
        }
        if let Some(i) = &self.issuer {
            m.insert("issuer".into(), i.to_json());
        }
        match &self.subjectaltname {
            LegacyField::Absent => {}
            LegacyField::Null => {
                m.insert("subjectaltname".into(), Value::Null);
            }
            LegacyField::Value(s) => {
                m.insert("subjectaltname".into(), Value::String(s.clone()));
            }
        }
        match &self.info_access {
            LegacyField::Absent => {}
            LegacyField::Null => {
                m.insert("infoAccess".into(), Value::Null);
            }
            LegacyField::Value(entries) => {
                let mut o = Map::new();
                for (k, v) in entries {
                    o.insert(
                        k.clone(),
                        Value::Array(v.iter().cloned().map(Value::String).collect()),
                    );
                }
                m.insert("infoAccess".into(), Value::Object(o));
            }
        }
        m.insert("ca".into(), Value::Bool(self.ca));
        match &self.public_key {
            LegacyPublicKey::Rsa {
                modulus,
                bits,
                exponent,
                pubkey,
            } => {
                m.insert("modulus".into(), Value::String(modulus.clone()));
                m.insert("bits".into(), Value::from(*bits));
                m.insert("exponent".into(), Value::String(exponent.clone()));
                m.insert("pubkey".into(), b64(pubkey));
            }
            LegacyPublicKey::Ec {
                bits,
                pubkey,
                asn1_curve,
                nist_curve,
            } => {
                if let Some(b) = bits {
                    m.insert("bits".into(), Value::from(*b));
                }
                m.insert("pubkey".into(), b64(pubkey));
                if let Some(c) = asn1_curve {
                    m.insert("asn1Curve".into(), Value::String(c.clone()));
                }
                if let Some(c) = nist_curve {
                    m.insert("nistCurve".into(), Value::String(c.clone()));
                }
            }
            LegacyPublicKey::None => {}
        }
        m.insert("valid_from".into(), Value::String(self.valid_from.clone()));
        m.insert("valid_to".into(), Value::String(self.valid_to.clone()));
        m.insert(
            "fingerprint".into(),
            Value::String(self.fingerprint.clone()),
        );
        m.insert(
            "fingerprint256".into(),
            Value::String(self.fingerprint256.clone()),
        );
        m.insert(
            "fingerprint512".into(),
            Value::String(self.fingerprint512.clone()),
        );
        if let Some(eku) = &self.ext_key_usage {
            m.insert(
                "ext_key_usage".into(),
                Value::Array(eku.iter().cloned().map(Value::String).collect()),
            );
        }
        m.insert(
            "serialNumber".into(),
            Value::String(self.serial_number.clone()),
        );
        m.insert("raw".into(), b64(&self.raw));
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_like_bn_bn2hex() {
        assert_eq!(serial_hex(&[0x00]), "0");
        assert_eq!(serial_hex(&[0x00, 0xff, 0x01]), "FF01");
        assert_eq!(serial_hex(&[0x01, 0x02]), "0102");
        assert_eq!(serial_hex(&[0xfb]), "-05");
        assert_eq!(serial_hex(&[0xff, 0x00]), "-0100");
    }

    #[test]
    fn garbage_never_panics() {
        for len in 0..64usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let _ = LegacyCertificate::from_der(&data);
            let _ = LegacyCertificate::from_x509_input(&data);
        }
        assert!(LegacyCertificate::from_der(&[0x30, 0x00]).is_err());
    }
}
