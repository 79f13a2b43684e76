//! Every `createSecureContext` option the CLI exposes has an effect on the wire,
//! the same effect as in Node: the same scenario runs with our server and with a
//! Node server (and with our client and a Node client), and the observable result
//! (suite, curve, version, error code, staple) must match.

mod pki;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use test_support::cli::{event, run_connect, spawn_serve, Impl};

fn ours() -> Impl {
    Impl::Ours(env!("CARGO_BIN_EXE_nodetls").into())
}

fn setup() -> Option<tempfile::TempDir> {
    test_support::peer("node")?;
    test_support::peer("openssl")?;
    let dir = test_support::temp_dir();
    pki::make(dir.path());
    Some(dir)
}

const BASE: [&str; 4] = ["--key", "leaf-ec.key", "--cert", "leaf-ec.pem"];

/// What a client sees: the secureConnect line's `field`s, or the error code.
fn outcome(run: &test_support::cli::ConnectRun, fields: &[&str]) -> Value {
    match event(&run.lines, "secureConnect") {
        Some(line) => Value::Array(fields.iter().map(|f| line[*f].clone()).collect()),
        None => event(&run.lines, "error").map_or(Value::Null, |e| e["code"].clone()),
    }
}

/// Runs `client` against a server of each implementation with `server_args`;
/// returns (our server's outcome, node server's outcome) as seen by the client.
fn against_both_servers(
    dir: &Path,
    server_args: &[&str],
    client: &Impl,
    client_args: &[&str],
    fields: &[&str],
) -> (Value, Value) {
    let mut out = Vec::new();
    for imp in [ours(), Impl::Node] {
        let mut args: Vec<&str> = BASE.to_vec();
        args.extend_from_slice(server_args);
        let server = spawn_serve(&imp, dir, &args)
            .unwrap_or_else(|e| panic!("{} serve {args:?}: {e}", imp.label()));
        let target = format!("127.0.0.1:{}", server.port);
        let mut cargs = vec![target.as_str(), "--ca", "root.pem"];
        cargs.extend_from_slice(client_args);
        out.push(outcome(&run_connect(client, dir, &cargs, b""), fields));
    }
    let node = out.pop().expect("two runs");
    let ours = out.pop().expect("two runs");
    (ours, node)
}

/// Runs our client and Node's client against one Node server.
fn against_node_server(
    dir: &Path,
    server_args: &[&str],
    client_args: &[&str],
    fields: &[&str],
) -> (Value, Value) {
    let mut args: Vec<&str> = BASE.to_vec();
    args.extend_from_slice(server_args);
    let server =
        spawn_serve(&Impl::Node, dir, &args).unwrap_or_else(|e| panic!("node serve {args:?}: {e}"));
    let target = format!("127.0.0.1:{}", server.port);
    let mut cargs = vec![target.as_str(), "--ca", "root.pem"];
    cargs.extend_from_slice(client_args);
    (
        outcome(&run_connect(&ours(), dir, &cargs, b""), fields),
        outcome(&run_connect(&Impl::Node, dir, &cargs, b""), fields),
    )
}

fn check(ctx: &str, (ours, node): (Value, Value)) {
    assert_eq!(ours, node, "{ctx}: nodetls {ours} vs node {node}");
}

#[test]
fn ciphers_choose_the_suite_on_both_sides() {
    let Some(dir) = setup() else { return };
    let d = dir.path();
    let f = ["protocol", "cipher"];
    for (server, client) in [
        (
            "ECDHE-ECDSA-CHACHA20-POLY1305",
            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305",
        ),
        (
            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384",
        ),
        (
            "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256",
            "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256",
        ),
        (
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384",
        ),
    ] {
        for version in ["TLSv1.2", "TLSv1.3"] {
            let ctx = format!("server {server} / client {client} / {version}");
            // Our server honours its own order (honorCipherOrder defaults to true).
            check(
                &format!("{ctx}: server side"),
                against_both_servers(
                    d,
                    &["--ciphers", server],
                    &Impl::Node,
                    &["--ciphers", client, "--max-version", version],
                    &f,
                ),
            );
            // Our client offers exactly its list.
            check(
                &format!("{ctx}: client side"),
                against_node_server(
                    d,
                    &["--ciphers", server],
                    &["--ciphers", client, "--max-version", version],
                    &f,
                ),
            );
        }
    }
}

#[test]
fn ecdh_curve_chooses_the_group() {
    let Some(dir) = setup() else { return };
    let d = dir.path();
    let f = ["protocol", "ephemeralKeyInfo"];
    for (server, client) in [
        ("P-384", "auto"),
        ("auto", "P-256"),
        ("X25519:P-256", "P-256:X25519"),
        ("P-256", "X25519"),
        ("prime256v1", "secp384r1:prime256v1"),
    ] {
        for version in ["TLSv1.2", "TLSv1.3"] {
            let ctx = format!("server {server} / client {client} / {version}");
            check(
                &format!("{ctx}: server side"),
                against_both_servers(
                    d,
                    &["--ecdh-curve", server],
                    &Impl::Node,
                    &["--ecdh-curve", client, "--max-version", version],
                    &f,
                ),
            );
            check(
                &format!("{ctx}: client side"),
                against_node_server(
                    d,
                    &["--ecdh-curve", server],
                    &["--ecdh-curve", client, "--max-version", version],
                    &f,
                ),
            );
        }
    }
}

