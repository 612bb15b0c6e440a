//! The step log: the newsletter's printed lines, the bytes each step changed, and
//! errors in the theme's error colour. Selectable and copyable.

use super::state::{LogEntry, LogKind};

/// Draws the log, newest at the bottom, with a Copy button.
pub fn log_ui(ui: &mut egui::Ui, log: &[LogEntry]) {
    ui.horizontal(|ui| {
        ui.strong("Step log");
        if ui
            .small_button("Copy")
            .on_hover_text("Copy the whole log as text")
            .clicked()
        {
            let text: Vec<&str> = log.iter().map(|e| e.text.as_str()).collect();
            ui.ctx().copy_text(text.join("\n"));
        }
    });
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show(ui, |ui| {
            let visuals = ui.visuals().clone();
            for entry in log {
                let text = egui::RichText::new(&entry.text).monospace();
                let text = match entry.kind {
                    LogKind::Error => text.color(visuals.error_fg_color),
                    LogKind::Changed => text.color(visuals.weak_text_color()),
                    LogKind::Step => text.strong(),
                    LogKind::Info => text,
                };
                ui.add(egui::Label::new(text).selectable(true));
            }
        });
}
