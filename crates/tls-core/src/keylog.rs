//! The `keylog` event and `SSLKEYLOGFILE`: TLS secrets as NSS key log lines.
//!
//! Node emits each line (with its trailing newline) as a Buffer on the socket's
//! `keylog` event (and the server's, with the socket). rustls hands secrets to a
//! [`rustls::KeyLog`]; [`KeyLogSink`] formats them exactly as OpenSSL's keylog
//! callback does (`LABEL <client_random hex> <secret hex>\n`).

use std::fmt::Write as _;
use std::sync::Arc;

/// Receives each key log line, newline included (Node's `keylog` event payload).
pub type KeyLogCallback = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// A [`rustls::KeyLog`] that formats NSS lines and passes them to a callback.
pub struct KeyLogSink {
    callback: KeyLogCallback,
}

impl KeyLogSink {
    /// Sends every line to `callback`.
    pub fn new(callback: KeyLogCallback) -> Self {
        KeyLogSink { callback }
    }
}

impl std::fmt::Debug for KeyLogSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyLogSink")
    }
}

/// One NSS key log line: `LABEL <client_random hex> <secret hex>\n`.
pub fn format_line(label: &str, client_random: &[u8], secret: &[u8]) -> Vec<u8> {
    let mut line =
        String::with_capacity(label.len() + 2 * (client_random.len() + secret.len()) + 3);
    line.push_str(label);
    line.push(' ');
    for b in client_random {
        let _ = write!(line, "{b:02x}");
    }
    line.push(' ');
    for b in secret {
        let _ = write!(line, "{b:02x}");
    }
    line.push('\n');
    line.into_bytes()
}

impl rustls::KeyLog for KeyLogSink {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        (self.callback)(&format_line(label, client_random, secret));
    }

    fn will_log(&self, _label: &str) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nss_format() {
        assert_eq!(
            format_line("CLIENT_RANDOM", &[0xab, 0x01], &[0xff]),
            b"CLIENT_RANDOM ab01 ff\n".to_vec()
        );
    }
}
