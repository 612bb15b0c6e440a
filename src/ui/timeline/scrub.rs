//! Inside a recorded call: the writes each step made, kept (within a budget) with the
//! memory the step started from, and the position a scrubber shows — memory after
//! the call's first *k* writes, the *k*th outlined. Pure state; `scrub_panel.rs`
//! draws the scrubber.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::engine::{CallReplay, Writes};
use crate::memory::{Segments, Snapshot, TracedWrite};

/// Most bytes of writes kept for scrubbing (about nine per recorded byte store: some
/// 55 M stores); the oldest steps' writes go first.
pub const KEPT_WRITES_BYTES: usize = 512 << 20;

/// A step's writes and the memory it started from.
#[derive(Clone, Debug)]
pub struct RecordedCall {
    /// Memory before the step.
    pub before: Arc<Snapshot>,
    /// Which of the module's memories that is (the one shown then).
    pub memory: u32,
    /// Its writes, in order.
    pub writes: Arc<Writes>,
}

/// Where a scrubber is: after write `at` of timeline entry `entry`.
#[derive(Clone, Debug)]
pub struct Scrub {
    /// The timeline entry (a step).
    pub entry: usize,
    /// Writes applied (0: memory as the step found it).
    pub at: usize,
    /// Memory after them, the `at`th write's bytes marked as changed.
    pub snapshot: Arc<Snapshot>,
    /// The `at`th write.
    pub write: Option<TracedWrite>,
    replay: Arc<CallReplay>,
}

impl Scrub {
    /// How many writes the step made.
    pub fn len(&self) -> usize {
        self.replay.len()
    }

    /// Whether it made none (a scrub is only made over a step that wrote).
    pub fn is_empty(&self) -> bool {
        self.replay.is_empty()
    }
}

/// Every kept step's writes, by timeline entry.
#[derive(Clone, Debug)]
pub struct RecordedCalls {
    calls: BTreeMap<usize, RecordedCall>,
    held_bytes: usize,
    budget: usize,
    /// How many steps' writes were let go to stay within the budget.
    pub dropped: usize,
}

impl Default for RecordedCalls {
    fn default() -> Self {
        Self::with_budget(KEPT_WRITES_BYTES)
    }
}

impl RecordedCalls {
    /// None yet, keeping at most `budget` bytes of writes.
    pub fn with_budget(budget: usize) -> Self {
        Self {
            calls: BTreeMap::new(),
            held_bytes: 0,
            budget,
            dropped: 0,
        }
    }

    /// Keeps the writes of entry `entry`, letting the oldest go past the budget.
    pub fn insert(&mut self, entry: usize, call: RecordedCall) {
        self.held_bytes += call.writes.held_bytes();
        if let Some(old) = self.calls.insert(entry, call) {
            self.held_bytes -= old.writes.held_bytes();
        }
        while self.held_bytes > self.budget && self.calls.len() > 1 {
            if let Some((_, old)) = self.calls.pop_first() {
                self.held_bytes -= old.writes.held_bytes();
                self.dropped += 1;
            }
        }
    }

    /// Whether no step kept its writes.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The writes of entry `entry`, if kept.
    pub fn get(&self, entry: usize) -> Option<&RecordedCall> {
        self.calls.get(&entry)
    }

    /// The newest entry with writes kept, at or before `entry`.
    pub fn at_or_before(&self, entry: usize) -> Option<usize> {
        self.calls.range(..=entry).next_back().map(|(&e, _)| e)
    }

    /// Scrubs entry `entry` to write `at`, reusing `current`'s replay when it is of
    /// the same entry; `segments` gives a new replay the module's data segments. A
    /// step of more than `BACKGROUND_REPLAY_WRITES` writes is replayed on a thread of
    /// its own: `Building` then says when it is ready.
    pub fn scrub(
        &self,
        current: Option<&Scrub>,
        entry: usize,
        at: usize,
        segments: impl FnOnce() -> Segments,
    ) -> Option<Scrubbing> {
        if let Some(scrub) = current.filter(|s| s.entry == entry) {
            return Some(Scrubbing::Ready(Scrub::new(
                scrub.replay.clone(),
                entry,
                at,
            )));
        }
        let call = self.get(entry)?;
        let (before, writes, memory) = (call.before.clone(), call.writes.clone(), call.memory);
        if writes.len() <= BACKGROUND_REPLAY_WRITES {
            let replay = Arc::new(CallReplay::new(&before, memory, writes, segments()));
            return Some(Scrubbing::Ready(Scrub::new(replay, entry, at)));
        }
        let done = Arc::new(OnceLock::new());
        let (filled, segments) = (done.clone(), segments());
        let count = writes.len();
        std::thread::spawn(move || {
            let _ = filled.set(Arc::new(CallReplay::new(&before, memory, writes, segments)));
        });
        Some(Scrubbing::Building(Building {
            entry,
            at,
            writes: count,
            done,
        }))
    }
}

