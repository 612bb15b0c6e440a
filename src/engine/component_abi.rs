//! The canonical ABI of a component call, observed: wasmtime's own lowering and
//! lifting run on an engine compiled for guest debugging, with a breakpoint at the
//! entry of every function the core modules export (`cabi_realloc`, the lifted
//! function, its `post-return`). At each, the function's arguments and a snapshot of
//! the core memory are recorded, so the bytes wasmtime copied in before a call, and
//! the ones the guest wrote before the next, show as changes.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use wasmtime::{AsContextMut, DebugEvent, DebugHandler, Module, ModulePC, StoreContextMut, Val};

use super::component::ComponentHost;
use super::component_record::ComponentRecorders;
use super::trace::write_at;
use crate::inspect::{ComponentInfo, WriteSites, list, write_sites};
use crate::memory::{Snapshot, TracedWrite};
use crate::record::ComponentRecording;

/// One core function wasmtime called during a component call (not those the guest
/// calls itself).
#[derive(Clone, Debug)]
pub struct AbiEvent {
    /// Its export name in its core module (`cabi_realloc`, `append`,
    /// `cabi_post_append`).
    pub function: String,
    /// Every export name of that function (a compiler may export one body under
    /// several names, e.g. identical post-return functions).
    pub names: Vec<String>,
    /// Its arguments (the flat core values).
    pub args: Vec<u64>,
    /// What it returned (its one integer result), seen at its last instruction.
    pub returned: Option<u64>,
    /// The core memory as the function was entered.
    pub snapshot: Arc<Snapshot>,
    /// The writes the guest's instructions made from here until the next event (with
    /// `--trace-writes`).
    pub writes: Vec<TracedWrite>,
}

impl AbiEvent {
    /// Whether the function is exported as `name`.
    pub fn is(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// `cabi_realloc(0, 0, 1, 16)`, pointers in hex.
    pub fn call_text(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|&a| {
                if a >= 0x100 {
                    format!("{a:#x}")
                } else {
                    a.to_string()
                }
            })
            .collect();
        let returned = match self.returned {
            Some(value) if value >= 0x100 => format!(" -> {value:#x}"),
            Some(value) => format!(" -> {value}"),
            None => String::new(),
        };
        format!("{}({}){returned}", self.function, args.join(", "))
    }
}

/// `entry pc -> (export names, parameter count)` of a module's exported functions.
type EntryMap = HashMap<u32, (Vec<String>, usize)>;

/// One core module: where its exported functions start and, when writes are traced,
/// its writing instructions.
struct ModuleEntries {
    module: Module,
    entries: EntryMap,
    /// `pc -> export names` of the instructions that return from a function with one
    /// integer result (each `return`, and the body's last `end`).
    exits: HashMap<u32, Vec<String>>,
    sites: Option<WriteSites>,
}

/// Every core module's entries.
struct Entries {
    modules: Vec<ModuleEntries>,
}

/// How a component call's writes are listed.
#[derive(Clone, Copy, Debug)]
pub enum ComponentWrites<'a> {
    /// Not at all.
    Off,
    /// By the debugger, a breakpoint on every writing instruction.
    Traced,
    /// By the recorder: the component was instrumented so.
    Recorded(&'a ComponentRecording),
}

/// The debug handler: records an [`AbiEvent`] at each breakpoint (with the writes
/// recorded since the one before, when the component is recorded).
#[derive(Clone)]
pub struct AbiObserver {
    entries: Arc<Entries>,
    /// The recorded core instances' trace memories.
    recorders: ComponentRecorders,
}

