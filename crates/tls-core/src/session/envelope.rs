//! The self-describing session record we hand out: rustls's encoded session
//! value wrapped with its creation time, timeout and `sessionIdContext`, so that
//! expiry and context are checked wherever the record comes back from (a
//! decrypted ticket, our cache, or an application's `resumeSession` store).
//! This is what OpenSSL's `SSL_SESSION` carries (`time`, `timeout`, `sid_ctx`);
//! rustls's own value has none of it and rustls never checks a resumed
//! session's age on the server.

use super::settings::SessionSettings;

const MAGIC: &[u8; 4] = b"NTS1";
const HEADER: usize = 4 + STAMP_LEN + 1;

/// A session's creation time (8 bytes) and the `sessionTimeout` then in force
/// (4), as OpenSSL's session keeps them. Records here and tickets
/// (`ticket_keys.rs`) carry one.
pub(crate) const STAMP_LEN: usize = 12;

/// The stamp of a session created now (`None` without a clock).
pub(crate) fn stamp(settings: &SessionSettings) -> Option<[u8; STAMP_LEN]> {
    let mut stamp = [0u8; STAMP_LEN];
    stamp[..8].copy_from_slice(&settings.now()?.to_be_bytes());
    stamp[8..].copy_from_slice(&settings.session_timeout.secs().to_be_bytes());
    Some(stamp)
}

/// Whether a session with this stamp may still be resumed: OpenSSL's rule,
/// expired once `now - time > timeout`; a creation time in the future (clock
/// stepped back) counts as age 0. Without a clock nothing is resumed.
pub(crate) fn is_fresh(settings: &SessionSettings, stamp: &[u8; STAMP_LEN]) -> bool {
    let (issued, timeout) = stamp.split_at(8);
    let issued = u64::from_be_bytes(issued.try_into().unwrap_or_default());
    let timeout = u64::from(u32::from_be_bytes(timeout.try_into().unwrap_or_default()));
    settings
        .now()
        .is_some_and(|now| now.saturating_sub(issued) <= timeout)
}

/// Wraps rustls's `value` for a session created now (`None` without a clock).
pub(crate) fn seal(settings: &SessionSettings, value: &[u8]) -> Option<Vec<u8>> {
    let stamp = stamp(settings)?;
    let ctx = settings.session_id_context.as_bytes();
    let mut out = Vec::with_capacity(HEADER + ctx.len() + value.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&stamp);
    // The context is at most 32 bytes (SessionIdContext enforces it).
    out.push(ctx.len() as u8);
    out.extend_from_slice(ctx);
    out.extend_from_slice(value);
    Some(out)
}

/// Why a record was not resumed (for logs and tests).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// Not one of our records (truncated, wrong magic).
    Malformed,
    /// Created under another `sessionIdContext`.
    OtherContext,
    /// Older than its `sessionTimeout`, or the clock is unavailable.
    Expired,
}

/// Unwraps a record, returning rustls's value if it is still resumable here.
pub(crate) fn open<'a>(settings: &SessionSettings, record: &'a [u8]) -> Result<&'a [u8], Rejected> {
    let header = record.get(..HEADER).ok_or(Rejected::Malformed)?;
    if &header[..4] != MAGIC {
        return Err(Rejected::Malformed);
    }
    let ctx_len = usize::from(header[16]);
    let ctx = record
        .get(HEADER..HEADER + ctx_len)
        .ok_or(Rejected::Malformed)?;
    if ctx != settings.session_id_context.as_bytes() {
        return Err(Rejected::OtherContext);
    }
    let stamp: &[u8; STAMP_LEN] = header[4..4 + STAMP_LEN]
        .try_into()
        .map_err(|_| Rejected::Malformed)?;
    if !is_fresh(settings, stamp) {
        return Err(Rejected::Expired);
    }
    Ok(&record[HEADER + ctx_len..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::settings::{SessionIdContext, SessionTimeout};
    use crate::session::ManualClock;
    use std::sync::Arc;

    #[test]
    fn round_trip_context_and_expiry() {
        let clock = Arc::new(ManualClock::new(1000));
        let settings = SessionSettings {
            session_timeout: SessionTimeout::from_secs(10).unwrap(),
            session_id_context: SessionIdContext::new("a").unwrap(),
            time_provider: clock.clone(),
        };
        let rec = seal(&settings, b"value").unwrap();
        assert_eq!(open(&settings, &rec), Ok(&b"value"[..]));
        let other = SessionSettings {
            session_id_context: SessionIdContext::new("b").unwrap(),
            ..settings.clone()
        };
        assert_eq!(open(&other, &rec), Err(Rejected::OtherContext));
        clock.advance(10);
        assert!(open(&settings, &rec).is_ok());
        clock.advance(1);
        assert_eq!(open(&settings, &rec), Err(Rejected::Expired));
        for n in 0..rec.len() {
            assert!(open(&settings, &rec[..n]).is_err());
        }
    }
}
