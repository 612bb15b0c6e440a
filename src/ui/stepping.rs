//! A stepped call's pauses in the window: the paused memory in the hex view (what the
//! last instruction changed marked), the function's code, and a log line for a trap.

use crate::engine::Pause;
use crate::inspect::function_code;

use super::state::{AppState, Changed, LogKind, Paused};

impl AppState {
    /// Shows `pause`: its memory, and its function's code (kept from the previous
    /// pause when it is the same function).
    pub(super) fn paused_at(&mut self, pause: Pause) {
        let code = match &self.paused {
            Some(previous) if previous.pause.func == pause.func => previous.code.clone(),
            _ => self
                .module
                .as_ref()
                .and_then(|m| function_code(&m.bytes, pause.func).ok())
                .unwrap_or_default()
                .into(),
        };
        if let Some(trap) = &pause.trap {
            self.push_log(
                LogKind::Error,
                format!("paused at {}, which traps: {trap}", pause.place),
            );
        }
        self.changed = Changed {
            ranges: pause.snapshot.changed().to_vec(),
            step: format!("pause {} at {}", pause.count, pause.place),
        };
        self.snapshot = pause.snapshot.clone();
        // Bring what the instruction wrote into view.
        if let Some(written) = pause.snapshot.changed().first() {
            self.scroll_to = Some(written.start);
        }
        if let Some(running) = &mut self.running {
            running.label = format!("paused at {}", pause.place);
        }
        self.paused = Some(Paused { pause, code });
    }
}
