//! Renegotiation: refused on both sides.
//!
//! rustls never renegotiates: a TLS 1.2 server answers a client's renegotiation
//! `ClientHello` with a `no_renegotiation` warning alert and carries on; a client
//! ignores a server's `HelloRequest` the same way. Node's limits on client-initiated
//! renegotiation therefore never trigger; the constants exist so code that reads
//! them keeps working.

/// `tls.CLIENT_RENEG_LIMIT`: 3, as in Node. Moot here: no renegotiation happens.
pub const CLIENT_RENEG_LIMIT: u32 = 3;

/// `tls.CLIENT_RENEG_WINDOW`: 600 seconds, as in Node. Moot here.
pub const CLIENT_RENEG_WINDOW: u32 = 600;
