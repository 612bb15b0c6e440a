//! A component in the window: what its load and each call report. A call's core
//! functions (realloc, the lifted function, post-return) become timeline entries with
//! the memory as each was entered; the argument and the result are highlighted.

use std::sync::Arc;

use super::state::{AppState, LogKind};
use super::timeline::StepMark;
use crate::engine::{AbiRoles, AbiTrace, ComponentExport, results_text};
use crate::inspect::ComponentInfo;
use crate::memory::{Region, RegionKind, Snapshot, ranges_len_bytes, set_region};
use crate::recipe::{self, Op};

/// The component on screen.
#[derive(Clone, Debug)]
pub struct LoadedComponent {
    /// File name.
    pub name: String,
    /// Its WIT, exports, lifts and core modules.
    pub info: Box<ComponentInfo>,
    /// Its exported functions with their parameters.
    pub exports: Vec<ComponentExport>,
    /// Its bytes (saved beside a session when it has no file).
    pub bytes: Arc<[u8]>,
}

impl AppState {
    /// A component replaced the module shown.
    pub(super) fn component_loaded(
        &mut self,
        component: LoadedComponent,
        snapshot: Arc<Snapshot>,
        notes: Vec<String>,
    ) {
        self.push_log(
            LogKind::Info,
            format!(
                "Loaded {} (a component): {} functions; call one with WAVE arguments in \
                 the Module tab, and watch the canonical ABI on the timeline",
                component.name,
                component.exports.len()
            ),
        );
        self.push_notes(notes);
        self.module = None;
        self.component = Some(component);
        self.module_path = self.loading_path.take();
        self.loading = None;
        self.pending = None;
        self.ready = true;
        self.forget_instance();
        self.take_snapshot(snapshot, None);
    }

    /// A component's function was called: each core call is a timeline entry, the
    /// memory is as the call left it, the argument and the result are highlighted.
    pub(super) fn component_called(
        &mut self,
        op: Op,
        results: Result<Vec<String>, String>,
        trace: Option<&AbiTrace>,
        notes: Vec<String>,
    ) {
        self.running = None;
        let call = op.describe();
        self.push_log(LogKind::Step, format!("> {call}"));
        let name = match &op {
            Op::Invoke { export, .. } => export.clone(),
            _ => String::new(),
        };
        self.session.steps.push(recipe::Step::new(op));
        let roles = AbiRoles::of(self.component.as_ref().and_then(|c| c.info.lift_of(&name)));
        if let Some(trace) = trace {
            for line in trace.lines(&roles) {
                self.push_log(LogKind::Info, line);
            }
            for event in &trace.events {
                let (label, _) = roles.describe(event);
                self.timeline
                    .push(label, event.snapshot.clone(), abi_mark(&event.snapshot));
                // Hovering a byte says which instruction wrote it, in which entry.
                self.record_traced(&event.writes, self.timeline.len());
            }
            self.highlight(trace, &roles, &name);
            self.take_snapshot(trace.after.clone(), Some(&call));
            self.timeline.push(
                format!("after {call}"),
                trace.after.clone(),
                abi_mark(&trace.after),
            );
        }
        self.push_notes(notes);
        match results {
            Ok(results) => self.push_log(
                LogKind::Info,
                format!("{call} returned {}", results_text(&results)),
            ),
            Err(error) => self.push_log(LogKind::Error, format!("{call} failed: {error}")),
        }
    }

    /// The first string argument (input) and the returned string (output, with the
    /// return area as its allocation).
    fn highlight(&mut self, trace: &AbiTrace, roles: &AbiRoles, name: &str) {
        let takes_string = self
            .component
            .as_ref()
            .and_then(|c| c.exports.iter().find(|e| e.name == name))
            .is_some_and(|e| e.params.first().is_some_and(|(_, ty)| ty == "string"));
        let core = trace
            .events
            .iter()
            .find(|e| roles.describe(e).1.starts_with("the lifted"));
        if takes_string && let Some([ptr, len, ..]) = core.map(|e| e.args.as_slice()) {
            let region = Region {
                range: *ptr..ptr + len,
                kind: RegionKind::Input,
                label: "the argument, copied in by wasmtime".to_owned(),
            };
            set_region(&mut self.regions, region);
            self.scroll_to = Some(*ptr);
        }
        if let Some(area) = trace.returned(roles) {
            for region in [
                Region {
                    range: area.at..area.at + 8,
                    kind: RegionKind::Allocation,
                    label: "the return area: (ptr, len)".to_owned(),
                },
                Region {
                    range: area.ptr..area.ptr + area.len,
                    kind: RegionKind::Output,
                    label: "the result, read by wasmtime".to_owned(),
                },
            ] {
                set_region(&mut self.regions, region);
            }
            self.scroll_to = self.scroll_to.or(Some(area.ptr));
        }
    }
}

/// A canonical-ABI entry of the timeline (not a session step), with the bytes that
/// changed before it.
fn abi_mark(snapshot: &Snapshot) -> StepMark {
    StepMark {
        pause: true,
        changed_bytes: ranges_len_bytes(snapshot.changed()),
        failed: false,
        overrun: false,
        log_line: None,
        region: None,
    }
}
