//! CRLs: what `openssl ca -gencrl` does (Node's `crl` option reads the result).

use base64::Engine as _;
use rcgen::{CertificateRevocationListParams, KeyIdMethod, RevokedCertParams, SerialNumber};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};
use x509_parser::extensions::ParsedExtension;

use super::cert::{load_issuer, validity, IssuerUse};
use super::keys::parse_cert;
use crate::{Error, Result};

/// What [`make_crl`] makes.
///
/// # Defaults
///
/// `CrlOptions::default()`: `days: 30` (OpenSSL's `default_crl_days`), `crl_number:
/// None` (the current Unix time in seconds, so CRLs made later number higher, as
/// RFC 5280 requires, without a state file like OpenSSL's `crlnumber`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlOptions {
    /// nextUpdate, in days after thisUpdate (now); 1 ..= 3_650_000.
    pub days: u32,
    /// The cRLNumber, big-endian unsigned, 1 to 20 bytes.
    pub crl_number: Option<Vec<u8>>,
}

impl Default for CrlOptions {
    fn default() -> Self {
        CrlOptions {
            days: 30,
            crl_number: None,
        }
    }
}

/// Makes a v2 CRL signed by the issuer, revoking the given certificates (their
/// serial numbers, revoked now, no reason code), with the authorityKeyIdentifier
/// (the issuer's subjectKeyIdentifier when it has one) and cRLNumber extensions.
///
/// Every revoked certificate must name the issuer certificate's subject as its
/// issuer: a CRL only speaks for its own issuer's certificates, so anything else is
/// a mistake that would leave the certificate unrevoked.
///
/// # Errors
///
/// `ERR_INVALID_ARG_VALUE` for a bad option or a certificate of another issuer;
/// `ERR_OSSL_X509_KEY_VALUES_MISMATCH`, `INVALID_CA`, `KEYUSAGE_NO_CRL_SIGN`,
/// `ERR_NODETLS_UNSUPPORTED_KEY`, `ERR_NODETLS_BAD_CERTIFICATE` for an unusable
/// issuer; `ERR_NODETLS_GENERATE_FAILED` if the encoder fails.
pub fn make_crl(
    issuer_key: &PrivateKeyDer<'_>,
    issuer_cert: &CertificateDer<'_>,
    revoked: &[CertificateDer<'_>],
    opts: &CrlOptions,
) -> Result<CertificateRevocationListDer<'static>> {
    let (this_update, next_update) = validity(opts.days, "--days")?;
    let issuer = load_issuer(issuer_key, issuer_cert, IssuerUse::Crls)?;
    let issuer_x509 = parse_cert(issuer_cert)?;

    let mut revoked_certs = Vec::with_capacity(revoked.len());
    for (i, cert) in revoked.iter().enumerate() {
        let x509 = parse_cert(cert)?;
        if x509.issuer().as_raw() != issuer_x509.subject().as_raw() {
            return Err(Error::InvalidGenerateOption {
                option: "--revoke",
                reason: format!(
                    "certificate {} ({}) was issued by {}, not by the CRL issuer {}",
                    i + 1,
                    x509.subject(),
                    x509.issuer(),
                    issuer_x509.subject()
                ),
            });
        }
        revoked_certs.push(RevokedCertParams {
            serial_number: SerialNumber::from_slice(x509.raw_serial()),
            revocation_time: this_update,
            reason_code: None,
            invalidity_date: None,
        });
    }

    // The AKI must equal the issuer's SKI for OpenSSL to pair CRL and CA; rcgen
    // would otherwise derive a fresh SHA-256 one.
    let key_identifier_method = issuer_x509
        .extensions()
        .iter()
        .find_map(|ext| match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => {
                Some(KeyIdMethod::PreSpecified(id.0.to_vec()))
            }
            _ => None,
        })
        .unwrap_or(KeyIdMethod::Sha256);

    let crl_number = match &opts.crl_number {
        Some(n) if n.is_empty() || n.len() > 20 => {
            return Err(Error::InvalidGenerateOption {
                option: "crl_number",
                reason: "must be 1 to 20 bytes".to_owned(),
            })
        }
        Some(n) => SerialNumber::from_slice(n),
        None => {
            // After 1970 by construction of `validity`, so never negative.
            let secs = u64::try_from(this_update.unix_timestamp()).unwrap_or(1);
            SerialNumber::from_slice(&secs.to_be_bytes())
        }
    };

    let params = CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number,
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method,
    };
    let crl = params
        .signed_by(&issuer)
        .map_err(|e| Error::GenerateFailed(format!("CRL: {e}")))?;
    Ok(crl.der().clone())
}

/// A CRL as PEM (`-----BEGIN X509 CRL-----`), the form `openssl crl` and Node's
/// `crl` option both read by default.
pub fn crl_to_pem(crl: &CertificateRevocationListDer<'_>) -> String {
    to_pem("X509 CRL", crl.as_ref())
}

/// DER as a PEM block (`-----BEGIN {label}-----`, 64-column base64), as OpenSSL
/// writes it.
pub fn to_pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 32);
    pem.push_str("-----BEGIN ");
    pem.push_str(label);
    pem.push_str("-----\n");
    // base64 output is ASCII, so every 64-byte chunk is valid UTF-8.
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END ");
    pem.push_str(label);
    pem.push_str("-----\n");
    pem
}
