//! The step log: the newsletter's printed lines, the bytes each step changed, and
//! errors in the theme's error colour. Selectable and copyable.

use super::state::{LogEntry, LogKind};

/// Draws the log, newest at the bottom, with a Copy button; `focus` (the first line
/// of the step viewed on the timeline) is highlighted and scrolled to.
pub fn log_ui(ui: &mut egui::Ui, log: &[LogEntry], focus: Option<usize>) {
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
        .stick_to_bottom(focus.is_none())
        .show(ui, |ui| {
            let visuals = ui.visuals().clone();
            for (index, entry) in log.iter().enumerate() {
                let text = egui::RichText::new(&entry.text).monospace();
                let text = match entry.kind {
                    LogKind::Error => text.color(visuals.error_fg_color),
                    LogKind::Changed => text.color(visuals.weak_text_color()),
                    LogKind::Step => text.strong(),
                    LogKind::Info => text,
                };
                let text = if focus == Some(index) {
                    text.background_color(visuals.selection.bg_fill)
                } else {
                    text
                };
                let response = ui.add(egui::Label::new(text).selectable(true));
                if focus == Some(index) {
                    response.scroll_to_me(Some(egui::Align::TOP));
                }
            }
        });
}
