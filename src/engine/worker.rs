//! The thread that owns the `Session`. The UI (or a test) sends `Command`s and drains
//! `Event`s; a running call never blocks the sender, and `Worker::stop` interrupts it.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use wasmtime::Module;

use super::cache::CompileCache;
use super::imports::{HostConfig, check_imports};
use super::instantiate::compile;
use super::limits::{Limits, StopHandle};
use super::session::{GlobalValue, Session, new_engine_with};
use super::steps::{Step, StepOutput};
use crate::inspect::{ModuleInfo, inspect};
use crate::memory::Snapshot;

/// What the worker is asked to do.
#[derive(Debug)]
pub enum Command {
    /// Inspect, compile and instantiate a module; the current one stays on failure.
    Load {
        /// Display name (file name).
        name: String,
        /// `.wasm` bytes or WAT text.
        bytes: Arc<[u8]>,
    },
    /// Run one step on the current module.
    Step(Step),
    /// Use these limits from the next call on.
    SetLimits(Limits),
    /// Provide imports this way from the next Load on (WASI args/env/folders, stub
    /// policies).
    SetHost(HostConfig),
    /// Show the exported memory with this name.
    SelectMemory(String),
}

/// What the worker reports, in order.
#[derive(Debug, Clone)]
pub enum Event {
    /// The module parsed; compiling follows.
    Inspected {
        /// Display name.
        name: String,
        /// What the module declares.
        info: Arc<ModuleInfo>,
        /// The module's bytes (binary, after WAT conversion).
        bytes: Arc<[u8]>,
    },
    /// The module is instantiated and ready for steps.
    Loaded {
        /// Display name.
        name: String,
        /// Memory right after instantiation.
        snapshot: Arc<Snapshot>,
        /// The exported memories that can be shown (the first is shown).
        memories: Vec<String>,
        /// Exported globals' values.
        globals: Vec<GlobalValue>,
        /// Which imports the host provided, and what the start function printed or
        /// called (see `Session::take_notes`).
        notes: Vec<String>,
    },
    /// Another memory is shown from now on.
    MemorySelected {
        /// Its export name.
        name: String,
        /// Its contents.
        snapshot: Arc<Snapshot>,
    },
    /// A load was dropped because another module was opened while it compiled.
    LoadCancelled {
        /// Display name of the dropped module.
        name: String,
    },
    /// A command other than a load or a step failed.
    CommandFailed {
        /// Why.
        error: String,
    },
    /// The module could not be loaded; the previous one (if any) is still current.
    LoadFailed {
        /// Display name.
        name: String,
        /// Why, as one sentence chain.
        error: String,
    },
    /// A step began (a call may take a while).
    StepStarted(Step),
    /// A step finished.
    StepDone {
        /// The step.
        step: Step,
        /// What it produced.
        output: StepOutput,
        /// Memory afterwards, with the ranges it changed.
        snapshot: Arc<Snapshot>,
        /// Exported globals afterwards.
        globals: Vec<GlobalValue>,
        /// Wall time the step took.
        elapsed_ms: u64,
        /// The guest's output and stub calls during the step.
        notes: Vec<String>,
    },
    /// A step failed (trap, timeout, bad pointer…). Memory may still have changed.
    StepFailed {
        /// The step.
        step: Step,
        /// Why, as one sentence chain.
        error: String,
        /// Memory afterwards (None without a module).
        snapshot: Option<Arc<Snapshot>>,
        /// The guest's output and stub calls before it failed.
        notes: Vec<String>,
    },
}

/// Compiles shorter than this are not worth a line in the log.
const NOTED_COMPILE: Duration = Duration::from_millis(500);

/// The log line about a compile that took `took`: always for a cache hit, else only
/// for a long compile.
fn compile_note(took: Duration, cached: bool) -> Option<String> {
    let took_text = if took < Duration::from_secs(1) {
        format!("{} ms", took.as_millis())
    } else {
        format!("{:.1} s", took.as_secs_f64())
    };
    if cached {
        Some(format!(
            "compiled code loaded from the cache in {took_text}"
        ))
    } else {
        (took >= NOTED_COMPILE).then(|| format!("compiled in {took_text}"))
    }
}

/// What reaches the worker thread: the user's commands, and compiles finishing on
/// their own threads.
enum Message {
    User(Command),
    Compiled {
        generation: u64,
        name: String,
        module: Result<Module>,
        /// How the compile went, for the notes, when it is worth a line.
        how: Option<String>,
    },
    Shutdown,
}

