//! The rustls adapters in real rustls handshakes, in memory (no sockets):
//! rejections carry Node's code, `rejectUnauthorized: false` completes, and
//! `requestCert` / `rejectUnauthorized` make client certificates optional or
//! mandatory.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::crypto::ring::default_provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::server::danger::ClientCertVerifier;
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection};
use tls_core::verify::{
    verify_chain, verify_error_of, NodeClientCertVerifier, NodeServerCertVerifier, Purpose,
    TrustStore,
};

struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Identity {
    fn clone_key(&self) -> PrivateKeyDer<'static> {
        self.key.clone_key()
    }
}

struct Pki {
    root: CertificateDer<'static>,
    other_root: CertificateDer<'static>,
    server: Identity,
    client: Identity,
    self_signed: Identity,
}

fn ca(cn: &str) -> (CertificateParams, KeyPair, CertificateDer<'static>) {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = params.self_signed(&key).expect("self-signed");
    (params, key, cert.der().clone())
}

fn leaf(issuer: &Issuer<'_, &KeyPair>, cn: &str, eku: ExtendedKeyUsagePurpose) -> Identity {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.extended_key_usages = vec![eku];
    let cert = params.signed_by(&key, issuer).expect("sign");
    Identity {
        chain: vec![cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

fn pki() -> Pki {
    let (root_params, root_key, root) = ca("Adapter Root");
    let (_, _, other_root) = ca("Adapter Other Root");
    let issuer = Issuer::from_params(&root_params, &root_key);
    let server = leaf(&issuer, "localhost", ExtendedKeyUsagePurpose::ServerAuth);
    let client = leaf(&issuer, "client", ExtendedKeyUsagePurpose::ClientAuth);
    let ss_key = KeyPair::generate().expect("key");
    let mut ss_params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    ss_params
        .distinguished_name
        .push(DnType::CommonName, "self signed");
    let ss = ss_params.self_signed(&ss_key).expect("self-signed");
    Pki {
        root,
        other_root,
        server,
        client,
        self_signed: Identity {
            chain: vec![ss.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ss_key.serialize_der())),
        },
    }
}

fn store(ca: &[&CertificateDer<'static>]) -> TrustStore {
    TrustStore::new(ca.iter().map(|c| (*c).clone()).collect(), Vec::new()).expect("store")
}

fn server_config(id: &Identity, verifier: Option<NodeClientCertVerifier>) -> ServerConfig {
    let builder = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .expect("versions");
    let builder = match verifier {
        Some(v) => builder.with_client_cert_verifier(Arc::new(v)),
        None => builder.with_no_client_auth(),
    };
    // `with_single_cert` checks the certificate with webpki, which refuses
    // X.509 v1; a resolver built from a CertifiedKey does not.
    let key = default_provider()
        .key_provider
        .load_private_key(id.clone_key())
        .expect("key");
    let certified = rustls::sign::CertifiedKey::new(id.chain.clone(), key);
    builder.with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified)))
}

fn client_config(
    verifier: NodeServerCertVerifier,
    id: Option<&Identity>,
    tls12: bool,
) -> ClientConfig {
    let versions: &[&rustls::SupportedProtocolVersion] = if tls12 {
        &[&rustls::version::TLS12]
    } else {
        &[&rustls::version::TLS13]
    };
    let builder = ClientConfig::builder_with_provider(Arc::new(default_provider()))
        .with_protocol_versions(versions)
        .expect("versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    match id {
        Some(id) => builder
            .with_client_auth_cert(id.chain.clone(), id.clone_key())
            .expect("client cert"),
        None => builder.with_no_client_auth(),
    }
}

/// Runs a handshake through in-memory buffers. Returns the connections and
/// the first error (and which side raised it).
fn handshake(
    client: ClientConfig,
    server: ServerConfig,
) -> (
    ClientConnection,
    ServerConnection,
    Option<(&'static str, rustls::Error)>,
) {
    let mut c = ClientConnection::new(
        Arc::new(client),
        ServerName::try_from("localhost").expect("name"),
    )
    .expect("client");
    let mut s = ServerConnection::new(Arc::new(server)).expect("server");
    for _ in 0..32 {
        let mut buf = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut buf).expect("client write");
        }
        let mut rd = &buf[..];
        while !rd.is_empty() {
            s.read_tls(&mut rd).expect("server read");
            if let Err(e) = s.process_new_packets() {
                return (c, s, Some(("server", e)));
            }
        }
        let mut buf = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut buf).expect("server write");
        }
        let mut rd = &buf[..];
        while !rd.is_empty() {
            c.read_tls(&mut rd).expect("client read");
            if let Err(e) = c.process_new_packets() {
                return (c, s, Some(("client", e)));
            }
        }
        if !c.is_handshaking() && !s.is_handshaking() && !c.wants_write() && !s.wants_write() {
            return (c, s, None);
        }
    }
    panic!("handshake did not finish in 32 rounds");
}

