//! `tls.createSecureContext(options)`: every option parsed and checked once, then
//! turned into rustls configs per role.
//!
//! A [`SecureContext`] is cheap to clone (an `Arc`). Servers call
//! [`SecureContext::server_config`] once per server (and per SNI context), clients
//! [`SecureContext::client_config`] once per connection (the client config carries
//! that connection's `session` and `rejectUnauthorized`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rustls::client::ResolvesClientCert;

use rustls::client::danger::ServerCertVerifier;
use rustls::client::{Resumption, Tls12Resumption};
use rustls::crypto::CryptoProvider;
use rustls::server::danger::ClientCertVerifier;
use rustls::server::{NoServerSessionStorage, ResolvesServerCert, StoresServerSessions};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, KeyLog, ServerConfig, SignatureScheme};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};

use crate::cert_resolver::{NodeCertResolver, RestrictedKey, ServerPreference};
use crate::ciphers::{self, CipherSelection};
use crate::client_session::{ConnectionSessionStore, Session, SessionCallback};
use crate::curves::{self, Group};
use crate::observe::{
    HandshakeObserver, ObservingResolver, ObservingVerifier, SigalgsClientVerifier,
};
use crate::options::SecureContextOptions;
use crate::secure_options::SecureOptions;
use crate::session::{SessionOptions, SessionSettings, SessionTicketer};
use crate::verify::{
    verify_chain, NodeClientCertVerifier, NodeServerCertVerifier, Purpose, TrustStore, VerifyError,
};
use crate::versions::VersionRange;
use crate::{dhparam, sigalgs, Error, Result};

type ClientParts = (Arc<dyn ServerCertVerifier>, Arc<dyn ResolvesClientCert>);

/// Client verifiers and resolvers by (verification settings fingerprint,
/// rejectUnauthorized): rustls resumes a session only under the same `Arc`s.
static CLIENT_PARTS: Mutex<Option<ClientPartsCache>> = Mutex::new(None);

type ClientPartsCache = HashMap<([u8; 32], bool), ClientParts>;

/// What `tls.createSecureContext()` returns: the parsed options, shared.
#[derive(Clone)]
pub struct SecureContext {
    inner: Arc<Inner>,
}

struct Inner {
    keys: Vec<Arc<CertifiedKey>>,
    trust: TrustStore,
    ca_certs: Arc<[CertificateDer<'static>]>,
    /// SHA-256 over everything that shapes client verification and client
    /// certificates (`ca`, `crl`, `sigalgs`, `key`/`cert`/`pfx`).
    client_fingerprint: [u8; 32],
    ciphers: CipherSelection,
    groups: Vec<Group>,
    versions: VersionRange,
    secure_options: SecureOptions,
    sigalgs: Option<Arc<[SignatureScheme]>>,
    /// How the server chooses among several usable keys (built once).
    server_preference: Arc<ServerPreference>,
    /// The resolver over `keys` with that preference, shared by every server
    /// config and `certificate_for` (built once).
    server_resolver: Arc<NodeCertResolver>,
    session_settings: SessionSettings,
    ticketer: Arc<SessionTicketer>,
    provider: Arc<CryptoProvider>,
}

impl std::fmt::Debug for SecureContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureContext")
            .field("keys", &self.inner.keys.len())
            .field("ciphers", &self.inner.ciphers.names())
            .field("groups", &self.inner.groups)
            .field("versions", &self.inner.versions)
            .finish_non_exhaustive()
    }
}

