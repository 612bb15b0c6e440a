//! What the UI asks the worker (`Command`) and what the worker reports (`Event`).
//! Every event about an instance (its load, steps, memory) names the generation it
//! belongs to: the UI numbers each load, replay and rewind, and ignores what an older
//! one reports. Answers to a single command (a session read or saved, a failure, a
//! cancelled compile) belong to no instance and carry none.

use std::path::PathBuf;
use std::sync::Arc;

use crate::engine::allocators::Allocator;
use crate::engine::compiler::{CompileInfo, CompilerChoice};
use crate::engine::component::ComponentExport;
use crate::engine::debugger::Pause;
use crate::engine::limits::Limits;
use crate::engine::runner::{RunEnd, StepReport};
use crate::engine::session::GlobalValue;
use crate::inspect::{ComponentInfo, Dwarf, ModuleInfo};
use crate::memory::Snapshot;
use crate::recipe::{HostSettings, Recipe, Step};

/// What the worker is asked to do.
#[derive(Debug)]
pub enum Command {
    /// Inspect, compile and instantiate a module; the current one stays on failure.
    Load {
        /// Numbers this load (and the session it starts).
        generation: u64,
        /// Display name (file name).
        name: String,
        /// `.wasm` bytes or WAT text.
        bytes: Arc<[u8]>,
        /// The file it came from, if any (its emscripten glue may sit beside it).
        path: Option<PathBuf>,
        /// A session to replay on it once instantiated (its host settings and limits
        /// apply, as the user accepted them).
        session: Option<Box<Recipe>>,
        /// The compiler for this load only (Recompile with Cranelift); None: the one
        /// `SetCompiler` chose.
        compiler: Option<CompilerChoice>,
    },
    /// Read a module file, then load it as `Load` does.
    LoadFile {
        /// Numbers this load.
        generation: u64,
        /// The `.wasm` or `.wat` file.
        path: PathBuf,
    },
    /// Append these steps to the session and run them in order, up to the first that
    /// fails or until Stop. With `step_into`, the first call pauses before its first
    /// instruction (the module is compiled for stepping first if it is not).
    Run {
        /// The steps.
        steps: Vec<Step>,
        /// Step into the first call.
        step_into: bool,
    },
    /// Instantiate the module again, replay the session's first `keep` steps, and
    /// drop the rest.
    Rewind {
        /// Numbers the new instance.
        generation: u64,
        /// Steps kept.
        keep: usize,
    },
    /// Read and check a session file (answered by `SessionRead`).
    ReadSession(PathBuf),
    /// Load the module a session names and replay the session on it.
    OpenSession {
        /// Numbers the load.
        generation: u64,
        /// The session, with the host settings the user agreed to.
        session: Box<Recipe>,
    },
    /// Save a session. `module` holds the module's bytes when it came without a file
    /// (the demo, a drop): they are saved beside the session.
    SaveSession {
        /// Where.
        path: PathBuf,
        /// What.
        session: Box<Recipe>,
        /// The module's binary, when it has no file of its own.
        module: Option<Arc<[u8]>>,
    },
    /// Write `bytes` to `path` atomically (answered by `FileWritten`): what the
    /// window saves besides sessions (a host program, a picture).
    WriteFile {
        /// Where.
        path: PathBuf,
        /// The whole file.
        bytes: Vec<u8>,
        /// What it is, for the log (`a picture of the hex view`).
        what: String,
    },
    /// Use these limits from the next call on.
    SetLimits(Limits),
    /// Provide imports this way from the next Load on.
    SetHost(HostSettings),
    /// Record every write to its instruction from the next Load on (the module
    /// instrumented, on the normal engine), or not.
    SetRecord(bool),
    /// List at most this many writes per step (later ones are only counted), from now on.
    SetWriteCap(usize),
    /// Which compiler the next loads use.
    SetCompiler(CompilerChoice),
    /// Pause calls of the live module at these module offsets (replaces the list).
    SetBreakpoints(Vec<u64>),
    /// Show the exported memory with this name.
    SelectMemory(String),
    /// End the worker thread with a panic carrying this message: how the window's
    /// recovery from a dead engine is exercised.
    Panic(String),
}

impl Command {
    /// Loads module bytes that came without a file or session.
    pub fn load(generation: u64, name: impl Into<String>, bytes: Arc<[u8]>) -> Self {
        Self::Load {
            generation,
            name: name.into(),
            bytes,
            path: None,
            session: None,
            compiler: None,
        }
    }
}

