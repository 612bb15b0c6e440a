//! `replay/100_steps`: a session of 100 steps (the seed's alloc, write, call, read, 25
//! times over) replayed on a fresh instance of `append.wasm`, as "Continue from here"
//! and `wasmscope replay` do: instantiate, then run every step through the one runner,
//! a snapshot after each. The module is compiled once, outside the measurement.
//!
//! `trace/reverse_4KiB/{untraced,recorded,traced}`: `strings.wasm`'s `reverse` over
//! 4 KiB in place, on the normal engine (Cranelift), recorded (the module instrumented
//! by `wasmscope::record`, same engine, its records read back as `TracedWrite`s) and
//! traced (an engine for guest debugging, a breakpoint on every write); throughput is
//! in writes, so the ratio of two times is the slowdown each way of listing writes
//! costs. `trace/store8_1M/…` is the same three on 1 M `i32.store8` in a loop
//! (`tests/fixtures/store8_loop.wat`), and `recorded_2M`: 2 M stores recorded, the
//! second million (past the per-step cap) only counted. `trace/copy64_100k/…`: 100 k
//! `memory.copy`s of 64 bytes (`tests/fixtures/copy_loop.wat`), untraced and recorded
//! (each record holds the bytes copied).
//!
//! `scrub/store8_10M/{replay,seek}`: a call of 10 M byte stores (the loop above, its
//! cap raised), recorded; `replay` builds its `CallReplay` (every write applied once
//! over the memory before the call, a checkpoint every so often), `seek` is one move
//! of the scrubber to a position anywhere in the call — memory after that write, as
//! the hex view then shows it.
//!
//! `step/append`: `append` single-stepped to its end, every instruction a pause (with a
//! snapshot of memory, as the window gets) answered at once by a queued Step; the
//! throughput is single-stepped instructions per second.
//!
//! The bench profile optimises every crate as release does (see `Cargo.toml`).
#![allow(clippy::expect_used)] // A benchmark may panic on the unexpected.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wasmscope::engine::{
    AfterFailure, CallReplay, DebugCommand, Debugger, HostConfig, Instance, Limits, RunObserver,
    Runner, Session, StepReport, StopHandle, Tracing, Value, new_debug_engine, new_engine,
    run_steps,
};
use wasmscope::inspect::write_sites;
use wasmscope::recipe::{Expr, Input, Returns, SeedChoice, Step, seed_steps};

/// Counts the steps that failed.
struct Count(usize);

impl RunObserver for Count {
    fn done(&mut self, report: StepReport) -> anyhow::Result<()> {
        self.0 += usize::from(report.failed());
        Ok(())
    }
}

fn replay(c: &mut Criterion) {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/append.wasm"))
        .expect("the demo module");
    let stop = StopHandle::new(new_engine().expect("an engine"));
    let module = wasmtime::Module::new(stop.engine(), &bytes).expect("append.wasm compiles");
    let choice = SeedChoice {
        allocator: "alloc".into(),
        size: Expr::new("len(input) + 30"),
        call: Some("append".into()),
        returns: Returns::Len,
        len_from: String::new(),
    };
    let steps: Vec<Step> = (0..25).flat_map(|_| seed_steps(&choice)).collect();
    assert_eq!(steps.len(), 100);
    let input = Input::Text("The input string".into());
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    group.bench_function("100_steps", |b| {
        b.iter(|| {
            let mut session: Instance =
                Session::from_module(&stop, &module, Limits::default(), &HostConfig::default())
                    .expect("instantiates")
                    .into();
            let mut runner = Runner::new(Some(&input));
            let mut failed = Count(0);
            let end = run_steps(
                &mut session,
                &mut runner,
                &steps,
                AfterFailure::Continue,
                &mut failed,
            )
            .expect("runs");
            assert_eq!((end.ran, failed.0), (100, 0));
            black_box(end)
        });
    });
    group.finish();
}

/// `strings.wasm` with 4 KiB of text written at the pointer `alloc` gave.
/// How a benchmark's session lists writes.
#[derive(Clone, Copy)]
enum Listing {
    Untraced,
    Recorded,
    Traced,
}