/// `tls.createSecureContext(options)`: loads and checks every option, failing with
/// Node's code for anything Node refuses and with a documented code for anything
/// this stack cannot honour.
pub fn create_secure_context(options: &SecureContextOptions) -> Result<SecureContext> {
    let secure_options = SecureOptions::from_bits(options.secure_options)?;
    let versions = VersionRange::resolve(
        options.min_version.as_deref(),
        options.max_version.as_deref(),
        options.secure_protocol.as_deref(),
        secure_options,
    )?;
    let ciphers = match &options.ciphers {
        Some(list) => ciphers::parse_cipher_list(list)?,
        None => ciphers::parse_cipher_list(&ciphers::default_ciphers())?,
    };
    // The version range alone must leave a protocol (ERR_SSL_NO_PROTOCOLS_AVAILABLE);
    // then Node raises the minimum to TLS 1.3 when the list leaves TLS 1.2 no suite,
    // and a range the cipher list empties fails as Node's handshake does
    // (ERR_SSL_NO_CIPHERS_AVAILABLE).
    versions.rustls_versions()?;
    let versions = VersionRange {
        no_tls12: versions.no_tls12 || ciphers.tls12.is_empty(),
        no_tls13: versions.no_tls13 || ciphers.tls13.is_empty(),
        ..versions
    };
    if versions.rustls_versions().is_err() {
        return Err(Error::NoCiphersAvailable {
            message: "no ciphers available: the cipher list enables no suite for the allowed \
                      protocol versions"
                .into(),
        });
    }
    let groups = curves::parse_ecdh_curve(
        options
            .ecdh_curve
            .as_deref()
            .unwrap_or(curves::DEFAULT_ECDH_CURVE),
    )?;
    if let Some(dh) = &options.dhparam {
        dhparam::check_dhparam(dh)?;
    }
    let sigalgs = options
        .sigalgs
        .as_deref()
        .map(sigalgs::parse_sigalgs)
        .transpose()?
        .map(Arc::from);

    let provider = Arc::new(CryptoProvider {
        cipher_suites: ciphers.suites(),
        kx_groups: groups.iter().map(|g| g.kx_group()).collect(),
        ..rustls::crypto::ring::default_provider()
    });

    let mut fp = ring::digest::Context::new(&ring::digest::SHA256);
    let (keys, extra_ca) = load_key_pairs(options, &provider, sigalgs.as_ref(), &mut fp)?;
    if let Some(s) = &sigalgs {
        for scheme in s.iter() {
            fp.update(&u16::from(*scheme).to_be_bytes());
        }
    }

    let mut crls = Vec::new();
    for crl in &options.crl {
        crls.extend(tls_pki::load_crls(crl)?);
    }
    // Node's `ca` is lenient: it stops quietly at the first block it cannot read.
    let (trust, ca_certs) = if let Some(ca) = &options.ca {
        let mut certs = Vec::new();
        for pem in ca {
            certs.extend(tls_pki::load_ca_certificates(pem));
        }
        certs.extend(extra_ca);
        (TrustStore::new(certs.clone(), crls)?, certs)
    } else {
        fp.update(b"mozilla");
        (TrustStore::mozilla_with(&extra_ca, &crls)?, extra_ca)
    };
    for c in &ca_certs {
        fp.update(b"ca");
        fp.update(&(c.len() as u64).to_be_bytes());
        fp.update(c);
    }
    for c in &options.crl {
        fp.update(b"crl");
        fp.update(&(c.len() as u64).to_be_bytes());
        fp.update(c);
    }
    let keys = complete_chains_from_ca(keys, &ca_certs);
    let mut client_fingerprint = [0u8; 32];
    client_fingerprint.copy_from_slice(fp.finish().as_ref());

    let session = SessionOptions {
        ticket_keys: options.ticket_keys.clone(),
        session_timeout: options.session_timeout.map(f64::from),
        session_id_context: options.session_id_context.clone(),
        no_ticket: secure_options.contains(SecureOptions::NO_TICKET),
    };
    let session_settings = session.settings()?;
    let ticketer = session.build_ticketer()?;

    let server_preference = Arc::new(ServerPreference {
        suites: ciphers.suites(),
        tls13: versions.allows(crate::versions::ProtocolVersion::Tls13),
        honor_order: options.honor_cipher_order.unwrap_or(true)
            || secure_options.contains(SecureOptions::CIPHER_SERVER_PREFERENCE),
    });
    let server_resolver = Arc::new(NodeCertResolver::for_server(
        keys.clone(),
        server_preference.clone(),
    ));
    Ok(SecureContext {
        inner: Arc::new(Inner {
            keys,
            server_resolver,
            trust,
            ca_certs: ca_certs.into(),
            client_fingerprint,
            ciphers,
            groups,
            versions,
            secure_options,
            sigalgs,
            server_preference,
            session_settings,
            ticketer,
            provider,
        }),
    })
}

