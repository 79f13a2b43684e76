//! A test PKI made with `openssl` (independent of the code under test):
//! root CA → intermediate → leaves of several key types, a client certificate,
//! a self-signed leaf, and SNI certificates.

use std::path::Path;

use test_support::{openssl, run_ok};

fn sh(dir: &Path, args: &[&str]) {
    run_ok(openssl(dir).args(args));
}

fn key(dir: &Path, name: &str, kind: &str) {
    let out = format!("{name}.key");
    match kind {
        "ec" => sh(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &out,
            ],
        ),
        "ec384" => sh(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-384",
                "-out",
                &out,
            ],
        ),
        "rsa" => sh(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                &out,
            ],
        ),
        "ed25519" => sh(dir, &["genpkey", "-algorithm", "ED25519", "-out", &out]),
        _ => unreachable!("key kind {kind}"),
    }
}

/// Issues `name.pem` for `name.key`, signed by `ca` (or self-signed when `None`).
fn cert(dir: &Path, name: &str, subject: &str, ca: Option<&str>, ext: &str) {
    std::fs::write(dir.join(format!("{name}.ext")), ext).expect("ext");
    let csr = format!("{name}.csr");
    sh(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &format!("{name}.key"),
            "-subj",
            subject,
            "-out",
            &csr,
        ],
    );
    let mut args: Vec<String> = [
        "x509",
        "-req",
        "-in",
        &csr,
        "-days",
        "30",
        "-out",
        &format!("{name}.pem"),
        "-extfile",
        &format!("{name}.ext"),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    match ca {
        Some(ca) => args.extend([
            "-CA".into(),
            format!("{ca}.pem"),
            "-CAkey".into(),
            format!("{ca}.key"),
            "-CAcreateserial".into(),
        ]),
        None => args.extend(["-key".into(), format!("{name}.key")]),
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    sh(dir, &refs);
}

const CA_EXT: &str = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n";
const LEAF_EXT: &str = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nauthorityKeyIdentifier=keyid\n";

/// Builds the PKI in `dir`. Files: `root`, `inter`, `leaf-ec`, `leaf-rsa`,
/// `leaf-ed25519` (`.key`/`.pem`, leaf `.pem` files hold leaf + intermediate),
/// `client` (signed by root), `self` (self-signed leaf), `wild` (`*.example.com`),
/// `www` (`www.example.com`), `root.pem` as the trust anchor.
pub(crate) fn make(dir: &Path) {
    key(dir, "root", "ec");
    cert(dir, "root", "/CN=nodetls test root", None, CA_EXT);
    key(dir, "inter", "ec384");
    cert(
        dir,
        "inter",
        "/CN=nodetls test intermediate",
        Some("root"),
        CA_EXT,
    );
    for (name, kind) in [
        ("leaf-ec", "ec"),
        ("leaf-rsa", "rsa"),
        ("leaf-ed25519", "ed25519"),
    ] {
        key(dir, name, kind);
        cert(
            dir,
            name,
            &format!("/CN=localhost/O=nodetls {kind}"),
            Some("inter"),
            LEAF_EXT,
        );
        // Serve the chain: leaf then intermediate.
        let leaf = std::fs::read(dir.join(format!("{name}.pem"))).expect("leaf");
        let inter = std::fs::read(dir.join("inter.pem")).expect("inter");
        std::fs::write(dir.join(format!("{name}.pem")), [leaf, inter].concat()).expect("chain");
    }
    key(dir, "client", "ec");
    cert(
        dir,
        "client",
        "/CN=client one",
        Some("root"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    );
    key(dir, "self", "ec");
    cert(
        dir,
        "self",
        "/CN=localhost",
        None,
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    );
    key(dir, "wild", "ec");
    cert(
        dir,
        "wild",
        "/CN=wildcard",
        Some("root"),
        "subjectAltName=DNS:*.example.com\n",
    );
    key(dir, "www", "ec");
    cert(
        dir,
        "www",
        "/CN=www",
        Some("root"),
        "subjectAltName=DNS:www.example.com\n",
    );
}
