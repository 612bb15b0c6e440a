//! Modules with imports: WASI guests print into the notes, other functions are stubs
//! whose calls are noted, and imported memories, tables and globals are created.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::time::{Duration, Instant};

mod worker_support;

use wasmscope::engine::worker::{Command, Event, Worker};
use wasmscope::engine::{
    HostConfig, Limits, STUB_LINES_PER_STEP, Session, StopHandle, StubPolicy, Value, WasiConfig,
    new_engine,
};
use wasmscope::recipe::HostSettings;
use worker_support::{call, wait_for};

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn session_with(bytes: &[u8], host: &HostConfig) -> anyhow::Result<Session> {
    let stop = StopHandle::new(new_engine().unwrap());
    Session::with_host(&stop, bytes, Limits::default(), host)
}

/// Allocates and writes `text`, returning `(ptr, len)` as i32 arguments.
fn put(s: &mut Session, allocator: &str, text: &str, extra: u64) -> [Value; 2] {
    let ptr = s.alloc(allocator, text.len() as u64 + extra).unwrap();
    s.write(ptr, text.as_bytes()).unwrap();
    [Value::I32(ptr as i32), Value::I32(text.len() as i32)]
}

fn has(notes: &[String], needle: &str) -> bool {
    notes.iter().any(|n| n.contains(needle))
}

