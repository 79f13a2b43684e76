//! Peer certificate verification exactly as Node (OpenSSL's
//! `X509_verify_cert`) does it, reporting Node's codes.
//!
//! webpki, rustls's verifier, differs from OpenSSL in ways Node users see: it
//! reports a self-signed leaf as an unknown issuer and rejects X.509 v1
//! certificates. This module builds and checks chains the OpenSSL way
//! ([`verify_chain`]) and adapts that to rustls
//! ([`NodeServerCertVerifier`], [`NodeClientCertVerifier`]).

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
