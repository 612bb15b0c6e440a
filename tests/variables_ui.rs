//! Variables in the real window: a paused C or Rust frame lists its variables by name
//! with their types and values (from DWARF), paints them over the hex view, names
//! the field under the pointer, and follows a pointer to what it points at.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic on the unexpected.

mod common;

use common::{harness, pinned, settle};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wasmscope::engine::Value;
use wasmscope::ui::{App, SourceLine, UiCommand};

/// Opens `module`, writes the walkthrough's input (`The input string`), steps into
/// `export(ptr, 16)` and continues to `file:line`.
fn paused_at(module: &str, export: &str, file: &str, line: u32) -> Harness<'static, App> {
    let mut harness = harness(Some(module), pinned());
    for stage in ["2 Alloc", "3 Write"] {
        common::click_and_settle(&mut harness, stage);
    }
    let input_at = input_pointer(&harness);
    harness
        .state_mut()
        .apply(UiCommand::ToggleLineBreakpoint(SourceLine {
            file: file.into(),
            line,
        }));
    harness.state_mut().apply(UiCommand::Call {
        export: export.into(),
        args: vec![Value::I32(input_at as i32), Value::I32(16)],
        step_into: true,
    });
    harness.step();
    settle(&mut harness, "the first pause", |app| {
        app.state().doc.paused.is_some()
    });
    common::key_to_next_pause(&mut harness, egui::Key::F5);
    let shown = harness.state().state().doc.paused.as_ref().unwrap();
    let here = shown.source.as_ref().unwrap().location.line;
    assert_eq!(here, line, "paused at the breakpoint");
    harness.run_steps(3);
    harness
}

/// Where the walkthrough wrote its input (the Write step's region).
fn input_pointer(harness: &Harness<'static, App>) -> u64 {
    let regions = harness.state().state().regions().to_vec();
    let input = regions
        .iter()
        .find(|r| r.kind == wasmscope::memory::RegionKind::Input);
    input.expect("the input was written").range.start
}

fn variable<'a>(app: &'a App, name: &str) -> &'a wasmscope::inspect::ValueNode {
    let paused = app.state().doc.paused.as_ref().unwrap();
    let shown = paused
        .variables
        .as_ref()
        .expect("DWARF describes the frame");
    let found = shown.frame.variables.iter().find(|v| v.node.name == name);
    &found.unwrap_or_else(|| panic!("no variable {name}")).node
}

#[test]
fn a_c_frame_lists_its_variables_and_paints_the_struct_array_over_memory() {
    let mut harness = paused_at("dwarf_c.wasm", "upper", "poly.c", 38);
    let app = harness.state();
    let s = variable(app, "s");
    assert_eq!(
        s.value,
        format!("{:#x} \"THE INPUT STRING\"", input_pointer(&harness))
    );
    let pts = variable(app, "pts");
    assert_eq!(pts.children[2].value, "{x = 2, y = 69}");
    let y2 = pts.children[2].children[1].address.unwrap();
    harness.get_by_label_contains("Variables of upper");
    harness.get_by_label("pts: point[8]");
    // The array is painted: hovering pts[2].y names it, with its value and address.
    harness.state_mut().apply(UiCommand::Reveal {
        offset: y2,
        cursor: false,
    });
    harness.run_steps(3);
    common::hover_byte(&mut harness, y2);
    harness.get_by_label_contains(&format!("pts[2].y: short = 69 at {y2:#x} (host 0x"));
    harness.snapshot("variables_c_frame");
    // Follow `s`: its target is listed and painted as a char.
    harness.get_by_label("follow").click();
    harness.run_steps(3);
    let paused = harness.state().state().doc.paused.as_ref().unwrap();
    let followed = &paused.variables.as_ref().unwrap().followed;
    assert_eq!(followed.len(), 1);
    assert_eq!(
        (followed[0].name.as_str(), followed[0].value.as_str()),
        ("*s", "84 'T'")
    );
    harness.get_by_label_contains("Followed pointers");
    // The Memory map lists the frame's variables; the data inspector reads the bytes
    // at the cursor as the variable's type.
    harness.get_by_label("Memory map").click();
    harness.run_steps(3);
    harness.get_by_label_contains("Variables of upper (");
    harness.get_by_label(&format!("{:#x}..{:#x}", y2 - 10, y2 - 10 + 32));
    harness.state_mut().apply(UiCommand::Reveal {
        offset: y2,
        cursor: true,
    });
    harness.get_by_label("Inspector").click();
    harness.hover_at(egui::pos2(5.0, 790.0));
    harness.run_steps(3);
    harness.get_by_label("pts[2].y: short = 69");
}

#[test]
fn a_rust_frame_reads_as_rust_and_its_heap_bytes_are_labelled() {
    let mut harness = paused_at("dwarf_rust.wasm", "summarize", "lib.rs", 80);
    let app = harness.state();
    let text = variable(app, "text");
    assert_eq!(text.value, "\"The input string\" (capacity 16)");
    let heap = text.heap.unwrap();
    let points = variable(app, "points");
    assert!(
        points
            .value
            .starts_with("16 items [Point { x: 0, y: 84 }, "),
        "{}",
        points.value
    );
    let shape = variable(app, "shape");
    assert!(
        shape
            .value
            .starts_with("Line { from: Point { x: 0, y: 84 }"),
        "{}",
        shape.value
    );
    harness.get_by_label_contains("Variables of summarize");
    // The String's heap link shows its bytes, labelled as the String's.
    harness
        .get_by_label(&format!("heap {:#x}", heap.address))
        .click();
    harness.run_steps(3);
    common::hover_byte(&mut harness, heap.address + 4);
    harness.get_by_label_contains("text (heap): 16 bytes = \"The input string\"");
    harness.snapshot("variables_rust_frame");
}
