//! `tls_pki::generate::make_certificate`: what it makes is checked by two
//! independent verifiers (webpki, hermetic; OpenSSL 3, live) and what it refuses
//! carries the documented code.

use std::fs;
use std::path::Path;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use test_support::{openssl, run, run_ok, temp_dir};
use tls_pki::generate::{
    make_certificate, parse_subject_alt_names, self_signed_localhost, CertificateOptions,
    Generated, KeyType, SubjectAltName,
};
use x509_parser::extensions::{GeneralName, ParsedExtension};

fn ca(cn: &str, key_type: KeyType, issuer: Option<&Generated>) -> Generated {
    make_certificate(
        &CertificateOptions {
            common_name: cn.into(),
            key_type,
            is_ca: true,
            ..CertificateOptions::default()
        },
        issuer.map(|i| (&i.key_der, &i.cert_der)),
    )
    .unwrap()
}

fn leaf(cn: &str, key_type: KeyType, sans: &str, issuer: Option<&Generated>) -> Generated {
    make_certificate(
        &CertificateOptions {
            common_name: cn.into(),
            key_type,
            subject_alt_names: parse_subject_alt_names(sans).unwrap(),
            ..CertificateOptions::default()
        },
        issuer.map(|i| (&i.key_der, &i.cert_der)),
    )
    .unwrap()
}

fn save(dir: &Path, name: &str, g: &Generated) {
    fs::write(dir.join(format!("{name}.key")), &g.key_pem).unwrap();
    fs::write(dir.join(format!("{name}.pem")), &g.cert_pem).unwrap();
}

fn x509_text(dir: &Path, name: &str) -> String {
    String::from_utf8(run_ok(
        openssl(dir)
            .args(["x509", "-noout", "-text", "-in"])
            .arg(format!("{name}.pem")),
    ))
    .unwrap()
}

/// Root -> intermediate -> leaf chains covering every key type, each type both
/// signing and signed where it can be; OpenSSL verifies them and prints the SANs
/// and extensions as asked.
#[test]
fn chains_of_every_key_type_verify_with_openssl() {
    let _ = test_support::require_peer!("openssl");
    let dir = temp_dir();
    let d = dir.path();
    let sans = "DNS:localhost,DNS:*.example.com,IP:127.0.0.1,IP:::1,email:ops@example.com,URI:https://example.com/id";
    let expected_san = "DNS:localhost, DNS:*.example.com, IP Address:127.0.0.1, \
                        IP Address:0:0:0:0:0:0:0:1, email:ops@example.com, URI:https://example.com/id";

    // (root, intermediate, leaves)
    let chains: [(KeyType, KeyType, &[KeyType]); 2] = [
        (KeyType::Ed25519, KeyType::Rsa2048, &[KeyType::EcP256]),
        (
            KeyType::EcP384,
            KeyType::EcP256,
            &[
                KeyType::Rsa3072,
                KeyType::Rsa4096,
                KeyType::Ed25519,
                KeyType::EcP384,
            ],
        ),
    ];
    for (n, (root_t, inter_t, leaf_ts)) in chains.iter().enumerate() {
        let root = ca(&format!("Root {n}"), *root_t, None);
        let inter = ca(&format!("Intermediate {n}"), *inter_t, Some(&root));
        save(d, &format!("root{n}"), &root);
        save(d, &format!("inter{n}"), &inter);
        for ca_name in [format!("root{n}"), format!("inter{n}")] {
            let text = x509_text(d, &ca_name);
            assert!(
                text.contains("X509v3 Basic Constraints: critical\n                CA:TRUE"),
                "{ca_name}: {text}"
            );
            assert!(
                text.contains("Digital Signature, Certificate Sign, CRL Sign"),
                "{text}"
            );
            assert!(text.contains("X509v3 Subject Key Identifier"), "{text}");
        }
        for leaf_t in *leaf_ts {
            let name = format!("leaf{n}-{leaf_t}");
            let l = leaf("localhost", *leaf_t, sans, Some(&inter));
            save(d, &name, &l);
            let out = run_ok(openssl(d).args([
                "verify",
                "-CAfile",
                &format!("root{n}.pem"),
                "-untrusted",
                &format!("inter{n}.pem"),
                &format!("{name}.pem"),
            ]));
            assert_eq!(
                String::from_utf8_lossy(&out).trim(),
                format!("{name}.pem: OK"),
                "{root_t} -> {inter_t} -> {leaf_t}"
            );
            let text = x509_text(d, &name);
            assert!(text.contains(expected_san), "{leaf_t}: {text}");
            assert!(
                text.contains(&format!("Issuer: CN = Intermediate {n}")),
                "{text}"
            );
            assert!(text.contains("Subject: CN = localhost"), "{text}");
            assert!(text.contains("CA:FALSE"), "{text}");
            assert!(
                text.contains("TLS Web Server Authentication, TLS Web Client Authentication"),
                "{text}"
            );
            assert!(text.contains("X509v3 Authority Key Identifier"), "{text}");
            // OpenSSL reads the key and it is the certificate's.
            let key_pub =
                run_ok(openssl(d).args(["pkey", "-pubout", "-in", &format!("{name}.key")]));
            let cert_pub = run_ok(openssl(d).args([
                "x509",
                "-pubkey",
                "-noout",
                "-in",
                &format!("{name}.pem"),
            ]));
            assert_eq!(key_pub, cert_pub, "{leaf_t}");
        }
    }
}

