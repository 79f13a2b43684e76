//! The chain builder and checker: OpenSSL 3.0's `X509_verify_cert` with the
//! verify callback Node installs (it accepts every error so the handshake can
//! go on, and Node then reports `SSL_get_verify_result`, the *last* error
//! recorded).
//!
//! The steps and their order follow `verify_chain()` in OpenSSL's
//! `crypto/x509/x509_vfy.c`: `build_chain` (trusted store first, then the
//! peer's certificates), `check_extensions` (CA flags, purpose, path length),
//! `check_revocation` (CRLs), `internal_verify` (signatures from the top,
//! then validity of each certificate).

use rustls_pki_types::{CertificateDer, UnixTime};

use super::cert::{ku, likely_issued, sig_meets_level1, verify_signature, Cert};
use super::codes::{VerifyError, X509Error};
use super::crl::Crl;
use super::store::TrustStore;

/// What the peer's certificate must be good for: OpenSSL's `sslserver`
/// purpose when a client verifies a server, `sslclient` when a server
/// verifies a client (`requestCert`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The peer is a TLS server (`X509_PURPOSE_SSL_SERVER`).
    ServerAuth,
    /// The peer is a TLS client (`X509_PURPOSE_SSL_CLIENT`).
    ClientAuth,
}

/// Every error OpenSSL's verify callback would see, in order, plus the chain.
///
/// Node reports the last error ([`VerifyReport::result`]); `openssl verify`
/// prints all of them until one it does not tolerate.
#[derive(Clone, Debug)]
pub struct VerifyReport {
    /// The errors in the order OpenSSL raises them (empty = verified).
    pub errors: Vec<VerifyError>,
    /// The chain that was built, end entity first. A webpki-roots anchor has
    /// no certificate, so such a chain ends below it.
    pub chain: Vec<CertificateDer<'static>>,
}

impl VerifyReport {
    /// Node's verdict: the chain, or the last error recorded.
    pub fn result(self) -> Result<Vec<CertificateDer<'static>>, VerifyError> {
        match self.errors.into_iter().last() {
            Some(e) => Err(e),
            None => Ok(self.chain),
        }
    }
}

/// OpenSSL's default verify depth (`X509_VERIFY_PARAM` depth 100), plus one
/// as in `build_chain`.
const MAX_DEPTH: usize = 101;

/// Verifies a peer's certificate chain as Node (OpenSSL) does and returns the
/// verified chain (end entity first) or the error Node reports in
/// `authorizationError` / `err.code`.
///
/// `now` is the verification time (rustls passes the handshake time; tests
/// inject one, like `openssl verify -attime`). Host names are not checked:
/// Node runs `checkServerIdentity` separately.
pub fn verify_chain(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    store: &TrustStore,
    purpose: Purpose,
    now: UnixTime,
) -> Result<Vec<CertificateDer<'static>>, VerifyError> {
    verify_chain_report(end_entity, intermediates, store, purpose, now).result()
}

/// Like [`verify_chain`], but returns every error raised, in OpenSSL's order.
pub fn verify_chain_report(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    store: &TrustStore,
    purpose: Purpose,
    now: UnixTime,
) -> VerifyReport {
    let Some(leaf) = Cert::from_der(end_entity) else {
        // OpenSSL would already have failed to decode the Certificate
        // message; there is no chain to speak of.
        return VerifyReport {
            errors: vec![VerifyError::new(X509Error::Unspecified, 0)],
            chain: Vec::new(),
        };
    };
    // Certificates that do not decode are dropped: they cannot be issuers.
    let untrusted: Vec<Cert> = intermediates.iter().filter_map(Cert::from_der).collect();
    let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let mut ctx = Ctx {
        chain: vec![&leaf],
        num_untrusted: 1,
        errors: Vec::new(),
        now,
    };
    // x509_verify_x509: a weak peer key is reported before anything else.
    if !leaf.spki.meets_level1() {
        ctx.fail(X509Error::EeKeyTooSmall, 0);
    }
    ctx.build_chain(&untrusted, store);
    ctx.check_extensions(purpose);
    ctx.check_auth_level();
    if store.checks_revocation() {
        ctx.check_revocation(store.crls());
    }
    ctx.internal_verify();
    ctx.check_name_constraints();
    VerifyReport {
        errors: ctx.errors,
        chain: ctx.chain.iter().filter_map(|c| c.der.clone()).collect(),
    }
}

struct Ctx<'a> {
    chain: Vec<&'a Cert>,
    num_untrusted: usize,
    errors: Vec<VerifyError>,
    now: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Trust {
    Trusted,
    Untrusted,
}

impl<'a> Ctx<'a> {
    /// `verify_cb_cert` with Node's callback: record and carry on.
    fn fail(&mut self, err: X509Error, depth: usize) {
        self.errors.push(VerifyError::new(err, depth));
    }

