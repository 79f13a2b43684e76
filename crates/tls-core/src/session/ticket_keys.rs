//! Node's `ticketKeys` and a rustls [`ProducesTickets`] that really uses them.
//!
//! Node's 48 bytes are a 16-byte key name, a 16-byte HMAC secret and a 16-byte
//! AES key (OpenSSL's AES-128-CBC + HMAC-SHA256 ticket format). We keep the
//! same shape and semantics but a modern construction: the 32 secret bytes are
//! run through HKDF-SHA256 into an AES-128-GCM key, and a ticket is
//! `key name (16) || nonce (12) || AES-128-GCM(time (8) || timeout (4) || value,
//! aad = key name || sessionIdContext)`: the creation time and timeout are
//! checked on decryption, and a ticket from another `sessionIdContext` does not
//! open. Tickets are therefore not byte-compatible with OpenSSL's, but any two
//! servers built from the same 48 bytes (and context) resume each other's
//! sessions.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, NONCE_LEN};
use ring::hkdf;
use ring::rand::{SecureRandom, SystemRandom};
use rustls::server::ProducesTickets;

use super::envelope::{self, STAMP_LEN};
use super::settings::{SessionIdContext, SessionSettings};
use crate::{Error, Result};

/// Node's `ticketKeys`: 16-byte key name, 16-byte HMAC secret, 16-byte AES key.
#[derive(Clone, PartialEq, Eq)]
pub struct TicketKeys([u8; TicketKeys::LEN]);

impl TicketKeys {
    /// The only length Node accepts.
    pub const LEN: usize = 48;

    /// From the `ticketKeys` option (createServer / createSecureContext).
    ///
    /// # Errors
    ///
    /// Not exactly 48 bytes: `ERR_INVALID_ARG_VALUE`, Node's message.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; Self::LEN] = bytes
            .try_into()
            .map_err(|_| Error::TicketKeysLength(bytes.len()))?;
        Ok(Self(arr))
    }

    /// Fresh random keys, as every Node server gets when `ticketKeys` is absent.
    pub fn random() -> Result<Self> {
        let mut arr = [0u8; Self::LEN];
        SystemRandom::new()
            .fill(&mut arr)
            .map_err(|_| Error::RandomFailed)?;
        Ok(Self(arr))
    }

    /// The 48 bytes, as `server.getTicketKeys()` returns them.
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        self.0
    }

    /// The 16-byte key name that prefixes every ticket made with these keys.
    pub fn key_name(&self) -> &[u8] {
        &self.0[..16]
    }

    fn aead_key(&self) -> LessSafeKey {
        /// `hkdf::KeyType` for the 16-byte AES-128-GCM key.
        struct Len16;
        impl hkdf::KeyType for Len16 {
            fn len(&self) -> usize {
                16
            }
        }
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, self.key_name()).extract(&self.0[16..]);
        let mut key = [0u8; 16];
        // Cannot fail: 16 bytes is far below HKDF-SHA256's 255 * 32 limit.
        prk.expand(&[b"nodetls ticket key v1"], Len16)
            .and_then(|okm| okm.fill(&mut key))
            .expect("16-byte HKDF output");
        // Cannot fail: the key is exactly AES-128's length.
        LessSafeKey::new(UnboundKey::new(&AES_128_GCM, &key).expect("16-byte AES key"))
    }
}

impl fmt::Debug for TicketKeys {
    /// Shows only the (public) key name: the secrets never reach logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = super::settings::hex(self.key_name());
        write!(f, "TicketKeys {{ key_name: {name}, .. }}")
    }
}

struct ActiveKeys {
    keys: TicketKeys,
    aead: LessSafeKey,
}

/// The server's ticket keys behind a shared handle, and rustls's
/// [`ProducesTickets`] built on them: put an `Arc<SessionTicketer>` into
/// `ServerConfig::ticketer`, keep a clone for `server.getTicketKeys()` /
/// `server.setTicketKeys()`.
///
/// * Tickets live at most `sessionTimeout` seconds: that is the lifetime hint
///   sent to clients, and the creation time sealed in each ticket is checked on
///   decryption (rustls itself never checks a ticket's age on the server).
/// * A ticket from another `sessionIdContext` is not resumed.
/// * [`Self::set_ticket_keys`] replaces the keys for new tickets and for
///   decryption at once, like OpenSSL under Node: tickets issued under the old
///   keys no longer decrypt and the client gets a full handshake.
/// * With tickets disabled (`SSL_OP_NO_TICKET` in `secureOptions`), `enabled()`
///   is false: TLS 1.2 sends no tickets and rustls makes TLS 1.3 tickets
///   stateful through `ServerConfig::session_storage`, as OpenSSL does.
pub struct SessionTicketer {
    active: RwLock<ActiveKeys>,
    settings: SessionSettings,
    enabled: bool,
    rng: SystemRandom,
}

