//! `tls.checkServerIdentity(hostname, cert)`, rule for rule as Node 20's
//! `lib/tls.js` (with `net.isIP` and `canonicalizeIP` from Node's C++ side).
//!
//! The rules, as Node applies them:
//! - The certificate's `subjectaltname` string is split into names (quoted
//!   entries JSON-decoded); `DNS:` and `IP Address:` names are used, all others
//!   (URI, email, DirName...) ignored.
//! - One trailing dot is removed from the host name.
//! - An IP address (`net.isIP`) must equal, after canonicalisation, one of the IP
//!   SANs; never a DNS name or the CN.
//! - A host name is matched against the DNS SANs; only when there are none, against
//!   the subject CN(s). Matching is case-insensitive, label by label; a pattern
//!   with an empty label or a character outside `!`..DEL never matches. In the
//!   left-most label one `*` may stand for any run of characters (`*`, `f*`,
//!   `*o`, `f*o` all work — Node is more lenient than RFC 6125 here; the text
//!   around `*` must fit in the host label without overlapping: `f*o` matches
//!   `fo`, `fo*o` does not), never in an `xn--` label and never in a two-label
//!   pattern (`*.com`). A wildcard never matches more than one label.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::{Error, Result};
use crate::legacy::{LegacyCertificate, NameValue};

/// `tls.checkServerIdentity(hostname, cert)`: `Ok(())` when `cert` is valid for
/// `hostname`, else Node's error.
///
/// # Errors
/// [`Error::CertAltnameInvalid`] (`ERR_TLS_CERT_ALTNAME_INVALID`) with Node's
/// `reason` and `host`; [`Error::CertAltnameFormat`]
/// (`ERR_TLS_CERT_ALTNAME_FORMAT`) for a malformed quoted SAN entry.
pub fn check_server_identity(hostname: &str, cert: &LegacyCertificate) -> Result<()> {
    let alt_names = cert
        .subjectaltname
        .value()
        .map(String::as_str)
        .filter(|s| !s.is_empty());
    let mut dns_names: Vec<String> = Vec::new();
    // `undefined` (an IP SAN Node cannot canonicalise) is kept as `None`.
    let mut ips: Vec<Option<String>> = Vec::new();
    if let Some(alt) = alt_names {
        let names = if alt.contains('"') {
            split_escaped_alt_names(alt)?
        } else {
            alt.split(", ").map(str::to_owned).collect()
        };
        for name in names {
            if let Some(d) = name.strip_prefix("DNS:") {
                dns_names.push(d.to_owned());
            } else if let Some(ip) = name.strip_prefix("IP Address:") {
                ips.push(canonicalize_ip(ip));
            }
        }
    }

    let hostname = unfqdn(hostname);
    let cn = cert.subject.as_ref().and_then(|s| s.get("CN"));
    let cn_truthy = match cn {
        Some(NameValue::Single(s)) => !s.is_empty(),
        Some(NameValue::Multiple(_)) => true,
        None => false,
    };

    let reason;
    if is_ip(hostname) {
        let wanted = canonicalize_ip(hostname);
        if ips.contains(&wanted) {
            return Ok(());
        }
        let list: Vec<&str> = ips.iter().map(|i| i.as_deref().unwrap_or("")).collect();
        reason = format!(
            "IP: {hostname} is not in the cert's list: {}",
            list.join(", ")
        );
    } else if !dns_names.is_empty() || cn_truthy {
        let host_parts = split_host(hostname);
        if dns_names.is_empty() {
            // Match against Common Name only if no supported identifiers exist.
            let (valid, shown) = match cn {
                Some(NameValue::Multiple(v)) => {
                    (v.iter().any(|c| check(&host_parts, c)), v.join(","))
                }
                Some(NameValue::Single(c)) => (check(&host_parts, c), c.clone()),
                None => (false, String::new()),
            };
            if valid {
                return Ok(());
            }
            reason = format!("Host: {hostname}. is not cert's CN: {shown}");
        } else {
            if dns_names.iter().any(|d| check(&host_parts, d)) {
                return Ok(());
            }
            reason = format!(
                "Host: {hostname}. is not in the cert's altnames: {}",
                alt_names.unwrap_or_default()
            );
        }
    } else {
        reason = "Cert does not contain a DNS name".to_owned();
    }
    Err(Error::CertAltnameInvalid {
        reason,
        host: hostname.to_owned(),
    })
}

