//! The worker thread's own state: the live session (instance, runner, recipe), what a
//! load compiled, and the commands waiting for a compile; `handle` dispatches each
//! command. How a load goes is in `load.rs`; modules and components differ only in
//! how they are described and compiled.

use std::sync::Arc;
use std::sync::mpsc::Sender;

use anyhow::{Result, anyhow};
use wasmtime::Module;

use super::Message;
use super::component::RecordedComponent;
use super::files::{save_session, write_file};
use super::load::LoadOptions;
use super::protocol::{Command, Event};
use crate::engine::ComponentWrites;
use crate::engine::allocators::Allocator;
use crate::engine::cache::CompileCache;
use crate::engine::compiler::{CompileInfo, CompilerChoice, Engines};
use crate::engine::component::ComponentSession;
use crate::engine::debugger::{Debugger, PauseGeneration};
use crate::engine::imports::HostConfig;
use crate::engine::instance::Instance;
use crate::engine::limits::{Limits, StopHandle};
use crate::engine::runner::Runner;
use crate::engine::session::Session;
use crate::engine::trace::{Tracing, new_debug_engine};
use crate::engine::trace_log::TRACED_WRITES_PER_STEP;
use crate::inspect::Dwarf;
use crate::inspect::{ComponentInfo, ModuleInfo, WriteSites};
use crate::recipe::{self, HostSettings, Recipe};
use crate::record::Recording;

/// What a load compiled: a module, with what its instances need, or a component.
pub(super) enum Compiled {
    /// A core module.
    Module {
        module: Module,
        info: Arc<ModuleInfo>,
        allocators: Vec<Allocator>,
        /// How its writes are watched.
        watch: WriteWatch,
        /// Its DWARF, when it has readable debug info (stepping by source line).
        dwarf: Option<Arc<Dwarf>>,
    },
    /// A component (compiled for guest debugging: its canonical ABI is observed).
    Component {
        component: wasmtime::component::Component,
        info: Arc<ComponentInfo>,
        /// When its writes are recorded: the component compiled is the instrumented
        /// one, which this describes.
        recorded: Option<Arc<RecordedComponent>>,
    },
}

/// How a compiled module's writes are watched.
#[derive(Clone)]
pub(super) enum WriteWatch {
    /// Not at all.
    Off,
    /// By the debugger, at each writing instruction (compiled for guest debugging;
    /// calls can be stepped).
    Traced(Arc<WriteSites>),
    /// By the recorder: the module compiled is the instrumented one.
    Recorded(Arc<Recording>),
}

/// The module or component in use and the session on it.
pub(super) struct Live {
    pub(super) name: String,
    pub(super) compiled: Compiled,
    pub(super) binary: Arc<[u8]>,
    pub(super) instance: Instance,
    pub(super) runner: Runner,
    pub(super) recipe: Recipe,
}

/// The worker thread's state.
pub struct WorkerState {
    pub(super) stop: StopHandle,
    pub(super) limits: Limits,
    pub(super) host: HostSettings,
    pub(super) live: Option<Live>,
    /// The newest load, replay or rewind; a compile that finishes for an older one is
    /// dropped.
    pub(super) generation: u64,
    /// Whether the newest load is still compiling.
    pub(super) compiling: bool,
    /// Commands that came after a load, kept until it ends so they apply in order to
    /// the module it loads (only a newer load overtakes a compile).
    pub(super) queued: Vec<Command>,
    pub(super) internal: Sender<Message>,
    pub(super) cache: Option<CompileCache>,
    /// Whether the next loads trace every write (on an engine for guest debugging:
    /// after the first step into a call).
    pub(super) trace: bool,
    /// Whether the next loads that are not traced record every write (instrumented).
    pub(super) record: bool,
    /// Most writes listed (traced or recorded) per step; later ones are counted.
    pub(super) write_cap: usize,
    /// Pauses stepped calls (traced stores get it).
    pub(super) debugger: Option<Arc<Debugger>>,
    /// The generation pauses are reported with.
    pub(super) pause_generation: Arc<PauseGeneration>,
    /// The user's breakpoints in the live module (module offsets).
    pub(super) breakpoints: Vec<u64>,
    /// That engine, made at the first traced load.
    pub(super) debug_engine: Option<wasmtime::Engine>,
    /// The engines of ordinary loads.
    pub(super) engines: Engines,
    /// Which compiler ordinary loads use.
    pub(super) compiler: CompilerChoice,
}

