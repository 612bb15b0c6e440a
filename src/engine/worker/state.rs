//! The worker thread's own state: the live session (instance, runner, recipe), loads
//! compiling on their own threads, and the commands waiting for them. Modules and
//! components differ only in how they are described and compiled; once compiled,
//! one path instantiates, replays and serves either.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Instant;

use anyhow::{Result, anyhow};
use wasmtime::Module;

use super::Message;
use super::files::{save_session, write_file};
use super::protocol::{Command, Described, Event};
use crate::engine::allocators::{Allocator, detect};
use crate::engine::cache::CompileCache;
use crate::engine::compiler::{CompileInfo, Compiler, CompilerChoice, Engines, compile_timed};
use crate::engine::component::ComponentSession;
use crate::engine::debugger::{Debugger, PauseGeneration};
use crate::engine::glue::glue_allocator;
use crate::engine::imports::{HostConfig, check_imports};
use crate::engine::instance::Instance;
use crate::engine::limits::{Limits, StopHandle};
use crate::engine::runner::Runner;
use crate::engine::session::Session;
use crate::engine::trace::{Tracing, new_debug_engine};
use crate::inspect::{
    ComponentInfo, ModuleInfo, WriteSites, list, load_module_bytes, validate, write_sites,
};
use crate::recipe::{self, HostSettings, ModuleRef, Recipe};

/// Where a load's module comes from and what comes with it.
pub(super) struct LoadOptions {
    /// The file, if any (its emscripten glue may sit beside it).
    path: Option<PathBuf>,
    /// A session to replay on it.
    session: Option<Box<Recipe>>,
    /// The compiler for this load only.
    compiler: Option<CompilerChoice>,
}

/// A load on its way: what it needs once compiled.
pub struct PendingLoad {
    name: String,
    path: Option<PathBuf>,
    sha256: String,
    info: Arc<ModuleInfo>,
    allocators: Vec<Allocator>,
    /// The module's writing instructions, when its writes are traced.
    sites: Option<Arc<WriteSites>>,
    session: Option<Box<Recipe>>,
    /// The module's binary (to compile it again for stepping).
    binary: Arc<[u8]>,
}

/// What a load compiled: a module, with what its instances need, or a component.
pub(super) enum Compiled {
    /// A core module.
    Module {
        module: Module,
        info: Arc<ModuleInfo>,
        allocators: Vec<Allocator>,
        /// Its writing instructions, when its writes are traced.
        sites: Option<Arc<WriteSites>>,
    },
    /// A component (compiled for guest debugging: its canonical ABI is observed).
    Component {
        component: wasmtime::component::Component,
        info: Arc<ComponentInfo>,
    },
}

