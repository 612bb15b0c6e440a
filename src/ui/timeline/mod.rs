//! The session's past: a snapshot after every step (`memory::History`) and at every
//! pause inside a stepped call, what each did, and which past entry (or pair of
//! entries) the hex view shows instead of live memory. Pure state; `panel.rs`
//! draws it.

mod byte_history;
pub(super) mod panel;
mod scrub;
mod scrub_panel;
mod viewing;

use std::ops::Range;
use std::sync::Arc;

use crate::memory::{History, Region, Segments, Snapshot, changed_ranges, set_region};

pub use byte_history::change_line;
pub use scrub::{Building, RecordedCall, RecordedCalls, Scrub, Scrubbing};

/// What the strip shows for one entry: a step of the session, or a pause inside a
/// stepped call (the pauses of a call come before the call's own entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepMark {
    /// Whether this is a pause inside a call rather than a step of the session.
    pub pause: bool,
    /// Bytes the step (or the instructions since the last pause) changed.
    pub changed_bytes: u64,
    /// Whether it failed (a trap, a timeout…).
    pub failed: bool,
    /// Whether it wrote outside its allocation.
    pub overrun: bool,
    /// The first log line about it (a pause has none).
    pub log_line: Option<usize>,
    /// The regions it marked (its allocation, the input it wrote, the output it read;
    /// a component call's argument, return area and result).
    pub regions: Vec<Region>,
}

/// Two steps compared: memory after `from` against memory after `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The earlier step.
    pub from: usize,
    /// The later step.
    pub to: usize,
    /// Where they differ, sorted.
    pub ranges: Vec<Range<u64>>,
}

/// What the hex view shows of a timeline: one of these at a time.
#[derive(Clone, Debug, Default)]
enum Shown {
    /// Live memory.
    #[default]
    Live,
    /// Memory after an entry.
    Entry(usize),
    /// Two entries compared (the later one shown).
    Comparison(Comparison),
    /// Inside an entry's writes: memory after some of them.
    Scrub(Scrub),
    /// An entry, while its replay for the scrubber is built (a step of many writes).
    Building(Building),
}

/// The timeline of one instance.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Memory after each step.
    pub history: History,
    /// What each step did (same order as `history`).
    pub marks: Vec<StepMark>,
    /// What the view shows: live memory or an entry, and how.
    shown: Shown,
    /// The writes of the steps that recorded theirs.
    pub calls: RecordedCalls,
    /// Entries pushed so far (what a memo of the past is keyed on).
    pushes: u64,
    /// The byte history hovering asked for last.
    memo: byte_history::HistoryMemo,
}

impl Timeline {
    /// Appends a step or a pause.
    pub fn push(&mut self, label: String, snapshot: Arc<Snapshot>, mark: StepMark) {
        self.history.push(label, snapshot);
        self.marks.push(mark);
        self.pushes += 1;
    }

    /// Number of entries (steps and pauses).
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// Number of steps of the session.
    pub fn steps(&self) -> usize {
        self.marks.iter().filter(|m| !m.pause).count()
    }

    /// The session's index of the step at entry `index` (None for a pause).
    pub fn step_index(&self, index: usize) -> Option<usize> {
        let mark = self.marks.get(index)?;
        (!mark.pause).then(|| self.marks[..index].iter().filter(|m| !m.pause).count())
    }

    /// Entry `index` as banners name it: "step 3", or a pause's own label.
    pub fn name(&self, index: usize) -> String {
        match self.step_index(index) {
            Some(step) => format!("step {}", step + 1),
            None => self
                .history
                .get(index)
                .map_or_else(String::new, |e| e.label.clone()),
        }
    }

    /// Whether nothing ran yet.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// The entry shown instead of live memory, if any.
    pub fn viewing(&self) -> Option<usize> {
        match &self.shown {
            Shown::Live => None,
            Shown::Entry(index) => Some(*index),
            Shown::Comparison(comparison) => Some(comparison.to),
            Shown::Scrub(scrub) => Some(scrub.entry),
            Shown::Building(building) => Some(building.entry),
        }
    }

    /// The two steps compared, if the view compares.
    pub fn comparison(&self) -> Option<&Comparison> {
        match &self.shown {
            Shown::Comparison(comparison) => Some(comparison),
            _ => None,
        }
    }

    /// Where inside the viewed step's writes the view is, if it was scrubbed.
    pub fn scrub(&self) -> Option<&Scrub> {
        match &self.shown {
            Shown::Scrub(scrub) => Some(scrub),
            _ => None,
        }
    }

    /// The replay being built for the scrubber, if one is.
    pub fn building(&self) -> Option<&Building> {
        match &self.shown {
            Shown::Building(building) => Some(building),
            _ => None,
        }
    }

    /// Shows step `index` (None: live memory). Ends a comparison or a scrub.
    pub fn view(&mut self, index: Option<usize>) {
        self.shown = match index.filter(|&i| i < self.len()) {
            Some(index) => Shown::Entry(index),
            None => Shown::Live,
        };
    }

    /// Shows memory after write `at` of step `entry`'s kept writes (nothing happens
    /// when it kept none); `segments` are the module's data segments, for a new replay.
    pub fn scrub_to(&mut self, entry: usize, at: usize, segments: impl FnOnce() -> Segments) {
        if let Shown::Building(building) = &mut self.shown
            && building.entry == entry
        {
            building.at = at;
            return;
        }
        let Some(scrubbing) = self.calls.scrub(self.scrub(), entry, at, segments) else {
            return;
        };
        self.shown = match scrubbing {
            Scrubbing::Ready(scrub) => Shown::Scrub(scrub),
            Scrubbing::Building(building) => Shown::Building(building),
        };
    }

