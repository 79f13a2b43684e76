//! The TLS option flags shared by `serve` and `connect`: each maps 1:1 to the Node
//! option of the same name (shared/spec/cli.md, "General rules").

use std::path::{Path, PathBuf};

use tls_core::SecureContextOptions;
use tls_pki::{KeyInput, PfxInput};

use crate::CliError;

/// `--key`, `--cert`, `--pfx`, ... as Node's `tls.createSecureContext()` options.
#[derive(Debug, clap::Args)]
pub(crate) struct TlsArgs {
    /// `key`: a private key file (PEM or DER); repeatable.
    #[arg(long = "key", value_name = "F")]
    pub(crate) key: Vec<PathBuf>,
    /// `cert`: a certificate chain file (leaf first); repeatable.
    #[arg(long = "cert", value_name = "F")]
    pub(crate) cert: Vec<PathBuf>,
    /// `pfx`: a PKCS#12 file.
    #[arg(long, value_name = "F")]
    pub(crate) pfx: Option<PathBuf>,
    /// `passphrase`: for encrypted keys and the PFX.
    #[arg(long, value_name = "P")]
    pub(crate) passphrase: Option<String>,
    /// `ca`: trusted certificates (a file may hold many); repeatable.
    #[arg(long = "ca", value_name = "F")]
    pub(crate) ca: Vec<PathBuf>,
    /// `crl`: a CRL file (PEM or DER); repeatable.
    #[arg(long = "crl", value_name = "F")]
    pub(crate) crl: Vec<PathBuf>,
    /// `ciphers`: an OpenSSL cipher list (see `nodetls ciphers`).
    #[arg(long, value_name = "LIST")]
    pub(crate) ciphers: Option<String>,
    /// `ecdhCurve`: `auto` or a `:`-separated list of groups.
    #[arg(long = "ecdh-curve", value_name = "LIST")]
    pub(crate) ecdh_curve: Option<String>,
    /// `honorCipherOrder`.
    #[arg(long = "honor-cipher-order")]
    pub(crate) honor_cipher_order: bool,
    /// `minVersion` (`TLSv1.2`, `TLSv1.3`, ...).
    #[arg(long = "min-version", value_name = "V")]
    pub(crate) min_version: Option<String>,
    /// `maxVersion`.
    #[arg(long = "max-version", value_name = "V")]
    pub(crate) max_version: Option<String>,
    /// `secureProtocol` (`TLSv1_2_method`, `TLS_method`, ...).
    #[arg(long = "secure-protocol", value_name = "METHOD")]
    pub(crate) secure_protocol: Option<String>,
    /// `ALPNProtocols`, comma-separated.
    #[arg(long, value_name = "a,b,...")]
    pub(crate) alpn: Option<String>,
    /// `dhparam`: a DH parameters file (refused: no DHE suites in this stack).
    #[arg(long, value_name = "F")]
    pub(crate) dhparam: Option<PathBuf>,
    /// `sessionTimeout`, in seconds.
    #[arg(long = "session-timeout", value_name = "SECS", value_parser = parse_decimal::<u32>)]
    pub(crate) session_timeout: Option<u32>,
}

/// A plain decimal integer (no sign, no spaces), as the contract requires.
pub(crate) fn parse_decimal<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{s}` is not a decimal integer"));
    }
    s.parse::<T>().map_err(|_| format!("`{s}` is out of range"))
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::new(
            tls_pki::error::io_error_code(&e),
            format!("{}: {e}", path.display()),
        )
    })
}

impl TlsArgs {
    /// Whether a key, certificate or PFX was given.
    pub(crate) fn has_credentials(&self) -> bool {
        !self.key.is_empty() || !self.cert.is_empty() || self.pfx.is_some()
    }

    /// The `createSecureContext` options these flags describe.
    pub(crate) fn to_options(&self) -> Result<SecureContextOptions, CliError> {
        let mut o = SecureContextOptions {
            passphrase: self.passphrase.clone(),
            ciphers: self.ciphers.clone(),
            ecdh_curve: self.ecdh_curve.clone(),
            honor_cipher_order: self.honor_cipher_order.then_some(true),
            min_version: self.min_version.clone(),
            max_version: self.max_version.clone(),
            secure_protocol: self.secure_protocol.clone(),
            session_timeout: self.session_timeout,
            ..SecureContextOptions::default()
        };
        for k in &self.key {
            o.key.push(KeyInput {
                pem: read(k)?,
                passphrase: None,
            });
        }
        for c in &self.cert {
            o.cert.push(read(c)?);
        }
        if let Some(p) = &self.pfx {
            o.pfx.push(PfxInput {
                buf: read(p)?,
                passphrase: None,
            });
        }
        if !self.ca.is_empty() {
            let mut ca = Vec::new();
            for c in &self.ca {
                ca.push(read(c)?);
            }
            o.ca = Some(ca);
        }
        for c in &self.crl {
            o.crl.push(read(c)?);
        }
        if let Some(d) = &self.dhparam {
            o.dhparam = Some(read(d)?);
        }
        Ok(o)
    }

    /// `--alpn a,b` as Node's `ALPNProtocols` array.
    pub(crate) fn alpn_protocols(&self) -> Option<tls_core::alpn::AlpnProtocols> {
        self.alpn.as_ref().map(|list| {
            tls_core::alpn::AlpnProtocols::List(
                list.split(',').map(|p| p.as_bytes().to_vec()).collect(),
            )
        })
    }
}
