//! Reading the key and certificate files of `nodetls cert / pfx / crl`.
//!
//! STOPGAP until merge: this reads unencrypted PEM (or DER) only, with
//! `rustls_pki_types::pem::PemObject`. The lead replaces both functions with
//! `tls_pki::load_private_key(data, passphrase)` / `tls_pki::load_certificates(data)`,
//! which handle everything Node's `key` / `cert` options take (encrypted keys too).

use std::path::Path;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::CliError;

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::new(
            tls_pki::error::io_error_code(&e),
            format!("{}: {e}", path.display()),
        )
    })
}

/// The one private key in `path`: PKCS#8, PKCS#1 or SEC1, PEM or DER, unencrypted.
pub(crate) fn read_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, CliError> {
    let data = read(path)?;
    let parsed = if data.starts_with(b"-----") || data.windows(5).any(|w| w == b"-----") {
        PrivateKeyDer::from_pem_slice(&data).ok()
    } else {
        PrivateKeyDer::try_from(data.as_slice())
            .ok()
            .map(|k| k.clone_key())
    };
    // Node: `createPrivateKey` / `key:` with nothing it can decode.
    parsed.ok_or_else(|| {
        CliError::new(
            "ERR_OSSL_UNSUPPORTED",
            format!(
                "{}: no unencrypted private key (PKCS#8, RSA or EC, PEM or DER) found",
                path.display()
            ),
        )
    })
}

/// Every certificate in `path` (PEM, several allowed), or the one DER certificate.
pub(crate) fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, CliError> {
    let data = read(path)?;
    if data.first() == Some(&0x30) {
        return Ok(vec![CertificateDer::from(data)]);
    }
    let certs = CertificateDer::pem_slice_iter(&data)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            CliError::new(
                "ERR_OSSL_PEM_NO_START_LINE",
                format!("{}: {e}", path.display()),
            )
        })?;
    if certs.is_empty() {
        // Node's code for `cert:` without a PEM certificate.
        return Err(CliError::new(
            "ERR_OSSL_PEM_NO_START_LINE",
            format!("{}: no certificate found", path.display()),
        ));
    }
    Ok(certs)
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
