//! The data inspector: what the bytes at one offset mean as each type a program might
//! have stored there. Values that would run past the end of memory are `None`
//! (shown as `—`); nothing here panics on any offset.

use std::fmt;

use super::guest_text::utf8_lossy;
use super::num::Endian;
use super::snapshot::Snapshot;

/// Longest LEB128 encoding of a 64-bit value, in bytes.
pub const LEB128_MAX_BYTES: usize = 10;

/// How many bytes the string row reads at most.
pub const STRING_MAX_BYTES: usize = 256;

/// What is shown for a value that runs past the end of memory.
pub const MISSING: &str = "—";

/// Why the bytes at an offset are not a LEB128 number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LebError {
    /// Memory ended after `len_bytes` bytes that all had the continuation bit set.
    Truncated {
        /// Bytes read before memory ended.
        len_bytes: usize,
    },
    /// All 10 bytes had the continuation bit set.
    TooLong,
    /// The 10th byte holds bits beyond the 64th.
    Overflow,
}

impl fmt::Display for LebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { len_bytes } => write!(
                f,
                "memory ends after {}, all with the continuation bit set",
                crate::text::count(*len_bytes as u64, "byte")
            ),
            Self::TooLong => write!(
                f,
                "not LEB128: {LEB128_MAX_BYTES} bytes without a final byte (high bit clear)"
            ),
            Self::Overflow => write!(f, "not LEB128: the value does not fit in 64 bits"),
        }
    }
}

impl std::error::Error for LebError {}

/// A decoded LEB128 number and how many bytes it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leb<T> {
    /// The value.
    pub value: T,
    /// Bytes the encoding took (1 to 10).
    pub len_bytes: usize,
}

/// The bytes up to a NUL, read as UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CString {
    /// The text, with invalid UTF-8 replaced by `�`.
    pub text: String,
    /// Bytes before the NUL (or all bytes read when there is none).
    pub len_bytes: usize,
    /// Whether a NUL ended the string.
    pub terminated: bool,
    /// Whether reading stopped at `STRING_MAX_BYTES` without finding a NUL.
    pub truncated: bool,
    /// Whether the bytes were valid UTF-8 (not counting a character cut at the limit).
    pub valid_utf8: bool,
}

impl CString {
    /// `"The input string" (16 bytes, NUL-terminated)`.
    pub fn summary(&self) -> String {
        let ending = if self.terminated {
            "NUL-terminated"
        } else if self.truncated {
            "no NUL within 256 bytes; truncated"
        } else {
            "no NUL before the end of memory"
        };
        let invalid = if self.valid_utf8 {
            ""
        } else {
            ", invalid UTF-8 shown as �"
        };
        format!(
            "{:?} ({} bytes, {ending}{invalid})",
            self.text, self.len_bytes
        )
    }
}

/// A pointer-sized value read at an offset, which the caller may follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pointer {
    /// The value, as a guest offset.
    pub target: u64,
    /// Whether `target` lies inside the memory.
    pub inside: bool,
}

/// Every reading of the bytes at one offset.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The offset decoded.
    pub offset: u64,
    /// Byte order used for the fixed-size numbers.
    pub endian: Endian,
    /// Signed byte.
    pub i8: Option<i8>,
    /// Unsigned byte.
    pub u8: Option<u8>,
    /// Signed 16-bit integer.
    pub i16: Option<i16>,
    /// Unsigned 16-bit integer.
    pub u16: Option<u16>,
    /// Signed 32-bit integer.
    pub i32: Option<i32>,
    /// Unsigned 32-bit integer.
    pub u32: Option<u32>,
    /// Signed 64-bit integer.
    pub i64: Option<i64>,
    /// Unsigned 64-bit integer.
    pub u64: Option<u64>,
    /// 32-bit float.
    pub f32: Option<f32>,
    /// 64-bit float.
    pub f64: Option<f64>,
    /// Unsigned LEB128 (`None` when the offset is past the end).
    pub uleb128: Option<Result<Leb<u64>, LebError>>,
    /// Signed LEB128 (`None` when the offset is past the end).
    pub sleb128: Option<Result<Leb<i64>, LebError>>,
    /// UTF-8 text up to a NUL (`None` when the offset is past the end).
    pub string: Option<CString>,
    /// A 32-bit pointer (wasm32), always little-endian as wasm stores it.
    pub ptr32: Option<Pointer>,
    /// A 64-bit pointer (memory64), always little-endian as wasm stores it.
    pub ptr64: Option<Pointer>,
}