/// Pairs keys with certificates as OpenSSL's per-type slots do: a key and a
/// certificate of the same type must match (`ERR_OSSL_X509_KEY_VALUES_MISMATCH`);
/// a key or certificate without a partner is kept out (its handshakes fail, as in
/// Node, which accepts such a context). Returns the pairs and the PFX CA certs.
fn load_key_pairs(
    options: &SecureContextOptions,
    provider: &CryptoProvider,
    sigalgs: Option<&Arc<[SignatureScheme]>>,
    fingerprint: &mut ring::digest::Context,
) -> Result<(Vec<Arc<CertifiedKey>>, Vec<CertificateDer<'static>>)> {
    let passphrase = options.passphrase.as_deref();
    let mut chains: Vec<Vec<CertificateDer<'static>>> = Vec::new();
    let mut keys: Vec<PrivateKeyDer<'static>> = Vec::new();
    let mut extra_ca = Vec::new();
    for pfx in &options.pfx {
        let p = tls_pki::load_pfx(&pfx.buf, pfx.passphrase.as_deref().or(passphrase))?;
        let mut chain = vec![p.cert];
        chain.extend(p.ca.iter().cloned());
        extra_ca.extend(p.ca);
        chains.push(chain);
        keys.push(p.key);
    }
    for cert in &options.cert {
        let chain = tls_pki::load_certificates(cert)?;
        if !chain.is_empty() {
            chains.push(chain);
        }
    }
    for key in &options.key {
        keys.push(tls_pki::load_private_key(
            &key.pem,
            key.passphrase.as_deref().or(passphrase),
        )?);
    }

    let mut pairs = Vec::new();
    for key in keys {
        let kind = tls_pki::key_kind(&key);
        // The last certificate loaded for a slot is the one OpenSSL keeps.
        let Some(chain) = chains
            .iter()
            .rev()
            .find(|c| tls_pki::certificate_key_kind(&c[0]).same_slot(kind))
        else {
            continue;
        };
        tls_pki::check_private_key(&key, &chain[0])?;
        // Identifies this client identity for session sharing (see CLIENT_PARTS);
        // only a digest is kept.
        fingerprint.update(b"key");
        fingerprint.update(key.secret_der());
        for c in chain {
            fingerprint.update(b"cert");
            fingerprint.update(&(c.len() as u64).to_be_bytes());
            fingerprint.update(c);
        }
        let signing =
            provider
                .key_provider
                .load_private_key(key)
                .map_err(|e| Error::UnsupportedKey {
                    message: format!("this key cannot sign with ring: {e}"),
                })?;
        let signing = match sigalgs {
            Some(allowed) => Arc::new(RestrictedKey::new(signing, allowed.clone())) as _,
            None => signing,
        };
        pairs.push(Arc::new(CertifiedKey::new(chain.clone(), signing)));
    }
    Ok((pairs, extra_ca))
}

/// The `keylog` event's sink when given; else `SSLKEYLOGFILE` (rustls's
/// `KeyLogFile`, NSS format, appended) when that variable is set; else nothing.
fn key_log_for(event: Option<&Arc<dyn KeyLog>>) -> Arc<dyn KeyLog> {
    match event {
        Some(kl) => kl.clone(),
        None if std::env::var_os("SSLKEYLOGFILE").is_some() => Arc::new(rustls::KeyLogFile::new()),
        None => Arc::new(rustls::NoKeyLog),
    }
}

/// OpenSSL's automatic chain building, which Node keeps: a certificate given
/// without any chain certificate is sent with its issuers found in `ca`, up to and
/// including a self-issued root (test-tls-cert-chains-in-ca).
fn complete_chains_from_ca(
    keys: Vec<Arc<CertifiedKey>>,
    ca: &[CertificateDer<'static>],
) -> Vec<Arc<CertifiedKey>> {
    use tls_pki::LegacyCertificate;
    if ca.is_empty() || keys.iter().all(|k| k.cert.len() != 1) {
        return keys;
    }
    let store: Vec<(LegacyCertificate, &CertificateDer<'static>)> = ca
        .iter()
        .filter_map(|c| LegacyCertificate::from_der(c).ok().map(|l| (l, c)))
        .collect();
    keys.into_iter()
        .map(|k| {
            if k.cert.len() != 1 {
                return k;
            }
            let Ok(mut last) = LegacyCertificate::from_der(&k.cert[0]) else {
                return k;
            };
            let mut chain = k.cert.clone();
            while !last.is_issued_by(&last) && chain.len() <= store.len() {
                let Some((issuer, der)) = store
                    .iter()
                    .find(|(c, der)| last.is_issued_by(c) && !chain.contains(der))
                else {
                    break;
                };
                chain.push((*der).clone());
                last = issuer.clone();
            }
            if chain.len() == 1 {
                return k;
            }
            Arc::new(CertifiedKey::new(chain, k.key.clone()))
        })
        .collect()
}

/// Server-side settings that are not part of the secure context (the rest of
/// `tls.createServer()`'s options).
///
/// # Defaults
/// No client certificate requested, `rejectUnauthorized: true`, no ALPN, cipher
/// order honoured (Node's `tls.Server` default), no key log.
#[derive(Clone)]
pub struct ServerSettings {
    /// `requestCert`.
    pub request_cert: bool,
    /// `rejectUnauthorized` (with `requestCert`: refuse clients that do not verify).
    pub reject_unauthorized: bool,
    /// `ALPNProtocols`, already validated.
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Where TLS secrets go (`keylog` event).
    pub key_log: Option<Arc<dyn KeyLog>>,
    /// A session store replacing the context's cache (the per-connection store of
    /// `newSession`/`resumeSession` hooks).
    pub session_storage: Option<Arc<dyn StoresServerSessions>>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            request_cert: false,
            reject_unauthorized: true,
            alpn_protocols: Vec::new(),
            key_log: None,
            session_storage: None,
        }
    }
}

