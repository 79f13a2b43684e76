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

pub mod error;
pub mod session;

pub use error::{Error, Result};
