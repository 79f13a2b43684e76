//! Edge cases compared with Node 20 on the other end (or in our place). Ports of
//! Node's `test-tls-junk-server.js` (our client against a server that answers
//! junk), `test-tls-econnreset.js` / `test-tls-wrap-econnreset.js` (reset during the
//! handshake), `test-tls-socket-failed-handshake-emits-error.js` (a server
//! `TLSSocket` fed junk), `test-tls-close-notify.js` (`end()` sends close_notify,
//! the peer sees a clean end), `test-tls-empty-sni-context.js` (an SNICallback
//! context without a certificate), `test-tls-set-secure-context.js`
//! (`server.setSecureContext()`) and `test-tls-connect-no-host.js`.

mod common;

use std::time::Duration;

use common::{echo, echo_server, listen, NodeProc, Pki};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const T: Duration = Duration::from_secs(10);

/// One Node client connection to 127.0.0.1:argv[1] (servername argv[2]), printing
/// `secureConnect` (with the peer CN), `data`, `end` and `error` lines, then `close`.
const NODE_CONNECT: &str = r"
const tls = require('tls'), fs = require('fs');
const out = (v) => console.log(JSON.stringify(v));
const s = tls.connect({ host: '127.0.0.1', port: +process.argv[1], servername: process.argv[2] || 'localhost', ca: fs.readFileSync('ca.pem') }, () => {
  out({ event: 'secureConnect', cn: (s.getPeerCertificate().subject || {}).CN });
  if (process.argv[3] !== 'wait') s.end();
});
s.on('data', (d) => out({ event: 'data', data: d.toString() }));
s.on('end', () => out({ event: 'end' }));
s.on('error', (e) => out({ event: 'error', code: e.code }));
s.on('close', () => { out({ event: 'close' }); process.exit(0); });
";

/// Runs [`NODE_CONNECT`]; the client ends at once unless `wait`.
async fn node_connect_with(pki: &Pki, port: u16, servername: &str, wait: bool) -> Vec<Value> {
    let mode = if wait { "wait" } else { "end" };
    let mut node = NodeProc::spawn(
        pki.path(),
        NODE_CONNECT,
        &[&port.to_string(), servername, mode],
    );
    let mut lines = Vec::new();
    loop {
        let l = node.line_async(T).await;
        let done = l["event"] == "close";
        lines.push(l);
        if done {
            return lines;
        }
    }
}

async fn node_connect(pki: &Pki, port: u16, servername: &str) -> Vec<Value> {
    node_connect_with(pki, port, servername, false).await
}

fn first<'a>(lines: &'a [Value], event: &str) -> Option<&'a Value> {
    lines.iter().find(|l| l["event"] == event)
}

