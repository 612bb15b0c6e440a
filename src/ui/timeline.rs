//! The session's past: a snapshot after every step (`memory::History`), what each
//! step did, and which past step (or pair of steps) the hex view shows instead of
//! live memory. Pure state; `timeline_panel` draws it.

use std::ops::Range;
use std::sync::Arc;

use crate::memory::{History, Region, Snapshot, changed_ranges, set_region};

/// What the strip shows for one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepMark {
    /// Bytes the step changed.
    pub changed_bytes: u64,
    /// Whether it failed (a trap, a timeout…).
    pub failed: bool,
    /// Whether it wrote outside its allocation.
    pub overrun: bool,
    /// The first log line about it.
    pub log_line: usize,
    /// The region it marked (its allocation, the input it wrote, the output it read).
    pub region: Option<Region>,
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

/// The timeline of one instance.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Memory after each step.
    pub history: History,
    /// What each step did (same order as `history`).
    pub marks: Vec<StepMark>,
    /// The step shown instead of live memory, if any.
    pub viewing: Option<usize>,
    /// Two steps compared, if any (the view shows the later one).
    pub comparison: Option<Comparison>,
}

impl Timeline {
    /// Appends a step.
    pub fn push(&mut self, label: String, snapshot: Arc<Snapshot>, mark: StepMark) {
        self.history.push(label, snapshot);
        self.marks.push(mark);
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// Whether no step ran yet.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// Shows step `index` (None: live memory). Ends a comparison.
    pub fn view(&mut self, index: Option<usize>) {
        self.viewing = index.filter(|&i| i < self.len());
        self.comparison = None;
    }

    /// Compares the step viewed (or the last one) with step `other`.
    pub fn compare_with(&mut self, other: usize) {
        let Some(current) = self.viewing.or(self.len().checked_sub(1)) else {
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
        self.viewing = Some(to);
        self.comparison = Some(Comparison { from, to, ranges });
    }

    /// Moves the viewed step by `delta` (from live, back goes to the last step).
    pub fn step_by(&mut self, delta: isize) {
        let last = self.len().checked_sub(1);
        let next = match (self.viewing, last) {
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
            .filter_map(|m| m.region.clone())
        {
            set_region(&mut regions, region);
        }
        regions
    }

    /// The snapshot and label of the step viewed.
    pub fn viewed(&self) -> Option<(usize, &Arc<Snapshot>, &str)> {
        let index = self.viewing?;
        let entry = self.history.get(index)?;
        Some((index, &entry.snapshot, entry.label.as_str()))
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
                changed_bytes: 1,
                failed: false,
                overrun: false,
                log_line: step,
                region: None,
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
        assert_eq!(t.viewing, Some(2));
        t.step_by(-1);
        t.step_by(-1);
        t.step_by(-1);
        assert_eq!(t.viewing, Some(0));
        t.step_by(1);
        assert_eq!(t.viewed().unwrap().2, "step 1");
        t.step_by(1);
        t.step_by(1);
        assert_eq!(t.viewing, None);
        t.view(Some(9));
        assert_eq!(t.viewing, None);
        assert!(Timeline::default().viewed().is_none());
    }

    #[test]
    fn comparing_two_steps_lists_what_differs() {
        let mut t = timeline(4);
        t.view(Some(3));
        t.compare_with(0);
        let comparison = t.comparison.clone().unwrap();
        assert_eq!((comparison.from, comparison.to), (0, 3));
        assert_eq!(comparison.ranges, vec![10..11, 20..21, 30..31]);
        assert_eq!(t.viewing, Some(3));
        t.view(None);
        assert!(t.comparison.is_none());
    }
}
