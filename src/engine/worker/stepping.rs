//! Stepping into a call from the worker: the live instance must be traced (compiled
//! for guest debugging), so a session that is not is compiled again on the debug
//! engine and replayed there first, quietly: memory ends up the same, so the window
//! keeps its timeline.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};

use super::protocol::Event;
use super::state::{Compiled, WorkerState, WriteWatch};
use crate::engine::compiler::{CompileInfo, Compiler, compile_timed};
use crate::engine::runner::{AfterFailure, RunObserver, Runner, StepReport, run_steps};
use crate::inspect::write_sites;

/// Counts the failures of a quiet replay.
#[derive(Default)]
struct Quiet {
    failed: usize,
}

impl RunObserver for Quiet {
    fn done(&mut self, report: StepReport) -> Result<()> {
        self.failed += usize::from(report.failed());
        Ok(())
    }
}

impl WorkerState {
    /// Makes the next call of the live session pause before its first instruction
    /// (`step_into`), or at its breakpoints, compiling the module for stepping first
    /// if needed. Returns whether it could.
    pub(super) fn arm_stepping(&mut self, step_into: bool, send: &impl Fn(Event)) -> bool {
        let traced = self.live.as_ref().is_some_and(|l| l.instance.is_traced());
        if !traced && let Err(err) = self.retrace(send) {
            send(Event::CommandFailed {
                error: format!("cannot step into the call: {err:#}"),
            });
            return false;
        }
        // Line stepping reads the module's line tables.
        let dwarf = match self.live.as_ref().map(|l| &l.compiled) {
            Some(Compiled::Module { dwarf, .. }) => dwarf.clone(),
            _ => None,
        };
        let session = self.live.as_mut().and_then(|l| l.instance.core_mut());
        let (Some(session), Some(debugger)) = (session, &self.debugger) else {
            send(Event::CommandFailed {
                error: "a component's calls cannot be stepped into yet; they run whole".to_owned(),
            });
            return false;
        };
        debugger.arm(session.snapshot(), step_into, dwarf);
        if let Err(err) = session.set_single_step(step_into) {
            debugger.disarm();
            send(Event::CommandFailed {
                error: format!("cannot step into the call: {err:#}"),
            });
            return false;
        }
        true
    }

    /// The user's breakpoints are `pcs` (module offsets) from now on.
    pub(super) fn set_breakpoints(&mut self, pcs: Vec<u64>, send: &impl Fn(Event)) {
        // The store has the debugger's (it may have moved them during a pause).
        let current = match &self.debugger {
            Some(debugger) => debugger.breakpoints(),
            None => self.breakpoints.clone(),
        };
        let added: Vec<u64> = pcs
            .iter()
            .filter(|pc| !current.contains(pc))
            .copied()
            .collect();
        let removed: Vec<u64> = current
            .iter()
            .filter(|pc| !pcs.contains(pc))
            .copied()
            .collect();
        if let Some(session) = self.live.as_mut().and_then(|l| l.instance.core_mut())
            && session.is_traced()
            && let Err(err) = session.edit_breakpoints(&added, &removed)
        {
            send(Event::CommandFailed {
                error: format!("cannot set the breakpoints: {err:#}"),
            });
        }
        if let Some(debugger) = &self.debugger {
            debugger.set_breakpoints(&pcs);
        }
        self.breakpoints = pcs;
    }

    /// Ends stepping after the run.
    pub(super) fn disarm_stepping(&mut self) {
        if let Some(debugger) = &self.debugger {
            debugger.disarm();
        }
        if let Some(session) = self.live.as_mut().and_then(|l| l.instance.core_mut()) {
            // Only a session that stepped has single-stepping to turn off.
            let _ = session.set_single_step(false);
        }
    }

    /// Compiles the live module for stepping, instantiates it traced and replays the
    /// session on it; traced loads follow from now on.
    fn retrace(&mut self, send: &impl Fn(Event)) -> Result<()> {
        let started = Instant::now();
        let engine = self.debug_engine()?;
        let Some(live) = self.live.take() else {
            return Ok(());
        };
        let Compiled::Module {
            info,
            allocators,
            dwarf,
            ..
        } = &live.compiled
        else {
            self.live = Some(live);
            return Ok(());
        };
        let (info, allocators, dwarf) = (info.clone(), allocators.clone(), dwarf.clone());
        let rebuilt = (|| {
            let (module, compile_info) = compile_timed(
                &engine,
                Compiler::Cranelift,
                &live.binary,
                self.cache.as_ref(),
            )?;
            let compiled = Compiled::Module {
                module,
                info,
                allocators,
                watch: WriteWatch::Traced(Arc::new(write_sites(&live.binary)?)),
                dwarf,
            };
            let instance = self.instantiate(&compiled, &live.binary, &live.recipe, &live.name)?;
            let compile_info = CompileInfo {
                debug: true,
                ..compile_info
            };
            Ok::<_, anyhow::Error>((compiled, instance, compile_info))
        })()
        .context("compiling the module for stepping");
        let (compiled, mut instance, compile_info) = match rebuilt {
            Ok(rebuilt) => rebuilt,
            Err(err) => {
                self.live = Some(live);
                return Err(err);
            }
        };
        let mut runner = Runner::new(live.recipe.input.as_ref());
        let mut quiet = Quiet::default();
        run_steps(
            &mut instance,
            &mut runner,
            &live.recipe.steps,
            AfterFailure::Continue,
            &mut quiet,
        )?;
        instance.take_notes();
        instance.take_writes();
        send(Event::Retraced {
            generation: self.generation,
            steps: live.recipe.steps.len(),
            failed: quiet.failed,
            took_ms: started.elapsed().as_millis() as u64,
            compiled: compile_info,
        });
        self.trace = true;
        self.live = Some(super::state::Live {
            compiled,
            instance,
            runner,
            ..live
        });
        Ok(())
    }
}
