//! Stepping inside a call. A traced store's debug handler (see `trace`) also asks the
//! `Debugger` whether to pause at each event; when it does, it reports a `Pause` (the
//! frame, its locals and operand stack, the call stack, memory) and waits on the
//! debugger's command channel for Step, Step over, Step out, Run to the next write,
//! Continue or Stop. The worker thread is the one that waits: the call is on its stack.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context as _, Result};
use wasmtime::{AsContextMut, FrameHandle, Module, ModulePC, StoreContextMut};

use super::store::StoreData;
use super::values::Value;
use crate::inspect::{Dwarf, WriteSites};
use crate::memory::{Snapshot, TracedWrite};

/// What the user asks of a paused call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DebugCommand {
    /// Run one instruction (into a called function).
    Step,
    /// Run to the next instruction of this function (over calls).
    StepOver,
    /// Run until this function returns.
    StepOut,
    /// Run to the next source line of this function (over calls), or until it returns.
    StepLine,
    /// Run to the next source line, into a called function that has line info.
    StepIntoLine,
    /// Run to the next instruction that writes memory.
    RunToWrite,
    /// Run until an instruction writes into these bytes (a data watchpoint).
    Watch {
        /// First byte watched.
        start: u64,
        /// Past the last byte watched.
        end: u64,
    },
    /// The breakpoints (module offsets) are these from now on; the call stays paused.
    SetBreakpoints(Vec<u64>),
    /// Run to the end of the call (or a trap), pausing at the breakpoints and at
    /// these module offsets (a source line's entries: run to that line).
    RunTo(Vec<u64>),
    /// Run to the end of the call (or a trap).
    Continue,
    /// End the call (Stop also sets the stop flag, which interrupts it).
    Stop,
}

/// Where a call is paused, and what its frame holds.
#[derive(Clone, Debug)]
pub struct Pause {
    /// The paused frame: its function, next instruction, locals and operand stack.
    pub top: FrameView,
    /// The frames that called it, innermost first.
    pub callers: Vec<FrameView>,
    /// Why it paused, when it trapped here.
    pub trap: Option<String>,
    /// Memory now; its `changed()` is what changed since the previous pause.
    pub snapshot: Arc<Snapshot>,
    /// How many pauses this call has had (1 for the first).
    pub count: u64,
    /// The writes made since the previous pause (traced: the instruction paused at
    /// has not written yet).
    pub writes: Vec<TracedWrite>,
    /// The instance's globals, by index (`None` for values without a number).
    pub globals: Vec<Option<Value>>,
}

impl Pause {
    /// The call stack, innermost (the paused frame) first.
    pub fn frames(&self) -> impl Iterator<Item = &FrameView> {
        std::iter::once(&self.top).chain(&self.callers)
    }

    /// Frame `index` of the call stack (0: the paused one).
    pub fn frame(&self, index: usize) -> Option<&FrameView> {
        match index {
            0 => Some(&self.top),
            _ => self.callers.get(index - 1),
        }
    }

    /// How many frames deep the call is.
    pub fn depth(&self) -> usize {
        1 + self.callers.len()
    }
}

/// One frame of a paused call.
#[derive(Clone, Debug)]
pub struct FrameView {
    /// The function (imports counted).
    pub func: u32,
    /// Byte offset in the module of the frame's next instruction (its call, for a
    /// caller).
    pub pc: u64,
    /// `caller+0x0020`.
    pub place: String,
    /// Its locals (`None` for values without a number).
    pub locals: Vec<Option<Value>>,
    /// Its operand stack, bottom first.
    pub stack: Vec<Option<Value>>,
}

impl FrameView {
    /// The module offset whose source line is the frame's: its next instruction, or
    /// for a caller (frame `index` > 0 of a pause), the call (its pc is where the call
    /// returns to).
    pub fn line_pc(&self, index: usize) -> u64 {
        match index {
            0 => self.pc,
            _ => self.pc.saturating_sub(1),
        }
    }
}

