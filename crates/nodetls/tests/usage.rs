//! Usage errors exit with status 2 and print nothing on stdout
//! (shared/spec/cli.md, "General rules").

use std::process::Command;

fn nodetls(args: &[&str]) -> std::process::Output {
    test_support::run(Command::new(env!("CARGO_BIN_EXE_nodetls")).args(args))
}

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    let cases: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        &["serve", "--no-such-flag"],
        &["serve", "--port"],
        &["serve", "--port", "1", "--port", "2"],
        &["serve", "--request-cert=yes"],
        &["serve", "--port", "65536"],
        &["serve", "--port", "+80"],
        &["serve", "--port", "0x50"],
        &["serve", "--handshake-timeout", "1.5"],
        &["serve", "--max-connections", "-1"],
        &["serve", "--session-timeout", "ten"],
        &["serve", "--sni", "nohost"],
        &["serve", "--sni", "a=onlykey"],
        &["serve", "extra-positional"],
        &["connect"],
        &["connect", "localhost"],
        &["connect", "[::1]8000"],
        &["connect", "host:99999"],
        &["connect", "host:80", "--servername"],
        &["x509"],
        &["x509", "a.pem", "b.pem"],
        &["ciphers", "A", "B"],
    ];
    for args in cases {
        let out = nodetls(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout.is_empty(),
            "{args:?}: stdout {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn flag_equals_value_and_double_dash_are_accepted() {
    let out = nodetls(&["ciphers", "--", "-ALL:ECDHE-RSA-AES128-GCM-SHA256"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256"
    );
    // --flag=value: an invalid ticket key reaches the option check (exit 1, error
    // event), proving the value was parsed.
    let out = nodetls(&["serve", "--port=0", "--ticket-keys=00"]);
    assert_eq!(out.status.code(), Some(1));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).expect("error event");
    assert_eq!(line["event"], "error");
    assert_eq!(line["code"], "ERR_INVALID_ARG_VALUE");
}
