//! X.509 names as Node shows them: the `subject`/`issuer` objects
//! (`GetX509NameObject` in Node's `src/crypto/crypto_common.cc`), the RFC 2253 text
//! of a `DirName:` alternative name (`X509_NAME_print_ex` with Node's
//! `kX509NameFlagsRFC2253WithinUtf8JSON`), and OpenSSL's name comparison
//! (`X509_NAME_cmp`) used to link a certificate to its issuer.

use serde_json::Value;

use super::der::{self, DerResult, Reader, Tlv, TAG_SEQUENCE, TAG_SET, TAG_UTF8_STRING};
use super::oids;

/// One attribute of a name, in encoding order.
#[derive(Debug, Clone)]
pub(crate) struct NameEntry<'a> {
    /// Dotted OID of the attribute type.
    pub(crate) oid: String,
    /// Index of the RDN (SET) it belongs to; equal for the parts of a multi-valued RDN.
    pub(crate) rdn: usize,
    /// The value's tag (string type).
    pub(crate) tag: u8,
    /// The value's contents.
    pub(crate) value: &'a [u8],
    /// The value's whole encoding.
    pub(crate) raw: &'a [u8],
}

/// Parses the contents-and-tag of a `Name` (a SEQUENCE OF SET OF AttributeTypeAndValue).
pub(crate) fn parse_name(name: Tlv<'_>) -> DerResult<Vec<NameEntry<'_>>> {
    if name.tag != TAG_SEQUENCE {
        return Err(der::DerError::WrongTag);
    }
    let mut entries = Vec::new();
    let mut rdns = Reader::new(name.value);
    let mut rdn = 0;
    while !rdns.is_empty() {
        let set = rdns.read(TAG_SET)?;
        let mut atvs = Reader::new(set.value);
        while !atvs.is_empty() {
            let atv = atvs.read(TAG_SEQUENCE)?;
            let mut r = Reader::new(atv.value);
            let oid = der::read_oid(&mut r)?;
            let value = r.read_any()?;
            if !r.is_empty() {
                return Err(der::DerError::TooLong);
            }
            check_value(value.tag, value.value)?;
            entries.push(NameEntry {
                oid,
                rdn,
                tag: value.tag,
                value: value.value,
                raw: value.raw,
            });
        }
        rdn += 1;
    }
    Ok(entries)
}

/// What OpenSSL's `d2i` of a name accepts as an attribute value: the types of
/// `ASN1_PRINTABLE` (strings, BIT STRING, SEQUENCE and "unknown" universal types),
/// and for the string types it canonicalises, convertible contents.
fn check_value(tag: u8, value: &[u8]) -> DerResult<()> {
    match tag {
        // BIT STRING, SEQUENCE, tags OpenSSL maps to B_ASN1_UNKNOWN; and Numeric,
        // Printable, T61, IA5, whose bytes are all valid (read as Latin-1).
        0x03 | 0x30 | 0x07 | 0x09 | 0x0a | 0x0b | 0x0d | 0x0e | 0x0f | 0x1d | 0x12 | 0x13
        | 0x14 | 0x16 => Ok(()),
        TAG_UTF8_STRING => std::str::from_utf8(value)
            .map(|_| ())
            .map_err(|_| der::DerError::InvalidUtf8String),
        0x1e => {
            if value.len() % 2 != 0 {
                return Err(der::DerError::InvalidBmpStringLength);
            }
            if value.chunks_exact(2).any(|c| (0xd8..=0xdf).contains(&c[0])) {
                return Err(der::DerError::IllegalCharacters);
            }
            Ok(())
        }
        0x1c => {
            if value.len() % 4 != 0 {
                return Err(der::DerError::InvalidUniversalStringLength);
            }
            let bad = value.chunks_exact(4).any(|c| {
                let v = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
                v > 0x10_ffff || (0xd800..=0xdfff).contains(&v)
            });
            if bad {
                return Err(der::DerError::IllegalCharacters);
            }
            Ok(())
        }
        _ => Err(der::DerError::MstringWrongTag),
    }
}

/// `ASN1_STRING_to_UTF8`: the UTF-8 bytes of a string value, or `None` for a type
/// OpenSSL cannot convert (or a malformed BMP/Universal/UTF8 string).
pub(crate) fn string_to_utf8(tag: u8, value: &[u8]) -> Option<Vec<u8>> {
    match tag {
        TAG_UTF8_STRING => std::str::from_utf8(value)
            .ok()
            .map(|s| s.as_bytes().to_vec()),
        // Numeric, Printable, T61, IA5, UTCTime, GeneralizedTime, ISO646 (Visible):
        // one byte per character, read as Latin-1.
        0x12 | 0x13 | 0x14 | 0x16 | 0x17 | 0x18 | 0x1a => {
            let mut out = Vec::with_capacity(value.len());
            for &b in value {
                push_utf8(&mut out, u32::from(b));
            }
            Some(out)
        }
        // UniversalString: UCS-4 big endian.
        0x1c => {
            if value.len() % 4 != 0 {
                return None;
            }
            let mut out = Vec::new();
            for c in value.chunks_exact(4) {
                let v = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
                if v > 0x10_ffff {
                    return None;
                }
                push_utf8(&mut out, v);
            }
            Some(out)
        }
        // BMPString: UCS-2 big endian (no surrogate pairing, as in OpenSSL).
        0x1e => {
            if value.len() % 2 != 0 {
                return None;
            }
            let mut out = Vec::new();
            for c in value.chunks_exact(2) {
                push_utf8(&mut out, u32::from(u16::from_be_bytes([c[0], c[1]])));
            }
            Some(out)
        }
        _ => None,
    }
}

/// OpenSSL's `UTF8_putc`: encodes any value below 0x110000, surrogates included
/// (V8 later turns those bytes into U+FFFD, as `String::from_utf8_lossy` does).
fn push_utf8(out: &mut Vec<u8>, v: u32) {
    // The `as u8` casts below keep the low bits on purpose (masked first).
    if v < 0x80 {
        out.push(v as u8);
    } else if v < 0x800 {
        out.push(0xc0 | (v >> 6) as u8);
        out.push(0x80 | (v & 0x3f) as u8);
    } else if v < 0x1_0000 {
        out.push(0xe0 | (v >> 12) as u8);
        out.push(0x80 | ((v >> 6) & 0x3f) as u8);
        out.push(0x80 | (v & 0x3f) as u8);
    } else {
        out.push(0xf0 | (v >> 18) as u8);
        out.push(0x80 | ((v >> 12) & 0x3f) as u8);
        out.push(0x80 | ((v >> 6) & 0x3f) as u8);
        out.push(0x80 | (v & 0x3f) as u8);
    }
}

/// The value of one key of Node's name object: a string, or an array when the
/// attribute occurs more than once in the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameValue {
    /// The attribute occurs once.
    Single(String),
    /// The attribute occurs several times, in encoding order.
    Multiple(Vec<String>),
}

