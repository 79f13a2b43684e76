//! `nodetls pfx` (shared/spec/cli.md): `openssl pkcs12 -export` of Node's docs.

use std::path::PathBuf;

use tls_pki::generate::make_pfx;

use crate::pem_files::{read_certificate, read_certificates, read_private_key, write};
use crate::CliError;

/// bundle a key and certificates as PKCS#12.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The private key (unencrypted PEM or DER).
    #[arg(long, value_name = "F")]
    key: PathBuf,
    /// The certificate of that key (the first one in the file).
    #[arg(long, value_name = "F")]
    cert: PathBuf,
    /// CA certificates to include after it, issuer first (repeatable; a file may
    /// hold several).
    #[arg(long, value_name = "F")]
    ca: Vec<PathBuf>,
    /// The password protecting the file (Node's `passphrase`).
    #[arg(long, value_name = "P")]
    passphrase: String,
    /// Where to write the PKCS#12 file (DER, mode 0600).
    #[arg(long, value_name = "F")]
    out: PathBuf,
}

/// Runs the sub-command.
pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let Args {
        key,
        cert,
        ca,
        passphrase,
        out,
    } = args;
    let key = read_private_key(&key)?;
    let cert = read_certificate(&cert)?;
    let mut chain = Vec::new();
    for path in &ca {
        chain.extend(read_certificates(path)?);
    }
    let pfx = make_pfx(&key, &cert, &chain, &passphrase)?;
    write(&out, &pfx, true)
}
