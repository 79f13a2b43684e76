//! `nodetls x509 FILE` against Node 20's
//! `JSON.stringify(new X509Certificate(fs.readFileSync(FILE)).toLegacyObject())`
//! (Buffers as base64) on a test PKI made with `openssl`, and its failures
//! against the codes Node throws for the same files.

#[path = "../../tls-pki/tests/legacy_pki/mod.rs"]
mod legacy_pki;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn nodetls(args: &[&std::ffi::OsStr]) -> std::process::Output {
    test_support::run(Command::new(env!("CARGO_BIN_EXE_nodetls")).args(args))
}

fn x509(file: &Path) -> std::process::Output {
    nodetls(&["x509".as_ref(), file.as_os_str()])
}

#[test]
fn x509_prints_nodes_legacy_object_for_every_certificate() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let mut files: Vec<(String, PathBuf)> = legacy_pki::build(dir, true);

    // The same certificates in the other shapes Node reads.
    legacy_pki::openssl(
        dir,
        &[
            "x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.der",
        ],
    );
    files.push(("leaf.der".into(), dir.join("leaf.der")));
    // TRUSTED CERTIFICATE: the certificate followed by OpenSSL trust data.
    legacy_pki::openssl(
        dir,
        &[
            "x509",
            "-in",
            "int.pem",
            "-trustout",
            "-addtrust",
            "serverAuth",
            "-out",
            "trusted.pem",
        ],
    );
    files.push(("trusted.pem".into(), dir.join("trusted.pem")));
    // Text, a key block and CRLF line ends before the certificate; a second
    // certificate after it (the first one wins).
    let mut mixed = b"Bag Attributes\r\n  friendlyName: x\r\n".to_vec();
    mixed.extend(std::fs::read(dir.join("leaf.key")).unwrap());
    let leaf_crlf = std::fs::read_to_string(dir.join("odd.pem"))
        .unwrap()
        .replace('\n', "\r\n");
    mixed.extend(leaf_crlf.as_bytes());
    mixed.extend(std::fs::read(dir.join("root.pem")).unwrap());
    std::fs::write(dir.join("mixed.pem"), &mixed).unwrap();
    files.push(("mixed.pem".into(), dir.join("mixed.pem")));
    // DER with trailing bytes (ignored by Node's DER reader).
    let mut der = std::fs::read(dir.join("leaf.der")).unwrap();
    der.extend_from_slice(b"trailing junk");
    std::fs::write(dir.join("trailing.der"), &der).unwrap();
    files.push(("trailing.der".into(), dir.join("trailing.der")));
    // A UTF-8 byte order mark, and a blank line right after BEGIN (empty headers).
    let leaf_pem = std::fs::read_to_string(dir.join("leaf.pem")).unwrap();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(leaf_pem.as_bytes());
    std::fs::write(dir.join("bom.pem"), bom).unwrap();
    files.push(("bom.pem".into(), dir.join("bom.pem")));
    let blank = leaf_pem.replacen("-----\n", "-----\n\n", 1);
    std::fs::write(dir.join("blank.pem"), blank).unwrap();
    files.push(("blank.pem".into(), dir.join("blank.pem")));

    let paths: Vec<PathBuf> = files.iter().map(|(_, p)| p.clone()).collect();
    let node = legacy_pki::node_legacy_objects(dir, &paths);
    assert_eq!(node.len(), files.len());
    for ((name, path), node_obj) in files.iter().zip(&node) {
        assert!(
            node_obj.get("error").is_none(),
            "node could not read {name}: {node_obj}"
        );
        let out = x509(path);
        assert!(
            out.status.success(),
            "nodetls x509 {name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("UTF-8 output");
        assert!(
            text.ends_with('\n') && text.trim_end().lines().count() == 1,
            "{name}: not one JSON line: {text:?}"
        );
        let ours: Value = serde_json::from_str(&text).expect("our output is JSON");
        legacy_pki::assert_same_json(name, node_obj, &ours);
    }

    // The PKI really covers what it claims (guards against a silently simpler PKI).
    let by_name = |n: &str| &node[files.iter().position(|(f, _)| f == n).unwrap()];
    let leaf = by_name("leaf");
    let san = leaf["subjectaltname"].as_str().unwrap();
    for needle in [
        "DNS:\"comma\\u002cname.example.test\"",
        "DNS:\"quote\\\"name.example.test\"",
        "DNS:colon:name.example.test",
        "DNS:\"\\u00c3\\u00bcn",
        "IP Address:0:0:0:0:0:0:0:1",
        "URI:https://",
        "email:admin@example.test",
    ] {
        assert!(san.contains(needle), "leaf SAN lacks {needle}: {san}");
    }
    assert!(leaf["subject"]["CN"].is_array());
    assert!(leaf["subject"]["1.2.3.4.5.6"].is_string());
    assert!(leaf["infoAccess"]["OCSP - URI"].is_array());
    assert!(leaf["valid_to"].as_str().unwrap().ends_with(" GMT"));
    assert_eq!(
        by_name("int")["serialNumber"],
        "F1E2D3C4B5A6978800112233445566778899AA"
    );
    assert_eq!(by_name("odd")["serialNumber"], "-05");
    assert!(by_name("odd")["subjectaltname"]
        .as_str()
        .unwrap()
        .contains("DirName:"));
    assert!(by_name("rsa4096")["bits"] == 4096);
    assert!(by_name("v1").get("ext_key_usage").is_none());
    assert!(by_name("ed").get("pubkey").is_none());
}

