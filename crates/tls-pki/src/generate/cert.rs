//! Certificates: what `openssl req -x509` / `openssl x509 -req -CA` do in Node's docs.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyUsagePurpose, SanType, SerialNumber,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};
use x509_parser::extensions::ParsedExtension;

use super::keys::{check_key_matches, generate_key, parse_cert, signing_key, KeyType};
use crate::{Error, Result};

/// One `subjectAltName` entry, as `openssl req -addext subjectAltName=...` writes
/// them (`DNS:`, `IP:`, `email:`, `URI:`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubjectAltName {
    /// `DNS:name` (dNSName). ASCII only: IDNs must be given as A-labels (`xn--...`).
    Dns(String),
    /// `IP:address` (iPAddress), IPv4 or IPv6.
    Ip(IpAddr),
    /// `email:address` (rfc822Name).
    Email(String),
    /// `URI:uri` (uniformResourceIdentifier).
    Uri(String),
}

impl fmt::Display for SubjectAltName {
    /// The `--san` spelling (`DNS:x`, `IP:y`, `email:z`, `URI:u`), which parses back
    /// with [`FromStr`]. (Node's `subjectaltname` property writes `IP Address:`.)
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectAltName::Dns(n) => write!(f, "DNS:{n}"),
            SubjectAltName::Ip(ip) => write!(f, "IP:{ip}"),
            SubjectAltName::Email(e) => write!(f, "email:{e}"),
            SubjectAltName::Uri(u) => write!(f, "URI:{u}"),
        }
    }
}

impl FromStr for SubjectAltName {
    type Err = Error;

    /// Parses `TYPE:value`; the type is case-insensitive as in OpenSSL's config
    /// syntax.
    fn from_str(s: &str) -> Result<Self> {
        let bad = |reason: String| Error::InvalidGenerateOption {
            option: "--san",
            reason,
        };
        let (kind, value) = s
            .split_once(':')
            .ok_or_else(|| bad(format!("{s:?} is not TYPE:value (DNS, IP, email, URI)")))?;
        let value = value.trim();
        if value.is_empty() {
            return Err(bad(format!("{s:?} has an empty value")));
        }
        if !value.is_ascii() || value.chars().any(|c| c.is_ascii_control()) {
            return Err(bad(format!(
                "{s:?}: names must be printable ASCII (IA5String); use xn-- A-labels for IDNs"
            )));
        }
        match kind.trim().to_ascii_lowercase().as_str() {
            "dns" => Ok(SubjectAltName::Dns(value.to_owned())),
            "ip" => value
                .parse()
                .map(SubjectAltName::Ip)
                .map_err(|_| bad(format!("{value:?} is not an IPv4 or IPv6 address"))),
            "email" => Ok(SubjectAltName::Email(value.to_owned())),
            "uri" => Ok(SubjectAltName::Uri(value.to_owned())),
            other => Err(bad(format!(
                "unsupported type {other:?} (DNS, IP, email, URI)"
            ))),
        }
    }
}

/// Parses a comma-separated `--san` list (`DNS:a,IP:127.0.0.1,...`).
pub fn parse_subject_alt_names(list: &str) -> Result<Vec<SubjectAltName>> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(str::parse)
        .collect()
}

/// What [`make_certificate`] makes.
///
/// # Defaults
///
/// `CertificateOptions::default()` is an end-entity certificate for
/// `common_name: "localhost"` with no `subjectAltName`, a fresh [`KeyType::EcP256`]
/// key, valid for 365 days from now (OpenSSL's `-days` default is 30; Node's docs
/// pass `-days 365`), `is_ca: false`, a random serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateOptions {
    /// The subject's commonName (`/CN=`), the only subject attribute. 1 to 64
    /// characters (X.520's upper bound, which `openssl req` enforces too).
    pub common_name: String,
    /// The `subjectAltName` extension, in order; empty: no extension.
    pub subject_alt_names: Vec<SubjectAltName>,
    /// The key to make.
    pub key_type: KeyType,
    /// Validity from now, in days (1 ..= 3_650_000, ending before year 9999).
    pub days: u32,
    /// A CA certificate: `basicConstraints=critical,CA:TRUE` and keyUsage
    /// `keyCertSign, cRLSign, digitalSignature`. Otherwise a leaf: `CA:FALSE`
    /// (critical), keyUsage `digitalSignature` (+`keyEncipherment` for RSA) and
    /// extendedKeyUsage `serverAuth, clientAuth`, usable by a TLS server or client.
    pub is_ca: bool,
    /// The serial number, big-endian unsigned (1 to 20 bytes, not zero); `None`: 16
    /// random bytes, positive (the top bit cleared), as OpenSSL makes them.
    pub serial: Option<Vec<u8>>,
}

