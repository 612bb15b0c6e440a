//! `wasmscope run` on modules with imports and other allocator conventions.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::path::PathBuf;
mod cli_support;

use cli_support::{asset, wasmscope};

/// Runs and returns stdout, failing with stderr when the run fails.
fn ok(args: &[&str]) -> String {
    let out = wasmscope(args);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?}\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn fails(args: &[&str], expect: &str) {
    let out = wasmscope(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} should fail");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains(expect),
        "{args:?}: {err}"
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmscope-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn run_on_each_convention_prints_the_allocator_and_the_result() {
    for (module, call, allocator, result) in [
        (
            "shout_c.wasm",
            "shout",
            "Allocator: malloc (malloc)",
            "Result: HELLO!!!",
        ),
        (
            "shout_as.wasm",
            "shout",
            "Allocator: __new (assemblyscript, id 1 = ArrayBuffer, pinned with __pin)",
            "Result: HELLO!!!",
        ),
        (
            "wasm_bindgen.wasm",
            "reverse",
            "Allocator: __wbindgen_malloc (wasm-bindgen, align 1)",
            "Result: olleh",
        ),
        (
            "cabi.wasm",
            "upper",
            "Allocator: cabi_realloc (cabi, align 1)",
            "Result: HELLO",
        ),
    ] {
        let text = ok(&["run", &asset(module), "--input", "hello", "--call", call]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.contains(&allocator), "{module}:\n{text}");
        assert!(lines.contains(&result), "{module}:\n{text}");
    }
    let text = ok(&[
        "run",
        &asset("wasm_bindgen.wasm"),
        "--input",
        "hello",
        "--call",
        "reverse",
    ]);
    assert!(text.contains("Pointer received 0x1000, 5"), "{text}");
}

#[test]
fn run_prints_stub_calls_and_traps_on_request() {
    let shout = asset("shout_c.wasm");
    let text = ok(&["run", &shout, "--input", "hello", "--call", "shout"]);
    assert!(
        text.contains(
            "1 imported function(s) are stubs that return zeros (each call is logged): env.notify"
        ),
        "{text}"
    );
    let stub_line = text
        .lines()
        .find(|l| l.starts_with("stub env.notify("))
        .unwrap();
    assert!(stub_line.ends_with(", 8) -> ()"), "{stub_line}");
    for policy in ["trap", "env.notify=trap"] {
        fails(
            &[
                "run", &shout, "--input", "hello", "--call", "shout", "--stub", policy,
            ],
            "it called the import `env.notify`, whose stub is set to trap",
        );
    }
    fails(
        &["run", &shout, "--input", "x", "--stub", "maybe"],
        "--stub maybe",
    );
}

#[test]
fn run_shows_wasi_output_with_args_env_and_folders() {
    let greet = asset("greet.wasm");
    let text = ok(&[
        "run",
        &greet,
        "--input",
        "world",
        "--call",
        "greet",
        "--result",
        "value",
        "--env",
        "GREETING=Hi",
        "--wasi-arg",
        "--loud",
    ]);
    assert!(text.lines().any(|l| l == "stdout: Hi, world!"), "{text}");
    assert!(
        text.contains(r#"stderr: greet was called with args ["greet.wasm", "--loud"]"#),
        "{text}"
    );
    assert!(text.contains("`greet` returned 10: i32"), "{text}");

    let dir = temp_dir("wasi");
    std::fs::write(dir.join("one.txt"), "1").unwrap();
    let path = dir.to_string_lossy().into_owned();
    let denied = ok(&[
        "run",
        &greet,
        "--input",
        &path,
        "--call",
        "count_entries",
        "--result",
        "value",
    ]);
    assert!(
        denied.contains("`count_entries` returned -1: i32"),
        "{denied}"
    );
    assert!(
        denied.contains(&format!("stderr: cannot read {path}")),
        "{denied}"
    );
    let granted = ok(&[
        "run",
        &greet,
        "--input",
        &path,
        "--call",
        "count_entries",
        "--result",
        "value",
        "--dir",
        &path,
    ]);
    assert!(
        granted.contains("`count_entries` returned 1: i32"),
        "{granted}"
    );
    fails(
        &["run", &greet, "--input", "x", "--env", "NOEQUALS"],
        "KEY=VALUE",
    );
    fails(
        &["run", &greet, "--input", "x", "--dir", "/no/such/dir"],
        "not a folder",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_call_run_allocates_writes_and_says_where_the_input_landed() {
    let text = ok(&["run", &asset("shout_c.wasm"), "--input", "hello"]);
    let landed = text
        .lines()
        .find(|l| l.starts_with("Input landed at 0x"))
        .unwrap();
    assert!(landed.contains("(5 bytes), host address 0x"), "{landed}");
    assert!(
        text.contains("No --call given, so nothing was called; (ptr, len) -> len exports: shout"),
        "{text}"
    );
    assert!(
        !text.contains("stub env.notify("),
        "nothing was called: {text}"
    );
}

#[test]
fn alloc_takes_an_export_or_a_convention_name() {
    let text = ok(&[
        "run",
        &asset("shout_as.wasm"),
        "--input",
        "hi",
        "--alloc",
        "assemblyscript",
    ]);
    assert!(text.contains("Allocator: __new (assemblyscript"), "{text}");
    let text = ok(&[
        "run",
        &asset("hostile.wasm"),
        "--input",
        "hi",
        "--alloc",
        "alloc",
    ]);
    assert!(text.contains("Allocator: alloc (alloc)"), "{text}");
    fails(
        &[
            "run",
            &asset("shout_c.wasm"),
            "--input",
            "hi",
            "--alloc",
            "cabi",
        ],
        "no allocator `cabi`",
    );
    fails(
        &[
            "run",
            &asset("shout_c.wasm"),
            "--input",
            "hi",
            "--alloc",
            "shout",
        ],
        "`shout` is not an allocator",
    );
}

#[test]
fn minified_emscripten_malloc_is_found_in_the_glue_next_to_the_module() {
    let dir = temp_dir("glue");
    let wasm = wat::parse_str(
        r#"(module (import "a" "a" (func (param i32)))
             (memory (export "O") 1)
             (func (export "Ia") (param i32) (result i32) i32.const 0x500))"#,
    )
    .unwrap();
    std::fs::write(dir.join("mini.wasm"), wasm).unwrap();
    let module = dir.join("mini.wasm").to_string_lossy().into_owned();
    fails(&["run", &module, "--input", "hi"], "found no allocator");
    std::fs::write(
        dir.join("mini.js"),
        "var k;da=k._malloc=c.Ia;ea=k._free=c.Ja;",
    )
    .unwrap();
    let text = ok(&["run", &module, "--input", "hi"]);
    assert!(
        text.contains("Allocator: Ia (malloc, found as `_malloc` in mini.js)"),
        "{text}"
    );
    assert!(text.contains("Pointer received 0x500, 2"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn calls_with_the_wrong_arguments_fail_before_running() {
    // teach.wasm's `reset` takes nothing; `run` passes (ptr, len).
    fails(
        &[
            "run",
            &asset("teach.wasm"),
            "--input",
            "x",
            "--call",
            "reset",
        ],
        "`reset` takes () but was given",
    );
    let dir = temp_dir("types");
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (func (export "alloc") (param i32) (result i32) i32.const 16)
             (func (export "floats") (param f32 f64) (result i32) i32.const 0))"#,
    )
    .unwrap();
    std::fs::write(dir.join("floats.wasm"), wasm).unwrap();
    let module = dir.join("floats.wasm").to_string_lossy().into_owned();
    fails(
        &["run", &module, "--input", "x", "--call", "floats"],
        "`floats` takes (f32, f64) but was given",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