impl NameValue {
    /// All values, in encoding order.
    pub fn values(&self) -> Vec<&str> {
        match self {
            NameValue::Single(s) => vec![s.as_str()],
            NameValue::Multiple(v) => v.iter().map(String::as_str).collect(),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            NameValue::Single(s) => Value::String(s.clone()),
            NameValue::Multiple(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
        }
    }
}

/// A `subject` or `issuer` as Node 20 shows it: keys are OpenSSL's short names of
/// the attribute types (`CN`, `O`, `emailAddress`, `jurisdictionC`...) or the dotted
/// OID when OpenSSL has no name for it, in order of first occurrence; a repeated
/// attribute becomes an array; the parts of a multi-valued RDN (`O=a+OU=b`) are
/// plain keys like the others. Values are UTF-8, unescaped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DistinguishedName {
    entries: Vec<(String, NameValue)>,
}

impl DistinguishedName {
    /// Builds Node's object from the attributes of a name. `None` when a value has a
    /// type OpenSSL cannot turn into UTF-8: Node then leaves the whole key undefined.
    pub(crate) fn from_entries(entries: &[NameEntry<'_>]) -> Option<Self> {
        let mut out: Vec<(String, NameValue)> = Vec::new();
        for e in entries {
            let key = oids::short_name(&e.oid).map_or_else(|| e.oid.clone(), str::to_owned);
            let utf8 = string_to_utf8(e.tag, e.value)?;
            let value = String::from_utf8_lossy(&utf8).into_owned();
            if let Some((_, existing)) = out.iter_mut().find(|(k, _)| *k == key) {
                match existing {
                    NameValue::Single(first) => {
                        *existing = NameValue::Multiple(vec![std::mem::take(first), value]);
                    }
                    NameValue::Multiple(v) => v.push(value),
                }
            } else {
                out.push((key, NameValue::Single(value)));
            }
        }
        Some(DistinguishedName { entries: out })
    }

    /// The value of one key (`"CN"`, `"O"`, ...).
    pub fn get(&self, key: &str) -> Option<&NameValue> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The keys and values, in Node's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &NameValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Node's JSON object.
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        for (k, v) in &self.entries {
            m.insert(k.clone(), v.to_json());
        }
        Value::Object(m)
    }
}