impl std::fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSettings")
            .field("request_cert", &self.request_cert)
            .field("reject_unauthorized", &self.reject_unauthorized)
            .field("alpn_protocols", &self.alpn_protocols)
            .finish_non_exhaustive()
    }
}

/// Client-side settings of `tls.connect()` that are not part of the context.
///
/// # Defaults
/// `rejectUnauthorized: true`, no ALPN, no session, SNI off.
#[derive(Clone)]
pub struct ClientSettings {
    /// `rejectUnauthorized`.
    pub reject_unauthorized: bool,
    /// `ALPNProtocols`, already validated.
    pub alpn_protocols: Vec<Vec<u8>>,
    /// `session`: resume this session.
    pub session: Option<Session>,
    /// Receives the sessions the server grants (`session` event).
    pub on_session: Option<SessionCallback>,
    /// Whether to send SNI (Node sends it only when `servername` is given).
    pub send_sni: bool,
    /// Where TLS secrets go (`keylog` event).
    pub key_log: Option<Arc<dyn KeyLog>>,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            reject_unauthorized: true,
            alpn_protocols: Vec::new(),
            session: None,
            on_session: None,
            send_sni: false,
            key_log: None,
        }
    }
}

impl std::fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSettings")
            .field("reject_unauthorized", &self.reject_unauthorized)
            .field("alpn_protocols", &self.alpn_protocols)
            .field("session", &self.session)
            .field("send_sni", &self.send_sni)
            .finish_non_exhaustive()
    }
}

impl SecureContext {
    /// A rustls server config for this context (Node's `tls.Server`): the server's
    /// cipher order wins unless `honorCipherOrder: false` was given explicitly.
    pub fn server_config(&self, settings: &ServerSettings) -> Result<ServerConfig> {
        self.server_config_with_provider(settings, self.inner.provider.clone())
    }

    /// [`SecureContext::server_config`] with another crypto provider (see
    /// [`SecureContext::server_group_preference`]).
    pub fn server_config_with_provider(
        &self,
        settings: &ServerSettings,
        provider: Arc<CryptoProvider>,
    ) -> Result<ServerConfig> {
        let inner = &self.inner;
        inner.versions.check_role(true)?;
        let builder = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&inner.versions.rustls_versions()?)
            .map_err(|e| Error::NoProtocolsAvailable {
                message: format!("no protocols available: {e}"),
            })?;
        let builder = if settings.request_cert {
            let node = NodeClientCertVerifier::new(inner.trust.clone(), true)
                .dangerous_accept_unauthorized(!settings.reject_unauthorized);
            let verifier: Arc<dyn ClientCertVerifier> = match &inner.sigalgs {
                Some(allowed) => {
                    Arc::new(SigalgsClientVerifier::new(Arc::new(node), allowed.clone()))
                }
                None => Arc::new(node),
            };
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let mut config = builder.with_cert_resolver(inner.server_resolver.clone());
        config.ignore_client_order = inner.server_preference.honor_order;
        config.alpn_protocols.clone_from(&settings.alpn_protocols);
        // Node has no internal session cache (SSL_SESS_CACHE_NO_INTERNAL): session
        // IDs resume only through newSession/resumeSession hooks, which tls-node
        // installs per connection.
        config.session_storage = settings
            .session_storage
            .clone()
            .unwrap_or_else(|| Arc::new(NoServerSessionStorage {}));
        // Disabled under SSL_OP_NO_TICKET (`enabled()` is false then).
        config.ticketer = inner.ticketer.clone();
        config.key_log = key_log_for(settings.key_log.as_ref());
        Ok(config)
    }