/// One line of the inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedRow {
    /// `u32`, `ULEB128`, `ptr32`.
    pub label: &'static str,
    /// The value as text, or `—` past the end of memory.
    pub text: String,
    /// Where a pointer row leads, when it points inside memory.
    pub follow: Option<u64>,
}

/// Decodes the bytes at `offset` as every supported type; fixed-size numbers use
/// `endian`, pointers are always little-endian.
pub fn decode(snapshot: &Snapshot, offset: u64, endian: Endian) -> Decoded {
    let bytes = snapshot.read(offset, STRING_MAX_BYTES as u64);
    let take = |n: usize| -> Option<Vec<u8>> {
        let mut b = bytes.get(..n)?.to_vec();
        if endian == Endian::Big {
            b.reverse();
        }
        Some(b)
    };
    macro_rules! num {
        ($t:ty) => {
            take(size_of::<$t>()).and_then(|b| Some(<$t>::from_le_bytes(b.try_into().ok()?)))
        };
    }
    let pointer = |n: usize| -> Option<Pointer> {
        let b = bytes.get(..n)?;
        let mut word = [0u8; 8];
        word[..n].copy_from_slice(b);
        let target = u64::from_le_bytes(word);
        Some(Pointer {
            target,
            inside: target < snapshot.len_bytes(),
        })
    };
    let at_end = bytes.is_empty();
    let leb = &bytes[..bytes.len().min(LEB128_MAX_BYTES)];
    Decoded {
        offset,
        endian,
        i8: num!(i8),
        u8: num!(u8),
        i16: num!(i16),
        u16: num!(u16),
        i32: num!(i32),
        u32: num!(u32),
        i64: num!(i64),
        u64: num!(u64),
        f32: num!(f32),
        f64: num!(f64),
        uleb128: (!at_end).then(|| read_uleb128(leb)),
        sleb128: (!at_end).then(|| read_sleb128(leb)),
        string: (!at_end).then(|| read_c_string(&bytes)),
        ptr32: pointer(4),
        ptr64: pointer(8),
    }
}

impl Decoded {
    /// The inspector's lines, in display order.
    pub fn rows(&self) -> Vec<DecodedRow> {
        fn text<T: fmt::Display>(value: Option<T>) -> String {
            value.map_or_else(|| MISSING.to_owned(), |v| v.to_string())
        }
        fn unsigned<T: fmt::Display + fmt::LowerHex>(value: Option<T>) -> String {
            value.map_or_else(|| MISSING.to_owned(), |v| format!("{v} ({v:#x})"))
        }
        fn leb<T: fmt::Display>(value: &Option<Result<Leb<T>, LebError>>) -> String {
            match value {
                None => MISSING.to_owned(),
                Some(Ok(leb)) => format!("{} ({} bytes)", leb.value, leb.len_bytes),
                Some(Err(err)) => err.to_string(),
            }
        }
        let row = |label, text| DecodedRow {
            label,
            text,
            follow: None,
        };
        let pointer = |label, value: Option<Pointer>| DecodedRow {
            label,
            text: match value {
                None => MISSING.to_owned(),
                Some(p) if p.inside => format!("{:#x}", p.target),
                Some(p) => format!("{:#x} (outside memory)", p.target),
            },
            follow: value.filter(|p| p.inside).map(|p| p.target),
        };
        vec![
            row("i8", text(self.i8)),
            row("u8", unsigned(self.u8)),
            row("i16", text(self.i16)),
            row("u16", unsigned(self.u16)),
            row("i32", text(self.i32)),
            row("u32", unsigned(self.u32)),
            row("i64", text(self.i64)),
            row("u64", unsigned(self.u64)),
            row("f32", float(self.f32.map(f64::from))),
            row("f64", float(self.f64)),
            row("ULEB128", leb(&self.uleb128)),
            row("SLEB128", leb(&self.sleb128)),
            row(
                "UTF-8",
                self.string
                    .as_ref()
                    .map_or_else(|| MISSING.to_owned(), CString::summary),
            ),
            pointer("ptr32", self.ptr32),
            pointer("ptr64", self.ptr64),
        ]
    }
}

