//! The reducer: each worker event updates `AppState`. Events of an older generation
//! (a load, replay or rewind since replaced) change nothing but the log.

use crate::engine::worker::{Described, Event, ReplayInfo};
use crate::engine::{RunEnd, human_bytes};
use crate::recipe::Recipe;
use crate::text::count;

use super::marks::MemoryMarks;
use super::module::component_view::LoadedComponent;
use super::state::{AppState, LoadedModule, LogKind, Memories, Pending, SessionOffer};
use super::walkthrough::Walkthrough;

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
                self.pending = Some(match described {
                    Described::Module { info, allocators } => Pending::Module(LoadedModule {
                        name,
                        info,
                        bytes,
                        allocators: allocators.into_iter().map(|a| a.export).collect(),
                    }),
                    Described::Component { info, exports } => Pending::Component(LoadedComponent {
                        name,
                        info,
                        exports,
                        bytes,
                    }),
                });
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
                self.memories = Memories {
                    names: memories,
                    shown,
                };
                let fresh_module = self.pending.is_some();
                match self.pending.take() {
                    Some(Pending::Module(module)) => {
                        self.walk = Walkthrough::for_module(&module, session.input.as_ref());
                        self.stage_steps.clear();
                        self.module = Some(module);
                        self.component = None;
                        self.module_path = self.loading_path.take();
                    }
                    Some(Pending::Component(component)) => {
                        self.walk = Walkthrough::default();
                        self.stage_steps.clear();
                        self.module = None;
                        self.component = Some(component);
                        self.module_path = self.loading_path.take();
                    }
                    None => self.walk.reset_progress(),
                }
                self.session = *session;
                self.forget_instance();
                self.stages.clear();
                self.loading = None;
                self.ready = true;
                self.take_snapshot(snapshot, None);
                self.globals = globals;
                self.refresh_map();
                if let (true, Some(component)) = (fresh_module, &self.component) {
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
                    self.compiled = Some(compiled);
                }
                if fresh_module && self.module.is_some() {
                    self.push_log(
                        LogKind::Info,
                        match self.lesson {
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
                    self.pending = None;
                    self.running = None;
                }
                self.push_log(LogKind::Error, format!("Cannot load {name}: {error}"));
            }
            Event::StepStarted {
                generation,
                index,
                label,
            } if generation == self.generation => {
                if let Some(running) = &mut self.running {
                    running.label = label;
                    running.step = Some(index);
                }
            }
            Event::StepDone { generation, report } if generation == self.generation => {
                self.paused = None;
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
                self.compiled = Some(compiled);
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
                self.regions.clear();
                self.marks = MemoryMarks::default();
                self.walk.reset_progress();
                self.take_snapshot(snapshot, None);
                self.push_log(LogKind::Info, format!("Showing memory `{name}`"));
                self.memories.shown = name;
                self.refresh_map();
                self.scroll_to = Some(0);
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
                        count(self.session.steps.len() as u64, "step"),
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
        self.running = None;
        self.paused = None;
        self.stages.clear();
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
            let memory = human_bytes(self.snapshot.len_bytes());
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
    use crate::engine::worker::Event;

    #[test]
    fn events_of_an_older_load_change_nothing_but_the_log() {
        let mut state = AppState {
            generation: 2,
            loading: Some("new.wasm".into()),
            ..AppState::default()
        };
        state.apply(Event::LoadFailed {
            generation: 1,
            name: "old.wasm".into(),
            error: "bad".into(),
        });
        assert_eq!(state.loading.as_deref(), Some("new.wasm"));
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
        assert_eq!(state.loading, None);
    }
}
