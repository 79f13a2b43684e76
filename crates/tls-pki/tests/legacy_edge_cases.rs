//! `LegacyCertificate::from_der` against Node 20's `toLegacyObject()` on
//! certificates that `openssl req` cannot make: hand-encoded extensions
//! (malformed, duplicated, control characters, every GeneralName type, invalid IP
//! lengths), string types (BMP, Universal, IA5, Printable), single-digit days,
//! 1950s UTCTime and post-2049 GeneralizedTime, P-384 and Ed25519 keys. Made with
//! rcgen; Node does not check signatures for `toLegacyObject()`.

mod legacy_pki;

use rcgen::{
    CertificateParams, CustomExtension, DnType, DnValue, IsCa, KeyPair, KeyUsagePurpose,
    SerialNumber,
};
use serde_json::{json, Value};
use tls_pki::LegacyCertificate;

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(body);
    out
}

fn seq(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut bytes = vec![(arc & 0x7f) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            bytes.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        bytes.reverse();
        body.extend(bytes);
    }
    tlv(0x06, &body)
}

fn ext(dotted: &str, content: Vec<u8>) -> CustomExtension {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    CustomExtension::from_oid_content(&arcs, content)
}

/// A Name with one attribute per RDN: (OID, tag, value bytes).
fn name(attrs: &[(&str, u8, &[u8])]) -> Vec<u8> {
    seq(&attrs
        .iter()
        .map(|(o, tag, v)| tlv(0x31, &seq(&[oid(o), tlv(*tag, v)])))
        .collect::<Vec<_>>())
}

const SAN: &str = "2.5.29.17";
const AIA: &str = "1.3.6.1.5.5.7.1.1";
const EKU: &str = "2.5.29.37";
const BC: &str = "2.5.29.19";

fn params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.not_before = rcgen::date_time_ymd(2026, 1, 5);
    p.not_after = rcgen::date_time_ymd(2027, 2, 9);
    p
}

