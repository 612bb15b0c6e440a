//! The write recorder (an instrumented module, `wasmscope::record`) on the real
//! guests: it lists the same writes as the debugger's tracer, write for write, under
//! Winch and Cranelift; a trap keeps the writes before it; a long call is drained
//! while it runs.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use wasmscope::engine::{
    AfterFailure, Compiler, CompilerChoice, Engines, HostConfig, Instance, Limits, RunObserver,
    Runner, Session, StepReport, StopHandle, Value, new_debug_engine, run_steps,
};
use wasmscope::memory::{TracedWrite, Written};
use wasmscope::recipe::{Expr, Input, Returns, SeedChoice, seed_steps};
use wasmscope::record::instrument;

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Every step's writes, in order.
#[derive(Default)]
struct Writes(Vec<(Vec<TracedWrite>, u64, Option<String>)>);

impl RunObserver for Writes {
    fn done(&mut self, report: StepReport) -> anyhow::Result<()> {
        let error = report.outcome.err();
        self.0
            .push((report.writes.to_vec(), report.writes_unlisted, error));
        Ok(())
    }
}

/// The seed's steps on `session`: alloc with `allocator`, write `input`, call `call`.
fn steps_on(
    session: Session,
    allocator: &str,
    call: &str,
    returns: Returns,
    input: &str,
) -> Writes {
    let choice = SeedChoice {
        allocator: allocator.into(),
        size: Expr::new("len(input) + 30"),
        call: Some(call.into()),
        returns,
        len_from: String::new(),
    };
    let mut instance = Instance::Core(session);
    let input = Input::Text(input.into());
    let mut runner = Runner::new(Some(&input));
    let mut writes = Writes::default();
    run_steps(
        &mut instance,
        &mut runner,
        &seed_steps(&choice),
        AfterFailure::Stop,
        &mut writes,
    )
    .unwrap();
    writes
}

fn traced(bytes: &[u8]) -> Session {
    let stop = StopHandle::new(new_debug_engine(None).unwrap());
    Session::traced_from_checked(
        &stop,
        bytes,
        Limits::default(),
        &HostConfig::default(),
        None,
    )
    .unwrap()
}

fn recorded(bytes: &[u8], compiler: Compiler) -> Session {
    let recording = std::sync::Arc::new(instrument(bytes).unwrap().unwrap());
    let engines = Engines::new(None).unwrap();
    let choice = match compiler {
        Compiler::Winch => CompilerChoice::Winch,
        Compiler::Cranelift => CompilerChoice::Cranelift,
    };
    let (module, info) = engines.compile(choice, &recording.bytes).unwrap();
    assert_eq!(info.compiler, compiler);
    let stop = StopHandle::new(module.engine().clone());
    Session::recorded(
        &stop,
        &module,
        Limits::default(),
        &HostConfig::default(),
        recording,
    )
    .unwrap()
}

#[test]
fn the_recorder_lists_the_debuggers_writes_write_for_write() {
    let cases = [
        ("writes.wasm", "alloc", "widths", Returns::Value, "x"),
        ("writes.wasm", "alloc", "past_end", Returns::Value, "x"),
        ("writes.wasm", "alloc", "grow", Returns::Value, "x"),
        (
            "strings.wasm",
            "alloc",
            "reverse",
            Returns::Len,
            "hello, recorder",
        ),
        ("strings.wasm", "alloc", "upper", Returns::Ptr, "hello"),
        (
            "append.wasm",
            "alloc",
            "append",
            Returns::Len,
            "The input string",
        ),
        ("shout_c.wasm", "malloc", "shout", Returns::Len, "hello"),
    ];
    assert!(!cases.is_empty());
    for (name, allocator, call, returns, input) in cases {
        let bytes = asset(name);
        let expected = steps_on(traced(&bytes), allocator, call, returns, input);
        let listed: usize = expected.0.iter().map(|(w, _, _)| w.len()).sum();
        assert!(listed > 0, "{name} {call}: the debugger saw no writes");
        for compiler in [Compiler::Winch, Compiler::Cranelift] {
            let actual = steps_on(recorded(&bytes, compiler), allocator, call, returns, input);
            assert_eq!(actual.0.len(), expected.0.len(), "{name} {call} {compiler}");
            for (step, (got, want)) in actual.0.iter().zip(&expected.0).enumerate() {
                assert_eq!(
                    got.0.len(),
                    want.0.len(),
                    "{name} {call} {compiler} step {step}"
                );
                for (g, w) in got.0.iter().zip(&want.0) {
                    assert_eq!(g, w, "{name} {call} {compiler} step {step}");
                }
                assert_eq!(got.1, want.1);
                assert_eq!(
                    got.2.is_some(),
                    want.2.is_some(),
                    "{name} {call}: {:?}",
                    got.2
                );
            }
        }
    }
}

