//! `sessionTimeout` and `sessionIdContext`: the two settings every resumable
//! session carries, plus the clock that ages sessions.

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::UnixTime;
use rustls::time_provider::{DefaultTimeProvider, TimeProvider};

use crate::{Error, Result};

/// Node's `sessionTimeout` option: seconds after which a session created by the
/// server (session ID or ticket) can no longer be resumed.
///
/// # Defaults
///
/// 7200 s, OpenSSL's `SSL_CTX` default, which Node 20 keeps: it only calls
/// `SSL_CTX_set_timeout` when `sessionTimeout` is truthy, so `0` also means 7200
/// (measured: `openssl s_client` against a Node 20 server shows
/// "TLS session ticket lifetime hint: 7200").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionTimeout(u32);

impl SessionTimeout {
    /// OpenSSL's (and so Node's) default session timeout in seconds.
    pub const DEFAULT_SECS: u32 = 7200;
    /// The largest value Node accepts (`validateInt32(.., 0)`).
    pub const MAX_SECS: u32 = 2_147_483_647;

    /// From whole seconds, as `options.sessionTimeout` is given.
    ///
    /// `0` means "not set" (the default, like Node); above 2147483647 fails with
    /// `ERR_OUT_OF_RANGE` like Node.
    pub fn from_secs(secs: u64) -> Result<Self> {
        if secs > u64::from(Self::MAX_SECS) {
            return Err(Error::SessionTimeoutOutOfRange {
                rule: ">= 0 && <= 2147483647",
                // Exact below 2^53, where Node's own numbers are exact too.
                #[allow(clippy::cast_precision_loss)]
                received: if secs < 1 << 53 {
                    js_number(secs as f64)
                } else {
                    secs.to_string()
                },
            });
        }
        Ok(if secs == 0 {
            Self::default()
        } else {
            // Cannot truncate: checked against MAX_SECS above.
            Self(secs as u32)
        })
    }

    /// From a JavaScript number (a JSON options file): applies Node's
    /// `validateInt32(value, 'options.sessionTimeout', 0)` rules and messages.
    pub fn from_number(value: f64) -> Result<Self> {
        if !value.is_finite() || value.fract() != 0.0 {
            return Err(Error::SessionTimeoutOutOfRange {
                rule: "an integer",
                received: js_number(value),
            });
        }
        if value < 0.0 || value > f64::from(Self::MAX_SECS) {
            return Err(Error::SessionTimeoutOutOfRange {
                rule: ">= 0 && <= 2147483647",
                received: js_number(value),
            });
        }
        // In 0..=MAX_SECS and integral, so the cast is exact.
        #[allow(clippy::cast_sign_loss)]
        Self::from_secs(value as u64)
    }

    /// The timeout in seconds.
    pub fn secs(self) -> u32 {
        self.0
    }
}

impl Default for SessionTimeout {
    fn default() -> Self {
        Self(Self::DEFAULT_SECS)
    }
}

/// Formats a number the way Node's `ERR_OUT_OF_RANGE` prints `Received ...`:
/// integers above 2^32 in magnitude get `_` separators.
fn js_number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if value.fract() != 0.0 || value.abs() >= 1e21 {
        return format!("{value}");
    }
    // Integral and below 1e21, so it fits an i128 exactly.
    #[allow(clippy::cast_possible_truncation)]
    let int = value as i128;
    let digits = int.unsigned_abs().to_string();
    if value.abs() <= 4_294_967_296.0 {
        return int.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    if int < 0 {
        out.insert(0, '-');
    }
    out
}

/// Node's `sessionIdContext` option: an opaque identifier; sessions created
/// under one context are never resumed under another (OpenSSL's `sid_ctx`).
///
/// # Defaults
///
/// Node's servers use `sha1(process.argv.join(' '))` in hex, first 32
/// characters ([`SessionIdContext::node_default`]).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionIdContext(Vec<u8>);

impl SessionIdContext {
    /// OpenSSL's `SSL_MAX_SID_CTX_LENGTH`.
    pub const MAX_LEN: usize = 32;

    /// From the option's string: its UTF-8 bytes, at most 32 (Node passes the
    /// string to `SSL_CTX_set_session_id_context` unhashed; 33 bytes fail).
    /// An empty string selects the default, like Node (`options.sessionIdContext
    /// || default`).
    pub fn new(context: &str) -> Result<Self> {
        if context.is_empty() {
            return Ok(Self::node_default());
        }
        Self::from_bytes(context.as_bytes())
    }