#[test]
fn wasi_guest_output_args_and_env_appear_in_the_notes() {
    let host = HostConfig {
        wasi: WasiConfig {
            args: vec!["greet.wasm".into(), "--loud".into()],
            env: vec![("GREETING".into(), "Hi".into())],
            dirs: vec![],
        },
        ..HostConfig::default()
    };
    let mut s = session_with(&asset("greet.wasm"), &host).unwrap();
    let loaded = s.take_notes();
    assert!(has(&loaded, "WASI:"), "{loaded:?}");
    let args = put(&mut s, "alloc", "world", 0);
    assert_eq!(s.call("greet", &args).unwrap(), vec![Value::I32(10)]);
    let notes = s.take_notes();
    assert!(
        notes.contains(&"stdout: Hi, world!".to_owned()),
        "{notes:?}"
    );
    assert!(
        notes
            .contains(&r#"stderr: greet was called with args ["greet.wasm", "--loud"]"#.to_owned()),
        "{notes:?}"
    );
    assert!(s.take_notes().is_empty(), "notes are drained");
}

#[test]
fn wasi_guest_sees_no_filesystem_unless_a_folder_is_granted() {
    let dir = std::env::temp_dir().join(format!("wasmscope-wasi-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        std::fs::write(dir.join(name), name).unwrap();
    }
    let path = dir.to_string_lossy().into_owned();
    let mut s = session_with(&asset("greet.wasm"), &HostConfig::default()).unwrap();
    let args = put(&mut s, "alloc", &path, 0);
    assert_eq!(
        s.call("count_entries", &args).unwrap(),
        vec![Value::I32(-1)]
    );
    let notes = s.take_notes();
    assert!(
        has(&notes, &format!("stderr: cannot read {path}")),
        "{notes:?}"
    );

    let granted = HostConfig {
        wasi: WasiConfig {
            dirs: vec![dir.clone()],
            ..WasiConfig::default()
        },
        ..HostConfig::default()
    };
    let mut s = session_with(&asset("greet.wasm"), &granted).unwrap();
    let args = put(&mut s, "alloc", &path, 0);
    assert_eq!(s.call("count_entries", &args).unwrap(), vec![Value::I32(3)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_imports_get_stubs_and_each_call_is_noted() {
    let mut s = session_with(&asset("shout_c.wasm"), &HostConfig::default()).unwrap();
    let loaded = s.take_notes();
    assert!(
        has(&loaded, "1 imported function(s) are stubs"),
        "{loaded:?}"
    );
    assert!(
        has(&loaded, "(each call is logged): env.notify"),
        "{loaded:?}"
    );
    let args = put(&mut s, "malloc", "hello", 3);
    assert_eq!(s.call("shout", &args).unwrap(), vec![Value::I32(8)]);
    let ptr = args[0].as_u64().unwrap();
    assert_eq!(s.read(ptr, 8).unwrap(), b"HELLO!!!");
    let notes = s.take_notes();
    assert_eq!(notes, vec![format!("stub env.notify({ptr:#x}, 8) -> ()")]);
}

#[test]
fn trap_policy_names_the_import() {
    for (host, listed) in [
        (
            HostConfig {
                default_stub: StubPolicy::Trap,
                ..HostConfig::default()
            },
            "stubs that trap (each call is logged): env.notify",
        ),
        (
            HostConfig {
                stubs: [("env.notify".to_owned(), StubPolicy::Trap)].into(),
                ..HostConfig::default()
            },
            "stubs that return zeros (each call is logged): env.notify (trap)",
        ),
    ] {
        let mut s = session_with(&asset("shout_c.wasm"), &host).unwrap();
        assert!(has(&s.take_notes(), listed), "{listed}");
        let args = put(&mut s, "malloc", "hello", 3);
        let err = format!("{:#}", s.call("shout", &args).unwrap_err());
        assert!(
            err.contains("`shout` trapped")
                && err.contains("it called the import `env.notify`, whose stub is set to trap"),
            "{err}"
        );
        assert!(
            has(&s.take_notes(), "stub env.notify("),
            "the trapping call is noted too"
        );
        // The session stays usable.
        assert!(s.alloc("malloc", 4).is_ok());
    }
}

#[test]
fn imported_memories_tables_and_globals_are_created_to_fit() {
    let wat = r#"(module
        (import "env" "memory" (memory 2 10))
        (import "env" "g" (global $g i32))
        (import "env" "t" (table 4 funcref))
        (import "env" "now" (func $now (result f64)))
        (import "env" "pair" (func $pair (param i32) (result i32 i64)))
        (func (export "read_global") (result i32) global.get $g)
        (func (export "table_size") (result i32) table.size 0)
        (func (export "now") (result f64) call $now)
        (func (export "pair") (result i64) (call $pair (i32.const 7)) (drop) (drop) (i64.const 5))
        (func (export "alloc") (param i32) (result i32) i32.const 64))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    let notes = s.take_notes();
    assert!(
        has(
            &notes,
            "imported memory `env.memory` created at its minimum size, 128 KiB"
        ),
        "{notes:?}"
    );
    assert!(
        has(&notes, "imported global `env.g` created with the value 0"),
        "{notes:?}"
    );
    assert!(
        has(
            &notes,
            "imported table `env.t` created with 4 empty entries"
        ),
        "{notes:?}"
    );
    assert_eq!(
        s.memory_len_bytes(),
        2 * 65536,
        "the imported memory is the one shown"
    );
    assert_eq!(s.call("read_global", &[]).unwrap(), vec![Value::I32(0)]);
    assert_eq!(s.call("table_size", &[]).unwrap(), vec![Value::I32(4)]);
    assert_eq!(s.call("now", &[]).unwrap(), vec![Value::F64(0.0)]);
    assert_eq!(s.call("pair", &[]).unwrap(), vec![Value::I64(5)]);
    let ptr = s.alloc("alloc", 5).unwrap();
    s.write(ptr, b"bytes").unwrap();
    assert_eq!(s.read(ptr, 5).unwrap(), b"bytes");
    let notes = s.take_notes();
    assert_eq!(
        notes,
        vec![
            "stub env.now() -> 0".to_owned(),
            "stub env.pair(7) -> (0, 0)".to_owned()
        ]
    );
}

#[test]
fn an_item_imported_twice_is_provided_once() {
    // Go's js/wasm imports `gojs.runtime.getRandomData` twice.
    let wat = r#"(module
        (import "gojs" "runtime.getRandomData" (func (param i32)))
        (import "env" "memory" (memory 1))
        (import "gojs" "runtime.getRandomData" (func (param i32)))
        (import "env" "memory" (memory 1)))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    let notes = s.take_notes();
    assert!(
        has(&notes, "1 imported function(s) are stubs that return zeros"),
        "{notes:?}"
    );
    assert!(!has(&notes, "WASI"), "{notes:?}");
}

#[test]
fn an_imported_memory_past_the_limit_is_refused() {
    let wat = r#"(module (import "env" "memory" (memory 100)))"#;
    let stop = StopHandle::new(new_engine().unwrap());
    let limits = Limits {
        memory_limit_bytes: 1 << 20,
        ..Limits::default()
    };
    let err = Session::with_host(&stop, wat.as_bytes(), limits, &HostConfig::default())
        .err()
        .unwrap();
    let text = format!("{err:#}");
    assert!(
        text.contains("env.memory") && text.contains("memory limit reached"),
        "{text}"
    );
}

#[test]
fn a_reactor_is_initialized_and_proc_exit_is_explained() {
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (global $ready (export "ready") (mut i32) (i32.const 0))
        (func (export "_initialize") (global.set $ready (i32.const 1)))
        (func (export "quit") (call $exit (i32.const 3))))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    assert!(has(
        &s.take_notes(),
        "called `_initialize` (a WASI reactor sets itself up there)"
    ));
    let ready = s.globals().into_iter().find(|g| g.name == "ready").unwrap();
    assert_eq!(ready.value, Some(Value::I32(1)));
    let err = format!("{:#}", s.call("quit", &[]).unwrap_err());
    assert!(
        err.contains("`quit` ended the program: the guest called WASI `proc_exit` with status 3"),
        "{err}"
    );
}

#[test]
fn constructors_run_at_load_and_a_failing_one_is_noted_not_fatal() {
    // Emscripten's loader: stack init, stack-check limits, then constructors.
    let wat = r#"(module
        (memory (export "memory") 1)
        (global $ready (export "ready") (mut i32) (i32.const 0))
        (global $limits (export "limits") (mut i32) (i32.const 0))
        (func (export "emscripten_stack_init") (global.set $ready (i32.const 1)))
        (func (export "emscripten_stack_get_base") (result i32) i32.const 0x5000)
        (func (export "emscripten_stack_get_end") (result i32) i32.const 0x1000)
        (func (export "__set_stack_limits") (param $base i32) (param $end i32)
          (global.set $limits (i32.sub (local.get $base) (local.get $end))))
        (func (export "__wasm_call_ctors")
          (global.set $ready (i32.add (global.get $ready) (i32.const 1)))))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    let notes = s.take_notes();
    assert!(has(&notes, "called `emscripten_stack_init`"), "{notes:?}");
    assert!(
        has(&notes, "called `__set_stack_limits(0x5000, 0x1000)`"),
        "{notes:?}"
    );
    assert!(has(&notes, "called `__wasm_call_ctors`"), "{notes:?}");
    let limits = s
        .globals()
        .into_iter()
        .find(|g| g.name == "limits")
        .unwrap();
    assert_eq!(limits.value, Some(Value::I32(0x4000)));
    let ready = s.globals().into_iter().find(|g| g.name == "ready").unwrap();
    assert_eq!(ready.value, Some(Value::I32(2)), "both ran, in order");

    let wat = r#"(module (memory (export "memory") 1)
        (func (export "__wasm_call_ctors") unreachable)
        (func (export "alloc") (param i32) (result i32) i32.const 8))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    let notes = s.take_notes();
    assert!(
        has(
            &notes,
            "called `__wasm_call_ctors` (runs the module's static constructors), which failed: `__wasm_call_ctors` trapped"
        ),
        "{notes:?}"
    );
    assert_eq!(
        s.alloc("alloc", 4).unwrap(),
        8,
        "the module is still usable"
    );
}