#[test]
fn versions_and_secure_protocol_are_enforced() {
    let Some(dir) = setup() else { return };
    let d = dir.path();
    let f = ["protocol"];
    let cases: &[(&[&str], &[&str])] = &[
        (&["--max-version", "TLSv1.2"], &[]),
        (&["--min-version", "TLSv1.3"], &["--max-version", "TLSv1.2"]),
        (&["--max-version", "TLSv1.2"], &["--min-version", "TLSv1.3"]),
        (&["--secure-protocol", "TLSv1_2_method"], &[]),
        (&[], &["--secure-protocol", "TLSv1_2_method"]),
        (
            &["--secure-protocol", "TLS_method"],
            &["--max-version", "TLSv1.3"],
        ),
    ];
    for (server, client) in cases {
        let ctx = format!("server {server:?} / client {client:?}");
        let (o, n) = against_both_servers(d, server, &Impl::Node, client, &f);
        check(&format!("{ctx}: server side"), (o, n));
        let (o, n) = against_node_server(d, server, client, &f);
        check(&format!("{ctx}: client side"), (o, n));
    }
}

#[test]
fn crl_revokes_and_requires_crls_like_node() {
    let Some(dir) = setup() else { return };
    let d = dir.path();
    // A CRL from the intermediate revoking the EC leaf, an empty one from the root.
    let bin = env!("CARGO_BIN_EXE_nodetls");
    test_support::run_ok(std::process::Command::new(bin).current_dir(d).args([
        "crl",
        "--issuer-key",
        "inter.key",
        "--issuer-cert",
        "inter.pem",
        "--revoke",
        "leaf-ec.pem",
        "--out",
        "inter.crl",
    ]));
    test_support::run_ok(std::process::Command::new(bin).current_dir(d).args([
        "crl",
        "--issuer-key",
        "inter.key",
        "--issuer-cert",
        "inter.pem",
        "--out",
        "inter-empty.crl",
    ]));
    test_support::run_ok(std::process::Command::new(bin).current_dir(d).args([
        "crl",
        "--issuer-key",
        "root.key",
        "--issuer-cert",
        "root.pem",
        "--out",
        "root.crl",
    ]));
    let f = ["authorized", "authorizationError"];
    for crls in [
        &["--crl", "inter.crl", "--crl", "root.crl"][..],
        &["--crl", "inter-empty.crl", "--crl", "root.crl"],
        &["--crl", "inter-empty.crl"],
    ] {
        let mut args = crls.to_vec();
        check(
            &format!("{crls:?} rejectUnauthorized"),
            against_node_server(d, &[], &args, &f),
        );
        args.push("--no-reject-unauthorized");
        check(
            &format!("{crls:?} --no-reject-unauthorized"),
            against_node_server(d, &[], &args, &f),
        );
    }
}

#[test]
fn ocsp_staple_reaches_the_client() {
    let Some(dir) = setup() else { return };
    let d = dir.path();
    std::fs::write(
        d.join("staple.der"),
        b"\x30\x03\x0a\x01\x00 not a real OCSP response, but bytes are bytes",
    )
    .expect("staple");
    for version in ["TLSv1.2", "TLSv1.3"] {
        for imp in [ours(), Impl::Node] {
            let mut args: Vec<&str> = BASE.to_vec();
            args.extend(["--ocsp-response", "staple.der"]);
            let server = spawn_serve(&imp, d, &args).expect("serve");
            let target = format!("127.0.0.1:{}", server.port);
            for client in [ours(), Impl::Node] {
                let asked = run_connect(
                    &client,
                    d,
                    &[
                        target.as_str(),
                        "--ca",
                        "root.pem",
                        "--request-ocsp",
                        "--max-version",
                        version,
                    ],
                    b"",
                );
                let resp = event(&asked.lines, "OCSPResponse").unwrap_or_else(|| {
                    panic!(
                        "{}→{} {version}: {:?}",
                        client.label(),
                        imp.label(),
                        asked.lines
                    )
                });
                let expected = {
                    use base64::Engine as _;
                    base64::engine::general_purpose::STANDARD
                        .encode(std::fs::read(d.join("staple.der")).expect("read"))
                };
                assert_eq!(
                    resp["response"],
                    Value::String(expected),
                    "{} client, {} server, {version}",
                    client.label(),
                    imp.label()
                );
            }
        }
        // Nothing stapled when the client does not ask: a Node client sees no
        // OCSPResponse event and our server's hook is not consulted.
        let server = spawn_serve(
            &ours(),
            d,
            &[BASE.as_slice(), &["--ocsp-response", "staple.der"]].concat(),
        )
        .expect("serve");
        let target = format!("127.0.0.1:{}", server.port);
        let plain = run_connect(
            &Impl::Node,
            d,
            &[
                target.as_str(),
                "--ca",
                "root.pem",
                "--max-version",
                version,
            ],
            b"",
        );
        assert!(event(&plain.lines, "OCSPResponse").is_none());
        assert!(event(&plain.lines, "secureConnect").is_some());
    }
}

