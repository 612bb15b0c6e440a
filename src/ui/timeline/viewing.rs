//! Looking at the past: the hex view shows memory after a chosen step (or where two
//! steps differ) instead of live memory, read-only, until "back to live". Live memory
//! stays where it is; what the view marks on the past entry is worked out once here.

use std::sync::Arc;

use crate::ui::document::Wasm;
use crate::ui::state::{AppState, Changed};

impl AppState {
    /// Shows memory after step `index`; `None` goes back to live memory.
    pub fn view_step(&mut self, index: Option<usize>) {
        self.doc.instance.timeline.view(index);
        self.mark_viewed();
    }

    /// Shows memory after write `at` of step `entry` (which recorded its writes).
    pub fn scrub(&mut self, entry: usize, at: usize) {
        let doc = &mut self.doc;
        let segments = || match &doc.wasm {
            Some(Wasm::Module(module)) => module.info.segment_bytes(&module.bytes).into(),
            _ => Arc::from(Vec::new()),
        };
        doc.instance.timeline.scrub_to(entry, at, segments);
        self.show_scrubbed();
    }

    /// Takes up a scrubber's replay built on its own thread, once it is ready.
    pub fn poll_scrub(&mut self) {
        if self.doc.instance.timeline.poll_building() {
            self.show_scrubbed();
        }
    }

    /// Marks what the scrubbed position shows and brings its write into view (the
    /// view stays where it is when it shows it).
    fn show_scrubbed(&mut self) {
        let scrub = self.doc.instance.timeline.scrub();
        if let Some(write) = scrub.and_then(|s| s.write.as_ref()) {
            self.reveal = Some(write.range.start);
        }
        self.mark_viewed();
    }

    /// Compares the step viewed (or the newest) with step `other`.
    pub fn compare_with(&mut self, other: usize) {
        self.doc.instance.timeline.compare_with(other);
        self.mark_viewed();
    }

    /// Moves through the timeline by `delta` steps (past the newest: live again).
    pub fn step_timeline(&mut self, delta: isize) {
        self.doc.instance.timeline.step_by(delta);
        self.mark_viewed();
    }

    /// Works out what the entry the timeline points at marks: its changes (or the
    /// differences of a comparison) and its regions; nothing when live memory is shown.
    fn mark_viewed(&mut self) {
        let instance = &mut self.doc.instance;
        let timeline = &instance.timeline;
        instance.viewed = timeline.viewed().map(|(index, snapshot, label)| {
            let changed = match timeline.comparison() {
                Some(comparison) => Changed {
                    ranges: comparison.ranges.clone(),
                    step: format!(
                        "the steps between {} and {}",
                        timeline.name(comparison.from),
                        timeline.name(comparison.to)
                    ),
                    stale: false,
                },
                None => Changed {
                    ranges: snapshot.changed().to_vec(),
                    step: match timeline.scrub() {
                        Some(scrub) => format!("write {} of {} of {label}", scrub.at, scrub.len()),
                        None => label.to_owned(),
                    },
                    stale: false,
                },
            };
            (changed, timeline.regions_at(index))
        });
    }
}
