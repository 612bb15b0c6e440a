//! The reducer: each worker event updates `AppState`. Events of an older generation
//! (a load, replay or rewind since replaced) change nothing but the log.

use crate::engine::worker::{Described, Event, ReplayInfo};
use crate::engine::{RunEnd, human_bytes};
use crate::recipe::Recipe;
use crate::text::count;

use super::marks::MemoryMarks;
use super::module::component_view::LoadedComponent;
use super::state::{
    AppState, Document, Instance, LoadedModule, LogKind, Memories, SessionOffer, Wasm,
};

/// What the app should do after an event (the reducer itself sends nothing).
#[derive(Clone, Debug, PartialEq)]
pub enum Followup {
    /// Open this session: it asks for nothing that needs consent.
    OpenSession(Box<Recipe>),
}

impl AppState {
    /// Applies one worker event.
    pub fn apply(&mut self, event: Event) -> Option<Followup> {
        match event {
            Event::Inspected {
                generation,
                name,
                bytes,
                described,
            } if generation == self.generation => {
                let wasm = match described {
                    Described::Module { info, allocators } => Wasm::Module(LoadedModule {
                        name,
                        info,
                        bytes,
                        allocators: allocators.into_iter().map(|a| a.export).collect(),
                        dwarf: None,
                    }),
                    Described::Component { info, exports } => Wasm::Component(LoadedComponent {
                        name,
                        info,
                        exports,
                        bytes,
                    }),
                };
                if let Some(loading) = &mut self.loading {
                    loading.wasm = Some(wasm);
                }
            }
            Event::DebugInfo { generation, dwarf } if generation == self.generation => {
                if let Some(Wasm::Module(module)) =
                    self.loading.as_mut().and_then(|l| l.wasm.as_mut())
                {
                    let summary = dwarf.summary();
                    let line = format!(
                        "{} has debug info (DWARF): {} naming {}",
                        module.name,
                        count(summary.units.len() as u64, "compile unit"),
                        count(summary.files.len() as u64, "source file")
                    );
                    module.dwarf = Some(dwarf);
                    self.push_log(LogKind::Info, line);
                }
            }
            Event::Loaded {
                generation,
                name,
                session,
                snapshot,
                memories,
                globals,
                notes,
                compiled,
            } if generation == self.generation => {
                let shown = memories.first().cloned().unwrap_or_default();
                let memories = Memories {
                    names: memories,
                    shown,
                };
                let instance = Instance::new(*session, snapshot, globals, memories);
                let fresh_module = self.loaded(instance);
                self.refresh_map();
                if let (true, Some(component)) = (fresh_module, self.doc.component()) {
                    self.push_log(
                        LogKind::Info,
                        format!(
                            "Loaded {name} (a component): {}; call one with WAVE arguments \
                             in the Module tab, and watch the canonical ABI on the timeline",
                            count(component.exports.len() as u64, "function")
                        ),
                    );
                } else if fresh_module {
                    self.push_log(LogKind::Info, format!("Loaded {name}"));
                } else {
                    self.push_log(LogKind::Info, format!("Instantiated {name} again"));
                }
                self.push_notes(notes);
                if let Some(compiled) = compiled {
                    if let Some(refusal) = compiled.refusal() {
                        self.push_log(LogKind::Info, refusal);
                    }
                    let took = self.took(compiled.took.as_millis() as u64);
                    self.push_log(LogKind::Info, format!("{}{took}", compiled.what()));
                    self.doc.compiled = Some(compiled);
                }
                if fresh_module && self.doc.module().is_some() {
                    self.push_log(
                        LogKind::Info,
                        match self.doc.lesson {
                            Some(_) => "Lesson: press Next (or Ctrl+Enter) for each step.",
                            None => {
                                "Next: press 2 Alloc (or Ctrl+Enter) for each step, or Run all."
                            }
                        },
                    );
                }
            }
            Event::LoadFailed {
                generation,
                name,
                error,
            } => {
                if generation == self.generation {
                    self.loading = None;
                    self.doc.running = None;
                }
                self.push_log(LogKind::Error, format!("Cannot load {name}: {error}"));
            }
            Event::StepStarted {
                generation,
                index,
                label,
            } if generation == self.generation => {
                if let Some(running) = self.running_mut() {
                    running.label = label;
                    running.step = Some(index);
                }
            }
            Event::StepDone { generation, report } if generation == self.generation => {
                self.doc.paused = None;
                self.step_done(*report);
            }
            Event::Paused { generation, pause } if generation == self.generation => {
                self.paused_at(*pause);
            }
            Event::Retraced {
                generation,
                steps,
                failed,
                took_ms,
                compiled,
            } if generation == self.generation => {
                self.doc.compiled = Some(compiled);
                let took = self.took(took_ms);
                let failed = match failed {
                    0 => String::new(),
                    n => format!(" ({n} failed again)"),
                };
                self.push_log(
                    LogKind::Info,
                    format!(
                        "Compiled the module for stepping and replayed its {steps} \
                         steps{took}{failed}; every write is traced from now on"
                    ),
                );
            }
            Event::RunEnded {
                generation,
                end,
                replay,
            } if generation == self.generation => self.run_ended(end, replay),
            Event::MemorySelected {
                generation,
                name,
                snapshot,
            } if generation == self.generation => {
                self.doc.instance.regions.clear();
                self.doc.instance.marks = MemoryMarks::default();
                self.doc.walk.reset_progress();
                self.take_snapshot(snapshot, None);
                self.push_log(LogKind::Info, format!("Showing memory `{name}`"));
                self.doc.instance.memories.shown = name;
                self.refresh_map();
                self.reveal = Some(0);
            }
            Event::LoadCancelled { name } => {
                self.push_log(
                    LogKind::Info,
                    format!("Stopped loading {name}: another module was opened while it compiled"),
                );
            }
            Event::SessionRead { path, session } => {
                let grants = session.host.grants();
                if grants.is_empty() {
                    return Some(Followup::OpenSession(session));
                }
                self.offer = Some(SessionOffer {
                    path,
                    session: *session,
                    grants,
                });
            }
            Event::SessionSaved {
                path,
                module_written,
            } => {
                let module = module_written
                    .map(|m| format!(" (and the module to {})", m.display()))
                    .unwrap_or_default();
                self.push_log(
                    LogKind::Info,
                    format!(
                        "Saved the session ({}) to {}{module}",
                        count(self.doc.instance.session.steps.len() as u64, "step"),
                        path.display()
                    ),
                );
            }
            Event::FileWritten {
                path,
                what,
                error: None,
            } => self.push_log(
                LogKind::Info,
                format!("Saved {what} to {}.", path.display()),
            ),
            Event::FileWritten {
                what,
                error: Some(error),
                ..
            } => self.push_log(LogKind::Error, format!("cannot save {what}: {error}")),
            Event::CommandFailed { error } => self.push_log(LogKind::Error, error),
            // Stale: a newer load, replay or rewind replaced what these were about.
            Event::Inspected { .. }
            | Event::DebugInfo { .. }
            | Event::Loaded { .. }
            | Event::StepStarted { .. }
            | Event::StepDone { .. }
            | Event::RunEnded { .. }
            | Event::Paused { .. }
            | Event::Retraced { .. }
            | Event::MemorySelected { .. } => {}
        }
        None
    }

