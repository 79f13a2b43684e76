//! `nodetls serve`: the echo server of Node's docs (shared/spec/cli.md).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use tls_node::{ListenAddr, Server, ServerEvent, ServerOptions};
use tls_pki::{KeyInput, PfxInput};

use crate::events::{emit, emit_error};
use crate::tls_args::{parse_decimal, read, TlsArgs};
use crate::CliError;

/// Node's documented echo server: `tls.createServer(options, listener)` + `listen`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8000, value_parser = parse_decimal::<u16>)]
    port: u16,
    /// Host to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Write the server's leaf certificate (PEM) here before listening.
    #[arg(long = "write-cert", value_name = "F")]
    write_cert: Option<PathBuf>,
    /// `requestCert`.
    #[arg(long = "request-cert")]
    request_cert: bool,
    /// `rejectUnauthorized: false`.
    #[arg(long = "no-reject-unauthorized")]
    no_reject_unauthorized: bool,
    /// `server.addContext(HOST, {key, cert})`; repeatable.
    #[arg(long = "sni", value_name = "HOST=KEYFILE,CERTFILE", value_parser = parse_sni)]
    sni: Vec<SniArg>,
    /// `ticketKeys`: exactly 96 hex digits.
    #[arg(long = "ticket-keys", value_name = "HEX")]
    ticket_keys: Option<String>,
    /// `handshakeTimeout` in milliseconds.
    #[arg(long = "handshake-timeout", value_name = "MS", value_parser = parse_decimal::<u64>)]
    handshake_timeout: Option<u64>,
    /// `server.maxConnections`.
    #[arg(long = "max-connections", value_name = "N", value_parser = parse_decimal::<usize>)]
    max_connections: Option<usize>,
    /// Staple this OCSP response for every client that asks (`OCSPRequest`).
    #[arg(long = "ocsp-response", value_name = "F")]
    ocsp_response: Option<PathBuf>,
    /// Exit once the first accepted connection has closed.
    #[arg(long)]
    once: bool,
    #[command(flatten)]
    tls: TlsArgs,
}

#[derive(Debug, Clone)]
struct SniArg {
    host: String,
    key: PathBuf,
    cert: PathBuf,
}

fn parse_sni(s: &str) -> Result<SniArg, String> {
    let (host, files) = s.split_once('=').ok_or("expected HOST=KEYFILE,CERTFILE")?;
    let (key, cert) = files
        .split_once(',')
        .ok_or("expected HOST=KEYFILE,CERTFILE")?;
    if host.is_empty() || key.is_empty() || cert.is_empty() || cert.contains(',') {
        return Err("expected HOST=KEYFILE,CERTFILE".into());
    }
    Ok(SniArg {
        host: host.into(),
        key: key.into(),
        cert: cert.into(),
    })
}

/// Runs the server until SIGINT/SIGTERM (or `--once`).
pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::from)?;
    match rt.block_on(serve(args)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = emit_error(&e);
            Err(CliError::reported())
        }
    }
}

async fn serve(args: Args) -> Result<(), CliError> {
    let mut context = args.tls.to_options()?;
    let mut leaf_pem = None;
    if !args.tls.has_credentials() {
        let generated = tls_pki::generate::self_signed_localhost()?;
        eprintln!(
            "nodetls: no --key/--cert/--pfx: using an in-memory self-signed certificate for \
             localhost, 127.0.0.1 and ::1\nnodetls: SHA-256 fingerprint {}",
            tls_pki::legacy::LegacyCertificate::from_der(&generated.cert_der)?.fingerprint256
        );
        context.key.push(KeyInput {
            pem: generated.key_pem.clone().into_bytes(),
            passphrase: None,
        });
        context.cert.push(generated.cert_pem.clone().into_bytes());
        leaf_pem = Some(generated.cert_pem);
    }
    if let Some(hex) = &args.ticket_keys {
        context.ticket_keys = Some(parse_ticket_keys(hex)?);
    }
    let ocsp = match &args.ocsp_response {
        Some(f) => Some(Arc::new(read(f)?)),
        None => None,
    };
    let options = ServerOptions {
        context,
        request_cert: args.request_cert,
        reject_unauthorized: Some(!args.no_reject_unauthorized),
        alpn_protocols: args.tls.alpn_protocols(),
        handshake_timeout: args.handshake_timeout.map(Duration::from_millis),
        max_connections: args.max_connections,
        connection_events: args.once,
        ocsp_request: ocsp.map(|bytes| {
            Arc::new(move |_cert, _issuer| {
                let bytes = bytes.clone();
                Box::pin(async move { Some(bytes.to_vec()) })
                    as tls_node::BoxFuture<Option<Vec<u8>>>
            }) as tls_node::OcspCallback
        }),
        ..ServerOptions::default()
    };
    let server = tls_node::create_server(options)?;
    for sni in &args.sni {
        let opts = tls_core::SecureContextOptions {
            key: vec![KeyInput {
                pem: read(&sni.key)?,
                passphrase: None,
            }],
            cert: vec![read(&sni.cert)?],
            ..tls_core::SecureContextOptions::default()
        };
        server.add_context(&sni.host, &opts)?;
    }
    if let Some(path) = &args.write_cert {
        let pem = match leaf_pem {
            Some(p) => p.into_bytes(),
            None => last_leaf_pem(&args.tls)?,
        };
        std::fs::write(path, pem).map_err(CliError::from)?;
    }
    let signals = Signals {
        term: signal(tokio::signal::unix::SignalKind::terminate()),
        int: signal(tokio::signal::unix::SignalKind::interrupt()),
    };
    let info = server
        .listen(ListenAddr::Tcp {
            host: Some(args.host.clone()),
            port: args.port,
        })
        .await?;
    emit(
        &json!({"event": "listening", "address": info.address, "family": info.family, "port": info.port}),
    );
    event_loop(&server, args.once, signals).await;
    Ok(())
}

