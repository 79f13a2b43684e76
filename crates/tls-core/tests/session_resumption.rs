//! Resumption across in-memory rustls handshakes with Node's session options:
//! shared `ticketKeys`, rotation, `sessionTimeout`, `sessionIdContext`, and the
//! `newSession`/`resumeSession` hooks.

mod session_support;

use std::sync::Arc;

use rustls::client::Tls12Resumption;
use rustls::version::{TLS12, TLS13};
use rustls::{HandshakeKind, ServerConfig, SupportedProtocolVersion};
use session_support::{
    client_config, client_config_with, connect, connect_with_hooks, server_config, RecordingHooks,
};
use tls_core::session::{
    ManualClock, SessionIdContext, SessionSettings, SessionTicketer, SessionTimeout, TicketKeys,
};

const VERSIONS: [(&str, &SupportedProtocolVersion); 2] = [("TLS1.2", &TLS12), ("TLS1.3", &TLS13)];

fn settings(timeout: u64, ctx: &str, clock: &Arc<ManualClock>) -> SessionSettings {
    SessionSettings {
        session_timeout: SessionTimeout::from_secs(timeout).unwrap(),
        session_id_context: SessionIdContext::new(ctx).unwrap(),
        time_provider: clock.clone(),
    }
}

fn server(
    keys: Option<TicketKeys>,
    s: SessionSettings,
) -> (Arc<SessionTicketer>, Arc<ServerConfig>) {
    let t = SessionTicketer::new(keys, s, true).unwrap();
    let cfg = Arc::new(server_config(&t));
    (t, cfg)
}

#[test]
fn two_servers_with_the_same_ticket_keys_resume_each_others_tickets() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let keys = TicketKeys::from_bytes(&[7; 48]).unwrap();
    for (name, v) in VERSIONS {
        let (_, a) = server(Some(keys.clone()), settings(300, "ctx", &clock));
        let (_, b) = server(Some(keys.clone()), settings(300, "ctx", &clock));
        let client = client_config(v);
        assert_eq!(connect(&client, &a), HandshakeKind::Full, "{name}");
        assert_eq!(
            connect(&client, &b),
            HandshakeKind::Resumed,
            "{name}: A's ticket on B"
        );
        assert_eq!(
            connect(&client, &a),
            HandshakeKind::Resumed,
            "{name}: B's ticket on A"
        );
    }
}

#[test]
fn different_ticket_keys_do_not_resume() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    for (name, v) in VERSIONS {
        // Random keys per server, like Node without `ticketKeys`.
        let (ta, a) = server(None, settings(300, "ctx", &clock));
        let (tb, b) = server(None, settings(300, "ctx", &clock));
        assert_ne!(ta.get_ticket_keys(), tb.get_ticket_keys());
        let client = client_config(v);
        assert_eq!(connect(&client, &a), HandshakeKind::Full, "{name}");
        assert_eq!(connect(&client, &b), HandshakeKind::Full, "{name}");
        // Same 32 secret bytes but another key name: also refused.
        let mut k = [9u8; 48];
        let (_, c1) = server(
            Some(TicketKeys::from_bytes(&k).unwrap()),
            settings(300, "ctx", &clock),
        );
        k[0] = 8;
        let (_, c2) = server(
            Some(TicketKeys::from_bytes(&k).unwrap()),
            settings(300, "ctx", &clock),
        );
        let client = client_config(v);
        assert_eq!(connect(&client, &c1), HandshakeKind::Full, "{name}");
        assert_eq!(connect(&client, &c2), HandshakeKind::Full, "{name}");
    }
}

#[test]
fn tickets_expire_after_session_timeout() {
    for (name, v) in VERSIONS {
        let clock = Arc::new(ManualClock::new(1_700_000_000));
        let (t, a) = server(None, settings(10, "ctx", &clock));
        assert_eq!(rustls::server::ProducesTickets::lifetime(&*t), 10);
        let client = client_config(v);
        assert_eq!(connect(&client, &a), HandshakeKind::Full, "{name}");
        clock.advance(10);
        // Still within the timeout (and this resumption issues fresh tickets).
        assert_eq!(
            connect(&client, &a),
            HandshakeKind::Resumed,
            "{name} at 10 s"
        );
        clock.advance(11);
        assert_eq!(
            connect(&client, &a),
            HandshakeKind::Full,
            "{name} at 11 s past the newest ticket"
        );
    }
}

#[test]
fn tickets_expire_in_real_time() {
    // The default clock, a 1 s timeout and a real wait past it.
    let s = SessionSettings {
        session_timeout: SessionTimeout::from_secs(1).unwrap(),
        ..SessionSettings::default()
    };
    let (_, a) = server(None, s);
    let client = client_config(&TLS13);
    assert_eq!(connect(&client, &a), HandshakeKind::Full);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(connect(&client, &a), HandshakeKind::Full);
}