/// What a compiled load brings to its first instance.
pub(super) struct Arrival {
    pub(super) name: String,
    pub(super) path: Option<PathBuf>,
    pub(super) sha256: String,
    pub(super) binary: Arc<[u8]>,
    pub(super) session: Option<Box<Recipe>>,
    /// Lines for the log about the load.
    pub(super) notes: Vec<String>,
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
    /// Whether the next loads trace every write (on an engine for guest debugging).
    pub(super) trace: bool,
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
            Command::SetTrace(trace) => self.trace = trace,
            Command::SetCompiler(choice) => self.compiler = choice,
            Command::SetBreakpoints(pcs) => self.set_breakpoints(pcs, send),
            Command::SelectMemory(name) => self.select_memory(name, send),
            Command::Panic(message) => panic!("{message}"),
        }
    }

    /// Reads a module file and loads it (with a session to replay, if given).
    fn load_file(
        &mut self,
        generation: u64,
        path: PathBuf,
        session: Option<Box<Recipe>>,
        send: &impl Fn(Event),
    ) {
        let name = recipe::file_name(&path);
        match load_module_bytes(&path) {
            Ok(bytes) => {
                let options = LoadOptions {
                    path: Some(path),
                    session,
                    compiler: None,
                };
                self.load(generation, name, &bytes, options, send);
            }
            Err(err) => {
                self.set_generation(generation);
                send(Event::LoadFailed {
                    generation,
                    name,
                    error: format!("{err:#}"),
                });
            }
        }
    }

    /// Checks the module and starts compiling it on a thread of its own; the worker
    /// keeps serving the current module meanwhile.
    fn load(
        &mut self,
        generation: u64,
        name: String,
        bytes: &[u8],
        options: LoadOptions,
        send: &impl Fn(Event),
    ) {
        let LoadOptions {
            path,
            session,
            compiler,
        } = options;
        self.set_generation(generation);
        if let Ok(binary) = crate::inspect::to_binary(bytes)
            && crate::inspect::is_component(&binary)
        {
            self.load_component(generation, name, &binary, path, session, send);
            return;
        }
        let checked = crate::inspect::to_binary(bytes).and_then(|binary| {
            // The listing first, so the window shows the exports at once; the function
            // bodies are validated on the compile thread.
            let info = Arc::new(list(&binary)?);
            let mut allocators = detect(&info);
            if let Some(glue) = path.as_deref().and_then(|p| glue_allocator(p, &info))
                && !allocators.iter().any(|a| a.export == glue.export)
            {
                allocators.push(glue);
            }
            let supported = check_imports(&info);
            send(Event::Inspected {
                generation,
                name: name.clone(),
                bytes: Arc::from(binary.as_slice()),
                described: Described::Module {
                    info: info.clone(),
                    allocators: allocators.clone(),
                },
            });
            supported?;
            let sites = match self.trace {
                true => Some(Arc::new(write_sites(&binary)?)),
                false => None,
            };
            // A traced load compiles for the debugger, which needs Cranelift.
            let debug_engine = match &sites {
                Some(_) => Some(self.debug_engine()?),
                None => None,
            };
            Ok((binary, info, allocators, sites, debug_engine))
        });
        let (binary, info, allocators, sites, debug_engine) = match checked {
            Ok(checked) => checked,
            Err(err) => return self.load_failed(generation, name, format!("{err:#}"), send),
        };
        let load = Box::new(PendingLoad {
            name: name.clone(),
            path,
            sha256: recipe::sha256_hex(&binary),
            info,
            allocators,
            sites,
            session,
            binary: Arc::from(binary.as_slice()),
        });
        let cache = self.cache.clone();
        let engines = self.engines.clone();
        let choice = compiler.unwrap_or(self.compiler);
        self.spawn_compile(generation, &name, send, move || {
            let binary = &load.binary;
            let module = validate(binary).and_then(|()| match &debug_engine {
                Some(engine) => compile_timed(engine, Compiler::Cranelift, binary, cache.as_ref())
                    .map(|(module, info)| {
                        (
                            module,
                            CompileInfo {
                                debug: true,
                                ..info
                            },
                        )
                    }),
                None => engines.compile(choice, binary),
            });
            Message::Compiled {
                generation,
                module,
                load,
            }
        });
    }

    /// Runs `compile` on a thread of its own; the message it returns reaches the
    /// worker when it is done. Commands wait for it meanwhile (`compiling`).
    pub(super) fn spawn_compile(
        &mut self,
        generation: u64,
        name: &str,
        send: &impl Fn(Event),
        compile: impl FnOnce() -> Message + Send + 'static,
    ) {
        self.compiling = true;
        let internal = self.internal.clone();
        let spawned = std::thread::Builder::new()
            .name("wasmscope-compile".into())
            .spawn(move || {
                let _ = internal.send(compile());
            });
        if let Err(err) = spawned {
            let error = format!("cannot start compiling: {err}");
            self.load_failed(generation, name.to_owned(), error, send);
        }
    }

    /// The newest load failed: says why, and runs what waited for it.
    pub(super) fn load_failed(
        &mut self,
        generation: u64,
        name: String,
        error: String,
        send: &impl Fn(Event),
    ) {
        send(Event::LoadFailed {
            generation,
            name,
            error,
        });
        self.end_load(send);
    }

    /// After the newest load ended (loaded or failed): runs what waited for it.
    pub(super) fn end_load(&mut self, send: &impl Fn(Event)) {
        self.compiling = false;
        for command in std::mem::take(&mut self.queued) {
            self.handle(command, send);
        }
    }

    /// Instantiates a compiled module, unless another load began since, and replays
    /// the session that came with it.
    pub fn compiled(
        &mut self,
        generation: u64,
        module: Result<(Module, CompileInfo)>,
        load: PendingLoad,
        send: &impl Fn(Event),
    ) {
        if generation != self.generation {
            send(Event::LoadCancelled { name: load.name });
            return;
        }
        let PendingLoad {
            name,
            path,
            sha256,
            info,
            allocators,
            sites,
            session,
            binary,
        } = load;
        let mut notes = Vec::new();
        if sites.is_some() {
            notes.push(
                "Every write is traced to the instruction that made it (Settings); calls run \
                 slower."
                    .to_owned(),
            );
        }
        let compiled = module.map(|(module, compile_info)| {
            let compiled = Compiled::Module {
                module,
                info,
                allocators,
                sites,
            };
            (compiled, Some(compile_info))
        });
        let arrival = Arrival {
            name,
            path,
            sha256,
            binary,
            session,
            notes,
        };
        self.arrived(generation, arrival, compiled, send);
    }

    /// A load of either kind compiled: makes its first instance with the session's
    /// host settings and limits (or the window's, without a session), replays the
    /// session's steps, and runs what waited for the load.
    pub(super) fn arrived(
        &mut self,
        generation: u64,
        arrival: Arrival,
        compiled: Result<(Compiled, Option<CompileInfo>)>,
        send: &impl Fn(Event),
    ) {
        // Breakpoints belong to the module they were set in; the window sends them
        // again for this one.
        self.breakpoints.clear();
        if let Some(debugger) = &self.debugger {
            debugger.set_breakpoints(&[]);
        }
        let started = Instant::now();
        let Arrival {
            name,
            path,
            sha256,
            binary,
            session,
            mut notes,
        } = arrival;
        let (mut base, steps) = match session {
            Some(session) => {
                let mut session = *session;
                if let Some(expected) = &session.module.sha256
                    && *expected != sha256
                {
                    notes.push(format!(
                        "warning: {name} is not the module this session was saved with (its \
                         SHA-256 differs); replaying anyway"
                    ));
                }
                let steps = std::mem::take(&mut session.steps);
                (session, Some(steps))
            }
            None => (
                Recipe {
                    host: self.host.clone(),
                    limits: Some(self.limits.settings()),
                    ..Recipe::default()
                },
                None,
            ),
        };
        base.module = ModuleRef {
            path: path.unwrap_or_else(|| PathBuf::from(&name)),
            sha256: Some(sha256),
        };
        let instantiated = compiled.and_then(|(compiled, compile_info)| {
            let instance = self.instantiate(&compiled, &binary, &base, &name)?;
            Ok((compiled, instance, compile_info))
        });
        match instantiated {
            Ok((compiled, instance, compile_info)) => {
                let live = Live {
                    name,
                    compiled,
                    binary,
                    instance,
                    runner: Runner::new(base.input.as_ref()),
                    recipe: base,
                };
                self.start(generation, live, notes, compile_info, send);
                // A session without steps only brings its settings: nothing to replay.
                if let Some(steps) = steps.filter(|s| !s.is_empty()) {
                    self.replay(generation, steps, started, send);
                }
            }
            Err(err) => send(Event::LoadFailed {
                generation,
                name,
                error: format!("{err:#}"),
            }),
        }
        self.end_load(send);
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
        let (module, sites, allocators) = match compiled {
            Compiled::Module {
                module,
                sites,
                allocators,
                ..
            } => (module, sites, allocators),
            Compiled::Component { component, info } => {
                let session = ComponentSession::traced(
                    &self.stop, component, binary, info, limits, &host, self.trace,
                )?;
                return Ok(Instance::Component(session));
            }
        };
        let mut session = match sites {
            Some(sites) => {
                let tracing = Tracing {
                    sites: sites.clone(),
                    debugger: self.debugger.clone(),
                };
                let mut session = Session::traced(&self.stop, module, limits, &host, tracing)?;
                // A new store of the same module keeps the user's breakpoints.
                session.edit_breakpoints(&self.breakpoints, &[])?;
                session
            }
            None => Session::from_module(&self.stop, module, limits, &host)?,
        };
        session.set_known_allocators(allocators.clone());
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
