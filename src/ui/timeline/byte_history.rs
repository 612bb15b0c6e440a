//! A byte's history: every write that touched it, in order, with the value before and
//! after — from the writes each step kept (`scrub::RecordedCalls`), and for a step
//! that kept none (the host's write, a pause) from the snapshots around it. Hovering
//! a byte lists it; it is worked out once per byte and timeline (a memo), since a
//! step may hold millions of writes.

use std::cell::RefCell;
use std::sync::Arc;

use crate::memory::{TracedWrite, Written};

use super::Timeline;

/// Most kept writes scanned for one byte's history (beyond it, hovering would stall
/// the window: scrubbing the step shows its writes instead).
pub const HISTORY_SCAN_WRITES: usize = 4_000_000;

/// One change of a byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByteChange {
    /// Who: `step 3: append+0x0011 (i32.store8)`, `step 2: write 16 bytes at 0x110008`.
    pub what: String,
    /// The value before, when known.
    pub old: Option<u8>,
    /// The value after, when known (a copy's source is not tracked byte by byte).
    pub new: Option<u8>,
}

/// A byte's changes, oldest first, or why they are not listed.
pub type ByteHistory = Result<Arc<Vec<ByteChange>>, String>;

/// The last history worked out: (byte, pushes of the timeline then, history).
#[derive(Clone, Debug, Default)]
pub struct HistoryMemo(RefCell<Option<(u64, u64, ByteHistory)>>);

impl Timeline {
    /// Every change of the byte at `offset` the timeline knows of, oldest first;
    /// `name` names an instruction's write as hovering does.
    pub fn byte_history(&self, offset: u64, name: impl Fn(&TracedWrite) -> String) -> ByteHistory {
        if let Some((at, pushes, history)) = &*self.memo.0.borrow()
            && (*at, *pushes) == (offset, self.pushes)
        {
            return history.clone();
        }
        let history = self.work_out_history(offset, name);
        *self.memo.0.borrow_mut() = Some((offset, self.pushes, history.clone()));
        history
    }

    fn work_out_history(&self, offset: u64, name: impl Fn(&TracedWrite) -> String) -> ByteHistory {
        let kept: usize = (0..self.len())
            .filter_map(|entry| self.calls.get(entry))
            .map(|call| call.writes.len())
            .sum();
        if kept > HISTORY_SCAN_WRITES {
            return Err(format!(
                "history not listed: the steps kept {kept} writes (scrub a step to see its own)"
            ));
        }
        let mut changes = Vec::new();
        for (entry, item) in self.history.iter().enumerate() {
            let who = match self.step_index(entry) {
                Some(step) => format!("step {}", step + 1),
                None => item.label.clone(),
            };
            let after = item.snapshot.byte(offset);
            let Some(call) = self.calls.get(entry) else {
                if item.snapshot.changed().iter().any(|r| r.contains(&offset)) {
                    let old = entry
                        .checked_sub(1)
                        .and_then(|e| self.history.get(e)?.snapshot.byte(offset));
                    let what = format!("{who}: {}", item.label);
                    changes.push(ByteChange {
                        what,
                        old,
                        new: after,
                    });
                }
                continue;
            };
            let mut value = call.before.byte(offset);
            for write in call.writes.iter() {
                if write.trapped || write.memory != call.memory || !write.range.contains(&offset) {
                    continue;
                }
                let new = match &write.written {
                    Written::Bytes(bytes) => bytes
                        .as_slice()
                        .get((offset - write.range.start) as usize)
                        .copied(),
                    Written::Fill(byte) => Some(*byte),
                    Written::Grown { .. } => Some(0),
                    Written::Copy { .. } | Written::Segment { .. } => None,
                };
                let what = format!("{who}: {}", name(&write));
                changes.push(ByteChange {
                    what,
                    old: value,
                    new,
                });
                value = new;
            }
            // Writes past the step's cap were only counted.
            if value.is_some() && value != after {
                let what = format!("{who}: writes not kept");
                changes.push(ByteChange {
                    what,
                    old: value,
                    new: after,
                });
            }
        }
        Ok(Arc::new(changes))
    }
}

/// `step 3: append+0x0011 (i32.store8)  00 -> 67`, as the tooltip lists a change.
pub fn change_line(change: &ByteChange) -> String {
    let value = |v: Option<u8>| v.map_or("??".to_owned(), |v| format!("{v:02x}"));
    format!(
        "{}  {} -> {}",
        change.what,
        value(change.old),
        value(change.new)
    )
}
