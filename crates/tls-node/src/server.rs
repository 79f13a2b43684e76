//! `tls.createServer()` / `tls.Server`.
//!
//! Node's events arrive on one channel, read with [`Server::next_event`]:
//!
//! | Node event | [`ServerEvent`] |
//! |---|---|
//! | `'connection'` | [`ServerEvent::Connection`] (when `connection_events` is on) |
//! | `'secureConnection'` | [`ServerEvent::SecureConnection`] |
//! | `'tlsClientError'` / `'clientError'` | [`ServerEvent::TlsClientError`] |
//! | `'keylog'` | [`ServerEvent::Keylog`] (when `keylog` is on) |
//! | `'close'` | [`ServerEvent::Close`] |
//! | `'error'` | [`ServerEvent::Error`] |
//!
//! Node's `tls.createServer(options, secureConnectionListener)` has a Rust form
//! too: [`ServerOptions::secure_connection_listener`] gets each established
//! socket straight from its handshake task, with no event channel in between
//! (the cheapest way to serve; those sockets are then not sent as
//! [`ServerEvent::SecureConnection`]).
//!
//! `newSession`/`resumeSession`, `OCSPRequest`, `SNICallback` and `ALPNCallback`
//! are async hooks in [`ServerOptions`]: the handshake waits for them, as Node's
//! does for their callbacks. Every connection runs in its own task, so a slow or
//! failing handshake never delays another.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rustls::server::Acceptor;
use tokio::sync::{mpsc, watch, Notify};

use tls_core::alpn::{self, AlpnCallback, AlpnProtocols, AlpnRequest};
use tls_core::session::{
    client_hello_session_id, ClientHelloInfo, ClientHelloPeek, ConnectionSessionStore, SessionHooks,
};
use tls_core::sni::{self, ServernamePattern};
use tls_core::verify::Purpose;
use tls_core::{SecureContext, SecureContextOptions, ServerSettings};

use crate::hooks::WriteGate;
use crate::io::{AddressInfo, Addresses, BoxIo, Recording};
use crate::socket::{lock, HandshakeInfo, TlsSocket};
use crate::{Error, Result};

/// Node's default `handshakeTimeout`: 120 s.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(120);

/// A boxed future, for async hooks.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Node's `SNICallback(servername, cb)`: the context for a server name (`None`:
/// the server's default context).
pub type SniCallback =
    Arc<dyn Fn(String) -> BoxFuture<Result<Option<SecureContext>>> + Send + Sync>;

/// Node's `'OCSPRequest'` event `(certificate, issuer, cb)`: the DER OCSP response
/// to staple, or `None` for none. Only called when the client asked for one.
pub type OcspCallback = Arc<
    dyn Fn(
            Option<rustls_pki_types::CertificateDer<'static>>,
            Option<rustls_pki_types::CertificateDer<'static>>,
        ) -> BoxFuture<Option<Vec<u8>>>
        + Send
        + Sync,
>;

/// `tls.createServer(options, secureConnectionListener)`'s listener: called
/// with every socket whose handshake completed; the future it returns is
/// spawned as that connection's task.
pub type SecureConnectionListener = Arc<dyn Fn(TlsSocket) -> BoxFuture<()> + Send + Sync>;

