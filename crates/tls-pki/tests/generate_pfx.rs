//! `tls_pki::generate::make_pfx`: every file is read by `openssl pkcs12` (key and
//! certificates come back as they went in) and by Node's `pfx` option, including
//! the CA chain, which a Node TLS server must send from the PFX alone.

use std::fs;
use std::path::Path;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use test_support::{node_script, openssl, run, run_ok, temp_dir};
use tls_pki::generate::{
    make_certificate, make_pfx, parse_subject_alt_names, CertificateOptions, Generated, KeyType,
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
                parse_subject_alt_names("DNS:localhost,IP:127.0.0.1").unwrap()
            },
            ..CertificateOptions::default()
        },
        issuer.map(|i| (&i.key_der, &i.cert_der)),
    )
    .unwrap()
}

struct Pki {
    root: Generated,
    inter: Generated,
    ec_leaf: Generated,
    rsa_leaf: Generated,
}

fn pki() -> Pki {
    let root = make("Root", KeyType::EcP384, true, None);
    let inter = make("Intermediate", KeyType::EcP256, true, Some(&root));
    let ec_leaf = make("localhost", KeyType::EcP256, false, Some(&inter));
    let rsa_leaf = make("localhost", KeyType::Rsa2048, false, Some(&inter));
    Pki {
        root,
        inter,
        ec_leaf,
        rsa_leaf,
    }
}

fn pem_certs(pem: &[u8]) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .unwrap()
}

fn openssl_reads(dir: &Path, file: &str, pass: &str, leaf: &Generated, chain: &[&Generated]) {
    let passin = format!("pass:{pass}");
    run_ok(openssl(dir).args(["pkcs12", "-info", "-noout", "-in", file, "-passin", &passin]));
    let wrong = run(openssl(dir).args([
        "pkcs12",
        "-info",
        "-noout",
        "-in",
        file,
        "-passin",
        "pass:not-it",
    ]));
    assert!(!wrong.status.success(), "{file}: wrong passphrase accepted");

    let leaf_out = run_ok(openssl(dir).args([
        "pkcs12", "-in", file, "-passin", &passin, "-nokeys", "-clcerts",
    ]));
    assert_eq!(
        pem_certs(&leaf_out),
        std::slice::from_ref(&leaf.cert_der),
        "{file}"
    );
    let ca_out = run_ok(openssl(dir).args([
        "pkcs12", "-in", file, "-passin", &passin, "-nokeys", "-cacerts",
    ]));
    let mut got: Vec<Vec<u8>> = pem_certs(&ca_out).iter().map(|c| c.to_vec()).collect();
    let mut want: Vec<Vec<u8>> = chain.iter().map(|g| g.cert_der.to_vec()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{file}: CA certificates");

    let key_out = run_ok(openssl(dir).args([
        "pkcs12", "-in", file, "-passin", &passin, "-nocerts", "-nodes",
    ]));
    let key = PrivateKeyDer::from_pem_slice(&key_out).unwrap();
    assert_eq!(key.secret_der(), leaf.key_der.secret_der(), "{file}: key");
}

#[test]
fn openssl_pkcs12_reads_ec_and_rsa_bundles_with_chain() {
    let _ = test_support::require_peer!("openssl");
    let p = pki();
    let dir = temp_dir();
    let d = dir.path();
    for (name, leaf) in [("ec", &p.ec_leaf), ("rsa", &p.rsa_leaf)] {
        let pfx = make_pfx(
            &leaf.key_der,
            &leaf.cert_der,
            &[p.inter.cert_der.clone(), p.root.cert_der.clone()],
            "s3cret",
        )
        .unwrap();
        fs::write(d.join(format!("{name}.pfx")), &pfx).unwrap();
        openssl_reads(
            d,
            &format!("{name}.pfx"),
            "s3cret",
            leaf,
            &[&p.inter, &p.root],
        );
    }
    // No chain, and passphrases OpenSSL treats specially (empty) or encodes
    // (non-ASCII, as UTF-8 then BMPString).
    for (i, pass) in ["", "pässwörd ✓"].iter().enumerate() {
        let pfx = make_pfx(&p.ec_leaf.key_der, &p.ec_leaf.cert_der, &[], pass).unwrap();
        let file = format!("plain{i}.pfx");
        fs::write(d.join(&file), &pfx).unwrap();
        openssl_reads(d, &file, pass, &p.ec_leaf, &[]);
    }
    // The layout is OpenSSL 3's default one.
    let out = run(openssl(d).args([
        "pkcs12",
        "-info",
        "-noout",
        "-in",
        "ec.pfx",
        "-passin",
        "pass:s3cret",
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("MAC: sha256, Iteration 2048"), "{err}");
    assert!(
        err.contains("PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256"),
        "{err}"
    );
}

/// Node: `tls.createSecureContext({pfx, passphrase})` accepts the files (and fails
/// with a wrong passphrase); a TLS server configured with nothing but the PFX sends
/// the intermediate, so a client trusting only the root authorizes it.
#[test]
fn node_pfx_option_reads_bundles_and_serves_the_chain() {
    let _ = test_support::require_peer!("node");
    let p = pki();
    let dir = temp_dir();
    let d = dir.path();
    fs::write(d.join("root.pem"), &p.root.cert_pem).unwrap();
    for (name, leaf) in [("ec", &p.ec_leaf), ("rsa", &p.rsa_leaf)] {
        let pfx = make_pfx(
            &leaf.key_der,
            &leaf.cert_der,
            &[p.inter.cert_der.clone(), p.root.cert_der.clone()],
            "s3cret",
        )
        .unwrap();
        fs::write(d.join(format!("{name}.pfx")), &pfx).unwrap();
    }
    let script = r"
const tls = require('tls'), fs = require('fs');
const results = {};
(async () => {
  for (const name of ['ec', 'rsa']) {
    const pfx = fs.readFileSync(name + '.pfx');
    let wrong;
    try { tls.createSecureContext({ pfx, passphrase: 'nope' }); wrong = 'accepted'; }
    catch (e) { wrong = e.message; }
    tls.createSecureContext({ pfx, passphrase: 's3cret' });
    const authorized = await new Promise((resolve, reject) => {
      const server = tls.createServer({ pfx, passphrase: 's3cret' }, (s) => s.end('hi'));
      server.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ port: server.address().port, host: '127.0.0.1',
          servername: 'localhost', ca: fs.readFileSync('root.pem') }, () => {
          const r = { authorized: c.authorized, chain: c.getPeerCertificate(true).issuerCertificate.subject.CN };
          c.end(); server.close(); resolve(r);
        });
        c.on('error', (e) => { server.close(); reject(e); });
      });
    });
    results[name] = { wrong, ...authorized };
  }
  console.log(JSON.stringify(results));
})().catch((e) => { console.log(JSON.stringify({ error: e.code || e.message })); process.exit(1); });
setTimeout(() => { console.log('timeout'); process.exit(2); }, 20000).unref();
";
    let out = run_ok(&mut node_script(d, script));
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for name in ["ec", "rsa"] {
        assert_eq!(v[name]["authorized"], true, "{v}");
        assert_eq!(v[name]["chain"], "Intermediate", "{v}");
        assert_eq!(v[name]["wrong"], "mac verify failure", "{v}");
    }
}

