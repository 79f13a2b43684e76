//! OpenSSL's `X509_V_ERR_*` verification results, with the code Node reports.

use std::fmt;

/// One OpenSSL verification error (`X509_V_ERR_*`) this crate can report.
///
/// Numbers and messages are OpenSSL 3.0's (`X509_verify_cert_error_string`);
/// [`X509Error::node_code`] is what Node puts in `err.code` /
/// `socket.authorizationError` (Node's `X509ErrorCode` table, which maps every
/// error it does not list to `UNSPECIFIED`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum X509Error {
    /// `X509_V_ERR_UNSPECIFIED` (1).
    Unspecified,
    /// `X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT` (2).
    UnableToGetIssuerCert,
    /// `X509_V_ERR_UNABLE_TO_GET_CRL` (3).
    UnableToGetCrl,
    /// `X509_V_ERR_CERT_SIGNATURE_FAILURE` (7).
    CertSignatureFailure,
    /// `X509_V_ERR_CRL_SIGNATURE_FAILURE` (8).
    CrlSignatureFailure,
    /// `X509_V_ERR_CERT_NOT_YET_VALID` (9).
    CertNotYetValid,
    /// `X509_V_ERR_CERT_HAS_EXPIRED` (10).
    CertHasExpired,
    /// `X509_V_ERR_CRL_NOT_YET_VALID` (11).
    CrlNotYetValid,
    /// `X509_V_ERR_CRL_HAS_EXPIRED` (12).
    CrlHasExpired,
    /// `X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT` (18).
    DepthZeroSelfSignedCert,
    /// `X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN` (19).
    SelfSignedCertInChain,
    /// `X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY` (20).
    UnableToGetIssuerCertLocally,
    /// `X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE` (21).
    UnableToVerifyLeafSignature,
    /// `X509_V_ERR_CERT_CHAIN_TOO_LONG` (22).
    CertChainTooLong,
    /// `X509_V_ERR_CERT_REVOKED` (23).
    CertRevoked,
    /// `X509_V_ERR_INVALID_CA` (79 in OpenSSL 3.0).
    InvalidCa,
    /// `X509_V_ERR_PATH_LENGTH_EXCEEDED` (25).
    PathLengthExceeded,
    /// `X509_V_ERR_INVALID_PURPOSE` (26).
    InvalidPurpose,
    /// `X509_V_ERR_KEYUSAGE_NO_CERTSIGN` (32).
    KeyUsageNoCertSign,
    /// `X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION` (34).
    UnhandledCriticalExtension,
    /// `X509_V_ERR_KEYUSAGE_NO_CRL_SIGN` (35).
    KeyUsageNoCrlSign,
    /// `X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION` (36).
    UnhandledCriticalCrlExtension,
    /// `X509_V_ERR_DIFFERENT_CRL_SCOPE` (44).
    DifferentCrlScope,
    /// `X509_V_ERR_PERMITTED_VIOLATION` (47).
    PermittedViolation,
    /// `X509_V_ERR_EXCLUDED_VIOLATION` (48).
    ExcludedViolation,
    /// `X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE` (51).
    UnsupportedConstraintType,
    /// `X509_V_ERR_UNSUPPORTED_NAME_SYNTAX` (53).
    UnsupportedNameSyntax,
    /// `X509_V_ERR_EE_KEY_TOO_SMALL` (66).
    EeKeyTooSmall,
    /// `X509_V_ERR_CA_KEY_TOO_SMALL` (67).
    CaKeyTooSmall,
    /// `X509_V_ERR_CA_MD_TOO_WEAK` (68).
    CaMdTooWeak,
}

impl X509Error {
    /// Every variant, for documentation and tests.
    pub const ALL: [X509Error; 30] = [
        X509Error::Unspecified,
        X509Error::UnableToGetIssuerCert,
        X509Error::UnableToGetCrl,
        X509Error::CertSignatureFailure,
        X509Error::CrlSignatureFailure,
        X509Error::CertNotYetValid,
        X509Error::CertHasExpired,
        X509Error::CrlNotYetValid,
        X509Error::CrlHasExpired,
        X509Error::DepthZeroSelfSignedCert,
        X509Error::SelfSignedCertInChain,
        X509Error::UnableToGetIssuerCertLocally,
        X509Error::UnableToVerifyLeafSignature,
        X509Error::CertChainTooLong,
        X509Error::CertRevoked,
        X509Error::InvalidCa,
        X509Error::PathLengthExceeded,
        X509Error::InvalidPurpose,
        X509Error::KeyUsageNoCertSign,
        X509Error::UnhandledCriticalExtension,
        X509Error::KeyUsageNoCrlSign,
        X509Error::UnhandledCriticalCrlExtension,
        X509Error::DifferentCrlScope,
        X509Error::PermittedViolation,
        X509Error::ExcludedViolation,
        X509Error::UnsupportedConstraintType,
        X509Error::UnsupportedNameSyntax,
        X509Error::EeKeyTooSmall,
        X509Error::CaKeyTooSmall,
        X509Error::CaMdTooWeak,
    ];

