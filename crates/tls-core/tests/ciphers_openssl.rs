//! The cipher-list grammar and table against live `openssl ciphers` (OpenSSL 3.0),
//! over ALL of OpenSSL's suites, not only the nine implemented: for each list,
//! `openssl_cipher_list` must equal what `openssl ciphers -ciphersuites <TLS 1.3
//! part> <TLS 1.2 part>` prints, in order, or fail where openssl fails.

use std::fmt::Write as _;

use tls_core::ciphers::openssl_cipher_list;

const DEFAULT_TLS13: &str =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

/// Every alias of OpenSSL 3.0's `cipher_aliases[]`, available or not.
const ALIASES: &[&str] = &[
    "ALL",
    "COMPLEMENTOFALL",
    "COMPLEMENTOFDEFAULT",
    "kRSA",
    "kEDH",
    "kDHE",
    "DH",
    "kEECDH",
    "kECDHE",
    "ECDH",
    "kPSK",
    "kRSAPSK",
    "kECDHEPSK",
    "kDHEPSK",
    "kSRP",
    "kGOST",
    "kGOST18",
    "aRSA",
    "aDSS",
    "DSS",
    "aNULL",
    "aECDSA",
    "ECDSA",
    "aPSK",
    "aGOST01",
    "aGOST12",
    "aGOST",
    "aSRP",
    "EDH",
    "DHE",
    "EECDH",
    "ECDHE",
    "NULL",
    "RSA",
    "ADH",
    "AECDH",
    "PSK",
    "SRP",
    "3DES",
    "RC4",
    "RC2",
    "IDEA",
    "SEED",
    "eNULL",
    "GOST89",
    "AES128",
    "AES256",
    "AES",
    "AESGCM",
    "AESCCM",
    "AESCCM8",
    "CAMELLIA128",
    "CAMELLIA256",
    "CAMELLIA",
    "CHACHA20",
    "GOST2012-GOST8912-GOST8912",
    "ARIA",
    "ARIAGCM",
    "ARIA128",
    "ARIA256",
    "CBC",
    "MD5",
    "SHA1",
    "SHA",
    "GOST94",
    "GOST89MAC",
    "SHA256",
    "SHA384",
    "GOST12",
    "SSLv3",
    "TLSv1",
    "TLSv1.0",
    "TLSv1.2",
    "LOW",
    "MEDIUM",
    "HIGH",
    "FIPS",
    "EDH-DSS-DES-CBC3-SHA",
    "EDH-RSA-DES-CBC3-SHA",
    "DEFAULT",
];

/// Orderings and operators over the whole table.
const MIXES: &[&str] = &[
    "ALL:COMPLEMENTOFALL",
    "COMPLEMENTOFALL:ALL",
    "ALL:COMPLEMENTOFALL:@STRENGTH",
    "ALL:+kRSA:+aNULL:@STRENGTH",
    "ALL:-HIGH:HIGH",
    "ALL:!COMPLEMENTOFDEFAULT",
    "DEFAULT:COMPLEMENTOFDEFAULT",
    "DEFAULT:+SHA1",
    "kDHE+aRSA:kECDHE+aECDSA:PSK",
    "PSK+AESGCM:RSA+CAMELLIA:SRP",
    "CBC+AES256:CBC+CAMELLIA",
    "HIGH+kDHEPSK:FIPS+kRSA",
    "HIGH+FIPS",
    "FIPS:!aNULL",
    "TLSv1:SSLv3:TLSv1.2",
    "TLSv1+SHA1:TLSv1.0+aECDSA",
    "SHA384:SHA256:SHA1:MD5",
    "AES128-SHA+TLSv1.2:AES128-SHA256+TLSv1.2",
    "ECDHE-ECDSA-AES128-SHA+SHA1:ECDHE-ECDSA-AES128-SHA+AES256",
    "ARIA:CHACHA20:@STRENGTH:+ARIA",
    "ALL:-ECDHE:-DHE:ECDHE:DHE",
    "ALL:!ECDHE:ECDHE",
    "NULL:eNULL:COMPLEMENTOFALL",
    "aNULL+AES:ADH:AECDH",
    "ALL:+AESGCM:+CHACHA20:+AESCCM",
    "COMPLEMENTOFDEFAULT+HIGH:COMPLEMENTOFDEFAULT+COMPLEMENTOFALL",
    "SUITEB128ONLY",
    "SUITEB128C2",
    "SUITEB128",
    "SUITEB192",
    "DEFAULT:@SECLEVEL=3",
    "@STRENGTH:ALL",
    "ALL;aRSA,kPSK ECDSA",
    "RC4:3DES:SEED:IDEA:GOST89:ECDHE",
];

