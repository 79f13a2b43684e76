//! A bounded in-memory session store that honours `sessionTimeout` and
//! `sessionIdContext`.
//!
//! Node 20 has no built-in server session cache (it sets OpenSSL's
//! `SSL_SESS_CACHE_NO_INTERNAL`): without `newSession`/`resumeSession`
//! listeners a TLS 1.2 session ID is never resumed (measured with
//! `openssl s_client -no_ticket -sess_out/-sess_in`). So tls-node does not use
//! this cache by default; it is the ready-made store for applications that want
//! one in-process (as [`SessionHooks`], the shape of Node's events, or as a
//! plain rustls `session_storage`).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, PoisonError};

use rustls::server::StoresServerSessions;

use super::envelope;
use super::hooks::{HookError, HookFuture, SessionHooks};
use super::settings::SessionSettings;

struct Entry {
    value: Vec<u8>,
    inserted: u64,
    seq: u64,
}

#[derive(Default)]
struct Inner {
    map: HashMap<Vec<u8>, Entry>,
    /// Keys in insertion order with their sequence number; entries whose
    /// number no longer matches the map were overwritten or removed.
    order: VecDeque<(Vec<u8>, u64)>,
    next_seq: u64,
}

/// A bounded, expiring session cache keyed by (`sessionIdContext`, session ID).
///
/// # Defaults
///
/// No default size: [`SessionCache::new`] takes the capacity; the oldest entry
/// is evicted when full.
pub struct SessionCache {
    settings: SessionSettings,
    capacity: usize,
    inner: Mutex<Inner>,
}

impl SessionCache {
    /// A cache for at most `capacity` sessions (at least 1).
    pub fn new(settings: SessionSettings, capacity: usize) -> Self {
        Self {
            settings,
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// How many live (unexpired) sessions are stored.
    pub fn len(&self) -> usize {
        let now = self.settings.now().unwrap_or(u64::MAX);
        let timeout = u64::from(self.settings.session_timeout.secs());
        self.lock()
            .map
            .values()
            .filter(|e| now.saturating_sub(e.inserted) <= timeout)
            .count()
    }

    /// Whether no live session is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Sections below only insert/remove whole entries: poisoning is harmless.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sessions from another context live under another key, so they can
    /// neither be found nor overwritten from here.
    fn namespaced(&self, id: &[u8]) -> Vec<u8> {
        let ctx = self.settings.session_id_context.as_bytes();
        let mut key = Vec::with_capacity(1 + ctx.len() + id.len());
        // At most 32 (SessionIdContext enforces it).
        key.push(ctx.len() as u8);
        key.extend_from_slice(ctx);
        key.extend_from_slice(id);
        key
    }

    fn insert(&self, id: &[u8], value: Vec<u8>) -> bool {
        let Some(now) = self.settings.now() else {
            return false;
        };
        let key = self.namespaced(id);
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.order.push_back((key.clone(), seq));
        inner.map.insert(
            key,
            Entry {
                value,
                inserted: now,
                seq,
            },
        );
        while inner.map.len() > self.capacity {
            let Some((old, old_seq)) = inner.order.pop_front() else {
                break;
            };
            if inner.map.get(&old).is_some_and(|e| e.seq == old_seq) {
                inner.map.remove(&old);
            }
        }
        // Overwrites leave stale order entries; keep the queue bounded.
        if inner.order.len() > 2 * self.capacity + 16 {
            let Inner { map, order, .. } = &mut *inner;
            order.retain(|(k, s)| map.get(k).is_some_and(|e| e.seq == *s));
        }
        true
    }

    fn lookup(&self, id: &[u8], remove: bool) -> Option<Vec<u8>> {
        let key = self.namespaced(id);
        let now = self.settings.now()?;
        let timeout = u64::from(self.settings.session_timeout.secs());
        let mut inner = self.lock();
        let entry = inner.map.get(&key)?;
        if now.saturating_sub(entry.inserted) > timeout {
            inner.map.remove(&key);
            return None;
        }
        if remove {
            inner.map.remove(&key).map(|e| e.value)
        } else {
            Some(entry.value.clone())
        }
    }
}

impl fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCache")
            .field("settings", &self.settings)
            .field("capacity", &self.capacity)
            .field("stored", &self.lock().map.len())
            .finish_non_exhaustive()
    }
}

/// Direct use as `ServerConfig::session_storage` (no hooks): values are sealed
/// with their creation time and context like every record we hand out.
impl StoresServerSessions for SessionCache {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        match envelope::seal(&self.settings, &value) {
            Some(record) => self.insert(&key, record),
            None => false,
        }
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let record = self.lookup(key, false)?;
        envelope::open(&self.settings, &record)
            .ok()
            .map(<[u8]>::to_vec)
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        let record = self.lookup(key, true)?;
        envelope::open(&self.settings, &record)
            .ok()
            .map(<[u8]>::to_vec)
    }

    fn can_cache(&self) -> bool {
        true
    }
}

/// Use as Node-style `newSession`/`resumeSession` listeners (an in-process
/// "external" store); futures are ready at once.
impl SessionHooks for SessionCache {
    fn new_session(&self, session_id: Vec<u8>, session_data: Vec<u8>) -> HookFuture<()> {
        self.insert(&session_id, session_data);
        Box::pin(std::future::ready(()))
    }

    fn resume_session(
        &self,
        session_id: Vec<u8>,
    ) -> HookFuture<Result<Option<Vec<u8>>, HookError>> {
        Box::pin(std::future::ready(Ok(self.lookup(&session_id, false))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::settings::{SessionIdContext, SessionTimeout};
    use crate::session::ManualClock;
    use std::sync::Arc;

    fn settings(clock: &Arc<ManualClock>, ctx: &str) -> SessionSettings {
        SessionSettings {
            session_timeout: SessionTimeout::from_secs(5).unwrap(),
            session_id_context: SessionIdContext::new(ctx).unwrap(),
            time_provider: clock.clone(),
        }
    }

    #[test]
    fn bounded_expiring_and_namespaced() {
        let clock = Arc::new(ManualClock::new(100));
        let cache = SessionCache::new(settings(&clock, "a"), 2);
        assert!(cache.put(b"1".to_vec(), b"one".to_vec()));
        assert!(cache.put(b"1".to_vec(), b"uno".to_vec()));
        assert!(cache.put(b"2".to_vec(), b"two".to_vec()));
        assert_eq!(cache.get(b"1").as_deref(), Some(&b"uno"[..]));
        assert!(cache.put(b"3".to_vec(), b"three".to_vec()));
        assert_eq!(cache.get(b"1"), None, "oldest evicted");
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.take(b"2").as_deref(), Some(&b"two"[..]));
        assert_eq!(cache.take(b"2"), None, "take deletes");
        // Another context sharing nothing but the clock sees nothing.
        let other = SessionCache::new(settings(&clock, "b"), 2);
        assert_eq!(other.get(b"3"), None);
        clock.advance(5);
        assert!(cache.get(b"3").is_some());
        clock.advance(1);
        assert_eq!(cache.get(b"3"), None, "expired after sessionTimeout");
        for i in 0..1000u32 {
            cache.put(b"same".to_vec(), i.to_be_bytes().to_vec());
        }
        assert!(cache.lock().order.len() <= 2 * 2 + 16 + 1);
    }
}
