//! One instantiated module and its store: alloc, write, call, read, snapshot.

use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail, ensure};
use wasmtime::{Engine, Func, FuncType, Instance, Memory, Module, Store, Val, ValType};

use super::compiler::compile;
use super::debugger::{Debugger, edit_breakpoints};
use super::imports::{HostConfig, check_imports};
use super::instantiate::instantiate;
use super::limits::{Limits, StopHandle, human_bytes, with_ticker};
use super::recorder;
use super::store::{StoreData, start_clock};
use super::trace::{Tracing, block_on};
use super::trace_log::Writes;
use super::traps::explain;
use super::values::{NumType, Value, format_values};
use crate::inspect::{inspect, to_binary};
use crate::memory::Snapshot;
use crate::record::{Recording, instrument};

/// The value of one exported global, read now.
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalValue {
    /// Export name.
    pub name: String,
    /// The value, when numeric.
    pub value: Option<Value>,
    /// Whether the guest may change it.
    pub mutable: bool,
}

/// A live instance of a module, its imports provided, owned by one thread at a time.
pub struct Session {
    store: Store<StoreData>,
    instance: Instance,
    memory: Option<Memory>,
    limits: Limits,
    last_snapshot: Arc<Snapshot>,
    /// See [`Session::set_known_allocators`].
    pub(super) known_allocators: Vec<super::allocators::Allocator>,
    /// Whether writes are traced (calls then go through the async entry points).
    traced: bool,
}

/// Creates an engine set up for wasmscope (Cranelift, epoch interruption on, no
/// compile cache), for sessions made directly (tests, benchmarks). Loads in the
/// window and the CLI choose their compiler through [`Engines`](super::Engines).
pub fn new_engine() -> Result<Engine> {
    super::compiler::new_engine(None, |c| c.strategy(wasmtime::Strategy::Cranelift))
}

impl Session {
    /// Checks, compiles and instantiates `bytes` (a `.wasm` binary or WAT text) with
    /// the default host: WASI if imported, stubs returning zeros for other functions.
    /// Running the module's start function obeys `limits` and `stop`, like any call.
    pub fn new(stop: &StopHandle, bytes: &[u8], limits: Limits) -> Result<Self> {
        Self::with_host(stop, bytes, limits, &HostConfig::default())
    }

    /// Like [`Session::new`], with imports provided as `host` says.
    pub fn with_host(
        stop: &StopHandle,
        bytes: &[u8],
        limits: Limits,
        host: &HostConfig,
    ) -> Result<Self> {
        let binary = to_binary(bytes)?;
        check_imports(&inspect(&binary)?)?;
        Self::from_checked_with(stop, &binary, limits, host)
    }

    /// Compiles and instantiates a binary module that `inspect` (and `check_imports`)
    /// already accepted (its errors are clearer than the compiler's), with the default
    /// host.
    pub fn from_checked(stop: &StopHandle, bytes: &[u8], limits: Limits) -> Result<Self> {
        Self::from_checked_with(stop, bytes, limits, &HostConfig::default())
    }

    /// Like [`Session::from_checked`], with imports provided as `host` says. A WASI
    /// reactor's `_initialize` export is called right after instantiation.
    pub fn from_checked_with(
        stop: &StopHandle,
        bytes: &[u8],
        limits: Limits,
        host: &HostConfig,
    ) -> Result<Self> {
        let module = compile(stop.engine(), bytes)?;
        Self::from_module(stop, &module, limits, host)
    }

    /// Like [`Session::from_checked_with`], tracing every write (see
    /// [`Session::traced`]) and pausing calls with `debugger`, when given; `stop`'s
    /// engine must come from `new_debug_engine`.
    pub fn traced_from_checked(
        stop: &StopHandle,
        bytes: &[u8],
        limits: Limits,
        host: &HostConfig,
        debugger: Option<Arc<Debugger>>,
    ) -> Result<Self> {
        let sites = Arc::new(crate::inspect::write_sites(bytes)?);
        let module = compile(stop.engine(), bytes)?;
        let tracing = Tracing { sites, debugger };
        Self::traced(stop, &module, limits, host, tracing)
    }