#[test]
fn a_trap_keeps_the_writes_before_it() {
    let writes = steps_on(
        recorded(&asset("writes.wasm"), Compiler::Cranelift),
        "alloc",
        "past_end",
        Returns::Value,
        "x",
    );
    let (call, _, error) = writes.0.last().unwrap();
    assert!(
        error.as_ref().unwrap().contains("out-of-bounds"),
        "{error:?}"
    );
    assert_eq!(call.len(), 2);
    assert!(!call[0].trapped);
    assert!(call[1].trapped, "{:?}", call[1]);
}

const LOOP: &str = r#"(module
    (memory (export "memory") 1)
    (func (export "fill") (param $n i32) (local $i i32)
      (loop $again
        (i32.store8 (i32.and (local.get $i) (i32.const 0xffff)) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (local.get $n))))))"#;

/// 20 M byte stores in one call: listed up to the cap, counted after it, and the
/// trace memory drained while the call runs (it would need 180 MB otherwise).
#[test]
fn a_call_with_millions_of_writes_is_drained_as_it_runs() {
    let bytes = wat::parse_str(LOOP).unwrap();
    let recording = std::sync::Arc::new(instrument(&bytes).unwrap().unwrap());
    let engines = Engines::new(None).unwrap();
    let (module, _) = engines
        .compile(CompilerChoice::Cranelift, &recording.bytes)
        .unwrap();
    let stop = StopHandle::new(module.engine().clone());
    let limits = Limits {
        timeout_ms: 600_000,
        // The trace memory is not held to the guest's limit.
        memory_limit_bytes: 1 << 20,
    };
    let mut session =
        Session::recorded(&stop, &module, limits, &HostConfig::default(), recording).unwrap();
    let n = 20_000_000u64;
    session.call("fill", &[Value::I32(n as i32)]).unwrap();
    let (writes, unlisted) = session.take_writes();
    assert_eq!(writes.len() as u64 + unlisted, n);
    assert_eq!(writes.len(), wasmscope::engine::TRACED_WRITES_PER_STEP);
    let sixth = writes.iter().nth(5).unwrap();
    assert_eq!(sixth.range, 5..6);
    assert_eq!(sixth.written, Written::bytes(&[5]));
    let trace_bytes = session.trace_memory_bytes().unwrap();
    assert!(
        trace_bytes < 9 * n / 2,
        "{trace_bytes} bytes of trace memory"
    );
    assert!(
        session.memory_names() == ["memory"],
        "the trace memory is hidden"
    );
    assert!(session.globals().is_empty());
    // Every write kept: the records the host drained mid-call and those the module
    // moved to the start of its trace memory to make room read back in order.
    let n = 8_000_000usize;
    session.set_write_cap(n);
    session.call("fill", &[Value::I32(n as i32)]).unwrap();
    let (writes, unlisted) = session.take_writes();
    assert_eq!((writes.len(), unlisted), (n, 0));
    let mut seen = 0usize;
    for (i, write) in writes.iter().enumerate() {
        let at = (i & 0xffff) as u64;
        assert_eq!(write.range, at..at + 1, "write {i}");
        assert_eq!(write.written, Written::bytes(&[i as u8]), "write {i}");
        seen += 1;
    }
    assert_eq!(seen, n);
}

/// Writing functions keep the trace's end in a local: after a call (its callee wrote
/// too) and where a caught exception lands, they must load it again, or their next
/// record would overwrite the callee's.
const CALLS_AND_CATCHES: &str = r#"(module
    (memory (export "memory") 1)
    (tag $oops)
    (func $inner (param $at i32)
      (i32.store8 (local.get $at) (i32.const 0xaa))
      (i32.store8 offset=1 (local.get $at) (i32.const 0xbb))
      (if (i32.eq (local.get $at) (i32.const 32)) (then (throw $oops))))
    (func (export "outer") (local $i i32)
      (loop $again
        (i32.store8 (local.get $i) (local.get $i))
        (block $caught
          (try_table (catch_all $caught)
            (call $inner (i32.mul (local.get $i) (i32.const 16)))))
        (i32.store8 offset=100 (local.get $i) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 4))))))"#;

