//! `ecdhCurve` (and `tls.DEFAULT_ECDH_CURVE`): the key-exchange groups offered and
//! accepted, in preference order.
//!
//! Names follow OpenSSL's `SSL_CTX_set1_groups_list` as Node 20 passes them:
//! `'auto'` alone, or a `:`-separated list of `X25519`, `P-256`/`prime256v1`/
//! `secp256r1`, `P-384`/`secp384r1`, ... Groups that OpenSSL knows but ring does not
//! implement (P-521, X448, FFDHE, brainpool, binary curves) fail like an unknown name
//! does in Node (`ERR_CRYPTO_OPERATION_FAILED`, "Failed to set ECDH curve"), with a
//! message that says which group is unavailable: never silently dropped.

use rustls::crypto::SupportedKxGroup;

use crate::{Error, Result};

/// `tls.DEFAULT_ECDH_CURVE`.
pub const DEFAULT_ECDH_CURVE: &str = "auto";

/// A group this stack implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// X25519.
    X25519,
    /// NIST P-256 (`prime256v1`).
    P256,
    /// NIST P-384 (`secp384r1`).
    P384,
}

impl Group {
    /// The ring implementation.
    pub fn kx_group(self) -> &'static dyn SupportedKxGroup {
        match self {
            Group::X25519 => rustls::crypto::ring::kx_group::X25519,
            Group::P256 => rustls::crypto::ring::kx_group::SECP256R1,
            Group::P384 => rustls::crypto::ring::kx_group::SECP384R1,
        }
    }

    /// What Node's `getEphemeralKeyInfo()` reports: `(name, size)`.
    pub fn ephemeral_key_info(self) -> (&'static str, u32) {
        match self {
            Group::X25519 => ("X25519", 253),
            Group::P256 => ("prime256v1", 256),
            Group::P384 => ("secp384r1", 384),
        }
    }

    /// The group of a rustls `NamedGroup`, if this stack implements it.
    pub fn from_named(g: rustls::NamedGroup) -> Option<Self> {
        match g {
            rustls::NamedGroup::X25519 => Some(Group::X25519),
            rustls::NamedGroup::secp256r1 => Some(Group::P256),
            rustls::NamedGroup::secp384r1 => Some(Group::P384),
            _ => None,
        }
    }
}

/// Groups OpenSSL 3 accepts by name that ring does not implement.
const KNOWN_UNAVAILABLE: &[&str] = &[
    "X448",
    "x448",
    "P-521",
    "secp521r1",
    "P-224",
    "secp224r1",
    "P-192",
    "prime192v1",
    "secp192r1",
    "secp160k1",
    "secp160r1",
    "secp160r2",
    "secp192k1",
    "secp224k1",
    "secp256k1",
    "sect163k1",
    "K-163",
    "sect163r1",
    "sect163r2",
    "B-163",
    "sect193r1",
    "sect193r2",
    "sect233k1",
    "K-233",
    "sect233r1",
    "B-233",
    "sect239k1",
    "sect283k1",
    "K-283",
    "sect283r1",
    "B-283",
    "sect409k1",
    "K-409",
    "sect409r1",
    "B-409",
    "sect571k1",
    "K-571",
    "sect571r1",
    "B-571",
    "brainpoolP256r1",
    "brainpoolP384r1",
    "brainpoolP512r1",
    "brainpoolP256r1tls13",
    "brainpoolP384r1tls13",
    "brainpoolP512r1tls13",
    "ffdhe2048",
    "ffdhe3072",
    "ffdhe4096",
    "ffdhe6144",
    "ffdhe8192",
];

/// Parses `ecdhCurve`. `'auto'` gives this stack's default order, which follows
/// OpenSSL 3's default list (X25519, P-256, ..., P-384) minus what ring lacks.
pub fn parse_ecdh_curve(spec: &str) -> Result<Vec<Group>> {
    if spec == "auto" {
        return Ok(vec![Group::X25519, Group::P256, Group::P384]);
    }
    let mut groups = Vec::new();
    for raw in spec.split(':') {
        // OpenSSL tolerates surrounding blanks in a group name (" X25519" works in Node).
        let name = raw.trim_matches(|c: char| c == ' ' || c == '\t');
        let group = match name {
            "X25519" | "x25519" => Group::X25519,
            "P-256" | "prime256v1" | "secp256r1" => Group::P256,
            "P-384" | "secp384r1" => Group::P384,
            _ if KNOWN_UNAVAILABLE.contains(&name) => {
                return Err(Error::EcdhCurve {
                    message: format!(
                        "Failed to set ECDH curve: {name} is not implemented by this stack \
                         (ring offers X25519, P-256 and P-384)"
                    ),
                })
            }
            _ => {
                return Err(Error::EcdhCurve {
                    message: "Failed to set ECDH curve".into(),
                })
            }
        };
        // OpenSSL refuses a list that names a group twice.
        if groups.contains(&group) {
            return Err(Error::EcdhCurve {
                message: "Failed to set ECDH curve".into(),
            });
        }
        groups.push(group);
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_order() {
        assert_eq!(
            parse_ecdh_curve("auto").unwrap(),
            vec![Group::X25519, Group::P256, Group::P384]
        );
        assert_eq!(
            parse_ecdh_curve("P-384:prime256v1").unwrap(),
            vec![Group::P384, Group::P256]
        );
        assert_eq!(parse_ecdh_curve("secp256r1").unwrap(), vec![Group::P256]);
        assert_eq!(parse_ecdh_curve(" X25519").unwrap(), vec![Group::X25519]);
    }

    #[test]
    fn unknown_and_unavailable_fail_like_node() {
        for bad in [
            "foo",
            "",
            "p-256",
            "P256",
            "auto:X25519",
            "X25519,P-256",
            "X25519:P-256:",
            "P-521",
            "X448",
            "X25519:P-521",
        ] {
            let e = parse_ecdh_curve(bad).unwrap_err();
            assert_eq!(e.code(), "ERR_CRYPTO_OPERATION_FAILED", "{bad:?}");
            assert!(e.to_string().starts_with("Failed to set ECDH curve"));
        }
        assert!(parse_ecdh_curve("P-521")
            .unwrap_err()
            .to_string()
            .contains("not implemented"));
    }
}