/// `X509_NAME_print_ex(.., XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB &
/// ~ASN1_STRFLGS_ESC_CTRL)`: the RFC 2253 text Node puts after `DirName:`.
/// Returns raw bytes (UTF-8 unless the certificate holds invalid UTF-8); `None` when
/// OpenSSL's printer fails (odd-length BMPString and the like).
pub(crate) fn rfc2253_bytes(entries: &[NameEntry<'_>]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut prev_rdn: Option<usize> = None;
    // XN_FLAG_DN_REV: last RDN first.
    for e in entries.iter().rev() {
        if let Some(p) = prev_rdn {
            out.push(if p == e.rdn { b'+' } else { b',' });
        }
        prev_rdn = Some(e.rdn);
        let short = oids::short_name(&e.oid);
        out.extend_from_slice(short.unwrap_or(&e.oid).as_bytes());
        out.push(b'=');
        let width = match (short, e.tag) {
            // XN_FLAG_DUMP_UNKNOWN_FIELDS: unknown attribute types are dumped.
            (None, _) => None,
            // UTF8String with ASN1_STRFLGS_UTF8_CONVERT: bytes passed through.
            (_, TAG_UTF8_STRING) => Some(1),
            (_, 0x12 | 0x13 | 0x14 | 0x16 | 0x17 | 0x18 | 0x1a) => Some(1 | CONVERT),
            (_, 0x1c) => Some(4 | CONVERT),
            (_, 0x1e) => Some(2 | CONVERT),
            // ASN1_STRFLGS_DUMP_UNKNOWN
            _ => None,
        };
        match width {
            None => {
                out.push(b'#');
                for b in e.raw {
                    out.extend_from_slice(format!("{b:02X}").as_bytes());
                }
            }
            Some(w) => escape_2253(&mut out, e.value, w)?,
        }
    }
    Some(out)
}

const CONVERT: u8 = 0x10;

/// OpenSSL's `do_buf` + `do_esc_char` with ASN1_STRFLGS_ESC_2253 only.
fn escape_2253(out: &mut Vec<u8>, value: &[u8], width: u8) -> Option<()> {
    let step = usize::from(width & 0x0f);
    if value.len() % step != 0 {
        return None;
    }
    let chars: Vec<u32> = value
        .chunks_exact(step)
        .map(|c| c.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
        .collect();
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        // OpenSSL sets "first" and then overwrites it with "last" for the last
        // character, so a one-character value only gets the "last" rule.
        let position = if i + 1 == n {
            Position::Last
        } else if i == 0 {
            Position::First
        } else {
            Position::Middle
        };
        if width & CONVERT != 0 {
            if c > 0x10_ffff {
                return None;
            }
            let mut buf = Vec::new();
            push_utf8(&mut buf, c);
            for b in buf {
                esc_char(out, b, position);
            }
        } else {
            // Width-1 without conversion: `c` is one byte.
            esc_char(out, c as u8, position);
        }
    }
    Some(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    First,
    Middle,
    Last,
}

fn esc_char(out: &mut Vec<u8>, c: u8, position: Position) {
    let escape = match c {
        b',' | b'+' | b'"' | b'\\' | b'<' | b'>' | b';' => true,
        b'#' => position == Position::First,
        b' ' => position != Position::Middle,
        _ => false,
    };
    if escape {
        out.push(b'\\');
    }
    out.push(c);
}

/// OpenSSL's canonical form of a name (`x509_name_canon`), for `X509_NAME_cmp`:
/// string values in UTF-8, trimmed, inner whitespace collapsed, ASCII lower case.
pub(crate) fn canonical(entries: &[NameEntry<'_>]) -> Vec<Vec<(String, Vec<u8>)>> {
    let mut rdns: Vec<Vec<(String, Vec<u8>)>> = Vec::new();
    let mut last: Option<usize> = None;
    for e in entries {
        if last != Some(e.rdn) {
            rdns.push(Vec::new());
            last = Some(e.rdn);
        }
        let canon_types = matches!(e.tag, 0x0c | 0x1e | 0x1c | 0x13 | 0x14 | 0x16 | 0x1a);
        let value = match string_to_utf8(e.tag, e.value) {
            Some(utf8) if canon_types => {
                let mut v = Vec::new();
                let mut space = false;
                for &b in utf8.iter().skip_while(|b| is_space(**b)) {
                    if is_space(b) {
                        space = true;
                        continue;
                    }
                    if space {
                        v.push(b' ');
                        space = false;
                    }
                    v.push(b.to_ascii_lowercase());
                }
                let mut tagged = vec![TAG_UTF8_STRING];
                tagged.extend(v);
                tagged
            }
            _ => e.raw.to_vec(),
        };
        if let Some(rdn) = rdns.last_mut() {
            rdn.push((e.oid.clone(), value));
        }
    }
    for rdn in &mut rdns {
        // DER sorts the members of a SET OF.
        rdn.sort();
    }
    rdns
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(oid: &str, rdn: usize, tag: u8, value: &'static [u8]) -> NameEntry<'static> {
        NameEntry {
            oid: oid.to_owned(),
            rdn,
            tag,
            value,
            raw: value,
        }
    }

    #[test]
    fn rfc2253_escaping_follows_openssl_positions() {
        let e = [
            entry("2.5.4.3", 0, 0x0c, b"#a, b "),
            entry("2.5.4.10", 1, 0x0c, b"#"),
            entry("2.5.4.11", 1, 0x0c, b" "),
        ];
        let s = rfc2253_bytes(&e).unwrap();
        assert_eq!(String::from_utf8(s).unwrap(), "OU=\\ +O=#,CN=\\#a\\, b\\ ");
    }

    #[test]
    fn repeated_attributes_become_arrays() {
        let e = [
            entry("2.5.4.3", 0, 0x0c, b"a"),
            entry("2.5.4.10", 1, 0x13, b"o"),
            entry("2.5.4.3", 2, 0x1e, b"\x00b"),
            entry("1.2.3.4", 3, 0x0c, b"x"),
        ];
        let dn = DistinguishedName::from_entries(&e).unwrap();
        assert_eq!(
            dn.to_json(),
            serde_json::json!({"CN": ["a", "b"], "O": "o", "1.2.3.4": "x"})
        );
        assert!(DistinguishedName::from_entries(&[entry("2.5.4.3", 0, 0x0c, b"\xff")]).is_none());
    }
}
