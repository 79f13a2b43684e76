//! A small, total DER reader: every function returns an error instead of panicking,
//! and every loop consumes input, so no input can hang or crash the parser.
//!
//! The errors name the OpenSSL ASN.1 reason Node reports for the same defect
//! (`ERR_OSSL_ASN1_TOO_LONG`, `..._WRONG_TAG`, ...), as closely as a
//! single-pass reader can tell.

use std::fmt::Write as _;

/// Why a DER structure could not be read (OpenSSL's ASN.1 reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DerError {
    /// A length runs past the end of the data (`ASN1_R_TOO_LONG`).
    TooLong,
    /// An element has another tag than the structure requires (`ASN1_R_WRONG_TAG`).
    WrongTag,
    /// A required element is missing (`ASN1_R_FIELD_MISSING`).
    FieldMissing,
    /// An INTEGER is empty or not minimally encoded (`ASN1_R_ILLEGAL_PADDING`).
    IllegalPadding,
    /// A length or tag encoding OpenSSL refuses (`ASN1_R_BAD_OBJECT_HEADER`).
    BadObjectHeader,
    /// A name attribute value of a type X.509 names cannot hold
    /// (`ASN1_R_MSTRING_WRONG_TAG`).
    MstringWrongTag,
    /// A UTF8String that is not UTF-8 (`ASN1_R_INVALID_UTF8STRING`).
    InvalidUtf8String,
    /// A BMPString or UniversalString with a surrogate or a value above U+10FFFF
    /// (`ASN1_R_ILLEGAL_CHARACTERS`).
    IllegalCharacters,
    /// A BMPString of odd length (`ASN1_R_INVALID_BMPSTRING_LENGTH`).
    InvalidBmpStringLength,
    /// A UniversalString whose length is not a multiple of 4
    /// (`ASN1_R_INVALID_UNIVERSALSTRING_LENGTH`).
    InvalidUniversalStringLength,
}

pub(crate) type DerResult<T> = Result<T, DerError>;

pub(crate) const TAG_BOOLEAN: u8 = 0x01;
pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_BIT_STRING: u8 = 0x03;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_UTF8_STRING: u8 = 0x0c;
pub(crate) const TAG_IA5_STRING: u8 = 0x16;
pub(crate) const TAG_UTC_TIME: u8 = 0x17;
pub(crate) const TAG_GENERALIZED_TIME: u8 = 0x18;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
pub(crate) const TAG_SET: u8 = 0x31;

/// One element: its identifier octet, its contents, and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    pub(crate) raw: &'a [u8],
}

