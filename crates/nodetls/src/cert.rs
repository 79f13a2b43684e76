//! `nodetls cert` (shared/spec/cli.md): the `openssl genrsa` + `openssl req` +
//! `openssl x509 -req` steps of Node's docs in one command.

use std::path::PathBuf;

use tls_pki::generate::{make_certificate, parse_subject_alt_names, CertificateOptions, KeyType};

use crate::pem_files::{read_certificate, read_private_key, write};
use crate::CliError;

/// make a key and a certificate.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The subject commonName (1 to 64 characters).
    #[arg(long, value_name = "NAME")]
    cn: String,
    /// subjectAltName entries, comma-separated: DNS:name, IP:addr, email:addr,
    /// URI:uri. Repeatable.
    #[arg(long, value_name = "LIST")]
    san: Vec<String>,
    /// The key to make: ec-p256 (default), ec-p384, ed25519, rsa2048, rsa3072,
    /// rsa4096.
    #[arg(long, value_name = "TYPE", default_value = "ec-p256", value_parser = parse_key_type)]
    key_type: KeyType,
    /// Validity in days from now.
    #[arg(long, value_name = "N", default_value_t = 365)]
    days: u32,
    /// Make a CA certificate (basicConstraints CA:TRUE, keyCertSign, cRLSign).
    #[arg(long)]
    ca: bool,
    /// The issuer's private key (unencrypted PEM or DER); without it the
    /// certificate is self-signed.
    #[arg(long, value_name = "F", requires = "issuer_cert")]
    issuer_key: Option<PathBuf>,
    /// The issuer's certificate (PEM or DER).
    #[arg(long, value_name = "F", requires = "issuer_key")]
    issuer_cert: Option<PathBuf>,
    /// Where to write the new private key (PKCS#8 PEM, mode 0600).
    #[arg(long, value_name = "F")]
    key_out: PathBuf,
    /// Where to write the new certificate (PEM).
    #[arg(long, value_name = "F")]
    cert_out: PathBuf,
}

fn parse_key_type(s: &str) -> Result<KeyType, String> {
    s.parse().map_err(|e: tls_pki::Error| e.to_string())
}

/// Runs the sub-command.
pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let mut subject_alt_names = Vec::new();
    for list in &args.san {
        subject_alt_names.extend(parse_subject_alt_names(list)?);
    }
    let opts = CertificateOptions {
        common_name: args.cn,
        subject_alt_names,
        key_type: args.key_type,
        days: args.days,
        is_ca: args.ca,
        serial: None,
    };
    let issuer = match (&args.issuer_key, &args.issuer_cert) {
        (Some(key), Some(cert)) => Some((read_private_key(key)?, read_certificate(cert)?)),
        // clap's `requires` makes the flags come in pairs.
        _ => None,
    };
    let made = make_certificate(&opts, issuer.as_ref().map(|(k, c)| (k, c)))?;
    write(&args.key_out, made.key_pem.as_bytes(), true)?;
    write(&args.cert_out, made.cert_pem.as_bytes(), false)?;
    Ok(())
}
