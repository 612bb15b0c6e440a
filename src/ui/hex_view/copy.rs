//! Copying a selection: as hex, as a Rust byte array, or as text.

use crate::memory::format_hex;

/// The ways a selection can be copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyAs {
    /// `de ad be ef`
    Hex,
    /// `[0xde, 0xad, 0xbe, 0xef]`
    RustArray,
    /// UTF-8, invalid sequences replaced.
    Text,
}

impl CopyAs {
    /// Every format, in menu order.
    pub const ALL: [CopyAs; 3] = [Self::Hex, Self::RustArray, Self::Text];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Hex => "Copy as hex",
            Self::RustArray => "Copy as Rust array",
            Self::Text => "Copy as text",
        }
    }

    /// Formats `bytes`.
    pub fn format(self, bytes: &[u8]) -> String {
        match self {
            Self::Hex => format_hex(bytes),
            Self::RustArray => {
                let items: Vec<String> = bytes.iter().map(|b| format!("{b:#04x}")).collect();
                format!("[{}]", items.join(", "))
            }
            Self::Text => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_bytes_three_ways() {
        let bytes = [0x68, 0x69, 0x00, 0xff];
        assert_eq!(CopyAs::Hex.format(&bytes), "68 69 00 ff");
        assert_eq!(CopyAs::RustArray.format(&bytes), "[0x68, 0x69, 0x00, 0xff]");
        assert_eq!(CopyAs::Text.format(&bytes[..2]), "hi");
    }
}
