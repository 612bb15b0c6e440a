//! Running a module instrumented by `crate::record`: its trace memory, end pointer and
//! drained mark (found by their exports), drained into the store's `TraceLog` after
//! each call and, while a long call runs, at every epoch tick, so the trace memory
//! stays small and a call with any number of writes works. While a call runs the
//! writing functions keep the end in their locals, so a drain then only moves the
//! drained mark (the module's code reuses the drained space); after the call it
//! empties the trace. A trap at the instruction of the last record marks that write as
//! not done.

use std::sync::Arc;

use anyhow::{Context, Result};
use wasmtime::{
    AsContext, AsContextMut, Global, Instance, Memory, Store, StoreContextMut, Val, WasmBacktrace,
};

use super::store::StoreData;
use crate::record::{RecordSite, Recording};

/// A recorded instance's trace memory and what its records mean.
#[derive(Clone)]
pub struct Recorder {
    recording: Arc<Recording>,
    memory: Memory,
    end: Global,
    drained: Global,
}

impl Recorder {
    /// The recorder of an instance of `recording`'s module, whose trace memory and
    /// globals are `memory`, `end` and `drained` (found by export name, or by index).
    pub fn new(recording: Arc<Recording>, memory: Memory, end: Global, drained: Global) -> Self {
        Self {
            recording,
            memory,
            end,
            drained,
        }
    }

    /// Finds the trace memory and end pointer of `instance`, instantiated from
    /// `recording`'s bytes, and records into `store`'s trace log from now on (what the
    /// start function recorded is dropped).
    pub fn install(
        store: &mut Store<StoreData>,
        instance: &Instance,
        recording: Arc<Recording>,
    ) -> Result<()> {
        let missing = || "the instrumented module lost its trace memory".to_owned();
        let memory = instance
            .get_memory(&mut *store, &recording.trace_memory)
            .with_context(missing)?;
        let global = |store: &mut Store<StoreData>, name: &str| {
            instance.get_global(store, name).with_context(missing)
        };
        let end = global(&mut *store, &recording.trace_end)?;
        let drained = global(&mut *store, &recording.trace_drained)?;
        store.data_mut().recorder = Some(Self::new(recording, memory, end, drained));
        drain(&mut *store);
        store.data_mut().trace.take();
        Ok(())
    }

    /// The writing instructions its records name.
    pub fn sites(&self) -> &Arc<[RecordSite]> {
        &self.recording.sites
    }

    /// The writing instruction at `pc` in the instrumented module (where a trap's
    /// backtrace points).
    pub fn site_at(&self, instrumented_pc: u64) -> Option<&RecordSite> {
        let id = self.recording.site_at(instrumented_pc)?;
        self.recording.sites.get(id as usize)
    }

    /// The trace memory's size.
    pub fn memory_bytes<T: 'static>(&self, store: impl AsContext<Data = T>) -> u64 {
        self.memory.data_size(store) as u64
    }

    /// The export names the recorder added (hidden from the user's lists).
    pub fn hides(&self, name: &str) -> bool {
        let r = &self.recording;
        [&r.trace_memory, &r.trace_end, &r.trace_drained]
            .iter()
            .any(|ours| *ours == name)
    }

    /// Hands `take` the records made since the last drain (the trace memory from the
    /// drained mark to the end, and how many records that is), then moves the mark
    /// past them: safe while a call runs (the end itself is the running code's).
    pub fn drain_with<T: 'static>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        take: impl FnOnce(&mut T, &[u8], usize),
    ) {
        let mut store = store.as_context_mut();
        let read = |global: Global, store: &mut StoreContextMut<'_, T>| match global.get(store) {
            Val::I64(value) => value as u64,
            _ => 0,
        };
        let end = read(self.end, &mut store);
        let drained = read(self.drained, &mut store);
        let low = |value: u64| (value & 0xffff_ffff) as usize;
        let (from, to) = (low(drained), low(end));
        if to <= from {
            return;
        }
        let count = (end >> 32).saturating_sub(drained >> 32) as usize;
        let (memory, data) = self.memory.data_and_store_mut(&mut store);
        take(
            data,
            memory.get(from..to.min(memory.len())).unwrap_or_default(),
            count,
        );
        // Globals the module itself declared mutable: setting them cannot fail.
        let _ = self.drained.set(&mut store, Val::I64(end as i64));
    }

    /// Empties the trace memory: between calls only, when no function holds the end.
    pub fn reset<T: 'static>(&self, mut store: impl AsContextMut<Data = T>) {
        let _ = self.end.set(&mut store, Val::I64(0));
        let _ = self.drained.set(&mut store, Val::I64(0));
    }
}

/// Copies the records made since the last drain into the store's trace log (up to its
/// cap; the rest are counted) and empties the trace memory: between calls.
pub fn drain(mut store: impl AsContextMut<Data = StoreData>) {
    let mut store = store.as_context_mut();
    drain_running(&mut store);
    if let Some(recorder) = store.data().recorder.clone() {
        recorder.reset(&mut store);
    }
}

/// Copies the records made since the last drain into the store's trace log: safe
/// while a call runs (at an epoch tick).
pub fn drain_running(mut store: impl AsContextMut<Data = StoreData>) {
    let mut store = store.as_context_mut();
    let Some(recorder) = store.data().recorder.clone() else {
        return;
    };
    recorder.drain_with(&mut store, |data, trace, count| {
        if let Err(err) = data.trace.recorded(trace, count, recorder.sites()) {
            data.notes
                .info(format!("cannot read the recorded writes: {err:#}"));
        }
    });
}

/// After a call that failed with `err`: drains, and marks the last write as not done
/// when the trap was at its instruction.
pub fn trapped(mut store: impl AsContextMut<Data = StoreData>, err: &wasmtime::Error) {
    let mut store = store.as_context_mut();
    drain(&mut store);
    let Some(recorder) = store.data().recorder.clone() else {
        return;
    };
    let at = err
        .downcast_ref::<WasmBacktrace>()
        .and_then(|trace| trace.frames().first())
        .and_then(|frame| frame.module_offset());
    if let Some(site) = at.and_then(|pc| recorder.recording.site_at(pc as u64)) {
        store.data_mut().trace.trapped_at_site(site);
    }
}
