//! The snapshots of a session, one per step, for scrubbing back in time.
//!
//! Snapshots share unchanged chunks (`Snapshot::capture` reuses the previous
//! snapshot's `Arc`s), so the history costs one copy of memory plus the chunks each
//! step changed; `held_bytes` measures exactly that.

use std::collections::HashSet;
use std::sync::Arc;

use super::snapshot::Snapshot;

/// One step's snapshot and what the step was.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    /// The step, as shown on the timeline: `alloc(46)`, `append(ptr, 16)`.
    pub label: String,
    /// Memory after the step.
    pub snapshot: Arc<Snapshot>,
}

/// Snapshots in step order.
#[derive(Clone, Debug, Default)]
pub struct History {
    entries: Vec<HistoryEntry>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the snapshot taken after the step `label`.
    pub fn push(&mut self, label: impl Into<String>, snapshot: Arc<Snapshot>) {
        self.entries.push(HistoryEntry {
            label: label.into(),
            snapshot,
        });
    }

    /// The `index`th entry (0 is the first step), if any.
    pub fn get(&self, index: usize) -> Option<&HistoryEntry> {
        self.entries.get(index)
    }

    /// The newest entry, if any.
    pub fn last(&self) -> Option<&HistoryEntry> {
        self.entries.last()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &HistoryEntry> {
        self.entries.iter()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Bytes of memory contents the history holds: each distinct chunk allocation
    /// counted once (by `Arc` pointer identity), however many snapshots share it.
    /// Bookkeeping is not counted (per snapshot, 16 bytes per chunk for the chunk
    /// list and the changed ranges; per chunk, the `Arc`'s 16-byte header).
    pub fn held_bytes(&self) -> u64 {
        let mut seen = HashSet::new();
        let mut total = 0u64;
        for entry in &self.entries {
            for chunk in entry.snapshot.chunks() {
                if seen.insert(Arc::as_ptr(chunk).cast::<u8>()) {
                    total += chunk.len() as u64;
                }
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::CHUNK_BYTES;

    #[test]
    fn counts_shared_chunks_once() {
        let pages = 16;
        let mut data: Vec<u8> = (0..pages * CHUNK_BYTES)
            .map(|i| (i % 253) as u8 + 1)
            .collect();
        let mut history = History::new();
        assert!(history.is_empty());
        assert_eq!(history.held_bytes(), 0);
        let mut prev: Option<Arc<Snapshot>> = None;
        for step in 0..10 {
            data[(step % pages) * CHUNK_BYTES + 3] ^= 0xff;
            let snap = Arc::new(Snapshot::capture(prev.as_deref(), &data, 0));
            history.push(format!("step {step}"), snap.clone());
            prev = Some(snap);
        }
        assert_eq!(history.len(), 10);
        assert_eq!(history.get(2).unwrap().label, "step 2");
        assert!(history.get(10).is_none());
        assert_eq!(history.last().unwrap().label, "step 9");
        assert_eq!(history.iter().len(), 10);
        let expected = (pages + 9) * CHUNK_BYTES;
        assert_eq!(history.held_bytes(), expected as u64);
        history.clear();
        assert_eq!(history.held_bytes(), 0);
    }

    #[test]
    fn zero_pages_are_one_allocation() {
        let mut history = History::new();
        let zeros = vec![0u8; 8 * CHUNK_BYTES];
        let a = Arc::new(Snapshot::capture(None, &zeros, 0));
        history.push("start", a.clone());
        history.push("again", Arc::new(Snapshot::capture(Some(&a), &zeros, 0)));
        assert_eq!(history.held_bytes(), CHUNK_BYTES as u64);
    }
}
