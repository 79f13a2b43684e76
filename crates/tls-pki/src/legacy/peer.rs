//! [`PeerCertificate`]: the chain of `tlsSocket.getPeerCertificate(true)`, linked
//! as Node 20 links it (`GetPeerCert`, `AddIssuerChainToObject` and
//! `GetLastIssuedCert` in Node's `src/crypto/crypto_common.cc`).

use std::collections::HashSet;

use serde_json::Value;

use super::LegacyCertificate;
use crate::error::Result;

/// A peer's certificate with its issuer chain, as `getPeerCertificate(true)` links
/// it: each certificate's `issuerCertificate` is the next one in
/// [`PeerCertificate::chain`].
///
/// # The circular link
/// In Node, a chain that ends in a self-issued certificate (a root: its own issuer
/// by `X509_check_issued`) makes that certificate its own `issuerCertificate`, so
/// the object is circular. Here the chain is a plain list and
/// [`PeerCertificate::ends_in_self_issued`] says whether that self-link exists;
/// [`PeerCertificate::to_json`] leaves the self-link out (JSON cannot hold a
/// cycle), so the last object of a self-issued chain has no `issuerCertificate`
/// key, exactly as a chain that ends without a known issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCertificate {
    chain: Vec<LegacyCertificate>,
    self_issued_end: bool,
}

impl PeerCertificate {
    /// Links a peer's certificates as Node does.
    ///
    /// `peer_chain` is what the peer sent, leaf first (OpenSSL's peer chain);
    /// `trusted` is the verifying side's CA store (Node's `ca` option or the
    /// default roots), searched once the sent certificates run out.
    /// 1. From the leaf, repeatedly take the first remaining sent certificate that
    ///    issued the current one (`X509_check_issued`), in any order.
    /// 2. While the last certificate is not self-issued, append its issuer from
    ///    `trusted` (first match), if any. A certificate already in the chain is
    ///    never added twice (Node's guard against loops).
    /// 3. If the last certificate is self-issued, it is its own issuer.
    ///
    /// # Errors
    /// A certificate that does not decode ([`crate::Error::CertificateInput`]).
    /// An empty `peer_chain` gives an empty chain (Node's `{}`).
    pub fn from_der_chain<A: AsRef<[u8]>, B: AsRef<[u8]>>(
        peer_chain: &[A],
        trusted: &[B],
    ) -> Result<PeerCertificate> {
        let Some((leaf, sent)) = peer_chain.split_first() else {
            return Ok(PeerCertificate {
                chain: Vec::new(),
                self_issued_end: false,
            });
        };
        let mut chain = vec![LegacyCertificate::from_der(leaf.as_ref())?];
        let mut remaining = sent
            .iter()
            .map(|c| LegacyCertificate::from_der(c.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        while let Some(last) = chain.last() {
            let Some(i) = remaining.iter().position(|ca| last.is_issued_by(ca)) else {
                break;
            };
            chain.push(remaining.remove(i));
        }
        let store = trusted
            .iter()
            .map(|c| LegacyCertificate::from_der(c.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        let mut seen: HashSet<String> = chain.iter().map(|c| c.fingerprint256.clone()).collect();
        while let Some(last) = chain.last() {
            if last.is_issued_by(last) {
                break;
            }
            let Some(ca) = store.iter().find(|ca| last.is_issued_by(ca)) else {
                break;
            };
            if !seen.insert(ca.fingerprint256.clone()) {
                break;
            }
            chain.push(ca.clone());
        }
        let self_issued_end = chain.last().is_some_and(|c| c.is_issued_by(c));
        Ok(PeerCertificate {
            chain,
            self_issued_end,
        })
    }

    /// The certificates, leaf first; each one's issuerCertificate is the next.
    pub fn chain(&self) -> &[LegacyCertificate] {
        &self.chain
    }

    /// The leaf (`getPeerCertificate()`), if the peer sent a certificate.
    pub fn leaf(&self) -> Option<&LegacyCertificate> {
        self.chain.first()
    }

    /// Whether the last certificate is its own `issuerCertificate` in Node.
    pub fn ends_in_self_issued(&self) -> bool {
        self.self_issued_end
    }

    /// `getPeerCertificate(detailed)` as JSON: `{}` without a certificate; the
    /// leaf's legacy object; with `detailed`, each object nests its issuer under
    /// `issuerCertificate` as the last key, except for the self-link of a
    /// self-issued end (see the type's docs).
    pub fn to_json(&self, detailed: bool) -> Value {
        if !detailed {
            return self.chain.first().map_or_else(
                || Value::Object(serde_json::Map::new()),
                LegacyCertificate::to_json,
            );
        }
        let mut next: Option<Value> = None;
        for cert in self.chain.iter().rev() {
            let mut m = cert.to_json_map();
            if let Some(issuer) = next.take() {
                m.insert("issuerCertificate".into(), issuer);
            }
            next = Some(Value::Object(m));
        }
        next.unwrap_or_else(|| Value::Object(serde_json::Map::new()))
    }

    /// The `peerChain` of the connection summary (shared/spec/cli.md): the
    /// fingerprint256 of each certificate, following issuerCertificate until a
    /// fingerprint256 repeats or the chain ends; empty without a certificate.
    pub fn peer_chain_fingerprints(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for c in &self.chain {
            if !seen.insert(c.fingerprint256.as_str()) {
                break;
            }
            out.push(c.fingerprint256.clone());
        }
        out
    }
}