/// `unfqdn`: removes one trailing dot.
fn unfqdn(host: &str) -> &str {
    host.strip_suffix('.').unwrap_or(host)
}

/// `splitHost`: lower case, trailing dot removed, split on dots.
fn split_host(host: &str) -> Vec<String> {
    unfqdn(&host.to_lowercase())
        .split('.')
        .map(str::to_owned)
        .collect()
}

/// `check(hostParts, pattern, true)` from Node's `lib/tls.js`.
fn check(host_parts: &[String], pattern: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    let pattern_parts = split_host(pattern);
    if host_parts.len() != pattern_parts.len() {
        return false;
    }
    if pattern_parts.iter().any(String::is_empty) {
        return false;
    }
    // IDNA U-labels, controls and blanks are refused.
    let is_bad = |s: &String| s.chars().any(|c| !('\u{21}'..='\u{7f}').contains(&c));
    if pattern_parts.iter().any(is_bad) {
        return false;
    }
    for i in (1..host_parts.len()).rev() {
        if host_parts[i] != pattern_parts[i] {
            return false;
        }
    }
    let host_sub = &host_parts[0];
    let pattern_sub = &pattern_parts[0];
    let pieces: Vec<&str> = pattern_sub.split('*').collect();
    if pieces.len() == 1 || pattern_sub.contains("xn--") {
        return host_sub == pattern_sub;
    }
    // More than one wildcard is always wrong; *.tld wildcards are not allowed.
    if pieces.len() > 2 || pattern_parts.len() <= 2 {
        return false;
    }
    let (prefix, suffix) = (pieces[0], pieces[1]);
    // JavaScript compares lengths in UTF-16 code units.
    if prefix.encode_utf16().count() + suffix.encode_utf16().count()
        > host_sub.encode_utf16().count()
    {
        return false;
    }
    host_sub.starts_with(prefix) && host_sub.ends_with(suffix)
}

/// `splitEscapedAltNames`: splits on `", "` outside JSON-quoted parts and decodes
/// those parts.
fn split_escaped_alt_names(alt: &str) -> Result<Vec<String>> {
    let mut result = Vec::new();
    let mut current = String::new();
    let mut offset = 0;
    while offset != alt.len() {
        let rest = &alt[offset..];
        let next_sep = rest.find(", ");
        let next_quote = rest.find('"');
        match (next_quote, next_sep) {
            (Some(q), sep) if sep.is_none_or(|s| q < s) => {
                current.push_str(&rest[..q]);
                let quoted = &rest[q..];
                let len = json_string_prefix(quoted).ok_or(Error::CertAltnameFormat)?;
                let decoded = crate::legacy::json_string_value(&quoted[..len])
                    .ok_or(Error::CertAltnameFormat)?;
                current.push_str(&decoded);
                offset += q + len;
            }
            (_, Some(s)) => {
                current.push_str(&rest[..s]);
                result.push(std::mem::take(&mut current));
                offset += s + 2;
            }
            (_, None) => {
                current.push_str(rest);
                offset = alt.len();
            }
        }
    }
    result.push(current);
    Ok(result)
}

/// Length of the match of Node's
/// `/^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/`.
fn json_string_prefix(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some(i + 1),
            b'\\' => match b.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                b'u' => {
                    let hex = b.get(i + 2..i + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    i += 6;
                }
                _ => return None,
            },
            c if c < 0x20 => return None,
            _ => i += 1,
        }
    }
    None
}

/// `net.isIP(s) !== 0`: a dotted-quad IPv4 address without leading zeros, or an
/// IPv6 address with an optional `%zone` of `[0-9a-zA-Z-.:]`.
fn is_ip(s: &str) -> bool {
    if s.parse::<Ipv4Addr>().is_ok() {
        return true;
    }
    let addr = match s.split_once('%') {
        Some((a, zone)) => {
            if zone.is_empty()
                || !zone
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b':'))
            {
                return false;
            }
            a
        }
        None => s,
    };
    addr.parse::<Ipv6Addr>().is_ok()
}