/// Handle to the worker thread.
pub struct Worker {
    commands: Sender<Message>,
    events: Receiver<Event>,
    stop: StopHandle,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker; modules it compiles are kept in `cache` when given. `wake`
    /// is called after each event is sent (the UI passes
    /// `egui::Context::request_repaint`).
    pub fn spawn(
        limits: Limits,
        cache: Option<CompileCache>,
        wake: impl Fn() + Send + 'static,
    ) -> Result<Self> {
        let stop = StopHandle::new(new_engine_with(cache.as_ref())?);
        let (commands, command_rx) = mpsc::channel();
        let (event_tx, events) = mpsc::channel();
        let thread_stop = stop.clone();
        let internal = commands.clone();
        let thread = std::thread::Builder::new()
            .name("wasmscope-engine".into())
            .spawn(move || {
                let mut state = WorkerState {
                    stop: thread_stop,
                    limits,
                    host: HostConfig::default(),
                    session: None,
                    generation: 0,
                    compiling: false,
                    queued: Vec::new(),
                    cache,
                    internal,
                };
                let send = |event: Event| {
                    // A closed receiver means the UI is gone; nothing left to tell.
                    let _ = event_tx.send(event);
                    wake();
                };
                for message in command_rx {
                    match message {
                        Message::User(command) => state.handle(command, &send),
                        Message::Compiled {
                            generation,
                            name,
                            module,
                            how,
                        } => state.compiled(generation, name, module, how, &send),
                        Message::Shutdown => break,
                    }
                }
            })
            .context("cannot start the engine thread")?;
        Ok(Self {
            commands,
            events,
            stop,
            thread: Some(thread),
        })
    }

    /// Queues a command. A Stop pressed after this returns ends the command's call.
    /// A load first stops the call running now, if any: that module is being replaced,
    /// and the load should not wait for the call's time limit.
    pub fn send(&self, command: Command) {
        match command {
            // The worker clears the flag when the load begins.
            Command::Load { .. } => self.stop.stop(),
            Command::Step(_) => self.stop.reset(),
            _ => {}
        }
        // The thread only ends when `self` drops, so the channel is open here.
        let _ = self.commands.send(Message::User(command));
    }

    /// Interrupts the running call, if any.
    pub fn stop(&self) {
        self.stop.stop();
    }