/// `tls.createServer(options)`: every `createSecureContext` option plus the
/// server's own.
///
/// # Defaults
/// `requestCert: false`, `rejectUnauthorized: true`, `handshakeTimeout: 120000`,
/// `honorCipherOrder: true` (as Node's `tls.Server` sets it), no ALPN, no SNI
/// contexts, no hooks, no `maxConnections`.
#[derive(Default)]
pub struct ServerOptions {
    /// Every `tls.createSecureContext()` option.
    pub context: SecureContextOptions,
    /// `secureContext`: a prebuilt context, used instead of `context`.
    pub secure_context: Option<SecureContext>,
    /// `requestCert`.
    pub request_cert: bool,
    /// `rejectUnauthorized` (`None`: true).
    pub reject_unauthorized: Option<bool>,
    /// `SNICallback`.
    pub sni_callback: Option<SniCallback>,
    /// `ALPNProtocols`.
    pub alpn_protocols: Option<AlpnProtocols>,
    /// `ALPNCallback` (exclusive with `ALPNProtocols`).
    pub alpn_callback: Option<AlpnCallback>,
    /// `NPNProtocols`: refused with `ERR_TLS_NPN_UNSUPPORTED`.
    pub npn_protocols: Option<AlpnProtocols>,
    /// `handshakeTimeout` (`None`: 120 s).
    pub handshake_timeout: Option<Duration>,
    /// `'OCSPRequest'`.
    pub ocsp_request: Option<OcspCallback>,
    /// `server.maxConnections`.
    pub max_connections: Option<usize>,
    /// `'newSession'` / `'resumeSession'`: an external session store (Redis, ...)
    /// for TLS 1.2 session IDs and TLS 1.3 stateful tickets. The handshake waits
    /// for both hooks, as Node's does for their callbacks.
    pub session_hooks: Option<Arc<dyn SessionHooks>>,
    /// Emit [`ServerEvent::Keylog`] for every key log line (`'keylog'`).
    pub keylog: bool,
    /// Emit [`ServerEvent::Connection`] for every accepted TCP connection.
    pub connection_events: bool,
    /// `secureConnectionListener` (createServer's second argument): when set,
    /// every established socket goes to it straight from its handshake task,
    /// and the future it returns is spawned, instead of the socket being
    /// queued for [`Server::next_event`] as [`ServerEvent::SecureConnection`].
    /// Other events still arrive there.
    pub secure_connection_listener: Option<SecureConnectionListener>,
}

impl std::fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerOptions")
            .field("request_cert", &self.request_cert)
            .field("reject_unauthorized", &self.reject_unauthorized)
            .field("handshake_timeout", &self.handshake_timeout)
            .field(
                "secure_connection_listener",
                &self.secure_connection_listener.is_some(),
            )
            .finish_non_exhaustive()
    }
}

/// One of Node's server events.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServerEvent {
    /// `'connection'`: a TCP connection was accepted.
    Connection {
        /// The client's address.
        remote: Option<AddressInfo>,
    },
    /// `'secureConnection'`: a handshake completed.
    SecureConnection(Box<TlsSocket>),
    /// `'tlsClientError'`: a handshake failed (including `handshakeTimeout`).
    TlsClientError {
        /// Why, with Node's code.
        error: Error,
        /// The client's address.
        remote: Option<AddressInfo>,
    },
    /// `'keylog'`: one NSS key log line.
    Keylog {
        /// The line, newline included.
        line: Vec<u8>,
        /// The client's address.
        remote: Option<AddressInfo>,
    },
    /// `'close'`: the server closed and every connection has ended.
    Close,
    /// `'error'`: accepting failed.
    Error(Error),
}

/// Where to listen (`server.listen(port, host)` or `server.listen(path)`).
#[derive(Debug, Clone)]
pub enum ListenAddr {
    /// TCP. Host `None`: `::` with dual stack where available, else `0.0.0.0`.
    Tcp {
        /// The host to bind.
        host: Option<String>,
        /// The port (0 picks one).
        port: u16,
    },
    /// A Unix domain socket path.
    Unix(PathBuf),
}

struct Contexts {
    default: Prepared,
    sni: Vec<(ServernamePattern, Prepared)>,
}

#[derive(Clone)]
struct Prepared {
    context: SecureContext,
    config: Arc<rustls::ServerConfig>,
}

struct Shared {
    contexts: RwLock<Contexts>,
    settings: ServerSettings,
    options: HookOptions,
    connections: AtomicUsize,
    max_connections: AtomicUsize,
    drained: Notify,
    events: mpsc::Sender<ServerEvent>,
    shutdown: watch::Sender<bool>,
    address: Mutex<Option<AddressInfo>>,
}

