//! `nodetls x509 FILE [--passphrase P]` (shared/spec/cli.md, "nodetls x509"):
//! prints the legacy object of `new crypto.X509Certificate(buf).toLegacyObject()`
//! as one JSON line.

use std::io::Write;
use std::path::PathBuf;

use tls_pki::LegacyCertificate;

use crate::CliError;

/// Node's legacy certificate object as JSON.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A PEM or DER certificate, or a DER PKCS#12 file.
    file: PathBuf,
    /// Passphrase of a PKCS#12 file (Node's `passphrase` option).
    #[arg(long)]
    passphrase: Option<String>,
}

/// Runs the sub-command.
pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let Args { file, passphrase } = args;
    let data = std::fs::read(&file).map_err(|e| {
        CliError::new(
            tls_pki::error::io_error_code(&e),
            format!("{}: {e}", file.display()),
        )
    })?;
    let cert = load(&data, passphrase.as_deref())?;
    let mut line =
        serde_json::to_string(&cert.to_json()).map_err(|e| CliError::new("EIO", e.to_string()))?;
    line.push('\n');
    std::io::stdout().write_all(line.as_bytes())?;
    Ok(())
}

/// Steps 1-3 of the contract: PEM/DER certificate, else PKCS#12, else the error of
/// step 1.
fn load(data: &[u8], passphrase: Option<&str>) -> Result<LegacyCertificate, CliError> {
    let first = match LegacyCertificate::from_x509_input(data) {
        Ok(cert) => return Ok(cert),
        Err(e) => e,
    };
    if tls_pki::legacy::is_der_pkcs12(data) {
        return load_pkcs12(data, passphrase);
    }
    Err(first.into())
}

/// Step 2: the leaf certificate of a PKCS#12 file, opened as Node's `pfx` option
/// (legacy RC2/3DES files too, which Node 20 refuses).
fn load_pkcs12(data: &[u8], passphrase: Option<&str>) -> Result<LegacyCertificate, CliError> {
    let pfx = tls_pki::load_pfx(data, passphrase)?;
    Ok(LegacyCertificate::from_der(pfx.cert.as_ref())?)
}