    /// Like [`Session::from_checked_with`], recording every write (see
    /// [`Session::recorded`]) on `stop`'s engine; a module that writes no memory runs as
    /// it is.
    pub fn recorded_from_checked(
        stop: &StopHandle,
        bytes: &[u8],
        limits: Limits,
        host: &HostConfig,
    ) -> Result<Self> {
        let Some(recording) = instrument(bytes)? else {
            return Self::from_checked_with(stop, bytes, limits, host);
        };
        let module = compile(stop.engine(), &recording.bytes)?;
        Self::recorded(stop, &module, limits, host, Arc::new(recording))
    }

    /// Like [`Session::from_module`], for a module compiled (by any engine) from
    /// `recording`'s bytes: every write its instructions make is recorded in the
    /// trace memory and read back after each call (see [`Session::take_writes`]).
    pub fn recorded(
        stop: &StopHandle,
        module: &Module,
        limits: Limits,
        host: &HostConfig,
        recording: Arc<Recording>,
    ) -> Result<Self> {
        Self::instantiated(stop, module, limits, host, None, Some(recording))
    }

    /// Instantiates a compiled module with imports provided as `host` says, then runs
    /// its setup exports (a WASI reactor's `_initialize`, emscripten's constructors).
    pub fn from_module(
        stop: &StopHandle,
        module: &Module,
        limits: Limits,
        host: &HostConfig,
    ) -> Result<Self> {
        Self::instantiated(stop, module, limits, host, None, None)
    }

    /// Like [`Session::from_module`], recording every write the module's instructions
    /// make (see [`Session::take_writes`]). `module` must be compiled by an engine
    /// from `trace::new_debug_engine`; `sites` are its writing instructions.
    pub fn traced(
        stop: &StopHandle,
        module: &Module,
        limits: Limits,
        host: &HostConfig,
        tracing: Tracing,
    ) -> Result<Self> {
        Self::instantiated(stop, module, limits, host, Some(&tracing), None)
    }

    fn instantiated(
        stop: &StopHandle,
        module: &Module,
        limits: Limits,
        host: &HostConfig,
        trace: Option<&Tracing>,
        recording: Option<Arc<Recording>>,
    ) -> Result<Self> {
        let parts = instantiate(stop, module, limits, host, trace, recording.as_ref())?;
        let mut session = Self {
            store: parts.store,
            instance: parts.instance,
            memory: parts.memory,
            limits,
            last_snapshot: Arc::new(Snapshot::empty()),
            known_allocators: Vec::new(),
            traced: trace.is_some(),
        };
        session.store.data_mut().memory = session.memory;
        session.run_setup_exports();
        // What the setup exports wrote belongs to no step.
        session.take_writes();
        session.snapshot();
        Ok(session)
    }

    /// Adds a line to the notes of the current step.
    pub(super) fn note(&mut self, line: String) {
        self.store.data_mut().notes.info(line);
    }

    /// What happened since the last call besides results: which imports the host
    /// provided (after loading), the guest's stdout/stderr lines, and calls to stubs.
    pub fn take_notes(&mut self) -> Vec<String> {
        self.store.data_mut().notes.take()
    }

    /// The writes traced or recorded since the last call, and how many more were only
    /// counted (always none for a session that is neither).
    pub fn take_writes(&mut self) -> (Writes, u64) {
        recorder::drain(&mut self.store);
        self.store.data_mut().trace.take()
    }

    /// Turns single-stepping on or off (a traced session's debugger pauses then at
    /// every instruction it is told to).
    pub fn set_single_step(&mut self, enabled: bool) -> Result<()> {
        let mut edit = self
            .store
            .edit_breakpoints()
            .context("this session is not compiled for stepping")?;
        edit.single_step(enabled)
            .map_err(anyhow::Error::from)
            .context("cannot change single-stepping")
    }

    /// Puts breakpoints at module offsets `added` and takes them from `removed`
    /// (wasmtime counts them, so the write tracer's stay).
    pub fn edit_breakpoints(&mut self, added: &[u64], removed: &[u64]) -> Result<()> {
        let module = self.instance.module(&self.store).clone();
        for (pcs, add) in [(removed, false), (added, true)] {
            edit_breakpoints(&mut self.store, &module, pcs, add)?;
        }
        Ok(())
    }