#[test]
fn pfx_refuses_a_key_of_another_certificate() {
    let a = make("a", KeyType::EcP256, false, None);
    let b = make("b", KeyType::EcP256, false, None);
    let err = make_pfx(&a.key_der, &b.cert_der, &[], "x").unwrap_err();
    assert_eq!(err.code(), "ERR_OSSL_X509_KEY_VALUES_MISMATCH", "{err}");
    let garbage = CertificateDer::from(vec![1, 2, 3]);
    let err = make_pfx(&a.key_der, &a.cert_der, &[garbage], "x").unwrap_err();
    assert_eq!(err.code(), "ERR_NODETLS_BAD_CERTIFICATE", "{err}");
}

/// Read back with p12-keystore (an independent parser of our own writer's output):
/// one key chain, leaf first, then the CA certificates in the order given.
#[test]
fn pfx_round_trips_through_p12_keystore() {
    let root = make("Root", KeyType::EcP256, true, None);
    let leaf = make("localhost", KeyType::Ed25519, false, Some(&root));
    let pfx = make_pfx(
        &leaf.key_der,
        &leaf.cert_der,
        std::slice::from_ref(&root.cert_der),
        "pw",
    )
    .unwrap();
    let store = p12_keystore::KeyStore::from_pkcs12(
        &pfx,
        "pw",
        p12_keystore::Pkcs12ImportPolicy::default(),
    )
    .unwrap();
    let (_, chain) = store.private_key_chain().unwrap();
    assert_eq!(chain.key().as_der(), leaf.key_der.secret_der());
    let certs: Vec<&[u8]> = chain
        .certs()
        .iter()
        .map(p12_keystore::Certificate::as_der)
        .collect();
    assert_eq!(certs, [leaf.cert_der.as_ref(), root.cert_der.as_ref()]);
    assert!(p12_keystore::KeyStore::from_pkcs12(
        &pfx,
        "wrong",
        p12_keystore::Pkcs12ImportPolicy::default()
    )
    .is_err());
}
