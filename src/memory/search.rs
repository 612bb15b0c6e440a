//! Searching a snapshot for a byte string, across chunk boundaries.
//!
//! Each chunk is searched in place with `memchr::memmem` (SIMD, no per-byte work in
//! Rust); a match that straddles a boundary is found in a small buffer holding the
//! last `needle.len() - 1` bytes of one chunk and the first `needle.len() - 1` bytes
//! after it. The searchers are built once per needle. Backward search skips chunks
//! with the forward searcher (memmem's reverse searcher has no SIMD prefilter) and
//! searches backward only inside the chunk that holds the answer. Wrapping around at
//! the end of memory is the caller's job.

use std::ops::Range;

use anyhow::{Result, bail};
use memchr::memmem;

use super::num::{Endian, NumKind};
use super::snapshot::{CHUNK_BYTES, Snapshot};
use super::{format_hex, parse_hex};

/// The bytes to look for, with the searchers built for them. Never empty.
#[derive(Clone, Debug)]
pub struct Needle {
    forward: memmem::Finder<'static>,
    backward: memmem::FinderRev<'static>,
}

impl Needle {
    /// Searches for exactly these bytes; an empty needle is an error.
    pub fn bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.is_empty() {
            bail!("nothing to search for: type some text or bytes");
        }
        Ok(Self {
            forward: memmem::Finder::new(bytes).into_owned(),
            backward: memmem::FinderRev::new(bytes).into_owned(),
        })
    }

    /// Searches for the UTF-8 bytes of `text` (no terminating NUL).
    pub fn text(text: &str) -> Result<Self> {
        Self::bytes(text.as_bytes())
    }

    /// Searches for hex bytes as `parse_hex` reads them (`de ad be ef`, `0xde,0xad`).
    pub fn hex(text: &str) -> Result<Self> {
        Self::bytes(&parse_hex(text)?)
    }

    /// Searches for a number of type `kind` written in `text`, stored in `endian`
    /// order (see `NumKind::encode` for what `text` may be).
    pub fn typed(kind: NumKind, text: &str, endian: Endian) -> Result<Self> {
        Self::bytes(&kind.encode(text, endian)?)
    }

    /// The bytes searched for.
    pub fn as_bytes(&self) -> &[u8] {
        self.forward.needle()
    }

    /// The needle's length in bytes (at least 1).
    pub fn len_bytes(&self) -> u64 {
        self.as_bytes().len() as u64
    }

    /// The bytes as hex, for status lines: `de ad be ef`.
    pub fn to_hex(&self) -> String {
        format_hex(self.as_bytes())
    }
}

/// The first match that starts at or after `from`.
pub fn find_next(snapshot: &Snapshot, needle: &Needle, from: u64) -> Option<u64> {
    let mut found = None;
    scan_forward(snapshot, needle, from..snapshot.len_bytes(), |at| {
        found = Some(at);
        false
    });
    found
}

/// The last match that starts before `before` (it may end after `before`).
pub fn find_prev(snapshot: &Snapshot, needle: &Needle, before: u64) -> Option<u64> {
    let len = snapshot.len_bytes();
    let n = needle.len_bytes();
    let before = before.min(len);
    if before == 0 || n > len {
        return None;
    }
    let chunk_bytes = CHUNK_BYTES as u64;
    let chunks = snapshot.chunks();
    // The chunk holding the last possible start.
    let last_start = (before - 1).min(len - n);
    let mut index = (last_start / chunk_bytes) as usize;
    loop {
        let chunk = chunks.get(index)?;
        let chunk_start = index as u64 * chunk_bytes;
        let chunk_end = chunk_start + chunk.len() as u64;
        // Matches that start in this chunk and run into the next ones start later than
        // any match inside it, so they are looked at first.
        let tail_start = chunk_end.saturating_sub(n - 1).max(chunk_start);
        let buffer_end = chunk_end
            .saturating_add(n - 1)
            .min(len)
            .min(before.saturating_add(n - 1));
        if buffer_end > chunk_end && tail_start < before {
            let buffer = snapshot.read(tail_start, buffer_end - tail_start);
            if let Some(at) = needle.backward.rfind(&buffer) {
                return Some(tail_start + at as u64);
            }
        }
        let haystack_end = (before - chunk_start)
            .saturating_add(n - 1)
            .min(chunk.len() as u64) as usize;
        let haystack = &chunk[..haystack_end];
        // The forward searcher has a SIMD prefilter and the reverse one has none: skip
        // chunks without a match at forward speed, search backward only in the one
        // chunk that has the answer.
        if needle.forward.find(haystack).is_some()
            && let Some(at) = needle.backward.rfind(haystack)
        {
            return Some(chunk_start + at as u64);
        }
        index = index.checked_sub(1)?;
    }
}

