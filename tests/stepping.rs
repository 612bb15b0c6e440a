//! Stepping inside a call through the worker, as the window does: pause before the
//! first instruction, step, run to the next write, continue, stop; and a trap that
//! pauses where it happens.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod worker_support;

use std::sync::Arc;
use std::time::Duration;

use wasmscope::engine::worker::{Command, Event, Worker};
use wasmscope::engine::{DebugCommand, Limits, Pause, StepOutput, StepReport, Value, Writes};
use wasmscope::recipe::{Expr, Input, Op, SeedChoice, SeedStage, Step, seed_step};
use worker_support::call;

fn asset(name: &str) -> Arc<[u8]> {
    std::fs::read(format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .into()
}

/// The next event that `pick` takes, within 20 s.
fn next<T>(worker: &Worker, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(event) = worker.recv_timeout(Duration::from_millis(100))
            && let Some(found) = pick(event)
        {
            return found;
        }
    }
    panic!("no such event within 20 s");
}

fn paused(worker: &Worker) -> Pause {
    next(worker, |e| match e {
        Event::Paused { pause, .. } => Some(*pause),
        Event::StepDone { report, .. } => panic!("finished instead: {:?}", report.outcome),
        _ => None,
    })
}

fn done(worker: &Worker) -> StepReport {
    next(worker, |e| match e {
        Event::StepDone { report, .. } => Some(*report),
        Event::Paused { pause, .. } => panic!("paused at {}", pause.top.place),
        _ => None,
    })
}

/// The demo loaded, its input allocated and written.
fn demo_ready() -> Worker {
    let worker = Worker::spawn(Limits::default(), None, || {}).unwrap();
    worker.send(Command::load(1, "append.wasm", asset("append.wasm")));
    next(&worker, |e| matches!(e, Event::Loaded { .. }).then_some(()));
    let choice = SeedChoice {
        allocator: "alloc".into(),
        size: Expr::new("len(input) + 30"),
        call: Some("append".into()),
        returns: wasmscope::recipe::Returns::Len,
        len_from: String::new(),
    };
    let mut steps = vec![Step::new(Op::Input(Input::Text("The input string".into())))];
    steps.extend(seed_step(SeedStage::Alloc, &choice));
    steps.extend(seed_step(SeedStage::Write, &choice));
    worker.send(Command::Run {
        steps,
        step_into: false,
    });
    next(&worker, |e| {
        matches!(e, Event::RunEnded { .. }).then_some(())
    });
    worker
}

#[test]
fn step_into_append_and_watch_its_stores() {
    let worker = demo_ready();
    worker.send(Command::Run {
        steps: vec![call("append", &["ptr", "len(input)"])],
        step_into: true,
    });
    // Not traced yet: the module is compiled for stepping and the session replayed.
    let (steps, failed) = next(&worker, |e| match e {
        Event::Retraced { steps, failed, .. } => Some((steps, failed)),
        _ => None,
    });
    assert_eq!((steps, failed), (2, 0));
    let first = paused(&worker);
    assert_eq!(first.count, 1);
    assert!(
        first.top.place.starts_with("append+"),
        "{}",
        first.top.place
    );
    assert_eq!(first.depth(), 1);
    // append(ptr, len): its two parameters are its first locals.
    assert_eq!(first.top.locals[1], Some(Value::I32(16)));
    worker.debug(DebugCommand::Step);
    let second = paused(&worker);
    assert_eq!(second.count, 2);
    assert!(second.top.pc > first.top.pc);
    // Run to the next write: the byte store of the suffix's last character, with its
    // value on the operand stack.
    worker.debug(DebugCommand::RunToWrite);
    let at_write = paused(&worker);
    assert_eq!(at_write.top.place, "append+0x0011");
    let n = at_write.top.stack.len();
    assert_eq!(at_write.top.stack[n - 1], Some(Value::I32(i32::from(b'g'))));
    // Each run to a write shows what the one before wrote.
    worker.debug(DebugCommand::RunToWrite);
    let next_write = paused(&worker);
    assert_eq!(next_write.top.place, "append+0x001f");
    let ptr = 0x11_0008u64;
    assert_eq!(next_write.snapshot.changed(), &[ptr + 40..ptr + 41]);
    worker.debug(DebugCommand::Continue);
    let report = done(&worker);
    assert_eq!(report.outcome, Ok(StepOutput::Values(vec![Value::I32(41)])));
    assert_eq!(report.writes.len(), 4);
    // The next module loaded is recorded again, not compiled for stepping.
    worker.send(Command::load(2, "strings.wasm", asset("strings.wasm")));
    let notes = next(&worker, |e| match e {
        Event::Loaded { notes, .. } => Some(notes),
        _ => None,
    });
    assert!(!notes.iter().any(|n| n.contains("traced")), "{notes:?}");
    worker.send(Command::Run {
        steps: vec![call("reverse", &["0", "4"])],
        step_into: false,
    });
    let report = done(&worker);
    assert!(
        matches!(report.writes, Writes::Recorded(_)),
        "{:?}",
        report.writes
    );
}

