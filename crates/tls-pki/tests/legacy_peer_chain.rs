//! `PeerCertificate` against Node 20's `tlsSocket.getPeerCertificate(true)` on
//! real connections between a node server and a node client: the same objects,
//! linked in the same order, the same self-link at a self-issued end, and the
//! `peerChain` fingerprints of shared/spec/cli.md.

mod legacy_pki;

use std::path::Path;

use serde_json::{json, Value};
use tls_pki::PeerCertificate;

/// For each case: a node TLS server with `key` and the `certs` chain, a node
/// client with `ca` (or rejectUnauthorized false without it); prints the chain
/// the client's `getPeerCertificate(true)` links, each object without its
/// `issuerCertificate`, whether the last one links to itself, and
/// `getPeerCertificate()`.
const NODE_SCRIPT: &str = r"
const tls = require('tls');
const fs = require('fs');
const cases = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
const b64 = (k, v) => (v && v.type === 'Buffer') ? Buffer.from(v.data).toString('base64') : v;
const plain = (o) => {
  const c = Object.assign({}, o);
  delete c.issuerCertificate;
  return JSON.parse(JSON.stringify(c, b64));
};
function run(c) {
  return new Promise((resolve, reject) => {
    const server = tls.createServer({
      key: fs.readFileSync(c.key),
      cert: c.certs.map((f) => fs.readFileSync(f, 'utf8')).join(''),
    }, (s) => s.end());
    server.listen(0, '127.0.0.1', () => {
      const opts = { port: server.address().port, host: '127.0.0.1', servername: 'localhost' };
      if (c.ca) opts.ca = c.ca.map((f) => fs.readFileSync(f));
      opts.rejectUnauthorized = false;
      const sock = tls.connect(opts, () => {
        const top = sock.getPeerCertificate(true);
        const chain = [];
        const seen = new Set();
        let x = top;
        while (x && Object.keys(x).length && !seen.has(x)) {
          seen.add(x);
          chain.push(x);
          x = x.issuerCertificate;
        }
        const last = chain[chain.length - 1];
        resolve({
          chain: chain.map(plain),
          selfLink: last.issuerCertificate === last,
          short: JSON.parse(JSON.stringify(sock.getPeerCertificate(), b64)),
        });
        sock.end();
        server.close();
      });
      sock.on('error', reject);
    });
  });
}
(async () => {
  const out = [];
  for (const c of cases) out.push(await run(c));
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
";

fn der(dir: &Path, pem: &str) -> Vec<u8> {
    let bytes = std::fs::read(dir.join(pem)).unwrap();
    tls_pki::LegacyCertificate::from_x509_input(&bytes)
        .unwrap()
        .raw
}

/// Flattens our `to_json(true)` along `issuerCertificate`.
fn flatten(mut v: Value) -> Vec<Value> {
    let mut out = Vec::new();
    while let Value::Object(mut m) = v {
        let next = m.remove("issuerCertificate");
        out.push(Value::Object(m));
        match next {
            Some(n) => v = n,
            None => break,
        }
    }
    out
}

/// (name, server key, certificates the server sends, the client's `ca`).
type Case<'a> = (&'a str, &'a str, &'a [&'a str], Option<&'a [&'a str]>);

#[test]
fn peer_chain_matches_get_peer_certificate_detailed() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let _ = legacy_pki::build(dir, false);

    // (name, server key, certificates the server sends, client's ca)
    let cases: &[Case] = &[
        (
            "leaf+int, ca root",
            "leaf.key",
            &["leaf.pem", "int.pem"],
            Some(&["root.pem"]),
        ),
        (
            "leaf+int+root, ca root",
            "leaf.key",
            &["leaf.pem", "int.pem", "root.pem"],
            Some(&["root.pem"]),
        ),
        // Sent out of order: Node links by issuer, not by position.
        (
            "leaf+root+int, ca root",
            "leaf.key",
            &["leaf.pem", "root.pem", "int.pem"],
            Some(&["root.pem"]),
        ),
        (
            "leaf only, ca int+root",
            "leaf.key",
            &["leaf.pem"],
            Some(&["int.pem", "root.pem"]),
        ),
        (
            "leaf+int, no ca",
            "leaf.key",
            &["leaf.pem", "int.pem"],
            None,
        ),
        ("ed25519 self-signed", "ed.key", &["ed.pem"], None),
        // Self-signed, but keyUsage lacks keyCertSign: not its own issuer.
        ("no keyCertSign", "leaf.key", &["odd.pem"], None),
    ];
    let node_cases: Vec<Value> = cases
        .iter()
        .map(|(_, key, certs, ca)| {
            let p = |f: &&str| dir.join(f).display().to_string();
            json!({
                "key": dir.join(key).display().to_string(),
                "certs": certs.iter().map(p).collect::<Vec<_>>(),
                "ca": ca.map(|c| c.iter().map(p).collect::<Vec<_>>()),
            })
        })
        .collect();
    let cases_file = dir.join("cases.json");
    std::fs::write(&cases_file, serde_json::to_vec(&node_cases).unwrap()).unwrap();
    let mut cmd = test_support::node_script(dir, NODE_SCRIPT);
    cmd.arg(&cases_file);
    let node: Vec<Value> = serde_json::from_slice(&test_support::run_ok(&mut cmd)).unwrap();
    assert_eq!(node.len(), cases.len());

    for ((name, _, certs, ca), n) in cases.iter().zip(&node) {
        let sent: Vec<Vec<u8>> = certs.iter().map(|c| der(dir, c)).collect();
        let trusted: Vec<Vec<u8>> = ca.unwrap_or(&[]).iter().map(|c| der(dir, c)).collect();
        let ours = PeerCertificate::from_der_chain(&sent, &trusted).unwrap();

        legacy_pki::assert_same_json(
            &format!("{name}: getPeerCertificate()"),
            &n["short"],
            &ours.to_json(false),
        );
        let node_chain = n["chain"].as_array().unwrap();
        let our_chain = flatten(ours.to_json(true));
        assert_eq!(
            node_chain.len(),
            our_chain.len(),
            "{name}: chain length (node {node_chain:#?})"
        );
        for (i, (a, b)) in node_chain.iter().zip(&our_chain).enumerate() {
            legacy_pki::assert_same_json(&format!("{name}: chain[{i}]"), a, b);
        }
        assert_eq!(
            n["selfLink"].as_bool().unwrap(),
            ours.ends_in_self_issued(),
            "{name}: self-link"
        );
        let node_fps: Vec<&str> = node_chain
            .iter()
            .map(|c| c["fingerprint256"].as_str().unwrap())
            .collect();
        assert_eq!(
            ours.peer_chain_fingerprints(),
            node_fps,
            "{name}: peerChain"
        );
    }
    // The cases cover both ends: a self-linked root and an open end.
    assert!(node.iter().any(|n| n["selfLink"] == true));
    assert!(node.iter().any(|n| n["selfLink"] == false));
    assert!(node
        .iter()
        .any(|n| n["chain"].as_array().unwrap().len() == 3));
}

#[test]
fn empty_chain_is_nodes_empty_object() {
    let none: &[&[u8]] = &[];
    let p = PeerCertificate::from_der_chain(none, none).unwrap();
    assert_eq!(p.to_json(false), json!({}));
    assert_eq!(p.to_json(true), json!({}));
    assert!(p.peer_chain_fingerprints().is_empty());
    assert!(p.leaf().is_none());
}