impl AbiObserver {
    /// Matches the store's core modules (an instance compiled for guest debugging) with
    /// those `info` lists in `bytes` (what was compiled), and sets a breakpoint at the
    /// entry of every function they export; with `ComponentWrites::Traced`, at every
    /// writing instruction too.
    pub fn arm(
        store: &mut wasmtime::Store<ComponentHost>,
        bytes: &[u8],
        info: &ComponentInfo,
        writes: ComponentWrites<'_>,
    ) -> Result<Self> {
        let mut ours = Vec::new();
        for module in &info.core_modules {
            let range = module.offset as usize..(module.offset + module.size_bytes) as usize;
            let Some(module_bytes) = bytes.get(range) else {
                continue;
            };
            let sites = match writes {
                ComponentWrites::Traced => Some(write_sites(module_bytes)?),
                _ => None,
            };
            let recording = match writes {
                ComponentWrites::Recorded(recorded) => recorded
                    .of_module(module_bytes)
                    .map(|recording| (recording.clone(), module.offset)),
                _ => None,
            };
            ours.push((export_entries(module_bytes)?, sites, recording));
        }
        let mut modules = Vec::new();
        let mut recordings = Vec::new();
        for module in store.debug_all_modules() {
            let names: Vec<&str> = module.exports().map(|e| e.name()).collect();
            let matching = ours.iter().find(|((exports, _, _), _, _)| {
                exports.len() == names.len() && exports.iter().zip(&names).all(|(a, b)| a == b)
            });
            if let Some(((_, entries, exits), sites, recording)) = matching {
                if let Some(recording) = recording {
                    recordings.push((module.clone(), recording.clone()));
                }
                modules.push(ModuleEntries {
                    module,
                    entries: entries.clone(),
                    exits: exits.clone(),
                    sites: sites.clone(),
                });
            }
        }
        let recorders = ComponentRecorders::find(store, &recordings);
        let mut edit = store
            .edit_breakpoints()
            .context("this engine cannot set breakpoints (guest debugging is off)")?;
        for module in &modules {
            let writes = module.sites.iter().flat_map(|s| s.sites.keys().copied());
            let pcs = module
                .entries
                .keys()
                .chain(module.exits.keys())
                .map(|&pc| u64::from(pc))
                .chain(writes);
            for pc in pcs {
                let pc = u32::try_from(pc).context("an instruction past 4 GiB of module")?;
                edit.add_breakpoint(&module.module, ModulePC::new(pc))
                    .map_err(anyhow::Error::from)
                    .context("cannot set a breakpoint")?;
            }
        }
        drop(edit);
        Ok(Self {
            entries: Arc::new(Entries { modules }),
            recorders,
        })
    }

    /// Adds the writes recorded since the last drain to the newest event.
    pub fn drain(&self, store: impl AsContextMut<Data = ComponentHost>) {
        self.recorders.drain(store);
    }

    /// Empties the trace memories: between calls only.
    pub fn reset(&self, store: impl AsContextMut<Data = ComponentHost>) {
        self.recorders.reset(store);
    }

    /// After a call that failed with `err` (and a drain): marks the newest write as
    /// not done when the trap was at its instruction.
    pub fn trapped(&self, store: &mut wasmtime::Store<ComponentHost>, err: &wasmtime::Error) {
        self.recorders.trapped(store, err);
    }

    fn record(&self, store: &mut StoreContextMut<'_, ComponentHost>) -> Option<()> {
        // What was written before this breakpoint belongs to the event before it.
        self.drain(&mut *store);
        let frame = store.debug_exit_frames().next()?;
        let (_, pc) = frame.wasm_function_index_and_pc(&mut *store).ok()??;
        let module = frame.module(&mut *store).ok()??.clone();
        let found = self
            .entries
            .modules
            .iter()
            .find(|m| Module::same(&m.module, &module))?;
        // A write first: an entry's first instruction may be a store, and the entry's
        // event must come before what its function writes.
        let entered = found.entries.get(&pc.raw()).cloned();
        // A call from the guest's own code (its function calling its allocator) is
        // not one of the canonical ABI's: only those entered from the host count.
        if let Some((names, params)) = entered
            && frame.parent(&mut *store).ok()?.is_none()
        {
            self.entered(store, &frame, names, params);
        }
        if let Some(names) = found.exits.get(&pc.raw())
            && frame.parent(&mut *store).ok()?.is_none()
        {
            let depth = frame.num_stacks(&mut *store).ok()?;
            let value = match frame.stack(&mut *store, depth.checked_sub(1)?).ok()? {
                Val::I32(v) => Some(u64::from(v as u32)),
                Val::I64(v) => Some(v as u64),
                _ => None,
            };
            if let Some(event) = store
                .data_mut()
                .abi
                .iter_mut()
                .rev()
                .find(|e| e.returned.is_none() && names.iter().any(|n| e.is(n)))
            {
                event.returned = value;
            }
        }
        if let Some(sites) = &found.sites
            && let Some(site) = sites.sites.get(&u64::from(pc.raw()))
            && let Some(write) = write_at(store, &frame, site, sites)
        {
            let host = store.data_mut();
            let room = host.writes.room() > 0;
            if let Some(event) = host.abi.last_mut() {
                match room {
                    true => event.writes.push(write),
                    false => host.writes.unlisted += 1,
                }
                host.writes.kept += usize::from(room);
            }
        }
        Some(())
    }

