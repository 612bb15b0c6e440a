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
    // The log sticks to its end unless the user scrolls up or a step's line is
    // focused. Back from a focused line it scrolls to the last line for a few frames
    // (lines may still come).
    let memory_id = egui::Id::unique("wasmscope log scroll");
    let (last_focus, jumps_left): (Option<usize>, u8) =
        ui.data(|d| d.get_temp(memory_id)).unwrap_or((None, 0));
    let newly_focused = focus.is_some() && focus != last_focus;
    let jumps_left = match (last_focus, focus) {
        (Some(_), None) => 3,
        (_, Some(_)) => 0,
        (None, None) => jumps_left.saturating_sub(1),
    };
    ui.data_mut(|d| d.insert_temp(memory_id, (focus, jumps_left)));
    let area = egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .animated(false)
        .stick_to_bottom(focus.is_none());
    area.show(ui, |ui| {
        let visuals = ui.visuals().clone();
        for (index, entry) in log.iter().enumerate() {
            let text = egui::RichText::new(drawable(&entry.text)).monospace();
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
            // The focused line is kept in view (while a past step is shown); back
            // from it, the last line is.
            if focus == Some(index) && (newly_focused || !ui.is_rect_visible(response.rect)) {
                response.scroll_to_me_animation(
                    Some(egui::Align::TOP),
                    egui::style::ScrollAnimation::none(),
                );
            } else if jumps_left > 0 && index + 1 == log.len() {
                response.scroll_to_me_animation(
                    Some(egui::Align::BOTTOM),
                    egui::style::ScrollAnimation::none(),
                );
            }
        }
    });
}

/// `text` with what egui's fonts cannot draw made drawable: U+FFFD (where invalid
/// UTF-8 from a guest was replaced) becomes `?`. Copies keep the original.
pub fn drawable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\u{FFFD}') {
        text.replace('\u{FFFD}', "?").into()
    } else {
        text.into()
    }
}
