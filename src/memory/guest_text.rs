//! Strings a guest hands the host by pointer, read the way each toolchain lays them
//! out: UTF-8 with a length (wasm-bindgen), NUL-terminated (C), or UTF-16 with the byte
//! length in the object header (AssemblyScript). Bounded, and never failing: a bad
//! pointer or length becomes a sentence.

use std::fmt;

use super::decode::read_c_string_within;

/// Most bytes of one guest string that are read.
pub const GUEST_TEXT_MAX_BYTES: usize = 4096;

/// How a read string ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// All of it was read.
    Whole,
    /// Only the first `GUEST_TEXT_MAX_BYTES` were read, of `total_bytes` when known (a
    /// C string with no NUL in them has no known length).
    Cut {
        /// The string's length in bytes, when its format says.
        total_bytes: Option<u64>,
    },
    /// A C string that memory ended before its NUL.
    NoNul,
}

/// A string read from guest memory, or why it could not be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuestText {
    /// The text, with invalid UTF-8 or UTF-16 shown as `�`.
    Text {
        /// The text read.
        text: String,
        /// Whether it is all of the string.
        ending: Ending,
    },
    /// A null pointer (0): no string.
    Null,
    /// The pointer or length points outside memory; the reason, for the log.
    Unreadable(String),
}

impl GuestText {
    /// The whole text `text`.
    pub fn whole(text: impl Into<String>) -> Self {
        Self::Text {
            text: text.into(),
            ending: Ending::Whole,
        }
    }

    /// The text when it was read whole, for places that show it unquoted (a file name).
    pub fn as_whole(&self) -> Option<&str> {
        match self {
            Self::Text {
                text,
                ending: Ending::Whole,
            } => Some(text),
            _ => None,
        }
    }
}

impl fmt::Display for GuestText {
    /// `"index out of range"`, `"aaaa"… (the first 4096 of 9000 bytes)`, `(null)` or
    /// `(unreadable: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text { text, ending } => {
                write!(f, "{text:?}")?;
                match ending {
                    Ending::Whole => Ok(()),
                    Ending::Cut {
                        total_bytes: Some(total),
                    } => write!(f, "… (the first {GUEST_TEXT_MAX_BYTES} of {total} bytes)"),
                    Ending::Cut { total_bytes: None } => {
                        write!(f, "… (the first {GUEST_TEXT_MAX_BYTES} bytes, with no NUL)")
                    }
                    Ending::NoNul => f.write_str(" (no NUL before the end of memory)"),
                }
            }
            Self::Null => f.write_str("(null)"),
            Self::Unreadable(why) => write!(f, "(unreadable: {why})"),
        }
    }
}

/// The bytes at `start..start+len` of `memory`, or why they are outside it.
fn bytes_at(memory: &[u8], start: u64, len: u64) -> Result<&[u8], GuestText> {
    let size = memory.len() as u64;
    match start.checked_add(len) {
        Some(end) if end <= size => Ok(&memory[start as usize..end as usize]),
        end => Err(GuestText::Unreadable(format!(
            "{start:#x}..{} is past the end of memory at {size:#x}",
            end.map_or_else(|| "beyond 2^64".to_owned(), |end| format!("{end:#x}"))
        ))),
    }
}

/// `bytes` as text, invalid UTF-8 shown as `�`, and whether it was valid. When `cut`
/// (the bytes stop at a limit), a character the limit split is dropped, not shown as
/// invalid.
pub(super) fn utf8_lossy(bytes: &[u8], cut: bool) -> (String, bool) {
    let shown = match std::str::from_utf8(bytes) {
        Err(err) if cut && err.error_len().is_none() => &bytes[..err.valid_up_to()],
        _ => bytes,
    };
    (
        String::from_utf8_lossy(shown).into_owned(),
        std::str::from_utf8(shown).is_ok(),
    )
}

/// UTF-8 text at `ptr..ptr+len` (wasm-bindgen's strings).
pub fn utf8_text(memory: &[u8], ptr: u64, len: u64) -> GuestText {
    let bytes = match bytes_at(memory, ptr, len) {
        Ok(bytes) => bytes,
        Err(unreadable) => return unreadable,
    };
    let cut = bytes.len() > GUEST_TEXT_MAX_BYTES;
    let (text, _) = utf8_lossy(&bytes[..bytes.len().min(GUEST_TEXT_MAX_BYTES)], cut);
    let ending = if cut {
        Ending::Cut {
            total_bytes: Some(len),
        }
    } else {
        Ending::Whole
    };
    GuestText::Text { text, ending }
}

