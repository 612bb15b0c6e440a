//! `run --trace-writes` records writes by instrumenting the module: on the compiler
//! chosen, and a module it cannot instrument runs without a trace, saying why.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use cli_support::{asset, stderr, stdout, wasmscope};

/// A WAT file in a fresh folder of its own.
fn module_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmscope-cli-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_module_with_no_room_for_the_trace_memory_runs_untraced_and_says_why() {
    let memories = "(memory 1) ".repeat(99);
    let text = format!(
        r#"(module (memory (export "memory") 1) {memories}
            (func (export "alloc") (param i32) (result i32) (i32.const 16))
            (func (export "append") (param i32 i32) (result i32)
              (i32.store8 (local.get 0) (i32.const 33)) (i32.const 1)))"#
    );
    let path = module_file("full.wat", &text);
    let out = wasmscope(&[
        "run",
        path.to_str().unwrap(),
        "--input",
        "x",
        "--trace-writes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("note: cannot record this module's writes (the module has 100 memories"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("Result: !"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("i32.store8"), "{}", stdout(&out));
}

#[test]
fn traced_runs_use_the_compiler_chosen() {
    for compiler in ["winch", "cranelift"] {
        let out = wasmscope(&[
            "run",
            &asset("append.wasm"),
            "--input",
            "The input string",
            "--trace-writes",
            "--compiler",
            compiler,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        // No note that Winch refused the instrumented module.
        assert_eq!(stderr(&out), "", "{compiler}");
        assert!(
            stdout(&out).contains("append+0x0011 i32.store8 [0x110030..0x110031] <- 67"),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn max_traced_writes_lists_that_many_per_step_and_counts_the_rest() {
    let out = wasmscope(&[
        "run",
        &asset("append.wasm"),
        "--input",
        "The input string",
        "--trace-writes",
        "--max-traced-writes",
        "2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // `append` makes 4 writes: 2 listed, 2 counted.
    let call = text.split("[append(").nth(1).unwrap();
    let listed = call.lines().filter(|l| l.starts_with("append+0x")).count();
    assert_eq!(listed, 2, "{text}");
    assert!(
        call.contains("... and 2 more writes (not listed; --max-traced-writes lists more)"),
        "{text}"
    );
}
