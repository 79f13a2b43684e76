//! Every key, certificate, PFX and CRL format `openssl` writes is read, and what we
//! read is what openssl wrote: keys are compared as the PKCS#8 DER that `openssl
//! pkey` prints for the original file and for our result.

use std::path::Path;

use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use test_support::{openssl, run_ok};
use tls_pki::{
    check_private_key, key_kind, load_certificates, load_crls, load_pfx, load_private_key,
    KeyInput, KeyKind, PfxInput,
};

fn ossl(dir: &Path, args: &[&str]) -> Vec<u8> {
    run_ok(openssl(dir).args(args))
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The PKCS#8 DER openssl makes of a key file (decrypting with `pass`).
fn openssl_pkcs8(dir: &Path, file: &str, pass: &str) -> Vec<u8> {
    ossl(
        dir,
        &[
            "pkey",
            "-in",
            file,
            "-passin",
            &format!("pass:{pass}"),
            "-outform",
            "DER",
        ],
    )
}

/// The PKCS#8 DER openssl makes of the key we loaded.
fn our_pkcs8(dir: &Path, key: &PrivateKeyDer<'_>) -> Vec<u8> {
    std::fs::write(dir.join("ours.der"), key.secret_der()).unwrap();
    ossl(
        dir,
        &[
            "pkey", "-inform", "DER", "-in", "ours.der", "-outform", "DER",
        ],
    )
}

fn assert_same_key(dir: &Path, file: &str, pass: &str, ours: &PrivateKeyDer<'_>) {
    assert_eq!(
        openssl_pkcs8(dir, file, pass),
        our_pkcs8(dir, ours),
        "{file}: the key we read differs from the one openssl wrote"
    );
}

fn self_signed(dir: &Path, key: &str, cn: &str, out: &str) {
    ossl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            key,
            "-subj",
            &format!("/CN={cn}"),
            "-days",
            "30",
            "-out",
            out,
        ],
    );
}

/// Keys of every type, plain, in each form openssl writes them.
#[test]
fn plain_keys_of_every_type() {
    let _ = test_support::require_peer!("openssl");
    let d = test_support::temp_dir();
    let dir = d.path();
    ossl(dir, &["genrsa", "-out", "rsa8.pem", "2048"]);
    ossl(
        dir,
        &["rsa", "-in", "rsa8.pem", "-traditional", "-out", "rsa1.pem"],
    );
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-out",
            "p256.pem",
        ],
    );
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "secp384r1",
            "-genkey",
            "-noout",
            "-out",
            "p384.pem",
        ],
    );
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "secp521r1",
            "-genkey",
            "-noout",
            "-out",
            "p521.pem",
        ],
    );
    ossl(
        dir,
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            "p256.pem",
            "-out",
            "p256p8.pem",
        ],
    );
    ossl(
        dir,
        &["genpkey", "-algorithm", "ed25519", "-out", "ed25519.pem"],
    );
    ossl(
        dir,
        &["genpkey", "-algorithm", "ed448", "-out", "ed448.pem"],
    );
    ossl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "rsa-pss",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "pss.pem",
        ],
    );
    let cases = [
        ("rsa8.pem", KeyKind::Rsa, "PRIVATE KEY"),
        ("rsa1.pem", KeyKind::Rsa, "RSA PRIVATE KEY"),
        // `ecparam -genkey` without -noout writes an EC PARAMETERS block first.
        ("p256.pem", KeyKind::EcP256, "EC PRIVATE KEY"),
        ("p384.pem", KeyKind::EcP384, "EC PRIVATE KEY"),
        ("p521.pem", KeyKind::EcOther, "EC PRIVATE KEY"),
        ("p256p8.pem", KeyKind::EcP256, "PRIVATE KEY"),
        ("ed25519.pem", KeyKind::Ed25519, "PRIVATE KEY"),
        ("ed448.pem", KeyKind::Ed448, "PRIVATE KEY"),
        ("pss.pem", KeyKind::RsaPss, "PRIVATE KEY"),
    ];
    for (file, kind, label) in cases {
        let pem = read(dir, file);
        assert!(
            String::from_utf8_lossy(&pem).contains(&format!("BEGIN {label}")),
            "{file}"
        );
        let key = load_private_key(&pem, None).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(key_kind(&key), kind, "{file}");
        assert_same_key(dir, file, "", &key);
        // Beyond Node: the same key in DER (PKCS#8, and the traditional form).
        let der8 = openssl_pkcs8(dir, file, "");
        let from_der = load_private_key(&der8, None).unwrap();
        assert_eq!(from_der.secret_der(), der8.as_slice(), "{file} as DER");
        let pkcs8_pem_der = from_der.secret_der().to_vec();
        if label != "PRIVATE KEY" {
            // The DER of the traditional block itself (PKCS#1 / SEC1).
            let trad = if label.starts_with("RSA") {
                ossl(
                    dir,
                    &["rsa", "-in", file, "-traditional", "-outform", "DER"],
                )
            } else {
                ossl(dir, &["ec", "-in", file, "-outform", "DER"])
            };
            let k = load_private_key(&trad, None).unwrap();
            assert_eq!(k.secret_der(), trad.as_slice());
            assert_eq!(our_pkcs8(dir, &k), pkcs8_pem_der, "{file} traditional DER");
        }
        // A certificate for the key: it matches.
        self_signed(dir, file, "match", "match.crt");
        let cert = load_certificates(&read(dir, "match.crt")).unwrap();
        check_private_key(&key, &cert[0]).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(tls_pki::certificate_key_kind(&cert[0]), kind, "{file}");
    }
}

