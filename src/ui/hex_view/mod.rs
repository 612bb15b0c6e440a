//! The hex view of linear memory: host address, guest offset, bytes and ASCII per
//! row, with the allocation, the input and the output highlighted and the bytes the
//! last step changed marked. Scrolling is our own (a `u64` first row), so frame cost
//! does not depend on the size of memory (see DESIGN.md, "Hex view at scale").

mod copy;
mod goto;
mod layout;
mod rows;
mod scroll;
mod search;
mod toolbar;
mod tooltip;

use std::collections::BTreeSet;
use std::ops::Range;

use egui::{FontId, Key, Modifiers, Sense};

use super::memory_map_panel::layer_color;
use super::state::AppState;
use crate::memory::{CHUNK_BYTES, Endian, MapKind};
pub use copy::CopyAs;
use layout::Columns;
use rows::{Palette, RowMarks, row_job};
pub use search::{SearchBar, SearchKind};

/// Rows kept above a revealed offset.
const REVEAL_MARGIN_ROWS: u64 = 2;
/// Positions remembered for Back.
const HISTORY_MAX: usize = 100;

/// Width of the memory-map gutter left of the rows.
const GUTTER_WIDTH: f32 = 6.0;

/// Where the hex view is, what is selected, and what the user typed into it.
#[derive(Clone, Debug, PartialEq)]
pub struct HexView {
    /// The first row on screen.
    pub first_row: u64,
    /// Bytes per row: 8, 16 or 32.
    pub bytes_per_row: usize,
    /// The byte under the cursor (the data inspector's byte).
    pub cursor: Option<u64>,
    /// The other end of the selection (the cursor is one end).
    pub anchor: Option<u64>,
    /// The Go to field's text.
    pub goto: String,
    /// Why the last Go to failed.
    pub goto_error: Option<String>,
    /// Byte order of the data inspector.
    pub endian: Endian,
    /// The search bar.
    pub search: SearchBar,
    /// Positions to go back to.
    back: Vec<u64>,
    /// Positions to go forward to.
    forward: Vec<u64>,
    /// An offset to bring into view on the next frame.
    pending_reveal: Option<u64>,
    /// Rows that fit on screen, from the last frame.
    visible_rows: u64,
    /// Wheel movement not yet worth a row.
    wheel_remainder: f32,
    /// Where the last frame drew the rows.
    layout: Option<RowsLayout>,
}

impl Default for HexView {
    fn default() -> Self {
        Self {
            first_row: 0,
            bytes_per_row: 16,
            cursor: None,
            anchor: None,
            goto: String::new(),
            goto_error: None,
            endian: Endian::Little,
            search: SearchBar::default(),
            back: Vec::new(),
            forward: Vec::new(),
            pending_reveal: None,
            visible_rows: 0,
            wheel_remainder: 0.0,
            layout: None,
        }
    }
}

/// Geometry of the rows drawn in the last frame.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RowsLayout {
    rect: egui::Rect,
    row_height: f32,
    char_width: f32,
    columns: Columns,
}

impl HexView {
    /// Back to the top (a new module), keeping the user's preferences.
    pub fn reset(&mut self) {
        *self = Self {
            bytes_per_row: self.bytes_per_row,
            endian: self.endian,
            goto: std::mem::take(&mut self.goto),
            ..Self::default()
        };
    }

    /// Brings `offset` into view on the next frame (if it is not already).
    pub fn reveal(&mut self, offset: u64) {
        self.pending_reveal = Some(offset);
    }

    /// Moves the cursor to `offset` and brings it into view, remembering where the
    /// view was for Back.
    pub fn go_to(&mut self, offset: u64) {
        self.back.push(self.position());
        if self.back.len() > HISTORY_MAX {
            self.back.remove(0);
        }
        self.forward.clear();
        self.jump(offset);
    }

    /// Returns to the position before the last Go to.
    pub fn go_back(&mut self) {
        if let Some(offset) = self.back.pop() {
            self.forward.push(self.position());
            self.jump(offset);
        }
    }

    /// Undoes a Back.
    pub fn go_forward(&mut self) {
        if let Some(offset) = self.forward.pop() {
            self.back.push(self.position());
            self.jump(offset);
        }
    }

