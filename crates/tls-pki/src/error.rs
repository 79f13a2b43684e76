//! The one error type of this crate; every variant carries the code Node 20 gives
//! for the same input.

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong loading or describing keys, certificates, PKCS#12 files or CRLs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading a file failed (`ENOENT`, `EACCES`, ...).
    #[error("{context}: {source}")]
    Io {
        /// What was being read.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Bytes that `new crypto.X509Certificate(buf)` would refuse; the code is the
    /// PEM or ASN.1 reason Node reports (see [`crate::legacy::CertificateInputError`]).
    #[error("{0}")]
    CertificateInput(#[from] crate::legacy::CertificateInputError),
    /// `tls.checkServerIdentity`: the host name or IP address is not one the
    /// certificate names (`ERR_TLS_CERT_ALTNAME_INVALID`). `reason` is Node's text
    /// (`"Host: x. is not in the cert's altnames: DNS:..."`).
    #[error("Hostname/IP does not match certificate's altnames: {reason}")]
    CertAltnameInvalid {
        /// Node's `err.reason`.
        reason: String,
        /// Node's `err.host`: the host name checked, without a trailing dot.
        host: String,
    },
    /// `tls.checkServerIdentity`: a quoted `subjectaltname` entry is not a valid
    /// JSON string (`ERR_TLS_CERT_ALTNAME_FORMAT`). Node's own objects never
    /// produce this; a hand-built [`crate::legacy::LegacyCertificate`] can.
    #[error("Invalid subject alternative name string")]
    CertAltnameFormat,

    /// No PEM block of the expected kind (`cert`: garbage, a key, a CRL, DER, an
    /// empty buffer): OpenSSL's `no start line`.
    #[error("no start line: no PEM {expected} block found")]
    PemNoStartLine {
        /// The kind of block that was looked for.
        expected: &'static str,
    },

    /// A PEM block without its matching `-----END ...-----` line (truncated input).
    #[error("bad end line: PEM block not terminated")]
    PemBadEndLine,

    /// A PEM block whose body is not valid base64.
    #[error("bad base64 decode in PEM block")]
    PemBadBase64,

    /// A PEM `CERTIFICATE` block with an empty body. Node throws without a code
    /// (message `SSL_CTX_use_certificate_chain`); project code.
    #[error("empty PEM certificate block")]
    EmptyPemBlock,

    /// A certificate's DER is malformed; the reason mirrors OpenSSL's ASN.1 decoder.
    #[error("malformed certificate: {0}")]
    BadCertificate(Asn1Reason),

    /// A private key that cannot be decoded (garbage, truncated PEM, wrong label for
    /// the contents, a public key, an unknown algorithm): OpenSSL's decoder
    /// `unsupported`.
    #[error("unsupported: no decodable private key ({reason})")]
    KeyUnsupported {
        /// What was wrong, for humans.
        reason: &'static str,
    },

    /// An encrypted key that does not decrypt to a valid key with the passphrase
    /// given (wrong or missing passphrase).
    #[error("bad decrypt: wrong or missing passphrase")]
    BadDecrypt,

    /// A key Node loads but OpenSSL cannot use for TLS (X25519, X448, DH).
    #[error("unknown certificate type: {algorithm} keys cannot sign")]
    UnknownCertificateType {
        /// The key's algorithm.
        algorithm: &'static str,
    },

    /// An encrypted key whose cipher or KDF this crate does not implement (Node,
    /// through OpenSSL, may read it: Camellia, ARIA, DES-CBC, PBES1 with MD5...), or
    /// whose KDF cost exceeds our limit. Project code.
    #[error("unsupported key encryption: {what}")]
    UnsupportedKeyEncryption {
        /// The algorithm or parameter refused.
        what: String,
    },

    /// A key format this crate does not read although Node does (`DSA PRIVATE KEY`).
    /// Project code.
    #[error("unsupported key format: {label}")]
    UnsupportedKeyFormat {
        /// The PEM label.
        label: String,
    },

    /// The private key does not belong to the certificate (same key type, other
    /// key), as `tls.createSecureContext({key, cert})` reports it.
    #[error("key values mismatch: the private key does not match the certificate")]
    KeyValuesMismatch,

    /// A PKCS#12 file whose MAC does not verify: wrong or missing passphrase. Node
    /// throws `mac verify failure` without a code; project code.
    #[error("mac verify failure: wrong or missing PFX passphrase")]
    Pkcs12MacVerifyFailure,

    /// A PKCS#12 file without a MAC opened with a non-empty passphrase. Node throws
    /// `mac absent` without a code; project code.
    #[error("mac absent: the PFX has no MAC but a passphrase was given")]
    Pkcs12MacAbsent,

    /// Bytes that are not a PKCS#12 file. Node throws the ASN.1 reason (`wrong tag`,
    /// `not enough data`, ...) without a code; project code.
    #[error("PFX could not be parsed: {reason}")]
    Pkcs12Parse {
        /// What the parser said.
        reason: String,
    },

    /// A PKCS#12 bag that does not decrypt although the MAC verified (the bag is
    /// encrypted under another password, or uses an unsupported cipher). Project code.
    #[error("PFX bag could not be decrypted: {reason}")]
    Pkcs12Decrypt {
        /// What failed.
        reason: String,
    },

    /// A PKCS#12 file without a private key (`Unable to load private key from PFX
    /// data`) or without a certificate (`Unable to load certificate from PFX data`).
    #[error("Unable to load {what} from PFX data")]
    PfxMissing {
        /// `private key` or `certificate`.
        what: &'static str,
    },

    /// A CRL that cannot be read: Node's `Failed to parse CRL`.
    #[error("Failed to parse CRL")]
    CrlParse,
    /// An option of [`crate::generate`] is out of range or malformed (an empty or
    /// over-long common name, a bad `subjectAltName` entry, `days` of 0, a bad serial).
    /// Node's code for an invalid argument value.
    #[error("invalid value for {option}: {reason}")]
    InvalidGenerateOption {
        /// The option, as the `nodetls cert/pfx/crl` flag names it.
        option: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// The issuer key given to [`crate::generate`] is not the key of the issuer
    /// certificate (or a PKCS#12 key is not the key of its certificate). Node gives
    /// `ERR_OSSL_X509_KEY_VALUES_MISMATCH` when `key` and `cert` do not match.
    #[error("{0}")]
    GenerateKeyMismatch(String),
    /// The issuer certificate is not a CA (no `basicConstraints` with `CA:TRUE`).
    /// Code: OpenSSL's verify code `INVALID_CA`, what a peer would later report.
    #[error("the issuer certificate is not a CA: {0}")]
    IssuerNotCa(String),
    /// The issuer certificate's `keyUsage` does not allow signing certificates
    /// (`KEYUSAGE_NO_CERTSIGN`) or CRLs (`KEYUSAGE_NO_CRL_SIGN`), OpenSSL's verify
    /// codes for a peer checking what we would make.
    #[error("the issuer certificate's keyUsage lacks {usage}")]
    IssuerKeyUsage {
        /// `keyCertSign` or `cRLSign`.
        usage: &'static str,
        /// The OpenSSL verify code.
        code: &'static str,
    },
    /// A key that generation cannot sign with or bundle (not RSA, ECDSA P-256/P-384
    /// or Ed25519, or not parseable). Project code `ERR_NODETLS_UNSUPPORTED_KEY`.
    #[error("unsupported or malformed private key: {0}")]
    UnsupportedGenerateKey(String),
    /// A certificate given to generation does not parse as X.509. Project code
    /// `ERR_NODETLS_BAD_CERTIFICATE`.
    #[error("malformed certificate: {0}")]
    GenerateBadCertificate(String),
    /// Making the key, certificate, PKCS#12 file or CRL failed inside the encoder
    /// (rcgen, rsa, p12-keystore). Project code `ERR_NODETLS_GENERATE_FAILED`.
    #[error("generation failed: {0}")]
    GenerateFailed(String),
}

/// Why a certificate's DER was refused, named after OpenSSL's ASN.1 reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Asn1Reason {
    /// `wrong tag`: an element of the wrong type.
    WrongTag,
    /// `too long`: a length pointing past the data.
    TooLong,
    /// `header too long`: a cut-short header or trailing bytes.
    HeaderTooLong,
    /// `field missing`: a required field is absent.
    FieldMissing,
}

impl std::fmt::Display for Asn1Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Asn1Reason::WrongTag => "wrong tag",
            Asn1Reason::TooLong => "too long",
            Asn1Reason::HeaderTooLong => "header too long",
            Asn1Reason::FieldMissing => "field missing",
        })
    }
}

