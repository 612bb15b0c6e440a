//! One row of the hex view as a single text layout: addresses, then bytes coloured by
//! region, selection, search match and change, then ASCII.

use std::ops::Range;

use egui::ecolor::HsvaGamma;
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Stroke};

use crate::inspect::Overlay;
use crate::memory::{Region, RegionKind, Snapshot, WriteMap, region_at};

use super::layout::Columns;

/// Colours of the highlight layers.
pub struct Palette {
    /// Allocation background.
    pub allocation: Color32,
    /// Input background.
    pub input: Color32,
    /// Output background.
    pub output: Color32,
    /// Bytes written outside the allocation they were meant for.
    pub overrun: Color32,
    /// Selected bytes.
    pub selection: Color32,
    /// Search matches.
    pub search: Color32,
    /// Text and underline of changed bytes.
    pub changed: Color32,
    /// The frame around outlined bytes (a lesson's note), drawn over their colours.
    pub outline: Color32,
    /// Ordinary text.
    pub text: Color32,
    /// Host addresses and zero bytes.
    pub weak: Color32,
    /// Whether the theme is dark (writers' colours follow it).
    pub dark: bool,
}

impl Palette {
    /// Colours that read well on the current theme.
    pub fn new(visuals: &egui::Visuals) -> Self {
        let dark = visuals.dark_mode;
        let pick = |dark_rgb: [u8; 3], light_rgb: [u8; 3]| {
            let [r, g, b] = if dark { dark_rgb } else { light_rgb };
            Color32::from_rgb(r, g, b)
        };
        Self {
            allocation: pick([32, 52, 92], [208, 224, 252]),
            input: pick([28, 84, 48], [200, 240, 208]),
            output: pick([100, 72, 18], [252, 228, 178]),
            overrun: pick([130, 24, 40], [255, 190, 200]),
            selection: visuals.selection.bg_fill,
            search: pick([110, 100, 20], [255, 245, 140]),
            changed: pick([255, 110, 110], [200, 0, 0]),
            outline: visuals.strong_text_color(),
            text: visuals.text_color(),
            weak: visuals.weak_text_color(),
            dark,
        }
    }

    /// The background of bytes written by `group` (a function, `the host`): a hue of
    /// its own, the same in every frame and session.
    pub fn writer(&self, group: &str) -> Color32 {
        let hue = hue(group);
        // As dark (or light) as the region colours, so text reads the same on them.
        let (saturation, value) = if self.dark {
            (0.55, 0.36)
        } else {
            (0.22, 0.98)
        };
        HsvaGamma {
            h: hue,
            s: saturation,
            v: value,
            a: 1.0,
        }
        .into()
    }

    /// The frame and chip colour of a variable painted over memory: a hue of its own
    /// (by name), stronger than the writers' backgrounds so it reads over them.
    pub fn variable(&self, name: &str) -> Color32 {
        let (saturation, value) = if self.dark {
            (0.65, 0.95)
        } else {
            (0.85, 0.62)
        };
        HsvaGamma {
            h: hue(name),
            s: saturation,
            v: value,
            a: 1.0,
        }
        .into()
    }

    /// The background of a region kind.
    pub fn region(&self, kind: RegionKind) -> Color32 {
        match kind {
            RegionKind::Allocation => self.allocation,
            RegionKind::Input => self.input,
            RegionKind::Output => self.output,
        }
    }
}

/// A hue of `name`'s own (FNV-1a), the same in every frame and session.
fn hue(name: &str) -> f32 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % 360) as f32 / 360.0
}

/// Everything a row needs to know about the memory and the marks on it.
pub struct RowMarks<'a> {
    /// The memory.
    pub snapshot: &'a Snapshot,
    /// Host address of offset 0, as shown.
    pub host_base: u64,
    /// Highlighted regions.
    pub regions: &'a [Region],
    /// Bytes changed by the last step.
    pub changed: &'a [Range<u64>],
    /// Bytes written past their allocation.
    pub overruns: &'a [Range<u64>],
    /// Selected bytes.
    pub selection: Option<Range<u64>>,
    /// Search matches on screen.
    pub matches: &'a [Range<u64>],
    /// Bytes framed rather than filled (a lesson's note points at them).
    pub outline: Option<Range<u64>>,
    /// Who wrote each byte, when bytes are coloured by writer (instead of by region).
    pub writers: Option<&'a WriteMap>,
    /// The paused frame's variables, framed and titled over their bytes.
    pub variables: Option<&'a Overlay>,
}

