//! The window keeps a guest's own error message: the Module tab tags a toolchain's
//! error import as known, and the log shows what the guest said through it.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{harness, log_text, pick, pinned, settle};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wasmscope::ui::{App, UiCommand};

/// The window with the fixture `tests/fixtures/guest_errors/{name}` loaded.
fn loaded(name: &str) -> Harness<'static, App> {
    let path = format!(
        "{}/tests/fixtures/guest_errors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: name.to_owned(),
        bytes: std::fs::read(path).unwrap(),
    });
    reloaded(&mut harness, name);
    harness
}

/// Steps until the module `name` is loaded (again).
fn reloaded(harness: &mut Harness<'static, App>, name: &str) {
    settle(harness, name, |app| {
        let state = app.state();
        state.loading.is_none()
            && state.ready()
            && state.doc.module().is_some_and(|m| m.name == name)
    });
}

/// Picks `function` and runs the walkthrough on the default input.
fn run_all(harness: &mut Harness<'static, App>, function: &str) -> String {
    pick(harness, "function", function);
    harness.get_by_label("Run all Ctrl+Shift+Enter").click();
    harness.step();
    settle(harness, "Run all", |app| app.state().running().is_none());
    log_text(harness.state())
}

#[test]
fn the_log_shows_what_a_wasm_bindgen_guest_threw() {
    let mut harness = loaded("wasm_bindgen.wat");
    harness.get_by_label("wasm-bindgen throw");
    harness.get_by_label("wasm-bindgen Error");
    let log = run_all(&mut harness, "decode");
    assert!(
        log.contains(
            "stub wbg.__wbg___wbindgen_throw_5d9e815e6fdf150f(16, 21) -> () — \
             the guest threw: \"`unwrap_throw` failed\""
        ),
        "{log}"
    );
    assert!(log.contains("it executed `unreachable`"), "{log}");
}

#[test]
fn an_abort_stub_set_to_trap_in_the_module_tab_traps_with_the_message() {
    let mut harness = loaded("assemblyscript.wat");
    harness.get_by_label("AssemblyScript abort");
    pick(
        &mut harness,
        "env.abort (func) (i32, i32, i32, i32) -> ()",
        "trap",
    );
    reloaded(&mut harness, "assemblyscript.wat");
    let log = run_all(&mut harness, "get");
    let said = "abort: \"index out of range\" at assembly/index.ts:12:5";
    assert!(log.contains(&format!("-> trap — {said}")), "{log}");
    assert!(
        log.contains(&format!(
            "it called the import `env.abort`, whose stub is set to trap — {said}"
        )),
        "{log}"
    );
}
