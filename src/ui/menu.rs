//! The menu bar, keyboard shortcuts and dropped files.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::settings::Settings;
use super::state::AppState;
use super::{DEMO_MODULE, DEMO_NAME, UiCommand};
use crate::hostgen::Lang;

/// Ctrl+O: open a module.
pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
/// Ctrl+Enter: run the next walkthrough step.
pub const NEXT_STEP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);
/// Ctrl+Shift+Enter: run every remaining step.
pub const RUN_ALL: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Enter);
/// Escape: stop the running call.
pub const STOP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Escape);

/// How much larger text is in large-text mode.
const LARGE_TEXT: f32 = 1.4;

/// Sets every text style's size: egui's default, times `LARGE_TEXT` when `large`.
pub fn apply_text_size(ctx: &egui::Context, large: bool) {
    let defaults = egui::Style::default().text_styles;
    let factor = if large { LARGE_TEXT } else { 1.0 };
    ctx.all_styles_mut(|style| {
        for (text_style, font) in &mut style.text_styles {
            if let Some(default) = defaults.get(text_style) {
                font.size = default.size * factor;
            }
        }
    });
}

/// File, Settings, View and Help menus.
pub fn menu_bar_ui(ui: &mut egui::Ui, settings: &mut Settings, cmds: &mut Vec<UiCommand>) {
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
            if ui.button("Save picture of the hex view…").clicked() {
                cmds.push(UiCommand::SavePictureDialog);
            }
            if ui
                .button("Save animation of the step's writes…")
                .on_hover_text(
                    "The hex view, one frame per write (or per few) of the step viewed, or \
                     the newest that kept its writes: an animated PNG",
                )
                .clicked()
            {
                cmds.push(UiCommand::SaveAnimationDialog);
            }
            if ui.button("Copy picture of the hex view").clicked() {
                cmds.push(UiCommand::CopyPicture);
            }
            ui.menu_button("Export as", |ui| {
                for lang in [Lang::Rust, Lang::Js] {
                    let save = format!("{} ({})…", lang.label(), lang.file_name());
                    if ui.button(save).clicked() {
                        cmds.push(UiCommand::ExportDialog(lang));
                    }
                    if ui.button(format!("Copy as {}", lang.label())).clicked() {
                        cmds.push(UiCommand::CopyExport(lang));
                    }
                }
            });
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
        view_menu_ui(ui, settings);
        ui.menu_button("Help", |ui| {
            ui.menu_button("Lessons", |ui| {
                for (index, title) in super::lessons::bundled_titles().into_iter().enumerate() {
                    if ui.button(title).clicked() {
                        cmds.push(UiCommand::StartLesson(index));
                    }
                }
            });
            ui.separator();
            ui.label("Steps: Ctrl+Enter runs the next one, Ctrl+Shift+Enter all of them.");
            ui.label("Esc stops a running call. Ctrl+O opens a module.");
            ui.label("Drop a .wasm or .wat file on the window to open it.");
            ui.label("Drop a session (.toml) to replay it. F7/F8 walk the timeline.");
            ui.label(
                "Stepping a call: F11 step (or step into the next call), F10 step over, \
                 Shift+F11 step out, F5 continue.",
            );
            ui.label("Ctrl+Plus / Ctrl+Minus zoom, Ctrl+0 back to 100 %.");
        });
    });
}

/// Zoom (egui's Ctrl+Plus/Minus/0, remembered with the window), large text, and which
/// panels are shown.
fn view_menu_ui(ui: &mut egui::Ui, settings: &mut Settings) {
    ui.menu_button("View", |ui| {
        let ctx = ui.ctx().clone();
        let zoom = format!("Zoom: {:.0} %", ctx.zoom_factor() * 100.0);
        ui.label(zoom);
        let shortcut = |ui: &egui::Ui, key| {
            let shortcut = KeyboardShortcut::new(Modifiers::COMMAND, key);
            ui.ctx().format_shortcut(&shortcut)
        };
        let zoom_in = egui::Button::new("Zoom in").shortcut_text(shortcut(ui, Key::Plus));
        if ui.add(zoom_in).clicked() {
            egui::gui_zoom::zoom_in(&ctx);
        }
        let zoom_out = egui::Button::new("Zoom out").shortcut_text(shortcut(ui, Key::Minus));
        if ui.add(zoom_out).clicked() {
            egui::gui_zoom::zoom_out(&ctx);
        }
        let reset = egui::Button::new("Actual size").shortcut_text(shortcut(ui, Key::Num0));
        if ui.add(reset).clicked() {
            ctx.set_zoom_factor(1.0);
        }
        ui.separator();
        ui.checkbox(&mut settings.large_text, "Large text (projectors)");
        ui.checkbox(
            &mut settings.show_side,
            "Side panel (module, inspector, map)",
        );
        ui.checkbox(&mut settings.show_log, "Step log");
    });
}

/// Global shortcuts (consumed so text fields do not see them).
pub fn shortcuts(ctx: &egui::Context, state: &AppState, cmds: &mut Vec<UiCommand>) {
    ctx.input_mut(|input| {
        if input.consume_shortcut(&OPEN) {
            cmds.push(UiCommand::OpenDialog);
        }
        // In a lesson, Ctrl+Enter is its Next (the walkthrough is hidden).
        if state.doc.lesson.is_some() {
            if input.consume_shortcut(&NEXT_STEP) {
                cmds.push(UiCommand::LessonNext);
            }
        } else {
            if input.consume_shortcut(&RUN_ALL) {
                cmds.push(UiCommand::RunAll);
            }
            if input.consume_shortcut(&NEXT_STEP)
                && let Some(stage) = state.doc.walk.next_stage()
            {
                cmds.push(UiCommand::Stage(stage));
            }
        }
        if state.running().is_some() && input.consume_shortcut(&STOP) {
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
