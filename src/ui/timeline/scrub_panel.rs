//! The scrubber under the timeline: one position per write of the step viewed (live:
//! the newest), when it recorded its writes. Drag it, or focus it and
//! use Left/Right; "< write" and "write >" move one write. The hex view then shows memory after that
//! write with its bytes marked, and the line under the scrubber names the instruction
//! (and its source line, with DWARF).

use crate::inspect::Dwarf;
use crate::ui::UiCommand;
use crate::ui::context::PanelContext;

/// Draws the scrubber, if the step it would scrub kept its writes.
pub fn scrubber_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
    let timeline = &ctx.doc.instance.timeline;
    if ctx.doc.paused.is_some() {
        return;
    }
    // The step viewed, else the newest.
    let Some(entry) = timeline.viewing().or(timeline.len().checked_sub(1)) else {
        return;
    };
    let Some(call) = timeline.calls.get(entry) else {
        if timeline.viewing().is_none() && timeline.calls.at_or_before(entry).is_some() {
            ui.weak("Click a step on the timeline to go through its writes one by one.");
        }
        return;
    };
    let len = call.writes.len();
    if let Some(building) = timeline.building().filter(|b| b.entry == entry) {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!(
                "Preparing the scrubber: replaying the {} writes of {}…",
                building.writes,
                timeline.name(entry)
            ));
        });
        return;
    }
    let scrub = timeline.scrub().filter(|s| s.entry == entry);
    let at = scrub.map_or(len, |s| s.at);
    let mut to = None;
    ui.horizontal(|ui| {
        ui.label(format!("Writes of {}:", timeline.name(entry)));
        if ui
            .add_enabled(at > 0, egui::Button::new("< write").small())
            .on_hover_text("Memory before this write")
            .clicked()
        {
            to = Some(at - 1);
        }
        let mut value = at;
        ui.spacing_mut().slider_width = (ui.available_width() - 220.0).clamp(120.0, 640.0);
        let slider = egui::Slider::new(&mut value, 0..=len)
            .integer()
            // One write per arrow key (egui's default is a point of the rail).
            .step_by(1.0)
            .suffix(format!(" of {len}"));
        let response = ui.add(slider).on_hover_text(
            "Memory after this many of the step's writes (drag, or click and use \
             Left/Right)",
        );
        // Dragging leaves the keys with the slider, so Left/Right go on from there.
        if response.drag_started() || response.clicked() {
            response.request_focus();
        }
        if response.changed() {
            to = Some(value);
        }
        if ui
            .add_enabled(at < len, egui::Button::new("write >").small())
            .on_hover_text("Memory after the next write")
            .clicked()
        {
            to = Some(at + 1);
        }
    });
    let dwarf = ctx.doc.module().and_then(|m| m.dwarf.as_deref());
    match scrub.and_then(|s| s.write.as_ref()) {
        Some(write) => ui.monospace(Dwarf::write_line(dwarf, write)),
        None if scrub.is_some() => ui.weak("memory as the step found it"),
        None => ui.weak("drag to watch the step's writes land one by one"),
    };
    if let Some(at) = to {
        ctx.push(UiCommand::Scrub { entry, at });
    }
}
