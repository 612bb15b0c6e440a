//! Memory as it was after some of a call's writes: a snapshot taken before the call,
//! edited write by write. Chunks are copied on first write (the rest stay shared with
//! the snapshot), so replaying a call costs the chunks it touched.

use std::ops::Range;
use std::sync::Arc;

use super::snapshot::{Snapshot, read_chunks, zero_chunk};
use super::{CHUNK_BYTES, TracedWrite, Written};

/// The passive data segments' bytes, by segment index (`memory.init` copies them).
pub type Segments = Arc<[Arc<[u8]>]>;

/// A memory being replayed.
#[derive(Clone, Debug)]
pub struct MemoryImage {
    chunks: Vec<Arc<[u8]>>,
    len_bytes: u64,
    host_base: u64,
    /// Which of the module's memories this is (writes to the others pass it by).
    memory: u32,
}

impl MemoryImage {
    /// Memory number `memory` of the module, as `snapshot` holds it.
    pub fn new(snapshot: &Snapshot, memory: u32) -> Self {
        Self {
            chunks: snapshot.chunks().to_vec(),
            len_bytes: snapshot.len_bytes(),
            host_base: snapshot.host_base(),
            memory,
        }
    }

    /// Applies `write` as the guest made it; `segments` gives `memory.init` its bytes.
    /// A write that trapped, or that reaches past the end of memory, changes nothing
    /// (the guest's would have trapped too), nor does one to another memory.
    pub fn apply(&mut self, write: &TracedWrite, segments: &[Arc<[u8]>]) {
        if write.trapped || write.memory != self.memory {
            return;
        }
        let range = &write.range;
        match &write.written {
            Written::Grown { .. } => self.grow_to(range.end),
            Written::Bytes(bytes) => self.put(range.start, bytes.as_slice()),
            Written::Fill(byte) => {
                if range.end <= self.len_bytes {
                    self.put_with(range.clone(), |out, _| out.fill(*byte));
                }
            }
            Written::Copy { from } => {
                if from.end <= self.len_bytes {
                    let bytes = read_chunks(&self.chunks, from.clone());
                    self.put(range.start, &bytes);
                }
            }
            Written::Segment { index, offset } => {
                let len = range.end - range.start;
                let bytes = segments.get(*index as usize).and_then(|segment| {
                    let start = usize::try_from(*offset).ok()?;
                    segment.get(start..start.checked_add(usize::try_from(len).ok()?)?)
                });
                if let Some(bytes) = bytes {
                    self.put(range.start, bytes);
                }
            }
        }
    }

    /// The memory as a snapshot whose changed bytes are `changed`.
    pub fn snapshot(&self, changed: Vec<Range<u64>>) -> Snapshot {
        Snapshot::from_chunks(self.chunks.clone(), self.len_bytes, self.host_base, changed)
    }

    fn put(&mut self, at: u64, bytes: &[u8]) {
        let end = at.saturating_add(bytes.len() as u64);
        if end <= self.len_bytes {
            self.put_with(at..end, |out, from| {
                out.copy_from_slice(&bytes[from..from + out.len()]);
            });
        }
    }

    /// Calls `fill(part, offset in range)` on each chunk's part of `range` (inside
    /// memory), copying a shared chunk first.
    fn put_with(&mut self, range: Range<u64>, mut fill: impl FnMut(&mut [u8], usize)) {
        let mut at = range.start;
        while at < range.end {
            let index = (at / CHUNK_BYTES as u64) as usize;
            let within = (at % CHUNK_BYTES as u64) as usize;
            let take = (CHUNK_BYTES - within).min((range.end - at) as usize);
            if let Some(chunk) = self.chunks.get_mut(index) {
                let part = &mut Arc::make_mut(chunk)[within..within + take];
                fill(part, (at - range.start) as usize);
            }
            at += take as u64;
        }
    }

    fn grow_to(&mut self, len_bytes: u64) {
        if len_bytes <= self.len_bytes {
            return;
        }
        // The last chunk may be short (a memory that is not whole pages): zero-extend it.
        if let Some(last) = self.chunks.last_mut()
            && last.len() < CHUNK_BYTES
        {
            let mut whole = last.to_vec();
            whole.resize(CHUNK_BYTES, 0);
            *last = Arc::from(whole);
        }
        let chunks = len_bytes.div_ceil(CHUNK_BYTES as u64) as usize;
        self.chunks.resize_with(chunks, zero_chunk);
        self.len_bytes = chunks as u64 * CHUNK_BYTES as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(range: Range<u64>, written: Written) -> TracedWrite {
        TracedWrite {
            range,
            place: "f+0x0001".into(),
            pc: 1,
            op: "i32.store",
            memory: 0,
            written,
            trapped: false,
        }
    }

    #[test]
    fn each_kind_of_write_lands_as_the_guest_made_it() {
        let mut data = vec![0u8; CHUNK_BYTES];
        data[10..14].copy_from_slice(b"abcd");
        let before = Snapshot::capture(None, &data, 0x7f00_0000);
        let mut image = MemoryImage::new(&before, 0);
        let segments: Vec<Arc<[u8]>> = vec![Arc::from(&b"segment"[..])];
        // A store across the chunk boundary is cut off: it would trap.
        image.apply(
            &write(
                CHUNK_BYTES as u64 - 2..CHUNK_BYTES as u64 + 2,
                Written::bytes(b"zzzz"),
            ),
            &segments,
        );
        image.apply(&write(0..2, Written::bytes(b"hi")), &segments);
        image.apply(&write(2..5, Written::Fill(b'-')), &segments);
        image.apply(&write(20..24, Written::Copy { from: 10..14 }), &segments);
        let init = Written::Segment {
            index: 0,
            offset: 3,
        };
        image.apply(&write(30..34, init), &segments);
        let mut trapped = write(40..41, Written::bytes(b"!"));
        trapped.trapped = true;
        image.apply(&trapped, &segments);
        let mut elsewhere = write(41..42, Written::bytes(b"?"));
        elsewhere.memory = 1;
        image.apply(&elsewhere, &segments);
        let grown = write(
            CHUNK_BYTES as u64..2 * CHUNK_BYTES as u64,
            Written::Grown { pages: 1 },
        );
        image.apply(&grown, &segments);
        image.apply(
            &write(
                CHUNK_BYTES as u64..CHUNK_BYTES as u64 + 1,
                Written::bytes(b"g"),
            ),
            &segments,
        );
        let after = image.snapshot(vec![0..2]);
        assert_eq!(after.read(0, 5), b"hi---");
        assert_eq!(after.read(20, 4), b"abcd");
        assert_eq!(after.read(30, 4), b"ment");
        assert_eq!(after.byte(40), Some(0));
        assert_eq!(after.byte(41), Some(0), "a write to another memory");
        assert_eq!(after.read(CHUNK_BYTES as u64 - 2, 3), b"\0\0g");
        assert_eq!(after.len_bytes(), 2 * CHUNK_BYTES as u64);
        assert_eq!(
            (after.host_base(), after.changed()),
            (0x7f00_0000, &[0..2][..])
        );
        // The snapshot it started from is untouched.
        assert_eq!(before.read(0, 2), [0, 0]);
        assert_eq!(before.len_bytes(), CHUNK_BYTES as u64);
    }
}
