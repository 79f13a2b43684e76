//! Node's `ciphers` option (`tls.createSecureContext({ciphers})`,
//! `tls.DEFAULT_CIPHERS`, `tls.getCiphers()`, `tlsSocket.getCipher()`),
//! evaluated exactly as Node 20 with OpenSSL 3.0 does, then restricted to the
//! nine suites rustls with ring implements.
//!
//! Node splits the list: entries starting with `TLS_` (or `!TLS_`) name TLS 1.3
//! suites (`SSL_CTX_set_ciphersuites`), the rest is an OpenSSL cipher string
//! (`SSL_CTX_set_cipher_list`). The cipher string is evaluated by a
//! re-implementation of OpenSSL 3.0's grammar over OpenSSL's full suite table,
//! so aliases, `+`, `-`, `!`, `@STRENGTH`, `@SECLEVEL=n` and `A+B` select and
//! order exactly as in OpenSSL; only then are suites this stack cannot speak
//! dropped. No OpenSSL code runs.

mod grammar;
mod names;
mod select;
mod table;

pub use names::{cipher_info, get_ciphers, CipherInfo, DEFAULT_CIPHERS};
pub use select::{
    default_ciphers, openssl_cipher_list, parse_cipher_list, set_default_ciphers, CipherSelection,
};