impl Error {
    /// The Node/OpenSSL error code (`err.code` in Node) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { source, .. } => io_error_code(source),
            Error::CertificateInput(e) => e.code(),
            Error::CertAltnameInvalid { .. } => "ERR_TLS_CERT_ALTNAME_INVALID",
            Error::CertAltnameFormat => "ERR_TLS_CERT_ALTNAME_FORMAT",
            Error::PemNoStartLine { .. } => "ERR_OSSL_PEM_NO_START_LINE",
            Error::PemBadEndLine => "ERR_OSSL_PEM_BAD_END_LINE",
            Error::PemBadBase64 => "ERR_OSSL_PEM_BAD_BASE64_DECODE",
            Error::EmptyPemBlock => "ERR_NODETLS_EMPTY_PEM_BLOCK",
            Error::BadCertificate(reason) => match reason {
                Asn1Reason::WrongTag => "ERR_OSSL_ASN1_WRONG_TAG",
                Asn1Reason::TooLong => "ERR_OSSL_ASN1_TOO_LONG",
                Asn1Reason::HeaderTooLong => "ERR_OSSL_ASN1_HEADER_TOO_LONG",
                Asn1Reason::FieldMissing => "ERR_OSSL_ASN1_FIELD_MISSING",
            },
            Error::KeyUnsupported { .. } => "ERR_OSSL_UNSUPPORTED",
            Error::BadDecrypt => "ERR_OSSL_BAD_DECRYPT",
            Error::UnknownCertificateType { .. } => "ERR_SSL_UNKNOWN_CERTIFICATE_TYPE",
            Error::UnsupportedKeyEncryption { .. } => "ERR_NODETLS_UNSUPPORTED_KEY_ENCRYPTION",
            Error::UnsupportedKeyFormat { .. } => "ERR_NODETLS_UNSUPPORTED_KEY_FORMAT",
            Error::KeyValuesMismatch | Error::GenerateKeyMismatch(_) => {
                "ERR_OSSL_X509_KEY_VALUES_MISMATCH"
            }
            Error::Pkcs12MacVerifyFailure => "ERR_PKCS12_MAC_VERIFY_FAILURE",
            Error::Pkcs12MacAbsent => "ERR_PKCS12_MAC_ABSENT",
            Error::Pkcs12Parse { .. } => "ERR_PKCS12_PARSE_FAILURE",
            Error::Pkcs12Decrypt { .. } => "ERR_PKCS12_DECRYPT_FAILURE",
            Error::PfxMissing { .. } | Error::CrlParse => "ERR_CRYPTO_OPERATION_FAILED",
            Error::InvalidGenerateOption { .. } => "ERR_INVALID_ARG_VALUE",
            Error::IssuerNotCa(_) => "INVALID_CA",
            Error::IssuerKeyUsage { code, .. } => code,
            Error::UnsupportedGenerateKey(_) => "ERR_NODETLS_UNSUPPORTED_KEY",
            Error::GenerateBadCertificate(_) => "ERR_NODETLS_BAD_CERTIFICATE",
            Error::GenerateFailed(_) => "ERR_NODETLS_GENERATE_FAILED",
        }
    }
}

/// The code Node gives to an operating-system error (`ENOENT`, `ECONNREFUSED`, ...).
pub fn io_error_code(err: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::NotFound => "ENOENT",
        K::PermissionDenied => "EACCES",
        K::ConnectionRefused => "ECONNREFUSED",
        // A peer that closes mid-record is reported as a reset, as Node does.
        K::ConnectionReset | K::UnexpectedEof => "ECONNRESET",
        K::ConnectionAborted => "ECONNABORTED",
        K::BrokenPipe => "EPIPE",
        K::AddrInUse => "EADDRINUSE",
        K::AddrNotAvailable => "EADDRNOTAVAIL",
        K::TimedOut => "ETIMEDOUT",
        K::IsADirectory => "EISDIR",
        K::NotADirectory => "ENOTDIR",
        K::HostUnreachable => "EHOSTUNREACH",
        K::NetworkUnreachable => "ENETUNREACH",
        K::InvalidInput => "EINVAL",
        _ => "EIO",
    }
}
