//! Shared helpers for the tls-node tests ported from Node's own
//! `test/parallel/test-tls-*.js`: a small PKI made with `openssl` (independent of
//! the code under test) and Node peers that report what they saw as JSON lines.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};
use test_support::{openssl, run_ok};
use tls_core::SecureContextOptions;
use tls_node::ServerOptions;
use tls_pki::KeyInput;

/// A CA, a `localhost`/`127.0.0.1` leaf and an `other.example` leaf (P-256).
pub(crate) struct Pki {
    pub(crate) dir: tempfile::TempDir,
}

fn sh(dir: &Path, args: &[&str]) {
    run_ok(openssl(dir).args(args));
}

fn ec_key(dir: &Path, name: &str) {
    sh(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &format!("{name}.key"),
        ],
    );
}

fn leaf(dir: &Path, name: &str, cn: &str, san: &str) {
    ec_key(dir, name);
    issue(
        dir,
        name,
        cn,
        "ca",
        &format!(
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n\
             extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName={san}\n"
        ),
    );
}

/// Issues `name.pem` for the existing `name.key`, signed by `ca` with extensions `ext`.
fn issue(dir: &Path, name: &str, cn: &str, ca: &str, ext: &str) {
    std::fs::write(dir.join(format!("{name}.ext")), ext).expect("ext");
    sh(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &format!("{name}.key"),
            "-subj",
            &format!("/CN={cn}"),
            "-out",
            &format!("{name}.csr"),
        ],
    );
    sh(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}.pem"),
        ],
    );
}

impl Pki {
    /// Makes the PKI in a fresh temporary directory.
    pub(crate) fn new() -> Pki {
        let dir = test_support::temp_dir();
        let d = dir.path();
        ec_key(d, "ca");
        sh(
            d,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "ca.key",
                "-subj",
                "/CN=Test CA",
                "-days",
                "30",
                "-out",
                "ca.pem",
            ],
        );
        leaf(d, "leaf", "localhost", "DNS:localhost,IP:127.0.0.1");
        leaf(d, "other", "other.example", "DNS:other.example");
        Pki { dir }
    }

    /// Adds leaf `name` (RSA 2048 when `rsa`, else P-256) for `localhost`, signed
    /// by `ca` (`"ca"`, or an intermediate made by [`Pki::add_intermediate`]).
    pub(crate) fn add_leaf(&self, name: &str, ca: &str, rsa: bool) {
        let d = self.path();
        if rsa {
            sh(
                d,
                &[
                    "genpkey",
                    "-algorithm",
                    "RSA",
                    "-pkeyopt",
                    "rsa_keygen_bits:2048",
                    "-out",
                    &format!("{name}.key"),
                ],
            );
        } else {
            ec_key(d, name);
        }
        let usage = if rsa {
            "digitalSignature,keyEncipherment"
        } else {
            "digitalSignature"
        };
        issue(
            d,
            name,
            "localhost",
            ca,
            &format!(
                "basicConstraints=CA:FALSE\nkeyUsage={usage}\n\
                 extendedKeyUsage=serverAuth,clientAuth\n\
                 subjectAltName=DNS:localhost,IP:127.0.0.1\n"
            ),
        );
    }

    /// Adds an intermediate CA `name` signed by the root.
    pub(crate) fn add_intermediate(&self, name: &str) {
        ec_key(self.path(), name);
        issue(
            self.path(),
            name,
            &format!("Intermediate {name}"),
            "ca",
            "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
        );
    }

    /// Adds an unrelated self-signed CA `name`.
    pub(crate) fn add_root(&self, name: &str) {
        ec_key(self.path(), name);
        sh(
            self.path(),
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                &format!("{name}.key"),
                "-subj",
                &format!("/CN=Root {name}"),
                "-days",
                "30",
                "-out",
                &format!("{name}.pem"),
            ],
        );
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path().join(name)).expect("pki file")
    }

    /// `{key, cert}` of leaf `name`, trusting the CA.
    pub(crate) fn context(&self, name: &str) -> SecureContextOptions {
        SecureContextOptions {
            key: vec![KeyInput {
                pem: self.read(&format!("{name}.key")),
                passphrase: None,
            }],
            cert: vec![self.read(&format!("{name}.pem"))],
            ca: Some(vec![self.read("ca.pem")]),
            ..SecureContextOptions::default()
        }
    }

    /// A client context trusting the CA.
    pub(crate) fn client_context(&self) -> SecureContextOptions {
        SecureContextOptions {
            ca: Some(vec![self.read("ca.pem")]),
            ..SecureContextOptions::default()
        }
    }

    /// Server options with the `localhost` leaf.
    pub(crate) fn server_options(&self) -> ServerOptions {
        ServerOptions {
            context: self.context("leaf"),
            ..ServerOptions::default()
        }
    }
}

