//! Certificate revocation lists as Node's `crl` option accepts them.

use rustls_pki_types::CertificateRevocationListDer;

use crate::error::{Error, Result};
use crate::pem;

/// Loads the CRLs of `data` (Node's `crl` option, `tls.createSecureContext({crl})`).
///
/// `data` is PEM with one or more `X509 CRL` blocks (text and other blocks around
/// them skipped) or, beyond Node (PEM only), one DER CRL. Each CRL is parsed as
/// X.509 to refuse garbage. Node reads only the first CRL of a PEM string; we
/// return all of them.
///
/// # Errors
/// `ERR_CRYPTO_OPERATION_FAILED` (`Failed to parse CRL`) for anything Node refuses:
/// no CRL block, a truncated or malformed block, DER that is not a CRL.
pub fn load_crls(data: &[u8]) -> Result<Vec<CertificateRevocationListDer<'static>>> {
    if !pem::has_begin_line(data) {
        check_crl(data)?;
        return Ok(vec![CertificateRevocationListDer::from(data.to_vec())]);
    }
    let mut reader = pem::Reader::new(data);
    let mut crls = Vec::new();
    while let Some(block) = reader.next_block() {
        let block = block.map_err(|_| Error::CrlParse)?;
        if block.label != "X509 CRL" {
            continue;
        }
        check_crl(&block.der)?;
        crls.push(CertificateRevocationListDer::from(block.der));
    }
    if crls.is_empty() {
        return Err(Error::CrlParse);
    }
    Ok(crls)
}

fn check_crl(der: &[u8]) -> Result<()> {
    match x509_parser::parse_x509_crl(der) {
        Ok(([], _)) => Ok(()),
        _ => Err(Error::CrlParse),
    }
}
