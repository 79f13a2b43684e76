//! Differential: for each bad (and some good) input, the code Node 20 gives
//! (`tls.createSecureContext(...)` on the same bytes, `e.code`) equals ours.
//!
//! Where Node throws without a code, the project code documented in docs/errors.md
//! stands for Node's message (`PROJECT_CODES`). Inputs where we deliberately do
//! better than Node (DER, legacy PKCS#12) are checked separately: Node fails with
//! the code we document, and we succeed.

use std::collections::BTreeMap;
use std::path::Path;

use test_support::{node_script, openssl, run_ok};
use tls_pki::{
    check_private_key, load_ca_certificates, load_certificates, load_crls, load_pfx,
    load_private_key,
};

/// Node's message (no `code`) -> our project code.
const PROJECT_CODES: &[(&str, &str)] = &[
    ("mac verify failure", "ERR_PKCS12_MAC_VERIFY_FAILURE"),
    ("mac absent", "ERR_PKCS12_MAC_ABSENT"),
    ("not enough data", "ERR_PKCS12_PARSE_FAILURE"),
    ("wrong tag", "ERR_PKCS12_PARSE_FAILURE"),
    ("header too long", "ERR_PKCS12_PARSE_FAILURE"),
    ("too long", "ERR_PKCS12_PARSE_FAILURE"),
    (
        "SSL_CTX_use_certificate_chain",
        "ERR_NODETLS_EMPTY_PEM_BLOCK",
    ),
];

/// Runs every case through one Node process; `name -> code` (`OK` on success,
/// `NOCODE:<message>` when Node's error has no code).
const NODE_SCRIPT: &str = r"
const tls = require('tls'), fs = require('fs');
const cases = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
for (const c of cases) {
  let out;
  try {
    const o = {};
    if (c.opt === 'pair') { o.key = fs.readFileSync(c.file); o.cert = fs.readFileSync(c.file2); }
    else o[c.opt] = fs.readFileSync(c.file);
    if (c.pass !== null) o.passphrase = c.pass;
    tls.createSecureContext(o);
    out = 'OK';
  } catch (e) { out = e.code ? e.code : 'NOCODE:' + e.message; }
  console.log(c.name + '\t' + out);
}
";

struct Case {
    name: String,
    opt: &'static str,
    file: String,
    file2: Option<String>,
    pass: Option<String>,
}

fn ours(dir: &Path, c: &Case) -> String {
    let data = std::fs::read(dir.join(&c.file)).unwrap();
    let pass = c.pass.as_deref();
    let result = match c.opt {
        "cert" => load_certificates(&data).map(drop),
        "key" => load_private_key(&data, pass).map(drop),
        "pfx" => load_pfx(&data, pass).map(drop),
        "crl" => load_crls(&data).map(drop),
        // Node's `ca` never fails: unreadable input just adds fewer certificates.
        "ca" => {
            let _ = load_ca_certificates(&data);
            Ok(())
        }
        "pair" => {
            let certs = std::fs::read(dir.join(c.file2.as_ref().unwrap())).unwrap();
            load_certificates(&certs).and_then(|certs| {
                let key = load_private_key(&data, pass)?;
                check_private_key(&key, &certs[0])
            })
        }
        other => panic!("unknown option {other}"),
    };
    match result {
        Ok(()) => "OK".to_owned(),
        Err(e) => e.code().to_owned(),
    }
}

fn node_codes(dir: &Path, cases: &[Case]) -> BTreeMap<String, String> {
    let json: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name, "opt": c.opt, "file": c.file, "file2": c.file2, "pass": c.pass,
            })
        })
        .collect();
    std::fs::write(dir.join("cases.json"), serde_json::to_vec(&json).unwrap()).unwrap();
    let out = run_ok(node_script(dir, NODE_SCRIPT).arg("cases.json"));
    String::from_utf8(out)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, c)| (n.to_owned(), c.to_owned()))
        .collect()
}

