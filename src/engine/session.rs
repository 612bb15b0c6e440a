//! One instantiated module and its store: alloc, write, call, read, snapshot.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail, ensure};
use wasmtime::{
    Engine, ExternType, Func, Instance, Memory, Module, Store, UpdateDeadline, Val, ValType,
};

use super::limits::{Deadline, Limiter, Limits, StopHandle, human_bytes, with_ticker};
use super::traps::explain;
use super::values::{NumType, Value, format_values};
use crate::inspect::{inspect, to_binary};
use crate::memory::Snapshot;

/// What the store carries for the limiter and the epoch callback.
struct StoreData {
    limiter: Limiter,
    deadline: Deadline,
}

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

/// A live instance of a module with no imports, owned by one thread at a time.
pub struct Session {
    store: Store<StoreData>,
    instance: Instance,
    memory: Option<Memory>,
    limits: Limits,
    last_snapshot: Arc<Snapshot>,
}

/// Creates an engine set up for wasmscope: epoch interruption on.
pub fn new_engine() -> Result<Engine> {
    let mut config = wasmtime::Config::new();
    config.epoch_interruption(true);
    Engine::new(&config)
        .map_err(anyhow::Error::from)
        .context("cannot set up the wasmtime engine")
}

impl Session {
    /// Checks, compiles and instantiates `bytes` (a `.wasm` binary or WAT text).
    /// Running the module's start function obeys `limits` and `stop`, like any call.
    pub fn new(stop: &StopHandle, bytes: &[u8], limits: Limits) -> Result<Self> {
        let binary = to_binary(bytes)?;
        inspect(&binary)?;
        Self::from_checked(stop, &binary, limits)
    }

    /// Compiles and instantiates a binary module that `inspect` already accepted (its
    /// errors are clearer than the compiler's).
    pub fn from_checked(stop: &StopHandle, bytes: &[u8], limits: Limits) -> Result<Self> {
        let engine = stop.engine();
        let module = Module::new(engine, bytes)
            .map_err(anyhow::Error::from)
            .context("wasmtime cannot compile this module")?;
        let imports: Vec<String> = module
            .imports()
            .map(|i| format!("{}.{} ({})", i.module(), i.name(), extern_kind(&i.ty())))
            .collect();
        if !imports.is_empty() {
            bail!(
                "this module imports {} item(s), which wasmscope cannot provide yet: {}",
                imports.len(),
                imports.join(", ")
            );
        }
        let data = StoreData {
            limiter: Limiter {
                memory_limit_bytes: limits.memory_limit_bytes,
            },
            deadline: Deadline {
                started: Instant::now(),
                timeout_ms: limits.timeout_ms,
            },
        };
        let mut store = Store::new(engine, data);
        store.limiter(|data| &mut data.limiter);
        let callback_stop = stop.clone();
        store.epoch_deadline_callback(move |ctx| match ctx.data().deadline.check(&callback_stop) {
            Ok(()) => Ok(UpdateDeadline::Continue(1)),
            Err(interrupted) => Err(wasmtime::Error::new(interrupted)),
        });
        start_clock(&mut store, limits);
        let instance = with_ticker(engine, || Instance::new(&mut store, &module, &[]))
            .map_err(|err| explain(err, "instantiation (the start function)"))?;
        let memory = instance.get_memory(&mut store, "memory").or_else(|| {
            let first = module
                .exports()
                .find(|e| matches!(e.ty(), ExternType::Memory(_)))?;
            instance.get_memory(&mut store, first.name())
        });
        let mut session = Self {
            store,
            instance,
            memory,
            limits,
            last_snapshot: Arc::new(Snapshot::empty()),
        };
        session.snapshot();
        Ok(session)
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
        let outcome = with_ticker(&engine, || {
            func.call(&mut self.store, &params, &mut results)
        });
        outcome.map_err(|err| explain(err, &format!("`{name}`")))?;
        results
            .iter()
            .map(|v| Value::from_val(v).ok_or_else(|| anyhow!("`{name}` returned a {v:?}")))
            .collect()
    }

    /// Calls the allocator export `name` with `size` and returns the guest pointer it
    /// gave, checked to lie inside memory.
    pub fn alloc(&mut self, name: &str, size: u64) -> Result<u64> {
        let func = self.func(name)?;
        let ty = func.ty(&self.store);
        let arg = match ty.params().collect::<Vec<_>>().as_slice() {
            [ValType::I32] => Value::I32(
                u32::try_from(size).with_context(|| format!("{size} bytes do not fit in an i32"))?
                    as i32,
            ),
            [ValType::I64] => Value::I64(size as i64),
            other => bail!(
                "`{name}` is not an allocator: it takes ({}), but an allocator takes one size \
                 (i32 or i64)",
                type_list(other)
            ),
        };
        let results = self.call(name, &[arg])?;
        let ptr = match results.as_slice() {
            [one] => one.as_u64(),
            _ => None,
        }
        .with_context(|| {
            format!(
                "`{name}` returned {}, not one pointer",
                format_values(&results)
            )
        })?;
        ensure!(
            ptr != 0 || size == 0,
            "`{name}` returned a null pointer (0): the guest could not allocate {size} bytes"
        );
        self.check_range(ptr, size, &format!("`{name}` returned pointer"))?;
        Ok(ptr)
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
            .map(|(name, global)| GlobalValue {
                mutable: global.ty(&self.store).mutability().is_var(),
                value: Value::from_val(&global.get(&mut self.store)),
                name,
            })
            .collect()
    }

    /// The exported function `name`, or an error listing the functions there are.
    fn func(&mut self, name: &str) -> Result<Func> {
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
    fn check_range(&self, ptr: u64, len: u64, what: &str) -> Result<()> {
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

/// Starts the clock for the next call: fresh deadline, first tick armed. A Stop
/// requested earlier stays in force until `StopHandle::reset`, so a Stop pressed just
/// before a call begins is not lost.
fn start_clock(store: &mut Store<StoreData>, limits: Limits) {
    store.data_mut().deadline = Deadline {
        started: Instant::now(),
        timeout_ms: limits.timeout_ms,
    };
    store.set_epoch_deadline(1);
}

fn type_list(types: &[ValType]) -> String {
    types
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn extern_kind(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "func",
        ExternType::Global(_) => "global",
        ExternType::Table(_) => "table",
        ExternType::Memory(_) => "memory",
        ExternType::Tag(_) => "tag",
    }
}
