//! Bulk echo with the client's crypto taken out of the measured window.
//!
//! On a 2-core machine the server gets one core and the load generator the
//! other. A plain rustls client does as much AEAD work per byte as the server
//! (it seals what it sends and opens what comes back), so it saturates first
//! and the bench would measure the client. This load generator therefore:
//!
//! 1. completes the TLS 1.3 handshake with rustls and one 1-byte echo (which
//!    also drains the server's NewSessionTicket messages), then takes the
//!    traffic keys out of rustls (`dangerous_extract_secrets`);
//! 2. seals every record it will send *before* the clock starts;
//! 3. in the window, writes those ciphertext records and reads the echo back,
//!    only walking the record headers to know when everything has come back;
//! 4. after the window, opens every echoed record with the server's key and
//!    checks the content type, the sequence and every byte: a server that
//!    altered, dropped or mis-sealed anything fails the run.
//!
//! The server under test still does all its work: open every record, copy
//! the plaintext to the application, seal it again.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, CHACHA20_POLY1305, NONCE_LEN};
use rustls::ConnectionTrafficSecrets;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Res;

/// TLS 1.3 record layer constants (RFC 8446 §5).
const HEADER: usize = 5;
const TAG: usize = 16;
const APPLICATION_DATA: u8 = 0x17;
const ALERT: u8 = 0x15;
/// The largest TLSInnerPlaintext content (2^14).
pub(super) const MAX_PLAIN: usize = 16 * 1024;
/// The fill byte echoed.
const FILL: u8 = 0x5a;

/// One direction's traffic key and the next record sequence number.
struct Direction {
    key: LessSafeKey,
    iv: [u8; NONCE_LEN],
    seq: u64,
}

impl Direction {
    fn new(seq: u64, secrets: ConnectionTrafficSecrets) -> Res<Self> {
        let (alg, key, iv) = match secrets {
            ConnectionTrafficSecrets::Aes128Gcm { key, iv } => (&AES_128_GCM, key, iv),
            ConnectionTrafficSecrets::Chacha20Poly1305 { key, iv } => (&CHACHA20_POLY1305, key, iv),
            _ => return Err("bulk: only AES-128-GCM and ChaCha20-Poly1305 are sealed".into()),
        };
        let key = LessSafeKey::new(
            UnboundKey::new(alg, key.as_ref()).map_err(|_| "bulk: bad traffic key")?,
        );
        let iv: [u8; NONCE_LEN] = iv.as_ref().try_into()?;
        Ok(Self { key, iv, seq })
    }

    /// RFC 8446 §5.3: the IV XOR the 64-bit sequence number, then advance.
    fn next_nonce(&mut self) -> Nonce {
        let mut nonce = self.iv;
        for (n, s) in nonce[NONCE_LEN - 8..]
            .iter_mut()
            .zip(self.seq.to_be_bytes())
        {
            *n ^= s;
        }
        self.seq += 1;
        Nonce::assume_unique_for_key(nonce)
    }

    /// Appends one sealed TLS 1.3 record carrying `content` of `content_type`.
    fn seal_record(&mut self, out: &mut Vec<u8>, content_type: u8, content: &[u8]) -> Res<()> {
        let len = u16::try_from(content.len() + 1 + TAG)?;
        let header = [APPLICATION_DATA, 3, 3, (len >> 8) as u8, len as u8];
        out.extend_from_slice(&header);
        // Sealed in place at the end of `out`: no buffer per record.
        let start = out.len();
        out.extend_from_slice(content);
        out.push(content_type);
        let nonce = self.next_nonce();
        let tag = self
            .key
            .seal_in_place_separate_tag(nonce, Aad::from(header), &mut out[start..])
            .map_err(|_| "bulk: seal failed")?;
        out.extend_from_slice(tag.as_ref());
        Ok(())
    }

    /// Opens one record in place; returns its content type and content.
    fn open_record<'a>(&mut self, header: [u8; HEADER], body: &'a mut [u8]) -> Res<(u8, &'a [u8])> {
        let nonce = self.next_nonce();
        let inner = self
            .key
            .open_in_place(nonce, Aad::from(header), body)
            .map_err(|_| {
                "bulk: an echoed record does not decrypt (altered, reordered or dropped)"
            })?;
        // TLSInnerPlaintext: content, content type, then optional zero padding.
        let end = inner
            .iter()
            .rposition(|b| *b != 0)
            .ok_or("bulk: an echoed record has no content type")?;
        Ok((inner[end], &inner[..end]))
    }
}

/// The length field of a record header.
fn record_len(header: &[u8]) -> usize {
    usize::from(u16::from_be_bytes([header[3], header[4]]))
}

/// Plaintext bytes carried by the complete records in `buf[*pos..]`;
/// advances `pos` past them. Every record the server sends after the
/// handshake is application data without padding (rustls and OpenSSL add
/// none), so its content is the record length minus type byte and tag; the
/// check after the window proves it.
fn complete_records(buf: &[u8], pos: &mut usize) -> usize {
    let mut plain = 0;
    while let Some(header) = buf.get(*pos..*pos + HEADER) {
        let len = record_len(header);
        if buf.len() < *pos + HEADER + len {
            break;
        }
        plain += len.saturating_sub(1 + TAG);
        *pos += HEADER + len;
    }
    plain
}

