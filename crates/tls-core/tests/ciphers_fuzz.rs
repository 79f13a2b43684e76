//! No cipher list may panic or hang: arbitrary strings, and strings made of the
//! grammar's own tokens, always give a selection or one of Node's codes.

use proptest::prelude::*;
use tls_core::ciphers::{openssl_cipher_list, parse_cipher_list};

const CODES: [&str; 3] = [
    "ERR_INVALID_ARG_VALUE",
    "ERR_SSL_NO_CIPHER_MATCH",
    "ERR_SSL_INVALID_COMMAND",
];

fn check(list: &str) {
    match parse_cipher_list(list) {
        Ok(sel) => {
            assert!(!sel.suites().is_empty());
            assert_eq!(sel.names().len(), sel.suites().len());
            assert_eq!(sel.tls13.len() + sel.tls12.len(), sel.suites().len());
        }
        Err(e) => assert!(CODES.contains(&e.code()), "{list:?}: {}", e.code()),
    }
    if let Err(e) = openssl_cipher_list(list) {
        assert!(CODES.contains(&e.code()), "{list:?}: {}", e.code());
    }
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ALL".to_owned()),
        Just("HIGH".to_owned()),
        Just("ECDHE".to_owned()),
        Just("aRSA".to_owned()),
        Just("AESGCM".to_owned()),
        Just("CHACHA20".to_owned()),
        Just("DEFAULT".to_owned()),
        Just("COMPLEMENTOFALL".to_owned()),
        Just("ECDHE-RSA-AES128-GCM-SHA256".to_owned()),
        Just("TLS_AES_128_GCM_SHA256".to_owned()),
        Just("TLS_FALLBACK_SCSV".to_owned()),
        Just("@STRENGTH".to_owned()),
        Just("@SECLEVEL=".to_owned()),
        Just("SUITEB128".to_owned()),
        "[-+!@:,; =.\\t&_a-zA-Z0-9\\x00é]{0,3}",
    ]
}

proptest! {
    #[test]
    fn arbitrary_strings(list in "\\PC{0,40}") {
        check(&list);
    }

    #[test]
    fn token_soup(tokens in prop::collection::vec(token(), 0..12)) {
        check(&tokens.concat());
    }
}
