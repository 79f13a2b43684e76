//! No input panics, hangs or loops: random bytes and mutated PEM/DER/PFX/CRL/
//! encrypted keys go through every loader (proptest). Errors always carry a
//! well-formed code.

use base64::Engine as _;
use proptest::prelude::*;
use rustls_pki_types::CertificateDer;
use tls_pki::{
    check_private_key, key_kind, load_ca_certificates, load_certificates, load_crls, load_pfx,
    load_private_key, Error,
};

// Fixtures written by OpenSSL 3.0 with minimal KDF iteration counts so that
// each fuzz case stays cheap (passphrase `pw`).
const EC_KEY: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIMzv8k3qFT6PUUSvs2szy8aqvhywKluQC1BjTBXx2GS+oAoGCCqGSM49
AwEHoUQDQgAEkM+vFHBMm5W4h31uo/ehDGsFg5+hv5Dw7x8/NB1njaAIXq9Y0dzZ
6GH06igocwR/GRDXPfvxOWyCxXYkdeKfng==
-----END EC PRIVATE KEY-----
";
const RSA_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIBOwIBAAJBAMNfaeHrqDEuid+rWWY7qVGLqFE0EpWsQEHS5geGf6/LsZGwhhZ+
rGBciy3AVT0Tx0/Ctrwohm4PFCaZhCmSAFsCAwEAAQJBALzLHORl9xffovfy+ubh
zFKypCokKblcxJNXG1Y2UHksqp3HGebPbiXhNAWuwJQQEFSqW7lisrUQSStzQ4ti
2RECIQDn60el4LsSOVpmeDdjO70f41nl8pYVseKizjyz8rBbbQIhANeorr6aQC65
/VuRYJgHLEn2TmjaM07elfyapZAd4+XnAiBcVxOp+jbB5NAXqJn1Ct4cijtLETGs
5azlQdRtmZ2aaQIgN0hmgzXHfjLvX6nEuTQdhlg9gWNuA6nLiRWbm3YOFcECIQCH
mAcncz2M5mUoddaMfGITFDrTMa/oM6njftYVYkf0uQ==
-----END RSA PRIVATE KEY-----
";
const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBbDCCAROgAwIBAgIUKSB64/Z6y8n61biTpfpk3cBr74MwCgYIKoZIzj0EAwIw
DDEKMAgGA1UEAwwBZjAeFw0yNjExMjMxNTIwMzBaFw0zNjExMjAxNTIwMzBaMAwx
CjAIBgNVBAMMAWYwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASQz68UcEyblbiH
fW6j96EMawWDn6G/kPDvHz80HWeNoAher1jR3NnoYfTqKChzBH8ZENc9+/E5bILF
diR14p+eo1MwUTAdBgNVHQ4EFgQUJQMIbzw/sFiX7q27IADJPpHIh8owHwYDVR0j
BBgwFoAUJQMIbzw/sFiX7q27IADJPpHIh8owDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNHADBEAiBK63qIKPKqmWOkvsRV1jOM+Xrdr92orJtvGa0JIuYVCQIg
B4D6vydBSt2D2cbcksiEXDHBr5j020eU6YU2dxpGcUM=
-----END CERTIFICATE-----
";
const P8_AES: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHrMFYGCSqGSIb3DQEFDTBJMCgGCSqGSIb3DQEFDDAbBAhjnNcWlvR0DgIBATAM
BggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBAgQQz8TMImayBq214eX9pice+gSBkNSe
6G2vh2SwK+WcguoBjD93YqXA3mzYU+L2gUhbosPlVMod3BngXn9CEEu7pnwQm5P5
0EET9LIOlm6HHhedYGx4kqIPjxzdbLegREbVlCp8xUba30AO1xXlM0ntzhTYMtWS
JZVBlIUpKGKwX5kKafDHYENEmsnMk6jLPVxtDvXs/HU5KwJbWHWeAThDnir/ww==
-----END ENCRYPTED PRIVATE KEY-----
";
const P8_SCRYPT: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHjME4GCSqGSIb3DQEFDTBBMCAGCSsGAQQB2kcECzATBAgxG5+EDvSFyAIBEAIB
AQIBATAdBglghkgBZQMEASoEENUO5wftqbDGRd22XyjYVWoEgZB3yTDHSKyPabbU
oEWbBKS4jSUlLLwD/d+sXKjEvPjDHZfb3hb8mQvH7uAhq5nEl5444oTO4mGUASRU
gWBzw4ItXfZMwTxfHfqGALCZfKc++335h9lVeOpiaUZvr7dXyi8UHyQEH4UVom3O
fvB8c7stkcmbUQKq9UW4DxEC1QmjGzU3jArwrGYdd7VSIlm5sbM=
-----END ENCRYPTED PRIVATE KEY-----
";
const P8_PBE_SHA1_3DES: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGwMBsGCiqGSIb3DQEMAQMwDQQIjlsiyxS8t9ACAQEEgZC0sTvAxxCaDegvrgyt
q69BQpPsltKwqlmcsRDfyAAeRtma1l3qfwaqEEDhGyFea2bih/hj6u1m13h53nKW
ujC8Z+rhuHFvH4RGydHxIOzsgqJBMHadjkzjgckP4+paywfc3vme0JEcCMCnWCJk
59KOKfFZ4wAqtnmRe7IVgnC6VFRvKIKfrlLf8Ro6Svi3bzk=
-----END ENCRYPTED PRIVATE KEY-----
";
const TRAD_AES: &str = "-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,7F3DD6418FA95D8A7997D429B41B0FDF

