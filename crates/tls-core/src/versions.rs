//! `minVersion`, `maxVersion`, `secureProtocol` and the version bits of
//! `secureOptions`, resolved to the protocol versions rustls will speak.
//!
//! Node 20 (OpenSSL 3 at security level 1) never negotiates SSLv3, TLS 1.0 or
//! TLS 1.1 with its defaults; rustls cannot at all. So `TLSv1`/`TLSv1.1` are valid
//! *names* (as in Node) that simply contribute nothing, and a range that leaves
//! neither TLS 1.2 nor TLS 1.3 fails when the context is built with
//! `ERR_SSL_NO_PROTOCOLS_AVAILABLE`, the code Node gives at handshake time.

use crate::secure_options::SecureOptions;
use crate::{Error, Result};

/// A TLS protocol version, named as Node names it (`'TLSv1.2'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// `'TLSv1'`: a valid name that this stack never negotiates.
    Tls10,
    /// `'TLSv1.1'`: a valid name that this stack never negotiates.
    Tls11,
    /// `'TLSv1.2'`.
    Tls12,
    /// `'TLSv1.3'`.
    Tls13,
}

/// `tls.DEFAULT_MIN_VERSION`.
pub const DEFAULT_MIN_VERSION: ProtocolVersion = ProtocolVersion::Tls12;
/// `tls.DEFAULT_MAX_VERSION`.
pub const DEFAULT_MAX_VERSION: ProtocolVersion = ProtocolVersion::Tls13;

impl ProtocolVersion {
    /// Node's name (`tlsSocket.getProtocol()`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolVersion::Tls10 => "TLSv1",
            ProtocolVersion::Tls11 => "TLSv1.1",
            ProtocolVersion::Tls12 => "TLSv1.2",
            ProtocolVersion::Tls13 => "TLSv1.3",
        }
    }

    /// Parses Node's name. `which` is `"minimum"` or `"maximum"` for the message.
    fn parse(name: &str, which: &str) -> Result<Self> {
        match name {
            "TLSv1" => Ok(ProtocolVersion::Tls10),
            "TLSv1.1" => Ok(ProtocolVersion::Tls11),
            "TLSv1.2" => Ok(ProtocolVersion::Tls12),
            "TLSv1.3" => Ok(ProtocolVersion::Tls13),
            _ => Err(Error::InvalidProtocolVersion {
                message: format!("\"{name}\" is not a valid {which} TLS protocol version"),
            }),
        }
    }

    /// The rustls version, for the two this stack speaks.
    pub fn to_rustls(self) -> Option<&'static rustls::SupportedProtocolVersion> {
        match self {
            ProtocolVersion::Tls12 => Some(&rustls::version::TLS12),
            ProtocolVersion::Tls13 => Some(&rustls::version::TLS13),
            ProtocolVersion::Tls10 | ProtocolVersion::Tls11 => None,
        }
    }

    /// The version of a rustls connection, in Node's words.
    pub fn from_rustls(v: rustls::ProtocolVersion) -> Option<Self> {
        match v {
            rustls::ProtocolVersion::TLSv1_2 => Some(ProtocolVersion::Tls12),
            rustls::ProtocolVersion::TLSv1_3 => Some(ProtocolVersion::Tls13),
            rustls::ProtocolVersion::TLSv1_1 => Some(ProtocolVersion::Tls11),
            rustls::ProtocolVersion::TLSv1_0 => Some(ProtocolVersion::Tls10),
            _ => None,
        }
    }
}

/// Which side a `secureProtocol` method was made for (`TLS_server_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodRole {
    /// `TLS_method`, `SSLv23_method`, `TLSv1_2_method`: both sides.
    Any,
    /// `*_server_method`: a client using it fails its handshake.
    Server,
    /// `*_client_method`: a server using it fails its handshakes.
    Client,
}

/// The versions a context may negotiate, after `secureProtocol`, `minVersion`,
/// `maxVersion` and `secureOptions` (`SSL_OP_NO_TLSv1_2`, `SSL_OP_NO_TLSv1_3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRange {
    /// The lowest version allowed (Node's `minVersion`).
    pub min: ProtocolVersion,
    /// The highest version allowed (Node's `maxVersion`).
    pub max: ProtocolVersion,
    /// `SSL_OP_NO_TLSv1_2` was set.
    pub no_tls12: bool,
    /// `SSL_OP_NO_TLSv1_3` was set.
    pub no_tls13: bool,
    /// The role of the `secureProtocol` method, if any.
    pub role: MethodRole,
}