    /// `get0_best_issuer_sk`: the first issuer valid now, else the one that
    /// expires last.
    fn best_issuer<'c>(
        &self,
        candidates: impl Iterator<Item = &'c Cert>,
        x: &Cert,
        no_dup: bool,
    ) -> Option<&'c Cert> {
        let mut best: Option<&'c Cert> = None;
        for c in candidates {
            if no_dup
                && !(x.self_issued && self.chain.len() == 1)
                && self.chain.iter().any(|in_chain| in_chain.same_as(c))
            {
                continue;
            }
            if !likely_issued(c, x) {
                continue;
            }
            if c.time_ok(self.now) {
                return Some(c);
            }
            if best
                .is_none_or(|b| c.not_after.unwrap_or(i64::MAX) > b.not_after.unwrap_or(i64::MAX))
            {
                best = Some(c);
            }
        }
        best
    }

    /// `check_trust`: a trust-store certificate at `from..` is a trust
    /// anchor when it is self-signed (OpenSSL's `trust_compat`; Node loads no
    /// auxiliary trust settings), and there is no partial-chain trust.
    fn check_trust(&self, from: usize) -> Trust {
        if self.chain[from.min(self.chain.len())..]
            .iter()
            .any(|c| c.bare_anchor || (c.self_signed && !c.invalid))
        {
            Trust::Trusted
        } else {
            Trust::Untrusted
        }
    }

    /// `build_chain` with OpenSSL's default `X509_V_FLAG_TRUSTED_FIRST`.
    fn build_chain(&mut self, untrusted: &'a [Cert], store: &'a TrustStore) {
        let mut pool: Vec<&'a Cert> = untrusted.iter().collect();
        let mut search_untrusted = !pool.is_empty();
        let mut search_trusted = true;
        let mut trust = Trust::Untrusted;
        // Each pass either grows the chain (bounded by MAX_DEPTH), clears a
        // search flag, or breaks; the counter is a second guard.
        let mut guard = 0usize;
        while (search_untrusted || search_trusted) && guard < 4 * MAX_DEPTH + 8 {
            guard += 1;
            let num = self.chain.len();
            if search_trusted {
                let curr = self.chain[num - 1];
                let issuer = if num > MAX_DEPTH {
                    None
                } else {
                    self.best_issuer(store.certs().iter(), curr, false)
                };
                if let Some(issuer) = issuer {
                    let mut self_signed = curr.self_signed;
                    let mut ok = true;
                    let mut at = num;
                    if !self_signed {
                        self.chain.push(issuer);
                        self_signed = issuer.self_signed || issuer.bare_anchor;
                    } else if !curr.same_as(issuer) {
                        // A self-signed look-alike of a trusted certificate.
                        ok = false;
                    } else {
                        at = num - 1;
                        self.num_untrusted = at;
                        self.chain[at] = issuer;
                    }
                    if ok {
                        search_untrusted = false;
                        trust = self.check_trust(at);
                        if trust == Trust::Trusted {
                            break;
                        }
                        if !self_signed {
                            continue;
                        }
                    }
                }
                if !search_untrusted {
                    break;
                }
            }
            if search_untrusted {
                let curr = self.chain[num - 1];
                let issuer = if curr.self_signed || num > MAX_DEPTH {
                    None
                } else {
                    self.best_issuer(pool.iter().copied(), curr, true)
                };
                match issuer {
                    None => {
                        search_untrusted = false;
                        search_trusted = true;
                    }
                    Some(issuer) => {
                        pool.retain(|c| !std::ptr::eq(*c, issuer));
                        self.chain.push(issuer);
                        self.num_untrusted += 1;
                    }
                }
            }
        }

        let num = self.chain.len();
        if trust == Trust::Trusted {
            return;
        }
        if num > MAX_DEPTH {
            self.fail(X509Error::CertChainTooLong, num - 1);
        } else if self.chain[num - 1].self_signed {
            let err = if num == 1 {
                X509Error::DepthZeroSelfSignedCert
            } else {
                X509Error::SelfSignedCertInChain
            };
            self.fail(err, num - 1);
        } else if self.num_untrusted < num {
            self.fail(X509Error::UnableToGetIssuerCert, num - 1);
        } else {
            self.fail(X509Error::UnableToGetIssuerCertLocally, num - 1);
        }
    }

    /// `check_extensions` + `check_purpose` for the SSL purposes.
    fn check_extensions(&mut self, purpose: Purpose) {
        let num = self.chain.len();
        let mut plen: u64 = 0;
        for i in 0..num {
            let x = self.chain[i];
            if x.critical_unhandled {
                self.fail(X509Error::UnhandledCriticalExtension, i);
            }
            let ca = x.check_ca();
            // must_be_ca is -1 for the leaf (anything goes) and 1 above it;
            // OpenSSL is strict about intermediates (i + 1 < num).
            if i > 0 && (ca == 0 || (i + 1 < num && ca != 1)) {
                self.fail(X509Error::InvalidCa, i);
            }
            if !purpose_ok(x, purpose, i > 0) {
                self.fail(X509Error::InvalidPurpose, i);
            }
            if i > 1 {
                if let Some(pl) = x.pathlen {
                    if plen > u64::from(pl) {
                        self.fail(X509Error::PathLengthExceeded, i);
                    }
                }
            }
            if i > 0 && !x.self_issued {
                plen += 1;
            }
        }
    }

    /// `check_auth_level` at security level 1 (OpenSSL's default, which Node
    /// keeps): issuer keys of at least 80 bits, and no SHA-1/MD5 signatures
    /// below the trust anchor.
    fn check_auth_level(&mut self) {
        let num = self.chain.len();
        for i in 0..num {
            let x = self.chain[i];
            if i > 0 && !x.spki.meets_level1() {
                self.fail(X509Error::CaKeyTooSmall, i);
            }
            if i + 1 < num && x.signed.as_ref().is_some_and(|s| !sig_meets_level1(s)) {
                self.fail(X509Error::CaMdTooWeak, i);
            }
        }
    }

    /// `check_revocation` with `X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL`.
    fn check_revocation(&mut self, crls: &[Crl]) {
        let num = self.chain.len();
        for i in 0..num {
            self.check_cert_crl(i, crls);
        }
    }

    /// `check_cert_crl` for the certificate at `depth`.
    fn check_cert_crl(&mut self, depth: usize, crls: &[Crl]) {
        // OpenSSL 3.0 checks self-signed certificates too (the skip for
        // them came in later releases): a root needs a CRL of its own.
        let x = self.chain[depth];
        // get_crl_sk: the best-scoring CRL, the newer on ties.
        let mut best: Option<(&Crl, u32, &Cert)> = None;
        for crl in crls {
            let Some((score, issuer)) = self.crl_score(crl, depth) else {
                continue;
            };
            if let Some((b, best_score, _)) = best {
                if score < best_score || (score == best_score && crl.last_update <= b.last_update) {
                    continue;
                }
            }
            best = Some((crl, score, issuer));
        }
        let Some((crl, score, issuer)) = best else {
            self.fail(X509Error::UnableToGetCrl, depth);
            return;
        };
        // check_crl
        if issuer.ku_rejects(ku::CRL_SIGN) {
            self.fail(X509Error::KeyUsageNoCrlSign, depth);
        }
        if score & SCORE_SCOPE == 0 {
            self.fail(X509Error::DifferentCrlScope, depth);
        }
        if score & SCORE_TIME == 0 {
            let (not_yet, expired) = crl.time_errors(self.now);
            if not_yet {
                self.fail(X509Error::CrlNotYetValid, depth);
            }
            if expired {
                self.fail(X509Error::CrlHasExpired, depth);
            }
        }
        if !verify_signature(&crl.signed, &issuer.spki) {
            self.fail(X509Error::CrlSignatureFailure, depth);
        }
        // cert_crl
        if crl.critical_unhandled {
            self.fail(X509Error::UnhandledCriticalCrlExtension, depth);
        }
        if crl.lookup(&x.serial) == Some(true) {
            self.fail(X509Error::CertRevoked, depth);
        }
        // A CRL out of scope covers no reasons, so OpenSSL's loop ends
        // without full coverage.
        if score & SCORE_SCOPE == 0 {
            self.fail(X509Error::UnableToGetCrl, depth);
        }
    }

    /// `get_crl_score` (without extended CRL support): `None` = unusable.
    fn crl_score(&self, crl: &Crl, depth: usize) -> Option<(u32, &'a Cert)> {
        let x = self.chain[depth];
        if crl.idp.as_ref().is_some_and(|i| i.invalid || i.extended) || crl.delta {
            return None;
        }
        if crl.issuer != x.issuer {
            return None;
        }
        let mut score = SCORE_ISSUER_NAME;
        if !crl.critical_unhandled {
            score |= SCORE_NOCRITICAL;
        }
        let (not_yet, expired) = crl.time_errors(self.now);
        if !not_yet && !expired {
            score |= SCORE_TIME;
        }
        // crl_akid_check: the CRL issuer is the next certificate up, or one
        // further up the same path.
        let last = self.chain.len() - 1;
        let first = if depth == last { depth } else { depth + 1 };
        let issuer = self.chain[first..=last].iter().find(|c| crl.issued_by(c))?;
        score |= SCORE_AKID;
        if crl_in_scope(crl, x) {
            score |= SCORE_SCOPE;
        }
        Some((score, issuer))
    }

    /// `check_name_constraints`: each certificate (self-issued intermediates
    /// excepted) against the constraints of every certificate above it.
    fn check_name_constraints(&mut self) {
        let num = self.chain.len();
        for i in (0..num).rev() {
            let x = self.chain[i];
            if i != 0 && x.self_issued {
                continue;
            }
            for j in (i + 1..num).rev() {
                if let Some(nc) = &self.chain[j].name_constraints {
                    if let Err(e) = super::ncons::check(&x.names, nc, i == 0) {
                        self.fail(e, i);
                    }
                }
            }
        }
    }

    /// `internal_verify`: signatures from the top down, then each
    /// certificate's validity period (the trust anchor's too).
    fn internal_verify(&mut self) {
        let mut n = self.chain.len() - 1;
        let mut issuer_idx = n;
        let top = self.chain[n];
        if !(top.self_signed || top.bare_anchor) {
            if n > 0 {
                n -= 1;
            } else {
                self.fail(X509Error::UnableToVerifyLeafSignature, 0);
            }
        }
        loop {
            let xs = self.chain[n];
            if issuer_idx != n {
                let xi = self.chain[issuer_idx];
                if xi.ku_rejects(ku::KEY_CERT_SIGN) {
                    self.fail(X509Error::KeyUsageNoCertSign, issuer_idx);
                }
                // Keys ring cannot use (DSA, other curves) fail here too:
                // see docs/node-compat.md.
                if !xs
                    .signed
                    .as_ref()
                    .is_some_and(|s| verify_signature(s, &xi.spki))
                {
                    self.fail(X509Error::CertSignatureFailure, n);
                }
            }
            let (not_yet, expired) = xs.time_errors(self.now);
            if not_yet {
                self.fail(X509Error::CertNotYetValid, n);
            }
            if expired {
                self.fail(X509Error::CertHasExpired, n);
            }
            if n == 0 {
                break;
            }
            issuer_idx = n;
            n -= 1;
        }
    }
}

