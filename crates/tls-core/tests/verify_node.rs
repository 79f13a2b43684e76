//! Ground truth from a live Node: for each scenario a Node TLS server
//! presents the chain and a Node client (or, for client certificates, the
//! server) verifies it with `ca`/`crl` and `rejectUnauthorized: false`; its
//! `authorizationError` must equal the code of our `verify_chain`.
//!
//! These are the cases where Node's answer is not simply the first problem:
//! Node's verify callback accepts every error, so it reports the *last* one
//! OpenSSL recorded (for example UNABLE_TO_VERIFY_LEAF_SIGNATURE after
//! UNABLE_TO_GET_ISSUER_CERT_LOCALLY, or UNABLE_TO_GET_CRL for a root
//! without its own CRL after a revoked leaf).

use rustls_pki_types::UnixTime;
use tls_core::verify::{verify_chain, Purpose, TrustStore};

mod verify_support;
use verify_support::{build_pki, concat, Pki};

struct Case {
    name: &'static str,
    /// Certificate presented (its key is `<key>.key`), then intermediates.
    leaf: &'static str,
    key: &'static str,
    untrusted: &'static [&'static str],
    ca: &'static [&'static str],
    crls: &'static [&'static str],
    /// true: the server verifies a client certificate (`requestCert`).
    client_cert: bool,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { name: "full chain", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "intermediate missing", leaf: "leaf", key: "leaf", untrusted: &[], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "unknown root", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["other_root"], crls: &[], client_cert: false },
    Case { name: "intermediate-only ca", leaf: "leaf", key: "leaf", untrusted: &[], ca: &["inter"], crls: &[], client_cert: false },
    Case { name: "untrusted root in chain", leaf: "leaf", key: "leaf", untrusted: &["inter", "root"], ca: &["other_root"], crls: &[], client_cert: false },
    Case { name: "self-signed untrusted", leaf: "ss_ca", key: "ss_ca", untrusted: &[], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "self-signed in ca", leaf: "ss_ca", key: "ss_ca", untrusted: &[], ca: &["ss_ca"], crls: &[], client_cert: false },
    Case { name: "v1 leaf under v1 root", leaf: "leaf_v1root", key: "leaf_v1root", untrusted: &[], ca: &["v1root"], crls: &[], client_cert: false },
    Case { name: "v1 intermediate", leaf: "leaf_v1inter", key: "leaf_v1inter", untrusted: &["inter_v1"], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "issuer not a CA", leaf: "leaf_noca", key: "leaf_noca", untrusted: &["inter_noca"], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "issuer without keyCertSign", leaf: "leaf_nocertsign", key: "leaf_nocertsign", untrusted: &["inter_nocertsign"], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "unhandled critical extension", leaf: "leaf_crit", key: "leaf_crit", untrusted: &["inter"], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "path length", leaf: "leaf_pl", key: "leaf_pl", untrusted: &["inter_pl"], ca: &["root_pl0"], crls: &[], client_cert: false },
    Case { name: "tampered signature", leaf: "leaf_tampered", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "client cert as server", leaf: "leaf_client", key: "leaf_client", untrusted: &["inter"], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "SHA-1 signed leaf", leaf: "leaf_sha1", key: "leaf", untrusted: &[], ca: &["rsaroot"], crls: &[], client_cert: false },
    Case { name: "RSA-768 leaf", leaf: "leaf_rsa768", key: "leaf_rsa768", untrusted: &["inter"], ca: &["root"], crls: &[], client_cert: false },
    Case { name: "SHA-1 self-signed root", leaf: "leaf_sha1root", key: "leaf_sha1root", untrusted: &[], ca: &["root_sha1"], crls: &[], client_cert: false },
    Case { name: "name constraints met", leaf: "leaf_nc_ok", key: "leaf_nc_ok", untrusted: &[], ca: &["nc_root"], crls: &[], client_cert: false },
    Case { name: "DNS outside permitted", leaf: "leaf_nc_dns", key: "leaf_nc_dns", untrusted: &[], ca: &["nc_root"], crls: &[], client_cert: false },
    Case { name: "commonName outside permitted", leaf: "leaf_nc_cn_nodns", key: "leaf_nc_cn_nodns", untrusted: &[], ca: &["nc_root"], crls: &[], client_cert: false },
    Case { name: "excluded subtree", leaf: "leaf_nc_excluded", key: "leaf_nc_excluded", untrusted: &[], ca: &["nc_root"], crls: &[], client_cert: false },
    Case { name: "CRLs everywhere", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter", "crl_root"], client_cert: false },
    Case { name: "leaf revoked", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_revoked", "crl_root"], client_cert: false },
    Case { name: "leaf revoked, root CRL missing", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_revoked"], client_cert: false },
    Case { name: "intermediate revoked", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter", "crl_root_revoked"], client_cert: false },
    Case { name: "leaf CRL missing", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_root"], client_cert: false },
    Case { name: "CRL signature bad", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_tampered", "crl_root"], client_cert: false },
    Case { name: "self-signed in ca, other CRL", leaf: "ss_ca", key: "ss_ca", untrusted: &[], ca: &["ss_ca"], crls: &["crl_root"], client_cert: false },
    Case { name: "client cert ok", leaf: "leaf_client", key: "leaf_client", untrusted: &["inter"], ca: &["root"], crls: &[], client_cert: true },
    Case { name: "server cert as client cert", leaf: "leaf", key: "leaf", untrusted: &["inter"], ca: &["root"], crls: &[], client_cert: true },
    Case { name: "self-signed client", leaf: "ss_leaf", key: "ss_leaf", untrusted: &[], ca: &["root"], crls: &[], client_cert: true },
];

const SCRIPT: &str = r"
const tls = require('tls');
const fs = require('fs');
const cases = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
const rd = (f) => fs.readFileSync(f);
function one(c) {
  return new Promise((resolve) => {
    const ca = c.ca ? rd(c.ca) : [];
    // One Buffer per CRL: Node's `crl` reads only the first CRL of each
    // string/Buffer it is given.
    const crl = c.crl.length ? c.crl.map(rd) : undefined;
    // The presenting side may use weak keys/digests (security level 0); the
    // verifying side keeps Node's default level.
    const presented = { key: rd(c.key), cert: rd(c.chain), ciphers: 'DEFAULT@SECLEVEL=0' };
    const other = { key: rd(c.otherKey), cert: rd(c.otherCert) };
    let serverOpts, clientOpts;
    if (c.clientCert) {
      serverOpts = { ...other, requestCert: true, rejectUnauthorized: false, ca, crl };
      clientOpts = { ...presented, rejectUnauthorized: false };
    } else {
      serverOpts = presented;
      clientOpts = { ca, crl, rejectUnauthorized: false, checkServerIdentity: () => undefined };
    }
    const server = tls.createServer(serverOpts, (s) => {
      if (c.clientCert) { finish(s.authorizationError || 'OK'); }
      s.end();
    });
    let done = false;
    const finish = (r) => { if (!done) { done = true; server.close(); resolve(r); } };
    server.listen(0, '127.0.0.1', () => {
      const sock = tls.connect({ port: server.address().port, host: '127.0.0.1', servername: 'localhost', ...clientOpts }, () => {
        if (!c.clientCert) finish(sock.authorizationError || 'OK');
        sock.end();
      });
      sock.on('error', (e) => finish('ERROR ' + e.code));
    });
  });
}
(async () => { for (const c of cases) console.log(await one(c)); })();
";

#[test]
fn verify_matches_node() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let pki = Pki {
        dir: tmp.path().to_path_buf(),
    };
    build_pki(&pki);
    pki.openssl(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        "leaf.key",
        "-out",
        "leaf_tampered.key",
    ]);

    let mut json = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let mut chain = vec![c.leaf];
        chain.extend_from_slice(c.untrusted);
        let chain_file = concat(&pki, &format!("node{i}-chain.pem"), &chain).expect("chain");
        let ca = concat(&pki, &format!("node{i}-ca.pem"), c.ca);
        let crl: Vec<String> = c
            .crls
            .iter()
            .enumerate()
            .filter_map(|(j, n)| concat(&pki, &format!("node{i}-crl{j}.pem"), &[n]))
            .map(|p| format!("{:?}", pki.path(&p).display().to_string()))
            .collect();
        let q = |p: Option<String>| {
            p.map_or("null".to_owned(), |p| {
                format!("{:?}", pki.path(&p).display().to_string())
            })
        };
        let key = pki.path(&format!("{}.key", c.key)).display().to_string();
        let crl = format!("[{}]", crl.join(","));
        json.push(format!(
            "{{\"key\":{:?},\"chain\":{},\"ca\":{},\"crl\":{},\"otherKey\":{:?},\"otherCert\":{:?},\"clientCert\":{}}}",
            key,
            q(Some(chain_file)),
            q(ca),
            crl,
            pki.path("leaf.key").display().to_string(),
            pki.path("leaf.pem").display().to_string(),
            c.client_cert
        ));
    }
    let cases_file = pki.path("cases.json");
    std::fs::write(&cases_file, format!("[{}]", json.join(","))).expect("json");
    let out = test_support::run_ok(test_support::node_script(&pki.dir, SCRIPT).arg(&cases_file));
    let node: Vec<String> = String::from_utf8_lossy(&out)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(node.len(), CASES.len(), "node output: {node:?}");

    // Guard against a vacuous pass (every case failing the same way).
    let distinct: std::collections::HashSet<&String> = node.iter().collect();
    assert!(
        distinct.len() >= 8,
        "node gave too few distinct answers: {node:?}"
    );
    if std::env::var_os("VERIFY_DEBUG").is_some() {
        for (c, n) in CASES.iter().zip(&node) {
            eprintln!("{}: {n}", c.name);
        }
    }

    let mut failures = Vec::new();
    for (c, theirs) in CASES.iter().zip(&node) {
        let store = TrustStore::new(
            c.ca.iter().map(|n| pki.cert(n)).collect(),
            c.crls.iter().map(|n| pki.crl_der(n)).collect(),
        )
        .expect("store");
        let inters: Vec<_> = c.untrusted.iter().map(|n| pki.cert(n)).collect();
        let purpose = if c.client_cert {
            Purpose::ClientAuth
        } else {
            Purpose::ServerAuth
        };
        let ours = verify_chain(&pki.cert(c.leaf), &inters, &store, purpose, UnixTime::now())
            .map_or_else(|e| e.code.to_owned(), |_| "OK".to_owned());
        if ours != *theirs {
            failures.push(format!("case `{}`: ours {ours}, node {theirs}", c.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ from Node:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// A client that sends no certificate to a `requestCert` server: Node says
/// UNABLE_TO_GET_ISSUER_CERT, our `NO_PEER_CERTIFICATE`.
#[test]
fn no_client_certificate_matches_node() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let pki = Pki {
        dir: tmp.path().to_path_buf(),
    };
    pki.write(
        "req.cnf",
        "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n",
    );
    pki.self_signed(
        "srv",
        "localhost",
        "30",
        &["basicConstraints=critical,CA:TRUE"],
    );
    let script = r"
const tls = require('tls'), fs = require('fs');
const srv = tls.createServer({ key: fs.readFileSync('srv.key'), cert: fs.readFileSync('srv.pem'),
  requestCert: true, rejectUnauthorized: false, ca: fs.readFileSync('srv.pem') }, (s) => {
  console.log(s.authorizationError); s.end(); srv.close();
});
srv.listen(0, '127.0.0.1', () => {
  const c = tls.connect({ port: srv.address().port, host: '127.0.0.1', rejectUnauthorized: false });
  c.on('error', () => {});
});
";
    let out = test_support::run_ok(&mut test_support::node_script(&pki.dir, script));
    let node = String::from_utf8_lossy(&out).trim().to_owned();
    assert_eq!(node, tls_core::verify::NO_PEER_CERTIFICATE.code);
}
