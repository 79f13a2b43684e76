//! `nodetls ciphers LIST` against the real thing: for every list, the verdict
//! must be the one live `node` gives for `tls.createSecureContext({ciphers})`, and
//! the suites must be what live `openssl ciphers -s -ciphersuites <TLS 1.3 part>
//! <TLS 1.2 part>` prints, restricted to the nine suites this stack implements
//! (shared/spec/cli.md, "nodetls ciphers").

use std::fmt::Write as _;
use std::process::Command;

/// The nine implemented suites, by the names `openssl ciphers` prints.
const IMPLEMENTED: [&str; 9] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-RSA-CHACHA20-POLY1305",
];

const DEFAULT_TLS13: &str =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

/// Lists covering names, aliases, operators, orderings, `@` commands, unknown
/// names, `TLS_` entries, separators and Node's empty cases.
const LISTS: &[&str] = &[
    // Node's defaults and empty cases.
    "",
    ":",
    "::",
    " ",
    "DEFAULT",
    "DEFAULT:!ECDSA",
    "DEFAULTX",
    "RSA:DEFAULT",
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA",
    // Single aliases.
    "ALL",
    "COMPLEMENTOFALL",
    "COMPLEMENTOFDEFAULT",
    "HIGH",
    "MEDIUM",
    "LOW",
    "FIPS",
    "kECDHE",
    "ECDHE",
    "EECDH",
    "kEECDH",
    "ECDH",
    "aRSA",
    "aECDSA",
    "ECDSA",
    "RSA",
    "kRSA",
    "PSK",
    "SRP",
    "aNULL",
    "AESGCM",
    "AES",
    "AES128",
    "AES256",
    "CHACHA20",
    "SHA256",
    "SHA384",
    "TLSv1.2",
    "TLSv1",
    "SSLv3",
    "CBC",
    "NULL",
    "CAMELLIA",
    "ARIA",
    "AESCCM",
    // Intersections.
    "ECDHE+AESGCM",
    "kECDHE+aRSA+AES256",
    "aECDSA+CHACHA20",
    "HIGH+FIPS",
    "ECDHE+AES128+SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256+AES256",
    "ECDHE-RSA-AES128-GCM-SHA256+HIGH",
    "AES128-SHA+TLSv1.2",
    "TLSv1.2+SSLv3",
    "ECDHE+FOO",
    // Operators and orderings.
    "ALL:!ECDSA",
    "ALL:-ECDSA:ECDSA",
    "ALL:+AES128",
    "ALL:+ECDSA",
    "ECDHE:+AES256",
    "ECDHE:!AESGCM",
    "ECDHE:-AESGCM:AES128",
    "HIGH:!aRSA:+CHACHA20",
    "CHACHA20:AESGCM",
    "AES128:AES256",
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
    "ALL!RC4",
    "ALL:!ALL:ECDHE-RSA-AES256-GCM-SHA384",
    "-ALL:ECDHE",
    "!ECDHE:ECDHE",
    "AES128:@STRENGTH",
    "ALL:@STRENGTH",
    "CHACHA20:AES128:AES256:@STRENGTH",
    // Security levels.
    "ALL:@SECLEVEL=0",
    "ALL:@SECLEVEL=3",
    "ALL:@SECLEVEL=4",
    "ALL:@SECLEVEL=5",
    "@SECLEVEL=5:ECDHE+AES128",
    "TLS_AES_128_GCM_SHA256:HIGH:@SECLEVEL=4",
    "@SECLEVEL=6:ALL",
    "@SECLEVEL=1x",
    // Separators.
    "ECDHE-RSA-AES128-GCM-SHA256,ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES128-GCM-SHA256;CHACHA20",
    "  AESGCM , CHACHA20  ",
    "AESGCM:",
    // Unknown, invalid, empty selections.
    "FOO",
    "RC4",
    "3DES",
    "ecdhe-rsa-aes128-gcm-sha256",
    "-ALL",
    "!ALL",
    "@STRENGTH",
    "@FOO",
    "ALL:&",
    "ALL\tHIGH",
    "ECDHE+",
    "ALL:-",
    "FOO+&:ECDHE",
    "kRSA:ECDHE",
    // TLS 1.3 entries.
    "TLS_AES_128_GCM_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256:TLS_AES_128_GCM_SHA256",
    "TLS_FOO",
    "TLS_FOO:ECDHE",
    "!TLS_AES_128_GCM_SHA256",
    "!TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_CCM_SHA256",
    "TLS_AES_128_CCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256",
    "TLS_AES_128_GCM_SHA256 :ECDHE",
    "TLS_AES_256_GCM_SHA384:kRSA",
    "TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:AES256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:TLS_AES_128_GCM_SHA256:ECDHE",
    "TLS_FALLBACK_SCSV:FOO",
    "TLS_RSA_WITH_SEED_CBC_SHA:ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    // Suite B.
    "SUITEB128",
    "SUITEB192:ECDHE-RSA-AES128-GCM-SHA256",
];