fn cases() -> Vec<(
    &'static str,
    CertificateParams,
    &'static rcgen::SignatureAlgorithm,
)> {
    let ec = &rcgen::PKCS_ECDSA_P256_SHA256;
    let mut out = Vec::new();

    // Names Node must quote: control characters, DEL, single quote, backslash,
    // non-ASCII bytes in IA5 names; every other GeneralName type.
    let mut p = params("quoting");
    let dir_name = name(&[
        ("2.5.4.3", 0x1e, &[0x00, b' ', 0x00, b'#', 0x20, 0xac]),
        ("1.2.3.4.5", 0x0c, b"unknown attr"),
        ("2.5.4.10", 0x13, b"#lead, trail "),
        ("2.5.4.11", 0x0c, b"a+b<c>;d=e"),
    ]);
    let san = seq(&[
        tlv(0x82, b"tab\there.test"),
        tlv(0x82, b"del\x7f.test"),
        tlv(0x82, b"it's.test"),
        tlv(0x81, b"back\\slash@x.test"),
        tlv(0x86, "http://\u{e9}.test/\u{1f600}".as_bytes()),
        tlv(0x87, &[1, 2, 3, 4, 5]),
        tlv(0x87, &[]),
        tlv(0xa4, &dir_name),
        tlv(
            0xa0,
            &[
                oid("1.3.6.1.5.5.7.8.7"),
                tlv(0xa0, &tlv(0x16, b"_sip._udp.x.test")),
            ]
            .concat(),
        ),
        tlv(
            0xa0,
            &[
                oid("1.3.6.1.5.5.7.8.9"),
                tlv(0xa0, &tlv(0x0c, "m\u{fc}ller@x.test".as_bytes())),
            ]
            .concat(),
        ),
        tlv(
            0xa0,
            &[oid("1.3.6.1.5.5.7.8.8"), tlv(0xa0, &tlv(0x0c, b"realm,x"))].concat(),
        ),
        tlv(
            0xa0,
            &[
                oid("1.3.6.1.5.5.7.8.5"),
                tlv(0xa0, &tlv(0x16, b"wrong type")),
            ]
            .concat(),
        ),
        tlv(0xa3, &seq(&[])),
        tlv(0xa5, &tlv(0xa1, &tlv(0x0c, b"party"))),
        tlv(0x88, &oid("1.2.840.113549.1.1.11")[2..]),
    ]);
    p.custom_extensions.push(ext(SAN, san));
    let aia = seq(&[
        seq(&[
            oid("1.3.6.1.5.5.7.48.1"),
            tlv(0x86, b"http://ocsp.test/\x01"),
        ]),
        seq(&[
            oid("1.3.6.1.5.5.7.48.2"),
            tlv(0xa4, &name(&[("2.5.4.3", 0x0c, b"ca, dir")])),
        ]),
        seq(&[oid("1.3.6.1.5.5.7.48.2"), tlv(0x87, &[10, 0, 0, 1])]),
        seq(&[oid("1.3.6.1.5.5.7.48.5"), tlv(0x86, b"http://repo.test/")]),
    ]);
    p.custom_extensions.push(ext(AIA, aia));
    out.push(("quoting", p, ec));

    // Undecodable SAN and AIA: null; the undecodable SAN also makes ca false.
    let mut p = params("malformed");
    p.custom_extensions
        .push(ext(SAN, vec![0x30, 0x03, 0x82, 0x05, b'a']));
    p.custom_extensions.push(ext(AIA, vec![0x04, 0x00]));
    p.custom_extensions
        .push(ext(BC, seq(&[tlv(0x01, &[0xff])])));
    out.push(("malformed", p, ec));

    // Duplicate extendedKeyUsage: no ext_key_usage, and not a CA.
    let mut p = params("dup-eku");
    let eku = seq(&[oid("1.3.6.1.5.5.7.3.1")]);
    p.custom_extensions.push(ext(EKU, eku.clone()));
    p.custom_extensions.push(ext(EKU, eku));
    p.custom_extensions
        .push(ext(BC, seq(&[tlv(0x01, &[0xff])])));
    out.push(("dup-eku", p, ec));

    // CA by basicConstraints, with and without keyCertSign; empty SAN.
    let mut p = params("ca-no-certsign");
    p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Constrained(2));
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.custom_extensions.push(ext(SAN, seq(&[])));
    out.push(("ca-no-certsign", p, ec));
    let mut p = params("ca-certsign");
    p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    out.push(("ca-certsign", p, ec));
    let mut p = params("ca-no-ku");
    p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    out.push(("ca-no-ku", p, &rcgen::PKCS_ECDSA_P384_SHA384));

    // String types and unusual attributes in the subject; empty EKU.
    let mut p = params("strings");
    let dn = &mut p.distinguished_name;
    dn.push(
        DnType::OrganizationName,
        DnValue::BmpString("B\u{e9}mp \u{20ac}".try_into().unwrap()),
    );
    dn.push(
        DnType::OrganizationalUnitName,
        DnValue::UniversalString("Univ \u{1f600}".try_into().unwrap()),
    );
    dn.push(
        DnType::CustomDnType(vec![1, 2, 840, 113_549, 1, 9, 2]),
        DnValue::Ia5String("unstructured".try_into().unwrap()),
    );
    dn.push(
        DnType::CustomDnType(vec![1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3]),
        DnValue::PrintableString("US".try_into().unwrap()),
    );
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 97]), "NTRUS-1");
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 65]), "pseudo");
    dn.push(DnType::CustomDnType(vec![1, 3, 9999, 7]), "private");
    dn.push(DnType::CommonName, "second");
    dn.push(DnType::CommonName, "third");
    p.custom_extensions.push(ext(EKU, seq(&[])));
    out.push(("strings", p, &rcgen::PKCS_ED25519));

    // What makes OpenSSL's extension cache invalid, and so `ca` false.
    let ca_true = || seq(&[tlv(0x01, &[0xff])]);
    let ca_variants: Vec<(&'static str, Vec<CustomExtension>)> = vec![
        (
            "bc-negative-pathlen",
            vec![ext(BC, seq(&[tlv(0x01, &[0xff]), tlv(0x02, &[0xff])]))],
        ),
        (
            "bc-pathlen-not-ca",
            vec![ext(BC, seq(&[tlv(0x02, &[0x00])]))],
        ),
        (
            "bc-explicit-false",
            vec![ext(BC, seq(&[tlv(0x01, &[0x00])]))],
        ),
        (
            "bc-trailing",
            vec![ext(BC, [ca_true(), vec![0x05, 0x00]].concat())],
        ),
        (
            "ku-empty",
            vec![ext(BC, ca_true()), ext("2.5.29.15", tlv(0x03, &[0x00]))],
        ),
        (
            "ku-certsign-2-bytes",
            vec![
                ext(BC, ca_true()),
                ext("2.5.29.15", tlv(0x03, &[0x07, 0x04, 0x80])),
            ],
        ),
        (
            "skid-malformed",
            vec![ext(BC, ca_true()), ext("2.5.29.14", vec![0x02, 0x01, 0x00])],
        ),
        (
            "akid-malformed",
            vec![ext(BC, ca_true()), ext("2.5.29.35", vec![0x04, 0x00])],
        ),
        (
            "dup-unknown",
            vec![
                ext(BC, ca_true()),
                ext("1.2.3.4", vec![0x05, 0x00]),
                ext("1.2.3.4", vec![0x05, 0x00]),
            ],
        ),
        ("dup-bc", vec![ext(BC, ca_true()), ext(BC, ca_true())]),
        (
            "eku-malformed",
            vec![ext(BC, ca_true()), ext(EKU, vec![0x30, 0x01, 0x05])],
        ),
        (
            "ns-cert-type-ca",
            vec![ext("2.16.840.1.113730.1.1", tlv(0x03, &[0x00, 0x07]))],
        ),
    ];
    for (n, exts) in ca_variants {
        let mut p = params(n);
        p.custom_extensions = exts;
        out.push((n, p, ec));
    }

    // Times: 1950s UTCTime, a GeneralizedTime after 2049; a long serial.
    let mut p = params("times");
    p.not_before = rcgen::date_time_ymd(1955, 3, 1);
    p.not_after = rcgen::date_time_ymd(2100, 12, 31);
    p.serial_number = Some(SerialNumber::from_slice(&[
        0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]));
    out.push(("times", p, ec));
    out
}