const SCORE_NOCRITICAL: u32 = 0x100;
const SCORE_SCOPE: u32 = 0x080;
const SCORE_TIME: u32 = 0x040;
const SCORE_ISSUER_NAME: u32 = 0x020;
const SCORE_AKID: u32 = 0x004;

/// `crl_crldp_check`.
fn crl_in_scope(crl: &Crl, x: &Cert) -> bool {
    if let Some(idp) = &crl.idp {
        if idp.only_attr {
            return false;
        }
        if x.ca && idp.only_user {
            return false;
        }
        if !x.ca && idp.only_ca {
            return false;
        }
    }
    let idp_names = crl.idp.as_ref().and_then(|i| i.full_names.as_ref());
    for dp in x.crldp.iter().flatten() {
        let issuer_ok = match &dp.crl_issuer {
            None => true,
            Some(names) => names.contains(&crl.issuer),
        };
        if !issuer_ok {
            continue;
        }
        let dp_ok = match (idp_names, &dp.full_names) {
            (None, _) | (_, None) => true,
            (Some(a), Some(b)) => a.iter().any(|n| b.contains(n)),
        };
        if dp_ok {
            return true;
        }
    }
    idp_names.is_none()
}

/// `X509_check_purpose` for `sslserver` / `sslclient`. An end entity without
/// extendedKeyUsage is fine; with one, it must list serverAuth (or SGC) /
/// clientAuth; keyUsage, if present, must allow a TLS key use; CAs must be
/// CAs (`check_ssl_ca`).
fn purpose_ok(x: &Cert, purpose: Purpose, require_ca: bool) -> bool {
    if x.invalid || x.bare_anchor {
        // OpenSSL's X509_check_purpose returns -1 for undecodable
        // extensions, which it tolerates outside strict mode.
        return true;
    }
    let xku_ok = match (purpose, x.xku) {
        (_, None) => true,
        (Purpose::ServerAuth, Some(e)) => e.server || e.sgc,
        (Purpose::ClientAuth, Some(e)) => e.client,
    };
    if !xku_ok {
        return false;
    }
    if require_ca {
        let ca = x.check_ca();
        return ca != 0 && (ca != 5 || x.netscape.is_some_and(|n| n.ssl_ca));
    }
    match purpose {
        Purpose::ServerAuth => {
            if x.netscape.is_some_and(|n| !n.ssl_server) {
                return false;
            }
            !x.ku_rejects(ku::DIGITAL_SIGNATURE | ku::KEY_ENCIPHERMENT | ku::KEY_AGREEMENT)
        }
        Purpose::ClientAuth => {
            if x.ku_rejects(ku::DIGITAL_SIGNATURE | ku::KEY_AGREEMENT) {
                return false;
            }
            x.netscape.is_none_or(|n| n.ssl_client)
        }
    }
}