#[test]
fn stop_ends_an_endless_loop_while_stepping_or_running() {
    let worker = Worker::spawn(Limits::default(), None, || {}).unwrap();
    worker.send(Command::load(1, "hostile.wasm", asset("hostile.wasm")));
    next(&worker, |e| matches!(e, Event::Loaded { .. }).then_some(()));
    worker.send(Command::Run {
        steps: vec![call("spin", &["0", "0"])],
        step_into: true,
    });
    for _ in 0..3 {
        paused(&worker);
        worker.debug(DebugCommand::Step);
    }
    paused(&worker);
    worker.stop();
    let report = done(&worker);
    let error = report.outcome.unwrap_err();
    assert!(error.contains("stopped by the user"), "{error}");
    // Continuing the loop, then Stop.
    worker.send(Command::Run {
        steps: vec![call("spin", &["0", "0"])],
        step_into: true,
    });
    paused(&worker);
    worker.debug(DebugCommand::Continue);
    worker.stop();
    let report = done(&worker);
    let error = report.outcome.unwrap_err();
    assert!(error.contains("stopped by the user"), "{error}");
}

#[test]
fn a_trap_pauses_where_it_happens_with_its_address_on_the_stack() {
    let worker = Worker::spawn(Limits::default(), None, || {}).unwrap();
    worker.send(Command::load(1, "hostile.wasm", asset("hostile.wasm")));
    next(&worker, |e| matches!(e, Event::Loaded { .. }).then_some(()));
    worker.send(Command::Run {
        steps: vec![call("oob", &["0", "0"])],
        step_into: true,
    });
    // Step to the load: its address is on the operand stack.
    let address = Some(Value::I32(0xffff_fff0_u32 as i32));
    let mut at_load = paused(&worker);
    for _ in 0..5 {
        if at_load.top.stack.contains(&address) {
            break;
        }
        worker.debug(DebugCommand::Step);
        at_load = paused(&worker);
    }
    assert_eq!(
        at_load.top.stack.last(),
        Some(&address),
        "{:?}",
        at_load.top.stack
    );
    // Stepping on traps there, and pauses where it happens.
    worker.debug(DebugCommand::Step);
    let trapped = paused(&worker);
    let trap = trapped.trap.clone().unwrap();
    assert!(trap.contains("out of bounds"), "{trap}");
    assert_eq!(trapped.top.pc, at_load.top.pc);
    worker.debug(DebugCommand::Continue);
    let report = done(&worker);
    assert!(report.outcome.unwrap_err().contains("out-of-bounds"));
}