#[test]
fn crafted_certificates_match_node() {
    let _ = test_support::require_peer!("node");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let cases = cases();
    let mut files = Vec::new();
    let mut ders = Vec::new();
    for (name, params, alg) in cases.iter().map(|(n, p, a)| (n, p.clone(), a)) {
        let key = KeyPair::generate_for(alg).unwrap();
        let der = params.self_signed(&key).unwrap().der().to_vec();
        let path = dir.join(format!("{name}.der"));
        std::fs::write(&path, &der).unwrap();
        files.push(path);
        ders.push(der);
    }
    let node = legacy_pki::node_legacy_objects(dir, &files);
    for (((name, _, _), der), node_obj) in cases.iter().zip(&ders).zip(&node) {
        let ours = match LegacyCertificate::from_der(der) {
            Ok(c) => c.to_json(),
            Err(e) => json!({ "error": e.code() }),
        };
        legacy_pki::assert_same_json(name, node_obj, &ours);
        if std::env::var_os("SHOW_LEGACY").is_some() {
            eprintln!("{name}: {ours}");
        }
    }
    // The cases reach the branches they are meant for.
    let get = |n: &str| &node[cases.iter().position(|c| c.0 == n).unwrap()];
    let quoting = get("quoting")["subjectaltname"].as_str().unwrap();
    for needle in [
        "\"tab\\u0009here.test\"",
        "<invalid length=5>",
        "X400Name:<unsupported>",
        "EdiPartyName:<unsupported>",
        "othername:SRVName:",
        "othername:<unsupported>",
        "DirName:",
        "Registered ID:1.2.840.113549.1.1.11",
    ] {
        assert!(quoting.contains(needle), "{needle} not in {quoting}");
    }
    assert_eq!(get("malformed")["subjectaltname"], Value::Null);
    assert_eq!(get("malformed")["infoAccess"], Value::Null);
    assert_eq!(get("malformed")["ca"], false);
    assert!(get("dup-eku").get("ext_key_usage").is_none());
    for (n, ca) in [
        ("bc-trailing", true),
        ("ku-certsign-2-bytes", true),
        ("dup-unknown", true),
        ("bc-negative-pathlen", false),
        ("skid-malformed", false),
        ("dup-bc", false),
    ] {
        assert_eq!(get(n)["ca"], ca, "{n}");
    }
    assert_eq!(get("ca-no-certsign")["ca"], false);
    assert_eq!(get("ca-certsign")["ca"], true);
    assert_eq!(get("ca-no-ku")["nistCurve"], "P-384");
    assert!(get("times")["valid_from"]
        .as_str()
        .unwrap()
        .contains("1955"));
    assert!(get("ca-certsign")["valid_from"]
        .as_str()
        .unwrap()
        .starts_with("Jan  5 "));
}

