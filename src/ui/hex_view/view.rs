//! The hex view's state: position, cursor and selection, navigation history, and
//! what the user typed into its fields; plus the keyboard and pointer mapping.

use std::ops::Range;

use egui::{Key, Modifiers};

use super::layout::Columns;
use super::search::SearchBar;

/// Rows kept above a revealed offset.
const REVEAL_MARGIN_ROWS: u64 = 2;
/// Positions remembered for Back.
const HISTORY_MAX: usize = 100;

/// Where the hex view is, what is selected, and what the user typed into it.
#[derive(Debug)]
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
    /// The search bar.
    pub search: SearchBar,
    /// Whether bytes are coloured by who wrote them (the function) instead of by region.
    pub by_writer: bool,
    /// Positions to go back to.
    pub(super) back: Vec<u64>,
    /// Positions to go forward to.
    pub(super) forward: Vec<u64>,
    /// An offset to bring into view on the next frame.
    pub(super) pending_reveal: Option<u64>,
    /// Rows that fit on screen, from the last frame.
    pub(super) visible_rows: u64,
    /// Wheel movement not yet worth a row.
    pub(super) wheel_remainder: f32,
    /// Where the last frame drew the rows.
    pub(super) layout: Option<RowsLayout>,
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
            search: SearchBar::default(),
            by_writer: false,
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
pub(super) struct RowsLayout {
    pub(super) rect: egui::Rect,
    pub(super) row_height: f32,
    pub(super) char_width: f32,
    pub(super) columns: Columns,
}

impl HexView {
    /// Back to the top (a new module), keeping the user's preferences.
    pub fn reset(&mut self) {
        *self = Self {
            bytes_per_row: self.bytes_per_row,
            goto: std::mem::take(&mut self.goto),
            ..Self::default()
        };
    }

    /// Brings `offset` into view on the next frame (if it is not already).
    pub fn reveal(&mut self, offset: u64) {
        self.pending_reveal = Some(offset);
    }

    /// How many rows fitted on screen in the last frame.
    pub fn visible_rows(&self) -> u64 {
        self.visible_rows
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

    /// Shows `width` bytes per row, keeping the same bytes (and the cursor) in view.
    pub fn set_bytes_per_row(&mut self, width: usize) {
        if width == self.bytes_per_row || width == 0 {
            return;
        }
        let first_byte = self.first_row * self.bytes_per_row as u64;
        self.bytes_per_row = width;
        self.first_row = first_byte / width as u64;
        if let Some(cursor) = self.cursor {
            self.reveal(cursor);
        }
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

    pub(super) fn apply_reveal(&mut self, total_rows: u64) {
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
    pub(super) fn offset_at(&self, pos: egui::Pos2, len_bytes: u64) -> Option<u64> {
        let layout = self.layout?;
        let row = self.first_row + ((pos.y - layout.rect.min.y) / layout.row_height) as u64;
        let col = ((pos.x - layout.rect.min.x) / layout.char_width) as usize;
        let byte = layout.columns.byte_at(col)?;
        let offset = row * layout.columns.bytes_per_row as u64 + byte as u64;
        (offset < len_bytes).then_some(offset)
    }

    /// Arrow keys move the cursor (Shift extends the selection); page keys, Home and
    /// End scroll; Alt+Left/Right go back and forward.
    pub(super) fn keyboard(&mut self, ui: &egui::Ui, len_bytes: u64) {
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
