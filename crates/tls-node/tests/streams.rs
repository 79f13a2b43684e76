//! TLS over streams that are not plain sockets. Ports of Node's
//! `test-tls-generic-stream.js` (a TLSSocket over an in-memory duplex),
//! `test-tls-inception.js` (TLS inside TLS) and
//! `test-tls-net-connect-prefer-path.js` (`path` wins over `port`).

mod common;

use std::time::Duration;

use common::{echo, echo_server, listen, Pki};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const T: Duration = Duration::from_secs(10);

fn client_options(pki: &Pki) -> tls_node::TlsSocketOptions {
    tls_node::TlsSocketOptions {
        servername: Some("localhost".into()),
        context: pki.client_context(),
        ..tls_node::TlsSocketOptions::default()
    }
}

fn server_options(pki: &Pki) -> tls_node::TlsSocketOptions {
    tls_node::TlsSocketOptions {
        is_server: true,
        context: pki.context("leaf"),
        ..tls_node::TlsSocketOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_over_an_in_memory_duplex() {
    let pki = Pki::new();
    let (a, b) = tokio::io::duplex(1024);
    let server = tokio::spawn({
        let opts = server_options(&pki);
        async move {
            let mut s = tls_node::TlsSocket::wrap(b, opts).await.expect("server");
            let mut buf = [0u8; 5];
            s.read_exact(&mut buf).await.expect("read");
            s.write_all(&buf).await.expect("write");
            s.flush().await.expect("flush");
            s
        }
    });
    let mut client = tls_node::TlsSocket::wrap(a, client_options(&pki))
        .await
        .expect("client");
    assert!(client.authorized());
    // No addresses: Node's remoteAddress is undefined for a generic stream.
    assert!(client.remote_address().is_none());
    echo(&mut client, b"hello").await;
    let server = tokio::time::timeout(T, server)
        .await
        .expect("in time")
        .expect("join");
    assert_eq!(server.get_protocol(), client.get_protocol());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_inside_tls() {
    let pki = Pki::new();
    // The outer server relays the decrypted stream to an inner TLS server.
    let outer = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&outer).await;
    let inner_opts = server_options(&pki);
    tokio::spawn({
        let outer = outer.clone();
        async move {
            if let Some(tls_node::ServerEvent::SecureConnection(s)) = outer.next_event().await {
                let mut inner = tls_node::TlsSocket::wrap(*s, inner_opts)
                    .await
                    .expect("inner server");
                let (mut r, mut w) = tokio::io::split(&mut inner);
                let _ = tokio::io::copy(&mut r, &mut w).await;
            }
        }
    });
    let outer_client = common::our_client(&pki, port).await;
    let mut inner_client = tls_node::TlsSocket::wrap(outer_client, client_options(&pki))
        .await
        .expect("inner client");
    assert!(inner_client.authorized());
    echo(&mut inner_client, b"two layers deep").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_wins_over_port() {
    let pki = Pki::new();
    let unix = tls_node::create_server(pki.server_options()).expect("server");
    let path = pki.path().join("prefer.sock");
    unix.listen(tls_node::ListenAddr::Unix(path.clone()))
        .await
        .expect("listen");
    let mut events = echo_server(&unix);
    // A port where nothing listens: connecting there would fail.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let mut s = tls_node::connect(tls_node::ConnectOptions {
        host: Some("127.0.0.1".into()),
        port,
        path: Some(path),
        servername: Some("localhost".into()),
        context: pki.client_context(),
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect("connects over the path");
    echo(&mut s, b"via path").await;
    assert_eq!(events.recv().await.as_deref(), Some("secureConnection"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_tlssocket_without_a_server_calls_sni_callback() {
    // test-tls-socket-snicallback-without-server.js.
    let pki = Pki::new();
    let (a, b) = tokio::io::duplex(4096);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let other = tls_core::create_secure_context(&pki.context("other")).expect("context");
    let server = tokio::spawn(async move {
        tls_node::TlsSocket::wrap(
            b,
            tls_node::TlsSocketOptions {
                is_server: true,
                context: tls_core::SecureContextOptions::default(),
                sni_callback: Some(std::sync::Arc::new(move |name: String| {
                    let _ = tx.send(name);
                    let other = other.clone();
                    Box::pin(async move { Ok(Some(other)) })
                })),
                ..tls_node::TlsSocketOptions::default()
            },
        )
        .await
    });
    let client = tls_node::TlsSocket::wrap(
        a,
        tls_node::TlsSocketOptions {
            servername: Some("other.example".into()),
            context: pki.client_context(),
            ..tls_node::TlsSocketOptions::default()
        },
    )
    .await
    .expect("client");
    assert_eq!(rx.recv().await.as_deref(), Some("other.example"));
    assert!(client.authorized());
    let server = tokio::time::timeout(T, server)
        .await
        .expect("in time")
        .expect("join")
        .expect("server");
    assert_eq!(server.servername(), Some("other.example"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unverifiable_server_gives_nodes_friendly_error() {
    // test-tls-friendly-error-message.js: no CA for the server's issuer. As in
    // that test the server has no `ca`, so it sends only its leaf (with `ca`,
    // OpenSSL's auto-chain would add the root: SELF_SIGNED_CERT_IN_CHAIN).
    let pki = Pki::new();
    let mut options = pki.server_options();
    options.context.ca = None;
    let server = tls_node::create_server(options).expect("server");
    let port = listen(&server).await;
    let _events = echo_server(&server);
    let err = tls_node::connect(tls_node::ConnectOptions {
        host: Some("127.0.0.1".into()),
        port,
        servername: Some("localhost".into()),
        context: tls_core::SecureContextOptions {
            ca: Some(vec![pki.read("other.pem")]),
            ..tls_core::SecureContextOptions::default()
        },
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect_err("unverifiable");
    assert_eq!(err.code(), "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    assert_eq!(err.to_string(), "unable to verify the first certificate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_over_a_given_socket_and_a_tls12_session_after_secure_connect() {
    // test-tls-reuse-host-from-socket.js: tls.connect({socket, rejectUnauthorized:
    // false}); test-tls-secure-session.js: a TLS 1.2 session is there once secure.
    let pki = Pki::new();
    let mut options = pki.server_options();
    options.context.secure_protocol = Some("TLSv1_2_method".into());
    let server = tls_node::create_server(options).expect("server");
    let port = listen(&server).await;
    let _events = echo_server(&server);
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("tcp");
    let mut c = tls_node::connect(tls_node::ConnectOptions {
        socket: Some(Box::new(tcp)),
        reject_unauthorized: Some(false),
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect("connect over the socket");
    // No CA given: not authorized, but connected.
    assert!(!c.authorized());
    assert_eq!(c.get_protocol(), Some("TLSv1.2"));
    assert!(
        c.get_session().is_some(),
        "TLS 1.2: the session is known at once"
    );
    echo(&mut c, b"over a given socket").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secure_context_overrides_the_context_options_of_a_tlssocket() {
    // test-tls-socket-default-options.js: `secureContext` wins over `ca`.
    let pki = Pki::new();
    // Leaf only (no `ca` on the server), so an untrusted issuer is reported as
    // Node's friendly "unable to verify the first certificate".
    let mut options = pki.server_options();
    options.context.ca = None;
    let server = tls_node::create_server(options).expect("server");
    let port = listen(&server).await;
    let _events = echo_server(&server);
    let wrap = |secure_context: Option<tls_core::SecureContext>| {
        let context = pki.client_context();
        async move {
            let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .expect("tcp");
            tls_node::TlsSocket::wrap(
                tcp,
                tls_node::TlsSocketOptions {
                    servername: Some("localhost".into()),
                    secure_context,
                    context,
                    ..tls_node::TlsSocketOptions::default()
                },
            )
            .await
        }
    };
    // `ca` alone: verified.
    let mut ok = wrap(None).await.expect("ca option");
    echo(&mut ok, b"hello").await;
    // A context without that CA given as secureContext: `ca` is ignored.
    let bare = tls_core::create_secure_context(&tls_core::SecureContextOptions {
        ca: Some(vec![pki.read("other.pem")]),
        ..tls_core::SecureContextOptions::default()
    })
    .expect("context");
    let err = wrap(Some(bare)).await.expect_err("secureContext wins");
    assert_eq!(err.to_string(), "unable to verify the first certificate");
    // A context with it: verified.
    let good = tls_core::create_secure_context(&pki.client_context()).expect("context");
    wrap(Some(good)).await.expect("secureContext with the CA");
}

/// Forwards bytes from `from` to `to` until EOF, keeping a copy; then writes
/// `trailer` and closes `to`.
async fn tap<R, W>(mut from: R, mut to: W, trailer: Vec<u8>) -> Vec<u8>
where
    R: tokio::io::AsyncRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 8192];
    loop {
        let n = from.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        if to.write_all(&buf[..n]).await.is_err() {
            return seen;
        }
    }
    let _ = to.write_all(&trailer).await;
    let _ = to.shutdown().await;
    seen
}

/// A client transport and a server transport joined through [`tap`]s: the
/// client's bytes (then `trailer`) reach the server, the server's reach the
/// client. The upstream task returns what the client sent.
fn tapped_wire(
    trailer: Vec<u8>,
) -> (
    tokio::io::DuplexStream,
    tokio::io::DuplexStream,
    tokio::task::JoinHandle<Vec<u8>>,
    tokio::task::JoinHandle<Vec<u8>>,
) {
    let (client_io, client_wire) = tokio::io::duplex(64 * 1024);
    let (server_wire, server_io) = tokio::io::duplex(64 * 1024);
    let (client_to_server, server_to_client) =
        (tokio::io::split(client_wire), tokio::io::split(server_wire));
    let upstream = tokio::spawn(tap(client_to_server.0, server_to_client.1, trailer));
    let downstream = tokio::spawn(tap(server_to_client.0, client_to_server.1, Vec::new()));
    (client_io, server_io, upstream, downstream)
}

/// The lengths of the TLS records in `wire`, in order.
fn record_lengths(wire: &[u8]) -> Vec<usize> {
    let mut lengths = Vec::new();
    let mut rest = wire;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        lengths.push(len);
        rest = &rest[(5 + len).min(rest.len())..];
    }
    lengths
}

/// Writes of every size around the 2 KiB pieces our copies are cut into and
/// the 16 KiB record, echoed back through reads of odd sizes: every byte
/// arrives in order, and a 16 KiB write still goes out as one full record
/// (the pieces are sealed together, not one record each).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_data_crosses_piece_and_record_boundaries_intact() {
    let pki = Pki::new();
    let (client_io, server_io, upstream, downstream) = tapped_wire(Vec::new());
    let server = tokio::spawn({
        let opts = server_options(&pki);
        async move {
            let mut s = tls_node::TlsSocket::wrap(server_io, opts)
                .await
                .expect("server");
            // Reads into buffers of odd sizes, some through `read_buf` into
            // spare capacity, and echoes what each returns.
            let sizes = [1usize, 777, 2047, 2049, 5000, 16_385, 70_000];
            let mut i = 0;
            loop {
                let mut buf = Vec::with_capacity(sizes[i % sizes.len()]);
                let n = if i % 2 == 0 {
                    s.read_buf(&mut buf).await.expect("read_buf")
                } else {
                    buf.resize(sizes[i % sizes.len()], 0);
                    let n = s.read(&mut buf).await.expect("read");
                    buf.truncate(n);
                    n
                };
                if n == 0 {
                    break;
                }
                s.write_all(&buf).await.expect("echo");
                i += 1;
            }
            s.shutdown().await.expect("end");
        }
    });
    let client = tls_node::TlsSocket::wrap(client_io, client_options(&pki))
        .await
        .expect("client");
    assert_eq!(client.get_protocol(), Some("TLSv1.3"));
    let data: Vec<u8> = (0..1_200_000u32).map(|i| (i ^ (i >> 9)) as u8).collect();
    let (mut reader, mut writer) = tokio::io::split(client);
    let sender = tokio::spawn({
        let data = data.clone();
        async move {
            // One 64 KiB write (four full records in one go), four 16 KiB
            // writes, then writes of every awkward size.
            writer.write_all(&data[..65_536]).await.expect("write");
            writer.flush().await.expect("flush");
            let mut at = 65_536;
            for _ in 0..4 {
                writer
                    .write_all(&data[at..at + 16_384])
                    .await
                    .expect("write");
                writer.flush().await.expect("flush");
                at += 16_384;
            }
            let sizes = [
                1usize, 2047, 2048, 2049, 4095, 16_383, 16_384, 16_385, 40_000,
            ];
            let mut i = 0;
            while at < data.len() {
                let n = sizes[i % sizes.len()].min(data.len() - at);
                writer.write_all(&data[at..at + n]).await.expect("write");
                at += n;
                i += 1;
            }
            writer.shutdown().await.expect("end");
        }
    });
    let mut echoed = Vec::new();
    tokio::time::timeout(T, reader.read_to_end(&mut echoed))
        .await
        .expect("in time")
        .expect("read");
    assert!(
        echoed == data,
        "echo differs ({} of {} bytes back)",
        echoed.len(),
        data.len()
    );
    tokio::time::timeout(T, sender)
        .await
        .expect("in time")
        .expect("join");
    tokio::time::timeout(T, server)
        .await
        .expect("in time")
        .expect("join");
    let wire = tokio::time::timeout(T, upstream)
        .await
        .expect("in time")
        .expect("join");
    drop(downstream);
    // TLS 1.3: 16 384 bytes of data + the content type + the 16-byte tag.
    let full = record_lengths(&wire)
        .iter()
        .filter(|len| **len == 16_384 + 1 + 16)
        .count();
    assert!(
        full >= 8,
        "64 KiB and 16 KiB writes went out as {full} full records"
    );
}

/// A record that fails to decrypt after good data: the read that got the
/// data returns it, and the next read reports the error (Node: 'data', then
/// 'error').
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_before_a_corrupt_record_is_delivered_then_the_error() {
    let pki = Pki::new();
    // After the client's last byte, an application_data record that cannot
    // decrypt.
    let mut corrupt = vec![23, 3, 3, 0, 40];
    corrupt.extend_from_slice(&[0x5A; 40]);
    let (client_io, server_io, upstream, downstream) = tapped_wire(corrupt);
    let server = tokio::spawn({
        let opts = server_options(&pki);
        async move {
            let mut s = tls_node::TlsSocket::wrap(server_io, opts)
                .await
                .expect("server");
            let mut got = Vec::new();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match s.read(&mut buf).await {
                    Ok(0) => return (got, None),
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) => return (got, Some(e)),
                }
            }
        }
    });
    let client = tls_node::TlsSocket::wrap(client_io, client_options(&pki))
        .await
        .expect("client");
    let (reader, mut writer) = tokio::io::split(client);
    let data = vec![7u8; 40_000];
    writer.write_all(&data).await.expect("write");
    writer.flush().await.expect("flush");
    // Close the client's side of the wire without close_notify, so the tap
    // appends the corrupt record right after the data.
    drop((reader, writer));
    let (got, error) = tokio::time::timeout(T, server)
        .await
        .expect("in time")
        .expect("join");
    assert_eq!(got.len(), data.len(), "all data before the corrupt record");
    let error = error.expect("the corrupt record is an error, not EOF");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData, "{error}");
    drop((upstream, downstream));
}

/// A stream that takes vectored writes (as a TCP socket does) and logs how
/// many bytes each write call carried.
struct CountingWrites<S> {
    inner: S,
    writes: std::sync::Arc<std::sync::Mutex<Vec<usize>>>,
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for CountingWrites<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for CountingWrites<S> {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.poll_write_vectored(cx, &[std::io::IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        // All or nothing, so that one call is one logged write.
        let joined: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
        let res = std::pin::Pin::new(&mut self.inner).poll_write(cx, &joined);
        if let std::task::Poll::Ready(Ok(n)) = &res {
            assert_eq!(*n, joined.len(), "the duplex is large enough");
            self.writes.lock().unwrap().push(*n);
        }
        res
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_64_kib_write_leaves_as_four_full_records_in_one_socket_write() {
    let pki = Pki::new();
    let (a, b) = tokio::io::duplex(1 << 20);
    let writes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let counted = CountingWrites {
        inner: a,
        writes: writes.clone(),
    };
    let server = tokio::spawn({
        let opts = server_options(&pki);
        async move {
            let mut s = tls_node::TlsSocket::wrap(b, opts).await.expect("server");
            let mut got = vec![0u8; 65_536 + 1000];
            s.read_exact(&mut got).await.expect("read");
            got
        }
    });
    let mut client = tls_node::TlsSocket::wrap(counted, client_options(&pki))
        .await
        .expect("client");
    assert_eq!(client.get_protocol(), Some("TLSv1.3"));
    writes.lock().unwrap().clear();
    let data: Vec<u8> = (0..66_536u32).map(|i| (i % 247) as u8).collect();
    client.write_all(&data[..65_536]).await.expect("write");
    client.flush().await.expect("flush");
    // With setMaxSendFragment lowered, one record per write, as before.
    assert!(client.set_max_send_fragment(512));
    client.write_all(&data[65_536..]).await.expect("write");
    client.flush().await.expect("flush");
    let got = tokio::time::timeout(T, server)
        .await
        .expect("in time")
        .expect("join");
    assert!(got == data, "data differs");
    // TLS 1.3 record: 5-byte header, 16 384 bytes, content type, 16-byte tag.
    let record = 5 + 16_384 + 1 + 16;
    let small = |n: usize| 5 + n + 1 + 16;
    assert_eq!(
        *writes.lock().unwrap(),
        vec![4 * record, small(512), small(488)]
    );
}