/// The leaf (first certificate) of the last `--cert`, or the PFX's, as PEM.
fn last_leaf_pem(tls: &TlsArgs) -> Result<Vec<u8>, CliError> {
    let leaf = if let Some(c) = tls.cert.last() {
        tls_pki::load_certificates(&read(c)?)?.into_iter().next()
    } else if let Some(p) = &tls.pfx {
        let pfx = PfxInput {
            buf: read(p)?,
            passphrase: tls.passphrase.clone(),
        };
        Some(tls_pki::load_pfx(&pfx.buf, pfx.passphrase.as_deref())?.cert)
    } else {
        None
    };
    let leaf =
        leaf.ok_or_else(|| CliError::new("ERR_OSSL_PEM_NO_START_LINE", "no certificate to write"))?;
    Ok(tls_pki::generate::to_pem("CERTIFICATE", &leaf).into_bytes())
}

fn parse_ticket_keys(hex: &str) -> Result<Vec<u8>, CliError> {
    let bad = || {
        CliError::new(
            "ERR_INVALID_ARG_VALUE",
            format!("The property 'options.ticketKeys' must be exactly 48 bytes (96 hex digits). Received {hex:?}"),
        )
    };
    if hex.len() != 96 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    (0..48)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad()))
        .collect()
}

/// SIGTERM and SIGINT handlers, registered before the `listening` line so a
/// signal sent as soon as the server is up still shuts it down cleanly.
struct Signals {
    term: Option<tokio::signal::unix::Signal>,
    int: Option<tokio::signal::unix::Signal>,
}

async fn event_loop(server: &Server, once: bool, signals: Signals) {
    let Signals {
        term: mut sigterm,
        int: mut sigint,
    } = signals;
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<()>(16);
    let mut saw_first = false;
    loop {
        let event = tokio::select! {
            e = server.next_event() => e,
            () = recv(&mut sigterm) => break,
            () = recv(&mut sigint) => break,
            Some(()) = done_rx.recv(), if once => break,
        };
        let Some(event) = event else { break };
        match event {
            ServerEvent::Connection { .. } => saw_first = true,
            ServerEvent::SecureConnection(socket) => {
                let mut line = serde_json::Map::new();
                line.insert("event".into(), Value::from("secureConnection"));
                line.extend(tls_node::summary::connection_summary(&socket));
                emit(&Value::Object(line));
                let done = done_tx.clone();
                tokio::spawn(async move {
                    let (mut r, mut w) = tokio::io::split(*socket);
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                    let _ = w.shutdown().await;
                    let _ = done.send(()).await;
                });
            }
            ServerEvent::TlsClientError { error, .. } => {
                emit(
                    &json!({"event": "tlsClientError", "code": error.code(), "message": error.to_string()}),
                );
                if once && saw_first {
                    break;
                }
            }
            ServerEvent::Error(e) => {
                emit(&json!({"event": "error", "code": e.code(), "message": e.to_string()}));
            }
            _ => {}
        }
    }
    // SIGINT/SIGTERM/--once: stop accepting, give open connections 2 s.
    server.close();
    let _ = tokio::time::timeout(Duration::from_secs(2), server.closed()).await;
}

fn signal(kind: tokio::signal::unix::SignalKind) -> Option<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(kind).ok()
}

async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}