/// Encrypted keys: PKCS#8 PBES2 with every cipher/PRF/KDF openssl offers, PKCS#12
/// PBE (`-v1 PBE-SHA1-3DES`), and the traditional `Proc-Type` form.
#[test]
fn encrypted_keys() {
    let _ = test_support::require_peer!("openssl");
    let d = test_support::temp_dir();
    let dir = d.path();
    ossl(dir, &["genrsa", "-out", "rsa.pem", "2048"]);
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ec.pem",
        ],
    );
    ossl(dir, &["genpkey", "-algorithm", "ed25519", "-out", "ed.pem"]);
    let pass = "s3cret pass";
    let pass_arg = format!("pass:{pass}");
    let mut files = Vec::new();
    for src in ["rsa.pem", "ec.pem", "ed.pem"] {
        let pkcs8_variants: [(&str, &[&str]); 8] = [
            ("aes256", &["-v2", "aes-256-cbc"]),
            ("aes192", &["-v2", "aes-192-cbc"]),
            (
                "aes128sha1",
                &["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"],
            ),
            (
                "aes128sha256",
                &["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA256"],
            ),
            ("des3", &["-v2", "des3"]),
            ("scrypt", &["-scrypt"]),
            ("pbesha13des", &["-v1", "PBE-SHA1-3DES"]),
            ("iter1", &["-v2", "aes-256-cbc", "-iter", "1"]),
        ];
        for (name, args) in pkcs8_variants {
            let out = format!("{src}.{name}.p8");
            let mut a = vec![
                "pkcs8", "-topk8", "-in", src, "-passout", &pass_arg, "-out", &out,
            ];
            a.extend_from_slice(args);
            ossl(dir, &a);
            files.push(out);
        }
    }
    for (src, tool) in [("rsa.pem", "rsa"), ("ec.pem", "ec")] {
        for cipher in ["-aes128", "-aes192", "-aes256", "-des3"] {
            let out = format!("{src}{cipher}.trad");
            let mut a = vec![
                tool, "-in", src, cipher, "-passout", &pass_arg, "-out", &out,
            ];
            if tool == "rsa" {
                a.push("-traditional");
            }
            ossl(dir, &a);
            let text = String::from_utf8(read(dir, &out)).unwrap();
            assert!(text.contains("Proc-Type: 4,ENCRYPTED"), "{out}");
            files.push(out);
        }
    }
    for file in &files {
        let pem = read(dir, file);
        let key = load_private_key(&pem, Some(pass)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_same_key(dir, file, pass, &key);
        for wrong in [Some("wrong"), Some(""), None] {
            let err = load_private_key(&pem, wrong).unwrap_err();
            assert_eq!(err.code(), "ERR_OSSL_BAD_DECRYPT", "{file} with {wrong:?}");
        }
        // The key object's passphrase overrides the general one, and falls back to it.
        let own = KeyInput {
            pem: pem.clone(),
            passphrase: Some(pass.to_owned()),
        };
        assert!(own.load(Some("wrong")).is_ok(), "{file}");
        let fallback = KeyInput {
            pem,
            passphrase: None,
        };
        assert!(fallback.load(Some(pass)).is_ok(), "{file}");
        assert!(fallback.load(None).is_err(), "{file}");
    }
    // Beyond Node: encrypted PKCS#8 in DER.
    let der = ossl(
        dir,
        &[
            "pkcs8", "-topk8", "-in", "ec.pem", "-passout", &pass_arg, "-outform", "DER",
        ],
    );
    let key = load_private_key(&der, Some(pass)).unwrap();
    assert_same_key(dir, "ec.pem", "", &key);
    // An empty passphrase is what a missing one means, as in Node.
    ossl(
        dir,
        &[
            "pkcs8", "-topk8", "-in", "ec.pem", "-passout", "pass:", "-out", "empty.p8",
        ],
    );
    let key = load_private_key(&read(dir, "empty.p8"), None).unwrap();
    assert_same_key(dir, "ec.pem", "", &key);
}