#[test]
fn a_stub_called_in_a_loop_is_noted_a_bounded_number_of_times() {
    let wat = r#"(module
        (import "env" "tick" (func $tick (param i32)))
        (func (export "spin") (param $n i32)
          (loop $again
            (call $tick (local.get $n))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br_if $again (local.get $n)))))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    s.take_notes();
    s.call("spin", &[Value::I32(100_000)]).unwrap();
    let notes = s.take_notes();
    assert_eq!(notes.len(), STUB_LINES_PER_STEP + 1);
    assert_eq!(notes[0], "stub env.tick(0x186a0) -> ()");
    assert_eq!(
        notes.last().unwrap(),
        &format!(
            "... and {} more stub calls (not shown)",
            100_000 - STUB_LINES_PER_STEP
        )
    );
}

#[test]
fn shared_memories_are_refused_with_a_reason() {
    let wat = r#"(module (import "env" "memory" (memory 1 1 shared)))"#;
    let err = session_with(wat.as_bytes(), &HostConfig::default())
        .err()
        .unwrap();
    let text = format!("{err:#}");
    assert!(
        text.contains("imports the shared memory `env.memory` (WebAssembly threads)"),
        "{text}"
    );
}

#[test]
fn an_imported_exception_tag_fails_with_the_import_named() {
    let wat = r#"(module (import "env" "oops" (tag (param i32))))"#;
    let err = session_with(wat.as_bytes(), &HostConfig::default())
        .err()
        .unwrap();
    let text = format!("{err:#}");
    assert!(
        text.contains("imports the exception tag `env.oops`"),
        "{text}"
    );
}