#[test]
fn writes_around_calls_and_caught_exceptions_stay_in_order() {
    let bytes = wat::parse_str(CALLS_AND_CATCHES).unwrap();
    let mut expected = Vec::new();
    for i in 0..4u64 {
        expected.push((i, i as u8));
        expected.push((16 * i, 0xaa));
        expected.push((16 * i + 1, 0xbb));
        expected.push((100 + i, i as u8));
    }
    // Cranelift: Winch does not take the exceptions proposal.
    let mut session = recorded(&bytes, Compiler::Cranelift);
    session.call("outer", &[]).unwrap();
    let (writes, unlisted) = session.take_writes();
    assert_eq!(unlisted, 0);
    let got: Vec<(u64, u8)> = writes
        .iter()
        .map(|w| match &w.written {
            Written::Bytes(bytes) => (w.range.start, bytes.as_slice()[0]),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, expected);
}

/// Every other kind of write, run: memory64, a second memory, SIMD and atomics.
#[test]
fn memory64_two_memories_simd_and_atomics_are_recorded_as_they_run() {
    let bytes = wat::parse_str(
        r#"(module
            (memory $a (export "memory") 1)
            (memory $b i64 1)
            (func (export "all")
              (i64.store $b (i64.const 0x10) (i64.const 0x0807060504030201))
              (memory.copy $a $b (i32.const 0x20) (i64.const 0x10) (i32.const 4))
              (memory.fill $b (i64.const 0x30) (i32.const 0xab) (i64.const 3))
              (v128.store $a (i32.const 0x40) (v128.const i32x4 1 2 3 4))
              (v128.store16_lane $a 2 (i32.const 0x50) (v128.const i16x8 0 1 2 3 4 5 6 7))
              (i32.atomic.store $a (i32.const 0x60) (i32.const 5))
              (drop (i32.atomic.rmw.add $a (i32.const 0x60) (i32.const 2)))
              (drop (i32.atomic.rmw.cmpxchg $a (i32.const 0x60) (i32.const 7) (i32.const 9)))
              (drop (memory.grow $b (i64.const 2)))))"#,
    )
    .unwrap();
    let expected: [(&str, std::ops::Range<u64>, Written); 9] = [
        (
            "i64.store",
            0x10..0x18,
            Written::bytes(&(1..=8).collect::<Vec<u8>>()),
        ),
        (
            "memory.copy",
            0x20..0x24,
            Written::Copy { from: 0x10..0x14 },
        ),
        ("memory.fill", 0x30..0x33, Written::Fill(0xab)),
        (
            "v128.store",
            0x40..0x50,
            Written::bytes(
                &[1u32, 2, 3, 4]
                    .iter()
                    .flat_map(|v| v.to_le_bytes())
                    .collect::<Vec<u8>>(),
            ),
        ),
        ("v128.store16_lane", 0x50..0x52, Written::bytes(&[2, 0])),
        (
            "i32.atomic.store",
            0x60..0x64,
            Written::bytes(&[5, 0, 0, 0]),
        ),
        (
            "i32.atomic.rmw.add",
            0x60..0x64,
            Written::bytes(&[7, 0, 0, 0]),
        ),
        (
            "i32.atomic.rmw.cmpxchg",
            0x60..0x64,
            Written::bytes(&[9, 0, 0, 0]),
        ),
        ("memory.grow", 0x10000..0x30000, Written::Grown { pages: 2 }),
    ];
    for compiler in [CompilerChoice::Auto, CompilerChoice::Cranelift] {
        let recording = std::sync::Arc::new(instrument(&bytes).unwrap().unwrap());
        let (module, _) = Engines::new(None)
            .unwrap()
            .compile(compiler, &recording.bytes)
            .unwrap();
        let stop = StopHandle::new(module.engine().clone());
        let host = HostConfig::default();
        let mut session =
            Session::recorded(&stop, &module, Limits::default(), &host, recording).unwrap();
        session.call("all", &[]).unwrap();
        let (writes, unlisted) = session.take_writes();
        assert_eq!(unlisted, 0);
        let got: Vec<(&str, std::ops::Range<u64>, Written)> = writes
            .iter()
            .map(|w| (w.op, w.range.clone(), w.written.clone()))
            .collect();
        assert_eq!(got, expected, "{compiler:?}");
        assert!(
            writes
                .iter()
                .all(|w| w.place.starts_with("all+0x") && !w.trapped)
        );
    }
}
