//! Node's view of an established connection as one JSON object: the
//! "connection summary" of shared/spec/cli.md, field for field what Node 20
//! reports for the same connection.

use serde_json::{json, Map, Value};

use crate::socket::TlsSocket;

/// `{authorized, authorizationError, protocol, cipher, alpnProtocol, servername,
/// sessionReused, ephemeralKeyInfo, peerCertificate, peerChain}`.
pub fn connection_summary(socket: &TlsSocket) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("authorized".into(), json!(socket.authorized()));
    m.insert(
        "authorizationError".into(),
        json!(socket.authorization_error()),
    );
    m.insert("protocol".into(), json!(socket.get_protocol()));
    m.insert(
        "cipher".into(),
        match socket.get_cipher() {
            Some(c) => {
                json!({"name": c.name, "standardName": c.standard_name, "version": c.version})
            }
            None => Value::Null,
        },
    );
    m.insert(
        "alpnProtocol".into(),
        match socket.alpn_protocol() {
            Some(p) => json!(String::from_utf8_lossy(p)),
            None => json!(false),
        },
    );
    m.insert(
        "servername".into(),
        match socket.servername() {
            Some(s) => json!(s),
            None => json!(false),
        },
    );
    m.insert("sessionReused".into(), json!(socket.is_session_reused()));
    m.insert(
        "ephemeralKeyInfo".into(),
        match socket.get_ephemeral_key_info() {
            None => Value::Null,
            Some(None) => json!({}),
            Some(Some(info)) => json!(info),
        },
    );
    let detailed = socket.get_peer_certificate(true);
    m.insert(
        "peerCertificate".into(),
        match &detailed {
            Some(p) => p
                .leaf()
                .map_or_else(|| json!({}), tls_pki::LegacyCertificate::to_json),
            None => json!({}),
        },
    );
    m.insert(
        "peerChain".into(),
        match &detailed {
            Some(p) => json!(p.peer_chain_fingerprints()),
            None => json!([]),
        },
    );
    m
}
