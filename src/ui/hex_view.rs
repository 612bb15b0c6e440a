//! The hex view of linear memory: host address, guest offset, bytes and ASCII per
//! row, with the allocation, the input and the output highlighted and the bytes the
//! last step changed marked. Scrolling is our own (a `u64` first row), so frame cost
//! does not depend on the size of memory (see DESIGN.md, "Hex view at scale").

use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Sense, Stroke};

use crate::engine::NumType;
use crate::memory::{RegionKind, Snapshot, region_at};

use super::state::AppState;

/// Bytes shown per row.
const BYTES_PER_ROW: u64 = 16;
/// Rows kept above a revealed offset.
const REVEAL_MARGIN_ROWS: u64 = 2;
/// Width of the scrollbar.
const SCROLLBAR_WIDTH: f32 = 12.0;

/// Where the hex view is and what the user typed into its goto field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HexView {
    /// The first row on screen.
    pub first_row: u64,
    /// The goto field's text.
    pub goto: String,
    /// Why the last goto failed.
    pub goto_error: Option<String>,
    /// An offset to bring into view on the next frame.
    pending_reveal: Option<u64>,
    /// Rows that fit on screen, from the last frame.
    visible_rows: u64,
    /// Wheel movement not yet worth a row.
    wheel_remainder: f32,
    /// Where the last frame drew the rows.
    layout: Option<RowsLayout>,
}

/// Geometry of the rows drawn in the last frame.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RowsLayout {
    rect: egui::Rect,
    row_height: f32,
    char_width: f32,
    hex_chars: [usize; BYTES_PER_ROW as usize],
}

impl HexView {
    /// Back to the top (a new module).
    pub fn reset(&mut self) {
        *self = Self {
            goto: std::mem::take(&mut self.goto),
            ..Self::default()
        };
    }

    /// Brings `offset` into view on the next frame (if it is not already).
    pub fn reveal(&mut self, offset: u64) {
        self.pending_reveal = Some(offset);
    }

    /// The screen position of the hex digits of `offset`, if it was on screen in the
    /// last frame (tests hover and click bytes with it).
    pub fn byte_pos(&self, offset: u64) -> Option<egui::Pos2> {
        let layout = self.layout?;
        let row = (offset / BYTES_PER_ROW).checked_sub(self.first_row)?;
        if row >= self.visible_rows {
            return None;
        }
        let col = layout.hex_chars[(offset % BYTES_PER_ROW) as usize];
        Some(
            layout.rect.min
                + egui::vec2(
                    (col as f32 + 1.0) * layout.char_width,
                    (row as f32 + 0.5) * layout.row_height,
                ),
        )
    }

    fn apply_reveal(&mut self, total_rows: u64) {
        if let Some(offset) = self.pending_reveal.take() {
            let row = offset / BYTES_PER_ROW;
            let visible = self.first_row..self.first_row + self.visible_rows.max(1);
            if !visible.contains(&row) {
                self.first_row = row.saturating_sub(REVEAL_MARGIN_ROWS);
            }
        }
        self.clamp(total_rows);
    }

    fn clamp(&mut self, total_rows: u64) {
        let max_first = total_rows.saturating_sub(self.visible_rows.max(1));
        self.first_row = self.first_row.min(max_first);
    }
}

/// Colours of the highlight layers.
struct Palette {
    allocation: Color32,
    input: Color32,
    output: Color32,
    changed: Color32,
    text: Color32,
    weak: Color32,
}

impl Palette {
    fn new(visuals: &egui::Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                allocation: Color32::from_rgb(32, 52, 92),
                input: Color32::from_rgb(28, 84, 48),
                output: Color32::from_rgb(100, 72, 18),
                changed: Color32::from_rgb(255, 110, 110),
                text: visuals.text_color(),
                weak: visuals.weak_text_color(),
            }
        } else {
            Self {
                allocation: Color32::from_rgb(208, 224, 252),
                input: Color32::from_rgb(200, 240, 208),
                output: Color32::from_rgb(252, 228, 178),
                changed: Color32::from_rgb(200, 0, 0),
                text: visuals.text_color(),
                weak: visuals.weak_text_color(),
            }
        }
    }

    fn region(&self, kind: RegionKind) -> Color32 {
        match kind {
            RegionKind::Allocation => self.allocation,
            RegionKind::Input => self.input,
            RegionKind::Output => self.output,
        }
    }
}