    /// Lists at most `cap` writes per step from now on (later ones are counted).
    pub fn set_write_cap(&mut self, cap: usize) {
        self.store.data_mut().trace.cap = cap;
    }

    /// Whether writes are traced by the debugger (calls can be stepped).
    pub fn is_traced(&self) -> bool {
        self.traced
    }

    /// Whether writes are recorded by instrumentation.
    pub fn is_recorded(&self) -> bool {
        self.store.data().recorder.is_some()
    }

    /// The size of the trace memory a recorded session's records pass through (it
    /// grows to hold what a call writes between two drains, and stays that size).
    pub fn trace_memory_bytes(&self) -> Option<u64> {
        let recorder = self.store.data().recorder.as_ref()?;
        Some(recorder.memory_bytes(&self.store))
    }

    /// Whether `name` is an export the recorder added (not the module's own).
    fn hidden(&self, name: &str) -> bool {
        self.store
            .data()
            .recorder
            .as_ref()
            .is_some_and(|r| r.hides(name))
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Changes the limits for the following calls.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
        self.store.data_mut().limiter.memory_limit_bytes = limits.memory_limit_bytes;
    }

    /// Calls the exported function `name` with `args`, type-checked first.
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>> {
        let func = self.func(name)?;
        let ty = func.ty(&self.store);
        let params: Vec<ValType> = ty.params().collect();
        let expected: Vec<Option<NumType>> = params.iter().map(NumType::of).collect();
        let given: Vec<Option<NumType>> = args.iter().map(|a| Some(a.num_type())).collect();
        ensure!(
            expected == given,
            "`{name}` takes ({}) but was given {}",
            type_list(&params),
            format_values(args)
        );
        let params: Vec<Val> = args.iter().map(|a| a.to_val()).collect();
        let mut results: Vec<Val> = ty.results().map(|_| Val::I32(0)).collect();
        start_clock(&mut self.store, self.limits);
        let engine = self.store.engine().clone();
        let traced = self.traced;
        let outcome = with_ticker(&engine, || {
            if traced {
                block_on(func.call_async(&mut self.store, &params, &mut results))
            } else {
                func.call(&mut self.store, &params, &mut results)
            }
        });
        match &outcome {
            Ok(()) => recorder::drain(&mut self.store),
            Err(err) => recorder::trapped(&mut self.store, err),
        }
        outcome.map_err(|err| explain(err, &format!("`{name}`")))?;
        results
            .iter()
            .map(|v| Value::from_val(v).ok_or_else(|| anyhow!("`{name}` returned a {v:?}")))
            .collect()
    }