/// Certificates: bundles with text around them, chains, DER; key/cert matching.
#[test]
fn certificates_and_matching() {
    let _ = test_support::require_peer!("openssl");
    let d = test_support::temp_dir();
    let dir = d.path();
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "a.pem",
        ],
    );
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "b.pem",
        ],
    );
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "secp384r1",
            "-genkey",
            "-noout",
            "-out",
            "c.pem",
        ],
    );
    ossl(dir, &["genpkey", "-algorithm", "ed25519", "-out", "ed.pem"]);
    self_signed(dir, "a.pem", "a", "a.crt");
    self_signed(dir, "b.pem", "b", "b.crt");
    self_signed(dir, "c.pem", "c", "c.crt");
    let der = |f: &str| ossl(dir, &["x509", "-in", f, "-outform", "DER"]);
    let (a, b, c) = (der("a.crt"), der("b.crt"), der("c.crt"));
    // A commented bundle with a key block in between, as people write them.
    let mut bundle = b"# my chain\n".to_vec();
    bundle.extend(read(dir, "a.crt"));
    bundle.extend(b"subject=b\n");
    bundle.extend(read(dir, "b.pem"));
    bundle.extend(read(dir, "b.crt"));
    bundle.extend(
        String::from_utf8(read(dir, "c.crt"))
            .unwrap()
            .replace('\n', "\r\n")
            .as_bytes(),
    );
    let certs = load_certificates(&bundle).unwrap();
    let got: Vec<&[u8]> = certs.iter().map(AsRef::as_ref).collect();
    assert_eq!(got, [a.as_slice(), b.as_slice(), c.as_slice()]);
    assert_eq!(tls_pki::load_ca_certificates(&bundle).len(), 3);
    assert_eq!(
        load_certificates(&a).unwrap()[0].as_ref(),
        a.as_slice(),
        "DER"
    );
    // `openssl x509 -trustout` writes TRUSTED CERTIFICATE with aux data after it.
    let trusted = ossl(
        dir,
        &[
            "x509",
            "-in",
            "a.crt",
            "-trustout",
            "-addtrust",
            "serverAuth",
        ],
    );
    assert!(String::from_utf8_lossy(&trusted).contains("TRUSTED CERTIFICATE"));
    assert_eq!(
        load_certificates(&trusted).unwrap()[0].as_ref(),
        a.as_slice()
    );

    let key = |f: &str| load_private_key(&read(dir, f), None).unwrap();
    let cert = |d: &[u8]| CertificateDer::from(d.to_vec());
    check_private_key(&key("a.pem"), &cert(&a)).unwrap();
    let mismatch = check_private_key(&key("b.pem"), &cert(&a)).unwrap_err();
    assert_eq!(mismatch.code(), "ERR_OSSL_X509_KEY_VALUES_MISMATCH");
    // Same slot (EC), other curve: a mismatch too, as in Node.
    let curve = check_private_key(&key("c.pem"), &cert(&a)).unwrap_err();
    assert_eq!(curve.code(), "ERR_OSSL_X509_KEY_VALUES_MISMATCH");
    // Another key type is not a mismatch in Node (OpenSSL keeps a key per type).
    check_private_key(&key("ed.pem"), &cert(&a)).unwrap();
}

/// One `openssl pkcs12 -export` run and how to open its output.
struct PfxCase<'a> {
    file: &'a str,
    key: &'a str,
    crt: &'a str,
    pass: &'a str,
    extra: &'a [&'a str],
    open_with: Option<&'a str>,
    ca: usize,
}

