//! The hex view of linear memory: host address, guest offset, bytes and ASCII per
//! row, with the allocation, the input and the output highlighted and the bytes the
//! last step changed marked. Scrolling is our own (a `u64` first row), so frame cost
//! does not depend on the size of memory (see ARCHITECTURE.md).

mod copy;
mod goto;
mod layout;
mod overlay;
mod picture;
mod rows;
mod scroll;
mod search;
mod toolbar;
mod tooltip;
mod view;

use std::collections::BTreeSet;
use std::ops::Range;

use egui::{FontId, Sense};

use super::UiCommand;
use super::inspector::memory_map_panel::layer_color;
use super::state::AppState;
use crate::memory::{CHUNK_BYTES, MapKind};
pub use copy::CopyAs;
pub use goto::resolve as resolve_offset;
use layout::Columns;
pub use picture::{PictureRows, picture_size, picture_ui};
use rows::{Palette, RowMarks, row_job};
pub use search::{SearchBar, SearchKind};
pub use view::HexView;

/// The colour the hex view gives bytes written by `group` (a function, `the host`) when
/// it colours them by writer.
pub fn writer_colour(visuals: &egui::Visuals, group: &str) -> egui::Color32 {
    rows::Palette::new(visuals).writer(group)
}
use view::RowsLayout;

/// Width of the memory-map gutter left of the rows.
const GUTTER_WIDTH: f32 = 6.0;

/// Draws the toolbar, then the rows (with the memory map's visible layers in a gutter
/// and page boundaries as lines); handles hover, clicks, drags and keys.
pub fn hex_view_ui(
    ui: &mut egui::Ui,
    view: &mut HexView,
    state: &AppState,
    hidden: &BTreeSet<MapKind>,
    cmds: &mut Vec<UiCommand>,
) {
    let palette = Palette::new(ui.visuals());
    toolbar::toolbar_ui(ui, view, state, &palette, cmds);
    ui.horizontal(|ui| {
        let mut search = std::mem::take(&mut view.search);
        search::search_ui(ui, &mut search, view, state.snapshot());
        view.search = search;
    });
    let snapshot = state.snapshot();
    let len_bytes = snapshot.len_bytes();
    if len_bytes == 0 {
        ui.weak("This module has no linear memory to show.");
        return;
    }
    // The style's monospace font (13 points by default), so large text grows it too.
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let char_width = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let row_height = row_height(ui, &font);
    let host_base = state.host_base();
    let columns = Columns::new(snapshot, host_base, view.bytes_per_row);
    let per_row = view.bytes_per_row as u64;
    let total_rows = len_bytes.div_ceil(per_row);

    header_ui(ui, &columns, &font, &palette, char_width, row_height);

    let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Group, true, "Hex view of linear memory")
    });
    let gutter = rect.with_max_x(rect.min.x + GUTTER_WIDTH - 2.0);
    let rows_rect = rect
        .with_min_x(rect.min.x + GUTTER_WIDTH)
        .with_max_x(rect.max.x - scroll::SCROLLBAR_WIDTH);
    view.visible_rows = ((rows_rect.height() / row_height).floor() as u64).max(1);
    view.layout = Some(RowsLayout {
        rect: rows_rect,
        row_height,
        char_width,
        columns,
    });

    pointer_input(ui, view, &response, len_bytes);
    // Keys move the cursor when the view has focus, or is hovered while no text
    // field has it.
    let no_field_focused = ui.memory(|m| m.focused().is_none());
    if response.has_focus() || (response.hovered() && no_field_focused) {
        view.keyboard(ui, len_bytes);
    }
    scroll::wheel_input(ui, view, response.hovered(), row_height);
    view.apply_reveal(total_rows);
    scroll::scrollbar_ui(ui, view, rect.with_min_x(rows_rect.max.x), total_rows);

    let visible = view.first_row * per_row..(view.first_row + view.visible_rows) * per_row;
    let matches = view.search.matches(snapshot, visible);
    let marks = RowMarks {
        snapshot,
        host_base,
        regions: state.regions(),
        changed: state.changed(),
        overruns: &state.doc.instance.marks.overruns,
        selection: view.selection(),
        matches: &matches,
        outline: state.doc.instance.shown.clone(),
        writers: view.by_writer.then_some(&state.doc.instance.writers),
        variables: state.variable_overlay(),
    };
    let rows = view.first_row..(view.first_row + view.visible_rows).min(total_rows);
    map_gutter_ui(ui, rows.clone(), per_row, state, hidden, gutter, row_height);
    let painter = ui.painter_at(rows_rect);
    paint_rows(
        ui, &painter, rows, &marks, &columns, &font, &palette, hidden,
    );
    if let Some(cursor) = view.cursor
        && let Some(center) = view.byte_pos(cursor)
    {
        let size = egui::vec2(char_width * 2.0 + 2.0, row_height);
        let cell = egui::Rect::from_center_size(center, size);
        painter.rect_stroke(
            cell,
            2.0,
            egui::Stroke::new(1.5, palette.text),
            egui::StrokeKind::Outside,
        );
    }

    let selection = view.selection();
    let hovered = response
        .hover_pos()
        .and_then(|p| view.offset_at(p, len_bytes));
    let response = match hovered {
        Some(offset) => {
            response.on_hover_ui_at_pointer(|ui| tooltip::byte_tooltip_ui(ui, state, offset))
        }
        None => response,
    };
    if let Some(selection) = selection {
        response.context_menu(|ui| selection_menu_ui(ui, state, selection, cmds));
    }
}

