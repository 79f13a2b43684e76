//! The nine suites this stack implements (rustls with ring), their names as Node
//! reports them, and Node's defaults.

use rustls::crypto::ring::cipher_suite as ring_suites;
use rustls::{CipherSuite, SupportedCipherSuite};

/// Node 20's `tls.DEFAULT_CIPHERS` (the value of `node --tls-cipher-list` when not
/// given), character for character.
pub const DEFAULT_CIPHERS: &str = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:\
TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:\
ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:\
ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:\
DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:\
!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA";

/// OpenSSL's default TLS 1.3 suites, used when a list names none (Node then
/// does not call `SSL_CTX_set_ciphersuites`).
pub(crate) const DEFAULT_TLS13: [&str; 3] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
];

/// One implemented suite: the rustls suite and the names Node gives it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Implemented {
    pub(crate) suite: SupportedCipherSuite,
    /// OpenSSL's name (`getCipher().name`): the IANA name for TLS 1.3.
    pub(crate) name: &'static str,
    /// The IANA name (`getCipher().standardName`).
    pub(crate) standard_name: &'static str,
    /// `tls.getCiphers()` spelling: OpenSSL's name in lower case.
    pub(crate) lower_name: &'static str,
    /// `SSL_CIPHER_get_version()`: the suite's lowest protocol version.
    pub(crate) version: &'static str,
}

/// The nine suites rustls with ring implements, TLS 1.3 first.
pub(crate) static IMPLEMENTED: [Implemented; 9] = [
    Implemented {
        suite: ring_suites::TLS13_AES_256_GCM_SHA384,
        name: "TLS_AES_256_GCM_SHA384",
        standard_name: "TLS_AES_256_GCM_SHA384",
        lower_name: "tls_aes_256_gcm_sha384",
        version: "TLSv1.3",
    },
    Implemented {
        suite: ring_suites::TLS13_AES_128_GCM_SHA256,
        name: "TLS_AES_128_GCM_SHA256",
        standard_name: "TLS_AES_128_GCM_SHA256",
        lower_name: "tls_aes_128_gcm_sha256",
        version: "TLSv1.3",
    },
    Implemented {
        suite: ring_suites::TLS13_CHACHA20_POLY1305_SHA256,
        name: "TLS_CHACHA20_POLY1305_SHA256",
        standard_name: "TLS_CHACHA20_POLY1305_SHA256",
        lower_name: "tls_chacha20_poly1305_sha256",
        version: "TLSv1.3",
    },
    Implemented {
        suite: ring_suites::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        name: "ECDHE-ECDSA-AES128-GCM-SHA256",
        standard_name: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        lower_name: "ecdhe-ecdsa-aes128-gcm-sha256",
        version: "TLSv1.2",
    },
    Implemented {
        suite: ring_suites::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        name: "ECDHE-ECDSA-AES256-GCM-SHA384",
        standard_name: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        lower_name: "ecdhe-ecdsa-aes256-gcm-sha384",
        version: "TLSv1.2",
    },
    Implemented {
        suite: ring_suites::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        name: "ECDHE-ECDSA-CHACHA20-POLY1305",
        standard_name: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        lower_name: "ecdhe-ecdsa-chacha20-poly1305",
        version: "TLSv1.2",
    },
    Implemented {
        suite: ring_suites::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        name: "ECDHE-RSA-AES128-GCM-SHA256",
        standard_name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        lower_name: "ecdhe-rsa-aes128-gcm-sha256",
        version: "TLSv1.2",
    },
    Implemented {
        suite: ring_suites::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        name: "ECDHE-RSA-AES256-GCM-SHA384",
        standard_name: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        lower_name: "ecdhe-rsa-aes256-gcm-sha384",
        version: "TLSv1.2",
    },
    Implemented {
        suite: ring_suites::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        name: "ECDHE-RSA-CHACHA20-POLY1305",
        standard_name: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        lower_name: "ecdhe-rsa-chacha20-poly1305",
        version: "TLSv1.2",
    },
];

/// The implemented suite with this IANA name.
pub(crate) fn implemented_by_standard_name(standard_name: &str) -> Option<&'static Implemented> {
    IMPLEMENTED
        .iter()
        .find(|s| s.standard_name == standard_name)
}

/// The implemented suite with this rustls id.
pub(crate) fn implemented_by_suite(suite: CipherSuite) -> Option<&'static Implemented> {
    IMPLEMENTED.iter().find(|s| s.suite.suite() == suite)
}

/// `tls.getCiphers()`: the names of the supported suites, lower case, sorted.
///
/// Node lists every suite its OpenSSL knows (60-odd, including PSK, SRP, DHE and
/// CCM suites); this returns only the nine this stack can negotiate, with Node's
/// spelling (`ecdhe-rsa-aes128-gcm-sha256`, `tls_aes_128_gcm_sha256`), in Node's
/// (alphabetical) order. A name in this list is accepted by the `ciphers` option.
#[must_use]
pub fn get_ciphers() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = IMPLEMENTED.iter().map(|s| s.lower_name).collect();
    names.sort_unstable();
    names
}

/// `tlsSocket.getCipher()` for a negotiated suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CipherInfo {
    /// `name`: OpenSSL's name (`ECDHE-RSA-AES128-GCM-SHA256`); for TLS 1.3 the
    /// IANA name (`TLS_AES_128_GCM_SHA256`).
    pub name: &'static str,
    /// `standardName`: the IANA name.
    pub standard_name: &'static str,
    /// `version`: the lowest protocol version of the suite (OpenSSL's
    /// `SSL_CIPHER_get_version`), `"TLSv1.2"` or `"TLSv1.3"` for the suites
    /// implemented here, not the negotiated protocol.
    pub version: &'static str,
}

/// `tlsSocket.getCipher()`: Node's description of a suite rustls negotiated,
/// `None` for a suite this stack does not implement.
#[must_use]
pub fn cipher_info(suite: CipherSuite) -> Option<CipherInfo> {
    implemented_by_suite(suite).map(|s| CipherInfo {
        name: s.name,
        standard_name: s.standard_name,
        version: s.version,
    })
}
