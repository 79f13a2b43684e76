//! `tls.createSecurePair([context][, isServer][, requestCert][, rejectUnauthorized])`
//! (deprecated since Node 0.11, removed in Node 20 save for a shim): emulated over
//! in-memory pipes.
//!
//! A [`SecurePair`] has two byte streams, as Node's did: [`SecurePair::encrypted`]
//! carries TLS records (pipe it to a socket), [`SecurePair::cleartext`] carries the
//! application data. [`SecurePair::secure`] resolves once the handshake completed
//! (Node's `'secure'` event), with the established [`TlsSocket`]'s summary.
//! Internally the TLS side is an ordinary [`TlsSocket::wrap`] over one end of the
//! encrypted pipe, so every option behaves as it does for a socket.

use tokio::io::{AsyncWriteExt, DuplexStream};
use tokio::sync::oneshot;

use tls_core::SecureContext;

use crate::socket::TlsSocket;
use crate::wrap::TlsSocketOptions;
use crate::{Error, Result};

/// Buffer size of each in-memory pipe (one TLS record plus slack).
const PIPE: usize = 64 * 1024;

/// What `'secure'` reports: Node's view of the established pair.
#[derive(Debug, Clone)]
pub struct SecureInfo {
    /// The connection summary (`authorized`, `protocol`, `cipher`, ...).
    pub summary: serde_json::Map<String, serde_json::Value>,
}

/// Node's `SecurePair`: `cleartext` and `encrypted` streams and the `'secure'` event.
#[derive(Debug)]
pub struct SecurePair {
    /// The application side: plain bytes in, plain bytes out.
    pub cleartext: DuplexStream,
    /// The wire side: TLS records to send to, and received from, the peer.
    pub encrypted: DuplexStream,
    /// Node's `'secure'` event.
    pub secure: SecureEvent,
}

/// Node's `'secure'` event of a [`SecurePair`].
#[derive(Debug)]
pub struct SecureEvent(oneshot::Receiver<Result<SecureInfo>>);

impl SecureEvent {
    /// Resolves when the handshake completed, or with its error (Node's `'error'`
    /// on the pair).
    pub async fn wait(self) -> Result<SecureInfo> {
        self.0
            .await
            .unwrap_or_else(|_| Err(Error::Io(std::io::ErrorKind::BrokenPipe.into())))
    }
}

/// `tls.createSecurePair(context, isServer, requestCert, rejectUnauthorized)`.
/// Must be called inside a tokio runtime (the TLS side runs in a task).
pub fn create_secure_pair(
    context: SecureContext,
    is_server: bool,
    request_cert: bool,
    reject_unauthorized: bool,
) -> SecurePair {
    let (encrypted, tls_side) = tokio::io::duplex(PIPE);
    let (cleartext, app_side) = tokio::io::duplex(PIPE);
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let options = TlsSocketOptions {
            is_server,
            secure_context: Some(context),
            request_cert,
            reject_unauthorized: Some(reject_unauthorized),
            ..TlsSocketOptions::default()
        };
        let socket = match TlsSocket::wrap(tls_side, options).await {
            Ok(s) => s,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        let _ = tx.send(Ok(SecureInfo {
            summary: crate::summary::connection_summary(&socket),
        }));
        // Pump cleartext both ways until either side ends; then end the other.
        let (mut tls_r, mut tls_w) = tokio::io::split(socket);
        let (mut app_r, mut app_w) = tokio::io::split(app_side);
        let up = async {
            let _ = tokio::io::copy(&mut app_r, &mut tls_w).await;
            let _ = tls_w.shutdown().await;
        };
        let down = async {
            let _ = tokio::io::copy(&mut tls_r, &mut app_w).await;
            let _ = app_w.shutdown().await;
        };
        tokio::join!(up, down);
    });
    SecurePair {
        cleartext,
        encrypted,
        secure: SecureEvent(rx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn two_pairs_talk_through_their_encrypted_streams() {
        let g = tls_pki::generate::self_signed_localhost().expect("cert");
        let server_ctx = tls_core::create_secure_context(&tls_core::SecureContextOptions {
            key: vec![tls_pki::KeyInput {
                pem: g.key_pem.into_bytes(),
                passphrase: None,
            }],
            cert: vec![g.cert_pem.clone().into_bytes()],
            ..Default::default()
        })
        .expect("server context");
        let client_ctx = tls_core::create_secure_context(&tls_core::SecureContextOptions {
            ca: Some(vec![g.cert_pem.into_bytes()]),
            ..Default::default()
        })
        .expect("client context");
        let mut server = create_secure_pair(server_ctx, true, false, true);
        let mut client = create_secure_pair(client_ctx, false, false, true);
        // Wire the two encrypted sides together, as two sockets would be.
        let (mut se_r, mut se_w) = tokio::io::split(server.encrypted);
        let (mut ce_r, mut ce_w) = tokio::io::split(client.encrypted);
        tokio::spawn(async move { tokio::io::copy(&mut se_r, &mut ce_w).await });
        tokio::spawn(async move { tokio::io::copy(&mut ce_r, &mut se_w).await });
        let (s, c) = tokio::join!(server.secure.wait(), client.secure.wait());
        let (s, c) = (s.expect("server secure"), c.expect("client secure"));
        assert_eq!(c.summary["authorized"], true);
        assert_eq!(s.summary["protocol"], "TLSv1.3");
        client.cleartext.write_all(b"ping").await.expect("write");
        let mut buf = [0u8; 4];
        server.cleartext.read_exact(&mut buf).await.expect("read");
        assert_eq!(&buf, b"ping");
        server.cleartext.write_all(b"pong").await.expect("write");
        client.cleartext.read_exact(&mut buf).await.expect("read");
        assert_eq!(&buf, b"pong");
    }

    #[tokio::test]
    async fn a_failed_handshake_is_reported_by_secure() {
        let g = tls_pki::generate::self_signed_localhost().expect("cert");
        let server_ctx = tls_core::create_secure_context(&tls_core::SecureContextOptions {
            key: vec![tls_pki::KeyInput {
                pem: g.key_pem.into_bytes(),
                passphrase: None,
            }],
            cert: vec![g.cert_pem.into_bytes()],
            ..Default::default()
        })
        .expect("server context");
        // The client trusts nothing we have: DEPTH_ZERO_SELF_SIGNED_CERT.
        let client_ctx = tls_core::create_secure_context(&tls_core::SecureContextOptions {
            ca: Some(vec![]),
            ..Default::default()
        })
        .expect("client context");
        let server = create_secure_pair(server_ctx, true, false, true);
        let client = create_secure_pair(client_ctx, false, false, true);
        let (mut se_r, mut se_w) = tokio::io::split(server.encrypted);
        let (mut ce_r, mut ce_w) = tokio::io::split(client.encrypted);
        tokio::spawn(async move { tokio::io::copy(&mut se_r, &mut ce_w).await });
        tokio::spawn(async move { tokio::io::copy(&mut ce_r, &mut se_w).await });
        let e = client.secure.wait().await.expect_err("unverified server");
        assert_eq!(e.code(), "DEPTH_ZERO_SELF_SIGNED_CERT");
    }
}
