//! WASI's `poll_oneoff` when it waits only on clocks — a guest's `sleep`. Epoch
//! interruption, which ends a runaway call, fires only while wasm code runs, so a guest
//! asleep in the host would outlast the time limit and Stop. Here the wait is done in
//! short slices that check both. Every other use of `poll_oneoff` (file descriptors,
//! unknown clocks, bad pointers) goes to wasmtime-wasi, which answers it at once.
//!
//! wasmtime-wasi's function finds the guest's memory through its caller's `memory`
//! export, and a host function calling another has no caller instance; so it is
//! called through a two-line shim module that imports the guest's memory, exports it
//! again as `memory`, and calls wasmtime-wasi's `poll_oneoff`.

use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use wasmtime::{Caller, Extern, Func, Instance, Linker, Memory, Module, Store, TypedFunc};

use super::limits::{Interrupted, TICK};
use super::store::StoreData;
use super::wasi::{WASI_P0, WASI_P1};

/// The size of an `event` (the same in both WASI versions).
const EVENT_SIZE: usize = 32;
/// `eventtype::clock`, `clockid::realtime`, `clockid::monotonic`,
/// `subclockflags::subscription_clock_abstime`.
const EVENTTYPE_CLOCK: u8 = 0;
const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;
const ABSTIME: u16 = 1;

/// The shim through which wasmtime-wasi's `poll_oneoff` is called (see the module
/// docs).
const SHIM_WAT: &str = r#"(module
  (import "wasmscope" "memory" (memory 0))
  (import "wasmscope" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (export "memory" (memory 0))
  (func (export "poll_oneoff") (param i32 i32 i32 i32) (result i32)
    (call $poll (local.get 0) (local.get 1) (local.get 2) (local.get 3))))"#;

/// Where a clock subscription's fields lie, in one WASI version. The userdata is at
/// 0 and the event type at 8 in both.
struct Layout {
    /// The import module.
    module: &'static str,
    /// The size of one `subscription`.
    size: usize,
    /// Offsets of `clockid`, `timeout` and `subclockflags`.
    id: usize,
    timeout: usize,
    flags: usize,
}

/// Preview 1, and preview 0 (`wasi_unstable`), whose clock has an extra `identifier`.
const LAYOUTS: [Layout; 2] = [
    Layout {
        module: WASI_P1,
        size: 48,
        id: 16,
        timeout: 24,
        flags: 40,
    },
    Layout {
        module: WASI_P0,
        size: 56,
        id: 24,
        timeout: 32,
        flags: 48,
    },
];

/// `poll_oneoff`'s arguments: subscriptions, events, subscription count, where the
/// event count goes.
type PollArgs = (u32, u32, u32, u32);

/// What the guarded `poll_oneoff` keeps in the store.
pub struct PollGuard {
    /// When the guest's WASI monotonic clock reads zero.
    pub clock_origin: Instant,
    /// wasmtime-wasi's `poll_oneoff` through the shim, per WASI version (import
    /// module), each made at its first use.
    shims: Vec<(&'static str, TypedFunc<PollArgs, i32>)>,
}

impl PollGuard {
    /// A guard whose clock starts now.
    pub fn new() -> Self {
        Self {
            clock_origin: Instant::now(),
            shims: Vec::new(),
        }
    }

