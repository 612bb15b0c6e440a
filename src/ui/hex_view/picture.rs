//! The hex view as a picture: a title, the legend, the column titles and some rows
//! with their highlights, drawn by the same code as the live view (`paint_rows`),
//! without cursor, selection or search. File ▸ Save picture and `wasmscope shot`
//! both draw it, so they make the same PNG.

use std::collections::BTreeSet;

use egui::{FontId, Vec2};

use super::layout::Columns;
use super::rows::{Palette, RowMarks};
use super::toolbar::legend_ui;
use super::{GUTTER_WIDTH, header_ui, map_gutter_ui, paint_rows, row_height};
use crate::memory::MapKind;
use crate::ui::state::AppState;

/// Which rows a picture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PictureRows {
    /// The first row (its offset is `first * bytes_per_row`).
    pub first: u64,
    /// How many rows.
    pub count: u64,
    /// Bytes per row.
    pub bytes_per_row: usize,
}

impl PictureRows {
    /// `count` rows from the one holding `offset`, clamped to memory of `len` bytes.
    pub fn at(offset: u64, count: u64, bytes_per_row: usize, len: u64) -> Self {
        let per_row = bytes_per_row.max(1) as u64;
        let total = len.div_ceil(per_row);
        let count = count.clamp(1, total.max(1));
        let first = (offset / per_row).min(total.saturating_sub(count));
        Self {
            first,
            count,
            bytes_per_row,
        }
    }
}

/// Space around the picture's content, in points.
const MARGIN: f32 = 8.0;

fn font(ui: &egui::Ui) -> FontId {
    egui::TextStyle::Monospace.resolve(ui.style())
}

/// The size the picture needs, in points (from the style's fonts).
pub fn picture_size(ui: &egui::Ui, rows: &PictureRows, state: &AppState) -> Vec2 {
    let font = font(ui);
    let char_width = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let columns = Columns::new(state.snapshot(), state.host_base(), rows.bytes_per_row);
    let text_rows = 3.0 + rows.count as f32;
    let interact = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    egui::vec2(
        2.0 * MARGIN + GUTTER_WIDTH + char_width * columns.row_chars() as f32,
        2.0 * MARGIN + 2.0 * interact + row_height(ui, &font) * text_rows,
    )
}

/// Draws the picture: `title`, the legend, the column titles and the rows. Returns
/// the rectangle drawn.
pub fn picture_ui(
    ui: &mut egui::Ui,
    rows: &PictureRows,
    state: &AppState,
    hidden: &BTreeSet<MapKind>,
    title: &str,
) -> egui::Rect {
    let palette = Palette::new(ui.visuals());
    let font = font(ui);
    let char_width = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let row_height = row_height(ui, &font);
    let columns = Columns::new(state.snapshot(), state.host_base(), rows.bytes_per_row);
    let frame = egui::Frame::new().inner_margin(MARGIN).show(ui, |ui| {
        ui.strong(title);
        ui.horizontal(|ui| legend_ui(ui, &palette));
        header_ui(ui, &columns, &font, &palette, char_width, row_height);
        let size = egui::vec2(
            GUTTER_WIDTH + char_width * columns.row_chars() as f32,
            row_height * rows.count as f32,
        );
        let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
        let gutter = rect.with_max_x(rect.min.x + GUTTER_WIDTH - 2.0);
        let rows_rect = rect.with_min_x(rect.min.x + GUTTER_WIDTH);
        let range = rows.first..rows.first + rows.count;
        let per_row = rows.bytes_per_row as u64;
        map_gutter_ui(
            ui,
            range.clone(),
            per_row,
            state,
            hidden,
            gutter,
            row_height,
        );
        let marks = RowMarks {
            snapshot: state.snapshot(),
            host_base: state.host_base(),
            regions: state.regions(),
            changed: state.changed(),
            overruns: &state.doc.instance.marks.overruns,
            selection: None,
            matches: &[],
            outline: state.doc.instance.shown.clone(),
            writers: None,
            variables: state.variable_overlay(),
        };
        paint_rows(
            ui,
            &ui.painter_at(rows_rect),
            range,
            &marks,
            &columns,
            &font,
            &palette,
            hidden,
        );
    });
    frame.response.rect
}
