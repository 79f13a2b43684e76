//! Certificates reduced to what OpenSSL's `X509_verify_cert` looks at
//! (`ossl_x509v3_cache_extensions`): names, key, signature, validity and the
//! extension flags, parsed once and owned.

use rustls_pki_types::{CertificateDer, TrustAnchor};
use x509_parser::certificate::X509Certificate;
use x509_parser::der_parser::oid::Oid;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo, X509Name};

use super::ncons::{Constraints, GName, Names};

/// A name in OpenSSL's canonical form (`x509_name_canon`): per RDN, each
/// attribute's OID and either its case-folded, space-collapsed text (string
/// types) or its raw DER. `X509_NAME_cmp` compares exactly this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CanonName(Vec<Vec<(String, Vec<u8>)>>);

impl CanonName {
    /// `nc_dn`: `base` is a leading part of this name.
    pub(crate) fn starts_with(&self, base: &CanonName) -> bool {
        self.0.starts_with(&base.0)
    }
}

/// `notAfter` of 99991231235959Z: RFC 5280's "no well-defined expiration",
/// which OpenSSL never reports as expired.
const NO_EXPIRY: i64 = 253_402_300_799;

/// Key algorithm of a subjectPublicKeyInfo, as far as signature checks care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Rsa,
    RsaPss,
    EcP256,
    EcP384,
    /// An EC key on a curve ring cannot verify with.
    EcOther,
    Ed25519,
    Unknown,
}

/// A public key: its kind and the subjectPublicKey bit string contents.
#[derive(Clone, Debug)]
pub(crate) struct Spki {
    pub(crate) kind: KeyKind,
    pub(crate) key: Vec<u8>,
    /// RSA modulus length in bits (0 for other keys).
    pub(crate) rsa_bits: usize,
}

impl Spki {
    /// Whether the key meets security level 1 (80 bits), the level OpenSSL
    /// applies in Node (`check_key_level`): RSA needs 1024 bits; the curves
    /// ring supports all exceed it; unknown key types are not judged.
    pub(crate) fn meets_level1(&self) -> bool {
        match self.kind {
            KeyKind::Rsa | KeyKind::RsaPss => self.rsa_bits >= 1024,
            _ => true,
        }
    }
}

/// Whether a signature algorithm meets security level 1 (`check_sig_level`):
/// OpenSSL rates SHA-1 at 63 bits and MD5 at 39, below the 80 required.
pub(crate) fn sig_meets_level1(signed: &Signed) -> bool {
    !matches!(
        signed.alg.as_str(),
        "1.2.840.113549.1.1.4"
            | "1.2.840.113549.1.1.5"
            | "1.2.840.10045.4.1"
            | "1.2.840.113549.1.1.2"
    )
}

/// A signed structure (certificate or CRL): the signed bytes and signature.
#[derive(Clone, Debug)]
pub(crate) struct Signed {
    pub(crate) tbs: Vec<u8>,
    pub(crate) alg: String,
    /// The inner (tbs) and outer signature AlgorithmIdentifiers agree, which
    /// `X509_verify` / `X509_CRL_verify` require.
    pub(crate) algs_agree: bool,
    pub(crate) signature: Vec<u8>,
}

/// The authorityKeyIdentifier fields `X509_check_akid` compares.
#[derive(Clone, Debug, Default)]
pub(crate) struct Akid {
    pub(crate) key_id: Option<Vec<u8>>,
    pub(crate) issuer: Option<CanonName>,
    pub(crate) serial: Option<Vec<u8>>,
}

/// One CRL distribution point of a certificate.
#[derive(Clone, Debug)]
pub(crate) struct DistPoint {
    pub(crate) full_names: Option<Vec<String>>,
    pub(crate) crl_issuer: Option<Vec<CanonName>>,
}

/// extendedKeyUsage bits OpenSSL's SSL purposes test.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Xku {
    pub(crate) server: bool,
    pub(crate) client: bool,
    /// Netscape / Microsoft Server Gated Crypto, accepted for sslserver.
    pub(crate) sgc: bool,
}

/// Netscape certificate type bits.
#[allow(clippy::struct_excessive_bools)] // one bool per bit OpenSSL tests
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NsCert {
    pub(crate) ssl_client: bool,
    pub(crate) ssl_server: bool,
    pub(crate) ssl_ca: bool,
    pub(crate) any_ca: bool,
}

