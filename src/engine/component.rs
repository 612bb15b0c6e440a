//! Components: instantiated with WASI preview 2 when they import it (with the
//! session's arguments, environment and folders) and stubs for every other import, their exports called with WAVE arguments
//! (`"The input string"`, `[1, 2, 3]`, `{name: "x", count: 3}`), checked against the
//! WIT types, results shown in WAVE.

use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{
    Component, ComponentExportIndex, Func, Instance, Linker, ResourceTable, Type, Val,
};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use std::sync::Arc;

use super::component_abi::{AbiEvent, AbiObserver, AbiRoles, ComponentWrites};
use super::component_stubs::stub_imports;
use super::imports::HostConfig;
use super::limits::{Deadline, Limiter, Limits, StopHandle, with_ticker};
use super::notes::Notes;
use super::store::{Guarded, guard, start_clock};
use super::trace::block_on;
use super::trace_log::TRACED_WRITES_PER_STEP;
use super::traps::explain;
use crate::inspect::ComponentInfo;
use crate::memory::Snapshot;

/// What a component's store carries.
pub struct ComponentHost {
    limiter: Limiter,
    deadline: Deadline,
    stop: StopHandle,
    wasi: WasiCtx,
    table: ResourceTable,
    pub(super) notes: Notes,
    /// The core calls recorded during a traced call (see `component_abi`).
    pub(super) abi: Vec<AbiEvent>,
    /// The memory before that call (what the first recorded call's changes are
    /// counted from).
    pub(super) abi_before: Option<Arc<Snapshot>>,
    /// How many writes a call keeps, how many it kept, how many it only counted.
    pub(super) writes: WriteCount,
}

/// A call's writes kept within the cap (the window's *Writes kept per step*).
#[derive(Clone, Copy, Debug)]
pub(super) struct WriteCount {
    pub cap: usize,
    pub kept: usize,
    pub unlisted: u64,
}

impl WriteCount {
    /// How many more writes the call may keep.
    pub fn room(&self) -> usize {
        self.cap.saturating_sub(self.kept)
    }

    /// Counts `kept` writes kept and `unlisted` only counted.
    pub fn add(&mut self, kept: usize, unlisted: u64) {
        self.kept += kept;
        self.unlisted += unlisted;
    }
}

impl Guarded for ComponentHost {
    fn limiter(&mut self) -> &mut Limiter {
        &mut self.limiter
    }

    fn deadline(&mut self) -> &mut Deadline {
        &mut self.deadline
    }

    fn stop(&self) -> &StopHandle {
        &self.stop
    }
}

impl WasiView for ComponentHost {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// One instance of a component.
pub struct ComponentSession {
    store: Store<ComponentHost>,
    component: Component,
    instance: Instance,
    /// What the component declares (which core function each export lifts).
    info: ComponentInfo,
    limits: Limits,
    /// The core instance whose memory is shown (none when no core instance has one).
    shown: Option<wasmtime::Instance>,
    /// The memory as the last snapshot saw it.
    last: Arc<Snapshot>,
    /// The debug handler (kept to drain the recorded writes after each call).
    observer: AbiObserver,
    /// Whether a call's lines list each write (see [`AbiTrace::lists_writes`]).
    lists_writes: bool,
}

/// What a call did: its results in WAVE (or why it failed), and what the canonical
/// ABI did in memory.
#[derive(Debug)]
pub struct TracedCall {
    /// The results, or the failure.
    pub results: Result<Vec<String>>,
    /// The core calls and memory.
    pub trace: AbiTrace,
}

/// A traced call: the core calls wasmtime made, with the memory before and after.
#[derive(Clone, Debug)]
pub struct AbiTrace {
    /// The component function called (`append`, `interface#function`).
    pub function: String,
    /// What each core function is for in this call.
    pub roles: AbiRoles,
    /// The core memory before the call.
    pub before: Arc<Snapshot>,
    /// Each core function entered, in order.
    pub events: Vec<AbiEvent>,
    /// The core memory after the call.
    pub after: Arc<Snapshot>,
    /// Whether its lines list each write (`--trace-writes`, or traced by the
    /// debugger) or leave them to the timeline (recorded in the window).
    pub lists_writes: bool,
    /// Writes past the cap, only counted.
    pub writes_unlisted: u64,
}

/// An exported function: its full name (`append`, `wasi:cli/run@0.2.0#run`) and WIT
/// parameters and results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentExport {
    /// `append`, or `interface#function`.
    pub name: String,
    /// `(s: string) -> string`.
    pub signature: String,
    /// Its parameters: name and WIT type.
    pub params: Vec<(String, String)>,
}

