//! PKCS#12: what `openssl pkcs12 -export` does in Node's docs.

use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::keys::{check_key_matches, parse_cert, signing_key, to_pkcs8};
use crate::{Error, Result};

/// PBKDF2 iterations for both the encryption and the MAC: OpenSSL 3's
/// `PKCS12_DEFAULT_ITER`.
const ITERATIONS: u32 = 2048;

/// Bundles `key`, its certificate `cert` and the CA certificates `ca` (issuer
/// first, as `openssl pkcs12 -export -certfile` keeps them) into a PKCS#12 file
/// that Node's `pfx` + `passphrase` options and `openssl pkcs12` read.
///
/// The layout follows OpenSSL 3's `pkcs12 -export` defaults: key and certificates
/// encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), a SHA-256 MAC, 2048
/// iterations, the leaf and the key linked by a `localKeyID` (SHA-1 of the leaf
/// certificate, as OpenSSL computes it).
///
/// # Errors
///
/// `ERR_OSSL_X509_KEY_VALUES_MISMATCH` when `key` is not the key of `cert` (OpenSSL:
/// "No certificate matches private key"), `ERR_NODETLS_UNSUPPORTED_KEY`,
/// `ERR_NODETLS_BAD_CERTIFICATE`, `ERR_NODETLS_GENERATE_FAILED`.
pub fn make_pfx(
    key: &PrivateKeyDer<'_>,
    cert: &CertificateDer<'_>,
    ca: &[CertificateDer<'_>],
    passphrase: &str,
) -> Result<Vec<u8>> {
    // The match check goes through ring, so it also refuses keys Node could load but
    // we could never serve with (e.g. P-521).
    let signer = signing_key(key)?;
    check_key_matches(&signer, &parse_cert(cert)?, "pfx")?;
    let mut certs = Vec::with_capacity(1 + ca.len());
    for c in std::iter::once(cert).chain(ca) {
        parse_cert(c)?;
        certs.push(
            Certificate::from_der(c).map_err(|e| Error::GenerateBadCertificate(e.to_string()))?,
        );
    }
    let pkcs8 = to_pkcs8(key)?;
    let private_key =
        PrivateKey::from_der(&pkcs8).map_err(|e| Error::UnsupportedGenerateKey(e.to_string()))?;
    let local_key_id = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert);
    let chain = PrivateKeyChain::new(local_key_id.as_ref(), private_key, certs);

    let mut store = KeyStore::new();
    store.add_entry("nodetls", KeyStoreEntry::PrivateKeyChain(chain));
    store
        .writer(passphrase)
        .encryption_algorithm(EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
        .encryption_iterations(ITERATIONS)
        .mac_algorithm(MacAlgorithm::HmacSha256)
        .mac_iterations(ITERATIONS)
        .write()
        .map_err(|e| Error::GenerateFailed(format!("PKCS#12: {e}")))
}
