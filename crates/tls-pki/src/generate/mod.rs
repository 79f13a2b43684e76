//! Making keys, certificates, PKCS#12 files and CRLs: the `openssl genrsa / req /
//! x509 / pkcs12 / ca` steps of Node's `tls` docs, for tests and for the `nodetls
//! cert / pfx / crl` commands.
//!
//! Everything made here is read by OpenSSL 3 and Node 20 (the tests check that
//! against live peers): keys are PKCS#8 PEM, certificates X.509 v3 with key
//! identifiers, PKCS#12 files use OpenSSL 3's `-export` defaults, CRLs are v2 with
//! cRLNumber and authorityKeyIdentifier.
//!
//! ```
//! use tls_pki::generate::{make_certificate, CertificateOptions, SubjectAltName};
//!
//! let ca = make_certificate(
//!     &CertificateOptions { common_name: "Test CA".into(), is_ca: true, ..Default::default() },
//!     None,
//! )?;
//! let leaf = make_certificate(
//!     &CertificateOptions {
//!         common_name: "localhost".into(),
//!         subject_alt_names: vec![SubjectAltName::Dns("localhost".into())],
//!         ..Default::default()
//!     },
//!     Some((&ca.key_der, &ca.cert_der)),
//! )?;
//! assert!(leaf.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
//! # Ok::<(), tls_pki::Error>(())
//! ```

mod cert;
mod crl;
mod keys;
mod pfx;

pub use cert::{
    make_certificate, parse_subject_alt_names, self_signed_localhost, CertificateOptions,
    Generated, SubjectAltName,
};
pub use crl::{crl_to_pem, make_crl, to_pem, CrlOptions};
pub use keys::KeyType;
pub use pfx::make_pfx;