    /// The next event, if one is ready.
    pub fn try_recv(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// Waits up to `timeout` for the next event.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.stop();
        // A compile still running finishes on its own thread; its result is dropped.
        let _ = self.commands.send(Message::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The worker thread's own state.
struct WorkerState {
    stop: StopHandle,
    limits: Limits,
    host: HostConfig,
    session: Option<Session>,
    /// Counts loads; a compile that finishes for an older one is dropped.
    generation: u64,
    /// Whether the newest load is still compiling.
    compiling: bool,
    /// Commands that came after a load, kept until it ends so they apply in order to
    /// the module it loads (only a newer load overtakes a compile).
    queued: Vec<Command>,
    /// Where compile threads report.
    internal: Sender<Message>,
    /// The engine's compile cache, if it has one.
    cache: Option<CompileCache>,
}

impl WorkerState {
    fn handle(&mut self, command: Command, send: &impl Fn(Event)) {
        if self.compiling && !matches!(command, Command::Load { .. }) {
            self.queued.push(command);
            return;
        }
        match command {
            Command::Load { name, bytes } => {
                self.stop.reset();
                self.load(name, &bytes, send);
            }
            Command::Step(step) => self.step(step, send),
            Command::SetLimits(limits) => {
                self.limits = limits;
                if let Some(session) = &mut self.session {
                    session.set_limits(limits);
                }
            }
            Command::SetHost(host) => self.host = host,
            Command::SelectMemory(name) => self.select_memory(name, send),
        }
    }

    /// Checks the module and starts compiling it on a thread of its own; the worker
    /// keeps serving the current module meanwhile.
    fn load(&mut self, name: String, bytes: &[u8], send: &impl Fn(Event)) {
        self.generation += 1;
        let generation = self.generation;
        let checked = crate::inspect::to_binary(bytes).and_then(|binary| {
            let info = inspect(&binary)?;
            let supported = check_imports(&info);
            send(Event::Inspected {
                name: name.clone(),
                info: Arc::new(info),
                bytes: Arc::from(binary.as_slice()),
            });
            supported.map(|()| binary)
        });
        let binary = match checked {
            Ok(binary) => binary,
            Err(err) => {
                send(Event::LoadFailed {
                    name,
                    error: format!("{err:#}"),
                });
                self.end_load(send);
                return;
            }
        };
        self.compiling = true;
        let engine = self.stop.engine().clone();
        let internal = self.internal.clone();
        let thread_name = name.clone();
        let cache = self.cache.clone();
        let spawned = std::thread::Builder::new()
            .name("wasmscope-compile".into())
            .spawn(move || {
                let hits = cache.as_ref().map(CompileCache::hits);
                let started = Instant::now();
                let module = compile(&engine, &binary);
                let cached = cache.as_ref().map(CompileCache::hits) > hits;
                let how = compile_note(started.elapsed(), cached);
                let _ = internal.send(Message::Compiled {
                    generation,
                    name: thread_name,
                    module,
                    how,
                });
            });
        if let Err(err) = spawned {
            send(Event::LoadFailed {
                name,
                error: format!("cannot start compiling: {err}"),
            });
            self.end_load(send);
        }
    }

    /// After the newest load ended (loaded or failed): runs what waited for it.
    fn end_load(&mut self, send: &impl Fn(Event)) {
        self.compiling = false;
        for command in std::mem::take(&mut self.queued) {
            self.handle(command, send);
        }
    }

    /// Instantiates a compiled module, unless another load began since.
    fn compiled(
        &mut self,
        generation: u64,
        name: String,
        module: Result<Module>,
        how: Option<String>,
        send: &impl Fn(Event),
    ) {
        if generation != self.generation {
            send(Event::LoadCancelled { name });
            return;
        }
        let mut host = self.host.clone();
        // argv[0] is the module's name unless the host config names the program.
        match host.wasi.args.first_mut() {
            None => host.wasi.args.push(name.clone()),
            Some(program) if program.is_empty() => program.clone_from(&name),
            Some(_) => {}
        }
        let loaded =
            module.and_then(|module| Session::from_module(&self.stop, &module, self.limits, &host));
        match loaded {
            Ok(mut session) => {
                let snapshot = session.snapshot();
                let memories = session.memory_names();
                let globals = session.globals();
                let mut notes = session.take_notes();
                if let Some(how) = how {
                    notes.insert(0, how);
                }
                self.session = Some(session);
                send(Event::Loaded {
                    name,
                    snapshot,
                    memories,
                    globals,
                    notes,
                });
            }
            Err(err) => send(Event::LoadFailed {
                name,
                error: format!("{err:#}"),
            }),
        }
        self.end_load(send);
    }

    fn select_memory(&mut self, name: String, send: &impl Fn(Event)) {
        let selected = match &mut self.session {
            Some(session) => session.select_memory(&name).map(|()| session.snapshot()),
            None => Err(anyhow::anyhow!("no module is loaded")),
        };
        match selected {
            Ok(snapshot) => send(Event::MemorySelected { name, snapshot }),
            Err(err) => send(Event::CommandFailed {
                error: format!("cannot show memory `{name}`: {err:#}"),
            }),
        }
    }

    fn step(&mut self, step: Step, send: &impl Fn(Event)) {
        let Some(session) = &mut self.session else {
            send(Event::StepFailed {
                step,
                error: "no module is loaded".to_owned(),
                snapshot: None,
                notes: Vec::new(),
            });
            return;
        };
        send(Event::StepStarted(step.clone()));
        let started = Instant::now();
        let result = session.run_step(&step);
        let snapshot = session.snapshot();
        let notes = session.take_notes();
        match result {
            Ok(output) => send(Event::StepDone {
                step,
                output,
                snapshot,
                globals: session.globals(),
                elapsed_ms: started.elapsed().as_millis() as u64,
                notes,
            }),
            Err(err) => send(Event::StepFailed {
                step,
                error: format!("{err:#}"),
                snapshot: Some(snapshot),
                notes,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_notes_say_cache_hits_and_long_compiles() {
        let ms = Duration::from_millis;
        assert_eq!(
            compile_note(ms(3), true).as_deref(),
            Some("compiled code loaded from the cache in 3 ms")
        );
        assert_eq!(compile_note(ms(120), false), None);
        assert_eq!(
            compile_note(ms(700), false).as_deref(),
            Some("compiled in 700 ms")
        );
        assert_eq!(
            compile_note(ms(28_400), false).as_deref(),
            Some("compiled in 28.4 s")
        );
    }
}