/// Most writes of a step replayed at once when its scrubber is first used (about
/// 30 ms); a step of more is replayed on a thread of its own.
pub const BACKGROUND_REPLAY_WRITES: usize = 1_000_000;

/// A scrub: ready, or its replay still being built.
#[derive(Clone, Debug)]
pub enum Scrubbing {
    /// Memory after the write asked for.
    Ready(Scrub),
    /// The replay is on its way.
    Building(Building),
}

/// A replay being built on its own thread, and where the scrubber wants to be.
#[derive(Clone, Debug)]
pub struct Building {
    /// The timeline entry.
    pub entry: usize,
    /// The position asked for last.
    pub at: usize,
    /// How many writes are being replayed.
    pub writes: usize,
    done: Arc<OnceLock<Arc<CallReplay>>>,
}

impl Building {
    /// The scrub asked for, once the replay is built.
    pub fn ready(&self) -> Option<Scrub> {
        let replay = self.done.get()?.clone();
        Some(Scrub::new(replay, self.entry, self.at))
    }
}

impl Scrub {
    /// Memory after write `at` (at most the last) of `replay`, of entry `entry`.
    fn new(replay: Arc<CallReplay>, entry: usize, at: usize) -> Self {
        let at = at.min(replay.len());
        let (snapshot, write) = replay.at(at);
        Self {
            entry,
            at,
            snapshot: Arc::new(snapshot),
            write,
            replay,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Written;

    fn store(at: u64, byte: u8) -> TracedWrite {
        TracedWrite {
            range: at..at + 1,
            place: "f+0x0001".into(),
            pc: 1,
            op: "i32.store8",
            memory: 0,
            written: Written::bytes(&[byte]),
            trapped: false,
        }
    }

    fn call(writes: Vec<TracedWrite>) -> RecordedCall {
        RecordedCall {
            before: Arc::new(Snapshot::capture(None, &[0; 64], 0)),
            memory: 0,
            writes: Arc::new(writes.into()),
        }
    }

    #[test]
    fn a_scrub_shows_memory_after_each_write_and_reuses_its_replay() {
        let mut calls = RecordedCalls::default();
        calls.insert(2, call(vec![store(5, 1), store(6, 2), store(5, 3)]));
        assert_eq!(calls.at_or_before(1), None);
        assert_eq!(calls.at_or_before(7), Some(2));
        let none = || -> Segments { Arc::from(Vec::new()) };
        assert!(
            calls.scrub(None, 1, 0, none).is_none(),
            "entry 1 wrote nothing"
        );
        let ready = |scrubbing: Option<Scrubbing>| match scrubbing {
            Some(Scrubbing::Ready(scrub)) => scrub,
            other => panic!("{other:?}"),
        };
        let second = ready(calls.scrub(None, 2, 2, none));
        assert_eq!((second.at, second.len()), (2, 3));
        assert_eq!(second.snapshot.read(5, 2), [1, 2]);
        assert_eq!(second.snapshot.changed(), &[6..7]);
        let reused = || unreachable!("the replay is reused");
        let last = ready(calls.scrub(Some(&second), 2, 99, reused));
        assert_eq!((last.at, last.snapshot.read(5, 2)), (3, vec![3, 2]));
        assert_eq!(last.write.unwrap().range, 5..6);
    }

    #[test]
    fn past_the_budget_the_oldest_writes_go() {
        let per_call = call(vec![store(1, 1); 10]).writes.held_bytes();
        let mut calls = RecordedCalls::with_budget(per_call * 2);
        for entry in 0..4 {
            calls.insert(entry, call(vec![store(1, 1); 10]));
        }
        assert_eq!(calls.dropped, 2);
        assert!(calls.get(1).is_none() && calls.get(2).is_some() && calls.get(3).is_some());
    }
}