/// When the next event pauses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Not stepping (a traced call that only records writes).
    Off,
    Step,
    Over {
        depth: usize,
    },
    Out {
        depth: usize,
    },
    /// Until the line (of the frame at `depth`) changes; `into` a call with lines too.
    Line {
        depth: usize,
        from: Option<LineKey>,
        into: bool,
    },
    ToWrite,
    Watch {
        start: u64,
        end: u64,
    },
    Continue,
}

/// A store's stepping state and the channels to the user.
pub struct Debugger {
    state: Mutex<State>,
    commands: Mutex<Receiver<DebugCommand>>,
    on_pause: Box<dyn Fn(Pause) + Send + Sync>,
}

/// A source line, as line stepping compares them: its file's hash and its number.
type LineKey = (u64, u32);

/// The source line of the instruction at `pc`, if the line tables give one.
fn line_key(dwarf: &Dwarf, pc: u64) -> Option<LineKey> {
    let location = dwarf.function_line_at(pc).filter(|l| l.line > 0)?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&location.file, &mut hasher);
    Some((std::hash::Hasher::finish(&hasher), location.line))
}

struct State {
    mode: Mode,
    /// The module's DWARF, for stepping by source line.
    lines: Option<Arc<Dwarf>>,
    previous: Arc<Snapshot>,
    count: u64,
    /// How many of the call's traced writes earlier pauses reported.
    writes_seen: usize,
    /// Module offsets where any debugged call pauses.
    breakpoints: std::collections::BTreeSet<u64>,
    /// Where a Run to pauses besides them (breakpoints of the store until then).
    run_to: Vec<u64>,
}

