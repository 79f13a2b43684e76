//! `nodetls cert` (shared/spec/cli.md).

use crate::CliError;

/// make a key and a certificate.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs the sub-command.
pub(crate) fn run(_args: Args) -> Result<(), CliError> {
    Err(CliError::new(
        "ERR_NODETLS_NOT_BUILT",
        "this sub-command is not built yet",
    ))
}