#[test]
fn secure_options_disable_versions_and_tickets() {
    let Some(dir) = setup() else { return };
    let d = dir.path();
    // Library level: SSL_OP_NO_TLSv1_3 pins TLS 1.2 and SSL_OP_NO_TICKET stops
    // ticket resumption (Node has no session cache, so no resumption at all).
    let run = |opts: u64| {
        let ctx = tls_core::create_secure_context(&tls_core::SecureContextOptions {
            secure_options: opts,
            ..Default::default()
        });
        ctx.map(|c| c.cipher_names().len())
    };
    assert!(run(0x2000_0000).is_ok());
    assert_eq!(
        run(0x2000_0000 | 0x0800_0000).unwrap_err().code(),
        "ERR_SSL_NO_PROTOCOLS_AVAILABLE"
    );
    assert_eq!(
        run(0x0020_0000).unwrap_err().code(),
        "ERR_TLS_UNSUPPORTED_SECURE_OPTION"
    );
    let _ = d;
}

#[test]
fn dhparam_and_curve_errors_at_startup() {
    let Some(dir) = setup() else { return };
    let d = dir.path();
    run_ok_openssl(d, &["dhparam", "-out", "dh512.pem", "512"]);
    for args in [
        &["--dhparam", "dh512.pem"][..],
        &["--ecdh-curve", "P-256:nope"],
        &["--ecdh-curve", ""],
        &["--min-version", "TLSv1.9"],
        &["--secure-protocol", "SSLv2_method"],
        &["--ciphers", ":"],
    ] {
        let mut full: Vec<&str> = BASE.to_vec();
        full.extend_from_slice(args);
        let o = spawn_serve(&ours(), d, &full).err().unwrap_or(Value::Null);
        let n = spawn_serve(&Impl::Node, d, &full)
            .err()
            .unwrap_or(Value::Null);
        assert_eq!(o["code"], n["code"], "{args:?}: ours {o} node {n}");
    }
    // Beyond Node: valid dhparam cannot be honoured (no DHE in rustls) and says so;
    // P-521 is refused where Node would accept it.
    run_ok_openssl(d, &["dhparam", "-out", "dh1024.pem", "1024"]);
    for (args, code) in [
        (&["--dhparam", "dh1024.pem"][..], "ERR_TLS_DHE_UNSUPPORTED"),
        (&["--ecdh-curve", "P-521"], "ERR_CRYPTO_OPERATION_FAILED"),
    ] {
        let mut full: Vec<&str> = BASE.to_vec();
        full.extend_from_slice(args);
        let o = spawn_serve(&ours(), d, &full).err().unwrap_or(Value::Null);
        assert_eq!(o["code"], code, "{args:?}");
    }
    let _ = Duration::ZERO;
}

fn run_ok_openssl(dir: &Path, args: &[&str]) {
    test_support::run_ok(test_support::openssl(dir).args(args));
}

#[test]
fn sslkeylogfile_receives_nss_lines_from_server_and_client() {
    let Some(dir) = setup() else { return };
    let d = dir.path();
    let bin = env!("CARGO_BIN_EXE_nodetls");
    let server_log = d.join("server.keys");
    let mut server = std::process::Command::new(bin)
        .current_dir(d)
        .args([
            "serve",
            "--port",
            "0",
            "--key",
            "leaf-ec.key",
            "--cert",
            "leaf-ec.pem",
        ])
        .env("SSLKEYLOGFILE", &server_log)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.as_mut().expect("stdout")),
        &mut line,
    )
    .expect("listening");
    let port = serde_json::from_str::<Value>(&line).expect("json")["port"]
        .as_u64()
        .expect("port");
    let client_log = d.join("client.keys");
    let out = test_support::run(
        std::process::Command::new(bin)
            .current_dir(d)
            .args(["connect", &format!("127.0.0.1:{port}"), "--ca", "root.pem"])
            .env("SSLKEYLOGFILE", &client_log),
    );
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(out.status.code(), Some(0));
    let client = std::fs::read_to_string(&client_log).expect("client key log");
    let server = std::fs::read_to_string(&server_log).expect("server key log");
    for log in [&client, &server] {
        assert!(
            log.lines()
                .any(|l| l.starts_with("CLIENT_HANDSHAKE_TRAFFIC_SECRET ")),
            "{log}"
        );
        assert!(
            log.lines()
                .any(|l| l.starts_with("CLIENT_TRAFFIC_SECRET_0 ")),
            "{log}"
        );
    }
    // Both ends log the same secrets for the same connection.
    let mut c: Vec<&str> = client.lines().collect();
    let mut s: Vec<&str> = server.lines().collect();
    c.sort_unstable();
    s.sort_unstable();
    assert_eq!(c, s);
}
