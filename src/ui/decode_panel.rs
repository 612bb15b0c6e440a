//! The data inspector: the bytes at the cursor read as every type, with the byte order
//! chosen by the user and pointers that can be followed.

use crate::memory::{Endian, decode};

use super::hex_view::HexView;
use super::state::AppState;

/// Draws the decoded values of the bytes at `cursor`.
pub fn decode_ui(ui: &mut egui::Ui, state: &AppState, cursor: u64, view: &mut HexView) {
    ui.horizontal(|ui| {
        ui.strong("Data inspector");
        ui.selectable_value(&mut view.endian, Endian::Little, "little endian");
        ui.selectable_value(&mut view.endian, Endian::Big, "big endian");
    });
    let decoded = decode(&state.snapshot, cursor, view.endian);
    let mut follow = None;
    egui::Grid::new("data_inspector")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for row in decoded.rows() {
                ui.label(row.label);
                ui.add(egui::Label::new(egui::RichText::new(&row.text).monospace()).selectable(true));
                match row.follow {
                    Some(target) => {
                        let button = ui
                            .small_button(format!("follow {}", row.label))
                            .on_hover_text(format!("Go to {target:#x} (Alt+Left comes back)"));
                        if button.clicked() {
                            follow = Some(target);
                        }
                    }
                    None => {
                        ui.label("");
                    }
                }
                ui.end_row();
            }
        });
    if let Some(target) = follow {
        view.go_to(target);
    }
}
