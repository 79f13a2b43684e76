//! `tls.connect()` and the client side of `new tls.TLSSocket(socket, options)`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::ServerName;
use tokio::net::TcpStream;

use tls_core::alpn::AlpnProtocols;
use tls_core::client_session::Session;
use tls_core::observe::Observed;
use tls_core::verify::{verify_error_of, Purpose};
use tls_core::{ClientSettings, SecureContext, SecureContextOptions};
use tls_pki::legacy::LegacyCertificate;

use crate::io::{Addresses, BoxIo, Recording};
use crate::socket::{HandshakeInfo, SessionSlot, TlsSocket};
use crate::{Error, Result};

/// Node's `checkServerIdentity(hostname, cert)`: `Err` rejects the server.
pub type CheckServerIdentity =
    Arc<dyn Fn(&str, &LegacyCertificate) -> std::result::Result<(), tls_pki::Error> + Send + Sync>;

/// Node's `lookup(hostname)`: resolves a host name to addresses.
pub type Lookup = Arc<
    dyn Fn(
            String,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = std::io::Result<Vec<IpAddr>>> + Send>,
        > + Send
        + Sync,
>;

/// Node's `tls.connect(options)`.
///
/// # Defaults
/// `host: 'localhost'`, `port: 0` (must be set unless `path` or `socket` is),
/// `rejectUnauthorized: true`, `checkServerIdentity: tls.checkServerIdentity`, no
/// SNI unless `servername` is given, `minDHSize: 1024`.
#[derive(Default)]
pub struct ConnectOptions {
    /// `host`: name or address to connect to; `'localhost'` when `None`.
    pub host: Option<String>,
    /// `port`.
    pub port: u16,
    /// `path`: a Unix socket to connect to instead of TCP.
    pub path: Option<PathBuf>,
    /// `socket`: run TLS over this existing stream (STARTTLS).
    pub socket: Option<BoxIo>,
    /// `servername`: SNI to send, and the name the certificate must match.
    pub servername: Option<String>,
    /// `checkServerIdentity`: replaces `tls.checkServerIdentity`.
    pub check_server_identity: Option<CheckServerIdentity>,
    /// `rejectUnauthorized`: `None` means Node's default, true.
    pub reject_unauthorized: Option<bool>,
    /// `session`: resume a session from `getSession()` in this process.
    pub session: Option<Session>,
    /// `requestOCSP`: ask for a stapled OCSP response (`OCSPResponse` event).
    pub request_ocsp: bool,
    /// `ALPNProtocols`.
    pub alpn_protocols: Option<AlpnProtocols>,
    /// `minDHSize`: validated (must be a positive number); moot here since no DHE
    /// suite exists in this stack, so no DH key can be too small.
    pub min_dh_size: Option<u32>,
    /// `lookup`: custom DNS lookup.
    pub lookup: Option<Lookup>,
    /// `timeout`: fails the connection (`ETIMEDOUT`) if connecting and the
    /// handshake take longer than this.
    pub timeout: Option<Duration>,
    /// Every `tls.createSecureContext()` option.
    pub context: SecureContextOptions,
    /// `secureContext`: a prebuilt context; `context` is then ignored entirely, as in Node.
    pub secure_context: Option<SecureContext>,
    /// The `keylog` event: each NSS key log line.
    pub on_keylog: Option<tls_core::keylog::KeyLogCallback>,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("path", &self.path)
            .field("servername", &self.servername)
            .finish_non_exhaustive()
    }
}

/// `tls.connect(options)`: connects, handshakes, verifies like Node, and returns
/// the socket once `secureConnect` would fire.
///
/// With `rejectUnauthorized` (the default) a server that does not verify, or does
/// not match `servername || host`, is an error with Node's code
/// (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`, ...).
pub async fn connect(mut options: ConnectOptions) -> Result<TlsSocket> {
    let timeout = options.timeout;
    let fut = connect_inner(&mut options);
    match timeout {
        Some(t) => tokio::time::timeout(t, fut).await.map_err(|_| {
            Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "connect timed out",
            ))
        })?,
        None => fut.await,
    }
}

async fn connect_inner(options: &mut ConnectOptions) -> Result<TlsSocket> {
    if let Some(0) = options.min_dh_size {
        return Err(Error::InvalidArgValue(
            "The property 'options.minDHSize' must be > 0".into(),
        ));
    }
    let host = options
        .host
        .clone()
        .unwrap_or_else(|| "localhost".to_string());
    let (io, addresses): (BoxIo, Addresses) = if let Some(sock) = options.socket.take() {
        (sock, Addresses::default())
    } else if let Some(path) = &options.path {
        #[cfg(unix)]
        {
            let s = tokio::net::UnixStream::connect(path).await?;
            (Box::new(s), Addresses::default())
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "unix sockets",
            )));
        }
    } else {
        let s = tcp_connect(&host, options.port, options.lookup.as_ref()).await?;
        let addresses = Addresses {
            local: s.local_addr().ok(),
            remote: s.peer_addr().ok(),
        };
        (Box::new(s), addresses)
    };
    let context = match &options.secure_context {
        Some(c) => c.clone(),
        None => tls_core::create_secure_context(&options.context)?,
    };
    let settings = ClientOptionsForSocket {
        servername: options.servername.clone(),
        verify_host: options.servername.clone().unwrap_or(host),
        reject_unauthorized: options.reject_unauthorized.unwrap_or(true),
        check_server_identity: options.check_server_identity.clone(),
        session: options.session.clone(),
        request_ocsp: options.request_ocsp,
        alpn_protocols: options.alpn_protocols.clone(),
        on_keylog: options.on_keylog.clone(),
    };
    client_handshake(io, addresses, &context, settings).await
}