    /// Takes `instance` as the one shown: a load's first (its document replaces the
    /// one before, whole) or, after a rewind, the document's next. Whether it is a
    /// new document.
    fn loaded(&mut self, instance: Instance) -> bool {
        let mut loading = self.loading.take().unwrap_or_default();
        match loading.wasm.take() {
            Some(wasm) => {
                self.doc = Document::new(wasm, loading, instance);
                true
            }
            None => {
                // The same module or component, instantiated again.
                self.doc.instance = instance;
                self.doc.walk.reset_progress();
                self.doc.stages.clear();
                if loading.running.is_some() {
                    self.doc.running = loading.running;
                }
                false
            }
        }
    }

    /// ` in 28 ms`, or nothing when screenshots hide wall times.
    fn took(&self, ms: u64) -> String {
        if self.presentation.hide_durations {
            String::new()
        } else if ms < 1000 {
            format!(" in {ms} ms")
        } else {
            format!(" in {:.1} s", ms as f64 / 1000.0)
        }
    }

    fn run_ended(&mut self, end: RunEnd, replay: Option<ReplayInfo>) {
        self.doc.running = None;
        self.doc.paused = None;
        self.doc.stages.clear();
        if end.stopped {
            self.push_log(
                LogKind::Error,
                format!("Stopped after {} of the steps", end.ran),
            );
        }
        if replay.is_some() && end.ran == 0 {
            // Start over (or a rewind to the start): nothing was replayed.
            self.push_log(
                LogKind::Info,
                "A fresh instance: memory as the module was loaded.",
            );
        } else if let Some(replay) = replay {
            let failed = match end.failed {
                0 => String::new(),
                n => format!(", {n} failed"),
            };
            let memory = human_bytes(self.doc.instance.snapshot.len_bytes());
            let took = self.took(replay.took_ms);
            self.push_log(
                LogKind::Info,
                format!(
                    "Replayed {}{took}{failed}; memory {memory}",
                    count(end.ran as u64, "step")
                ),
            );
            if let Some(why) = replay.inexact {
                self.push_log(LogKind::Info, format!("Note: {why}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::engine::worker::Event;
    use crate::inspect::ModuleInfo;
    use crate::memory::{Region, RegionKind, Snapshot, Writer};
    use crate::recipe::Lesson;
    use crate::ui::lessons::LessonState;
    use crate::ui::state::Loading;
    use crate::ui::timeline::StepMark;
    use crate::ui::walkthrough::Stage;

    #[test]
    fn events_of_an_older_load_change_nothing_but_the_log() {
        let mut state = AppState {
            generation: 2,
            loading: Some(Loading {
                name: "new.wasm".into(),
                ..Loading::default()
            }),
            ..AppState::default()
        };
        state.apply(Event::LoadFailed {
            generation: 1,
            name: "old.wasm".into(),
            error: "bad".into(),
        });
        let loading = state.loading.as_ref().map(|l| l.name.as_str());
        assert_eq!(loading, Some("new.wasm"));
        assert_eq!(state.log.len(), 1);
        state.apply(Event::RunEnded {
            generation: 1,
            end: RunEnd::default(),
            replay: None,
        });
        assert_eq!(state.log.len(), 1);
        state.apply(Event::LoadFailed {
            generation: 2,
            name: "new.wasm".into(),
            error: "bad too".into(),
        });
        assert!(state.loading.is_none());
    }

    /// The worker's answer to a load of `name`: inspected, then instantiated.
    fn load(state: &mut AppState, name: &str, lesson: Option<LessonState>) {
        let generation = state.begin_load(name.into(), None, lesson);
        state.apply(Event::Inspected {
            generation,
            name: name.into(),
            bytes: Arc::from(&b"\0asm"[..]),
            described: Described::Module {
                info: Arc::new(ModuleInfo::default()),
                allocators: Vec::new(),
            },
        });
        instantiated(state, generation, name);
    }

    fn instantiated(state: &mut AppState, generation: u64, name: &str) {
        state.apply(Event::Loaded {
            generation,
            name: name.into(),
            session: Box::default(),
            snapshot: Arc::new(Snapshot::capture(None, &[0; 64], 0)),
            memories: vec!["memory".into()],
            globals: Vec::new(),
            notes: Vec::new(),
            compiled: None,
        });
    }

    /// Leaves something in every part of the document.
    fn use_it(state: &mut AppState) {
        let doc = &mut state.doc;
        doc.breakpoints.push(0x40);
        doc.stage_steps.insert(0, Stage::Alloc);
        doc.instance.marks.overruns.push(8..9);
        doc.instance.regions.push(Region {
            range: 0..4,
            kind: RegionKind::Allocation,
            label: "alloc".into(),
        });
        doc.instance.shown = Some(0..1);
        doc.instance.writers.record(
            0..4,
            Writer {
                what: "the host".into(),
                group: "the host".into(),
                step: 1,
            },
        );
        let snapshot = doc.instance.snapshot.clone();
        let mark = StepMark {
            pause: false,
            changed_bytes: 0,
            failed: false,
            overrun: true,
            log_line: None,
            regions: Vec::new(),
        };
        doc.instance.timeline.push("alloc".into(), snapshot, mark);
    }

    #[test]
    fn a_load_replaces_the_document_whole_and_a_rewind_its_instance() {
        let mut state = AppState::default();
        let lesson = LessonState {
            lesson: Lesson::default(),
            steps: Vec::new(),
        };
        load(&mut state, "first.wasm", Some(lesson));
        assert!(state.ready() && state.loading.is_none());
        assert!(state.doc.lesson.is_some());
        use_it(&mut state);

        // A rewind: the same document, a fresh instance.
        state.generation += 1;
        let generation = state.generation;
        instantiated(&mut state, generation, "first.wasm");
        let doc = &state.doc;
        assert_eq!(doc.module().map(|m| m.name.as_str()), Some("first.wasm"));
        assert_eq!((doc.breakpoints.len(), doc.stage_steps.len()), (1, 1));
        assert!(doc.lesson.is_some());
        assert!(doc.instance.timeline.is_empty() && doc.instance.regions.is_empty());
        assert_eq!(doc.instance.marks, MemoryMarks::default());
        assert!(doc.instance.shown.is_none());
        assert!(doc.instance.writers.summary().is_empty());

        // A load: nothing of the document before it.
        use_it(&mut state);
        load(&mut state, "second.wasm", None);
        let doc = &state.doc;
        assert_eq!(doc.module().map(|m| m.name.as_str()), Some("second.wasm"));
        assert!(doc.breakpoints.is_empty() && doc.stage_steps.is_empty());
        assert!(doc.lesson.is_none() && doc.running.is_none() && doc.paused.is_none());
        assert!(doc.instance.timeline.is_empty() && doc.instance.regions.is_empty());
        assert_eq!(doc.instance.marks, MemoryMarks::default());
        assert!(doc.instance.shown.is_none());
        assert!(doc.instance.writers.summary().is_empty());
        assert_eq!(doc.instance.memories.shown, "memory");
    }
}
