//! What hovering a byte shows: where it is (guest offset, host address) and what it
//! holds (u8, i32, UTF-8), plus the region and whether the last step changed it.

use crate::memory::{TracedWrite, region_at};
use crate::ui::state::AppState;
use crate::ui::step_results::writer_name;
use crate::ui::timeline::change_line;

use super::rows::in_sorted;

/// The hover text of the byte at `offset`.
pub fn byte_tooltip_ui(ui: &mut egui::Ui, state: &AppState, offset: u64) {
    let snapshot = state.snapshot();
    let byte = snapshot.byte(offset).unwrap_or(0);
    ui.monospace(format!("guest offset {offset:#x} ({offset})"));
    ui.monospace(format!(
        "host address {:#x}",
        state.host_base().wrapping_add(offset)
    ));
    ui.monospace(format!("u8  {byte} ({byte:#04x})"));
    if let Ok(bytes) = <[u8; 4]>::try_from(snapshot.read(offset, 4).as_slice()) {
        ui.monospace(format!("i32 {} (little endian)", i32::from_le_bytes(bytes)));
    }
    let utf8 = String::from_utf8_lossy(&snapshot.read(offset, 4))
        .chars()
        .next()
        .map_or(String::new(), |c| format!("{c:?}"));
    ui.monospace(format!("UTF-8 {utf8}"));
    let variable = state.variable_overlay().and_then(|o| o.at(offset));
    if let Some(label) = variable {
        let host = state.host_base().wrapping_add(label.range.start);
        ui.label(
            egui::RichText::new(format!(
                "{}: {} = {} at {:#x} (host {host:#x})",
                label.path, label.type_name, label.value, label.range.start
            ))
            .monospace()
            .strong(),
        );
    }
    if let Some(region) = region_at(state.regions(), offset) {
        ui.label(format!("{}: {}", region.kind.name(), region.label));
    }
    if in_sorted(state.changed(), offset) {
        ui.label(format!("changed by {}", state.shown_changes().step));
    }
    if let Some(writer) = state.doc.instance.writers.writer_at(offset) {
        // Who wrote it last is about live memory, also while the past is shown.
        let live = match state.doc.instance.timeline.viewing() {
            Some(_) => " (in live memory)",
            None => "",
        };
        let into = variable.map_or(String::new(), |l| format!(" into `{}`", l.path));
        ui.label(format!(
            "written by {}{into} in step {}{live}",
            writer.what, writer.step
        ));
    }
    history_ui(ui, state, offset);
}

/// Most writes of a byte the tooltip lists (the newest).
const HISTORY_LINES: usize = 8;

/// Every write of the byte the timeline knows of, newest last.
fn history_ui(ui: &mut egui::Ui, state: &AppState, offset: u64) {
    let timeline = &state.doc.instance.timeline;
    if timeline.calls.is_empty() {
        return;
    }
    let dwarf = state.doc.module().and_then(|m| m.dwarf.as_deref());
    let name = |write: &TracedWrite| writer_name(write, dwarf);
    match timeline.byte_history(offset, name) {
        Ok(changes) if changes.is_empty() => {
            ui.weak("history: not written in this session");
        }
        Ok(changes) => {
            let skipped = changes.len().saturating_sub(HISTORY_LINES);
            let title = match skipped {
                0 => format!(
                    "history ({}):",
                    crate::text::count(changes.len() as u64, "write")
                ),
                n => format!(
                    "history ({} writes, the last {HISTORY_LINES}):",
                    n + HISTORY_LINES
                ),
            };
            ui.label(title);
            for change in &changes[skipped..] {
                ui.monospace(change_line(change));
            }
        }
        Err(why) => {
            ui.weak(why);
        }
    }
}
