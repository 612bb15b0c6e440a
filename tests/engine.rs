//! The engine against the real guests in `assets/`.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::sync::Arc;
use std::time::Duration;

use wasmscope::engine::worker::{Command, Event, Worker};
use wasmscope::engine::{
    CompileCache, Limits, Session, Step, StepOutput, StopHandle, Value, new_engine,
};
use wasmscope::recipe::{self, Expr, Op};
use worker_support::call;

mod worker_support;

const INPUT: &str = "The input string";
const RESULT: &str = "The input string<---- This is your string";

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn session(name: &str, limits: Limits) -> Session {
    let stop = StopHandle::new(new_engine().unwrap());
    Session::new(&stop, &asset(name), limits).unwrap()
}

fn pointer(output: StepOutput) -> u64 {
    match output {
        StepOutput::Pointer(ptr) => ptr,
        other => panic!("expected a pointer, got {other:?}"),
    }
}

fn seed_walkthrough(module: &str) -> (Session, u64) {
    let mut s = session(module, Limits::default());
    let ptr = pointer(
        s.run_step(&Step::Alloc {
            export: "alloc".into(),
            size: INPUT.len() as u64 + 30,
        })
        .unwrap(),
    );
    s.snapshot();
    s.write(ptr, INPUT.as_bytes()).unwrap();
    let after_write = s.snapshot();
    assert_eq!(after_write.changed(), &[ptr..ptr + 16]);
    let results = s
        .call("append", &[Value::I32(ptr as i32), Value::I32(16)])
        .unwrap();
    assert_eq!(results, vec![Value::I32(41)]);
    let after_call = s.snapshot();
    assert_eq!(after_call.changed(), &[ptr + 16..ptr + 41]);
    assert_eq!(s.read(ptr, 41).unwrap(), RESULT.as_bytes());
    (s, ptr)
}

#[test]
fn seed_walkthrough_on_the_append_guest() {
    let (s, ptr) = seed_walkthrough("append.wasm");
    assert!(ptr > 0);
    assert_ne!(s.host_base(), 0);
    assert_eq!(s.memory_len_bytes() % 65536, 0);
}

#[test]
fn seed_walkthrough_on_the_wat_guest_has_a_fixed_layout() {
    let (mut s, ptr) = seed_walkthrough("teach.wasm");
    assert_eq!(
        ptr, 0x400,
        "teach.wat's first allocation is documented as 0x400"
    );
    assert_eq!(s.read(0x100, 25).unwrap(), b"<---- This is your string");
    let heap_next = s
        .globals()
        .into_iter()
        .find(|g| g.name == "heap_next")
        .unwrap();
    assert_eq!(heap_next.value, Some(Value::I32(0x400 + 46)));
    assert!(heap_next.mutable);
}

#[test]
fn teach_guest_grows_memory_and_snapshots_follow() {
    let mut s = session("teach.wasm", Limits::default());
    let before = s.snapshot();
    assert_eq!(before.len_bytes(), 65536);
    let ptr = s.alloc("alloc", 100_000).unwrap();
    s.write(ptr + 99_999, &[7]).unwrap();
    let after = s.snapshot();
    assert_eq!(
        after.len_bytes(),
        2 * 65536,
        "0x400 + 100000 bytes need two pages"
    );
    assert_eq!(after.host_base(), s.host_base());
    assert_eq!(after.changed(), &[ptr + 99_999..ptr + 100_000]);
    assert!(Arc::ptr_eq(&before.chunks()[0], &after.chunks()[0]));
}

#[test]
fn ownership_guest_returns_new_buffers() {
    let mut s = session("strings.wasm", Limits::default());
    let text = "grüße, wasm";
    let ptr = s.alloc("alloc", text.len() as u64).unwrap();
    s.write(ptr, text.as_bytes()).unwrap();
    let args = [Value::I32(ptr as i32), Value::I32(text.len() as i32)];
    let upper = s.call("upper", &args).unwrap()[0].as_u64().unwrap();
    assert_ne!(upper, ptr, "upper returns a new buffer");
    let len = s.call("last_len", &[]).unwrap()[0].as_u64().unwrap();
    assert_eq!(s.read(upper, len).unwrap(), "GRÜSSE, WASM".as_bytes());
    s.call(
        "dealloc",
        &[Value::I32(upper as i32), Value::I32(len as i32)],
    )
    .unwrap();
    assert_eq!(
        s.call("reverse", &args).unwrap(),
        vec![Value::I32(text.len() as i32)]
    );
    assert_eq!(
        s.read(ptr, text.len() as u64).unwrap(),
        "msaw ,eßürg".as_bytes()
    );

    let numbers: Vec<u8> = [1u32, 2, 3, u32::MAX]
        .iter()
        .flat_map(|n| n.to_le_bytes())
        .collect();
    let array = s.alloc("alloc", 16).unwrap();
    s.write(array, &numbers).unwrap();
    let sum = s
        .call("sum_u32", &[Value::I32(array as i32), Value::I32(4)])
        .unwrap();
    assert_eq!(sum, vec![Value::I64(6 + u64::from(u32::MAX) as i64)]);
}

