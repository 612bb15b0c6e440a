//! How one record sits in the trace memory: the one description that the emitted code
//! writes and `decode` reads. All fields are little-endian and unaligned; every record
//! starts with its site's id (a u32).
//!
//! | kind   | after the id                                          |
//! |--------|-------------------------------------------------------|
//! | store  | address (u32, or u64 on a memory64), the value's bytes |
//! | rmw    | address, the bytes there after the instruction ran     |
//! | fill   | destination u64, length u64, the byte (u8)             |
//! | copy   | destination u64, source u64, length u64                |
//! | init   | destination u64, offset in the segment u64, length u64 |
//! | grow   | pages asked for u64, pages before u64                  |

use crate::inspect::WriteKind;

/// Bytes of the site id that starts every record.
pub const ID_BYTES: u32 = 4;

/// Where a record's fields are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A store or an atomic read-modify-write: the address, then `width` bytes.
    Value {
        /// 4 or 8.
        address_bytes: u32,
        /// Bytes written.
        width: u32,
    },
    /// u64 fields (`memory.fill` adds its byte). A copy's bytes are not recorded: a
    /// replay copies them from where they were at that write.
    Wide {
        /// How many u64 fields.
        fields: u32,
        /// Bytes after the fields: 1 for a fill's byte, 0 otherwise.
        tail: u32,
    },
}

/// Offset of a wide record's first, second and third u64 field.
pub const WIDE_FIELDS: [u32; 3] = [ID_BYTES, ID_BYTES + 8, ID_BYTES + 16];

impl Layout {
    /// The layout of a write of `kind` to a memory (a memory64 when `memory64`).
    pub fn of(kind: WriteKind, memory64: bool) -> Self {
        let address_bytes = if memory64 { 8 } else { 4 };
        match kind {
            WriteKind::Store { width, .. } | WriteKind::Rmw { width, .. } => Self::Value {
                address_bytes,
                width: u32::from(width),
            },
            WriteKind::Fill => Self::wide(2, 1),
            WriteKind::Copy | WriteKind::Init { .. } => Self::wide(3, 0),
            WriteKind::Grow => Self::wide(2, 0),
        }
    }

    fn wide(fields: u32, tail: u32) -> Self {
        Self::Wide { fields, tail }
    }

    /// Bytes of the record.
    pub fn fixed_bytes(self) -> u32 {
        match self {
            Self::Value {
                address_bytes,
                width,
            } => ID_BYTES + address_bytes + width,
            Self::Wide { fields, tail, .. } => ID_BYTES + 8 * fields + tail,
        }
    }

    /// Where a value record's bytes start.
    pub fn value_at(self) -> u32 {
        match self {
            Self::Value { address_bytes, .. } => ID_BYTES + address_bytes,
            _ => self.fixed_bytes(),
        }
    }
}
