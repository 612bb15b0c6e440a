//! Reading well at every size: zoom, large text, panels that hide, long names cut
//! with the whole name on hover, and the 200 % window.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{harness, harness_scaled, log_text, pinned, settle};
use egui_kittest::kittest::Queryable;
use wasmscope::ui::UiCommand;

/// Exports named like sql.js's, and longer.
const LONG_NAMES: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "sqlite3_memory_used") (result i64) (i64.const 0))
  (func (export "sqlite3_status64_highwater_of_the_page_cache") (param i32 i32) (result i32)
    (local.get 1)))"#;

#[test]
fn long_export_names_are_cut_and_whole_on_hover_at_200_percent() {
    let mut harness = harness_scaled(None, pinned(), 2.0);
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "long_names.wat".into(),
        bytes: LONG_NAMES.as_bytes().to_vec(),
    });
    harness.step();
    settle(&mut harness, "long_names.wat", |app| {
        app.state().ready() && log_text(app).contains("Loaded long_names.wat")
    });
    let long = "sqlite3_status64_highwater_of_the_page_cache";
    harness.snapshot("long_names_200_percent");
    // 4 Call's chooser is cut too, so its row (and the result after it) stays in the
    // panel: at most 190 points wide, where the whole name needs about 300.
    let call_chooser = harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "function")
        .rect();
    assert!(call_chooser.width() <= 190.0, "{call_chooser:?}");
    // The button shows the name cut; hovering it shows the whole name.
    harness.get_by_label(long).hover();
    // The tooltip's delay passes in the harness's own time: a step is a frame.
    harness.run_steps(60);
    assert_eq!(harness.get_all_by_label(long).count(), 2, "a tooltip");
}

#[test]
fn the_view_menu_zooms_enlarges_text_and_hides_panels() {
    let mut harness = harness(None, pinned());
    let body = |h: &egui_kittest::Harness<'_, _>| {
        h.ctx.global_style().text_styles[&egui::TextStyle::Body].size
    };
    let normal = body(&harness);
    // Ctrl+Plus zooms (egui's own shortcut), Ctrl+0 goes back.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    harness.run_steps(2);
    assert!(harness.ctx.zoom_factor() > 1.0);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num0);
    harness.run_steps(2);
    assert_eq!(harness.ctx.zoom_factor(), 1.0);
    // Large text, then the side panel and the log hidden.
    for item in [
        "Large text (projectors)",
        "Side panel (module, inspector, map)",
        "Step log",
    ] {
        harness.get_by_label("View").click();
        harness.run_steps(2);
        harness
            .get_by_role_and_label(egui::accesskit::Role::CheckBox, item)
            .click();
        harness.run_steps(2);
        harness.key_press(egui::Key::Escape);
        harness.run_steps(2);
    }
    assert!(
        (body(&harness) - normal * 1.4).abs() < 0.01,
        "{}",
        body(&harness)
    );
    assert!(
        harness.query_by_label("Exports (5)").is_none(),
        "no side panel"
    );
    assert!(harness.query_by_label("Copy").is_none(), "no step log");
    harness.snapshot("large_text_panels_hidden");
}