/// Echoes `bytes` (rounded up to whole 16 KiB records) through one TLS 1.3
/// connection, writing and reading at once; returns the time from the first
/// byte written to the last byte echoed. `config` must have
/// `enable_secret_extraction`.
pub async fn bulk(
    config: &Arc<rustls::ClientConfig>,
    addr: SocketAddr,
    bytes: usize,
) -> Res<Duration> {
    let records = bytes.div_ceil(MAX_PLAIN).max(1);
    let total = records * MAX_PLAIN;

    let mut tls = super::client::connect(config, addr).await?;
    // One echo round trip: the server's tickets precede its echo, so after it
    // rustls has consumed every handshake record and holds no plaintext.
    let mut byte = [0u8; 1];
    tls.write_all(&[FILL]).await?;
    tls.flush().await?;
    tls.read_exact(&mut byte).await?;
    if byte != [FILL] {
        return Err("bulk: the server did not echo".into());
    }
    let (tcp, conn) = tls.into_inner();
    if conn.protocol_version() != Some(rustls::ProtocolVersion::TLSv1_3) {
        return Err("bulk: the sealed load generator speaks TLS 1.3 only".into());
    }
    let secrets = conn.dangerous_extract_secrets()?;
    let mut tx = Direction::new(secrets.tx.0, secrets.tx.1)?;
    let mut rx = Direction::new(secrets.rx.0, secrets.rx.1)?;

    let plain = vec![FILL; MAX_PLAIN];
    let mut sealed = Vec::with_capacity(records * (HEADER + MAX_PLAIN + 1 + TAG));
    for _ in 0..records {
        tx.seal_record(&mut sealed, APPLICATION_DATA, &plain)?;
    }
    // The server may cut the echo into smaller records; leave room for that.
    let mut echoed = Vec::with_capacity(sealed.len() + sealed.len() / 8);

    let (mut reader, mut writer) = tcp.into_split();
    let start = Instant::now();
    let write = async {
        writer.write_all(&sealed).await?;
        Ok::<_, super::Error>(())
    };
    let read = async {
        let (mut pos, mut got) = (0, 0);
        while got < total {
            if echoed.capacity() - echoed.len() < MAX_PLAIN {
                echoed.reserve(4 * MAX_PLAIN);
            }
            if reader.read_buf(&mut echoed).await? == 0 {
                return Err::<_, super::Error>("bulk: the server closed during the echo".into());
            }
            got += complete_records(&echoed, &mut pos);
        }
        Ok(())
    };
    tokio::time::timeout(Duration::from_mins(2), async {
        tokio::try_join!(write, read)
    })
    .await
    .map_err(|_| "bulk echo timed out")??;
    let elapsed = start.elapsed();

    // Outside the window: prove the echo was right, byte for byte.
    let mut pos = 0;
    let mut checked = 0;
    while pos < echoed.len() {
        let header: [u8; HEADER] = echoed
            .get(pos..pos + HEADER)
            .ok_or("bulk: a truncated record header")?
            .try_into()?;
        let len = record_len(&header);
        let body = echoed
            .get_mut(pos + HEADER..pos + HEADER + len)
            .ok_or("bulk: a truncated record")?;
        if header[0] != APPLICATION_DATA {
            return Err(format!("bulk: unexpected outer record type {}", header[0]).into());
        }
        let (content_type, content) = rx.open_record(header, body)?;
        if content_type != APPLICATION_DATA {
            return Err(
                format!("bulk: unexpected record of type {content_type} in the echo").into(),
            );
        }
        if content.iter().any(|b| *b != FILL) {
            return Err("bulk: the echo came back altered".into());
        }
        checked += content.len();
        pos += HEADER + len;
    }
    if checked != total {
        return Err(format!("bulk: {checked} bytes echoed, {total} sent").into());
    }

    // A clean close: our close_notify, then wait for the server's end.
    let mut close = Vec::new();
    tx.seal_record(&mut close, ALERT, &[1, 0])?;
    let _ = writer.write_all(&close).await;
    let _ = writer.shutdown().await;
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut rest)).await;
    Ok(elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_complete_records() {
        let mut buf = vec![APPLICATION_DATA, 3, 3, 0, 27];
        buf.extend_from_slice(&[0; 27]);
        buf.extend_from_slice(&[APPLICATION_DATA, 3, 3, 0, 40, 1, 2]);
        let mut pos = 0;
        assert_eq!(complete_records(&buf, &mut pos), 10);
        assert_eq!(pos, 32);
        assert_eq!(complete_records(&buf, &mut pos), 0);
        assert_eq!(pos, 32);
    }

    #[test]
    fn records_round_trip_and_detect_tampering() {
        let secrets = || ConnectionTrafficSecrets::Chacha20Poly1305 {
            key: rustls::crypto::cipher::AeadKey::from([7u8; 32]),
            iv: rustls::crypto::cipher::Iv::new([9u8; NONCE_LEN]),
        };
        let mut tx = Direction::new(5, secrets()).unwrap();
        let mut out = Vec::new();
        tx.seal_record(&mut out, APPLICATION_DATA, b"hello")
            .unwrap();
        tx.seal_record(&mut out, APPLICATION_DATA, b"world")
            .unwrap();
        let mut rx = Direction::new(5, secrets()).unwrap();
        let header: [u8; HEADER] = out[..HEADER].try_into().unwrap();
        let mut first = out[HEADER..HEADER + 22].to_vec();
        let (t, c) = rx.open_record(header, &mut first).unwrap();
        assert_eq!((t, c), (APPLICATION_DATA, &b"hello"[..]));
        // Out of order (the second record under the first's sequence) fails.
        let mut rx = Direction::new(5, secrets()).unwrap();
        let second: [u8; HEADER] = out[27..27 + HEADER].try_into().unwrap();
        assert!(rx.open_record(second, &mut out[32..].to_vec()).is_err());
        // A flipped bit fails.
        let mut rx = Direction::new(5, secrets()).unwrap();
        let mut body = out[HEADER..HEADER + 22].to_vec();
        body[0] ^= 1;
        assert!(rx.open_record(header, &mut body).is_err());
    }
}