/// A float as a person reads it: plain for everyday magnitudes, scientific notation
/// for tiny and huge ones (a denormal in full would be 300 digits long).
fn float(value: Option<f64>) -> String {
    match value {
        None => MISSING.to_owned(),
        Some(v) if v != 0.0 && v.is_finite() && !(1e-4..1e15).contains(&v.abs()) => {
            format!("{v:e}")
        }
        Some(v) => v.to_string(),
    }
}

/// Reads an unsigned LEB128 number from the start of `bytes` (at most 10 are looked at).
pub fn read_uleb128(bytes: &[u8]) -> Result<Leb<u64>, LebError> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().take(LEB128_MAX_BYTES).enumerate() {
        let low = u64::from(byte & 0x7f);
        if i == LEB128_MAX_BYTES - 1 && byte > 1 {
            // Only bit 63 is left.
            return Err(if byte & 0x80 != 0 {
                LebError::TooLong
            } else {
                LebError::Overflow
            });
        }
        value |= low << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Leb {
                value,
                len_bytes: i + 1,
            });
        }
    }
    Err(end_error(bytes))
}

/// Reads a signed LEB128 number from the start of `bytes` (at most 10 are looked at).
pub fn read_sleb128(bytes: &[u8]) -> Result<Leb<i64>, LebError> {
    let mut value = 0i64;
    for (i, &byte) in bytes.iter().take(LEB128_MAX_BYTES).enumerate() {
        let shift = 7 * i as u32;
        if i == LEB128_MAX_BYTES - 1 {
            // Only bit 63 is left: the byte must be a plain sign extension.
            if byte != 0x00 && byte != 0x7f {
                return Err(if byte & 0x80 != 0 {
                    LebError::TooLong
                } else {
                    LebError::Overflow
                });
            }
            value |= i64::from(byte & 1) << shift;
            return Ok(Leb {
                value,
                len_bytes: LEB128_MAX_BYTES,
            });
        }
        value |= i64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            let bits = shift + 7;
            if byte & 0x40 != 0 && bits < 64 {
                value |= -1i64 << bits;
            }
            return Ok(Leb {
                value,
                len_bytes: i + 1,
            });
        }
    }
    Err(end_error(bytes))
}

fn end_error(bytes: &[u8]) -> LebError {
    if bytes.len() >= LEB128_MAX_BYTES {
        LebError::TooLong
    } else {
        LebError::Truncated {
            len_bytes: bytes.len(),
        }
    }
}

/// Reads UTF-8 text up to a NUL from the start of `bytes`, at most `STRING_MAX_BYTES`.
pub fn read_c_string(bytes: &[u8]) -> CString {
    read_c_string_within(bytes, STRING_MAX_BYTES)
}

/// Reads UTF-8 text up to a NUL from the start of `bytes`, at most `max_bytes`.
pub fn read_c_string_within(bytes: &[u8], max_bytes: usize) -> CString {
    let limit = bytes.len().min(max_bytes);
    let (body, terminated) = match memchr::memchr(0, &bytes[..limit]) {
        Some(nul) => (&bytes[..nul], true),
        None => (&bytes[..limit], false),
    };
    let truncated = !terminated && bytes.len() >= max_bytes;
    let (text, valid_utf8) = utf8_lossy(body, truncated);
    CString {
        text,
        len_bytes: body.len(),
        terminated,
        truncated,
        valid_utf8,
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
