//! `nodetls serve` against hostile and legacy peers, each compared with the Node
//! reference (`tests/support/node/ref.js` on Node 20): the `tlsClientError` line
//! for junk, an HTTP request, a TLS 1.0 client and a stalled handshake
//! (`--handshake-timeout`); `--max-connections` resets the extra connection and
//! prints nothing; and the server keeps serving after each.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use test_support::cli::{event, run_connect, spawn_serve, Impl, ServerProc};

const T: Duration = Duration::from_secs(10);

fn ours() -> Impl {
    Impl::Ours(env!("CARGO_BIN_EXE_nodetls").into())
}

/// A self-signed P-256 `localhost` certificate (`key.pem`, `cert.pem`) made by
/// openssl, so both implementations serve the same one.
fn make_cert(dir: &Path) {
    test_support::run_ok(test_support::openssl(dir).args([
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-days",
        "2",
    ]));
}

fn serve(imp: &Impl, dir: &Path, args: &[&str]) -> ServerProc {
    let mut all = vec!["--key", "key.pem", "--cert", "cert.pem"];
    all.extend_from_slice(args);
    spawn_serve(imp, dir, &all)
        .unwrap_or_else(|e| panic!("{} serve {args:?} failed: {e}", imp.label()))
}

/// Sends `bytes`, half-closes and reads until the server closes.
fn raw(port: u16, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("tcp");
    s.set_read_timeout(Some(T)).expect("timeout");
    let _ = s.write_all(bytes);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut back = Vec::new();
    let _ = s.read_to_end(&mut back);
    back
}

fn s_client_tls1(dir: &Path, port: u16) -> String {
    let out = test_support::openssl(dir)
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-tls1",
            "-cipher",
            "DEFAULT:@SECLEVEL=0",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("s_client");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// The next `tlsClientError` line's code.
fn client_error(server: &mut ServerProc) -> Value {
    loop {
        let line = server
            .next_event(T)
            .unwrap_or_else(|| panic!("{}: no tlsClientError line", server.label));
        if line["event"] == "tlsClientError" {
            return line["code"].clone();
        }
    }
}

fn still_serves(imp: &Impl, dir: &Path, server: &mut ServerProc) {
    let target = format!("127.0.0.1:{}", server.port);
    let run = run_connect(imp, dir, &[&target, "--no-reject-unauthorized"], b"ping");
    assert!(
        event(&run.lines, "secureConnect").is_some(),
        "{}: {:?}",
        server.label,
        run.lines
    );
    let line = server.next_event(T).expect("secureConnection line");
    assert_eq!(line["event"], "secureConnection", "{line}");
}

#[test]
fn hostile_clients_get_the_tls_client_error_node_reports() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let dir = test_support::temp_dir();
    let d = dir.path();
    make_cert(d);
    let mut codes: Vec<Vec<Value>> = Vec::new();
    for imp in [ours(), Impl::Node] {
        let mut server = serve(&imp, d, &["--handshake-timeout", "300"]);
        let port = server.port;
        let mut seen = Vec::new();
        for junk in [
            &b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"[..],
            b"CONNECT localhost:443 HTTP/1.1\r\n\r\n",
            &[0x16, 0x03, 0x01, 0xff, 0xff, 0x01],
            &[0u8; 64],
        ] {
            let back = raw(port, junk);
            assert!(back.len() <= 7, "{}: {back:?}", server.label);
            seen.push(client_error(&mut server));
        }
        let text = s_client_tls1(d, port);
        assert!(
            text.contains("alert protocol version"),
            "{}: {text}",
            server.label
        );
        seen.push(client_error(&mut server));
        // A client that never finishes its handshake.
        let stalled = TcpStream::connect(("127.0.0.1", port)).expect("tcp");
        seen.push(client_error(&mut server));
        drop(stalled);
        still_serves(&imp, d, &mut server);
        codes.push(seen);
    }
    assert_eq!(codes[0], codes[1], "tlsClientError codes: ours vs node");
}

#[test]
fn max_connections_resets_the_extra_connection_silently_like_node() {
    let _ = test_support::require_peer!("node");
    let dir = test_support::temp_dir();
    let d = dir.path();
    make_cert(d);
    for imp in [ours(), Impl::Node] {
        let mut server = serve(&imp, d, &["--max-connections", "1"]);
        let port = server.port;
        // The first connection stays open (a handshake in progress counts).
        let held = TcpStream::connect(("127.0.0.1", port)).expect("tcp");
        std::thread::sleep(Duration::from_millis(200));
        let mut extra = TcpStream::connect(("127.0.0.1", port)).expect("tcp");
        extra.set_read_timeout(Some(T)).expect("timeout");
        let mut buf = [0u8; 16];
        match extra.read(&mut buf) {
            Ok(n) => assert_eq!(n, 0, "{}: no TLS byte", server.label),
            Err(e) => assert_eq!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset,
                "{}",
                server.label
            ),
        }
        // Nothing is printed for it.
        assert!(
            server.next_event(Duration::from_millis(300)).is_none(),
            "{}: a line for the refused connection",
            server.label
        );
        drop(held);
        std::thread::sleep(Duration::from_millis(200));
        // The held connection closing may print a tlsClientError; skip it.
        let _ = server.next_event(Duration::from_millis(300));
        still_serves(&imp, d, &mut server);
    }
}
