//! The menu bar, keyboard shortcuts and dropped files.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::settings::Settings;
use super::state::AppState;
use super::{DEMO_MODULE, DEMO_NAME, UiCommand};

/// Ctrl+O: open a module.
pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
/// Ctrl+Enter: run the next walkthrough step.
pub const NEXT_STEP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
/// Ctrl+Shift+Enter: run every remaining step.
pub const RUN_ALL: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Enter);
/// Escape: stop the running call.
pub const STOP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Escape);

/// File and Settings menus.
pub fn menu_bar_ui(ui: &mut egui::Ui, settings: &Settings, cmds: &mut Vec<UiCommand>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            let open = egui::Button::new("Open…").shortcut_text(ui.ctx().format_shortcut(&OPEN));
            if ui.add(open).clicked() {
                cmds.push(UiCommand::OpenDialog);
            }
            if ui.button("Open the demo (append.wasm)").clicked() {
                cmds.push(UiCommand::LoadBytes {
                    name: DEMO_NAME.to_owned(),
                    bytes: DEMO_MODULE.to_vec(),
                });
            }
            ui.separator();
            if ui.button("Open session…").clicked() {
                cmds.push(UiCommand::OpenSessionDialog);
            }
            if ui.button("Save session…").clicked() {
                cmds.push(UiCommand::SaveSessionDialog);
            }
            ui.separator();
            ui.menu_button("Recent files", |ui| {
                if settings.recent.is_empty() {
                    ui.label("No recent files");
                }
                for path in &settings.recent {
                    if ui.button(path.display().to_string()).clicked() {
                        cmds.push(UiCommand::Open(path.clone()));
                    }
                }
                if !settings.recent.is_empty() {
                    ui.separator();
                    if ui.button("Clear recent files").clicked() {
                        cmds.push(UiCommand::ClearRecent);
                    }
                }
            });
            ui.separator();
            if ui.button("Quit").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
        if ui.button("Settings").clicked() {
            cmds.push(UiCommand::ToggleSettings);
        }
        ui.menu_button("Help", |ui| {
            ui.label("Steps: Ctrl+Enter runs the next one, Ctrl+Shift+Enter all of them.");
            ui.label("Esc stops a running call. Ctrl+O opens a module.");
            ui.label("Drop a .wasm or .wat file on the window to open it.");
            ui.label("Drop a session (.toml) to replay it. F7/F8 walk the timeline.");
            ui.label(
                "Stepping a call: F11 step (or step into the next call), F10 step over, \
                 Shift+F11 step out, F5 continue.",
            );
        });
    });
}

/// Global shortcuts (consumed so text fields do not see them).
pub fn shortcuts(ctx: &egui::Context, state: &AppState, cmds: &mut Vec<UiCommand>) {
    ctx.input_mut(|input| {
        if input.consume_shortcut(&OPEN) {
            cmds.push(UiCommand::OpenDialog);
        }
        if input.consume_shortcut(&RUN_ALL) {
            cmds.push(UiCommand::RunAll);
        }
        if input.consume_shortcut(&NEXT_STEP)
            && let Some(stage) = state.walk.next_stage()
        {
            cmds.push(UiCommand::Stage(stage));
        }
        if state.running.is_some() && input.consume_shortcut(&STOP) {
            cmds.push(UiCommand::Stop);
        }
    });
}

/// Opens files dropped on the window: sessions (`.toml`) are replayed, anything else
/// is opened as a module.
pub fn dropped_files(ctx: &egui::Context, cmds: &mut Vec<UiCommand>) {
    let dropped = ctx.input(|i| i.raw.dropped_files.clone());
    for file in dropped {
        let path = file.path().to_path_buf();
        if path.extension().is_some_and(|e| e == "toml") {
            cmds.push(UiCommand::OpenSession(path));
        } else {
            cmds.push(UiCommand::Open(path));
        }
    }
}