impl RowMarks<'_> {
    /// The text format of the byte at `at`.
    fn format(&self, at: u64, plain: &TextFormat, palette: &Palette) -> TextFormat {
        let mut format = plain.clone();
        match self.writers {
            Some(writers) => {
                if let Some(writer) = writers.writer_at(at) {
                    format.background = palette.writer(&writer.group);
                }
            }
            None => {
                if let Some(region) = region_at(self.regions, at) {
                    format.background = palette.region(region.kind);
                }
            }
        }
        if in_sorted(self.overruns, at) {
            format.background = palette.overrun;
        }
        if in_sorted(self.matches, at) {
            format.background = palette.search;
        }
        if self.selection.as_ref().is_some_and(|r| r.contains(&at)) {
            format.background = palette.selection;
        }
        if in_sorted(self.changed, at) {
            format.color = palette.changed;
            format.underline = Stroke::new(1.0, palette.changed);
        } else if self.snapshot.byte(at) == Some(0) {
            format.color = palette.weak;
        }
        format
    }
}

/// Whether `at` lies in one of `ranges` (sorted by start, not overlapping).
pub fn in_sorted(ranges: &[Range<u64>], at: u64) -> bool {
    let after = ranges.partition_point(|r| r.start <= at);
    after > 0 && ranges[after - 1].contains(&at)
}

/// Lays out row `row` (its first byte is `row * bytes_per_row`).
pub fn row_job(
    marks: &RowMarks<'_>,
    row: u64,
    columns: &Columns,
    font: &FontId,
    palette: &Palette,
) -> LayoutJob {
    let per_row = columns.bytes_per_row;
    let offset = row * per_row as u64;
    let bytes = marks.snapshot.read(offset, per_row as u64);
    let plain = TextFormat::simple(font.clone(), palette.text);
    let weak = TextFormat::simple(font.clone(), palette.weak);
    let mut job = LayoutJob::default();
    let host = marks.host_base.wrapping_add(offset);
    let host_text = format!("{host:#014x}");
    let offset_text = format!("{offset:#010x}");
    job.append(
        &format!("{host_text:<w$}  ", w = columns.host_chars),
        0.0,
        weak,
    );
    job.append(
        &format!("{offset_text:<w$}  ", w = columns.offset_chars),
        0.0,
        plain.clone(),
    );
    let formats: Vec<TextFormat> = (0..bytes.len())
        .map(|i| marks.format(offset + i as u64, &plain, palette))
        .collect();
    for (i, &byte) in bytes.iter().enumerate() {
        job.append(&format!("{byte:02x}"), 0.0, formats[i].clone());
        // The gap after a byte keeps its background when the next byte shares it.
        let gap = " ".repeat(columns.hex_char(i + 1) - columns.hex_char(i) - 2);
        let mut gap_format = plain.clone();
        if formats
            .get(i + 1)
            .is_some_and(|next| next.background == formats[i].background)
        {
            gap_format.background = formats[i].background;
        }
        job.append(&gap, 0.0, gap_format);
    }
    let pad = columns.ascii_start() - columns.hex_char(bytes.len());
    job.append(&" ".repeat(pad), 0.0, plain);
    for (i, &byte) in bytes.iter().enumerate() {
        let shown = if byte.is_ascii_graphic() || byte == b' ' {
            byte as char
        } else {
            '.'
        };
        job.append(&shown.to_string(), 0.0, formats[i].clone());
    }
    job
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_offsets_in_sorted_ranges() {
        let ranges = [2..4, 10..11, 20..30];
        let inside: Vec<u64> = (0..32).filter(|&at| in_sorted(&ranges, at)).collect();
        let expected: Vec<u64> = [2, 3, 10].into_iter().chain(20..30).collect();
        assert_eq!(inside, expected);
        assert!(!in_sorted(&[], 0));
    }
}