    /// The selected bytes (at least the cursor's byte), if any.
    pub fn selection(&self) -> Option<Range<u64>> {
        let cursor = self.cursor?;
        let anchor = self.anchor.unwrap_or(cursor);
        Some(cursor.min(anchor)..cursor.max(anchor) + 1)
    }

    /// Selects `range` (cursor at its start) and brings it into view.
    pub fn select(&mut self, range: Range<u64>) {
        self.go_to(range.start);
        self.anchor = Some(range.end.saturating_sub(1).max(range.start));
    }

    /// The screen position of the hex digits of `offset`, if it was on screen in the
    /// last frame (tests hover and click bytes with it).
    pub fn byte_pos(&self, offset: u64) -> Option<egui::Pos2> {
        let layout = self.layout?;
        let per_row = layout.columns.bytes_per_row as u64;
        let row = (offset / per_row).checked_sub(self.first_row)?;
        if row >= self.visible_rows {
            return None;
        }
        let col = layout.columns.hex_char((offset % per_row) as usize);
        Some(
            layout.rect.min
                + egui::vec2(
                    (col as f32 + 1.0) * layout.char_width,
                    (row as f32 + 0.5) * layout.row_height,
                ),
        )
    }

    /// The offset the view is at: the cursor, or the first byte on screen.
    fn position(&self) -> u64 {
        self.cursor
            .unwrap_or(self.first_row * self.bytes_per_row as u64)
    }

    fn jump(&mut self, offset: u64) {
        self.cursor = Some(offset);
        self.anchor = None;
        self.reveal(offset);
    }

    fn apply_reveal(&mut self, total_rows: u64) {
        if let Some(offset) = self.pending_reveal.take() {
            let row = offset / self.bytes_per_row as u64;
            let visible = self.first_row..self.first_row + self.visible_rows.max(1);
            if !visible.contains(&row) {
                self.first_row = row.saturating_sub(REVEAL_MARGIN_ROWS);
            }
        }
        let max_first = total_rows.saturating_sub(self.visible_rows.max(1));
        self.first_row = self.first_row.min(max_first);
    }

    /// The offset under `pos` in the rows drawn last frame.
    fn offset_at(&self, pos: egui::Pos2, len_bytes: u64) -> Option<u64> {
        let layout = self.layout?;
        let row = self.first_row + ((pos.y - layout.rect.min.y) / layout.row_height) as u64;
        let col = ((pos.x - layout.rect.min.x) / layout.char_width) as usize;
        let byte = layout.columns.byte_at(col)?;
        let offset = row * layout.columns.bytes_per_row as u64 + byte as u64;
        (offset < len_bytes).then_some(offset)
    }

    /// Arrow keys move the cursor (Shift extends the selection); page keys, Home and
    /// End scroll; Alt+Left/Right go back and forward.
    fn keyboard(&mut self, ui: &egui::Ui, len_bytes: u64) {
        let per_row = self.bytes_per_row as u64;
        let page = self.visible_rows.saturating_sub(1).max(1);
        let last = len_bytes.saturating_sub(1);
        ui.input_mut(|input| {
            if input.consume_key(Modifiers::ALT, Key::ArrowLeft) {
                self.go_back();
            }
            if input.consume_key(Modifiers::ALT, Key::ArrowRight) {
                self.go_forward();
            }
            let shift = input.modifiers.shift;
            let moves: [(Key, i128); 6] = [
                (Key::ArrowLeft, -1),
                (Key::ArrowRight, 1),
                (Key::ArrowUp, -i128::from(per_row)),
                (Key::ArrowDown, i128::from(per_row)),
                (Key::PageUp, -i128::from(page * per_row)),
                (Key::PageDown, i128::from(page * per_row)),
            ];
            for (key, delta) in moves {
                if input.key_pressed(key) {
                    let from = self.cursor.unwrap_or(self.first_row * per_row);
                    let to = (i128::from(from) + delta).clamp(0, i128::from(last)) as u64;
                    self.move_cursor(to, shift);
                }
            }
            if input.key_pressed(Key::Home) {
                self.move_cursor(0, shift);
            }
            if input.key_pressed(Key::End) {
                self.move_cursor(last, shift);
            }
        });
    }