#[test]
fn the_worker_reports_notes_with_its_events() {
    let worker = Worker::spawn(Limits::default(), None, || {}).unwrap();
    worker.send(Command::load(
        11,
        "shout_c.wasm",
        asset("shout_c.wasm").into(),
    ));
    let mut loaded_notes = None;
    for _ in 0..200 {
        match worker.recv_timeout(Duration::from_millis(100)) {
            Some(Event::Loaded { notes, .. }) => {
                loaded_notes = Some(notes);
                break;
            }
            Some(Event::LoadFailed { error, .. }) => panic!("{error}"),
            _ => {}
        }
    }
    let notes = loaded_notes.expect("no Loaded event within 20 s");
    assert!(has(&notes, "logged): env.notify"), "{notes:?}");
    worker.send(Command::Run {
        steps: vec![call("shout", &["0x10000", "0"])],
        step_into: false,
    });
    for _ in 0..200 {
        if let Some(Event::StepDone { report, .. }) =
            worker.recv_timeout(Duration::from_millis(100))
        {
            assert_eq!(
                report.notes,
                vec!["stub env.notify(0x10000, 3) -> ()".to_owned()]
            );
            return;
        }
    }
    panic!("no StepDone within 20 s");
}

#[test]
fn the_worker_uses_the_host_it_is_given_from_the_next_load() {
    let worker = Worker::spawn(Limits::default(), None, || {}).unwrap();
    worker.send(Command::SetHost(HostSettings {
        default_stub: StubPolicy::Trap,
        ..HostSettings::default()
    }));
    worker.send(Command::load(
        12,
        "shout_c.wasm",
        asset("shout_c.wasm").into(),
    ));
    worker.send(Command::Run {
        steps: vec![call("shout", &["0x10000", "0"])],
        step_into: false,
    });
    for _ in 0..200 {
        match worker.recv_timeout(Duration::from_millis(100)) {
            Some(Event::StepDone { report, .. }) => {
                let error = report.outcome.expect_err("the stub should have trapped");
                assert!(error.contains("`env.notify`"), "{error}");
                assert_eq!(
                    report.notes,
                    vec!["stub env.notify(0x10000, 3) -> trap".to_owned()]
                );
                return;
            }
            Some(Event::LoadFailed { error, .. }) => panic!("{error}"),
            _ => {}
        }
    }
    panic!("no StepFailed within 20 s");
}

#[test]
fn a_failing_wasi_call_reads_as_one_sentence() {
    // poll_oneoff's output must be 8-byte aligned; 100 is not.
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "poll") (result i32)
          (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    let err = format!("{:#}", s.call("poll", &[]).unwrap_err());
    assert!(
        err.starts_with("`poll` failed in a host function: Pointer not aligned to 8"),
        "{err}"
    );
    assert!(!err.contains('\n'), "one line: {err}");
}

fn napping_session(timeout_ms: u64) -> (StopHandle, Session) {
    let stop = StopHandle::new(new_engine().unwrap());
    let limits = Limits {
        timeout_ms,
        ..Limits::default()
    };
    let s = Session::with_host(&stop, &asset("greet.wasm"), limits, &HostConfig::default());
    (stop, s.unwrap())
}

#[test]
fn a_wasi_sleep_finishes_when_it_fits_the_time_limit() {
    let (_stop, mut s) = napping_session(5_000);
    let started = Instant::now();
    assert_eq!(
        s.call("nap", &[Value::I32(30)]).unwrap(),
        vec![Value::I32(30)]
    );
    assert!(started.elapsed() >= Duration::from_millis(30));
}

#[test]
fn a_wasi_sleep_longer_than_the_time_limit_is_interrupted() {
    let (_stop, mut s) = napping_session(200);
    let started = Instant::now();
    let error = s
        .call("nap", &[Value::I32(60_000)])
        .unwrap_err()
        .to_string();
    let elapsed = started.elapsed();
    assert!(error.contains("time limit of 200 ms"), "{error}");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    // The session is still usable.
    assert_eq!(
        s.call("nap", &[Value::I32(1)]).unwrap(),
        vec![Value::I32(1)]
    );
}

#[test]
fn stop_ends_a_wasi_sleep() {
    // A minute's nap under a minute's time limit: only Stop ends it early, and the
    // sleep checks the Stop flag (whether it was pressed just before the call began
    // or while it sleeps). Were Stop ignored, the call would run out its time limit
    // and say so instead.
    let (stop, mut s) = napping_session(60_000);
    let stopper = {
        let stop = stop.clone();
        std::thread::spawn(move || stop.stop())
    };
    let error = s
        .call("nap", &[Value::I32(60_000)])
        .unwrap_err()
        .to_string();
    stopper.join().unwrap();
    assert!(error.contains("stopped by the user"), "{error}");
}

