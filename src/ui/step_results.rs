//! What each finished step means for the window: the walkthrough's progress, the
//! newsletter's log lines, and the highlighted regions.

use std::ops::Range;

use crate::engine::{Step, StepOutput, call_line, format_values, pointer_lines, result_line};
use crate::memory::{Region, RegionKind, format_hex, set_region};

use super::state::{AppState, LogKind};
use super::walkthrough::Stage;

impl AppState {
    /// Applies a finished step's output (as walkthrough `stage`, if it is one).
    pub(super) fn step_done(&mut self, step: &Step, output: StepOutput, stage: Option<Stage>) {
        let label = step.label();
        let target = step.target(&output);
        match (stage, output) {
            (Some(Stage::Alloc), StepOutput::Pointer(ptr)) => {
                self.walk.ptr = Some(ptr);
                let len = self.walk.input_bytes().map_or(0, |b| b.len() as u64);
                for line in pointer_lines(ptr, len, self.host_base()) {
                    self.push_log(LogKind::Info, line);
                }
                if let Some(range) = &target {
                    self.marks.allocations.push((range.clone(), label.clone()));
                }
                self.mark(target, RegionKind::Allocation, label);
            }
            (Some(Stage::Write), StepOutput::Written) => {
                if let Step::Write { ptr, bytes } = step {
                    self.walk.written_len = Some(bytes.len() as u64);
                    let host = self.host_base().wrapping_add(*ptr);
                    self.push_log(
                        LogKind::Info,
                        format!("Wrote {} bytes at {ptr:#x} (host {host:#x})", bytes.len()),
                    );
                }
                self.mark(target, RegionKind::Input, label);
            }
            (Some(Stage::Call), StepOutput::Values(values)) => {
                let export = self.walk.call_export.clone();
                self.push_log(LogKind::Info, call_line(&export, &values));
                self.walk.new_len = values.first().and_then(|v| v.as_u64());
                if self.walk.new_len.is_none() {
                    self.push_log(
                        LogKind::Error,
                        format!("`{export}` returned no length to read by"),
                    );
                }
            }
            (Some(Stage::Read), StepOutput::Bytes(bytes)) => {
                self.push_log(LogKind::Info, result_line(&bytes));
                if std::str::from_utf8(&bytes).is_err() {
                    self.push_log(
                        LogKind::Info,
                        format!("Result (hex): {}", format_hex(&bytes)),
                    );
                }
                self.walk.result = Some(bytes);
                self.mark(target, RegionKind::Output, label);
            }
            (_, StepOutput::Values(values)) => {
                self.push_log(
                    LogKind::Info,
                    format!("{label} -> {}", format_values(&values)),
                );
            }
            (_, StepOutput::Pointer(ptr)) => {
                self.push_log(LogKind::Info, format!("{label} -> {ptr:#x}"));
            }
            (_, StepOutput::Bytes(bytes)) => {
                self.push_log(LogKind::Info, format!("{label} -> {}", format_hex(&bytes)));
            }
            (_, StepOutput::Written) => {
                if let Step::Write { ptr, bytes } = step {
                    self.push_log(
                        LogKind::Info,
                        format!("Wrote {} bytes at {ptr:#x}", bytes.len()),
                    );
                }
            }
        }
    }

    fn mark(&mut self, target: Option<Range<u64>>, kind: RegionKind, label: String) {
        if let Some(range) = target {
            self.scroll_to = Some(range.start);
            set_region(&mut self.regions, Region { range, kind, label });
        }
    }
}