    /// A rustls client config for one `tls.connect()`.
    pub fn client_config(&self, settings: &ClientSettings) -> Result<ClientConfig> {
        Ok(self.client_config_observed(settings)?.0)
    }

    /// [`SecureContext::client_config`], plus a [`HandshakeObserver`] that records
    /// what the handshake showed (the stapled OCSP response, our certificate).
    pub fn client_config_observed(
        &self,
        settings: &ClientSettings,
    ) -> Result<(ClientConfig, Arc<HandshakeObserver>)> {
        let inner = &self.inner;
        inner.versions.check_role(false)?;
        let observer = Arc::new(HandshakeObserver::default());
        let (verifier, resolver) = self.client_auth_parts(settings.reject_unauthorized);
        let mut config = ClientConfig::builder_with_provider(inner.provider.clone())
            .with_protocol_versions(&inner.versions.rustls_versions()?)
            .map_err(|e| Error::NoProtocolsAvailable {
                message: format!("no protocols available: {e}"),
            })?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_client_cert_resolver(resolver);
        config.alpn_protocols.clone_from(&settings.alpn_protocols);
        config.enable_sni = settings.send_sni;
        let on_session = settings
            .on_session
            .clone()
            .unwrap_or_else(|| Arc::new(|_s: Session| {}));
        let store = Arc::new(ConnectionSessionStore::new(
            settings.session.as_ref(),
            on_session,
        ));
        let tls12 = if inner.secure_options.contains(SecureOptions::NO_TICKET) {
            Tls12Resumption::SessionIdOnly
        } else {
            Tls12Resumption::SessionIdOrTickets
        };
        config.resumption = Resumption::store(store).tls12_resumption(tls12);
        config.key_log = key_log_for(settings.key_log.as_ref());
        Ok((config, observer))
    }

    /// The client's verifier and certificate resolver, shared by every config with
    /// the same verification settings (see [`crate::observe`] for why).
    fn client_auth_parts(
        &self,
        reject_unauthorized: bool,
    ) -> (Arc<dyn ServerCertVerifier>, Arc<dyn ResolvesClientCert>) {
        let inner = &self.inner;
        let key = (inner.client_fingerprint, reject_unauthorized);
        let mut cache = CLIENT_PARTS.lock().unwrap_or_else(PoisonError::into_inner);
        let cache = cache.get_or_insert_with(HashMap::new);
        if let Some(parts) = cache.get(&key) {
            return parts.clone();
        }
        let node = NodeServerCertVerifier::new(inner.trust.clone())
            .dangerous_accept_unauthorized(!reject_unauthorized);
        let verifier: Arc<dyn ServerCertVerifier> = Arc::new(ObservingVerifier::new(
            Arc::new(node),
            inner.sigalgs.clone(),
        ));
        let resolver: Arc<dyn ResolvesClientCert> = Arc::new(ObservingResolver::new(
            NodeCertResolver::new(inner.keys.clone()),
        ));
        // Bounded: distinct verification settings in one process are few; past the
        // bound, sessions made under evicted settings just do a full handshake.
        if cache.len() >= 256 {
            cache.clear();
        }
        cache.insert(key, (verifier.clone(), resolver.clone()));
        (verifier, resolver)
    }

    /// Verifies a peer's chain as Node does after the handshake (`authorized`,
    /// `authorizationError`). Hostnames are not checked here
    /// (`checkServerIdentity` does that).
    pub fn verify_peer(
        &self,
        chain: &[CertificateDer<'_>],
        purpose: Purpose,
    ) -> std::result::Result<(), VerifyError> {
        let Some((leaf, intermediates)) = chain.split_first() else {
            return Err(VerifyError::new(
                crate::verify::X509Error::UnableToGetIssuerCert,
                0,
            ));
        };
        verify_chain(
            leaf,
            intermediates,
            &self.inner.trust,
            purpose,
            UnixTime::now(),
        )
        .map(|_| ())
    }

    /// The suites enabled, in preference order (OpenSSL/IANA names).
    pub fn cipher_names(&self) -> Vec<&'static str> {
        self.inner.ciphers.names()
    }