    /// Records the host's entry into the exported function `names`.
    fn entered(
        &self,
        store: &mut StoreContextMut<'_, ComponentHost>,
        frame: &wasmtime::FrameHandle,
        names: Vec<String>,
        params: usize,
    ) -> Option<()> {
        let args = (0..params as u32)
            .filter_map(|i| match frame.local(&mut *store, i).ok()? {
                Val::I32(v) => Some(u64::from(v as u32)),
                Val::I64(v) => Some(v as u64),
                _ => None,
            })
            .collect();
        let instance = frame.instance(&mut *store).ok()?;
        let memory = instance.debug_memory(&mut *store, 0)?;
        let previous = store
            .data()
            .abi
            .last()
            .map(|e| e.snapshot.clone())
            .or_else(|| store.data().abi_before.clone());
        let base = memory.data_ptr(&*store) as u64;
        let snapshot = Snapshot::capture(previous.as_deref(), memory.data(&*store), base);
        store.data_mut().abi.push(AbiEvent {
            function: names.first()?.clone(),
            names,
            args,
            returned: None,
            snapshot: Arc::new(snapshot),
            writes: Vec::new(),
        });
        Some(())
    }
}

impl DebugHandler for AbiObserver {
    type Data = ComponentHost;

    fn handle(
        &self,
        store: StoreContextMut<'_, ComponentHost>,
        event: DebugEvent<'_>,
    ) -> impl Future<Output = ()> + Send {
        let mut store = store;
        if let DebugEvent::Breakpoint = event {
            self.record(&mut store);
        }
        std::future::ready(())
    }
}

/// A core module's export names in order, `entry pc -> (names, parameter count)` of
/// its exported functions, and `pc -> names` of their exits (see `ModuleEntries`).
type ExportEntries = (Vec<String>, EntryMap, HashMap<u32, Vec<String>>);

fn export_entries(bytes: &[u8]) -> Result<ExportEntries> {
    let info = list(bytes)?;
    // Each body's first instruction, and its exits.
    let mut bodies: Vec<(u32, Vec<u32>)> = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload? {
            let reader = body.get_operators_reader()?;
            let first = u32::try_from(reader.original_position()).unwrap_or(u32::MAX);
            let mut exits = Vec::new();
            let mut last = None;
            for op in reader.into_iter_with_offsets() {
                let (op, offset) = op?;
                let offset = u32::try_from(offset).unwrap_or(u32::MAX);
                if matches!(op, wasmparser::Operator::Return) {
                    exits.push(offset);
                }
                last = Some(offset);
            }
            exits.extend(last);
            bodies.push((first, exits));
        }
    }
    let mut entries = EntryMap::new();
    let mut exits: HashMap<u32, Vec<String>> = HashMap::new();
    for export in &info.exports {
        let (Some(sig), Some(defined)) = (
            export.signature(),
            export.index.checked_sub(info.imported_functions),
        ) else {
            continue;
        };
        let Some((first, body_exits)) = bodies.get(defined as usize) else {
            continue;
        };
        if export.kind != crate::inspect::ExportKind::Func {
            continue;
        }
        let entry = entries
            .entry(*first)
            .or_insert((Vec::new(), sig.params.len()));
        entry.0.push(export.name.clone());
        let one_integer = sig.returns_one_integer();
        if one_integer {
            for &pc in body_exits {
                exits.entry(pc).or_default().push(export.name.clone());
            }
        }
    }
    let names = info.exports.iter().map(|e| e.name.clone()).collect();
    Ok((names, entries, exits))
}

/// Where a string or list result came back: the return area the post-return function
/// is given, the `(ptr, len)` pair in it, and the bytes there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnArea {
    /// The return area's offset.
    pub at: u64,
    /// The pointer stored there.
    pub ptr: u64,
    /// The length stored there.
    pub len: u64,
    /// The `len` bytes at `ptr`.
    pub bytes: Vec<u8>,
}

