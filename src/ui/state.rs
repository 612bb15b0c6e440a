//! Everything the window shows, updated only from worker events and user intent.
//! No drawing here: panels read it, and the app applies their commands to it.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::engine::worker::Event;
use crate::engine::{GlobalValue, Step, changed_line, glue_allocator};
use crate::inspect::{ExportKind, ModuleInfo};
use crate::memory::{Region, Snapshot};

use super::marks::MemoryMarks;
use super::walkthrough::{Stage, Walkthrough, allocator_exports};

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

/// A step in flight.
#[derive(Clone, Debug)]
pub struct Running {
    /// The step.
    pub step: Step,
    /// When it was sent.
    pub started: Instant,
}

/// How host addresses are shown. Real by default; screenshot tests pin the base so
/// that images do not change with ASLR (see the README).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Presentation {
    /// Show this number as the host base instead of the real one.
    pub fixed_host_base: Option<u64>,
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
}

/// The window's state.
pub struct AppState {
    /// The module shown (its exports appear before it is ready).
    pub module: Option<LoadedModule>,
    /// Name of a module being loaded.
    pub loading: Option<String>,
    /// The file it is loaded from, if it came from one.
    pub loading_path: Option<PathBuf>,
    /// The file the current module came from, if any.
    pub module_path: Option<PathBuf>,
    /// A module that parsed and is being compiled; it replaces `module` once ready.
    pub pending: Option<LoadedModule>,
    /// Whether the module is instantiated and takes steps.
    pub ready: bool,
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
    /// The step in flight.
    pub running: Option<Running>,
    /// Which walkthrough stage the running step is, if it is one.
    pub running_stage: Option<Stage>,
    /// Whether Run all is chaining stages.
    pub run_all: bool,
    /// A guest offset the hex view should bring into view.
    pub scroll_to: Option<u64>,
    /// The bytes changed by the last step that could change memory (reads cannot,
    /// so they leave the marks of the step before them).
    pub changed: Changed,
    /// How host addresses are shown.
    pub presentation: Presentation,
    /// Allocations, growths, overruns and the memory map of this session.
    pub marks: MemoryMarks,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            module: None,
            loading: None,
            loading_path: None,
            module_path: None,
            pending: None,
            ready: false,
            snapshot: Arc::new(Snapshot::empty()),
            globals: Vec::new(),
            memories: Memories::default(),
            regions: Vec::new(),
            walk: Walkthrough::default(),
            log: Vec::new(),
            running: None,
            running_stage: None,
            run_all: false,
            scroll_to: None,
            changed: Changed::default(),
            presentation: Presentation::default(),
            marks: MemoryMarks::default(),
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

    /// Takes `snapshot` as current, after `step` (None for a load).
    fn take_snapshot(&mut self, snapshot: Arc<Snapshot>, step: Option<&Step>) {
        let before = self.snapshot.len_bytes();
        match step {
            Some(Step::Read { .. }) => {}
            Some(step) => {
                self.changed = Changed {
                    ranges: snapshot.changed().to_vec(),
                    step: step.label(),
                };
            }
            None => self.changed = Changed::default(),
        }
        self.snapshot = snapshot;
        if let Some(step) = step
            && before > 0
            && self.snapshot.len_bytes() > before
        {
            let line = self
                .marks
                .grew(before, self.snapshot.len_bytes(), &step.label());
            self.push_log(LogKind::Info, line);
        }
    }

    /// After a step: flags overruns and brings the memory map up to date.
    fn update_marks(&mut self, step: &Step) {
        if !matches!(step, Step::Read { .. })
            && let Some(line) = self
                .marks
                .check_overrun(&step.label(), self.snapshot.changed())
        {
            self.push_log(LogKind::Error, line);
        }
        self.refresh_map();
    }

