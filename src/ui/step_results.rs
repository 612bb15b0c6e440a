//! What a finished step means for the window: its lines in the log (the same ones
//! `wasmscope run` prints), its marks on memory, its entry on the timeline, and the
//! walkthrough's progress.

use std::collections::HashMap;
use std::sync::Arc;

use crate::engine::{StepOutput, StepReport, changed_line};
use crate::inspect::{Dwarf, SourceLocation};
use crate::memory::{
    Region, RegionKind, TracedWrite, Writer, Written, ranges_len_bytes, set_region,
};
use crate::recipe::Op;

use super::state::{AppState, LogKind};
use super::timeline::{RecordedCall, StepMark};

impl AppState {
    /// Applies a step's report.
    pub(super) fn step_done(&mut self, mut report: StepReport) {
        if self.doc.instance.timeline.viewing().is_some() {
            self.view_step(None);
        }
        let log_line = self.log.len();
        self.push_log(LogKind::Step, format!("> {}", report.label));
        for line in &report.intro {
            self.push_log(LogKind::Info, line.clone());
        }
        let before = self.doc.instance.snapshot.clone();
        self.take_snapshot(report.snapshot.clone(), Some(&report.label));
        let host_base = self.host_base();
        self.doc.instance.globals = report.globals.clone();
        self.push_notes(report.notes.clone());
        match &report.outcome {
            Ok(_) => {
                for line in report.result_lines(host_base) {
                    self.push_log(LogKind::Info, line);
                }
                // A component's call has said what changed at each of its core calls.
                if report.abi.is_none() {
                    self.push_log(LogKind::Changed, changed_line(report.snapshot.changed()));
                }
            }
            Err(error) => {
                self.push_log(LogKind::Error, format!("{} failed: {error}", report.label));
            }
        }
        if let Some((ranges, line)) = &report.overrun {
            self.push_log(LogKind::Error, line.clone());
            self.doc
                .instance
                .marks
                .overruns
                .extend(ranges.iter().cloned());
            self.doc.instance.marks.overruns.sort_by_key(|r| r.start);
        }
        let region = report
            .target
            .clone()
            .zip(report.region)
            .map(|(range, kind)| Region {
                range,
                kind,
                label: report.label.clone(),
            });
        self.record_writers(&report);
        if let Some(region) = &region {
            if region.kind == RegionKind::Allocation {
                self.doc
                    .instance
                    .marks
                    .allocations
                    .push((region.range.clone(), report.label.clone()));
            }
            self.reveal = Some(region.range.start);
            set_region(&mut self.doc.instance.regions, region.clone());
        }
        self.refresh_map();
        let mut regions: Vec<Region> = region.into_iter().collect();
        if let Some(trace) = &report.abi {
            regions.extend(self.abi_entries(trace));
        }
        if report.writes_unlisted > 0 {
            self.push_log(
                LogKind::Error,
                format!(
                    "Recorded the first {} of its writes; {} more were only counted (who \
                     wrote those bytes is not known). Settings: Writes kept per step.",
                    report.writes_listed(),
                    report.writes_unlisted
                ),
            );
        }
        if !report.writes.is_empty() {
            let entry = self.doc.instance.timeline.len();
            let memory = self.shown_memory();
            let call = RecordedCall {
                before,
                memory,
                writes: Arc::new(std::mem::take(&mut report.writes)),
            };
            self.doc.instance.timeline.calls.insert(entry, call);
        }
        let changed_bytes = ranges_len_bytes(report.snapshot.changed());
        self.doc.instance.timeline.push(
            report.label.clone(),
            report.snapshot.clone(),
            StepMark {
                pause: false,
                changed_bytes,
                failed: report.failed(),
                overrun: report.overrun.is_some(),
                log_line: Some(log_line),
                regions,
            },
        );
        self.doc.instance.session.steps.push(report.step.clone());
        self.doc.instance.bindings = report.bindings.clone();
        self.doc.instance.shown = super::lessons::shown_range(&report);
        if let Some(range) = &self.doc.instance.shown {
            self.reveal = Some(range.start);
        }
        if report.failed() {
            self.doc.stages.clear();
        } else if let Some(&(index, stage)) = self.doc.stages.front()
            && index == report.index
        {
            self.doc.stages.pop_front();
            self.doc.stage_steps.insert(index, stage);
        }
        if let Some(&stage) = self.doc.stage_steps.get(&report.index) {
            self.doc.walk.completed(stage, &report);
        }
    }
}