impl VersionRange {
    /// Resolves Node's options, failing as Node does for invalid names and for a
    /// `secureProtocol` combined with `minVersion`/`maxVersion`.
    ///
    /// # Defaults
    /// `min` = `TLSv1.2`, `max` = `TLSv1.3` (`tls.DEFAULT_MIN_VERSION` / `MAX`).
    pub fn resolve(
        min_version: Option<&str>,
        max_version: Option<&str>,
        secure_protocol: Option<&str>,
        secure_options: SecureOptions,
    ) -> Result<Self> {
        // Node validates the names first, then the conflict (lib/internal/tls/secure-context.js).
        let min = min_version
            .map(|v| ProtocolVersion::parse(v, "minimum"))
            .transpose()?;
        let max = max_version
            .map(|v| ProtocolVersion::parse(v, "maximum"))
            .transpose()?;
        let (range, role) = match secure_protocol {
            None => (
                (
                    min.unwrap_or(DEFAULT_MIN_VERSION),
                    max.unwrap_or(DEFAULT_MAX_VERSION),
                ),
                MethodRole::Any,
            ),
            Some(method) => {
                if let Some(v) = min_version.or(max_version) {
                    return Err(Error::ProtocolVersionConflict {
                        message: format!(
                            "TLS protocol version \"{v}\" conflicts with secureProtocol \"{method}\""
                        ),
                    });
                }
                parse_method(method)?
            }
        };
        Ok(VersionRange {
            min: range.0,
            max: range.1,
            no_tls12: secure_options.contains(SecureOptions::NO_TLSV1_2),
            no_tls13: secure_options.contains(SecureOptions::NO_TLSV1_3),
            role,
        })
    }

    /// Whether `v` may be negotiated.
    pub fn allows(&self, v: ProtocolVersion) -> bool {
        self.min <= v
            && v <= self.max
            && !(v == ProtocolVersion::Tls12 && self.no_tls12)
            && !(v == ProtocolVersion::Tls13 && self.no_tls13)
    }

    /// The rustls versions, highest first. Empty: `ERR_SSL_NO_PROTOCOLS_AVAILABLE`.
    pub fn rustls_versions(&self) -> Result<Vec<&'static rustls::SupportedProtocolVersion>> {
        let versions: Vec<_> = [ProtocolVersion::Tls13, ProtocolVersion::Tls12]
            .into_iter()
            .filter(|v| self.allows(*v))
            .filter_map(ProtocolVersion::to_rustls)
            .collect();
        if versions.is_empty() {
            return Err(Error::NoProtocolsAvailable {
                message: format!(
                    "no protocols available: the range {}..{} leaves neither TLSv1.2 nor TLSv1.3 \
                     (TLSv1 and TLSv1.1 are not implemented by this stack)",
                    self.min.as_str(),
                    self.max.as_str()
                ),
            });
        }
        Ok(versions)
    }

    /// Fails as OpenSSL does when a `*_server_method` context is used by a client or
    /// a `*_client_method` context by a server.
    pub fn check_role(&self, server: bool) -> Result<()> {
        match (self.role, server) {
            (MethodRole::Server, false) | (MethodRole::Client, true) => {
                Err(Error::MethodRoleMismatch {
                    message: format!(
                        "called a function you should not call: a {} method used by a {}",
                        if server { "client" } else { "server" },
                        if server { "server" } else { "client" }
                    ),
                })
            }
            _ => Ok(()),
        }
    }
}