    /// Rebuilds the memory map of the memory shown.
    fn refresh_map(&mut self) {
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
    fn push_notes(&mut self, notes: Vec<String>) {
        for note in notes {
            self.push_log(LogKind::Info, note);
        }
    }

    /// Records that `step` was sent (as walkthrough `stage`, if it is one).
    pub fn started(&mut self, step: Step, stage: Option<Stage>) {
        self.push_log(LogKind::Step, format!("> {}", step.label()));
        self.running = Some(Running {
            step,
            started: Instant::now(),
        });
        self.running_stage = stage;
    }

    /// Applies one worker event. Returns the next walkthrough stage to run when Run
    /// all is chaining.
    pub fn apply(&mut self, event: Event) -> Option<Stage> {
        match event {
            Event::Inspected { name, info, bytes } => {
                let mut allocators = allocator_exports(&info);
                let glue = self
                    .loading_path
                    .as_deref()
                    .and_then(|path| glue_allocator(path, &info));
                if let Some(glue) = glue
                    && !allocators.contains(&glue.export)
                {
                    allocators.push(glue.export);
                }
                self.pending = Some(LoadedModule {
                    name,
                    info,
                    bytes,
                    allocators,
                });
                None
            }
            Event::Loaded {
                name,
                snapshot,
                memories,
                globals,
                notes,
            } => {
                let shown = memories.first().cloned().unwrap_or_default();
                self.memories = Memories {
                    names: memories,
                    shown,
                };
                if let Some(module) = self.pending.take() {
                    self.walk = Walkthrough::for_module(&module, SEED_INPUT.to_owned());
                    self.module = Some(module);
                    self.module_path = self.loading_path.take();
                }
                self.regions.clear();
                self.marks = MemoryMarks::default();
                self.loading = None;
                self.ready = true;
                self.take_snapshot(snapshot, None);
                self.globals = globals;
                self.refresh_map();
                self.push_log(LogKind::Info, format!("Loaded {name}"));
                self.push_notes(notes);
                self.push_log(
                    LogKind::Info,
                    "Next: press 2 Alloc (or Ctrl+Enter) for each step, or Run all.",
                );
                None
            }
            Event::LoadFailed { name, error } => {
                self.loading = None;
                self.pending = None;
                self.push_log(LogKind::Error, format!("Cannot load {name}: {error}"));
                None
            }
            Event::StepStarted(_) => None,
            Event::MemorySelected { name, snapshot } => {
                self.regions.clear();
                self.marks = MemoryMarks::default();
                self.walk.reset_progress();
                self.take_snapshot(snapshot, None);
                self.push_log(LogKind::Info, format!("Showing memory `{name}`"));
                self.memories.shown = name;
                self.refresh_map();
                self.scroll_to = Some(0);
                None
            }
            Event::LoadCancelled { name } => {
                self.push_log(
                    LogKind::Info,
                    format!("Stopped loading {name}: another module was opened while it compiled"),
                );
                None
            }
            Event::CommandFailed { error } => {
                self.push_log(LogKind::Error, error);
                None
            }
            Event::StepDone {
                step,
                output,
                snapshot,
                globals,
                notes,
                ..
            } => {
                self.take_snapshot(snapshot, Some(&step));
                self.globals = globals;
                let stage = self.running_stage.take();
                self.running = None;
                self.push_notes(notes);
                self.step_done(&step, output, stage);
                let changed = changed_line(self.snapshot.changed());
                self.push_log(LogKind::Changed, changed);
                self.update_marks(&step);
                let next = self.walk.next_stage();
                match (self.run_all, next) {
                    (true, Some(next)) if stage.is_some() => Some(next),
                    _ => {
                        self.run_all = false;
                        None
                    }
                }
            }
            Event::StepFailed {
                step,
                error,
                snapshot,
                notes,
            } => {
                if let Some(snapshot) = snapshot {
                    self.take_snapshot(snapshot, Some(&step));
                }
                self.push_notes(notes);
                self.running = None;
                self.running_stage = None;
                self.run_all = false;
                self.push_log(LogKind::Error, format!("{} failed: {error}", step.label()));
                self.update_marks(&step);
                None
            }
        }
    }
}
