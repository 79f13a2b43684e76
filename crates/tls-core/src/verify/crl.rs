//! CRLs as OpenSSL's `check_cert_crl` uses them (no delta CRLs, no indirect
//! CRLs, no reason-partitioned CRLs: Node does not enable OpenSSL's extended
//! CRL support, so OpenSSL ignores those too).

use rustls_pki_types::CertificateRevocationListDer;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use super::cert::{
    canon_name, check_akid, general_name_key, normalise_integer, signed, Akid, CanonName, Signed,
};

/// The issuingDistributionPoint fields OpenSSL's scope check reads.
#[allow(clippy::struct_excessive_bools)] // the IDP's own flags
#[derive(Clone, Debug)]
pub(crate) struct Idp {
    /// `Some(names)` for a fullName distribution point; `Some(empty)` for
    /// a relative name (never matched); `None` when absent.
    pub(crate) full_names: Option<Vec<String>>,
    pub(crate) only_user: bool,
    pub(crate) only_ca: bool,
    pub(crate) only_attr: bool,
    /// Indirect or reason-partitioned: needs extended CRL support.
    pub(crate) extended: bool,
    /// Inconsistent flags (`IDP_INVALID`).
    pub(crate) invalid: bool,
}

/// A parsed CRL.
#[derive(Clone, Debug)]
pub(crate) struct Crl {
    pub(crate) issuer: CanonName,
    pub(crate) last_update: i64,
    pub(crate) next_update: Option<i64>,
    /// Revoked serials with their reason code, if any.
    pub(crate) revoked: Vec<(Vec<u8>, Option<u8>)>,
    pub(crate) akid: Option<Akid>,
    pub(crate) idp: Option<Idp>,
    /// A delta CRL (deltaCRLIndicator): OpenSSL ignores these unless asked.
    pub(crate) delta: bool,
    /// A critical extension other than IDP, AKID or deltaCRLIndicator.
    pub(crate) critical_unhandled: bool,
    pub(crate) signed: Signed,
}

impl Crl {
    /// Parses a DER CRL; `None` when it is not one.
    pub(crate) fn from_der(der: &CertificateRevocationListDer<'_>) -> Option<Crl> {
        let (rest, crl) = CertificateRevocationList::from_der(der.as_ref()).ok()?;
        if !rest.is_empty() {
            return None;
        }
        let tbs = &crl.tbs_cert_list;
        let mut out = Crl {
            issuer: canon_name(&tbs.issuer),
            last_update: tbs.this_update.timestamp(),
            next_update: tbs.next_update.map(|t| t.timestamp()),
            revoked: tbs
                .revoked_certificates
                .iter()
                .map(|r| {
                    (
                        normalise_integer(r.raw_serial()),
                        r.reason_code().map(|(_, c)| c.0),
                    )
                })
                .collect(),
            akid: None,
            idp: None,
            delta: false,
            critical_unhandled: false,
            signed: signed(
                tbs.as_ref(),
                &tbs.signature,
                &crl.signature_algorithm,
                &crl.signature_value.data,
            ),
        };
        for ext in tbs.extensions() {
            let oid = ext.oid.to_id_string();
            match oid.as_str() {
                "2.5.29.28" | "2.5.29.35" | "2.5.29.27" => {}
                _ if ext.critical => out.critical_unhandled = true,
                _ => {}
            }
            match ext.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    out.akid = Some(Akid {
                        key_id: a.key_identifier.as_ref().map(|k| k.0.to_vec()),
                        issuer: a.authority_cert_issuer.as_ref().and_then(|names| {
                            names.iter().find_map(|g| match g {
                                GeneralName::DirectoryName(n) => Some(canon_name(n)),
                                _ => None,
                            })
                        }),
                        serial: a.authority_cert_serial.map(normalise_integer),
                    });
                }
                ParsedExtension::IssuingDistributionPoint(idp) => {
                    let flags = [
                        idp.only_contains_user_certs,
                        idp.only_contains_ca_certs,
                        idp.only_contains_attribute_certs,
                    ];
                    out.idp = Some(Idp {
                        full_names: match &idp.distribution_point {
                            Some(DistributionPointName::FullName(names)) => {
                                Some(names.iter().map(general_name_key).collect())
                            }
                            Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => {
                                Some(Vec::new())
                            }
                            None => None,
                        },
                        only_user: idp.only_contains_user_certs,
                        only_ca: idp.only_contains_ca_certs,
                        only_attr: idp.only_contains_attribute_certs,
                        extended: idp.indirect_crl || idp.only_some_reasons.is_some(),
                        invalid: flags.iter().filter(|&&f| f).count() > 1,
                    });
                }
                ParsedExtension::UnsupportedExtension { .. } if oid == "2.5.29.27" => {
                    out.delta = true;
                }
                ParsedExtension::ParseError { .. } if oid == "2.5.29.28" => {
                    out.idp = Some(Idp {
                        full_names: None,
                        only_user: false,
                        only_ca: false,
                        only_attr: false,
                        extended: false,
                        invalid: true,
                    });
                }
                _ => {}
            }
            if oid == "2.5.29.27" {
                out.delta = true;
            }
        }
        Some(out)
    }

    /// `X509_CRL_get0_by_cert`: the entry for `serial`, if revoked here.
    /// Returns `Some(true)` when revoked, `Some(false)` for removeFromCRL.
    pub(crate) fn lookup(&self, serial: &[u8]) -> Option<bool> {
        self.revoked
            .iter()
            .find(|(s, _)| s == serial)
            .map(|(_, reason)| *reason != Some(8))
    }

    /// `ossl_x509_check_crl_time` without the callback: (not yet valid, expired).
    pub(crate) fn time_errors(&self, now: i64) -> (bool, bool) {
        (
            now < self.last_update,
            // As for certificates, OpenSSL 3.0 counts nextUpdate itself as
            // expired.
            self.next_update.is_some_and(|n| now >= n),
        )
    }

    /// `matching_crl_issuer_and_akid`.
    pub(crate) fn issued_by(&self, issuer: &super::cert::Cert) -> bool {
        issuer.subject == self.issuer && check_akid(issuer, self.akid.as_ref())
    }
}
