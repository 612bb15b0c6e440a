//! How the worker runs steps: each step's start and end become events, Stop ends a
//! run between steps; and why a replay may not be exact.

use anyhow::Result;

use super::protocol::Event;
use crate::engine::limits::StopHandle;
use crate::engine::runner::{RunObserver, StepReport};
use crate::inspect::ModuleInfo;
use crate::recipe;

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