struct HookOptions {
    session_hooks: Option<Arc<dyn SessionHooks>>,
    sni_callback: Option<SniCallback>,
    alpn_callback: Option<AlpnCallback>,
    handshake_timeout: Duration,
    ocsp_request: Option<OcspCallback>,
    keylog: bool,
    connection_events: bool,
    secure_connection_listener: Option<SecureConnectionListener>,
}

/// `tls.Server`. Cheap to clone; all clones are the same server.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
    events: Arc<tokio::sync::Mutex<mpsc::Receiver<ServerEvent>>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("address", &*lock(&self.shared.address))
            .field("connections", &self.get_connections())
            .finish_non_exhaustive()
    }
}

/// `tls.createServer(options)`: builds the context and checks every option; does
/// not listen yet.
pub fn create_server(options: ServerOptions) -> Result<Server> {
    alpn::check_exclusive(
        options.alpn_protocols.is_some(),
        options.alpn_callback.is_some(),
    )?;
    if options.npn_protocols.is_some() {
        return Err(alpn::refuse_npn().into());
    }
    let context = match options.secure_context {
        Some(c) => c,
        None => tls_core::create_secure_context(&options.context)?,
    };
    let settings = ServerSettings {
        request_cert: options.request_cert,
        reject_unauthorized: options.reject_unauthorized.unwrap_or(true),
        alpn_protocols: match &options.alpn_protocols {
            Some(a) => a.to_list()?,
            None => Vec::new(),
        },
        key_log: None,
        session_storage: None,
    };
    let default = prepare(context, &settings)?;
    let (tx, rx) = mpsc::channel(1024);
    let shared = Arc::new(Shared {
        contexts: RwLock::new(Contexts {
            default,
            sni: Vec::new(),
        }),
        settings,
        options: HookOptions {
            session_hooks: options.session_hooks,
            sni_callback: options.sni_callback,
            alpn_callback: options.alpn_callback,
            handshake_timeout: options
                .handshake_timeout
                .unwrap_or(DEFAULT_HANDSHAKE_TIMEOUT),
            ocsp_request: options.ocsp_request,
            keylog: options.keylog,
            connection_events: options.connection_events,
            secure_connection_listener: options.secure_connection_listener,
        },
        connections: AtomicUsize::new(0),
        max_connections: AtomicUsize::new(options.max_connections.unwrap_or(usize::MAX)),
        drained: Notify::new(),
        events: tx,
        shutdown: watch::channel(false).0,
        address: Mutex::new(None),
    });
    Ok(Server {
        shared,
        events: Arc::new(tokio::sync::Mutex::new(rx)),
    })
}

fn prepare(context: SecureContext, settings: &ServerSettings) -> Result<Prepared> {
    let config = Arc::new(context.server_config(settings)?);
    Ok(Prepared { context, config })
}