/// A running `node -e SCRIPT ARGS...` whose stdout lines are JSON objects.
pub(crate) struct NodeProc {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl NodeProc {
    /// Starts `node -e script args...` in `dir`.
    pub(crate) fn spawn(dir: &Path, script: &str, args: &[&str]) -> NodeProc {
        let mut child = test_support::node_script(dir, script)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn node");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        NodeProc { child, lines: rx }
    }

    /// The next JSON line (panics after `timeout`).
    pub(crate) fn line(&mut self, timeout: Duration) -> Value {
        let line = self
            .lines
            .recv_timeout(timeout)
            .unwrap_or_else(|e| panic!("node printed nothing in {timeout:?}: {e}"));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}"))
    }

    /// The next JSON line, awaited without blocking the runtime.
    pub async fn line_async(&mut self, timeout: Duration) -> Value {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            match self.lines.try_recv() {
                Ok(line) => {
                    return serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}"))
                }
                Err(mpsc::TryRecvError::Disconnected) => panic!("node exited without a line"),
                Err(mpsc::TryRecvError::Empty) => {}
            }
            assert!(
                std::time::Instant::now() < deadline,
                "node printed nothing in {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits for the next line whose `event` is `name`, skipping others.
    pub async fn event(&mut self, name: &str, timeout: Duration) -> Value {
        loop {
            let v = self.line_async(timeout).await;
            if v["event"] == name {
                return v;
            }
        }
    }

    /// Writes to node's stdin.
    pub(crate) fn stdin(&mut self) -> &mut std::process::ChildStdin {
        self.child.stdin.as_mut().expect("stdin")
    }
}

impl Drop for NodeProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `openssl s_client` with piped stdio, run in `dir`.
pub(crate) fn s_client(dir: &Path, args: &[&str]) -> Command {
    let mut c = openssl(dir);
    c.arg("s_client")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Lets `node` find the PKI files by name.
pub(crate) fn node_dir(pki: &Pki) -> PathBuf {
    pki.path().to_path_buf()
}

/// Hex, lower case.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A Node `tls.createServer` on 127.0.0.1 with `leaf.key`/`leaf.pem` plus the
/// JSON options in argv[1]; prints `listening`, `secureConnection`,
/// `tlsClientError` lines and echoes data.
pub(crate) const NODE_SERVER: &str = r"
const tls = require('tls'), fs = require('fs');
const out = (v) => process.stdout.write(JSON.stringify(v) + '\n');
const o = Object.assign({ key: fs.readFileSync('leaf.key'), cert: fs.readFileSync('leaf.pem') },
  JSON.parse(process.argv[1] || '{}'));
const s = tls.createServer(o, (sock) => {
  out({ event: 'secureConnection', protocol: sock.getProtocol() });
  sock.on('data', (d) => sock.write(d));
  sock.on('error', () => {});
});
s.on('tlsClientError', (e) => out({ event: 'tlsClientError', code: e.code, message: e.message }));
s.listen(0, '127.0.0.1', () => out({ event: 'listening', port: s.address().port }));
";

/// Starts [`NODE_SERVER`] and returns it with its port.
pub(crate) async fn node_server(pki: &Pki, options: &str) -> (NodeProc, u16) {
    let mut node = NodeProc::spawn(pki.path(), NODE_SERVER, &[options]);
    let l = node.event("listening", Duration::from_secs(10)).await;
    let port = u16::try_from(l["port"].as_u64().expect("port")).expect("port");
    (node, port)
}

/// Listens on 127.0.0.1:0 and returns the port.
pub(crate) async fn listen(server: &tls_node::Server) -> u16 {
    server
        .listen(tls_node::ListenAddr::Tcp {
            host: Some("127.0.0.1".into()),
            port: 0,
        })
        .await
        .expect("listen")
        .port
}

/// The next `tlsClientError`'s code (other events skipped).
pub(crate) async fn client_error(server: &tls_node::Server, timeout: Duration) -> &'static str {
    tokio::time::timeout(timeout, async {
        loop {
            match server.next_event().await {
                Some(tls_node::ServerEvent::TlsClientError { error, .. }) => return error.code(),
                Some(_) => {}
                None => panic!("server events ended"),
            }
        }
    })
    .await
    .expect("a tlsClientError event")
}

/// The next `secureConnection` (other events skipped).
pub(crate) async fn secure_connection(
    server: &tls_node::Server,
    timeout: Duration,
) -> Box<tls_node::TlsSocket> {
    tokio::time::timeout(timeout, async {
        loop {
            match server.next_event().await {
                Some(tls_node::ServerEvent::SecureConnection(s)) => return s,
                Some(tls_node::ServerEvent::TlsClientError { error, .. }) => {
                    panic!(
                        "tlsClientError instead of secureConnection: {error} ({})",
                        error.code()
                    )
                }
                Some(_) => {}
                None => panic!("server events ended"),
            }
        }
    })
    .await
    .expect("a secureConnection event")
}

/// Connects our client to 127.0.0.1:port trusting the CA, as `localhost`.
pub(crate) async fn our_client(pki: &Pki, port: u16) -> tls_node::TlsSocket {
    tls_node::connect(tls_node::ConnectOptions {
        host: Some("127.0.0.1".into()),
        port,
        servername: Some("localhost".into()),
        context: pki.client_context(),
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect("our client connects")
}

/// Writes `msg` and reads the echo back.
pub(crate) async fn echo(socket: &mut tls_node::TlsSocket, msg: &[u8]) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    socket.write_all(msg).await.expect("write");
    let mut buf = vec![0u8; msg.len()];
    tokio::time::timeout(Duration::from_secs(5), socket.read_exact(&mut buf))
        .await
        .expect("echo in time")
        .expect("read echo");
    assert_eq!(buf, msg);
}

/// Serves every secureConnection of `server` by echoing, in the background.
pub(crate) fn echo_server(
    server: &tls_node::Server,
) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let server = server.clone();
    tokio::spawn(async move {
        while let Some(ev) = server.next_event().await {
            match ev {
                tls_node::ServerEvent::SecureConnection(mut s) => {
                    let _ = tx.send("secureConnection".to_string());
                    tokio::spawn(async move {
                        let (mut r, mut w) = tokio::io::split(&mut *s);
                        let _ = tokio::io::copy(&mut r, &mut w).await;
                    });
                }
                tls_node::ServerEvent::TlsClientError { error, .. } => {
                    let _ = tx.send(error.code().to_string());
                }
                _ => {}
            }
        }
    });
    rx
}

/// `tls.createServer(argv[1] JSON)`; `key`/`cert`/`ca` are lists of file names.
pub(crate) const NODE_SERVER_FILES: &str = r"
const tls = require('tls'), fs = require('fs');
const out = (v) => console.log(JSON.stringify(v));
const o = JSON.parse(process.argv[1]);
for (const f of ['key', 'cert', 'ca']) if (o[f]) o[f] = o[f].map((n) => fs.readFileSync(n));
const s = tls.createServer(o, (c) => { c.on('error', () => {}); c.end(); });
s.on('tlsClientError', (e) => out({ event: 'tlsClientError', code: e.code }));
s.listen(0, '127.0.0.1', () => out({ event: 'listening', port: s.address().port }));
";

/// One `tls.connect(argv[1] JSON)` (`ca`: file names); prints what it saw.
pub(crate) const NODE_CLIENT_FILES: &str = r"
const tls = require('tls'), fs = require('fs');
const out = (v) => console.log(JSON.stringify(v));
const o = Object.assign({ host: '127.0.0.1', servername: 'localhost' }, JSON.parse(process.argv[1]));
if (o.ca) o.ca = o.ca.map((n) => fs.readFileSync(n));
const s = tls.connect(o, () => {
  const p = s.getPeerCertificate(true);
  out({ event: 'secureConnect', authorized: s.authorized, authorizationError: s.authorizationError || null,
    protocol: s.getProtocol(), cipher: s.getCipher().name, fingerprint256: p.fingerprint256,
    issuer: p.issuer && p.issuer.CN, chain: p.issuerCertificate ? p.issuerCertificate.fingerprint256 : null,
    ephemeral: s.getEphemeralKeyInfo() });
  s.end();
});
s.on('error', (e) => { out({ event: 'error', code: e.code }); process.exit(0); });
s.on('close', () => process.exit(0));
";

pub(crate) fn files(pki: &Pki, v: &Value) -> Vec<Vec<u8>> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|n| pki.read(n.as_str().expect("file name")))
                .collect()
        })
        .unwrap_or_default()
}