#[test]
fn a_breakpoint_pauses_an_ordinary_run_where_it_is() {
    let worker = demo_ready();
    // First find the store's offset by running to it.
    worker.send(Command::Run {
        steps: vec![call("append", &["ptr", "len(input)"])],
        step_into: true,
    });
    paused(&worker);
    worker.debug(DebugCommand::RunToWrite);
    worker.debug(DebugCommand::RunToWrite);
    paused(&worker);
    let store = paused(&worker);
    assert_eq!(store.top.place, "append+0x001f");
    worker.debug(DebugCommand::Continue);
    done(&worker);
    // A plain run (no stepping) with a breakpoint there pauses at it, once per pass.
    worker.send(Command::SetBreakpoints(vec![store.top.pc]));
    worker.send(Command::Run {
        steps: vec![call("append", &["ptr", "len(input)"])],
        step_into: false,
    });
    let hit = paused(&worker);
    assert_eq!((hit.top.pc, hit.count), (store.top.pc, 1));
    worker.debug(DebugCommand::Continue);
    done(&worker);
    // Cleared, it runs through.
    worker.send(Command::SetBreakpoints(Vec::new()));
    worker.send(Command::Run {
        steps: vec![call("append", &["ptr", "len(input)"])],
        step_into: false,
    });
    assert!(done(&worker).outcome.is_ok());
}

#[test]
fn a_watch_pauses_at_the_instruction_about_to_write_into_the_range() {
    let worker = demo_ready();
    worker.send(Command::Run {
        steps: vec![call("append", &["ptr", "len(input)"])],
        step_into: true,
    });
    paused(&worker);
    // The suffix's first byte: LLVM writes it last, with the store at +0x3b.
    let ptr = 0x11_0008u64;
    worker.debug(DebugCommand::Watch {
        start: ptr + 16,
        end: ptr + 17,
    });
    let writer = paused(&worker);
    assert_eq!(writer.top.place, "append+0x003b");
    worker.debug(DebugCommand::Continue);
    assert!(done(&worker).outcome.is_ok());
}

/// `outer` calls `inner` twice.
const CALLS: &str = include_str!("fixtures/calls.wat");

#[test]
fn step_over_into_and_out_of_calls() {
    let worker = Worker::spawn(Limits::default(), None, || {}).unwrap();
    worker.send(Command::load(1, "calls.wat", Arc::from(CALLS.as_bytes())));
    next(&worker, |e| matches!(e, Event::Loaded { .. }).then_some(()));
    worker.send(Command::Run {
        steps: vec![call("outer", &["0x100", "0"])],
        step_into: true,
    });
    // Step to the first call instruction (its argument pushed).
    let mut pause = paused(&worker);
    while pause.top.stack.is_empty() {
        worker.debug(DebugCommand::Step);
        pause = paused(&worker);
    }
    assert_eq!(pause.depth(), 1);
    let outer = pause.top.place.split('+').next().unwrap().to_owned();
    // Over the call: the next pause is still in `outer`, after it.
    worker.debug(DebugCommand::StepOver);
    let over = paused(&worker);
    assert_eq!(over.depth(), 1);
    assert!(over.top.place.starts_with(&outer), "{}", over.top.place);
    // Into the second call: `inner` (named from the name section), two frames deep.
    let mut into = over;
    while into.depth() == 1 {
        worker.debug(DebugCommand::Step);
        into = paused(&worker);
    }
    assert!(into.top.place.starts_with("inner+"), "{}", into.top.place);
    assert_eq!(into.depth(), 2);
    assert!(into.callers[0].place.starts_with(&outer));
    // The caller's frame holds its own values: its parameter is 0x100.
    assert_eq!(into.callers[0].locals[0], Some(Value::I32(0x100)));
    // Out of it: back in `outer`.
    worker.debug(DebugCommand::StepOut);
    let out = paused(&worker);
    assert_eq!(out.depth(), 1);
    worker.debug(DebugCommand::Continue);
    let report = done(&worker);
    assert_eq!(
        report.outcome,
        Ok(StepOutput::Values(vec![Value::I32(0x10c)]))
    );
    assert_eq!(report.writes.len(), 2);
}
