//! Session resumption with Node's options: `ticketKeys`,
//! `server.getTicketKeys()`/`setTicketKeys()`, `sessionTimeout`,
//! `sessionIdContext`, and the `newSession`/`resumeSession` events.
//!
//! * [`SessionTicketer`] is a rustls `ProducesTickets` built on Node's 48-byte
//!   [`TicketKeys`]: servers sharing keys resume each other's TLS 1.2 and TLS
//!   1.3 tickets; tickets expire after `sessionTimeout`; rotation invalidates
//!   old tickets.
//! * [`ConnectionSessionStore`] is a per-connection rustls
//!   `StoresServerSessions` that bridges to the asynchronous [`SessionHooks`].
//! * [`client_hello_session_id`] finds the session ID to look up before rustls
//!   sees the ClientHello.
//! * [`SessionCache`] is an optional in-memory store (Node has none built in).
//!
//! # How tls-node drives a server connection
//!
//! Once per server (and per SNI context, which in Node has its own keys):
//! steps 1 and 2 are what [`SessionOptions::build_ticketer`] does.
//!
//! 1. `let settings = SessionSettings { session_timeout, session_id_context,
//!    ..Default::default() }` from `sessionTimeout` ([`SessionTimeout::from_number`])
//!    and `sessionIdContext` ([`SessionIdContext::new`]).
//! 2. `let ticketer = SessionTicketer::new(ticket_keys, settings.clone(),
//!    !no_ticket)?` where `ticket_keys` comes from `ticketKeys`
//!    ([`TicketKeys::from_bytes`]) and `no_ticket` is `SSL_OP_NO_TICKET` in
//!    `secureOptions`. Set `server_config.ticketer = ticketer.clone()`; keep
//!    `ticketer` for `server.getTicketKeys()` / `server.setTicketKeys()`.
//!
//! For every accepted socket:
//!
//! 3. Read from the socket into a buffer until
//!    [`client_hello_session_id`]`(&buf)` is not [`ClientHelloPeek::NeedMore`]
//!    (keep the bytes; the handshake timeout applies while reading).
//! 4. `let store = ConnectionSessionStore::new(settings.clone(), hello.as_ref(),
//!    ticketer.enabled())` (`hello` is `Some` for `Complete`, `None` for
//!    `Invalid`).
//! 5. If there is a `resumeSession` listener and
//!    `hello.resume_session_id(ticketer.enabled())` is `Some(id)`: await
//!    `hooks.resume_session(id.to_vec())`. `Err(e)` destroys the socket with
//!    `e`; `Ok(Some(data))` becomes `store = store.with_resumed(id, data)`;
//!    `Ok(None)` leaves it empty.
//! 6. Build the connection from a per-connection copy of the config:
//!    `let mut cfg = (*base).clone(); cfg.session_storage = Arc::new(store)`
//!    (keep an `Arc` of the store), then `ServerConnection::new(Arc::new(cfg))`
//!    and feed it the buffered bytes. (tokio-rustls's `TlsAcceptor::accept`
//!    writes handshake output itself, so step 7 needs a hand-driven
//!    `ServerConnection` loop until the handshake completes.)
//! 7. After every `process_new_packets()`: `for s in store.drain_new_sessions()`
//!    await `hooks.new_session(s.session_id, s.session_data)` (or drop them when
//!    there is no `newSession` listener) BEFORE writing the connection's pending
//!    TLS output and before emitting `secureConnection`. rustls stores TLS 1.2
//!    sessions while handling the client's Finished and TLS 1.3 stateful tickets
//!    when sending them, so this is where Node holds its output until the
//!    `newSession` callback runs.
//!
//! Bounds: [`client_hello_session_id`] answers `Complete` or `Invalid` once the
//! input holds a whole ClientHello (at most 64 KiB of handshake data; with
//! pathological 1-byte records about 400 KB of input), so step 3 cannot read
//! forever; it re-parses from the start each call, so call it once per read.
//! A record returned by `resume_session` that is corrupt, expired or from
//! another `sessionIdContext` just means a full handshake.
//!
//! # Differences from Node/OpenSSL (rustls limits or deliberate)
//!
//! * Ticket bytes are our own AES-128-GCM format, not OpenSSL's; only servers
//!   built from the same 48 bytes by this crate share tickets.
//! * `sessionData` is our own record, not an ASN.1 `SSL_SESSION`.
//! * Node emits `newSession` for every TLS 1.3 ticket, stateless ones included;
//!   rustls stores only stateful ones, so with tickets enabled TLS 1.3 emits none.
//! * Stateful TLS 1.3 tickets are single-use within a connection store (rustls
//!   `take`), but the application's store keeps them, as with Node, where
//!   nothing tells the listener to delete a session.
//! * Stateful TLS 1.3 tickets advertise rustls's fixed 24 h lifetime hint; the
//!   `sessionTimeout` is still enforced when they come back.
#![allow(clippy::doc_markdown)]

mod cache;
mod client_hello;
mod envelope;
mod hooks;
mod options;
mod settings;
mod ticket_keys;

pub use cache::SessionCache;
pub use client_hello::{client_hello_session_id, ClientHelloInfo, ClientHelloPeek};
pub use hooks::{ConnectionSessionStore, HookError, HookFuture, NewSession, SessionHooks};
pub use options::SessionOptions;
pub use settings::{ManualClock, SessionIdContext, SessionSettings, SessionTimeout};
pub use ticket_keys::{SessionTicketer, TicketKeys};
