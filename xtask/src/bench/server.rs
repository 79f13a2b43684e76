//! `xtask bench-server ours|raw CERT KEY MODE`: the echo servers the bench
//! measures, each in its own process.
//!
//! - `ours`: a `tls-node` server exactly as a library user writes it:
//!   `create_server` with a `secure_connection_listener` that echoes (Node's
//!   `tls.createServer(options, listener)`), plus a `next_event` loop for the
//!   other events.
//! - `raw`: tokio-rustls's `TlsAcceptor` with the ring provider, no facade.
//!
//! Both print `PORT <n>` on stdout once listening and run until killed or until
//! stdin closes. MODE is `tickets` (session tickets on, as Node's default) or
//! `session-id` (tickets off, an in-process session-ID cache).

use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::Res;

/// `SSL_OP_NO_TICKET` (OpenSSL's value, as Node's `crypto.constants` has it).
const SSL_OP_NO_TICKET: u64 = 0x4000;

/// Entry point of `xtask bench-server`.
pub fn main(args: &[String]) -> Res<()> {
    let [kind, cert, key, mode] = args else {
        return Err(
            "usage: xtask bench-server ours|raw CERT_PEM KEY_PEM tickets|session-id".into(),
        );
    };
    let cert = std::fs::read(cert)?;
    let key = std::fs::read(key)?;
    let session_id = match mode.as_str() {
        "tickets" => false,
        "session-id" => true,
        other => return Err(format!("unknown mode {other:?}").into()),
    };
    // What `#[tokio::main]` builds: the multi-threaded runtime.
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        // Leave when the bench goes away (stdin closes), even if it cannot kill us.
        tokio::spawn(async {
            let mut sink = Vec::new();
            let _ = tokio::io::stdin().read_to_end(&mut sink).await;
            std::process::exit(0);
        });
        // The accept/event loop runs as a task on the runtime's workers. Run
        // directly in `block_on` it would live on the main thread, and every
        // connection would cost a cross-thread wake-up (futex + context
        // switch) that measures tokio's scheduling rather than TLS.
        let server = match kind.as_str() {
            "ours" => tokio::spawn(ours(cert, key, session_id)),
            "raw" => tokio::spawn(raw(cert, key, session_id)),
            other => return Err(format!("unknown server {other:?}").into()),
        };
        server.await?
    })
}

fn announce(port: u16) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "PORT {port}");
    let _ = out.flush();
}

/// The echo every server runs: what it reads, it writes back; at EOF it ends
/// its side too (Node's `socket.pipe(socket)`).
///
/// The read buffer starts small and grows to 64 KiB once a read fills it, as
/// Node's streams size their reads (libuv reads up to 64 KiB): an idle
/// connection holds no large application buffer, so `idle-10k` measures the
/// TLS stack rather than this loop, while bulk echo moves up to four records
/// per read and write, as Node's `socket.pipe(socket)` does.
async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) {
    let mut buf = vec![0u8; 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if n == buf.len() && buf.len() < 64 * 1024 {
                    buf.resize(64 * 1024, 0);
                }
                if stream.write_all(&buf[..n]).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
        }
    }
    let _ = stream.shutdown().await;
}

async fn ours(cert: Vec<u8>, key: Vec<u8>, session_id: bool) -> Res<()> {
    use tls_node::{
        create_server, ListenAddr, SecureConnectionListener, ServerEvent, ServerOptions,
    };

    let mut options = ServerOptions::default();
    options.context.cert = vec![cert];
    options.context.key = vec![tls_pki::KeyInput {
        pem: key,
        passphrase: None,
    }];
    if session_id {
        options.context.secure_options = SSL_OP_NO_TICKET;
        let context = tls_core::create_secure_context(&options.context)?;
        let cache =
            tls_core::session::SessionCache::new(context.session_settings().clone(), 1 << 20);
        options.session_hooks = Some(Arc::new(cache));
        options.secure_context = Some(context);
    }
    // Node's `tls.createServer(options, (socket) => socket.pipe(socket))`: each
    // socket goes from its handshake task straight to an echo task.
    let listener: SecureConnectionListener = Arc::new(|socket| Box::pin(echo(socket)));
    options.secure_connection_listener = Some(listener);
    let server = create_server(options)?;
    let address = server
        .listen(ListenAddr::Tcp {
            host: Some("127.0.0.1".to_owned()),
            port: 0,
        })
        .await?;
    announce(address.port);
    // Failed handshakes and the rest still arrive as events.
    while let Some(event) = server.next_event().await {
        if let ServerEvent::Close = event {
            break;
        }
    }
    Ok(())
}

async fn raw(cert: Vec<u8>, key: Vec<u8>, session_id: bool) -> Res<()> {
    let certs = CertificateDer::pem_slice_iter(&cert).collect::<Result<Vec<_>, _>>()?;
    let key = PrivateKeyDer::from_pem_slice(&key)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    // Node's tls.Server (and ours) honour the server's cipher order.
    config.ignore_client_order = true;
    if session_id {
        // Tickets off (rustls's default ticketer never produces any); sessions
        // resume by ID from rustls's own in-memory cache.
        config.session_storage = rustls::server::ServerSessionMemoryCache::new(1 << 20);
    } else {
        // Stateless tickets, as Node and ours issue by default.
        config.ticketer = rustls::crypto::ring::Ticketer::new()?;
    }
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    announce(listener.local_addr()?.port());
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            if let Ok(tls) = acceptor.accept(tcp).await {
                echo(tls).await;
            }
        });
    }
}
