//! `tls.TLSSocket`: an encrypted duplex stream and what Node reports about it.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use rustls::sign::CertifiedKey;
use rustls::{CommonState, HandshakeKind};
use rustls_pki_types::CertificateDer;
use tokio::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;

use tls_core::ciphers::{cipher_info, CipherInfo};
use tls_core::client_session::Session;
use tls_core::curves::Group;
use tls_core::versions::ProtocolVersion;
use tls_pki::legacy::{LegacyCertificate, PeerCertificate};

use crate::copy;
use crate::io::{AddressInfo, Addresses, BoxIo, Recording};
use crate::{Error, Result};

pub(crate) type Stream = tokio_rustls::TlsStream<Recording<BoxIo>>;

/// Node's `getEphemeralKeyInfo()` on a client: `{type, name, size}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EphemeralKeyInfo {
    /// `"ECDH"` (X25519 included, as Node reports it).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `"X25519"`, `"prime256v1"`, `"secp384r1"`.
    pub name: &'static str,
    /// Key size in bits as Node reports it (253 for X25519).
    pub size: u32,
}

/// What the handshake established; fixed once the socket exists.
#[derive(Debug, Clone)]
pub(crate) struct HandshakeInfo {
    pub(crate) is_server: bool,
    pub(crate) authorized: bool,
    pub(crate) authorization_error: Option<String>,
    pub(crate) servername: Option<String>,
    /// The key whose certificate we sent: `getCertificate()` reads `cert[0]`
    /// when asked (no copy of the DER per connection).
    pub(crate) own_certificate: Option<Arc<CertifiedKey>>,
    pub(crate) ocsp_response: Option<Vec<u8>>,
    pub(crate) addresses: Addresses,
    /// The verifying side's CA certificates: `getPeerCertificate(true)` completes
    /// the issuer chain from them, as Node does from its store.
    pub(crate) trusted: Arc<[CertificateDer<'static>]>,
}

/// Sessions the client receives (the `session` event), shared with the
/// per-connection session store.
#[derive(Debug)]
pub(crate) struct SessionSlot {
    pub(crate) tx: watch::Sender<Option<Session>>,
}

impl SessionSlot {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(SessionSlot {
            tx: watch::channel(None).0,
        })
    }
}

/// A held slot of `server.maxConnections`; released when the socket is dropped.
pub(crate) type ConnectionGuard = Arc<dyn Send + Sync>;

/// A full TLS record's plaintext (also `setMaxSendFragment`'s default and
/// largest value).
const FULL_RECORD: usize = 16384;

/// `tls.TLSSocket`: a full-duplex encrypted stream (`AsyncRead` + `AsyncWrite`;
/// `shutdown` is Node's `end()`: it sends close_notify and half-closes), with
/// Node's getters.
pub struct TlsSocket {
    /// Boxed: a `TlsSocket` is moved several times between the handshake and
    /// its owner's task, and rustls's connection is most of its size.
    stream: Box<Stream>,
    info: HandshakeInfo,
    sessions: Option<Arc<SessionSlot>>,
    session_rx: Option<watch::Receiver<Option<Session>>>,
    bytes_written: u64,
    bytes_read: u64,
    max_send_fragment: usize,
    /// An error met after a read had already returned data; the next read
    /// reports it.
    read_error: Option<std::io::Error>,
    /// The task whose write, flush or end last waited for the network: a
    /// read that flushes takes over the socket's write wake-up, so it hands
    /// it back (see `poll_read`).
    write_waker: Option<Waker>,
    /// Held for its `Drop`: releases the `maxConnections` slot.
    guard: Option<ConnectionGuard>,
}

impl std::fmt::Debug for TlsSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSocket")
            .field("is_server", &self.info.is_server)
            .field("protocol", &self.get_protocol())
            .field("authorized", &self.info.authorized)
            .finish_non_exhaustive()
    }
}

impl TlsSocket {
    pub(crate) fn from_parts(
        stream: Stream,
        info: HandshakeInfo,
        sessions: Option<Arc<SessionSlot>>,
        guard: Option<ConnectionGuard>,
    ) -> Self {
        let session_rx = sessions.as_ref().map(|s| s.tx.subscribe());
        TlsSocket {
            stream: Box::new(stream),
            info,
            sessions,
            session_rx,
            bytes_written: 0,
            bytes_read: 0,
            max_send_fragment: FULL_RECORD,
            read_error: None,
            write_waker: None,
            guard,
        }
    }

    /// Ties a `maxConnections` slot to this socket's life.
    pub(crate) fn attach_guard(&mut self, guard: ConnectionGuard) {
        self.guard = Some(guard);
    }