    /// The monotonic clock the guest's WASI context reads.
    pub fn clock(&self) -> GuestMonotonicClock {
        GuestMonotonicClock {
            origin: self.clock_origin,
        }
    }
}

/// The guest's monotonic clock: nanoseconds since `origin`, which the store keeps so
/// that absolute deadlines can be turned into waits.
pub struct GuestMonotonicClock {
    /// When the clock reads zero.
    pub origin: Instant,
}

impl wasmtime_wasi::HostMonotonicClock for GuestMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }

    fn now(&self) -> u64 {
        nanos(self.origin.elapsed())
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// One clock subscription: its userdata and how long until it fires.
#[derive(Debug, PartialEq, Eq)]
struct ClockWait {
    userdata: u64,
    wait_ns: u64,
}

/// The clocks' "now" that absolute subscriptions are measured against.
struct Now {
    monotonic_ns: u64,
    realtime_ns: u64,
}

/// The subscriptions in `bytes`, if every one is a clock this module can wait on.
fn clock_waits(bytes: &[u8], layout: &Layout, now: &Now) -> Option<Vec<ClockWait>> {
    bytes
        .chunks_exact(layout.size)
        .map(|sub| {
            if sub[8] != EVENTTYPE_CLOCK {
                return None;
            }
            let userdata = u64::from_le_bytes(sub[0..8].try_into().ok()?);
            let id = u32::from_le_bytes(sub[layout.id..layout.id + 4].try_into().ok()?);
            let timeout_at = layout.timeout..layout.timeout + 8;
            let timeout = u64::from_le_bytes(sub[timeout_at].try_into().ok()?);
            let flags = u16::from_le_bytes(sub[layout.flags..layout.flags + 2].try_into().ok()?);
            let absolute = flags & ABSTIME != 0;
            let wait_ns = match (id, absolute) {
                (CLOCK_MONOTONIC | CLOCK_REALTIME, false) => timeout,
                (CLOCK_MONOTONIC, true) => timeout.saturating_sub(now.monotonic_ns),
                (CLOCK_REALTIME, true) => timeout.saturating_sub(now.realtime_ns),
                _ => return None,
            };
            Some(ClockWait { userdata, wait_ns })
        })
        .collect()
}

/// The events for the subscriptions that fire after `waited_ns`, as the guest reads them.
fn clock_events(waits: &[ClockWait], waited_ns: u64) -> Vec<u8> {
    let mut events = Vec::new();
    for wait in waits.iter().filter(|w| w.wait_ns <= waited_ns) {
        let mut event = [0u8; EVENT_SIZE];
        event[0..8].copy_from_slice(&wait.userdata.to_le_bytes());
        event[10] = EVENTTYPE_CLOCK;
        events.extend_from_slice(&event);
    }
    events
}

/// Sleeps `total`, checking the call's deadline and the Stop flag every `TICK`.
fn guarded_sleep(data: &StoreData, total: Duration) -> Result<(), Interrupted> {
    let started = Instant::now();
    loop {
        data.deadline.check(&data.stop)?;
        let left = total.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(TICK));
    }
}

/// Answers `poll_oneoff(subs, events, nsubs, nevents_out)` if it only waits on clocks;
/// `None` hands the call to wasmtime-wasi.
fn poll_clocks(
    caller: &mut Caller<'_, StoreData>,
    layout: &Layout,
    (subs, events, nsubs, nevents_out): PollArgs,
) -> Option<wasmtime::Result<i32>> {
    // Misaligned pointers: wasmtime-wasi reports them.
    if subs % 8 != 0 || events % 8 != 0 || nevents_out % 4 != 0 {
        return None;
    }
    let memory: Memory = caller.get_export("memory")?.into_memory()?;
    let data = memory.data(&*caller);
    let subs = usize::try_from(subs).ok()?;
    let nsubs = usize::try_from(nsubs).ok()?;
    let subs_bytes = data.get(subs..subs.checked_add(nsubs.checked_mul(layout.size)?)?)?;
    let now = Now {
        monotonic_ns: nanos(caller.data().poll_guard.clock_origin.elapsed()),
        realtime_ns: nanos(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .ok()?,
        ),
    };
    let waits = clock_waits(subs_bytes, layout, &now)?;
    let shortest = waits.iter().map(|w| w.wait_ns).min()?;
    let fired = clock_events(&waits, shortest);
    let count = u32::try_from(fired.len() / EVENT_SIZE).ok()?;
    let (events_at, count_at) = (
        usize::try_from(events).ok()?,
        usize::try_from(nevents_out).ok()?,
    );
    // Bad output pointers: wasmtime-wasi reports the fault.
    data.get(events_at..events_at.checked_add(fired.len())?)?;
    data.get(count_at..count_at.checked_add(4)?)?;
    if let Err(interrupted) = guarded_sleep(caller.data(), Duration::from_nanos(shortest)) {
        return Some(Err(wasmtime::Error::new(interrupted)));
    }
    let written = memory
        .write(&mut *caller, events_at, &fired)
        .and_then(|()| memory.write(&mut *caller, count_at, &count.to_le_bytes()));
    Some(written.map(|()| 0).map_err(wasmtime::Error::new))
}

/// Calls wasmtime-wasi's `poll_oneoff` of `wasi` (`original`) through the shim.
fn delegate(
    caller: &mut Caller<'_, StoreData>,
    wasi: &'static str,
    original: Func,
    args: PollArgs,
) -> wasmtime::Result<i32> {
    let made = &caller.data().poll_guard.shims;
    let shim = match made.iter().find(|(m, _)| *m == wasi) {
        Some((_, shim)) => shim.clone(),
        None => {
            let Some(memory) = caller.get_export("memory").and_then(Extern::into_memory) else {
                // What wasmtime-wasi says of a guest without the export.
                return Err(wasmtime::Error::msg("missing required memory export"));
            };
            let module = Module::new(caller.engine(), SHIM_WAT)?;
            let instance = Instance::new(&mut *caller, &module, &[memory.into(), original.into()])?;
            let shim = instance.get_typed_func::<PollArgs, i32>(&mut *caller, "poll_oneoff")?;
            caller
                .data_mut()
                .poll_guard
                .shims
                .push((wasi, shim.clone()));
            shim
        }
    };
    shim.call(&mut *caller, args)
}

