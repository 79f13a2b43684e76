//! What `new crypto.X509Certificate(buf)` accepts: the first certificate PEM block
//! (OpenSSL's `PEM_read_bio_X509_AUX`), else one DER certificate (`d2i_X509_bio`),
//! else the PEM failure — with the codes Node reports.

use super::der::{DerError, Reader, TAG_SEQUENCE};
use super::CertificateInputError;

impl From<DerError> for CertificateInputError {
    fn from(e: DerError) -> Self {
        match e {
            DerError::TooLong => CertificateInputError::Asn1TooLong,
            DerError::WrongTag => CertificateInputError::Asn1WrongTag,
            DerError::FieldMissing => CertificateInputError::Asn1FieldMissing,
            DerError::IllegalPadding => CertificateInputError::Asn1IllegalPadding,
            DerError::BadObjectHeader => CertificateInputError::Asn1BadObjectHeader,
            DerError::MstringWrongTag => CertificateInputError::Asn1MstringWrongTag,
            DerError::InvalidUtf8String => CertificateInputError::Asn1InvalidUtf8String,
            DerError::IllegalCharacters => CertificateInputError::Asn1IllegalCharacters,
            DerError::InvalidBmpStringLength => CertificateInputError::Asn1InvalidBmpStringLength,
            DerError::InvalidUniversalStringLength => {
                CertificateInputError::Asn1InvalidUniversalStringLength
            }
        }
    }
}

/// Finds the certificate in `data` as Node does and returns its DER (the one
/// certificate element, without trailing bytes).
///
/// 1. PEM: blocks are read in order; blocks of other types (keys, CRLs) are
///    skipped, but a malformed one (bad base64, no END line) ends the search with
///    its error, as in OpenSSL. The first `CERTIFICATE`, `X509 CERTIFICATE` or
///    `TRUSTED CERTIFICATE` block is decoded; its failure is final.
/// 2. If PEM fails, `data` read as one DER certificate (trailing bytes ignored).
/// 3. Else the PEM error (`ERR_OSSL_PEM_NO_START_LINE` for DER garbage).
///
/// `check` validates a DER candidate (full certificate parse).
pub(crate) fn find_certificate(
    data: &[u8],
    check: impl Fn(&[u8]) -> Result<(), DerError>,
) -> Result<Vec<u8>, CertificateInputError> {
    let pem_err = match read_pem(data) {
        Ok(der) => {
            // d2i_X509_AUX: the certificate, then optional trust data (a SEQUENCE).
            if der.is_empty() {
                // OpenSSL reports an empty body as a wrong tag.
                return Err(CertificateInputError::Asn1WrongTag);
            }
            let mut r = Reader::new(&der);
            let cert = r.read_any()?;
            check(cert.raw)?;
            if !r.is_empty() {
                let aux = r.read_any()?;
                if aux.tag != TAG_SEQUENCE {
                    return Err(CertificateInputError::Asn1WrongTag);
                }
                if !r.is_empty() {
                    return Err(CertificateInputError::Asn1TooLong);
                }
            }
            return Ok(cert.raw.to_vec());
        }
        Err(e) => e,
    };
    let mut r = Reader::new(data);
    if let Ok(cert) = r.read_any() {
        if check(cert.raw).is_ok() {
            return Ok(cert.raw.to_vec());
        }
    }
    Err(pem_err)
}

/// Reads PEM blocks until the first certificate block; returns its decoded bytes.
pub(crate) fn read_pem(data: &[u8]) -> Result<Vec<u8>, CertificateInputError> {
    let mut lines = Lines::new(data);
    loop {
        let block = read_block(&mut lines)?;
        if matches!(
            block.name.as_slice(),
            b"CERTIFICATE" | b"X509 CERTIFICATE" | b"TRUSTED CERTIFICATE"
        ) {
            check_header(&block.header, block.data.len())?;
            return Ok(block.data);
        }
    }
}

struct Lines<'a> {
    data: &'a [u8],
    first: bool,
}

impl<'a> Lines<'a> {
    fn new(data: &'a [u8]) -> Self {
        Lines { data, first: true }
    }