/// keyUsage bits, numbered as in RFC 5280 (bit 0 = digitalSignature).
pub(crate) mod ku {
    pub(crate) const DIGITAL_SIGNATURE: u16 = 1 << 0;
    pub(crate) const KEY_ENCIPHERMENT: u16 = 1 << 2;
    pub(crate) const KEY_AGREEMENT: u16 = 1 << 4;
    pub(crate) const KEY_CERT_SIGN: u16 = 1 << 5;
    pub(crate) const CRL_SIGN: u16 = 1 << 6;
}

/// A certificate (or a bare trust anchor) as the verifier sees it.
#[allow(clippy::struct_excessive_bools)] // mirrors OpenSSL's EXFLAG_* bits
#[derive(Clone, Debug)]
pub(crate) struct Cert {
    /// `None` for a webpki-roots anchor, which has only a subject and key.
    pub(crate) der: Option<CertificateDer<'static>>,
    pub(crate) subject: CanonName,
    /// The subject Name's DER (with its SEQUENCE header), for CA hints.
    pub(crate) subject_der: Vec<u8>,
    pub(crate) issuer: CanonName,
    pub(crate) serial: Vec<u8>,
    pub(crate) v1: bool,
    pub(crate) not_before: Option<i64>,
    pub(crate) not_after: Option<i64>,
    pub(crate) spki: Spki,
    pub(crate) signed: Option<Signed>,
    /// basicConstraints present.
    pub(crate) bcons: bool,
    /// basicConstraints cA = TRUE.
    pub(crate) ca: bool,
    pub(crate) pathlen: Option<u32>,
    pub(crate) key_usage: Option<u16>,
    pub(crate) xku: Option<Xku>,
    pub(crate) netscape: Option<NsCert>,
    pub(crate) skid: Option<Vec<u8>>,
    pub(crate) akid: Option<Akid>,
    pub(crate) crldp: Option<Vec<DistPoint>>,
    /// A critical extension OpenSSL does not handle (`EXFLAG_CRITICAL`).
    pub(crate) critical_unhandled: bool,
    /// An extension failed to decode (`EXFLAG_INVALID`).
    pub(crate) invalid: bool,
    /// Subject equals issuer (`EXFLAG_SI`).
    pub(crate) self_issued: bool,
    /// Self-issued, AKID matches itself, key fits the signature algorithm
    /// (`EXFLAG_SS`; the signature itself is not checked, as in OpenSSL).
    pub(crate) self_signed: bool,
    /// A bare anchor from webpki-roots: trusted, CA, no validity period.
    pub(crate) bare_anchor: bool,
    /// The names name constraints apply to.
    pub(crate) names: Names,
    pub(crate) name_constraints: Option<Constraints>,
}

/// Extensions `X509_supported_extension` knows; any other critical one makes
/// the certificate fail with `UNHANDLED_CRITICAL_EXTENSION`.
const SUPPORTED_EXTENSIONS: [&str; 13] = [
    "2.16.840.1.113730.1.1", // nsCertType
    "2.5.29.15",             // keyUsage
    "2.5.29.17",             // subjectAltName
    "2.5.29.19",             // basicConstraints
    "2.5.29.32",             // certificatePolicies
    "2.5.29.37",             // extendedKeyUsage
    "1.3.6.1.5.5.7.1.7",     // sbgp-ipAddrBlock
    "1.3.6.1.5.5.7.1.8",     // sbgp-autonomousSysNum
    "2.5.29.36",             // policyConstraints
    "1.3.6.1.5.5.7.1.14",    // proxyCertInfo
    "2.5.29.30",             // nameConstraints
    "2.5.29.33",             // policyMappings
    "2.5.29.54",             // inhibitAnyPolicy
];

