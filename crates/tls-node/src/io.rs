//! The byte streams a TLS socket can run over: TCP, Unix sockets, or any
//! `AsyncRead + AsyncWrite` (Node's `socket` option: STARTTLS over an existing
//! connection, an in-memory duplex, ...).

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::hooks::WriteGate;
use crate::read_ahead::ReadAhead;

/// Any stream a TLS socket can wrap.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {
    /// The stream itself, so that a TCP socket's local address can be asked
    /// for when Node's `localAddress` is read, as Node does, rather than with a
    /// `getsockname` on every accepted connection. (On a `BoxIo`, call it on
    /// `**io`: the box is an `Io` too.)
    fn as_any(&self) -> &dyn std::any::Any;
}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A boxed [`Io`].
pub type BoxIo = Box<dyn Io>;

/// The addresses of the underlying socket, as Node's `address()`,
/// `remoteAddress` etc. report them (`None` for Unix sockets and plain streams;
/// an accepted TCP socket leaves `local` to be asked for when it is read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Addresses {
    /// `localAddress` / `localPort`.
    pub local: Option<SocketAddr>,
    /// `remoteAddress` / `remotePort` / `remoteFamily`.
    pub remote: Option<SocketAddr>,
}

/// Node's `{address, family, port}` object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AddressInfo {
    /// The IP address as text (`"127.0.0.1"`, `"::1"`).
    pub address: String,
    /// `"IPv4"` or `"IPv6"`.
    pub family: &'static str,
    /// The port.
    pub port: u16,
}

impl From<SocketAddr> for AddressInfo {
    fn from(a: SocketAddr) -> Self {
        AddressInfo {
            address: a.ip().to_string(),
            family: family(&a),
            port: a.port(),
        }
    }
}

/// `"IPv4"` or `"IPv6"`.
pub fn family(a: &SocketAddr) -> &'static str {
    if a.is_ipv4() {
        "IPv4"
    } else {
        "IPv6"
    }
}

/// The socket under every [`TlsSocket`](crate::TlsSocket): reads it ahead of
/// rustls during bulk transfers ([`ReadAhead`]), and records the bytes read
/// through it until [`RecordHandle::stop`], so the server can look at the raw
/// ClientHello (session ID for `resumeSession`, OCSP request) after rustls has
/// parsed it.
///
/// It also carries the server's [`WriteGate`] (`newSession` hooks), installed
/// through the [`RecordHandle`] once the ClientHello is known.
pub(crate) struct Recording<T> {
    inner: T,
    /// Socket reads in large pieces during bulk transfers (`read_ahead.rs`).
    ahead: ReadAhead,
    /// The recorded bytes and the write gate (server sockets; one allocation).
    shared: Option<Arc<RecordShared>>,
    /// Cleared once a read finds the recording stopped, so later reads skip
    /// the lock.
    active: bool,
}

/// What a [`Recording`] shares with its [`RecordHandle`].
#[derive(Default)]
struct RecordShared {
    record: Mutex<Option<Vec<u8>>>,
    gate: GateSlot,
}

/// The write gate of one connection. `installed` lets every write skip the lock
/// when no `newSession` hooks were installed (the common case).
#[derive(Default)]
pub(crate) struct GateSlot {
    installed: AtomicBool,
    gate: Mutex<Option<WriteGate>>,
}

/// A handle on what a [`Recording`] has read, and on its write gate.
#[derive(Clone)]
pub(crate) struct RecordHandle(Arc<RecordShared>);

impl RecordHandle {
    /// The bytes read so far; recording stops.
    pub(crate) fn stop(&self) -> Vec<u8> {
        crate::socket::lock(&self.0.record)
            .take()
            .unwrap_or_default()
    }

    /// Holds the stream's writes until `newSession` hooks complete.
    pub(crate) fn install_gate(&self, gate: WriteGate) {
        *crate::socket::lock(&self.0.gate.gate) = Some(gate);
        self.0.gate.installed.store(true, Ordering::Release);
    }
}

impl<T> Recording<T> {
    pub(crate) fn new(inner: T) -> (Self, RecordHandle) {
        let shared = Arc::new(RecordShared {
            record: Mutex::new(Some(Vec::new())),
            gate: GateSlot::default(),
        });
        (
            Recording {
                inner,
                ahead: ReadAhead::default(),
                shared: Some(shared.clone()),
                active: true,
            },
            RecordHandle(shared),
        )
    }

    /// A wrapper that records nothing.
    pub(crate) fn passthrough(inner: T) -> Self {
        Recording {
            inner,
            ahead: ReadAhead::default(),
            shared: None,
            active: false,
        }
    }

    /// The wrapped stream.
    pub(crate) fn inner(&self) -> &T {
        &self.inner
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Recording<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let res = this.ahead.poll_read(&mut this.inner, cx, buf);
        if let (true, Some(shared)) = (this.active, &this.shared) {
            let mut guard = crate::socket::lock(&shared.record);
            match guard.as_mut() {
                // A ClientHello is at most a few records; past this it is not one.
                Some(rec) if rec.len() < 64 * 1024 => {
                    rec.extend_from_slice(&buf.filled()[before..]);
                }
                Some(_) => {}
                None => {
                    drop(guard);
                    this.active = false;
                }
            }
        }
        res
    }
}

impl<T> Recording<T> {
    /// Pending while `newSession` hooks run.
    fn poll_gate(&self, cx: &mut Context<'_>) -> Poll<()> {
        match self.shared.as_deref().map(|s| &s.gate) {
            Some(slot) if !slot.installed.load(Ordering::Acquire) => Poll::Ready(()),
            Some(slot) => match crate::socket::lock(&slot.gate).as_mut() {
                Some(g) => g.poll_ready(cx),
                None => Poll::Ready(()),
            },
            None => Poll::Ready(()),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Recording<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        std::task::ready!(self.poll_gate(cx));
        let this = &mut *self;
        let record = this.shared.as_deref().map(|s| &s.record);
        if let Some(alert) = protocol_version_alert(record, buf) {
            return Pin::new(&mut this.inner).poll_write(cx, &alert);
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    // rustls hands all pending records to one vectored write; without these
    // two, tokio's default sends one record per syscall (twice the sends of a
    // bare TcpStream per handshake).
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        // A plaintext alert record goes alone through `poll_write`, where the
        // OpenSSL-compatible alert rewrites apply.
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            if first.len() == 7 && first[0] == 0x15 {
                return self.poll_write(cx, first);
            }
        }
        std::task::ready!(self.poll_gate(cx));
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        std::task::ready!(self.poll_gate(cx));
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// OpenSSL answers a TLS 1.0/1.1-only ClientHello with a `protocol_version` alert
/// (what `openssl s_client -tls1` and Node clients report); rustls sends
/// `handshake_failure`. While the hello is still being recorded, that one alert
/// record is rewritten (same length, so partial writes stay consistent).
fn protocol_version_alert(record: Option<&Mutex<Option<Vec<u8>>>>, buf: &[u8]) -> Option<[u8; 7]> {
    // A plaintext fatal(2) handshake_failure(40) alert record.
    let [0x15, 0x03, minor, 0x00, 0x02, 0x02, 0x28] = *buf else {
        return None;
    };
    let guard = crate::socket::lock(record?);
    if !crate::server::offers_only_legacy_versions(guard.as_deref()?) {
        return None;
    }
    Some([0x15, 0x03, minor, 0x00, 0x02, 0x02, 0x46])
}
