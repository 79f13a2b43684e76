//! `create_secure_context` options observed on the wire: a server config and a
//! client config from `SecureContext` handshake in memory, and what was negotiated
//! (suite, version, group) or the failure shows each option's effect.

use std::sync::Arc;

use rustls::{ClientConnection, ServerConnection};
use rustls_pki_types::ServerName;
use tls_core::{
    create_secure_context, ClientSettings, SecureContext, SecureContextOptions, ServerSettings,
};
use tls_pki::generate::{make_certificate, CertificateOptions, KeyType, SubjectAltName};
use tls_pki::KeyInput;

struct Pki {
    key: String,
    cert: String,
}

fn pki(key_type: KeyType) -> Pki {
    let g = make_certificate(
        &CertificateOptions {
            common_name: "localhost".into(),
            subject_alt_names: vec![SubjectAltName::Dns("localhost".into())],
            key_type,
            ..CertificateOptions::default()
        },
        None,
    )
    .expect("certificate");
    Pki {
        key: g.key_pem,
        cert: g.cert_pem,
    }
}

fn server_ctx(p: &Pki, extra: SecureContextOptions) -> SecureContext {
    create_secure_context(&SecureContextOptions {
        key: vec![KeyInput {
            pem: p.key.clone().into_bytes(),
            passphrase: None,
        }],
        cert: vec![p.cert.clone().into_bytes()],
        ..extra
    })
    .expect("server context")
}

fn client_ctx(p: &Pki, extra: SecureContextOptions) -> SecureContext {
    create_secure_context(&SecureContextOptions {
        ca: Some(vec![p.cert.clone().into_bytes()]),
        ..extra
    })
    .expect("client context")
}

/// Runs a handshake; returns (suite, version, group) or the first error.
fn handshake(
    server: &SecureContext,
    client: &SecureContext,
) -> Result<(String, String, String), String> {
    let s_cfg = Arc::new(
        server
            .server_config(&ServerSettings::default())
            .map_err(|e| e.to_string())?,
    );
    let c_cfg = Arc::new(
        client
            .client_config(&ClientSettings::default())
            .map_err(|e| e.to_string())?,
    );
    let mut c = ClientConnection::new(c_cfg, ServerName::try_from("localhost").expect("name"))
        .map_err(|e| e.to_string())?;
    let mut s = ServerConnection::new(s_cfg).map_err(|e| e.to_string())?;
    for _ in 0..20 {
        let mut buf = Vec::new();
        c.write_tls(&mut buf).map_err(|e| e.to_string())?;
        if !buf.is_empty() {
            s.read_tls(&mut buf.as_slice()).map_err(|e| e.to_string())?;
            s.process_new_packets()
                .map_err(|e| format!("server: {e}"))?;
        }
        let mut buf = Vec::new();
        s.write_tls(&mut buf).map_err(|e| e.to_string())?;
        if !buf.is_empty() {
            c.read_tls(&mut buf.as_slice()).map_err(|e| e.to_string())?;
            c.process_new_packets()
                .map_err(|e| format!("client: {e}"))?;
        }
        if !c.is_handshaking() && !s.is_handshaking() {
            let suite = format!("{:?}", c.negotiated_cipher_suite().expect("suite").suite());
            let version = format!("{:?}", c.protocol_version().expect("version"));
            let group = format!(
                "{:?}",
                c.negotiated_key_exchange_group().expect("group").name()
            );
            return Ok((suite, version, group));
        }
    }
    Err("no progress".into())
}

fn opts() -> SecureContextOptions {
    SecureContextOptions::default()
}

#[test]
fn sigalgs_restrict_what_is_signed_and_accepted() {
    let ec = pki(KeyType::EcP256);
    let plain = client_ctx(&ec, opts());
    // A P-256 key can only sign ECDSA+SHA256: limiting the server to SHA384 leaves
    // it nothing to sign with.
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            sigalgs: Some("ECDSA+SHA256".into()),
            ..opts()
        },
    );
    assert!(handshake(&s, &plain).is_ok());
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            sigalgs: Some("ECDSA+SHA384".into()),
            ..opts()
        },
    );
    assert!(handshake(&s, &plain).is_err());
    // A client that accepts only RSA-PSS refuses an ECDSA server.
    let c = client_ctx(
        &ec,
        SecureContextOptions {
            sigalgs: Some("RSA-PSS+SHA256".into()),
            ..opts()
        },
    );
    assert!(handshake(&server_ctx(&ec, opts()), &c).is_err());
    let c = client_ctx(
        &ec,
        SecureContextOptions {
            sigalgs: Some("rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256".into()),
            ..opts()
        },
    );
    assert!(handshake(&server_ctx(&ec, opts()), &c).is_ok());
}

