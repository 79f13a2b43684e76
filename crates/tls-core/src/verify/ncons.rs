//! Name constraints as OpenSSL 3.0 checks them (`crypto/x509/v3_ncons.c`):
//! the subject DN, subject emailAddress attributes, every subjectAltName and
//! (for the end entity) host-name-like commonNames against the
//! permitted/excluded subtrees of every certificate above.

use x509_parser::extensions::{GeneralName, NameConstraints as ParsedNc};
use x509_parser::x509::X509Name;

use super::cert::{canon_name, CanonName};
use super::codes::X509Error;

/// A GeneralName reduced to what matching needs. `kind` is OpenSSL's
/// `GEN_*` number, so names only meet constraints of their own type.
#[derive(Clone, Debug)]
pub(crate) enum GName {
    Email(Vec<u8>),
    Dns(Vec<u8>),
    Dir(CanonName),
    Uri(Vec<u8>),
    Ip(Vec<u8>),
    /// otherName (0), x400Address (3), ediPartyName (5), registeredID (8),
    /// or a name x509-parser could not decode.
    Other(u8),
}

impl GName {
    fn kind(&self) -> u8 {
        match self {
            GName::Email(_) => 1,
            GName::Dns(_) => 2,
            GName::Dir(_) => 4,
            GName::Uri(_) => 6,
            GName::Ip(_) => 7,
            GName::Other(k) => *k,
        }
    }

    pub(crate) fn from_parsed(g: &GeneralName<'_>) -> GName {
        match g {
            GeneralName::RFC822Name(s) => GName::Email(s.as_bytes().to_vec()),
            GeneralName::DNSName(s) => GName::Dns(s.as_bytes().to_vec()),
            GeneralName::DirectoryName(n) => GName::Dir(canon_name(n)),
            GeneralName::URI(s) => GName::Uri(s.as_bytes().to_vec()),
            GeneralName::IPAddress(b) => GName::Ip(b.to_vec()),
            GeneralName::OtherName(..) => GName::Other(0),
            GeneralName::X400Address(_) => GName::Other(3),
            GeneralName::EDIPartyName(_) => GName::Other(5),
            GeneralName::RegisteredID(_) => GName::Other(8),
            GeneralName::Invalid(tag, _) => GName::Other(tag.0 as u8),
        }
    }
}

/// A certificate's nameConstraints extension.
#[derive(Clone, Debug, Default)]
pub(crate) struct Constraints {
    pub(crate) permitted: Vec<GName>,
    pub(crate) excluded: Vec<GName>,
}

impl Constraints {
    pub(crate) fn from_parsed(nc: &ParsedNc<'_>) -> Constraints {
        let conv = |s: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
            s.iter()
                .flatten()
                .map(|t| GName::from_parsed(&t.base))
                .collect()
        };
        Constraints {
            permitted: conv(&nc.permitted_subtrees),
            excluded: conv(&nc.excluded_subtrees),
        }
    }
}

/// The names of a certificate that constraints apply to.
#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    pub(crate) subject: Option<CanonName>,
    /// Subject emailAddress attributes; `None` for one that is not an
    /// IA5String (OpenSSL: unsupported name syntax).
    pub(crate) emails: Vec<Option<Vec<u8>>>,
    /// Subject commonNames as UTF-8 (`None` if not convertible).
    pub(crate) cns: Vec<Option<Vec<u8>>>,
    pub(crate) sans: Vec<GName>,
    pub(crate) subject_entries: usize,
}

impl Names {
    pub(crate) fn from_subject(subject: &X509Name<'_>) -> Names {
        let mut names = Names {
            subject_entries: subject.iter_attributes().count(),
            ..Names::default()
        };
        if names.subject_entries > 0 {
            names.subject = Some(canon_name(subject));
        }
        for atv in subject.iter_attributes() {
            match atv.attr_type().to_id_string().as_str() {
                "1.2.840.113549.1.9.1" => {
                    let v = atv.attr_value();
                    names
                        .emails
                        .push((v.header.tag().0 == 22).then(|| v.data.to_vec()));
                }
                "2.5.4.3" => names
                    .cns
                    .push(atv.as_str().ok().map(|s| s.as_bytes().to_vec())),
                _ => {}
            }
        }
        names
    }
}

