//! Pure views of linear memory: snapshots that share unchanged chunks, and the byte
//! ranges that changed between two of them, highlighted regions, hex text. No wasmtime,
//! no egui.

mod hex;
mod regions;
mod snapshot;

pub use hex::{format_hex, parse_hex};
pub use regions::{Region, RegionKind, region_at, set_region};

pub use snapshot::{CHUNK_BYTES, Snapshot, changed_ranges};

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

/// Formats ranges as `0x400..0x419 (25 bytes)`, comma separated.
pub fn format_ranges(ranges: &[Range<u64>]) -> String {
    if ranges.is_empty() {
        return "none".to_owned();
    }
    ranges
        .iter()
        .map(|r| format!("{:#x}..{:#x} ({} bytes)", r.start, r.end, r.end - r.start))
        .collect::<Vec<_>>()
        .join(", ")
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
    }
}
