//! In-memory TLS pairs for the session tests: rustls client and server
//! connections pumping bytes through buffers, and a server driver that follows
//! the sequence tls-node must use with `ConnectionSessionStore` (module docs of
//! `tls_core::session`).
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};

use rustls::client::Tls12Resumption;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::ProducesTickets;
use rustls::{ClientConfig, ClientConnection, HandshakeKind, ServerConfig, ServerConnection};
use tls_core::session::{
    client_hello_session_id, ClientHelloPeek, ConnectionSessionStore, HookError, HookFuture,
    SessionCache, SessionHooks, SessionSettings, SessionTicketer,
};

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// One EC P-256 self-signed certificate for "localhost", made once per process.
pub fn pki() -> &'static (CertificateDer<'static>, Vec<u8>) {
    static PKI: OnceLock<(CertificateDer<'static>, Vec<u8>)> = OnceLock::new();
    PKI.get_or_init(|| {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        (ck.cert.der().clone(), ck.signing_key.serialize_der())
    })
}

pub fn server_config(ticketer: &Arc<SessionTicketer>) -> ServerConfig {
    let (cert, key) = pki();
    let mut cfg = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.clone()],
            PrivateKeyDer::try_from(key.clone()).unwrap(),
        )
        .unwrap();
    cfg.ticketer = ticketer.clone();
    // Node's servers keep no internal cache: only tickets or hooks resume.
    cfg.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    cfg
}

pub fn client_config(version: &'static rustls::SupportedProtocolVersion) -> Arc<ClientConfig> {
    client_config_with(version, Tls12Resumption::SessionIdOrTickets)
}

pub fn client_config_with(
    version: &'static rustls::SupportedProtocolVersion,
    tls12: Tls12Resumption,
) -> Arc<ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki().0.clone()).unwrap();
    let mut cfg = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[version])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.resumption = cfg.resumption.tls12_resumption(tls12);
    Arc::new(cfg)
}

pub fn client(cfg: &Arc<ClientConfig>) -> ClientConnection {
    ClientConnection::new(cfg.clone(), ServerName::try_from("localhost").unwrap()).unwrap()
}

/// The client's first flight (its ClientHello records).
pub fn client_hello_bytes(c: &mut ClientConnection) -> Vec<u8> {
    let mut out = Vec::new();
    while c.wants_write() {
        c.write_tls(&mut out).unwrap();
    }
    out
}

fn move_bytes(from: &mut dyn FnMut(&mut Vec<u8>) -> usize, to: &mut dyn FnMut(&[u8])) -> bool {
    let mut buf = Vec::new();
    if from(&mut buf) == 0 {
        return false;
    }
    to(&buf);
    true
}

/// Pumps until both sides are done and idle; panics on a TLS error. Also
/// delivers the server's post-handshake tickets to the client. After each
/// server `process_new_packets`, `after_server` runs (the hooks driver's
/// drain-and-await point), before any server output is written.
pub fn pump(c: &mut ClientConnection, s: &mut ServerConnection, after_server: &mut dyn FnMut()) {
    for _ in 0..100 {
        let mut moved = false;
        while c.wants_write() {
            let mut buf = Vec::new();
            c.write_tls(&mut buf).unwrap();
            let mut rd = &buf[..];
            while !rd.is_empty() {
                s.read_tls(&mut rd).unwrap();
                s.process_new_packets().unwrap();
                after_server();
            }
            moved = true;
        }
        while s.wants_write() {
            let mut buf = Vec::new();
            s.write_tls(&mut buf).unwrap();
            let mut rd = &buf[..];
            while !rd.is_empty() {
                c.read_tls(&mut rd).unwrap();
                c.process_new_packets().unwrap();
            }
            moved = true;
        }
        if !moved && !c.is_handshaking() && !s.is_handshaking() {
            return;
        }
    }
    panic!("handshake did not finish in 100 rounds");
}

/// Handshake a fresh client connection with a server built from `cfg`;
/// returns the server's handshake kind (the client's must agree).
pub fn connect(client_cfg: &Arc<ClientConfig>, server_cfg: &Arc<ServerConfig>) -> HandshakeKind {
    let mut c = client(client_cfg);
    let mut s = ServerConnection::new(server_cfg.clone()).unwrap();
    pump(&mut c, &mut s, &mut || {});
    let kind = s.handshake_kind().unwrap();
    assert_eq!(c.handshake_kind(), Some(kind));
    kind
}