impl Server {
    /// `server.listen(port, host)` / `server.listen(path)`: binds, then accepts in
    /// a background task. Returns once listening (Node's `'listening'`).
    pub async fn listen(&self, addr: ListenAddr) -> Result<AddressInfo> {
        match addr {
            ListenAddr::Tcp { host, port } => {
                let listener = bind_tcp(host.as_deref(), port).await?;
                let local = listener.local_addr()?;
                let info = AddressInfo::from(local);
                *lock(&self.shared.address) = Some(info.clone());
                let shared = self.shared.clone();
                tokio::spawn(accept_tcp(shared, listener));
                Ok(info)
            }
            #[cfg(unix)]
            ListenAddr::Unix(path) => {
                let listener = tokio::net::UnixListener::bind(&path)?;
                let info = AddressInfo {
                    address: path.display().to_string(),
                    family: "Unix",
                    port: 0,
                };
                *lock(&self.shared.address) = Some(info.clone());
                let shared = self.shared.clone();
                tokio::spawn(accept_unix(shared, listener));
                Ok(info)
            }
            #[cfg(not(unix))]
            ListenAddr::Unix(_) => Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "unix sockets",
            ))),
        }
    }

    /// The next event (see the module docs). `None` once the server has closed and
    /// every event was read.
    pub async fn next_event(&self) -> Option<ServerEvent> {
        self.events.lock().await.recv().await
    }

    /// `server.address()`.
    pub fn address(&self) -> Option<AddressInfo> {
        lock(&self.shared.address).clone()
    }

    /// `server.getConnections()`: open connections (handshaking or established).
    pub fn get_connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// `server.maxConnections`: connections beyond this are closed at once, before
    /// any TLS byte.
    pub fn set_max_connections(&self, max: Option<usize>) {
        self.shared
            .max_connections
            .store(max.unwrap_or(usize::MAX), Ordering::SeqCst);
    }

    /// `server.maxConnections`.
    pub fn max_connections(&self) -> Option<usize> {
        match self.shared.max_connections.load(Ordering::SeqCst) {
            usize::MAX => None,
            n => Some(n),
        }
    }

    /// `server.addContext(hostname, context)`: an SNI context; `*` matches a run of
    /// characters without a dot; the context added last wins.
    pub fn add_context(&self, hostname: &str, options: &SecureContextOptions) -> Result<()> {
        let context = tls_core::create_secure_context(options)?;
        self.add_secure_context(hostname, context)
    }

    /// `server.addContext(hostname, secureContext)` with a prebuilt context.
    pub fn add_secure_context(&self, hostname: &str, context: SecureContext) -> Result<()> {
        if hostname.is_empty() {
            return Err(Error::RequiredServerName);
        }
        let prepared = prepare(context, &self.shared.settings)?;
        self.shared
            .contexts
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .sni
            .push((ServernamePattern::new(hostname), prepared));
        Ok(())
    }

    /// `server.setSecureContext(options)`: replaces the default context for new
    /// connections.
    pub fn set_secure_context(&self, options: &SecureContextOptions) -> Result<()> {
        let prepared = prepare(
            tls_core::create_secure_context(options)?,
            &self.shared.settings,
        )?;
        self.shared
            .contexts
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .default = prepared;
        Ok(())
    }

    /// `server.getTicketKeys()`: the 48 bytes of the default context's keys.
    pub fn get_ticket_keys(&self) -> Vec<u8> {
        self.default_context()
            .ticketer()
            .get_ticket_keys()
            .to_bytes()
            .to_vec()
    }

    /// `server.setTicketKeys(keys)`: 48 bytes; tickets issued under the old keys no
    /// longer resume.
    pub fn set_ticket_keys(&self, keys: &[u8]) -> Result<()> {
        self.default_context()
            .ticketer()
            .set_ticket_keys_from_bytes(keys)?;
        Ok(())
    }

    /// Runs a server handshake over an existing stream (used by `TlsSocket::wrap`),
    /// with `handshakeTimeout`.
    pub(crate) async fn handshake_io(&self, io: BoxIo, addresses: Addresses) -> Result<TlsSocket> {
        tokio::time::timeout(
            self.shared.options.handshake_timeout,
            server_handshake(&self.shared, io, addresses),
        )
        .await
        .unwrap_or(Err(Error::HandshakeTimeout))
    }

    /// The default secure context.
    pub fn default_context(&self) -> SecureContext {
        self.shared
            .contexts
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .default
            .context
            .clone()
    }

    /// `server.close()`: stops accepting at once; open connections go on. Await
    /// [`Server::closed`] for the moment the last one ends (Node's `'close'`).
    pub fn close(&self) {
        self.shared.shutdown.send_replace(true);
    }

    /// Resolves when the server was closed and no connection is open; then the
    /// [`ServerEvent::Close`] event is emitted.
    pub async fn closed(&self) {
        let mut rx = self.shared.shutdown.subscribe();
        let _ = rx.wait_for(|closed| *closed).await;
        loop {
            let notified = self.shared.drained.notified();
            if self.get_connections() == 0 {
                break;
            }
            notified.await;
        }
        let _ = self.shared.events.try_send(ServerEvent::Close);
    }
}

