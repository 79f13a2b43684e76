//! Node's legacy certificate object (`X509Certificate#toLegacyObject()`,
//! `tlsSocket.getPeerCertificate([detailed])`), built without OpenSSL.
//!
//! The formats are Node 20's, read from its sources (`src/crypto/crypto_common.cc`,
//! `lib/_tls_common.js`) and checked against a live `node` by the
//! differential tests (`crates/nodetls/tests/x509.rs`,
//! `crates/tls-pki/tests/legacy_*.rs`).
//!
//! # Example
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Any DER certificate; here one made with rcgen.
//! let key = rcgen::KeyPair::generate()?;
//! let cert = rcgen::CertificateParams::new(vec!["example.com".into()])?.self_signed(&key)?;
//!
//! let legacy = tls_pki::LegacyCertificate::from_der(cert.der())?;
//! assert_eq!(legacy.subjectaltname.value().map(String::as_str), Some("DNS:example.com"));
//! let json = legacy.to_json(); // what JSON.stringify(x509.toLegacyObject()) gives
//! assert!(json["fingerprint256"].is_string());
//!
//! tls_pki::check_server_identity("example.com", &legacy)?;
//! let err = tls_pki::check_server_identity("other.example", &legacy).unwrap_err();
//! assert_eq!(err.code(), "ERR_TLS_CERT_ALTNAME_INVALID");
//! # Ok(()) }
//! ```

mod cert;
mod der;
mod general_name;
mod input;
mod name;
mod oids;
mod peer;
mod time;

pub use cert::{LegacyCertificate, LegacyField, LegacyPublicKey};
pub use name::{DistinguishedName, NameValue};
pub use peer::PeerCertificate;

pub(crate) use general_name::json_string as json_string_value;

/// Whether `data` starts like a DER PKCS#12 file: `SEQUENCE { INTEGER 3, ... }`
/// (PFX version 3). Step 2 of `nodetls x509` (shared/spec/cli.md) reads such a
/// file as Node's `pfx` option does when it is not a certificate.
pub fn is_der_pkcs12(data: &[u8]) -> bool {
    let Some((&0x30, rest)) = data.split_first() else {
        return false;
    };
    // Skip the SEQUENCE length (short or long form).
    let body = match rest.split_first() {
        Some((&l, r)) if l < 0x80 => r,
        Some((&l, r)) if (0x81..=0x84).contains(&l) => {
            r.get(usize::from(l & 0x7f)..).unwrap_or(&[])
        }
        _ => return false,
    };
    body.starts_with(&[0x02, 0x01, 0x03])
}

#[cfg(test)]
mod tests {
    use super::is_der_pkcs12;

    #[test]
    fn detects_pfx_version_3() {
        assert!(is_der_pkcs12(&[
            0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30
        ]));
        assert!(is_der_pkcs12(&[0x30, 0x10, 0x02, 0x01, 0x03]));
        assert!(!is_der_pkcs12(&[0x30, 0x82, 0x01, 0x00, 0x30, 0x82]));
        assert!(!is_der_pkcs12(&[0x30, 0x84, 0x01]));
        assert!(!is_der_pkcs12(&[]));
    }
}

