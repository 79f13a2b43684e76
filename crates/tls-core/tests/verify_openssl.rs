//! Differential tests: `tls_core::verify` against live `openssl verify`.
//!
//! Every scenario builds certificates with the openssl command line, runs
//! `openssl verify` (with `-attime`, `-purpose`, `-untrusted`, `-CAfile`,
//! `-crl_check_all -CRLfile` as the scenario needs) and compares the errors
//! openssl prints ("error N at D depth lookup: MESSAGE") with ours, in order.
//! `openssl verify` stops at errors its callback does not tolerate, so its
//! list is a prefix of ours there; where it tolerates all of them the lists
//! must be equal. Node reports the last error of the full list.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};
use tls_core::verify::{verify_chain_report, Purpose, TrustStore, VerifyError};

/// Errors `openssl verify`'s callback (apps/verify.c in 3.0) lets through.
const OPENSSL_VERIFY_CONTINUES: [i32; 10] = [43, 10, 18, 79, 37, 25, 12, 11, 34, 26];

struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn openssl(&self, args: &[&str]) {
        test_support::run_ok(test_support::openssl(&self.dir).args(args));
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write");
    }

    fn ec_key(&self, name: &str) {
        self.openssl(&[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &format!("{name}.key"),
        ]);
    }

    /// A self-signed certificate from `openssl req -x509` with `exts`
    /// (`-addext` values).
    fn self_signed(&self, name: &str, cn: &str, days: &str, exts: &[&str]) {
        if !self.path(&format!("{name}.key")).exists() {
            self.ec_key(name);
        }
        let key = format!("{name}.key");
        let subj = format!("/CN={cn}");
        let out = format!("{name}.pem");
        let mut args = vec![
            "req",
            "-x509",
            "-new",
            "-config",
            "req.cnf",
            "-key",
            &key,
            "-subj",
            &subj,
            "-days",
            days,
            "-out",
            &out,
            "-set_serial",
            "1",
        ];
        for e in exts {
            args.push("-addext");
            args.push(e);
        }
        self.openssl(&args);
    }

    /// `name`, issued by `issuer` with `openssl x509 -req`; `exts` = None
    /// makes an X.509 v1 certificate.
    fn issue(
        &self,
        name: &str,
        cn: &str,
        issuer: &str,
        days: &str,
        serial: &str,
        exts: Option<&str>,
    ) {
        if !self.path(&format!("{name}.key")).exists() {
            self.ec_key(name);
        }
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        let subj = format!("/CN={cn}");
        self.openssl(&[
            "req", "-new", "-config", "req.cnf", "-key", &key, "-subj", &subj, "-out", &csr,
        ]);
        let ca = format!("{issuer}.pem");
        let ca_key = format!("{issuer}.key");
        let out = format!("{name}.pem");
        let mut args = vec![
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca,
            "-CAkey",
            &ca_key,
            "-set_serial",
            serial,
            "-days",
            days,
            "-out",
            &out,
            "-sha256",
        ];
        let ext_file = format!("{name}.ext");
        if let Some(exts) = exts {
            self.write(&ext_file, &format!("[e]\n{exts}\n"));
            args.extend(["-extfile", &ext_file, "-extensions", "e"]);
        }
        self.openssl(&args);
    }

    /// A CRL from `issuer` revoking the given certificates.
    fn crl(&self, name: &str, issuer: &str, revoke: &[&str], hours: &str) {
        let db = format!("{name}.index");
        self.write(&db, "");
        self.write(
            &format!("{name}.cnf"),
            &format!(
                "[ca]\ndefault_ca = d\n[d]\ndatabase = {db}\ndefault_md = sha256\n\
                 crlnumber = {name}.num\n"
            ),
        );
        self.write(&format!("{name}.num"), "01\n");
        let cnf = format!("{name}.cnf");
        let key = format!("{issuer}.key");
        let cert = format!("{issuer}.pem");
        for r in revoke {
            let pem = format!("{r}.pem");
            self.openssl(&[
                "ca", "-config", &cnf, "-keyfile", &key, "-cert", &cert, "-revoke", &pem,
            ]);
        }
        let out = format!("{name}.pem");
        self.openssl(&[
            "ca",
            "-gencrl",
            "-config",
            &cnf,
            "-keyfile",
            &key,
            "-cert",
            &cert,
            "-crlhours",
            hours,
            "-out",
            &out,
        ]);
    }

    fn cert(&self, name: &str) -> CertificateDer<'static> {
        let p = self.path(&format!("{name}.pem"));
        if p.exists() {
            CertificateDer::from_pem_file(&p).unwrap_or_else(|e| panic!("{name}: {e:?}"))
        } else {
            CertificateDer::from(std::fs::read(self.path(&format!("{name}.der"))).expect("der"))
        }
    }

    fn crl_der(&self, name: &str) -> CertificateRevocationListDer<'static> {
        let p = self.path(&format!("{name}.pem"));
        if p.exists() {
            CertificateRevocationListDer::from_pem_file(&p).expect("crl pem")
        } else {
            CertificateRevocationListDer::from(
                std::fs::read(self.path(&format!("{name}.der"))).expect("der"),
            )
        }
    }

    /// Writes `name.der`: `from` with its last byte (inside the signature)
    /// flipped.
    fn tamper(&self, from: &str, name: &str, crl: bool) {
        let mut der = if crl {
            self.crl_der(from).as_ref().to_vec()
        } else {
            self.cert(from).as_ref().to_vec()
        };
        let last = der.len() - 1;
        der[last] ^= 0x01;
        std::fs::write(self.path(&format!("{name}.der")), der).expect("write der");
    }

    fn file_of(&self, name: &str) -> String {
        if self.path(&format!("{name}.pem")).exists() {
            format!("{name}.pem")
        } else {
            format!("{name}.der")
        }
    }
}

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