/// `bytes` instantiated to list writes as `listing` says.
fn session_for(bytes: &[u8], listing: Listing) -> Session {
    let host = HostConfig::default();
    let limits = Limits {
        timeout_ms: 600_000,
        ..Limits::default()
    };
    match listing {
        Listing::Traced => {
            let stop = StopHandle::new(new_debug_engine(None).expect("a debug engine"));
            Session::traced_from_checked(&stop, bytes, limits, &host, None)
        }
        Listing::Recorded => {
            let stop = StopHandle::new(new_engine().expect("an engine"));
            Session::recorded_from_checked(&stop, bytes, limits, &host)
        }
        Listing::Untraced => {
            let stop = StopHandle::new(new_engine().expect("an engine"));
            Session::from_checked_with(&stop, bytes, limits, &host)
        }
    }
    .expect("instantiates")
}

fn reverse_ready(listing: Listing) -> (Session, u64) {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/strings.wasm"))
        .expect("the strings guest");
    let mut session = session_for(&bytes, listing);
    let ptr = session.alloc("alloc", 4096).expect("allocates");
    let text: Vec<u8> = (0..4096).map(|i| b'a' + (i % 26) as u8).collect();
    session.write(ptr, &text).expect("writes");
    (session, ptr)
}

fn trace(c: &mut Criterion) {
    let args = |ptr: u64| [Value::I32(ptr as i32), Value::I32(4096)];
    let (mut traced, ptr) = reverse_ready(Listing::Traced);
    traced.call("reverse", &args(ptr)).expect("reverses");
    let (writes, unlisted) = traced.take_writes();
    let per_call = writes.len() as u64 + unlisted;
    assert!(per_call > 0, "reverse writes memory");
    let mut group = c.benchmark_group("trace/reverse_4KiB");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(per_call));
    let (mut untraced, untraced_ptr) = reverse_ready(Listing::Untraced);
    group.bench_function("untraced", |b| {
        b.iter(|| {
            black_box(
                untraced
                    .call("reverse", &args(untraced_ptr))
                    .expect("reverses"),
            )
        });
    });
    let (mut recorded, recorded_ptr) = reverse_ready(Listing::Recorded);
    recorded
        .call("reverse", &args(recorded_ptr))
        .expect("reverses");
    let (writes, unlisted) = recorded.take_writes();
    assert_eq!(
        writes.len() as u64 + unlisted,
        per_call,
        "both list every write"
    );
    group.bench_function("recorded", |b| {
        b.iter(|| {
            let done = recorded
                .call("reverse", &args(recorded_ptr))
                .expect("reverses");
            black_box((done, recorded.take_writes()))
        });
    });
    group.bench_function("traced", |b| {
        b.iter(|| {
            let done = traced.call("reverse", &args(ptr)).expect("reverses");
            black_box((done, traced.take_writes()))
        });
    });
    group.finish();
}

/// `tests/fixtures/NAME.wat`, assembled.
fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    wat::parse_file(&path).expect("a benchmark fixture")
}

/// 1 M byte stores in one call, each way of listing writes.
fn store8(c: &mut Criterion) {
    let bytes = fixture("store8_loop");
    const STORES: i32 = 1_000_000;
    let mut group = c.benchmark_group("trace/store8_1M");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(STORES as u64));
    let listings = [
        ("untraced", Listing::Untraced, STORES),
        ("recorded", Listing::Recorded, STORES),
        ("traced", Listing::Traced, STORES),
    ];
    for (name, listing, stores) in listings {
        let mut session = session_for(&bytes, listing);
        session.call("fill", &[Value::I32(stores)]).expect("fills");
        let (writes, unlisted) = session.take_writes();
        let expected = if matches!(listing, Listing::Untraced) {
            0
        } else {
            STORES as u64
        };
        assert_eq!(writes.len() as u64 + unlisted, expected, "{name}");
        group.bench_function(name, |b| {
            b.iter(|| {
                let done = session.call("fill", &[Value::I32(stores)]).expect("fills");
                black_box((done, session.take_writes()))
            });
        });
    }
    // 2 M stores: the second million, past the per-step cap, is only counted, so
    // the difference from `recorded` is what a counted write costs.
    let mut session = session_for(&bytes, Listing::Recorded);
    group.bench_function("recorded_2M", |b| {
        b.iter(|| {
            let done = session
                .call("fill", &[Value::I32(2 * STORES)])
                .expect("fills");
            black_box((done, session.take_writes()))
        });
    });
    group.finish();
}

