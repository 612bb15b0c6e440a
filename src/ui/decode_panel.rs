//! The data inspector: the bytes at the cursor read as every type, with the byte order
//! chosen by the user and pointers that can be followed.

use egui::RichText;

use crate::memory::{DecodedRow, Endian, decode};

use super::hex_view::HexView;
use super::state::AppState;

/// Draws the decoded values of the bytes at `cursor`: numbers in pairs (signed and
/// unsigned side by side), then text, then pointers with a follow button.
pub fn decode_ui(ui: &mut egui::Ui, state: &AppState, cursor: u64, view: &mut HexView) {
    ui.horizontal(|ui| {
        ui.strong("Data inspector");
        ui.selectable_value(&mut view.endian, Endian::Little, "little endian");
        ui.selectable_value(&mut view.endian, Endian::Big, "big endian");
    });
    let rows = decode(&state.snapshot, cursor, view.endian).rows();
    let (pointers, values): (Vec<&DecodedRow>, Vec<&DecodedRow>) =
        rows.iter().partition(|r| r.label.starts_with("ptr"));
    let (text, numbers): (Vec<&DecodedRow>, Vec<&DecodedRow>) =
        values.into_iter().partition(|r| r.label == "UTF-8");
    egui::Grid::new("data_inspector")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for pair in numbers.chunks(2) {
                for row in pair {
                    value_cells(ui, row);
                }
                ui.end_row();
            }
        });
    for row in text {
        ui.horizontal(|ui| value_cells(ui, row));
    }
    let mut follow = None;
    for row in pointers {
        ui.horizontal(|ui| {
            value_cells(ui, row);
            if let Some(target) = row.follow {
                let button = ui
                    .small_button(format!("follow {}", row.label))
                    .on_hover_text(format!("Go to {target:#x} (Alt+Left comes back)"));
                if button.clicked() {
                    follow = Some(target);
                }
            }
        });
    }
    if let Some(target) = follow {
        view.go_to(target);
    }
}

fn value_cells(ui: &mut egui::Ui, row: &DecodedRow) {
    ui.label(RichText::new(row.label).weak());
    ui.add(egui::Label::new(RichText::new(&row.text).monospace()).selectable(true));
}
