//! `new tls.TLSSocket(socket, options)`: TLS over a stream that already exists
//! (STARTTLS: a plain exchange first, then TLS on the same connection).

use tls_core::alpn::AlpnProtocols;
use tls_core::client_session::Session;
use tls_core::{SecureContext, SecureContextOptions};

use crate::client::{client_handshake, CheckServerIdentity, ClientOptionsForSocket};
use crate::io::{Addresses, Io};
use crate::server::{create_server, ServerOptions, SniCallback};
use crate::socket::TlsSocket;
use crate::Result;

/// Options of `new tls.TLSSocket(socket, options)`.
///
/// # Defaults
/// Client side (`isServer: false`), `rejectUnauthorized: true` (as `tls.connect`
/// enforces it), no SNI, no session.
#[derive(Default)]
pub struct TlsSocketOptions {
    /// `isServer`.
    pub is_server: bool,
    /// `secureContext`.
    pub secure_context: Option<SecureContext>,
    /// The `createSecureContext` options when no `secureContext` is given.
    pub context: SecureContextOptions,
    /// `requestCert` (server side).
    pub request_cert: bool,
    /// `rejectUnauthorized` (`None`: true).
    pub reject_unauthorized: Option<bool>,
    /// `SNICallback` (server side).
    pub sni_callback: Option<SniCallback>,
    /// `ALPNProtocols`.
    pub alpn_protocols: Option<AlpnProtocols>,
    /// `servername` (client side): SNI and the name to verify. Without it the
    /// certificate is checked against `host`.
    pub servername: Option<String>,
    /// The host name to verify against when there is no `servername`.
    pub host: Option<String>,
    /// `checkServerIdentity` (client side).
    pub check_server_identity: Option<CheckServerIdentity>,
    /// `session` (client side).
    pub session: Option<Session>,
    /// `requestOCSP` (client side).
    pub request_ocsp: bool,
}

impl TlsSocket {
    /// `new tls.TLSSocket(socket, options)`: runs the handshake over `io` and
    /// returns the socket once it is secure.
    pub async fn wrap(io: impl Io, options: TlsSocketOptions) -> Result<TlsSocket> {
        if options.is_server {
            let server = create_server(ServerOptions {
                context: options.context,
                secure_context: options.secure_context,
                request_cert: options.request_cert,
                reject_unauthorized: options.reject_unauthorized,
                sni_callback: options.sni_callback,
                alpn_protocols: options.alpn_protocols,
                ..ServerOptions::default()
            })?;
            return server
                .handshake_io(Box::new(io), Addresses::default())
                .await;
        }
        let context = match options.secure_context {
            Some(c) => c,
            None => tls_core::create_secure_context(&options.context)?,
        };
        let verify_host = options
            .servername
            .clone()
            .or(options.host)
            .unwrap_or_else(|| "localhost".into());
        client_handshake(
            Box::new(io),
            Addresses::default(),
            &context,
            ClientOptionsForSocket {
                servername: options.servername,
                verify_host,
                reject_unauthorized: options.reject_unauthorized.unwrap_or(true),
                check_server_identity: options.check_server_identity,
                session: options.session,
                request_ocsp: options.request_ocsp,
                alpn_protocols: options.alpn_protocols,
                on_keylog: None,
            },
        )
        .await
    }
}
