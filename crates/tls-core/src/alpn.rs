//! `ALPNProtocols` and `ALPNCallback` (and the `NPNProtocols` of older docs).
//!
//! Node accepts an array of strings or buffers, or one buffer already in the wire
//! format (length-prefixed names). The server picks its first protocol that the
//! client offers; with no overlap the handshake fails (`no_application_protocol`
//! alert; `ERR_SSL_NO_APPLICATION_PROTOCOL` on the server), as in Node 20.
//! NPN was removed from Node (v12+) and from rustls: `NPNProtocols` is refused with
//! `ERR_TLS_NPN_UNSUPPORTED`.

use std::sync::Arc;

use crate::{Error, Result};

/// Node's `ALPNProtocols` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlpnProtocols {
    /// `['h2', 'http/1.1']` (strings or buffers).
    List(Vec<Vec<u8>>),
    /// One buffer in the wire format: `Buffer.from('\x02h2\x08http/1.1')`.
    Wire(Vec<u8>),
}

impl AlpnProtocols {
    /// The protocol names, validated as Node does (each 1..=255 bytes).
    pub fn to_list(&self) -> Result<Vec<Vec<u8>>> {
        match self {
            AlpnProtocols::List(list) => {
                for (i, p) in list.iter().enumerate() {
                    if p.len() > 255 {
                        return Err(Error::OutOfRange {
                            message: format!(
                                "The byte length of the protocol at index {i} exceeds the \
                                 maximum length. It must be <= 255. Received {}",
                                p.len()
                            ),
                        });
                    }
                    if p.is_empty() {
                        return Err(empty_protocol());
                    }
                }
                Ok(list.clone())
            }
            AlpnProtocols::Wire(wire) => parse_wire(wire),
        }
    }
}

fn empty_protocol() -> Error {
    Error::InvalidArgValue {
        message: "The property 'options.ALPNProtocols' must not contain an empty protocol name"
            .into(),
    }
}

/// Splits the wire format (`\x02h2\x08http/1.1`).
fn parse_wire(mut wire: &[u8]) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    while let Some((&len, rest)) = wire.split_first() {
        let len = usize::from(len);
        if len == 0 {
            return Err(empty_protocol());
        }
        if rest.len() < len {
            return Err(Error::InvalidArgValue {
                message: "The property 'options.ALPNProtocols' is not in the ALPN wire format"
                    .into(),
            });
        }
        out.push(rest[..len].to_vec());
        wire = &rest[len..];
    }
    Ok(out)
}

/// What the server's `ALPNCallback` is told: `{servername, protocols}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlpnRequest {
    /// The SNI name the client sent, if any.
    pub servername: Option<String>,
    /// The client's protocols, in its order.
    pub protocols: Vec<Vec<u8>>,
}

/// Node's `ALPNCallback({servername, protocols})`: returns one of `protocols`, or
/// `None` to fail the handshake with a `no_application_protocol` alert.
pub type AlpnCallback = Arc<dyn Fn(&AlpnRequest) -> Option<Vec<u8>> + Send + Sync>;

/// Runs an `ALPNCallback` and checks its answer as Node does: a protocol the client
/// did not offer is `ERR_TLS_ALPN_CALLBACK_INVALID_RESULT`.
pub fn run_alpn_callback(cb: &AlpnCallback, request: &AlpnRequest) -> Result<Option<Vec<u8>>> {
    match cb(request) {
        None => Ok(None),
        Some(p) if request.protocols.contains(&p) => Ok(Some(p)),
        Some(p) => Err(Error::AlpnCallbackInvalidResult {
            message: format!(
                "ALPN callback returned a value ({}) that did not match any of the client's \
                 offered protocols ({})",
                String::from_utf8_lossy(&p),
                request
                    .protocols
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// Node's check that `ALPNCallback` and `ALPNProtocols` are not both given.
pub fn check_exclusive(protocols: bool, callback: bool) -> Result<()> {
    if protocols && callback {
        return Err(Error::AlpnCallbackWithProtocols);
    }
    Ok(())
}

/// `NPNProtocols`: refused (no NPN in Node 20 or rustls).
pub fn refuse_npn() -> Error {
    Error::NpnUnsupported
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_and_wire_forms() {
        let l = AlpnProtocols::List(vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
        let w = AlpnProtocols::Wire(b"\x02h2\x08http/1.1".to_vec());
        assert_eq!(l.to_list().unwrap(), w.to_list().unwrap());
        assert!(AlpnProtocols::Wire(b"\x05h2".to_vec()).to_list().is_err());
        let e = AlpnProtocols::List(vec![vec![b'x'; 300]])
            .to_list()
            .unwrap_err();
        assert_eq!(e.code(), "ERR_OUT_OF_RANGE");
        assert_eq!(
            e.to_string(),
            "The byte length of the protocol at index 0 exceeds the maximum length. It must be <= 255. Received 300"
        );
    }

    #[test]
    fn callback_result_is_checked() {
        let cb: AlpnCallback = Arc::new(|r: &AlpnRequest| {
            r.protocols.last().cloned().map(|mut p| {
                p.push(b'!');
                p
            })
        });
        let req = AlpnRequest {
            servername: None,
            protocols: vec![b"a".to_vec()],
        };
        assert_eq!(
            run_alpn_callback(&cb, &req).unwrap_err().code(),
            "ERR_TLS_ALPN_CALLBACK_INVALID_RESULT"
        );
        let ok: AlpnCallback = Arc::new(|r: &AlpnRequest| r.protocols.first().cloned());
        assert_eq!(run_alpn_callback(&ok, &req).unwrap(), Some(b"a".to_vec()));
        assert_eq!(
            check_exclusive(true, true).unwrap_err().code(),
            "ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS"
        );
    }
}
