//! `tls.DEFAULT_CIPHERS`, `tls.getCiphers()` and `tlsSocket.getCipher()` against
//! live `node` 20.

use tls_core::ciphers::{cipher_info, get_ciphers, parse_cipher_list, DEFAULT_CIPHERS};

#[test]
fn default_ciphers_is_nodes() {
    let _ = test_support::require_peer!("node");
    let dir = test_support::temp_dir();
    let out = test_support::run_ok(&mut test_support::node_script(
        dir.path(),
        "process.stdout.write(require('tls').DEFAULT_CIPHERS)",
    ));
    assert_eq!(String::from_utf8_lossy(&out), DEFAULT_CIPHERS);
}

#[test]
fn get_ciphers_is_nodes_restricted_to_ours() {
    let _ = test_support::require_peer!("node");
    let dir = test_support::temp_dir();
    let out = test_support::run_ok(&mut test_support::node_script(
        dir.path(),
        "console.log(JSON.stringify(require('tls').getCiphers()))",
    ));
    let node: Vec<String> = serde_json::from_slice(&out).expect("node prints a JSON array");
    // Node's list restricted to the names this stack implements, in Node's order.
    let implemented: Vec<String> = node
        .iter()
        .filter(|n| {
            let upper = n.to_uppercase();
            parse_cipher_list(&upper).is_ok_and(|s| {
                s.names().contains(&upper.as_str())
                    && (upper.starts_with("TLS_") || s.tls12.len() == 1)
            })
        })
        .cloned()
        .collect();
    assert_eq!(implemented.len(), 9, "node lists all nine: {node:?}");
    assert_eq!(get_ciphers(), implemented);
}

/// A live handshake per implemented suite between a node server and a node
/// client; `getCipher()` on the client must equal `cipher_info`.
#[test]
fn cipher_info_is_get_cipher() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let dir = test_support::temp_dir();
    for (key, args) in [
        (
            "ec",
            ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
        (
            "rsa",
            ["-newkey", "rsa:2048", "-pkeyopt", "rsa_keygen_bits:2048"],
        ),
    ] {
        test_support::run_ok(
            test_support::openssl(dir.path())
                .args([
                    "req",
                    "-x509",
                    "-nodes",
                    "-days",
                    "1",
                    "-subj",
                    "/CN=localhost",
                ])
                .args(args)
                .args([
                    "-keyout",
                    &format!("{key}.key"),
                    "-out",
                    &format!("{key}.crt"),
                ]),
        );
    }
    let script = r"
        const tls = require('tls'); const fs = require('fs');
        const suites = JSON.parse(process.argv[1]);
        const creds = (k) => ({ key: fs.readFileSync(k + '.key'), cert: fs.readFileSync(k + '.crt') });
        (async () => {
          const out = [];
          for (const s of suites) {
            const tls13 = s.startsWith('TLS_');
            const opts = { ciphers: s, maxVersion: tls13 ? 'TLSv1.3' : 'TLSv1.2',
                           minVersion: tls13 ? 'TLSv1.3' : 'TLSv1.2' };
            const server = tls.createServer({ ...opts, ...creds(s.includes('-RSA-') ? 'rsa' : 'ec') },
                                            (c) => c.end());
            await new Promise((r) => server.listen(0, '127.0.0.1', r));
            const cipher = await new Promise((resolve, reject) => {
              const c = tls.connect({ ...opts, port: server.address().port, host: '127.0.0.1',
                                      rejectUnauthorized: false }, () => {
                resolve(c.getCipher()); c.end(); });
              c.on('error', reject);
            });
            out.push(cipher);
            server.close();
          }
          console.log(JSON.stringify(out));
        })().catch((e) => { console.error(e); process.exit(1); });
    ";
    let suites = [
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-RSA-CHACHA20-POLY1305",
    ];
    let arg = serde_json::to_string(&suites).expect("serialises");
    let out = test_support::run_ok(test_support::node_script(dir.path(), script).arg(arg));
    let node: Vec<serde_json::Value> = serde_json::from_slice(&out).expect("JSON array");
    for (name, got) in suites.iter().zip(&node) {
        let sel = parse_cipher_list(name).expect("an implemented suite name is a valid list");
        let suite = if name.starts_with("TLS_") {
            sel.tls13[0]
        } else {
            sel.tls12[0]
        };
        let info = cipher_info(suite.suite()).expect("implemented");
        let ours = serde_json::json!({
            "name": info.name, "standardName": info.standard_name, "version": info.version,
        });
        assert_eq!(&ours, got, "getCipher() for {name}");
    }
}

#[test]
fn cipher_info_of_an_unimplemented_suite_is_none() {
    assert!(cipher_info(rustls::CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256).is_none());
}
