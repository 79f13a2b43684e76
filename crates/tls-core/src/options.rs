//! The options of `tls.createSecureContext()` as a plain struct.

use tls_pki::{KeyInput, PfxInput};

/// Node's `tls.createSecureContext(options)` options, field for field.
///
/// Every field is honoured or refused by [`crate::create_secure_context`]; none is
/// silently ignored (docs/node-compat.md says how each maps onto rustls).
///
/// # Defaults
/// All empty / `None`: no key or certificate, Mozilla's roots (webpki-roots, as
/// Node bundles them) as `ca`, no CRL, `tls.DEFAULT_CIPHERS`, `ecdhCurve: 'auto'`,
/// `TLSv1.2`..`TLSv1.3`, `sessionTimeout: 300` s, random ticket keys.
#[derive(Debug, Clone, Default)]
pub struct SecureContextOptions {
    /// `key`: private keys in PEM or DER; a key object's own passphrase wins.
    pub key: Vec<KeyInput>,
    /// `cert`: certificate chains (leaf first), PEM or DER, one per entry.
    pub cert: Vec<Vec<u8>>,
    /// `pfx`: PKCS#12 bundles; a `{buf, passphrase}` object's own passphrase wins.
    pub pfx: Vec<PfxInput>,
    /// `passphrase`: for encrypted keys and PFX files.
    pub passphrase: Option<String>,
    /// `ca`: trusted certificates, replacing the default roots when given.
    pub ca: Option<Vec<Vec<u8>>>,
    /// `crl`: certificate revocation lists (PEM or DER); enforced when given.
    pub crl: Vec<Vec<u8>>,
    /// `ciphers`: an OpenSSL cipher list (see [`crate::ciphers`]).
    pub ciphers: Option<String>,
    /// `honorCipherOrder`: the server's cipher order wins. `tls.createServer`
    /// defaults it to true (see `tls-node`); a bare context leaves it false.
    pub honor_cipher_order: Option<bool>,
    /// `ecdhCurve`: `'auto'` or a `:`-list of groups.
    pub ecdh_curve: Option<String>,
    /// `dhparam`: validated, then refused: no DHE suites here (see [`crate::dhparam`]).
    pub dhparam: Option<Vec<u8>>,
    /// `secureProtocol`: an OpenSSL method name (`'TLSv1_2_method'`).
    pub secure_protocol: Option<String>,
    /// `secureOptions`: `SSL_OP_*` bits (see [`crate::secure_options`]).
    pub secure_options: u64,
    /// `minVersion`: `'TLSv1.2'` by default.
    pub min_version: Option<String>,
    /// `maxVersion`: `'TLSv1.3'` by default.
    pub max_version: Option<String>,
    /// `sigalgs`: signature algorithms offered and accepted.
    pub sigalgs: Option<String>,
    /// `sessionIdContext`: isolates session caches of different servers.
    pub session_id_context: Option<String>,
    /// `sessionTimeout`: seconds a server's sessions and tickets stay resumable.
    pub session_timeout: Option<u32>,
    /// `ticketKeys`: 48 bytes (name, HMAC secret, AES key) for session tickets.
    pub ticket_keys: Option<Vec<u8>>,
}
