//! `subjectaltname` and `infoAccess` text, byte for byte as Node 20 prints them
//! (`PrintGeneralName`, `PrintAltName`, `SafeX509SubjectAltNamePrint` and
//! `SafeX509InfoAccessPrint` in Node's `src/crypto/crypto_common.cc`).
//!
//! Node's escaping rule: a name that contains `,` `"` `\` `'` or a control
//! character (and, for IA5 names, any non-ASCII byte) is written as a JSON string
//! literal in which `,` becomes `\u002c`, `"` and `\` are backslash-escaped and
//! every other unsafe byte becomes `\u00XX`.

use super::der::{self, DerResult, Reader, Tlv, TAG_IA5_STRING, TAG_SEQUENCE, TAG_UTF8_STRING};
use super::name;
use super::oids;

/// `IsSafeAltName`.
fn is_safe(name: &[u8], utf8: bool) -> bool {
    name.iter().all(|&c| match c {
        b'"' | b'\\' | b',' | b'\'' => false,
        _ if utf8 => c >= b' ' && c != 0x7f,
        _ => (b' '..=b'~').contains(&c),
    })
}

/// `PrintAltName`: the name as is when safe, else as a JSON-style quoted string
/// (with `prefix:` inside the quotes).
fn print_alt_name(out: &mut Vec<u8>, name: &[u8], utf8: bool, prefix: Option<&str>) {
    if is_safe(name, utf8) {
        if let Some(p) = prefix {
            out.extend_from_slice(p.as_bytes());
            out.push(b':');
        }
        out.extend_from_slice(name);
        return;
    }
    out.push(b'"');
    if let Some(p) = prefix {
        out.extend_from_slice(p.as_bytes());
        out.push(b':');
    }
    for &c in name {
        if c == b'"' || c == b'\\' {
            out.push(b'\\');
            out.push(c);
        } else if (c >= b' ' && c != b',' && c <= b'~') || (utf8 && c & 0x80 != 0) {
            out.push(c);
        } else {
            out.extend_from_slice(format!("\\u00{c:02x}").as_bytes());
        }
    }
    out.push(b'"');
}

/// The 16 bytes of an IPv6 address as OpenSSL/Node print it: eight upper-case hex
/// groups without zero compression.
fn print_ip(out: &mut Vec<u8>, ip: &[u8]) {
    match ip.len() {
        4 => out.extend_from_slice(format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]).as_bytes()),
        16 => {
            for (j, pair) in ip.chunks_exact(2).enumerate() {
                let v = u16::from_be_bytes([pair[0], pair[1]]);
                if j > 0 {
                    out.push(b':');
                }
                out.extend_from_slice(format!("{v:X}").as_bytes());
            }
        }
        n => out.extend_from_slice(format!("<invalid length={n}>").as_bytes()),
    }
}

/// `PrintGeneralName`: appends one GeneralName. `Err` when the name is malformed
/// (OpenSSL would have failed to decode the whole extension); `Ok(false)` when
/// Node's printer fails (then the whole field is `null`).
pub(crate) fn print_general_name(out: &mut Vec<u8>, gn: Tlv<'_>) -> DerResult<bool> {
    match gn.tag {
        // [1] rfc822Name, [2] dNSName, [6] uniformResourceIdentifier (IA5String).
        0x81 => {
            out.extend_from_slice(b"email:");
            print_alt_name(out, gn.value, false, None);
        }
        0x82 => {
            out.extend_from_slice(b"DNS:");
            print_alt_name(out, gn.value, false, None);
        }
        0x86 => {
            out.extend_from_slice(b"URI:");
            print_alt_name(out, gn.value, false, None);
        }
        // [4] directoryName (explicit Name).
        0xa4 => {
            let mut r = Reader::new(gn.value);
            let name_tlv = r.read(TAG_SEQUENCE)?;
            if !r.is_empty() {
                return Err(der::DerError::TooLong);
            }
            let entries = name::parse_name(name_tlv)?;
            out.extend_from_slice(b"DirName:");
            let Some(text) = name::rfc2253_bytes(&entries) else {
                return Ok(false);
            };
            print_alt_name(out, &text, true, None);
        }
        // [7] iPAddress.
        0x87 => {
            out.extend_from_slice(b"IP Address:");
            print_ip(out, gn.value);
        }
        // [8] registeredID: always the dotted OID.
        0x88 => {
            let oid = der::oid_to_string(gn.value)?;
            out.extend_from_slice(b"Registered ID:");
            out.extend_from_slice(oid.as_bytes());
        }
        // [0] otherName { type-id OID, [0] EXPLICIT value }.
        0xa0 => {
            let mut r = Reader::new(gn.value);
            let oid = der::read_oid(&mut r)?;
            let wrapper = r.read(0xa0)?;
            let mut inner = Reader::new(wrapper.value);
            let value = inner.read_any()?;
            let (prefix, unicode) = match oid.as_str() {
                "1.3.6.1.5.5.7.8.9" => (Some("SmtpUTF8Mailbox"), true),
                "1.3.6.1.5.5.7.8.5" => (Some("XmppAddr"), true),
                "1.3.6.1.5.5.7.8.7" => (Some("SRVName"), false),
                "1.3.6.1.4.1.311.20.2.3" => (Some("UPN"), true),
                "1.3.6.1.5.5.7.8.8" => (Some("NAIRealm"), true),
                _ => (None, true),
            };
            let expected = if unicode {
                TAG_UTF8_STRING
            } else {
                TAG_IA5_STRING
            };
            match prefix {
                Some(p) if value.tag == expected => {
                    out.extend_from_slice(b"othername:");
                    print_alt_name(out, value.value, unicode, Some(p));
                }
                _ => out.extend_from_slice(b"othername:<unsupported>"),
            }
        }
        0xa3 => out.extend_from_slice(b"X400Name:<unsupported>"),
        0xa5 => out.extend_from_slice(b"EdiPartyName:<unsupported>"),
        _ => return Err(der::DerError::WrongTag),
    }
    Ok(true)
}

