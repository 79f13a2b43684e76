//! `check_server_identity` against Node 20's `tls.checkServerIdentity` on the
//! same (hostname, certificate) pairs: same verdict, and for a failure the same
//! `code`, `reason`, `host` and `message`.

mod legacy_pki;

use std::path::Path;

use serde_json::{json, Value};
use tls_pki::{check_server_identity, LegacyCertificate};

const NODE_SCRIPT: &str = r"
const tls = require('tls');
const fs = require('fs');
const { X509Certificate } = require('crypto');
const cases = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
const out = cases.map(([file, host]) => {
  const cert = new X509Certificate(fs.readFileSync(file)).toLegacyObject();
  const err = tls.checkServerIdentity(host, cert);
  return err === undefined ? null
    : { code: err.code, reason: err.reason, host: err.host, message: err.message };
});
console.log(JSON.stringify(out));
";

fn make_certs(dir: &Path) -> Vec<(&'static str, String)> {
    let _ = legacy_pki::build(dir, false);
    legacy_pki::genkey(dir, "ec:P-256", "id.key");
    let certs: &[(&str, &str, &[&str])] = &[
        (
            "sans",
            "/CN=cn.example.com",
            &["subjectAltName=DNS:example.com,DNS:*.example.com,DNS:f*o.partial.test,DNS:*.com,DNS:xn--*.idn.test,DNS:UPPER.Example.ORG,DNS:bad..label.test,IP:10.0.0.1,IP:2001:db8::1,URI:http://uri.test/,email:a@mail.test"],
        ),
        ("cn-only", "/CN=cnonly.example.com", &[]),
        ("cn-wild", "/CN=*.cnwild.test", &[]),
        ("two-cns", "/CN=a.test/CN=b.test", &[]),
        ("uri-san", "/CN=uri-cn.test", &["subjectAltName=URI:http://x.test/"]),
        ("ip-san", "/CN=ip-cn.test", &["subjectAltName=IP:127.0.0.1"]),
        ("no-names", "/O=No Names", &[]),
        ("email-san", "/CN=mail.test", &["subjectAltName=email:x@mail.test"]),
    ];
    let mut out = Vec::new();
    for (name, subj, ext) in certs {
        let file = format!("{name}.pem");
        legacy_pki::self_signed(dir, "id.key", subj, ext, &file);
        out.push((*name, file));
    }
    for pki in ["leaf", "odd", "v1"] {
        out.push((pki, format!("{pki}.pem")));
    }
    out
}

#[test]
fn check_server_identity_matches_node() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let certs = make_certs(dir);
    let file = |n: &str| {
        certs
            .iter()
            .find(|(c, _)| *c == n)
            .map(|(_, f)| dir.join(f).display().to_string())
            .expect("cert")
    };
    let pairs: &[(&str, &str)] = &[
        ("sans", "example.com"),
        ("sans", "EXAMPLE.COM."),
        ("sans", "www.example.com"),
        ("sans", "a.b.example.com"),
        ("sans", "foo.partial.test"),
        ("sans", "fzzo.partial.test"),
        ("sans", "fo.partial.test"),
        ("sans", "bar.partial.test"),
        ("sans", "x.com"),
        ("sans", "xn--abc.idn.test"),
        ("sans", "upper.example.org"),
        ("sans", "cn.example.com"),
        ("sans", "bad..label.test"),
        ("sans", "10.0.0.1"),
        ("sans", "10.0.0.2"),
        ("sans", "2001:db8::1"),
        ("sans", "2001:DB8:0:0::1"),
        ("sans", "::1"),
        ("sans", "uri.test"),
        ("sans", ""),
        ("sans", "example.com.."),
        ("sans", "ünï.example.com"),
        ("cn-only", "cnonly.example.com"),
        ("cn-only", "CNONLY.example.com."),
        ("cn-only", "other.example.com"),
        ("cn-only", "127.0.0.1"),
        ("cn-wild", "x.cnwild.test"),
        ("cn-wild", "cnwild.test"),
        ("two-cns", "b.test"),
        ("two-cns", "c.test"),
        ("uri-san", "uri-cn.test"),
        ("uri-san", "x.test"),
        ("ip-san", "ip-cn.test"),
        ("ip-san", "127.0.0.1"),
        ("ip-san", "127.0.0.2"),
        ("no-names", "anything.test"),
        ("no-names", "1.2.3.4"),
        ("email-san", "mail.test"),
        ("leaf", "leaf.example.test"),
        ("leaf", "x.wild.example.test"),
        ("leaf", "comma,name.example.test"),
        ("leaf", "quote\"name.example.test"),
        ("leaf", "colon:name.example.test"),
        ("leaf", "::ffff:10.0.0.1"),
        ("leaf", "0:0:0:0:0:0:0:1"),
        ("leaf", "fe80::1%eth0"),
        ("leaf", "second cn"),
        ("odd", "odd.example.test"),
        ("odd", "10.1.2.3"),
        ("odd", "dir"),
        ("v1", "v1 cert"),
    ];
    let cases: Vec<Value> = pairs.iter().map(|(c, h)| json!([file(c), h])).collect();
    let cases_file = dir.join("cases.json");
    std::fs::write(&cases_file, serde_json::to_vec(&cases).unwrap()).unwrap();
    let mut cmd = test_support::node_script(dir, NODE_SCRIPT);
    cmd.arg(&cases_file);
    let node: Vec<Value> = serde_json::from_slice(&test_support::run_ok(&mut cmd)).unwrap();
    assert_eq!(node.len(), pairs.len());

    let mut failures = Vec::new();
    let (mut ok, mut rejected) = (0, 0);
    for ((cert_name, host), node_result) in pairs.iter().zip(&node) {
        let pem = std::fs::read(file(cert_name)).unwrap();
        let cert = LegacyCertificate::from_x509_input(&pem).expect("our parse");
        let ours = match check_server_identity(host, &cert) {
            Ok(()) => Value::Null,
            Err(e) => match &e {
                tls_pki::Error::CertAltnameInvalid { reason, host } => json!({
                    "code": e.code(), "reason": reason, "host": host, "message": e.to_string()
                }),
                other => json!({ "code": other.code(), "message": other.to_string() }),
            },
        };
        if node_result.is_null() {
            ok += 1;
        } else {
            rejected += 1;
        }
        if &ours != node_result {
            failures.push(format!(
                "{cert_name} / {host:?}:\n  node: {node_result}\n  ours: {ours}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Both outcomes are exercised.
    assert!(ok >= 15 && rejected >= 15, "ok {ok}, rejected {rejected}");
}
