//! From a `ciphers` string to the suites rustls will offer: Node's split and
//! verdicts, OpenSSL's list, the security level, then our nine.

use std::sync::{PoisonError, RwLock};

use rustls::SupportedCipherSuite;

use super::grammar::{evaluate_rule_string, is_unavailable};
use super::names::{implemented_by_standard_name, DEFAULT_CIPHERS, DEFAULT_TLS13};
use super::table::OPENSSL_CIPHERS;
use super::table::{Cipher, SCSVS, TLS13_CIPHERS, TLS1_3_VERSION, UNAVAILABLE_CIPHERS};
use crate::{Error, Result};

/// The suites a `ciphers` list enables, in preference order.
///
/// Built by [`parse_cipher_list`]. A server honours this order
/// (`honorCipherOrder`, which Node's `tls.Server` defaults to true); a client
/// offers the suites in it.
#[derive(Debug, Clone)]
pub struct CipherSelection {
    /// The TLS 1.3 suites, in preference order.
    pub tls13: Vec<SupportedCipherSuite>,
    /// The TLS 1.2 suites, in preference order. Empty when the list has TLS 1.3
    /// entries only (Node then raises the minimum version to TLS 1.3), or when
    /// its TLS 1.2 part selects only suites this stack lacks (`kRSA`, `DHE`,
    /// `PSK`, CCM, CBC...): those are dropped, never negotiated.
    pub tls12: Vec<SupportedCipherSuite>,
    /// The security level the list set with `@SECLEVEL=n`, if any. Here it only
    /// removes suites weaker than the level (levels 4 and 5 drop AES-128).
    pub security_level: Option<u8>,
    /// All suites in OpenSSL's exact order (TLS 1.3 part first).
    order: Vec<SupportedCipherSuite>,
}

impl CipherSelection {
    /// Every enabled suite, in OpenSSL's order: the TLS 1.3 part first, then the
    /// TLS 1.2 suites (this is `tls13` followed by `tls12`, except that a TLS 1.2
    /// suite named by its IANA name among the `TLS_` entries keeps its place
    /// there, as in OpenSSL).
    #[must_use]
    pub fn suites(&self) -> Vec<SupportedCipherSuite> {
        self.order.clone()
    }

    /// The names `nodetls ciphers` prints: IANA names for TLS 1.3, OpenSSL names
    /// for TLS 1.2, in [`suites`](Self::suites) order.
    #[must_use]
    pub fn names(&self) -> Vec<&'static str> {
        self.order
            .iter()
            .filter_map(|s| super::names::implemented_by_suite(s.suite()))
            .map(|s| s.name)
            .collect()
    }
}

/// The process-wide default list (`node --tls-cipher-list`); `None`: Node's.
static DEFAULT_OVERRIDE: RwLock<Option<String>> = RwLock::new(None);

/// `tls.DEFAULT_CIPHERS`: the list used when `ciphers` is absent or empty,
/// [`DEFAULT_CIPHERS`] unless [`set_default_ciphers`] changed it.
#[must_use]
pub fn default_ciphers() -> String {
    DEFAULT_OVERRIDE
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
        .unwrap_or_else(|| DEFAULT_CIPHERS.to_owned())
}

/// Replaces the default list for the whole process, like
/// `node --tls-cipher-list=LIST` or assigning `tls.DEFAULT_CIPHERS`.
///
/// Unlike Node, which only fails when the next context is built, an invalid
/// list is refused here, with the code that context would fail with (an empty
/// list: `ERR_INVALID_ARG_VALUE`).
pub fn set_default_ciphers(list: &str) -> Result<()> {
    evaluate(list, list)?;
    *DEFAULT_OVERRIDE
        .write()
        .unwrap_or_else(PoisonError::into_inner) = Some(list.to_owned());
    Ok(())
}

/// Node's `ciphers` option: the suites `tls.createSecureContext({ciphers: list})`
/// enables that this stack implements, in preference order. An empty `list`
/// means [`default_ciphers`].
///
/// # Errors
///
/// Where Node rejects the list, the same code: `ERR_INVALID_ARG_VALUE` (no entry
/// at all, `":"`), `ERR_SSL_NO_CIPHER_MATCH` (TLS 1.3 part names no known suite;
/// TLS 1.2 part selects no OpenSSL suite), `ERR_SSL_INVALID_COMMAND` (a
/// character or `@` command OpenSSL rejects). Where Node accepts it but none of
/// the selected suites is implemented here (`TLS_AES_128_CCM_SHA256`, `kRSA`),
/// `ERR_SSL_NO_CIPHER_MATCH` too.
pub fn parse_cipher_list(list: &str) -> Result<CipherSelection> {
    let outcome = evaluate(list, &default_ciphers())?;
    restrict(list, &outcome)
}