fn code_of(err: &rustls::Error) -> &'static str {
    verify_error_of(err)
        .unwrap_or_else(|| panic!("not a verify error: {err:?}"))
        .code
}

#[test]
fn client_accepts_trusted_server_tls13_and_tls12() {
    let p = pki();
    for tls12 in [false, true] {
        let verifier = NodeServerCertVerifier::new(store(&[&p.root]));
        let (c, _, err) = handshake(
            client_config(verifier, None, tls12),
            server_config(&p.server, None),
        );
        assert!(err.is_none(), "tls12={tls12}: {err:?}");
        assert_eq!(c.peer_certificates().map(<[_]>::len), Some(1));
    }
}

#[test]
fn client_rejection_carries_node_code() {
    let p = pki();
    // Untrusted self-signed server: Node's DEPTH_ZERO_SELF_SIGNED_CERT.
    let verifier = NodeServerCertVerifier::new(store(&[&p.root]));
    let (_, _, err) = handshake(
        client_config(verifier, None, false),
        server_config(&p.self_signed, None),
    );
    let (side, err) = err.expect("must fail");
    assert_eq!(side, "client");
    assert_eq!(code_of(&err), "DEPTH_ZERO_SELF_SIGNED_CERT");
    assert_eq!(
        verify_error_of(&err).map(|e| e.message),
        Some("self-signed certificate")
    );

    // Leaf from an unknown CA, no intermediates: UNABLE_TO_VERIFY_LEAF_SIGNATURE.
    let verifier = NodeServerCertVerifier::new(store(&[&p.other_root]));
    let (_, _, err) = handshake(
        client_config(verifier, None, true),
        server_config(&p.server, None),
    );
    assert_eq!(
        code_of(&err.expect("must fail").1),
        "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
    );

    // A client certificate presented as a server one: INVALID_PURPOSE.
    let verifier = NodeServerCertVerifier::new(store(&[&p.root]));
    let (_, _, err) = handshake(
        client_config(verifier, None, false),
        server_config(&p.client, None),
    );
    assert_eq!(code_of(&err.expect("must fail").1), "INVALID_PURPOSE");
}

#[test]
fn reject_unauthorized_false_completes_and_reports_later() {
    let p = pki();
    let store = store(&[&p.root]);
    let verifier = NodeServerCertVerifier::new(store.clone()).dangerous_accept_unauthorized(true);
    assert!(!verifier.reject_unauthorized());
    let (c, _, err) = handshake(
        client_config(verifier, None, false),
        server_config(&p.self_signed, None),
    );
    assert!(err.is_none(), "{err:?}");
    // What tls-node does afterwards to fill authorized/authorizationError.
    let peer = c.peer_certificates().expect("peer chain");
    let now = rustls::pki_types::UnixTime::now();
    let verdict = verify_chain(&peer[0], &peer[1..], &store, Purpose::ServerAuth, now);
    assert_eq!(
        verdict.map_err(|e| e.code),
        Err("DEPTH_ZERO_SELF_SIGNED_CERT")
    );
}

#[test]
fn mtls_required() {
    let p = pki();
    let server_verifier = || NodeClientCertVerifier::new(store(&[&p.root]), true);
    let client_verifier = || NodeServerCertVerifier::new(store(&[&p.root]));

    // Trusted client certificate: accepted, and the server sees it.
    let (_, s, err) = handshake(
        client_config(client_verifier(), Some(&p.client), false),
        server_config(&p.server, Some(server_verifier())),
    );
    assert!(err.is_none(), "{err:?}");
    assert_eq!(s.peer_certificates().map(<[_]>::len), Some(1));

    // No client certificate: refused by the server.
    let (_, _, err) = handshake(
        client_config(client_verifier(), None, false),
        server_config(&p.server, Some(server_verifier())),
    );
    let (side, err) = err.expect("must fail");
    assert_eq!(side, "server");
    assert!(
        matches!(err, rustls::Error::NoCertificatesPresented),
        "{err:?}"
    );

    // Untrusted client certificate: refused with Node's code (sslclient
    // purpose, so a server-only certificate is INVALID_PURPOSE).
    for (id, code) in [
        (&p.self_signed, "DEPTH_ZERO_SELF_SIGNED_CERT"),
        (&p.server, "INVALID_PURPOSE"),
    ] {
        let (_, _, err) = handshake(
            client_config(client_verifier(), Some(id), true),
            server_config(&p.server, Some(server_verifier())),
        );
        let (side, err) = err.expect("must fail");
        assert_eq!(side, "server");
        assert_eq!(code_of(&err), code);
    }
}

