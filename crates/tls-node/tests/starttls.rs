//! STARTTLS: a plain exchange, then TLS on the same socket. Ports of Node's
//! `test-tls-starttls-server.js`, `test-tls-connect-given-socket.js` and
//! `test-tls-generic-stream.js`, with Node on the other end:
//! ours `TlsSocket::wrap` as client vs `new tls.TLSSocket(socket, {isServer: true})`,
//! and as server vs `tls.connect({socket})`.

mod common;

use std::time::Duration;

use common::{echo, NodeProc, Pki};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_upgrades_against_a_node_tlssocket_server() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let script = r"
const net = require('net'), tls = require('tls'), fs = require('fs');
const out = (v) => console.log(JSON.stringify(v));
const srv = net.createServer((raw) => {
  raw.once('data', (d) => {
    out({ event: 'plain', data: d.toString() });
    raw.write('220 go ahead\r\n', () => {
      const s = new tls.TLSSocket(raw, { isServer: true, key: fs.readFileSync('leaf.key'), cert: fs.readFileSync('leaf.pem') });
      s.on('secure', () => out({ event: 'secure', protocol: s.getProtocol() }));
      s.on('data', (x) => s.write(x));
      s.on('error', (e) => out({ event: 'error', code: e.code }));
    });
  });
});
srv.listen(0, '127.0.0.1', () => out({ event: 'listening', port: srv.address().port }));
";
    let mut node = NodeProc::spawn(pki.path(), script, &[]);
    let port = node.event("listening", T).await["port"]
        .as_u64()
        .expect("port");
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", u16::try_from(port).expect("port")))
        .await
        .expect("tcp");
    tcp.write_all(b"STARTTLS\r\n").await.expect("write");
    let mut reply = [0u8; 14];
    tcp.read_exact(&mut reply).await.expect("reply");
    assert_eq!(&reply, b"220 go ahead\r\n");
    let plain = node.event("plain", T).await;
    assert_eq!(plain["data"], "STARTTLS\r\n");
    let mut tls = tls_node::TlsSocket::wrap(
        tcp,
        tls_node::TlsSocketOptions {
            servername: Some("localhost".into()),
            context: pki.client_context(),
            ..tls_node::TlsSocketOptions::default()
        },
    )
    .await
    .expect("upgrade");
    assert!(tls.authorized());
    echo(&mut tls, b"secret after STARTTLS").await;
    let secure = node.event("secure", T).await;
    assert_eq!(secure["protocol"], tls.get_protocol().expect("protocol"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_server_upgrades_for_a_node_client_with_a_given_socket() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let script = r"
const net = require('net'), tls = require('tls'), fs = require('fs');
const out = (v) => console.log(JSON.stringify(v));
const raw = net.connect(+process.argv[1], '127.0.0.1', () => raw.write('STARTTLS\r\n'));
raw.once('data', (d) => {
  out({ event: 'plain', data: d.toString() });
  const s = tls.connect({ socket: raw, servername: 'localhost', ca: fs.readFileSync('ca.pem') }, () => {
    out({ event: 'secureConnect', authorized: s.authorized, protocol: s.getProtocol() });
    s.write('hello from node');
  });
  s.on('data', (x) => { out({ event: 'data', data: x.toString() }); s.end(); });
  s.on('error', (e) => out({ event: 'error', code: e.code }));
});
";
    let mut node = NodeProc::spawn(pki.path(), script, &[&port.to_string()]);
    let (mut tcp, _) = tokio::time::timeout(T, listener.accept())
        .await
        .expect("accept in time")
        .expect("accept");
    let mut cmd = [0u8; 10];
    tcp.read_exact(&mut cmd).await.expect("command");
    assert_eq!(&cmd, b"STARTTLS\r\n");
    tcp.write_all(b"220 ready\r\n").await.expect("reply");
    let mut tls = tls_node::TlsSocket::wrap(
        tcp,
        tls_node::TlsSocketOptions {
            is_server: true,
            context: pki.context("leaf"),
            ..tls_node::TlsSocketOptions::default()
        },
    )
    .await
    .expect("server upgrade");
    assert!(tls.is_server());
    let plain = node.event("plain", T).await;
    assert_eq!(plain["data"], "220 ready\r\n");
    let sc = node.event("secureConnect", T).await;
    assert_eq!(sc["authorized"], true);
    assert_eq!(sc["protocol"], tls.get_protocol().expect("protocol"));
    let mut buf = [0u8; 15];
    tls.read_exact(&mut buf).await.expect("read");
    assert_eq!(&buf, b"hello from node");
    tls.write_all(b"hello from rust").await.expect("write");
    let data = node.event("data", T).await;
    assert_eq!(data["data"], "hello from rust");
}