    /// OpenSSL's number (`X509_V_ERR_*` value), as `openssl verify` prints it.
    pub fn number(self) -> i32 {
        match self {
            X509Error::Unspecified => 1,
            X509Error::UnableToGetIssuerCert => 2,
            X509Error::UnableToGetCrl => 3,
            X509Error::CertSignatureFailure => 7,
            X509Error::CrlSignatureFailure => 8,
            X509Error::CertNotYetValid => 9,
            X509Error::CertHasExpired => 10,
            X509Error::CrlNotYetValid => 11,
            X509Error::CrlHasExpired => 12,
            X509Error::DepthZeroSelfSignedCert => 18,
            X509Error::SelfSignedCertInChain => 19,
            X509Error::UnableToGetIssuerCertLocally => 20,
            X509Error::UnableToVerifyLeafSignature => 21,
            X509Error::CertChainTooLong => 22,
            X509Error::CertRevoked => 23,
            X509Error::InvalidCa => 79,
            X509Error::PathLengthExceeded => 25,
            X509Error::InvalidPurpose => 26,
            X509Error::KeyUsageNoCertSign => 32,
            X509Error::UnhandledCriticalExtension => 34,
            X509Error::KeyUsageNoCrlSign => 35,
            X509Error::UnhandledCriticalCrlExtension => 36,
            X509Error::DifferentCrlScope => 44,
            X509Error::PermittedViolation => 47,
            X509Error::ExcludedViolation => 48,
            X509Error::UnsupportedConstraintType => 51,
            X509Error::UnsupportedNameSyntax => 53,
            X509Error::EeKeyTooSmall => 66,
            X509Error::CaKeyTooSmall => 67,
            X509Error::CaMdTooWeak => 68,
        }
    }