#[test]
fn set_ticket_keys_invalidates_old_tickets() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    for (name, v) in VERSIONS {
        let (t, a) = server(None, settings(300, "ctx", &clock));
        let client = client_config(v);
        assert_eq!(connect(&client, &a), HandshakeKind::Full, "{name}");
        assert_eq!(connect(&client, &a), HandshakeKind::Resumed, "{name}");
        let new = TicketKeys::from_bytes(&[3; 48]).unwrap();
        t.set_ticket_keys(new.clone());
        assert_eq!(t.get_ticket_keys(), new);
        assert_eq!(
            connect(&client, &a),
            HandshakeKind::Full,
            "{name} after rotation"
        );
        // Tickets from the rotated-in keys work, also on another server with them.
        let (_, b) = server(Some(new), settings(300, "ctx", &clock));
        assert_eq!(
            connect(&client, &b),
            HandshakeKind::Resumed,
            "{name} new keys on B"
        );
    }
}

#[test]
fn tickets_from_another_session_id_context_are_not_resumed() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let keys = TicketKeys::from_bytes(&[5; 48]).unwrap();
    for (name, v) in VERSIONS {
        let (_, a) = server(Some(keys.clone()), settings(300, "app-a", &clock));
        let (_, b) = server(Some(keys.clone()), settings(300, "app-b", &clock));
        let client = client_config(v);
        assert_eq!(connect(&client, &a), HandshakeKind::Full, "{name}");
        assert_eq!(connect(&client, &b), HandshakeKind::Full, "{name}");
    }
}

fn hooked(
    ctx: &str,
    timeout: u64,
    clock: &Arc<ManualClock>,
    tickets: bool,
) -> (Arc<SessionTicketer>, Arc<ServerConfig>) {
    let t = SessionTicketer::new(None, settings(timeout, ctx, clock), tickets).unwrap();
    let cfg = Arc::new(server_config(&t));
    (t, cfg)
}

#[test]
fn tls12_session_ids_resume_through_the_async_hooks() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    // Tickets disabled (SSL_OP_NO_TICKET): only session IDs can resume.
    let (t, cfg) = hooked("ctx", 300, &clock, false);
    let hooks = RecordingHooks::new(t.settings().clone());
    let client = client_config_with(&TLS12, Tls12Resumption::SessionIdOnly);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Full
    );
    let created = hooks.new_sessions.lock().unwrap().clone();
    assert_eq!(
        created.len(),
        1,
        "one newSession per full TLS 1.2 handshake"
    );
    assert_eq!(created[0].len(), 32);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Resumed
    );
    assert_eq!(
        hooks.resume_lookups.lock().unwrap().as_slice(),
        &created[..],
        "resumeSession asked for that id"
    );
    assert_eq!(
        hooks.new_sessions.lock().unwrap().len(),
        1,
        "no newSession on resumption"
    );

    // A server with another sessionIdContext sharing the same external store.
    let (t2, cfg2) = hooked("other", 300, &clock, false);
    let hooks2 = RecordingHooks::with_store(tls_core::session::SessionCache::new(
        t.settings().clone(),
        64,
    ));
    // Copy the stored record across, as a shared Redis would have it.
    let data = session_support::block_on(hooks.store_lookup(&created[0]));
    session_support::block_on(tls_core::session::SessionHooks::new_session(
        &hooks2.store,
        created[0].clone(),
        data,
    ));
    assert_eq!(
        connect_with_hooks(&client, &cfg2, &t2, &hooks2),
        HandshakeKind::Full,
        "other sessionIdContext"
    );
    // The record was found by the store, and refused by the context check.
    let _found = session_support::block_on(hooks2.store_lookup(&created[0]));
    assert_eq!(
        hooks2.resume_lookups.lock().unwrap().len(),
        1,
        "the lookup happened and was refused"
    );
}

#[test]
fn hook_sessions_expire_after_session_timeout() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (t, cfg) = hooked("ctx", 10, &clock, false);
    let hooks = RecordingHooks::new(SessionSettings {
        // The application's store keeps records far longer than the timeout:
        // the record itself still expires.
        session_timeout: SessionTimeout::from_secs(100_000).unwrap(),
        ..t.settings().clone()
    });
    let client = client_config_with(&TLS12, Tls12Resumption::SessionIdOnly);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Full
    );
    clock.advance(10);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Resumed
    );
    clock.advance(11);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Full
    );
    assert_eq!(hooks.resume_lookups.lock().unwrap().len(), 2);
}

