//! Source lines in the real window: a module with DWARF (assets/dwarf_c.wasm, built
//! with `clang -g`) has its debug info read on the compile thread, and with writes
//! traced every byte says which source line wrote it.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{harness, log_text, pinned, settle};
use egui_kittest::kittest::Queryable;
use wasmscope::engine::Value;
use wasmscope::ui::UiCommand;

#[test]
fn each_byte_upper_wrote_names_its_line_in_poly_c() {
    let mut harness = harness(None, pinned());
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/dwarf_c.wasm")).unwrap();
    common::load_bytes(&mut harness, "dwarf_c.wasm", bytes);
    let log = log_text(harness.state());
    assert!(
        log.contains("dwarf_c.wasm has debug info (DWARF): 1 compile unit naming 1 source file"),
        "{log}"
    );
    assert!(
        harness
            .state()
            .state()
            .doc
            .module()
            .unwrap()
            .dwarf
            .is_some()
    );
    // upper(16, 4) over the zeroes there: each byte stored back by `s[i] = c;`.
    harness.state_mut().apply(UiCommand::Call {
        export: "upper".into(),
        args: vec![Value::I32(16), Value::I32(4)],
        step_into: false,
    });
    harness.step();
    settle(&mut harness, "the call", |app| {
        app.state().running().is_none() && log_text(app).contains("`upper` returned")
    });
    let state = harness.state().state();
    let written: Vec<String> = (16..20)
        .map(|o| {
            state
                .doc
                .instance
                .writers
                .writer_at(o)
                .unwrap()
                .what
                .to_string()
        })
        .collect();
    assert!(
        written
            .iter()
            .all(|w| w == "`upper` at poly.c:31 (`i32.store8`)"),
        "{written:?}"
    );
    let step = state.doc.instance.writers.writer_at(16).unwrap().step;
    // The memory map groups the writes by source line.
    let totals = &state.doc.instance.writer_totals;
    assert!(!totals.is_empty());
    let line_31 = totals
        .iter()
        .find(|t| &*t.what == "`upper` at poly.c:31 (`i32.store8`)")
        .unwrap();
    assert_eq!((line_31.bytes, line_31.first), (4, 16));
    assert!(
        totals
            .iter()
            .any(|t| t.what.starts_with("`upper` at poly.c:3")
                && t.what.ends_with("(`i32.store16`)")),
        "the points' stores: {totals:?}"
    );
    // Hovering the first of them says so.
    common::hover_byte(&mut harness, 16);
    harness.get_by_label(&format!(
        "written by `upper` at poly.c:31 (`i32.store8`) in step {step}"
    ));
    harness.snapshot("hover_written_by_source_line");
}

/// The paused frame's source view, if any.
fn shown_source(app: &wasmscope::ui::App) -> Option<wasmscope::ui::SourceView> {
    app.state()
        .doc
        .paused
        .as_ref()
        .and_then(|p| p.source.clone())
}

/// The paused frame's source line, if any.
fn line(app: &wasmscope::ui::App) -> Option<u32> {
    shown_source(app).map(|s| s.location.line)
}

/// Steps into `upper` of `assets/dwarf_c.wasm` (opened from its file) and settles on
/// the first pause.
fn paused_in_upper(module: Option<&str>) -> egui_kittest::Harness<'static, wasmscope::ui::App> {
    let mut harness = harness(module, pinned());
    harness.state_mut().apply(UiCommand::Call {
        export: "upper".into(),
        args: vec![Value::I32(16), Value::I32(4)],
        step_into: true,
    });
    harness.step();
    settle(&mut harness, "the pause", |app| {
        app.state().doc.paused.is_some()
    });
    harness
}

#[test]
fn a_paused_c_function_shows_its_source_line() {
    let mut harness = paused_in_upper(Some("dwarf_c.wasm"));
    // Found below the module's folder's parent: guests/dwarf_c/poly.c.
    let source = shown_source(harness.state());
    let source = source.expect("upper has line info");
    assert!(
        source.location.to_string().starts_with("poly.c:2"),
        "{:?}",
        source.location
    );
    let lines = source.lines.expect("the file is found");
    assert_eq!(lines[23], "int upper(char *s, int len) {");
    harness.get_by_label_contains("24  int upper(char *s, int len) {");
    // Step over line walks the function line by line, one pause a line: the zero
    // bytes skip the upper-casing (line 29).
    let mut lines = Vec::new();
    for _ in 0..5 {
        common::click_to_next_pause(&mut harness, "Step over line");
        lines.push(line(harness.state()).unwrap());
    }
    assert_eq!(lines, [25, 26, 27, 28, 31]);
    harness.run_steps(2);
    harness.get_by_label("poly.c:31:16");
    harness.get_by_label_contains("31          s[i] = c;");
    harness.snapshot("paused_c_source");
}

