//! Node's `tls.createSecureContext()`, `tls.createServer()` and `tls.connect()`
//! options mapped onto rustls `ServerConfig` / `ClientConfig`, for real.
//!
//! # Design overview
//!
//! Every documented option either has an effect that can be observed on the wire or
//! fails when the context is built, with the code Node gives ([`Error::code`]).
//! Nothing is accepted and silently dropped. This crate does no network IO: it
//! builds configs, verifiers and hooks that `tls-node` drives.
#![forbid(unsafe_code)]

pub mod alpn;
pub mod cert_resolver;
pub mod ciphers;
pub mod client_session;
pub mod context;
pub mod curves;
pub mod dhparam;
pub mod error;
pub mod keylog;
pub mod observe;
pub mod options;
pub mod renegotiation;
pub mod secure_options;
pub mod session;
pub mod sigalgs;
pub mod sni;
pub mod verify;
pub mod versions;

pub use context::{create_secure_context, ClientSettings, SecureContext, ServerSettings};
pub use error::{Error, Result};
pub use options::SecureContextOptions;