/// The selection's right-click menu: copy it three ways; while a call is paused, run
/// it until an instruction writes into the selection (a data watchpoint).
fn selection_menu_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    selection: Range<u64>,
    cmds: &mut Vec<UiCommand>,
) {
    let len = selection.end - selection.start;
    ui.weak(format!("{len} bytes at {:#x}", selection.start));
    for format in CopyAs::ALL {
        if ui.button(format.label()).clicked() {
            let bytes = state.snapshot().read(selection.start, len);
            ui.ctx().copy_text(format.format(&bytes));
            ui.close();
        }
    }
    if state.doc.paused.is_some() && ui.button("Run until these bytes are written").clicked() {
        cmds.push(UiCommand::Debug(crate::engine::DebugCommand::Watch {
            start: selection.start,
            end: selection.end,
        }));
        ui.close();
    }
}

/// The height of a row: the font's, plus room for the changed-byte underline.
fn row_height(ui: &egui::Ui, font: &FontId) -> f32 {
    ui.fonts_mut(|f| f.row_height(font)) + 2.0
}

/// The column titles above the rows.
fn header_ui(
    ui: &mut egui::Ui,
    columns: &Columns,
    font: &FontId,
    palette: &Palette,
    char_width: f32,
    row_height: f32,
) {
    let header = columns.header();
    let (header_rect, _) = ui.allocate_exact_size(
        egui::vec2(char_width * header.len() as f32 + GUTTER_WIDTH, row_height),
        Sense::hover(),
    );
    ui.painter().text(
        header_rect.min + egui::vec2(GUTTER_WIDTH, 0.0),
        egui::Align2::LEFT_TOP,
        header,
        font.clone(),
        palette.weak,
    );
}