/// A NUL-terminated UTF-8 string at `ptr` (C's `char*`); 0 is null.
pub fn c_text(memory: &[u8], ptr: u64) -> GuestText {
    if ptr == 0 {
        return GuestText::Null;
    }
    let Some(rest) = memory.get(ptr as usize..).filter(|rest| !rest.is_empty()) else {
        return GuestText::Unreadable(format!(
            "{ptr:#x} is past the end of memory at {:#x}",
            memory.len()
        ));
    };
    let read = read_c_string_within(rest, GUEST_TEXT_MAX_BYTES);
    let ending = if read.terminated {
        Ending::Whole
    } else if read.truncated {
        Ending::Cut { total_bytes: None }
    } else {
        Ending::NoNul
    };
    GuestText::Text {
        text: read.text,
        ending,
    }
}

/// An AssemblyScript string at `ptr`: UTF-16LE, whose length in bytes is the `u32`
/// just before it (the object header's `rtSize`); 0 is null.
pub fn assemblyscript_text(memory: &[u8], ptr: u64) -> GuestText {
    if ptr == 0 {
        return GuestText::Null;
    }
    let Some(header) = ptr.checked_sub(4) else {
        return GuestText::Unreadable(format!(
            "{ptr:#x} cannot be an AssemblyScript string: its length would be before address 0"
        ));
    };
    let size = match bytes_at(memory, header, 4) {
        Ok(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        Ok(_) => return GuestText::Unreadable("a 4-byte read returned no 4 bytes".to_owned()),
        Err(unreadable) => return unreadable,
    };
    let bytes = match bytes_at(memory, ptr, size.into()) {
        Ok(bytes) => bytes,
        Err(GuestText::Unreadable(why)) => {
            return GuestText::Unreadable(format!("its length says {size} bytes, but {why}"));
        }
        Err(other) => return other,
    };
    let cut = bytes.len() > GUEST_TEXT_MAX_BYTES;
    let read = &bytes[..bytes.len().min(GUEST_TEXT_MAX_BYTES)];
    let mut units: Vec<u16> = read
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    // A surrogate pair the limit split is dropped, not shown as invalid.
    if cut && units.last().is_some_and(|u| (0xd800..0xdc00).contains(u)) {
        units.pop();
    }
    let text = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let ending = if cut {
        Ending::Cut {
            total_bytes: Some(size.into()),
        }
    } else {
        Ending::Whole
    };
    GuestText::Text { text, ending }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of zeros with `bytes` at `at`.
    fn memory_with(at: usize, bytes: &[u8]) -> Vec<u8> {
        let mut memory = vec![0; 0x10000];
        memory[at..at + bytes.len()].copy_from_slice(bytes);
        memory
    }

    /// An AssemblyScript string at `ptr`: its byte length at `ptr - 4`, then UTF-16LE.
    fn as_string(ptr: usize, text: &str) -> Vec<u8> {
        let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut bytes = (units.len() as u32).to_le_bytes().to_vec();
        bytes.extend(units);
        memory_with(ptr - 4, &bytes)
    }

    #[test]
    fn utf8_text_reads_the_range_lossily() {
        let memory = memory_with(0x100, b"`unwrap_throw` failed");
        let read = utf8_text(&memory, 0x100, 21);
        assert_eq!(read, GuestText::whole("`unwrap_throw` failed"));
        assert_eq!(read.to_string(), r#""`unwrap_throw` failed""#);
        assert_eq!(utf8_text(&memory, 0x100, 0), GuestText::whole(""));
        let memory = memory_with(0x100, b"bad \xff byte");
        assert_eq!(
            utf8_text(&memory, 0x100, 10),
            GuestText::whole("bad \u{fffd} byte")
        );
    }

    #[test]
    fn utf8_text_out_of_bounds_or_huge_says_so() {
        let memory = vec![0; 0x10000];
        assert_eq!(
            utf8_text(&memory, 0xfff0, 0x20).to_string(),
            "(unreadable: 0xfff0..0x10010 is past the end of memory at 0x10000)"
        );
        assert_eq!(
            utf8_text(&memory, 0x10, u64::from(u32::MAX)).to_string(),
            "(unreadable: 0x10..0x10000000f is past the end of memory at 0x10000)"
        );
        assert_eq!(
            utf8_text(&memory, u64::MAX, 2).to_string(),
            "(unreadable: 0xffffffffffffffff..beyond 2^64 is past the end of memory at 0x10000)"
        );
    }

    #[test]
    fn utf8_text_longer_than_the_limit_is_cut_on_a_character() {
        let mut long = vec![b'a'; GUEST_TEXT_MAX_BYTES - 1];
        long.extend("é and more".as_bytes());
        let memory = memory_with(0, &long);
        let read = utf8_text(&memory, 0, long.len() as u64);
        let GuestText::Text { text, ending } = &read else {
            panic!("{read:?}");
        };
        assert_eq!(
            text.len(),
            GUEST_TEXT_MAX_BYTES - 1,
            "the split é is dropped"
        );
        assert!(!text.contains('\u{fffd}'));
        assert_eq!(
            ending,
            &Ending::Cut {
                total_bytes: Some(long.len() as u64)
            }
        );
        assert!(
            read.to_string()
                .ends_with(&format!("\"… (the first 4096 of {} bytes)", long.len()))
        );
    }

    #[test]
    fn c_text_stops_at_the_nul_and_says_when_there_is_none() {
        let memory = memory_with(0x40, b"x > 0\0main.c\0");
        assert_eq!(c_text(&memory, 0x40), GuestText::whole("x > 0"));
        assert_eq!(c_text(&memory, 0x46), GuestText::whole("main.c"));
        assert_eq!(c_text(&memory, 0), GuestText::Null);
        assert_eq!(c_text(&memory, 0).to_string(), "(null)");
        let end = memory_with(0xfffc, b"abcd");
        assert_eq!(
            c_text(&end, 0xfffc).to_string(),
            r#""abcd" (no NUL before the end of memory)"#
        );
        assert_eq!(
            c_text(&end, 0x10000).to_string(),
            "(unreadable: 0x10000 is past the end of memory at 0x10000)"
        );
        let long = memory_with(0, &[b'z'; GUEST_TEXT_MAX_BYTES + 10]);
        let read = c_text(&long, 1);
        assert!(
            read.to_string()
                .ends_with("\"… (the first 4096 bytes, with no NUL)"),
            "{read}"
        );
    }

    #[test]
    fn assemblyscript_text_reads_utf16_of_the_headers_length() {
        let memory = as_string(0x20, "index out of range");
        assert_eq!(
            assemblyscript_text(&memory, 0x20),
            GuestText::whole("index out of range")
        );
        let memory = as_string(0x20, "naïve 🦀");
        assert_eq!(
            assemblyscript_text(&memory, 0x20),
            GuestText::whole("naïve 🦀")
        );
        assert_eq!(assemblyscript_text(&memory, 0), GuestText::Null);
        // A lone surrogate is shown as �; an odd last byte is ignored.
        let memory = memory_with(0x1c, &[5, 0, 0, 0, b'a', 0, 0x00, 0xd8, b'!']);
        assert_eq!(
            assemblyscript_text(&memory, 0x20),
            GuestText::whole("a\u{fffd}")
        );
    }

    #[test]
    fn assemblyscript_text_with_a_bad_pointer_or_length_says_so() {
        let memory = vec![0; 0x10000];
        assert_eq!(
            assemblyscript_text(&memory, 2).to_string(),
            "(unreadable: 0x2 cannot be an AssemblyScript string: its length would be before \
             address 0)"
        );
        assert_eq!(
            assemblyscript_text(&memory, 0x10002).to_string(),
            "(unreadable: 0xfffe..0x10002 is past the end of memory at 0x10000)"
        );
        let huge = memory_with(0x1c, &u32::MAX.to_le_bytes());
        assert_eq!(
            assemblyscript_text(&huge, 0x20).to_string(),
            "(unreadable: its length says 4294967295 bytes, but 0x20..0x10000001f is past the \
             end of memory at 0x10000)"
        );
    }

    #[test]
    fn assemblyscript_text_longer_than_the_limit_is_cut_on_a_character() {
        let text = format!("{}🦀🦀", "a".repeat(GUEST_TEXT_MAX_BYTES / 2 - 1));
        let memory = as_string(0x20, &text);
        let read = assemblyscript_text(&memory, 0x20);
        let GuestText::Text {
            text: shown,
            ending,
        } = &read
        else {
            panic!("{read:?}");
        };
        assert_eq!(shown, &"a".repeat(GUEST_TEXT_MAX_BYTES / 2 - 1));
        assert_eq!(
            ending,
            &Ending::Cut {
                total_bytes: Some(GUEST_TEXT_MAX_BYTES as u64 + 6)
            }
        );
    }
}