impl Cert {
    /// Parses a DER certificate; `None` when it is not one.
    pub(crate) fn from_der(der: &CertificateDer<'_>) -> Option<Cert> {
        let (rest, x) = X509Certificate::from_der(der.as_ref()).ok()?;
        if !rest.is_empty() {
            return None;
        }
        let tbs = &x.tbs_certificate;
        let subject = canon_name(&tbs.subject);
        let issuer = canon_name(&tbs.issuer);
        let mut cert = Cert {
            der: Some(der.clone().into_owned()),
            subject_der: tbs.subject.as_raw().to_vec(),
            self_issued: subject == issuer,
            subject,
            issuer,
            serial: normalise_integer(tbs.raw_serial()),
            v1: tbs.version.0 == 0,
            not_before: Some(tbs.validity.not_before.timestamp()),
            not_after: Some(tbs.validity.not_after.timestamp()),
            spki: spki(&tbs.subject_pki),
            signed: Some(Signed {
                tbs: tbs.as_ref().to_vec(),
                alg: x.signature_algorithm.algorithm.to_id_string(),
                algs_agree: same_alg(&tbs.signature, &x.signature_algorithm),
                signature: x.signature_value.data.to_vec(),
            }),
            bcons: false,
            ca: false,
            pathlen: None,
            key_usage: None,
            xku: None,
            netscape: None,
            skid: None,
            akid: None,
            crldp: None,
            critical_unhandled: false,
            invalid: false,
            self_signed: false,
            bare_anchor: false,
            names: Names::from_subject(&tbs.subject),
            name_constraints: None,
        };
        for ext in tbs.extensions() {
            let oid = ext.oid.to_id_string();
            if ext.critical && !SUPPORTED_EXTENSIONS.contains(&oid.as_str()) {
                cert.critical_unhandled = true;
            }
            match ext.parsed_extension() {
                ParsedExtension::BasicConstraints(bc) => {
                    cert.bcons = true;
                    cert.ca = bc.ca;
                    cert.pathlen = bc.path_len_constraint;
                }
                ParsedExtension::KeyUsage(k) => cert.key_usage = Some(k.flags),
                ParsedExtension::ExtendedKeyUsage(e) => {
                    let sgc = e.other.iter().any(|o| {
                        let s = o.to_id_string();
                        // Netscape SGC and Microsoft SGC.
                        s == "2.16.840.1.113730.4.1" || s == "1.3.6.1.4.1.311.10.3.3"
                    });
                    cert.xku = Some(Xku {
                        server: e.server_auth,
                        client: e.client_auth,
                        sgc,
                    });
                }
                ParsedExtension::NSCertType(n) => {
                    cert.netscape = Some(NsCert {
                        ssl_client: n.ssl_client(),
                        ssl_server: n.ssl_server(),
                        ssl_ca: n.ssl_ca(),
                        any_ca: n.ssl_ca() || n.smime_ca() || n.object_signing_ca(),
                    });
                }
                ParsedExtension::SubjectKeyIdentifier(k) => cert.skid = Some(k.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    cert.akid = Some(Akid {
                        key_id: a.key_identifier.as_ref().map(|k| k.0.to_vec()),
                        issuer: a.authority_cert_issuer.as_ref().and_then(|names| {
                            names.iter().find_map(|g| match g {
                                GeneralName::DirectoryName(n) => Some(canon_name(n)),
                                _ => None,
                            })
                        }),
                        serial: a.authority_cert_serial.map(normalise_integer),
                    });
                }
                ParsedExtension::CRLDistributionPoints(points) => {
                    cert.crldp = Some(
                        points
                            .iter()
                            .map(|p| DistPoint {
                                full_names: match &p.distribution_point {
                                    Some(
                                        x509_parser::extensions::DistributionPointName::FullName(
                                            names,
                                        ),
                                    ) => Some(names.iter().map(general_name_key).collect()),
                                    _ => None,
                                },
                                crl_issuer: p.crl_issuer.as_ref().map(|names| {
                                    names
                                        .iter()
                                        .filter_map(|g| match g {
                                            GeneralName::DirectoryName(n) => Some(canon_name(n)),
                                            _ => None,
                                        })
                                        .collect()
                                }),
                            })
                            .collect(),
                    );
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    cert.names.sans = san.general_names.iter().map(GName::from_parsed).collect();
                }
                ParsedExtension::NameConstraints(nc) => {
                    cert.name_constraints = Some(Constraints::from_parsed(nc));
                }
                ParsedExtension::ParseError { .. } => cert.invalid = true,
                _ => {}
            }
        }
        cert.self_signed = cert.self_issued
            && check_akid(&cert, cert.akid.as_ref())
            && sig_alg_matches_key(cert.spki.kind, cert.signed.as_ref());
        Some(cert)
    }

