//! Node's session-related server options as given, validated in one place.

use std::fmt;
use std::sync::Arc;

use super::settings::{SessionIdContext, SessionSettings, SessionTimeout};
use super::ticket_keys::{SessionTicketer, TicketKeys};
use crate::Result;

/// The session options of `tls.createServer()` / `tls.createSecureContext()`,
/// as a Node user writes them.
///
/// # Defaults
///
/// All absent: random ticket keys, `sessionTimeout` 7200 s, Node's default
/// `sessionIdContext`, tickets enabled.
#[derive(Clone, Default)]
pub struct SessionOptions {
    /// `ticketKeys`: must be 48 bytes.
    pub ticket_keys: Option<Vec<u8>>,
    /// `sessionTimeout` in seconds (a JavaScript number).
    pub session_timeout: Option<f64>,
    /// `sessionIdContext` (at most 32 UTF-8 bytes).
    pub session_id_context: Option<String>,
    /// `SSL_OP_NO_TICKET` is set in `secureOptions`.
    pub no_ticket: bool,
}

impl fmt::Debug for SessionOptions {
    /// Never prints the ticket key secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionOptions")
            .field(
                "ticket_keys",
                &self
                    .ticket_keys
                    .as_ref()
                    .map(|k| format!("<{} bytes>", k.len())),
            )
            .field("session_timeout", &self.session_timeout)
            .field("session_id_context", &self.session_id_context)
            .field("no_ticket", &self.no_ticket)
            .finish()
    }
}

impl SessionOptions {
    /// Validates the options into [`SessionSettings`] (with the system clock).
    ///
    /// # Errors
    ///
    /// `ERR_OUT_OF_RANGE` (sessionTimeout), `ERR_SSL_SSL_SESSION_ID_CONTEXT_TOO_LONG`.
    pub fn settings(&self) -> Result<SessionSettings> {
        let mut settings = SessionSettings::default();
        if let Some(t) = self.session_timeout {
            settings.session_timeout = SessionTimeout::from_number(t)?;
        }
        if let Some(ctx) = &self.session_id_context {
            settings.session_id_context = SessionIdContext::new(ctx)?;
        }
        Ok(settings)
    }

    /// Builds the server's ticketer (put it in `ServerConfig::ticketer`; keep it
    /// for `getTicketKeys`/`setTicketKeys`).
    ///
    /// # Errors
    ///
    /// Those of [`Self::settings`], and `ERR_INVALID_ARG_VALUE` for
    /// `ticketKeys` that are not 48 bytes.
    pub fn build_ticketer(&self) -> Result<Arc<SessionTicketer>> {
        let keys = self
            .ticket_keys
            .as_deref()
            .map(TicketKeys::from_bytes)
            .transpose()?;
        SessionTicketer::new(keys, self.settings()?, !self.no_ticket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::server::ProducesTickets;

    #[test]
    fn options_validate_with_node_codes() {
        let code = |o: SessionOptions| o.build_ticketer().unwrap_err().code();
        assert_eq!(
            code(SessionOptions {
                ticket_keys: Some(vec![0; 10]),
                ..Default::default()
            }),
            "ERR_INVALID_ARG_VALUE"
        );
        assert_eq!(
            code(SessionOptions {
                session_timeout: Some(-1.0),
                ..Default::default()
            }),
            "ERR_OUT_OF_RANGE"
        );
        assert_eq!(
            code(SessionOptions {
                session_id_context: Some("a".repeat(33)),
                ..Default::default()
            }),
            "ERR_SSL_SSL_SESSION_ID_CONTEXT_TOO_LONG"
        );
        let t = SessionOptions {
            ticket_keys: Some(vec![1; 48]),
            session_timeout: Some(300.0),
            session_id_context: Some("x".into()),
            no_ticket: true,
        }
        .build_ticketer()
        .unwrap();
        assert_eq!(t.get_ticket_keys().to_bytes(), [1; 48]);
        assert_eq!(t.lifetime(), 300);
        assert!(!t.enabled());
        assert_eq!(t.settings().session_id_context.as_bytes(), b"x");
        let dbg = format!(
            "{:?}",
            SessionOptions {
                ticket_keys: Some(vec![0xab; 48]),
                ..Default::default()
            }
        );
        assert!(!dbg.contains("171") && !dbg.contains("ab"), "{dbg}");
    }
}
