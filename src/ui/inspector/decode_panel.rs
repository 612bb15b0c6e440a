//! The data inspector: the bytes at the cursor read as every type, with the byte order
//! chosen by the user and pointers that can be followed.

use egui::RichText;

use crate::memory::{DecodedRow, Endian, decode};

use crate::ui::UiCommand;
use crate::ui::context::PanelContext;

/// Draws the decoded values of the bytes at `cursor`: numbers in pairs (signed and
/// unsigned side by side) when the panel is wide enough for the widest value any
/// bytes can give, else one a row (so the layout does not jump as the cursor moves);
/// then text (wrapped), then pointers with a follow button. No value is cut.
pub fn decode_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>, cursor: u64, endian: &mut Endian) {
    ui.horizontal(|ui| {
        ui.strong("Data inspector");
        ui.selectable_value(endian, Endian::Little, "little endian");
        ui.selectable_value(endian, Endian::Big, "big endian");
    });
    // Inside a variable of the paused frame: the bytes as its type first.
    let variable = ctx.doc.paused.as_ref().and_then(|p| p.variables.as_ref());
    if let Some(label) = variable.and_then(|v| v.overlay.at(cursor)) {
        ui.label(
            RichText::new(format!(
                "{}: {} = {}",
                label.path, label.type_name, label.value
            ))
            .monospace()
            .strong(),
        )
        .on_hover_text("The bytes at the cursor as the variable's type (DWARF)");
    }
    let rows = decode(ctx.memory(), cursor, *endian).rows();
    let (pointers, values): (Vec<&DecodedRow>, Vec<&DecodedRow>) =
        rows.iter().partition(|r| r.label.starts_with("ptr"));
    let (text, numbers): (Vec<&DecodedRow>, Vec<&DecodedRow>) =
        values.into_iter().partition(|r| r.label == "UTF-8");
    if 2.0 * row_width(ui, WIDEST_LABEL, WIDEST_VALUE) <= ui.available_width() {
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
    } else {
        for row in numbers {
            ui.horizontal_wrapped(|ui| value_cells(ui, row));
        }
    }
    for row in text {
        ui.horizontal_wrapped(|ui| value_cells(ui, row));
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
    if let Some(offset) = follow {
        ctx.push(UiCommand::Reveal {
            offset,
            cursor: true,
        });
    }
}

/// The longest label and value the number rows can show (a u64 with its hex).
const WIDEST_LABEL: &str = "ULEB128";
const WIDEST_VALUE: &str = "18446744073709551615 (0xffffffffffffffff)";

/// The width a label and a value take on one line.
fn row_width(ui: &egui::Ui, label: &str, value: &str) -> f32 {
    let width = |text: &str, style: egui::TextStyle| {
        let font = style.resolve(ui.style());
        ui.ctx().fonts_mut(|fonts| {
            fonts
                .layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE)
                .size()
                .x
        })
    };
    width(label, egui::TextStyle::Body)
        + width(value, egui::TextStyle::Monospace)
        + 3.0 * ui.spacing().item_spacing.x
}

fn value_cells(ui: &mut egui::Ui, row: &DecodedRow) {
    ui.label(RichText::new(row.label).weak());
    // Wraps (at the space before the hex) rather than running past the panel's edge.
    ui.add(
        egui::Label::new(RichText::new(&row.text).monospace())
            .selectable(true)
            .wrap(),
    );
}
