//! Node's `tls.Server` and `tls.TLSSocket` on tokio and rustls.
//!
//! # Design overview
//!
//! A thin async layer over `tls-core`'s configs: it owns the sockets, runs the
//! handshakes, and reports what Node reports (events, `authorized`,
//! `getPeerCertificate()`, ...). It is the only crate that touches the network.
#![forbid(unsafe_code)]

pub mod error;

pub use error::{Error, Result};
