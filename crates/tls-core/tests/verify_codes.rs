//! The verify codes are consistent and all documented in docs/errors.md.

use std::collections::HashSet;

use tls_core::verify::X509Error;

#[test]
fn codes_are_distinct_and_documented() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/errors.md"))
            .expect("docs/errors.md");
    let section = docs
        .split("## tls-core: options and verification")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("tls-core verification section");
    let mut numbers = HashSet::new();
    let mut names = HashSet::new();
    for e in X509Error::ALL {
        assert!(
            numbers.insert(e.number()),
            "duplicate number {}",
            e.number()
        );
        assert!(
            names.insert(e.openssl_name()),
            "duplicate name {}",
            e.openssl_name()
        );
        assert!(!e.message().is_empty());
        // Node names the error itself or folds it into UNSPECIFIED.
        assert!(e.node_code() == e.openssl_name() || e.node_code() == "UNSPECIFIED");
        assert!(
            section.contains(e.openssl_name()),
            "{} is not documented in docs/errors.md",
            e.openssl_name()
        );
        assert!(
            section.contains(e.message()),
            "the message of {} is not documented",
            e.openssl_name()
        );
    }
    assert!(section.contains("ERR_CRYPTO_OPERATION_FAILED"));
}
