//! How the worker runs steps: a run, a replay, a rewind; each step's start and end
//! become events, Stop ends a run between steps; and why a replay may not be exact.

use std::time::Instant;

use anyhow::Result;

use super::protocol::{Event, ReplayInfo};
use super::state::{Compiled, Live, WorkerState};
use crate::engine::limits::StopHandle;
use crate::engine::runner::{AfterFailure, RunEnd, RunObserver, Runner, StepReport, run_steps};
use crate::inspect::ModuleInfo;
use crate::recipe;

impl WorkerState {
    /// Runs `steps` on the live session as a replay (every step, failures included)
    /// and reports how long it took.
    pub(super) fn replay(
        &mut self,
        generation: u64,
        steps: Vec<recipe::Step>,
        started: Instant,
        send: &impl Fn(Event),
    ) {
        let Some(live) = &mut self.live else {
            return;
        };
        let inexact = match &live.compiled {
            Compiled::Module { info, .. } => inexact_replay(info),
            Compiled::Component { .. } => None,
        };
        let end = self.run_on_live(generation, steps, AfterFailure::Continue, send);
        send(Event::RunEnded {
            generation,
            end,
            replay: Some(ReplayInfo {
                took_ms: started.elapsed().as_millis() as u64,
                inexact,
            }),
        });
    }

    pub(super) fn run(&mut self, steps: Vec<recipe::Step>, step_into: bool, send: &impl Fn(Event)) {
        if self.live.is_none() {
            send(Event::CommandFailed {
                error: "no module is loaded".to_owned(),
            });
            return;
        }
        let generation = self.generation;
        let armed = step_into || !self.breakpoints.is_empty();
        let stepping = armed && self.arm_stepping(step_into, send);
        let end = self.run_on_live(generation, steps, AfterFailure::Stop, send);
        if stepping {
            self.disarm_stepping();
        }
        send(Event::RunEnded {
            generation,
            end,
            replay: None,
        });
    }

    /// Appends `steps` to the live session and runs them, reporting each; the steps
    /// that did not run (after a failure or Stop) are not kept.
    fn run_on_live(
        &mut self,
        generation: u64,
        steps: Vec<recipe::Step>,
        after_failure: AfterFailure,
        send: &impl Fn(Event),
    ) -> RunEnd {
        let Some(live) = &mut self.live else {
            return Default::default();
        };
        let mut steps = steps;
        if steps.first().is_some_and(|first| live.recipe.folds(first)) {
            let first = steps.remove(0);
            if let Some(input) = live.recipe.push(first) {
                live.runner.set_input(input);
            }
        }
        let before = live.recipe.steps.len();
        let mut reporter = Reporter {
            generation,
            stop: &self.stop,
            send,
        };
        let ended = run_steps(
            &mut live.instance,
            &mut live.runner,
            &steps,
            after_failure,
            &mut reporter,
        );
        let end = ended.unwrap_or_default();
        live.recipe.steps.extend(steps.into_iter().take(end.ran));
        debug_assert_eq!(live.recipe.steps.len(), before + end.ran);
        end
    }

    /// Instantiates the module again and replays the first `keep` steps.
    pub(super) fn rewind(&mut self, generation: u64, keep: usize, send: &impl Fn(Event)) {
        let Some(live) = self.live.take() else {
            send(Event::CommandFailed {
                error: "no module is loaded".to_owned(),
            });
            return;
        };
        self.set_generation(generation);
        let started = Instant::now();
        let mut base = live.recipe.clone();
        let steps: Vec<recipe::Step> = base.steps.drain(..).take(keep).collect();
        match self.instantiate(&live.compiled, &live.binary, &base, &live.name) {
            Ok(instance) => {
                let fresh = Live {
                    runner: Runner::new(base.input.as_ref()),
                    recipe: base,
                    instance,
                    ..live
                };
                self.start(generation, fresh, Vec::new(), None, send);
                self.replay(generation, steps, started, send);
            }
            Err(err) => {
                send(Event::CommandFailed {
                    error: format!("cannot instantiate {} again: {err:#}", live.name),
                });
                self.live = Some(live);
            }
        }
    }
}

/// Sends each step's start and end as events; ends a run when Stop is pressed.
pub struct Reporter<'a, F: Fn(Event)> {
    /// The events' generation.
    pub generation: u64,
    /// Whose Stop ends the run.
    pub stop: &'a StopHandle,
    /// Where events go.
    pub send: &'a F,
}

impl<F: Fn(Event)> RunObserver for Reporter<'_, F> {
    fn should_stop(&mut self) -> bool {
        self.stop.is_requested()
    }

    fn started(&mut self, index: usize, step: &recipe::Step) {
        (self.send)(Event::StepStarted {
            generation: self.generation,
            index,
            label: step.op.describe(),
        });
    }

    fn done(&mut self, report: StepReport) -> Result<()> {
        (self.send)(Event::StepDone {
            generation: self.generation,
            report: Box::new(report),
        });
        Ok(())
    }
}

/// Why a replay of a module may differ from its first run: it can read clocks or
/// random numbers through WASI.
pub fn inexact_replay(info: &ModuleInfo) -> Option<String> {
    const NONDETERMINISTIC: [&str; 3] = ["clock_time_get", "random_get", "poll_oneoff"];
    let found: Vec<&str> = info
        .imports
        .iter()
        .filter(|i| {
            crate::engine::is_wasi(&i.module) && NONDETERMINISTIC.contains(&i.name.as_str())
        })
        .map(|i| i.name.as_str())
        .collect();
    (!found.is_empty()).then(|| {
        format!(
            "the guest can read clocks or random numbers (it imports {}), so this replay may \
             differ from the first run",
            found.join(", ")
        )
    })
}
