//! Peer certificate verification exactly as Node (OpenSSL's
//! `X509_verify_cert`) does it, reporting Node's codes.
//!
//! webpki, rustls's verifier, differs from OpenSSL in ways Node users see: it
//! reports a self-signed leaf as an unknown issuer and rejects X.509 v1
//! certificates. This module builds and checks chains the OpenSSL way
//! ([`verify_chain`]) and adapts that to rustls
//! ([`NodeServerCertVerifier`], [`NodeClientCertVerifier`]).
//!
//! # Getting started
//!
//! ```
//! use std::sync::Arc;
//! use rustls_pki_types::{CertificateDer, UnixTime};
//! use tls_core::verify::{verify_chain, NodeServerCertVerifier, Purpose, TrustStore};
//!
//! // `ca` and `crl` of tls.connect(); `TrustStore::mozilla()` without `ca`.
//! let store = TrustStore::new(Vec::new(), Vec::new())?;
//!
//! // A client config that verifies servers as Node does.
//! let verifier = NodeServerCertVerifier::new(store.clone());
//! let _config = rustls::ClientConfig::builder_with_provider(Arc::new(
//!     rustls::crypto::ring::default_provider(),
//! ))
//! .with_safe_default_protocol_versions()
//! .expect("ring supports the default versions")
//! .dangerous()
//! .with_custom_certificate_verifier(Arc::new(verifier))
//! .with_no_client_auth();
//!
//! // Node's verdict on a chain, e.g. for `socket.authorizationError`.
//! let junk = CertificateDer::from(vec![0x30, 0x00]);
//! let err = verify_chain(&junk, &[], &store, Purpose::ServerAuth, UnixTime::now()).unwrap_err();
//! assert_eq!(err.code, "UNSPECIFIED");
//! # Ok::<(), tls_core::Error>(())
//! ```

mod cert;
mod chain;
mod codes;
mod crl;
pub mod danger;
mod ncons;
mod rustls_adapters;
mod store;

pub use chain::{verify_chain, verify_chain_report, Purpose, VerifyReport};
pub use codes::{VerifyError, X509Error, NO_PEER_CERTIFICATE};
pub use rustls_adapters::{
    rustls_error, verify_error_of, NodeClientCertVerifier, NodeServerCertVerifier,
};
pub use store::TrustStore;