impl Default for CertificateOptions {
    fn default() -> Self {
        CertificateOptions {
            common_name: "localhost".to_owned(),
            subject_alt_names: Vec::new(),
            key_type: KeyType::EcP256,
            days: 365,
            is_ca: false,
            serial: None,
        }
    }
}

/// A key and its certificate, in PEM (what the `--key-out` / `--cert-out` files
/// hold) and DER. Its `Debug` output leaves the private key out.
pub struct Generated {
    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), unencrypted.
    pub key_pem: String,
    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`).
    pub cert_pem: String,
    /// The private key as PKCS#8 DER.
    pub key_der: PrivateKeyDer<'static>,
    /// The certificate as DER.
    pub cert_der: CertificateDer<'static>,
}

impl fmt::Debug for Generated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generated")
            .field("key_pem", &"<redacted>")
            .field("cert_pem", &self.cert_pem)
            .field("key_der", &self.key_der)
            .field("cert_der", &self.cert_der)
            .finish()
    }
}

/// Checks the numeric options and gives the validity window.
pub(crate) fn validity(
    days: u32,
    option: &'static str,
) -> Result<(OffsetDateTime, OffsetDateTime)> {
    let bad = |reason: &str| Error::InvalidGenerateOption {
        option,
        reason: reason.to_owned(),
    };
    if days == 0 {
        return Err(bad("must be at least 1"));
    }
    if days > 3_650_000 {
        return Err(bad("must be at most 3650000"));
    }
    // Whole seconds: X.509 times have no fractions.
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .map_err(|e| Error::GenerateFailed(e.to_string()))?;
    let end = now
        .checked_add(Duration::days(i64::from(days)))
        .filter(|end| end.year() <= 9999)
        .ok_or_else(|| bad("ends after the year 9999"))?;
    Ok((now, end))
}

fn serial_number(serial: Option<&[u8]>) -> Result<SerialNumber> {
    let bad = |reason: &str| Error::InvalidGenerateOption {
        option: "serial",
        reason: reason.to_owned(),
    };
    match serial {
        Some(bytes) => {
            if bytes.is_empty() || bytes.len() > 20 {
                return Err(bad("must be 1 to 20 bytes (RFC 5280)"));
            }
            if bytes.iter().all(|b| *b == 0) {
                return Err(bad("must not be zero"));
            }
            Ok(SerialNumber::from_slice(bytes))
        }
        None => Ok(SerialNumber::from_slice(&random_serial()?)),
    }
}

/// 16 random bytes, top bit clear (positive) and the next one set, so the DER
/// INTEGER is always exactly 16 bytes.
pub(crate) fn random_serial() -> Result<[u8; 16]> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::GenerateFailed("the system random generator failed".to_owned()))?;
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    Ok(bytes)
}

fn san(name: &SubjectAltName) -> Result<SanType> {
    let bad = |e: rcgen::Error| Error::InvalidGenerateOption {
        option: "--san",
        reason: format!("{name}: {e}"),
    };
    Ok(match name {
        SubjectAltName::Dns(n) => SanType::DnsName(n.as_str().try_into().map_err(bad)?),
        SubjectAltName::Ip(ip) => SanType::IpAddress(*ip),
        SubjectAltName::Email(e) => SanType::Rfc822Name(e.as_str().try_into().map_err(bad)?),
        SubjectAltName::Uri(u) => SanType::URI(u.as_str().try_into().map_err(bad)?),
    })
}

/// Makes a key and a certificate for it: self-signed when `issuer` is `None`
/// (`openssl req -x509 -newkey ...`), otherwise signed by the issuer's key and
/// naming the issuer certificate's subject (`openssl x509 -req -CA ... -CAkey ...`).
///
/// The certificate is X.509 v3 with subjectKeyIdentifier, authorityKeyIdentifier
/// (the issuer's subjectKeyIdentifier when it has one), basicConstraints and the
/// key usages described on [`CertificateOptions::is_ca`]. The signature algorithm
/// follows the issuer's key: ECDSA with SHA-256 (P-256) or SHA-384 (P-384), Ed25519,
/// or RSA PKCS#1 v1.5 with SHA-256.
///
/// The issuer key may be PKCS#8, PKCS#1 or SEC1 DER (unencrypted); it must be the
/// key of the issuer certificate, which must be a CA whose keyUsage (if any) allows
/// `keyCertSign`.
///
/// # Errors
///
/// `ERR_INVALID_ARG_VALUE` for a bad option, `ERR_OSSL_X509_KEY_VALUES_MISMATCH`,
/// `INVALID_CA`, `KEYUSAGE_NO_CERTSIGN`, `ERR_NODETLS_UNSUPPORTED_KEY`,
/// `ERR_NODETLS_BAD_CERTIFICATE` for an unusable issuer, and
/// `ERR_NODETLS_GENERATE_FAILED` if the encoder fails.
pub fn make_certificate(
    opts: &CertificateOptions,
    issuer: Option<(&PrivateKeyDer<'_>, &CertificateDer<'_>)>,
) -> Result<Generated> {
    let cn_len = opts.common_name.chars().count();
    if cn_len == 0 || cn_len > 64 {
        return Err(Error::InvalidGenerateOption {
            option: "--cn",
            reason: format!("must be 1 to 64 characters, not {cn_len}"),
        });
    }
    if opts.common_name.chars().any(char::is_control) {
        return Err(Error::InvalidGenerateOption {
            option: "--cn",
            reason: "must not contain control characters".to_owned(),
        });
    }
    let (not_before, not_after) = validity(opts.days, "--days")?;

    let mut params = CertificateParams::default();
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(serial_number(opts.serial.as_deref())?);
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, opts.common_name.as_str());
    params.distinguished_name = dn;
    params.subject_alt_names = opts
        .subject_alt_names
        .iter()
        .map(san)
        .collect::<Result<_>>()?;
    params.use_authority_key_identifier_extension = true;
    if opts.is_ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
        ];
    } else {
        // ExplicitNoCa writes `CA:FALSE` and, with it, the subjectKeyIdentifier.
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        if opts.key_type.is_rsa() {
            // TLS 1.2 RSA key exchange (OpenSSL peers still offer it) needs this.
            params.key_usages.push(KeyUsagePurpose::KeyEncipherment);
        }
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
    }

    // Check the issuer before spending time on (RSA) key generation.
    let issuer = match issuer {
        Some((key, cert)) => Some(load_issuer(key, cert, IssuerUse::Certificates)?),
        None => None,
    };
    let key = generate_key(opts.key_type)?;
    let cert = match &issuer {
        Some(issuer) => params.signed_by(&key, issuer),
        None => params.self_signed(&key),
    }
    .map_err(|e| Error::GenerateFailed(e.to_string()))?;

    Ok(Generated {
        key_pem: key.serialize_pem(),
        cert_pem: cert.pem(),
        key_der: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        cert_der: cert.der().clone(),
    })
}

/// What an issuer is about to sign.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IssuerUse {
    Certificates,
    Crls,
}

/// The issuer as rcgen wants it, after the checks OpenSSL's verifier would make on
/// what it signs: key matches, CA:TRUE, keyUsage allows the use.
pub(crate) fn load_issuer(
    key: &PrivateKeyDer<'_>,
    cert: &CertificateDer<'_>,
    usage: IssuerUse,
) -> Result<Issuer<'static, rcgen::KeyPair>> {
    let key = signing_key(key)?;
    let x509 = parse_cert(cert)?;
    check_key_matches(&key, &x509, "issuer")?;
    let mut is_ca = false;
    let mut key_usage = None;
    for ext in x509.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::BasicConstraints(bc) => is_ca = bc.ca,
            ParsedExtension::KeyUsage(ku) => key_usage = Some(*ku),
            _ => {}
        }
    }
    // OpenSSL's verifier checks CA-ness before key usage; report in that order.
    if !is_ca {
        return Err(Error::IssuerNotCa(x509.subject().to_string()));
    }
    if let Some(ku) = key_usage {
        if usage == IssuerUse::Certificates && !ku.key_cert_sign() {
            return Err(Error::IssuerKeyUsage {
                usage: "keyCertSign",
                code: "KEYUSAGE_NO_CERTSIGN",
            });
        }
        if usage == IssuerUse::Crls && !ku.crl_sign() {
            return Err(Error::IssuerKeyUsage {
                usage: "cRLSign",
                code: "KEYUSAGE_NO_CRL_SIGN",
            });
        }
    }
    Issuer::from_ca_cert_der(cert, key).map_err(|e| Error::GenerateBadCertificate(e.to_string()))
}

/// The embedded default certificate of `nodetls serve` (shared/spec/cli.md): CN
/// `localhost`, subjectAltName `DNS:localhost, IP:127.0.0.1, IP:::1`, a fresh EC
/// P-256 key, self-signed, 365 days.
pub fn self_signed_localhost() -> Result<Generated> {
    make_certificate(
        &CertificateOptions {
            common_name: "localhost".to_owned(),
            subject_alt_names: vec![
                SubjectAltName::Dns("localhost".to_owned()),
                SubjectAltName::Ip(IpAddr::from([127, 0, 0, 1])),
                SubjectAltName::Ip(IpAddr::from(std::net::Ipv6Addr::LOCALHOST)),
            ],
            ..CertificateOptions::default()
        },
        None,
    )
}
