//! No input may panic or hang the verifier: mutated and random certificates,
//! intermediates and CRLs.

use std::time::Duration;

use proptest::prelude::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};
use tls_core::verify::{verify_chain_report, Purpose, TrustStore};

struct Chain {
    root: Vec<u8>,
    inter: Vec<u8>,
    leaf: Vec<u8>,
    crl: Vec<u8>,
}

fn chain() -> Chain {
    let root_key = KeyPair::generate().expect("key");
    let mut root_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root_params
        .distinguished_name
        .push(DnType::CommonName, "Robust Root");
    let root = root_params.self_signed(&root_key).expect("root");
    let root_issuer = Issuer::from_params(&root_params, &root_key);
    let inter_key = KeyPair::generate().expect("key");
    let mut inter_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    inter_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    inter_params
        .distinguished_name
        .push(DnType::CommonName, "Robust Inter");
    let inter = inter_params
        .signed_by(&inter_key, &root_issuer)
        .expect("inter");
    let inter_issuer = Issuer::from_params(&inter_params, &inter_key);
    let leaf_key = KeyPair::generate().expect("key");
    let mut leaf_params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let leaf = leaf_params
        .signed_by(&leaf_key, &inter_issuer)
        .expect("leaf");
    let crl = rcgen::CertificateRevocationListParams {
        this_update: rcgen::date_time_ymd(2020, 1, 1),
        next_update: rcgen::date_time_ymd(2099, 1, 1),
        crl_number: rcgen::SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: vec![],
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    }
    .signed_by(&inter_issuer)
    .expect("crl");
    Chain {
        root: root.der().to_vec(),
        inter: inter.der().to_vec(),
        leaf: leaf.der().to_vec(),
        crl: crl.der().to_vec(),
    }
}

fn mutate(der: &[u8], edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut out = der.to_vec();
    for (at, byte) in edits {
        if !out.is_empty() {
            let i = at % out.len();
            out[i] = *byte;
        }
    }
    if let Some(c) = cut {
        out.truncate(c % (out.len() + 1));
    }
    out
}

fn run(root: Vec<u8>, inter: &[u8], leaf: &[u8], crl: Option<Vec<u8>>) {
    let crls = crl
        .map(|c| vec![CertificateRevocationListDer::from(c)])
        .unwrap_or_default();
    let Ok(store) = TrustStore::new(vec![CertificateDer::from(root)], crls) else {
        return;
    };
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000));
    for purpose in [Purpose::ServerAuth, Purpose::ClientAuth] {
        let report = verify_chain_report(
            &CertificateDer::from(leaf),
            &[CertificateDer::from(inter)],
            &store,
            purpose,
            now,
        );
        for e in &report.errors {
            assert!(!e.code.is_empty() && !e.message.is_empty());
        }
    }
}

#[test]
fn valid_chain_verifies() {
    let c = chain();
    let store = TrustStore::new(
        vec![CertificateDer::from(c.root.clone())],
        vec![CertificateRevocationListDer::from(c.crl.clone())],
    )
    .expect("store");
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000));
    let report = verify_chain_report(
        &CertificateDer::from(c.leaf),
        &[CertificateDer::from(c.inter)],
        &store,
        Purpose::ServerAuth,
        now,
    );
    // The leaf is covered by the intermediate's CRL; the intermediate and
    // the root have no CRL from the root: with CRL_CHECK_ALL, OpenSSL 3.0
    // (and so Node) reports both.
    let codes: Vec<_> = report.errors.iter().map(|e| (e.code, e.depth)).collect();
    assert_eq!(
        codes,
        vec![("UNABLE_TO_GET_CRL", 1), ("UNABLE_TO_GET_CRL", 2)]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_never_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<usize>()),
    ) {
        thread_local!(static CHAIN: Chain = chain());
        CHAIN.with(|c| {
            let m = |i: usize, d: &[u8]| if i == which { mutate(d, &edits, cut) } else { d.to_vec() };
            run(m(0, &c.root), &m(1, &c.inter), &m(2, &c.leaf), Some(m(3, &c.crl)));
        });
    }

    #[test]
    fn random_bytes_never_panic(
        leaf in proptest::collection::vec(any::<u8>(), 0..300),
        inter in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let root = CHAIN_ROOT.with(Clone::clone);
        run(root, &inter, &leaf, None);
    }
}