    /// The next line without its `\n` (and whether it was cut short), or `None`
    /// at the end. Like OpenSSL's `BIO_gets(bio, buf, 255)`, a line longer than
    /// 254 bytes comes in pieces, so a one-line PEM file has no BEGIN line.
    fn next_raw(&mut self) -> Option<(&'a [u8], bool)> {
        const CHUNK: usize = 254;
        if self.data.is_empty() {
            return None;
        }
        let window = &self.data[..self.data.len().min(CHUNK)];
        let (line, consumed, partial) = match window.iter().position(|&b| b == b'\n') {
            Some(i) => (&self.data[..i], i + 1, false),
            None => (window, window.len(), window.len() == CHUNK),
        };
        self.data = &self.data[consumed..];
        let line = if self.first {
            self.first = false;
            line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line)
        } else {
            line
        };
        Some((line, partial))
    }
}

/// `sanitize_line` with PEM_FLAG_EAY_COMPATIBLE: trailing bytes <= ' ' removed.
fn trim_end(line: &[u8]) -> &[u8] {
    let end = line.iter().rposition(|&b| b > b' ').map_or(0, |i| i + 1);
    &line[..end]
}

/// Where `get_header_and_data` is: maybe in headers, in headers, past them.
#[derive(PartialEq)]
enum Hdr {
    Maybe,
    In,
    Post,
}

struct Block {
    name: Vec<u8>,
    header: Vec<u8>,
    data: Vec<u8>,
}

/// `PEM_read_bio_ex`: one block (name, header lines, base64-decoded data).
fn read_block(lines: &mut Lines<'_>) -> Result<Block, CertificateInputError> {
    // get_name
    let name = loop {
        let Some((line, _)) = lines.next_raw() else {
            return Err(CertificateInputError::PemNoStartLine);
        };
        let line = trim_end(line);
        if let Some(rest) = line.strip_prefix(b"-----BEGIN ") {
            if let Some(name) = rest.strip_suffix(b"-----") {
                break name.to_vec();
            }
        }
    };
    // get_header_and_data
    let mut got = Hdr::Maybe;
    let mut first_buf: Vec<u8> = Vec::new();
    let mut data_buf: Vec<u8> = Vec::new();
    let mut end = false;
    let mut partial = false;
    loop {
        let Some((raw, cut)) = lines.next_raw() else {
            return Err(CertificateInputError::PemBadEndLine);
        };
        let prev_partial = std::mem::replace(&mut partial, cut);
        if got == Hdr::Maybe && raw.contains(&b':') {
            got = Hdr::In;
        }
        let line = trim_end(raw);
        if line.is_empty() {
            if prev_partial {
                // The rest of a long line, not an empty line.
                continue;
            }
            if got == Hdr::Post {
                return Err(CertificateInputError::PemBadEndLine);
            }
            got = Hdr::Post;
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"-----END ") {
            if rest.strip_suffix(b"-----") != Some(name.as_slice()) {
                return Err(CertificateInputError::PemBadEndLine);
            }
            break;
        } else if end {
            return Err(CertificateInputError::PemBadEndLine);
        }
        if got == Hdr::Post {
            // Lines after a header must be 64 characters, the last one shorter.
            if line.len() > 64 {
                return Err(CertificateInputError::PemBadEndLine);
            }
            if line.len() < 64 {
                end = true;
            }
            data_buf.extend_from_slice(line);
            data_buf.push(b'\n');
        } else {
            first_buf.extend_from_slice(line);
            first_buf.push(b'\n');
        }
    }
    let (header, body) = if got == Hdr::Post {
        (first_buf, data_buf)
    } else if got == Hdr::In {
        (first_buf, Vec::new())
    } else {
        (Vec::new(), first_buf)
    };
    let data = decode_base64(&body).ok_or(CertificateInputError::PemBadBase64Decode)?;
    Ok(Block { name, header, data })
}