/// Replaces `poll_oneoff` in `linker`, for each WASI version it defined, with one
/// whose clock waits obey the time limit and Stop.
pub fn guard_poll_oneoff(
    store: &mut Store<StoreData>,
    linker: &mut Linker<StoreData>,
) -> Result<()> {
    for layout in &LAYOUTS {
        let Ok(Extern::Func(original)) = linker.get(&mut *store, layout.module, "poll_oneoff")
        else {
            continue;
        };
        linker.allow_shadowing(true);
        let defined = linker
            .func_wrap(
                layout.module,
                "poll_oneoff",
                move |mut caller: Caller<'_, StoreData>,
                      subs: u32,
                      events: u32,
                      nsubs: u32,
                      out: u32| {
                    let args = (subs, events, nsubs, out);
                    poll_clocks(&mut caller, layout, args)
                        .unwrap_or_else(|| delegate(&mut caller, layout.module, original, args))
                },
            )
            .map(|_| ());
        linker.allow_shadowing(false);
        defined
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot guard {}.poll_oneoff", layout.module))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &Layout = &LAYOUTS[0];
    const P0: &Layout = &LAYOUTS[1];

    fn sub_in(layout: &Layout, userdata: u64, id: u32, timeout: u64, flags: u16) -> Vec<u8> {
        let mut sub = vec![0u8; layout.size];
        sub[0..8].copy_from_slice(&userdata.to_le_bytes());
        sub[layout.id..layout.id + 4].copy_from_slice(&id.to_le_bytes());
        sub[layout.timeout..layout.timeout + 8].copy_from_slice(&timeout.to_le_bytes());
        sub[layout.flags..layout.flags + 2].copy_from_slice(&flags.to_le_bytes());
        sub
    }

    fn subscription(userdata: u64, id: u32, timeout: u64, flags: u16) -> Vec<u8> {
        sub_in(P1, userdata, id, timeout, flags)
    }

    const NOW: Now = Now {
        monotonic_ns: 1_000,
        realtime_ns: 5_000,
    };

    #[test]
    fn relative_and_absolute_clocks_become_waits() {
        let bytes = [
            subscription(7, CLOCK_MONOTONIC, 300, 0),
            subscription(8, CLOCK_MONOTONIC, 1_200, ABSTIME),
            subscription(9, CLOCK_REALTIME, 4_000, ABSTIME),
        ]
        .concat();
        let waits = clock_waits(&bytes, P1, &NOW).unwrap();
        let wait_ns: Vec<u64> = waits.iter().map(|w| w.wait_ns).collect();
        assert_eq!(wait_ns, [300, 200, 0]);
        assert_eq!(waits[1].userdata, 8);
    }

    #[test]
    fn preview_0_subscriptions_are_read_at_their_own_offsets() {
        let bytes = [
            sub_in(P0, 7, CLOCK_MONOTONIC, 300, 0),
            sub_in(P0, 8, CLOCK_REALTIME, 4_000, ABSTIME),
        ]
        .concat();
        let waits = clock_waits(&bytes, P0, &NOW).unwrap();
        let wait_ns: Vec<u64> = waits.iter().map(|w| w.wait_ns).collect();
        assert_eq!(wait_ns, [300, 0]);
    }

    #[test]
    fn fd_subscriptions_and_unknown_clocks_are_left_to_wasi() {
        let mut fd_read = subscription(1, 0, 0, 0);
        fd_read[8] = 1;
        assert_eq!(clock_waits(&fd_read, P1, &NOW), None);
        assert_eq!(clock_waits(&subscription(1, 2, 10, 0), P1, &NOW), None);
    }

    #[test]
    fn only_the_subscriptions_due_fire() {
        let waits = [
            ClockWait {
                userdata: 1,
                wait_ns: 50,
            },
            ClockWait {
                userdata: 2,
                wait_ns: 10,
            },
            ClockWait {
                userdata: 3,
                wait_ns: 10,
            },
        ];
        let events = clock_events(&waits, 10);
        assert_eq!(events.len(), 2 * EVENT_SIZE);
        assert_eq!(events[0], 2);
        assert_eq!(events[EVENT_SIZE], 3);
        assert_eq!(events[10], EVENTTYPE_CLOCK);
    }
}
