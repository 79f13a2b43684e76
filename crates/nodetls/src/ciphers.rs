//! `nodetls ciphers [LIST]` (shared/spec/cli.md): the suites
//! `tls.createSecureContext({ciphers: LIST})` enables and this stack implements.

use std::io::Write;

use crate::CliError;

/// The suites a cipher list enables, colon-separated on one line, in preference
/// order. `--` ends the flags, so a list may start with `-`
/// (`nodetls ciphers -- -ALL:HIGH`); without `--`, a list starting with `-` that
/// is not a flag of this sub-command (`-h`) is taken as the list too.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Node's `ciphers` option (OpenSSL cipher-list syntax plus `TLS_` entries);
    /// absent or empty: `tls.DEFAULT_CIPHERS`.
    #[arg(allow_hyphen_values = true)]
    list: Option<String>,
}

/// Runs the sub-command: prints the names, or fails with Node's code.
pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let list = args.list.unwrap_or_default();
    let selection = tls_core::ciphers::parse_cipher_list(&list)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", selection.names().join(":"))?;
    out.flush()?;
    Ok(())
}