impl super::component::AbiTrace {
    /// The return area, read as the post-return function `post_return` saw it
    /// (its one argument is the core function's result, the return area).
    pub fn return_area(&self, post_return: &str) -> Option<ReturnArea> {
        let event = self.events.iter().rev().find(|e| e.is(post_return))?;
        let &[at] = event.args.as_slice() else {
            return None;
        };
        let pair = event.snapshot.read(at, 8);
        let word = |i: usize| -> Option<u64> {
            let bytes: [u8; 4] = pair.get(i..i + 4)?.try_into().ok()?;
            Some(u64::from(u32::from_le_bytes(bytes)))
        };
        let (ptr, len) = (word(0)?, word(4)?);
        Some(ReturnArea {
            at,
            ptr,
            len,
            bytes: event.snapshot.read(ptr, len),
        })
    }
}

/// Which core functions play which part in a call, from its lift.
#[derive(Clone, Debug, Default)]
pub struct AbiRoles {
    realloc: Option<String>,
    core: Option<String>,
    post_return: Option<String>,
}

impl AbiRoles {
    /// The roles of `lift`'s functions.
    pub fn of(lift: Option<&crate::inspect::Lift>) -> Self {
        let name = |text: Option<&String>| text.and_then(|t| export_name(t)).map(str::to_owned);
        Self {
            realloc: name(lift.and_then(|l| l.realloc.as_ref())),
            core: name(lift.map(|l| &l.core_function)),
            post_return: name(lift.and_then(|l| l.post_return.as_ref())),
        }
    }

    /// `cabi_post_append(0x103740)` (the name of its role, when it has one) and the
    /// role, `results read; the guest frees them (post-return)`.
    pub fn describe(&self, event: &AbiEvent) -> (String, &'static str) {
        let named = |name: &Option<String>| name.as_ref().filter(|n| event.is(n)).cloned();
        let (function, role) = if let Some(n) = named(&self.realloc) {
            (n, "room for an argument (realloc)")
        } else if let Some(n) = named(&self.core) {
            (n, "the lifted core function, flat arguments")
        } else if let Some(n) = named(&self.post_return) {
            (n, "results read; the guest frees them (post-return)")
        } else {
            (event.function.clone(), "")
        };
        let call = event.call_text();
        let args = call.split_once('(').map_or("()", |(_, a)| a);
        (format!("{function}({args}"), role)
    }
}

impl super::component::AbiTrace {
    /// What `run` prints and the window logs: each core call with the bytes changed
    /// before it, the bytes changed after, and the return area.
    pub fn lines(&self) -> Vec<String> {
        let roles = &self.roles;
        let mut lines = vec![
            "Canonical ABI (each core function wasmtime called, and what changed before it):"
                .to_owned(),
        ];
        let mut previous = &self.before;
        for event in &self.events {
            let (call, role) = roles.describe(event);
            let role = match role {
                "" => String::new(),
                role => format!("  <- {role}"),
            };
            let changed = crate::memory::changed_ranges(previous, &event.snapshot);
            lines.push(format!(
                "[{call}] {}{role}",
                super::steps::changed_line(&changed)
            ));
            if self.lists_writes {
                lines.extend(event.writes.iter().map(TracedWrite::line));
            }
            previous = &event.snapshot;
        }
        if self.lists_writes && self.writes_unlisted > 0 {
            lines.push(format!(
                "... and {} more writes (not listed; --max-traced-writes lists more)",
                self.writes_unlisted
            ));
        }
        let changed = crate::memory::changed_ranges(previous, &self.after);
        lines.push(format!(
            "[after the call] {}",
            super::steps::changed_line(&changed)
        ));
        if let Some(area) = self.returned() {
            let text = match std::str::from_utf8(&area.bytes) {
                Ok(text) => format!(" -> {text:?}"),
                Err(_) => String::new(),
            };
            lines.push(format!(
                "return area {:#x}: [{:#x}, {}]{text}",
                area.at, area.ptr, area.len
            ));
        }
        lines
    }

    /// The return area, if the call has a post-return function that saw one.
    pub fn returned(&self) -> Option<ReturnArea> {
        let post_return = self.roles.post_return.as_ref()?;
        self.return_area(post_return)
    }

    /// The call of the lifted core function (its flat arguments), if it was made.
    pub fn lifted(&self) -> Option<&AbiEvent> {
        let core = self.roles.core.as_ref()?;
        self.events.iter().find(|e| e.is(core))
    }
}

/// The export name in a lift's description (`core instance 0 export `append``).
pub fn export_name(described: &str) -> Option<&str> {
    let start = described.find('`')? + 1;
    let end = described[start..].find('`')? + start;
    Some(&described[start..end])
}
