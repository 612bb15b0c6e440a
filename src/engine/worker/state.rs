//! The worker thread's own state: the live session (instance, runner, recipe), loads
//! compiling on their own threads, and the commands waiting for them.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Instant;

use anyhow::{Result, anyhow};
use wasmtime::Module;

use super::Message;
use super::files::save_session;
use super::protocol::{Command, Event};
use crate::engine::allocators::{Allocator, detect};
use crate::engine::cache::CompileCache;
use crate::engine::compiler::{CompileInfo, Compiler, CompilerChoice, Engines, compile_timed};
use crate::engine::debugger::{Debugger, PauseGeneration};
use crate::engine::glue::glue_allocator;
use crate::engine::imports::{HostConfig, check_imports};
use crate::engine::limits::{Limits, StopHandle};
use crate::engine::runner::Runner;
use crate::engine::session::Session;
use crate::engine::trace::{Tracing, new_debug_engine};
use crate::inspect::{ModuleInfo, WriteSites, list, load_module_bytes, validate, write_sites};
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

/// The module in use and the session on it.
pub(super) struct Live {
    pub(super) name: String,
    pub(super) module: Module,
    pub(super) info: Arc<ModuleInfo>,
    pub(super) allocators: Vec<Allocator>,
    pub(super) sites: Option<Arc<WriteSites>>,
    pub(super) binary: Arc<[u8]>,
    pub(super) session: Session,
    pub(super) runner: Runner,
    pub(super) recipe: Recipe,
}

/// The worker thread's state.
pub struct WorkerState {
    pub(super) stop: StopHandle,
    pub(super) limits: Limits,
    pub(super) host: HostSettings,
    pub(super) live: Option<Live>,
    /// A component loaded instead of a module.
    pub(super) component: Option<super::component::LiveComponent>,
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
            component: None,
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
            Command::SetLimits(limits) => {
                self.limits = limits;
                if let Some(live) = &mut self.live {
                    live.session.set_limits(limits);
                    live.recipe.limits = Some(limits.settings());
                }
            }
            Command::SetHost(host) => self.host = host,
            Command::SetTrace(trace) => self.trace = trace,
            Command::SetCompiler(choice) => self.compiler = choice,
            Command::SetBreakpoints(pcs) => self.set_breakpoints(pcs, send),
            Command::SelectMemory(name) => self.select_memory(name, send),
            Command::Panic(message) => panic!("{message}"),
            Command::CallComponent { name, args } => self.call_component(&name, &args, send),
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
                info: info.clone(),
                bytes: Arc::from(binary.as_slice()),
                allocators: allocators.clone(),
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
        // Breakpoints belong to the module they were set in; the window sends them
        // again for this one.
        self.breakpoints.clear();
        if let Some(debugger) = &self.debugger {
            debugger.set_breakpoints(&[]);
        }
        let started = Instant::now();
        let mut notes = Vec::new();
        let (mut base, steps) = match load.session {
            Some(session) => {
                let mut session = *session;
                if let Some(expected) = &session.module.sha256
                    && *expected != load.sha256
                {
                    notes.push(format!(
                        "warning: {} is not the module this session was saved with (its \
                         SHA-256 differs); replaying anyway",
                        load.name
                    ));
                }
                let steps = std::mem::take(&mut session.steps);
                (session, Some(steps))
            }
            None => (
                Recipe {
                    module: ModuleRef::default(),
                    input: None,
                    host: self.host.clone(),
                    limits: Some(self.limits.settings()),
                    steps: Vec::new(),
                    lesson: None,
                },
                None,
            ),
        };
        base.module = ModuleRef {
            path: load
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from(&load.name)),
            sha256: Some(load.sha256.clone()),
        };
        if load.sites.is_some() {
            notes.push(
                "Every write is traced to the instruction that made it (Settings); calls run \
                 slower."
                    .to_owned(),
            );
        }
        let instantiated = module.and_then(|(module, compiled)| {
            let session = self.instantiate(
                &module,
                load.sites.as_ref(),
                &base,
                &load.name,
                &load.allocators,
            )?;
            Ok((module, session, compiled))
        });
        match instantiated {
            Ok((module, session, compiled)) => {
                let live = Live {
                    name: load.name,
                    module,
                    info: load.info,
                    allocators: load.allocators,
                    sites: load.sites,
                    binary: load.binary,
                    session,
                    runner: Runner::new(base.input.as_ref()),
                    recipe: base,
                };
                self.start(generation, live, notes, Some(compiled), send);
                // A session without steps only brings its settings: nothing to replay.
                if let Some(steps) = steps.filter(|s| !s.is_empty()) {
                    self.replay(generation, steps, started, send);
                }
            }
            Err(err) => send(Event::LoadFailed {
                generation,
                name: load.name,
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

    /// A new instance of `module` (writes traced at `sites`, if given) with
    /// `recipe`'s host settings and limits.
    pub(super) fn instantiate(
        &self,
        module: &Module,
        sites: Option<&Arc<WriteSites>>,
        recipe: &Recipe,
        name: &str,
        allocators: &[Allocator],
    ) -> Result<Session> {
        let host = HostConfig::from_settings(&recipe.host, name);
        let limits = recipe
            .limits
            .map(Limits::from_settings)
            .unwrap_or(self.limits);
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
        session.set_known_allocators(allocators.to_vec());
        Ok(session)
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
        let snapshot = live.session.snapshot();
        let memories = live.session.memory_names();
        let globals = live.session.globals();
        let mut provided = live.session.take_notes();
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
        self.component = None;
    }

    fn select_memory(&mut self, name: String, send: &impl Fn(Event)) {
        let selected = match &mut self.live {
            Some(live) => live
                .session
                .select_memory(&name)
                .map(|()| live.session.snapshot()),
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
