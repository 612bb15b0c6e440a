//! Where each character of a row goes: addresses, hex pairs, ASCII.

use crate::memory::Snapshot;

/// Column titles (the columns are at least this wide).
pub const HOST_TITLE: &str = "host address";
/// Title of the guest offset column.
pub const OFFSET_TITLE: &str = "guest offset";

/// Column layout of one row, in characters of the monospace font.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Columns {
    /// Bytes per row (8, 16 or 32).
    pub bytes_per_row: usize,
    /// Width of the host address column.
    pub host_chars: usize,
    /// Width of the guest offset column.
    pub offset_chars: usize,
}

impl Columns {
    /// Columns wide enough for every address of `snapshot` (memory64 in full width).
    pub fn new(snapshot: &Snapshot, host_base: u64, bytes_per_row: usize) -> Self {
        let last = snapshot.len_bytes().saturating_sub(1);
        let width = |v: u64| 2 + (16 - v.leading_zeros() as usize / 4).max(8);
        Self {
            bytes_per_row,
            host_chars: width(host_base.wrapping_add(last)).max(HOST_TITLE.len()),
            offset_chars: width(last).max(OFFSET_TITLE.len()),
        }
    }

    /// First character of the hex bytes.
    pub fn hex_start(&self) -> usize {
        self.host_chars + 2 + self.offset_chars + 2
    }

    /// First character of byte `i`'s hex pair (an extra space after every 8 bytes).
    pub fn hex_char(&self, i: usize) -> usize {
        self.hex_start() + i * 3 + i / 8
    }

    /// First character of the ASCII column.
    pub fn ascii_start(&self) -> usize {
        self.hex_char(self.bytes_per_row) + 1
    }

    /// Which byte of the row is under character column `col` (hex or ASCII). A byte
    /// owns its two digits and the gap after them, so hovering has no dead zones.
    pub fn byte_at(&self, col: usize) -> Option<usize> {
        if col >= self.ascii_start() {
            let i = col - self.ascii_start();
            return (i < self.bytes_per_row).then_some(i);
        }
        (0..self.bytes_per_row).find(|&i| (self.hex_char(i)..self.hex_char(i + 1)).contains(&col))
    }

    /// The width of a whole row in characters (the ASCII column is the last).
    pub fn row_chars(&self) -> usize {
        self.ascii_start() + self.bytes_per_row.max("ASCII".len())
    }

    /// The header line: column titles and the byte index of each hex column.
    pub fn header(&self) -> String {
        let mut text = format!(
            "{HOST_TITLE:<host$}  {OFFSET_TITLE:<off$}  ",
            host = self.host_chars,
            off = self.offset_chars
        );
        for i in 0..self.bytes_per_row {
            pad_to(&mut text, self.hex_char(i));
            text.push_str(&format!("{i:02x}"));
        }
        pad_to(&mut text, self.ascii_start());
        text.push_str("ASCII");
        text
    }
}

/// Appends spaces until `text` is `column` characters long (ASCII only).
fn pad_to(text: &mut String, column: usize) {
    while text.len() < column {
        text.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_map_to_columns_and_back() {
        let snapshot = Snapshot::capture(None, &[0u8; 65536], 0x7f00_0000_0000);
        let columns = Columns::new(&snapshot, snapshot.host_base(), 16);
        assert_eq!(columns.host_chars, 14);
        assert_eq!(columns.offset_chars, 12);
        for i in 0..16 {
            assert_eq!(columns.byte_at(columns.hex_char(i)), Some(i));
            assert_eq!(columns.byte_at(columns.hex_char(i) + 2), Some(i));
            assert_eq!(columns.byte_at(columns.ascii_start() + i), Some(i));
        }
        assert_eq!(columns.byte_at(0), None);
        assert_eq!(columns.byte_at(columns.ascii_start() + 16), None);
        let header = columns.header();
        assert_eq!(&header[columns.hex_char(9)..columns.hex_char(9) + 2], "09");
        assert!(header.ends_with("ASCII"));
    }

    #[test]
    fn memory64_addresses_get_full_width() {
        let snapshot = Snapshot::capture(None, &[0u8; 16], 0);
        let mut columns = Columns::new(&snapshot, 0, 32);
        assert_eq!(columns.offset_chars, 12);
        columns.offset_chars = 18;
        assert_eq!(columns.hex_start(), columns.host_chars + 2 + 18 + 2);
        assert_eq!(columns.hex_char(31), columns.hex_start() + 93 + 3);
    }
}