impl Debugger {
    /// A debugger that reports pauses to `on_pause` and waits on `commands`.
    pub fn new(
        commands: Receiver<DebugCommand>,
        on_pause: impl Fn(Pause) + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                mode: Mode::Off,
                lines: None,
                previous: Arc::new(Snapshot::empty()),
                count: 0,
                writes_seen: 0,
                breakpoints: std::collections::BTreeSet::new(),
                run_to: Vec::new(),
            }),
            commands: Mutex::new(commands),
            on_pause: Box::new(on_pause),
        })
    }

    /// Makes the next call pause before its first instruction (`step_into`), or only
    /// at a breakpoint; `memory` is memory before it (pauses mark what changed since).
    /// Drops commands left from before.
    pub fn arm(&self, memory: Arc<Snapshot>, step_into: bool, lines: Option<Arc<Dwarf>>) {
        if let Ok(commands) = self.commands.lock() {
            while commands.try_recv().is_ok() {}
        }
        if let Ok(mut state) = self.state.lock() {
            *state = State {
                mode: if step_into {
                    Mode::Step
                } else {
                    Mode::Continue
                },
                lines,
                previous: memory,
                count: 0,
                writes_seen: 0,
                breakpoints: std::mem::take(&mut state.breakpoints),
                run_to: Vec::new(),
            };
        }
    }

    /// Calls pause at these module offsets (the store needs breakpoints there too:
    /// `Session::set_breakpoints`).
    pub fn set_breakpoints(&self, pcs: &[u64]) {
        if let Ok(mut state) = self.state.lock() {
            state.breakpoints = pcs.iter().copied().collect();
        }
    }

    /// The module offsets calls pause at (as the store of a stepped call has them).
    pub fn breakpoints(&self) -> Vec<u64> {
        self.state
            .lock()
            .map(|s| s.breakpoints.iter().copied().collect())
            .unwrap_or_default()
    }

    /// While paused at `frame`: the store's breakpoints (and ours) become `pcs`.
    fn move_breakpoints(
        &self,
        store: &mut StoreContextMut<'_, StoreData>,
        frame: &FrameHandle,
        pcs: &[u64],
    ) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let wanted: std::collections::BTreeSet<u64> = pcs.iter().copied().collect();
        let added: Vec<u64> = wanted.difference(&state.breakpoints).copied().collect();
        let removed: Vec<u64> = state.breakpoints.difference(&wanted).copied().collect();
        edit_store_breakpoints(store, frame, &removed, false);
        edit_store_breakpoints(store, frame, &added, true);
        state.breakpoints = wanted;
    }

    /// Ends stepping (after the call).
    pub fn disarm(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.mode = Mode::Off;
        }
    }

    /// Whether a call is being stepped.
    pub fn is_stepping(&self) -> bool {
        self.state.lock().is_ok_and(|s| s.mode != Mode::Off)
    }

    /// At an instruction (a breakpoint or a single step): pauses if the mode says so.
    pub fn at_instruction(&self, store: &mut StoreContextMut<'_, StoreData>, sites: &WriteSites) {
        let Ok((mode, has_breakpoints, lines)) = self.state.lock().map(|s| {
            let any = !s.breakpoints.is_empty() || !s.run_to.is_empty();
            (s.mode, any, s.lines.clone())
        }) else {
            return;
        };
        if mode == Mode::Off || (mode == Mode::Continue && !has_breakpoints) {
            return;
        }
        let Some(frame) = store.debug_exit_frames().next() else {
            return;
        };
        let pc = frame
            .wasm_function_index_and_pc(&mut *store)
            .ok()
            .flatten()
            .map(|(_, pc)| u64::from(pc.raw()));
        let at_write = pc.is_some_and(|pc| sites.sites.contains_key(&pc));
        let at_breakpoint = pc.is_some_and(|pc| {
            self.state
                .lock()
                .is_ok_and(|s| s.breakpoints.contains(&pc) || s.run_to.contains(&pc))
        });
        let depth = depth(store, &frame);
        let pause = at_breakpoint
            || match mode {
                Mode::Step => true,
                Mode::Over { depth: from } => depth <= from,
                Mode::Out { depth: from } => depth < from,
                Mode::Line {
                    depth: from,
                    from: line,
                    into,
                } => {
                    let here = lines.as_deref().zip(pc).and_then(|(d, pc)| line_key(d, pc));
                    depth < from
                        || (depth == from && here.is_some() && here != line)
                        || (into && depth > from && here.is_some())
                }
                Mode::ToWrite => at_write,
                Mode::Watch { start, end } => at_write && writes_into(store, start..end),
                Mode::Off | Mode::Continue => false,
            };
        if pause {
            self.pause(store, &frame, sites, None);
        }
    }

    /// At a trap: pauses there (with the frames still live) when stepping.
    pub fn at_trap(
        &self,
        store: &mut StoreContextMut<'_, StoreData>,
        sites: &WriteSites,
        why: String,
    ) {
        if !self.is_stepping() {
            return;
        }
        let frame = store.debug_exit_frames().next();
        if let Some(frame) = frame {
            self.pause(store, &frame, sites, Some(why));
        }
    }

    /// Reports a pause and waits for the next command.
    fn pause(
        &self,
        store: &mut StoreContextMut<'_, StoreData>,
        frame: &FrameHandle,
        sites: &WriteSites,
        trap: Option<String>,
    ) {
        // A Run to ends at any pause: its breakpoints go.
        let run_to = self
            .state
            .lock()
            .map(|mut s| std::mem::take(&mut s.run_to))
            .unwrap_or_default();
        edit_store_breakpoints(store, frame, &run_to, false);
        let Some(pause) = self.describe(store, frame, sites, trap) else {
            return;
        };
        let depth = pause.depth();
        let line = self
            .state
            .lock()
            .ok()
            .and_then(|s| s.lines.clone())
            .and_then(|d| line_key(&d, pause.top.pc));
        (self.on_pause)(pause);
        let waited = Instant::now();
        // Breakpoints set while paused apply at once; anything else resumes.
        let command = loop {
            let command = self
                .commands
                .lock()
                .ok()
                .and_then(|commands| commands.recv().ok())
                .unwrap_or(DebugCommand::Stop);
            match command {
                DebugCommand::SetBreakpoints(pcs) => self.move_breakpoints(store, frame, &pcs),
                command => break command,
            }
        };
        // Time spent paused does not count against the call's time limit.
        store.data_mut().deadline.started += waited.elapsed();
        let stop = command == DebugCommand::Stop;
        let (mode, single_step) = match command {
            DebugCommand::Step => (Mode::Step, true),
            DebugCommand::StepOver => (Mode::Over { depth }, true),
            DebugCommand::StepOut => (Mode::Out { depth }, true),
            DebugCommand::StepLine | DebugCommand::StepIntoLine => {
                let into = command == DebugCommand::StepIntoLine;
                let from = line;
                (Mode::Line { depth, from, into }, true)
            }
            DebugCommand::RunToWrite => (Mode::ToWrite, false),
            DebugCommand::Watch { start, end } => (Mode::Watch { start, end }, false),
            DebugCommand::RunTo(pcs) => {
                edit_store_breakpoints(store, frame, &pcs, true);
                if let Ok(mut state) = self.state.lock() {
                    state.run_to = pcs;
                }
                (Mode::Continue, false)
            }
            DebugCommand::Continue | DebugCommand::SetBreakpoints(_) => (Mode::Continue, false),
            DebugCommand::Stop => (Mode::Off, false),
        };
        if let Ok(mut state) = self.state.lock() {
            state.mode = mode;
        }
        if let Some(mut edit) = store.as_context_mut().edit_breakpoints() {
            // Without single-stepping, only the write breakpoints stop the guest.
            let _ = edit.single_step(single_step);
        }
        if stop {
            // The next epoch check (a loop's back edge, a call) sees the Stop flag and
            // ends the call; straight-line code before it runs to its end.
            store.set_epoch_deadline(0);
        }
    }

    /// The pause at `frame`.
    fn describe(
        &self,
        store: &mut StoreContextMut<'_, StoreData>,
        frame: &FrameHandle,
        sites: &WriteSites,
        trap: Option<String>,
    ) -> Option<Pause> {
        let mut frames = frames(store, frame, sites).into_iter();
        let top = frames.next()?;
        let globals = globals(store, frame);
        let memory = store.data().memory;
        let mut state = self.state.lock().ok()?;
        let snapshot = match memory {
            Some(memory) => Arc::new(Snapshot::capture(
                Some(&state.previous),
                memory.data(&*store),
                memory.data_ptr(&*store) as usize as u64,
            )),
            None => Arc::new(Snapshot::empty()),
        };
        state.previous = snapshot.clone();
        state.count += 1;
        let paused_at = trap.is_none().then_some(top.pc);
        let (writes, seen) = store
            .data()
            .trace
            .landed_since(state.writes_seen, paused_at);
        let writes = writes.to_vec();
        state.writes_seen = seen;
        Some(Pause {
            top,
            callers: frames.collect(),
            trap,
            snapshot,
            count: state.count,
            writes,
            globals,
        })
    }
}