/// The suites OpenSSL 3.0 lists for `list` before any filtering: what
/// `openssl ciphers -ciphersuites <TLS 1.3 part> <TLS 1.2 part>` prints (OpenSSL
/// names, duplicates kept), all of OpenSSL's suites, implemented or not. For
/// diagnostics and for testing the grammar against a live OpenSSL.
///
/// # Errors
///
/// The same verdicts as [`parse_cipher_list`], except that a list whose suites
/// are all unimplemented is not an error here.
pub fn openssl_cipher_list(list: &str) -> Result<Vec<&'static str>> {
    let outcome = evaluate(list, &default_ciphers())?;
    Ok(outcome.ciphers.iter().map(|c| c.name).collect())
}

/// What OpenSSL holds after Node configured a context with a list.
struct Evaluated {
    ciphers: Vec<&'static Cipher>,
    sec_level: Option<u8>,
}

/// The part of a JS string C sees (`Utf8Value` stops at the first NUL).
fn c_str(s: &str) -> &str {
    s.split('\0').next().unwrap_or("")
}

/// `isspace` in the C locale (used by `CONF_parse_list`).
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// `ssl3_get_cipher_by_std_name`: every suite OpenSSL 3.0 knows by IANA name,
/// available or not, TLS 1.2 ones and the SCSVs included.
fn by_std_name(name: &str) -> Option<&'static Cipher> {
    TLS13_CIPHERS
        .iter()
        .chain(OPENSSL_CIPHERS.iter())
        .chain(UNAVAILABLE_CIPHERS.iter())
        .chain(SCSVS.iter())
        .find(|c| c.stdname == name)
}

/// `SSL_CTX_set_ciphersuites`'s parse: `:`-separated, blanks trimmed, unknown
/// names (and names over 79 bytes) skipped.
fn parse_ciphersuites(part: &str) -> Vec<&'static Cipher> {
    c_str(part)
        .split(':')
        .map(|e| e.trim_matches(is_c_space))
        .filter(|e| e.len() <= 79)
        .filter_map(by_std_name)
        .collect()
}

/// Node's `configSecureContext` cipher steps, with `default` standing for
/// `tls.DEFAULT_CIPHERS`.
fn evaluate(list: &str, default: &str) -> Result<Evaluated> {
    let effective = if list.is_empty() { default } else { list };
    let is_tls13 = |e: &&str| e.starts_with("TLS_") || e.starts_with("!TLS_");
    let entries: Vec<&str> = effective.split(':').filter(|e| !e.is_empty()).collect();
    let tls13_part = entries
        .iter()
        .copied()
        .filter(is_tls13)
        .collect::<Vec<_>>()
        .join(":");
    let tls12_part = entries
        .iter()
        .copied()
        .filter(|e| !is_tls13(e))
        .collect::<Vec<_>>()
        .join(":");
    if tls13_part.is_empty() && tls12_part.is_empty() {
        return Err(Error::CipherListEmpty {
            list: list.to_owned(),
        });
    }
    // context.setCipherSuites(), only when there is a TLS 1.3 part.
    let tls13: Vec<&'static Cipher> = if tls13_part.is_empty() {
        DEFAULT_TLS13
            .iter()
            .filter_map(|n| by_std_name(n))
            .collect()
    } else {
        let found = parse_ciphersuites(&tls13_part);
        if !c_str(&tls13_part).is_empty() && found.is_empty() {
            return Err(Error::NoCipherMatch {
                list: list.to_owned(),
                reason: "no known TLS 1.3 suite in the TLS_ entries",
            });
        }
        found
    };
    // context.setCiphers(): SSL_CTX_set_cipher_list.
    let rule = c_str(&tls12_part);
    let outcome =
        evaluate_rule_string(rule.as_bytes()).map_err(|_| Error::InvalidCipherCommand {
            list: list.to_owned(),
        })?;
    let ciphers: Vec<&'static Cipher> = tls13
        .into_iter()
        .filter(|c| !is_unavailable(c))
        .chain(outcome.ciphers)
        .collect();
    // cipher_list_tls12_num() == 0 fails, but Node ignores it for an empty string.
    if !rule.is_empty() && ciphers.iter().all(|c| c.min_tls >= TLS1_3_VERSION) {
        return Err(Error::NoCipherMatch {
            list: list.to_owned(),
            reason: "the TLS 1.2 part selects no suite",
        });
    }
    Ok(Evaluated {
        ciphers,
        sec_level: outcome.sec_level,
    })
}

/// The minimum strength bits of an OpenSSL security level
/// (`ssl_security_default_callback`).
fn min_bits(level: u8) -> u16 {
    match level {
        0 => 0,
        1 => 80,
        2 => 112,
        3 => 128,
        4 => 192,
        _ => 256,
    }
}

