//! Winch first, Cranelift when Winch cannot compile a module: in the engine, the CLI
//! and the window. (Every guest under each compiler: `run_golden`.)
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;
mod common;

use cli_support::{asset, stderr, stdout, wasmscope};
use common::{harness, log_text, pinned, settle};
use egui_kittest::kittest::Queryable;
use wasmscope::engine::{CompileCache, Compiler, CompilerChoice, Engines};
use wasmscope::inspect::to_binary;
use wasmscope::ui::UiCommand;

/// A tail call (Winch does not support the proposal, Cranelift does), behind the
/// seed's ABI: `forward(ptr, len)` returns `len` through a tail call.
fn tail_call() -> String {
    common::with_bump_alloc(
        r#"(func $len (param i32) (result i32) local.get 0)
  (func (export "forward") (param $ptr i32) (param $len i32) (result i32)
    local.get $len
    return_call $len)"#,
    )
}

#[test]
fn auto_falls_back_to_cranelift_and_says_why() {
    let engines = Engines::new(None).unwrap();
    let binary = to_binary(tail_call().as_bytes()).unwrap();
    let (_, info) = engines.compile(CompilerChoice::Auto, &binary).unwrap();
    assert_eq!(info.compiler, Compiler::Cranelift);
    let why = info.winch_refused.clone().unwrap();
    assert!(why.contains("tail call"), "{why}");
    assert!(
        info.refusal()
            .unwrap()
            .starts_with("Winch cannot compile this module (")
    );
    // Forced, Winch refuses with an error; the demo compiles with it.
    let err = engines.compile(CompilerChoice::Winch, &binary).unwrap_err();
    assert!(format!("{err:#}").contains("Winch failed"), "{err:#}");
    let demo = std::fs::read(asset("append.wasm")).unwrap();
    let (_, info) = engines.compile(CompilerChoice::Auto, &demo).unwrap();
    assert_eq!((info.compiler, info.winch_refused), (Compiler::Winch, None));
}

#[test]
fn the_cache_keeps_each_compilers_code_apart() {
    let dir = std::env::temp_dir().join(format!("wasmscope-compilers-{}", std::process::id()));
    let cache = CompileCache::open(&dir).unwrap();
    let engines = Engines::new(Some(&cache)).unwrap();
    let demo = std::fs::read(asset("append.wasm")).unwrap();
    let compile = |choice| {
        let (module, info) = engines.compile(choice, &demo).unwrap();
        (module.engine().clone(), info)
    };
    let (winch_engine, first) = compile(CompilerChoice::Winch);
    let (cranelift_engine, other) = compile(CompilerChoice::Cranelift);
    assert!(
        !first.cached && !other.cached,
        "one compiler's code is not the other's"
    );
    assert!(!wasmtime::Engine::same(&winch_engine, &cranelift_engine));
    let (_, again) = compile(CompilerChoice::Winch);
    assert!(again.cached, "Winch's own code comes back from the cache");
    assert_eq!(again.compiler, Compiler::Winch);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_cli_runs_a_module_winch_refuses_and_notes_it() {
    let dir = std::env::temp_dir().join(format!("wasmscope-tail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tail.wat");
    std::fs::write(&path, tail_call()).unwrap();
    let args = [
        "run",
        path.to_str().unwrap(),
        "--input",
        "xyz",
        "--call",
        "forward",
    ];
    let out = wasmscope(&args);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        stderr(&out).contains("note: Winch cannot compile this module"),
        "{}",
        stderr(&out)
    );
    assert!(out.status.success());
    assert!(stdout(&out).contains("Result: xyz"), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains("Winch"),
        "stdout is the same for every compiler"
    );
}

#[test]
fn the_window_says_which_compiler_ran_and_recompiles_with_cranelift() {
    let mut harness = harness(None, pinned());
    let log = log_text(harness.state());
    assert!(log.contains("Compiled by Winch"), "{log}");
    // In the log and in the module panel.
    assert_eq!(harness.get_all_by_label("Compiled by Winch").count(), 2);
    // Faster code for the session so far: run two steps, recompile, same memory.
    for stage in ["2 Alloc", "3 Write"] {
        common::click_and_settle(&mut harness, stage);
    }
    let before = harness.state().state().snapshot().clone();
    harness.get_by_label("Recompile with Cranelift").click();
    harness.step();
    settle(&mut harness, "the recompile and replay", |app| {
        app.state().ready()
            && app.state().running().is_none()
            && log_text(app).contains("Compiled by Cranelift")
    });
    assert_eq!(harness.get_all_by_label("Compiled by Cranelift").count(), 2);
    let state = harness.state().state();
    assert_eq!(
        state.doc.instance.timeline.steps(),
        2,
        "the session was replayed"
    );
    assert_eq!(
        state.snapshot().read(0, state.snapshot().len_bytes()),
        before.read(0, before.len_bytes())
    );
    assert!(harness.query_by_label("Recompile with Cranelift").is_none());
}

#[test]
fn the_window_loads_a_module_winch_refuses_through_cranelift() {
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "tail.wat".into(),
        bytes: tail_call().into_bytes(),
    });
    harness.step();
    settle(&mut harness, "tail.wat", |app| {
        app.state().ready() && log_text(app).contains("Loaded tail.wat")
    });
    let log = log_text(harness.state());
    assert!(
        log.contains("Winch cannot compile this module (")
            && log.contains("compiled it with Cranelift instead"),
        "{log}"
    );
    let compiled = harness.state().state().doc.compiled.clone().unwrap();
    assert_eq!(compiled.compiler, Compiler::Cranelift);
}