/// Compiles a component (Cranelift: Winch does not compile components' adapters).
pub fn compile_component(engine: &Engine, bytes: &[u8]) -> Result<Component> {
    Component::new(engine, bytes)
        .map_err(anyhow::Error::from)
        .context("wasmtime cannot compile this component")
}

impl ComponentSession {
    /// Instantiates `component` (compiled by an engine with guest debugging, from
    /// `bytes`, which `info` describes) and observes the canonical ABI of each call;
    /// every write the guest's instructions make too, as `writes` says. WASI
    /// preview 2 (configured by `host.wasi`, folders included, output into the notes)
    /// is provided when it imports any `wasi:` interface, a stub for every other
    /// import (zeros or a trap, as `host` says, each call noted).
    pub fn traced(
        stop: &StopHandle,
        component: &Component,
        bytes: &[u8],
        info: &ComponentInfo,
        limits: Limits,
        host: &HostConfig,
        writes: ComponentWrites<'_>,
    ) -> Result<Self> {
        let engine = component.engine();
        let mut linker: Linker<ComponentHost> = Linker::new(engine);
        let ty = component.component_type();
        let imports_wasi = ty
            .imports(engine)
            .any(|(name, _)| name.starts_with("wasi:"));
        if imports_wasi {
            wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
                .map_err(anyhow::Error::from)
                .context("cannot set up WASI preview 2")?;
        }
        let stubbed = stub_imports(&mut linker, component, imports_wasi, host)?;
        let notes = Notes::default();
        let wasi = super::wasi::builder(&host.wasi, &notes)?.build();
        let host = ComponentHost {
            limiter: Limiter::new(limits.memory_limit_bytes),
            deadline: Deadline {
                started: Instant::now(),
                timeout_ms: limits.timeout_ms,
            },
            stop: stop.clone(),
            wasi,
            table: ResourceTable::new(),
            notes,
            abi: Vec::new(),
            abi_before: None,
            writes: WriteCount {
                cap: TRACED_WRITES_PER_STEP,
                kept: 0,
                unlisted: 0,
            },
        };
        let mut store = Store::new(engine, host);
        guard(&mut store, limits);
        // Debug hooks need the async entry points.
        let instance = with_ticker(engine, || {
            block_on(linker.instantiate_async(&mut store, component))
        })
        .map_err(|err| explain(err, "instantiating the component"))?;
        let notes = &mut store.data_mut().notes;
        if imports_wasi {
            notes.info("WASI preview 2 provided; stdout and stderr are shown here".to_owned());
        }
        if !stubbed.is_empty() {
            notes.info(format!("stubbed imports: {}", stubbed.join(", ")));
        }
        let observer = AbiObserver::arm(&mut store, bytes, info, writes)?;
        // What instantiation recorded belongs to no step.
        observer.reset(&mut store);
        store.set_debug_handler(observer.clone());
        let shown = store
            .debug_all_instances()
            .into_iter()
            .find(|i| i.debug_memory(&mut store, 0).is_some());
        let mut session = Self {
            store,
            component: component.clone(),
            instance,
            info: info.clone(),
            limits,
            shown,
            last: Arc::new(Snapshot::empty()),
            observer,
            lists_writes: matches!(writes, ComponentWrites::Traced),
        };
        // What instantiation wrote belongs to no step.
        session.snapshot();
        Ok(session)
    }

    /// Whether a call's lines list each write it made (by default only when they are
    /// traced by the debugger; recorded ones are for the timeline).
    pub fn list_writes(&mut self, list: bool) {
        self.lists_writes = list;
    }

    /// Most writes a call lists from now on (later ones are counted).
    pub fn set_write_cap(&mut self, cap: usize) {
        self.store.data_mut().writes.cap = cap;
    }