/// Column layout in characters.
struct Columns {
    host_chars: usize,
    offset_chars: usize,
}

/// Column titles (the columns are at least this wide).
const HOST_TITLE: &str = "host address";
const OFFSET_TITLE: &str = "guest offset";

impl Columns {
    fn new(snapshot: &Snapshot, host_base: u64) -> Self {
        let last = snapshot.len_bytes().saturating_sub(1);
        let width = |v: u64| 2 + (16 - v.leading_zeros() as usize / 4).max(8);
        Self {
            host_chars: width(host_base.wrapping_add(last)).max(HOST_TITLE.len()),
            offset_chars: width(last).max(OFFSET_TITLE.len()),
        }
    }

    /// First character of the hex bytes.
    fn hex_start(&self) -> usize {
        self.host_chars + 2 + self.offset_chars + 2
    }

    /// First character of byte `i`'s hex pair (an extra space after byte 8).
    fn hex_char(&self, i: usize) -> usize {
        self.hex_start() + i * 3 + usize::from(i >= 8)
    }

    fn ascii_start(&self) -> usize {
        self.hex_char(BYTES_PER_ROW as usize) + 1
    }

    /// Which byte of the row is under character column `col` (hex or ASCII).
    fn byte_at(&self, col: usize) -> Option<usize> {
        let rows = 0..BYTES_PER_ROW as usize;
        if col >= self.ascii_start() {
            return rows.into_iter().find(|&i| col == self.ascii_start() + i);
        }
        // A byte owns its two digits and the gap after them: no dead zones on hover.
        rows.into_iter()
            .find(|&i| (self.hex_char(i)..self.hex_char(i + 1)).contains(&col))
    }
}

/// Draws the legend and goto bar, then the rows.
pub fn hex_view_ui(ui: &mut egui::Ui, view: &mut HexView, state: &AppState) {
    let palette = Palette::new(ui.visuals());
    toolbar_ui(ui, view, state, &palette);
    let snapshot = &state.snapshot;
    if snapshot.len_bytes() == 0 {
        ui.weak("This module has no linear memory to show.");
        return;
    }
    let font = FontId::monospace(13.0);
    let char_width = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let row_height = ui.fonts_mut(|f| f.row_height(&font)) + 2.0;
    let host_base = state.host_base();
    let columns = Columns::new(snapshot, host_base);
    let total_rows = snapshot.len_bytes().div_ceil(BYTES_PER_ROW);

    header_ui(ui, &columns, &font, char_width, &palette);
    let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Group, true, "Hex view of linear memory")
    });
    let rows_rect = rect.with_max_x(rect.max.x - SCROLLBAR_WIDTH);
    view.layout = Some(RowsLayout {
        rect: rows_rect,
        row_height,
        char_width,
        hex_chars: std::array::from_fn(|i| columns.hex_char(i)),
    });
    view.visible_rows = ((rows_rect.height() / row_height).floor() as u64).max(1);
    scroll_input(ui, view, &response, row_height, total_rows);
    view.apply_reveal(total_rows);
    scrollbar_ui(ui, view, rect, total_rows);

    let painter = ui.painter_at(rows_rect);
    for i in 0..view.visible_rows {
        let row = view.first_row + i;
        if row >= total_rows {
            break;
        }
        let job = row_job(state, row, &columns, &font, &palette);
        let galley = painter.layout_job(job);
        let pos = rows_rect.min + egui::vec2(0.0, i as f32 * row_height);
        painter.galley(pos, galley, palette.text);
    }

    if let Some(pointer) = response.hover_pos() {
        let row = view.first_row + ((pointer.y - rows_rect.min.y) / row_height) as u64;
        let col = ((pointer.x - rows_rect.min.x) / char_width) as usize;
        if let Some(byte) = columns.byte_at(col) {
            let offset = row * BYTES_PER_ROW + byte as u64;
            if offset < snapshot.len_bytes() {
                response.on_hover_ui_at_pointer(|ui| byte_tooltip_ui(ui, state, offset));
            }
        }
    }
}