/// `PEM_get_EVP_CIPHER_INFO` + `PEM_do_header` for a certificate block's header.
///
/// Node gives `X509Certificate` no passphrase, so an encrypted certificate never
/// loads: OpenSSL decrypts with an empty one and fails in `EVP_DecryptFinal`. We
/// do not decrypt; we give the code that failure has for CBC ciphers
/// (`WRONG_FINAL_BLOCK_LENGTH` when the data is not whole blocks, else
/// `BAD_DECRYPT`, which a wrong key gives but for a 1-in-256 padding accident).
fn check_header(header: &[u8], data_len: usize) -> Result<(), CertificateInputError> {
    if header.is_empty() || header == b"\n" {
        return Ok(());
    }
    let Some(rest) = header.strip_prefix(b"Proc-Type: 4,") else {
        return Err(CertificateInputError::PemNotProcType);
    };
    let Some(rest) = rest.strip_prefix(b"ENCRYPTED") else {
        return Err(CertificateInputError::PemNotEncrypted);
    };
    let rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    let Some(dek) = rest.strip_prefix(b"DEK-Info: ") else {
        return Err(CertificateInputError::PemNotDekInfo);
    };
    let cipher = dek
        .split(|&b| b == b',' || b == b'\n')
        .next()
        .unwrap_or(&[]);
    let cipher = String::from_utf8_lossy(cipher).to_ascii_uppercase();
    let block = match cipher.as_str() {
        "AES-128-CBC" | "AES-192-CBC" | "AES-256-CBC" | "CAMELLIA-128-CBC" | "CAMELLIA-192-CBC"
        | "CAMELLIA-256-CBC" | "ARIA-128-CBC" | "ARIA-192-CBC" | "ARIA-256-CBC" | "SEED-CBC"
        | "SM4-CBC" => 16,
        "DES-EDE3-CBC" | "DES-EDE-CBC" | "DES-CBC" | "BF-CBC" | "CAST5-CBC" | "IDEA-CBC"
        | "RC2-CBC" => 8,
        _ => return Err(CertificateInputError::PemUnsupportedEncryption),
    };
    if data_len == 0 || data_len % block != 0 {
        Err(CertificateInputError::PemWrongFinalBlockLength)
    } else {
        Err(CertificateInputError::PemBadDecrypt)
    }
}

/// `EVP_DecodeUpdate` + `EVP_DecodeFinal`: base64 with spaces, tabs and line
/// breaks ignored, `-` ending the input, at most two `=` and only at the end.
fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let mut vals: Vec<u8> = Vec::with_capacity(text.len());
    let mut pad = 0usize;
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                pad += 1;
                if pad > 2 {
                    return None;
                }
                vals.push(0);
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' => continue,
            b'-' => break,
            _ => return None,
        };
        if pad > 0 {
            return None;
        }
        vals.push(v);
    }
    if vals.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(vals.len() / 4 * 3);
    for q in vals.chunks_exact(4) {
        out.push((q[0] << 2) | (q[1] >> 4));
        out.push((q[1] << 4) | (q[2] >> 2));
        out.push((q[2] << 6) | q[3]);
    }
    out.truncate(out.len().saturating_sub(pad));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rules() {
        assert_eq!(decode_base64(b"aGVs\nbG8=\n").unwrap(), b"hello");
        assert!(decode_base64(b"MII").is_none());
        assert!(decode_base64(b"aGVsbG8=aGVs").is_none());
        assert!(decode_base64(b"a!==").is_none());
        assert_eq!(decode_base64(b"").unwrap(), b"");
    }

    #[test]
    fn pem_errors() {
        assert_eq!(
            read_pem(b"").unwrap_err(),
            CertificateInputError::PemNoStartLine
        );
        assert_eq!(
            read_pem(b"-----BEGIN CERTIFICATE-----\naGVsbG8=\n").unwrap_err(),
            CertificateInputError::PemBadEndLine
        );
        assert_eq!(
            read_pem(b"-----BEGIN KEY-----\nM!\n-----END KEY-----\n").unwrap_err(),
            CertificateInputError::PemBadBase64Decode
        );
        assert_eq!(
            read_pem(b"x\r\n-----BEGIN KEY-----\r\n-----END KEY-----\r\n-----BEGIN CERTIFICATE-----  \r\naGVsbG8=\r\n-----END CERTIFICATE-----\r\n")
                .unwrap(),
            b"hello"
        );
    }
}
