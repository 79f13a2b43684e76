//! Peeking at a ClientHello before rustls sees it, to find the session ID that
//! Node's `resumeSession` event is asked about (Node does the same with its own
//! ClientHello parser before OpenSSL runs).

/// TLS record content type `handshake`.
const HANDSHAKE: u8 = 22;
/// Handshake message type `client_hello`.
const CLIENT_HELLO: u8 = 1;
/// Largest record payload a peer may send (2^14 plaintext + 2048 expansion).
const MAX_RECORD: usize = 16384 + 2048;
/// Largest ClientHello we wait for; rustls refuses bigger handshake messages.
const MAX_HELLO: usize = 0xffff;
/// Extension numbers.
const EXT_SESSION_TICKET: u16 = 35;
const EXT_PRE_SHARED_KEY: u16 = 41;
const EXT_STATUS_REQUEST: u16 = 5;
const EXT_KEY_SHARE: u16 = 51;

/// The result of [`client_hello_session_id`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientHelloPeek {
    /// The bytes so far are a valid prefix: read more from the socket and call
    /// again with all bytes received so far.
    NeedMore,
    /// A whole ClientHello was found.
    Complete(ClientHelloInfo),
    /// Not a TLS ClientHello (or malformed). Do no session lookup; hand the
    /// bytes to rustls, which sends the proper alert.
    Invalid(&'static str),
}

/// What a ClientHello says about resumption.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientHelloInfo {
    /// `legacy_session_id` (0 to 32 bytes). TLS 1.3 clients in compatibility
    /// mode send 32 random bytes here.
    pub legacy_session_id: Vec<u8>,
    /// `Some(len)` when the `session_ticket` extension is present: `0` asks for
    /// a new ticket, more is a ticket offered for resumption.
    pub session_ticket_len: Option<usize>,
    /// The `pre_shared_key` identities offered (TLS 1.3 tickets), in order;
    /// empty when the extension is absent.
    pub psk_identities: Vec<Vec<u8>>,
    /// Whether a `pre_shared_key` extension is present.
    pub has_pre_shared_key: bool,
    /// The groups of the client's TLS 1.3 `key_share` entries, in its order.
    pub key_share_groups: Vec<u16>,
    /// Whether the client asked for an OCSP staple (`status_request` of type
    /// `ocsp`): Node emits `OCSPRequest` only then.
    pub status_request: bool,
}

impl ClientHelloInfo {
    /// The id to ask `resumeSession` about, or `None` when no lookup is due.
    ///
    /// Node's rule (`loadSession` in `_tls_wrap.js`): look up the legacy
    /// session ID when it is non-empty and no ticket is offered in the
    /// `session_ticket` extension.
    ///
    /// One addition, when `tickets_enabled` is false (`SSL_OP_NO_TICKET`): TLS
    /// 1.3 tickets are then stateful and rustls looks them up by the PSK
    /// identity, so the first offered identity is returned instead. (Node 20
    /// asks about the legacy ID there and so never resumes stateful TLS 1.3
    /// tickets through its hooks.)
    pub fn resume_session_id(&self, tickets_enabled: bool) -> Option<&[u8]> {
        if !tickets_enabled {
            if let Some(first) = self.psk_identities.first() {
                return Some(first);
            }
        }
        if self.legacy_session_id.is_empty() || self.session_ticket_len.is_some_and(|n| n > 0) {
            return None;
        }
        Some(&self.legacy_session_id)
    }
}

