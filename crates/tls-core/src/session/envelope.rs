//! The self-describing session record we hand out: rustls's encoded session
//! value wrapped with its creation time, timeout and `sessionIdContext`, so that
//! expiry and context are checked wherever the record comes back from (a
//! decrypted ticket, our cache, or an application's `resumeSession` store).
//! This is what OpenSSL's `SSL_SESSION` carries (`time`, `timeout`, `sid_ctx`);
//! rustls's own value has none of it and rustls never checks a resumed
//! session's age on the server.

use super::settings::SessionSettings;

const MAGIC: &[u8; 4] = b"NTS1";
const HEADER: usize = 4 + 8 + 4 + 1;

/// Wraps rustls's `value` for a session created now (`None` without a clock).
pub(crate) fn seal(settings: &SessionSettings, value: &[u8]) -> Option<Vec<u8>> {
    let now = settings.now()?;
    let ctx = settings.session_id_context.as_bytes();
    let mut out = Vec::with_capacity(HEADER + ctx.len() + value.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&now.to_be_bytes());
    out.extend_from_slice(&settings.session_timeout.secs().to_be_bytes());
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
    let mut issued = [0u8; 8];
    issued.copy_from_slice(&header[4..12]);
    let issued = u64::from_be_bytes(issued);
    let mut timeout = [0u8; 4];
    timeout.copy_from_slice(&header[12..16]);
    let timeout = u64::from(u32::from_be_bytes(timeout));
    let ctx_len = usize::from(header[16]);
    let ctx = record
        .get(HEADER..HEADER + ctx_len)
        .ok_or(Rejected::Malformed)?;
    if ctx != settings.session_id_context.as_bytes() {
        return Err(Rejected::OtherContext);
    }
    let now = settings.now().ok_or(Rejected::Expired)?;
    // OpenSSL: a session is expired once `now - time > timeout`. A creation
    // time in the future (clock stepped back) counts as age 0, as in OpenSSL.
    if now.saturating_sub(issued) > timeout {
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