/// The client options that apply to a socket, whatever created it.
#[derive(Clone, Default)]
pub(crate) struct ClientOptionsForSocket {
    pub(crate) servername: Option<String>,
    pub(crate) verify_host: String,
    pub(crate) reject_unauthorized: bool,
    pub(crate) check_server_identity: Option<CheckServerIdentity>,
    pub(crate) session: Option<Session>,
    pub(crate) request_ocsp: bool,
    pub(crate) alpn_protocols: Option<AlpnProtocols>,
    pub(crate) on_keylog: Option<tls_core::keylog::KeyLogCallback>,
}

async fn tcp_connect(host: &str, port: u16, lookup: Option<&Lookup>) -> Result<TcpStream> {
    let addrs: Vec<SocketAddr> = if let Ok(ip) = host.parse::<IpAddr>() {
        vec![SocketAddr::new(ip, port)]
    } else if let Some(lookup) = lookup {
        lookup(host.to_string())
            .await?
            .into_iter()
            .map(|ip| SocketAddr::new(ip, port))
            .collect()
    } else {
        tokio::net::lookup_host((host, port)).await?.collect()
    };
    let mut last = None;
    for a in addrs {
        match TcpStream::connect(a).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(Error::Io(last.unwrap_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("getaddrinfo ENOTFOUND {host}"),
        )
    })))
}

pub(crate) async fn client_handshake(
    io: BoxIo,
    addresses: Addresses,
    context: &SecureContext,
    opts: ClientOptionsForSocket,
) -> Result<TlsSocket> {
    let slot = SessionSlot::new();
    let tx = slot.clone();
    let on_session: tls_core::client_session::SessionCallback = Arc::new(move |s: Session| {
        tx.tx.send_replace(Some(s));
    });
    let alpn = match &opts.alpn_protocols {
        Some(a) => a.to_list()?,
        None => Vec::new(),
    };
    let settings = ClientSettings {
        reject_unauthorized: opts.reject_unauthorized,
        alpn_protocols: alpn,
        session: opts.session.clone(),
        on_session: Some(on_session),
        send_sni: opts.servername.is_some(),
        key_log: opts
            .on_keylog
            .clone()
            .map(|cb| Arc::new(tls_core::keylog::KeyLogSink::new(cb)) as Arc<dyn rustls::KeyLog>),
    };
    let (config, observed) = context.client_config_observed(&settings)?;
    let name = opts.servername.as_deref().unwrap_or(&opts.verify_host);
    let server_name = ServerName::try_from(name.to_string()).unwrap_or_else(|_| {
        // rustls needs some name even when SNI is off; an unparsable host (Node
        // would send it verbatim) falls back to a placeholder IP that is never sent.
        ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into())
    });
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let stream = Observed::new(
        connector.connect(server_name, Recording::passthrough(io)),
        observed.clone(),
    )
    .await
    .map_err(|e| handshake_error(&e))?;
    let state = stream.get_ref().1;
    let resumed = state.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
    let chain: Vec<_> = state
        .peer_certificates()
        .map(<[_]>::to_vec)
        .unwrap_or_default();

    // Node: verification result first (authorizationError), then the identity check.
    let mut authorization_error = if resumed {
        None
    } else {
        context
            .verify_peer(&chain, Purpose::ServerAuth)
            .err()
            .map(|e| e.code.to_string())
    };
    if authorization_error.is_none() && !resumed {
        if let Some(leaf) = chain.first() {
            let cert = LegacyCertificate::from_der(leaf)?;
            let check = match &opts.check_server_identity {
                Some(f) => f(&opts.verify_host, &cert),
                None => tls_pki::check_server_identity(&opts.verify_host, &cert),
            };
            if let Err(e) = check {
                if opts.reject_unauthorized {
                    return Err(Error::Pki(e));
                }
                authorization_error = Some(e.code().to_string());
            }
        }
    }
    if authorization_error.is_some() && opts.reject_unauthorized {
        // The verifier already refused in-handshake; reaching here means a check
        // only the post-handshake pass can make failed.
        return Err(Error::Unauthorized(authorization_error.unwrap_or_default()));
    }
    let info = HandshakeInfo {
        is_server: false,
        authorized: authorization_error.is_none(),
        authorization_error,
        servername: opts.servername.clone(),
        own_certificate: observed.client_certificate(),
        ocsp_response: if opts.request_ocsp {
            observed.ocsp_response()
        } else {
            None
        },
        trusted: context.ca_certificates(),
        addresses,
    };
    Ok(TlsSocket::from_parts(
        tokio_rustls::TlsStream::Client(stream),
        info,
        Some(slot),
        None,
    ))
}

/// Maps a failed handshake to Node's code: the verifier's code when it refused the
/// certificate, else the TLS alert or IO error.
pub(crate) fn handshake_error(e: &std::io::Error) -> Error {
    if let Some(inner) = e.get_ref() {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            if let Some(v) = verify_error_of(tls) {
                return Error::Verify(v.clone());
            }
            return Error::Tls(tls.clone());
        }
    }
    Error::Io(std::io::Error::new(e.kind(), e.to_string()))
}
