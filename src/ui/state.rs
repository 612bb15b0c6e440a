//! Everything the window shows, updated only from worker events and user intent.
//! No drawing here: panels read it, and the app applies their commands to it.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::inspect::ExportKind;
use crate::memory::{Region, Snapshot};
use crate::recipe::Recipe;

pub use super::document::{
    Changed, Document, Instance, LoadedModule, Loading, Memories, Paused, Running, Wasm,
};
use super::lessons::LessonState;

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

/// The window's state: the document loaded, the load on its way, and what outlives
/// both (the log, the generation, the engine's health).
#[derive(Default)]
pub struct AppState {
    /// What the newest finished load brought, and everything done to it since.
    pub doc: Document,
    /// A load on its way (the window shows `doc` until it is ready).
    pub loading: Option<Loading>,
    /// The step log.
    pub log: Vec<LogEntry>,
    /// The generation of the newest load, replay or rewind asked for; events of older
    /// ones are stale.
    pub generation: u64,
    /// A session file waiting for the user's consent.
    pub offer: Option<SessionOffer>,
    /// Why the engine thread ended, when it did.
    pub engine_stopped: Option<String>,
    /// A guest offset a worker event marked, for the hex view to bring into view
    /// (`App::handle_event` makes it a `UiCommand::Reveal`).
    pub reveal: Option<u64>,
    /// How host addresses are shown.
    pub presentation: Presentation,
    /// Where the sources DWARF names are looked for besides their own paths (Settings >
    /// Source folder).
    pub source_dir: Option<PathBuf>,
}

impl AppState {
    /// Host address shown for guest offset 0.
    pub fn host_base(&self) -> u64 {
        self.presentation
            .fixed_host_base
            .unwrap_or(self.snapshot().host_base())
    }

    /// The memory the hex view shows: the timeline entry viewed, else live memory.
    pub fn snapshot(&self) -> &Arc<Snapshot> {
        self.doc.instance.shown_snapshot()
    }

    /// The changes marked on the memory shown.
    pub fn shown_changes(&self) -> &Changed {
        self.doc.instance.shown_changes()
    }

    /// The bytes marked as changed on the memory shown.
    pub fn changed(&self) -> &[Range<u64>] {
        &self.shown_changes().ranges
    }

    /// The regions highlighted on the memory shown.
    pub fn regions(&self) -> &[Region] {
        self.doc.instance.shown_regions()
    }

    /// Whether a module or component is instantiated and takes steps.
    pub fn ready(&self) -> bool {
        self.doc.wasm.is_some()
    }

    /// Steps in flight: a load's replay, or the document's.
    pub fn running(&self) -> Option<&Running> {
        self.loading
            .as_ref()
            .and_then(|l| l.running.as_ref())
            .or(self.doc.running.as_ref())
    }

    /// Steps in flight, to say which step runs or where it paused.
    pub(super) fn running_mut(&mut self) -> Option<&mut Running> {
        let loading = self.loading.as_mut().and_then(|l| l.running.as_mut());
        loading.or(self.doc.running.as_mut())
    }

    /// The log line of the step viewed (the log scrolls there).
    pub fn log_focus(&self) -> Option<usize> {
        let timeline = &self.doc.instance.timeline;
        let index = timeline.viewing()?;
        timeline.marks.get(index).and_then(|m| m.log_line)
    }

    /// Takes `snapshot` as live memory after the step labelled `step` (None for a
    /// load). A step that changed nothing (a read) leaves the marks of the step before
    /// it.
    pub(super) fn take_snapshot(&mut self, snapshot: Arc<Snapshot>, step: Option<&str>) {
        let instance = &mut self.doc.instance;
        let before = instance.snapshot.len_bytes();
        match step {
            Some(_) if snapshot.changed().is_empty() => instance.changed.stale = true,
            Some(step) => {
                instance.changed = Changed {
                    ranges: snapshot.changed().to_vec(),
                    step: step.to_owned(),
                    stale: false,
                };
            }
            None => instance.changed = Changed::default(),
        }
        instance.snapshot = snapshot;
        let after = instance.snapshot.len_bytes();
        if let Some(step) = step
            && before > 0
            && after > before
        {
            let line = instance.marks.grew(before, after, step);
            self.push_log(LogKind::Info, line);
        }
    }

    /// The engine thread ended (`why`): nothing runs or loads until it is restarted.
    pub fn engine_died(&mut self, why: String) {
        self.doc.running = None;
        self.doc.paused = None;
        self.loading = None;
        self.doc.stages.clear();
        self.push_log(LogKind::Error, format!("The engine stopped: {why}"));
        self.engine_stopped = Some(why);
    }

    /// A load of `name` (from `path`, if it has one, starting or going on with
    /// `lesson`) begins: returns its generation. A call still running or paused in the
    /// document it replaces is ended by the worker, and its events are stale, so the
    /// window stops waiting for them here.
    pub fn begin_load(
        &mut self,
        name: String,
        path: Option<PathBuf>,
        lesson: Option<LessonState>,
    ) -> u64 {
        self.doc.running = None;
        self.doc.paused = None;
        self.doc.stages.clear();
        self.generation += 1;
        self.loading = Some(Loading {
            name,
            path,
            lesson,
            ..Loading::default()
        });
        self.generation
    }

    /// A load or rewind that replays `steps` steps is on its way: busy until its run
    /// ends.
    pub fn replaying(&mut self, steps: usize) {
        // The engine replays nothing for a session without steps.
        if steps == 0 {
            return;
        }
        let running = Some(Running::new(format!(
            "replaying {}",
            crate::text::count(steps as u64, "step")
        )));
        match &mut self.loading {
            Some(loading) => loading.running = running,
            None => self.doc.running = running,
        }
    }

    /// The bytes the session calls `input` after its last step.
    pub fn session_input(&self) -> Option<crate::recipe::Input> {
        let session = &self.doc.instance.session;
        let renamed = session.steps.iter().rev().find_map(|s| match &s.op {
            crate::recipe::Op::Input(input) => Some(input.clone()),
            _ => None,
        });
        renamed.or_else(|| session.input.clone())
    }

    /// Whether steps can be sent now: a module is ready, nothing runs, and live
    /// memory is shown.
    pub fn can_step(&self) -> bool {
        self.ready()
            && self.running().is_none()
            && self.loading.is_none()
            && self.doc.instance.timeline.viewing().is_none()
            && self.engine_stopped.is_none()
    }

    /// Rebuilds the memory map of the memory shown.
    pub(super) fn refresh_map(&mut self) {
        let Some(module) = self.doc.module() else {
            return;
        };
        let info = module.info.clone();
        let memory_index = self.shown_memory();
        let instance = &mut self.doc.instance;
        let len = instance.snapshot.len_bytes();
        instance
            .marks
            .rebuild_map(&info, &instance.globals, memory_index, len);
    }

    /// The index in the module of the memory shown (0 when it exports none by that
    /// name, or for a component).
    pub fn shown_memory(&self) -> u32 {
        let shown = &self.doc.instance.memories.shown;
        self.doc
            .module()
            .and_then(|m| {
                m.info
                    .exports
                    .iter()
                    .find(|e| e.kind == ExportKind::Memory && e.name == *shown)
            })
            .map_or(0, |e| e.index)
    }

    /// Whether the memory shown is 64-bit (i64 pointers).
    pub fn memory_is_64(&self) -> bool {
        self.doc
            .module()
            .and_then(|m| m.info.memories.get(self.shown_memory() as usize))
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
