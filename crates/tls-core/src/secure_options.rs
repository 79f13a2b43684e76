//! `secureOptions`: OpenSSL's `SSL_OP_*` bits, as Node exposes them in
//! `crypto.constants`.
//!
//! Each bit Node documents is either *honoured* (it changes what this stack does)
//! or *moot* (it switches off something this stack never does: SSLv2/3, TLS 1.0/1.1,
//! compression, renegotiation, CBC-only extensions, DTLS, old interop workarounds),
//! which is documented per bit in docs/node-compat.md. A bit that is neither fails
//! with `ERR_TLS_UNSUPPORTED_SECURE_OPTION`: nothing is silently ignored.

use crate::{Error, Result};

/// A set of `SSL_OP_*` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SecureOptions(u64);

macro_rules! ops {
    ($($(#[$doc:meta])* $name:ident = $value:expr, $node:literal, $kind:ident;)*) => {
        impl SecureOptions {
            $( $(#[$doc])* pub const $name: SecureOptions = SecureOptions($value); )*
        }
        /// Every known bit: (value, Node's constant name, whether it is honoured).
        const KNOWN: &[(u64, &str, Kind)] = &[$(($value, $node, Kind::$kind)),*];
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Changes behaviour here.
    Honoured,
    /// Disables something this stack never does.
    Moot,
}

ops! {
    /// `SSL_OP_NO_TLSv1_2`: TLS 1.2 is not negotiated.
    NO_TLSV1_2 = 0x0800_0000, "SSL_OP_NO_TLSv1_2", Honoured;
    /// `SSL_OP_NO_TLSv1_3`: TLS 1.3 is not negotiated.
    NO_TLSV1_3 = 0x2000_0000, "SSL_OP_NO_TLSv1_3", Honoured;
    /// `SSL_OP_CIPHER_SERVER_PREFERENCE`: the server's cipher order wins (honorCipherOrder).
    CIPHER_SERVER_PREFERENCE = 0x0040_0000, "SSL_OP_CIPHER_SERVER_PREFERENCE", Honoured;
    /// `SSL_OP_NO_TICKET`: no stateless session tickets; sessions resume by ID / stateful tickets.
    NO_TICKET = 0x4000, "SSL_OP_NO_TICKET", Honoured;
    /// `SSL_OP_NO_SSLv3`: SSLv3 is never spoken here.
    NO_SSLV3 = 0x0200_0000, "SSL_OP_NO_SSLv3", Moot;
    /// `SSL_OP_NO_TLSv1`: TLS 1.0 is never spoken here.
    NO_TLSV1 = 0x0400_0000, "SSL_OP_NO_TLSv1", Moot;
    /// `SSL_OP_NO_TLSv1_1`: TLS 1.1 is never spoken here.
    NO_TLSV1_1 = 0x1000_0000, "SSL_OP_NO_TLSv1_1", Moot;
    /// `SSL_OP_NO_RENEGOTIATION`: renegotiation is always refused here.
    NO_RENEGOTIATION = 0x4000_0000, "SSL_OP_NO_RENEGOTIATION", Moot;
    /// `SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION`: there is no renegotiation to allow.
    ALLOW_UNSAFE_LEGACY_RENEGOTIATION = 0x0004_0000, "SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION", Moot;
    /// `SSL_OP_LEGACY_SERVER_CONNECT`: concerns renegotiation-unaware servers; no renegotiation here.
    LEGACY_SERVER_CONNECT = 0x4, "SSL_OP_LEGACY_SERVER_CONNECT", Moot;
    /// `SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION`: no renegotiation here.
    NO_SESSION_RESUMPTION_ON_RENEGOTIATION = 0x0001_0000, "SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION", Moot;
    /// `SSL_OP_NO_COMPRESSION`: TLS compression is never used here.
    NO_COMPRESSION = 0x0002_0000, "SSL_OP_NO_COMPRESSION", Moot;
    /// `SSL_OP_NO_ENCRYPT_THEN_MAC`: concerns CBC suites, which this stack lacks.
    NO_ENCRYPT_THEN_MAC = 0x0008_0000, "SSL_OP_NO_ENCRYPT_THEN_MAC", Moot;
    /// `SSL_OP_ALLOW_NO_DHE_KEX`: permits, never requires, PSK-only resumption; every
    /// resumption here uses (EC)DHE, which the option allows.
    ALLOW_NO_DHE_KEX = 0x400, "SSL_OP_ALLOW_NO_DHE_KEX", Moot;
    /// `SSL_OP_COOKIE_EXCHANGE`: DTLS only.
    COOKIE_EXCHANGE = 0x2000, "SSL_OP_COOKIE_EXCHANGE", Moot;
    /// `SSL_OP_NO_QUERY_MTU`: DTLS only.
    NO_QUERY_MTU = 0x1000, "SSL_OP_NO_QUERY_MTU", Moot;
    /// `SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS`: a CBC/TLS 1.0 workaround.
    DONT_INSERT_EMPTY_FRAGMENTS = 0x800, "SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS", Moot;
    /// `SSL_OP_TLS_ROLLBACK_BUG`: an SSLv2-era workaround.
    TLS_ROLLBACK_BUG = 0x0080_0000, "SSL_OP_TLS_ROLLBACK_BUG", Moot;
    /// `SSL_OP_CISCO_ANYCONNECT`: a DTLS 0.9 workaround.
    CISCO_ANYCONNECT = 0x8000, "SSL_OP_CISCO_ANYCONNECT", Moot;
    /// `SSL_OP_CRYPTOPRO_TLSEXT_BUG`: a GOST-suite workaround; no GOST here.
    CRYPTOPRO_TLSEXT_BUG = 0x8000_0000, "SSL_OP_CRYPTOPRO_TLSEXT_BUG", Moot;
    /// Part of `SSL_OP_ALL`: `SSL_OP_SAFARI_ECDHE_ECDSA_BUG`, an old Safari workaround.
    SAFARI_ECDHE_ECDSA_BUG = 0x40, "SSL_OP_SAFARI_ECDHE_ECDSA_BUG", Moot;
    /// Part of `SSL_OP_ALL`: `SSL_OP_TLSEXT_PADDING`, a workaround for old F5 servers.
    TLSEXT_PADDING = 0x10, "SSL_OP_TLSEXT_PADDING", Moot;
}

impl SecureOptions {
    /// No bits.
    pub const fn empty() -> Self {
        SecureOptions(0)
    }

    /// `SSL_OP_ALL` as Node 20 reports it (`2147485776`): only moot workarounds.
    pub const ALL: SecureOptions = SecureOptions(0x8000_0850);

    /// Checks every bit of Node's `secureOptions` number.
    pub fn from_bits(bits: u64) -> Result<Self> {
        let mut rest = bits;
        for (value, _, _) in KNOWN {
            rest &= !value;
        }
        if rest != 0 {
            return Err(Error::UnsupportedSecureOption {
                message: format!(
                    "secureOptions bits {rest:#x} are not supported by this stack \
                     (see docs/node-compat.md for the honoured and moot SSL_OP_* bits)"
                ),
            });
        }
        Ok(SecureOptions(bits))
    }

    /// The raw bits.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: SecureOptions) -> bool {
        self.0 & other.0 == other.0
    }

    /// Node's constant names of the bits set, and whether each is honoured
    /// (`true`) or moot (`false`).
    pub fn describe(self) -> Vec<(&'static str, bool)> {
        KNOWN
            .iter()
            .filter(|(v, _, _)| self.0 & v != 0)
            .map(|(_, name, kind)| (*name, *kind == Kind::Honoured))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_bits_pass_unknown_bits_fail() {
        let all = SecureOptions::from_bits(0x8000_0850).unwrap();
        assert_eq!(all, SecureOptions::ALL);
        assert!(SecureOptions::from_bits(0x2000_0000 | 0x4000)
            .unwrap()
            .contains(SecureOptions::NO_TICKET));
        // SSL_OP_PRIORITIZE_CHACHA (0x200000) is not implemented: loud failure.
        let e = SecureOptions::from_bits(0x0020_0000).unwrap_err();
        assert_eq!(e.code(), "ERR_TLS_UNSUPPORTED_SECURE_OPTION");
        assert!(SecureOptions::from_bits(1 << 40).is_err());
    }
}