    /// The limits of the calls from now on.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
        self.store.data_mut().limiter.memory_limit_bytes = limits.memory_limit_bytes;
    }

    /// Host address of guest offset 0 of the core memory shown.
    pub fn host_base(&mut self) -> u64 {
        self.memory()
            .map_or(0, |m| m.data_ptr(&self.store) as usize as u64)
    }

    /// What each core function of a call of `name` is for (realloc, the lifted
    /// function, post-return).
    fn roles(&self, name: &str) -> AbiRoles {
        AbiRoles::of(self.info.lift_of(name))
    }

    /// The function `call` names: itself, or an interface's function by its short
    /// name when no other export has it (`run` for `wasi:cli/run@0.2.0#run`).
    pub fn resolve(&self, call: &str) -> Result<String> {
        let exports = self.exports();
        crate::inspect::resolve_function(exports.iter().map(|e| e.name.as_str()), call)
    }

    /// The memory shown (the core memory of the first core instance that has one,
    /// which the canonical ABI uses), now, with what changed since the last snapshot.
    pub fn snapshot(&mut self) -> Arc<Snapshot> {
        let base = self.host_base();
        let snapshot = match self.memory() {
            Some(memory) => Snapshot::capture(Some(&self.last), memory.data(&self.store), base),
            None => Snapshot::empty(),
        };
        self.last = Arc::new(snapshot);
        self.last.clone()
    }

    /// The core memory shown, if any.
    fn memory(&mut self) -> Option<wasmtime::Memory> {
        self.shown
            .and_then(|instance| instance.debug_memory(&mut self.store, 0))
    }

    /// The exported functions, top-level first, then those of exported interfaces.
    pub fn exports(&self) -> Vec<ComponentExport> {
        component_exports(&self.component)
    }

    /// The exported function `name` (`interface#function` for one in an interface).
    fn func(&mut self, name: &str) -> Result<Func> {
        let index = match name.split_once('#') {
            Some((interface, function)) => {
                let outer = self.export_index(None, interface)?;
                self.export_index(Some(&outer), function)?
            }
            None => self.export_index(None, name)?,
        };
        self.instance
            .get_func(&mut self.store, index)
            .ok_or_else(|| anyhow!("`{name}` is not a function"))
    }

    fn export_index(
        &mut self,
        within: Option<&ComponentExportIndex>,
        name: &str,
    ) -> Result<ComponentExportIndex> {
        self.instance
            .get_export_index(&mut self.store, within, name)
            .ok_or_else(|| anyhow!("the component exports no `{name}`"))
    }

    /// The parameters of `name`, with their WIT types.
    pub fn params(&mut self, name: &str) -> Result<Vec<(String, Type)>> {
        let func = self.func(name)?;
        let ty = func.ty(&self.store);
        Ok(ty.params().map(|(n, t)| (n.to_owned(), t)).collect())
    }

    /// Calls `name` with `args` in WAVE, one per parameter; returns the results in
    /// WAVE and what the canonical ABI did in memory. Arguments that do not fit are
    /// the error (one line naming the argument and its type); a call that fails (a
    /// trap) is in [`TracedCall::results`], with what it did before.
    pub fn call_traced(&mut self, name: &str, args: &[String]) -> Result<TracedCall> {
        let func = self.func(name)?;
        let ty = func.ty(&self.store);
        let params: Vec<(String, Type)> = ty.params().map(|(n, t)| (n.to_owned(), t)).collect();
        if params.len() != args.len() {
            bail!(
                "`{name}` takes {} argument(s) ({}), but {} were given",
                params.len(),
                params
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", type_name(t)))
                    .collect::<Vec<_>>()
                    .join(", "),
                args.len()
            );
        }
        let values = params
            .iter()
            .zip(args)
            .map(|((param, ty), text)| {
                Val::from_wave(ty, text).map_err(|err| {
                    anyhow!(
                        "`{text}` is not a {} for `{param}`: {}",
                        type_name(ty),
                        one_line(&err.to_string())
                    )
                })
            })
            .collect::<Result<Vec<Val>>>()?;
        let mut results = vec![Val::Bool(false); ty.results().len()];
        start_clock(&mut self.store, self.limits);
        let before = self.snapshot();
        let host = self.store.data_mut();
        host.abi.clear();
        host.abi_before = Some(before.clone());
        (host.writes.kept, host.writes.unlisted) = (0, 0);
        let engine = self.store.engine().clone();
        let called = with_ticker(&engine, || {
            block_on(func.call_async(&mut self.store, &values, &mut results))
        });
        self.observer.drain(&mut self.store);
        self.observer.reset(&mut self.store);
        if let Err(err) = &called {
            self.observer.trapped(&mut self.store, err);
        }
        let called = called.map_err(|err| explain(err, &format!("`{name}`")));
        let after = self.snapshot();
        let events = std::mem::take(&mut self.store.data_mut().abi);
        let trace = AbiTrace {
            function: name.to_owned(),
            roles: self.roles(name),
            before,
            events,
            after,
            lists_writes: self.lists_writes,
            writes_unlisted: self.store.data().writes.unlisted,
        };
        let results = called.and_then(|()| {
            results
                .iter()
                .map(|v| v.to_wave().map_err(anyhow::Error::from))
                .collect::<Result<Vec<_>>>()
        });
        Ok(TracedCall { results, trace })
    }

    /// What WASI printed and what the host noted since the last call.
    pub fn take_notes(&mut self) -> Vec<String> {
        self.store.data_mut().notes.take()
    }
}