async fn our_connect_err(pki: &Pki, port: u16) -> String {
    tls_node::connect(tls_node::ConnectOptions {
        host: Some("127.0.0.1".into()),
        port,
        servername: Some("localhost".into()),
        context: pki.client_context(),
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect_err("the handshake must fail")
    .code()
    .to_string()
}

/// A TCP server that answers every connection with `junk` (after reading what the
/// client sent first), or resets it when `junk` is `None`.
async fn hostile_server(junk: Option<&'static [u8]>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                match junk {
                    Some(j) => {
                        let _ = s.write_all(j).await;
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    None => {
                        let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
                    }
                }
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_against_junk_and_resets_fails_like_a_node_client() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    for (name, junk) in [
        ("hello", Some(&b"hello world\n"[..])),
        ("http", Some(&b"HTTP/1.1 400 Bad Request\r\n\r\n"[..])),
        ("reset", None),
    ] {
        let port = hostile_server(junk).await;
        let ours = our_connect_err(&pki, port).await;
        let lines = node_connect(&pki, port, "localhost").await;
        let theirs = first(&lines, "error").unwrap_or_else(|| panic!("{name}: {lines:?}"));
        assert_eq!(
            theirs["code"],
            ours.as_str(),
            "{name}: client error, ours vs node"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_tlssocket_fed_junk_fails_like_nodes() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let script = r"
const net = require('net'), tls = require('tls'), fs = require('fs');
const out = (v) => console.log(JSON.stringify(v));
const srv = net.createServer((raw) => {
  const s = new tls.TLSSocket(raw, { isServer: true, key: fs.readFileSync('leaf.key'), cert: fs.readFileSync('leaf.pem') });
  s.on('error', (e) => out({ event: 'error', code: e.code }));
});
srv.listen(0, '127.0.0.1', () => out({ event: 'listening', port: srv.address().port }));
";
    let mut node = NodeProc::spawn(pki.path(), script, &[]);
    let node_port = node.event("listening", T).await["port"]
        .as_u64()
        .expect("port");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let ctx = pki.context("leaf");
    let ours = tokio::spawn(async move {
        let (s, _) = listener.accept().await.expect("accept");
        tls_node::TlsSocket::wrap(
            s,
            tls_node::TlsSocketOptions {
                is_server: true,
                context: ctx,
                ..tls_node::TlsSocketOptions::default()
            },
        )
        .await
        .expect_err("junk is not a ClientHello")
        .code()
        .to_string()
    });
    for p in [port, u16::try_from(node_port).expect("port")] {
        let mut c = tokio::net::TcpStream::connect(("127.0.0.1", p))
            .await
            .expect("tcp");
        c.write_all(b"blah\n").await.expect("write");
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(T, c.read_to_end(&mut sink)).await;
    }
    let ours = tokio::time::timeout(T, ours)
        .await
        .expect("in time")
        .expect("join");
    let theirs = node.event("error", T).await;
    assert_eq!(theirs["code"], ours.as_str(), "TLSSocket server fed junk");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_sends_close_notify_and_the_peer_sees_a_clean_end() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    // Our server ends: the Node client gets the data, then 'end', no error.
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&server).await;
    let s2 = server.clone();
    tokio::spawn(async move {
        while let Some(ev) = s2.next_event().await {
            if let tls_node::ServerEvent::SecureConnection(mut sock) = ev {
                tokio::spawn(async move {
                    let _ = sock.write_all(b"bye").await;
                    let _ = sock.shutdown().await;
                    let mut sink = Vec::new();
                    let _ = sock.read_to_end(&mut sink).await;
                });
            }
        }
    });
    let lines = node_connect_with(&pki, port, "localhost", true).await;
    assert!(first(&lines, "error").is_none(), "{lines:?}");
    assert_eq!(first(&lines, "data").expect("data")["data"], "bye");
    assert!(first(&lines, "end").is_some(), "{lines:?}");

    // A Node server ends: our client reads the data, then a clean EOF: with
    // close_notify (TLS 1.2), and without it (a Node 20 TLS 1.3 server that ends
    // at once closes TCP without close_notify; Node's client emits 'end').
    let script = r"
const tls = require('tls'), fs = require('fs');
const s = tls.createServer({ key: fs.readFileSync('leaf.key'), cert: fs.readFileSync('leaf.pem'), maxVersion: process.argv[1] }, (c) => { c.on('error', () => {}); c.end('bye'); });
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', port: s.address().port })));
";
    for version in ["TLSv1.2", "TLSv1.3"] {
        let mut node = NodeProc::spawn(pki.path(), script, &[version]);
        let node_port = node.event("listening", T).await["port"]
            .as_u64()
            .expect("port");
        let mut c = common::our_client(&pki, u16::try_from(node_port).expect("port")).await;
        let mut got = Vec::new();
        tokio::time::timeout(T, c.read_to_end(&mut got))
            .await
            .expect("in time")
            .unwrap_or_else(|e| panic!("{version}: a clean end, not {e}"));
        assert_eq!(got, b"bye", "{version}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sni_callback_context_without_a_certificate_serves_the_default_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let server = tls_node::create_server(tls_node::ServerOptions {
        sni_callback: Some(std::sync::Arc::new(|_name: String| {
            Box::pin(async {
                Ok(Some(
                    tls_core::create_secure_context(&tls_core::SecureContextOptions::default())
                        .map_err(tls_node::Error::from)?,
                ))
            })
        })),
        ..pki.server_options()
    })
    .expect("server");
    let port = listen(&server).await;
    let mut events = echo_server(&server);
    let script = r"
const tls = require('tls'), fs = require('fs');
const out = (v) => console.log(JSON.stringify(v));
const s = tls.createServer({ key: fs.readFileSync('leaf.key'), cert: fs.readFileSync('leaf.pem'),
  SNICallback: (name, cb) => cb(null, tls.createSecureContext({})) }, (c) => c.on('error', () => {}));
s.on('tlsClientError', (e) => out({ event: 'tlsClientError', code: e.code }));
s.listen(0, '127.0.0.1', () => out({ event: 'listening', port: s.address().port }));
";
    let mut node = NodeProc::spawn(pki.path(), script, &[]);
    let node_port = node.event("listening", T).await["port"]
        .as_u64()
        .expect("port");
    let ours = node_connect(&pki, port, "localhost").await;
    let theirs = node_connect(&pki, u16::try_from(node_port).expect("port"), "localhost").await;
    // Node 20 serves its default certificate when the SNI context has none.
    let theirs = first(&theirs, "secureConnect").unwrap_or_else(|| panic!("node: {theirs:?}"));
    let ours = first(&ours, "secureConnect")
        .unwrap_or_else(|| panic!("ours: {ours:?}; server: {:?}", events.try_recv().ok()));
    assert_eq!(ours["cn"], theirs["cn"]);
    assert_eq!(events.recv().await.as_deref(), Some("secureConnection"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_secure_context_serves_new_connections_with_the_new_certificate() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&server).await;
    let _events = echo_server(&server);
    let mut before = common::our_client(&pki, port).await;
    let lines = node_connect(&pki, port, "localhost").await;
    assert_eq!(
        first(&lines, "secureConnect").expect("ok")["cn"],
        "localhost"
    );
    server
        .set_secure_context(&pki.context("other"))
        .expect("setSecureContext");
    let lines = node_connect(&pki, port, "other.example").await;
    assert_eq!(
        first(&lines, "secureConnect").expect("ok")["cn"],
        "other.example"
    );
    // The connection made before goes on.
    echo(&mut before, b"still the old one").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_without_host_goes_to_localhost() {
    let pki = Pki::new();
    let server = tls_node::create_server(pki.server_options()).expect("server");
    // Listen on every address so `localhost` reaches it whether it resolves to
    // ::1 or 127.0.0.1.
    let port = server
        .listen(tls_node::ListenAddr::Tcp {
            host: None,
            port: 0,
        })
        .await
        .expect("listen")
        .port;
    let _events = echo_server(&server);
    let mut c = tls_node::connect(tls_node::ConnectOptions {
        port,
        context: pki.client_context(),
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect("connect to localhost");
    // No servername: the certificate was checked against 'localhost'.
    assert!(c.authorized());
    echo(&mut c, b"localhost").await;
}

/// One Node client with argv[1] JSON options (plus `ca.pem`), printing the cipher
/// it got or its error code.
const NODE_OPTS: &str = r"
const tls = require('tls'), fs = require('fs');
const out = (v) => console.log(JSON.stringify(v));
const o = Object.assign({ host: '127.0.0.1', servername: 'localhost', ca: fs.readFileSync('ca.pem') }, JSON.parse(process.argv[1]));
const s = tls.connect(o, () => { out({ event: 'secureConnect', cipher: s.getCipher().name }); s.end(); });
s.on('error', (e) => { out({ event: 'error', code: e.code }); process.exit(0); });
s.on('close', () => process.exit(0));
";

async fn node_opts(pki: &Pki, options: &Value) -> Value {
    let mut node = NodeProc::spawn(pki.path(), NODE_OPTS, &[&options.to_string()]);
    node.line_async(T).await
}

/// Our server and a Node server with the same `createServer` options; the same
/// Node client options against each: [(client line, server tlsClientError)].
async fn both_servers(pki: &Pki, server: &Value, client: &Value) -> [(Value, Option<String>); 2] {
    let mut options = pki.server_options();
    if let Some(c) = server["ciphers"].as_str() {
        options.context.ciphers = Some(c.into());
    }
    if let Some(h) = server["honorCipherOrder"].as_bool() {
        options.context.honor_cipher_order = Some(h);
    }
    if let Some(v) = server["maxVersion"].as_str() {
        options.context.max_version = Some(v.into());
    }
    let ours = tls_node::create_server(options).expect("server");
    let port = listen(&ours).await;
    let mut events = echo_server(&ours);
    let (mut node, node_port) = common::node_server(pki, &server.to_string()).await;
    let client_for = |p: u16| {
        let mut c = client.clone();
        c["port"] = p.into();
        c
    };
    let ours_line = node_opts(pki, &client_for(port)).await;
    let ours_err = if ours_line["event"] == "error" {
        events.recv().await
    } else {
        None
    };
    let theirs_line = node_opts(pki, &client_for(node_port)).await;
    let theirs_err = if theirs_line["event"] == "error" {
        node.event("tlsClientError", T).await["code"]
            .as_str()
            .map(str::to_string)
    } else {
        None
    };
    [(ours_line, ours_err), (theirs_line, theirs_err)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_shared_cipher_fails_on_both_ends_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let [ours, theirs] = both_servers(
        &pki,
        &serde_json::json!({"ciphers": "ECDHE-ECDSA-AES128-GCM-SHA256", "maxVersion": "TLSv1.2"}),
        &serde_json::json!({"ciphers": "ECDHE-ECDSA-AES256-GCM-SHA384", "maxVersion": "TLSv1.2"}),
    )
    .await;
    assert_eq!(ours.0["event"], "error", "{ours:?}");
    assert_eq!(ours.0, theirs.0, "the Node client's error");
    assert_eq!(ours.1, theirs.1, "the server's tlsClientError");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honor_cipher_order_picks_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let server_ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
    let client_ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256";
    for honor in [true, false] {
        let [ours, theirs] = both_servers(
            &pki,
            &serde_json::json!({"ciphers": server_ciphers, "honorCipherOrder": honor, "maxVersion": "TLSv1.2"}),
            &serde_json::json!({"ciphers": client_ciphers, "maxVersion": "TLSv1.2"}),
        )
        .await;
        assert_eq!(ours.0["event"], "secureConnect", "{ours:?}");
        assert_eq!(ours.0, theirs.0, "honorCipherOrder {honor}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_during_the_handshake_on_a_given_socket_or_pipe_is_econnreset() {
    // test-tls-wrap-econnreset-socket.js / -pipe.js: Node reports ECONNRESET.
    let pki = Pki::new();
    let port = hostile_server(None).await;
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("tcp");
    let err = tls_node::TlsSocket::wrap(
        tcp,
        tls_node::TlsSocketOptions {
            servername: Some("localhost".into()),
            context: pki.client_context(),
            ..tls_node::TlsSocketOptions::default()
        },
    )
    .await
    .expect_err("reset");
    assert_eq!(err.code(), "ECONNRESET");

    let path = pki.path().join("reset.sock");
    let listener = tokio::net::UnixListener::bind(&path).expect("bind");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            // A Unix socket cannot send a reset: it closes mid-handshake.
            drop(s);
        }
    });
    let err = tls_node::connect(tls_node::ConnectOptions {
        path: Some(path),
        servername: Some("localhost".into()),
        context: pki.client_context(),
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect_err("closed mid-handshake");
    assert_eq!(err.code(), "ECONNRESET", "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_through_an_http_connect_tunnel() {
    // test-tls-over-http-tunnel.js: CONNECT through a proxy, then TLS end to end.
    let pki = Pki::new();
    let server = tls_node::create_server(pki.server_options()).expect("server");
    let port = listen(&server).await;
    let mut events = echo_server(&server);
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let proxy_port = proxy.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let (mut client, _) = proxy.accept().await.expect("accept");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            client.read_exact(&mut byte).await.expect("request");
            head.push(byte[0]);
        }
        let line = String::from_utf8_lossy(&head).into_owned();
        let target = line
            .strip_prefix("CONNECT ")
            .and_then(|r| r.split(' ').next())
            .expect("CONNECT line")
            .to_string();
        let mut upstream = tokio::net::TcpStream::connect(target)
            .await
            .expect("upstream");
        client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .expect("200");
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
    });
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", proxy_port))
        .await
        .expect("proxy");
    tcp.write_all(
        format!("CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
    )
    .await
    .expect("CONNECT");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        tcp.read_exact(&mut byte).await.expect("response");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 200"), "{head:?}");
    let mut tls = tls_node::TlsSocket::wrap(
        tcp,
        tls_node::TlsSocketOptions {
            servername: Some("localhost".into()),
            context: pki.client_context(),
            ..tls_node::TlsSocketOptions::default()
        },
    )
    .await
    .expect("TLS through the tunnel");
    assert!(tls.authorized());
    echo(&mut tls, b"tunnelled").await;
    assert_eq!(events.recv().await.as_deref(), Some("secureConnection"));
}