jNd2sQH/6dUXQ2b6VHTF1uw1UDBMfUK90zUOSk8KGZQuJEKb1Xxrn1VWqzLXL1lU
TfF4FE76zXRTlQ2aNiXGg+QOLB4PX7D+hTCS5+o66UHAmnijC+Wdo/NFYoPMqjMQ
Ka0vhr2N2qfaDArb3MDwYae+8YY0TIjlrEGVuUDnlqQ=
-----END EC PRIVATE KEY-----
";
const CRL: &str = "-----BEGIN X509 CRL-----
MIGPMDgwCgYIKoZIzj0EAwIwDDEKMAgGA1UEAwwBZhcNMjYxMTIzMTUyMDMwWhcN
MzYxMTIwMTUyMDMwWjAKBggqhkjOPQQDAgNHADBEAiBoulZzJnd6jYXIfMfZZQJS
I8FqqLT5ZaD5vmhAC2PKnAIgFVclIoiHRQhPuAkAyiJPNijmhorSQ/diNAFOCQzf
oo0=
-----END X509 CRL-----
";
const PFX_B64: &str = "MIID9gIBAzCCA7AGCSqGSIb3DQEHAaCCA6EEggOdMIIDmTCCAlEGCSqGSIb3DQEHBqCCAkIwggI+AgEAMIICNwYJKoZIhvcNAQcBMFYGCSqGSIb3DQEFDTBJMCgGCSqGSIb3DQEFDDAbBAhwW6bjI07uBwIBATAMBggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBKgQQzMLPX1LqM6HG+NLg5qzwOYCCAdAY3hTWY6LDSKQOJPAPXF5FHrI7WqhORC9/dDF7DVZm8ciXelOgx3scfSrdxzfF2LYGpgiVbVwiicwytxpZmT4ZpvrPaPNEjYOk+v46wBnAigXOHS3Z9BO1YDu3M+9GWgCeAPdEPG9EiQyHnzMxuvVPpU2Ek46E9vG2Rn4z8EJflfSK9yphMYTnFkAUXPZ4LVsMIrB3m/2KtY05sttpJUKlW418M1gVMkjv6veZ7lqqLJphfxkR3j4neMhL2QSQA2765WvEjpo449l+L4l4KyZOb/iaRCVTUY9wH97KhzXtOWlw5cz4FHzr9XJ6mOHzeg9PVX0TTeHVVPQ9LhFgxJmVU4/YqkCWDO3K2aNjlkgbsWeiltRoVXx+q8H9gCDejoLK9ZE0IWoRkUMOFOkTk6T17lPk7hKFOg/pNNRyayfKKVnoXQXQy9JwWCWxuHSWKwEnzcQLJ55JMI/DS3clKnCSbImH312d4PeoREKbGXpTsqY1A7pgfch4WELTVzWRr0Cc/j9Rc9dFKOiUCXUYYz6g0QVw8Zzv7l4h5p4eeHzgMpWW/wdB9lnb8quX5v4BwaaSy5xXNShy39CCtaDv1dapnZxtud/y6mietFkr4IIJvzCCAUAGCSqGSIb3DQEHAaCCATEEggEtMIIBKTCCASUGCyqGSIb3DQEMCgECoIHuMIHrMFYGCSqGSIb3DQEFDTBJMCgGCSqGSIb3DQEFDDAbBAidx1bDcCLUXAIBATAMBggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBKgQQ6qlLmuKu1SuVFqJgwducqASBkHWNbBsy7bXeXnvv/uiuR6CQ9dVXFJ+1D41THFuC94JPp1uQmmg8dmRHoDcxB9crSgiMVhHdpYyR7sc6likP86lFt4LmY10CRfSgPzjCKhL7EMnn7tK8wrkppE5fL3slN/a7t1HutGtzhiSoCjMT/bSkdJ4MeUrZk5AU3uvJV3U4C+1Sr5jZ+Q+M+bUfKHV+ADElMCMGCSqGSIb3DQEJFTEWBBR1D9sgo/2ULhUfrxrqyZCWvPamKjA9MDEwDQYJYIZIAWUDBAIBBQAEIHh0WD01dncgrW04KoIMvm0fnCVM0jwj12fcCnw5Du6KBAgc/lFG5Z4Gyg==";
const PFX_LEGACY_B64: &str = "MIIDbAIBAzCCAzYGCSqGSIb3DQEHAaCCAycEggMjMIIDHzCCAhYGCSqGSIb3DQEHBqCCAgcwggIDAgEAMIIB/AYJKoZIhvcNAQcBMBsGCiqGSIb3DQEMAQYwDQQIY+8pM/SpM2UCAQGAggHQRCzwcHOeivkHh7HZC9DCXtDXSzS8PSy+Ih+oz9xk6NEXrBR0PDAhlChHPQSnnC+Oz8FuWKJOxl5EH05BzqUrVd2zVPfyv3ouxOTpMT4sCXLunwYpqpZBh56Jr46dC14TGChBm7SD622MqbQi4MBujK8kWbCXoyzFRrp40Sg0ygGXwpGnbkxMEESPX92DGFCMq9jmKss3RV51TCHiKLNQwT1uSrtrcIK0NOPA1thWPH+iXm0H5AdCzGN5M2qhZE/E4YvbnrvRq95S8DA8lR6H8RyQpMbujiEDkmRZadIiWFVuAU+3STViEDYK2oyMaMkhjWh9dQa6QeU1PwpJ5IEZQ2POnzf//pVCoRhcky9jo9To8Odw58M0Ild05bVLOQIGm7rExzly/X7lzc/jZCUREVeVtTKXQSSPeI+H/Q0khHzdMC060Avv6rI4IbupvYBbmuU4N0dbCr4a0SFy+rChnonSISn2MzNjFQescFJ9vLN0/fT0nWOM9s/OnkTc9LcNKT/Apt6Kz96rxL6UHi3BST2W8+hSj1OCsbhJzS1UOnhY5RS+tJw3Rtmu4EBzOpjSzCVLBs7d2pOk5VlPfd4rp3HEH3OU3Z+/fD+ekc+eLlkwggEBBgkqhkiG9w0BBwGggfMEgfAwge0wgeoGCyqGSIb3DQEMCgECoIGzMIGwMBsGCiqGSIb3DQEMAQMwDQQIX3G73uxP3twCAQEEgZCJyZxIggZBWqZ+iC5mNIWK7KXMiPqnx8KGlrYatWFl7abxXv02X/m/zUoxjNxWOGVFFWii5JMUEA0pvk0ddLwzPc5vy99MLL2TZrL05j1K2fOwVfucLR4EU8Nj3cS7+BD/oprIyAFqDKZzkfyW8nHd4XSmnJAbmP5s4gCsdRXI+B4jIeR5FZMtsKWa20BkfU4xJTAjBgkqhkiG9w0BCRUxFgQUdQ/bIKP9lC4VH68a6smQlrz2piowLTAhMAkGBSsOAwIaBQAEFPNVZdHSV8TYeSaddLP++a2kunTyBAiyjgF1IY+t9g==";

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

