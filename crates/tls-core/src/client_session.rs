//! Client sessions: `tlsSocket.getSession()`, the `session` event and the
//! `session` option of `tls.connect()`.
//!
//! rustls cannot serialise a client session, so a [`Session`] is an opaque
//! Buffer-like handle (`NTLS` + version + 32 random bytes) into a process-wide
//! registry of the rustls session values. Within one process it resumes exactly
//! like Node's (TLS 1.2 session IDs and tickets, TLS 1.3 tickets, also against a
//! second server sharing `ticketKeys`). Bytes that this process did not issue (a
//! session from another process, or garbage) are refused with
//! `ERR_TLS_INVALID_SESSION` instead of silently doing a full handshake.
//!
//! A TLS 1.3 ticket is single-use here (rustls never sends one twice, for
//! privacy), so a TLS 1.3 session resumes once; each resumed connection brings new
//! tickets and so new sessions. A TLS 1.2 session resumes any number of times.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::NamedGroup;
use rustls_pki_types::ServerName;

use crate::{Error, Result};

const MAGIC: &[u8; 5] = b"NTLS\x01";
const ID_LEN: usize = 32;
/// Registry bound: the oldest sessions are forgotten past this many.
const MAX_SESSIONS: usize = 16 * 1024;

/// An opaque session, as `getSession()` returns it and the `session` option takes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Session {
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session({} bytes)", self.bytes.len())
    }
}

impl Session {
    /// The Buffer-like bytes (what Node's `getSession()` returns).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A session from bytes. Bytes not issued by this process:
    /// `ERR_TLS_INVALID_SESSION`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let valid = bytes.len() == MAGIC.len() + ID_LEN
            && bytes.starts_with(MAGIC)
            && registry_lock().entries.contains_key(&bytes[MAGIC.len()..]);
        if !valid {
            return Err(Error::InvalidSession);
        }
        Ok(Session {
            bytes: bytes.to_vec(),
        })
    }

    fn id(&self) -> &[u8] {
        &self.bytes[MAGIC.len()..]
    }
}

#[derive(Default)]
struct Entry {
    tls12: Option<Tls12ClientSessionValue>,
    tls13: Option<Tls13ClientSessionValue>,
    kx_hint: Option<NamedGroup>,
}

#[derive(Default)]
struct Registry {
    entries: HashMap<Vec<u8>, Entry>,
    order: VecDeque<Vec<u8>>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

struct RegistryGuard(std::sync::MutexGuard<'static, Option<Registry>>);

impl std::ops::Deref for RegistryGuard {
    type Target = Registry;
    fn deref(&self) -> &Registry {
        // The guard is only built by `registry_lock`, which fills the option.
        self.0
            .as_ref()
            .expect("registry initialised by registry_lock")
    }
}

impl std::ops::DerefMut for RegistryGuard {
    fn deref_mut(&mut self) -> &mut Registry {
        self.0
            .as_mut()
            .expect("registry initialised by registry_lock")
    }
}

fn registry_lock() -> RegistryGuard {
    // A panic while holding the lock cannot leave an entry half-written (every
    // mutation is a single insert/remove), so a poisoned lock is still usable.
    let mut guard = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    guard.get_or_insert_with(Registry::default);
    RegistryGuard(guard)
}

fn register(entry: Entry) -> Session {
    let mut id = vec![0u8; ID_LEN];
    // ring's SystemRandom only fails if the OS has no entropy source at all.
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut id)
        .expect("system randomness");
    let mut reg = registry_lock();
    if reg.order.len() >= MAX_SESSIONS {
        if let Some(old) = reg.order.pop_front() {
            reg.entries.remove(&old);
        }
    }
    reg.entries.insert(id.clone(), entry);
    reg.order.push_back(id.clone());
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&id);
    Session { bytes }
}

/// Called with each new session a connection receives (Node's `session` event).
pub type SessionCallback = Arc<dyn Fn(Session) + Send + Sync>;

/// The per-connection [`ClientSessionStore`]: offers the `session` option's
/// session, and registers every session the server grants.
pub struct ConnectionSessionStore {
    offer: Mutex<Entry>,
    on_session: SessionCallback,
}

impl std::fmt::Debug for ConnectionSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConnectionSessionStore")
    }
}

impl ConnectionSessionStore {
    /// A store that offers `session` (if any) and reports new sessions.
    pub fn new(session: Option<&Session>, on_session: SessionCallback) -> Self {
        let offer = match session {
            Some(s) => {
                let mut reg = registry_lock();
                match reg.entries.get_mut(s.id()) {
                    Some(e) => Entry {
                        tls12: e.tls12.clone(),
                        tls13: e.tls13.take(),
                        kx_hint: e.kx_hint,
                    },
                    None => Entry::default(),
                }
            }
            None => Entry::default(),
        };
        ConnectionSessionStore {
            offer: Mutex::new(offer),
            on_session,
        }
    }

    fn offer(&self) -> std::sync::MutexGuard<'_, Entry> {
        self.offer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ClientSessionStore for ConnectionSessionStore {
    fn set_kx_hint(&self, _server_name: ServerName<'static>, group: NamedGroup) {
        self.offer().kx_hint = Some(group);
    }

    fn kx_hint(&self, _server_name: &ServerName<'_>) -> Option<NamedGroup> {
        self.offer().kx_hint
    }

    fn set_tls12_session(&self, _server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        let kx_hint = self.offer().kx_hint;
        (self.on_session)(register(Entry {
            tls12: Some(value),
            tls13: None,
            kx_hint,
        }));
    }

    fn tls12_session(&self, _server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.offer().tls12.clone()
    }

    fn remove_tls12_session(&self, _server_name: &ServerName<'static>) {
        self.offer().tls12 = None;
    }

    fn insert_tls13_ticket(
        &self,
        _server_name: ServerName<'static>,
        value: Tls13ClientSessionValue,
    ) {
        let kx_hint = self.offer().kx_hint;
        (self.on_session)(register(Entry {
            tls12: None,
            tls13: Some(value),
            kx_hint,
        }));
    }

    fn take_tls13_ticket(
        &self,
        _server_name: &ServerName<'static>,
    ) -> Option<Tls13ClientSessionValue> {
        self.offer().tls13.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_bytes_are_refused() {
        assert_eq!(
            Session::from_bytes(b"").unwrap_err().code(),
            "ERR_TLS_INVALID_SESSION"
        );
        let mut forged = MAGIC.to_vec();
        forged.extend_from_slice(&[7u8; ID_LEN]);
        assert_eq!(
            Session::from_bytes(&forged).unwrap_err().code(),
            "ERR_TLS_INVALID_SESSION"
        );
        let s = register(Entry::default());
        assert_eq!(Session::from_bytes(s.as_bytes()).unwrap(), s);
    }
}
