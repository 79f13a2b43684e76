//! PEM read the way OpenSSL's `PEM_read_bio` reads it, because Node's `key`, `cert`,
//! `ca` and `crl` options go through OpenSSL and its error reasons are Node's codes.
//!
//! - A block starts at a line that begins with `-----BEGIN ` and ends with `-----`;
//!   text between blocks is ignored (Node accepts commented bundles).
//! - Optional RFC 1421 headers (`Proc-Type`, `DEK-Info`) follow the BEGIN line,
//!   ended by an empty line.
//! - The block ends at `-----END <same label>-----`; any other `-----` line, or the
//!   end of the input, is `bad end line`.
//! - The body is base64 with whitespace ignored and padding required: anything else
//!   is `bad base64 decode`.

use base64::Engine as _;

/// What OpenSSL's PEM reader reports, each Node's `ERR_OSSL_PEM_*` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PemError {
    /// `ERR_OSSL_PEM_BAD_END_LINE`: no matching END line.
    BadEndLine,
    /// `ERR_OSSL_PEM_BAD_BASE64_DECODE`: the body is not base64.
    BadBase64,
}

/// RFC 1421 `name: value` header lines.
type Headers = Vec<(String, String)>;

/// One decoded PEM block.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// The label between `BEGIN ` and `-----`, e.g. `CERTIFICATE`.
    pub(crate) label: String,
    /// `name: value` header lines, in order (empty for most blocks).
    pub(crate) headers: Headers,
    /// The decoded body.
    pub(crate) der: Vec<u8>,
}

impl Block {
    /// The value of header `name` (case-sensitive, as OpenSSL).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Iterates over the PEM blocks of some input; `None` once no BEGIN line is left
/// (OpenSSL's `no start line`, which callers treat as the end or as an error).
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    lines: std::iter::Peekable<Lines<'a>>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader {
            lines: Lines { rest: data }.peekable(),
        }
    }

    /// The next block, or `None` when the input holds no further BEGIN line.
    pub(crate) fn next_block(&mut self) -> Option<Result<Block, PemError>> {
        let label = loop {
            let line = self.lines.next()?;
            if let Some(label) = begin_label(line) {
                break label;
            }
        };
        Some(self.read_body(&label).map(|(headers, der)| Block {
            label,
            headers,
            der,
        }))
    }

    fn read_body(&mut self, label: &str) -> Result<(Headers, Vec<u8>), PemError> {
        let mut headers = Vec::new();
        let mut body = Vec::new();
        let mut first = true;
        let mut in_headers = false;
        loop {
            let Some(line) = self.lines.next() else {
                return Err(PemError::BadEndLine);
            };
            if line.starts_with(b"-----") {
                let end = format!("-----END {label}-----");
                if trim_end(line) != end.as_bytes() {
                    return Err(PemError::BadEndLine);
                }
                break;
            }
            if first && line.contains(&b':') {
                in_headers = true;
            }
            first = false;
            if in_headers {
                if trim_end(line).is_empty() {
                    in_headers = false;
                    continue;
                }
                let text = String::from_utf8_lossy(line);
                match text.split_once(':') {
                    Some((name, value)) => {
                        headers.push((name.trim().to_owned(), value.trim().to_owned()));
                    }
                    // A header section must end with an empty line.
                    None => return Err(PemError::BadBase64),
                }
                continue;
            }
            body.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(&body)
            .map_err(|_| PemError::BadBase64)?;
        Ok((headers, der))
    }
}

/// Whether `data` holds a BEGIN line at all: if not, callers try DER.
pub(crate) fn has_begin_line(data: &[u8]) -> bool {
    (Lines { rest: data }).any(|l| begin_label(l).is_some())
}

fn begin_label(line: &[u8]) -> Option<String> {
    let line = trim_end(line);
    let label = line.strip_prefix(b"-----BEGIN ")?.strip_suffix(b"-----")?;
    Some(String::from_utf8_lossy(label).into_owned())
}

fn trim_end(line: &[u8]) -> &[u8] {
    let mut l = line;
    while let [rest @ .., last] = l {
        if last.is_ascii_whitespace() {
            l = rest;
        } else {
            break;
        }
    }
    l
}

/// Lines split at `\n` (a `\r` before it is whitespace to every consumer).
#[derive(Debug, Clone)]
struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        match self.rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                let (line, rest) = self.rest.split_at(i);
                self.rest = &rest[1..];
                Some(line)
            }
            None => Some(std::mem::take(&mut self.rest)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_with_text_between() {
        let pem = b"hello\n-----BEGIN A-----\nAQI=\n-----END A-----\nx\r\n-----BEGIN B-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: X,00\r\n\r\nAw==\r\n-----END B-----\r\n";
        let mut r = Reader::new(pem);
        let a = r.next_block().unwrap().unwrap();
        assert_eq!((a.label.as_str(), a.der.as_slice()), ("A", &[1u8, 2][..]));
        let b = r.next_block().unwrap().unwrap();
        assert_eq!(b.header("DEK-Info"), Some("X,00"));
        assert_eq!(b.der, [3]);
        assert!(r.next_block().is_none());
    }

    #[test]
    fn reports_openssl_reasons() {
        let bad_end = b"-----BEGIN A-----\nAQI=\n-----END B-----\n";
        assert_eq!(
            Reader::new(bad_end).next_block().unwrap().unwrap_err(),
            PemError::BadEndLine
        );
        let no_end = b"-----BEGIN A-----\nAQI=\n";
        assert_eq!(
            Reader::new(no_end).next_block().unwrap().unwrap_err(),
            PemError::BadEndLine
        );
        let bad64 = b"-----BEGIN A-----\n!!!!\n-----END A-----\n";
        assert_eq!(
            Reader::new(bad64).next_block().unwrap().unwrap_err(),
            PemError::BadBase64
        );
        assert!(Reader::new(b"  -----BEGIN A-----\n").next_block().is_none());
    }
}
