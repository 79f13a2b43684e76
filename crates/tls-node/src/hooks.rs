//! Node's async `newSession` / `resumeSession` events in a rustls handshake.
//!
//! - `resumeSession`: before the handshake proper, the raw ClientHello (recorded
//!   while rustls parsed it) yields the session ID; the hook is awaited and its
//!   answer pre-seeds a per-connection `ConnectionSessionStore`, which rustls then
//!   finds synchronously.
//! - `newSession`: rustls stores new sessions synchronously while processing the
//!   handshake; the [`WriteGate`] on the connection's IO drains them and awaits
//!   each `newSession` future *before* the next handshake bytes go out, so the
//!   handshake waits for the hook exactly as Node holds its output until the
//!   `newSession` callback runs.

use std::sync::Arc;
use std::task::{Context, Poll};

use tls_core::session::{ConnectionSessionStore, HookFuture, SessionHooks};

/// Holds writes while `newSession` hooks run.
pub(crate) struct WriteGate {
    store: Arc<ConnectionSessionStore>,
    hooks: Arc<dyn SessionHooks>,
    pending: Option<HookFuture<()>>,
}

impl WriteGate {
    pub(crate) fn new(store: Arc<ConnectionSessionStore>, hooks: Arc<dyn SessionHooks>) -> Self {
        WriteGate {
            store,
            hooks,
            pending: None,
        }
    }

    /// Ready once every session stored so far went through `newSession`.
    pub(crate) fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            if let Some(fut) = self.pending.as_mut() {
                match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(()) => self.pending = None,
                }
            }
            let new = self.store.drain_new_sessions();
            if new.is_empty() {
                return Poll::Ready(());
            }
            let hooks = self.hooks.clone();
            self.pending = Some(Box::pin(async move {
                for s in new {
                    hooks.new_session(s.session_id, s.session_data).await;
                }
            }));
        }
    }
}
