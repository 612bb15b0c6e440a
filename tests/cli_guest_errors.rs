//! A guest's own error message is never lost: `wasmscope run` reads what a toolchain's
//! error import was told (wasm-bindgen's throw, AssemblyScript's and emscripten's
//! abort, emscripten's assert) and prints it on the stub's line, and in the trap when
//! the stub traps; `inspect` marks these imports as known.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use cli_support::{asset, stderr, stdout, wasmscope};

/// A fixture of `tests/fixtures/guest_errors/`.
fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/guest_errors/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Each fixture, the function that fails, and the stub's line it prints.
const FAILURES: [(&str, &str, &str); 4] = [
    (
        "wasm_bindgen.wat",
        "decode",
        "stub wbg.__wbg___wbindgen_throw_5d9e815e6fdf150f(16, 21) -> () — \
         the guest threw: \"`unwrap_throw` failed\"",
    ),
    (
        "assemblyscript.wat",
        "get",
        "stub env.abort(32, 96, 12, 5) -> () — \
         abort: \"index out of range\" at assembly/index.ts:12:5",
    ),
    (
        "emscripten.wat",
        "check",
        "stub env.__assert_fail(64, 73, 7, 80) -> () — \
         assertion failed: \"len >= 8\" at main.c:7 in check",
    ),
    (
        "emscripten.wat",
        "quit",
        "stub env._abort_js() -> () — abort: the guest called abort()",
    ),
];

#[test]
fn run_says_what_each_toolchains_error_import_was_told() {
    assert!(!FAILURES.is_empty());
    for (module, call, line) in FAILURES {
        let out = wasmscope(&["run", &fixture(module), "--input", "hello", "--call", call]);
        let (text, err) = (stdout(&out), stderr(&out));
        assert!(!out.status.success(), "{module} {call} fails");
        assert!(text.lines().any(|l| l == line), "{module} {call}:\n{text}");
        // The zeros stub returns, and the guest traps on its own `unreachable`.
        assert!(
            err.contains(&format!("`{call}` trapped: it executed `unreachable`")),
            "{err}"
        );
    }
}

/// The real AssemblyScript guest's runtime refuses an allocation of 2 GiB through
/// `abort`, with its own message and place.
#[test]
fn a_real_assemblyscript_runtime_abort_is_said() {
    let out = wasmscope(&[
        "run",
        &asset("shout_as.wasm"),
        "--input",
        "hello",
        "--extra",
        "2147483000",
    ]);
    let text = stdout(&out);
    assert!(!out.status.success());
    assert!(
        text.contains(
            "stub env.abort(1056, 1120, 261, 31) -> () — \
             abort: \"Allocation too large\" at ~lib/rt/itcms.ts:261:31"
        ),
        "{text}"
    );
}

#[test]
fn a_trapping_stub_carries_the_guests_message_into_the_error() {
    let out = wasmscope(&[
        "run",
        &fixture("assemblyscript.wat"),
        "--input",
        "hello",
        "--call",
        "get",
        "--stub",
        "env.abort=trap",
    ]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(!out.status.success());
    let said = "abort: \"index out of range\" at assembly/index.ts:12:5";
    assert!(
        text.contains(&format!("stub env.abort(32, 96, 12, 5) -> trap — {said}")),
        "{text}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "`get` trapped: it called the import `env.abort`, whose stub is set to trap — {said}"
        )),
        "{err}"
    );
}

#[test]
fn an_error_made_and_returned_is_said_and_the_call_goes_on() {
    let out = wasmscope(&[
        "run",
        &fixture("wasm_bindgen.wat"),
        "--input",
        "hello",
        "--call",
        "check",
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        text.contains(
            "stub wbg.__wbindgen_error_new(48, 24) -> 0 — \
             the guest made an Error: \"expected a PNG signature\""
        ),
        "{text}"
    );
}

#[test]
fn inspect_marks_the_toolchain_error_imports_as_known() {
    for (module, rows) in [
        (
            "wasm_bindgen.wat",
            [
                "wbg.__wbg___wbindgen_throw_5d9e815e6fdf150f  (i32, i32) -> ()  \
                 [wasm-bindgen throw: its message is logged]",
                "wbg.__wbindgen_error_new                     (i32, i32) -> i32  \
                 [wasm-bindgen Error: its message is logged]",
            ],
        ),
        (
            "emscripten.wat",
            [
                "env.__assert_fail  (i32, i32, i32, i32) -> ()  \
                 [emscripten assert: the assertion and its place are logged]",
                "env._abort_js      () -> ()  \
                 [emscripten abort: a call is logged as the guest's abort]",
            ],
        ),
    ] {
        let out = wasmscope(&["inspect", &fixture(module)]);
        let text = stdout(&out);
        assert!(out.status.success(), "{}", stderr(&out));
        for row in rows {
            assert!(text.contains(row), "{module}: {row}\n{text}");
        }
    }
}
