//! Reads from the socket in large pieces while a connection carries bulk data.
//!
//! rustls's buffered API asks for at most 4 KiB per `read_tls` (its deframer's
//! read size), so through tokio-rustls every full 16 KiB record costs four or
//! five `recvfrom`s. Node reads up to 64 KiB per syscall (libuv) and hands
//! OpenSSL what it got. [`ReadAhead`] does the same once a read fills the
//! buffer rustls offered, which means the peer has sent more than that: from
//! then on it reads up to [`AHEAD`] bytes at a time into a buffer of its own
//! and serves rustls's reads from it (copied in
//! [`PIECE`](crate::copy::PIECE)-byte pieces, see `copy.rs`). The buffer is
//! freed as soon as it is drained and the socket has nothing more, so an idle
//! connection holds none, and small exchanges (a handshake, a request that
//! fits in one read) never allocate it.
//!
//! Nothing changes but the syscalls: rustls sees the same bytes in the same
//! order, end of stream and errors arrive after every byte read before them.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};

use crate::copy::put_in_pieces;

/// How much one socket read may take in bulk mode (what libuv reads for Node).
pub(crate) const AHEAD: usize = 64 * 1024;

/// Bytes read from the socket and not yet handed to rustls.
#[derive(Debug, Default)]
pub(crate) struct ReadAhead {
    /// Empty (no allocation) outside bulk mode.
    buf: Vec<u8>,
    /// `buf[start..end]` is still to be handed out.
    start: usize,
    end: usize,
}

impl ReadAhead {
    /// Whether a read-ahead buffer is allocated (bulk mode).
    #[cfg(test)]
    pub(crate) fn is_allocated(&self) -> bool {
        self.buf.capacity() > 0
    }

    /// `AsyncRead::poll_read` of `inner`, through the read-ahead buffer.
    pub(crate) fn poll_read<R: AsyncRead + Unpin>(
        &mut self,
        inner: &mut R,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.start < self.end {
            self.start += put_in_pieces(out, &self.buf[self.start..self.end]);
            return Poll::Ready(Ok(()));
        }
        let wanted = out.remaining();
        if self.buf.is_empty() || wanted == 0 {
            let before = out.filled().len();
            let res = Pin::new(inner).poll_read(cx, out);
            if wanted > 0 && out.filled().len() - before == wanted {
                // The peer sent at least as much as rustls could take: read
                // ahead from now on.
                self.buf = vec![0; AHEAD];
            }
            return res;
        }
        let mut ahead = ReadBuf::new(&mut self.buf);
        match Pin::new(inner).poll_read(cx, &mut ahead) {
            Poll::Ready(Ok(())) => {
                let n = ahead.filled().len();
                if n == 0 {
                    // End of stream: nothing more will need the buffer.
                    *self = ReadAhead::default();
                    return Poll::Ready(Ok(()));
                }
                self.end = n;
                self.start = put_in_pieces(out, &self.buf[..n]);
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                // Drained and the socket is quiet: give the memory back.
                *self = ReadAhead::default();
                Poll::Pending
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// A socket that has `chunks` arriving one per read (`None`: nothing yet),
    /// then end of stream or the error `then`, and that records how much each
    /// read asked for.
    struct Script {
        chunks: VecDeque<Option<Vec<u8>>>,
        then: Option<io::ErrorKind>,
        asked: Vec<usize>,
    }

    impl Script {
        fn new(chunks: impl Into<VecDeque<Option<Vec<u8>>>>) -> Self {
            Script {
                chunks: chunks.into(),
                then: None,
                asked: Vec::new(),
            }
        }
    }

    impl AsyncRead for Script {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            self.asked.push(buf.remaining());
            match self.chunks.pop_front() {
                None => match self.then {
                    Some(kind) => Poll::Ready(Err(kind.into())),
                    None => Poll::Ready(Ok(())),
                },
                Some(None) => Poll::Pending,
                Some(Some(mut c)) => {
                    let n = c.len().min(buf.remaining());
                    buf.put_slice(&c[..n]);
                    if n < c.len() {
                        self.chunks.push_front(Some(c.split_off(n)));
                    }
                    Poll::Ready(Ok(()))
                }
            }
        }
    }

    fn bytes(from: usize, len: usize) -> Vec<u8> {
        (from..from + len).map(|i| (i % 251) as u8).collect()
    }

    /// Reads through `ahead` in `size`-byte requests, as rustls does, until
    /// end of stream or an error; returns what came out, how often a read was
    /// pending, and how it ended.
    fn drain(
        ahead: &mut ReadAhead,
        io: &mut Script,
        size: usize,
    ) -> (Vec<u8>, usize, io::Result<()>) {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut got = Vec::new();
        let mut pending = 0;
        loop {
            let mut space = vec![0u8; size];
            let mut out = ReadBuf::new(&mut space);
            match ahead.poll_read(io, &mut cx, &mut out) {
                Poll::Pending => {
                    pending += 1;
                    assert!(!ahead.is_allocated(), "kept the buffer while idle");
                }
                Poll::Ready(Ok(())) if out.filled().is_empty() => return (got, pending, Ok(())),
                Poll::Ready(Ok(())) => got.extend_from_slice(out.filled()),
                Poll::Ready(Err(e)) => return (got, pending, Err(e)),
            }
        }
    }

    #[test]
    fn small_reads_go_straight_to_the_socket_and_allocate_nothing() {
        let mut io = Script::new([Some(bytes(0, 517)), None, Some(bytes(517, 100))]);
        let mut ahead = ReadAhead::default();
        let (got, pending, end) = drain(&mut ahead, &mut io, 4096);
        assert!(end.is_ok());
        assert_eq!(got, bytes(0, 617));
        assert_eq!(pending, 1);
        assert!(io.asked.iter().all(|&n| n == 4096), "{:?}", io.asked);
        assert!(!ahead.is_allocated());
    }

    #[test]
    fn bulk_is_read_in_large_pieces_and_handed_out_intact() {
        // 1 MiB arriving in 100 000-byte bursts, a quiet moment half way.
        let total = 1 << 20;
        let mut chunks: VecDeque<Option<Vec<u8>>> = VecDeque::new();
        let mut at = 0;
        while at < total {
            let n = 100_000.min(total - at);
            chunks.push_back(Some(bytes(at, n)));
            if at == 500_000 {
                chunks.push_back(None);
            }
            at += n;
        }
        let mut io = Script::new(chunks);
        let mut ahead = ReadAhead::default();
        let (got, pending, end) = drain(&mut ahead, &mut io, 4096);
        assert!(end.is_ok());
        assert!(got == bytes(0, total), "bytes lost or reordered");
        assert_eq!(pending, 1);
        // Without read-ahead: 256 socket reads of 4 KiB.
        let large = io.asked.iter().filter(|&&n| n == AHEAD).count();
        assert!(
            io.asked.len() <= 30 && large >= 15,
            "{} socket reads: {:?}",
            io.asked.len(),
            io.asked
        );
        assert!(!ahead.is_allocated(), "kept the buffer after end of stream");
    }

    #[test]
    fn an_error_comes_after_the_bytes_read_before_it() {
        let mut io = Script::new([Some(bytes(0, 4096)), Some(bytes(4096, 10_000))]);
        io.then = Some(io::ErrorKind::ConnectionReset);
        let mut ahead = ReadAhead::default();
        let (got, pending, end) = drain(&mut ahead, &mut io, 4096);
        assert_eq!(pending, 0);
        assert_eq!(end.unwrap_err().kind(), io::ErrorKind::ConnectionReset);
        assert!(got == bytes(0, 14_096));
    }
}