/// What the worker reports, in order.
#[derive(Debug, Clone)]
pub enum Event {
    /// What is loaded is known: a module parsed (compiling follows), or a component
    /// compiled (instantiating follows).
    Inspected {
        /// The load's generation.
        generation: u64,
        /// Display name.
        name: String,
        /// The binary bytes (after WAT conversion).
        bytes: Arc<[u8]>,
        /// What it declares.
        described: Described,
    },
    /// The module being loaded has DWARF (read on the compile thread); sent after
    /// `Inspected` and before its `Loaded`.
    DebugInfo {
        /// The load's generation.
        generation: u64,
        /// Its DWARF, for source lines.
        dwarf: Arc<Dwarf>,
    },
    /// A module or component is instantiated (by a load, a replay or a rewind) and
    /// takes steps.
    Loaded {
        /// The generation.
        generation: u64,
        /// Display name.
        name: String,
        /// The session so far, without steps (module, input, host settings, limits).
        session: Box<Recipe>,
        /// Memory right after instantiation.
        snapshot: Arc<Snapshot>,
        /// The exported memories that can be shown (the first is shown).
        memories: Vec<String>,
        /// Exported globals' values.
        globals: Vec<GlobalValue>,
        /// Which imports the host provided, what the start function printed, notes
        /// about the session file.
        notes: Vec<String>,
        /// How the module was compiled, when this load compiled it (a rewind reuses
        /// the module).
        compiled: Option<CompileInfo>,
    },
    /// Another memory is shown from now on.
    MemorySelected {
        /// The generation.
        generation: u64,
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
    /// The module could not be loaded; the previous one (if any) is still current.
    LoadFailed {
        /// The generation of the failed load.
        generation: u64,
        /// Display name.
        name: String,
        /// Why, as one sentence chain.
        error: String,
    },
    /// A step began.
    StepStarted {
        /// The generation.
        generation: u64,
        /// Its position in the session.
        index: usize,
        /// What it is, names unresolved (`append(ptr, len(input))`).
        label: String,
    },
    /// A step ended (done or failed: see `report.outcome`).
    StepDone {
        /// The generation.
        generation: u64,
        /// Everything about it.
        report: Box<StepReport>,
    },
    /// A stepped call paused (answer with `Worker::debug`).
    Paused {
        /// The generation.
        generation: u64,
        /// Where, and what the frame and memory hold.
        pause: Box<Pause>,
    },
    /// The live module was compiled for stepping and its session replayed on it.
    Retraced {
        /// The generation.
        generation: u64,
        /// Steps replayed.
        steps: usize,
        /// Of those, how many failed again.
        failed: usize,
        /// Wall time of the compile and the replay.
        took_ms: u64,
        /// How the module was compiled for stepping.
        compiled: CompileInfo,
    },
    /// A `Run`, a replay or a rewind ended.
    RunEnded {
        /// The generation.
        generation: u64,
        /// How.
        end: RunEnd,
        /// Set after a replay (an opened session, a rewind).
        replay: Option<ReplayInfo>,
    },
    /// A session file was read and checked; the UI asks the user about what it
    /// grants, then sends `OpenSession`.
    SessionRead {
        /// The file.
        path: PathBuf,
        /// The session (module path usable from here).
        session: Box<Recipe>,
    },
    /// A session was saved.
    SessionSaved {
        /// Where.
        path: PathBuf,
        /// Where the module was written too, when it had no file.
        module_written: Option<PathBuf>,
    },
    /// A `WriteFile` ended: the file was written, or why not.
    FileWritten {
        /// Where.
        path: PathBuf,
        /// What it is, as the command said.
        what: String,
        /// Why it was not written, as one sentence chain.
        error: Option<String>,
    },
    /// A command other than a load or a step failed.
    CommandFailed {
        /// Why.
        error: String,
    },
}

/// What a load declares, by kind.
#[derive(Debug, Clone)]
pub enum Described {
    /// A core module.
    Module {
        /// Its imports, exports, memories.
        info: Arc<ModuleInfo>,
        /// Its allocators, preferred first: detected from the exports, then the one
        /// its emscripten glue names.
        allocators: Vec<Allocator>,
    },
    /// A component.
    Component {
        /// Its WIT, exports, lifts and core modules.
        info: Arc<ComponentInfo>,
        /// Its exported functions with their parameters.
        exports: Vec<ComponentExport>,
    },
}

/// How a replay went.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayInfo {
    /// Wall time of instantiation plus the steps.
    pub took_ms: u64,
    /// Why the replay may differ from the first run, when it may (the guest can read
    /// clocks or random numbers).
    pub inexact: Option<String>,
}