#[test]
fn a_poll_on_file_descriptors_still_reaches_wasi() {
    // Two subscriptions: a clock 60 s away (userdata 7) and stdout writable (userdata
    // 42, eventtype fd_write = 2). Only stdout is ready, so one event comes back at once.
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "\07\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\00\58\47\f8\0d\00\00\00")
        (data (i32.const 48) "\2a\00\00\00\00\00\00\00\02\00\00\00\00\00\00\00\01")
        (func (export "poll") (result i32)
          (call $poll (i32.const 0) (i32.const 128) (i32.const 2) (i32.const 256))))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    assert_eq!(s.call("poll", &[]).unwrap(), vec![Value::I32(0)]);
    assert_eq!(s.read(256, 4).unwrap(), 1u32.to_le_bytes());
    assert_eq!(s.read(128, 8).unwrap(), 42u64.to_le_bytes());
}

/// Opening another module ends a call still running (here, a WASI sleep of a minute)
/// instead of waiting for its time limit.
#[test]
fn a_load_ends_the_call_running_before_it() {
    // A time limit longer than the sleep: only the load can end it in time.
    let limits = Limits {
        timeout_ms: 120_000,
        ..Limits::default()
    };
    let worker = Worker::spawn(limits, None, || {}).unwrap();
    worker.send(Command::load(13, "greet.wasm", asset("greet.wasm").into()));
    wait_for(&worker, "greet.wasm", |e| matches!(e, Event::Loaded { .. }));
    worker.send(Command::Run {
        steps: vec![call("nap", &["60_000"])],
        step_into: false,
    });
    wait_for(&worker, "nap to start", |e| {
        matches!(e, Event::StepStarted { .. })
    });
    worker.send(Command::load(
        14,
        "append.wasm",
        asset("append.wasm").into(),
    ));
    let mut failed = None;
    loop {
        match worker.recv_timeout(Duration::from_secs(20)) {
            Some(Event::StepDone { report, .. }) => failed = report.outcome.err(),
            Some(Event::Loaded { name, .. }) => {
                assert_eq!(name, "append.wasm");
                break;
            }
            Some(_) => {}
            None => panic!("the load waited behind the sleeping call"),
        }
    }
    let error = failed.expect("the sleeping call ended");
    assert!(error.contains("stopped"), "{error}");
}

/// The old `wasi_unstable` lays its clock subscription out differently; its sleeps obey
/// the time limit too, and a short one reports its event where the guest asked.
#[test]
fn a_wasi_unstable_sleep_obeys_the_time_limit_too() {
    // One monotonic clock subscription (userdata 7) in preview 0's 56-byte layout;
    // `sleep` stores the relative timeout at offset 32 and polls.
    let wat = r#"(module
        (import "wasi_unstable" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "\07\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01")
        (func (export "sleep") (param i64) (result i32)
          (i64.store (i32.const 32) (local.get 0))
          (call $poll (i32.const 0) (i32.const 128) (i32.const 1) (i32.const 256))))"#;
    let stop = StopHandle::new(new_engine().unwrap());
    let limits = Limits {
        timeout_ms: 200,
        ..Limits::default()
    };
    let mut s = Session::with_host(&stop, wat.as_bytes(), limits, &HostConfig::default()).unwrap();
    assert_eq!(
        s.call("sleep", &[Value::I64(20_000_000)]).unwrap(),
        vec![Value::I32(0)]
    );
    assert_eq!(s.read(256, 4).unwrap(), 1u32.to_le_bytes());
    assert_eq!(s.read(128, 8).unwrap(), 7u64.to_le_bytes());
    let started = Instant::now();
    let error = s
        .call("sleep", &[Value::I64(60_000_000_000)])
        .unwrap_err()
        .to_string();
    assert!(error.contains("time limit of 200 ms"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

/// An older emscripten imports `fd_seek` with its i64 offset split in two i32s: the
/// module still loads, that import is a stub (and the note says why), and the rest of
/// WASI is provided.
#[test]
fn a_wasi_import_with_a_split_i64_gets_a_stub() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "fd_seek"
        (func $seek (param i32 i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write"
        (func (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "seek") (result i32)
        (call $seek (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 16))))"#;
    let mut s = session_with(wat.as_bytes(), &HostConfig::default()).unwrap();
    let notes = s.take_notes();
    assert!(
        has(
            &notes,
            "`wasi_snapshot_preview1.fd_seek` is imported as (i32, i32, i32, i32, i32) -> i32, \
             not as (i32, i64, i32, i32) -> i32"
        ),
        "{notes:?}"
    );
    assert!(
        has(&notes, "WASI: 1 imported function(s) provided"),
        "{notes:?}"
    );
    assert_eq!(s.call("seek", &[]).unwrap(), vec![Value::I32(0)]);
}