    /// Node's server (OpenSSL with the cipher order honoured) picks the ECDHE group
    /// in its own `ecdhCurve` order (TLS 1.2, and TLS 1.3 when it must send a
    /// HelloRetryRequest); rustls picks in the client's. When the two differ for
    /// this ClientHello, this gives a provider restricted to our preferred group in
    /// common, for that connection's config.
    pub fn server_group_preference(
        &self,
        client_groups: &[rustls::NamedGroup],
        client_suites: &[rustls::CipherSuite],
        client_key_shares: &[u16],
    ) -> Option<Arc<CryptoProvider>> {
        let inner = &self.inner;
        let honours = inner.server_preference.honor_order;
        let tls13 = inner
            .versions
            .allows(crate::versions::ProtocolVersion::Tls13)
            && inner
                .ciphers
                .tls13
                .iter()
                .any(|s| client_suites.contains(&s.suite()));
        // TLS 1.3: OpenSSL keeps an acceptable key share from the client; only when
        // none is acceptable does it ask (HelloRetryRequest) for its own first group.
        let acceptable_share = client_key_shares.iter().any(|g| {
            inner
                .groups
                .iter()
                .any(|ours| u16::from(ours.kx_group().name()) == *g)
        });
        if !honours || (tls13 && acceptable_share) {
            return None;
        }
        let ours = inner
            .groups
            .iter()
            .find(|g| client_groups.contains(&g.kx_group().name()))?;
        let theirs = client_groups
            .iter()
            .find(|c| inner.groups.iter().any(|g| g.kx_group().name() == **c))?;
        if ours.kx_group().name() == *theirs {
            return None;
        }
        Some(Arc::new(CryptoProvider {
            kx_groups: vec![ours.kx_group()],
            ..(*inner.provider).clone()
        }))
    }

    /// The key-exchange groups enabled, in preference order.
    pub fn groups(&self) -> &[Group] {
        &self.inner.groups
    }

    /// The CA certificates given (`ca`, plus a PFX's CA certificates): what
    /// `getPeerCertificate(true)` completes the issuer chain from. Mozilla's
    /// default roots are trust anchors without full certificates, so they are not
    /// included.
    pub fn ca_certificates(&self) -> Arc<[CertificateDer<'static>]> {
        self.inner.ca_certs.clone()
    }

    /// The session ticketer: `server.getTicketKeys()` / `setTicketKeys()`.
    pub fn ticketer(&self) -> &Arc<SessionTicketer> {
        &self.inner.ticketer
    }

    /// `sessionTimeout` and `sessionIdContext`, for per-connection session stores.
    pub fn session_settings(&self) -> &SessionSettings {
        &self.inner.session_settings
    }

    /// The server's certificate resolver over `keys`, choosing among several usable
    /// keys as OpenSSL does.
    fn server_resolver(&self, keys: Vec<Arc<CertifiedKey>>) -> NodeCertResolver {
        NodeCertResolver::for_server(keys, self.inner.server_preference.clone())
    }

    /// The key and certificate chain (`.cert`) this context presents to a
    /// client offering `sigschemes` and `client_suites` (what `getCertificate()`
    /// reports); `None` when none of its keys can sign for that client.
    pub fn certificate_for(
        &self,
        sigschemes: &[SignatureScheme],
        client_suites: &[rustls::CipherSuite],
    ) -> Option<Arc<CertifiedKey>> {
        self.inner.server_resolver.choose(sigschemes, client_suites)
    }

    /// A resolver that staples `ocsp` to the certificate chosen for this client
    /// (the `OCSPRequest` answer for one connection).
    pub fn resolver_with_ocsp(
        &self,
        sigschemes: &[SignatureScheme],
        client_suites: &[rustls::CipherSuite],
        ocsp: &[u8],
    ) -> Arc<dyn ResolvesServerCert> {
        let chosen = self.inner.server_resolver.choose(sigschemes, client_suites);
        let keys = self
            .inner
            .keys
            .iter()
            .map(|k| {
                if chosen.as_ref().is_some_and(|c| Arc::ptr_eq(c, k)) {
                    let mut stapled = (**k).clone();
                    stapled.ocsp = Some(ocsp.to_vec());
                    Arc::new(stapled)
                } else {
                    k.clone()
                }
            })
            .collect();
        Arc::new(self.server_resolver(keys))
    }

    /// Whether the context has at least one usable key/certificate pair.
    pub fn has_certificate(&self) -> bool {
        !self.inner.keys.is_empty()
    }
}
