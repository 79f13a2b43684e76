//! The load generator: a rustls client on tokio (ring provider), one suite and
//! one group per scenario, its own client session store for resumption.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{Resumption, Tls12Resumption};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::Res;

/// How the client resumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Every connection is a full handshake.
    Off,
    /// TLS 1.3 tickets or TLS 1.2 tickets (RFC 5077).
    Tickets,
    /// TLS 1.2 session IDs only.
    SessionId,
}

/// What the client offers.
#[derive(Debug, Clone)]
pub struct ClientSpec {
    /// The only protocol version offered.
    pub version: &'static rustls::SupportedProtocolVersion,
    /// The only cipher suite offered.
    pub suite: rustls::SupportedCipherSuite,
    /// The key exchange groups offered, preferred first.
    pub groups: Vec<&'static dyn rustls::crypto::SupportedKxGroup>,
    /// Resumption.
    pub resume: Resume,
    /// The server's certificate (the only one accepted).
    pub server_cert: CertificateDer<'static>,
}

/// Accepts exactly the bench's certificate, and checks handshake signatures
/// with it (the client's cost stays small and identical for every server).
#[derive(Debug)]
struct Pinned {
    cert: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A client config with its own session store (one per load-generator worker,
/// so every worker resumes its own sessions).
pub fn config(spec: &ClientSpec) -> Res<Arc<rustls::ClientConfig>> {
    let ring = rustls::crypto::ring::default_provider();
    let algorithms = ring.signature_verification_algorithms;
    let provider = CryptoProvider {
        cipher_suites: vec![spec.suite],
        kx_groups: spec.groups.clone(),
        ..ring
    };
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[spec.version])?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned {
            cert: spec.server_cert.clone(),
            algorithms,
        }))
        .with_no_client_auth();
    config.resumption = match spec.resume {
        Resume::Off => Resumption::disabled(),
        Resume::Tickets => Resumption::in_memory_sessions(32),
        Resume::SessionId => {
            Resumption::in_memory_sessions(32).tls12_resumption(Tls12Resumption::SessionIdOnly)
        }
    };
    Ok(Arc::new(config))
}

fn server_name() -> ServerName<'static> {
    ServerName::DnsName(
        // A constant that is a valid DNS name: cannot fail.
        rustls_pki_types::DnsName::try_from("localhost")
            .expect("`localhost` is a valid DNS name")
            .to_owned(),
    )
}

/// A server that stops answering fails the run instead of hanging it.
const OP_TIMEOUT: Duration = Duration::from_secs(30);

/// Connects and completes the handshake.
pub async fn connect(
    config: &Arc<rustls::ClientConfig>,
    addr: SocketAddr,
) -> Res<TlsStream<TcpStream>> {
    let connect = async {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        let tls = TlsConnector::from(config.clone())
            .connect(server_name(), tcp)
            .await?;
        Ok::<_, super::Error>(tls)
    };
    tokio::time::timeout(OP_TIMEOUT, connect)
        .await
        .map_err(|_| "connect + handshake timed out")?
}

/// One operation: handshake and a one-byte echo round trip.
async fn handshake_op(
    config: &Arc<rustls::ClientConfig>,
    addr: SocketAddr,
) -> Res<TlsStream<TcpStream>> {
    let mut tls = connect(config, addr).await?;
    let mut byte = [0u8; 1];
    let echo = async {
        tls.write_all(b"x").await?;
        tls.flush().await?;
        tls.read_exact(&mut byte).await
    };
    tokio::time::timeout(OP_TIMEOUT, echo)
        .await
        .map_err(|_| "echo timed out")??;
    if byte != *b"x" {
        return Err("the server did not echo".into());
    }
    Ok(tls)
}

/// A clean close: close_notify, then read until the server's. Node sends the
/// ticket of a resumed TLS 1.3 session after the echo, so the client keeps
/// reading until the end to store it (as a long-lived client would).
/// Returns whether the handshake resumed a session.
async fn close(mut tls: TlsStream<TcpStream>) -> bool {
    let resumed = tls.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
    let close = async {
        let _ = tls.shutdown().await;
        let mut rest = Vec::new();
        let _ = tls.read_to_end(&mut rest).await;
    };
    let _ = tokio::time::timeout(OP_TIMEOUT, close).await;
    resumed
}

/// What a run of handshakes did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ops {
    /// Completed operations.
    pub ops: usize,
    /// How many of them resumed a session.
    pub resumed: usize,
    /// Wall-clock time.
    pub elapsed: Duration,
}

/// Runs handshake operations on `configs.len()` concurrent workers (each with
/// its own config and session store) until `duration` has passed; every worker
/// completes at least one.
pub async fn handshakes(
    configs: &[Arc<rustls::ClientConfig>],
    addr: SocketAddr,
    duration: Duration,
) -> Res<Ops> {
    let done = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicUsize::new(0));
    let resumed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = Vec::new();
    for config in configs {
        let (config, done, ops, resumed) =
            (config.clone(), done.clone(), ops.clone(), resumed.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let tls = handshake_op(&config, addr).await?;
                let was_resumed = close(tls).await;
                ops.fetch_add(1, Ordering::Relaxed);
                if was_resumed {
                    resumed.fetch_add(1, Ordering::Relaxed);
                }
                if done.load(Ordering::Relaxed) {
                    return Ok::<(), super::Error>(());
                }
            }
        }));
    }
    tokio::time::sleep(duration).await;
    done.store(true, Ordering::Relaxed);
    for w in workers {
        w.await??;
    }
    Ok(Ops {
        ops: ops.load(Ordering::Relaxed),
        resumed: resumed.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
    })
}

/// Opens `count` connections (handshake + one-byte echo each), `concurrency` at
/// a time, and returns them open.
pub async fn open_idle(
    config: &Arc<rustls::ClientConfig>,
    addr: SocketAddr,
    count: usize,
    concurrency: usize,
) -> Res<Vec<TlsStream<TcpStream>>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (config, next) = (config.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut held = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < count {
                held.push(handshake_op(&config, addr).await?);
            }
            Ok::<_, super::Error>(held)
        }));
    }
    let mut all = Vec::with_capacity(count);
    for w in workers {
        all.extend(w.await??);
    }
    Ok(all)
}
