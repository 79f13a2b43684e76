//! `dhparam`: finite-field Diffie-Hellman parameters for DHE suites.
//!
//! rustls implements no DHE cipher suite, so valid parameters cannot be honoured:
//! building the context fails with `ERR_TLS_DHE_UNSUPPORTED` rather than appearing
//! to succeed. Parameters Node itself refuses fail first with Node's error
//! (`ERR_INVALID_ARG_VALUE`, "DH parameter is less than 1024 bits"). Node 20
//! silently ignores unparsable `dhparam` input; we refuse it
//! (`ERR_TLS_INVALID_DHPARAM`) since an ignored option is a bug waiting to happen.

use base64::Engine as _;

use crate::{Error, Result};

/// Checks Node's `dhparam` option and reports why it cannot be used here.
pub fn check_dhparam(dhparam: &[u8]) -> Result<()> {
    if dhparam == b"auto" {
        return Err(unsupported("'auto'"));
    }
    let bits = prime_bits(dhparam).ok_or_else(|| Error::InvalidDhparam {
        message: "dhparam is not a PEM or DER `DH PARAMETERS` block".into(),
    })?;
    if bits < 1024 {
        return Err(Error::InvalidArgValue {
            message: "DH parameter is less than 1024 bits".into(),
        });
    }
    Err(unsupported(&format!("{bits}-bit parameters")))
}

fn unsupported(what: &str) -> Error {
    Error::DheUnsupported {
        message: format!(
            "dhparam ({what}) cannot be honoured: this stack (rustls) implements no DHE \
             cipher suites; ECDHE is always used. Remove the dhparam option."
        ),
    }
}

/// The size of the prime `p` in `DHParameter ::= SEQUENCE { p INTEGER, g INTEGER, ... }`.
fn prime_bits(input: &[u8]) -> Option<usize> {
    let der = match pem_block(input, "DH PARAMETERS") {
        Pem::Block(der) => der,
        Pem::Malformed => return None,
        Pem::Absent => input.to_vec(),
    };
    let (tag, body, _) = der_tlv(&der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, p, rest) = der_tlv(body)?;
    let (g_tag, _, _) = der_tlv(rest)?;
    if tag != 0x02 || g_tag != 0x02 {
        return None;
    }
    let p = match p.iter().position(|&b| b != 0) {
        Some(i) => &p[i..],
        None => return None,
    };
    Some(p.len() * 8 - p[0].leading_zeros() as usize)
}

enum Pem {
    Block(Vec<u8>),
    Malformed,
    Absent,
}

/// The decoded body of the first `-----BEGIN {label}-----` block.
fn pem_block(input: &[u8], label: &str) -> Pem {
    let Ok(text) = std::str::from_utf8(input) else {
        return Pem::Absent;
    };
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let Some(start) = text.find(&begin).map(|i| i + begin.len()) else {
        return Pem::Absent;
    };
    let Some(len) = text[start..].find(&end) else {
        return Pem::Malformed;
    };
    let body: String = text[start..start + len].split_whitespace().collect();
    match base64::engine::general_purpose::STANDARD.decode(body) {
        Ok(der) => Pem::Block(der),
        Err(_) => Pem::Malformed,
    }
}

/// One DER TLV: (tag, contents, rest). Definite lengths only.
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    // `openssl dhparam 512` / `1024` outputs, generated once.
    const DH512: &str = "-----BEGIN DH PARAMETERS-----
MEYCQQCC8jQP7YCfrglGicxZA8CqEiM95QqF5sjZl3m5px8cahsLG1jdokwBKPTy
GzRJA8m8700azAEy24+s4aoF2HKXAgEC
-----END DH PARAMETERS-----
";
    const DH1024: &str = "-----BEGIN DH PARAMETERS-----
MIGHAoGBAP5kCXbWiif081c7mTZjwzR7bvDAKHKHNFQwD+ov3j2fTUfbilBra89O
8bSSPXZOMPaqUhZICF0YLnhJz1lP76oziYI9co+xymHW0b1Oh9wnezjqpOjbKn2V
9TqzilwDOdvCVPmzUA6nnVi8yDsEWmRCe2jBDabZiUi0ulqSPqGPAgEC
-----END DH PARAMETERS-----
";

    #[test]
    fn sizes_and_verdicts() {
        assert_eq!(prime_bits(DH512.as_bytes()), Some(512));
        assert_eq!(prime_bits(DH1024.as_bytes()), Some(1024));
        let e = check_dhparam(DH512.as_bytes()).unwrap_err();
        assert_eq!(
            (e.code(), e.to_string().as_str()),
            (
                "ERR_INVALID_ARG_VALUE",
                "DH parameter is less than 1024 bits"
            )
        );
        assert_eq!(
            check_dhparam(DH1024.as_bytes()).unwrap_err().code(),
            "ERR_TLS_DHE_UNSUPPORTED"
        );
        assert_eq!(
            check_dhparam(b"auto").unwrap_err().code(),
            "ERR_TLS_DHE_UNSUPPORTED"
        );
        assert_eq!(
            check_dhparam(b"garbage").unwrap_err().code(),
            "ERR_TLS_INVALID_DHPARAM"
        );
        assert_eq!(
            check_dhparam(b"").unwrap_err().code(),
            "ERR_TLS_INVALID_DHPARAM"
        );
    }
}