/// Every OID of the generated OpenSSL object table, as a subject attribute:
/// Node must show each under the same short name as we do.
#[test]
fn every_openssl_object_short_name_matches_node() {
    let _ = test_support::require_peer!("node");
    let table = include_str!("../src/legacy/oids.rs");
    // The dotted OIDs are the string literals made of digits and dots.
    let oids: Vec<Vec<u64>> = table
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|o| o.contains('.') && o.bytes().all(|b| b == b'.' || b.is_ascii_digit()))
        .filter_map(|o| o.split('.').map(|a| a.parse::<u64>().ok()).collect())
        .filter(|arcs: &Vec<u64>| arcs[0] < 2 && arcs[1] < 40 || arcs[0] == 2 && arcs[1] < 48)
        .collect();
    assert!(oids.len() > 1000, "table has {} usable OIDs", oids.len());
    let mut p = params("all-objects");
    let mut access = Vec::new();
    for arcs in &oids {
        p.distinguished_name
            .push(DnType::CustomDnType(arcs.clone()), "v");
        let dotted: Vec<String> = arcs.iter().map(ToString::to_string).collect();
        access.push(seq(&[oid(&dotted.join(".")), tlv(0x86, b"u")]));
    }
    // The same OIDs as infoAccess methods, which Node names by long name.
    p.custom_extensions.push(ext(AIA, seq(&access)));

    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let der = p.self_signed(&key).unwrap().der().to_vec();
    let tmp = test_support::temp_dir();
    let path = tmp.path().join("all.der");
    std::fs::write(&path, &der).unwrap();
    let node = legacy_pki::node_legacy_objects(tmp.path(), &[path]);
    let ours = LegacyCertificate::from_der(&der).unwrap().to_json();
    legacy_pki::assert_same_json(
        "infoAccess with every OpenSSL object",
        &node[0]["infoAccess"],
        &ours["infoAccess"],
    );
    legacy_pki::assert_same_json(
        "subject with every OpenSSL object",
        &node[0]["subject"],
        &ours["subject"],
    );
    assert!(node[0]["subject"]["jurisdictionC"].is_string());
    assert!(node[0]["infoAccess"]["CA Issuers - URI"].is_array());
    assert!(node[0]["infoAccess"].as_object().unwrap().len() > 900);
}

/// EC keys on named curves other than the NIST ones: `bits` is the order's bit
/// length (secp224k1: 225, sect233k1: 232), `nistCurve` only for NIST curves, and
/// an SM2-curve key is not an EC key for OpenSSL 3 (no key fields at all).
#[test]
fn named_curves_match_node() {
    let _ = test_support::require_peer!("node");
    let _ = test_support::require_peer!("openssl");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    std::fs::write(dir.join("pki.cnf"), legacy_pki::CONFIG).unwrap();
    let curves = [
        "secp256k1",
        "brainpoolP384t1",
        "secp224k1",
        "sect233k1",
        "prime239v1",
        "secp521r1",
        "SM2",
    ];
    let mut files = Vec::new();
    for c in curves {
        let key = format!("{c}.key");
        legacy_pki::genkey(dir, &format!("ec:{c}"), &key);
        let pem = format!("{c}.pem");
        legacy_pki::self_signed(dir, &key, &format!("/CN={c}"), &[], &pem);
        files.push(dir.join(pem));
    }
    // Explicit parameters of a named curve: OpenSSL 3 gives them the curve's name.
    for c in ["P-384", "secp256k1"] {
        let key = format!("explicit-{c}.key");
        legacy_pki::openssl(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                &format!("ec_paramgen_curve:{c}"),
                "-pkeyopt",
                "ec_param_enc:explicit",
                "-out",
                &key,
            ],
        );
        let pem = format!("explicit-{c}.pem");
        legacy_pki::self_signed(dir, &key, "/CN=explicit", &[], &pem);
        files.push(dir.join(pem));
    }
    let curves: Vec<&str> = curves
        .iter()
        .copied()
        .chain(["explicit P-384", "explicit secp256k1"])
        .collect();
    let node = legacy_pki::node_legacy_objects(dir, &files);
    assert_eq!(node[7]["nistCurve"], "P-384");
    for ((c, f), n) in curves.iter().zip(&files).zip(&node) {
        let ours = LegacyCertificate::from_x509_input(&std::fs::read(f).unwrap())
            .unwrap()
            .to_json();
        legacy_pki::assert_same_json(c, n, &ours);
    }
    assert_eq!(node[2]["bits"], 225);
    assert!(node[6].get("pubkey").is_none());
}