fn step(c: &mut Criterion) {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/append.wasm"))
        .expect("the demo module");
    let stop = StopHandle::new(new_debug_engine(None).expect("a debug engine"));
    let module = wasmtime::Module::new(stop.engine(), &bytes).expect("compiles");
    let (steps_tx, steps_rx) = std::sync::mpsc::channel();
    let pauses = Arc::new(AtomicU64::new(0));
    let counted = pauses.clone();
    let debugger = Debugger::new(steps_rx, move |_pause| {
        counted.fetch_add(1, Ordering::Relaxed);
    });
    let tracing = Tracing {
        sites: Arc::new(write_sites(&bytes).expect("reads the code")),
        debugger: Some(debugger.clone()),
    };
    let mut session = Session::traced(
        &stop,
        &module,
        Limits::default(),
        &HostConfig::default(),
        tracing,
    )
    .expect("instantiates");
    let ptr = session.alloc("alloc", 46).expect("allocates");
    session.write(ptr, b"The input string").expect("writes");
    let args = [Value::I32(ptr as i32), Value::I32(16)];
    let stepped_call = |session: &mut Session| {
        debugger.arm(session.snapshot(), true, None);
        session.set_single_step(true).expect("steps");
        for _ in 0..1000 {
            steps_tx.send(DebugCommand::Step).expect("queues");
        }
        let done = session.call("append", &args).expect("appends");
        debugger.disarm();
        session.set_single_step(false).expect("stops stepping");
        session.take_writes();
        done
    };
    stepped_call(&mut session);
    let per_call = pauses.swap(0, Ordering::Relaxed);
    assert!(per_call > 10, "append is more than a few instructions");
    let mut group = c.benchmark_group("step");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(per_call));
    group.bench_function("append", |b| {
        b.iter(|| black_box(stepped_call(&mut session)))
    });
    group.finish();
}

/// 100 k copies of 64 bytes in one call, untraced and recorded.
fn copy64(c: &mut Criterion) {
    let bytes = fixture("copy_loop");
    const COPIES: i32 = 100_000;
    let mut group = c.benchmark_group("trace/copy64_100k");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(COPIES as u64));
    for (name, listing, expected) in [
        ("untraced", Listing::Untraced, 0),
        ("recorded", Listing::Recorded, COPIES as usize),
    ] {
        let mut session = session_for(&bytes, listing);
        session
            .call("copies", &[Value::I32(COPIES)])
            .expect("copies");
        assert_eq!(session.take_writes().0.len(), expected, "{name}");
        group.bench_function(name, |b| {
            b.iter(|| {
                let done = session
                    .call("copies", &[Value::I32(COPIES)])
                    .expect("copies");
                black_box((done, session.take_writes()))
            });
        });
    }
    group.finish();
}

/// A call of 10 M writes, scrubbed.
fn scrub(c: &mut Criterion) {
    let bytes = fixture("store8_loop");
    const STORES: usize = 10_000_000;
    let mut session = session_for(&bytes, Listing::Recorded);
    session.set_write_cap(STORES);
    let before = session.snapshot();
    session
        .call("fill", &[Value::I32(STORES as i32)])
        .expect("fills");
    let (writes, unlisted) = session.take_writes();
    assert_eq!((writes.len(), unlisted), (STORES, 0));
    let writes = Arc::new(writes);
    let no_segments = || Arc::from(Vec::new());
    let mut group = c.benchmark_group("scrub/store8_10M");
    group.sample_size(10);
    group.bench_function("replay", |b| {
        b.iter(|| black_box(CallReplay::new(&before, 0, writes.clone(), no_segments())));
    });
    let replay = CallReplay::new(&before, 0, writes.clone(), no_segments());
    // Positions all over the call, the worst (just before a checkpoint) among them.
    let mut at = 0usize;
    group.bench_function("seek", |b| {
        b.iter(|| {
            at = (at + 7_654_321) % STORES;
            black_box(replay.at(at))
        });
    });
    let (last, write) = replay.at(STORES);
    assert_eq!(
        write.map(|w| w.range),
        Some(0x98967f & 0xfffff..(0x98967f & 0xfffff) + 1)
    );
    assert_eq!(last.byte(0x98967f & 0xfffff), Some(0x7f));
    group.finish();
}

criterion_group!(benches, replay, trace, store8, copy64, scrub, step);
criterion_main!(benches);
