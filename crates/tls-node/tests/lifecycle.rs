//! Server lifecycle: ports of Node's `test-tls-server-connection-server.js` /
//! `test-net-server-max-connections.js` behaviour for TLS (`maxConnections`),
//! `test-tls-close-*` (`server.close()` then `'close'` once the last connection
//! ends), `getConnections()`, and `test-tls-connect-pipe.js` /
//! `test-tls-net-connect-prefer-path.js` (Unix socket `path`, with a Node client).

mod common;

use std::time::Duration;

use common::{echo, echo_server, listen, our_client, NodeProc, Pki};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

const T: Duration = Duration::from_secs(10);

async fn wait_connections(server: &tls_node::Server, n: usize) {
    let deadline = std::time::Instant::now() + T;
    while server.get_connections() != n {
        assert!(
            std::time::Instant::now() < deadline,
            "getConnections() stayed {} (want {n})",
            server.get_connections()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_connections_resets_the_extra_connection_before_any_tls_byte() {
    let pki = Pki::new();
    let server = tls_node::create_server(tls_node::ServerOptions {
        max_connections: Some(1),
        ..pki.server_options()
    })
    .expect("server");
    assert_eq!(server.max_connections(), Some(1));
    let port = listen(&server).await;
    let _events = echo_server(&server);
    let mut first = our_client(&pki, port).await;
    echo(&mut first, b"one").await;
    assert_eq!(server.get_connections(), 1);

    // The extra connection: accepted by the kernel, then closed with a reset
    // before the server writes a single byte.
    // (The reset can already be seen by connect() itself.)
    match TcpStream::connect(("127.0.0.1", port)).await {
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
        Ok(mut extra) => {
            let mut back = Vec::new();
            let r = tokio::time::timeout(T, extra.read_to_end(&mut back))
                .await
                .expect("closed in time");
            assert!(back.is_empty(), "no TLS byte may come back: {back:?}");
            match r {
                Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
                Ok(n) => assert_eq!(n, 0),
            }
        }
    }
    assert_eq!(server.get_connections(), 1);

    // Raising the limit at run time lets the next one in.
    server.set_max_connections(Some(2));
    let mut second = our_client(&pki, port).await;
    echo(&mut second, b"two").await;
    assert_eq!(server.get_connections(), 2);
    drop(first);
    drop(second);
    wait_connections(&server, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_stops_accepting_and_closed_waits_for_the_last_connection() {
    let pki = Pki::new();
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&server).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let s2 = server.clone();
    tokio::spawn(async move {
        while let Some(ev) = s2.next_event().await {
            let is_close = matches!(ev, tls_node::ServerEvent::Close);
            if let tls_node::ServerEvent::SecureConnection(mut sock) = ev {
                tokio::spawn(async move {
                    let (mut r, mut w) = tokio::io::split(&mut *sock);
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                });
            }
            let _ = tx.send(is_close);
        }
    });
    let mut open = our_client(&pki, port).await;
    echo(&mut open, b"before close").await;
    assert_eq!(server.get_connections(), 1);

    server.close();
    // No new connection is accepted...
    tokio::time::sleep(Duration::from_millis(50)).await;
    let refused = tokio::time::timeout(
        T,
        tls_node::connect(tls_node::ConnectOptions {
            host: Some("127.0.0.1".into()),
            port,
            servername: Some("localhost".into()),
            context: pki.client_context(),
            ..tls_node::ConnectOptions::default()
        }),
    )
    .await
    .expect("refused in time");
    assert_eq!(refused.expect_err("closed server").code(), "ECONNREFUSED");
    // ...the open one goes on, and closed() waits for it.
    echo(&mut open, b"after close").await;
    let closed = server.clone();
    let waiter = tokio::spawn(async move { closed.closed().await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !waiter.is_finished(),
        "closed() resolved with a connection open"
    );
    drop(open);
    tokio::time::timeout(T, waiter)
        .await
        .expect("closed() after the last connection")
        .expect("join");
    assert_eq!(server.get_connections(), 0);
    // 'close' is emitted.
    let saw_close = tokio::time::timeout(T, async {
        while let Some(c) = rx.recv().await {
            if c {
                return true;
            }
        }
        false
    })
    .await
    .expect("close event");
    assert!(saw_close);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unix_socket_path_with_our_client_and_a_node_client() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let path = pki.path().join("tls.sock");
    let info = server
        .listen(tls_node::ListenAddr::Unix(path.clone()))
        .await
        .expect("listen on path");
    assert_eq!(info.address, path.display().to_string());
    let mut events = echo_server(&server);

    let mut ours = tls_node::connect(tls_node::ConnectOptions {
        path: Some(path.clone()),
        servername: Some("localhost".into()),
        context: pki.client_context(),
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect("connect over path");
    echo(&mut ours, b"over a unix socket").await;
    assert_eq!(events.recv().await.as_deref(), Some("secureConnection"));

    let script = r"
const tls = require('tls'), fs = require('fs');
const s = tls.connect({ path: process.argv[1], servername: 'localhost', ca: fs.readFileSync('ca.pem') }, () => {
  s.write('node over path');
  s.on('data', (d) => { console.log(JSON.stringify({ event: 'data', data: d.toString(), authorized: s.authorized })); s.end(); });
});
s.on('error', (e) => console.log(JSON.stringify({ event: 'error', code: e.code })));
";
    let mut node = NodeProc::spawn(pki.path(), script, &[&path.display().to_string()]);
    let line = node.line_async(T).await;
    assert_eq!(line["event"], "data", "{line}");
    assert_eq!(line["data"], "node over path");
    assert_eq!(line["authorized"], true);
    assert_eq!(events.recv().await.as_deref(), Some("secureConnection"));
}

/// Node's `tls.createServer(options, secureConnectionListener)`: the listener
/// gets every established socket (and `getConnections()` counts it until the
/// handler ends); `next_event` then sees no `SecureConnection`, but still the
/// other events, such as a failed handshake's `tlsClientError`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_connection_listener_gets_every_socket_and_events_the_rest() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let pki = Pki::new();
    let handled = Arc::new(AtomicUsize::new(0));
    let count = handled.clone();
    let listener: tls_node::SecureConnectionListener = Arc::new(move |mut socket| {
        count.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            assert!(socket.encrypted());
            // Node's localAddress/remoteAddress of the accepted socket; the
            // first line the client reads back.
            let local = socket.local_address().expect("local address");
            let remote = socket.remote_address().expect("remote address");
            let line = format!(
                "{}:{} {}:{}\n",
                local.address, local.port, remote.address, remote.port
            );
            if socket.write_all(line.as_bytes()).await.is_err() {
                return;
            }
            let mut buf = [0u8; 64];
            while let Ok(n) = socket.read(&mut buf).await {
                if n == 0 || socket.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        })
    });
    let server = tls_node::create_server(tls_node::ServerOptions {
        secure_connection_listener: Some(listener),
        ..pki.server_options()
    })
    .expect("server");
    let port = listen(&server).await;

    let mut a = our_client(&pki, port).await;
    let mut b = our_client(&pki, port).await;
    // The server side saw the listening address as its own, and the client's
    // own address as the remote one.
    for client in [&mut a, &mut b] {
        let mut line = Vec::new();
        while !line.ends_with(b"\n") {
            let mut byte = [0u8; 1];
            client.read_exact(&mut byte).await.expect("address line");
            line.push(byte[0]);
        }
        let mine = client.local_address().expect("client local");
        let expected = format!("127.0.0.1:{port} {}:{}\n", mine.address, mine.port);
        assert_eq!(String::from_utf8_lossy(&line), expected);
    }
    echo(&mut a, b"one").await;
    echo(&mut b, b"two").await;
    assert_eq!(handled.load(Ordering::SeqCst), 2);
    assert_eq!(server.get_connections(), 2);
    drop(a);
    drop(b);
    wait_connections(&server, 0).await;

    // A plain-text request still fails as a tlsClientError event, and no
    // secureConnection event was ever queued for the two sockets above.
    let mut http = TcpStream::connect(("127.0.0.1", port)).await.expect("tcp");
    http.write_all(b"GET / HTTP/1.1\r\n\r\n")
        .await
        .expect("write");
    match tokio::time::timeout(T, server.next_event())
        .await
        .expect("an event")
    {
        Some(tls_node::ServerEvent::TlsClientError { error, .. }) => {
            assert_eq!(error.code(), "ERR_SSL_HTTP_REQUEST");
        }
        other => panic!("expected tlsClientError, got {other:?}"),
    }
}
