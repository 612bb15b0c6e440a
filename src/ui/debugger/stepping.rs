//! A stepped call's pauses in the window: the paused memory in the hex view (what the
//! last instruction changed marked), an entry on the timeline, the function's code,
//! and a log line for a trap.

use std::sync::Arc;

use crate::engine::Pause;
use crate::inspect::{CodeLine, function_code};
use crate::memory::ranges_len_bytes;

use crate::ui::state::{AppState, Changed, LogKind, Paused};
use crate::ui::timeline::StepMark;

impl AppState {
    /// Shows `pause`: its memory, and its function's code (kept from the previous
    /// pause when it is the same function). The pause joins the timeline, so that the
    /// call can be scrubbed back through, during it and after.
    pub(in crate::ui) fn paused_at(&mut self, pause: Pause) {
        if self.doc.instance.timeline.viewing().is_some() {
            self.view_step(None);
        }
        let code = self.code_of(pause.top.func);
        // Who wrote what so far in this call (the step it is in, counted from 1).
        let step = self
            .running()
            .as_ref()
            .and_then(|r| r.step)
            .unwrap_or(self.doc.instance.session.steps.len())
            + 1;
        self.record_traced(pause.writes.iter().cloned(), step);
        if let Some(trap) = &pause.trap {
            self.push_log(
                LogKind::Error,
                format!("paused at {}, which traps: {trap}", pause.top.place),
            );
        }
        let label = format!("pause {} at {}", pause.count, pause.top.place);
        self.doc.instance.timeline.push(
            label.clone(),
            pause.snapshot.clone(),
            StepMark {
                pause: true,
                changed_bytes: ranges_len_bytes(pause.snapshot.changed()),
                failed: pause.trap.is_some(),
                overrun: false,
                log_line: None,
                regions: Vec::new(),
            },
        );
        self.doc.instance.changed = Changed {
            ranges: pause.snapshot.changed().to_vec(),
            step: label,
            stale: false,
        };
        self.doc.instance.snapshot = pause.snapshot.clone();
        // Bring what the instruction wrote into view.
        if let Some(written) = pause.snapshot.changed().first() {
            self.reveal = Some(written.start);
        }
        if let Some(running) = self.running_mut() {
            running.label = format!("paused at {}", pause.top.place);
        }
        let previous = self.doc.paused.as_ref().and_then(|p| p.source.as_ref());
        let source = self.source_at(pause.top.pc, previous);
        let previous = self.doc.paused.as_ref().and_then(|p| p.variables.as_ref());
        let variables = self.variables_of(&pause, 0, previous);
        self.doc.paused = Some(Paused {
            pause,
            frame: 0,
            code,
            source,
            variables,
        });
    }

    /// Shows frame `index` of the paused call's stack (0: the paused one).
    pub fn select_frame(&mut self, index: usize) {
        let Some((func, pc)) = self
            .doc
            .paused
            .as_ref()
            .and_then(|p| p.pause.frame(index))
            .map(|f| (f.func, f.line_pc(index)))
        else {
            return;
        };
        let code = self.code_of(func);
        let previous = self.doc.paused.as_ref().and_then(|p| p.source.as_ref());
        let source = self.source_at(pc, previous);
        let variables = self
            .doc
            .paused
            .as_ref()
            .and_then(|p| self.variables_of(&p.pause, index, p.variables.as_ref()));
        if let Some(paused) = &mut self.doc.paused {
            paused.frame = index;
            paused.code = code;
            paused.source = source;
            paused.variables = variables;
        }
    }

    /// Function `func` as code lines: kept from the pause shown when it is the same
    /// function.
    fn code_of(&self, func: u32) -> Arc<[CodeLine]> {
        if let Some(paused) = &self.doc.paused
            && paused
                .pause
                .frame(paused.frame)
                .is_some_and(|f| f.func == func)
        {
            return paused.code.clone();
        }
        self.doc
            .module()
            .as_ref()
            .and_then(|m| function_code(&m.bytes, func).ok())
            .unwrap_or_default()
            .into()
    }
}