/// Node's `secureProtocol` method names (src/crypto/crypto_context.cc).
fn parse_method(method: &str) -> Result<((ProtocolVersion, ProtocolVersion), MethodRole)> {
    use ProtocolVersion::{Tls10, Tls11, Tls12};
    let (base, role) = if let Some(b) = method.strip_suffix("_server_method") {
        (b, MethodRole::Server)
    } else if let Some(b) = method.strip_suffix("_client_method") {
        (b, MethodRole::Client)
    } else if let Some(b) = method.strip_suffix("_method") {
        (b, MethodRole::Any)
    } else {
        return Err(unknown_method(method));
    };
    let range = match base {
        "SSLv2" => {
            return Err(Error::InvalidProtocolMethod {
                message: "SSLv2 methods disabled".into(),
            })
        }
        "SSLv3" => {
            return Err(Error::InvalidProtocolMethod {
                message: "SSLv3 methods disabled".into(),
            })
        }
        // Node keeps its default range for the version-flexible methods.
        "SSLv23" | "TLS" => (DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION),
        "TLSv1" => (Tls10, Tls10),
        "TLSv1_1" => (Tls11, Tls11),
        "TLSv1_2" => (Tls12, Tls12),
        _ => return Err(unknown_method(method)),
    };
    Ok((range, role))
}

fn unknown_method(method: &str) -> Error {
    Error::InvalidProtocolMethod {
        message: format!("Unknown method: {method}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(min: Option<&str>, max: Option<&str>, sp: Option<&str>) -> Result<VersionRange> {
        VersionRange::resolve(min, max, sp, SecureOptions::empty())
    }

    #[test]
    fn defaults_are_tls12_to_tls13() {
        let v = r(None, None, None).unwrap();
        assert_eq!(v.rustls_versions().unwrap().len(), 2);
    }

    #[test]
    fn node_codes_for_bad_names_and_methods() {
        assert_eq!(
            r(Some("TLSv9"), None, None).unwrap_err().code(),
            "ERR_TLS_INVALID_PROTOCOL_VERSION"
        );
        assert_eq!(
            r(None, Some("SSLv3"), None).unwrap_err().code(),
            "ERR_TLS_INVALID_PROTOCOL_VERSION"
        );
        let e = r(None, None, Some("SSLv3_method")).unwrap_err();
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            ("ERR_TLS_INVALID_PROTOCOL_METHOD", "SSLv3 methods disabled")
        );
        let e = r(None, None, Some("Foo_method")).unwrap_err();
        assert_eq!(e.to_string(), "Unknown method: Foo_method");
        let e = r(Some("TLSv1.2"), None, Some("TLSv1_2_method")).unwrap_err();
        assert_eq!(e.code(), "ERR_TLS_PROTOCOL_VERSION_CONFLICT");
        assert_eq!(
            e.to_string(),
            "TLS protocol version \"TLSv1.2\" conflicts with secureProtocol \"TLSv1_2_method\""
        );
    }

    #[test]
    fn ranges_that_leave_nothing_fail() {
        for (min, max, sp) in [
            (None, Some("TLSv1.1"), None),
            (Some("TLSv1.3"), Some("TLSv1.2"), None),
            (None, None, Some("TLSv1_method")),
            (None, None, Some("TLSv1_1_server_method")),
        ] {
            let e = r(min, max, sp).unwrap().rustls_versions().unwrap_err();
            assert_eq!(e.code(), "ERR_SSL_NO_PROTOCOLS_AVAILABLE");
        }
    }

    #[test]
    fn tls12_method_and_no_tls13_option_pin_tls12() {
        let v = r(None, None, Some("TLSv1_2_method")).unwrap();
        assert_eq!(v.rustls_versions().unwrap(), vec![&rustls::version::TLS12]);
        let v = VersionRange::resolve(None, None, None, SecureOptions::NO_TLSV1_3).unwrap();
        assert_eq!(v.rustls_versions().unwrap(), vec![&rustls::version::TLS12]);
        let v = VersionRange::resolve(None, None, None, SecureOptions::NO_TLSV1_2).unwrap();
        assert_eq!(v.rustls_versions().unwrap(), vec![&rustls::version::TLS13]);
        // A minimum of TLSv1 is valid and contributes nothing below TLS 1.2.
        let v = r(Some("TLSv1"), None, None).unwrap();
        assert_eq!(v.rustls_versions().unwrap().len(), 2);
    }

    #[test]
    fn role_specific_methods() {
        let v = r(None, None, Some("TLS_server_method")).unwrap();
        assert!(v.check_role(true).is_ok());
        assert_eq!(
            v.check_role(false).unwrap_err().code(),
            "ERR_SSL_CALLED_A_FUNCTION_YOU_SHOULD_NOT_CALL"
        );
        let v = r(None, None, Some("SSLv23_client_method")).unwrap();
        assert!(v.check_role(false).is_ok());
        assert!(v.check_role(true).is_err());
    }
}