/// Why bytes could not be read as a certificate, with the code Node 20 reports
/// for `new crypto.X509Certificate(buf)` on the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateInputError {
    /// No certificate PEM block and not a DER certificate: garbage, a key, a CRL,
    /// an empty buffer (`ERR_OSSL_PEM_NO_START_LINE`).
    #[error("no start line: no certificate found")]
    PemNoStartLine,
    /// A PEM block without its END line, or with another END line
    /// (`ERR_OSSL_PEM_BAD_END_LINE`).
    #[error("bad end line: truncated or malformed PEM")]
    PemBadEndLine,
    /// A PEM block whose body is not base64 (`ERR_OSSL_PEM_BAD_BASE64_DECODE`).
    #[error("bad base64 decode")]
    PemBadBase64Decode,
    /// A certificate block with headers that are not `Proc-Type: 4,...`
    /// (`ERR_OSSL_PEM_NOT_PROC_TYPE`).
    #[error("not proc type: unexpected PEM headers")]
    PemNotProcType,
    /// A certificate block with `Proc-Type: 4,` but not `ENCRYPTED`
    /// (`ERR_OSSL_PEM_NOT_ENCRYPTED`).
    #[error("not encrypted: unsupported PEM Proc-Type")]
    PemNotEncrypted,
    /// An encrypted certificate block (`Proc-Type: 4,ENCRYPTED`) whose data is
    /// whole cipher blocks. Node has no passphrase for certificates and fails to
    /// decrypt (`ERR_OSSL_BAD_DECRYPT`); so do we, without trying.
    #[error("bad decrypt: encrypted PEM certificates cannot be read")]
    PemBadDecrypt,
    /// An encrypted certificate block whose data is not whole cipher blocks
    /// (`ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH`).
    #[error("wrong final block length: encrypted PEM certificates cannot be read")]
    PemWrongFinalBlockLength,
    /// An encrypted certificate block without a `DEK-Info:` line
    /// (`ERR_OSSL_PEM_NOT_DEK_INFO`).
    #[error("not dek info: encrypted PEM block without DEK-Info")]
    PemNotDekInfo,
    /// An encrypted certificate block with a cipher OpenSSL does not know (or a
    /// mode we do not model) (`ERR_OSSL_PEM_UNSUPPORTED_ENCRYPTION`).
    #[error("unsupported encryption")]
    PemUnsupportedEncryption,
    /// A length runs past the end of the data (`ERR_OSSL_ASN1_TOO_LONG`).
    #[error("asn1: too long")]
    Asn1TooLong,
    /// An element with the wrong type (`ERR_OSSL_ASN1_WRONG_TAG`).
    #[error("asn1: wrong tag")]
    Asn1WrongTag,
    /// A required element is missing (`ERR_OSSL_ASN1_FIELD_MISSING`).
    #[error("asn1: field missing")]
    Asn1FieldMissing,
    /// A badly encoded INTEGER (`ERR_OSSL_ASN1_ILLEGAL_PADDING`).
    #[error("asn1: illegal padding")]
    Asn1IllegalPadding,
    /// An element header OpenSSL refuses (`ERR_OSSL_ASN1_BAD_OBJECT_HEADER`).
    #[error("asn1: bad object header")]
    Asn1BadObjectHeader,
    /// A name attribute value of a type X.509 names cannot hold (OCTET STRING,
    /// INTEGER, VisibleString, UTCTime...) (`ERR_OSSL_ASN1_MSTRING_WRONG_TAG`).
    #[error("asn1: mstring wrong tag")]
    Asn1MstringWrongTag,
    /// A name attribute UTF8String that is not UTF-8
    /// (`ERR_OSSL_ASN1_INVALID_UTF8STRING`).
    #[error("asn1: invalid utf8string")]
    Asn1InvalidUtf8String,
    /// A name attribute BMPString/UniversalString with a surrogate or a value above
    /// U+10FFFF (`ERR_OSSL_ASN1_ILLEGAL_CHARACTERS`).
    #[error("asn1: illegal characters")]
    Asn1IllegalCharacters,
    /// A name attribute BMPString of odd length
    /// (`ERR_OSSL_ASN1_INVALID_BMPSTRING_LENGTH`).
    #[error("asn1: invalid bmpstring length")]
    Asn1InvalidBmpStringLength,
    /// A name attribute UniversalString whose length is not a multiple of 4
    /// (`ERR_OSSL_ASN1_INVALID_UNIVERSALSTRING_LENGTH`).
    #[error("asn1: invalid universalstring length")]
    Asn1InvalidUniversalStringLength,
}

impl CertificateInputError {
    /// Node's `err.code`.
    pub fn code(self) -> &'static str {
        match self {
            CertificateInputError::PemNoStartLine => "ERR_OSSL_PEM_NO_START_LINE",
            CertificateInputError::PemBadEndLine => "ERR_OSSL_PEM_BAD_END_LINE",
            CertificateInputError::PemBadBase64Decode => "ERR_OSSL_PEM_BAD_BASE64_DECODE",
            CertificateInputError::PemNotProcType => "ERR_OSSL_PEM_NOT_PROC_TYPE",
            CertificateInputError::PemNotEncrypted => "ERR_OSSL_PEM_NOT_ENCRYPTED",
            CertificateInputError::PemBadDecrypt => "ERR_OSSL_BAD_DECRYPT",
            CertificateInputError::PemWrongFinalBlockLength => "ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH",
            CertificateInputError::PemNotDekInfo => "ERR_OSSL_PEM_NOT_DEK_INFO",
            CertificateInputError::PemUnsupportedEncryption => {
                "ERR_OSSL_PEM_UNSUPPORTED_ENCRYPTION"
            }
            CertificateInputError::Asn1TooLong => "ERR_OSSL_ASN1_TOO_LONG",
            CertificateInputError::Asn1WrongTag => "ERR_OSSL_ASN1_WRONG_TAG",
            CertificateInputError::Asn1FieldMissing => "ERR_OSSL_ASN1_FIELD_MISSING",
            CertificateInputError::Asn1IllegalPadding => "ERR_OSSL_ASN1_ILLEGAL_PADDING",
            CertificateInputError::Asn1BadObjectHeader => "ERR_OSSL_ASN1_BAD_OBJECT_HEADER",
            CertificateInputError::Asn1MstringWrongTag => "ERR_OSSL_ASN1_MSTRING_WRONG_TAG",
            CertificateInputError::Asn1InvalidUtf8String => "ERR_OSSL_ASN1_INVALID_UTF8STRING",
            CertificateInputError::Asn1IllegalCharacters => "ERR_OSSL_ASN1_ILLEGAL_CHARACTERS",
            CertificateInputError::Asn1InvalidBmpStringLength => {
                "ERR_OSSL_ASN1_INVALID_BMPSTRING_LENGTH"
            }
            CertificateInputError::Asn1InvalidUniversalStringLength => {
                "ERR_OSSL_ASN1_INVALID_UNIVERSALSTRING_LENGTH"
            }
        }
    }
}
