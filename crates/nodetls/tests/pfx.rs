//! `nodetls pfx` (shared/spec/cli.md): the files are read by `openssl pkcs12` and
//! by Node's `pfx` + `passphrase` options.

use std::path::Path;
use std::process::Command;

use test_support::{node_script, openssl, run, run_ok, temp_dir};

fn nodetls(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nodetls"));
    c.current_dir(dir);
    c
}

fn cert(dir: &Path, name: &str, key_type: &str, extra: &[&str]) {
    run_ok(
        nodetls(dir)
            .args([
                "cert",
                "--cn",
                name,
                "--key-type",
                key_type,
                "--san",
                "DNS:localhost",
            ])
            .args([
                "--key-out",
                &format!("{name}.key"),
                "--cert-out",
                &format!("{name}.pem"),
            ])
            .args(extra),
    );
}

fn chain(dir: &Path) {
    cert(dir, "root", "ec-p256", &["--ca"]);
    cert(
        dir,
        "inter",
        "ec-p384",
        &[
            "--ca",
            "--issuer-key",
            "root.key",
            "--issuer-cert",
            "root.pem",
        ],
    );
    for (leaf, t) in [("ec", "ec-p256"), ("rsa", "rsa2048")] {
        cert(
            dir,
            leaf,
            t,
            &["--issuer-key", "inter.key", "--issuer-cert", "inter.pem"],
        );
    }
}

#[test]
fn openssl_and_node_read_what_pfx_writes() {
    let _ = test_support::require_peer!("openssl");
    let _ = test_support::require_peer!("node");
    let dir = temp_dir();
    let d = dir.path();
    chain(d);
    // A key made by OpenSSL (SEC1 "EC PRIVATE KEY") and its self-signed certificate.
    run_ok(openssl(d).args([
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        "ossl.key",
    ]));
    run_ok(openssl(d).args([
        "req",
        "-x509",
        "-new",
        "-key",
        "ossl.key",
        "-subj",
        "/CN=localhost",
        "-days",
        "2",
        "-out",
        "ossl.pem",
    ]));
    for leaf in ["ec", "rsa", "ossl"] {
        let mut cmd = nodetls(d);
        cmd.args([
            "pfx",
            "--key",
            &format!("{leaf}.key"),
            "--cert",
            &format!("{leaf}.pem"),
        ]);
        if leaf != "ossl" {
            cmd.args(["--ca", "inter.pem", "--ca", "root.pem"]);
        }
        run_ok(cmd.args(["--passphrase", "P@ss", "--out", &format!("{leaf}.pfx")]));

        run_ok(openssl(d).args([
            "pkcs12",
            "-info",
            "-noout",
            "-passin",
            "pass:P@ss",
            "-in",
            &format!("{leaf}.pfx"),
        ]));
        // The key and certificate that come out are the ones that went in.
        let cert_out = run_ok(openssl(d).args([
            "pkcs12",
            "-nokeys",
            "-clcerts",
            "-passin",
            "pass:P@ss",
            "-in",
            &format!("{leaf}.pfx"),
        ]));
        let fingerprint = |args: &[&str], input: Option<&[u8]>| {
            let mut c = openssl(d);
            c.args(args);
            if let Some(data) = input {
                let path = d.join("tmp.pem");
                std::fs::write(&path, data).unwrap();
                c.arg("-in").arg(path);
            }
            run_ok(&mut c)
        };
        assert_eq!(
            fingerprint(
                &["x509", "-noout", "-fingerprint", "-sha256"],
                Some(&cert_out)
            ),
            fingerprint(
                &[
                    "x509",
                    "-noout",
                    "-fingerprint",
                    "-sha256",
                    "-in",
                    &format!("{leaf}.pem")
                ],
                None
            ),
            "{leaf}"
        );
        let key_out = run_ok(openssl(d).args([
            "pkcs12",
            "-nocerts",
            "-nodes",
            "-passin",
            "pass:P@ss",
            "-in",
            &format!("{leaf}.pfx"),
        ]));
        assert_eq!(
            fingerprint(&["pkey", "-pubout"], Some(&key_out)),
            fingerprint(&["pkey", "-pubout", "-in", &format!("{leaf}.key")], None),
            "{leaf}"
        );
        let ca_out = run_ok(openssl(d).args([
            "pkcs12",
            "-nokeys",
            "-cacerts",
            "-passin",
            "pass:P@ss",
            "-in",
            &format!("{leaf}.pfx"),
        ]));
        let ca_count = String::from_utf8_lossy(&ca_out)
            .matches("BEGIN CERTIFICATE")
            .count();
        assert_eq!(ca_count, if leaf == "ossl" { 0 } else { 2 }, "{leaf}");
    }

    let script = r"
const tls = require('tls'), fs = require('fs');
const out = {};
for (const f of ['ec', 'rsa', 'ossl']) {
  const pfx = fs.readFileSync(f + '.pfx');
  tls.createSecureContext({ pfx, passphrase: 'P@ss' });
  try { tls.createSecureContext({ pfx, passphrase: 'wrong' }); out[f] = 'wrong passphrase accepted'; }
  catch (e) { out[f] = e.message; }
}
console.log(JSON.stringify(out));
";
    let out = run_ok(&mut node_script(d, script));
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for f in ["ec", "rsa", "ossl"] {
        assert_eq!(v[f], "mac verify failure", "{v}");
    }
}

#[test]
fn pfx_failures() {
    let dir = temp_dir();
    let d = dir.path();
    cert(d, "a", "ec-p256", &[]);
    cert(d, "b", "ec-p256", &[]);
    let fails = |args: &[&str], code: &str| {
        let out =
            run(nodetls(d)
                .arg("pfx")
                .args(args)
                .args(["--passphrase", "x", "--out", "o.pfx"]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("nodetls: {code}: ")),
            "{args:?}: {stderr}"
        );
        assert!(!d.join("o.pfx").exists());
    };
    fails(
        &["--key", "a.key", "--cert", "b.pem"],
        "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
    );
    fails(&["--key", "a.key", "--cert", "nope.pem"], "ENOENT");
    fails(
        &["--key", "a.key", "--cert", "a.pem", "--ca", "a.key"],
        "ERR_OSSL_PEM_NO_START_LINE",
    );
    // Usage errors: no passphrase, no output.
    let out = run(nodetls(d).args(["pfx", "--key", "a.key", "--cert", "a.pem", "--out", "o.pfx"]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(nodetls(d).args([
        "pfx",
        "--key",
        "a.key",
        "--cert",
        "a.pem",
        "--passphrase",
        "x",
    ]));
    assert_eq!(out.status.code(), Some(2));
}