    /// OpenSSL's name without the `X509_V_ERR_` prefix.
    pub fn openssl_name(self) -> &'static str {
        match self {
            X509Error::Unspecified => "UNSPECIFIED",
            X509Error::UnableToGetIssuerCert => "UNABLE_TO_GET_ISSUER_CERT",
            X509Error::UnableToGetCrl => "UNABLE_TO_GET_CRL",
            X509Error::CertSignatureFailure => "CERT_SIGNATURE_FAILURE",
            X509Error::CrlSignatureFailure => "CRL_SIGNATURE_FAILURE",
            X509Error::CertNotYetValid => "CERT_NOT_YET_VALID",
            X509Error::CertHasExpired => "CERT_HAS_EXPIRED",
            X509Error::CrlNotYetValid => "CRL_NOT_YET_VALID",
            X509Error::CrlHasExpired => "CRL_HAS_EXPIRED",
            X509Error::DepthZeroSelfSignedCert => "DEPTH_ZERO_SELF_SIGNED_CERT",
            X509Error::SelfSignedCertInChain => "SELF_SIGNED_CERT_IN_CHAIN",
            X509Error::UnableToGetIssuerCertLocally => "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
            X509Error::UnableToVerifyLeafSignature => "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            X509Error::CertChainTooLong => "CERT_CHAIN_TOO_LONG",
            X509Error::CertRevoked => "CERT_REVOKED",
            X509Error::InvalidCa => "INVALID_CA",
            X509Error::PathLengthExceeded => "PATH_LENGTH_EXCEEDED",
            X509Error::InvalidPurpose => "INVALID_PURPOSE",
            X509Error::KeyUsageNoCertSign => "KEYUSAGE_NO_CERTSIGN",
            X509Error::UnhandledCriticalExtension => "UNHANDLED_CRITICAL_EXTENSION",
            X509Error::KeyUsageNoCrlSign => "KEYUSAGE_NO_CRL_SIGN",
            X509Error::UnhandledCriticalCrlExtension => "UNHANDLED_CRITICAL_CRL_EXTENSION",
            X509Error::DifferentCrlScope => "DIFFERENT_CRL_SCOPE",
            X509Error::PermittedViolation => "PERMITTED_VIOLATION",
            X509Error::ExcludedViolation => "EXCLUDED_VIOLATION",
            X509Error::UnsupportedConstraintType => "UNSUPPORTED_CONSTRAINT_TYPE",
            X509Error::UnsupportedNameSyntax => "UNSUPPORTED_NAME_SYNTAX",
            X509Error::EeKeyTooSmall => "EE_KEY_TOO_SMALL",
            X509Error::CaKeyTooSmall => "CA_KEY_TOO_SMALL",
            X509Error::CaMdTooWeak => "CA_MD_TOO_WEAK",
        }
    }

    /// OpenSSL 3.0's message (`X509_verify_cert_error_string`), which Node uses
    /// as `err.message`.
    pub fn message(self) -> &'static str {
        match self {
            X509Error::Unspecified => "unspecified certificate verification error",
            X509Error::UnableToGetIssuerCert => "unable to get issuer certificate",
            X509Error::UnableToGetCrl => "unable to get certificate CRL",
            X509Error::CertSignatureFailure => "certificate signature failure",
            X509Error::CrlSignatureFailure => "CRL signature failure",
            X509Error::CertNotYetValid => "certificate is not yet valid",
            X509Error::CertHasExpired => "certificate has expired",
            X509Error::CrlNotYetValid => "CRL is not yet valid",
            X509Error::CrlHasExpired => "CRL has expired",
            X509Error::DepthZeroSelfSignedCert => "self-signed certificate",
            X509Error::SelfSignedCertInChain => "self-signed certificate in certificate chain",
            X509Error::UnableToGetIssuerCertLocally => "unable to get local issuer certificate",
            X509Error::UnableToVerifyLeafSignature => "unable to verify the first certificate",
            X509Error::CertChainTooLong => "certificate chain too long",
            X509Error::CertRevoked => "certificate revoked",
            X509Error::InvalidCa => "invalid CA certificate",
            X509Error::PathLengthExceeded => "path length constraint exceeded",
            X509Error::InvalidPurpose => "unsuitable certificate purpose",
            X509Error::KeyUsageNoCertSign => "key usage does not include certificate signing",
            X509Error::UnhandledCriticalExtension => "unhandled critical extension",
            X509Error::KeyUsageNoCrlSign => "key usage does not include CRL signing",
            X509Error::UnhandledCriticalCrlExtension => "unhandled critical CRL extension",
            X509Error::DifferentCrlScope => "different CRL scope",
            X509Error::PermittedViolation => "permitted subtree violation",
            X509Error::ExcludedViolation => "excluded subtree violation",
            X509Error::UnsupportedConstraintType => "unsupported name constraint type",
            X509Error::UnsupportedNameSyntax => "unsupported or invalid name syntax",
            X509Error::EeKeyTooSmall => "EE certificate key too weak",
            X509Error::CaKeyTooSmall => "CA certificate key too weak",
            X509Error::CaMdTooWeak => "CA signature digest algorithm too weak",
        }
    }

    /// The code Node 20 reports (`err.code`, `socket.authorizationError`): the
    /// OpenSSL name for the errors Node's `X509ErrorCode` lists, `UNSPECIFIED`
    /// for the rest.
    pub fn node_code(self) -> &'static str {
        match self {
            X509Error::KeyUsageNoCertSign
            | X509Error::UnhandledCriticalExtension
            | X509Error::KeyUsageNoCrlSign
            | X509Error::UnhandledCriticalCrlExtension
            | X509Error::DifferentCrlScope
            | X509Error::PermittedViolation
            | X509Error::ExcludedViolation
            | X509Error::UnsupportedConstraintType
            | X509Error::UnsupportedNameSyntax
            | X509Error::EeKeyTooSmall
            | X509Error::CaKeyTooSmall
            | X509Error::CaMdTooWeak
            | X509Error::Unspecified => "UNSPECIFIED",
            other => other.openssl_name(),
        }
    }
}

/// Why a peer's certificate chain was not trusted, as Node reports it.
///
/// `code` is Node's `err.code` / `socket.authorizationError` (for example
/// `DEPTH_ZERO_SELF_SIGNED_CERT`), `message` OpenSSL's text (Node's
/// `err.message`, for example `"self-signed certificate"`), `depth` the chain
/// depth OpenSSL reports the error at (0 = the peer's own certificate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// Node's code, e.g. `CERT_HAS_EXPIRED`.
    pub code: &'static str,
    /// OpenSSL's message, e.g. `"certificate has expired"`.
    pub message: &'static str,
    /// Depth in the chain (0 = end entity) the error was recorded at.
    pub depth: usize,
    /// The precise OpenSSL error (Node folds several into `UNSPECIFIED`).
    pub reason: X509Error,
}

/// Node's verdict on a peer that sent no certificate (a server with
/// `requestCert`): `UNABLE_TO_GET_ISSUER_CERT`, as Node's `verifyError()`
/// reports when there is no peer certificate.
pub static NO_PEER_CERTIFICATE: VerifyError = VerifyError {
    code: "UNABLE_TO_GET_ISSUER_CERT",
    message: "unable to get issuer certificate",
    depth: 0,
    reason: X509Error::UnableToGetIssuerCert,
};

impl VerifyError {
    pub(crate) fn new(reason: X509Error, depth: usize) -> Self {
        VerifyError {
            code: reason.node_code(),
            message: reason.message(),
            depth,
            reason,
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for VerifyError {}
