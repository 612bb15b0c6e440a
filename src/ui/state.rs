//! Everything the window shows, updated only from worker events and user intent.
//! No drawing here: panels read it, and the app applies their commands to it.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use std::collections::{BTreeMap, VecDeque};

use crate::engine::{CompileInfo, GlobalValue, Pause};
use crate::inspect::{CodeLine, ExportKind, ModuleInfo};
use crate::memory::{Region, Snapshot, WriteMap, WriterTotal};
use crate::recipe::Recipe;

use super::marks::MemoryMarks;
use super::timeline::Timeline;
use super::walkthrough::{Stage, Walkthrough};

/// The seed's input, typed in for a newcomer.
pub const SEED_INPUT: &str = "The input string";

/// How a log line is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// A step was sent.
    Step,
    /// What a step printed (the newsletter's lines).
    Info,
    /// Which bytes a step changed.
    Changed,
    /// Something failed.
    Error,
}

/// One line of the step log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// How to show it.
    pub kind: LogKind,
    /// The text (copyable).
    pub text: String,
}

/// The module on screen.
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
}

/// What a load is bringing, known before it is instantiated.
#[derive(Clone, Debug)]
pub enum Pending {
    /// A module (its exports appear before it is ready).
    Module(LoadedModule),
    /// A component.
    Component(super::module::component_view::LoadedComponent),
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

/// What the hex view showed live, put aside while a past step is shown.
#[derive(Clone, Debug)]
pub struct LiveView {
    /// Live memory.
    pub snapshot: Arc<Snapshot>,
    /// What the last step changed.
    pub changed: Changed,
    /// The live regions.
    pub regions: Vec<Region>,
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
}

/// A session file read and waiting for the user to say what it may have.
#[derive(Clone, Debug)]
pub struct SessionOffer {
    /// The file.
    pub path: PathBuf,
    /// The session as the file asks for it.
    pub session: Recipe,
    /// What it asks for beyond a sandbox (folders, environment variables).
    pub grants: Vec<String>,
}

/// How host addresses are shown. Real by default; screenshot tests pin the base so
/// that images do not change with ASLR (see the README).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Presentation {
    /// Show this number as the host base instead of the real one.
    pub fixed_host_base: Option<u64>,
    /// Leave wall times (a replay's duration) out of the log.
    pub hide_durations: bool,
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

/// The window's state.
pub struct AppState {
    /// The module shown (its exports appear before it is ready).
    pub module: Option<LoadedModule>,
    /// The component shown, when a component was loaded instead of a module.
    pub component: Option<super::module::component_view::LoadedComponent>,
    /// Name of a module being loaded.
    pub loading: Option<String>,
    /// The file it is loaded from, if it came from one.
    pub loading_path: Option<PathBuf>,
    /// The file the current module came from, if any.
    pub module_path: Option<PathBuf>,
    /// A module or component that is being compiled or instantiated; it replaces
    /// `module` and `component` once ready.
    pub pending: Option<Pending>,
    /// Whether the module is instantiated and takes steps.
    pub ready: bool,
    /// How the module shown was compiled.
    pub compiled: Option<CompileInfo>,
    /// Memory as of the last event.
    pub snapshot: Arc<Snapshot>,
    /// Exported globals as of the last event.
    pub globals: Vec<GlobalValue>,
    /// The exported memories that can be shown, and the one shown.
    pub memories: Memories,
    /// Highlighted ranges.
    pub regions: Vec<Region>,
    /// The seed's flow.
    pub walk: Walkthrough,
    /// The step log.
    pub log: Vec<LogEntry>,
    /// Steps in flight.
    pub running: Option<Running>,
    /// Walkthrough stages in flight: the index of the step that completes each.
    pub stages: VecDeque<(usize, Stage)>,
    /// Which session steps completed a walkthrough stage, so that a rewind or a
    /// restart brings the walkthrough back to where it was.
    pub stage_steps: BTreeMap<usize, Stage>,
    /// The generation of the newest load, replay or rewind asked for; events of older
    /// ones are stale.
    pub generation: u64,
    /// The session on the current instance: what Save writes.
    pub session: Recipe,
    /// Memory after each step, and the step viewed instead of live memory.
    pub timeline: Timeline,
    /// Live memory, its changes and regions, kept while a past step is viewed.
    pub live: Option<LiveView>,
    /// The log line of the step viewed (the log scrolls there).
    pub log_focus: Option<usize>,
    /// A session file waiting for the user's consent.
    pub offer: Option<SessionOffer>,
    /// Where a stepped call is paused, with its function's code.
    pub paused: Option<Paused>,
    /// The breakpoints of the module shown (module offsets).
    pub breakpoints: Vec<u64>,
    /// Why the engine thread ended, when it did.
    pub engine_stopped: Option<String>,
    /// A guest offset the hex view should bring into view.
    pub scroll_to: Option<u64>,
    /// Bytes a lesson's note points at: outlined in the hex view, so the colours
    /// the note speaks of stay visible.
    pub shown: Option<std::ops::Range<u64>>,
    /// The names the session's steps bound, after the newest step.
    pub bindings: crate::engine::Bindings,
    /// The lesson being followed.
    pub lesson: Option<super::lessons::LessonState>,
    /// The bytes changed by the last step that could change memory (reads cannot,
    /// so they leave the marks of the step before them).
    pub changed: Changed,
    /// How host addresses are shown.
    pub presentation: Presentation,
    /// Allocations, growths, overruns and the memory map of this session.
    pub marks: MemoryMarks,
    /// Who last wrote each byte: the host's writes, and (when writes are traced)
    /// every instruction's.
    pub writers: WriteMap,
    /// `writers` summed up by writer (rebuilt after each step, not each frame).
    pub writer_totals: Vec<WriterTotal>,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            module: None,
            component: None,
            loading: None,
            loading_path: None,
            module_path: None,
            pending: None,
            ready: false,
            compiled: None,
            snapshot: Arc::new(Snapshot::empty()),
            globals: Vec::new(),
            memories: Memories::default(),
            regions: Vec::new(),
            walk: Walkthrough::default(),
            log: Vec::new(),
            running: None,
            stages: VecDeque::new(),
            stage_steps: BTreeMap::new(),
            generation: 0,
            session: Recipe::default(),
            timeline: Timeline::default(),
            live: None,
            log_focus: None,
            offer: None,
            paused: None,
            breakpoints: Vec::new(),
            engine_stopped: None,
            scroll_to: None,
            shown: None,
            bindings: crate::engine::Bindings::default(),
            lesson: None,
            changed: Changed::default(),
            presentation: Presentation::default(),
            marks: MemoryMarks::default(),
            writers: WriteMap::default(),
            writer_totals: Vec::new(),
        }
    }
}