async fn bind_tcp(host: Option<&str>, port: u16) -> Result<tokio::net::TcpListener> {
    match host {
        Some(h) => {
            let addr: SocketAddr = match h.parse::<std::net::IpAddr>() {
                Ok(ip) => SocketAddr::new(ip, port),
                Err(_) => tokio::net::lookup_host((h, port))
                    .await?
                    .next()
                    .ok_or_else(|| {
                        std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            format!("getaddrinfo ENOTFOUND {h}"),
                        )
                    })?,
            };
            Ok(tokio::net::TcpListener::bind(addr).await?)
        }
        // Node: `::` (dual stack) when IPv6 is available, else `0.0.0.0`.
        None => match tokio::net::TcpListener::bind(("::", port)).await {
            Ok(l) => Ok(l),
            Err(_) => Ok(tokio::net::TcpListener::bind(("0.0.0.0", port)).await?),
        },
    }
}

/// Counts a connection for `getConnections()`/`maxConnections`; released on drop.
struct Slot(Arc<Shared>);

impl Drop for Slot {
    fn drop(&mut self) {
        if self.0.connections.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.drained.notify_waiters();
        }
    }
}

fn try_take_slot(shared: &Arc<Shared>) -> Option<Slot> {
    let max = shared.max_connections.load(Ordering::SeqCst);
    let mut current = shared.connections.load(Ordering::SeqCst);
    loop {
        if current >= max {
            return None;
        }
        match shared.connections.compare_exchange(
            current,
            current + 1,
            Ordering::SeqCst,
            Ordering::SeqCst,
        ) {
            Ok(_) => return Some(Slot(shared.clone())),
            Err(now) => current = now,
        }
    }
}

async fn accept_tcp(shared: Arc<Shared>, listener: tokio::net::TcpListener) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.wait_for(|c| *c) => return,
        };
        let (stream, remote) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // EMFILE and friends: report and keep accepting after a pause.
                let _ = shared.events.try_send(ServerEvent::Error(Error::Io(e)));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(slot) = try_take_slot(&shared) else {
            // maxConnections: close before any TLS byte; linger 0 sends a reset.
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        // The local address is asked for only if it is read (`address()`).
        let addresses = Addresses {
            local: None,
            remote: Some(remote),
        };
        spawn_connection(shared.clone(), Box::new(stream), addresses, slot);
    }
}

#[cfg(unix)]
async fn accept_unix(shared: Arc<Shared>, listener: tokio::net::UnixListener) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.wait_for(|c| *c) => return,
        };
        let stream = match accepted {
            Ok((s, _)) => s,
            Err(e) => {
                let _ = shared.events.try_send(ServerEvent::Error(Error::Io(e)));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(slot) = try_take_slot(&shared) else {
            drop(stream);
            continue;
        };
        spawn_connection(shared.clone(), Box::new(stream), Addresses::default(), slot);
    }
}

fn spawn_connection(shared: Arc<Shared>, io: BoxIo, addresses: Addresses, slot: Slot) {
    tokio::spawn(async move {
        // Node's address object is made only for the events that carry it.
        let remote = addresses.remote;
        if shared.options.connection_events {
            let _ = shared
                .events
                .send(ServerEvent::Connection {
                    remote: remote.map(AddressInfo::from),
                })
                .await;
        }
        let timeout = shared.options.handshake_timeout;
        let result = tokio::time::timeout(timeout, server_handshake(&shared, io, addresses))
            .await
            .unwrap_or(Err(Error::HandshakeTimeout));
        let event = match result {
            Ok(mut socket) => {
                socket.attach_guard(Arc::new(slot));
                if let Some(listener) = &shared.options.secure_connection_listener {
                    // Node's secureConnectionListener: the socket goes straight
                    // to its handler, in a task of its own (sized for the
                    // handler alone: an idle socket holds no handshake state).
                    tokio::spawn(listener(socket));
                    return;
                }
                ServerEvent::SecureConnection(Box::new(socket))
            }
            Err(error) => ServerEvent::TlsClientError {
                error,
                remote: remote.map(AddressInfo::from),
            },
        };
        let _ = shared.events.send(event).await;
    });
}