/// Node's answer in our vocabulary.
fn expected(node: &str) -> String {
    match node.strip_prefix("NOCODE:") {
        None => node.to_owned(),
        Some(msg) => PROJECT_CODES
            .iter()
            .find(|(m, _)| msg.contains(m))
            .map_or_else(
                || format!("unmapped Node message: {msg}"),
                |(_, c)| (*c).to_owned(),
            ),
    }
}

struct Fixtures<'a> {
    dir: &'a Path,
    cases: Vec<Case>,
}

impl Fixtures<'_> {
    fn file(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name)).unwrap()
    }

    fn text(&self, name: &str) -> String {
        String::from_utf8(self.file(name)).unwrap()
    }

    fn add(&mut self, name: &str, opt: &'static str, bytes: &[u8], pass: Option<&str>) {
        let file = format!("case-{}", self.cases.len());
        std::fs::write(self.dir.join(&file), bytes).unwrap();
        self.cases.push(Case {
            name: name.to_owned(),
            opt,
            file,
            file2: None,
            pass: pass.map(str::to_owned),
        });
    }

    fn pair(&mut self, name: &str, key: &str, cert: &str) {
        self.cases.push(Case {
            name: name.to_owned(),
            opt: "pair",
            file: key.to_owned(),
            file2: Some(cert.to_owned()),
            pass: None,
        });
    }
}

fn ossl(dir: &Path, args: &[&str]) -> Vec<u8> {
    run_ok(openssl(dir).args(args))
}

fn pem(label: &str, der: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    (out + "-----END " + label + "-----\n").into_bytes()
}

fn make_fixtures(dir: &Path) {
    // One openssl command per line, arguments split at spaces (none contains one).
    let o = |cmd: &str| ossl(dir, &cmd.split(' ').collect::<Vec<_>>());
    let utf8 = "p\u{e4}ssw\u{f6}rd\u{2713}";
    let astral = "k\u{1f511}";
    let commands = [
        "ecparam -name prime256v1 -genkey -noout -out ec.pem",
        "ecparam -name prime256v1 -genkey -noout -out ec2.pem",
        "ecparam -name secp384r1 -genkey -noout -out ec384.pem",
        "genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out rsa.pem",
        "genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out rsa2.pem",
        "genpkey -algorithm rsa-pss -pkeyopt rsa_keygen_bits:1024 -out pss.pem",
        "genpkey -algorithm ed25519 -out ed.pem",
        "genpkey -algorithm ed25519 -out ed2.pem",
        "genpkey -algorithm rsa-pss -pkeyopt rsa_keygen_bits:1024 -out pss2.pem",
        "req -x509 -new -key ed.pem -subj /CN=t -days 9 -out ed.crt",
        "req -x509 -new -key pss.pem -subj /CN=t -days 9 -out pss.crt",
        "rsa -in rsa.pem -traditional -out rsa1.pem",
        "genpkey -algorithm x25519 -out x25519.pem",
        "genpkey -algorithm x448 -out x448.pem",
        "req -x509 -new -key ec.pem -subj /CN=t -days 9 -out ec.crt",
        "req -x509 -new -key ec384.pem -subj /CN=t -days 9 -out ec384.crt",
        "req -x509 -new -key rsa.pem -subj /CN=t -days 9 -out rsa.crt",
        "x509 -in ec.crt -outform DER -out ec.der",
        "pkcs8 -topk8 -in ec.pem -v2 aes-256-cbc -passout pass:pw -out enc.p8",
        "pkcs8 -topk8 -in ec.pem -scrypt -passout pass:pw -out scrypt.p8",
        "pkcs8 -topk8 -in ec.pem -v1 PBE-SHA1-3DES -passout pass:pw -out v1.p8",
        "pkcs8 -topk8 -in ec.pem -v2 aes-128-cbc -passout pass: -out emptypw.p8",
        "ec -in ec.pem -aes256 -passout pass:pw -out trad.pem",
        "rsa -in rsa.pem -traditional -des3 -passout pass:pw -out tradrsa.pem",
        &format!("pkcs8 -topk8 -in ec.pem -passout pass:{utf8} -out utf8.p8"),
        &format!("pkcs8 -topk8 -in ec.pem -v1 PBE-SHA1-3DES -passout pass:{utf8} -out utf8v1.p8"),
        &format!("pkcs12 -export -inkey ec.pem -in ec.crt -passout pass:{utf8} -out utf8.p12"),
        "pkcs12 -export -inkey ec.pem -in ec.crt -passout pass:pw -out pw.p12",
        "pkcs12 -export -inkey ec.pem -in ec.crt -passout pass: -out empty.p12",
        "pkcs12 -export -inkey ec.pem -in ec.crt -keypbe NONE -certpbe NONE -nomac -passout pass: -out nomac.p12",
        "pkcs12 -export -in ec.crt -nokeys -passout pass:pw -out nokey.p12",
        "pkcs12 -export -inkey ec.pem -nocerts -passout pass:pw -out nocert.p12",
        "pkcs12 -export -inkey ec.pem -in ec.crt -legacy -passout pass:pw -out legacy.p12",
        &format!("pkcs8 -topk8 -in ec.pem -v1 PBE-SHA1-3DES -passout pass:{astral} -out astral.p8"),
        &format!("pkcs8 -topk8 -in ec.pem -passout pass:{astral} -out astral2.p8"),
    ];
    for cmd in commands {
        o(cmd);
    }
    std::fs::write(
        dir.join("ca.cnf"),
        "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ndefault_md = sha256\ndefault_crl_days = 9\n",
    )
    .unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    o("ca -config ca.cnf -gencrl -keyfile ec.pem -cert ec.crt -out crl.pem");
    o("crl -in crl.pem -outform DER -out crl.der");
}

