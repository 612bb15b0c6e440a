//! Looking at the past: the hex view shows memory after a chosen step (or where two
//! steps differ) instead of live memory, read-only, until "back to live".

use crate::ui::state::{AppState, Changed, LiveView};

impl AppState {
    /// Shows memory after step `index`; `None` goes back to live memory.
    pub fn view_step(&mut self, index: Option<usize>) {
        self.timeline.view(index);
        self.show_viewed();
    }

    /// Compares the step viewed (or the newest) with step `other`.
    pub fn compare_with(&mut self, other: usize) {
        self.timeline.compare_with(other);
        self.show_viewed();
    }

    /// Moves through the timeline by `delta` steps (past the newest: live again).
    pub fn step_timeline(&mut self, delta: isize) {
        self.timeline.step_by(delta);
        self.show_viewed();
    }

    /// Puts what the timeline points at into the hex view: a past snapshot with its
    /// changes (or the differences of a comparison), or live memory again.
    fn show_viewed(&mut self) {
        let Some((index, snapshot, label)) = self.timeline.viewed() else {
            if let Some(live) = self.live.take() {
                self.snapshot = live.snapshot;
                self.changed = live.changed;
                self.regions = live.regions;
            }
            self.log_focus = None;
            return;
        };
        let snapshot = snapshot.clone();
        let changed = match &self.timeline.comparison {
            Some(comparison) => Changed {
                ranges: comparison.ranges.clone(),
                step: format!(
                    "the steps between {} and {}",
                    self.timeline.name(comparison.from),
                    self.timeline.name(comparison.to)
                ),
                stale: false,
            },
            None => Changed {
                ranges: snapshot.changed().to_vec(),
                step: label.to_owned(),
                stale: false,
            },
        };
        self.log_focus = self.timeline.marks.get(index).and_then(|m| m.log_line);
        if self.live.is_none() {
            self.live = Some(LiveView {
                snapshot: self.snapshot.clone(),
                changed: self.changed.clone(),
                regions: self.regions.clone(),
            });
        }
        self.regions = self.timeline.regions_at(index);
        self.snapshot = snapshot;
        self.changed = changed;
    }
}
