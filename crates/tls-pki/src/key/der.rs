//! A minimal, panic-free DER reader: just enough to tell key formats apart, pull
//! public keys out of private keys and mirror OpenSSL's ASN.1 error reasons.

/// Universal tags used by the key and certificate structures we look into.
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const SEQUENCE: u8 = 0x30;

/// Why a TLV could not be read, in OpenSSL's words (`asn1 encoding routines`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TlvError {
    /// The header (tag and length) is cut short or malformed: `header too long`.
    HeaderTooLong,
    /// The length points past the end of the enclosing data: `too long`.
    TooLong,
}

/// One tag-length-value element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (only single-octet tags are supported).
    pub(crate) tag: u8,
    /// The contents octets.
    pub(crate) value: &'a [u8],
    /// The whole element, header included.
    pub(crate) raw: &'a [u8],
}

/// Reads a sequence of TLVs from a byte slice.
#[derive(Debug, Clone, Copy)]
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

    pub(crate) fn rest(&self) -> &'a [u8] {
        self.data
    }

    /// Reads the next element and requires `tag`.
    pub(crate) fn read(&mut self, tag: u8) -> Option<Tlv<'a>> {
        let (tlv, rest) = split_tlv(self.data).ok()?;
        if tlv.tag != tag {
            return None;
        }
        self.data = rest;
        Some(tlv)
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }
}

/// Splits the first TLV off `data`. Only definite lengths of up to four octets, as
/// DER requires; anything else is a header error.
pub(crate) fn split_tlv(data: &[u8]) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    let (&tag, rest) = data.split_first().ok_or(TlvError::HeaderTooLong)?;
    if tag & 0x1f == 0x1f {
        // High-tag-number form: none of the structures we read use it.
        return Err(TlvError::HeaderTooLong);
    }
    let (&first, mut rest) = rest.split_first().ok_or(TlvError::HeaderTooLong)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(TlvError::HeaderTooLong);
        }
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | usize::from(b);
        }
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return Err(TlvError::TooLong);
    }
    let header = data.len() - rest.len();
    let (value, after) = rest.split_at(len);
    Ok((
        Tlv {
            tag,
            value,
            raw: &data[..header + len],
        },
        after,
    ))
}

/// Reads exactly one element of `tag` covering all of `data`.
pub(crate) fn single(data: &[u8], tag: u8) -> Option<Tlv<'_>> {
    let (tlv, rest) = split_tlv(data).ok()?;
    (tlv.tag == tag && rest.is_empty()).then_some(tlv)
}

/// An INTEGER's magnitude without the sign-padding zero octets, so two encodings
/// of the same value compare equal.
pub(crate) fn unsigned(int: &[u8]) -> &[u8] {
    let mut v = int;
    while let [0, rest @ ..] = v {
        if rest.is_empty() {
            break;
        }
        v = rest;
    }
    v
}

/// Well-known OIDs (contents octets only).
pub(crate) mod oids {
    /// rsaEncryption 1.2.840.113549.1.1.1
    pub(crate) const RSA: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// id-RSASSA-PSS 1.2.840.113549.1.1.10
    pub(crate) const RSA_PSS: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    /// id-ecPublicKey 1.2.840.10045.2.1
    pub(crate) const EC: [u8; 7] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// prime256v1 1.2.840.10045.3.1.7
    pub(crate) const P256: [u8; 8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// secp384r1 1.3.132.0.34
    pub(crate) const P384: [u8; 5] = [0x2b, 0x81, 0x04, 0x00, 0x22];
    /// X25519 1.3.101.110
    pub(crate) const X25519: [u8; 3] = [0x2b, 0x65, 0x6e];
    /// X448 1.3.101.111
    pub(crate) const X448: [u8; 3] = [0x2b, 0x65, 0x6f];
    /// Ed25519 1.3.101.112
    pub(crate) const ED25519: [u8; 3] = [0x2b, 0x65, 0x70];
    /// Ed448 1.3.101.113
    pub(crate) const ED448: [u8; 3] = [0x2b, 0x65, 0x71];
    /// dhKeyAgreement 1.2.840.113549.1.3.1
    pub(crate) const DH_PKCS3: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x03, 0x01];
    /// dhpublicnumber (X9.42) 1.2.840.10046.2.1
    pub(crate) const DH_X942: [u8; 7] = [0x2a, 0x86, 0x48, 0xce, 0x3e, 0x02, 0x01];
    /// pbeWithSHAAnd3-KeyTripleDES-CBC 1.2.840.113549.1.12.1.3
    pub(crate) const PBE_SHA1_3DES: [u8; 10] =
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let (t, rest) = split_tlv(&[0x04, 0x01, 0xaa, 0xff]).unwrap();
        assert_eq!((t.tag, t.value, rest), (0x04, &[0xaa][..], &[0xff][..]));
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        assert_eq!(split_tlv(&long).unwrap().0.value.len(), 0x80);
    }

    #[test]
    fn reports_openssl_reasons() {
        assert_eq!(split_tlv(&[0x30]).unwrap_err(), TlvError::HeaderTooLong);
        assert_eq!(
            split_tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]).unwrap_err(),
            TlvError::HeaderTooLong
        );
        assert_eq!(split_tlv(&[0x30, 0x03, 1]).unwrap_err(), TlvError::TooLong);
    }

    #[test]
    fn unsigned_strips_sign_padding() {
        assert_eq!(unsigned(&[0, 0x80]), &[0x80]);
        assert_eq!(unsigned(&[0]), &[0]);
    }
}
