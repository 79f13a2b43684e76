//! A test PKI made with the `openssl` command line, and Node's view of it, for the
//! legacy-object, peer-chain, identity and `nodetls x509` tests.
//!
//! Root (RSA 2048) -> intermediate (EC P-384, AIA) -> leaf (EC P-256: repeated and
//! multi-valued RDNs, UTF-8, unusual attributes, an OID OpenSSL has no name for,
//! IPv4/IPv6/URI/email SANs and SANs that Node must quote, AIA, EKU with a private
//! OID, GeneralizedTime expiry, serial 0x0080); plus Ed25519, RSA 4096 (optional),
//! an X.509 v1 certificate, a BMPString subject, an empty subject, a negative
//! serial, DirName/otherName/RID SANs, and a CA without keyCertSign.
#![allow(dead_code)] // each test file uses a part of it

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The openssl configuration: extension sections for every certificate.
pub(crate) const CONFIG: &str = include_str!("pki.cnf");

const PKIX_STRINGS: &str =
    "[req]\ndistinguished_name=dn\nprompt=no\nstring_mask=pkix\nutf8=yes\n[dn]\nCN=x\n";

/// Runs `openssl ARGS` in `dir`, panicking with its stderr on failure.
pub(crate) fn openssl(dir: &Path, args: &[&str]) {
    test_support::run_ok(test_support::openssl(dir).args(args));
}

/// Generates a key: `ec:P-256`, `ec:P-384`, `rsa:2048`, `ed25519`.
pub(crate) fn genkey(dir: &Path, kind: &str, out: &str) {
    let mut args = vec!["genpkey"];
    let (alg, opt);
    match kind.split_once(':') {
        Some(("ec", curve)) => {
            alg = "EC";
            opt = format!("ec_paramgen_curve:{curve}");
        }
        Some(("rsa", bits)) => {
            alg = "RSA";
            opt = format!("rsa_keygen_bits:{bits}");
        }
        _ => {
            alg = "ED25519";
            opt = String::new();
        }
    }
    args.extend(["-algorithm", alg]);
    if !opt.is_empty() {
        args.extend(["-pkeyopt", &opt]);
    }
    args.extend(["-out", out]);
    openssl(dir, &args);
}

/// A self-signed certificate with `key`, `subj` and optional `-addext` values.
pub(crate) fn self_signed(dir: &Path, key: &str, subj: &str, addext: &[&str], out: &str) {
    let mut args = vec![
        "req", "-x509", "-config", "pki.cnf", "-new", "-key", key, "-subj", subj, "-days", "30",
        "-out", out,
    ];
    for e in addext {
        args.extend(["-addext", e]);
    }
    openssl(dir, &args);
}

