//! Hostile and legacy peers against our server, each compared with what a Node 20
//! server does with the same bytes. Ports of Node's `test-tls-no-sslv23.js` /
//! `test-tls-min-max-version.js` (legacy protocols), `test-tls-disable-renegotiation.js`
//! / `test-tls-client-renegotiation-limit.js` (renegotiation is refused),
//! `test-tls-handshake-nohang.js` / `test-tls-timeout-server.js` (`handshakeTimeout`),
//! `test-tls-junk-server.js` / `test-tls-junk-closes-server.js` /
//! `test-tls-hello-parser-failure.js` / `test-tls-server-failed-handshake-emits-clienterror.js`
//! (garbage and HTTP get an alert or a close and a `tlsClientError`, never a panic).

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{client_error, echo, echo_server, listen, node_server, our_client, s_client, Pki};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const T: Duration = Duration::from_secs(10);

/// Runs `openssl s_client` to completion (stdin closed at once) and returns
/// (exit success, stdout+stderr).
fn run_s_client(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let mut child = s_client(dir, args).spawn().expect("s_client");
    drop(child.stdin.take());
    let mut out = String::new();
    let mut err = String::new();
    let _ = child.stdout.take().expect("out").read_to_string(&mut out);
    let _ = child.stderr.take().expect("err").read_to_string(&mut err);
    let status = child.wait().expect("wait");
    (status.success(), out + &err)
}

/// Runs `openssl s_client {flag}` against our server and a Node server; returns
/// [(s_client output, tlsClientError code)] for ours then node's.
async fn legacy_client(pki: &Pki, flag: &str) -> Vec<(String, String)> {
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&server).await;
    let (mut node, node_port) = node_server(pki, "{}").await;
    let mut seen = Vec::new();
    for p in [port, node_port] {
        let connect = format!("127.0.0.1:{p}");
        let dir = pki.path().to_path_buf();
        let args = [
            "-connect",
            connect.as_str(),
            flag,
            "-cipher",
            "DEFAULT:@SECLEVEL=0",
        ]
        .map(String::from);
        let (ok, text) = tokio::task::spawn_blocking(move || {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            run_s_client(&dir, &a)
        })
        .await
        .expect("join");
        assert!(!ok, "{flag} handshake must fail: {text}");
        let code = if p == port {
            client_error(&server, T).await.to_string()
        } else {
            node.event("tlsClientError", T).await["code"]
                .as_str()
                .expect("code")
                .to_string()
        };
        seen.push((text, code));
    }
    // The server still serves.
    let mut events = echo_server(&server);
    let mut c = our_client(pki, port).await;
    echo(&mut c, b"still serving").await;
    assert_eq!(events.recv().await.as_deref(), Some("secureConnection"));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls1_and_tls1_1_clients_are_refused_with_an_alert_like_node() {
    let _ = test_support::require_peer!("openssl");
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    for flag in ["-tls1", "-tls1_1"] {
        let seen = legacy_client(&pki, flag).await;
        for (text, _) in &seen {
            assert!(text.contains(" alert "), "{flag}: no alert: {text}");
        }
        assert_eq!(
            seen[0].1, seen[1].1,
            "{flag}: tlsClientError code, ours vs node"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls1_clients_get_a_protocol_version_alert_like_node() {
    let _ = test_support::require_peer!("openssl");
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    for flag in ["-tls1", "-tls1_1"] {
        for (text, _) in legacy_client(&pki, flag).await {
            assert!(text.contains("alert protocol version"), "{flag}: {text}");
        }
    }
}

/// `openssl s_client -tls1_2`, then `R` on stdin asks for a renegotiation.
fn renegotiating_client(dir: &std::path::Path, port: u16) -> String {
    let connect = format!("127.0.0.1:{port}");
    let mut child = s_client(dir, &["-connect", &connect, "-tls1_2"])
        .spawn()
        .expect("s_client");
    let mut stdout = child.stdout.take().expect("out");
    let mut stderr = child.stderr.take().expect("err");
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 || tx2.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut text = Vec::new();
    let deadline = std::time::Instant::now() + T;
    // Wait for the end of the handshake report.
    while !String::from_utf8_lossy(&text).contains("Verify return code") {
        assert!(std::time::Instant::now() < deadline, "no handshake");
        if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(100)) {
            text.extend(chunk);
        }
    }
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"R\n").expect("R");
    stdin.flush().expect("flush");
    // The renegotiation fails: s_client reports it and the connection ends.
    let deadline = std::time::Instant::now() + T;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(chunk) => text.extend(chunk),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if std::time::Instant::now() > deadline {
            break;
        }
    }
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
    String::from_utf8_lossy(&text).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renegotiating_client_is_refused_and_the_server_keeps_serving() {
    let _ = test_support::require_peer!("openssl");
    let pki = Pki::new();
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&server).await;
    let mut events = echo_server(&server);
    let dir = pki.path().to_path_buf();
    let text = tokio::task::spawn_blocking(move || renegotiating_client(&dir, port))
        .await
        .expect("join");
    assert!(text.contains("RENEGOTIATING"), "{text}");
    assert!(
        text.contains("no renegotiation") || text.contains("no_renegotiation"),
        "the renegotiation must be refused with a no_renegotiation alert: {text}"
    );
    assert_eq!(events.recv().await.as_deref(), Some("secureConnection"));
    // Another connection is served meanwhile and afterwards.
    let mut c = our_client(&pki, port).await;
    echo(&mut c, b"after renegotiation attempt").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_handshake_is_cut_off_after_handshake_timeout() {
    let pki = Pki::new();
    let server = tls_node::create_server(tls_node::ServerOptions {
        handshake_timeout: Some(Duration::from_millis(300)),
        ..pki.server_options()
    })
    .expect("server");
    let port = listen(&server).await;
    // One client sends nothing, another half a ClientHello record.
    for partial in [&b""[..], &[0x16, 0x03, 0x01, 0x02, 0x00, 0x01][..]] {
        let start = std::time::Instant::now();
        let mut tcp = TcpStream::connect(("127.0.0.1", port)).await.expect("tcp");
        tcp.write_all(partial).await.expect("write");
        assert_eq!(client_error(&server, T).await, "ERR_TLS_HANDSHAKE_TIMEOUT");
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_millis(250) && elapsed < Duration::from_secs(5),
            "{elapsed:?}"
        );
        // And the socket is closed.
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(T, tcp.read(&mut buf))
            .await
            .expect("closed in time");
        assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
    }
    assert_eq!(server.get_connections(), 0);
}