fn toolbar_ui(ui: &mut egui::Ui, view: &mut HexView, state: &AppState, palette: &Palette) {
    ui.horizontal(|ui| {
        ui.strong("Linear memory");
        for kind in RegionKind::ALL {
            let chip = egui::RichText::new(format!(" {} ", kind.name()))
                .background_color(palette.region(kind))
                .color(palette.text);
            ui.label(chip);
        }
        ui.label(
            egui::RichText::new("changed")
                .color(palette.changed)
                .underline(),
        );
        ui.separator();
        let label = ui.label("Go to");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut view.goto)
                    .hint_text("e.g. 0x400")
                    .desired_width(110.0),
            )
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Go").clicked() || entered {
            match NumType::I64.parse(&view.goto).ok().and_then(|v| v.as_u64()) {
                Some(offset) if offset < state.snapshot.len_bytes() => {
                    view.goto_error = None;
                    view.first_row = offset / BYTES_PER_ROW;
                }
                Some(offset) => {
                    view.goto_error = Some(format!(
                        "{offset:#x} is past the end of memory ({:#x})",
                        state.snapshot.len_bytes()
                    ));
                }
                None => view.goto_error = Some("type a number such as 1024 or 0x400".into()),
            }
        }
        if let Some(err) = &view.goto_error {
            ui.colored_label(ui.visuals().error_fg_color, err);
        }
        changed_menu_ui(ui, view, &state.changed.0, &state.changed.1);
    });
}

fn changed_menu_ui(ui: &mut egui::Ui, view: &mut HexView, changed: &[Range<u64>], by: &str) {
    let ranges = match changed.len() {
        1 => "1 range".to_owned(),
        n => format!("{n} ranges"),
    };
    let title = if by.is_empty() {
        "Changed: nothing yet".to_owned()
    } else {
        format!("Changed: {ranges}")
    };
    ui.add_enabled_ui(!changed.is_empty(), |ui| {
        let menu = ui.menu_button(title, |ui| {
            for range in changed.iter().take(200) {
                let text = format!(
                    "{:#x}..{:#x} ({} bytes)",
                    range.start,
                    range.end,
                    range.end - range.start
                );
                if ui.button(text).clicked() {
                    view.first_row = range.start / BYTES_PER_ROW;
                    ui.close();
                }
            }
        });
        if !by.is_empty() {
            menu.response
                .on_hover_text(format!("Bytes changed by {by}; click to list them"));
        }
    });
}

fn header_ui(ui: &mut egui::Ui, columns: &Columns, font: &FontId, cw: f32, palette: &Palette) {
    let mut text = format!(
        "{HOST_TITLE:<host$}  {OFFSET_TITLE:<off$}  ",
        host = columns.host_chars,
        off = columns.offset_chars
    );
    for i in 0..BYTES_PER_ROW as usize {
        pad_to(&mut text, columns.hex_char(i));
        text.push_str(&format!("{i:02x}"));
    }
    pad_to(&mut text, columns.ascii_start());
    text.push_str("ASCII");
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(cw * text.len() as f32, font.size + 4.0),
        Sense::hover(),
    );
    ui.painter().text(
        rect.min,
        egui::Align2::LEFT_TOP,
        text,
        font.clone(),
        palette.weak,
    );
}

/// Appends spaces until `text` is `column` characters long (ASCII only).
fn pad_to(text: &mut String, column: usize) {
    while text.len() < column {
        text.push(' ');
    }
}

/// One row as a single layout job: addresses, then bytes coloured by region and
/// change, then ASCII.
fn row_job(
    state: &AppState,
    row: u64,
    columns: &Columns,
    font: &FontId,
    palette: &Palette,
) -> LayoutJob {
    let offset = row * BYTES_PER_ROW;
    let bytes = state.snapshot.read(offset, BYTES_PER_ROW);
    let changed = state.changed();
    let plain = TextFormat::simple(font.clone(), palette.text);
    let weak = TextFormat::simple(font.clone(), palette.weak);
    let mut job = LayoutJob::default();
    let host = state.host_base().wrapping_add(offset);
    job.append(
        &format!("{:<w$}  ", format!("{host:#014x}"), w = columns.host_chars),
        0.0,
        weak.clone(),
    );
    job.append(
        &format!(
            "{:<w$}  ",
            format!("{offset:#010x}"),
            w = columns.offset_chars
        ),
        0.0,
        plain.clone(),
    );
    let format_of = |i: usize| {
        let at = offset + i as u64;
        let mut format = plain.clone();
        if let Some(region) = region_at(&state.regions, at) {
            format.background = palette.region(region.kind);
        }
        if changed.iter().any(|r| r.contains(&at)) {
            format.color = palette.changed;
            format.underline = Stroke::new(1.0, palette.changed);
        }
        format
    };
    let mut hex_job = |i: usize, byte: u8| {
        let format = format_of(i);
        job.append(&format!("{byte:02x}"), 0.0, format.clone());
        // The gap after a byte keeps its background when the next byte shares it.
        let gap = if i == 7 { "  " } else { " " };
        let next_same = bytes.len() > i + 1 && format_of(i + 1).background == format.background;
        let mut gap_format = plain.clone();
        if next_same {
            gap_format.background = format.background;
        }
        job.append(gap, 0.0, gap_format);
    };
    for (i, &byte) in bytes.iter().enumerate() {
        hex_job(i, byte);
    }
    let missing = BYTES_PER_ROW as usize - bytes.len();
    job.append(&" ".repeat(missing * 3 + 1), 0.0, plain.clone());
    for (i, &byte) in bytes.iter().enumerate() {
        let shown = if byte.is_ascii_graphic() || byte == b' ' {
            byte as char
        } else {
            '.'
        };
        job.append(&shown.to_string(), 0.0, format_of(i));
    }
    job
}