/// Runs one server handshake: ClientHello first (SNI, ALPN callback, OCSP and
/// session hooks need it), then the rest with the chosen config.
async fn server_handshake(
    shared: &Arc<Shared>,
    io: BoxIo,
    addresses: Addresses,
) -> Result<TlsSocket> {
    let (recording, record) = Recording::new(io);
    let acceptor = tokio_rustls::LazyConfigAcceptor::new(Acceptor::default(), recording);
    let start = acceptor.await.map_err(|e| {
        let seen = record.stop();
        plain_text_request(&seen).unwrap_or_else(|| {
            if offers_only_legacy_versions(&seen) {
                legacy_version_error()
            } else {
                crate::client::handshake_error(&e)
            }
        })
    })?;
    let hello_bytes = record.stop();
    let hello = start.client_hello();
    let servername = hello.server_name().map(str::to_string);
    // Borrowed from the ClientHello: only the ALPN callback needs a copy.
    let sigschemes = hello.signature_schemes();
    let client_suites = hello.cipher_suites();

    let prepared = choose_context(shared, servername.as_deref()).await?;
    // A per-connection copy of the config, made only when a hook changes it.
    let hello_info = match client_hello_session_id(&hello_bytes) {
        ClientHelloPeek::Complete(info) => Some(info),
        ClientHelloPeek::NeedMore | ClientHelloPeek::Invalid(_) => None,
    };
    let mut config: Option<rustls::ServerConfig> = None;
    let key_shares = hello_info
        .as_ref()
        .map_or(&[][..], |i| i.key_share_groups.as_slice());
    if let Some(provider) = hello.named_groups().and_then(|g| {
        prepared
            .context
            .server_group_preference(g, hello.cipher_suites(), key_shares)
    }) {
        config = Some(
            prepared
                .context
                .server_config_with_provider(&shared.settings, provider)?,
        );
    }

    // Node calls ALPNCallback only when the client offers ALPN (OpenSSL's
    // alpn_select_cb); without it the handshake goes on with no protocol.
    if let (Some(cb), Some(offered)) = (&shared.options.alpn_callback, hello.alpn()) {
        let request = AlpnRequest {
            servername: servername.clone(),
            protocols: offered.map(<[u8]>::to_vec).collect(),
        };
        match alpn::run_alpn_callback(cb, &request)? {
            Some(p) => cfg(&mut config, &prepared).alpn_protocols = vec![p],
            // Node: undefined → a no_application_protocol alert. Offering rustls
            // only a protocol the client did not ask for makes it send that alert
            // (and fail with NoApplicationProtocol) instead of a silent close.
            None => {
                cfg(&mut config, &prepared).alpn_protocols =
                    vec![unoffered_protocol(&request.protocols)];
            }
        }
    }
    if shared.options.keylog {
        let events = shared.events.clone();
        let remote = addresses.remote.map(AddressInfo::from);
        cfg(&mut config, &prepared).key_log = Arc::new(tls_core::keylog::KeyLogSink::new(
            Arc::new(move |line: &[u8]| {
                let _ = events.try_send(ServerEvent::Keylog {
                    line: line.to_vec(),
                    remote: remote.clone(),
                });
            }),
        ));
    }
    let own_certificate = prepared.context.certificate_for(sigschemes, client_suites);
    if let Some(ocsp) = &shared.options.ocsp_request {
        if hello_info.as_ref().is_some_and(|i| i.status_request) {
            let (leaf, issuer) = match &own_certificate {
                Some(key) => (key.cert.first().cloned(), key.cert.get(1).cloned()),
                None => (None, None),
            };
            if let Some(response) = ocsp(leaf, issuer).await {
                let resolver =
                    prepared
                        .context
                        .resolver_with_ocsp(sigschemes, client_suites, &response);
                cfg(&mut config, &prepared).cert_resolver = resolver;
            }
        }
    }
    if let Some(hooks) = &shared.options.session_hooks {
        let store = resume_session(hooks, hello_info.as_ref(), &prepared.context).await?;
        cfg(&mut config, &prepared).session_storage = store.clone();
        record.install_gate(WriteGate::new(store, hooks.clone()));
    }

    let config = match config {
        Some(c) => Arc::new(c),
        None => prepared.config.clone(),
    };
    // The resolver always hands rustls a key (see `NodeCertResolver`), so these
    // refusals end in rustls's handshake_failure alert, as OpenSSL's do; what is
    // left is to name them as OpenSSL does. No suite in common: NO_SHARED_CIPHER.
    let no_shared_cipher = !config
        .crypto_provider()
        .cipher_suites
        .iter()
        .any(|s| client_suites.contains(&s.suite()));
    // No certificate the client's signature algorithms allow: OpenSSL reports
    // NO_SUITABLE_SIGNATURE_ALGORITHM in TLS 1.3, and NO_SHARED_CIPHER in TLS 1.2
    // (where no suite is left for the key). TLS 1.3 is assumed when both sides
    // have a TLS 1.3 suite.
    let no_usable_certificate =
        !no_shared_cipher && own_certificate.is_none() && prepared.context.has_certificate();
    let tls13_suite_shared = config
        .crypto_provider()
        .cipher_suites
        .iter()
        .any(|s| s.version() == &rustls::version::TLS13 && client_suites.contains(&s.suite()));
    let stream = start.into_stream(config).await.map_err(|e| {
        if offers_only_legacy_versions(&hello_bytes) {
            legacy_version_error()
        } else if no_shared_cipher || (no_usable_certificate && !tls13_suite_shared) {
            Error::Tls(rustls::Error::PeerIncompatible(
                rustls::PeerIncompatible::NoCipherSuitesInCommon,
            ))
        } else if no_usable_certificate {
            Error::Tls(rustls::Error::PeerIncompatible(
                rustls::PeerIncompatible::NoSignatureSchemesInCommon,
            ))
        } else {
            crate::client::handshake_error(&e)
        }
    })?;

    let state = stream.get_ref().1;
    let resumed = state.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
    let tls12 = state.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_2);
    let (authorized, authorization_error) = if shared.settings.request_cert {
        let chain = state.peer_certificates().unwrap_or(&[]);
        if chain.is_empty() && resumed {
            // A resumed session carries the earlier verdict; rustls keeps the chain
            // for TLS 1.3 resumptions, and Node reports authorized for both.
            (true, None)
        } else if chain.is_empty() {
            (false, Some("UNABLE_TO_GET_ISSUER_CERT".to_string()))
        } else {
            match prepared.context.verify_peer(chain, Purpose::ClientAuth) {
                Ok(()) => (true, None),
                Err(e) => (false, Some(e.code.to_string())),
            }
        }
    } else {
        (false, None)
    };
    let info = HandshakeInfo {
        is_server: true,
        authorized,
        authorization_error,
        // Node: a TLS 1.2 resumption does not report the SNI it received.
        servername: if resumed && tls12 { None } else { servername },
        own_certificate,
        ocsp_response: None,
        trusted: prepared.context.ca_certificates(),
        addresses,
    };
    Ok(TlsSocket::from_parts(
        tokio_rustls::TlsStream::Server(stream),
        info,
        None,
        None,
    ))
}