#[test]
fn mtls_optional_and_not_requested() {
    let p = pki();
    let client_verifier = || NodeServerCertVerifier::new(store(&[&p.root]));
    let optional =
        || NodeClientCertVerifier::new(store(&[&p.root]), true).dangerous_accept_unauthorized(true);
    // requestCert without rejectUnauthorized: no certificate is fine...
    let (_, s, err) = handshake(
        client_config(client_verifier(), None, false),
        server_config(&p.server, Some(optional())),
    );
    assert!(err.is_none(), "{err:?}");
    assert!(s.peer_certificates().is_none());
    // ...and so is an untrusted one, which verify_chain then reports.
    let (_, s, err) = handshake(
        client_config(client_verifier(), Some(&p.self_signed), false),
        server_config(&p.server, Some(optional())),
    );
    assert!(err.is_none(), "{err:?}");
    let peer = s.peer_certificates().expect("client chain");
    let verdict = verify_chain(
        &peer[0],
        &peer[1..],
        &store(&[&p.root]),
        Purpose::ClientAuth,
        rustls::pki_types::UnixTime::now(),
    );
    assert_eq!(
        verdict.map_err(|e| e.code),
        Err("DEPTH_ZERO_SELF_SIGNED_CERT")
    );

    // requestCert: false: no CertificateRequest, so no client certificate.
    let not_requested = NodeClientCertVerifier::new(store(&[&p.root]), false);
    let (_, s, err) = handshake(
        client_config(client_verifier(), Some(&p.client), false),
        server_config(&p.server, Some(not_requested)),
    );
    assert!(err.is_none(), "{err:?}");
    assert!(s.peer_certificates().is_none());
}

#[test]
fn root_hints_name_the_ca_subjects() {
    let p = pki();
    let verifier = NodeClientCertVerifier::new(store(&[&p.root, &p.other_root]), true);
    let mut roots = rustls::RootCertStore::empty();
    roots.add(p.root.clone()).expect("root");
    roots.add(p.other_root.clone()).expect("root");
    let ours: Vec<&[u8]> = verifier
        .root_hint_subjects()
        .iter()
        .map(AsRef::as_ref)
        .collect();
    let theirs = roots.subjects();
    let theirs: Vec<&[u8]> = theirs.iter().map(AsRef::as_ref).collect();
    assert_eq!(ours, theirs);
    assert!(verifier.offer_client_auth());
    assert!(verifier.client_auth_mandatory());
    assert!(TrustStore::mozilla().subjects().is_empty());
}

/// X.509 v1 certificates (which webpki refuses) work in a real handshake.
#[test]
fn v1_server_certificate_handshake() {
    let _ = test_support::require_peer!("openssl");
    let dir = test_support::temp_dir();
    let d = dir.path();
    let sh = |args: &[&str]| {
        test_support::run_ok(test_support::openssl(d).args(args));
    };
    std::fs::write(
        d.join("req.cnf"),
        "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n",
    )
    .expect("cnf");
    for k in ["ca", "leaf"] {
        sh(&[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &format!("{k}.key"),
        ]);
    }
    sh(&[
        "req",
        "-new",
        "-config",
        "req.cnf",
        "-key",
        "ca.key",
        "-subj",
        "/CN=V1 CA",
        "-out",
        "ca.csr",
    ]);
    sh(&[
        "x509", "-req", "-in", "ca.csr", "-signkey", "ca.key", "-days", "30", "-out", "ca.pem",
    ]);
    sh(&[
        "req",
        "-new",
        "-config",
        "req.cnf",
        "-key",
        "leaf.key",
        "-subj",
        "/CN=localhost",
        "-out",
        "leaf.csr",
    ]);
    sh(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "2",
        "-days",
        "30",
        "-out",
        "leaf.pem",
    ]);
    sh(&[
        "pkcs8", "-topk8", "-nocrypt", "-in", "leaf.key", "-out", "leaf.p8",
    ]);
    let ca = CertificateDer::from_pem_file(d.join("ca.pem")).expect("ca");
    let id = Identity {
        chain: vec![CertificateDer::from_pem_file(d.join("leaf.pem")).expect("leaf")],
        key: PrivateKeyDer::from_pem_file(d.join("leaf.p8")).expect("key"),
    };
    for tls12 in [false, true] {
        let verifier = NodeServerCertVerifier::new(store(&[&ca]));
        let (_, _, err) = handshake(
            client_config(verifier, None, tls12),
            server_config(&id, None),
        );
        assert!(err.is_none(), "v1 chain, tls12={tls12}: {err:?}");
    }
}
