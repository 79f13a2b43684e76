//! `tls_pki::generate::make_crl`: `openssl crl` reads the CRLs, `openssl verify
//! -crl_check` reports revoked certificates as revoked (and only those), Node's
//! `crl` option rejects a revoked server, and webpki agrees.

use std::fs;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer, UnixTime};
use test_support::{node_script, openssl, run, run_ok, temp_dir};
use tls_pki::generate::{
    crl_to_pem, make_certificate, make_crl, parse_subject_alt_names, CertificateOptions,
    CrlOptions, Generated, KeyType,
};

fn make(cn: &str, key_type: KeyType, is_ca: bool, issuer: Option<&Generated>) -> Generated {
    make_certificate(
        &CertificateOptions {
            common_name: cn.into(),
            key_type,
            is_ca,
            subject_alt_names: if is_ca {
                vec![]
            } else {
                parse_subject_alt_names("DNS:localhost").unwrap()
            },
            ..CertificateOptions::default()
        },
        issuer.map(|i| (&i.key_der, &i.cert_der)),
    )
    .unwrap()
}

fn serial_hex(cert: &CertificateDer<'_>) -> String {
    let (_, x) = x509_parser::parse_x509_certificate(cert).unwrap();
    x.raw_serial().iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02X}");
        s
    })
}

#[test]
fn openssl_reads_crl_and_reports_revoked_leaves() {
    let _ = test_support::require_peer!("openssl");
    let dir = temp_dir();
    let d = dir.path();
    for key_type in [KeyType::EcP256, KeyType::Ed25519] {
        let ca = make("CA", key_type, true, None);
        let revoked = make("revoked", KeyType::EcP256, false, Some(&ca));
        let revoked2 = make("revoked2", KeyType::EcP384, false, Some(&ca));
        let good = make("good", KeyType::EcP256, false, Some(&ca));
        let crl = make_crl(
            &ca.key_der,
            &ca.cert_der,
            &[revoked.cert_der.clone(), revoked2.cert_der.clone()],
            &CrlOptions::default(),
        )
        .unwrap();
        fs::write(d.join("ca.pem"), &ca.cert_pem).unwrap();
        fs::write(d.join("crl.pem"), crl_to_pem(&crl)).unwrap();
        fs::write(d.join("crl.der"), crl.as_ref()).unwrap();
        for (name, g) in [
            ("revoked", &revoked),
            ("revoked2", &revoked2),
            ("good", &good),
        ] {
            fs::write(d.join(format!("{name}.pem")), &g.cert_pem).unwrap();
        }

        let text = String::from_utf8(run_ok(
            openssl(d).args(["crl", "-in", "crl.pem", "-noout", "-text"]),
        ))
        .unwrap();
        assert!(text.contains("Version 2 (0x1)"), "{text}");
        assert!(text.contains("Issuer: CN = CA"), "{text}");
        assert!(text.contains("X509v3 CRL Number"), "{text}");
        assert!(text.contains("X509v3 Authority Key Identifier"), "{text}");
        for g in [&revoked, &revoked2] {
            assert!(
                text.contains(&format!("Serial Number: {}", serial_hex(&g.cert_der))),
                "{text}"
            );
        }
        assert!(!text.contains(&serial_hex(&good.cert_der)), "{text}");
        // The DER form is the same CRL.
        run_ok(openssl(d).args(["crl", "-inform", "DER", "-in", "crl.der", "-noout"]));
        // Signature checks out against the CA.
        let out = run(openssl(d).args(["crl", "-in", "crl.pem", "-noout", "-CAfile", "ca.pem"]));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("verify OK"),
            "{key_type}: {out:?}"
        );

        for name in ["revoked", "revoked2"] {
            let out = run(openssl(d).args([
                "verify",
                "-crl_check",
                "-CAfile",
                "ca.pem",
                "-CRLfile",
                "crl.pem",
                &format!("{name}.pem"),
            ]));
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!out.status.success(), "{key_type} {name}: {all}");
            assert!(
                all.contains("error 23 at 0 depth lookup: certificate revoked"),
                "{key_type} {name}: {all}"
            );
        }
        let out = run_ok(openssl(d).args([
            "verify",
            "-crl_check",
            "-CAfile",
            "ca.pem",
            "-CRLfile",
            "crl.pem",
            "good.pem",
        ]));
        assert_eq!(String::from_utf8_lossy(&out).trim(), "good.pem: OK");
    }
}

