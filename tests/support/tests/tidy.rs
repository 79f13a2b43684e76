//! Repository hygiene checks, run as plain tests (rust-analyzer's `tidy`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace root")
        .to_path_buf()
}

/// Our "no OpenSSL" claim, machine-checked without cargo-deny: no package in the
/// resolved dependency graph is OpenSSL, links it, or is aws-lc (C code).
#[test]
fn no_openssl_or_c_crypto_in_the_dependency_graph() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    // The resolved graph (what is actually built), not every optional dependency
    // some crate could enable.
    let ids: Vec<&str> = meta["resolve"]["nodes"]
        .as_array()
        .expect("resolve.nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    let banned = [
        "#openssl@",
        "#openssl-sys@",
        "#aws-lc-rs@",
        "#aws-lc-sys@",
        "#rustls-pemfile@",
        "#native-tls@",
    ];
    for b in banned {
        let hits: Vec<_> = ids.iter().filter(|id| id.contains(b)).collect();
        assert!(hits.is_empty(), "dependency graph contains {hits:?}");
    }
    let links: Vec<_> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| ids.contains(&p["id"].as_str().unwrap_or("")))
        .filter_map(|p| p["links"].as_str())
        .collect();
    assert!(
        !links.contains(&"openssl"),
        "a package links OpenSSL: {links:?}"
    );
    // The graph is real: rustls and ring are in it.
    assert!(ids.iter().any(|id| id.contains("#rustls@")));
    assert!(ids.iter().any(|id| id.contains("#ring@")));
}

/// Every crate forbids unsafe code.
#[test]
fn every_crate_forbids_unsafe_code() {
    let root = root();
    for entry in [
        "crates/tls-pki/src/lib.rs",
        "crates/tls-core/src/lib.rs",
        "crates/tls-node/src/lib.rs",
        "crates/nodetls/src/main.rs",
        "xtask/src/main.rs",
        "tests/support/src/lib.rs",
    ] {
        let text = std::fs::read_to_string(root.join(entry)).expect(entry);
        assert!(
            text.contains("#![forbid(unsafe_code)]"),
            "{entry} lacks #![forbid(unsafe_code)]"
        );
    }
}

/// docs/errors.md lists every code a crate can return: every `=> "CODE"` arm of
/// the code tables (`error.rs`, `codes.rs`, `alerts.rs`) appears in the doc as
/// `` `CODE` ``.
#[test]
fn errors_doc_lists_every_code() {
    let root = root();
    let doc = std::fs::read_to_string(root.join("docs/errors.md")).expect("docs/errors.md");
    let mut missing = Vec::new();
    let mut seen = 0;
    for crate_dir in [
        "crates/tls-pki/src",
        "crates/tls-core/src",
        "crates/tls-node/src",
        "crates/nodetls/src",
    ] {
        for file in walk(&root.join(crate_dir)) {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !["error.rs", "codes.rs", "alerts.rs"].contains(&name) {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read");
            for code in arm_codes(&text) {
                seen += 1;
                if !doc.contains(&format!("`{code}`")) && !missing.contains(&code) {
                    missing.push(code);
                }
            }
        }
    }
    assert!(seen > 50, "the code tables were not found ({seen} codes)");
    assert!(
        missing.is_empty(),
        "codes missing from docs/errors.md: {missing:#?}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out
}

/// The string literals of `=> "CODE"` match arms that look like codes.
fn arm_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in text.split("=> \"").skip(1) {
        let Some(code) = piece.split('"').next() else {
            continue;
        };
        let looks_like_code = code.len() >= 3
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if looks_like_code {
            out.push(code.to_string());
        }
    }
    out
}
