//! Reading and writing the key and certificate files of `nodetls cert / pfx /
//! crl`, with the loaders behind Node's `key` / `cert` options.

use std::path::Path;

use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::tls_args::read;
use crate::CliError;

/// The private key in `path`, as Node's `key` option reads it (PKCS#8, PKCS#1,
/// SEC1; PEM or DER). Encrypted keys need a passphrase these commands do not take,
/// so they fail with Node's `ERR_OSSL_BAD_DECRYPT`.
pub(crate) fn read_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, CliError> {
    let data = read(path)?;
    tls_pki::load_private_key(&data, None).map_err(|e| with_path(path, &e))
}

/// Every certificate in `path`, as Node's `cert` option reads it.
pub(crate) fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, CliError> {
    let data = read(path)?;
    tls_pki::load_certificates(&data).map_err(|e| with_path(path, &e))
}

fn with_path(path: &Path, e: &tls_pki::Error) -> CliError {
    CliError::new(e.code(), format!("{}: {e}", path.display()))
}

/// The first certificate in `path` (a leaf or an issuer; the rest of a chain file
/// is ignored, as `openssl x509 -in` does).
pub(crate) fn read_certificate(path: &Path) -> Result<CertificateDer<'static>, CliError> {
    let mut certs = read_certificates(path)?;
    Ok(certs.swap_remove(0))
}

/// Writes `data` to `path`, creating or truncating it. Private keys are created
/// owner-only (0600 on Unix), as ssh-keygen does.
pub(crate) fn write(path: &Path, data: &[u8], secret: bool) -> Result<(), CliError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    opts.open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, data))
        .map_err(|e| {
            CliError::new(
                tls_pki::error::io_error_code(&e),
                format!("{}: {e}", path.display()),
            )
        })
}