    /// A webpki-roots anchor: subject and key only; treated as a self-signed
    /// CA root with no validity period, as OpenSSL treats Mozilla's roots.
    pub(crate) fn from_anchor(anchor: &TrustAnchor<'_>) -> Option<Cert> {
        let subject_der = der_sequence(anchor.subject.as_ref());
        let (_, name) = X509Name::from_der(&subject_der).ok()?;
        let spki_der = der_sequence(anchor.subject_public_key_info.as_ref());
        let (_, key) = SubjectPublicKeyInfo::from_der(&spki_der).ok()?;
        let subject = canon_name(&name);
        let name_constraints = match &anchor.name_constraints {
            None => None,
            Some(nc) => {
                // webpki gives the SEQUENCE's contents (starting [0] or [1]);
                // accept a whole SEQUENCE too.
                let der = if nc.as_ref().first() == Some(&0x30) {
                    nc.as_ref().to_vec()
                } else {
                    der_sequence(nc.as_ref())
                };
                let (_, parsed) = x509_parser::extensions::NameConstraints::from_der(&der).ok()?;
                Some(Constraints::from_parsed(&parsed))
            }
        };
        Some(Cert {
            names: Names::from_subject(&name),
            name_constraints,
            der: None,
            subject_der: subject_der.clone(),
            issuer: subject.clone(),
            subject,
            serial: Vec::new(),
            v1: false,
            not_before: None,
            not_after: None,
            spki: spki(&key),
            signed: None,
            bcons: true,
            ca: true,
            pathlen: None,
            key_usage: None,
            xku: None,
            netscape: None,
            skid: None,
            akid: None,
            crldp: None,
            critical_unhandled: false,
            invalid: false,
            self_issued: true,
            self_signed: true,
            bare_anchor: true,
        })
    }

    /// `X509_cmp`: the same certificate.
    pub(crate) fn same_as(&self, other: &Cert) -> bool {
        match (&self.der, &other.der) {
            (Some(a), Some(b)) => a.as_ref() == b.as_ref(),
            (None, None) => self.subject == other.subject && self.spki.key == other.spki.key,
            _ => false,
        }
    }

    /// `ku_reject`: keyUsage present and none of `bits` set.
    pub(crate) fn ku_rejects(&self, bits: u16) -> bool {
        self.key_usage.is_some_and(|k| k & bits == 0)
    }

    /// `ossl_x509_check_cert_time` without the callback: within validity.
    pub(crate) fn time_ok(&self, now: i64) -> bool {
        let started = self.not_before.is_none_or(|nb| now >= nb);
        let not_ended = self.not_after.is_none_or(|na| na == NO_EXPIRY || now < na);
        started && not_ended
    }

    /// Whether `now` is before notBefore / at or after notAfter (OpenSSL
    /// 3.0's `X509_cmp_time` treats the notAfter second itself as expired).
    pub(crate) fn time_errors(&self, now: i64) -> (bool, bool) {
        let not_yet = self.not_before.is_some_and(|nb| now < nb);
        let expired = self
            .not_after
            .is_some_and(|na| na != NO_EXPIRY && now >= na);
        (not_yet, expired)
    }

    /// `X509_check_ca`: 0 = not a CA; 1 = basicConstraints CA; 3 = v1
    /// self-signed root; 4 = keyUsage keyCertSign without basicConstraints;
    /// 5 = Netscape CA type.
    pub(crate) fn check_ca(&self) -> u8 {
        if self.bare_anchor {
            return 1;
        }
        // X509_check_ca: undecodable extensions make it "not a CA".
        if self.invalid || self.ku_rejects(ku::KEY_CERT_SIGN) {
            return 0;
        }
        if self.bcons {
            return u8::from(self.ca);
        }
        if self.v1 && self.self_signed {
            3
        } else if self.key_usage.is_some() {
            4
        } else if self.netscape.is_some_and(|n| n.any_ca) {
            5
        } else {
            0
        }
    }
}

/// `X509_check_akid(issuer, akid) == X509_V_OK`.
pub(crate) fn check_akid(issuer: &Cert, akid: Option<&Akid>) -> bool {
    let Some(akid) = akid else { return true };
    if let (Some(k), Some(s)) = (&akid.key_id, &issuer.skid) {
        if k != s {
            return false;
        }
    }
    if let Some(serial) = &akid.serial {
        if !issuer.bare_anchor && *serial != issuer.serial {
            return false;
        }
    }
    if let Some(name) = &akid.issuer {
        if !issuer.bare_anchor && *name != issuer.issuer {
            return false;
        }
    }
    true
}