/// PKCS#12 files as `openssl pkcs12 -export` writes them.
#[test]
fn pfx_files() {
    let _ = test_support::require_peer!("openssl");
    let d = test_support::temp_dir();
    let dir = d.path();
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ca1.pem",
        ],
    );
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ca2.pem",
        ],
    );
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ec.pem",
        ],
    );
    ossl(dir, &["genrsa", "-out", "rsa.pem", "2048"]);
    self_signed(dir, "ca1.pem", "ca1", "ca1.crt");
    self_signed(dir, "ca2.pem", "ca2", "ca2.crt");
    self_signed(dir, "ec.pem", "ec", "ec.crt");
    self_signed(dir, "rsa.pem", "rsa", "rsa.crt");
    let mut chain = read(dir, "ca1.crt");
    chain.extend(read(dir, "ca2.crt"));
    std::fs::write(dir.join("chain.crt"), &chain).unwrap();
    let chain_der: Vec<Vec<u8>> = load_certificates(&chain)
        .unwrap()
        .into_iter()
        .map(|c| c.as_ref().to_vec())
        .collect();

    let export = |name: &str, key: &str, crt: &str, pass: &str, extra: &[&str]| {
        let passout = format!("pass:{pass}");
        let mut a = vec![
            "pkcs12", "-export", "-inkey", key, "-in", crt, "-passout", &passout, "-out", name,
        ];
        a.extend_from_slice(extra);
        ossl(dir, &a);
        read(dir, name)
    };
    let cases = [
        PfxCase {
            file: "default.p12",
            key: "ec.pem",
            crt: "ec.crt",
            pass: "pw",
            extra: &[],
            open_with: Some("pw"),
            ca: 0,
        },
        PfxCase {
            file: "rsa.p12",
            key: "rsa.pem",
            crt: "rsa.crt",
            pass: "pw",
            extra: &[],
            open_with: Some("pw"),
            ca: 0,
        },
        PfxCase {
            file: "chain.p12",
            key: "ec.pem",
            crt: "ec.crt",
            pass: "pw",
            extra: &["-certfile", "chain.crt"],
            open_with: Some("pw"),
            ca: 2,
        },
        PfxCase {
            file: "legacy.p12",
            key: "ec.pem",
            crt: "ec.crt",
            pass: "pw",
            extra: &["-legacy", "-certfile", "chain.crt"],
            open_with: Some("pw"),
            ca: 2,
        },
        PfxCase {
            file: "legacyrsa.p12",
            key: "rsa.pem",
            crt: "rsa.crt",
            pass: "pw",
            extra: &["-legacy"],
            open_with: Some("pw"),
            ca: 0,
        },
        PfxCase {
            file: "empty-none.p12",
            key: "ec.pem",
            crt: "ec.crt",
            pass: "",
            extra: &[],
            open_with: None,
            ca: 0,
        },
        PfxCase {
            file: "empty-empty.p12",
            key: "ec.pem",
            crt: "ec.crt",
            pass: "",
            extra: &[],
            open_with: Some(""),
            ca: 0,
        },
        PfxCase {
            file: "nomac.p12",
            key: "ec.pem",
            crt: "ec.crt",
            pass: "",
            extra: &["-keypbe", "NONE", "-certpbe", "NONE", "-nomac"],
            open_with: None,
            ca: 0,
        },
        PfxCase {
            file: "plainbags.p12",
            key: "ec.pem",
            crt: "ec.crt",
            pass: "pw",
            extra: &["-keypbe", "NONE", "-certpbe", "NONE"],
            open_with: Some("pw"),
            ca: 0,
        },
    ];
    for c in &cases {
        let bytes = export(c.file, c.key, c.crt, c.pass, c.extra);
        let pfx = load_pfx(&bytes, c.open_with).unwrap_or_else(|e| panic!("{}: {e}", c.file));
        assert_same_key(dir, c.key, "", &pfx.key);
        let leaf_file = if c.key == "ec.pem" {
            "ec.crt"
        } else {
            "rsa.crt"
        };
        let leaf = ossl(dir, &["x509", "-in", leaf_file, "-outform", "DER"]);
        assert_eq!(pfx.cert.as_ref(), leaf.as_slice(), "{}: leaf", c.file);
        let mut ca: Vec<Vec<u8>> = pfx.ca.iter().map(|c| c.as_ref().to_vec()).collect();
        assert_eq!(ca.len(), c.ca, "{}", c.file);
        if c.ca > 0 {
            ca.sort();
            let mut want = chain_der.clone();
            want.sort();
            assert_eq!(ca, want, "{}: ca", c.file);
        }
        check_private_key(&pfx.key, &pfx.cert).unwrap();
        // The {buf, passphrase} object: its own passphrase wins over the option.
        let obj = PfxInput {
            buf: bytes.clone(),
            passphrase: c.open_with.map(str::to_owned),
        };
        assert!(
            obj.load(Some("not it")).is_ok() || c.open_with.is_none(),
            "{}",
            c.file
        );
    }
    let default = read(dir, "default.p12");
    for wrong in [Some("nope"), Some(""), None] {
        let e = load_pfx(&default, wrong).unwrap_err();
        assert_eq!(e.code(), "ERR_PKCS12_MAC_VERIFY_FAILURE", "{wrong:?}");
    }
    let nomac = read(dir, "nomac.p12");
    assert_eq!(
        load_pfx(&nomac, Some("x")).unwrap_err().code(),
        "ERR_PKCS12_MAC_ABSENT"
    );
    ossl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-in",
            "ec.crt",
            "-nokeys",
            "-passout",
            "pass:pw",
            "-out",
            "nokey.p12",
        ],
    );
    let e = load_pfx(&read(dir, "nokey.p12"), Some("pw")).unwrap_err();
    assert_eq!(e.code(), "ERR_CRYPTO_OPERATION_FAILED");
}