/// `openssl ciphers` for Node's two parts: `Ok(names)` or `Err(stderr)`.
fn openssl(dir: &std::path::Path, tls13: &str, tls12: &str) -> Result<Vec<String>, String> {
    let tls13 = if tls13.is_empty() {
        DEFAULT_TLS13
    } else {
        tls13
    };
    let out = test_support::run(test_support::openssl(dir).args([
        "ciphers",
        "-ciphersuites",
        tls13,
        "--",
        tls12,
    ]));
    if out.status.success() {
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text.trim_end().split(':').map(str::to_owned).collect())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn split(list: &str) -> (String, String) {
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

/// Compares one list; appends a readable report to `failures`.
fn check(dir: &std::path::Path, list: &str, failures: &mut String) -> bool {
    let (tls13, tls12) = split(list);
    assert!(!tls12.is_empty(), "{list:?}: the CLI needs a TLS 1.2 part");
    let theirs = openssl(dir, &tls13, &tls12);
    let ours = openssl_cipher_list(list);
    let same = match (&ours, &theirs) {
        (Ok(o), Ok(t)) => o.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>() == *t,
        (Err(e), Err(t)) => match e.code() {
            "ERR_SSL_NO_CIPHER_MATCH" => t.contains("no cipher match"),
            "ERR_SSL_INVALID_COMMAND" => t.contains("invalid command"),
            _ => false,
        },
        _ => false,
    };
    if !same {
        let _ = writeln!(
            failures,
            "list {list:?}\n  ours:   {:?}\n  theirs: {theirs:?}",
            ours.as_ref().map_err(tls_core::Error::code)
        );
    }
    ours.is_ok()
}

#[test]
fn every_alias_and_mix_matches_openssl() {
    let _ = test_support::require_peer!("openssl");
    let dir = test_support::temp_dir();
    let mut failures = String::new();
    let mut selected = 0;
    for alias in ALIASES {
        // Alone, negated, and as an intersection with every-other alias.
        for list in [
            (*alias).to_owned(),
            format!("ALL:COMPLEMENTOFALL:!{alias}"),
            format!("ALL:-{alias}:+{alias}"),
            format!("{alias}+HIGH:{alias}+kECDHE:{alias}+SHA1:{alias}+TLSv1.2"),
        ] {
            selected += usize::from(check(dir.path(), &list, &mut failures));
        }
    }
    for list in MIXES {
        selected += usize::from(check(dir.path(), list, &mut failures));
    }
    assert!(failures.is_empty(), "mismatches:\n{failures}");
    assert!(selected > 200, "only {selected} lists selected suites");
}

#[test]
fn every_suite_by_openssl_and_iana_name_matches_openssl() {
    let _ = test_support::require_peer!("openssl");
    let dir = test_support::temp_dir();
    let out = test_support::run_ok(test_support::openssl(dir.path()).args([
        "ciphers",
        "-ciphersuites",
        "",
        "-stdname",
        "ALL:COMPLEMENTOFALL",
    ]));
    let mut std_names = Vec::new();
    let mut names = Vec::new();
    for line in String::from_utf8_lossy(&out).lines() {
        // "TLS_ECDHE_..._SHA384 - ECDHE-...-SHA384 TLSv1.2 Kx=..."
        let cols: Vec<&str> = line.split_whitespace().collect();
        std_names.push(cols[0].to_owned());
        names.push(cols[2].to_owned());
    }
    let count = names.len();
    // Every suite by OpenSSL name in the grammar, in reverse order (explicit
    // names keep the order given), then some moved with `+`; and every suite by
    // IANA name among the TLS_ entries (SSL_CTX_set_ciphersuites finds TLS 1.2
    // suites too). One openssl run each.
    names.reverse();
    let moved = names
        .iter()
        .step_by(7)
        .map(|n| format!("+{n}"))
        .collect::<Vec<_>>();
    let mut failures = String::new();
    check(
        dir.path(),
        &format!("{}:{}", names.join(":"), moved.join(":")),
        &mut failures,
    );
    check(
        dir.path(),
        &format!("{}:eNULL", std_names.join(":")),
        &mut failures,
    );
    std_names.reverse();
    check(
        dir.path(),
        &format!("{}:ALL", std_names.join(":")),
        &mut failures,
    );
    assert_eq!(
        count, 155,
        "OpenSSL 3.0 with the default provider has 155 suites"
    );
    assert!(failures.is_empty(), "mismatches:\n{failures}");
}

/// Pseudo-random lists (a fixed-seed LCG, so failures reproduce) built from
/// names, aliases, operators and separators, against openssl.
#[test]
fn random_lists_match_openssl() {
    const TOKENS: &[&str] = &[
        "ALL",
        "HIGH",
        "MEDIUM",
        "ECDHE",
        "DHE",
        "kRSA",
        "aRSA",
        "aECDSA",
        "aDSS",
        "aNULL",
        "PSK",
        "SRP",
        "AESGCM",
        "AESCCM",
        "AES128",
        "AES256",
        "CAMELLIA",
        "ARIA",
        "CHACHA20",
        "SHA1",
        "SHA256",
        "SHA384",
        "CBC",
        "FIPS",
        "TLSv1.2",
        "TLSv1",
        "SSLv3",
        "eNULL",
        "COMPLEMENTOFDEFAULT",
        "COMPLEMENTOFALL",
        "DEFAULT",
        "@STRENGTH",
        "FOO",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "DHE-RSA-CHACHA20-POLY1305",
        "AES256-SHA",
        "PSK-AES128-CCM8",
        "ECDHE-ECDSA-CAMELLIA256-SHA384",
        "ADH-AES128-SHA",
    ];
    const OPS: &[&str] = &["", "", "", "!", "-", "+"];
    const SEPS: &[&str] = &[":", ":", ":", ",", ";", " ", "+"];
    let _ = test_support::require_peer!("openssl");
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(state >> 33).unwrap_or(0) % n
    };
    let dir = test_support::temp_dir();
    let mut failures = String::new();
    let mut selected = 0;
    for _ in 0..150 {
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
        if split(&list).1.is_empty() {
            continue;
        }
        selected += usize::from(check(dir.path(), &list, &mut failures));
    }
    assert!(failures.is_empty(), "mismatches:\n{failures}");
    assert!(selected > 50, "only {selected} lists selected suites");
}
