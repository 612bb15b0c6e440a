//! The Lesson tab: the title, where you are, the note of the step that just ran
//! (values filled in, `code` in monospace), and Back / Next.

use egui::text::{LayoutJob, TextFormat};

use crate::ui::UiCommand;
use crate::ui::context::PanelContext;

/// Draws the lesson tab's content.
pub fn lesson_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
    let Some(lesson) = &ctx.doc.lesson else {
        return;
    };
    let page = ctx.doc.lesson_page();
    let total = lesson.steps.len();
    ui.add_space(4.0);
    ui.heading(&lesson.lesson.title);
    ui.weak(match page {
        0 => format!("Introduction · {total} steps"),
        n => format!("Step {n} of {total}: {}", lesson.steps[n - 1].op.describe()),
    });
    ui.separator();
    let busy = !ctx.can_step;
    ui.horizontal(|ui| {
        let back = ui.add_enabled(page > 0 && !busy, egui::Button::new("< Back"));
        if back.on_hover_text("Go back one step").clicked() {
            ctx.push(UiCommand::LessonBack);
        }
        let next_label = match lesson.steps.get(page) {
            Some(step) => format!("Next: {} >", step.op.describe()),
            None => "The end".to_owned(),
        };
        let next = ui.add_enabled(page < total && !busy, egui::Button::new(next_label));
        if next.clicked() {
            ctx.push(UiCommand::LessonNext);
        }
    });
    ui.add_space(4.0);
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .max_height(ui.available_height() - 32.0)
        .show(ui, |ui| {
            note_ui(
                ui,
                &crate::ui::log_panel::drawable(&ctx.doc.lesson_text(ctx.host_base)),
            )
        });
    ui.separator();
    if ui.small_button("Leave the lesson").clicked() {
        ctx.push(UiCommand::LeaveLesson);
    }
}

/// The note as wrapped text, `code` spans in monospace.
fn note_ui(ui: &mut egui::Ui, text: &str) {
    let style = ui.style();
    let body = egui::TextStyle::Body.resolve(style);
    let mono = egui::TextStyle::Monospace.resolve(style);
    let color = ui.visuals().text_color();
    let code_bg = ui.visuals().code_bg_color;
    let mut job = LayoutJob::default();
    for (i, part) in text.split('`').enumerate() {
        let format = if i % 2 == 1 {
            TextFormat {
                font_id: mono.clone(),
                color,
                background: code_bg,
                ..TextFormat::default()
            }
        } else {
            TextFormat::simple(body.clone(), color)
        };
        job.append(part, 0.0, format);
    }
    job.wrap.max_width = ui.available_width();
    ui.label(job);
}