/// OpenSSL's names for a plain-text request sent to a TLS port (`ssl3_get_record`):
/// an HTTP request is `ERR_SSL_HTTP_REQUEST`, an HTTP proxy `CONNECT` is
/// `ERR_SSL_HTTPS_PROXY_REQUEST`, as Node reports them in `tlsClientError`.
fn plain_text_request(first: &[u8]) -> Option<Error> {
    if [&b"GET "[..], b"POST ", b"HEAD ", b"PUT "]
        .iter()
        .any(|m| first.starts_with(m))
    {
        Some(Error::HttpRequest)
    } else if first.starts_with(b"CONNE") {
        Some(Error::HttpsProxyRequest)
    } else {
        None
    }
}

/// A protocol name that is not in `offered` (for refusing ALPN with an alert).
fn unoffered_protocol(offered: &[Vec<u8>]) -> Vec<u8> {
    let mut p = b"\0nodetls-refused".to_vec();
    while offered.contains(&p) {
        p.push(b'-');
    }
    p
}

/// Whether the ClientHello's `legacy_version` is below TLS 1.2: such a client
/// (TLS 1.0/1.1 only) offers nothing we speak (a TLS 1.3 client always sends
/// 0x0303 there).
pub(crate) fn offers_only_legacy_versions(hello: &[u8]) -> bool {
    // record type, version(2), length(2), handshake type, length(3), legacy_version(2)
    hello.first() == Some(&0x16)
        && hello.get(5) == Some(&0x01)
        && hello.get(9..11).is_some_and(|v| v < &[3, 3][..])
}