/// The value of a subjectAltName extension (GeneralNames) as Node's
/// `subjectaltname` string; `None` when Node gives `null`.
pub(crate) fn subject_alt_name(ext_value: &[u8]) -> Option<String> {
    let mut outer = Reader::new(ext_value);
    // Like OpenSSL's X509V3_EXT_d2i, bytes after the value are ignored.
    let seq = outer.read(TAG_SEQUENCE).ok()?;
    // OpenSSL decodes the whole extension before printing anything.
    let mut names = Vec::new();
    let mut r = Reader::new(seq.value);
    while !r.is_empty() {
        names.push(r.read_any().ok()?);
    }
    let mut out = Vec::new();
    for (i, gn) in names.into_iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        if !print_general_name(&mut out, gn).ok()? {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The text Node's C++ side builds for an authorityInfoAccess extension:
/// `"<method> - <general name>"` lines joined with `\n`, where the method is
/// OpenSSL's long name (`OCSP`, `CA Issuers`) or the dotted OID.
pub(crate) fn info_access_text(ext_value: &[u8]) -> Option<String> {
    let mut outer = Reader::new(ext_value);
    // Like OpenSSL's X509V3_EXT_d2i, bytes after the value are ignored.
    let seq = outer.read(TAG_SEQUENCE).ok()?;
    let mut descs = Vec::new();
    let mut r = Reader::new(seq.value);
    while !r.is_empty() {
        let ad = r.read(TAG_SEQUENCE).ok()?;
        let mut a = Reader::new(ad.value);
        let method = der::read_oid(&mut a).ok()?;
        let location = a.read_any().ok()?;
        if !a.is_empty() {
            return None;
        }
        descs.push((method, location));
    }
    let mut out = Vec::new();
    for (i, (method, location)) in descs.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        // i2t_ASN1_OBJECT into an 80-byte buffer.
        let mut m = oids::long_name(&method).map_or(method.clone(), str::to_owned);
        m.truncate(79);
        out.extend_from_slice(m.as_bytes());
        out.extend_from_slice(b" - ");
        if !print_general_name(&mut out, location).ok()? {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// `translatePeerCertificate` in Node's `lib/_tls_common.js`: splits the
/// infoAccess text into `{ "<method> - <type>": [values] }`, JSON-decoding values
/// that Node quoted.
pub(crate) fn info_access_object(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    // /([^\n:]*):([^\n]*)(?:\n|$)/g matches each line that holds a colon, with the
    // key before its first colon.
    for line in text.split('\n') {
        let Some((key, val)) = line.split_once(':') else {
            continue;
        };
        let val = if val.starts_with('"') {
            json_string(val).unwrap_or_else(|| val.to_owned())
        } else {
            val.to_owned()
        };
        if let Some((_, v)) = out.iter_mut().find(|(k, _)| k == key) {
            v.push(val);
        } else {
            out.push((key.to_owned(), vec![val]));
        }
    }
    out
}

/// `JSON.parse` of a string literal that makes up all of `s`.
pub(crate) fn json_string(s: &str) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(serde_json::Value::String(v)) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_node() {
        let mut out = Vec::new();
        print_alt_name(&mut out, b"we,ird\"d\\x", false, None);
        assert_eq!(out, br#""we\u002cird\"d\\x""#);
        let mut out = Vec::new();
        print_alt_name(&mut out, "\u{fc}n".as_bytes(), false, None);
        assert_eq!(out, br#""\u00c3\u00bcn""#);
        let mut out = Vec::new();
        print_alt_name(&mut out, b"me@x,y", true, Some("XmppAddr"));
        assert_eq!(out, br#""XmppAddr:me@x\u002cy""#);
    }

    #[test]
    fn info_access_lines() {
        let o = info_access_object(
            "OCSP - URI:http://a\nCA Issuers - URI:\"http://b\\u002cc\"\nOCSP - URI:http://d",
        );
        assert_eq!(
            o,
            vec![
                (
                    "OCSP - URI".to_owned(),
                    vec!["http://a".to_owned(), "http://d".to_owned()]
                ),
                ("CA Issuers - URI".to_owned(), vec!["http://b,c".to_owned()]),
            ]
        );
    }
}
