//! Running a module instrumented by `crate::record`: its trace memory and end pointer
//! (found by their exports), drained into the store's `TraceLog` after each call and,
//! while a long call runs, at every epoch tick, so the trace memory stays small and a
//! call with any number of writes works. A trap at the instruction of the last record
//! marks that write as not done.

use std::sync::Arc;

use anyhow::{Context, Result};
use wasmtime::{
    AsContextMut, Global, Instance, Memory, Store, StoreContextMut, Val, WasmBacktrace,
};

use super::store::StoreData;
use crate::record::Recording;

/// A recorded instance's trace memory and what its records mean.
#[derive(Clone)]
pub struct Recorder {
    recording: Arc<Recording>,
    memory: Memory,
    end: Global,
    count: Global,
}

impl Recorder {
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
        let count = global(&mut *store, &recording.trace_count)?;
        store.data_mut().recorder = Some(Self {
            recording,
            memory,
            end,
            count,
        });
        drain(&mut *store);
        store.data_mut().trace.take();
        Ok(())
    }

    /// The trace memory's size.
    pub fn memory_bytes(&self, store: &Store<StoreData>) -> u64 {
        self.memory.data_size(store) as u64
    }

    /// The export names the recorder added (hidden from the user's lists).
    pub fn hides(&self, name: &str) -> bool {
        let r = &self.recording;
        [&r.trace_memory, &r.trace_end, &r.trace_count]
            .iter()
            .any(|ours| *ours == name)
    }
}

/// Copies the records made since the last drain into the store's trace log (up to its
/// cap; the rest are counted) and empties the trace memory.
pub fn drain(mut store: impl AsContextMut<Data = StoreData>) {
    let mut store = store.as_context_mut();
    let Some(recorder) = store.data().recorder.clone() else {
        return;
    };
    let read = |global: Global, store: &mut StoreContextMut<'_, StoreData>| match global.get(store)
    {
        Val::I32(value) => value as u32 as usize,
        _ => 0,
    };
    let end = read(recorder.end, &mut store);
    if end == 0 {
        return;
    }
    let count = read(recorder.count, &mut store);
    let (memory, data) = recorder.memory.data_and_store_mut(&mut store);
    let trace = &memory[..end.min(memory.len())];
    if let Err(err) = data.trace.recorded(trace, count, &recorder.recording.sites) {
        data.notes
            .info(format!("cannot read the recorded writes: {err:#}"));
    }
    // Globals the module itself declared mutable: setting them cannot fail.
    let _ = recorder.end.set(&mut store, Val::I32(0));
    let _ = recorder.count.set(&mut store, Val::I32(0));
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