impl WorkerState {
    pub fn new(
        stop: StopHandle,
        engines: Engines,
        limits: Limits,
        cache: Option<CompileCache>,
        internal: Sender<Message>,
    ) -> Self {
        Self {
            stop,
            limits,
            host: HostSettings::default(),
            live: None,
            generation: 0,
            compiling: false,
            queued: Vec::new(),
            internal,
            cache,
            trace: false,
            record: true,
            write_cap: TRACED_WRITES_PER_STEP,
            debug_engine: None,
            engines,
            compiler: CompilerChoice::default(),
            debugger: None,
            pause_generation: Arc::default(),
            breakpoints: Vec::new(),
        }
    }

    /// Steps calls with `debugger`, whose pauses carry `generation`.
    pub fn set_debugger(&mut self, debugger: Arc<Debugger>, generation: Arc<PauseGeneration>) {
        self.debugger = Some(debugger);
        self.pause_generation = generation;
    }

    /// The newest load, replay or rewind is `generation`.
    pub(super) fn set_generation(&mut self, generation: u64) {
        self.generation = generation;
        self.pause_generation.set(generation);
    }

    pub fn handle(&mut self, command: Command, send: &impl Fn(Event)) {
        let overtakes = matches!(
            command,
            Command::Load { .. } | Command::LoadFile { .. } | Command::OpenSession { .. }
        );
        if self.compiling && !overtakes {
            self.queued.push(command);
            return;
        }
        match command {
            Command::Load {
                generation,
                name,
                bytes,
                path,
                session,
                compiler,
            } => {
                self.stop.reset();
                let options = LoadOptions {
                    path,
                    session,
                    compiler,
                };
                self.load(generation, name, &bytes, options, send);
            }
            Command::LoadFile { generation, path } => {
                self.stop.reset();
                self.load_file(generation, path, None, send);
            }
            Command::OpenSession {
                generation,
                session,
            } => {
                self.stop.reset();
                let path = session.module.path.clone();
                self.load_file(generation, path, Some(session), send);
            }
            Command::Run { steps, step_into } => self.run(steps, step_into, send),
            Command::Rewind { generation, keep } => {
                self.stop.reset();
                self.rewind(generation, keep, send);
            }
            Command::ReadSession(path) => match recipe::load(&path) {
                Ok(session) => send(Event::SessionRead {
                    path,
                    session: Box::new(session),
                }),
                Err(err) => send(Event::CommandFailed {
                    error: format!("{err:#}"),
                }),
            },
            Command::SaveSession {
                path,
                session,
                module,
            } => match save_session(&path, *session, module.as_deref()) {
                Ok(module_written) => send(Event::SessionSaved {
                    path,
                    module_written,
                }),
                Err(err) => send(Event::CommandFailed {
                    error: format!("{err:#}"),
                }),
            },
            Command::WriteFile { path, bytes, what } => send(write_file(path, &bytes, what)),
            Command::SetLimits(limits) => {
                self.limits = limits;
                if let Some(live) = &mut self.live {
                    live.instance.set_limits(limits);
                    live.recipe.limits = Some(limits.settings());
                }
            }
            Command::SetHost(host) => self.host = host,
            Command::SetRecord(record) => self.record = record,
            Command::SetWriteCap(cap) => {
                self.write_cap = cap;
                if let Some(live) = self.live.as_mut() {
                    live.instance.set_write_cap(cap);
                }
            }
            Command::SetCompiler(choice) => self.compiler = choice,
            Command::SetBreakpoints(pcs) => self.set_breakpoints(pcs, send),
            Command::SelectMemory(name) => self.select_memory(name, send),
            Command::Panic(message) => panic!("{message}"),
        }
    }