/// Node's split of a `ciphers` value (lib/internal/tls/secure-context.js).
fn node_split(list: &str) -> (String, String) {
    let is13 = |e: &&str| e.starts_with("TLS_") || e.starts_with("!TLS_");
    let entries: Vec<&str> = list.split(':').filter(|e| !e.is_empty()).collect();
    let tls13 = entries.iter().copied().filter(is13).collect::<Vec<_>>();
    let tls12 = entries
        .iter()
        .copied()
        .filter(|e| !is13(e))
        .collect::<Vec<_>>();
    (tls13.join(":"), tls12.join(":"))
}

/// Node's verdict for every list: `"ok"` or `err.code`, in one node process.
fn node_verdicts(dir: &std::path::Path, lists: &[String]) -> Vec<String> {
    let script = r"
        const tls = require('tls');
        const lists = JSON.parse(process.argv[1]);
        const out = lists.map((ciphers) => {
          try { tls.createSecureContext({ ciphers }); return 'ok'; }
          catch (e) { return e.code || ('NOCODE ' + e.message); }
        });
        console.log(JSON.stringify(out));
    ";
    let lists = serde_json::to_string(lists).expect("lists serialise");
    let out = test_support::run_ok(test_support::node_script(dir, script).arg(lists));
    serde_json::from_slice(&out).expect("node prints a JSON array")
}

/// What `openssl ciphers -s` lists for Node's two parts, restricted to ours,
/// duplicates dropped (rustls offers a suite once).
fn openssl_restricted(dir: &std::path::Path, list: &str) -> Result<Vec<String>, String> {
    let effective = if list.is_empty() {
        tls_core::ciphers::DEFAULT_CIPHERS
    } else {
        list
    };
    let (tls13, tls12) = node_split(effective);
    let tls13 = if tls13.is_empty() {
        DEFAULT_TLS13.to_owned()
    } else {
        tls13
    };
    let mut cmd = test_support::openssl(dir);
    cmd.args(["ciphers", "-s", "-v", "-ciphersuites", &tls13]);
    let tls13_only = tls12.is_empty();
    if !tls13_only {
        // `--`: a list may start with `-`.
        cmd.arg("--").arg(&tls12);
    }
    let out = test_support::run(&mut cmd);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let mut names: Vec<String> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut cols = line.split_whitespace();
        let (Some(name), Some(version)) = (cols.next(), cols.next()) else {
            continue;
        };
        // Without a TLS 1.2 part the CLI keeps its own default list: only the
        // TLS 1.3 part counts then.
        if tls13_only && version != "TLSv1.3" {
            continue;
        }
        if IMPLEMENTED.contains(&name) && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// `nodetls ciphers -- LIST`: `Ok(names)` or `Err(code)`.
fn ours(list: &str) -> Result<Vec<String>, String> {
    let out = test_support::run(
        Command::new(env!("CARGO_BIN_EXE_nodetls"))
            .args(["ciphers", "--"])
            .arg(list),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        assert!(
            stderr.is_empty(),
            "stderr on success for {list:?}: {stderr}"
        );
        let line = stdout.trim_end_matches('\n');
        assert!(!line.contains('\n'), "more than one line for {list:?}");
        Ok(line.split(':').map(str::to_owned).collect())
    } else {
        assert_eq!(out.status.code(), Some(1), "exit status for {list:?}");
        assert!(stdout.is_empty(), "stdout on failure for {list:?}");
        let code = stderr
            .strip_prefix("nodetls: ")
            .and_then(|s| s.split(':').next())
            .unwrap_or_else(|| panic!("bad error line for {list:?}: {stderr}"));
        Err(code.to_owned())
    }
}

/// Compares every list; returns the mismatch report and how many lists
/// selected suites (so a test can check it is not vacuous).
fn compare(lists: &[String]) -> (String, usize) {
    let dir = test_support::temp_dir();
    let verdicts = node_verdicts(dir.path(), lists);
    assert_eq!(verdicts.len(), lists.len());
    let mut failures = String::new();
    let mut checked_suites = 0;
    for (list, node) in lists.iter().zip(&verdicts) {
        let ours = ours(list);
        let expected: Result<Vec<String>, String> = if node == "ok" {
            match openssl_restricted(dir.path(), list) {
                Ok(names) if names.is_empty() => Err("ERR_SSL_NO_CIPHER_MATCH".to_owned()),
                Ok(names) => {
                    checked_suites += 1;
                    Ok(names)
                }
                Err(e) => {
                    let _ = writeln!(
                        failures,
                        "list {list:?}: node accepts it but openssl fails: {e}"
                    );
                    continue;
                }
            }
        } else {
            Err(node.clone())
        };
        if ours != expected {
            let _ = writeln!(
                failures,
                "list {list:?}\n  ours:   {ours:?}\n  theirs: {expected:?} (node: {node})"
            );
        }
    }
    (failures, checked_suites)
}

#[test]
fn ciphers_match_node_and_openssl() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    assert!(LISTS.len() >= 60);
    let lists: Vec<String> = LISTS.iter().map(|l| (*l).to_owned()).collect();
    let (failures, checked_suites) = compare(&lists);
    assert!(failures.is_empty(), "mismatches:\n{failures}");
    // The comparison is not vacuous: most lists select suites.
    assert!(
        checked_suites >= 40,
        "only {checked_suites} lists selected suites"
    );
}

