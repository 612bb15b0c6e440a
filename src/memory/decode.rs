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
mod tests {
    use super::*;
    use crate::memory::CHUNK_BYTES;

    fn snap(bytes: &[(usize, &[u8])], len: usize) -> Snapshot {
        let mut data = vec![0u8; len];
        for (at, b) in bytes {
            data[*at..*at + b.len()].copy_from_slice(b);
        }
        Snapshot::capture(None, &data, 0)
    }

    #[test]
    fn floats_stay_short() {
        assert_eq!(float(Some(1.5)), "1.5");
        assert_eq!(float(Some(3.59e-43)), "3.59e-43");
        assert_eq!(float(Some(0.0)), "0");
        assert_eq!(float(Some(f64::NAN)), "NaN");
        assert_eq!(float(None), MISSING);
    }

    #[test]
    fn decodes_numbers_in_both_orders() {
        let s = snap(
            &[(10, &[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88])],
            64,
        );
        let le = decode(&s, 10, Endian::Little);
        assert_eq!(le.u8, Some(1));
        assert_eq!(le.u16, Some(0x0201));
        assert_eq!(le.u32, Some(0x0403_0201));
        assert_eq!(le.u64, Some(0x8807_0605_0403_0201));
        assert_eq!(le.i64, Some(0x8807_0605_0403_0201u64 as i64));
        let be = decode(&s, 10, Endian::Big);
        assert_eq!(be.u16, Some(0x0102));
        assert_eq!(be.u32, Some(0x0102_0304));
        assert_eq!(be.endian, Endian::Big);
        let f = snap(
            &[(0, &1.5f32.to_le_bytes()), (8, &(-2.25f64).to_be_bytes())],
            32,
        );
        assert_eq!(decode(&f, 0, Endian::Little).f32, Some(1.5));
        assert_eq!(decode(&f, 8, Endian::Big).f64, Some(-2.25));
        let rows = decode(&s, 10, Endian::Little).rows();
        assert_eq!(rows[1].label, "u8");
        assert_eq!(rows[1].text, "1 (0x1)");
        assert_eq!(rows[0].text, "1");
    }

    #[test]
    fn values_past_the_end_are_missing() {
        let s = snap(&[(62, &[0xff, 0x7f])], 64);
        let d = decode(&s, 62, Endian::Little);
        assert_eq!(d.i8, Some(-1));
        assert_eq!(d.u16, Some(0x7fff));
        assert_eq!(d.u32, None);
        assert_eq!(d.f64, None);
        assert_eq!(d.ptr32, None);
        assert_eq!(
            d.uleb128,
            Some(Ok(Leb {
                value: 0x3fff,
                len_bytes: 2
            }))
        );
        let rows = d.rows();
        assert!(rows.iter().any(|r| r.label == "u32" && r.text == MISSING));
        for offset in [64, 65, u64::MAX] {
            let d = decode(&s, offset, Endian::Big);
            assert_eq!(d.u8, None);
            assert_eq!(d.uleb128, None);
            assert_eq!(d.string, None);
            assert!(d.rows().iter().all(|r| r.text == MISSING));
        }
        let d = decode(&Snapshot::empty(), 0, Endian::Little);
        assert_eq!(d.ptr64, None);
    }