impl AppState {
    /// Notes who wrote what in `report`: each traced instruction, or the host.
    fn record_writers(&mut self, report: &StepReport) {
        let step = report.index + 1;
        if let (Op::Write { .. }, Ok(StepOutput::Written), Some(range)) =
            (&report.step.op, &report.outcome, &report.target)
        {
            let writer = Writer {
                what: format!("the host ({})", report.label).into(),
                group: "the host".into(),
                step,
            };
            self.doc.instance.writers.record(range.clone(), writer);
        }
        self.record_traced(&report.writes, step);
    }

    /// Records who wrote each byte that `writes` (of step `step`, counted from 1)
    /// wrote; a write that trapped wrote nothing, and a grow only made room.
    pub(super) fn record_traced(
        &mut self,
        writes: impl IntoIterator<Item = TracedWrite>,
        step: usize,
    ) {
        let dwarf = self.doc.module().and_then(|m| m.dwarf.clone());
        // Writes repeat their instructions: each is named once.
        let mut writers: HashMap<u64, Writer> = HashMap::new();
        // New pages are nobody's bytes (a byte's history still lists the grow); the
        // writes to a memory not shown are not its bytes.
        let memory = self.shown_memory();
        let wrote = |w: &TracedWrite| {
            !w.trapped && w.memory == memory && !matches!(w.written, Written::Grown { .. })
        };
        for write in writes.into_iter().filter(wrote) {
            let writer = writers.entry(write.pc).or_insert_with(|| {
                let (what, group) = writer_of(&write, dwarf.as_deref());
                Writer {
                    what: what.into(),
                    group: group.into(),
                    step,
                }
            });
            self.doc
                .instance
                .writers
                .record(write.range, writer.clone());
        }
        self.doc.instance.writer_totals = self.doc.instance.writers.summary();
    }
}

/// Who made `write`, as hovering a byte and the memory map say it: in source terms
/// when DWARF covers its instruction (``\`upper\` at poly.c:12 (\`i32.store8\`)``),
/// else by place (`append+0x004c (i32.store8)`).
pub(in crate::ui) fn writer_name(write: &TracedWrite, dwarf: Option<&Dwarf>) -> String {
    writer_of(write, dwarf).0
}

/// `write`'s writer name (`writer_name`) and the function it is in (`upper`,
/// `append`), which colouring memory by writer groups by.
fn writer_of(write: &TracedWrite, dwarf: Option<&Dwarf>) -> (String, String) {
    let place = write.place.as_ref();
    let in_place = place.split_once('+').map_or(place, |(name, _)| name);
    let frames = dwarf.map(|d| d.frames_at(write.pc)).unwrap_or_default();
    let located = || {
        frames
            .iter()
            .filter_map(|frame| Some((frame.function.clone(), frame.location.clone()?)))
    };
    // Rust's standard library inlined into your code (`memory.grow` through
    // `core::arch`, a `copy_from_slice`) names your line that called it, as the source
    // view does.
    let Some((function, location)) = located()
        .find(|(_, location)| !crate::inspect::is_rust_std(&location.file))
        .or_else(|| located().next())
    else {
        return (format!("{place} ({})", write.op), in_place.to_owned());
    };
    let function = function.unwrap_or_else(|| in_place.to_owned());
    let line = SourceLocation {
        column: 0,
        ..location
    };
    let name = format!("`{function}` at {line} (`{}`)", write.op);
    (name, function)
}