/// Sends `bytes` raw and returns what came back before the close.
async fn raw(port: u16, bytes: &[u8]) -> Vec<u8> {
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).await.expect("tcp");
    let _ = tcp.write_all(bytes).await;
    let _ = tcp.shutdown().await;
    let mut back = Vec::new();
    let _ = tokio::time::timeout(T, tcp.read_to_end(&mut back))
        .await
        .expect("closed in time");
    back
}

fn junk() -> Vec<(&'static str, Vec<u8>)> {
    // A fixed pseudo-random stream (xorshift), so failures reproduce.
    let mut x: u32 = 0x9e37_79b9;
    let mut rand = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x.to_le_bytes()[0]
    };
    let noise: Vec<u8> = (0..1024).map(|_| rand()).collect();
    vec![
        (
            "http",
            b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
        ),
        (
            "http-post",
            b"POST /x HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
        ),
        (
            "proxy-connect",
            b"CONNECT localhost:443 HTTP/1.1\r\n\r\n".to_vec(),
        ),
        ("noise", noise),
        ("zeros", vec![0u8; 300]),
        // A handshake record claiming 64 KiB, then nothing.
        ("oversized-record", vec![0x16, 0x03, 0x01, 0xff, 0xff, 0x01]),
        // A ClientHello header claiming more bytes than the record holds.
        (
            "short-hello",
            vec![
                0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0xff, 0xff, 3, 3, 0, 0,
            ],
        ),
        // An alert record before any handshake.
        (
            "alert-first",
            vec![0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28],
        ),
        // application_data before any handshake.
        ("appdata-first", vec![0x17, 0x03, 0x03, 0x00, 0x03, 1, 2, 3]),
        // SSLv2-style ClientHello.
        (
            "sslv2-hello",
            vec![
                0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10,
            ],
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_http_get_an_alert_or_close_and_a_client_error_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&server).await;
    let (mut node, node_port) = node_server(&pki, "{}").await;
    for (name, bytes) in junk() {
        let back = raw(port, &bytes).await;
        // Whatever came back is at most an alert record, never application data.
        if let Some(&first) = back.first() {
            assert_eq!(first, 0x15, "{name}: only an alert may come back: {back:?}");
        }
        let ours = client_error(&server, T).await;
        let _ = raw(node_port, &bytes).await;
        let theirs = node.event("tlsClientError", T).await;
        if name == "sslv2-hello" {
            // A truncated SSLv2 record: OpenSSL waits for the rest (then sees the
            // reset); rustls refuses SSLv2 framing at once. Both refuse it.
            assert_eq!(ours, "ERR_SSL_WRONG_VERSION_NUMBER");
        } else {
            assert_eq!(
                ours, theirs["code"],
                "{name}: tlsClientError code, ours vs node"
            );
        }
    }
    // The HTTP request is recognised as not TLS by both.
    let back = raw(port, b"GET / HTTP/1.1\r\n\r\n").await;
    assert!(back.len() <= 7, "{back:?}");
    let _ = client_error(&server, T).await;
    // The server still serves.
    let mut events = echo_server(&server);
    let mut c = our_client(&pki, port).await;
    echo(&mut c, b"still serving").await;
    assert_eq!(events.recv().await.as_deref(), Some("secureConnection"));
    assert_eq!(server.get_connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_record_after_the_handshake_ends_only_that_connection() {
    // Node's test-tls-alert-handling.js: one client writes a malformed record on
    // its raw socket after the handshake; another client goes on being served.
    let pki = Pki::new();
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&server).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let s2 = server.clone();
    tokio::spawn(async move {
        while let Some(ev) = s2.next_event().await {
            if let tls_node::ServerEvent::SecureConnection(mut sock) = ev {
                let tx = tx.clone();
                tokio::spawn(async move {
                    // Echo until the connection ends; report how it ended.
                    let mut buf = [0u8; 1024];
                    let end = loop {
                        match sock.read(&mut buf).await {
                            Ok(0) => break "eof".to_string(),
                            Ok(n) => {
                                if sock.write_all(&buf[..n]).await.is_err() {
                                    break "write error".to_string();
                                }
                            }
                            Err(e) => break format!("read error: {e}"),
                        }
                    };
                    let _ = tx.send(end);
                });
            }
        }
    });
    let mut good = our_client(&pki, port).await;
    echo(&mut good, b"a").await;

    let raw = std::net::TcpStream::connect(("127.0.0.1", port)).expect("tcp");
    let mut raw_clone = raw.try_clone().expect("clone");
    raw.set_nonblocking(true).expect("nonblocking");
    let mut bad = tls_node::TlsSocket::wrap(
        TcpStream::from_std(raw).expect("tokio"),
        tls_node::TlsSocketOptions {
            servername: Some("localhost".into()),
            context: pki.client_context(),
            ..tls_node::TlsSocketOptions::default()
        },
    )
    .await
    .expect("bad client handshake");
    echo(&mut bad, b"b").await;
    raw_clone
        .write_all(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        .expect("bad record");
    // The server ends that connection with an error and answers with an alert.
    let end = tokio::time::timeout(T, rx.recv())
        .await
        .expect("in time")
        .expect("an end");
    assert!(end.starts_with("read error"), "{end}");
    let mut sink = [0u8; 16];
    let got = tokio::time::timeout(T, bad.read(&mut sink))
        .await
        .expect("in time");
    let err = got.expect_err("the bad client gets an alert, not data");
    let alert = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
        .cloned();
    assert!(
        matches!(alert, Some(rustls::Error::AlertReceived(_))),
        "{err:?}"
    );
    // The good client is still served.
    for _ in 0..5 {
        echo(&mut good, b"a").await;
    }
}
