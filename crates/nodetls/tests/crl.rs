//! `nodetls crl` (shared/spec/cli.md): `openssl crl` reads the PEM it writes, and
//! `openssl verify -crl_check` reports exactly the revoked certificates as revoked.

use std::path::Path;
use std::process::Command;

use test_support::{openssl, run, run_ok, temp_dir};

fn nodetls(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nodetls"));
    c.current_dir(dir);
    c
}

fn cert(dir: &Path, name: &str, extra: &[&str]) {
    run_ok(
        nodetls(dir)
            .args(["cert", "--cn", name, "--key-out", &format!("{name}.key")])
            .args(["--cert-out", &format!("{name}.pem")])
            .args(extra),
    );
}

fn verify(dir: &Path, leaf: &str) -> (bool, String) {
    let out = run(openssl(dir).args([
        "verify",
        "-crl_check",
        "-CAfile",
        "ca.pem",
        "-CRLfile",
        "ca.crl",
        leaf,
    ]));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn openssl_reports_revoked_certificates() {
    let _ = test_support::require_peer!("openssl");
    let dir = temp_dir();
    let d = dir.path();
    cert(d, "ca", &["--ca", "--key-type", "ec-p384"]);
    for leaf in ["r1", "r2", "good"] {
        cert(
            d,
            leaf,
            &["--issuer-key", "ca.key", "--issuer-cert", "ca.pem"],
        );
    }
    // `--revoke` takes several files after one flag, and repeats.
    run_ok(nodetls(d).args([
        "crl",
        "--issuer-key",
        "ca.key",
        "--issuer-cert",
        "ca.pem",
        "--revoke",
        "r1.pem",
        "--revoke",
        "r2.pem",
        "--days",
        "7",
        "--out",
        "ca.crl",
    ]));
    let pem = std::fs::read_to_string(d.join("ca.crl")).unwrap();
    assert!(pem.starts_with("-----BEGIN X509 CRL-----\n"), "{pem}");
    let text = String::from_utf8(run_ok(
        openssl(d).args(["crl", "-in", "ca.crl", "-noout", "-text"]),
    ))
    .unwrap();
    assert!(text.contains("Issuer: CN = ca"), "{text}");
    assert_eq!(text.matches("Serial Number:").count(), 2, "{text}");

    for leaf in ["r1.pem", "r2.pem"] {
        let (ok, out) = verify(d, leaf);
        assert!(!ok, "{leaf}: {out}");
        assert!(
            out.contains("error 23 at 0 depth lookup: certificate revoked"),
            "{out}"
        );
    }
    let (ok, out) = verify(d, "good.pem");
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "good.pem: OK");

    // Several revoked certificates after one --revoke.
    run_ok(nodetls(d).args([
        "crl",
        "--issuer-key",
        "ca.key",
        "--issuer-cert",
        "ca.pem",
        "--revoke",
        "r1.pem",
        "good.pem",
        "--out",
        "ca.crl",
    ]));
    let (ok, out) = verify(d, "good.pem");
    assert!(!ok && out.contains("certificate revoked"), "{out}");
    let (ok, out) = verify(d, "r2.pem");
    assert!(ok, "{out}");
}

#[test]
fn crl_failures() {
    let dir = temp_dir();
    let d = dir.path();
    cert(d, "ca", &["--ca"]);
    cert(d, "other", &["--ca"]);
    cert(
        d,
        "leaf",
        &["--issuer-key", "other.key", "--issuer-cert", "other.pem"],
    );
    let fails = |args: &[&str], code: &str| {
        let out = run(nodetls(d).arg("crl").args(args).args(["--out", "x.crl"]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("nodetls: {code}: ")),
            "{args:?}: {stderr}"
        );
        assert!(!d.join("x.crl").exists());
    };
    // A certificate of another CA.
    fails(
        &[
            "--issuer-key",
            "ca.key",
            "--issuer-cert",
            "ca.pem",
            "--revoke",
            "leaf.pem",
        ],
        "ERR_INVALID_ARG_VALUE",
    );
    fails(
        &["--issuer-key", "leaf.key", "--issuer-cert", "leaf.pem"],
        "INVALID_CA",
    );
    fails(
        &["--issuer-key", "ca.key", "--issuer-cert", "other.pem"],
        "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
    );
    fails(
        &[
            "--issuer-key",
            "ca.key",
            "--issuer-cert",
            "ca.pem",
            "--days",
            "0",
        ],
        "ERR_INVALID_ARG_VALUE",
    );
    let out = run(nodetls(d).args(["crl", "--issuer-key", "ca.key", "--issuer-cert", "ca.pem"]));
    assert_eq!(out.status.code(), Some(2), "missing --out");
    let out = run(nodetls(d).args([
        "crl",
        "--issuer-key",
        "ca.key",
        "--revoke",
        "--out",
        "x.crl",
    ]));
    assert_eq!(out.status.code(), Some(2), "--revoke without a value");
}
