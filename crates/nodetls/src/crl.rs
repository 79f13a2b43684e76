//! `nodetls crl` (shared/spec/cli.md): `openssl ca -revoke` + `openssl ca -gencrl`
//! without OpenSSL's CA database. The CRL is written as PEM (`X509 CRL`), which both
//! `openssl crl` and Node's `crl` option read without extra flags.

use std::path::PathBuf;

use tls_pki::generate::{crl_to_pem, make_crl, CrlOptions};

use crate::pem_files::{read_certificate, read_private_key, write};
use crate::CliError;

/// make a CRL.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The CA's private key (unencrypted PEM or DER).
    #[arg(long, value_name = "F")]
    issuer_key: PathBuf,
    /// The CA's certificate.
    #[arg(long, value_name = "F")]
    issuer_cert: PathBuf,
    /// Certificates to revoke (repeatable; the first certificate of each file, as
    /// `openssl ca -revoke`). Without any,
    /// the CRL revokes nothing.
    #[arg(long, value_name = "CERTFILE", num_args = 1..)]
    revoke: Vec<PathBuf>,
    /// nextUpdate, in days from now.
    #[arg(long, value_name = "N", default_value_t = 30)]
    days: u32,
    /// Where to write the CRL (PEM).
    #[arg(long, value_name = "F")]
    out: PathBuf,
}

/// Runs the sub-command.
pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let Args {
        issuer_key,
        issuer_cert,
        revoke,
        days,
        out,
    } = args;
    let key = read_private_key(&issuer_key)?;
    let cert = read_certificate(&issuer_cert)?;
    let mut revoked = Vec::new();
    for path in &revoke {
        // Like `openssl ca -revoke FILE`: the first certificate of each file, so a
        // chain file (leaf + intermediates) revokes its leaf.
        revoked.push(read_certificate(path)?);
    }
    let opts = CrlOptions {
        days,
        ..CrlOptions::default()
    };
    let crl = make_crl(&key, &cert, &revoked, &opts)?;
    write(&out, crl_to_pem(&crl).as_bytes(), false)
}