#[test]
fn error_codes_equal_nodes() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let d = test_support::temp_dir();
    let dir = d.path();
    make_fixtures(dir);
    let mut f = Fixtures {
        dir,
        cases: Vec::new(),
    };
    let garbage: Vec<u8> = (0..200u32).map(|i| (i * 73 + 11) as u8).collect();
    let cert = f.text("ec.crt");
    let key = f.text("ec.pem");
    let der = f.file("ec.der");
    let crl = f.text("crl.pem");

    // cert
    f.add("cert: garbage", "cert", &garbage, None);
    f.add("cert: empty buffer", "cert", b"", None);
    f.add("cert: text", "cert", b"hello world\n", None);
    f.add("cert: truncated", "cert", &cert.as_bytes()[..200], None);
    f.add("cert: key only", "cert", key.as_bytes(), None);
    f.add("cert: crl only", "cert", crl.as_bytes(), None);
    f.add(
        "cert: bad base64",
        "cert",
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        None,
    );
    f.add(
        "cert: missing padding",
        "cert",
        String::from_utf8(pem("CERTIFICATE", &der[..der.len() - 1]))
            .unwrap()
            .replace('=', "")
            .as_bytes(),
        None,
    );
    f.add(
        "cert: zero bytes",
        "cert",
        &pem("CERTIFICATE", &[0, 0, 0]),
        None,
    );
    f.add(
        "cert: der cut at 100",
        "cert",
        &pem("CERTIFICATE", &der[..100]),
        None,
    );
    f.add(
        "cert: der cut at 3",
        "cert",
        &pem("CERTIFICATE", &der[..3]),
        None,
    );
    f.add(
        "cert: short sequence",
        "cert",
        &pem("CERTIFICATE", &[0x30, 3, 1, 2, 3]),
        None,
    );
    f.add(
        "cert: empty sequence",
        "cert",
        &pem("CERTIFICATE", &[0x30, 0]),
        None,
    );
    f.add(
        "cert: trailing byte",
        "cert",
        &pem("CERTIFICATE", &[der.as_slice(), &[0]].concat()),
        None,
    );
    f.add(
        "cert: empty block",
        "cert",
        b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
        None,
    );
    f.add(
        "cert: mismatched end",
        "cert",
        cert.replace("END CERTIFICATE", "END FOO").as_bytes(),
        None,
    );
    f.add(
        "cert: no end line",
        "cert",
        cert.replace("-----END CERTIFICATE-----", "").as_bytes(),
        None,
    );
    f.add(
        "cert: second truncated",
        "cert",
        format!("{cert}{}", &cert[..200]).as_bytes(),
        None,
    );
    f.add(
        "cert: indented begin",
        "cert",
        format!("  {cert}").as_bytes(),
        None,
    );
    f.add(
        "cert: ok with text",
        "cert",
        format!("a\n{cert}b\n").as_bytes(),
        None,
    );
    f.add(
        "cert: ok after key",
        "cert",
        format!("{key}{cert}").as_bytes(),
        None,
    );
    f.add(
        "cert: ok crlf",
        "cert",
        cert.replace('\n', "\r\n").as_bytes(),
        None,
    );
    f.add(
        "cert: ok X509 CERTIFICATE",
        "cert",
        cert.replace("CERTIFICATE", "X509 CERTIFICATE").as_bytes(),
        None,
    );
    // key
    f.add("key: garbage", "key", &garbage, None);
    f.add("key: empty", "key", b"", None);
    f.add("key: truncated", "key", &key.as_bytes()[..150], None);
    f.add("key: cert only", "key", cert.as_bytes(), None);
    f.add(
        "key: bad base64",
        "key",
        b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
        None,
    );
    f.add(
        "key: zero bytes",
        "key",
        &pem("PRIVATE KEY", &[0, 0, 0]),
        None,
    );
    f.add(
        "key: RSA label, EC body",
        "key",
        key.replace("EC PRIVATE", "RSA PRIVATE").as_bytes(),
        None,
    );
    f.add(
        "key: PKCS#8 label, SEC1 body",
        "key",
        key.replace("EC PRIVATE", "PRIVATE").as_bytes(),
        None,
    );
    f.add(
        "key: no end line",
        "key",
        key.replace("-----END EC PRIVATE KEY-----", "").as_bytes(),
        None,
    );
    let spki = ossl(dir, &["pkey", "-in", "ec.pem", "-pubout"]);
    f.add("key: public key", "key", &spki, None);
    f.add("key: X25519", "key", &f.file("x25519.pem"), None);
    f.add("key: X448", "key", &f.file("x448.pem"), None);
    f.add(
        "key: ok after cert",
        "key",
        format!("{cert}{key}").as_bytes(),
        None,
    );
    let bad_b64_cert = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    let bad_b64_key = "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n";
    let zero_key = String::from_utf8(pem("PRIVATE KEY", &[0, 0, 0])).unwrap();
    let ec2 = f.text("ec2.pem");
    let x25519 = f.text("x25519.pem");
    let enc = f.text("enc.p8");
    let relabelled = key.replace("EC PRIVATE", "RSA PRIVATE");
    let unterminated = key.replace("-----END EC PRIVATE KEY-----", "");
    let foo = "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n";
    let sequences: [(&str, &'static str, Vec<u8>, Option<&str>); 12] = [
        (
            "key: truncated cert, then key",
            "key",
            format!("{}\n{key}", &cert[..200]).into_bytes(),
            None,
        ),
        (
            "key: bad-base64 cert, then key",
            "key",
            format!("{bad_b64_cert}{key}").into_bytes(),
            None,
        ),
        (
            "key: bad-base64 key, then key",
            "key",
            format!("{bad_b64_key}{key}").into_bytes(),
            None,
        ),
        (
            "key: undecodable key, then key",
            "key",
            format!("{zero_key}{key}").into_bytes(),
            None,
        ),
        (
            "key: unknown label, then key",
            "key",
            format!("{foo}{key}").into_bytes(),
            None,
        ),
        (
            "key: public key, then key",
            "key",
            [spki.as_slice(), key.as_bytes()].concat(),
            None,
        ),
        (
            "key: X25519, then EC key",
            "key",
            format!("{x25519}{key}").into_bytes(),
            None,
        ),
        (
            "key: wrong passphrase, then key",
            "key",
            format!("{enc}{key}").into_bytes(),
            Some("x"),
        ),
        (
            "key: key, then garbage block",
            "key",
            format!("{key}-----BEGIN X-----\n!!\n").into_bytes(),
            None,
        ),
        (
            "cert: bad-base64 key, then cert",
            "cert",
            format!("{bad_b64_key}{cert}").into_bytes(),
            None,
        ),
        (
            "cert: unterminated key, then cert",
            "cert",
            format!("{unterminated}{cert}").into_bytes(),
            None,
        ),
        (
            "crl: bad-base64 cert, then crl",
            "crl",
            format!("{bad_b64_cert}{crl}").into_bytes(),
            None,
        ),
    ];
    for (name, opt, bytes, pass) in &sequences {
        f.add(name, opt, bytes, *pass);
    }
    // Which key won shows in the check against ec.crt: the second one here.
    std::fs::write(
        dir.join("relabelled-then-ec2.pem"),
        format!("{relabelled}{ec2}"),
    )
    .unwrap();
    f.pair(
        "pair: undecodable key skipped, next used",
        "relabelled-then-ec2.pem",
        "ec.crt",
    );
    f.add("key: ok RSA-PSS", "key", &f.file("pss.pem"), None);
    for (file, what) in [
        ("enc.p8", "pbes2 aes"),
        ("scrypt.p8", "scrypt"),
        ("v1.p8", "pbe-sha1-3des"),
        ("trad.pem", "traditional aes"),
        ("tradrsa.pem", "traditional des3"),
    ] {
        let bytes = f.file(file);
        f.add(&format!("key: {what}, no passphrase"), "key", &bytes, None);
        f.add(
            &format!("key: {what}, wrong passphrase"),
            "key",
            &bytes,
            Some("nope"),
        );
        f.add(
            &format!("key: {what}, empty passphrase"),
            "key",
            &bytes,
            Some(""),
        );
        f.add(&format!("key: {what}, ok"), "key", &bytes, Some("pw"));
    }
    let astral = "k\u{1f511}";
    f.add(
        "key: v1 passphrase beyond the BMP",
        "key",
        &f.file("astral.p8"),
        Some(astral),
    );
    f.add(
        "key: v2 passphrase beyond the BMP",
        "key",
        &f.file("astral2.p8"),
        Some(astral),
    );
    let utf8 = "p\u{e4}ssw\u{f6}rd\u{2713}";
    let nfd = "pa\u{308}sswo\u{308}rd\u{2713}";
    f.add(
        "key: non-ASCII passphrase, ok",
        "key",
        &f.file("utf8.p8"),
        Some(utf8),
    );
    f.add(
        "key: non-ASCII passphrase, NFD",
        "key",
        &f.file("utf8.p8"),
        Some(nfd),
    );
    f.add(
        "key: v1 non-ASCII passphrase",
        "key",
        &f.file("utf8v1.p8"),
        Some(utf8),
    );
    f.add(
        "pfx: non-ASCII passphrase, ok",
        "pfx",
        &f.file("utf8.p12"),
        Some(utf8),
    );
    f.add(
        "pfx: non-ASCII passphrase, NFD",
        "pfx",
        &f.file("utf8.p12"),
        Some(nfd),
    );
    f.add(
        "key: empty-password key, no passphrase",
        "key",
        &f.file("emptypw.p8"),
        None,
    );
    f.add(
        "key: empty-password key, wrong passphrase",
        "key",
        &f.file("emptypw.p8"),
        Some("x"),
    );
    // key + cert
    f.pair("pair: match", "ec.pem", "ec.crt");
    f.pair("pair: PKCS#1 RSA match", "rsa1.pem", "rsa.crt");
    f.pair("pair: Ed25519 match", "ed.pem", "ed.crt");
    f.pair("pair: other Ed25519 key", "ed2.pem", "ed.crt");
    f.pair("pair: RSA-PSS match", "pss.pem", "pss.crt");
    f.pair("pair: other RSA-PSS key", "pss2.pem", "pss.crt");
    f.pair("pair: RSA key, RSA-PSS cert", "rsa.pem", "pss.crt");
    f.pair("pair: other EC key", "ec2.pem", "ec.crt");
    f.pair("pair: P-384 key, P-256 cert", "ec384.pem", "ec.crt");
    f.pair("pair: other RSA key", "rsa2.pem", "rsa.crt");
    f.pair("pair: Ed25519 key, EC cert", "ed.pem", "ec.crt");
    f.pair("pair: RSA-PSS key, RSA cert", "pss.pem", "rsa.crt");
    f.pair("pair: EC key, RSA cert", "ec.pem", "rsa.crt");
    // pfx
    let pw = f.file("pw.p12");
    f.add("pfx: ok", "pfx", &pw, Some("pw"));
    f.add("pfx: wrong passphrase", "pfx", &pw, Some("nope"));
    f.add("pfx: no passphrase", "pfx", &pw, None);
    f.add("pfx: empty passphrase", "pfx", &pw, Some(""));
    let empty = f.file("empty.p12");
    f.add("pfx: empty-password file, none", "pfx", &empty, None);
    f.add("pfx: empty-password file, empty", "pfx", &empty, Some(""));
    f.add("pfx: empty-password file, wrong", "pfx", &empty, Some("x"));
    let nomac = f.file("nomac.p12");
    f.add("pfx: no MAC, none", "pfx", &nomac, None);
    f.add("pfx: no MAC, passphrase", "pfx", &nomac, Some("x"));
    f.add("pfx: no key", "pfx", &f.file("nokey.p12"), Some("pw"));
    f.add("pfx: no cert", "pfx", &f.file("nocert.p12"), Some("pw"));
    f.add("pfx: garbage", "pfx", &garbage, Some("pw"));
    f.add("pfx: PEM text", "pfx", cert.as_bytes(), Some("pw"));
    f.add("pfx: truncated", "pfx", &pw[..pw.len() / 2], Some("pw"));
    // ca: Node never throws; we never fail and keep what precedes the first bad block.
    let ca_cases: [(&str, Vec<u8>, usize); 5] = [
        ("ca: garbage", garbage.clone(), 0),
        ("ca: truncated", cert.as_bytes()[..200].to_vec(), 0),
        ("ca: key only", key.as_bytes().to_vec(), 0),
        (
            "ca: good then truncated",
            format!("{cert}{}", &cert[..200]).into_bytes(),
            1,
        ),
        (
            "ca: two good around a key",
            format!("{cert}{key}{cert}").into_bytes(),
            2,
        ),
    ];
    for (name, bytes, count) in &ca_cases {
        f.add(name, "ca", bytes, None);
        assert_eq!(load_ca_certificates(bytes).len(), *count, "{name}");
    }
    // crl
    f.add("crl: ok", "crl", crl.as_bytes(), None);
    f.add(
        "crl: ok with text and a cert",
        "crl",
        format!("x\n{cert}{crl}").as_bytes(),
        None,
    );
    f.add("crl: garbage", "crl", &garbage, None);
    f.add("crl: empty", "crl", b"", None);
    f.add("crl: cert", "crl", cert.as_bytes(), None);
    f.add(
        "crl: truncated",
        "crl",
        &crl.as_bytes()[..crl.len() / 2],
        None,
    );
    f.add("crl: bad body", "crl", &pem("X509 CRL", &der), None);

    let node = node_codes(dir, &f.cases);
    let mut report = Vec::new();
    let mut failures = 0;
    for c in &f.cases {
        let theirs = node
            .get(&c.name)
            .map_or("missing from node's output", String::as_str);
        let want = expected(theirs);
        let got = ours(dir, c);
        let ok = got == want;
        failures += usize::from(!ok);
        report.push(format!(
            "{} {:<45} node={theirs:<40} ours={got}",
            if ok { "  " } else { "!!" },
            c.name
        ));
    }
    println!("{}", report.join("\n"));
    assert_eq!(
        failures,
        0,
        "codes differ from Node's:\n{}",
        report.join("\n")
    );
}