/// Pseudo-random lists (fixed-seed LCG: failures reproduce) mixing TLS 1.3
/// entries, names, aliases, operators, `@` commands and separators.
#[test]
fn random_lists_match_node_and_openssl() {
    const TOKENS: &[&str] = &[
        "ALL",
        "HIGH",
        "ECDHE",
        "aRSA",
        "aECDSA",
        "AESGCM",
        "AES128",
        "AES256",
        "CHACHA20",
        "SHA256",
        "SHA384",
        "DEFAULT",
        "COMPLEMENTOFDEFAULT",
        "COMPLEMENTOFALL",
        "kRSA",
        "PSK",
        "eNULL",
        "TLSv1.2",
        "FIPS",
        "MEDIUM",
        "CBC",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "AES128-SHA",
        "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_FOO",
        "@STRENGTH",
        "@SECLEVEL=4",
        "@SECLEVEL=5",
        "@SECLEVEL=2",
        "FOO",
    ];
    const OPS: &[&str] = &["", "", "", "!", "-", "+"];
    const SEPS: &[&str] = &[":", ":", ":", ",", ";", " ", "+"];
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(state >> 33).unwrap_or(0) % n
    };
    let mut lists = Vec::new();
    for _ in 0..120 {
        let mut list = String::new();
        let n = 1 + next(6);
        for i in 0..n {
            let token = TOKENS[next(TOKENS.len())];
            if !token.starts_with('@') {
                list.push_str(OPS[next(OPS.len())]);
            }
            list.push_str(token);
            if i + 1 < n {
                list.push_str(SEPS[next(SEPS.len())]);
            }
        }
        lists.push(list);
    }
    let (failures, checked_suites) = compare(&lists);
    assert!(failures.is_empty(), "mismatches:\n{failures}");
    assert!(
        checked_suites >= 40,
        "only {checked_suites} lists selected suites"
    );
}

#[test]
fn dash_ends_flags_and_no_list_is_the_default() {
    let default = ours("").expect("the default list is valid");
    let out = test_support::run_ok(Command::new(env!("CARGO_BIN_EXE_nodetls")).arg("ciphers"));
    assert_eq!(String::from_utf8_lossy(&out).trim_end(), default.join(":"));
    assert_eq!(
        ours("-ALL:ECDHE-RSA-AES128-GCM-SHA256").map(|v| v.len()),
        Ok(4)
    );
}