/// Name values of types and contents OpenSSL cannot turn into UTF-8 (Node then
/// leaves `subject`/`issuer` undefined) or refuses to decode (Node throws): made by
/// patching the value of a CN in place (the signature no longer matters).
#[test]
fn odd_name_values_match_node() {
    let _ = test_support::require_peer!("node");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let base = {
        let p = params("zzzz");
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        p.self_signed(&key).unwrap().der().to_vec()
    };
    let needle = [0x0c, 0x04, b'z', b'z', b'z', b'z'];
    let variants: &[(&str, [u8; 6])] = &[
        ("invalid utf8", [0x0c, 4, 0xff, 0xfe, 0xfd, 0xfc]),
        ("utf8 surrogate", [0x0c, 4, 0xed, 0xa0, 0x80, b'a']),
        ("octet string", [0x04, 4, 1, 2, 3, 4]),
        ("integer", [0x02, 4, 1, 2, 3, 4]),
        ("bit string", [0x03, 4, 0, b'a', b'b', b'c']),
        ("sequence", [0x30, 4, 0x05, 0x00, 0x05, 0x00]),
        ("bmp surrogate", [0x1e, 4, 0xd8, 0x00, 0x00, 0x41]),
        ("universal too big", [0x1c, 4, 0x00, 0x11, 0x00, 0x00]),
        ("t61 latin1", [0x14, 4, 0xe9, 0xe8, 0x7f, 0x01]),
        ("numeric", [0x12, 4, b'1', b'2', b'3', b'4']),
        ("visible", [0x1a, 4, b'v', b'i', b's', b'!']),
        ("general string", [0x1b, 4, b'g', b'e', b'n', b'!']),
        ("utc time", [0x17, 4, b'2', b'6', b'0', b'1']),
        ("boolean", [0x01, 4, 0xff, 0, 0, 0]),
    ];
    // Each variant as DER and as PEM: Node reports a DER failure as the PEM
    // error (no start line) and a PEM failure with OpenSSL's ASN.1 reason.
    let mut files = Vec::new();
    let mut inputs = Vec::new();
    for (i, (_, bytes)) in variants.iter().enumerate() {
        let mut der = base.clone();
        let mut found = 0;
        let mut at = 0;
        while let Some(pos) = der[at..].windows(6).position(|w| w == needle) {
            der[at + pos..at + pos + 6].copy_from_slice(bytes);
            at += pos + 6;
            found += 1;
        }
        assert_eq!(found, 2, "CN in subject and issuer");
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &der);
        let pem = format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n");
        for (ext, data) in [("der", der), ("pem", pem.into_bytes())] {
            let path = dir.join(format!("v{i}.{ext}"));
            std::fs::write(&path, &data).unwrap();
            files.push(path);
            inputs.push(data);
        }
    }
    let node = legacy_pki::node_legacy_objects(dir, &files);
    let names = variants
        .iter()
        .flat_map(|(n, _)| [format!("{n} (DER)"), format!("{n} (PEM)")]);
    for ((name, data), n) in names.zip(&inputs).zip(&node) {
        let ours = match LegacyCertificate::from_x509_input(data) {
            Ok(c) => c.to_json(),
            Err(e) => json!({ "error": e.code() }),
        };
        legacy_pki::assert_same_json(&name, n, &ours);
    }
    let codes: Vec<&str> = node.iter().filter_map(|n| n["error"].as_str()).collect();
    for code in [
        "ERR_OSSL_ASN1_INVALID_UTF8STRING",
        "ERR_OSSL_ASN1_MSTRING_WRONG_TAG",
        "ERR_OSSL_ASN1_ILLEGAL_CHARACTERS",
    ] {
        assert!(codes.contains(&code), "{code} not exercised");
    }
    // A value that decodes but cannot be shown: the subject is left out.
    assert!(node[8].get("subject").is_none() && node[8].get("ca").is_some());
}