/// Where we do better than Node: Node's failure is the one we document, and we
/// succeed.
#[test]
fn beyond_node() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let d = test_support::temp_dir();
    let dir = d.path();
    make_fixtures(dir);
    let mut f = Fixtures {
        dir,
        cases: Vec::new(),
    };
    let sec1_der = ossl(dir, &["ec", "-in", "ec.pem", "-outform", "DER"]);
    let p8_der = ossl(dir, &["pkey", "-in", "ec.pem", "-outform", "DER"]);
    f.add("DER certificate", "cert", &f.file("ec.der"), None);
    f.add("DER SEC1 key", "key", &sec1_der, None);
    f.add("DER PKCS#8 key", "key", &p8_der, None);
    f.add("DER CRL", "crl", &f.file("crl.der"), None);
    f.add("legacy PKCS#12", "pfx", &f.file("legacy.p12"), Some("pw"));
    let node = node_codes(dir, &f.cases);
    let documented = [
        ("DER certificate", "ERR_OSSL_PEM_NO_START_LINE"),
        ("DER SEC1 key", "ERR_OSSL_UNSUPPORTED"),
        ("DER PKCS#8 key", "ERR_OSSL_UNSUPPORTED"),
        ("DER CRL", "ERR_CRYPTO_OPERATION_FAILED"),
        ("legacy PKCS#12", "ERR_CRYPTO_UNSUPPORTED_OPERATION"),
    ];
    for (c, (name, node_code)) in f.cases.iter().zip(documented) {
        assert_eq!(c.name, name);
        assert_eq!(
            node.get(name).map(String::as_str),
            Some(node_code),
            "{name}: Node"
        );
        assert_eq!(ours(dir, c), "OK", "{name}: ours");
    }
}

