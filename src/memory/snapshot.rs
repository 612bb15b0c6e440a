//! Immutable snapshots of a linear memory, cut into fixed-size chunks held through
//! `Arc`. A chunk that did not change since the previous snapshot is the *same* `Arc`,
//! so a history of snapshots costs only the chunks that changed, and a diff only looks
//! inside chunks whose pointers differ.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::merge_ranges;

/// Bytes per chunk: one WebAssembly page.
pub const CHUNK_BYTES: usize = 65536;

/// One all-zero chunk shared by every snapshot (fresh and grown memory is zeros).
pub(super) fn zero_chunk() -> Arc<[u8]> {
    static ZERO: OnceLock<Arc<[u8]>> = OnceLock::new();
    ZERO.get_or_init(|| Arc::from(vec![0u8; CHUNK_BYTES]))
        .clone()
}

/// A read-only copy of a linear memory at one moment.
#[derive(Clone, Debug)]
pub struct Snapshot {
    chunks: Vec<Arc<[u8]>>,
    len_bytes: u64,
    host_base: u64,
    changed: Vec<Range<u64>>,
}

impl Snapshot {
    /// An empty snapshot (a module without memory).
    pub fn empty() -> Self {
        Self {
            chunks: Vec::new(),
            len_bytes: 0,
            host_base: 0,
            changed: Vec::new(),
        }
    }

    /// Copies `data`, reusing every chunk of `prev` whose bytes are unchanged, and
    /// records the byte ranges that differ from `prev` (all non-zero bytes when there
    /// is no previous snapshot). `host_base` is the host address of byte 0.
    pub fn capture(prev: Option<&Snapshot>, data: &[u8], host_base: u64) -> Self {
        let zero = zero_chunk();
        let mut chunks = Vec::with_capacity(data.len().div_ceil(CHUNK_BYTES));
        for (index, bytes) in data.chunks(CHUNK_BYTES).enumerate() {
            let reused = prev
                .and_then(|p| p.chunks.get(index))
                .filter(|old| old.len() == bytes.len() && old[..] == *bytes);
            let chunk = match reused {
                Some(old) => old.clone(),
                None if bytes.len() == CHUNK_BYTES && *bytes == zero[..] => zero.clone(),
                None => Arc::from(bytes),
            };
            chunks.push(chunk);
        }
        let mut snapshot = Self {
            chunks,
            len_bytes: data.len() as u64,
            host_base,
            changed: Vec::new(),
        };
        snapshot.changed = match prev {
            Some(prev) => changed_ranges(prev, &snapshot),
            None => changed_ranges(&Snapshot::empty(), &snapshot),
        };
        snapshot
    }

    /// A snapshot of `chunks` (each `CHUNK_BYTES` but the last, together `len_bytes`)
    /// whose changed bytes are `changed`: what a replay (`MemoryImage`) hands out.
    pub(super) fn from_chunks(
        chunks: Vec<Arc<[u8]>>,
        len_bytes: u64,
        host_base: u64,
        changed: Vec<Range<u64>>,
    ) -> Self {
        Self {
            chunks,
            len_bytes,
            host_base,
            changed,
        }
    }

    /// Size of the memory in bytes.
    pub fn len_bytes(&self) -> u64 {
        self.len_bytes
    }

    /// Host address of guest offset 0 when the snapshot was taken (a number only).
    pub fn host_base(&self) -> u64 {
        self.host_base
    }

    /// The byte ranges that changed since the snapshot this one was captured after.
    pub fn changed(&self) -> &[Range<u64>] {
        &self.changed
    }

    /// The byte at `offset`, if inside the memory.
    pub fn byte(&self, offset: u64) -> Option<u8> {
        let chunk = self
            .chunks
            .get(usize::try_from(offset / CHUNK_BYTES as u64).ok()?)?;
        chunk.get((offset % CHUNK_BYTES as u64) as usize).copied()
    }

    /// Copies up to `len` bytes starting at `offset` (fewer at the end of memory).
    pub fn read(&self, offset: u64, len: u64) -> Vec<u8> {
        let end = offset.saturating_add(len).min(self.len_bytes);
        read_chunks(&self.chunks, offset..end)
    }

    /// The chunks, in order; each covers `CHUNK_BYTES` (the last may be shorter).
    pub fn chunks(&self) -> &[Arc<[u8]>] {
        &self.chunks
    }
}

