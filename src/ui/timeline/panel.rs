//! The timeline strip: one entry per step of the session (label, bytes changed, a
//! mark for a failure or an overrun), and one per pause inside a stepped call. Click
//! an entry to see memory as it was then; Shift+click a second to see where the two
//! differ. While a past entry is shown, a banner says so and offers "Back to live"
//! and, for a step, "Continue from here".

use egui::RichText;

use crate::memory::{format_ranges, plural_bytes};

use crate::ui::UiCommand;
use crate::ui::context::PanelContext;

/// F7 / F8: one step back / forward on the timeline (Alt+Left/Right already walk the
/// hex view's places, and text fields own the arrows).
pub const BACK: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::NONE, egui::Key::F7);
/// See [`BACK`].
pub const FORWARD: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::NONE, egui::Key::F8);

/// Draws the strip and, while a past step is shown, the banner.
pub fn timeline_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
    let timeline = &ctx.doc.instance.timeline;
    ui.horizontal(|ui| {
        ui.strong("Timeline");
        if timeline.is_empty() {
            ui.weak("no steps yet: each step you run appears here");
            return;
        }
        ui.weak("(click: memory after the step; Shift+click: compare; F7/F8: back/forward)");
    });
    if timeline.is_empty() {
        return;
    }
    // A solid bar below the entries: a floating one would cover them on hover and
    // take their clicks.
    ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
    egui::ScrollArea::horizontal()
        .id_salt("timeline strip")
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::VisibleWhenNeeded)
        .stick_to_right(true)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                for (index, (entry, mark)) in
                    timeline.history.iter().zip(&timeline.marks).enumerate()
                {
                    let shown = timeline.viewing() == Some(index)
                        || timeline.comparison().is_some_and(|c| c.from == index);
                    let step = timeline.step_index(index);
                    let mut text = match step {
                        Some(step) => format!("{} {}", step + 1, entry.label),
                        None => entry.label.clone(),
                    };
                    if mark.failed {
                        text.push_str(if mark.pause { "  traps" } else { "  failed" });
                    } else if mark.overrun {
                        text.push_str("  overrun");
                    }
                    let mut rich = RichText::new(text);
                    if mark.pause {
                        rich = rich.small();
                    }
                    if mark.failed || mark.overrun {
                        rich = rich.color(ui.visuals().error_fg_color);
                    }
                    let button = egui::Button::new(rich)
                        .selected(shown)
                        .right_text(RichText::new(plural_bytes(mark.changed_bytes)).weak());
                    let hover = match step {
                        Some(step) => format!(
                            "Step {}: {} changed {}",
                            step + 1,
                            entry.label,
                            plural_bytes(mark.changed_bytes)
                        ),
                        None => format!(
                            "Inside a stepped call, {}: {} changed since the pause before",
                            entry.label,
                            plural_bytes(mark.changed_bytes)
                        ),
                    };
                    let response = ui.add(button).on_hover_text(hover);
                    if response.clicked() {
                        let shift = ui.input(|i| i.modifiers.shift);
                        ctx.push(if shift {
                            UiCommand::CompareWith(index)
                        } else {
                            UiCommand::ViewStep(Some(index))
                        });
                    }
                }
            });
        });
    super::scrub_panel::scrubber_ui(ui, ctx);
    banner_ui(ui, ctx);
}

/// "Viewing step 3 of 7 — back to live", with the differences of a comparison.
fn banner_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
    let timeline = &ctx.doc.instance.timeline;
    let Some((index, _, label)) = timeline.viewed() else {
        return;
    };
    let total = timeline.steps();
    let step = timeline.step_index(index);
    egui::Frame::new()
        .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
        .inner_margin(4.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                match timeline.comparison() {
                    Some(c) => ui.strong(format!(
                        "Comparing {} with {} (read-only): {}",
                        timeline.name(c.from),
                        timeline.name(c.to),
                        if c.ranges.is_empty() {
                            "no bytes differ".to_owned()
                        } else {
                            format_ranges(&c.ranges)
                        }
                    )),
                    None => ui.strong(match (step, timeline.scrub()) {
                        (Some(step), Some(scrub)) => format!(
                            "Viewing step {} of {total}: {label} after write {} of {} \
                             (read-only)",
                            step + 1,
                            scrub.at,
                            scrub.len()
                        ),
                        (Some(step), None) => {
                            format!("Viewing step {} of {total}: {label} (read-only)", step + 1)
                        }
                        (None, _) => {
                            format!("Viewing {label}, inside a stepped call (read-only)")
                        }
                    }),
                };
                if ui.button("Back to live").clicked() {
                    ctx.push(UiCommand::ViewStep(None));
                }
                // A pause is inside a call: the session can only go back to a step.
                if let Some(step) = step {
                    let can_rewind = ctx.doc.wasm.is_some() && !ctx.busy;
                    if ui
                        .add_enabled(can_rewind, egui::Button::new("Continue from here"))
                        .on_hover_text(
                            "Instantiate the module again, replay the session up to this \
                             step, and drop the steps after it",
                        )
                        .clicked()
                    {
                        ctx.push(UiCommand::ContinueFrom(step));
                    }
                }
            });
        });
}