/// Node's `crl` option: a client with the CA and our CRL refuses the revoked server
/// with `CERT_REVOKED` and accepts the other one.
#[test]
fn node_crl_option_rejects_revoked_server() {
    let _ = test_support::require_peer!("node");
    let dir = temp_dir();
    let d = dir.path();
    let ca = make("CA", KeyType::EcP256, true, None);
    let revoked = make("localhost", KeyType::EcP256, false, Some(&ca));
    let good = make("localhost", KeyType::EcP256, false, Some(&ca));
    let crl = make_crl(
        &ca.key_der,
        &ca.cert_der,
        std::slice::from_ref(&revoked.cert_der),
        &CrlOptions::default(),
    )
    .unwrap();
    fs::write(d.join("ca.pem"), &ca.cert_pem).unwrap();
    fs::write(d.join("crl.pem"), crl_to_pem(&crl)).unwrap();
    for (name, g) in [("revoked", &revoked), ("good", &good)] {
        fs::write(d.join(format!("{name}.key")), &g.key_pem).unwrap();
        fs::write(d.join(format!("{name}.pem")), &g.cert_pem).unwrap();
    }
    let script = r"
const tls = require('tls'), fs = require('fs');
function attempt(name) {
  return new Promise((resolve) => {
    const server = tls.createServer({ key: fs.readFileSync(name + '.key'),
      cert: fs.readFileSync(name + '.pem') }, (s) => s.end());
    server.on('tlsClientError', () => {});
    server.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ port: server.address().port, host: '127.0.0.1', servername: 'localhost',
        ca: fs.readFileSync('ca.pem'), crl: fs.readFileSync('crl.pem') }, () => {
        c.end(); server.close(); resolve('ok');
      });
      c.on('error', (e) => { server.close(); resolve(e.code); });
    });
  });
}
(async () => {
  console.log(JSON.stringify({ revoked: await attempt('revoked'), good: await attempt('good') }));
})();
setTimeout(() => { console.log('timeout'); process.exit(2); }, 20000).unref();
";
    let out = run_ok(&mut node_script(d, script));
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["revoked"], "CERT_REVOKED", "{v}");
    assert_eq!(v["good"], "ok", "{v}");
}

/// webpki (rustls's verifier) reads the CRL and agrees on what is revoked.
#[test]
fn webpki_agrees_on_revocation() {
    let ca = make("CA", KeyType::EcP384, true, None);
    let revoked = make("localhost", KeyType::EcP256, false, Some(&ca));
    let good = make("localhost", KeyType::EcP256, false, Some(&ca));
    let crl = make_crl(
        &ca.key_der,
        &ca.cert_der,
        std::slice::from_ref(&revoked.cert_der),
        &CrlOptions::default(),
    )
    .unwrap();
    let owned = webpki::OwnedCertRevocationList::from_der(&crl).unwrap();
    let crls = [&webpki::CertRevocationList::from(owned)];
    let anchors = [webpki::anchor_from_trusted_cert(&ca.cert_der).unwrap()];
    let check = |g: &Generated| {
        let ee = webpki::EndEntityCert::try_from(&g.cert_der).unwrap();
        let revocation = webpki::RevocationOptionsBuilder::new(&crls)
            .unwrap()
            .build();
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &[],
            UnixTime::now(),
            webpki::KeyUsage::server_auth(),
            Some(revocation),
            None,
        )
        .map(|_| ())
    };
    assert_eq!(check(&revoked), Err(webpki::Error::CertRevoked));
    assert_eq!(check(&good), Ok(()));
}

