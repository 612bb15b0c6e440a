//! How a load goes on the worker: a module file read, the module checked and described
//! at once, compiled on a thread of its own (commands wait for it, a newer load
//! overtakes it), then — for a module or a component alike — `arrived`: its first
//! instance with the session's host settings and limits, and the session replayed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use wasmtime::Module;

use super::Message;
use super::protocol::{Described, Event};
use super::state::{Compiled, Live, WorkerState, WriteWatch};
use crate::engine::allocators::{Allocator, detect};
use crate::engine::compiler::{CompileInfo, Compiler, CompilerChoice, compile_timed};
use crate::engine::glue::glue_allocator;
use crate::engine::imports::check_imports;
use crate::engine::runner::Runner;
use crate::inspect::{
    Dwarf, ModuleInfo, WriteSites, list, load_module_bytes, validate, write_sites,
};
use crate::recipe::{self, ModuleRef, Recipe};
use crate::record::{Recording, instrument};

/// Where a load's module comes from and what comes with it.
pub(super) struct LoadOptions {
    /// The file, if any (its emscripten glue may sit beside it).
    pub(super) path: Option<PathBuf>,
    /// A session to replay on it.
    pub(super) session: Option<Box<Recipe>>,
    /// The compiler for this load only.
    pub(super) compiler: Option<CompilerChoice>,
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
    /// Its DWARF, read on the compile thread: none, or why it cannot be read.
    debug_info: Result<Option<Arc<Dwarf>>, String>,
    /// Whether to record its writes (when they are not traced).
    record: bool,
    /// Its instrumented build, made on the compile thread: none (recording is off, or
    /// the module writes no memory), or why it could not be made.
    recording: Result<Option<Arc<Recording>>, String>,
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

impl WorkerState {
    /// Reads a module file and loads it (with a session to replay, if given).
    pub(super) fn load_file(
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
    pub(super) fn load(
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
            // A module stepped into stays compiled for stepping when it loads again
            // (Restart, Recompile); another module is recorded.
            let stepped = self
                .live
                .as_ref()
                .is_some_and(|l| l.binary[..] == binary[..]);
            self.trace &= stepped;
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
        let record = self.record && sites.is_none();
        let load = Box::new(PendingLoad {
            name: name.clone(),
            path,
            sha256: recipe::sha256_hex(&binary),
            info,
            allocators,
            sites,
            session,
            binary: Arc::from(binary.as_slice()),
            debug_info: Ok(None),
            record,
            recording: Ok(None),
        });
        let cache = self.cache.clone();
        let engines = self.engines.clone();
        let choice = compiler.unwrap_or(self.compiler);
        self.spawn_compile(generation, &name, send, move || {
            let mut load = load;
            load.debug_info = Dwarf::parse(&load.binary)
                .map(|dwarf| dwarf.map(Arc::new))
                .map_err(|err| format!("{err:#}"));
            if load.record {
                load.recording = instrument(&load.binary)
                    .map(|recording| recording.map(Arc::new))
                    .map_err(|err| format!("{err:#}"));
            }
            let binary = match &load.recording {
                Ok(Some(recording)) => &recording.bytes[..],
                _ => &load.binary[..],
            };
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
            debug_info,
            recording,
            ..
        } = load;
        let mut notes = Vec::new();
        let dwarf = match debug_info {
            Ok(dwarf) => dwarf,
            Err(error) => {
                notes.push(format!(
                    "The module's debug info (DWARF) cannot be read, so no source lines: \
                     {error}"
                ));
                None
            }
        };
        if let Some(dwarf) = &dwarf {
            send(Event::DebugInfo {
                generation,
                dwarf: dwarf.clone(),
            });
        }
        let watch = match (sites, recording) {
            (Some(sites), _) => {
                notes.push(
                    "Every write is traced to the instruction that made it; calls run slower \
                     (stepping)."
                        .to_owned(),
                );
                WriteWatch::Traced(sites)
            }
            (None, Ok(Some(recording))) => WriteWatch::Recorded(recording),
            (None, Ok(None)) => WriteWatch::Off,
            (None, Err(error)) => {
                notes.push(format!("Writes are not recorded: {error}"));
                WriteWatch::Off
            }
        };
        let compiled = module.map(|(module, compile_info)| {
            let compiled = Compiled::Module {
                module,
                info,
                allocators,
                watch,
                dwarf: dwarf.clone(),
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
}