    /// Copies `bytes` into linear memory at guest offset `ptr`.
    pub fn write(&mut self, ptr: u64, bytes: &[u8]) -> Result<()> {
        self.check_range(ptr, bytes.len() as u64, "cannot write at")?;
        let memory = self.memory()?;
        memory
            .write(&mut self.store, ptr as usize, bytes)
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("cannot write {} bytes at {ptr:#x}", bytes.len()))
    }

    /// Copies `len` bytes of linear memory starting at guest offset `ptr`.
    pub fn read(&mut self, ptr: u64, len: u64) -> Result<Vec<u8>> {
        self.check_range(ptr, len, "cannot read at")?;
        let memory = self.memory()?;
        let mut out = vec![0; len as usize];
        memory
            .read(&self.store, ptr as usize, &mut out)
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("cannot read {len} bytes at {ptr:#x}"))?;
        Ok(out)
    }

    /// The names of the exported memories the hex view can show (shared ones are
    /// left out), in export order.
    pub fn memory_names(&mut self) -> Vec<String> {
        let names: Vec<String> = self
            .instance
            .exports(&mut self.store)
            .filter(|e| e.clone().into_memory().is_some())
            .map(|e| e.name().to_owned())
            .collect();
        names.into_iter().filter(|n| !self.hidden(n)).collect()
    }

    /// Shows (and steps on) the exported memory `name` from now on; the next snapshot
    /// starts a fresh history for it.
    pub fn select_memory(&mut self, name: &str) -> Result<()> {
        let ours = self.hidden(name);
        let memory = (!ours)
            .then(|| self.instance.get_memory(&mut self.store, name))
            .flatten()
            .with_context(|| {
                format!("the module exports no memory `{name}` that wasmscope can show")
            })?;
        self.memory = Some(memory);
        self.store.data_mut().memory = Some(memory);
        self.last_snapshot = Arc::new(Snapshot::empty());
        Ok(())
    }

    /// Size of linear memory in bytes (0 without a memory).
    pub fn memory_len_bytes(&self) -> u64 {
        self.memory.map_or(0, |m| m.data_size(&self.store) as u64)
    }

    /// Whether the memory is a memory64 (pointers and lengths are i64).
    pub fn memory_is_64(&self) -> bool {
        self.memory.is_some_and(|m| m.ty(&self.store).is_64())
    }

    /// Host address of guest offset 0, as a number (never dereferenced). It can move
    /// when memory grows.
    pub fn host_base(&self) -> u64 {
        self.memory
            .map_or(0, |m| m.data_ptr(&self.store) as usize as u64)
    }

    /// Takes a snapshot of linear memory, sharing unchanged chunks with the previous one
    /// and recording what changed since it.
    pub fn snapshot(&mut self) -> Arc<Snapshot> {
        let snapshot = match self.memory {
            Some(memory) => Snapshot::capture(
                Some(&self.last_snapshot),
                memory.data(&self.store),
                self.host_base(),
            ),
            None => Snapshot::empty(),
        };
        self.last_snapshot = Arc::new(snapshot);
        self.last_snapshot.clone()
    }

    /// The current values of every exported global.
    pub fn globals(&mut self) -> Vec<GlobalValue> {
        let exports: Vec<(String, wasmtime::Global)> = self
            .instance
            .exports(&mut self.store)
            .filter_map(|e| {
                let name = e.name().to_owned();
                e.into_global().map(|g| (name, g))
            })
            .collect();
        exports
            .into_iter()
            .filter(|(name, _)| !self.hidden(name))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(name, global)| GlobalValue {
                mutable: global.ty(&self.store).mutability().is_var(),
                value: Value::from_val(&global.get(&mut self.store)),
                name,
            })
            .collect()
    }

    /// The type of the exported function `name`.
    pub(super) fn func_type(&mut self, name: &str) -> Result<FuncType> {
        let func = self.func(name)?;
        Ok(func.ty(&self.store))
    }

    /// Whether the module exports a function `name`.
    pub(super) fn has_func(&mut self, name: &str) -> bool {
        self.instance.get_func(&mut self.store, name).is_some()
    }

    /// The exported function `name`, or an error listing the functions there are.
    pub(super) fn func(&mut self, name: &str) -> Result<Func> {
        if let Some(func) = self.instance.get_func(&mut self.store, name) {
            return Ok(func);
        }
        let funcs: Vec<String> = self
            .instance
            .exports(&mut self.store)
            .filter(|e| e.clone().into_func().is_some())
            .map(|e| e.name().to_owned())
            .collect();
        bail!(
            "the module exports no function `{name}`; its functions are: {}",
            if funcs.is_empty() {
                "none".to_owned()
            } else {
                funcs.join(", ")
            }
        )
    }

    fn memory(&self) -> Result<Memory> {
        self.memory
            .context("the module exports no memory, so there is nothing to read or write")
    }

    /// Errors unless `ptr..ptr + len` lies inside linear memory.
    pub(super) fn check_range(&self, ptr: u64, len: u64, what: &str) -> Result<()> {
        let size = self.memory()?.data_size(&self.store) as u64;
        let fits = ptr.checked_add(len).is_some_and(|end| end <= size);
        ensure!(
            fits,
            "{what} {ptr:#x} + {len} bytes, which is outside linear memory ({size} bytes, {})",
            human_bytes(size)
        );
        Ok(())
    }
}

pub(super) fn type_list(types: &[ValType]) -> String {
    types
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