#[test]
fn x509_failures_use_nodes_codes() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    legacy_pki::genkey(dir, "ec:P-256", "key.pem");
    std::fs::write(dir.join("pki.cnf"), legacy_pki::CONFIG).unwrap();
    legacy_pki::self_signed(dir, "key.pem", "/CN=x", &[], "cert.pem");
    let cert = std::fs::read_to_string(dir.join("cert.pem")).unwrap();
    let lines: Vec<&str> = cert.lines().collect();

    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("garbage", (0..200u32).map(|i| (i * 7 + 3) as u8).collect()),
        ("key", std::fs::read(dir.join("key.pem")).unwrap()),
        ("truncated", lines[..4].join("\n").into_bytes()),
        ("no-end", lines[..lines.len() - 1].join("\n").into_bytes()),
        (
            "wrong-end",
            format!(
                "{}\n-----END X509 CRL-----\n",
                lines[..lines.len() - 1].join("\n")
            )
            .into_bytes(),
        ),
        (
            "bad-base64",
            b"-----BEGIN CERTIFICATE-----\nM!!I\n-----END CERTIFICATE-----\n".to_vec(),
        ),
        (
            "not-a-cert",
            b"-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n".to_vec(),
        ),
        (
            "empty-block",
            b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".to_vec(),
        ),
        ("truncated-der", {
            let der = test_support::run_ok(
                test_support::openssl(dir).args(["x509", "-in", "cert.pem", "-outform", "DER"]),
            );
            der[..der.len() / 2].to_vec()
        }),
        ("one-line", cert.replace('\n', "").into_bytes()),
    ];
    // PEM headers: OpenSSL's rules (a blank line ends headers; only Proc-Type
    // headers; an encrypted certificate never loads without a passphrase).
    let body = lines[1..].join("\n");
    let with_header = |h: &str| format!("{}\n{h}\n\n{body}\n", lines[0]).into_bytes();
    cases.push((
        "blank-line-inside",
        format!("{}\n\n{}\n", lines[..3].join("\n"), lines[3..].join("\n")).into_bytes(),
    ));
    cases.push((
        "two-blank-lines",
        format!("{}\n\n\n{body}\n", lines[0]).into_bytes(),
    ));
    cases.push(("comment-header", with_header("Comment: hi")));
    cases.push(("mic-only", with_header("Proc-Type: 4,MIC-ONLY")));
    cases.push(("no-dek-info", with_header("Proc-Type: 4,ENCRYPTED")));
    cases.push((
        "unknown-cipher",
        with_header("Proc-Type: 4,ENCRYPTED\nDEK-Info: FOO-1-CBC,00112233445566778899AABBCCDDEEFF"),
    ));
    cases.push((
        "encrypted-cert",
        with_header(
            "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF",
        ),
    ));
    // Really encrypted data (whole blocks) under a certificate label. Node
    // decrypts it with an empty passphrase: almost always the padding check
    // fails (ERR_OSSL_BAD_DECRYPT, what we report without trying), but for
    // about one random salt in 256 it passes and OpenSSL reports its ASN.1
    // error on the garbage instead. That case is a documented difference
    // (docs/node-compat.md); a new salt is drawn when it comes up.
    let mut enc = String::new();
    for _ in 0..8 {
        legacy_pki::openssl(
            dir,
            &[
                "ec",
                "-in",
                "key.pem",
                "-aes128",
                "-passout",
                "pass:x",
                "-out",
                "enc-key.pem",
            ],
        );
        enc = std::fs::read_to_string(dir.join("enc-key.pem"))
            .unwrap()
            .replace("EC PRIVATE KEY", "CERTIFICATE");
        let probe = dir.join("case-encrypted-probe");
        std::fs::write(&probe, &enc).unwrap();
        let node = legacy_pki::node_legacy_objects(dir, std::slice::from_ref(&probe));
        if node[0]["error"] == "ERR_OSSL_BAD_DECRYPT" {
            break;
        }
    }
    assert!(enc.contains("Proc-Type: 4,ENCRYPTED"));
    cases.push(("encrypted-whole-blocks", enc.into_bytes()));
    // A CRL: PEM, but no certificate in it.
    let crl = make_crl(dir);
    cases.push(("crl", crl));

    let mut paths = Vec::new();
    for (name, bytes) in &cases {
        let p = dir.join(format!("case-{name}"));
        std::fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    let node = legacy_pki::node_legacy_objects(dir, &paths);
    for (((name, _), path), node_obj) in cases.iter().zip(&paths).zip(&node) {
        let code = node_obj["error"]
            .as_str()
            .unwrap_or_else(|| panic!("node accepted {name}: {node_obj}"));
        let out = x509(path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: printed on stdout");
        assert!(
            stderr.starts_with(&format!("nodetls: {code}: ")),
            "{name}: node says {code}, we say {stderr:?}"
        );
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr:?}");
    }
    // The spec's examples are among them.
    let codes: Vec<&str> = node.iter().map(|o| o["error"].as_str().unwrap()).collect();
    assert!(codes.contains(&"ERR_OSSL_PEM_NO_START_LINE"));
    assert!(codes.contains(&"ERR_OSSL_PEM_BAD_END_LINE"));
    assert!(codes.contains(&"ERR_OSSL_BAD_DECRYPT"));
    assert!(codes.contains(&"ERR_OSSL_PEM_NOT_PROC_TYPE"));

    // Unreadable files: the operating system's code.
    let out = x509(&dir.join("does-not-exist.pem"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("nodetls: ENOENT: "));
    let out = x509(dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("nodetls: EISDIR: "));
}

/// A CRL made by `openssl ca -gencrl`.
fn make_crl(dir: &Path) -> Vec<u8> {
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
    std::fs::write(
        dir.join("ca.cnf"),
        "[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n",
    )
    .unwrap();
    legacy_pki::openssl(
        dir,
        &[
            "ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "key.pem", "-cert", "cert.pem",
            "-out", "crl.pem",
        ],
    );
    let crl = std::fs::read(dir.join("crl.pem")).unwrap();
    assert!(crl.starts_with(b"-----BEGIN X509 CRL-----"));
    crl
}

#[test]
fn x509_usage_errors_exit_2() {
    for args in [
        &["x509"][..],
        &["x509", "a", "b"],
        &["x509", "a", "--passphrase"],
    ] {
        let os: Vec<&std::ffi::OsStr> = args.iter().map(std::convert::AsRef::as_ref).collect();
        let out = nodetls(&os);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
}

/// Node's legacy object of the leaf its `pfx` option loads from `leaf.p12`.
const PFX_SCRIPT: &str = r"
const tls = require('tls');
const fs = require('fs');
const { X509Certificate } = require('crypto');
const ctx = tls.createSecureContext({ pfx: fs.readFileSync('leaf.p12'), passphrase: 'secret' });
const o = new X509Certificate(ctx.context.getCertificate()).toLegacyObject();
console.log(JSON.stringify(o, (k, v) => (v && v.type === 'Buffer') ? Buffer.from(v.data).toString('base64') : v));
";

/// Step 2 of the contract: a DER PKCS#12 file prints its leaf, as Node's `pfx`
/// option loads it (`tls.createSecureContext({pfx, passphrase}).context
/// .getCertificate()`).
#[test]
fn x509_reads_the_leaf_of_a_pkcs12_file() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let _ = legacy_pki::build(dir, false);
    legacy_pki::openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "leaf.key",
            "-in",
            "leaf.pem",
            "-certfile",
            "int.pem",
            "-passout",
            "pass:secret",
            "-out",
            "leaf.p12",
        ],
    );
    let node: Value = serde_json::from_slice(&test_support::run_ok(
        &mut test_support::node_script(dir, PFX_SCRIPT),
    ))
    .unwrap();
    let out = nodetls(&[
        "x509".as_ref(),
        dir.join("leaf.p12").as_os_str(),
        "--passphrase".as_ref(),
        "secret".as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    legacy_pki::assert_same_json("leaf.p12", &node, &ours);
}

/// Beyond Node 20: a legacy PKCS#12 (RC2-40 / 3DES, SHA-1 MAC), which Node 20's
/// OpenSSL 3 refuses, prints the same leaf; a wrong passphrase and a file without
/// a key fail with the documented codes.
#[test]
fn x509_reads_legacy_pkcs12_and_reports_pfx_failures() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let _ = legacy_pki::build(dir, false);
    let export = |extra: &[&str], out: &str| {
        let mut args = vec![
            "pkcs12",
            "-export",
            "-in",
            "leaf.pem",
            "-passout",
            "pass:secret",
            "-out",
            out,
        ];
        args.extend_from_slice(extra);
        legacy_pki::openssl(dir, &args);
    };
    export(&["-inkey", "leaf.key"], "modern.p12");
    export(&["-inkey", "leaf.key", "-legacy"], "legacy.p12");
    export(&["-nokeys"], "nokey.p12");
    let x509 = |file: &str, pass: &str| {
        nodetls(&[
            "x509".as_ref(),
            dir.join(file).as_os_str(),
            "--passphrase".as_ref(),
            pass.as_ref(),
        ])
    };
    let modern = x509("modern.p12", "secret");
    let legacy = x509("legacy.p12", "secret");
    assert!(
        legacy.status.success(),
        "{}",
        String::from_utf8_lossy(&legacy.stderr)
    );
    let modern: Value = serde_json::from_slice(&modern.stdout).unwrap();
    let legacy: Value = serde_json::from_slice(&legacy.stdout).unwrap();
    legacy_pki::assert_same_json("legacy.p12", &modern, &legacy);
    // Node 20 refuses the legacy file; that is the point of reading it.
    let node = test_support::run(&mut test_support::node_script(
        dir,
        "try { require('tls').createSecureContext({pfx: require('fs').readFileSync('legacy.p12'), passphrase: 'secret'}); console.log('ok') } catch (e) { console.log(e.code) }",
    ));
    assert_eq!(
        String::from_utf8_lossy(&node.stdout).trim(),
        "ERR_CRYPTO_UNSUPPORTED_OPERATION"
    );
    for (file, pass, code) in [
        ("modern.p12", "wrong", "ERR_PKCS12_MAC_VERIFY_FAILURE"),
        ("nokey.p12", "secret", "ERR_CRYPTO_OPERATION_FAILED"),
    ] {
        let out = x509(file, pass);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("nodetls: {code}: ")),
            "{file}: {stderr}"
        );
    }
}
