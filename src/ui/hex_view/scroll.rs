//! Scrolling over a `u64` row index: the wheel, page keys and a scrollbar whose
//! thumb maps onto the row range, so 4 GiB scrolls as well as 64 KiB.

use egui::Sense;

use super::HexView;

/// Width of the scrollbar.
pub const SCROLLBAR_WIDTH: f32 = 12.0;

/// Moves `view.first_row` by the wheel (when hovered).
pub fn wheel_input(ui: &egui::Ui, view: &mut HexView, hovered: bool, row_height: f32) {
    if !hovered {
        return;
    }
    let wheel = ui.input(|i| i.smooth_scroll_delta.y);
    view.wheel_remainder += wheel / row_height;
    let rows = view.wheel_remainder.trunc();
    view.wheel_remainder -= rows;
    if rows > 0.0 {
        view.first_row = view.first_row.saturating_sub(rows as u64);
    } else if rows < 0.0 {
        view.first_row = view.first_row.saturating_add((-rows) as u64);
    }
}

/// Draws a vertical scrollbar in `track` and applies clicks and drags on it.
pub fn scrollbar_ui(ui: &mut egui::Ui, view: &mut HexView, track: egui::Rect, total_rows: u64) {
    let response = ui.interact(
        track,
        ui.scope_id().with("hex_scrollbar"),
        Sense::click_and_drag(),
    );
    let max_first = total_rows.saturating_sub(view.visible_rows);
    let visible_fraction = (view.visible_rows as f64 / total_rows.max(1) as f64).min(1.0);
    let thumb_height = (f64::from(track.height()) * visible_fraction).max(20.0) as f32;
    let travel = (track.height() - thumb_height).max(1.0);
    if let Some(pointer) = response.interact_pointer_pos() {
        let fraction = ((pointer.y - track.min.y - thumb_height / 2.0) / travel).clamp(0.0, 1.0);
        view.first_row = (f64::from(fraction) * max_first as f64).round() as u64;
    }
    let fraction = if max_first == 0 {
        0.0
    } else {
        (view.first_row as f64 / max_first as f64) as f32
    };
    let thumb = egui::Rect::from_min_size(
        egui::pos2(track.min.x + 2.0, track.min.y + fraction * travel),
        egui::vec2(SCROLLBAR_WIDTH - 4.0, thumb_height),
    );
    let visuals = ui.visuals();
    ui.painter()
        .rect_filled(track, 0.0, visuals.extreme_bg_color);
    let color = if response.hovered() || response.dragged() {
        visuals.widgets.hovered.bg_fill
    } else {
        visuals.widgets.inactive.bg_fill
    };
    ui.painter().rect_filled(thumb, 4.0, color);
}
