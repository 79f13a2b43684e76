//! Keys, certificates, PKCS#12 bundles and CRLs exactly as Node's `tls` module
//! accepts them, loaded without OpenSSL.
//!
//! # Design overview
//!
//! Node's `key`, `cert`, `ca`, `crl`, `pfx` and `passphrase` options take strings,
//! buffers, lists of them and `{pem, passphrase}` / `{buf, passphrase}` objects. This
//! crate turns each of those into the DER types of [`rustls_pki_types`], decrypting
//! what is encrypted, and refuses what Node refuses with the code Node gives
//! ([`Error::code`]). It also describes a certificate the way Node does
//! (`X509Certificate#toLegacyObject()`, `getPeerCertificate()`), checks a host name
//! against one (`tls.checkServerIdentity`), and makes keys, certificates, PKCS#12
//! files and CRLs for tests and for the `nodetls cert/pfx/crl` commands.
//!
//! What it does not do: sockets, TLS, trust decisions. Those live in `tls-core`
//! (verification) and `tls-node` (IO).
#![forbid(unsafe_code)]

pub mod certs;
pub mod crl;
pub mod error;
pub mod generate;
pub mod identity;
pub mod input;
pub mod key;
pub mod legacy;
pub mod matching;
pub(crate) mod pem;
pub mod pfx;

pub use certs::{load_ca_certificates, load_certificates};
pub use crl::load_crls;
pub use error::{Error, Result};
pub use identity::check_server_identity;
pub use input::{KeyInput, PfxInput};
pub use key::{key_kind, load_private_key, KeyKind};
pub use legacy::{LegacyCertificate, PeerCertificate};
pub use matching::{certificate_key_kind, check_private_key};
pub use pfx::{load_pfx, Pfx};