/// `check_sig_alg_match`: the signature algorithm suits the signer's key type.
pub(crate) fn sig_alg_matches_key(key: KeyKind, signed: Option<&Signed>) -> bool {
    let Some(signed) = signed else { return true };
    match signed.alg.as_str() {
        "1.2.840.113549.1.1.4"
        | "1.2.840.113549.1.1.5"
        | "1.2.840.113549.1.1.11"
        | "1.2.840.113549.1.1.12"
        | "1.2.840.113549.1.1.13"
        | "1.2.840.113549.1.1.14" => key == KeyKind::Rsa,
        "1.2.840.113549.1.1.10" => matches!(key, KeyKind::Rsa | KeyKind::RsaPss),
        "1.2.840.10045.4.1"
        | "1.2.840.10045.4.3.1"
        | "1.2.840.10045.4.3.2"
        | "1.2.840.10045.4.3.3"
        | "1.2.840.10045.4.3.4" => {
            matches!(key, KeyKind::EcP256 | KeyKind::EcP384 | KeyKind::EcOther)
        }
        "1.3.101.112" => key == KeyKind::Ed25519,
        _ => false,
    }
}

/// `check_issued(ctx, x, issuer)` / `ossl_x509_likely_issued(issuer, x)`.
pub(crate) fn likely_issued(issuer: &Cert, x: &Cert) -> bool {
    issuer.subject == x.issuer
        && check_akid(issuer, x.akid.as_ref())
        && sig_alg_matches_key(issuer.spki.kind, x.signed.as_ref())
}

/// Verifies `signed` with `key` using ring; false for anything ring cannot
/// check (OpenSSL would report the same certificate as failing to verify
/// only if its signature is bad: see docs/node-compat.md for the gaps).
pub(crate) fn verify_signature(signed: &Signed, key: &Spki) -> bool {
    use ring::signature as sig;
    if !signed.algs_agree {
        return false;
    }
    let algs: &[&dyn sig::VerificationAlgorithm] = match (signed.alg.as_str(), key.kind) {
        ("1.2.840.113549.1.1.5", KeyKind::Rsa) => {
            &[&sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY]
        }
        ("1.2.840.113549.1.1.11", KeyKind::Rsa) => {
            &[&sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY]
        }
        ("1.2.840.113549.1.1.12", KeyKind::Rsa) => &[&sig::RSA_PKCS1_2048_8192_SHA384],
        ("1.2.840.113549.1.1.13", KeyKind::Rsa) => {
            &[&sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY]
        }
        // The PSS hash is in the parameters; a signature verifies under at
        // most one of them, so trying each is sound.
        ("1.2.840.113549.1.1.10", KeyKind::Rsa | KeyKind::RsaPss) => &[
            &sig::RSA_PSS_2048_8192_SHA256,
            &sig::RSA_PSS_2048_8192_SHA384,
            &sig::RSA_PSS_2048_8192_SHA512,
        ],
        ("1.2.840.10045.4.3.2", KeyKind::EcP256) => &[&sig::ECDSA_P256_SHA256_ASN1],
        ("1.2.840.10045.4.3.3", KeyKind::EcP256) => &[&sig::ECDSA_P256_SHA384_ASN1],
        ("1.2.840.10045.4.3.2", KeyKind::EcP384) => &[&sig::ECDSA_P384_SHA256_ASN1],
        ("1.2.840.10045.4.3.3", KeyKind::EcP384) => &[&sig::ECDSA_P384_SHA384_ASN1],
        ("1.3.101.112", KeyKind::Ed25519) => &[&sig::ED25519],
        _ => &[],
    };
    algs.iter().any(|alg| {
        sig::UnparsedPublicKey::new(*alg, &key.key)
            .verify(&signed.tbs, &signed.signature)
            .is_ok()
    })
}

/// Builds a [`Signed`] from a parsed structure's parts.
pub(crate) fn signed(
    tbs: &[u8],
    inner: &AlgorithmIdentifier<'_>,
    outer: &AlgorithmIdentifier<'_>,
    signature: &[u8],
) -> Signed {
    Signed {
        tbs: tbs.to_vec(),
        alg: outer.algorithm.to_id_string(),
        algs_agree: same_alg(inner, outer),
        signature: signature.to_vec(),
    }
}