/// The bytes of `range` in memory cut into `chunks` (fewer where the chunks end).
pub(super) fn read_chunks(chunks: &[Arc<[u8]>], range: Range<u64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(range.end.saturating_sub(range.start) as usize);
    let mut at = range.start;
    while at < range.end {
        let index = (at / CHUNK_BYTES as u64) as usize;
        let within = (at % CHUNK_BYTES as u64) as usize;
        let take = (CHUNK_BYTES - within).min((range.end - at) as usize);
        match chunks.get(index).and_then(|c| c.get(within..within + take)) {
            Some(bytes) => out.extend_from_slice(bytes),
            None => break,
        }
        at += take as u64;
    }
    out
}

/// The byte ranges (sorted, merged) where `new` differs from `old`. Bytes past the end
/// of `old` count as changed where `new` holds a non-zero value (grown memory starts
/// zeroed); bytes past the end of `new` are ignored (memory never shrinks).
pub fn changed_ranges(old: &Snapshot, new: &Snapshot) -> Vec<Range<u64>> {
    let zero = zero_chunk();
    let mut ranges = Vec::new();
    for (index, chunk) in new.chunks.iter().enumerate() {
        let before = old.chunks.get(index).unwrap_or(&zero);
        if Arc::ptr_eq(before, chunk) || before[..] == chunk[..] {
            continue;
        }
        let base = (index * CHUNK_BYTES) as u64;
        diff_bytes(before, chunk, base, &mut ranges);
    }
    merge_ranges(ranges)
}

/// Appends the ranges where `b` differs from `a`, reading bytes past the end of `a`
/// as zero, offset by `base`.
fn diff_bytes(a: &[u8], b: &[u8], base: u64, out: &mut Vec<Range<u64>>) {
    let common = a.len().min(b.len());
    diff_same_len(&a[..common], &b[..common], base, out);
    let zero = zero_chunk();
    let mut at = common;
    while at < b.len() {
        let take = (b.len() - at).min(zero.len());
        diff_same_len(&zero[..take], &b[at..at + take], base + at as u64, out);
        at += take;
    }
}

/// Bytes compared at a time while skipping equal stretches.
const BLOCK_BYTES: usize = 32;

/// Appends the ranges where `b` differs from `a` (same length), offset by `base`.
/// Equal stretches are skipped a block at a time; only changed bytes and the block
/// holding each change are looked at one by one.
fn diff_same_len(a: &[u8], b: &[u8], base: u64, out: &mut Vec<Range<u64>>) {
    let len = a.len().min(b.len());
    let mut i = 0;
    while i < len {
        i = first_difference(&a[..len], &b[..len], i);
        if i == len {
            break;
        }
        let start = i;
        while i < len && a[i] != b[i] {
            i += 1;
        }
        out.push(base + start as u64..base + i as u64);
    }
}

