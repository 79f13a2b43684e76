//! Node's `tls.Server` and `tls.TLSSocket` on tokio and rustls.
//!
//! # Design overview
//!
//! A thin async layer over `tls-core`'s configs: it owns the sockets, runs the
//! handshakes, and reports what Node reports (events, `authorized`,
//! `getPeerCertificate()`, ...). It is the only crate that touches the network.
//!
//! - [`create_server`] → [`Server`]: `listen`, [`Server::next_event`] for Node's
//!   events (`secureConnection`, `tlsClientError`, ...), `close`, `addContext`,
//!   ticket keys, `maxConnections`.
//! - [`connect`] → [`TlsSocket`]: an `AsyncRead + AsyncWrite` with Node's getters
//!   (`authorized`, `get_peer_certificate`, `get_cipher`, `get_session`, ...).
//! - [`TlsSocket::wrap`]: `new tls.TLSSocket(socket, options)` over any stream
//!   (STARTTLS), as client or server.
//! - [`create_secure_pair`]: the deprecated `tls.createSecurePair()`, emulated
//!   over in-memory pipes.
//! - [`summary::connection_summary`]: the connection as Node reports it, as JSON.
#![forbid(unsafe_code)]

mod alerts;
mod client;
mod copy;
pub mod error;
mod hooks;
pub mod io;
mod read_ahead;
mod secure_pair;
mod server;
mod socket;
pub mod summary;
mod wrap;

pub use client::{connect, CheckServerIdentity, ConnectOptions, Lookup};
pub use error::{Error, Result};
pub use io::{AddressInfo, BoxIo, Io};
pub use secure_pair::{create_secure_pair, SecureEvent, SecureInfo, SecurePair};
pub use server::{
    create_server, BoxFuture, ListenAddr, OcspCallback, SecureConnectionListener, Server,
    ServerEvent, ServerOptions, SniCallback, DEFAULT_HANDSHAKE_TIMEOUT,
};
pub use socket::{EphemeralKeyInfo, TlsSocket};
pub use wrap::TlsSocketOptions;