/// Paints `rows` from the top of the painter's clip rect: each row's text with its
/// highlights, and a line where a new 64 KiB chunk (page) starts.
#[allow(clippy::too_many_arguments)]
fn paint_rows(
    ui: &egui::Ui,
    painter: &egui::Painter,
    rows: Range<u64>,
    marks: &RowMarks<'_>,
    columns: &Columns,
    font: &FontId,
    palette: &Palette,
    hidden: &BTreeSet<MapKind>,
) {
    let rect = painter.clip_rect();
    let row_height = row_height(ui, font);
    let char_width = ui.fonts_mut(|f| f.glyph_width(font, '0'));
    let per_row = columns.bytes_per_row as u64;
    for (i, row) in rows.enumerate() {
        let galley = painter.layout_job(row_job(marks, row, columns, font, palette));
        let pos = rect.min + egui::vec2(0.0, i as f32 * row_height);
        painter.galley(pos, galley, palette.text);
        let offset = row * per_row;
        let place = overlay::RowPlace {
            painter,
            pos,
            columns,
            char_width,
            row_height,
        };
        if let Some(variables) = marks.variables {
            overlay::paint_row(&place, variables, offset, palette, font);
        }
        if let Some(outline) = &marks.outline {
            let start = outline.start.max(offset);
            let end = outline.end.min(offset + per_row);
            if start < end {
                let (first, last) = ((start - offset) as usize, (end - offset - 1) as usize);
                place.frame_bytes(first, last, egui::Stroke::new(1.5, palette.outline));
            }
        }
        if offset.is_multiple_of(CHUNK_BYTES as u64)
            && offset > 0
            && !hidden.contains(&MapKind::PageBoundary)
        {
            let color = layer_color(MapKind::PageBoundary, ui.visuals().dark_mode);
            painter.hline(rect.x_range(), pos.y, egui::Stroke::new(1.0, color));
            painter.text(
                egui::pos2(rect.max.x - 4.0, pos.y),
                egui::Align2::RIGHT_BOTTOM,
                format!("page {}", offset / CHUNK_BYTES as u64),
                FontId::proportional(font.size * 10.0 / 13.0),
                color,
            );
        }
    }
}

/// A coloured bar beside each row for the innermost memory-map entry at its start.
fn map_gutter_ui(
    ui: &egui::Ui,
    rows: Range<u64>,
    per_row: u64,
    state: &AppState,
    hidden: &BTreeSet<MapKind>,
    gutter: egui::Rect,
    row_height: f32,
) {
    let dark = ui.visuals().dark_mode;
    let painter = ui.painter_at(gutter);
    let visible = rows.start * per_row..rows.end * per_row;
    // One pass over the map per frame; then the few entries on screen per row.
    let on_screen: Vec<_> = state
        .doc
        .instance
        .marks
        .map
        .iter()
        .filter(|e| !hidden.contains(&e.kind) && !e.kind.is_marker())
        .filter(|e| e.range.start < visible.end && visible.start < e.range.end)
        .collect();
    for (i, row) in rows.enumerate() {
        let offset = row * per_row;
        let row = offset..offset + per_row;
        let innermost = on_screen
            .iter()
            .filter(|e| e.range.start < row.end && row.start < e.range.end)
            .min_by_key(|e| e.range.end - e.range.start);
        if let Some(entry) = innermost {
            let bar = egui::Rect::from_min_size(
                egui::pos2(gutter.min.x, gutter.min.y + i as f32 * row_height),
                egui::vec2(gutter.width(), row_height),
            );
            painter.rect_filled(bar, 0.0, layer_color(entry.kind, dark));
        }
    }
}

/// Click selects a byte, Shift+click or a drag extends the selection.
fn pointer_input(ui: &egui::Ui, view: &mut HexView, response: &egui::Response, len: u64) {
    if response.clicked() || response.drag_started() {
        response.request_focus();
    }
    let Some(pos) = response.interact_pointer_pos() else {
        return;
    };
    let Some(offset) = view.offset_at(pos, len) else {
        return;
    };
    let shift = ui.input(|i| i.modifiers.shift);
    let pressed = response.clicked() || response.drag_started();
    if pressed && !shift {
        view.cursor = Some(offset);
        view.anchor = None;
    } else if pressed || response.dragged() {
        view.anchor = view.anchor.or(view.cursor);
        view.cursor = Some(offset);
    }
}