#[test]
fn honor_cipher_order_and_server_preference_option() {
    let ec = pki(KeyType::EcP256);
    let list = "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
    let client = client_ctx(
        &ec,
        SecureContextOptions {
            ciphers: Some("TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256".into()),
            ..opts()
        },
    );
    // Default for a server: its own order.
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            ciphers: Some(list.into()),
            ..opts()
        },
    );
    assert_eq!(
        handshake(&s, &client).expect("handshake").0,
        "TLS13_CHACHA20_POLY1305_SHA256"
    );
    // honorCipherOrder: false → the client's order.
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            ciphers: Some(list.into()),
            honor_cipher_order: Some(false),
            ..opts()
        },
    );
    assert_eq!(
        handshake(&s, &client).expect("handshake").0,
        "TLS13_AES_128_GCM_SHA256"
    );
    // ... unless SSL_OP_CIPHER_SERVER_PREFERENCE is set.
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            ciphers: Some(list.into()),
            honor_cipher_order: Some(false),
            secure_options: 0x0040_0000,
            ..opts()
        },
    );
    assert_eq!(
        handshake(&s, &client).expect("handshake").0,
        "TLS13_CHACHA20_POLY1305_SHA256"
    );
}

#[test]
fn secure_options_and_secure_protocol_pick_the_version() {
    let ec = pki(KeyType::EcP256);
    let client = client_ctx(&ec, opts());
    assert_eq!(
        handshake(&server_ctx(&ec, opts()), &client).expect("hs").1,
        "TLSv1_3"
    );
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            secure_options: 0x2000_0000,
            ..opts()
        },
    );
    assert_eq!(handshake(&s, &client).expect("hs").1, "TLSv1_2");
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            secure_protocol: Some("TLSv1_2_method".into()),
            ..opts()
        },
    );
    assert_eq!(handshake(&s, &client).expect("hs").1, "TLSv1_2");
    // A TLS 1.3-only server and a TLS 1.2-only client share nothing.
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            min_version: Some("TLSv1.3".into()),
            ..opts()
        },
    );
    let c = client_ctx(
        &ec,
        SecureContextOptions {
            max_version: Some("TLSv1.2".into()),
            ..opts()
        },
    );
    assert!(handshake(&s, &c).is_err());
    // A server-only method refuses to make a client config.
    let c = client_ctx(
        &ec,
        SecureContextOptions {
            secure_protocol: Some("TLS_server_method".into()),
            ..opts()
        },
    );
    assert_eq!(
        c.client_config(&ClientSettings::default())
            .unwrap_err()
            .code(),
        "ERR_SSL_CALLED_A_FUNCTION_YOU_SHOULD_NOT_CALL"
    );
}

#[test]
fn ecdh_curve_limits_the_groups() {
    let ec = pki(KeyType::EcP256);
    let c = client_ctx(
        &ec,
        SecureContextOptions {
            ecdh_curve: Some("P-384".into()),
            ..opts()
        },
    );
    assert_eq!(
        handshake(&server_ctx(&ec, opts()), &c).expect("hs").2,
        "secp384r1"
    );
    let s = server_ctx(
        &ec,
        SecureContextOptions {
            ecdh_curve: Some("X25519".into()),
            ..opts()
        },
    );
    assert!(handshake(&s, &c).is_err());
}

#[test]
fn keys_of_several_types_are_chosen_by_the_peer() {
    let ec = pki(KeyType::EcP256);
    let ed = pki(KeyType::Ed25519);
    let s = create_secure_context(&SecureContextOptions {
        key: vec![
            KeyInput {
                pem: ec.key.clone().into_bytes(),
                passphrase: None,
            },
            KeyInput {
                pem: ed.key.clone().into_bytes(),
                passphrase: None,
            },
        ],
        cert: vec![ec.cert.clone().into_bytes(), ed.cert.clone().into_bytes()],
        ..opts()
    })
    .expect("two key types");
    let ed_only = create_secure_context(&SecureContextOptions {
        ca: Some(vec![ed.cert.clone().into_bytes()]),
        sigalgs: Some("ed25519".into()),
        ..opts()
    })
    .expect("client");
    assert!(
        handshake(&s, &ed_only).is_ok(),
        "the Ed25519 certificate is offered to an Ed25519-only client"
    );
    // A key that does not match the certificate of its type: Node's code.
    let other = pki(KeyType::EcP256);
    let e = create_secure_context(&SecureContextOptions {
        key: vec![KeyInput {
            pem: other.key.into_bytes(),
            passphrase: None,
        }],
        cert: vec![ec.cert.into_bytes()],
        ..opts()
    })
    .unwrap_err();
    assert_eq!(e.code(), "ERR_OSSL_X509_KEY_VALUES_MISMATCH");
}
