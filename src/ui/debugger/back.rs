//! Back in time while paused: the call's pauses are timeline entries, so *Step back*
//! shows memory at the pause before the one shown, and *Run back to write* the pause
//! at the instruction that last wrote the selected bytes, before it wrote — a view of
//! the past, read-only; continuing resumes from the live pause.

use std::ops::Range;

use crate::ui::state::{AppState, LogKind};

impl AppState {
    /// The timeline entries of the paused call's pauses (after its last step), if a
    /// call is paused.
    fn pauses_of_call(&self) -> Option<Range<usize>> {
        self.doc.paused.as_ref()?;
        let marks = &self.doc.instance.timeline.marks;
        let first = marks.iter().rposition(|m| !m.pause).map_or(0, |i| i + 1);
        Some(first..marks.len())
    }

    /// The pause shown: the one viewed on the timeline, else the live one.
    fn pause_shown(&self, pauses: &Range<usize>) -> Option<usize> {
        let timeline = &self.doc.instance.timeline;
        let shown = timeline.viewing().or(pauses.end.checked_sub(1))?;
        pauses.contains(&shown).then_some(shown)
    }

    /// Shows memory at the pause before the one shown.
    pub fn step_back(&mut self) {
        let Some(pauses) = self.pauses_of_call() else {
            return;
        };
        match self.pause_shown(&pauses).and_then(|s| s.checked_sub(1)) {
            Some(earlier) if pauses.contains(&earlier) => self.view_step(Some(earlier)),
            _ => self.push_log(LogKind::Info, "This is the call's first pause."),
        }
    }

    /// Shows the call paused at the newest write of `range` up to the pause shown: the
    /// pause just before that write landed, at the writing instruction (as *Run to next
    /// write* pauses going forward).
    pub fn run_back_to_write(&mut self, range: Range<u64>) {
        let Some(pauses) = self.pauses_of_call() else {
            return;
        };
        let Some(shown) = self.pause_shown(&pauses) else {
            return;
        };
        let history = &self.doc.instance.timeline.history;
        let landed = (pauses.start..=shown).rev().find(|&entry| {
            history.get(entry).is_some_and(|e| {
                e.snapshot
                    .changed()
                    .iter()
                    .any(|c| c.start < range.end && range.start < c.end)
            })
        });
        match landed.and_then(|entry| entry.checked_sub(1)) {
            Some(before) => self.view_step(Some(before)),
            None => self.push_log(
                LogKind::Info,
                format!(
                    "No earlier write of this call changed {}.",
                    crate::memory::format_range(&range)
                ),
            ),
        }
    }
}