/// Polls a future to completion on this thread (hooks here never park).
pub fn block_on<T>(fut: impl Future<Output = T>) -> T {
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

/// `SessionHooks` over a `SessionCache` that records every call, like an
/// application's `newSession`/`resumeSession` listeners with a store.
pub struct RecordingHooks {
    pub store: SessionCache,
    pub new_sessions: Mutex<Vec<Vec<u8>>>,
    pub resume_lookups: Mutex<Vec<Vec<u8>>>,
}

impl RecordingHooks {
    pub fn new(settings: SessionSettings) -> Arc<Self> {
        Self::with_store(SessionCache::new(settings, 64))
    }

    pub fn with_store(store: SessionCache) -> Arc<Self> {
        Arc::new(Self {
            store,
            new_sessions: Mutex::default(),
            resume_lookups: Mutex::default(),
        })
    }
}

impl SessionHooks for RecordingHooks {
    fn new_session(&self, session_id: Vec<u8>, session_data: Vec<u8>) -> HookFuture<()> {
        self.new_sessions.lock().unwrap().push(session_id.clone());
        let inner = self.store.new_session(session_id, session_data);
        // Really asynchronous: completes only on the second poll.
        Box::pin(async move {
            YieldOnce(false).await;
            inner.await;
        })
    }

    fn resume_session(
        &self,
        session_id: Vec<u8>,
    ) -> HookFuture<Result<Option<Vec<u8>>, HookError>> {
        self.resume_lookups.lock().unwrap().push(session_id.clone());
        let inner = self.store.resume_session(session_id);
        Box::pin(async move {
            YieldOnce(false).await;
            inner.await
        })
    }
}

struct YieldOnce(bool);
impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// A server connection driven exactly as the `tls_core::session` module docs
/// tell tls-node to: peek, async resume lookup, per-connection store, drain and
/// await `new_session` after each `process_new_packets`.
pub fn connect_with_hooks(
    client_cfg: &Arc<ClientConfig>,
    base: &Arc<ServerConfig>,
    ticketer: &Arc<SessionTicketer>,
    hooks: &Arc<RecordingHooks>,
) -> HandshakeKind {
    connect_with_dyn_hooks(client_cfg, base, ticketer, &**hooks)
}

/// [`connect_with_hooks`] with any hooks.
pub fn connect_with_dyn_hooks(
    client_cfg: &Arc<ClientConfig>,
    base: &Arc<ServerConfig>,
    ticketer: &Arc<SessionTicketer>,
    hooks: &dyn SessionHooks,
) -> HandshakeKind {
    let mut c = client(client_cfg);
    let first = client_hello_bytes(&mut c);
    // Step 3: peek (here the whole flight is already buffered; also check
    // that every prefix asks for more).
    for n in 0..first.len() {
        assert_eq!(
            client_hello_session_id(&first[..n]),
            ClientHelloPeek::NeedMore
        );
    }
    let hello = match client_hello_session_id(&first) {
        ClientHelloPeek::Complete(info) => Some(info),
        other => panic!("rustls ClientHello did not parse: {other:?}"),
    };
    let settings = ticketer.settings().clone();
    // Step 4.
    let mut store = ConnectionSessionStore::new(settings, hello.as_ref(), ticketer.enabled());
    // Step 5.
    if let Some(id) = hello
        .as_ref()
        .and_then(|h| h.resume_session_id(ticketer.enabled()))
    {
        if let Some(data) = block_on(hooks.resume_session(id.to_vec())).unwrap() {
            store = store.with_resumed(id.to_vec(), data);
        }
    }
    // Step 6.
    let store = Arc::new(store);
    let mut cfg = (**base).clone();
    cfg.session_storage = store.clone();
    let mut s = ServerConnection::new(Arc::new(cfg)).unwrap();
    let mut rd = &first[..];
    while !rd.is_empty() {
        s.read_tls(&mut rd).unwrap();
        s.process_new_packets().unwrap();
    }
    // Step 7, at every process_new_packets from here on.
    let mut drain = || {
        for n in store.drain_new_sessions() {
            block_on(hooks.new_session(n.session_id, n.session_data));
        }
    };
    drain();
    pump(&mut c, &mut s, &mut drain);
    let kind = s.handshake_kind().unwrap();
    assert_eq!(c.handshake_kind(), Some(kind));
    kind
}

impl RecordingHooks {
    /// What the store holds for `id` (the raw record an external store keeps).
    pub fn store_lookup(&self, id: &[u8]) -> impl Future<Output = Vec<u8>> + use<> {
        let fut = self.store.resume_session(id.to_vec());
        async move { fut.await.unwrap().unwrap() }
    }
}