/// Adds (or removes) breakpoints at module offsets `pcs` of `frame`'s module in the
/// store. A pause cannot fail: an offset the store refuses is left as it is.
fn edit_store_breakpoints(
    store: &mut StoreContextMut<'_, StoreData>,
    frame: &FrameHandle,
    pcs: &[u64],
    add: bool,
) {
    if pcs.is_empty() {
        return;
    }
    if let Ok(Some(module)) = frame.module(store.as_context_mut()).map(|m| m.cloned()) {
        let _ = edit_breakpoints(store, &module, pcs, add);
    }
}

/// Adds (or removes) breakpoints at module offsets `pcs` of `module` in `store`, which
/// must be compiled for guest debugging (wasmtime counts them, so the write tracer's
/// and the user's share offsets safely).
pub(super) fn edit_breakpoints(
    mut store: impl AsContextMut,
    module: &Module,
    pcs: &[u64],
    add: bool,
) -> Result<()> {
    let store = store.as_context_mut();
    let mut edit = store
        .edit_breakpoints()
        .context("this session is not compiled for stepping")?;
    for &pc in pcs {
        let pc = ModulePC::new(u32::try_from(pc).context("a breakpoint past 4 GiB of module")?);
        let done = match add {
            true => edit.add_breakpoint(module, pc),
            false => edit.remove_breakpoint(module, pc),
        };
        done.map_err(anyhow::Error::from)
            .context("cannot set the breakpoint")?;
    }
    Ok(())
}