/// Reads consecutive elements from a byte slice.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The identifier octet of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// Reads the next element, whatever its tag.
    pub(crate) fn read_any(&mut self) -> DerResult<Tlv<'a>> {
        let data = self.data;
        let (&tag, rest) = data.split_first().ok_or(DerError::FieldMissing)?;
        if tag & 0x1f == 0x1f {
            // High tag numbers never occur in the structures read here.
            return Err(DerError::BadObjectHeader);
        }
        let (&first, rest) = rest.split_first().ok_or(DerError::TooLong)?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            // Indefinite length is BER, not DER.
            0x80 => return Err(DerError::BadObjectHeader),
            _ => {
                let n = usize::from(first & 0x7f);
                if n > 4 || rest.len() < n {
                    return Err(if n > 4 {
                        DerError::BadObjectHeader
                    } else {
                        DerError::TooLong
                    });
                }
                let mut len = 0usize;
                for &b in &rest[..n] {
                    len = (len << 8) | usize::from(b);
                }
                (len, &rest[n..])
            }
        };
        if rest.len() < len {
            return Err(DerError::TooLong);
        }
        let header = data.len() - rest.len();
        let tlv = Tlv {
            tag,
            value: &rest[..len],
            raw: &data[..header + len],
        };
        self.data = &rest[len..];
        Ok(tlv)
    }

    /// Reads the next element, which must have `tag`.
    pub(crate) fn read(&mut self, tag: u8) -> DerResult<Tlv<'a>> {
        match self.peek_tag() {
            None => Err(DerError::FieldMissing),
            Some(t) if t != tag => Err(DerError::WrongTag),
            Some(_) => self.read_any(),
        }
    }

    /// Reads the next element if it has `tag`.
    pub(crate) fn read_optional(&mut self, tag: u8) -> DerResult<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(tag) {
            self.read_any().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// The contents of a non-empty, minimally encoded INTEGER (OpenSSL refuses others).
pub(crate) fn integer_bytes(tlv: Tlv<'_>) -> DerResult<&[u8]> {
    if tlv.tag != TAG_INTEGER {
        return Err(DerError::WrongTag);
    }
    let v = tlv.value;
    match v {
        [] => Err(DerError::IllegalPadding),
        [0x00, b, ..] if b & 0x80 == 0 => Err(DerError::IllegalPadding),
        [0xff, b, ..] if b & 0x80 != 0 => Err(DerError::IllegalPadding),
        _ => Ok(v),
    }
}

/// A BIT STRING's bytes, without the unused-bits octet.
pub(crate) fn bit_string_bytes(tlv: Tlv<'_>) -> DerResult<&[u8]> {
    if tlv.tag != TAG_BIT_STRING {
        return Err(DerError::WrongTag);
    }
    match tlv.value.split_first() {
        Some((&unused, rest)) if unused < 8 && !(unused > 0 && rest.is_empty()) => Ok(rest),
        _ => Err(DerError::BadObjectHeader),
    }
}

/// The dotted text of an OBJECT IDENTIFIER's contents (`OBJ_obj2txt(.., 1)`).
pub(crate) fn oid_to_string(content: &[u8]) -> DerResult<String> {
    if content.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return Err(DerError::BadObjectHeader);
    }
    let mut arcs: Vec<u128> = Vec::new();
    let mut cur: u128 = 0;
    let mut started = false;
    for &b in content {
        if !started && b == 0x80 {
            // A leading 0x80 is a non-minimal sub-identifier.
            return Err(DerError::BadObjectHeader);
        }
        started = true;
        cur = cur
            .checked_mul(128)
            .and_then(|c| c.checked_add(u128::from(b & 0x7f)))
            .ok_or(DerError::BadObjectHeader)?;
        if b & 0x80 == 0 {
            arcs.push(cur);
            cur = 0;
            started = false;
        }
    }
    let mut out = String::new();
    for (i, arc) in arcs.iter().enumerate() {
        if i == 0 {
            let (a, b) = match *arc {
                x if x < 40 => (0, x),
                x if x < 80 => (1, x - 40),
                x => (2, x - 80),
            };
            // Writing to a String cannot fail.
            let _ = write!(out, "{a}.{b}");
        } else {
            let _ = write!(out, ".{arc}");
        }
    }
    Ok(out)
}

/// Reads an OBJECT IDENTIFIER element as dotted text.
pub(crate) fn read_oid(reader: &mut Reader<'_>) -> DerResult<String> {
    let tlv = reader.read(TAG_OID)?;
    oid_to_string(tlv.value)
}

/// Upper-case hex with `:` between bytes, as Node prints fingerprints.
pub(crate) fn colon_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// Upper-case hex, two digits per byte.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            // Writing to a String cannot fail.
            let _ = write!(s, "{b:02X}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_and_lengths() {
        assert_eq!(
            oid_to_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]).unwrap(),
            "1.2.840.113549"
        );
        assert_eq!(oid_to_string(&[0x55, 0x04, 0x03]).unwrap(), "2.5.4.3");
        assert_eq!(oid_to_string(&[0x88, 0x37]).unwrap(), "2.999");
        assert!(oid_to_string(&[0x81]).is_err());
        let mut r = Reader::new(&[0x30, 0x82, 0x00]);
        assert_eq!(r.read_any().unwrap_err(), DerError::TooLong);
        let mut r = Reader::new(&[0x04, 0x02, 0xaa]);
        assert_eq!(r.read_any().unwrap_err(), DerError::TooLong);
        let mut r = Reader::new(&[0x04, 0x01, 0xaa, 0x05, 0x00]);
        assert_eq!(r.read(0x04).unwrap().value, &[0xaa]);
        assert_eq!(r.read(0x04).unwrap_err(), DerError::WrongTag);
    }

    #[test]
    fn integers_must_be_minimal() {
        let t = |v: &'static [u8]| Tlv {
            tag: TAG_INTEGER,
            value: v,
            raw: v,
        };
        assert!(integer_bytes(t(&[0x00, 0x80])).is_ok());
        assert!(integer_bytes(t(&[0x00, 0x7f])).is_err());
        assert!(integer_bytes(t(&[])).is_err());
        assert!(integer_bytes(t(&[0xff, 0x80])).is_err());
    }
}