/// Every match that lies wholly inside `range`, in order, at most `limit` of them.
/// Overlapping matches are all reported (`aa` occurs three times in `aaaa`).
pub fn find_all(snapshot: &Snapshot, needle: &Needle, range: Range<u64>, limit: usize) -> Vec<u64> {
    let mut found = Vec::new();
    if limit == 0 {
        return found;
    }
    scan_forward(snapshot, needle, range, |at| {
        found.push(at);
        found.len() < limit
    });
    found
}

/// Calls `visit` with the start of every match wholly inside `range`, in order, until
/// it returns `false`.
fn scan_forward(
    snapshot: &Snapshot,
    needle: &Needle,
    range: Range<u64>,
    mut visit: impl FnMut(u64) -> bool,
) {
    let n = needle.len_bytes();
    let end = range.end.min(snapshot.len_bytes());
    let from = range.start;
    if from >= end || end - from < n {
        return;
    }
    let chunk_bytes = CHUNK_BYTES as u64;
    let first = (from / chunk_bytes) as usize;
    for (index, chunk) in snapshot.chunks().iter().enumerate().skip(first) {
        let chunk_start = index as u64 * chunk_bytes;
        if chunk_start >= end {
            return;
        }
        let chunk_end = chunk_start + chunk.len() as u64;
        // Matches wholly inside this chunk.
        let within = from.saturating_sub(chunk_start) as usize;
        let haystack_end = (end.min(chunk_end) - chunk_start) as usize;
        if within < haystack_end {
            let haystack = &chunk[..haystack_end];
            let mut pos = within;
            while let Some(at) = needle.forward.find(&haystack[pos..]) {
                if !visit(chunk_start + (pos + at) as u64) {
                    return;
                }
                pos += at + 1;
            }
        }
        // Matches that start in this chunk and end in a later one.
        let tail_start = chunk_end.saturating_sub(n - 1).max(chunk_start).max(from);
        let buffer_end = chunk_end.saturating_add(n - 1).min(end);
        if buffer_end > chunk_end && tail_start < chunk_end {
            let buffer = snapshot.read(tail_start, buffer_end - tail_start);
            let mut pos = 0;
            while let Some(at) = needle.forward.find(&buffer[pos..]) {
                if !visit(tail_start + (pos + at) as u64) {
                    return;
                }
                pos += at + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every match start, by brute force.
    fn naive(data: &[u8], needle: &[u8]) -> Vec<u64> {
        if needle.len() > data.len() {
            return Vec::new();
        }
        (0..=data.len() - needle.len())
            .filter(|&i| &data[i..i + needle.len()] == needle)
            .map(|i| i as u64)
            .collect()
    }

    fn snapshot(data: &[u8]) -> Snapshot {
        Snapshot::capture(None, data, 0)
    }

    #[test]
    fn finds_text_hex_and_numbers() {
        let mut data = vec![0u8; 3 * CHUNK_BYTES];
        data[100..116].copy_from_slice(b"The input string");
        data[5000..5004].copy_from_slice(&0xdead_beefu32.to_le_bytes());
        data[6000..6004].copy_from_slice(&1.5f32.to_be_bytes());
        let snap = snapshot(&data);
        let text = Needle::text("input").unwrap();
        assert_eq!(find_next(&snap, &text, 0), Some(104));
        assert_eq!(find_next(&snap, &text, 105), None);
        assert_eq!(find_prev(&snap, &text, 105), Some(104));
        assert_eq!(find_prev(&snap, &text, 104), None);
        let hex = Needle::hex("ef be ad de").unwrap();
        assert_eq!(hex.to_hex(), "ef be ad de");
        assert_eq!(find_next(&snap, &hex, 0), Some(5000));
        let typed = Needle::typed(NumKind::U32, "0xdeadbeef", Endian::Little).unwrap();
        assert_eq!(find_next(&snap, &typed, 0), Some(5000));
        let float = Needle::typed(NumKind::F32, "1.5", Endian::Big).unwrap();
        assert_eq!(find_all(&snap, &float, 0..u64::MAX, 10), vec![6000]);
        assert!(Needle::text("").is_err());
        assert!(
            Needle::hex("  ")
                .unwrap_err()
                .to_string()
                .contains("nothing to search")
        );
        assert!(Needle::typed(NumKind::U8, "300", Endian::Little).is_err());
    }

    #[test]
    fn finds_matches_that_straddle_chunk_boundaries() {
        let mut data = vec![7u8; 4 * CHUNK_BYTES + 100];
        let needle = b"abcdefgh";
        for at in [
            CHUNK_BYTES - 3,
            2 * CHUNK_BYTES - 7,
            3 * CHUNK_BYTES - 1,
            4 * CHUNK_BYTES + 92,
        ] {
            data[at..at + 8].copy_from_slice(needle);
        }
        let snap = snapshot(&data);
        let n = Needle::bytes(needle).unwrap();
        let expected = naive(&data, needle);
        assert_eq!(expected.len(), 4);
        assert_eq!(find_all(&snap, &n, 0..u64::MAX, 100), expected);
        // Walk forward and backward match by match.
        let mut at = 0;
        let mut forward = Vec::new();
        while let Some(found) = find_next(&snap, &n, at) {
            forward.push(found);
            at = found + 1;
        }
        assert_eq!(forward, expected);
        let mut before = u64::MAX;
        let mut backward = Vec::new();
        while let Some(found) = find_prev(&snap, &n, before) {
            backward.push(found);
            before = found;
        }
        backward.reverse();
        assert_eq!(backward, expected);
    }

    #[test]
    fn agrees_with_brute_force_on_small_alphabets() {
        // Pseudo-random bytes over {a, b}: many overlapping and straddling matches.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let data: Vec<u8> = (0..3 * CHUNK_BYTES + 17)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                b'a' + (state & 1) as u8
            })
            .collect();
        let snap = snapshot(&data);
        for needle in [&b"a"[..], b"ab", b"abba", b"aaaaaaaaaa", b"babbabbaabab"] {
            let n = Needle::bytes(needle).unwrap();
            let expected = naive(&data, needle);
            assert_eq!(find_all(&snap, &n, 0..u64::MAX, usize::MAX), expected);
            for probe in [
                0,
                1,
                CHUNK_BYTES as u64 - 5,
                CHUNK_BYTES as u64,
                2 * CHUNK_BYTES as u64 + 3,
                data.len() as u64 - 3,
            ] {
                let next = expected.iter().copied().find(|&m| m >= probe);
                assert_eq!(find_next(&snap, &n, probe), next, "next {needle:?} {probe}");
                let prev = expected.iter().copied().rev().find(|&m| m < probe);
                assert_eq!(find_prev(&snap, &n, probe), prev, "prev {needle:?} {probe}");
            }
            // A range in the middle keeps only matches wholly inside it.
            let range = CHUNK_BYTES as u64 - 10..2 * CHUNK_BYTES as u64 + 10;
            let inside: Vec<u64> = expected
                .iter()
                .copied()
                .filter(|&m| m >= range.start && m + needle.len() as u64 <= range.end)
                .collect();
            assert_eq!(find_all(&snap, &n, range.clone(), usize::MAX), inside);
            assert_eq!(find_all(&snap, &n, range, 3), inside[..3.min(inside.len())]);
        }
    }

    #[test]
    fn needles_longer_than_a_chunk() {
        let mut data = vec![0u8; 4 * CHUNK_BYTES];
        let long: Vec<u8> = (0..CHUNK_BYTES + 500)
            .map(|i| (i % 251) as u8 + 1)
            .collect();
        let at = CHUNK_BYTES + 1000;
        data[at..at + long.len()].copy_from_slice(&long);
        let snap = snapshot(&data);
        let n = Needle::bytes(&long).unwrap();
        assert_eq!(find_next(&snap, &n, 0), Some(at as u64));
        assert_eq!(find_prev(&snap, &n, u64::MAX), Some(at as u64));
        assert_eq!(find_prev(&snap, &n, at as u64), None);
        assert_eq!(find_all(&snap, &n, 0..u64::MAX, 5), vec![at as u64]);
    }

    #[test]
    fn edges_of_memory() {
        let mut data = vec![0u8; CHUNK_BYTES + 10];
        data[CHUNK_BYTES + 7..].copy_from_slice(b"end");
        data[..3].copy_from_slice(b"beg");
        let snap = snapshot(&data);
        let end = Needle::text("end").unwrap();
        assert_eq!(find_next(&snap, &end, 0), Some(CHUNK_BYTES as u64 + 7));
        assert_eq!(find_next(&snap, &end, u64::MAX), None);
        assert_eq!(
            find_prev(&snap, &end, u64::MAX),
            Some(CHUNK_BYTES as u64 + 7)
        );
        let beg = Needle::text("beg").unwrap();
        assert_eq!(find_prev(&snap, &beg, 1), Some(0));
        assert_eq!(find_prev(&snap, &beg, 0), None);
        assert_eq!(find_all(&snap, &beg, 0..2, 5), Vec::<u64>::new());
        assert_eq!(find_all(&snap, &beg, 0..3, 0), Vec::<u64>::new());
        let empty = Snapshot::empty();
        assert_eq!(find_next(&empty, &beg, 0), None);
        assert_eq!(find_prev(&empty, &beg, 10), None);
    }
}