    /// Takes up a replay built on its own thread, once it is ready: whether it was.
    pub fn poll_building(&mut self) -> bool {
        let Some(scrub) = self.building().and_then(Building::ready) else {
            return false;
        };
        self.shown = Shown::Scrub(scrub);
        true
    }

    /// Compares the step viewed (or the last one) with step `other`.
    pub fn compare_with(&mut self, other: usize) {
        let Some(current) = self.viewing().or(self.len().checked_sub(1)) else {
            return;
        };
        if other >= self.len() || other == current {
            return;
        }
        let (from, to) = (current.min(other), current.max(other));
        let (Some(a), Some(b)) = (self.history.get(from), self.history.get(to)) else {
            return;
        };
        let ranges = changed_ranges(&a.snapshot, &b.snapshot);
        self.shown = Shown::Comparison(Comparison { from, to, ranges });
    }

    /// Moves the viewed step by `delta` (from live, back goes to the last step).
    pub fn step_by(&mut self, delta: isize) {
        let last = self.len().checked_sub(1);
        let next = match (self.viewing(), last) {
            (_, None) => None,
            (None, Some(last)) if delta < 0 => Some(last),
            (None, _) => None,
            (Some(at), Some(last)) => {
                let moved = at.saturating_add_signed(delta);
                (moved <= last && !(delta < 0 && at == 0)).then_some(moved)
            }
        };
        match next {
            Some(index) => self.view(Some(index)),
            // Forward past the last step goes back to live memory.
            None if delta > 0 => self.view(None),
            None => {}
        }
    }

    /// The regions marked as of step `index` (each step's replacing its kind's).
    pub fn regions_at(&self, index: usize) -> Vec<Region> {
        let mut regions = Vec::new();
        for region in self
            .marks
            .iter()
            .take(index + 1)
            .flat_map(|m| m.regions.iter().cloned())
        {
            set_region(&mut regions, region);
        }
        regions
    }

    /// The snapshot and label of the step viewed (part way through its writes when
    /// it was scrubbed).
    pub fn viewed(&self) -> Option<(usize, &Arc<Snapshot>, &str)> {
        let index = self.viewing()?;
        let entry = self.history.get(index)?;
        let snapshot = match self.scrub() {
            Some(scrub) if scrub.entry == index => &scrub.snapshot,
            _ => &entry.snapshot,
        };
        Some((index, snapshot, entry.label.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline(steps: usize) -> Timeline {
        let mut timeline = Timeline::default();
        let mut data = vec![0u8; 256];
        let mut prev: Option<Arc<Snapshot>> = None;
        for step in 0..steps {
            data[step * 10] = step as u8 + 1;
            let snap = Arc::new(Snapshot::capture(prev.as_deref(), &data, 0));
            let mark = StepMark {
                pause: false,
                changed_bytes: 1,
                failed: false,
                overrun: false,
                log_line: Some(step),
                regions: Vec::new(),
            };
            timeline.push(format!("step {step}"), snap.clone(), mark);
            prev = Some(snap);
        }
        timeline
    }

    #[test]
    fn stepping_back_and_forth_ends_at_live() {
        let mut t = timeline(3);
        t.step_by(-1);
        assert_eq!(t.viewing(), Some(2));
        t.step_by(-1);
        t.step_by(-1);
        t.step_by(-1);
        assert_eq!(t.viewing(), Some(0));
        t.step_by(1);
        assert_eq!(t.viewed().unwrap().2, "step 1");
        t.step_by(1);
        t.step_by(1);
        assert_eq!(t.viewing(), None);
        t.view(Some(9));
        assert_eq!(t.viewing(), None);
        assert!(Timeline::default().viewed().is_none());
    }

    #[test]
    fn comparing_two_steps_lists_what_differs() {
        let mut t = timeline(4);
        t.view(Some(3));
        t.compare_with(0);
        let comparison = t.comparison().cloned().unwrap();
        assert_eq!((comparison.from, comparison.to), (0, 3));
        assert_eq!(comparison.ranges, vec![10..11, 20..21, 30..31]);
        assert_eq!(t.viewing(), Some(3));
        t.view(None);
        assert!(t.comparison().is_none());
    }

    #[test]
    fn pauses_sit_between_steps_without_renumbering_them() {
        let mut t = timeline(2);
        let snap = t.history.last().unwrap().snapshot.clone();
        let pause = StepMark {
            pause: true,
            changed_bytes: 0,
            failed: false,
            overrun: false,
            log_line: None,
            regions: Vec::new(),
        };
        t.push("pause 1 at append+0x0000".into(), snap.clone(), pause);
        let call = StepMark {
            pause: false,
            ..t.marks[0].clone()
        };
        t.push("append(ptr, 16)".into(), snap, call);
        assert_eq!((t.len(), t.steps()), (4, 3));
        assert_eq!(
            (0..4).map(|i| t.step_index(i)).collect::<Vec<_>>(),
            [Some(0), Some(1), None, Some(2)]
        );
        assert_eq!(t.name(2), "pause 1 at append+0x0000");
        assert_eq!(t.name(3), "step 3");
        t.step_by(-1);
        t.step_by(-1);
        assert_eq!(t.viewed().unwrap().2, "pause 1 at append+0x0000");
    }
}