impl AppState {
    /// Host address shown for guest offset 0.
    pub fn host_base(&self) -> u64 {
        self.presentation
            .fixed_host_base
            .unwrap_or(self.snapshot.host_base())
    }

    /// The bytes marked as changed (see `changed`).
    pub fn changed(&self) -> &[Range<u64>] {
        &self.changed.ranges
    }

    /// Takes `snapshot` as current after the step labelled `step` (None for a load).
    /// A step that changed nothing (a read) leaves the marks of the step before it.
    pub(super) fn take_snapshot(&mut self, snapshot: Arc<Snapshot>, step: Option<&str>) {
        let before = self.snapshot.len_bytes();
        match step {
            Some(_) if snapshot.changed().is_empty() => self.changed.stale = true,
            Some(step) => {
                self.changed = Changed {
                    ranges: snapshot.changed().to_vec(),
                    step: step.to_owned(),
                    stale: false,
                };
            }
            None => self.changed = Changed::default(),
        }
        self.snapshot = snapshot;
        if let Some(step) = step
            && before > 0
            && self.snapshot.len_bytes() > before
        {
            let line = self.marks.grew(before, self.snapshot.len_bytes(), step);
            self.push_log(LogKind::Info, line);
        }
    }

    /// The engine thread ended (`why`): nothing runs or loads until it is restarted.
    pub fn engine_died(&mut self, why: String) {
        self.running = None;
        self.loading = None;
        self.pending = None;
        self.stages.clear();
        self.push_log(LogKind::Error, format!("The engine stopped: {why}"));
        self.engine_stopped = Some(why);
    }

    /// Forgets everything about the instance shown before a new one (a module's or a
    /// component's): highlights, marks, writers, the timeline, bindings, the lesson's
    /// outline. One list, for every kind of load.
    pub(super) fn forget_instance(&mut self) {
        self.regions.clear();
        self.marks = MemoryMarks::default();
        self.writers = WriteMap::default();
        self.writer_totals.clear();
        self.timeline = Timeline::default();
        self.bindings = crate::engine::Bindings::default();
        self.live = None;
        self.shown = None;
    }

    /// A load of `name` (from `path`, if it has one) begins: returns its generation.
    /// A call still running or paused in the instance it replaces is ended by the
    /// worker, and its events are stale, so the window stops waiting for them here.
    pub fn begin_load(&mut self, name: String, path: Option<PathBuf>) -> u64 {
        self.running = None;
        self.paused = None;
        self.generation += 1;
        self.loading = Some(name);
        self.loading_path = path;
        self.generation
    }

    /// A load that replays `steps` steps is on its way: busy until its run ends.
    pub fn replaying(&mut self, steps: usize) {
        // The engine replays nothing for a session without steps.
        if steps == 0 {
            return;
        }
        self.running = Some(Running {
            label: format!("replaying {}", crate::text::count(steps as u64, "step")),
            step: None,
            started: Instant::now(),
        });
    }

    /// The bytes the session calls `input` after its last step.
    pub fn session_input(&self) -> Option<crate::recipe::Input> {
        let renamed = self.session.steps.iter().rev().find_map(|s| match &s.op {
            crate::recipe::Op::Input(input) => Some(input.clone()),
            _ => None,
        });
        renamed.or_else(|| self.session.input.clone())
    }

    /// Whether steps can be sent now: a module is ready, nothing runs, and live
    /// memory is shown.
    pub fn can_step(&self) -> bool {
        self.ready
            && self.running.is_none()
            && self.loading.is_none()
            && self.timeline.viewing.is_none()
            && self.engine_stopped.is_none()
    }

    /// Rebuilds the memory map of the memory shown.
    pub(super) fn refresh_map(&mut self) {
        if let Some(module) = &self.module {
            let info = module.info.clone();
            let memory_index = info
                .exports
                .iter()
                .find(|e| e.kind == ExportKind::Memory && e.name == self.memories.shown)
                .map_or(0, |e| e.index);
            let len = self.snapshot.len_bytes();
            self.marks
                .rebuild_map(&info, &self.globals, memory_index, len);
        }
    }

    /// Whether the memory is 64-bit (i64 pointers).
    pub fn memory_is_64(&self) -> bool {
        self.module
            .as_ref()
            .and_then(|m| m.info.memories.first())
            .is_some_and(|m| m.memory64)
    }

    /// Appends a log line.
    pub fn push_log(&mut self, kind: LogKind, text: impl Into<String>) {
        self.log.push(LogEntry {
            kind,
            text: text.into(),
        });
    }

    /// Appends what the guest printed or called during a step (see
    /// `Session::take_notes`).
    pub(super) fn push_notes(&mut self, notes: Vec<String>) {
        for note in notes {
            self.push_log(LogKind::Info, note);
        }
    }
}
