//! Helpers for the UI tests: the real `App` in an egui_kittest harness, stepped until
//! the asynchronous worker has answered.
#![allow(dead_code, clippy::unwrap_used)] // Each test file uses some of them.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wasmscope::ui::{App, AppOptions, Presentation, SystemDialog, UiCommand};

pub const RESULT: &str = "The input string<---- This is your string";
/// The host base that screenshots show instead of the real (ASLR-random) one.
pub const PINNED_BASE: u64 = 0x7f00_0000_0000;

pub fn harness(module: Option<&str>, presentation: Presentation) -> Harness<'static, App> {
    harness_scaled(module, presentation, 1.0)
}

/// Like [`harness`], on a screen with `pixels_per_point` (2.0: the window at 200 %).
pub fn harness_scaled(
    module: Option<&str>,
    presentation: Presentation,
    pixels_per_point: f32,
) -> Harness<'static, App> {
    let module = module.map(|m| format!("{}/assets/{m}", env!("CARGO_MANIFEST_DIR")).into());
    let options = AppOptions {
        module,
        presentation,
        // As on a desktop without a portal, whatever this machine has: a file
        // question shows wasmscope's own chooser, never a real dialog.
        system_dialog: Some(SystemDialog::Missing),
        ..AppOptions::default()
    };
    harness_with(options, pixels_per_point)
}

/// The real app started with `options`, once its first module has loaded.
pub fn harness_with(options: AppOptions, pixels_per_point: f32) -> Harness<'static, App> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_pixels_per_point(pixels_per_point)
        .with_render_cursor(false)
        .wgpu()
        .build_eframe(move |cc| App::new(cc, options).unwrap());
    settle(&mut harness, "the module to load", |app| {
        app.state().ready()
    });
    harness
}

pub fn pinned() -> Presentation {
    Presentation {
        fixed_host_base: Some(PINNED_BASE),
        hide_durations: true,
    }
}

/// Steps the UI and applies worker events until `done`, or fails after 30 s.
pub fn settle(harness: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    for _ in 0..300 {
        harness.step();
        if done(harness.state()) {
            harness.step();
            harness.step();
            return;
        }
        harness
            .state_mut()
            .wait_for_event(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

pub fn click_and_settle(harness: &mut Harness<'static, App>, label: &str) {
    harness.get_by_label(label).click();
    harness.step();
    settle(harness, label, |app| app.state().running().is_none());
}

pub fn log_text(app: &App) -> String {
    let lines: Vec<&str> = app.state().log.iter().map(|e| e.text.as_str()).collect();
    lines.join("\n")
}

/// Opens the combo box `combo` and clicks its option `option` (the popup is drawn last).
pub fn pick(harness: &mut Harness<'static, App>, combo: &str, option: &str) {
    harness.get_by_label(combo).click();
    harness.run_steps(2);
    harness.get_all_by_label(option).last().unwrap().click();
    harness.run_steps(2);
}

/// Clicks the primary button at `pos` (a byte of the hex view, say).
pub fn click_at(harness: &mut Harness<'static, App>, pos: egui::Pos2) {
    harness.hover_at(pos);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run_steps(2);
}

/// Types `text` into the text field labelled `label`, replacing what it held.
pub fn type_into(harness: &mut Harness<'static, App>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.run_steps(1);
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.run_steps(1);
    harness.get_by_label(label).type_text(text);
    harness.run_steps(2);
}

/// Steps the UI until the hex view's background search has answered.
pub fn wait_for_search(harness: &mut Harness<'static, App>) {
    for _ in 0..600 {
        harness.step();
        if !harness.state().hex().search.is_running() {
            harness.run_steps(2);
            return;
        }
        std::thread::yield_now();
    }
    panic!("the search did not finish");
}

/// A module with `memory`, a bump allocator `alloc` (from 1024), and `funcs` (WAT).
pub fn with_bump_alloc(funcs: &str) -> String {
    format!(
        r#"(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "alloc") (param $size i32) (result i32)
    global.get $next
    global.get $next
    local.get $size
    i32.add
    global.set $next)
  {funcs})"#
    )
}

/// The texts the last frame put on the clipboard.
pub fn copied_texts(harness: &Harness<'static, App>) -> Vec<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// Loads `bytes` as the module `name` (as a drop or the demo does) and waits for it.
pub fn load_bytes(harness: &mut Harness<'static, App>, name: &str, bytes: Vec<u8>) {
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: name.into(),
        bytes,
    });
    harness.step();
    settle(harness, name, |app| {
        app.state().ready() && app.state().doc.module().is_some_and(|m| m.name == name)
    });
}

/// Clicks the paused call's control `label` (Step over line…) and waits for the next
/// pause.
pub fn click_to_next_pause(harness: &mut Harness<'static, App>, label: &str) {
    next_pause(harness, label, |h| h.get_by_label(label).click());
}

/// Presses `key` (F11: Step…) while paused and waits for the next pause.
pub fn key_to_next_pause(harness: &mut Harness<'static, App>, key: egui::Key) {
    next_pause(harness, &format!("{key:?}"), |h| h.key_press(key));
}

/// Does `act` and waits until the call pauses again.
fn next_pause(
    harness: &mut Harness<'static, App>,
    what: &str,
    act: impl FnOnce(&mut Harness<'static, App>),
) {
    let count = |app: &App| app.state().doc.paused.as_ref().map(|p| p.pause.count);
    let before = count(harness.state());
    act(harness);
    harness.step();
    settle(harness, what, |app| {
        count(app).is_some_and(|now| Some(now) > before)
    });
}

/// Rests the pointer on the hex view's byte at `offset` until its tooltip shows.
pub fn hover_byte(harness: &mut Harness<'static, App>, offset: u64) {
    let pos = harness.state().hex().byte_pos(offset).unwrap();
    harness.hover_at(pos);
    harness.run_steps(4);
}