impl SessionTicketer {
    /// A ticketer with `keys` (Node's `ticketKeys`), or fresh random keys when
    /// `None`, like each Node server. `tickets_enabled` is false when
    /// `secureOptions` has `SSL_OP_NO_TICKET`.
    pub fn new(
        keys: Option<TicketKeys>,
        settings: SessionSettings,
        tickets_enabled: bool,
    ) -> Result<Arc<Self>> {
        let keys = match keys {
            Some(k) => k,
            None => TicketKeys::random()?,
        };
        Ok(Arc::new(Self {
            active: RwLock::new(ActiveKeys {
                aead: keys.aead_key(),
                keys,
            }),
            settings,
            enabled: tickets_enabled,
            rng: SystemRandom::new(),
        }))
    }

    /// Node's `server.getTicketKeys()`.
    pub fn get_ticket_keys(&self) -> TicketKeys {
        self.read().keys.clone()
    }

    /// Node's `server.setTicketKeys(keys)`: new tickets and decryption both use
    /// `keys` from now on.
    pub fn set_ticket_keys(&self, keys: TicketKeys) {
        let aead = keys.aead_key();
        *self.active.write().unwrap_or_else(PoisonError::into_inner) = ActiveKeys { keys, aead };
    }

    /// `server.setTicketKeys(buffer)` from raw bytes.
    ///
    /// # Errors
    ///
    /// Not 48 bytes: `ERR_INTERNAL_ASSERTION`, what Node 20 throws here.
    pub fn set_ticket_keys_from_bytes(&self, bytes: &[u8]) -> Result<()> {
        let keys =
            TicketKeys::from_bytes(bytes).map_err(|_| Error::SetTicketKeysLength(bytes.len()))?;
        self.set_ticket_keys(keys);
        Ok(())
    }

    /// The timeout, context and clock this ticketer applies.
    pub fn settings(&self) -> &SessionSettings {
        &self.settings
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, ActiveKeys> {
        // A panic while holding the lock cannot leave ActiveKeys half-written
        // (it is replaced whole), so a poisoned lock is still consistent.
        self.active.read().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for SessionTicketer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTicketer")
            .field("keys", &self.read().keys)
            .field("settings", &self.settings)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

const NAME_LEN: usize = 16;

impl ProducesTickets for SessionTicketer {
    fn enabled(&self) -> bool {
        self.enabled
    }

    fn lifetime(&self) -> u32 {
        self.settings.session_timeout.secs()
    }

    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        let stamp = envelope::stamp(&self.settings)?;
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).ok()?;
        let active = self.read();
        let name = active.keys.key_name();
        // One buffer, sealed in place: name || nonce || stamp || value, then the tag.
        let mut ticket = Vec::with_capacity(
            NAME_LEN + NONCE_LEN + STAMP_LEN + plain.len() + AES_128_GCM.tag_len(),
        );
        ticket.extend_from_slice(name);
        ticket.extend_from_slice(&nonce);
        ticket.extend_from_slice(&stamp);
        ticket.extend_from_slice(plain);
        let aad = AdditionalData::new(name, &self.settings);
        let tag = active
            .aead
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad.as_bytes()),
                &mut ticket[NAME_LEN + NONCE_LEN..],
            )
            .ok()?;
        ticket.extend_from_slice(tag.as_ref());
        Some(ticket)
    }

    fn decrypt(&self, cipher: &[u8]) -> Option<Vec<u8>> {
        let name = cipher.get(..NAME_LEN)?;
        let nonce: [u8; NONCE_LEN] = cipher
            .get(NAME_LEN..NAME_LEN + NONCE_LEN)?
            .try_into()
            .ok()?;
        let active = self.read();
        // Unknown key name (another server, or keys rotated away): no resumption.
        if name != active.keys.key_name() {
            return None;
        }
        // Opened in place; rustls's value then moves to the front of the same
        // buffer: one allocation per ticket. Another `sessionIdContext` (part
        // of the additional data) fails here, like a forged ticket.
        let mut sealed = cipher[NAME_LEN + NONCE_LEN..].to_vec();
        let aad = AdditionalData::new(name, &self.settings);
        let opened = active
            .aead
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad.as_bytes()),
                &mut sealed,
            )
            .ok()?
            .len();
        let stamp: &[u8; STAMP_LEN] = sealed.get(..STAMP_LEN)?.try_into().ok()?;
        if !envelope::is_fresh(&self.settings, stamp) {
            return None;
        }
        sealed.truncate(opened);
        sealed.drain(..STAMP_LEN);
        Some(sealed)
    }
}