#[test]
fn crl_pem_and_options() {
    let ca = make("CA", KeyType::EcP256, true, None);
    let crl = make_crl(
        &ca.key_der,
        &ca.cert_der,
        &[],
        &CrlOptions {
            days: 7,
            crl_number: Some(vec![0x2a]),
        },
    )
    .unwrap();
    let pem = crl_to_pem(&crl);
    assert!(pem.starts_with("-----BEGIN X509 CRL-----\n"));
    assert!(pem.lines().all(|l| l.len() <= 64));
    assert_eq!(
        CertificateRevocationListDer::from_pem_slice(pem.as_bytes()).unwrap(),
        crl
    );
    let (_, parsed) = x509_parser::parse_x509_crl(&crl).unwrap();
    assert_eq!(
        parsed
            .crl_number()
            .map(x509_parser::num_bigint::BigUint::to_u64_digits),
        Some(vec![42])
    );
    assert_eq!(parsed.iter_revoked_certificates().count(), 0);
    let next = parsed.next_update().unwrap().timestamp();
    assert_eq!(next - parsed.last_update().timestamp(), 7 * 86_400);

    // The default cRLNumber grows with time (RFC 5280: monotonically increasing).
    let a = make_crl(&ca.key_der, &ca.cert_der, &[], &CrlOptions::default()).unwrap();
    let (_, a) = x509_parser::parse_x509_crl(&a).unwrap();
    let n = a.crl_number().unwrap().to_u64_digits()[0];
    assert!(n >= 1_700_000_000, "{n}");
}

#[test]
fn crl_refusals_carry_codes() {
    let ca = make("CA", KeyType::EcP256, true, None);
    let other_ca = make("Other CA", KeyType::EcP256, true, None);
    let foreign = make("foreign", KeyType::EcP256, false, Some(&other_ca));
    let leaf = make("leaf", KeyType::EcP256, false, Some(&ca));
    let code =
        |key: &PrivateKeyDer<'_>,
         cert: &CertificateDer<'_>,
         revoked: &[CertificateDer<'_>],
         opts: CrlOptions| { make_crl(key, cert, revoked, &opts).unwrap_err().code() };
    let o = CrlOptions::default;
    assert_eq!(
        code(
            &ca.key_der,
            &ca.cert_der,
            std::slice::from_ref(&foreign.cert_der),
            o()
        ),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(
        code(&other_ca.key_der, &ca.cert_der, &[], o()),
        "ERR_OSSL_X509_KEY_VALUES_MISMATCH"
    );
    assert_eq!(code(&leaf.key_der, &leaf.cert_der, &[], o()), "INVALID_CA");
    assert_eq!(
        code(
            &ca.key_der,
            &ca.cert_der,
            &[],
            CrlOptions { days: 0, ..o() }
        ),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(
        code(
            &ca.key_der,
            &ca.cert_der,
            &[],
            CrlOptions {
                crl_number: Some(vec![]),
                ..o()
            }
        ),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(
        code(
            &ca.key_der,
            &ca.cert_der,
            &[CertificateDer::from(vec![0u8; 4])],
            o()
        ),
        "ERR_NODETLS_BAD_CERTIFICATE"
    );
}

/// A CA made by OpenSSL whose keyUsage lacks cRLSign cannot sign CRLs
/// (`KEYUSAGE_NO_CRL_SIGN`, what `openssl verify -crl_check` would say); one with
/// it (SEC1 key, SHA-1 key identifier) makes CRLs OpenSSL accepts.
#[test]
fn openssl_made_ca_and_crl_sign_usage() {
    let _ = test_support::require_peer!("openssl");
    let dir = temp_dir();
    let d = dir.path();
    run_ok(openssl(d).args([
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        "ca.key",
    ]));
    let key = PrivateKeyDer::from_pem_file(d.join("ca.key")).unwrap();
    for (ku, ok) in [("keyCertSign", false), ("keyCertSign,cRLSign", true)] {
        run_ok(openssl(d).args([
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=OpenSSL CA",
            "-days",
            "2",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            &format!("keyUsage=critical,{ku}"),
            "-out",
            "ca.pem",
        ]));
        let ca_cert = CertificateDer::from_pem_file(d.join("ca.pem")).unwrap();
        let leaf =
            make_certificate(&CertificateOptions::default(), Some((&key, &ca_cert))).unwrap();
        let result = make_crl(
            &key,
            &ca_cert,
            std::slice::from_ref(&leaf.cert_der),
            &CrlOptions::default(),
        );
        if !ok {
            assert_eq!(result.unwrap_err().code(), "KEYUSAGE_NO_CRL_SIGN");
            continue;
        }
        fs::write(d.join("crl.pem"), crl_to_pem(&result.unwrap())).unwrap();
        fs::write(d.join("leaf.pem"), &leaf.cert_pem).unwrap();
        let out = run(openssl(d).args([
            "verify",
            "-crl_check",
            "-CAfile",
            "ca.pem",
            "-CRLfile",
            "crl.pem",
            "leaf.pem",
        ]));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("certificate revoked"),
            "{out:?}"
        );
    }
}