/// Builds the PKI in `dir`; returns (name, PEM path) for each certificate.
pub(crate) fn build(dir: &Path, with_rsa4096: bool) -> Vec<(String, PathBuf)> {
    std::fs::write(dir.join("pki.cnf"), CONFIG).expect("write pki.cnf");
    std::fs::write(dir.join("pkix.cnf"), PKIX_STRINGS).expect("write pkix.cnf");
    genkey(dir, "rsa:2048", "root.key");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-config",
            "pki.cnf",
            "-new",
            "-key",
            "root.key",
            "-subj",
            "/C=US/O=Test Root/CN=Test Root CA",
            "-extensions",
            "root_ext",
            "-days",
            "3650",
            "-set_serial",
            "1",
            "-out",
            "root.pem",
        ],
    );
    genkey(dir, "ec:P-384", "int.key");
    openssl(
        dir,
        &[
            "req",
            "-config",
            "pki.cnf",
            "-new",
            "-key",
            "int.key",
            "-subj",
            "/C=US/O=Test Root/CN=Test Intermediate",
            "-out",
            "int.csr",
        ],
    );
    // A 20-byte serial whose DER needs a leading zero byte.
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "int.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-extfile",
            "pki.cnf",
            "-extensions",
            "int_ext",
            "-days",
            "1000",
            "-set_serial",
            "0x00f1e2d3c4b5a6978800112233445566778899aa",
            "-out",
            "int.pem",
        ],
    );
    genkey(dir, "ec:P-256", "leaf.key");
    openssl(
        dir,
        &[
            "req", "-config", "pki.cnf", "-new", "-key", "leaf.key", "-multivalue-rdn", "-subj",
            "/C=DE/ST=Bayern/L=München/O=Ex, Inc.+OU=Web/OU=Ops/CN=leaf.example.test/CN=second CN/emailAddress=ops@example.test/serialNumber=1234/title=Dr./GN=Jöhn/SN=Smith/DC=example/DC=test/UID=uid1/street=Main St 1/postalCode=12345/businessCategory=Private Organization/jurisdictionC=DE/pseudonym=ps/dnQualifier=dq/description=desc \"q\" \\\\ back/organizationIdentifier=VATDE-1/testAttr=custom",
            "-out", "leaf.csr",
        ],
    );
    // 20000 days: the expiry is a GeneralizedTime (after 2049).
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "int.pem",
            "-CAkey",
            "int.key",
            "-extfile",
            "pki.cnf",
            "-extensions",
            "leaf_ext",
            "-days",
            "20000",
            "-set_serial",
            "0x0080",
            "-out",
            "leaf.pem",
        ],
    );
    genkey(dir, "ed25519", "ed.key");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-config",
            "pki.cnf",
            "-new",
            "-key",
            "ed.key",
            "-subj",
            "/CN=Ed25519 self",
            "-extensions",
            "ed_ext",
            "-days",
            "30",
            "-out",
            "ed.pem",
        ],
    );
    // CA:TRUE but keyUsage without keyCertSign (ca: false), negative serial,
    // DirName / otherName / RID alternative names.
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-config",
            "pki.cnf",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=odd/O=Odd Org",
            "-extensions",
            "odd_ext",
            "-days",
            "30",
            "-set_serial",
            "-5",
            "-out",
            "odd.pem",
        ],
    );
    // X.509 v1: no extensions at all.
    openssl(
        dir,
        &[
            "req",
            "-config",
            "pki.cnf",
            "-new",
            "-key",
            "root.key",
            "-subj",
            "/CN=v1 cert/O=V1",
            "-out",
            "v1.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "v1.csr",
            "-signkey",
            "root.key",
            "-days",
            "30",
            "-set_serial",
            "0x00",
            "-out",
            "v1.pem",
        ],
    );
    // BMPString and PrintableString values; then an empty subject.
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-config",
            "pkix.cnf",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=€uro 😀/O=Ölf/OU=plain",
            "-days",
            "30",
            "-out",
            "bmp.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-config",
            "pkix.cnf",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/",
            "-days",
            "30",
            "-out",
            "empty-subject.pem",
        ],
    );
    let mut names = vec![
        "root",
        "int",
        "leaf",
        "ed",
        "odd",
        "v1",
        "bmp",
        "empty-subject",
    ];
    if with_rsa4096 {
        genkey(dir, "rsa:4096", "rsa4096.key");
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-config",
                "pki.cnf",
                "-new",
                "-key",
                "rsa4096.key",
                "-subj",
                "/CN=RSA 4096/O=Big Keys",
                "-extensions",
                "root_ext",
                "-days",
                "30",
                "-set_serial",
                "0x7fffffffffffffffffffffffffffffffffffffff",
                "-out",
                "rsa4096.pem",
            ],
        );
        names.push("rsa4096");
    }
    names
        .into_iter()
        .map(|n| (n.to_owned(), dir.join(format!("{n}.pem"))))
        .collect()
}

/// Node's legacy object for each file, as JSON with Buffers in base64, or
/// `{"error": code}` when Node throws.
pub(crate) fn node_legacy_objects(dir: &Path, files: &[PathBuf]) -> Vec<Value> {
    const SCRIPT: &str = r"
const { X509Certificate } = require('crypto');
const fs = require('fs');
const b64 = (k, v) => (v && v.type === 'Buffer') ? Buffer.from(v.data).toString('base64') : v;
const out = [];
for (const f of process.argv.slice(1)) {
  try {
    const o = new X509Certificate(fs.readFileSync(f)).toLegacyObject();
    out.push(JSON.parse(JSON.stringify(o, b64)));
  } catch (e) {
    out.push({ error: e.code });
  }
}
console.log(JSON.stringify(out));
";
    let mut cmd = test_support::node_script(dir, SCRIPT);
    cmd.args(files);
    let stdout = test_support::run_ok(&mut cmd);
    serde_json::from_slice(&stdout).expect("node printed JSON")
}

/// Asserts that two JSON values are equal including key order; on failure shows
/// the differing keys side by side.
pub(crate) fn assert_same_json(what: &str, node: &Value, ours: &Value) {
    use std::fmt::Write as _;
    let node_text = serde_json::to_string(node).expect("json");
    let our_text = serde_json::to_string(ours).expect("json");
    if node_text == our_text {
        return;
    }
    // Writing to a String cannot fail.
    let mut report = format!("{what}: our JSON differs from node's\n");
    if let (Value::Object(theirs), Value::Object(mine)) = (node, ours) {
        let their_keys: Vec<&String> = theirs.keys().collect();
        let my_keys: Vec<&String> = mine.keys().collect();
        if their_keys != my_keys {
            let _ = writeln!(
                report,
                "  keys (node): {their_keys:?}\n  keys (ours): {my_keys:?}"
            );
        }
        let mut seen = std::collections::HashSet::new();
        for key in theirs.keys().chain(mine.keys()) {
            let (left, right) = (theirs.get(key), mine.get(key));
            if seen.insert(key) && left != right {
                let show = |v: Option<&Value>| v.map_or("<absent>".to_owned(), ToString::to_string);
                let _ = writeln!(
                    report,
                    "  {key}:\n    node: {}\n    ours: {}",
                    show(left),
                    show(right)
                );
            }
        }
    } else {
        let _ = writeln!(report, "  node: {node_text}\n  ours: {our_text}");
    }
    panic!("{report}");
}