/// Every fixture, as bytes.
fn fixtures() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        EC_KEY,
        RSA_KEY,
        CERT,
        P8_AES,
        P8_SCRYPT,
        P8_PBE_SHA1_3DES,
        TRAD_AES,
        CRL,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    v.push(b64(PFX_B64));
    v.push(b64(PFX_LEGACY_B64));
    // The DER inside each PEM fixture, so DER paths are fuzzed directly.
    for pem in [EC_KEY, RSA_KEY, CERT, P8_AES, P8_PBE_SHA1_3DES, CRL] {
        v.push(pem_body(pem.as_bytes()).unwrap());
    }
    v
}

/// The decoded body of the first PEM block.
fn pem_body(pem: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(pem).ok()?;
    let body: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .filter(|l| !l.contains(':'))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()
}

/// Re-wraps mutated DER in the fixture's PEM armour (and headers), so mutations
/// reach the ASN.1 and decryption code instead of stopping at base64.
fn rewrap(pem: &str, der: &[u8]) -> Vec<u8> {
    let label_line = pem.lines().next().unwrap_or("");
    let headers: Vec<&str> = pem
        .lines()
        .skip(1)
        .take_while(|l| l.contains(':'))
        .collect();
    let end = label_line.replace("BEGIN", "END");
    let mut out = format!("{label_line}\n");
    for h in &headers {
        out.push_str(h);
        out.push('\n');
    }
    if !headers.is_empty() {
        out.push('\n');
    }
    out.push_str(&base64::engine::general_purpose::STANDARD.encode(der));
    (out + "\n" + &end + "\n").into_bytes()
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (any::<usize>(), 1..16usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(data: &mut Vec<u8>, muts: &[Mutation]) {
    for m in muts {
        if data.is_empty() {
            return;
        }
        let len = data.len();
        match m {
            Mutation::Flip(i, x) => data[i % len] ^= x,
            Mutation::Delete(i, n) => {
                let start = i % len;
                let end = (start + n).min(len);
                data.drain(start..end);
            }
            Mutation::Insert(i, b) => {
                let at = i % (len + 1);
                data.splice(at..at, b.iter().copied());
            }
            Mutation::Truncate(i) => data.truncate(i % len),
        }
    }
}

fn assert_code(e: &Error) {
    let code = e.code();
    assert!(
        !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
        "malformed code {code:?} for {e}"
    );
    // Display must not panic either.
    let _ = e.to_string();
}

/// Feeds `data` to every loader.
fn feed(data: &[u8]) {
    let cert = CertificateDer::from(pem_body(CERT.as_bytes()).unwrap());
    match load_certificates(data) {
        Ok(certs) => {
            assert!(!certs.is_empty());
            for c in &certs {
                let _ = tls_pki::certificate_key_kind(c);
            }
        }
        Err(e) => assert_code(&e),
    }
    let _ = load_ca_certificates(data);
    for pass in [None, Some("pw")] {
        match load_private_key(data, pass) {
            Ok(key) => {
                let _ = key_kind(&key);
                if let Err(e) = check_private_key(&key, &cert) {
                    assert_code(&e);
                }
            }
            Err(e) => assert_code(&e),
        }
        match load_pfx(data, pass) {
            Ok(pfx) => {
                let _ = key_kind(&pfx.key);
                if let Err(e) = check_private_key(&pfx.key, &pfx.cert) {
                    assert_code(&e);
                }
            }
            Err(e) => assert_code(&e),
        }
    }
    match load_crls(data) {
        Ok(crls) => assert!(!crls.is_empty()),
        Err(e) => assert_code(&e),
    }
}

/// Cases per property: 2000 keeps the file at a few seconds; set
/// `NODETLS_FUZZ_CASES` for a longer local run.
fn cases() -> u32 {
    std::env::var("NODETLS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

#[test]
fn fixtures_load() {
    // The fuzz corpus itself is valid: mutations start from inputs that work.
    assert_eq!(load_certificates(CERT.as_bytes()).unwrap().len(), 1);
    load_private_key(EC_KEY.as_bytes(), None).unwrap();
    load_private_key(RSA_KEY.as_bytes(), None).unwrap();
    for enc in [P8_AES, P8_SCRYPT, P8_PBE_SHA1_3DES, TRAD_AES] {
        load_private_key(enc.as_bytes(), Some("pw")).unwrap();
    }
    load_pfx(&b64(PFX_B64), Some("pw")).unwrap();
    load_pfx(&b64(PFX_LEGACY_B64), Some("pw")).unwrap();
    assert_eq!(load_crls(CRL.as_bytes()).unwrap().len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..1500)) {
        feed(&data);
    }

    #[test]
    fn random_pem_armour(label in prop_oneof![
            Just("CERTIFICATE"), Just("PRIVATE KEY"), Just("ENCRYPTED PRIVATE KEY"),
            Just("RSA PRIVATE KEY"), Just("EC PRIVATE KEY"), Just("X509 CRL"),
            Just("TRUSTED CERTIFICATE"),
        ],
        der in proptest::collection::vec(any::<u8>(), 0..600)) {
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        feed(format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n").as_bytes());
    }

    #[test]
    fn mutated_fixtures(which in any::<usize>(), muts in proptest::collection::vec(mutation(), 1..6)) {
        let all = fixtures();
        let mut data = all[which % all.len()].clone();
        apply(&mut data, &muts);
        feed(&data);
    }

    #[test]
    fn mutated_der_in_pem(which in any::<usize>(), muts in proptest::collection::vec(mutation(), 1..4)) {
        let pems = [EC_KEY, RSA_KEY, CERT, P8_AES, P8_SCRYPT, P8_PBE_SHA1_3DES, TRAD_AES, CRL];
        let pem = pems[which % pems.len()];
        let mut der = pem_body(pem.as_bytes()).unwrap();
        apply(&mut der, &muts);
        feed(&rewrap(pem, &der));
    }
}