fn byte_tooltip_ui(ui: &mut egui::Ui, state: &AppState, offset: u64) {
    let snapshot = &state.snapshot;
    let byte = snapshot.byte(offset).unwrap_or(0);
    let word = snapshot.read(offset, 4);
    ui.monospace(format!("guest offset {offset:#x} ({offset})"));
    ui.monospace(format!(
        "host address {:#x}",
        state.host_base().wrapping_add(offset)
    ));
    ui.monospace(format!("u8  {byte} ({byte:#04x})"));
    if let Ok(bytes) = <[u8; 4]>::try_from(word.as_slice()) {
        ui.monospace(format!("i32 {} (little endian)", i32::from_le_bytes(bytes)));
    }
    let tail = snapshot.read(offset, 4);
    let utf8 = String::from_utf8_lossy(&tail)
        .chars()
        .next()
        .map_or(String::new(), |c| format!("{c:?}"));
    ui.monospace(format!("UTF-8 {utf8}"));
    if let Some(region) = region_at(&state.regions, offset) {
        ui.label(format!("{}: {}", region.kind.name(), region.label));
    }
    if state.changed().iter().any(|r| r.contains(&offset)) {
        ui.label("changed by the last step");
    }
}

fn scroll_input(
    ui: &egui::Ui,
    view: &mut HexView,
    response: &egui::Response,
    row_height: f32,
    total_rows: u64,
) {
    if !response.hovered() {
        return;
    }
    let (wheel, page_up, page_down, home, end) = ui.input(|i| {
        (
            i.smooth_scroll_delta.y,
            i.key_pressed(egui::Key::PageUp),
            i.key_pressed(egui::Key::PageDown),
            i.key_pressed(egui::Key::Home),
            i.key_pressed(egui::Key::End),
        )
    });
    view.wheel_remainder += wheel / row_height;
    let rows = view.wheel_remainder.trunc();
    view.wheel_remainder -= rows;
    let page = view.visible_rows.saturating_sub(1).max(1);
    if rows > 0.0 {
        view.first_row = view.first_row.saturating_sub(rows as u64);
    } else if rows < 0.0 {
        view.first_row = view.first_row.saturating_add((-rows) as u64);
    }
    if page_up {
        view.first_row = view.first_row.saturating_sub(page);
    }
    if page_down {
        view.first_row = view.first_row.saturating_add(page);
    }
    if home {
        view.first_row = 0;
    }
    if end {
        view.first_row = total_rows;
    }
    view.clamp(total_rows);
}

/// A vertical scrollbar mapped onto the `u64` row index.
fn scrollbar_ui(ui: &mut egui::Ui, view: &mut HexView, rect: egui::Rect, total_rows: u64) {
    let track = rect.with_min_x(rect.max.x - SCROLLBAR_WIDTH);
    let response = ui.interact(
        track,
        ui.scope_id().with("hex_scrollbar"),
        Sense::click_and_drag(),
    );
    let max_first = total_rows.saturating_sub(view.visible_rows);
    let visible_fraction = (view.visible_rows as f64 / total_rows.max(1) as f64).min(1.0);
    let thumb_height = (track.height() as f64 * visible_fraction).max(20.0) as f32;
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