/// Certificate times OpenSSL's strict X.509 reader refuses print as
/// `Bad time value` (offsets, missing seconds, impossible dates); leap days print.
#[test]
fn odd_times_match_node() {
    let _ = test_support::require_peer!("node");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let base = {
        let p = params("times");
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        p.self_signed(&key).unwrap().der().to_vec()
    };
    let needle = b"260105000000Z";
    let variants: [&[u8; 13]; 7] = [
        b"2601050000+01",
        b"2601050000Z  ",
        b"260230000000Z",
        b"280229000000Z",
        b"270229000000Z",
        b"261305000000Z",
        b"260105240000Z",
    ];
    let mut files = Vec::new();
    let mut ders = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let mut der = base.clone();
        let pos = der
            .windows(13)
            .position(|w| w == needle)
            .expect("notBefore");
        der[pos..pos + 13].copy_from_slice(*v);
        let path = dir.join(format!("t{i}.der"));
        std::fs::write(&path, &der).unwrap();
        files.push(path);
        ders.push(der);
    }
    let node = legacy_pki::node_legacy_objects(dir, &files);
    for ((v, der), n) in variants.iter().zip(&ders).zip(&node) {
        let ours = LegacyCertificate::from_der(der).unwrap().to_json();
        legacy_pki::assert_same_json(&String::from_utf8_lossy(*v), n, &ours);
    }
    assert_eq!(node[0]["valid_from"], "Bad time value");
    assert_eq!(node[3]["valid_from"], "Feb 29 00:00:00 2028 GMT");
}

/// A public key OpenSSL cannot decode (point not on the curve, unknown point
/// form) gives no key fields at all, as `X509_get_pubkey` fails in Node.
#[test]
fn invalid_ec_points_match_node() {
    let _ = test_support::require_peer!("node");
    let tmp = test_support::temp_dir();
    let dir = tmp.path();
    let mut ders = Vec::new();
    for (alg, header) in [
        (&rcgen::PKCS_ECDSA_P256_SHA256, [0x03u8, 0x42, 0x00, 0x04]),
        (&rcgen::PKCS_ECDSA_P384_SHA384, [0x03u8, 0x62, 0x00, 0x04]),
    ] {
        let key = KeyPair::generate_for(alg).unwrap();
        let der = params("points").self_signed(&key).unwrap().der().to_vec();
        let at = der
            .windows(4)
            .position(|w| w == header)
            .expect("SPKI point")
            + 4;
        let point_len = usize::from(header[1]) - 2;
        let mut off_curve = der.clone();
        off_curve[at + point_len - 1] ^= 1;
        let mut bad_form = der.clone();
        bad_form[at - 1] = 0x05;
        ders.extend([der, off_curve, bad_form]);
    }
    let mut files = Vec::new();
    for (i, der) in ders.iter().enumerate() {
        let path = dir.join(format!("p{i}.der"));
        std::fs::write(&path, der).unwrap();
        files.push(path);
    }
    let node = legacy_pki::node_legacy_objects(dir, &files);
    for (i, (der, n)) in ders.iter().zip(&node).enumerate() {
        let ours = LegacyCertificate::from_der(der).unwrap().to_json();
        legacy_pki::assert_same_json(&format!("point variant {i}"), n, &ours);
    }
    assert!(node[0].get("pubkey").is_some() && node[1].get("pubkey").is_none());
    assert!(node[3].get("pubkey").is_some() && node[4].get("pubkey").is_none());
}