    fn state(&self) -> &CommonState {
        self.stream.get_ref().1
    }

    /// `tlsSocket.authorized`: the peer's certificate verified (and, on a client,
    /// matched the server name).
    pub fn authorized(&self) -> bool {
        self.info.authorized
    }

    /// `tlsSocket.authorizationError`: why the peer is not authorized
    /// (`'DEPTH_ZERO_SELF_SIGNED_CERT'`, `'ERR_TLS_CERT_ALTNAME_INVALID'`, ...).
    pub fn authorization_error(&self) -> Option<&str> {
        self.info.authorization_error.as_deref()
    }

    /// `tlsSocket.encrypted`: always true.
    pub fn encrypted(&self) -> bool {
        true
    }

    /// Whether this is the server side (`isServer`).
    pub fn is_server(&self) -> bool {
        self.info.is_server
    }

    /// `tlsSocket.alpnProtocol`: the agreed protocol (`None` is Node's `false`).
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.state().alpn_protocol()
    }

    /// `tlsSocket.servername`: on a server the SNI received, on a client the one
    /// sent. A TLS 1.2 resumption on the server reports none, as Node does.
    pub fn servername(&self) -> Option<&str> {
        self.info.servername.as_deref()
    }

    /// `tlsSocket.getProtocol()`: `'TLSv1.3'` or `'TLSv1.2'`.
    pub fn get_protocol(&self) -> Option<&'static str> {
        self.state()
            .protocol_version()
            .and_then(ProtocolVersion::from_rustls)
            .map(ProtocolVersion::as_str)
    }

    /// `tlsSocket.getCipher()`: `{name, standardName, version}`.
    pub fn get_cipher(&self) -> Option<CipherInfo> {
        self.state()
            .negotiated_cipher_suite()
            .and_then(|s| cipher_info(s.suite()))
    }

    /// `tlsSocket.isSessionReused()`.
    pub fn is_session_reused(&self) -> bool {
        self.state().handshake_kind() == Some(HandshakeKind::Resumed)
    }

    /// `tlsSocket.getEphemeralKeyInfo()`: `None` on a server (Node's `null`);
    /// `Some(None)` on a client when no ephemeral key was exchanged (Node's `{}`,
    /// e.g. a TLS 1.2 resumption).
    pub fn get_ephemeral_key_info(&self) -> Option<Option<EphemeralKeyInfo>> {
        if self.info.is_server {
            return None;
        }
        if self.state().protocol_version() == Some(rustls::ProtocolVersion::TLSv1_2)
            && self.is_session_reused()
        {
            return Some(None);
        }
        Some(
            self.state()
                .negotiated_key_exchange_group()
                .and_then(|g| Group::from_named(g.name()))
                .map(|g| {
                    let (name, size) = g.ephemeral_key_info();
                    EphemeralKeyInfo {
                        kind: "ECDH",
                        name,
                        size,
                    }
                }),
        )
    }

    /// The peer's certificate chain as received (leaf first). Empty on a resumed
    /// client connection, as Node reports it.
    pub fn peer_certificates(&self) -> &[CertificateDer<'static>] {
        if !self.info.is_server && self.is_session_reused() {
            return &[];
        }
        self.state().peer_certificates().unwrap_or(&[])
    }

    /// `tlsSocket.getPeerCertificate(detailed)`: Node's legacy certificate object,
    /// with the `issuerCertificate` chain when `detailed`. `None` is Node's `{}`.
    pub fn get_peer_certificate(&self, detailed: bool) -> Option<PeerCertificate> {
        let chain = self.peer_certificates();
        if chain.is_empty() {
            return None;
        }
        let trusted: &[CertificateDer<'static>] = if detailed { &self.info.trusted } else { &[] };
        PeerCertificate::from_der_chain(chain, trusted).ok()
    }

    /// `tlsSocket.getCertificate()`: our own certificate, if one was sent.
    pub fn get_certificate(&self) -> Option<LegacyCertificate> {
        self.info
            .own_certificate
            .as_ref()
            .and_then(|key| key.cert.first())
            .and_then(|c| LegacyCertificate::from_der(c).ok())
    }

    /// `tlsSocket.getSession()` (client): the latest session, to pass as the
    /// `session` option of a later `connect()` in this process.
    pub fn get_session(&self) -> Option<Session> {
        self.sessions.as_ref().and_then(|s| s.tx.borrow().clone())
    }

    /// Waits for the next `session` event (client). TLS 1.3 tickets arrive after
    /// the handshake and are only processed while reading: keep reading (or call
    /// [`TlsSocket::read_until_session`]) for this to complete.
    pub async fn session_event(&mut self) -> Option<Session> {
        let rx = self.session_rx.as_mut()?;
        rx.changed().await.ok()?;
        rx.borrow_and_update().clone()
    }

    /// Reads (and discards) incoming data until a `session` event arrives or
    /// `timeout` passes, then returns the latest session. This is how a client that
    /// sends nothing picks up TLS 1.3 tickets.
    pub async fn read_until_session(&mut self, timeout: std::time::Duration) -> Option<Session> {
        use tokio::io::AsyncReadExt;
        let mut rx = self.session_rx.clone()?;
        if rx.borrow_and_update().is_some() {
            return self.get_session();
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let mut buf = [0u8; 4096];
        loop {
            tokio::select! {
                changed = rx.changed() => { if changed.is_ok() { break; } }
                r = self.read(&mut buf) => { if matches!(r, Ok(0) | Err(_)) { break; } }
                () = tokio::time::sleep_until(deadline) => break,
            }
        }
        self.get_session()
    }

    /// `tlsSocket.getTLSTicket()`: the raw ticket bytes live inside rustls and
    /// cannot be read out: `ERR_TLS_TICKET_UNAVAILABLE` (use `get_session()`).
    pub fn get_tls_ticket(&self) -> Result<Vec<u8>> {
        Err(Error::TicketUnavailable)
    }

    /// The OCSP response the server stapled (client with `requestOCSP`); the
    /// `OCSPResponse` event's payload.
    pub fn ocsp_response(&self) -> Option<&[u8]> {
        self.info.ocsp_response.as_deref()
    }

    /// `tlsSocket.setMaxSendFragment(size)`: records we send carry at most `size`
    /// bytes of data. Node's range is 512..=16384; outside it returns false.
    pub fn set_max_send_fragment(&mut self, size: usize) -> bool {
        if !(512..=16384).contains(&size) {
            return false;
        }
        self.max_send_fragment = size;
        true
    }

    /// `tlsSocket.exportKeyingMaterial(length, label, context)` (RFC 5705).
    pub fn export_keying_material(
        &self,
        length: usize,
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<Vec<u8>> {
        let mut out = vec![0u8; length];
        let res = match &*self.stream {
            tokio_rustls::TlsStream::Client(c) => c
                .get_ref()
                .1
                .export_keying_material(&mut out, label, context),
            tokio_rustls::TlsStream::Server(s) => s
                .get_ref()
                .1
                .export_keying_material(&mut out, label, context),
        };
        res.map_err(|e| Error::KeyingMaterial(e.to_string()))?;
        Ok(out)
    }

    /// `tlsSocket.renegotiate()`: refused (rustls does not renegotiate).
    pub fn renegotiate(&mut self) -> Result<()> {
        Err(Error::RenegotiationUnsupported)
    }

    /// `tlsSocket.disableRenegotiation()`: renegotiation is always refused here.
    pub fn disable_renegotiation(&mut self) {}

    /// `tlsSocket.address()`: the local address.
    pub fn address(&self) -> Option<AddressInfo> {
        self.info
            .addresses
            .local
            .or_else(|| {
                // An accepted TCP socket: asked for now (Node asks on demand too).
                let io: &BoxIo = self.stream.get_ref().0.inner();
                (**io)
                    .as_any()
                    .downcast_ref::<tokio::net::TcpStream>()?
                    .local_addr()
                    .ok()
            })
            .map(AddressInfo::from)
    }

    /// `tlsSocket.remoteAddress` / `remoteFamily` / `remotePort`.
    pub fn remote_address(&self) -> Option<AddressInfo> {
        self.info.addresses.remote.map(AddressInfo::from)
    }

    /// `tlsSocket.localAddress` / `localPort`.
    pub fn local_address(&self) -> Option<AddressInfo> {
        self.address()
    }

    /// `socket.bytesWritten`: application bytes written (Node's `CryptoStream`
    /// `bytesWritten` maps here too).
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// `socket.bytesRead`: application bytes read.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The underlying stream and the rustls connection state (tokio-rustls's
    /// `get_ref`).
    pub fn get_ref(&self) -> (&BoxIo, &CommonState) {
        let (io, state) = self.stream.get_ref();
        (io.inner(), state)
    }

    /// `socket.destroy()`: drops the connection without close_notify.
    pub fn destroy(self) {}
}

impl TlsSocket {
    /// tokio-rustls's `poll_read`, with the copy out of rustls's buffer made in
    /// small pieces (see `copy`): the first chunk of plaintext may wait for the
    /// network; after it, only what is ready is added. Records rustls decrypted
    /// before a failing one are returned before that failure, as OpenSSL's
    /// `SSL_read` returns them (tokio-rustls drops them).
    fn read_plaintext(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let start = buf.filled().len();
        if self.read_error.is_none() {
            let mut stream = Pin::new(&mut self.stream);
            while buf.remaining() > 0 {
                match stream.as_mut().poll_fill_buf(cx) {
                    Poll::Ready(Ok([])) => break,
                    Poll::Ready(Ok(data)) => {
                        let n = copy::put_in_pieces(buf, data);
                        stream.as_mut().consume(n);
                    }
                    Poll::Ready(Err(error)) => {
                        self.read_error = Some(error);
                        break;
                    }
                    Poll::Pending if buf.filled().len() == start => return Poll::Pending,
                    Poll::Pending => break,
                }
            }
        }
        if self.read_error.is_some() {
            self.take_decrypted(buf);
            if buf.filled().len() == start {
                if let Some(error) = self.read_error.take() {
                    return Poll::Ready(Err(error));
                }
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Moves plaintext rustls has already decrypted into `buf`, without
    /// touching the network; returns how many bytes.
    fn take_decrypted(&mut self, buf: &mut ReadBuf<'_>) -> usize {
        use std::io::BufRead;
        let before = buf.filled().len();
        while buf.remaining() > 0 {
            let mut reader = match &mut *self.stream {
                tokio_rustls::TlsStream::Server(s) => s.get_mut().1.reader(),
                tokio_rustls::TlsStream::Client(s) => s.get_mut().1.reader(),
            };
            let n = match reader.fill_buf() {
                Ok(chunk) if !chunk.is_empty() => copy::put_in_pieces(buf, chunk),
                _ => break,
            };
            reader.consume(n);
        }
        buf.filled().len() - before
    }
}

impl AsyncRead for TlsSocket {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let mut res = self.read_plaintext(cx, buf);
        // A peer that closes TCP without close_notify: Node emits 'end' as for a
        // clean close (Node 20's own TLS 1.3 server does this after `end()`), so
        // this is the end of the stream, not an error.
        if matches!(&res, Poll::Ready(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof) {
            res = Poll::Ready(Ok(()));
        }
        self.bytes_read += (buf.filled().len() - before) as u64;
        // Reading can queue records of our own (the no_renegotiation warning that
        // answers a renegotiation ClientHello, a TLS 1.3 KeyUpdate reply); tokio-rustls
        // only sends them on the next write, so a peer waiting for them would hang.
        // Flush them now; a pending flush is retried on the next read or write.
        if self.state().wants_write() {
            let _ = Pin::new(&mut self.stream).poll_flush(cx);
            // The socket keeps one waker for "writable": that flush put this
            // task's there. When the socket is split and another task is waiting
            // to write (full-duplex bulk), it would never hear that the socket
            // drained; wake it so that it polls and registers again.
            if let Some(writer) = self.write_waker.take() {
                writer.wake();
            }
        }
        res
    }
}

impl TlsSocket {
    /// Remembers the task of a write-side call that waits (see `poll_read`).
    fn note_writer<T>(&mut self, cx: &Context<'_>, res: &Poll<T>) {
        if res.is_pending() {
            match &self.write_waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => self.write_waker = Some(cx.waker().clone()),
            }
        } else {
            self.write_waker = None;
        }
    }
}

impl AsyncWrite for TlsSocket {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        // With setMaxSendFragment below a full record, one write is one record
        // of at most that size. At full size, up to four records go at once:
        // rustls cuts them at 16 KiB and they leave in one `writev`.
        let n = if self.max_send_fragment >= FULL_RECORD {
            buf.len().min(copy::MAX_WRITE)
        } else {
            buf.len().min(self.max_send_fragment)
        };
        // Handed to rustls in pieces so that its copy into each record is made
        // in small `memcpy`s (see `copy`); records stay full.
        let (pieces, used) = copy::pieces(&buf[..n]);
        let res = Pin::new(&mut self.stream).poll_write_vectored(cx, &pieces[..used]);
        if let Poll::Ready(Ok(w)) = &res {
            self.bytes_written += *w as u64;
        }
        self.note_writer(cx, &res);
        res
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let res = Pin::new(&mut self.stream).poll_flush(cx);
        self.note_writer(cx, &res);
        res
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let res = Pin::new(&mut self.stream).poll_shutdown(cx);
        self.note_writer(cx, &res);
        res
    }
}

/// Locks a std mutex, ignoring poisoning (the data behind our locks stays
/// consistent: each critical section is a single assignment).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
