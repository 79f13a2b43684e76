//! Node's key and PFX option objects (`{pem, passphrase}`, `{buf, passphrase}`).

use rustls_pki_types::PrivateKeyDer;

use crate::error::Result;
use crate::pfx::Pfx;

/// Node's `{pem, passphrase}` key object; passphrase overrides options.passphrase.
///
/// An entry of Node's `key` option: `pem` is the key (string or Buffer; PEM, or DER
/// beyond Node), `passphrase` its own passphrase, which takes precedence over the
/// `passphrase` option.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KeyInput {
    /// The key bytes.
    pub pem: Vec<u8>,
    /// This key's passphrase; `None` falls back to the general `passphrase` option.
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for KeyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys and passphrases are secrets: never print them.
        f.debug_struct("KeyInput")
            .field("pem", &format_args!("{} bytes", self.pem.len()))
            .field("passphrase", &self.passphrase.as_ref().map(|_| "***"))
            .finish()
    }
}

impl KeyInput {
    /// Loads this key with [`crate::load_private_key`], using its own passphrase if
    /// set, else `options_passphrase` (Node's `passphrase` option).
    pub fn load(&self, options_passphrase: Option<&str>) -> Result<PrivateKeyDer<'static>> {
        crate::load_private_key(&self.pem, self.passphrase.as_deref().or(options_passphrase))
    }
}

/// Node's `{buf, passphrase}` pfx object.
///
/// An entry of Node's `pfx` option: `buf` is the PKCS#12 file, `passphrase` its
/// own passphrase, which takes precedence over the `passphrase` option.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PfxInput {
    /// The PKCS#12 (DER) bytes.
    pub buf: Vec<u8>,
    /// This file's passphrase; `None` falls back to the general `passphrase` option.
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for PfxInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PfxInput")
            .field("buf", &format_args!("{} bytes", self.buf.len()))
            .field("passphrase", &self.passphrase.as_ref().map(|_| "***"))
            .finish()
    }
}

impl PfxInput {
    /// Opens this file with [`crate::load_pfx`], using its own passphrase if set,
    /// else `options_passphrase` (Node's `passphrase` option).
    pub fn load(&self, options_passphrase: Option<&str>) -> Result<Pfx> {
        crate::load_pfx(&self.buf, self.passphrase.as_deref().or(options_passphrase))
    }
}