#[test]
fn a_source_not_found_says_where_it_was_looked_for() {
    let mut harness = harness(None, pinned());
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/dwarf_c.wasm")).unwrap();
    common::load_bytes(&mut harness, "dwarf_c.wasm", bytes);
    harness.state_mut().apply(UiCommand::Call {
        export: "upper".into(),
        args: vec![Value::I32(16), Value::I32(4)],
        step_into: true,
    });
    harness.step();
    settle(&mut harness, "the pause", |app| {
        app.state().doc.paused.is_some()
    });
    harness.run_steps(2);
    harness.get_by_label_contains("source not found: looked for /guests/dwarf_c/poly.c");
    // Pointing Settings > Source folder at the repository finds it.
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    harness
        .state_mut()
        .apply(UiCommand::SetSourceDir(Some(root)));
    common::key_to_next_pause(&mut harness, egui::Key::F11);
    let pause = &harness.state().state().doc.paused.as_ref().unwrap().pause;
    assert_eq!(pause.count, 2);
    let source = shown_source(harness.state());
    assert!(source.unwrap().lines.is_ok());
}

#[test]
fn a_source_line_takes_a_breakpoint_and_run_to_line_stops_there() {
    let mut harness = paused_in_upper(Some("dwarf_c.wasm"));
    harness.run_steps(2);
    assert_eq!(line(harness.state()), Some(24));
    // Right-click line 27 (`char c = s[i];`), Run to this line.
    harness
        .get_by_label_contains("char c = s[i];")
        .click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Run to this line").click();
    harness.step();
    settle(&mut harness, "line 27", |app| line(app) == Some(27));
    // Its breakpoints went with the pause: only the user's stay.
    settle(&mut harness, "the breakpoints", |app| {
        app.state().doc.breakpoints.is_empty()
    });
    // A click on line 28 (in view) sets a breakpoint there; Continue stops at it, then
    // again for the next byte.
    harness.get_by_label_contains("if (c >= 'a'").click();
    harness.run_steps(2);
    let set = harness.state().state().doc.breakpoints.clone();
    assert!(!set.is_empty());
    for _ in 0..2 {
        common::key_to_next_pause(&mut harness, egui::Key::F5);
        assert_eq!(line(harness.state()), Some(28));
    }
    harness.snapshot("paused_c_line_breakpoint");
    // A second click clears it.
    harness.get_by_label_contains("if (c >= 'a'").click();
    harness.run_steps(2);
    assert!(harness.state().state().doc.breakpoints.is_empty());
    // A line without code (a comment) takes none, and says so.
    harness
        .state_mut()
        .apply(UiCommand::ToggleLineBreakpoint(wasmscope::ui::SourceLine {
            file: "/guests/dwarf_c/poly.c".into(),
            line: 2,
        }));
    harness.run_steps(1);
    assert!(log_text(harness.state()).contains("No code is at poly.c:2."));
    assert!(harness.state().state().doc.breakpoints.is_empty());
}

#[test]
fn a_paused_rust_function_shows_its_source_line() {
    let mut harness = harness(Some("dwarf_rust.wasm"), pinned());
    for stage in ["2 Alloc", "3 Write"] {
        common::click_and_settle(&mut harness, stage);
    }
    harness.get_by_label("Step into").click();
    harness.step();
    settle(&mut harness, "the pause", |app| {
        app.state().doc.paused.is_some()
    });
    let first = shown_source(harness.state()).expect("append has line info");
    assert!(
        first.location.file.ends_with("dwarf_rust/src/lib.rs"),
        "{first:?}"
    );
    assert_eq!(first.location.line, 46);
    // Over line 48 (the slice) to the copy of the suffix.
    for expected in [48, 49] {
        common::click_to_next_pause(&mut harness, "Step over line");
        assert_eq!(
            shown_source(harness.state()).unwrap().location.line,
            expected
        );
    }
    harness.run_steps(2);
    harness.get_by_label_contains("out.copy_from_slice(SUFFIX);");
    harness.snapshot("paused_rust_source");
}
