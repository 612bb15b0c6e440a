//! The paused frame's variables painted over the rows: each variable (and each heap
//! range one owns) framed in a colour of its own, thin ticks where its fields start,
//! and its title (`pts: point[8]`) in a chip right of the ASCII column on the row
//! where it starts.

use egui::{Color32, FontId, Painter, Pos2, Stroke};

use crate::inspect::Overlay;

use super::layout::Columns;
use super::rows::Palette;

/// Where one row is drawn.
pub struct RowPlace<'a> {
    pub painter: &'a Painter,
    /// The row's top left.
    pub pos: Pos2,
    pub columns: &'a Columns,
    pub char_width: f32,
    pub row_height: f32,
}

impl RowPlace<'_> {
    fn x(&self, col: usize) -> f32 {
        self.pos.x + col as f32 * self.char_width
    }

    /// Frames bytes `first..=last` of the row, in the hex and the ASCII columns.
    pub fn frame_bytes(&self, first: usize, last: usize, stroke: Stroke) {
        let columns = self.columns;
        let frame = |from: usize, to: usize| {
            let x = egui::Rangef::new(self.x(from) - 1.0, self.x(to) + 1.0);
            let y = egui::Rangef::new(self.pos.y, self.pos.y + self.row_height);
            let rect = egui::Rect::from_x_y_ranges(x, y);
            self.painter
                .rect_stroke(rect, 2.0, stroke, egui::StrokeKind::Inside);
        };
        frame(columns.hex_char(first), columns.hex_char(last) + 2);
        frame(
            columns.ascii_start() + first,
            columns.ascii_start() + last + 1,
        );
    }
}

/// Paints the overlay's regions on the row whose first byte is `offset`.
pub fn paint_row(
    place: &RowPlace<'_>,
    overlay: &Overlay,
    offset: u64,
    palette: &Palette,
    font: &FontId,
) {
    let per_row = place.columns.bytes_per_row as u64;
    let row_end = offset + per_row;
    let mut titles: Vec<(&str, Color32)> = Vec::new();
    for root in overlay.roots_in(offset..row_end) {
        let colour = palette.variable(&root.variable);
        let start = root.range.start.max(offset);
        let end = root.range.end.min(row_end);
        place.frame_bytes(
            (start - offset) as usize,
            (end - offset - 1) as usize,
            Stroke::new(1.5, colour),
        );
        // A tick in the gap before each field that starts on this row.
        let first = root.boundaries.partition_point(|&b| b < start);
        for &boundary in root.boundaries[first..].iter().take_while(|&&b| b < end) {
            let i = (boundary - offset) as usize;
            let x = place.x(place.columns.hex_char(i)) - place.char_width * 0.5;
            let y = egui::Rangef::new(place.pos.y + 3.0, place.pos.y + place.row_height - 3.0);
            place.painter.vline(x, y, Stroke::new(1.0, colour));
        }
        if (offset..row_end).contains(&root.range.start) {
            titles.push((&root.title, colour));
        }
    }
    let mut x = place.x(place.columns.row_chars() + 2);
    let small = FontId::proportional(font.size * 11.0 / 13.0);
    for (title, colour) in titles {
        let galley = place
            .painter
            .layout_no_wrap(title.to_owned(), small.clone(), palette.text);
        let size = galley.size() + egui::vec2(8.0, 0.0);
        let top = place.pos.y + (place.row_height - size.y) / 2.0;
        let chip = egui::Rect::from_min_size(egui::pos2(x, top), size);
        place
            .painter
            .rect_filled(chip, 3.0, colour.gamma_multiply(0.35));
        place.painter.rect_stroke(
            chip,
            3.0,
            Stroke::new(1.0, colour),
            egui::StrokeKind::Inside,
        );
        place
            .painter
            .galley(chip.min + egui::vec2(4.0, 0.0), galley, palette.text);
        x = chip.max.x + 6.0;
    }
}