/// The same chain checked by webpki (rustls's verifier), with no peer at all.
#[test]
fn chain_verifies_with_webpki() {
    let root = ca("Root", KeyType::EcP384, None);
    let inter = ca("Intermediate", KeyType::Ed25519, Some(&root));
    let l = leaf(
        "localhost",
        KeyType::EcP256,
        "DNS:localhost,IP:127.0.0.1",
        Some(&inter),
    );

    let anchor = webpki::anchor_from_trusted_cert(&root.cert_der).unwrap();
    let ee = webpki::EndEntityCert::try_from(&l.cert_der).unwrap();
    let algs = webpki::ALL_VERIFICATION_ALGS;
    ee.verify_for_usage(
        algs,
        &[anchor],
        std::slice::from_ref(&inter.cert_der),
        UnixTime::now(),
        webpki::KeyUsage::server_auth(),
        None,
        None,
    )
    .unwrap();
    ee.verify_is_valid_for_subject_name(
        &rustls_pki_types::ServerName::try_from("localhost").unwrap(),
    )
    .unwrap();
    ee.verify_is_valid_for_subject_name(
        &rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap(),
    )
    .unwrap();
    assert!(ee
        .verify_is_valid_for_subject_name(
            &rustls_pki_types::ServerName::try_from("example.com").unwrap()
        )
        .is_err());

    // Without the intermediate the leaf does not chain: the check above can fail.
    assert!(ee
        .verify_for_usage(
            algs,
            &[webpki::anchor_from_trusted_cert(&root.cert_der).unwrap()],
            &[],
            UnixTime::now(),
            webpki::KeyUsage::server_auth(),
            None,
            None,
        )
        .is_err());
}

#[test]
fn self_signed_localhost_is_the_serve_default() {
    let g = self_signed_localhost().unwrap();
    let (_, x509) = x509_parser::parse_x509_certificate(&g.cert_der).unwrap();
    assert_eq!(x509.subject().to_string(), "CN=localhost");
    assert_eq!(x509.issuer(), x509.subject());
    let names: Vec<String> = x509
        .subject_alternative_name()
        .unwrap()
        .unwrap()
        .value
        .general_names
        .iter()
        .map(|n| match n {
            GeneralName::DNSName(d) => format!("DNS:{d}"),
            GeneralName::IPAddress(ip) => format!("IP:{ip:?}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "DNS:localhost",
            "IP:[127, 0, 0, 1]",
            "IP:[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]"
        ]
    );
    assert_eq!(
        x509.public_key().algorithm.algorithm.to_id_string(),
        "1.2.840.10045.2.1"
    );
    let days =
        (x509.validity().not_after.timestamp() - x509.validity().not_before.timestamp()) / 86_400;
    assert_eq!(days, 365);
    assert!(x509.validity().is_valid());
    // PEM and DER agree, and the key PEM is PKCS#8.
    assert_eq!(
        CertificateDer::from_pem_slice(g.cert_pem.as_bytes()).unwrap(),
        g.cert_der
    );
    assert!(g.key_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(matches!(
        PrivateKeyDer::from_pem_slice(g.key_pem.as_bytes()).unwrap(),
        PrivateKeyDer::Pkcs8(_)
    ));
}

#[test]
fn serials_are_random_positive_and_16_bytes() {
    let mut seen = std::collections::HashSet::new();
    for _ in 0..8 {
        let g = make_certificate(&CertificateOptions::default(), None).unwrap();
        let (_, x509) = x509_parser::parse_x509_certificate(&g.cert_der).unwrap();
        let raw = x509.raw_serial().to_vec();
        assert_eq!(raw.len(), 16, "{raw:?}");
        assert!(raw[0] & 0x80 == 0, "negative serial {raw:?}");
        assert!(seen.insert(raw), "repeated serial");
    }
    let g = make_certificate(
        &CertificateOptions {
            serial: Some(vec![0x01, 0x02]),
            ..CertificateOptions::default()
        },
        None,
    )
    .unwrap();
    let (_, x509) = x509_parser::parse_x509_certificate(&g.cert_der).unwrap();
    assert_eq!(x509.raw_serial(), [0x01, 0x02]);
}

#[test]
fn leaf_and_ca_extensions() {
    let root = ca("Root", KeyType::EcP256, None);
    let l = leaf("svc", KeyType::EcP256, "DNS:svc", Some(&root));
    let (_, r) = x509_parser::parse_x509_certificate(&root.cert_der).unwrap();
    let (_, x) = x509_parser::parse_x509_certificate(&l.cert_der).unwrap();
    let bc = x.basic_constraints().unwrap().unwrap();
    assert!(bc.critical && !bc.value.ca);
    let rbc = r.basic_constraints().unwrap().unwrap();
    assert!(rbc.critical && rbc.value.ca);
    let rku = r.key_usage().unwrap().unwrap().value;
    assert!(rku.key_cert_sign() && rku.crl_sign());
    let ku = x.key_usage().unwrap().unwrap().value;
    assert!(ku.digital_signature() && !ku.key_cert_sign());
    let eku = x.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.server_auth && eku.client_auth);
    // AKI of the leaf is the SKI of the root.
    let ski = r
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        })
        .unwrap();
    let aki = x
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                a.key_identifier.as_ref().map(|k| k.0.to_vec())
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(ski, aki);
}