/// Every code `Error::code` can return is listed in docs/errors.md (the tidy check
/// of the style guide, for this crate's loading errors).
#[test]
fn every_code_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("src/error.rs")).unwrap();
    let docs = std::fs::read_to_string(root.join("../../docs/errors.md")).unwrap();
    let codes: Vec<&str> = source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with("ERR_"))
        .collect();
    assert!(codes.len() >= 15, "found only {codes:?}");
    for code in codes {
        assert!(
            docs.contains(&format!("`{code}`")),
            "{code} missing from docs/errors.md"
        );
    }
}

/// Known limits, kept visible: Node reads these, we refuse them with the project
/// code documented in docs/errors.md. A failure here means a limit was lifted (or
/// Node changed): update the docs.
#[test]
fn known_limits() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let d = test_support::temp_dir();
    let dir = d.path();
    let o = |cmd: &str| ossl(dir, &cmd.split(' ').collect::<Vec<_>>());
    let astral = "k\u{1f511}";
    o("ecparam -name prime256v1 -genkey -noout -out ec.pem");
    o("req -x509 -new -key ec.pem -subj /CN=t -days 9 -out ec.crt");
    o(&format!(
        "pkcs12 -export -inkey ec.pem -in ec.crt -passout pass:{astral} -out astral.p12"
    ));
    o("pkcs8 -topk8 -in ec.pem -v2 camellia256 -passout pass:pw -out camellia.p8");
    o("dsaparam -genkey -out dsa8.pem 1024");
    o("pkey -in dsa8.pem -traditional -out dsa.pem");
    let mut f = Fixtures {
        dir,
        cases: Vec::new(),
    };
    f.add(
        "PFX passphrase beyond the BMP",
        "pfx",
        &f.file("astral.p12"),
        Some(astral),
    );
    f.add(
        "Camellia-encrypted key",
        "key",
        &f.file("camellia.p8"),
        Some("pw"),
    );
    f.add("traditional DSA key", "key", &f.file("dsa.pem"), None);
    let ours_codes = [
        "ERR_PKCS12_DECRYPT_FAILURE",
        "ERR_NODETLS_UNSUPPORTED_KEY_ENCRYPTION",
        "ERR_NODETLS_UNSUPPORTED_KEY_FORMAT",
    ];
    // The same DSA key as PKCS#8 loads (as KeyKind::Other), as in Node.
    f.add("PKCS#8 DSA key", "key", &f.file("dsa8.pem"), None);
    let node = node_codes(dir, &f.cases);
    assert_eq!(ours(dir, &f.cases[3]), "OK");
    assert_eq!(node.get("PKCS#8 DSA key").map(String::as_str), Some("OK"));
    for (c, code) in f.cases.iter().zip(ours_codes) {
        assert_eq!(
            node.get(&c.name).map(String::as_str),
            Some("OK"),
            "{}: Node",
            c.name
        );
        assert_eq!(ours(dir, c), code, "{}: ours", c.name);
    }
}
