//! `nodetls connect TARGET...`: the client of Node's docs (shared/spec/cli.md).

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use tls_core::client_session::Session;
use tls_node::{ConnectOptions, TlsSocket};

use crate::events::{emit, emit_error};
use crate::tls_args::TlsArgs;
use crate::CliError;

/// Node's documented client: `tls.connect(options, callback)`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// `HOST:PORT` or `[ADDR]:PORT`; several reconnect in order, each resuming the
    /// previous connection's session.
    #[arg(required = true, value_name = "TARGET", value_parser = parse_target)]
    targets: Vec<Target>,
    /// `servername`: SNI and the name to verify (default: HOST when it is a name).
    #[arg(long, value_name = "S")]
    servername: Option<String>,
    /// `rejectUnauthorized: false`.
    #[arg(long = "no-reject-unauthorized")]
    no_reject_unauthorized: bool,
    /// `requestOCSP`.
    #[arg(long = "request-ocsp")]
    request_ocsp: bool,
    #[command(flatten)]
    tls: TlsArgs,
}

#[derive(Debug, Clone)]
struct Target {
    host: String,
    port: u16,
    is_ip: bool,
}

fn parse_target(s: &str) -> Result<Target, String> {
    let bad = || format!("`{s}` is not HOST:PORT or [ADDR]:PORT");
    let (host, port, is_ip) = if let Some(rest) = s.strip_prefix('[') {
        let (addr, port) = rest.split_once("]:").ok_or_else(bad)?;
        addr.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
        (addr, port, true)
    } else {
        let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
        if host.is_empty() || host.contains(':') || host.contains('[') {
            return Err(bad());
        }
        (host, port, host.parse::<std::net::IpAddr>().is_ok())
    };
    let port = crate::tls_args::parse_decimal::<u16>(port).map_err(|_| bad())?;
    Ok(Target {
        host: host.to_string(),
        port,
        is_ip,
    })
}

/// Connects to each target in turn.
pub(crate) fn run(args: Args) -> Result<(), CliError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::from)?;
    match rt.block_on(connect_all(args)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = emit_error(&e);
            Err(CliError::reported())
        }
    }
}

async fn connect_all(args: Args) -> Result<(), CliError> {
    let context = tls_core::create_secure_context(&args.tls.to_options()?)?;
    let interactive = args.targets.len() == 1;
    let mut session: Option<Session> = None;
    for target in &args.targets {
        let servername = args
            .servername
            .clone()
            .or_else(|| (!target.is_ip).then(|| target.host.clone()));
        let options = ConnectOptions {
            host: Some(target.host.clone()),
            port: target.port,
            servername,
            reject_unauthorized: Some(!args.no_reject_unauthorized),
            session: session.take(),
            request_ocsp: args.request_ocsp,
            alpn_protocols: args.tls.alpn_protocols(),
            secure_context: Some(context.clone()),
            ..ConnectOptions::default()
        };
        let mut socket = tls_node::connect(options).await?;
        if args.request_ocsp {
            let response = socket.ocsp_response().map(|r| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(r)
            });
            emit(&json!({"event": "OCSPResponse", "response": response}));
        }
        let mut line = serde_json::Map::new();
        line.insert("event".into(), Value::from("secureConnect"));
        line.extend(tls_node::summary::connection_summary(&socket));
        emit(&Value::Object(line));
        if interactive {
            return pipe_stdio(socket).await;
        }
        session = socket.read_until_session(Duration::from_secs(1)).await;
        socket.shutdown().await.map_err(CliError::from)?;
        drain(&mut socket).await?;
    }
    Ok(())
}

/// Reads until the server closes.
async fn drain(socket: &mut TlsSocket) -> Result<(), CliError> {
    let mut buf = [0u8; 4096];
    loop {
        match socket.read(&mut buf).await {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            // A server that closes without close_notify still closed.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
}

/// stdin → socket and socket → stdout, byte for byte; EOF on stdin half-closes;
/// done when the server has closed.
async fn pipe_stdio(socket: TlsSocket) -> Result<(), CliError> {
    let (mut r, mut w) = tokio::io::split(socket);
    let upstream = async move {
        let mut stdin = tokio::io::stdin();
        let _ = tokio::io::copy(&mut stdin, &mut w).await;
        let _ = w.shutdown().await;
        // Keep the write half alive until the server closes.
        std::future::pending::<()>().await;
    };
    let downstream = async move {
        let mut stdout = tokio::io::stdout();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match r.read(&mut buf).await {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    stdout.write_all(&buf[..n]).await?;
                    stdout.flush().await?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
                Err(e) => return Err(CliError::from(e)),
            }
        }
    };
    tokio::select! {
        r = downstream => r,
        () = upstream => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn targets() {
        let t = parse_target("localhost:8000").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.is_ip),
            ("localhost", 8000, false)
        );
        let t = parse_target("[::1]:443").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.is_ip), ("::1", 443, true));
        assert!(parse_target("127.0.0.1:1").unwrap().is_ip);
        for bad in [
            "localhost",
            ":80",
            "::1:80",
            "[::1]80",
            "h:99999",
            "h:+1",
            "[zz]:1",
            "h:",
        ] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }
}