fn same_alg(a: &AlgorithmIdentifier<'_>, b: &AlgorithmIdentifier<'_>) -> bool {
    // `X509_ALGOR_cmp`: same OID and same parameters (absent == absent).
    a.algorithm == b.algorithm
        && match (&a.parameters, &b.parameters) {
            (None, None) => true,
            (Some(x), Some(y)) => x.header.tag() == y.header.tag() && x.data == y.data,
            _ => false,
        }
}

fn spki(info: &SubjectPublicKeyInfo<'_>) -> Spki {
    let alg = info.algorithm.algorithm.to_id_string();
    let curve = info
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o: Oid<'_>| o.to_id_string());
    let kind = match alg.as_str() {
        "1.2.840.113549.1.1.1" => KeyKind::Rsa,
        "1.2.840.113549.1.1.10" => KeyKind::RsaPss,
        "1.2.840.10045.2.1" => match curve.as_deref() {
            Some("1.2.840.10045.3.1.7") => KeyKind::EcP256,
            Some("1.3.132.0.34") => KeyKind::EcP384,
            _ => KeyKind::EcOther,
        },
        "1.3.101.112" => KeyKind::Ed25519,
        _ => KeyKind::Unknown,
    };
    let rsa_bits = match info.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            let m: &[u8] = rsa.modulus;
            let m = &m[m.iter().take_while(|&&b| b == 0).count()..];
            m.first()
                .map_or(0, |&b| (m.len() - 1) * 8 + (8 - b.leading_zeros() as usize))
        }
        _ => 0,
    };
    Spki {
        kind,
        key: info.subject_public_key.data.to_vec(),
        rsa_bits,
    }
}

/// An INTEGER's content bytes without redundant leading zero octets, so that
/// serials compare by value as `ASN1_INTEGER_cmp` does.
pub(crate) fn normalise_integer(raw: &[u8]) -> Vec<u8> {
    let mut s = raw;
    while s.len() > 1 && s[0] == 0 {
        s = &s[1..];
    }
    s.to_vec()
}

/// A comparable key for a GeneralName in distribution points.
pub(crate) fn general_name_key(g: &GeneralName<'_>) -> String {
    match g {
        GeneralName::URI(u) => format!("uri:{u}"),
        GeneralName::DNSName(d) => format!("dns:{d}"),
        GeneralName::RFC822Name(r) => format!("email:{r}"),
        GeneralName::DirectoryName(n) => format!("dir:{:?}", canon_name(n)),
        other => format!("{other:?}"),
    }
}

/// `x509_name_canon`.
pub(crate) fn canon_name(name: &X509Name<'_>) -> CanonName {
    CanonName(
        name.iter_rdn()
            .map(|rdn| {
                rdn.iter()
                    .map(|atv| {
                        let oid = atv.attr_type().to_id_string();
                        let value = atv.attr_value();
                        let tag = value.header.tag().0;
                        let text: Option<String> = match tag {
                            // UTF8String, PrintableString, IA5String, VisibleString
                            12 | 19 | 22 | 26 => {
                                std::str::from_utf8(value.data).ok().map(str::to_owned)
                            }
                            // T61String: OpenSSL reads it as Latin-1.
                            20 => Some(value.data.iter().map(|&b| char::from(b)).collect()),
                            // BMPString (UTF-16BE)
                            30 if value.data.len() % 2 == 0 => {
                                let units: Vec<u16> = value
                                    .data
                                    .chunks_exact(2)
                                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                                    .collect();
                                String::from_utf16(&units).ok()
                            }
                            // UniversalString (UTF-32BE)
                            28 if value.data.len() % 4 == 0 => value
                                .data
                                .chunks_exact(4)
                                .map(|c| {
                                    char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                                })
                                .collect(),
                            _ => None,
                        };
                        let bytes = if let Some(t) = text {
                            let mut v = vec![0u8];
                            v.extend(canon_text(&t).into_bytes());
                            v
                        } else {
                            let mut v = vec![1u8, tag as u8];
                            v.extend_from_slice(value.data);
                            v
                        };
                        (oid, bytes)
                    })
                    .collect()
            })
            .collect(),
    )
}

/// Leading/trailing space stripped, runs of space collapsed, ASCII lowercased.
fn canon_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// Wraps DER contents in a SEQUENCE header.
fn der_sequence(contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = vec![0x30];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(contents);
    out
}