/// `canonicalizeIP`: libuv's `inet_pton` then `inet_ntop` (IPv6 zone dropped,
/// zero runs compressed, lower-case hex); `None` (`undefined`) when not an address.
fn canonicalize_ip(s: &str) -> Option<String> {
    if let Ok(v4) = s.parse::<Ipv4Addr>() {
        return Some(v4.to_string());
    }
    let addr = s.split_once('%').map_or(s, |(a, _)| a);
    let v6 = addr.parse::<Ipv6Addr>().ok()?;
    Some(inet_ntop6(&v6.octets()))
}

/// libuv's (BIND's) `inet_ntop6`.
fn inet_ntop6(src: &[u8; 16]) -> String {
    let words: Vec<u16> = src
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    let mut best: Option<(usize, usize)> = None;
    let mut cur: Option<(usize, usize)> = None;
    for (i, &w) in words.iter().enumerate() {
        if w == 0 {
            cur = Some(cur.map_or((i, 1), |(b, l)| (b, l + 1)));
        } else if let Some(c) = cur.take() {
            if best.is_none_or(|b| c.1 > b.1) {
                best = Some(c);
            }
        }
    }
    if let Some(c) = cur {
        if best.is_none_or(|b| c.1 > b.1) {
            best = Some(c);
        }
    }
    let best = best.filter(|b| b.1 >= 2);
    let mut out = String::new();
    for (i, &w) in words.iter().enumerate() {
        if let Some((base, len)) = best {
            if i >= base && i < base + len {
                if i == base {
                    out.push(':');
                }
                continue;
            }
        }
        if i != 0 {
            out.push(':');
        }
        if i == 6 {
            if let Some((0, len)) = best {
                if len == 6 || (len == 7 && words[7] != 1) || (len == 5 && words[5] == 0xffff) {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "{}.{}.{}.{}", src[12], src[13], src[14], src[15]);
                    return out;
                }
            }
        }
        let _ = write!(out, "{w:x}");
    }
    if best.is_some_and(|(b, l)| b + l == 8) {
        out.push(':');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ips_like_libuv() {
        assert_eq!(canonicalize_ip("0:0:0:0:0:0:0:1").as_deref(), Some("::1"));
        assert_eq!(
            canonicalize_ip("2001:DB8:0:0:0:0:AB:1").as_deref(),
            Some("2001:db8::ab:1")
        );
        assert_eq!(
            canonicalize_ip("0:0:0:0:0:FFFF:102:304").as_deref(),
            Some("::ffff:1.2.3.4")
        );
        assert_eq!(canonicalize_ip("0:0:0:0:0:0:0:0").as_deref(), Some("::"));
        assert_eq!(
            canonicalize_ip("1:0:0:2:0:0:0:3").as_deref(),
            Some("1:0:0:2::3")
        );
        assert_eq!(canonicalize_ip("<invalid length=5>"), None);
        assert!(is_ip("fe80::1%eth0"));
        assert!(!is_ip("01.2.3.4"));
        assert!(!is_ip("example.com"));
    }

    #[test]
    fn wildcards_like_node() {
        let h = |s: &str| split_host(s);
        assert!(check(&h("foo.example.com"), "*.example.com"));
        assert!(check(&h("foo.example.com"), "f*o.example.com"));
        assert!(!check(&h("foo.example.com"), "*.com"));
        assert!(!check(&h("a.b.example.com"), "*.example.com"));
        assert!(!check(&h("xn--a.example.com"), "xn--*.example.com"));
        assert!(!check(&h("fo.example.com"), "fo*o.example.com"));
    }

    #[test]
    fn escaped_alt_names_split() {
        let v = split_escaped_alt_names(r#"DNS:a, DNS:"b\u002cc", URI:x"#).unwrap();
        assert_eq!(v, vec!["DNS:a", "DNS:b,c", "URI:x"]);
        assert!(split_escaped_alt_names(r#"DNS:"unterminated"#).is_err());
    }
}