/// The first index at or after `from` where `a` and `b` differ, or their length.
fn first_difference(a: &[u8], b: &[u8], from: usize) -> usize {
    let (a_blocks, _) = a[from..].as_chunks::<BLOCK_BYTES>();
    let (b_blocks, _) = b[from..].as_chunks::<BLOCK_BYTES>();
    let equal_blocks = a_blocks
        .iter()
        .zip(b_blocks)
        .take_while(|(x, y)| x == y)
        .count();
    let mut i = from + equal_blocks * BLOCK_BYTES;
    while i < a.len() && a[i] == b[i] {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(pages: usize) -> Vec<u8> {
        vec![0; pages * CHUNK_BYTES]
    }

    #[test]
    fn first_snapshot_reports_non_zero_bytes() {
        let mut data = memory(2);
        data[0x100..0x104].copy_from_slice(b"abcd");
        let snap = Snapshot::capture(None, &data, 0x7000_0000);
        assert_eq!(snap.changed(), &[0x100..0x104]);
        assert_eq!(snap.read(0x100, 4), b"abcd");
        assert_eq!(snap.host_base(), 0x7000_0000);
        assert_eq!(snap.len_bytes(), 2 * CHUNK_BYTES as u64);
    }

    #[test]
    fn unchanged_chunks_are_shared() {
        let mut data = memory(3);
        data[5] = 1;
        data[CHUNK_BYTES * 2 + 7] = 2;
        let a = Snapshot::capture(None, &data, 0);
        data[CHUNK_BYTES * 2 + 8] = 3;
        data[CHUNK_BYTES * 2 + 9] = 4;
        let b = Snapshot::capture(Some(&a), &data, 0);
        assert!(Arc::ptr_eq(&a.chunks()[0], &b.chunks()[0]));
        assert!(Arc::ptr_eq(&a.chunks()[1], &b.chunks()[1]));
        assert!(!Arc::ptr_eq(&a.chunks()[2], &b.chunks()[2]));
        let at = (CHUNK_BYTES * 2) as u64;
        assert_eq!(b.changed(), &[at + 8..at + 10]);
    }

    #[test]
    fn zero_chunks_share_one_allocation() {
        let a = Snapshot::capture(None, &memory(4), 0);
        assert!(Arc::ptr_eq(&a.chunks()[0], &a.chunks()[3]));
        assert!(a.changed().is_empty());
    }

    #[test]
    fn grown_memory_reports_only_written_bytes() {
        let mut data = memory(1);
        data[10] = 9;
        let a = Snapshot::capture(None, &data, 0x1000);
        data.resize(3 * CHUNK_BYTES, 0);
        data[CHUNK_BYTES * 2] = 7;
        let b = Snapshot::capture(Some(&a), &data, 0x2000);
        assert_eq!(b.len_bytes(), 3 * CHUNK_BYTES as u64);
        let at = (CHUNK_BYTES * 2) as u64;
        assert_eq!(b.changed(), &[at..at + 1]);
        assert_eq!(b.host_base(), 0x2000);
        assert!(Arc::ptr_eq(&a.chunks()[0], &b.chunks()[0]));
    }

    #[test]
    fn reads_across_chunks_and_clamps_at_the_end() {
        let mut data = memory(2);
        data[CHUNK_BYTES - 2..CHUNK_BYTES + 2].copy_from_slice(&[1, 2, 3, 4]);
        let snap = Snapshot::capture(None, &data, 0);
        assert_eq!(snap.read(CHUNK_BYTES as u64 - 2, 4), vec![1, 2, 3, 4]);
        assert_eq!(snap.read(2 * CHUNK_BYTES as u64 - 1, 10).len(), 1);
        assert_eq!(snap.read(u64::MAX - 1, 10), Vec::<u8>::new());
        assert_eq!(snap.byte(CHUNK_BYTES as u64), Some(3));
        assert_eq!(snap.byte(2 * CHUNK_BYTES as u64), None);
    }

    /// The changed ranges by brute force, byte by byte.
    fn naive_changes(old: &[u8], new: &[u8]) -> Vec<Range<u64>> {
        let differs = |i: usize| old.get(i).copied().unwrap_or(0) != new[i];
        let mut ranges: Vec<Range<u64>> = Vec::new();
        for i in (0..new.len()).filter(|&i| differs(i)) {
            match ranges.last_mut() {
                Some(last) if last.end == i as u64 => last.end += 1,
                _ => ranges.push(i as u64..i as u64 + 1),
            }
        }
        ranges
    }

    #[test]
    fn diff_matches_brute_force() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let old: Vec<u8> = (0..3 * CHUNK_BYTES + 100).map(|_| next() as u8).collect();
        let mut new = old.clone();
        // Scattered single bytes, short runs at block edges, a long run across chunks.
        for _ in 0..200 {
            let at = (next() as usize) % new.len();
            new[at] = new[at].wrapping_add(1);
        }
        for at in [31, 32, 63, CHUNK_BYTES - 1, CHUNK_BYTES + 30] {
            new[at..at + 3].iter_mut().for_each(|b| *b = !*b);
        }
        new[2 * CHUNK_BYTES - 500..2 * CHUNK_BYTES + 700]
            .iter_mut()
            .for_each(|b| *b = b.wrapping_add(7));
        new.extend((0..CHUNK_BYTES).map(|i| (i % 7 == 0) as u8));
        let a = Snapshot::capture(None, &old, 0);
        let b = Snapshot::capture(Some(&a), &new, 0);
        assert_eq!(b.changed(), naive_changes(&old, &new));
        let fresh = Snapshot::capture(None, &new, 0);
        assert_eq!(changed_ranges(&a, &fresh), naive_changes(&old, &new));
        assert_eq!(fresh.changed(), naive_changes(&[], &new));
    }

    #[test]
    fn partial_last_chunk() {
        let data = vec![1u8; CHUNK_BYTES + 10];
        let a = Snapshot::capture(None, &data, 0);
        assert_eq!(a.chunks().len(), 2);
        assert_eq!(a.changed(), &[0..CHUNK_BYTES as u64 + 10]);
    }
}