/// `SSL_get1_supported_ciphers` as a Node server sees it, then our nine. The
/// implemented suites are all ECDHE or TLS 1.3 with an AEAD, so of the security
/// callback's checks only the strength one can drop them. Node's default level
/// is OpenSSL's, 1.
fn restrict(list: &str, evaluated: &Evaluated) -> Result<CipherSelection> {
    let floor = min_bits(evaluated.sec_level.unwrap_or(1));
    let mut order: Vec<SupportedCipherSuite> = Vec::new();
    for c in &evaluated.ciphers {
        let Some(imp) = implemented_by_standard_name(c.stdname) else {
            continue;
        };
        // A suite listed twice (TLS 1.3 part and grammar) is offered once.
        if c.bits >= floor && !order.iter().any(|s| s.suite() == imp.suite.suite()) {
            order.push(imp.suite);
        }
    }
    if order.is_empty() {
        return Err(Error::NoCipherMatch {
            list: list.to_owned(),
            reason: "none of the selected suites is implemented by this stack",
        });
    }
    let is13 = |s: &&SupportedCipherSuite| matches!(s, SupportedCipherSuite::Tls13(_));
    Ok(CipherSelection {
        tls13: order.iter().filter(is13).copied().collect(),
        tls12: order.iter().filter(|s| !is13(s)).copied().collect(),
        security_level: evaluated.sec_level,
        order,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_default_list() {
        let sel = parse_cipher_list(DEFAULT_CIPHERS).expect("default list is valid");
        assert_eq!(
            sel.names(),
            [
                "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_GCM_SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256",
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES256-GCM-SHA384",
                "ECDHE-ECDSA-AES256-GCM-SHA384",
                "ECDHE-ECDSA-CHACHA20-POLY1305",
                "ECDHE-RSA-CHACHA20-POLY1305",
            ]
        );
    }

    #[test]
    fn verdicts() {
        let code = |l: &str| parse_cipher_list(l).err().map(|e| e.code());
        assert_eq!(code(":"), Some("ERR_INVALID_ARG_VALUE"));
        assert_eq!(code("TLS_FOO"), Some("ERR_SSL_NO_CIPHER_MATCH"));
        assert_eq!(code("FOO"), Some("ERR_SSL_NO_CIPHER_MATCH"));
        assert_eq!(code("ALL:&"), Some("ERR_SSL_INVALID_COMMAND"));
        assert_eq!(
            code("TLS_AES_128_CCM_SHA256"),
            Some("ERR_SSL_NO_CIPHER_MATCH")
        );
        // kRSA selects suites (none implemented); the default TLS 1.3 ones remain.
        assert_eq!(code("kRSA"), None);
        assert_eq!(code(""), None);
    }

    #[test]
    fn seclevel_drops_aes128() {
        let sel = parse_cipher_list("ECDHE+AESGCM:@SECLEVEL=4").expect("valid");
        assert!(
            sel.names().iter().all(|n| !n.contains("128")),
            "{:?}",
            sel.names()
        );
        assert_eq!(sel.security_level, Some(4));
    }

    #[test]
    fn tls13_entries_only_leave_tls12_empty() {
        let sel = parse_cipher_list("TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256")
            .expect("valid");
        assert!(sel.tls12.is_empty());
        assert_eq!(
            sel.names(),
            ["TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"]
        );
    }

    #[test]
    fn a_tls12_suite_among_the_tls_entries_keeps_its_place() {
        let sel =
            parse_cipher_list("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:TLS_AES_128_GCM_SHA256:ECDHE")
                .expect("valid");
        assert_eq!(
            sel.names()[..2],
            ["ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"]
        );
        assert_eq!(sel.tls13.len(), 1);
        // Listed again by the grammar, offered once.
        assert_eq!(sel.suites().len(), 7);
    }

    #[test]
    fn default_override() {
        // Process-wide state: restore it so other tests see Node's default.
        set_default_ciphers("ECDHE-RSA-CHACHA20-POLY1305").expect("valid");
        let names = parse_cipher_list("").map(|s| s.names());
        set_default_ciphers(DEFAULT_CIPHERS).expect("valid");
        assert_eq!(
            names.expect("valid"),
            [
                "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_GCM_SHA256",
                "ECDHE-RSA-CHACHA20-POLY1305"
            ]
        );
        assert_eq!(
            set_default_ciphers("").map_err(|e| e.code()),
            Err("ERR_INVALID_ARG_VALUE")
        );
        assert_eq!(
            set_default_ciphers("FOO").map_err(|e| e.code()),
            Err("ERR_SSL_NO_CIPHER_MATCH")
        );
        assert_eq!(default_ciphers(), DEFAULT_CIPHERS);
    }
}
