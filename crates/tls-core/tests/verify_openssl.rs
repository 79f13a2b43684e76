//! Differential tests: `tls_core::verify` against live `openssl verify`.
//!
//! Every scenario builds certificates with the openssl command line, runs
//! `openssl verify` (with `-attime`, `-purpose`, `-untrusted`, `-CAfile`,
//! `-crl_check_all -CRLfile` as the scenario needs) and compares the errors
//! openssl prints ("error N at D depth lookup: MESSAGE") with ours, in order.
//! `openssl verify` stops at errors its callback does not tolerate, so its
//! list is a prefix of ours there; where it tolerates all of them the lists
//! must be equal. Node reports the last error of the full list.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls_pki_types::UnixTime;
use tls_core::verify::{verify_chain_report, Purpose, TrustStore, VerifyError};

mod verify_support;
use verify_support::{build_pki, concat, Pki};

/// Errors `openssl verify`'s callback (apps/verify.c in 3.0) lets through.
const OPENSSL_VERIFY_CONTINUES: [i32; 10] = [43, 10, 18, 79, 37, 25, 12, 11, 34, 26];

struct Scenario {
    name: &'static str,
    leaf: &'static str,
    untrusted: &'static [&'static str],
    ca: &'static [&'static str],
    crls: &'static [&'static str],
    purpose: Purpose,
    /// Seconds from now.
    at: i64,
    /// The code Node reports (last error), or "OK": asserts the scenario
    /// tests what its name says.
    node: &'static str,
}

