//! The store's data (limits, clock, WASI context, notes) and how a store is set up.

use std::time::Instant;

use anyhow::Result;
use wasmtime::{AsContextMut, Engine, Store, StoreContextMut, UpdateDeadline};
use wasmtime_wasi::p1::WasiP1Ctx;

use super::limits::{Deadline, Limiter, Limits, StopHandle};
use super::notes::Notes;
use super::recorder::{Recorder, drain_running};
use super::trace_log::TraceLog;
use super::wasi::{self, WasiConfig};
use super::wasi_sleep::PollGuard;

/// What the store carries for the limiter, the epoch callback, WASI and the notes.
pub struct StoreData {
    /// The memory limit.
    pub limiter: Limiter,
    /// The clock of the call in progress.
    pub deadline: Deadline,
    /// The Stop flag, checked by the epoch callback and by WASI's guarded sleep.
    pub stop: StopHandle,
    /// WASI state (used only when the module imports WASI).
    pub wasi: WasiP1Ctx,
    /// The guest's WASI clock and the guarded `poll_oneoff`'s state.
    pub poll_guard: PollGuard,
    /// Stub calls and guest output since the last step.
    pub notes: Notes,
    /// Writes traced or recorded since the last step.
    pub trace: TraceLog,
    /// The trace memory of a recorded module (see `recorder`).
    pub recorder: Option<Recorder>,
    /// The memory the session shows (what a paused call's snapshot captures).
    pub memory: Option<wasmtime::Memory>,
}

/// A store with the limits, the epoch callback that enforces them and `stop`, and a
/// WASI context configured by `wasi`.
pub fn new_store(
    engine: &Engine,
    stop: &StopHandle,
    limits: Limits,
    wasi: &WasiConfig,
) -> Result<Store<StoreData>> {
    let notes = Notes::default();
    let poll_guard = PollGuard::new();
    let data = StoreData {
        limiter: Limiter::new(limits.memory_limit_bytes),
        deadline: Deadline {
            started: Instant::now(),
            timeout_ms: limits.timeout_ms,
        },
        stop: stop.clone(),
        wasi: wasi::context(wasi, &notes, poll_guard.clock())?,
        poll_guard,
        notes,
        trace: TraceLog::default(),
        recorder: None,
        memory: None,
    };
    let mut store = Store::new(engine, data);
    guard(&mut store, limits);
    Ok(store)
}

impl Guarded for StoreData {
    fn limiter(&mut self) -> &mut Limiter {
        &mut self.limiter
    }

    fn deadline(&mut self) -> &mut Deadline {
        &mut self.deadline
    }

    fn stop(&self) -> &StopHandle {
        &self.stop
    }

    fn tick(store: StoreContextMut<'_, Self>) {
        drain_running(store);
    }
}

/// What a store's data holds for the limits: modules' and components' stores.
pub trait Guarded: Sized + 'static {
    /// The memory limit.
    fn limiter(&mut self) -> &mut Limiter;
    /// The clock of the call in progress.
    fn deadline(&mut self) -> &mut Deadline;
    /// The Stop flag.
    fn stop(&self) -> &StopHandle;
    /// What else to do at each epoch tick of a running call (a recorded module's
    /// store drains its trace memory).
    fn tick(_store: StoreContextMut<'_, Self>) {}
}

/// Puts `store` under `limits`: the memory limiter, and the epoch callback that ends a
/// call past its time or when Stop is pressed; then starts the clock.
pub fn guard<T: Guarded>(store: &mut Store<T>, limits: Limits) {
    store.limiter(|data| data.limiter());
    store.epoch_deadline_callback(|mut ctx| {
        T::tick(ctx.as_context_mut());
        let data = ctx.data_mut();
        let stop = data.stop().clone();
        match data.deadline().check(&stop) {
            Ok(()) => Ok(UpdateDeadline::Continue(1)),
            Err(interrupted) => Err(wasmtime::Error::new(interrupted)),
        }
    });
    start_clock(store, limits);
}

/// Starts the clock for the next call: fresh deadline, first tick armed. A Stop
/// requested earlier stays in force until `StopHandle::reset`, so a Stop pressed just
/// before a call begins is not lost.
pub fn start_clock<T: Guarded>(store: &mut Store<T>, limits: Limits) {
    *store.data_mut().deadline() = Deadline {
        started: Instant::now(),
        timeout_ms: limits.timeout_ms,
    };
    store.set_epoch_deadline(1);
}