/// OpenSSL's `NAME_CHECK_MAX`: more name/constraint pairs than this is an
/// error rather than a slow check.
const NAME_CHECK_MAX: usize = 1 << 20;

/// `NAME_CONSTRAINTS_check` (+ `NAME_CONSTRAINTS_check_CN` for the end
/// entity).
pub(crate) fn check(names: &Names, nc: &Constraints, end_entity: bool) -> Result<(), X509Error> {
    let name_count = names.subject_entries + names.sans.len();
    let constraint_count = nc.permitted.len() + nc.excluded.len();
    if name_count > 0 && constraint_count > NAME_CHECK_MAX / name_count {
        return Err(X509Error::Unspecified);
    }
    if let Some(dn) = &names.subject {
        nc_match(&GName::Dir(dn.clone()), nc)?;
        for email in &names.emails {
            let Some(email) = email else {
                return Err(X509Error::UnsupportedNameSyntax);
            };
            nc_match(&GName::Email(email.clone()), nc)?;
        }
    }
    for g in &names.sans {
        nc_match(g, nc)?;
    }
    // The end entity's host-name-like commonNames count as DNS names, unless
    // it has DNS subjectAltNames (OpenSSL's `has_san_id(x, GEN_DNS)`).
    if end_entity && !names.sans.iter().any(|g| matches!(g, GName::Dns(_))) {
        for cn in &names.cns {
            let Some(cn) = cn else { continue };
            if let Some(dns) = cn_to_dns_id(cn)? {
                nc_match(&GName::Dns(dns), nc)?;
            }
        }
    }
    Ok(())
}

/// `cn2dnsid`: a commonName that looks like a host name of two or more
/// labels, as a DNS name; `None` when it does not look like one.
fn cn_to_dns_id(cn: &[u8]) -> Result<Option<Vec<u8>>, X509Error> {
    let mut v = cn;
    while let [rest @ .., 0] = v {
        v = rest;
    }
    if v.contains(&0) {
        return Err(X509Error::UnsupportedNameSyntax);
    }
    let mut is_dns = false;
    for (i, &c) in v.iter().enumerate() {
        if c.is_ascii_alphanumeric() || c == b'_' {
            continue;
        }
        if i > 0 && i + 1 < v.len() {
            if c == b'-' {
                continue;
            }
            if c == b'.' && v[i + 1] != b'.' && v[i - 1] != b'-' && v[i + 1] != b'-' {
                is_dns = true;
                continue;
            }
        }
        is_dns = false;
        break;
    }
    Ok(is_dns.then(|| v.to_vec()))
}

