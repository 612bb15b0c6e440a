//! Compiling and instantiating a module with its imports provided, then finding the
//! memory the session shows.

use std::sync::Arc;

use anyhow::Result;
use wasmtime::{ExternType, Instance, Memory, Module, Store};

use super::imports::{HostConfig, link};
use super::limits::{Limits, StopHandle, with_ticker};
use super::recorder::Recorder;
use super::store::{StoreData, new_store};
use super::trace::{Tracing, WriteTracer, block_on};
use super::traps::explain;
use crate::record::Recording;

/// A fresh instance and what the session needs of it.
pub struct Instantiated {
    /// The store.
    pub store: Store<StoreData>,
    /// The instance.
    pub instance: Instance,
    /// The memory shown: the export `memory`, else the first exported memory, else an
    /// imported one.
    pub memory: Option<Memory>,
}

/// Provides the imports of `module` per `host` and instantiates it; the start
/// function obeys `limits` and `stop`. With `trace`, the store records every write
/// the module's instructions make (the module must come from a debug engine). With
/// `recording` (what `module` was compiled from), the store reads its records.
pub fn instantiate(
    stop: &StopHandle,
    module: &Module,
    limits: Limits,
    host: &HostConfig,
    trace: Option<&Tracing>,
    recording: Option<&Arc<Recording>>,
) -> Result<Instantiated> {
    let engine = module.engine();
    let mut store = new_store(engine, stop, limits, &host.wasi)?;
    if let Some(recording) = recording {
        store.data_mut().limiter.trace_max_bytes = Some(recording.trace_max_pages << 16);
    }
    if let Some(tracing) = trace {
        WriteTracer::install(&mut store, tracing);
    }
    let linked = link(&mut store, module, host)?;
    let instance = with_ticker(engine, || match trace {
        Some(_) => block_on(linked.linker.instantiate_async(&mut store, module)),
        None => linked.linker.instantiate(&mut store, module),
    })
    .map_err(|err| explain(err, "instantiation (the start function)"))?;
    if let Some(tracing) = trace {
        WriteTracer::arm(&mut store, module, &tracing.sites)?;
    }
    if let Some(recording) = recording {
        Recorder::install(&mut store, &instance, recording.clone())?;
    }
    let ours = |name: &str| recording.is_some_and(|r| r.trace_memory == name);
    let exported_memory = instance.get_memory(&mut store, "memory").or_else(|| {
        let first = module
            .exports()
            .find(|e| matches!(e.ty(), ExternType::Memory(_)) && !ours(e.name()))?;
        instance.get_memory(&mut store, first.name())
    });
    Ok(Instantiated {
        store,
        instance,
        memory: exported_memory.or(linked.imported_memory),
    })
}
