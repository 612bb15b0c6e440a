//! A recorded call, write by write: memory as it was after any of its writes, quickly
//! enough to drag a scrubber through ten million of them. The writes are replayed once
//! over the snapshot taken before the call, keeping a checkpoint (the memory, and where
//! the following writes start) every `spacing` writes; memory after write *k* is then
//! the checkpoint before it plus fewer than `spacing` writes.

use std::sync::Arc;

use super::trace_log::{WritePos, Writes};
use crate::memory::{MemoryImage, Segments, Snapshot, TracedWrite};

/// Fewest writes between checkpoints (a short call has only the one before it).
const MIN_SPACING: usize = 16_384;

/// Most checkpoints per call (a long call spaces them further apart).
const MAX_CHECKPOINTS: usize = 64;

/// One call's writes over the memory before it.
#[derive(Debug)]
pub struct CallReplay {
    writes: Arc<Writes>,
    segments: Segments,
    spacing: usize,
    /// Memory after `i * spacing` writes, and where the next write is.
    checkpoints: Vec<(MemoryImage, WritePos)>,
}

impl CallReplay {
    /// The call that made `writes`, on memory number `memory` of the module, from
    /// `before` (that memory before the call); `segments` are the module's passive
    /// data segments (`memory.init` copies from them). Replays every write once.
    pub fn new(before: &Snapshot, memory: u32, writes: Arc<Writes>, segments: Segments) -> Self {
        let spacing = writes.len().div_ceil(MAX_CHECKPOINTS).max(MIN_SPACING);
        let mut image = MemoryImage::new(before, memory);
        let mut checkpoints = vec![(image.clone(), WritePos::default())];
        let mut iter = writes.iter();
        let mut done = 0;
        while let Some(write) = iter.next() {
            image.apply(&write, &segments);
            done += 1;
            if done % spacing == 0 && done < writes.len() {
                checkpoints.push((image.clone(), iter.pos()));
            }
        }
        Self {
            writes,
            segments,
            spacing,
            checkpoints,
        }
    }

    /// How many writes the call made.
    pub fn len(&self) -> usize {
        self.writes.len()
    }

    /// Whether it made none.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// The call's writes.
    pub fn writes(&self) -> &Writes {
        &self.writes
    }

    /// Memory after the first `k` writes (0: as the call found it; past the end: as it
    /// left it), its changed bytes the `k`th write's, and that write.
    pub fn at(&self, k: usize) -> (Snapshot, Option<TracedWrite>) {
        let k = k.min(self.len());
        // The checkpoint before write k itself, so that the write is applied (and named).
        let index = (k.saturating_sub(1) / self.spacing).min(self.checkpoints.len() - 1);
        let (image, pos) = &self.checkpoints[index];
        let mut image = image.clone();
        let mut last = None;
        for write in self.writes.iter_at(*pos).take(k - index * self.spacing) {
            image.apply(&write, &self.segments);
            last = Some(write);
        }
        let changed = last.iter().map(|w| w.range.clone()).collect();
        (image.snapshot(changed), last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::{CHUNK_BYTES, Written};

    #[test]
    fn memory_after_any_write_is_the_writes_so_far_over_the_memory_before() {
        let before = Snapshot::capture(None, &vec![0u8; CHUNK_BYTES], 0);
        // More writes than one checkpoint covers: each byte store writes its index.
        let count = MIN_SPACING * 3 + 5;
        let writes: Vec<TracedWrite> = (0..count)
            .map(|i| TracedWrite {
                range: (i % 1000) as u64..(i % 1000) as u64 + 1,
                place: "f+0x0001".into(),
                pc: 1,
                op: "i32.store8",
                memory: 0,
                written: Written::bytes(&[(i / 1000) as u8]),
                trapped: false,
            })
            .collect();
        let replay = CallReplay::new(&before, 0, Arc::new(writes.into()), Arc::from(Vec::new()));
        assert_eq!((replay.len(), replay.checkpoints.len()), (count, 4));
        let (start, none) = replay.at(0);
        assert!(none.is_none() && start.changed().is_empty());
        assert_eq!(start.byte(0), Some(0));
        for k in [
            1,
            999,
            1000,
            1001,
            MIN_SPACING,
            MIN_SPACING + 1,
            count - 1,
            count,
        ] {
            let (memory, last) = replay.at(k);
            let last = last.unwrap();
            let at = ((k - 1) % 1000) as u64;
            assert_eq!(last.range, at..at + 1, "write {k}");
            assert_eq!(memory.changed(), &[at..at + 1]);
            assert_eq!(memory.byte(at), Some(((k - 1) / 1000) as u8), "write {k}");
            // The byte after it still holds the previous round's value.
            let next = (k % 1000) as u64;
            let previous = (k / 1000).checked_sub(1).map_or(0, |round| round as u8);
            if next != 0 && k >= 1000 {
                assert_eq!(memory.byte(next), Some(previous), "write {k}");
            }
        }
        assert_eq!(
            replay.at(count + 10).1.unwrap().range,
            replay.at(count).1.unwrap().range
        );
    }
}