/// `nc_match`: permitted subtrees of the name's type must include one that
/// matches; no excluded subtree may match.
fn nc_match(name: &GName, nc: &Constraints) -> Result<(), X509Error> {
    let mut state = 0u8; // 0 = no subtree of this type, 1 = none matched, 2 = matched
    for base in nc.permitted.iter().filter(|b| b.kind() == name.kind()) {
        if state == 2 {
            continue;
        }
        state = 1;
        match match_single(name, base) {
            Ok(()) => state = 2,
            Err(X509Error::PermittedViolation) => {}
            Err(e) => return Err(e),
        }
    }
    if state == 1 {
        return Err(X509Error::PermittedViolation);
    }
    for base in nc.excluded.iter().filter(|b| b.kind() == name.kind()) {
        match match_single(name, base) {
            Ok(()) => return Err(X509Error::ExcludedViolation),
            Err(X509Error::PermittedViolation) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `nc_match_single`: `Ok` = within the subtree, `PermittedViolation` =
/// outside it, anything else = cannot be checked.
fn match_single(name: &GName, base: &GName) -> Result<(), X509Error> {
    let ok = |b: bool| {
        if b {
            Ok(())
        } else {
            Err(X509Error::PermittedViolation)
        }
    };
    match (name, base) {
        (GName::Dir(n), GName::Dir(b)) => ok(n.starts_with(b)),
        (GName::Dns(n), GName::Dns(b)) => ok(dns_match(n, b)),
        (GName::Email(n), GName::Email(b)) => email_match(n, b),
        (GName::Uri(n), GName::Uri(b)) => uri_match(n, b),
        (GName::Ip(n), GName::Ip(b)) => ip_match(n, b),
        _ => Err(X509Error::UnsupportedConstraintType),
    }
}

fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `nc_dns`: the base, or the base with labels added on the left.
fn dns_match(dns: &[u8], base: &[u8]) -> bool {
    if base.is_empty() {
        return true;
    }
    if dns.len() < base.len() {
        return false;
    }
    let tail = &dns[dns.len() - base.len()..];
    if dns.len() > base.len() && base[0] != b'.' && dns[dns.len() - base.len() - 1] != b'.' {
        return false;
    }
    eq_ignore_case(base, tail)
}

/// `nc_email`.
fn email_match(eml: &[u8], base: &[u8]) -> Result<(), X509Error> {
    let violation = Err(X509Error::PermittedViolation);
    let Some(eml_at) = eml.iter().rposition(|&c| c == b'@') else {
        return Err(X509Error::UnsupportedNameSyntax);
    };
    let base_at = base.iter().rposition(|&c| c == b'@');
    if base_at.is_none() && base.first() == Some(&b'.') {
        if eml.len() > base.len() && eq_ignore_case(base, &eml[eml.len() - base.len()..]) {
            return Ok(());
        }
        return violation;
    }
    let mut base_host = base;
    if let Some(at) = base_at {
        if at != 0 {
            if at != eml_at {
                return violation;
            }
            if base[..at].contains(&0) || eml[..eml_at].contains(&0) {
                return Err(X509Error::UnsupportedNameSyntax);
            }
            // The local part matches case-sensitively.
            if base[..at] != eml[..eml_at] {
                return violation;
            }
        }
        base_host = &base[at + 1..];
    }
    let eml_host = &eml[eml_at + 1..];
    if base_host.len() != eml_host.len() || !eq_ignore_case(base_host, eml_host) {
        return violation;
    }
    Ok(())
}

/// `nc_uri`: the host of `scheme://host[:port][/...]`.
fn uri_match(uri: &[u8], base: &[u8]) -> Result<(), X509Error> {
    let syntax = Err(X509Error::UnsupportedNameSyntax);
    let Some(colon) = uri.iter().position(|&c| c == b':') else {
        return syntax;
    };
    if uri.len() - colon < 3 || uri[colon + 1] != b'/' || uri[colon + 2] != b'/' {
        return syntax;
    }
    let host_all = &uri[colon + 3..];
    let end = host_all
        .iter()
        .position(|&c| c == b':')
        .or_else(|| host_all.iter().position(|&c| c == b'/'))
        .unwrap_or(host_all.len());
    let host = &host_all[..end];
    if host.is_empty() {
        return syntax;
    }
    if base.first() == Some(&b'.') {
        if host.len() > base.len() && eq_ignore_case(&host[host.len() - base.len()..], base) {
            return Ok(());
        }
        return Err(X509Error::PermittedViolation);
    }
    if base.len() != host.len() || !eq_ignore_case(host, base) {
        return Err(X509Error::PermittedViolation);
    }
    Ok(())
}

/// `nc_ip`: address and mask.
fn ip_match(ip: &[u8], base: &[u8]) -> Result<(), X509Error> {
    if !(ip.len() == 4 || ip.len() == 16) || !(base.len() == 8 || base.len() == 32) {
        return Err(X509Error::UnsupportedNameSyntax);
    }
    if ip.len() * 2 != base.len() {
        return Err(X509Error::PermittedViolation);
    }
    let (addr, mask) = base.split_at(ip.len());
    if ip
        .iter()
        .zip(addr)
        .zip(mask)
        .all(|((h, b), m)| h & m == b & m)
    {
        Ok(())
    } else {
        Err(X509Error::PermittedViolation)
    }
}