/// A TLS 1.0/1.1-only client: rustls first complains about what such a hello
/// lacks (no signature_algorithms); OpenSSL reports the version
/// (`ERR_SSL_UNSUPPORTED_PROTOCOL`), as Node shows.
fn legacy_version_error() -> Error {
    Error::Tls(rustls::Error::PeerIncompatible(
        rustls::PeerIncompatible::Tls12NotOffered,
    ))
}

/// The per-connection copy of the config, made on first use.
fn cfg<'a>(
    config: &'a mut Option<rustls::ServerConfig>,
    p: &Prepared,
) -> &'a mut rustls::ServerConfig {
    config.get_or_insert_with(|| (*p.config).clone())
}

/// The per-connection session store, pre-seeded with what `resumeSession` found
/// for the ClientHello's session ID (Node looks one up only when no ticket is
/// offered).
async fn resume_session(
    hooks: &Arc<dyn SessionHooks>,
    info: Option<&ClientHelloInfo>,
    context: &SecureContext,
) -> Result<Arc<ConnectionSessionStore>> {
    let enabled = rustls::server::ProducesTickets::enabled(context.ticketer().as_ref());
    let mut store = ConnectionSessionStore::new(context.session_settings().clone(), info, enabled);
    if let Some(id) = info.and_then(|i| i.resume_session_id(enabled)) {
        match hooks.resume_session(id.to_vec()).await {
            Ok(Some(data)) => store = store.with_resumed(id.to_vec(), data),
            Ok(None) => {}
            Err(e) => return Err(Error::SessionHook(e.to_string())),
        }
    }
    Ok(Arc::new(store))
}

async fn choose_context(shared: &Arc<Shared>, servername: Option<&str>) -> Result<Prepared> {
    if let (Some(cb), Some(name)) = (&shared.options.sni_callback, servername) {
        if let Some(context) = cb(name.to_string()).await? {
            // Node 20 goes on with the default certificate when the SNICallback's
            // context has none (tls.createSecureContext({})); rustls would refuse
            // with access_denied. The default context is used whole then.
            if context.has_certificate() {
                return prepare(context, &shared.settings);
            }
        }
    } else if let Some(name) = servername {
        let contexts = shared
            .contexts
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(p) = sni::select(&contexts.sni, name) {
            return Ok(p.clone());
        }
    }
    Ok(shared
        .contexts
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .default
        .clone())
}
