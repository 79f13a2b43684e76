//! Plaintext copies in pieces small enough that glibc never uses `rep movsb`.
//!
//! Every record a [`TlsSocket`](crate::TlsSocket) moves is copied twice on our
//! side of rustls: out of rustls's received-plaintext buffer into the reader's
//! buffer, and from the writer's buffer into the record rustls seals. Both are
//! 16 KiB `memcpy`s, and glibc (2.36 measured, Debian 12's) copies anything
//! from about 2 KiB up with `rep movsb` on CPUs with FSRM. On AMD Zen 3/4 that
//! instruction drops from tens of GB/s to about 2 GB/s when the destination
//! lies up to 63 bytes past the source modulo 4096 (glibc bug 30994). glibc's
//! allocator puts equal-sized buffers exactly there: each 16 KiB block is one
//! 16-byte header past a page multiple from its neighbour, so on such a
//! machine almost every record copy took the slow path (`docs/performance.md`,
//! "Profiling", item 5).
//!
//! Copying in [`PIECE`]-byte pieces keeps each `memcpy` under glibc's
//! threshold, where it uses vector moves that run at full speed at any
//! alignment; the few extra calls per record cost nothing measurable
//! elsewhere. What goes over the wire does not change: rustls still seals full
//! records from the pieces of a write.

use std::io::IoSlice;

use tokio::io::ReadBuf;

/// Below glibc's smallest `rep movsb` threshold (2112 bytes with FSRM).
pub(crate) const PIECE: usize = 2048;

/// The most one write hands rustls: four full records, which rustls seals one
/// after the other and tokio-rustls sends with one `writev` (Node writes a
/// 64 KiB stream chunk the same way).
pub(crate) const MAX_WRITE: usize = 64 * 1024;

/// The most pieces one write is cut into.
pub(crate) const MAX_PIECES: usize = MAX_WRITE / PIECE;

/// Appends as much of `src` as `buf` has room for, in [`PIECE`]-byte pieces;
/// returns how many bytes.
pub(crate) fn put_in_pieces(buf: &mut ReadBuf<'_>, src: &[u8]) -> usize {
    let n = src.len().min(buf.remaining());
    for piece in src[..n].chunks(PIECE) {
        buf.put_slice(piece);
    }
    n
}

/// `buf` as up to [`MAX_PIECES`] slices of at most [`PIECE`] bytes, for
/// `write_vectored` (rustls copies each slice on its own into the record it
/// seals). Returns the slices and how many of them are used; bytes past
/// `MAX_PIECES * PIECE` are left for the next write.
pub(crate) fn pieces(buf: &[u8]) -> ([IoSlice<'_>; MAX_PIECES], usize) {
    let mut slices = [IoSlice::new(&[]); MAX_PIECES];
    let mut used = 0;
    for (slot, chunk) in slices.iter_mut().zip(buf.chunks(PIECE)) {
        *slot = IoSlice::new(chunk);
        used += 1;
    }
    (slices, used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_every_byte_at_every_length_around_the_piece_size() {
        let src: Vec<u8> = (0..40_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
        for len in [
            0,
            1,
            PIECE - 1,
            PIECE,
            PIECE + 1,
            3 * PIECE + 17,
            16_384,
            40_000,
        ] {
            let mut dst = vec![0xAAu8; len + 5];
            let mut buf = ReadBuf::new(&mut dst);
            buf.put_slice(&[1, 2, 3]);
            assert_eq!(put_in_pieces(&mut buf, &src[..len]), len);
            assert_eq!(buf.filled().len(), len + 3);
            assert_eq!(&dst[..3], &[1, 2, 3]);
            assert_eq!(&dst[3..len + 3], &src[..len], "len {len}");
            assert!(
                dst[len + 3..].iter().all(|b| *b == 0xAA),
                "wrote past {len}"
            );
        }
    }

    #[test]
    fn pieces_cover_a_record_in_order_and_leave_the_rest() {
        let buf: Vec<u8> = (0..70_000u32).map(|i| (i % 253) as u8).collect();
        for len in [0, 1, PIECE, PIECE + 1, 16_384, 20_000, MAX_WRITE, 70_000] {
            let (slices, used) = pieces(&buf[..len]);
            assert!(slices[..used]
                .iter()
                .all(|s| s.len() <= PIECE && !s.is_empty()));
            let joined: Vec<u8> = slices[..used].iter().flat_map(|s| s.to_vec()).collect();
            assert_eq!(joined, buf[..len.min(MAX_PIECES * PIECE)], "len {len}");
        }
    }
}