thread_local!(static CHAIN_ROOT: Vec<u8> = chain().root);

/// Bare trust anchors (how webpki-roots ships Mozilla's roots) work like
/// their certificates, minus the validity period.
#[test]
fn bare_trust_anchors() {
    let c = chain();
    let root = CertificateDer::from(c.root);
    let anchor = webpki::anchor_from_trusted_cert(&root)
        .expect("anchor")
        .to_owned();
    let store = TrustStore::from_trust_anchors([&anchor]);
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000));
    let leaf = CertificateDer::from(c.leaf);
    let inter = CertificateDer::from(c.inter);
    let chain = tls_core::verify::verify_chain(
        &leaf,
        std::slice::from_ref(&inter),
        &store,
        Purpose::ServerAuth,
        now,
    )
    .expect("verifies against the bare anchor");
    // The anchor has no certificate, so the chain stops below it.
    assert_eq!(
        chain,
        vec![leaf.clone().into_owned(), inter.clone().into_owned()]
    );
    let missing = tls_core::verify::verify_chain(&leaf, &[], &store, Purpose::ServerAuth, now);
    assert_eq!(
        missing.map_err(|e| e.code),
        Err("UNABLE_TO_VERIFY_LEAF_SIGNATURE")
    );
    assert!(store.subjects().is_empty());

    let mozilla = TrustStore::mozilla();
    let unknown =
        tls_core::verify::verify_chain(&leaf, &[inter], &mozilla, Purpose::ServerAuth, now);
    assert_eq!(
        unknown.map_err(|e| e.code),
        Err("UNABLE_TO_GET_ISSUER_CERT_LOCALLY")
    );
}

/// A bare anchor's name constraints are enforced.
#[test]
fn bare_trust_anchor_name_constraints() {
    let root_key = KeyPair::generate().expect("key");
    let mut root_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root_params
        .distinguished_name
        .push(DnType::CommonName, "NC Anchor");
    root_params.name_constraints = Some(rcgen::NameConstraints {
        permitted_subtrees: vec![rcgen::GeneralSubtree::DnsName("allowed.test".to_owned())],
        excluded_subtrees: vec![],
    });
    let root = root_params.self_signed(&root_key).expect("root");
    let issuer = Issuer::from_params(&root_params, &root_key);
    let leaf_for = |dns: &str| {
        let key = KeyPair::generate().expect("key");
        let mut p = CertificateParams::new(vec![dns.to_owned()]).expect("params");
        p.distinguished_name.push(DnType::CommonName, dns);
        p.signed_by(&key, &issuer).expect("leaf").der().clone()
    };
    let anchor = webpki::anchor_from_trusted_cert(root.der())
        .expect("anchor")
        .to_owned();
    assert!(anchor.name_constraints.is_some());
    let store = TrustStore::from_trust_anchors([&anchor]);
    let now = UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000));
    let ok = tls_core::verify::verify_chain(
        &leaf_for("www.allowed.test"),
        &[],
        &store,
        Purpose::ServerAuth,
        now,
    );
    assert!(ok.is_ok(), "{ok:?}");
    let bad = tls_core::verify::verify_chain(
        &leaf_for("www.evil.test"),
        &[],
        &store,
        Purpose::ServerAuth,
        now,
    )
    .expect_err("outside the anchor's constraints");
    assert_eq!(bad.reason, tls_core::verify::X509Error::PermittedViolation);
    assert_eq!(bad.code, "UNSPECIFIED");
}