/// The AEAD's additional data: key name and `sessionIdContext`. Binding the
/// context here rather than carrying it keeps tickets short (rustls hashes
/// every ticket byte twice per resumption, in the ClientHello and the
/// NewSessionTicket), and a ticket from another context fails to open.
struct AdditionalData {
    bytes: [u8; NAME_LEN + SessionIdContext::MAX_LEN],
    len: usize,
}

impl AdditionalData {
    fn new(name: &[u8], settings: &SessionSettings) -> Self {
        let ctx = settings.session_id_context.as_bytes();
        let mut bytes = [0u8; NAME_LEN + SessionIdContext::MAX_LEN];
        bytes[..NAME_LEN].copy_from_slice(name);
        bytes[NAME_LEN..NAME_LEN + ctx.len()].copy_from_slice(ctx);
        AdditionalData {
            bytes,
            len: NAME_LEN + ctx.len(),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_lengths_have_node_codes_and_messages() {
        let e = TicketKeys::from_bytes(&[0; 10]).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_ARG_VALUE");
        assert_eq!(
            e.to_string(),
            "The property 'options.ticketKeys' must be exactly 48 bytes. Received 10"
        );
        let t = SessionTicketer::new(None, SessionSettings::default(), true).unwrap();
        let e = t.set_ticket_keys_from_bytes(&[0; 10]).unwrap_err();
        assert_eq!(e.code(), "ERR_INTERNAL_ASSERTION");
        assert_eq!(
            e.to_string(),
            "Session ticket keys must be a 48-byte buffer"
        );
    }

    #[test]
    fn tickets_round_trip_and_reject_tampering() {
        let t = SessionTicketer::new(None, SessionSettings::default(), true).unwrap();
        let ticket = t.encrypt(b"secret session").unwrap();
        assert_eq!(t.decrypt(&ticket).as_deref(), Some(&b"secret session"[..]));
        assert!(!ticket.windows(6).any(|w| w == b"secret"));
        for i in 0..ticket.len() {
            let mut bad = ticket.clone();
            bad[i] ^= 1;
            assert_eq!(t.decrypt(&bad), None, "flipped byte {i}");
            assert_eq!(t.decrypt(&ticket[..i]), None);
        }
        let other = SessionTicketer::new(None, SessionSettings::default(), true).unwrap();
        assert_eq!(other.decrypt(&ticket), None);
        assert_ne!(other.get_ticket_keys(), t.get_ticket_keys());
    }

    #[test]
    fn tickets_carry_the_context_in_the_tag_not_in_the_bytes() {
        // Same keys, another sessionIdContext: the ticket does not open.
        let keys = TicketKeys::random().unwrap();
        let settings = |ctx: &str| SessionSettings {
            session_id_context: SessionIdContext::new(ctx).unwrap(),
            ..SessionSettings::default()
        };
        let a = SessionTicketer::new(Some(keys.clone()), settings("a"), true).unwrap();
        let b = SessionTicketer::new(Some(keys), settings("b"), true).unwrap();
        let ticket = a.encrypt(b"value").unwrap();
        assert_eq!(a.decrypt(&ticket).as_deref(), Some(&b"value"[..]));
        assert_eq!(b.decrypt(&ticket), None);
        // name, nonce, time and timeout, tag: a 32-byte context adds nothing.
        let long = settings(&"c".repeat(SessionIdContext::MAX_LEN));
        let c = SessionTicketer::new(None, long, true).unwrap();
        assert_eq!(c.encrypt(b"value").unwrap().len(), b"value".len() + 56);
    }
}
