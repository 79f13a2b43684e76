//! `nodetls serve` process behaviour from shared/spec/cli.md: `--once`, SIGTERM,
//! `--write-cert` and the embedded default certificate.

use std::io::Write;
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use test_support::cli::{run_connect, spawn_serve, Impl};

fn ours() -> Impl {
    Impl::Ours(env!("CARGO_BIN_EXE_nodetls").into())
}

#[test]
fn once_exits_after_the_first_connection_whatever_happened() {
    let dir = test_support::temp_dir();
    let d = dir.path();
    // A completed echo connection.
    let mut server =
        spawn_serve(&ours(), d, &["--once", "--write-cert", "srv.pem"]).expect("serve");
    let target = format!("127.0.0.1:{}", server.port);
    let run = run_connect(&ours(), d, &[target.as_str(), "--ca", "srv.pem"], b"ping");
    assert_eq!(run.status, Some(0));
    assert_eq!(
        server.wait_exit(Duration::from_secs(10)),
        Some(0),
        "--once did not exit after a closed connection"
    );
    // A failed handshake counts too.
    let mut server = spawn_serve(&ours(), d, &["--once"]).expect("serve");
    let mut tcp = TcpStream::connect(("127.0.0.1", server.port)).expect("tcp");
    tcp.write_all(b"GET / HTTP/1.0\r\n\r\n").expect("write");
    drop(tcp);
    let event = server
        .next_event(Duration::from_secs(10))
        .expect("tlsClientError");
    assert_eq!(event["event"], "tlsClientError");
    assert_eq!(server.wait_exit(Duration::from_secs(10)), Some(0));
}

#[test]
fn sigterm_stops_and_exits_0_within_two_seconds() {
    let dir = test_support::temp_dir();
    let d = dir.path();
    let mut server = spawn_serve(&ours(), d, &["--write-cert", "srv.pem"]).expect("serve");
    // An open connection must not hold the exit for more than 2 s.
    let _idle = TcpStream::connect(("127.0.0.1", server.port)).expect("tcp");
    let start = Instant::now();
    assert_eq!(server.terminate(), Some(0));
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn write_cert_and_the_embedded_default() {
    let Some(_) = test_support::peer("openssl") else {
        return;
    };
    let dir = test_support::temp_dir();
    let d = dir.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nodetls"))
        .current_dir(d)
        .args(["serve", "--port", "0", "--write-cert", "default.pem"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().expect("stdout")),
        &mut line,
    )
    .expect("line");
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The fingerprint on stderr is the written certificate's.
    let fp = test_support::run_ok(test_support::openssl(d).args([
        "x509",
        "-in",
        "default.pem",
        "-noout",
        "-fingerprint",
        "-sha256",
    ]));
    let fp = String::from_utf8_lossy(&fp);
    let fp = fp.trim().rsplit('=').next().expect("fingerprint");
    assert!(stderr.contains(fp), "stderr {stderr:?} lacks {fp}");
    // It names localhost, 127.0.0.1 and ::1.
    let text = test_support::run_ok(test_support::openssl(d).args([
        "x509",
        "-in",
        "default.pem",
        "-noout",
        "-ext",
        "subjectAltName",
    ]));
    let text = String::from_utf8_lossy(&text);
    for name in [
        "DNS:localhost",
        "IP Address:127.0.0.1",
        "IP Address:0:0:0:0:0:0:0:1",
    ] {
        assert!(text.contains(name), "{text}");
    }
    // With configured certificates, the last --cert's leaf is written.
    let bin = env!("CARGO_BIN_EXE_nodetls");
    for (name, key_type) in [("a", "ec-p256"), ("b", "ed25519")] {
        test_support::run_ok(Command::new(bin).current_dir(d).args([
            "cert",
            "--cn",
            name,
            "--key-type",
            key_type,
            "--key-out",
            &format!("{name}.key"),
            "--cert-out",
            &format!("{name}.pem"),
        ]));
    }
    let server = spawn_serve(
        &ours(),
        d,
        &[
            "--key",
            "a.key",
            "--cert",
            "a.pem",
            "--key",
            "b.key",
            "--cert",
            "b.pem",
            "--write-cert",
            "written.pem",
        ],
    )
    .expect("serve");
    drop(server);
    assert_eq!(
        std::fs::read(d.join("written.pem")).expect("written"),
        std::fs::read(d.join("b.pem")).expect("b")
    );
}