    /// The engine for traced and stepped modules, made when first needed.
    pub(super) fn debug_engine(&mut self) -> Result<wasmtime::Engine> {
        if let Some(engine) = &self.debug_engine {
            return Ok(engine.clone());
        }
        let engine = new_debug_engine(self.cache.as_ref())?;
        self.debug_engine = Some(engine.clone());
        Ok(engine)
    }

    /// A new instance of what a load compiled (its binary is `binary`), with
    /// `recipe`'s host settings and limits.
    pub(super) fn instantiate(
        &self,
        compiled: &Compiled,
        binary: &[u8],
        recipe: &Recipe,
        name: &str,
    ) -> Result<Instance> {
        let host = HostConfig::from_settings(&recipe.host, name);
        let limits = recipe
            .limits
            .map(Limits::from_settings)
            .unwrap_or(self.limits);
        let (module, watch, allocators) = match compiled {
            Compiled::Module {
                module,
                watch,
                allocators,
                ..
            } => (module, watch, allocators),
            Compiled::Component {
                component,
                info,
                recorded,
            } => {
                let session = match recorded {
                    Some(recorded) => ComponentSession::traced(
                        &self.stop,
                        component,
                        &recorded.recording.bytes,
                        &recorded.info,
                        limits,
                        &host,
                        ComponentWrites::Recorded(&recorded.recording),
                    )?,
                    None => {
                        let writes = match self.trace {
                            true => ComponentWrites::Traced,
                            false => ComponentWrites::Off,
                        };
                        ComponentSession::traced(
                            &self.stop, component, binary, info, limits, &host, writes,
                        )?
                    }
                };
                let mut instance = Instance::Component(session);
                instance.set_write_cap(self.write_cap);
                return Ok(instance);
            }
        };
        let mut session = match watch {
            WriteWatch::Traced(sites) => {
                let tracing = Tracing {
                    sites: sites.clone(),
                    debugger: self.debugger.clone(),
                };
                let mut session = Session::traced(&self.stop, module, limits, &host, tracing)?;
                // A new store of the same module keeps the user's breakpoints.
                session.edit_breakpoints(&self.breakpoints, &[])?;
                session
            }
            WriteWatch::Recorded(recording) => {
                Session::recorded(&self.stop, module, limits, &host, recording.clone())?
            }
            WriteWatch::Off => Session::from_module(&self.stop, module, limits, &host)?,
        };
        session.set_known_allocators(allocators.clone());
        session.set_write_cap(self.write_cap);
        Ok(Instance::Core(session))
    }

    /// Makes `live` current and says so.
    pub(super) fn start(
        &mut self,
        generation: u64,
        mut live: Live,
        mut notes: Vec<String>,
        compiled: Option<CompileInfo>,
        send: &impl Fn(Event),
    ) {
        let snapshot = live.instance.snapshot();
        let memories = live
            .instance
            .core_mut()
            .map(Session::memory_names)
            .unwrap_or_default();
        let globals = live.instance.globals();
        let mut provided = live.instance.take_notes();
        provided.append(&mut notes);
        send(Event::Loaded {
            generation,
            name: live.name.clone(),
            session: Box::new(live.recipe.clone()),
            snapshot,
            memories,
            globals,
            notes: provided,
            compiled,
        });
        self.live = Some(live);
    }

    fn select_memory(&mut self, name: String, send: &impl Fn(Event)) {
        let selected = match self.live.as_mut().and_then(|l| l.instance.core_mut()) {
            Some(session) => session.select_memory(&name).map(|()| session.snapshot()),
            None => Err(anyhow!("no module is loaded")),
        };
        match selected {
            Ok(snapshot) => send(Event::MemorySelected {
                generation: self.generation,
                name,
                snapshot,
            }),
            Err(err) => send(Event::CommandFailed {
                error: format!("cannot show memory `{name}`: {err:#}"),
            }),
        }
    }
}
