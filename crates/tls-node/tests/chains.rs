//! Certificates and chains served like Node's: the same `createServer` options on
//! our server and on a Node server, the same Node client against both, and what the
//! client sees compared. Ports of Node's `test-tls-multi-key.js` (RSA and EC keys on
//! one server, chosen by the client's ciphers), `test-tls-cert-chains-in-ca.js`
//! (the chain completed from `ca`), `test-tls-cert-chains-concat.js` (a chain in one
//! `cert` entry), `test-tls-multiple-cas-as-string.js` / `test-tls-ca-concat.js`
//! (several CAs in one `ca` entry) and `test-tls-connect-secure-context.js`.

mod common;

use common::{compare, echo, Pki};
use serde_json::{json, Value};

const RSA_FIRST: &str = r#"{"key": ["rsa.key", "leaf.key"], "cert": ["rsa.pem", "leaf.pem"]}"#;
const EC_FIRST: &str = r#"{"key": ["leaf.key", "rsa.key"], "cert": ["leaf.pem", "rsa.pem"]}"#;

async fn multi_key(cases: &[(&str, Value)]) {
    let pki = Pki::new();
    pki.add_leaf("rsa", "ca", true);
    for (server, client) in cases {
        let server: Value = serde_json::from_str(server).expect("json");
        let (ours, theirs) = compare(&pki, &server, client).await;
        assert_eq!(ours["event"], "secureConnect", "{server} {client}: {ours}");
        assert_eq!(ours, theirs, "server {server}, client {client}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsa_and_ec_keys_on_one_server_are_chosen_like_node() {
    let _ = test_support::require_peer!("node");
    let mut cases = Vec::new();
    for server in [RSA_FIRST, EC_FIRST] {
        for client in [
            json!({"ca": ["ca.pem"], "ciphers": "ECDHE-RSA-AES128-GCM-SHA256", "maxVersion": "TLSv1.2"}),
            json!({"ca": ["ca.pem"], "ciphers": "ECDHE-ECDSA-AES128-GCM-SHA256", "maxVersion": "TLSv1.2"}),
            json!({"ca": ["ca.pem"], "sigalgs": "rsa_pss_rsae_sha256"}),
            json!({"ca": ["ca.pem"], "sigalgs": "ecdsa_secp256r1_sha256"}),
        ] {
            cases.push((server, client));
        }
    }
    cases.push((
        RSA_FIRST,
        json!({"ca": ["ca.pem"], "maxVersion": "TLSv1.2"}),
    ));
    cases.push((EC_FIRST, json!({"ca": ["ca.pem"]})));
    multi_key(&cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsa_and_ec_keys_unconstrained_choice_like_node() {
    let _ = test_support::require_peer!("node");
    multi_key(&[
        (RSA_FIRST, json!({"ca": ["ca.pem"]})),
        (EC_FIRST, json!({"ca": ["ca.pem"], "maxVersion": "TLSv1.2"})),
    ])
    .await;
}

fn chain_pki() -> Pki {
    let pki = Pki::new();
    pki.add_intermediate("int");
    pki.add_leaf("chained", "int", false);
    let mut concat = pki.read("chained.pem");
    concat.extend(pki.read("int.pem"));
    std::fs::write(pki.path().join("chained-full.pem"), concat).expect("write");
    pki
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_in_one_cert_entry_and_a_missing_intermediate_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = chain_pki();
    let client = json!({"ca": ["ca.pem"]});
    for server in [
        // test-tls-cert-chains-concat: leaf and intermediate in one `cert` entry.
        json!({"key": ["chained.key"], "cert": ["chained-full.pem"]}),
        // No intermediate anywhere: the client cannot verify.
        json!({"key": ["chained.key"], "cert": ["chained.pem"]}),
    ] {
        let (ours, theirs) = compare(&pki, &server, &client).await;
        assert_eq!(ours, theirs, "server {server}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_chain_is_completed_from_ca_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = chain_pki();
    let server = json!({"key": ["chained.key"], "cert": ["chained.pem"], "ca": ["int.pem"]});
    let (ours, theirs) = compare(&pki, &server, &json!({"ca": ["ca.pem"]})).await;
    assert_eq!(ours, theirs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_cas_in_one_ca_entry_and_a_prebuilt_secure_context() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    pki.add_root("unrelated");
    let (_node, port) = common::node_server(&pki, "{}").await;
    // test-tls-multiple-cas-as-string / ca-concat: the trusted CA second in one entry.
    let mut both = pki.read("unrelated.pem");
    both.extend(pki.read("ca.pem"));
    let mut c = tls_node::connect(tls_node::ConnectOptions {
        host: Some("127.0.0.1".into()),
        port,
        servername: Some("localhost".into()),
        context: tls_core::SecureContextOptions {
            ca: Some(vec![both]),
            ..tls_core::SecureContextOptions::default()
        },
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect("the second CA of the entry is trusted");
    assert!(c.authorized());
    echo(&mut c, b"x").await;
    // Only the unrelated CA: refused, as Node refuses.
    let err = tls_node::connect(tls_node::ConnectOptions {
        host: Some("127.0.0.1".into()),
        port,
        servername: Some("localhost".into()),
        context: tls_core::SecureContextOptions {
            ca: Some(vec![pki.read("unrelated.pem")]),
            ..tls_core::SecureContextOptions::default()
        },
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect_err("untrusted");
    assert_eq!(err.code(), "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    // test-tls-connect-secure-context: `secureContext` instead of options.
    let ctx = tls_core::create_secure_context(&pki.client_context()).expect("context");
    let mut c = tls_node::connect(tls_node::ConnectOptions {
        host: Some("127.0.0.1".into()),
        port,
        servername: Some("localhost".into()),
        secure_context: Some(ctx),
        ..tls_node::ConnectOptions::default()
    })
    .await
    .expect("secureContext");
    assert!(c.authorized());
    echo(&mut c, b"y").await;
}
