//! The test PKI the verify_* tests share, made with the openssl command line.
#![allow(dead_code)] // each test binary uses a different part

use std::path::PathBuf;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};

pub(crate) struct Pki {
    pub(crate) dir: PathBuf,
}

impl Pki {
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub(crate) fn openssl(&self, args: &[&str]) {
        test_support::run_ok(test_support::openssl(&self.dir).args(args));
    }

    pub(crate) fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write");
    }

    pub(crate) fn ec_key(&self, name: &str) {
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
    pub(crate) fn self_signed(&self, name: &str, cn: &str, days: &str, exts: &[&str]) {
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
    pub(crate) fn issue(
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
    pub(crate) fn crl(&self, name: &str, issuer: &str, revoke: &[&str], hours: &str) {
        self.crl_with(name, issuer, revoke, hours, None);
    }

    /// A CRL with `exts` (an OpenSSL extension section body) as its CRL
    /// extensions.
    pub(crate) fn crl_with(
        &self,
        name: &str,
        issuer: &str,
        revoke: &[&str],
        hours: &str,
        exts: Option<&str>,
    ) {
        let db = format!("{name}.index");
        self.write(&db, "");
        self.write(
            &format!("{name}.cnf"),
            &format!(
                "[ca]\ndefault_ca = d\n[d]\ndatabase = {db}\ndefault_md = sha256\n\
                 crlnumber = {name}.num\n{}",
                exts.map_or(String::new(), |e| format!(
                    "crl_extensions = crlext\n[crlext]\n{e}\n"
                ))
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

    pub(crate) fn cert(&self, name: &str) -> CertificateDer<'static> {
        let p = self.path(&format!("{name}.pem"));
        if p.exists() {
            CertificateDer::from_pem_file(&p).unwrap_or_else(|e| panic!("{name}: {e:?}"))
        } else {
            CertificateDer::from(std::fs::read(self.path(&format!("{name}.der"))).expect("der"))
        }
    }

    pub(crate) fn crl_der(&self, name: &str) -> CertificateRevocationListDer<'static> {
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
    pub(crate) fn tamper(&self, from: &str, name: &str, crl: bool) {
        let mut der = if crl {
            self.crl_der(from).as_ref().to_vec()
        } else {
            self.cert(from).as_ref().to_vec()
        };
        let last = der.len() - 1;
        der[last] ^= 0x01;
        std::fs::write(self.path(&format!("{name}.der")), der).expect("write der");
    }

    pub(crate) fn file_of(&self, name: &str) -> String {
        if self.path(&format!("{name}.pem")).exists() {
            format!("{name}.pem")
        } else {
            format!("{name}.der")
        }
    }
}

pub(crate) fn concat(pki: &Pki, out: &str, names: &[&str]) -> Option<String> {
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

pub(crate) fn pem(label: &str, der: &[u8]) -> String {
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

pub(crate) fn build_pki(pki: &Pki) {
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
    // Security level 1 (Node's): SHA-1 below the anchor, RSA keys < 1024 bits.
    pki.openssl(&[
        "req",
        "-new",
        "-config",
        "req.cnf",
        "-key",
        "leaf.key",
        "-subj",
        "/CN=sha1 leaf",
        "-out",
        "leaf_sha1.csr",
    ]);
    pki.openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf_sha1.csr",
        "-CA",
        "rsaroot.pem",
        "-CAkey",
        "rsaroot.key",
        "-set_serial",
        "22",
        "-days",
        "3650",
        "-sha1",
        "-out",
        "leaf_sha1.pem",
    ]);
    pki.openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:768",
        "-out",
        "leaf_rsa768.key",
    ]);
    pki.issue(
        "leaf_rsa768",
        "weak rsa leaf",
        "inter",
        "3650",
        "23",
        Some(server_ext),
    );
    pki.openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "root_sha1.key",
    ]);
    pki.openssl(&[
        "req",
        "-x509",
        "-new",
        "-config",
        "req.cnf",
        "-key",
        "root_sha1.key",
        "-subj",
        "/CN=SHA1 Root",
        "-days",
        "3650",
        "-sha1",
        "-out",
        "root_sha1.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
    ]);
    pki.issue(
        "leaf_sha1root",
        "under sha1 root",
        "root_sha1",
        "3650",
        "24",
        Some("extendedKeyUsage=serverAuth"),
    );
    // Two CAs that issued each other (a loop no self-signed root ends).
    let cross = "basicConstraints=critical,CA:TRUE";
    pki.self_signed("cross_b0", "Cross B", "3650", &[cross]);
    pki.issue("cross_a", "Cross A", "cross_b0", "3650", "30", Some(cross));
    pki.openssl(&["pkey", "-in", "cross_b0.key", "-out", "cross_b.key"]);
    pki.issue("cross_b", "Cross B", "cross_a", "3650", "31", Some(cross));
    pki.issue(
        "leaf_cross",
        "under the loop",
        "cross_a",
        "3650",
        "32",
        Some(server_ext),
    );
    // A second root with the same name and another key (key rollover).
    pki.self_signed(
        "root_dup",
        "Test Root",
        "3650",
        &[
            "basicConstraints=critical,CA:TRUE",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    // A short-lived intermediate.
    pki.issue(
        "inter_short",
        "Short Inter",
        "root",
        "1",
        "33",
        Some(ca_ext),
    );
    pki.issue(
        "leaf_undershort",
        "under short inter",
        "inter_short",
        "3650",
        "34",
        Some(server_ext),
    );
    pki.issue(
        "leaf_anyeku",
        "any eku",
        "inter",
        "3650",
        "35",
        Some("extendedKeyUsage=anyExtendedKeyUsage"),
    );
    pki.issue(
        "leaf_nsclient",
        "netscape client",
        "inter",
        "3650",
        "36",
        Some("nsCertType=client"),
    );
    pki.issue(
        "leaf_kuenc",
        "key encipherment only",
        "inter",
        "3650",
        "37",
        Some("keyUsage=keyEncipherment"),
    );
    // Name constraints on a root and on an intermediate.
    pki.self_signed(
        "nc_root",
        "Constrained Root",
        "3650",
        &[
            "basicConstraints=critical,CA:TRUE",
            "nameConstraints=critical,permitted;DNS:allowed.test,permitted;IP:10.0.0.0/255.0.0.0,permitted;email:.allowed.test,excluded;DNS:bad.allowed.test",
        ],
    );
    let nc_leaf = |name: &str, cn: &str, serial: &str, san: &str| {
        pki.issue(
            name,
            cn,
            "nc_root",
            "3650",
            serial,
            Some(&format!("subjectAltName={san}")),
        );
    };
    nc_leaf(
        "leaf_nc_ok",
        "www.allowed.test",
        "40",
        "DNS:www.allowed.test,IP:10.1.2.3,email:a@x.allowed.test",
    );
    nc_leaf("leaf_nc_dns", "evil.test", "41", "DNS:evil.test");
    nc_leaf(
        "leaf_nc_excluded",
        "x.bad.allowed.test",
        "42",
        "DNS:x.bad.allowed.test",
    );
    nc_leaf("leaf_nc_ip", "ip", "43", "IP:192.168.1.1");
    nc_leaf("leaf_nc_email", "mail", "44", "email:a@evil.test");
    nc_leaf("leaf_nc_cn", "host.evil.test", "45", "DNS:www.allowed.test");
    nc_leaf("leaf_nc_cn_nodns", "host.evil.test", "50", "IP:10.1.2.3");
    nc_leaf("leaf_nc_cn_ok", "host.allowed.test", "51", "IP:10.1.2.4");
    nc_leaf("leaf_nc_uri", "uri", "46", "URI:https://www.allowed.test/");
    pki.issue(
        "inter_nc",
        "Constrained Inter",
        "root",
        "3650",
        "47",
        Some(&format!(
            "{ca_ext}\nnameConstraints=critical,permitted;DNS:inter.test"
        )),
    );
    pki.issue(
        "leaf_internc_ok",
        "a.inter.test",
        "inter_nc",
        "3650",
        "48",
        Some("subjectAltName=DNS:a.inter.test"),
    );
    pki.issue(
        "leaf_internc_bad",
        "a.other.test",
        "inter_nc",
        "3650",
        "49",
        Some("subjectAltName=DNS:a.other.test"),
    );
    // Ed25519 and RSA-PSS signatures.
    pki.openssl(&["genpkey", "-algorithm", "ED25519", "-out", "edroot.key"]);
    pki.openssl(&[
        "req",
        "-x509",
        "-new",
        "-config",
        "req.cnf",
        "-key",
        "edroot.key",
        "-subj",
        "/CN=Ed Root",
        "-days",
        "3650",
        "-out",
        "edroot.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
    ]);
    pki.openssl(&[
        "req",
        "-new",
        "-config",
        "req.cnf",
        "-key",
        "leaf.key",
        "-subj",
        "/CN=ed leaf",
        "-out",
        "leaf_ed.csr",
    ]);
    pki.openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf_ed.csr",
        "-CA",
        "edroot.pem",
        "-CAkey",
        "edroot.key",
        "-set_serial",
        "60",
        "-days",
        "3650",
        "-out",
        "leaf_ed.pem",
    ]);
    pki.openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf_ed.csr",
        "-CA",
        "rsaroot.pem",
        "-CAkey",
        "rsaroot.key",
        "-set_serial",
        "61",
        "-days",
        "3650",
        "-sha256",
        "-sigopt",
        "rsa_padding_mode:pss",
        "-sigopt",
        "rsa_pss_saltlen:32",
        "-out",
        "leaf_pss.pem",
    ]);
    // CRLs.
    pki.crl("crl_inter", "inter", &[], "48");
    pki.crl("crl_inter_revoked", "inter", &["leaf"], "48");
    pki.crl("crl_root", "root", &[], "48");
    pki.crl("crl_root_revoked", "root", &["inter"], "48");
    pki.crl("crl_inter_short", "inter", &[], "1");
    pki.crl("crl_ss", "ss_ca", &[], "48");
    // Issuing distribution points: scope and extended-support cases.
    pki.crl_with(
        "crl_inter_idp_uri",
        "inter",
        &[],
        "48",
        Some("issuingDistributionPoint=critical,fullname:URI:http://crl.test/inter.crl"),
    );
    pki.crl_with(
        "crl_root_onlyuser",
        "root",
        &[],
        "48",
        Some("issuingDistributionPoint=critical,onlyuser:TRUE"),
    );
    pki.crl_with(
        "crl_root_onlyca",
        "root",
        &[],
        "48",
        Some("issuingDistributionPoint=critical,onlyCA:TRUE"),
    );
    pki.crl_with(
        "crl_inter_reasons",
        "inter",
        &[],
        "48",
        Some("issuingDistributionPoint=critical,onlysomereasons:keyCompromise"),
    );
    pki.crl_with(
        "crl_inter_akid",
        "inter",
        &["leaf"],
        "48",
        Some("authorityKeyIdentifier=keyid:always"),
    );
    pki.crl_with(
        "crl_inter_critical",
        "inter",
        &[],
        "48",
        Some("1.2.3.4.5=critical,ASN1:NULL"),
    );
    pki.tamper("crl_inter", "crl_inter_tampered", true);
}
