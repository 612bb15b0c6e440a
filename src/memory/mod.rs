//! Pure views of linear memory: snapshots that share unchanged chunks, and the byte
//! ranges that changed between two of them, highlighted regions, hex text, search,
//! the data inspector, goto expressions, the snapshot history, overrun detection and
//! the memory map. No wasmtime, no egui.

mod decode;
mod expr;
mod guest_text;
mod hex;
mod history;
mod memory_map;
mod num;
mod overrun;
mod regions;
mod replay;
mod search;
mod snapshot;
mod writes;

pub use decode::{
    CString, Decoded, DecodedRow, LEB128_MAX_BYTES, Leb, LebError, MISSING, Pointer,
    STRING_MAX_BYTES, decode, read_c_string, read_c_string_within, read_sleb128, read_uleb128,
};
pub use expr::{names_used, parse_address, rewrite_names};
pub use guest_text::{
    Ending, GUEST_TEXT_MAX_BYTES, GuestText, assemblyscript_text, c_text, utf8_text,
};
pub use hex::{format_hex, parse_hex};
pub use history::{History, HistoryEntry};
pub use memory_map::{
    MapEntry, MapInputs, MapKind, SegmentInput, build_memory_map, map_entry_at, page_boundaries,
};
pub use num::{Endian, NumKind};
pub use overrun::{overrun_report, overruns};
pub use regions::{Region, RegionKind, region_at, set_region};
pub use replay::{MemoryImage, Segments};
pub use search::{Needle, find_all, find_next, find_prev};
pub use snapshot::{CHUNK_BYTES, Snapshot, changed_ranges};
pub use writes::{Stored, TracedWrite, WriteMap, Writer, WriterTotal, Written};

use std::ops::Range;

/// Merges ranges that touch or overlap; the input must be sorted by start.
pub fn merge_ranges(ranges: impl IntoIterator<Item = Range<u64>>) -> Vec<Range<u64>> {
    let mut merged: Vec<Range<u64>> = Vec::new();
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// Total number of bytes covered by `ranges`.
pub fn ranges_len_bytes(ranges: &[Range<u64>]) -> u64 {
    ranges.iter().map(|r| r.end - r.start).sum()
}

/// `[0x110018..0x110019]`: a range as trace lines show it.
pub fn format_range(range: &Range<u64>) -> String {
    format!("[{:#x}..{:#x}]", range.start, range.end)
}

/// How many ranges `format_ranges` lists before summarising the rest.
const RANGES_LISTED: usize = 4;

/// Formats ranges as `0x400..0x419 (25 bytes)`, comma separated; past a few, the rest
/// are summarised (`… and 70 more, 212 bytes in all`).
pub fn format_ranges(ranges: &[Range<u64>]) -> String {
    if ranges.is_empty() {
        return "none".to_owned();
    }
    let mut text = ranges
        .iter()
        .take(RANGES_LISTED)
        .map(|r| {
            format!(
                "{:#x}..{:#x} ({})",
                r.start,
                r.end,
                plural_bytes(r.end - r.start)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    if ranges.len() > RANGES_LISTED {
        text.push_str(&format!(
            " … and {} more, {} in all",
            ranges.len() - RANGES_LISTED,
            plural_bytes(ranges_len_bytes(ranges))
        ));
    }
    text
}

/// `1 byte`, `25 bytes`.
pub fn plural_bytes(n: u64) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_touching_and_overlapping() {
        assert_eq!(merge_ranges([0..2, 2..4, 6..8, 7..9]), vec![0..4, 6..9]);
        assert_eq!(ranges_len_bytes(&[0..4, 6..9]), 7);
        assert_eq!(format_ranges(&[0x10..0x19]), "0x10..0x19 (9 bytes)");
        assert_eq!(format_ranges(&[]), "none");
        assert_eq!(format_ranges(&[3..4]), "0x3..0x4 (1 byte)");
        let many: Vec<Range<u64>> = (0..6).map(|i| i * 10..i * 10 + 2).collect();
        assert_eq!(
            format_ranges(&many),
            "0x0..0x2 (2 bytes), 0xa..0xc (2 bytes), 0x14..0x16 (2 bytes), \
             0x1e..0x20 (2 bytes) … and 2 more, 12 bytes in all"
        );
    }
}