    /// From raw bytes (at most 32).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > Self::MAX_LEN {
            return Err(Error::SessionIdContextTooLong(bytes.len()));
        }
        Ok(Self(bytes.to_vec()))
    }

    /// Node's default: the first 32 hex digits of SHA-1 over this process's
    /// arguments joined by spaces.
    pub fn node_default() -> Self {
        let argv = std::env::args().collect::<Vec<_>>().join(" ");
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, argv.as_bytes());
        let hex = hex(digest.as_ref());
        Self(hex.as_bytes()[..Self::MAX_LEN].to_vec())
    }

    /// The context bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SessionIdContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SessionIdContext({:?})",
            String::from_utf8_lossy(&self.0)
        )
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// What every session-producing part of a server shares: the timeout, the
/// context, and the clock used to age sessions.
///
/// # Defaults
///
/// [`SessionTimeout::default`] (7200 s), [`SessionIdContext::node_default`],
/// the system clock.
#[derive(Clone, Debug)]
pub struct SessionSettings {
    /// Node's `sessionTimeout`.
    pub session_timeout: SessionTimeout,
    /// Node's `sessionIdContext`.
    pub session_id_context: SessionIdContext,
    /// The clock sessions are aged with (tests inject a manual one).
    pub time_provider: Arc<dyn TimeProvider>,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            session_timeout: SessionTimeout::default(),
            session_id_context: SessionIdContext::node_default(),
            time_provider: Arc::new(DefaultTimeProvider),
        }
    }
}

impl SessionSettings {
    /// Seconds since the Unix epoch by [`Self::time_provider`]; `None` when the
    /// clock is unavailable (then nothing is issued or resumed).
    pub(crate) fn now(&self) -> Option<u64> {
        self.time_provider
            .current_time()
            .map(|t: UnixTime| t.as_secs())
    }
}

/// A clock that only moves when told to: inject it through
/// [`SessionSettings::time_provider`] to test `sessionTimeout` without waiting.
#[derive(Debug, Default)]
pub struct ManualClock(std::sync::atomic::AtomicU64);

impl ManualClock {
    /// A clock reading `secs` seconds since the Unix epoch.
    pub fn new(secs: u64) -> Self {
        Self(std::sync::atomic::AtomicU64::new(secs))
    }

    /// Moves the clock forward by `secs` seconds.
    pub fn advance(&self, secs: u64) {
        self.0.fetch_add(secs, std::sync::atomic::Ordering::SeqCst);
    }
}

impl TimeProvider for ManualClock {
    fn current_time(&self) -> Option<UnixTime> {
        Some(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            self.0.load(std::sync::atomic::Ordering::SeqCst),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_messages_for_out_of_range() {
        let msg = |v: f64| SessionTimeout::from_number(v).unwrap_err().to_string();
        assert_eq!(
            msg(-1.0),
            "The value of \"options.sessionTimeout\" is out of range. It must be >= 0 && <= 2147483647. Received -1"
        );
        assert_eq!(
            msg(1.5),
            "The value of \"options.sessionTimeout\" is out of range. It must be an integer. Received 1.5"
        );
        assert!(msg(2_147_483_648.0).ends_with("Received 2147483648"));
        assert!(msg(1_099_511_627_776.0).ends_with("Received 1_099_511_627_776"));
        assert!(msg(f64::NAN).ends_with("an integer. Received NaN"));
        let e = SessionTimeout::from_secs(5_000_000_000).unwrap_err();
        assert!(e.to_string().ends_with("Received 5_000_000_000"), "{e}");
        assert_eq!(SessionTimeout::from_number(0.0).unwrap().secs(), 7200);
        assert_eq!(
            SessionTimeout::from_number(2_147_483_647.0).unwrap().secs(),
            2_147_483_647
        );
    }

    #[test]
    fn context_length_limit_is_in_bytes() {
        assert!(SessionIdContext::new(&"a".repeat(32)).is_ok());
        let e = SessionIdContext::new(&"a".repeat(33)).unwrap_err();
        assert_eq!(e.code(), "ERR_SSL_SSL_SESSION_ID_CONTEXT_TOO_LONG");
        assert!(SessionIdContext::new(&"€".repeat(11)).is_err()); // 33 bytes
        assert!(SessionIdContext::new(&"€".repeat(10)).is_ok());
        assert_eq!(SessionIdContext::new("").unwrap().as_bytes().len(), 32);
    }
}