    fn move_cursor(&mut self, to: u64, extend: bool) {
        if extend {
            self.anchor = self.anchor.or(self.cursor);
        } else {
            self.anchor = None;
        }
        self.cursor = Some(to);
        self.reveal(to);
    }
}

/// Draws the toolbar, then the rows (with the memory map's visible layers in a gutter
/// and page boundaries as lines); handles hover, clicks, drags and keys.
pub fn hex_view_ui(
    ui: &mut egui::Ui,
    view: &mut HexView,
    state: &AppState,
    hidden: &BTreeSet<MapKind>,
) {
    let palette = Palette::new(ui.visuals());
    toolbar::toolbar_ui(ui, view, state, &palette);
    ui.horizontal(|ui| {
        let mut search = std::mem::take(&mut view.search);
        search::search_ui(ui, &mut search, view, &state.snapshot);
        view.search = search;
    });
    let snapshot = &state.snapshot;
    let len_bytes = snapshot.len_bytes();
    if len_bytes == 0 {
        ui.weak("This module has no linear memory to show.");
        return;
    }
    let font = FontId::monospace(13.0);
    let char_width = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let row_height = ui.fonts_mut(|f| f.row_height(&font)) + 2.0;
    let host_base = state.host_base();
    let columns = Columns::new(snapshot, host_base, view.bytes_per_row);
    let per_row = view.bytes_per_row as u64;
    let total_rows = len_bytes.div_ceil(per_row);

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
    if response.has_focus() || response.hovered() {
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
        regions: &state.regions,
        changed: state.changed(),
        overruns: &state.marks.overruns,
        selection: view.selection(),
        matches: &matches,
    };
    map_gutter_ui(ui, view, state, hidden, gutter, row_height);
    let painter = ui.painter_at(rows_rect);
    for i in 0..view.visible_rows {
        let row = view.first_row + i;
        if row >= total_rows {
            break;
        }
        let galley = painter.layout_job(row_job(&marks, row, &columns, &font, &palette));
        let pos = rows_rect.min + egui::vec2(0.0, i as f32 * row_height);
        painter.galley(pos, galley, palette.text);
        let offset = row * per_row;
        if offset.is_multiple_of(CHUNK_BYTES as u64)
            && offset > 0
            && !hidden.contains(&MapKind::PageBoundary)
        {
            let color = layer_color(MapKind::PageBoundary, ui.visuals().dark_mode);
            painter.hline(rows_rect.x_range(), pos.y, egui::Stroke::new(1.0, color));
            painter.text(
                egui::pos2(rows_rect.max.x - 4.0, pos.y),
                egui::Align2::RIGHT_BOTTOM,
                format!("page {}", offset / CHUNK_BYTES as u64),
                FontId::proportional(10.0),
                color,
            );
        }
    }
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

    if let Some(offset) = response
        .hover_pos()
        .and_then(|p| view.offset_at(p, len_bytes))
    {
        response.on_hover_ui_at_pointer(|ui| tooltip::byte_tooltip_ui(ui, state, offset));
    }
}

/// A coloured bar beside each row for the innermost memory-map entry at its start.
fn map_gutter_ui(
    ui: &egui::Ui,
    view: &HexView,
    state: &AppState,
    hidden: &BTreeSet<MapKind>,
    gutter: egui::Rect,
    row_height: f32,
) {
    let per_row = view.bytes_per_row as u64;
    let dark = ui.visuals().dark_mode;
    let painter = ui.painter_at(gutter);
    let visible = view.first_row * per_row..(view.first_row + view.visible_rows) * per_row;
    // One pass over the map per frame; then the few entries on screen per row.
    let on_screen: Vec<_> = state
        .marks
        .map
        .iter()
        .filter(|e| !hidden.contains(&e.kind) && !e.kind.is_marker())
        .filter(|e| e.range.start < visible.end && visible.start < e.range.end)
        .collect();
    for i in 0..view.visible_rows {
        let offset = (view.first_row + i) * per_row;
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