    #[test]
    fn leb128() {
        let u = |b: &[u8]| read_uleb128(b);
        let s = |b: &[u8]| read_sleb128(b);
        assert_eq!(
            u(&[0xe5, 0x8e, 0x26]),
            Ok(Leb {
                value: 624_485,
                len_bytes: 3
            })
        );
        assert_eq!(
            s(&[0xc0, 0xbb, 0x78]),
            Ok(Leb {
                value: -123_456,
                len_bytes: 3
            })
        );
        assert_eq!(
            s(&[0x7f]),
            Ok(Leb {
                value: -1,
                len_bytes: 1
            })
        );
        assert_eq!(
            s(&[0x3f]),
            Ok(Leb {
                value: 63,
                len_bytes: 1
            })
        );
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(
            u(&max),
            Ok(Leb {
                value: u64::MAX,
                len_bytes: 10
            })
        );
        let min = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f];
        assert_eq!(
            s(&min),
            Ok(Leb {
                value: i64::MIN,
                len_bytes: 10
            })
        );
        let mut over = max;
        over[9] = 0x02;
        assert_eq!(u(&over), Err(LebError::Overflow));
        assert_eq!(s(&over), Err(LebError::Overflow));
        assert_eq!(u(&[0x80; 12]), Err(LebError::TooLong));
        assert_eq!(s(&[0x80; 12]), Err(LebError::TooLong));
        assert_eq!(u(&[0x80, 0x80]), Err(LebError::Truncated { len_bytes: 2 }));
        assert!(LebError::TooLong.to_string().contains("10 bytes"));
        // Round trip through the encoding wasm uses, for many values.
        for v in [
            0i64,
            1,
            -1,
            63,
            64,
            -64,
            -65,
            127,
            128,
            i32::MIN as i64,
            i64::MAX,
            i64::MIN,
        ] {
            let mut bytes = Vec::new();
            let mut x = v;
            loop {
                let byte = (x & 0x7f) as u8;
                x >>= 7;
                let done = (x == 0 && byte & 0x40 == 0) || (x == -1 && byte & 0x40 != 0);
                bytes.push(if done { byte } else { byte | 0x80 });
                if done {
                    break;
                }
            }
            assert_eq!(
                s(&bytes),
                Ok(Leb {
                    value: v,
                    len_bytes: bytes.len()
                }),
                "{v}"
            );
        }
    }

    #[test]
    fn strings() {
        let s = snap(&[(0, b"The input string\0rest")], 64);
        let text = decode(&s, 0, Endian::Little).string.unwrap();
        assert_eq!(text.text, "The input string");
        assert!(text.terminated && !text.truncated && text.valid_utf8);
        assert_eq!(
            text.summary(),
            "\"The input string\" (16 bytes, NUL-terminated)"
        );
        let bad = read_c_string(b"a\xffb\0");
        assert_eq!(bad.text, "a\u{fffd}b");
        assert!(!bad.valid_utf8);
        assert!(bad.summary().contains("invalid UTF-8"));
        let end = read_c_string(b"abc");
        assert!(!end.terminated && !end.truncated);
        assert!(end.summary().contains("end of memory"));
        // 255 ASCII bytes then a 2-byte character cut by the limit.
        let mut long = vec![b'x'; 255];
        long.extend_from_slice("é and more".as_bytes());
        let cut = read_c_string(&long);
        assert!(cut.truncated && cut.valid_utf8);
        assert_eq!(cut.text.len(), 255);
        assert_eq!(cut.len_bytes, 256);
        assert!(cut.summary().contains("truncated"));
        // A string crossing a chunk boundary.
        let big = snap(&[(CHUNK_BYTES - 3, b"hello\0")], 2 * CHUNK_BYTES);
        let d = decode(&big, CHUNK_BYTES as u64 - 3, Endian::Little);
        assert_eq!(d.string.unwrap().text, "hello");
    }

    #[test]
    fn pointers() {
        let s = snap(
            &[
                (0, &40u32.to_le_bytes()),
                (8, &0xffff_fff0u64.to_le_bytes()),
            ],
            64,
        );
        let d = decode(&s, 0, Endian::Big);
        assert_eq!(
            d.ptr32,
            Some(Pointer {
                target: 40,
                inside: true
            })
        );
        let rows = d.rows();
        let ptr = rows.iter().find(|r| r.label == "ptr32").unwrap();
        assert_eq!((ptr.text.as_str(), ptr.follow), ("0x28", Some(40)));
        let far = decode(&s, 8, Endian::Little);
        assert_eq!(
            far.ptr32,
            Some(Pointer {
                target: 0xffff_fff0,
                inside: false
            })
        );
        let rows = far.rows();
        let ptr = rows.iter().find(|r| r.label == "ptr32").unwrap();
        assert_eq!(ptr.text, "0xfffffff0 (outside memory)");
        assert_eq!(ptr.follow, None);
    }
}