/// Our server from the same JSON options as [`NODE_SERVER_FILES`].
pub(crate) fn our_server(pki: &Pki, o: &Value) -> tls_node::Server {
    tls_node::create_server(our_server_options(pki, o)).expect("server")
}

/// The [`ServerOptions`] of the JSON options of [`NODE_SERVER_FILES`].
pub(crate) fn our_server_options(pki: &Pki, o: &Value) -> ServerOptions {
    let mut options = tls_node::ServerOptions::default();
    options.context.key = files(pki, &o["key"])
        .into_iter()
        .map(|pem| KeyInput {
            pem,
            passphrase: None,
        })
        .collect();
    options.context.cert = files(pki, &o["cert"]);
    if o.get("ca").is_some() {
        options.context.ca = Some(files(pki, &o["ca"]));
    }
    let text = |k: &str| o[k].as_str().map(str::to_string);
    options.context.ecdh_curve = text("ecdhCurve");
    options.context.ciphers = text("ciphers");
    options.context.min_version = text("minVersion");
    options.context.max_version = text("maxVersion");
    options.context.sigalgs = text("sigalgs");
    options.context.secure_protocol = text("secureProtocol");
    options.context.honor_cipher_order = o["honorCipherOrder"].as_bool();
    options
}

/// The Node client's line against our server and against a Node server with the
/// same options.
pub(crate) async fn compare(pki: &Pki, server: &Value, client: &Value) -> (Value, Value) {
    let ours = our_server(pki, server);
    let port = listen(&ours).await;
    let _events = echo_server(&ours);
    let mut node = NodeProc::spawn(pki.path(), NODE_SERVER_FILES, &[&server.to_string()]);
    let node_port = node.event("listening", Duration::from_secs(10)).await["port"].clone();
    let mut lines = Vec::new();
    for p in [json!(port), node_port] {
        let mut c = client.clone();
        c["port"] = p;
        let mut n = NodeProc::spawn(pki.path(), NODE_CLIENT_FILES, &[&c.to_string()]);
        lines.push(n.line_async(Duration::from_secs(10)).await);
    }
    let theirs = lines.pop().expect("node");
    let ours = lines.pop().expect("ours");
    (ours, theirs)
}
