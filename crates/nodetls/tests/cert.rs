//! `nodetls cert` (shared/spec/cli.md): chains made with the binary verify with
//! `openssl verify`, show the SANs asked for, and serve TLS from a Node server to
//! `openssl s_client`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use test_support::{openssl, run, run_ok, temp_dir};

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
                "--key-out",
                &format!("{name}.key"),
                "--cert-out",
                &format!("{name}.pem"),
            ])
            .args(extra),
    );
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Starts a Node TLS server (key + leaf/intermediate chain) on a free port and
/// runs `openssl s_client` against it, trusting only the root.
fn node_server_openssl_client(dir: &Path, leaf: &str, inter: &str, root: &str) -> String {
    let script = format!(
        r"
const tls = require('tls'), fs = require('fs');
const server = tls.createServer({{ key: fs.readFileSync('{leaf}.key'),
  cert: Buffer.concat([fs.readFileSync('{leaf}.pem'), fs.readFileSync('{inter}.pem')]) }},
  (s) => {{ s.end('hello from node\n'); server.close(); }});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
setTimeout(() => process.exit(2), 20000).unref();
"
    );
    let mut node = Command::new("node")
        .current_dir(dir)
        .args(["-e", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node");
    let mut port = String::new();
    BufReader::new(node.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let out = run(openssl(dir).args([
        "s_client",
        "-connect",
        &format!("127.0.0.1:{}", port.trim()),
        "-servername",
        "localhost",
        "-verify_hostname",
        "localhost",
        "-CAfile",
        &format!("{root}.pem"),
        "-verify_return_error",
        "-ign_eof",
    ]));
    let _ = node.wait();
    // s_client's exit status reflects how the server closed, not verification:
    // the callers check the verify result and the echoed text instead.
    text(&out)
}

#[test]
fn chains_verify_with_openssl_and_serve_node_to_s_client() {
    let _ = test_support::require_peer!("openssl");
    let _ = test_support::require_peer!("node");
    let dir = temp_dir();
    let d = dir.path();
    let sans = "DNS:localhost,IP:127.0.0.1,IP:::1,email:ops@example.com,URI:spiffe://example/svc";
    // (root, intermediate, leaf) key types: each type once at least, RSA sizes
    // sparingly (RSA keygen is slow).
    let chains = [
        ("ec-p256", "ec-p256", "ec-p256"),
        ("ec-p384", "ec-p384", "ec-p384"),
        ("ed25519", "ed25519", "ed25519"),
        ("rsa2048", "rsa2048", "rsa2048"),
        ("rsa4096", "rsa3072", "ec-p256"),
    ];
    for (i, (root_t, inter_t, leaf_t)) in chains.into_iter().enumerate() {
        let (root, inter, leaf) = (format!("root{i}"), format!("inter{i}"), format!("leaf{i}"));
        cert(d, &root, root_t, &["--ca", "--days", "30"]);
        cert(
            d,
            &inter,
            inter_t,
            &[
                "--ca",
                "--issuer-key",
                &format!("{root}.key"),
                "--issuer-cert",
                &format!("{root}.pem"),
            ],
        );
        cert(
            d,
            &leaf,
            leaf_t,
            &[
                "--san",
                sans,
                "--issuer-key",
                &format!("{inter}.key"),
                "--issuer-cert",
                &format!("{inter}.pem"),
            ],
        );
        let out = run_ok(openssl(d).args([
            "verify",
            "-CAfile",
            &format!("{root}.pem"),
            "-untrusted",
            &format!("{inter}.pem"),
            &format!("{leaf}.pem"),
        ]));
        assert_eq!(
            String::from_utf8_lossy(&out).trim(),
            format!("{leaf}.pem: OK")
        );
        let x509 = String::from_utf8(run_ok(openssl(d).args([
            "x509",
            "-noout",
            "-text",
            "-in",
            &format!("{leaf}.pem"),
        ])))
        .unwrap();
        assert!(
            x509.contains(
                "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, \
                 email:ops@example.com, URI:spiffe://example/svc"
            ),
            "{x509}"
        );
        let root_text = String::from_utf8(run_ok(openssl(d).args([
            "x509",
            "-noout",
            "-text",
            "-in",
            &format!("{root}.pem"),
        ])))
        .unwrap();
        assert!(root_text.contains("CA:TRUE"), "{root_text}");

        let s_client = node_server_openssl_client(d, &leaf, &inter, &root);
        assert!(
            s_client.contains("Verify return code: 0 (ok)"),
            "{s_client}"
        );
        assert!(s_client.contains("hello from node"), "{s_client}");
    }
}

#[cfg(unix)]
#[test]
fn key_is_private_and_pkcs8() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let d = dir.path();
    cert(d, "a", "ec-p256", &[]);
    let mode = std::fs::metadata(d.join("a.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let key = std::fs::read_to_string(d.join("a.key")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
}

#[test]
fn failures_exit_1_with_code_and_usage_errors_exit_2() {
    let dir = temp_dir();
    let d = dir.path();
    cert(d, "root", "ec-p256", &["--ca"]);
    cert(
        d,
        "leaf",
        "ec-p256",
        &["--issuer-key", "root.key", "--issuer-cert", "root.pem"],
    );
    let base = [
        "cert",
        "--cn",
        "x",
        "--key-out",
        "x.key",
        "--cert-out",
        "x.pem",
    ];

    let fails = |extra: &[&str], code: &str| {
        let out = run(nodetls(d).args(base).args(extra));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {stderr}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr.starts_with(&format!("nodetls: {code}: ")),
            "{extra:?}: {stderr}"
        );
        assert!(!d.join("x.key").exists(), "{extra:?} wrote a key");
    };
    fails(&["--san", "RID:1.2.3"], "ERR_INVALID_ARG_VALUE");
    fails(&["--san", "IP:localhost"], "ERR_INVALID_ARG_VALUE");
    fails(&["--days", "0"], "ERR_INVALID_ARG_VALUE");
    fails(
        &["--issuer-key", "missing.key", "--issuer-cert", "root.pem"],
        "ENOENT",
    );
    fails(
        &["--issuer-key", "leaf.key", "--issuer-cert", "leaf.pem"],
        "INVALID_CA",
    );
    fails(
        &["--issuer-key", "leaf.key", "--issuer-cert", "root.pem"],
        "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
    );
    fails(
        &["--issuer-key", "root.pem", "--issuer-cert", "root.pem"],
        "ERR_OSSL_UNSUPPORTED",
    );
    fails(
        &["--issuer-key", "root.key", "--issuer-cert", "root.key"],
        "ERR_OSSL_PEM_NO_START_LINE",
    );
    let out = run(nodetls(d).args([
        "cert",
        "--cn",
        "",
        "--key-out",
        "x.key",
        "--cert-out",
        "x.pem",
    ]));
    assert_eq!(out.status.code(), Some(1));

    for extra in [
        &["--key-type", "rsa9999"][..],
        &["--issuer-key", "root.key"],
        &["--days", "ten"],
        &["--ca=yes"],
    ] {
        let out = run(nodetls(d).args(base).args(extra));
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", text(&out));
        assert!(out.stdout.is_empty());
    }
    let out = run(nodetls(d).args(["cert", "--cn", "x", "--key-out", "x.key"]));
    assert_eq!(out.status.code(), Some(2));
}
