//! `nodetls`: Node's tls echo server and client, and the openssl steps of Node's
//! docs, in pure Rust. The contract is `shared/spec/cli.md`; this binary only parses
//! flags and prints: every behaviour lives in `tls-pki`, `tls-core` and `tls-node`.
#![forbid(unsafe_code)]

mod cert;
mod ciphers;
mod cli_error;
mod connect;
mod crl;
mod events;
mod pem_files;
mod pfx;
mod serve;
mod tls_args;
mod x509;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub(crate) use cli_error::CliError;

/// Node's tls module, in pure Rust.
#[derive(Debug, Parser)]
#[command(name = "nodetls", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// nodetls x509 FILE [--passphrase P]: Node's legacy certificate object as JSON.
    X509(x509::Args),
    /// nodetls cert: make a key and a certificate.
    Cert(cert::Args),
    /// nodetls pfx: bundle a key and certificates as PKCS#12.
    Pfx(pfx::Args),
    /// nodetls crl: make a CRL.
    Crl(crl::Args),
    /// nodetls ciphers [LIST]: the suites a cipher list enables.
    Ciphers(ciphers::Args),
    /// nodetls serve: Node's documented echo server.
    Serve(serve::Args),
    /// nodetls connect TARGET...: Node's documented client.
    Connect(connect::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::X509(args) => x509::run(args),
        Command::Cert(args) => cert::run(args),
        Command::Pfx(args) => pfx::run(args),
        Command::Crl(args) => crl::run(args),
        Command::Ciphers(args) => ciphers::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Connect(args) => connect::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
