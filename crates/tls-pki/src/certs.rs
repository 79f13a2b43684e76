//! Certificates as Node's `cert` and `ca` options accept them.

use rustls_pki_types::CertificateDer;

use crate::error::{Asn1Reason, Error, Result};
use crate::key::der::{self, TlvError};
use crate::pem::{self, PemError};

/// The PEM labels OpenSSL's `PEM_read_bio_X509_AUX` accepts as a certificate.
const CERT_LABELS: [&str; 3] = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"];

/// Loads every certificate of `data`, as Node's `cert` option reads it
/// (`tls.createSecureContext({cert})`): the first is the leaf, the others the chain.
///
/// `data` is PEM: all `CERTIFICATE` blocks (also `X509 CERTIFICATE` and `TRUSTED
/// CERTIFICATE`), with text and other blocks around them skipped; or, beyond Node
/// (whose `cert` takes PEM only), one DER certificate.
///
/// # Errors
/// As Node: `ERR_OSSL_PEM_NO_START_LINE` (no certificate block, including an empty
/// buffer), `ERR_OSSL_PEM_BAD_END_LINE` (truncated block), `ERR_OSSL_PEM_BAD_BASE64_DECODE`,
/// `ERR_OSSL_ASN1_*` (malformed DER inside a block); `ERR_NODETLS_EMPTY_PEM_BLOCK`
/// (project) for an empty block.
pub fn load_certificates(data: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    if !pem::has_begin_line(data) {
        return match check_cert_der(data, false) {
            Ok(()) => Ok(vec![CertificateDer::from(data.to_vec())]),
            Err(_) => Err(no_start_line()),
        };
    }
    let mut reader = pem::Reader::new(data);
    let mut certs = Vec::new();
    while let Some(block) = reader.next_block() {
        let block = block.map_err(pem_error)?;
        if !CERT_LABELS.contains(&block.label.as_str()) {
            continue;
        }
        certs.push(cert_from_block(block, certs.is_empty())?);
    }
    if certs.is_empty() {
        return Err(no_start_line());
    }
    Ok(certs)
}

/// Loads the certificates of one `ca` entry the way Node does: OpenSSL's
/// `PEM_read_bio_X509_AUX` in a loop that stops silently at the first block it
/// cannot read, so garbage, a truncated block or a key-only file give fewer (or
/// no) certificates and never an error. Beyond Node, input without any PEM BEGIN
/// line that is one DER certificate gives that certificate.
pub fn load_ca_certificates(data: &[u8]) -> Vec<CertificateDer<'static>> {
    if !pem::has_begin_line(data) {
        return match check_cert_der(data, false) {
            Ok(()) => vec![CertificateDer::from(data.to_vec())],
            Err(_) => Vec::new(),
        };
    }
    let mut reader = pem::Reader::new(data);
    let mut certs = Vec::new();
    while let Some(Ok(block)) = reader.next_block() {
        if !CERT_LABELS.contains(&block.label.as_str()) {
            continue;
        }
        match cert_from_block(block, true) {
            Ok(cert) => certs.push(cert),
            Err(_) => break,
        }
    }
    certs
}

fn no_start_line() -> Error {
    Error::PemNoStartLine {
        expected: "CERTIFICATE",
    }
}

pub(crate) fn pem_error(e: PemError) -> Error {
    match e {
        PemError::BadEndLine => Error::PemBadEndLine,
        PemError::BadBase64 => Error::PemBadBase64,
    }
}

fn cert_from_block(block: pem::Block, first: bool) -> Result<CertificateDer<'static>> {
    if block.der.is_empty() {
        return Err(Error::EmptyPemBlock);
    }
    let mut der = block.der;
    if block.label == "TRUSTED CERTIFICATE" {
        // OpenSSL's "aux" trust settings follow the certificate: keep the certificate.
        let len = der::split_tlv(&der).map_or(der.len(), |(t, _)| t.raw.len());
        der.truncate(len);
    }
    // The first certificate is read with `d2i_X509_AUX`, which takes trailing
    // bytes as (malformed) aux data; chain certificates with `d2i_X509`.
    check_cert_der(&der, !first).map_err(Error::BadCertificate)?;
    if !first {
        if let Ok((tlv, _)) = der::split_tlv(&der) {
            let len = tlv.raw.len();
            der.truncate(len);
        }
    }
    Ok(CertificateDer::from(der))
}

/// Validates a certificate's DER, naming the failure as OpenSSL's ASN.1 decoder
/// would for the common cases: a wrong outer tag, a length past the end, a cut
/// header or trailing bytes, an empty SEQUENCE. Deeper damage that keeps every
/// length consistent but fails to parse as X.509 is reported as `wrong tag`.
pub(crate) fn check_cert_der(data: &[u8], allow_trailing: bool) -> Result<(), Asn1Reason> {
    let (tlv, rest) = der::split_tlv(data).map_err(tlv_reason)?;
    if tlv.tag != der::SEQUENCE {
        return Err(Asn1Reason::WrongTag);
    }
    if !rest.is_empty() && !allow_trailing {
        return Err(Asn1Reason::HeaderTooLong);
    }
    if tlv.value.is_empty() {
        return Err(Asn1Reason::FieldMissing);
    }
    walk(tlv.value, 0)?;
    match x509_parser::parse_x509_certificate(tlv.raw) {
        Ok(([], _)) => Ok(()),
        _ => Err(Asn1Reason::WrongTag),
    }
}

fn tlv_reason(e: TlvError) -> Asn1Reason {
    match e {
        TlvError::HeaderTooLong => Asn1Reason::HeaderTooLong,
        TlvError::TooLong => Asn1Reason::TooLong,
    }
}

/// Checks that every constructed element's contents are well-formed TLVs.
fn walk(mut data: &[u8], depth: u32) -> Result<(), Asn1Reason> {
    // X.509 nests about ten levels deep; anything much deeper is hostile.
    if depth > 32 {
        return Err(Asn1Reason::WrongTag);
    }
    while !data.is_empty() {
        let (tlv, rest) = der::split_tlv(data).map_err(tlv_reason)?;
        if tlv.tag & 0x20 != 0 {
            walk(tlv.value, depth + 1)?;
        }
        data = rest;
    }
    Ok(())
}
