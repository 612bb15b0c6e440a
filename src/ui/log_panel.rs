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
    // Back from a focused line: show the newest lines again.
    let last_focus_id = egui::Id::unique("wasmscope log focus");
    let last_focus: Option<usize> = ui.data(|d| d.get_temp(last_focus_id)).flatten();
    ui.data_mut(|d| d.insert_temp(last_focus_id, focus));
    let back_to_end = last_focus.is_some() && focus.is_none();
    let newly_focused = focus.is_some() && focus != last_focus;
    let mut area = egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .stick_to_bottom(focus.is_none());
    if back_to_end {
        // Jump (no animation) past the last line; the area clamps it to the end,
        // where sticking to the bottom holds from then on.
        area = area.vertical_scroll_offset(log.len() as f32 * 100.0);
    }
    area.show(ui, |ui| {
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
            if newly_focused && focus == Some(index) {
                response.scroll_to_me(Some(egui::Align::TOP));
            }
        }
    });
}