fn concat(pki: &Pki, out: &str, names: &[&str]) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    let mut text = String::new();
    for n in names {
        let der = if n.starts_with("crl") || n.contains("_crl") {
            pki.crl_der(n).as_ref().to_vec()
        } else {
            pki.cert(n).as_ref().to_vec()
        };
        let label = if n.starts_with("crl") || n.contains("_crl") {
            "X509 CRL"
        } else {
            "CERTIFICATE"
        };
        text.push_str(&pem(label, &der));
    }
    pki.write(out, &text);
    Some(out.to_owned())
}

fn pem(label: &str, der: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= n {
                b64.push(T[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("ascii"));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// (number, depth, message) lines of `openssl verify`, and whether it said OK.
fn openssl_verify(pki: &Pki, s: &Scenario, at: i64) -> (Vec<(i32, usize, String)>, bool) {
    let mut cmd = test_support::openssl(&pki.dir);
    cmd.args([
        "verify",
        "-no-CApath",
        "-no-CAstore",
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

fn build_pki(pki: &Pki) {
    pki.write(
        "req.cnf",
        "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n",
    );
    let ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n\
                  subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid";
    let server_ext = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n\
                      extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n\
                      authorityKeyIdentifier=keyid";
    let client_ext = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n\
                      extendedKeyUsage=clientAuth\nauthorityKeyIdentifier=keyid";
    pki.self_signed(
        "root",
        "Test Root",
        "3650",
        &[
            "basicConstraints=critical,CA:TRUE",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    pki.self_signed(
        "other_root",
        "Other Root",
        "3650",
        &["basicConstraints=critical,CA:TRUE"],
    );
    pki.issue("inter", "Test Inter", "root", "3650", "2", Some(ca_ext));
    pki.issue("leaf", "localhost", "inter", "3650", "3", Some(server_ext));
    pki.issue(
        "leaf_short",
        "short lived",
        "inter",
        "1",
        "4",
        Some(server_ext),
    );
    pki.issue(
        "leaf_client",
        "client",
        "inter",
        "3650",
        "5",
        Some(client_ext),
    );
    pki.issue(
        "leaf_plain",
        "plain v3",
        "inter",
        "3650",
        "6",
        Some("subjectAltName=DNS:localhost"),
    );
    pki.issue("leaf_v1", "v1 leaf", "inter", "3650", "7", None);
    pki.issue(
        "leaf_crit",
        "critical ext",
        "inter",
        "3650",
        "8",
        Some("basicConstraints=CA:FALSE\n1.2.3.4.5=critical,ASN1:NULL"),
    );
    pki.issue(
        "leaf_ku_bad",
        "key usage cert sign only",
        "inter",
        "3650",
        "9",
        Some("keyUsage=critical,keyCertSign\nextendedKeyUsage=serverAuth"),
    );
    // A v1 self-signed root (openssl x509 -req -signkey) and a leaf under it.
    pki.ec_key("v1root");
    pki.openssl(&[
        "req",
        "-new",
        "-config",
        "req.cnf",
        "-key",
        "v1root.key",
        "-subj",
        "/CN=V1 Root",
        "-out",
        "v1root.csr",
    ]);
    pki.openssl(&[
        "x509",
        "-req",
        "-in",
        "v1root.csr",
        "-signkey",
        "v1root.key",
        "-days",
        "3650",
        "-out",
        "v1root.pem",
    ]);
    pki.issue("leaf_v1root", "under v1 root", "v1root", "3650", "10", None);
    // A v1 intermediate: OpenSSL accepts v1 only as a (self-signed) root.
    pki.issue("inter_v1", "V1 Inter", "root", "3650", "11", None);
    pki.issue(
        "leaf_v1inter",
        "under v1 inter",
        "inter_v1",
        "3650",
        "12",
        Some("basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth"),
    );
    // pathlen: root_pl0 (pathlen:0) -> inter_pl -> leaf_pl.
    pki.self_signed(
        "root_pl0",
        "PathLen0 Root",
        "3650",
        &[
            "basicConstraints=critical,CA:TRUE,pathlen:0",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    pki.issue(
        "inter_pl",
        "Inter under pathlen 0",
        "root_pl0",
        "3650",
        "13",
        Some(ca_ext),
    );
    pki.issue(
        "leaf_pl",
        "leaf under pathlen",
        "inter_pl",
        "3650",
        "14",
        Some(server_ext),
    );
    // An issuer that is not a CA.
    pki.issue(
        "inter_noca",
        "Not A CA",
        "root",
        "3650",
        "15",
        Some("basicConstraints=critical,CA:FALSE"),
    );
    pki.issue(
        "leaf_noca",
        "under non-CA",
        "inter_noca",
        "3650",
        "16",
        Some(server_ext),
    );
    // A CA restricted to clientAuth.
    pki.issue(
        "inter_client",
        "Client-only CA",
        "root",
        "3650",
        "17",
        Some(&format!("{ca_ext}\nextendedKeyUsage=clientAuth")),
    );
    pki.issue(
        "leaf_interclient",
        "under client CA",
        "inter_client",
        "3650",
        "18",
        Some(server_ext),
    );
    // A CA whose keyUsage lacks keyCertSign.
    pki.issue(
        "inter_nocertsign",
        "No CertSign CA",
        "root",
        "3650",
        "19",
        Some("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign"),
    );
    pki.issue(
        "leaf_nocertsign",
        "under no-certsign CA",
        "inter_nocertsign",
        "3650",
        "20",
        Some(server_ext),
    );
    // Self-signed end entities: CA:TRUE (as `openssl req -x509` makes) and not.
    pki.self_signed(
        "ss_ca",
        "localhost",
        "3650",
        &["basicConstraints=critical,CA:TRUE"],
    );
    pki.self_signed(
        "ss_leaf",
        "self signed leaf",
        "3650",
        &["basicConstraints=CA:FALSE", "extendedKeyUsage=serverAuth"],
    );
    pki.self_signed(
        "ss_short",
        "short self signed",
        "1",
        &["basicConstraints=critical,CA:TRUE"],
    );
    // Tampered signatures.
    pki.tamper("leaf", "leaf_tampered", false);
    pki.tamper("inter", "inter_tampered", false);
    // An RSA chain.
    pki.openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        "rsaroot.key",
    ]);
    pki.self_signed(
        "rsaroot",
        "RSA Root",
        "3650",
        &["basicConstraints=critical,CA:TRUE"],
    );
    pki.issue(
        "leaf_rsa",
        "rsa signed leaf",
        "rsaroot",
        "3650",
        "21",
        Some(server_ext),
    );
    // CRLs.
    pki.crl("crl_inter", "inter", &[], "48");
    pki.crl("crl_inter_revoked", "inter", &["leaf"], "48");
    pki.crl("crl_root", "root", &[], "48");
    pki.crl("crl_root_revoked", "root", &["inter"], "48");
    pki.crl("crl_inter_short", "inter", &[], "1");
    pki.crl("crl_ss", "ss_ca", &[], "48");
    pki.tamper("crl_inter", "crl_inter_tampered", true);
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