fn hostile_error(export: &str, limits: Limits) -> String {
    let mut s = session("hostile.wasm", limits);
    let err = s
        .call(export, &[Value::I32(0x100), Value::I32(4)])
        .unwrap_err();
    // The session stays usable after any failure.
    assert_eq!(
        s.call("div", &[Value::I32(6), Value::I32(3)]).unwrap(),
        vec![Value::I32(2)]
    );
    format!("{err:#}")
}

#[test]
fn traps_read_as_sentences() {
    let limits = Limits::default();
    let oob = hostile_error("oob", limits);
    assert!(
        oob.contains("out-of-bounds memory access at offset 0xfffffff0 of a memory of 65536 bytes"),
        "{oob}"
    );
    let boom = hostile_error("boom", limits);
    assert!(
        boom.contains("`boom` trapped") && boom.contains("unreachable"),
        "{boom}"
    );
    let deep = hostile_error("recurse", limits);
    assert!(deep.contains("stack overflow"), "{deep}");
    let mut s = session("hostile.wasm", limits);
    let div = s.call("div", &[Value::I32(1), Value::I32(0)]).unwrap_err();
    assert!(format!("{div:#}").contains("integer division by zero"));
}

#[test]
fn timeout_ends_an_endless_loop() {
    let err = hostile_error(
        "spin",
        Limits {
            timeout_ms: 50,
            ..Limits::default()
        },
    );
    assert!(err.contains("time limit of 50 ms"), "{err}");
}

#[test]
fn memory_limit_ends_unbounded_growth() {
    let err = hostile_error(
        "grow_forever",
        Limits {
            memory_limit_bytes: 1 << 20,
            ..Limits::default()
        },
    );
    assert!(
        err.contains("memory limit reached") && err.contains("1 MiB"),
        "{err}"
    );
}

#[test]
fn bad_pointers_and_lengths_are_refused() {
    let mut s = session("hostile.wasm", Limits::default());
    let bad = format!("{:#}", s.alloc("bad_alloc", 16).unwrap_err());
    assert!(
        bad.contains("0x7fff0000") && bad.contains("outside linear memory"),
        "{bad}"
    );
    let read = format!("{:#}", s.read(0x100, 0x7FFF_FFFF).unwrap_err());
    assert!(read.contains("outside linear memory"), "{read}");
    let write = format!("{:#}", s.write(u64::MAX, b"x").unwrap_err());
    assert!(write.contains("outside linear memory"), "{write}");
}

#[test]
fn calls_are_checked_before_they_run() {
    let mut s = session("append.wasm", Limits::default());
    let missing = format!("{:#}", s.call("nope", &[]).unwrap_err());
    assert!(
        missing.contains("no function `nope`") && missing.contains("append"),
        "{missing}"
    );
    let wrong = format!("{:#}", s.call("append", &[Value::I32(1)]).unwrap_err());
    assert!(wrong.contains("takes (i32, i32)"), "{wrong}");
    let types = format!(
        "{:#}",
        s.call("append", &[Value::F32(1.0), Value::I64(2)])
            .unwrap_err()
    );
    assert!(types.contains("takes (i32, i32)"), "{types}");
    let not_alloc = format!("{:#}", s.alloc("append", 4).unwrap_err());
    assert!(not_alloc.contains("not an allocator"), "{not_alloc}");
}

#[test]
fn modules_with_imports_load_with_stubs_and_created_items() {
    let wat = r#"(module (import "env" "log" (func (param i32))) (import "env" "mem" (memory 1)))"#;
    let stop = StopHandle::new(new_engine().unwrap());
    let mut s = Session::new(&stop, wat.as_bytes(), Limits::default()).unwrap();
    let notes = s.take_notes().join("\n");
    assert!(
        notes.contains("logged): env.log") && notes.contains("imported memory `env.mem`"),
        "{notes}"
    );
    assert_eq!(s.memory_len_bytes(), 65536);
}

fn wait_for(worker: &Worker, what: &str, mut pick: impl FnMut(&Event) -> bool) -> Event {
    for _ in 0..200 {
        if let Some(event) = worker.recv_timeout(Duration::from_millis(100))
            && pick(&event)
        {
            return event;
        }
    }
    panic!("no {what} event within 20 s");
}

