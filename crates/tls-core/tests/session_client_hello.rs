//! `client_hello_session_id` against real ClientHellos from rustls clients
//! (fresh and resuming, TLS 1.2 and 1.3, whole and fragmented) and against
//! arbitrary bytes.

mod session_support;

use std::sync::Arc;

use proptest::prelude::*;
use rustls::client::Tls12Resumption;
use rustls::version::{TLS12, TLS13};
use rustls::HandshakeKind;
use session_support::{
    client, client_config, client_config_with, client_hello_bytes, connect, connect_with_hooks,
    server_config, RecordingHooks,
};
use tls_core::session::{
    client_hello_session_id, ClientHelloInfo, ClientHelloPeek, SessionSettings, SessionTicketer,
};

fn complete(bytes: &[u8]) -> ClientHelloInfo {
    match client_hello_session_id(bytes) {
        ClientHelloPeek::Complete(info) => info,
        other => panic!("expected a ClientHello, got {other:?}"),
    }
}

/// Re-frames the handshake messages in `records` into records of at most
/// `size` payload bytes each (what a peer fragmenting its ClientHello sends).
fn refragment(records: &[u8], size: usize) -> Vec<u8> {
    let mut payload = Vec::new();
    let mut rest = records;
    while rest.len() >= 5 {
        let len = usize::from(rest[3]) << 8 | usize::from(rest[4]);
        payload.extend_from_slice(&rest[5..5 + len]);
        rest = &rest[5 + len..];
    }
    let mut out = Vec::new();
    for chunk in payload.chunks(size) {
        out.extend_from_slice(&[22, 3, 1]);
        out.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

fn fresh_hello(v: &'static rustls::SupportedProtocolVersion) -> Vec<u8> {
    client_hello_bytes(&mut client(&client_config(v)))
}

#[test]
fn fresh_tls13_hello_has_a_random_compat_session_id() {
    let a = complete(&fresh_hello(&TLS13));
    let b = complete(&fresh_hello(&TLS13));
    assert_eq!(a.legacy_session_id.len(), 32);
    assert_ne!(a.legacy_session_id, b.legacy_session_id, "random per hello");
    assert!(!a.has_pre_shared_key && a.psk_identities.is_empty());
    // Node looks the compat ID up (it cannot tell it is random).
    assert_eq!(a.resume_session_id(true), Some(&a.legacy_session_id[..]));
}

#[test]
fn fresh_tls12_hello_has_no_session_id_and_asks_for_a_ticket() {
    let info = complete(&fresh_hello(&TLS12));
    assert!(info.legacy_session_id.is_empty());
    assert_eq!(info.session_ticket_len, Some(0));
    assert!(!info.has_pre_shared_key);
    assert_eq!(info.resume_session_id(true), None);
}

#[test]
fn resuming_hellos_carry_what_the_server_issued() {
    let settings = SessionSettings::default();
    // TLS 1.2 by session ID: the hello carries the ID that newSession got.
    let t = SessionTicketer::new(None, settings.clone(), false).unwrap();
    let cfg = Arc::new(server_config(&t));
    let hooks = RecordingHooks::new(settings.clone());
    let c12 = client_config_with(&TLS12, Tls12Resumption::SessionIdOnly);
    assert_eq!(
        connect_with_hooks(&c12, &cfg, &t, &hooks),
        HandshakeKind::Full
    );
    let info = complete(&client_hello_bytes(&mut client(&c12)));
    let issued = hooks.new_sessions.lock().unwrap()[0].clone();
    assert_eq!(info.legacy_session_id, issued);
    assert_eq!(info.resume_session_id(false), Some(&issued[..]));

    // TLS 1.3 stateful ticket: the PSK identity is the id newSession got.
    let c13 = client_config(&TLS13);
    assert_eq!(
        connect_with_hooks(&c13, &cfg, &t, &hooks),
        HandshakeKind::Full
    );
    let info = complete(&client_hello_bytes(&mut client(&c13)));
    assert!(info.has_pre_shared_key);
    assert_eq!(info.psk_identities.len(), 1);
    assert!(hooks
        .new_sessions
        .lock()
        .unwrap()
        .contains(&info.psk_identities[0]));
    assert_eq!(
        info.resume_session_id(false),
        Some(&info.psk_identities[0][..])
    );

    // TLS 1.2 with a stateless ticket: offered, so no lookup (Node's rule).
    let t = SessionTicketer::new(None, settings, true).unwrap();
    let cfg = Arc::new(server_config(&t));
    let c12t = client_config(&TLS12);
    assert_eq!(connect(&c12t, &cfg), HandshakeKind::Full);
    let info = complete(&client_hello_bytes(&mut client(&c12t)));
    assert!(info.session_ticket_len.is_some_and(|n| n > 16 + 12));
    assert_eq!(info.resume_session_id(true), None);

    // TLS 1.3 stateless ticket: the identity is our ticket (key name first).
    let c13 = client_config(&TLS13);
    assert_eq!(connect(&c13, &cfg), HandshakeKind::Full);
    let info = complete(&client_hello_bytes(&mut client(&c13)));
    assert!(info.psk_identities[0].starts_with(t.get_ticket_keys().key_name()));
}

#[test]
fn fragmented_hellos_parse_the_same_and_prefixes_need_more() {
    for v in [&TLS12, &TLS13] {
        let whole = fresh_hello(v);
        let expected = complete(&whole);
        for size in [1, 2, 7, 50, 100, 1000] {
            let frag = refragment(&whole, size);
            assert_eq!(complete(&frag), expected, "fragments of {size}");
            for n in (0..frag.len()).step_by(usize::max(1, frag.len() / 97)) {
                assert_eq!(
                    client_hello_session_id(&frag[..n]),
                    ClientHelloPeek::NeedMore,
                    "prefix {n}"
                );
            }
        }
    }
}

#[test]
fn non_tls_and_malformed_input_is_invalid_not_a_panic() {
    let invalid = |b: &[u8]| matches!(client_hello_session_id(b), ClientHelloPeek::Invalid(_));
    assert!(invalid(b"GET / HTTP/1.1\r\n\r\n"));
    assert!(invalid(&[0x80, 0x2e, 0x01, 0x03, 0x01])); // SSLv2-style hello
    assert!(invalid(&[22, 9]));
    assert!(invalid(&[22, 3, 1, 0, 0])); // empty handshake record
    assert!(invalid(&[22, 3, 1, 0xff, 0xff])); // record longer than TLS allows
    assert!(invalid(&[22, 3, 1, 0, 4, 2, 0, 0, 0])); // ServerHello, not ClientHello
    assert!(invalid(&[22, 3, 1, 0, 4, 1, 0, 0, 0])); // empty ClientHello body
    assert!(invalid(&[22, 3, 1, 0, 4, 1, 1, 0, 0])); // 64 KiB ClientHello
    assert_eq!(client_hello_session_id(&[]), ClientHelloPeek::NeedMore);
    assert_eq!(client_hello_session_id(&[22]), ClientHelloPeek::NeedMore);
    assert_eq!(
        client_hello_session_id(&[22, 3, 3, 0]),
        ClientHelloPeek::NeedMore
    );
    // A session ID longer than 32 bytes is malformed.
    let mut hello = fresh_hello(&TLS13);
    assert_eq!(hello[5 + 4 + 34], 32);
    hello[5 + 4 + 34] = 33;
    assert!(invalid(&hello));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = client_hello_session_id(&bytes);
    }

    #[test]
    fn arbitrary_records_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        declared in 0usize..700,
    ) {
        // Plausible framing around garbage reaches the body parser.
        let mut msg = vec![1, 0, (declared >> 8) as u8, declared as u8];
        msg.extend_from_slice(&body);
        let mut rec = vec![22, 3, 1, (msg.len() >> 8) as u8, msg.len() as u8];
        rec.extend_from_slice(&msg);
        let _ = client_hello_session_id(&rec);
    }

    #[test]
    fn mutated_real_hellos_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut hello = fresh_hello(&TLS13);
        for (i, b) in flips {
            let i = i.index(hello.len());
            hello[i] = b;
        }
        let n = cut.index(hello.len() + 1);
        let _ = client_hello_session_id(&hello[..n]);
    }

    #[test]
    fn any_fragmentation_parses_the_same(size in 1usize..400) {
        let whole = fresh_hello(&TLS12);
        prop_assert_eq!(complete(&refragment(&whole, size)), complete(&whole));
    }
}