/// Parses the first bytes a client sent (TLS records, possibly with the
/// ClientHello fragmented over several) and reports the session ID and the
/// resumption extensions. Never panics; `NeedMore` until the whole ClientHello
/// is present.
pub fn client_hello_session_id(first_bytes: &[u8]) -> ClientHelloPeek {
    let mut message = Vec::new();
    let mut rest = first_bytes;
    loop {
        if let Some(peek) = whole_message(&message) {
            return peek;
        }
        let Some(header) = rest.get(..5) else {
            return check_partial_header(rest);
        };
        if header[0] != HANDSHAKE {
            return ClientHelloPeek::Invalid("not a TLS handshake record");
        }
        if header[1] != 3 {
            return ClientHelloPeek::Invalid("not a TLS record version");
        }
        let len = usize::from(header[3]) << 8 | usize::from(header[4]);
        if len == 0 || len > MAX_RECORD {
            return ClientHelloPeek::Invalid("bad handshake record length");
        }
        let Some(payload) = rest.get(5..5 + len) else {
            return ClientHelloPeek::NeedMore;
        };
        // A ClientHello in one record (the usual case) is parsed where it is.
        if message.is_empty() {
            if let Some(peek) = whole_message(payload) {
                return peek;
            }
        }
        message.extend_from_slice(payload);
        rest = &rest[5 + len..];
    }
}

/// The answer, once `message` (handshake bytes, record headers removed) holds
/// enough to give one: not a ClientHello, too large, or the whole message.
fn whole_message(message: &[u8]) -> Option<ClientHelloPeek> {
    // Enough of the handshake message to know its length?
    if message.len() < 4 {
        return None;
    }
    if message[0] != CLIENT_HELLO {
        return Some(ClientHelloPeek::Invalid(
            "first handshake message is not a ClientHello",
        ));
    }
    let len =
        usize::from(message[1]) << 16 | usize::from(message[2]) << 8 | usize::from(message[3]);
    if len > MAX_HELLO {
        return Some(ClientHelloPeek::Invalid("ClientHello too large"));
    }
    let body = message.get(4..4 + len)?;
    Some(match parse_body(body) {
        Some(info) => ClientHelloPeek::Complete(info),
        None => ClientHelloPeek::Invalid("malformed ClientHello"),
    })
}

/// A partial record header is `NeedMore` only if what is there could start one.
fn check_partial_header(rest: &[u8]) -> ClientHelloPeek {
    match rest {
        [t, ..] if *t != HANDSHAKE => ClientHelloPeek::Invalid("not a TLS handshake record"),
        [_, v, ..] if *v != 3 => ClientHelloPeek::Invalid("not a TLS record version"),
        _ => ClientHelloPeek::NeedMore,
    }
}

/// A cursor over a byte slice whose reads fail instead of panicking.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = self.u8()?;
        self.take(usize::from(n))
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }
}

fn parse_body(body: &[u8]) -> Option<ClientHelloInfo> {
    let mut r = Reader(body);
    r.take(2)?; // legacy_version
    r.take(32)?; // random
    let session_id = r.vec8()?;
    if session_id.len() > 32 {
        return None;
    }
    r.vec16()?; // cipher_suites
    r.vec8()?; // compression_methods
    let mut info = ClientHelloInfo {
        legacy_session_id: session_id.to_vec(),
        ..ClientHelloInfo::default()
    };
    if r.0.is_empty() {
        return Some(info); // no extensions at all (old clients)
    }
    let mut exts = Reader(r.vec16()?);
    if !r.0.is_empty() {
        return None; // trailing bytes after the extensions
    }
    while !exts.0.is_empty() {
        let typ = exts.u16()?;
        let data = exts.vec16()?;
        match typ {
            EXT_SESSION_TICKET => info.session_ticket_len = Some(data.len()),
            // CertificateStatusRequest: status_type 1 = ocsp.
            EXT_STATUS_REQUEST => info.status_request = data.first() == Some(&1),
            EXT_KEY_SHARE => {
                let mut shares = Reader(Reader(data).vec16()?);
                while !shares.0.is_empty() {
                    info.key_share_groups.push(shares.u16()?);
                    shares.vec16()?;
                }
            }
            EXT_PRE_SHARED_KEY => {
                info.has_pre_shared_key = true;
                let mut ids = Reader(Reader(data).vec16()?);
                while !ids.0.is_empty() {
                    info.psk_identities.push(ids.vec16()?.to_vec());
                    ids.take(4)?; // obfuscated_ticket_age
                }
            }
            _ => {}
        }
    }
    Some(info)
}
