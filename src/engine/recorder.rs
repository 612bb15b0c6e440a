//! Running a module instrumented by `crate::record`: its trace memory and end pointer
//! (found by their exports), drained into the store's `TraceLog` after each call and,
//! while a long call runs, at every epoch tick, so the trace memory stays small and a
//! call with any number of writes works. A trap at the instruction of the last record
//! marks that write as not done.

use std::sync::Arc;

use anyhow::{Context, Result};
use wasmtime::{AsContextMut, Global, Instance, Memory, Store, Val, WasmBacktrace};

use super::store::StoreData;
use crate::record::{Recording, decode};

/// A recorded instance's trace memory and what its records mean.
#[derive(Clone)]
pub struct Recorder {
    recording: Arc<Recording>,
    memory: Memory,
    end: Global,
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
        let end = instance
            .get_global(&mut *store, &recording.trace_end)
            .with_context(missing)?;
        store.data_mut().recorder = Some(Self {
            recording,
            memory,
            end,
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
        name == self.recording.trace_memory || name == self.recording.trace_end
    }
}

/// Moves the records made since the last drain into the store's trace log (up to its
/// cap; the rest are counted) and empties the trace memory.
pub fn drain(mut store: impl AsContextMut<Data = StoreData>) {
    let mut store = store.as_context_mut();
    let Some(recorder) = store.data().recorder.clone() else {
        return;
    };
    let end = match recorder.end.get(&mut store) {
        Val::I32(end) => end as u32 as usize,
        _ => 0,
    };
    if end == 0 {
        return;
    }
    let keep = store.data().trace.room();
    let data = recorder.memory.data(&store);
    let decoded = decode(
        &data[..end.min(data.len())],
        &recorder.recording.sites,
        keep,
    );
    let data = store.data_mut();
    match decoded {
        Ok(decoded) => data.trace.recorded(decoded),
        Err(err) => data
            .notes
            .info(format!("cannot read the recorded writes: {err:#}")),
    }
    // A global the module itself declared mutable: setting it cannot fail.
    let _ = recorder.end.set(&mut store, Val::I32(0));
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