#[test]
fn tls13_stateful_tickets_resume_through_the_hooks() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (t, cfg) = hooked("ctx", 300, &clock, false);
    let hooks = RecordingHooks::new(t.settings().clone());
    let client = client_config(&TLS13);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Full
    );
    // rustls sends 2 tickets, each one newSession, like OpenSSL under Node.
    assert_eq!(hooks.new_sessions.lock().unwrap().len(), 2);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Resumed
    );
    let looked_up = hooks.resume_lookups.lock().unwrap().clone();
    // The first connection offered no ticket: like Node, its random legacy
    // (compatibility) session ID is looked up and not found.
    assert_eq!(looked_up.len(), 2);
    assert!(!hooks.new_sessions.lock().unwrap().contains(&looked_up[0]));
    // The second offered a stateful ticket: its PSK identity is looked up.
    assert!(
        hooks.new_sessions.lock().unwrap().contains(&looked_up[1]),
        "looked up a stored ticket id"
    );
}

#[test]
fn tls12_ticket_handshakes_emit_no_new_session() {
    // Node: a full TLS 1.2 handshake that issues a ticket fires no newSession.
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (t, cfg) = hooked("ctx", 300, &clock, true);
    let hooks = RecordingHooks::new(t.settings().clone());
    let client = client_config(&TLS12);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Full
    );
    assert!(hooks.new_sessions.lock().unwrap().is_empty());
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Resumed,
        "by ticket"
    );
    assert!(
        hooks.resume_lookups.lock().unwrap().is_empty(),
        "a ticket was offered: no lookup"
    );
}

/// The lifetime hint in a TLS 1.2 NewSessionTicket (sent in the clear before
/// the server's ChangeCipherSpec) found in the server's output records.
fn tls12_ticket_lifetime_hint(server_output: &[u8]) -> Option<u32> {
    let mut rest = server_output;
    while rest.len() >= 5 {
        let len = usize::from(rest[3]) << 8 | usize::from(rest[4]);
        let body = rest.get(5..5 + len)?;
        if rest[0] == 22 && body.first() == Some(&4) {
            return Some(u32::from_be_bytes(body.get(4..8)?.try_into().ok()?));
        }
        if rest[0] == 20 {
            return None; // ChangeCipherSpec: everything after is encrypted
        }
        rest = &rest[5 + len..];
    }
    None
}

#[test]
fn tls12_ticket_lifetime_hint_is_the_session_timeout() {
    // OpenSSL under Node sends `sessionTimeout` as the hint (7200 by default;
    // measured with s_client: "TLS session ticket lifetime hint: 2" for 2).
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    for (secs, expected) in [(2, 2), (0, 7200), (86_400, 86_400)] {
        let (_, cfg) = server(None, settings(secs, "ctx", &clock));
        let mut c = session_support::client(&client_config(&TLS12));
        let mut s = rustls::ServerConnection::new(cfg).unwrap();
        let mut hint = None;
        for _ in 0..10 {
            let mut buf = Vec::new();
            while c.wants_write() {
                c.write_tls(&mut buf).unwrap();
            }
            let mut rd = &buf[..];
            while !rd.is_empty() {
                s.read_tls(&mut rd).unwrap();
                s.process_new_packets().unwrap();
            }
            let mut out = Vec::new();
            while s.wants_write() {
                s.write_tls(&mut out).unwrap();
            }
            hint = hint.or_else(|| tls12_ticket_lifetime_hint(&out));
            let mut rd = &out[..];
            while !rd.is_empty() {
                c.read_tls(&mut rd).unwrap();
                c.process_new_packets().unwrap();
            }
        }
        assert_eq!(hint, Some(expected), "sessionTimeout {secs}");
    }
}

/// An application store that answers every lookup with junk (and stores new
/// sessions in a sane store).
struct JunkHooks(Arc<RecordingHooks>);

impl tls_core::session::SessionHooks for JunkHooks {
    fn new_session(&self, id: Vec<u8>, data: Vec<u8>) -> tls_core::session::HookFuture<()> {
        tls_core::session::SessionHooks::new_session(&*self.0, id, data)
    }

    fn resume_session(
        &self,
        _: Vec<u8>,
    ) -> tls_core::session::HookFuture<Result<Option<Vec<u8>>, tls_core::session::HookError>> {
        Box::pin(std::future::ready(Ok(Some(
            b"NTS1 not really a session record".to_vec(),
        ))))
    }
}

#[test]
fn junk_from_the_application_store_means_a_full_handshake() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (t, cfg) = hooked("ctx", 300, &clock, false);
    let hooks = RecordingHooks::new(t.settings().clone());
    let client = client_config_with(&TLS12, Tls12Resumption::SessionIdOnly);
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Full
    );
    // The client offers its session ID; the store answers junk: full handshake.
    assert_eq!(
        session_support::connect_with_dyn_hooks(&client, &cfg, &t, &JunkHooks(hooks.clone())),
        HandshakeKind::Full
    );
    // The junk answer was really about a resumable session: a sane store
    // resumes the client's (new) session.
    assert_eq!(
        connect_with_hooks(&client, &cfg, &t, &hooks),
        HandshakeKind::Resumed
    );
}
