//! Two interruptions of the usual window: the engine thread has stopped (say why,
//! offer to restart it), and a session file asks for host access (show what, and
//! apply it only if the user agrees).

use super::UiCommand;
use super::state::AppState;

/// A banner while the engine is stopped, with a Restart button.
pub fn engine_stopped_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<UiCommand>) {
    let Some(why) = &state.engine_stopped else {
        return;
    };
    egui::Frame::new()
        .fill(ui.visuals().error_fg_color.gamma_multiply(0.15))
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.strong(format!("The engine stopped: {why}"));
                if ui.button("Restart the engine").clicked() {
                    cmds.push(UiCommand::RestartEngine);
                }
            });
        });
}

/// The question a session file with folders or environment variables raises.
pub fn session_offer_ui(ctx: &egui::Context, state: &AppState, cmds: &mut Vec<UiCommand>) {
    let Some(offer) = &state.offer else {
        return;
    };
    egui::Window::new("This session asks for access")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(format!(
                "The session {} asks to let the guest:",
                crate::recipe::file_name(&offer.path)
            ))
            .on_hover_text(offer.path.display().to_string());
            for grant in &offer.grants {
                ui.label(format!("  - {grant}"));
            }
            ui.label("Session files can come from anyone. Grant only what you trust.");
            ui.horizontal(|ui| {
                if ui.button("Allow and open").clicked() {
                    cmds.push(UiCommand::AnswerSession(Some(true)));
                }
                if ui.button("Open without them").clicked() {
                    cmds.push(UiCommand::AnswerSession(Some(false)));
                }
                if ui.button("Cancel").clicked() {
                    cmds.push(UiCommand::AnswerSession(None));
                }
            });
        });
}
