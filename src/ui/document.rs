//! What one load brings to the window, in one value: the module or component, its
//! file, how it was compiled, the walkthrough and lesson on it, the call running or
//! paused, and (`Instance`) everything its current instance has done. A load replaces
//! the `Document` whole and a rewind replaces its `Instance` whole, so nothing of the
//! one before can be left over.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::engine::{Bindings, CompileInfo, GlobalValue, Pause};
use crate::inspect::{CodeLine, Dwarf, ModuleInfo};
use crate::memory::{Region, Snapshot, WriteMap, WriterTotal};
use crate::recipe::Recipe;

use super::debugger::{ShownVariables, SourceView};
use super::lessons::LessonState;
use super::marks::MemoryMarks;
use super::module::component_view::LoadedComponent;
use super::timeline::Timeline;
use super::walkthrough::{Stage, Walkthrough};

/// A module on screen.
#[derive(Clone, Debug)]
pub struct LoadedModule {
    /// File name.
    pub name: String,
    /// What it declares.
    pub info: Arc<ModuleInfo>,
    /// Its binary bytes (for WAT of a function).
    pub bytes: Arc<[u8]>,
    /// Its allocators, preferred first: detected from the exports, or named by the
    /// emscripten glue beside its file.
    pub allocators: Vec<String>,
    /// Its DWARF, when it has some that could be read (source lines).
    pub dwarf: Option<Arc<Dwarf>>,
}

/// What was loaded: a core module or a component.
#[derive(Clone, Debug)]
pub enum Wasm {
    /// A core module.
    Module(LoadedModule),
    /// A component.
    Component(LoadedComponent),
}

impl Wasm {
    /// Its display name.
    pub fn name(&self) -> &str {
        match self {
            Self::Module(module) => &module.name,
            Self::Component(component) => &component.name,
        }
    }

    /// Its binary bytes.
    pub fn bytes(&self) -> &Arc<[u8]> {
        match self {
            Self::Module(module) => &module.bytes,
            Self::Component(component) => &component.bytes,
        }
    }
}

/// Steps in flight.
#[derive(Clone, Debug)]
pub struct Running {
    /// What runs: the first step sent (names unresolved), then each step the worker
    /// says it began.
    pub label: String,
    /// The session step the worker began, once it says so.
    pub step: Option<usize>,
    /// When the steps were sent.
    pub started: Instant,
}

impl Running {
    /// Steps labelled `label` start now.
    pub fn new(label: String) -> Self {
        Self {
            label,
            step: None,
            started: Instant::now(),
        }
    }
}

/// A stepped call, paused.
#[derive(Clone, Debug)]
pub struct Paused {
    /// Where, with the frame's values and memory.
    pub pause: Pause,
    /// The call stack frame shown (0: the paused one).
    pub frame: usize,
    /// The shown frame's function as text, each line with its instruction's offset
    /// (shared by the pauses in the same function).
    pub code: Arc<[CodeLine]>,
    /// The shown frame's source line, when DWARF has it.
    pub source: Option<SourceView>,
    /// The shown frame's variables, when DWARF describes them.
    pub variables: Option<ShownVariables>,
}

/// The exported memories that can be shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Memories {
    /// Their export names.
    pub names: Vec<String>,
    /// The one shown.
    pub shown: String,
}

/// The bytes one step changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// The changed ranges, sorted.
    pub ranges: Vec<Range<u64>>,
    /// The step's label (`append(0x110008, 16)`).
    pub step: String,
    /// Steps after it changed nothing (a read): the marks are older than the last step.
    pub stale: bool,
}

/// A load on its way: the window still shows the document before it.
#[derive(Clone, Debug, Default)]
pub struct Loading {
    /// Display name.
    pub name: String,
    /// The file it is loaded from, if it came from one.
    pub path: Option<PathBuf>,
    /// What it is, once the worker has inspected it (its exports appear before it is
    /// ready).
    pub wasm: Option<Wasm>,
    /// The lesson it starts (or goes on with, when the module is loaded again).
    pub lesson: Option<LessonState>,
    /// The replay of its session, while it runs.
    pub running: Option<Running>,
}

