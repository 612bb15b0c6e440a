//! A component in the window: what it is, and what a call's canonical-ABI trace
//! adds to the step's entry. Each core function the call entered (realloc, the lifted
//! function, post-return) becomes a timeline entry with the memory as it was entered;
//! the argument and the result are highlighted.

use std::sync::Arc;

use crate::engine::{AbiTrace, ComponentExport};
use crate::inspect::ComponentInfo;
use crate::memory::{Region, RegionKind, Snapshot, ranges_len_bytes, set_region};
use crate::ui::state::AppState;
use crate::ui::timeline::StepMark;

/// The component on screen.
#[derive(Clone, Debug)]
pub struct LoadedComponent {
    /// File name.
    pub name: String,
    /// Its WIT, exports, lifts and core modules.
    pub info: Arc<ComponentInfo>,
    /// Its exported functions with their parameters.
    pub exports: Vec<ComponentExport>,
    /// Its bytes (saved beside a session when it has no file).
    pub bytes: Arc<[u8]>,
}

impl AppState {
    /// The canonical ABI's steps of a call: one timeline entry for each core function
    /// entered, and the argument and result highlighted (who wrote what comes from the
    /// step's writes, as a module's). Returns the highlights, which the call's step
    /// keeps.
    pub(in crate::ui) fn abi_entries(&mut self, trace: &AbiTrace) -> Vec<Region> {
        for event in &trace.events {
            let (label, _) = trace.roles.describe(event);
            self.doc.instance.timeline.push(
                label,
                event.snapshot.clone(),
                abi_mark(&event.snapshot),
            );
        }
        self.highlight(trace)
    }

    /// The first string argument (input) and the returned string (output, with the
    /// return area as its allocation), marked on live memory and returned.
    fn highlight(&mut self, trace: &AbiTrace) -> Vec<Region> {
        let mut marked = Vec::new();
        let takes_string = self
            .doc
            .component()
            .as_ref()
            .and_then(|c| c.exports.iter().find(|e| e.name == trace.function))
            .is_some_and(|e| e.params.first().is_some_and(|(_, ty)| ty == "string"));
        if takes_string && let Some([ptr, len, ..]) = trace.lifted().map(|e| e.args.as_slice()) {
            let region = Region {
                range: *ptr..ptr + len,
                kind: RegionKind::Input,
                label: "the argument, copied in by wasmtime".to_owned(),
            };
            marked.push(region);
            self.reveal = Some(*ptr);
        }
        if let Some(area) = trace.returned() {
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
                marked.push(region);
            }
            self.reveal = self.reveal.or(Some(area.ptr));
        }
        for region in &marked {
            set_region(&mut self.doc.instance.regions, region.clone());
        }
        marked
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
        regions: Vec::new(),
    }
}