/// Whether the write just recorded (the tracer records before the debugger looks)
/// lands in `watched`.
fn writes_into(store: &StoreContextMut<'_, StoreData>, watched: std::ops::Range<u64>) -> bool {
    store
        .data()
        .trace
        .last_listed()
        .is_some_and(|w| w.range.start < watched.end && watched.start < w.range.end)
}

/// How many wasm frames are on the stack, `frame` the innermost.
fn depth(store: &mut StoreContextMut<'_, StoreData>, frame: &FrameHandle) -> usize {
    let mut depth = 1;
    let mut current = frame.parent(&mut *store).ok().flatten();
    while let Some(parent) = current {
        depth += 1;
        current = parent.parent(&mut *store).ok().flatten();
    }
    depth
}

/// The globals of `frame`'s instance, by index (every one, defined or imported).
fn globals(store: &mut StoreContextMut<'_, StoreData>, frame: &FrameHandle) -> Vec<Option<Value>> {
    let Ok(instance) = frame.instance(&mut *store) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    // A bound: a module can declare up to a million globals.
    while found.len() < 1 << 16 {
        let Ok(index) = u32::try_from(found.len()) else {
            break;
        };
        let Some(global) = instance.debug_global(&mut *store, index) else {
            break;
        };
        found.push(Value::from_val(&global.get(&mut *store)));
    }
    found
}

/// The call stack, innermost first, each frame with its values.
fn frames(
    store: &mut StoreContextMut<'_, StoreData>,
    frame: &FrameHandle,
    sites: &WriteSites,
) -> Vec<FrameView> {
    let mut views = Vec::new();
    let mut current = Some(frame.clone());
    while let Some(here) = current {
        if let Some(view) = frame_view(store, &here, sites) {
            views.push(view);
        }
        current = here.parent(&mut *store).ok().flatten();
    }
    views
}

/// One frame: where, and its locals and operand stack.
fn frame_view(
    store: &mut StoreContextMut<'_, StoreData>,
    frame: &FrameHandle,
    sites: &WriteSites,
) -> Option<FrameView> {
    let (defined, pc) = frame.wasm_function_index_and_pc(&mut *store).ok()??;
    let func = sites.imported_funcs + defined.as_u32();
    let pc = u64::from(pc.raw());
    let values = |count: u32, get: &mut dyn FnMut(u32) -> Option<wasmtime::Val>| {
        (0..count)
            .map(|i| get(i).and_then(|v| Value::from_val(&v)))
            .collect::<Vec<_>>()
    };
    let num_locals = frame.num_locals(&mut *store).ok()?;
    let locals = values(num_locals, &mut |i| frame.local(&mut *store, i).ok());
    let num_stack = frame.num_stacks(&mut *store).ok()?;
    let stack = values(num_stack, &mut |i| frame.stack(&mut *store, i).ok());
    Some(FrameView {
        func,
        pc,
        place: sites.place_of(func, pc),
        locals,
        stack,
    })
}

/// The generation a store's pauses belong to, kept where the pause callback sees it.
#[derive(Debug, Default)]
pub struct PauseGeneration(AtomicU64);

impl PauseGeneration {
    /// The current generation.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Sets it.
    pub fn set(&self, generation: u64) {
        self.0.store(generation, Ordering::SeqCst);
    }
}
