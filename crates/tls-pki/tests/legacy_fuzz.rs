//! No input may panic or hang: mutated and truncated certificates go through the
//! legacy object, the input reader, the chain linker and the identity check.

use proptest::prelude::*;
use rcgen::{CertificateParams, KeyPair, SanType};
use tls_pki::{check_server_identity, LegacyCertificate, PeerCertificate};

fn sample() -> Vec<u8> {
    let mut p = CertificateParams::new(vec!["a.example.test".to_owned()]).unwrap();
    p.subject_alt_names
        .push(SanType::IpAddress("10.0.0.1".parse().unwrap()));
    p.subject_alt_names
        .push(SanType::URI("http://x.test/a,b".try_into().unwrap()));
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    p.self_signed(&key).unwrap().der().to_vec()
}

fn exercise(bytes: &[u8]) {
    if let Ok(c) = LegacyCertificate::from_der(bytes) {
        let _ = c.to_json();
        let _ = check_server_identity("a.example.test", &c);
        let _ = check_server_identity("10.0.0.1", &c);
        let _ = c.is_issued_by(&c);
    }
    let _ = LegacyCertificate::from_x509_input(bytes);
    let _ = PeerCertificate::from_der_chain(&[bytes, bytes], &[bytes]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mutated_certificates_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut der = sample();
        for (i, b) in flips {
            let i = i.index(der.len());
            der[i] = b;
        }
        exercise(&der);
        let len = cut.index(der.len());
        exercise(&der[..len]);
    }

    #[test]
    fn pem_like_text_never_panics(text in "(-----(BEGIN|END) [A-Z ]{0,12}-----\r?\n|[A-Za-z0-9+/= :]{0,70}\r?\n){0,12}") {
        exercise(text.as_bytes());
    }

    #[test]
    fn identity_never_panics(host in "\\PC{0,40}", san in "(DNS:|IP Address:|URI:|\")?\\PC{0,30}(, )?\\PC{0,10}") {
        let mut c = LegacyCertificate::from_der(&sample()).unwrap();
        c.subjectaltname = tls_pki::legacy::LegacyField::Value(san);
        let _ = check_server_identity(&host, &c);
    }
}