#[test]
fn refused_options_carry_codes() {
    let code = |opts: CertificateOptions| make_certificate(&opts, None).unwrap_err().code();
    let base = CertificateOptions::default;
    assert_eq!(
        code(CertificateOptions {
            common_name: String::new(),
            ..base()
        }),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(
        code(CertificateOptions {
            common_name: "x".repeat(65),
            ..base()
        }),
        "ERR_INVALID_ARG_VALUE"
    );
    // 64 is the limit, and allowed.
    make_certificate(
        &CertificateOptions {
            common_name: "x".repeat(64),
            ..base()
        },
        None,
    )
    .unwrap();
    assert_eq!(
        code(CertificateOptions { days: 0, ..base() }),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(
        code(CertificateOptions {
            days: u32::MAX,
            ..base()
        }),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(
        code(CertificateOptions {
            serial: Some(vec![]),
            ..base()
        }),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(
        code(CertificateOptions {
            serial: Some(vec![0; 3]),
            ..base()
        }),
        "ERR_INVALID_ARG_VALUE"
    );
    assert_eq!(
        code(CertificateOptions {
            serial: Some(vec![1; 21]),
            ..base()
        }),
        "ERR_INVALID_ARG_VALUE"
    );
    for bad in [
        "localhost",
        "DNS:",
        "IP:300.1.1.1",
        "RID:1.2.3",
        "DNS:bücher.example",
        "DNS:a\u{7}b",
    ] {
        let err = parse_subject_alt_names(bad).unwrap_err();
        assert_eq!(err.code(), "ERR_INVALID_ARG_VALUE", "{bad}");
    }
    assert_eq!(
        parse_subject_alt_names("dns:a, ip:::1 ,Email:x@y,uri:urn:x").unwrap(),
        [
            SubjectAltName::Dns("a".into()),
            SubjectAltName::Ip("::1".parse().unwrap()),
            SubjectAltName::Email("x@y".into()),
            SubjectAltName::Uri("urn:x".into()),
        ]
    );
    assert_eq!(
        "rsa9999".parse::<KeyType>().unwrap_err().code(),
        "ERR_INVALID_ARG_VALUE"
    );
    for t in KeyType::ALL {
        assert_eq!(t.name().parse::<KeyType>().unwrap(), t);
    }
}

#[test]
fn unusable_issuers_are_refused() {
    let root = ca("Root", KeyType::EcP256, None);
    let other = ca("Other", KeyType::EcP256, None);
    let not_ca = leaf("leaf", KeyType::EcP256, "DNS:leaf", Some(&root));
    let opts = CertificateOptions::default();

    let err = make_certificate(&opts, Some((&other.key_der, &root.cert_der))).unwrap_err();
    assert_eq!(err.code(), "ERR_OSSL_X509_KEY_VALUES_MISMATCH", "{err}");
    let err = make_certificate(&opts, Some((&not_ca.key_der, &not_ca.cert_der))).unwrap_err();
    assert_eq!(err.code(), "INVALID_CA", "{err}");
    let garbage = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
    let err = make_certificate(&opts, Some((&root.key_der, &garbage))).unwrap_err();
    assert_eq!(err.code(), "ERR_NODETLS_BAD_CERTIFICATE", "{err}");
    let bad_key = PrivateKeyDer::try_from(vec![0x30, 0x03, 0x02, 0x01, 0x00]).unwrap();
    let err = make_certificate(&opts, Some((&bad_key, &root.cert_der))).unwrap_err();
    assert_eq!(err.code(), "ERR_NODETLS_UNSUPPORTED_KEY", "{err}");
}

/// Issuers made by OpenSSL: SEC1 ("EC PRIVATE KEY") and PKCS#1 ("RSA PRIVATE KEY")
/// keys, SHA-1 key identifiers; our leaf must verify under them, and a CA whose
/// keyUsage forbids keyCertSign is refused with OpenSSL's verify code.
#[test]
fn openssl_made_issuers_sign_our_leaves() {
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
        "ec.key",
    ]));
    run_ok(openssl(d).args(["genrsa", "-traditional", "-out", "rsa.key", "2048"]));
    for (key, ku) in [
        ("ec", "keyCertSign,cRLSign"),
        ("rsa", "keyCertSign"),
        ("ec", "digitalSignature"),
    ] {
        let name = format!("{key}-{}", ku.len());
        run_ok(openssl(d).args([
            "req",
            "-x509",
            "-new",
            "-key",
            &format!("{key}.key"),
            "-subj",
            &format!("/O=Acme/CN={name}"),
            "-days",
            "2",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            &format!("keyUsage=critical,{ku}"),
            "-out",
            &format!("{name}.pem"),
        ]));
        let key_pem = fs::read(d.join(format!("{key}.key"))).unwrap();
        let issuer_key = PrivateKeyDer::from_pem_slice(&key_pem).unwrap();
        assert!(
            !matches!(issuer_key, PrivateKeyDer::Pkcs8(_)),
            "{key} key should be SEC1/PKCS#1"
        );
        let issuer_cert = CertificateDer::from_pem_file(d.join(format!("{name}.pem"))).unwrap();
        let result = make_certificate(
            &CertificateOptions {
                common_name: "leaf".into(),
                ..CertificateOptions::default()
            },
            Some((&issuer_key, &issuer_cert)),
        );
        if !ku.contains("keyCertSign") {
            assert_eq!(result.unwrap_err().code(), "KEYUSAGE_NO_CERTSIGN");
            continue;
        }
        let l = result.unwrap();
        fs::write(d.join("leaf.pem"), &l.cert_pem).unwrap();
        let out = run(openssl(d).args(["verify", "-CAfile", &format!("{name}.pem"), "leaf.pem"]));
        assert!(
            out.status.success(),
            "{name}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = x509_text(d, "leaf");
        assert!(
            text.contains(&format!("Issuer: O = Acme, CN = {name}")),
            "{text}"
        );
    }
}

#[test]
fn debug_output_leaves_the_key_out() {
    let g = make_certificate(&CertificateOptions::default(), None).unwrap();
    let debug = format!("{g:?}");
    let body = g.key_pem.lines().nth(1).unwrap();
    assert!(!debug.contains(body), "{debug}");
    assert!(debug.contains("<redacted>"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Garbage issuer keys and certificates, in every key encoding, are errors with
    /// a documented code, never panics.
    #[test]
    fn garbage_issuers_never_panic(
        key in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        cert in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        kind in 0u8..3,
    ) {
        let key = match kind {
            0 => PrivateKeyDer::Pkcs8(key.into()),
            1 => PrivateKeyDer::Pkcs1(key.into()),
            _ => PrivateKeyDer::Sec1(key.into()),
        };
        let cert = CertificateDer::from(cert);
        let err = make_certificate(&CertificateOptions::default(), Some((&key, &cert))).unwrap_err();
        proptest::prop_assert!(
            ["ERR_NODETLS_UNSUPPORTED_KEY", "ERR_NODETLS_BAD_CERTIFICATE"].contains(&err.code()),
            "{}", err
        );
        let err = tls_pki::generate::make_pfx(&key, &cert, &[], "x").unwrap_err();
        proptest::prop_assert!(
            ["ERR_NODETLS_UNSUPPORTED_KEY", "ERR_NODETLS_BAD_CERTIFICATE"].contains(&err.code()),
            "{}", err
        );
    }

    /// Any `--san` text parses or fails with ERR_INVALID_ARG_VALUE, and what parses
    /// prints back to itself.
    #[test]
    fn san_lists_never_panic(list in "\\PC{0,40}") {
        match parse_subject_alt_names(&list) {
            Ok(names) => {
                for name in names {
                    let again: SubjectAltName = name.to_string().parse().unwrap();
                    proptest::prop_assert_eq!(again, name);
                }
            }
            Err(e) => proptest::prop_assert_eq!(e.code(), "ERR_INVALID_ARG_VALUE"),
        }
    }
}
