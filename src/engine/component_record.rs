//! A recorded component's writes: each of its core instances whose module
//! `record::instrument_component` instrumented has a trace memory, reached by index
//! through the debug API (a component's core instances export nothing to the host).
//! `component_abi`'s observer drains them into the newest core call at each of its
//! breakpoints and after the call; `AbiTrace::call_writes` puts a call's writes in one
//! list, the host's among them, for the scrubber.

use std::sync::Arc;

use wasmtime::{AsContextMut, Module, Store, WasmBacktrace};

use super::component::{AbiTrace, ComponentHost};
use super::recorder::Recorder;
use crate::memory::{MemoryImage, Snapshot, TracedWrite, Written, changed_ranges};
use crate::record::{RecordSite, Recording, Records};

/// A recorded core instance's trace memory, its module, and where that module starts
/// in the (instrumented) component.
struct InstanceRecorder {
    module: Module,
    offset: u64,
    recorder: Recorder,
}

/// The trace memories of a component instance's recorded core instances.
#[derive(Clone, Default)]
pub struct ComponentRecorders(Arc<[InstanceRecorder]>);

impl ComponentRecorders {
    /// A recorder for every core instance in `store` of a module in `recordings`
    /// (each with where its module starts in the component).
    pub fn find(
        store: &mut Store<ComponentHost>,
        recordings: &[(Module, (Arc<Recording>, u64))],
    ) -> Self {
        let mut found = Vec::new();
        for instance in store.debug_all_instances() {
            let module = instance.module(&*store).clone();
            let Some((_, (recording, offset))) =
                recordings.iter().find(|(m, _)| Module::same(m, &module))
            else {
                continue;
            };
            let items = recording.items;
            let memory = instance.debug_memory(&mut *store, items.memory);
            let end = instance.debug_global(&mut *store, items.end);
            let drained = instance.debug_global(&mut *store, items.drained);
            if let (Some(memory), Some(end), Some(drained)) = (memory, end, drained) {
                found.push(InstanceRecorder {
                    module,
                    offset: *offset,
                    recorder: Recorder::new(recording.clone(), memory, end, drained),
                });
            }
        }
        Self(found.into())
    }

    /// Adds the writes recorded since the last drain to the newest event.
    pub fn drain(&self, mut store: impl AsContextMut<Data = ComponentHost>) {
        for InstanceRecorder { recorder, .. } in self.0.iter() {
            recorder.drain_with(&mut store, |host, trace, count| {
                host.recorded(trace, count, recorder.sites());
            });
        }
    }

    /// Empties the trace memories: between calls only.
    pub fn reset(&self, mut store: impl AsContextMut<Data = ComponentHost>) {
        for InstanceRecorder { recorder, .. } in self.0.iter() {
            recorder.reset(&mut store);
        }
    }

    /// After a call that failed with `err` (and a drain): marks the newest write as
    /// not done when the trap was at its instruction (a record is made before its
    /// instruction runs).
    pub fn trapped(&self, store: &mut Store<ComponentHost>, err: &wasmtime::Error) {
        let Some(frame) = err
            .downcast_ref::<WasmBacktrace>()
            .and_then(|trace| trace.frames().first())
        else {
            return;
        };
        // A backtrace counts a core module's offsets from the component's start.
        let site = self
            .0
            .iter()
            .find(|r| Module::same(&r.module, frame.module()))
            .zip(frame.module_offset())
            .and_then(|(r, pc)| r.recorder.site_at((pc as u64).checked_sub(r.offset)?));
        let last = store
            .data_mut()
            .abi
            .last_mut()
            .and_then(|e| e.writes.last_mut());
        if let (Some(site), Some(last)) = (site, last)
            && last.pc == site.pc
        {
            last.trapped = true;
        }
    }
}

impl ComponentHost {
    /// Adds the `count` records of `trace` (one drain of a core instance's trace
    /// memory, its writing instructions `sites`) to the newest event, up to the cap.
    fn recorded(&mut self, trace: &[u8], count: usize, sites: &Arc<[RecordSite]>) {
        let Some(event) = self.abi.last_mut() else {
            return;
        };
        let mut records = Records::new(sites.clone());
        match records.append(trace, count, self.writes.room()) {
            Ok(unlisted) => self.writes.add(records.len(), unlisted),
            Err(err) => self
                .notes
                .info(format!("cannot read the recorded writes: {err:#}")),
        }
        event.writes.extend(records.iter());
    }
}

impl AbiTrace {
    /// Every write of the call, in order, as one list that replays memory from
    /// `before` to `after` (what a scrubber shows): each core call's recorded writes
    /// and, before each core call and after the last, what the host (wasmtime's
    /// lowering and lifting) wrote — the bytes the guest's writes do not explain.
    /// Empty when no core call kept writes.
    pub fn call_writes(&self) -> Vec<TracedWrite> {
        if self.events.iter().all(|e| e.writes.is_empty()) {
            return Vec::new();
        }
        let mut image = MemoryImage::new(&self.before, 0);
        let mut writes = Vec::new();
        let host: Arc<str> = Arc::from("wasmtime");
        let host_writes = |image: &mut MemoryImage, to: &Snapshot, writes: &mut Vec<_>| {
            for range in changed_ranges(&image.snapshot(Vec::new()), to) {
                let bytes = to.read(range.start, range.end - range.start);
                let write = TracedWrite {
                    range,
                    place: host.clone(),
                    pc: 0,
                    op: "canonical ABI",
                    memory: 0,
                    written: Written::bytes(&bytes),
                    trapped: false,
                };
                image.apply(&write, &[]);
                writes.push(write);
            }
        };
        for event in &self.events {
            host_writes(&mut image, &event.snapshot, &mut writes);
            for write in &event.writes {
                image.apply(write, &[]);
                writes.push(write.clone());
            }
        }
        host_writes(&mut image, &self.after, &mut writes);
        writes
    }
}
