//! Node's asynchronous `newSession` / `resumeSession` events over rustls's
//! synchronous [`StoresServerSessions`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

use rustls::server::StoresServerSessions;

use super::client_hello::ClientHelloInfo;
use super::envelope;
use super::settings::SessionSettings;

/// A boxed, sendable future: what [`SessionHooks`] methods return (no runtime
/// is assumed; tls-node awaits them on tokio).
pub type HookFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The error a `resumeSession` listener reports (`callback(err)`); Node then
/// destroys the socket with it.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Node's `'newSession'` and `'resumeSession'` server events: an external
/// session store (Redis, a database) consulted asynchronously.
///
/// `session_id` is the raw session ID (TLS 1.2) or stateful ticket (TLS 1.3);
/// `session_data` is an opaque record to store and give back unchanged. It
/// carries its creation time, `sessionTimeout` and `sessionIdContext`, which
/// are checked when it comes back (like OpenSSL's `SSL_SESSION`), so a store
/// may keep records longer than the timeout without harm. The record holds the
/// session's master secret: store it as a secret.
pub trait SessionHooks: Send + Sync {
    /// `server.on('newSession', (sessionId, sessionData, callback) => ...)`:
    /// the handshake's output is held until the future completes.
    fn new_session(&self, session_id: Vec<u8>, session_data: Vec<u8>) -> HookFuture<()>;

    /// `server.on('resumeSession', (sessionId, callback) => ...)`: `Ok(None)`
    /// is `callback(null, null)` (full handshake); `Err` is `callback(err)`
    /// (the connection is destroyed).
    fn resume_session(&self, session_id: Vec<u8>)
        -> HookFuture<Result<Option<Vec<u8>>, HookError>>;
}

/// A session a handshake created, to be passed to [`SessionHooks::new_session`].
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    /// Node's `sessionId` argument.
    pub session_id: Vec<u8>,
    /// Node's `sessionData` argument (opaque; see [`SessionHooks`]).
    pub session_data: Vec<u8>,
}

impl fmt::Debug for NewSession {
    /// The data holds a master secret: only its length is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("session_id", &self.session_id)
            .field("session_data_len", &self.session_data.len())
            .finish()
    }
}

/// The per-connection [`StoresServerSessions`] that bridges rustls's
/// synchronous store to the asynchronous [`SessionHooks`]: it answers rustls
/// from the one session looked up before the handshake, and queues the
/// sessions rustls stores so that tls-node can await `new_session` for each.
/// See the module docs of [`crate::session`] for the exact driving sequence.
pub struct ConnectionSessionStore {
    settings: SessionSettings,
    resumed: Mutex<Option<(Vec<u8>, Vec<u8>)>>,
    new_sessions: Mutex<Vec<NewSession>>,
    record_new_sessions: bool,
}

impl ConnectionSessionStore {
    /// A store for one connection.
    ///
    /// `hello` is the peeked ClientHello (if it parsed) and `tickets_enabled`
    /// the ticketer's `enabled()`: when the client asked for a TLS 1.2 ticket
    /// and will get one, OpenSSL does not cache the session and Node emits no
    /// `newSession`; rustls stores it anyway, so we drop it here to match.
    pub fn new(
        settings: SessionSettings,
        hello: Option<&ClientHelloInfo>,
        tickets_enabled: bool,
    ) -> Self {
        let ticket_will_be_sent =
            tickets_enabled && hello.is_some_and(|h| h.session_ticket_len.is_some());
        Self {
            settings,
            resumed: Mutex::new(None),
            new_sessions: Mutex::new(Vec::new()),
            record_new_sessions: !ticket_will_be_sent,
        }
    }

    /// Seeds the store with what `resume_session(session_id)` returned, before
    /// the ClientHello is given to rustls. A record that is expired, from
    /// another `sessionIdContext` or not ours is ignored when rustls asks (full
    /// handshake).
    #[must_use]
    pub fn with_resumed(self, session_id: Vec<u8>, session_data: Vec<u8>) -> Self {
        *lock(&self.resumed) = Some((session_id, session_data));
        self
    }

    /// Takes the sessions created since the last call, in order. Call it after
    /// every `process_new_packets()` and await [`SessionHooks::new_session`]
    /// for each before writing the connection's pending TLS output.
    pub fn drain_new_sessions(&self) -> Vec<NewSession> {
        std::mem::take(&mut *lock(&self.new_sessions))
    }

    fn lookup(&self, key: &[u8], remove: bool) -> Option<Vec<u8>> {
        let mut slot = lock(&self.resumed);
        let value = match slot.as_ref() {
            Some((id, data)) if id == key => envelope::open(&self.settings, data)
                .ok()
                .map(<[u8]>::to_vec),
            _ => return None,
        };
        if remove {
            // `take` must reliably delete (rustls: single-use TLS 1.3 tickets).
            *slot = None;
        }
        value
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section here is a plain move or push; a panic elsewhere
    // cannot leave the data inconsistent, so poisoning is ignored.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Debug for ConnectionSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionSessionStore")
            .field("settings", &self.settings)
            .field(
                "resumed_id",
                &lock(&self.resumed).as_ref().map(|(id, _)| id.clone()),
            )
            .field("pending_new_sessions", &lock(&self.new_sessions).len())
            .field("record_new_sessions", &self.record_new_sessions)
            .finish()
    }
}

impl StoresServerSessions for ConnectionSessionStore {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        if !self.record_new_sessions {
            return false;
        }
        let Some(session_data) = envelope::seal(&self.settings, &value) else {
            return false;
        };
        lock(&self.new_sessions).push(NewSession {
            session_id: key,
            session_data,
        });
        true
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.lookup(key, false)
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.lookup(key, true)
    }

    fn can_cache(&self) -> bool {
        true
    }
}