const CA_CNF: &str = "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\n\
default_md = sha256\ndefault_crl_days = 30\n";

/// CRLs from `openssl ca -gencrl`: PEM (several in one file), DER.
#[test]
fn crls() {
    let _ = test_support::require_peer!("openssl");
    let d = test_support::temp_dir();
    let dir = d.path();
    std::fs::write(dir.join("ca.cnf"), CA_CNF).unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ca.pem",
        ],
    );
    self_signed(dir, "ca.pem", "ca", "ca.crt");
    ossl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "leaf.pem",
        ],
    );
    self_signed(dir, "leaf.pem", "leaf", "leaf.crt");
    let gencrl = |out: &str| {
        ossl(
            dir,
            &[
                "ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "ca.pem", "-cert", "ca.crt",
                "-out", out,
            ],
        );
    };
    gencrl("empty.crl");
    ossl(
        dir,
        &[
            "ca", "-config", "ca.cnf", "-revoke", "leaf.crt", "-keyfile", "ca.pem", "-cert",
            "ca.crt",
        ],
    );
    gencrl("revoked.crl");
    let mut both = b"comment\n".to_vec();
    both.extend(read(dir, "empty.crl"));
    both.extend(read(dir, "ca.crt"));
    both.extend(read(dir, "revoked.crl"));
    let crls = load_crls(&both).unwrap();
    assert_eq!(crls.len(), 2);
    let der = ossl(dir, &["crl", "-in", "revoked.crl", "-outform", "DER"]);
    assert_eq!(crls[1].as_ref(), der.as_slice());
    assert_eq!(load_crls(&der).unwrap()[0].as_ref(), der.as_slice(), "DER");
    // What tls-core will do with them: webpki must accept openssl's CRLs too.
    for crl in &crls {
        webpki::BorrowedCertRevocationList::from_der(crl.as_ref()).expect("webpki parses the CRL");
    }
}

/// The leaf is the certificate matching the key wherever it sits in the file
/// (OpenSSL's `PKCS12_parse` rule); a file whose certificates all belong to other
/// keys has no usable certificate. Hermetic: rcgen + p12-keystore write the files.
#[test]
fn pfx_leaf_is_found_by_its_key() {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
    let make = |name: &str| {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec![name.to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        (key, cert)
    };
    let (leaf_key, leaf) = make("leaf");
    let (_, ca1) = make("ca1");
    let (_, ca2) = make("ca2");
    let write = |certs: Vec<&[u8]>| {
        let mut store = KeyStore::new();
        let chain = PrivateKeyChain::new(
            b"id".to_vec(),
            PrivateKey::from_der(&leaf_key.serialize_der()).unwrap(),
            certs.into_iter().map(|c| Certificate::from_der(c).unwrap()),
        );
        store.add_entry("k", KeyStoreEntry::PrivateKeyChain(chain));
        store.writer("pw").write().unwrap()
    };
    let p12 = write(vec![ca1.der(), ca2.der(), leaf.der()]);
    let pfx = load_pfx(&p12, Some("pw")).unwrap();
    assert_eq!(pfx.cert.as_ref(), leaf.der().as_ref());
    assert_eq!(pfx.ca.len(), 2);
    assert_eq!(pfx.key.secret_der(), leaf_key.serialize_der().as_slice());

    let none = write(vec![ca1.der(), ca2.der()]);
    let err = load_pfx(&none, Some("pw")).unwrap_err();
    assert_eq!(err.code(), "ERR_CRYPTO_OPERATION_FAILED");
    assert!(err.to_string().contains("certificate"), "{err}");
}