#[test]
fn worker_runs_steps_and_stop_interrupts_a_running_call() {
    let limits = Limits {
        timeout_ms: 600_000,
        ..Limits::default()
    };
    let worker = Worker::spawn(limits, None, || {}).unwrap();
    worker.send(Command::load(
        1,
        "hostile.wasm",
        asset("hostile.wasm").into(),
    ));
    wait_for(&worker, "Loaded", |e| matches!(e, Event::Loaded { .. }));
    worker.send(Command::Run {
        steps: vec![call("spin", &["0", "0"])],
        step_into: false,
    });
    wait_for(&worker, "StepStarted", |e| {
        matches!(e, Event::StepStarted { .. })
    });
    worker.stop();
    let failed = wait_for(&worker, "StepDone", |e| matches!(e, Event::StepDone { .. }));
    let Event::StepDone { report, .. } = failed else {
        unreachable!()
    };
    let error = report.outcome.unwrap_err();
    assert!(error.contains("stopped by the user"), "{error}");

    // A failed load keeps the current module.
    worker.send(Command::load(
        2,
        "garbage",
        Arc::from(&b"\0asm\x01\0\0\0\x99"[..]),
    ));
    wait_for(&worker, "LoadFailed", |e| {
        matches!(e, Event::LoadFailed { .. })
    });
    worker.send(Command::Run {
        steps: vec![call("div", &["9", "3"])],
        step_into: false,
    });
    let done = wait_for(&worker, "StepDone", |e| matches!(e, Event::StepDone { .. }));
    let Event::StepDone { report, .. } = done else {
        unreachable!()
    };
    assert_eq!(report.outcome, Ok(StepOutput::Values(vec![Value::I32(3)])));
}

#[test]
fn several_memories_are_shown_one_at_a_time() {
    let mut s = session("two_memories.wasm", Limits::default());
    assert_eq!(s.memory_names(), vec!["memory", "scratch"]);
    assert_eq!(s.read(0x10, 11).unwrap(), b"main memory");
    s.select_memory("scratch").unwrap();
    assert_eq!(s.memory_len_bytes(), 2 * 65536);
    assert_eq!(s.snapshot().read(0x20, 14), b"scratch memory");
    s.write(0x40, b"hi").unwrap();
    assert_eq!(s.snapshot().changed(), &[0x40..0x42]);
    let err = format!("{:#}", s.select_memory("nope").unwrap_err());
    assert!(err.contains("no memory `nope`"), "{err}");
}

/// A module with many functions takes a while to compile; opening another one
/// meanwhile drops the first without waiting for it.
#[test]
fn opening_a_module_while_another_compiles_cancels_the_first() {
    let mut wat = String::from("(module (memory (export \"memory\") 1)");
    for i in 0..3000 {
        wat.push_str(&format!(
            "(func (export \"f{i}\") (param i32) (result i32) \
             (i32.add (i32.mul (local.get 0) (i32.const {i})) (i32.const 7)))"
        ));
    }
    wat.push(')');
    let worker = Worker::spawn(Limits::default(), None, || {}).unwrap();
    worker.send(Command::load(3, "slow.wat", Arc::from(wat.as_bytes())));
    worker.send(Command::load(4, "append.wasm", asset("append.wasm").into()));
    // Both answers come, in either order: the second module loads, the first is
    // dropped whichever compile finishes first.
    let mut loaded = Vec::new();
    let mut cancelled = Vec::new();
    while loaded.is_empty() || cancelled.is_empty() {
        match wait_for(&worker, "the two loads' ends", |e| {
            matches!(e, Event::Loaded { .. } | Event::LoadCancelled { .. })
        }) {
            Event::Loaded { name, .. } => loaded.push(name),
            Event::LoadCancelled { name } => cancelled.push(name),
            _ => unreachable!(),
        }
    }
    assert_eq!(loaded, vec!["append.wasm"]);
    assert_eq!(cancelled, vec!["slow.wat"]);
    // The module that won is the one steps run on.
    worker.send(Command::Run {
        steps: vec![recipe::Step::new(Op::Alloc {
            export: "alloc".into(),
            size: Expr::new("46"),
            name: "ptr".into(),
        })],
        step_into: false,
    });
    wait_for(&worker, "StepDone", |e| matches!(e, Event::StepDone { .. }));
}

/// With a compile cache, the second load of a module finds its machine code there
/// and says so; the first compiles it.
#[test]
fn a_module_loaded_twice_comes_from_the_compile_cache() {
    let dir = std::env::temp_dir().join(format!("wasmscope-cache-{}", std::process::id()));
    let cache = CompileCache::open(&dir).unwrap();
    let worker = Worker::spawn(Limits::default(), Some(cache.clone()), || {}).unwrap();
    let mut compiles = Vec::new();
    for _ in 0..2 {
        worker.send(Command::load(
            5,
            "strings.wasm",
            asset("strings.wasm").into(),
        ));
        match wait_for(&worker, "a load", |e| matches!(e, Event::Loaded { .. })) {
            Event::Loaded { compiled, .. } => compiles.push(compiled.unwrap()),
            _ => unreachable!(),
        }
    }
    assert_eq!(compiles[0].what(), "Compiled by Winch");
    assert_eq!(
        compiles[1].what(),
        "Compiled code (Winch) loaded from the cache"
    );
    assert_eq!(cache.hits(), 1);
    assert_eq!(cache.dir(), dir.canonicalize().unwrap());
    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_some(),
        "nothing cached"
    );
    // wasmtime's cache thread may still be writing its statistics there.
    let _ = std::fs::remove_dir_all(&dir);
}