/// Everything about one instance: its session, its memory live and past, and what
/// its steps marked. A rewind (or a replay on a fresh instance) replaces it whole.
#[derive(Clone, Debug)]
pub struct Instance {
    /// The session on this instance: what Save writes.
    pub session: Recipe,
    /// Live memory (at a pause: the paused memory).
    pub snapshot: Arc<Snapshot>,
    /// The bytes changed by the last step that could change memory (reads cannot,
    /// so they leave the marks of the step before them).
    pub changed: Changed,
    /// Highlighted ranges in live memory.
    pub regions: Vec<Region>,
    /// Exported globals as of the last event.
    pub globals: Vec<GlobalValue>,
    /// The exported memories that can be shown, and the one shown.
    pub memories: Memories,
    /// Memory after each step, and the step viewed instead of live memory.
    pub timeline: Timeline,
    /// Allocations, growths, overruns and the memory map.
    pub marks: MemoryMarks,
    /// Who last wrote each byte: the host's writes, and (when writes are traced)
    /// every instruction's.
    pub writers: WriteMap,
    /// `writers` summed up by writer (rebuilt after each step, not each frame).
    pub writer_totals: Vec<WriterTotal>,
    /// The names the session's steps bound, after the newest step.
    pub bindings: Bindings,
    /// Bytes a lesson's note points at: outlined in the hex view, so the colours
    /// the note speaks of stay visible.
    pub shown: Option<Range<u64>>,
    /// What the hex view shows while a past entry is viewed: its changes (or a
    /// comparison's differences) and its regions, worked out once when it is chosen.
    pub viewed: Option<(Changed, Vec<Region>)>,
}

impl Default for Instance {
    fn default() -> Self {
        Self::new(
            Recipe::default(),
            Arc::new(Snapshot::empty()),
            Vec::new(),
            Memories::default(),
        )
    }
}

impl Instance {
    /// A fresh instance of `session`'s module, with its memory and globals as
    /// instantiated and no steps yet.
    pub fn new(
        session: Recipe,
        snapshot: Arc<Snapshot>,
        globals: Vec<GlobalValue>,
        memories: Memories,
    ) -> Self {
        Self {
            session,
            snapshot,
            changed: Changed::default(),
            regions: Vec::new(),
            globals,
            memories,
            timeline: Timeline::default(),
            marks: MemoryMarks::default(),
            writers: WriteMap::default(),
            writer_totals: Vec::new(),
            bindings: Bindings::default(),
            shown: None,
            viewed: None,
        }
    }

    /// The memory the hex view shows: the entry viewed on the timeline, else live.
    pub fn shown_snapshot(&self) -> &Arc<Snapshot> {
        match self.timeline.viewed() {
            Some((_, snapshot, _)) => snapshot,
            None => &self.snapshot,
        }
    }

    /// The changes marked on the memory shown.
    pub fn shown_changes(&self) -> &Changed {
        match &self.viewed {
            Some((changed, _)) => changed,
            None => &self.changed,
        }
    }

    /// The regions highlighted on the memory shown.
    pub fn shown_regions(&self) -> &[Region] {
        match &self.viewed {
            Some((_, regions)) => regions,
            None => &self.regions,
        }
    }
}

/// What one load brought, and everything done to it since.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The module or component (`None`: nothing is loaded yet).
    pub wasm: Option<Wasm>,
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// How it was compiled.
    pub compiled: Option<CompileInfo>,
    /// The seed's flow on it.
    pub walk: Walkthrough,
    /// The lesson being followed on it.
    pub lesson: Option<LessonState>,
    /// Its breakpoints (module offsets).
    pub breakpoints: Vec<u64>,
    /// Steps in flight.
    pub running: Option<Running>,
    /// Walkthrough stages in flight: the index of the step that completes each.
    pub stages: VecDeque<(usize, Stage)>,
    /// Which session steps completed a walkthrough stage, so that a rewind or a
    /// restart brings the walkthrough back to where it was.
    pub stage_steps: BTreeMap<usize, Stage>,
    /// Where a stepped call is paused, with its function's code.
    pub paused: Option<Paused>,
    /// Its current instance.
    pub instance: Instance,
}

impl Document {
    /// The document a finished load makes: `wasm` from `path`, instantiated as
    /// `instance`, with `lesson` and the replay `running` that came with the load.
    pub fn new(wasm: Wasm, loading: Loading, instance: Instance) -> Self {
        let walk = match &wasm {
            Wasm::Module(module) => {
                Walkthrough::for_module(module, instance.session.input.as_ref())
            }
            Wasm::Component(_) => Walkthrough::default(),
        };
        Self {
            wasm: Some(wasm),
            path: loading.path,
            walk,
            lesson: loading.lesson,
            running: loading.running,
            instance,
            ..Self::default()
        }
    }

    /// The module shown, if a module is.
    pub fn module(&self) -> Option<&LoadedModule> {
        match &self.wasm {
            Some(Wasm::Module(module)) => Some(module),
            _ => None,
        }
    }

    /// The component shown, if a component is.
    pub fn component(&self) -> Option<&LoadedComponent> {
        match &self.wasm {
            Some(Wasm::Component(component)) => Some(component),
            _ => None,
        }
    }
}
