//! The status bar: module state, memory size and host base, and the running call
//! with its elapsed time and Stop.

use crate::engine::human_bytes;

use super::UiCommand;
use super::state::AppState;

/// Draws the status bar.
pub fn status_bar_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<UiCommand>) {
    ui.horizontal(|ui| {
        if let Some(paused) = &state.doc.paused {
            ui.label(format!("Paused at {}", paused.pause.top.place));
            let stop = egui::Button::new("Stop").shortcut_text("Esc");
            if ui.add(stop).clicked() {
                cmds.push(UiCommand::Stop);
            }
        } else if let Some(running) = state.running() {
            ui.add(egui::Spinner::new());
            let elapsed = running.started.elapsed().as_secs_f64();
            ui.label(format!("Running {} … {elapsed:.1} s", running.label));
            let stop = egui::Button::new("Stop").shortcut_text("Esc");
            if ui.add(stop).clicked() {
                cmds.push(UiCommand::Stop);
            }
        } else if let Some(loading) = &state.loading {
            ui.add(egui::Spinner::new());
            ui.label(format!("Loading {} …", loading.name));
        } else if state.ready() {
            ui.label("Ready");
        } else {
            ui.label("No module");
        }
        ui.separator();
        let memory = state.snapshot().len_bytes();
        let pages = memory / 65536;
        let plural = if pages == 1 { "" } else { "s" };
        ui.label(format!(
            "Memory {} ({pages} page{plural})",
            human_bytes(memory)
        ));
        ui.separator();
        ui.label(format!("Host base {:#x}", state.host_base()))
            .on_hover_text(
                "The host address of guest offset 0 (wasmtime's Memory::data_ptr). \
                 Host address = host base + guest offset. It can move when memory grows.",
            );
    });
}