fn openssl_verify(pki: &Pki, s: &Scenario, at: i64) -> (Vec<(i32, usize, String)>, bool) {
    let mut cmd = test_support::openssl(&pki.dir);
    cmd.args([
        "verify",
        "-no-CApath",
        "-no-CAstore",
        // The security level OpenSSL's TLS code (and so Node) applies.
        "-auth_level",
        "1",
        "-attime",
        &at.to_string(),
    ]);
    cmd.args([
        "-purpose",
        match s.purpose {
            Purpose::ServerAuth => "sslserver",
            Purpose::ClientAuth => "sslclient",
        },
    ]);
    match concat(pki, &format!("{}-ca.pem", s.name), s.ca) {
        Some(f) => cmd.args(["-CAfile", &f]),
        None => cmd.arg("-no-CAfile"),
    };
    if let Some(f) = concat(pki, &format!("{}-untrusted.pem", s.name), s.untrusted) {
        cmd.args(["-untrusted", &f]);
    }
    if let Some(f) = concat(pki, &format!("{}-crls.pem", s.name), s.crls) {
        cmd.args(["-crl_check_all", "-CRLfile", &f]);
    }
    cmd.arg(pki.file_of(s.leaf));
    let out = test_support::run(&mut cmd);
    if std::env::var_os("VERIFY_DEBUG").is_some() {
        eprintln!(
            "{cmd:?}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut errors = Vec::new();
    for line in stderr.lines().chain(stdout.lines()) {
        let Some(rest) = line.strip_prefix("error ") else {
            continue;
        };
        let Some((num, rest)) = rest.split_once(" at ") else {
            continue;
        };
        let Some((depth, msg)) = rest.split_once(" depth lookup: ") else {
            continue;
        };
        errors.push((
            num.parse().expect("number"),
            depth.parse().expect("depth"),
            msg.to_owned(),
        ));
    }
    let ok = out.status.success() && stdout.contains(": OK");
    (errors, ok)
}

fn show(errors: &[VerifyError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}@{} ({})", e.reason.openssl_name(), e.depth, e.message))
        .collect::<Vec<_>>()
        .join(", ")
}

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
const S: Purpose = Purpose::ServerAuth;
const C: Purpose = Purpose::ClientAuth;

#[rustfmt::skip]
const SCENARIOS: &[Scenario] = &[
    Scenario { name: "full chain", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "peer sends root too", leaf: "leaf", untrusted: &["inter", "root"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "intermediate missing", leaf: "leaf", untrusted: &[], ca: &["root"], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
    Scenario { name: "empty trust store", leaf: "leaf", untrusted: &["inter"], ca: &[], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
    Scenario { name: "other root only", leaf: "leaf", untrusted: &["inter"], ca: &["other_root"], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
    Scenario { name: "intermediate-only ca", leaf: "leaf", untrusted: &[], ca: &["inter"], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_GET_ISSUER_CERT" },
    Scenario { name: "intermediate-only ca, root sent", leaf: "leaf", untrusted: &["inter", "root"], ca: &["inter"], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_GET_ISSUER_CERT" },
    Scenario { name: "untrusted root in chain", leaf: "leaf", untrusted: &["inter", "root"], ca: &["other_root"], crls: &[], purpose: S, at: 0, node: "SELF_SIGNED_CERT_IN_CHAIN" },
    Scenario { name: "self-signed CA:TRUE leaf, untrusted", leaf: "ss_ca", untrusted: &[], ca: &["root"], crls: &[], purpose: S, at: 0, node: "DEPTH_ZERO_SELF_SIGNED_CERT" },
    Scenario { name: "self-signed CA:TRUE leaf in ca", leaf: "ss_ca", untrusted: &[], ca: &["ss_ca"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "self-signed CA:FALSE leaf in ca", leaf: "ss_leaf", untrusted: &[], ca: &["ss_leaf"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "self-signed CA:FALSE leaf untrusted", leaf: "ss_leaf", untrusted: &[], ca: &[], crls: &[], purpose: S, at: 0, node: "DEPTH_ZERO_SELF_SIGNED_CERT" },
    Scenario { name: "self-signed and expired", leaf: "ss_short", untrusted: &[], ca: &[], crls: &[], purpose: S, at: 2 * DAY, node: "CERT_HAS_EXPIRED" },
    Scenario { name: "self-signed in ca, expired", leaf: "ss_short", untrusted: &[], ca: &["ss_short"], crls: &[], purpose: S, at: 2 * DAY, node: "CERT_HAS_EXPIRED" },
    Scenario { name: "leaf expired", leaf: "leaf_short", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 2 * DAY, node: "CERT_HAS_EXPIRED" },
    Scenario { name: "not yet valid", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: -DAY, node: "CERT_NOT_YET_VALID" },
    Scenario { name: "expired and issuer missing", leaf: "leaf_short", untrusted: &[], ca: &["root"], crls: &[], purpose: S, at: 2 * DAY, node: "CERT_HAS_EXPIRED" },
    Scenario { name: "v1 leaf", leaf: "leaf_v1", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "v1 root", leaf: "leaf_v1root", untrusted: &[], ca: &["v1root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "v1 intermediate", leaf: "leaf_v1inter", untrusted: &["inter_v1"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "tampered leaf signature", leaf: "leaf_tampered", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "CERT_SIGNATURE_FAILURE" },
    Scenario { name: "tampered intermediate signature", leaf: "leaf", untrusted: &["inter_tampered"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "CERT_SIGNATURE_FAILURE" },
    Scenario { name: "client cert as server", leaf: "leaf_client", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "client cert as client", leaf: "leaf_client", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: C, at: 0, node: "OK" },
    Scenario { name: "server cert as client", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: C, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "no EKU as server", leaf: "leaf_plain", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "no EKU as client", leaf: "leaf_plain", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: C, at: 0, node: "OK" },
    Scenario { name: "keyUsage without TLS use", leaf: "leaf_ku_bad", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "CA restricted to clientAuth", leaf: "leaf_interclient", untrusted: &["inter_client"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "issuer is not a CA", leaf: "leaf_noca", untrusted: &["inter_noca"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "issuer without keyCertSign", leaf: "leaf_nocertsign", untrusted: &["inter_nocertsign"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "path length exceeded", leaf: "leaf_pl", untrusted: &["inter_pl"], ca: &["root_pl0"], crls: &[], purpose: S, at: 0, node: "PATH_LENGTH_EXCEEDED" },
    Scenario { name: "unhandled critical extension", leaf: "leaf_crit", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "RSA chain", leaf: "leaf_rsa", untrusted: &[], ca: &["rsaroot"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "SHA-1 signed leaf", leaf: "leaf_sha1", untrusted: &[], ca: &["rsaroot"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "RSA-768 leaf", leaf: "leaf_rsa768", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "SHA-1 self-signed root", leaf: "leaf_sha1root", untrusted: &[], ca: &["root_sha1"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "CA loop in the trust store", leaf: "leaf_cross", untrusted: &[], ca: &["cross_a", "cross_b"], crls: &[], purpose: S, at: 0, node: "CERT_CHAIN_TOO_LONG" },
    Scenario { name: "CA loop sent by the peer", leaf: "leaf_cross", untrusted: &["cross_a", "cross_b"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
    Scenario { name: "leaf itself in ca", leaf: "leaf", untrusted: &[], ca: &["leaf"], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
    Scenario { name: "same-name roots, AKID picks the right one", leaf: "leaf", untrusted: &["inter"], ca: &["root_dup", "root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "only the same-name impostor root", leaf: "leaf", untrusted: &["inter"], ca: &["root_dup"], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
    Scenario { name: "intermediate expired", leaf: "leaf_undershort", untrusted: &["inter_short"], ca: &["root"], crls: &[], purpose: S, at: 2 * DAY, node: "CERT_HAS_EXPIRED" },
    Scenario { name: "anyExtendedKeyUsage only, as server", leaf: "leaf_anyeku", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "nsCertType client, as server", leaf: "leaf_nsclient", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "nsCertType client, as client", leaf: "leaf_nsclient", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: C, at: 0, node: "OK" },
    Scenario { name: "keyEncipherment only, as server", leaf: "leaf_kuenc", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "keyEncipherment only, as client", leaf: "leaf_kuenc", untrusted: &["inter"], ca: &["root"], crls: &[], purpose: C, at: 0, node: "INVALID_PURPOSE" },
    Scenario { name: "name constraints met", leaf: "leaf_nc_ok", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "DNS outside permitted", leaf: "leaf_nc_dns", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "DNS in excluded", leaf: "leaf_nc_excluded", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "IP outside permitted", leaf: "leaf_nc_ip", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "email outside permitted", leaf: "leaf_nc_email", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "commonName outside permitted, DNS SAN inside", leaf: "leaf_nc_cn", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "commonName outside permitted, no DNS SAN", leaf: "leaf_nc_cn_nodns", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "commonName inside permitted, no DNS SAN", leaf: "leaf_nc_cn_ok", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "URI with no URI constraint", leaf: "leaf_nc_uri", untrusted: &[], ca: &["nc_root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "intermediate constraints met", leaf: "leaf_internc_ok", untrusted: &["inter_nc"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "intermediate constraints violated", leaf: "leaf_internc_bad", untrusted: &["inter_nc"], ca: &["root"], crls: &[], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "CRL with a distribution point the cert lacks", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_idp_uri", "crl_root"], purpose: S, at: 0, node: "UNABLE_TO_GET_CRL" },
    Scenario { name: "root CRL only for user certs", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter", "crl_root_onlyuser"], purpose: S, at: 0, node: "UNABLE_TO_GET_CRL" },
    Scenario { name: "root CRL only for CA certs", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter", "crl_root_onlyca"], purpose: S, at: 0, node: "OK" },
    Scenario { name: "reason-partitioned CRL", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_reasons", "crl_root"], purpose: S, at: 0, node: "UNABLE_TO_GET_CRL" },
    Scenario { name: "CRL with AKID, leaf revoked", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_akid", "crl_root"], purpose: S, at: 0, node: "CERT_REVOKED" },
    Scenario { name: "CRL with unknown critical extension", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_critical", "crl_root"], purpose: S, at: 0, node: "UNSPECIFIED" },
    Scenario { name: "Ed25519 chain", leaf: "leaf_ed", untrusted: &[], ca: &["edroot"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "RSA-PSS signed leaf", leaf: "leaf_pss", untrusted: &[], ca: &["rsaroot"], crls: &[], purpose: S, at: 0, node: "OK" },
    Scenario { name: "Ed25519 leaf, wrong root", leaf: "leaf_ed", untrusted: &[], ca: &["rsaroot"], crls: &[], purpose: S, at: 0, node: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
    Scenario { name: "CRLs for every level", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter", "crl_root"], purpose: S, at: 0, node: "OK" },
    Scenario { name: "leaf revoked", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_revoked", "crl_root"], purpose: S, at: 0, node: "CERT_REVOKED" },
    Scenario { name: "intermediate revoked", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter", "crl_root_revoked"], purpose: S, at: 0, node: "CERT_REVOKED" },
    Scenario { name: "root's CRL missing", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter"], purpose: S, at: 0, node: "UNABLE_TO_GET_CRL" },
    Scenario { name: "intermediate's CRL missing", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_root"], purpose: S, at: 0, node: "UNABLE_TO_GET_CRL" },
    Scenario { name: "CRL expired", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_short", "crl_root"], purpose: S, at: 2 * HOUR, node: "CRL_HAS_EXPIRED" },
    Scenario { name: "CRL signature tampered", leaf: "leaf", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_tampered", "crl_root"], purpose: S, at: 0, node: "CRL_SIGNATURE_FAILURE" },
    Scenario { name: "self-signed leaf in ca with CRLs", leaf: "ss_ca", untrusted: &[], ca: &["ss_ca"], crls: &["crl_root"], purpose: S, at: 0, node: "UNABLE_TO_GET_CRL" },
    Scenario { name: "self-signed leaf in ca with its own CRL", leaf: "ss_ca", untrusted: &[], ca: &["ss_ca"], crls: &["crl_ss"], purpose: S, at: 0, node: "OK" },
    Scenario { name: "revoked and expired", leaf: "leaf_short", untrusted: &["inter"], ca: &["root"], crls: &["crl_inter_revoked", "crl_root"], purpose: S, at: 2 * DAY + HOUR, node: "CERT_HAS_EXPIRED" },
];

#[test]
fn verify_matches_openssl_verify() {
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let pki = Pki {
        dir: tmp.path().to_path_buf(),
    };
    build_pki(&pki);
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("time");
    let mut failures = Vec::new();
    for s in SCENARIOS {
        let at = now + s.at;
        let ca: Vec<_> = s.ca.iter().map(|n| pki.cert(n)).collect();
        let crls: Vec<_> = s.crls.iter().map(|n| pki.crl_der(n)).collect();
        let store = TrustStore::new(ca, crls).expect("store");
        let inters: Vec<_> = s.untrusted.iter().map(|n| pki.cert(n)).collect();
        let time =
            UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(at).expect("time")));
        if std::env::var_os("VERIFY_DEBUG").is_some() {
            eprintln!("{} at {at}: {:?}", s.name, s.crls);
        }
        let ours = verify_chain_report(&pki.cert(s.leaf), &inters, &store, s.purpose, time).errors;
        let (theirs, theirs_ok) = openssl_verify(&pki, s, at);

        let mut problem = None;
        if theirs_ok != ours.is_empty() {
            problem = Some("verdicts differ");
        }
        for (i, (num, depth, msg)) in theirs.iter().enumerate() {
            match ours.get(i) {
                Some(e) if e.reason.number() == *num && e.depth == *depth && e.message == msg => {}
                _ => problem = Some("error lists differ"),
            }
        }
        let openssl_went_on = theirs
            .last()
            .is_none_or(|(n, _, _)| OPENSSL_VERIFY_CONTINUES.contains(n));
        if openssl_went_on && ours.len() != theirs.len() {
            problem = Some("openssl tolerated every error but the lists differ in length");
        }
        let node_code = ours.last().map_or("OK", |e| e.code);
        if node_code != s.node {
            problem = Some("Node's (last) code is not the scenario's");
        }
        if let Some(p) = problem {
            failures.push(format!(
                "scenario `{}`: {p}\n  ours:    [{}] => Node code {node_code}, expected {}\n  openssl: {:?} ok={theirs_ok}",
                s.name,
                show(&ours),
                s.node,
                theirs
            ));
        }
    }
    assert!(SCENARIOS.len() >= 25);
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        SCENARIOS.len(),
        failures.join("\n")
    );
}