/// The functions `component` exports, top-level first, then those of exported
/// interfaces.
pub fn component_exports(component: &Component) -> Vec<ComponentExport> {
    let engine = component.engine();
    let mut found = Vec::new();
    for (name, item) in component.component_type().exports(engine) {
        match item.ty {
            ComponentItem::ComponentFunc(func) => found.push(ComponentExport {
                name: name.to_owned(),
                signature: signature(&func),
                params: params(&func),
            }),
            ComponentItem::ComponentInstance(instance) => {
                for (member, item) in instance.exports(engine) {
                    if let ComponentItem::ComponentFunc(func) = item.ty {
                        found.push(ComponentExport {
                            name: format!("{name}#{member}"),
                            signature: signature(&func),
                            params: params(&func),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// `[("s", "string")]`.
fn params(func: &ComponentFunc) -> Vec<(String, String)> {
    func.params()
        .map(|(name, ty)| (name.to_owned(), type_name(&ty)))
        .collect()
}

/// `(s: string) -> string`.
fn signature(func: &ComponentFunc) -> String {
    let params: Vec<String> = func
        .params()
        .map(|(name, ty)| format!("{name}: {}", type_name(&ty)))
        .collect();
    let results: Vec<String> = func.results().map(|ty| type_name(&ty)).collect();
    match results.as_slice() {
        [] => format!("({})", params.join(", ")),
        [one] => format!("({}) -> {one}", params.join(", ")),
        many => format!("({}) -> ({})", params.join(", "), many.join(", ")),
    }
}

/// A WIT type's name as WAVE errors and signatures show it.
fn type_name(ty: &Type) -> String {
    match ty {
        Type::List(list) => format!("list<{}>", type_name(&list.ty())),
        Type::Option(option) => format!("option<{}>", type_name(&option.ty())),
        Type::Result(result) => match (result.ok(), result.err()) {
            (None, None) => "result".to_owned(),
            (Some(ok), None) => format!("result<{}>", type_name(&ok)),
            (None, Some(err)) => format!("result<_, {}>", type_name(&err)),
            (Some(ok), Some(err)) => format!("result<{}, {}>", type_name(&ok), type_name(&err)),
        },
        Type::Tuple(tuple) => format!(
            "tuple<{}>",
            tuple
                .types()
                .map(|t| type_name(&t))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Record(record) => format!(
            "record {{{}}}",
            record
                .fields()
                .map(|f| format!("{}: {}", f.name, type_name(&f.ty)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Bool => "bool".to_owned(),
        Type::S8 => "s8".to_owned(),
        Type::U8 => "u8".to_owned(),
        Type::S16 => "s16".to_owned(),
        Type::U16 => "u16".to_owned(),
        Type::S32 => "s32".to_owned(),
        Type::U32 => "u32".to_owned(),
        Type::S64 => "s64".to_owned(),
        Type::U64 => "u64".to_owned(),
        Type::Float32 => "f32".to_owned(),
        Type::Float64 => "f64".to_owned(),
        Type::Char => "char".to_owned(),
        Type::String => "string".to_owned(),
        Type::Variant(_) => "variant".to_owned(),
        Type::Enum(e) => format!("enum {{{}}}", e.names().collect::<Vec<_>>().join(", ")),
        Type::Flags(f) => format!("flags {{{}}}", f.names().collect::<Vec<_>>().join(", ")),
        Type::Own(_) => "own<resource>".to_owned(),
        Type::Borrow(_) => "borrow<resource>".to_owned(),
        _ => "value".to_owned(),
    }
}

/// `text` on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Results in WAVE as one text: `"text"`, `()` for none, `(1, 2)` for several.
pub fn results_text(results: &[String]) -> String {
    match results {
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    }
}
