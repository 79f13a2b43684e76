//! Server options compared with a Node server given the same options, a Node
//! client against each. Ports of Node's `test-tls-ecdh.js`, `test-tls-ecdh-auto.js`,
//! `test-tls-ecdh-multiple.js` (`ecdhCurve`), `test-tls-set-sigalgs.js` (`sigalgs`)
//! and `test-tls-min-max-version.js` (the TLS 1.2 / 1.3 part of its matrix; 1.0 and
//! 1.1 are refused, see hostile.rs).

mod common;

use common::{compare, Pki};
use serde_json::{json, Value};

fn leaf_server(extra: &Value) -> Value {
    let mut s = json!({"key": ["leaf.key"], "cert": ["leaf.pem"]});
    for (k, v) in extra.as_object().expect("object") {
        s[k] = v.clone();
    }
    s
}

async fn same_as_node(pki: &Pki, server: &Value, client: &Value) -> Value {
    let mut c = json!({"ca": ["ca.pem"]});
    for (k, v) in client.as_object().expect("object") {
        c[k] = v.clone();
    }
    let (ours, theirs) = compare(pki, server, &c).await;
    assert_eq!(ours, theirs, "server {server}, client {c}");
    ours
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecdh_curve_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    for curve in [
        "auto",
        "prime256v1",
        "secp384r1",
        "X25519",
        "prime256v1:secp384r1",
    ] {
        let server = leaf_server(&json!({"ecdhCurve": curve}));
        let line = same_as_node(&pki, &server, &json!({})).await;
        assert_eq!(line["event"], "secureConnect", "{curve}: {line}");
        same_as_node(&pki, &server, &json!({"ecdhCurve": "secp384r1:prime256v1"})).await;
    }
    // No group in common fails on both.
    let line = same_as_node(
        &pki,
        &leaf_server(&json!({"ecdhCurve": "prime256v1"})),
        &json!({"ecdhCurve": "secp384r1"}),
    )
    .await;
    assert_eq!(line["event"], "error", "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "known difference (rustls picks groups in the client's order): with ecdhCurve \
            'secp384r1:prime256v1' and a client whose only key share is X25519, \
            OpenSSL picks the server's first group (secp384r1, after a \
            HelloRetryRequest); we pick prime256v1"]
async fn ecdh_curve_order_is_the_servers_preference_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let server = leaf_server(&json!({"ecdhCurve": "secp384r1:prime256v1"}));
    same_as_node(&pki, &server, &json!({})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigalgs_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    for (server, client) in [
        (json!({"sigalgs": "ecdsa_secp256r1_sha256"}), json!({})),
        (json!({}), json!({"sigalgs": "ecdsa_secp256r1_sha256"})),
        (
            json!({"sigalgs": "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256"}),
            json!({"sigalgs": "ecdsa_secp256r1_sha256", "maxVersion": "TLSv1.2"}),
        ),
        // Nothing the EC key can sign with: refused on both.
        (json!({}), json!({"sigalgs": "rsa_pss_rsae_sha256"})),
        (
            json!({}),
            json!({"sigalgs": "rsa_pss_rsae_sha256", "maxVersion": "TLSv1.2"}),
        ),
    ] {
        same_as_node(&pki, &leaf_server(&server), &client).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn min_and_max_version_like_node() {
    let _ = test_support::require_peer!("node");
    let pki = Pki::new();
    let ranges = [
        ("TLSv1.2", "TLSv1.2"),
        ("TLSv1.2", "TLSv1.3"),
        ("TLSv1.3", "TLSv1.3"),
    ];
    for (smin, smax) in ranges {
        for (cmin, cmax) in ranges {
            same_as_node(
                &pki,
                &leaf_server(&json!({"minVersion": smin, "maxVersion": smax})),
                &json!({"minVersion": cmin, "maxVersion": cmax}),
            )
            .await;
        }
    }
}
