//! The fixed-size number types the hex view decodes and searches for, and their byte
//! order.

use std::fmt;

use anyhow::{Result, bail};

/// Byte order of a multi-byte number. WebAssembly memory is little-endian.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Endian {
    /// Least significant byte first (what wasm loads and stores use).
    #[default]
    Little,
    /// Most significant byte first (network order, many file formats).
    Big,
}

impl Endian {
    /// `little-endian` / `big-endian`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Little => "little-endian",
            Self::Big => "big-endian",
        }
    }
}

/// A fixed-size integer or float type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumKind {
    /// Signed 8-bit integer.
    I8,
    /// Unsigned 8-bit integer.
    U8,
    /// Signed 16-bit integer.
    I16,
    /// Unsigned 16-bit integer.
    U16,
    /// Signed 32-bit integer.
    I32,
    /// Unsigned 32-bit integer.
    U32,
    /// Signed 64-bit integer.
    I64,
    /// Unsigned 64-bit integer.
    U64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
}

impl NumKind {
    /// Every kind, in menu order.
    pub const ALL: [NumKind; 10] = [
        Self::I8,
        Self::U8,
        Self::I16,
        Self::U16,
        Self::I32,
        Self::U32,
        Self::I64,
        Self::U64,
        Self::F32,
        Self::F64,
    ];

    /// The Rust/wasm name: `i8`, `u32`, `f64`.
    pub fn name(self) -> &'static str {
        match self {
            Self::I8 => "i8",
            Self::U8 => "u8",
            Self::I16 => "i16",
            Self::U16 => "u16",
            Self::I32 => "i32",
            Self::U32 => "u32",
            Self::I64 => "i64",
            Self::U64 => "u64",
            Self::F32 => "f32",
            Self::F64 => "f64",
        }
    }

    /// `a` or `an`, as the name is read aloud: "an i32", "a u8", "an f64".
    pub fn article(self) -> &'static str {
        if self.name().starts_with('u') {
            "a"
        } else {
            "an"
        }
    }

    /// Size in bytes.
    pub fn len_bytes(self) -> usize {
        match self {
            Self::I8 | Self::U8 => 1,
            Self::I16 | Self::U16 => 2,
            Self::I32 | Self::U32 | Self::F32 => 4,
            Self::I64 | Self::U64 | Self::F64 => 8,
        }
    }

    /// Whether the type is a float.
    pub fn is_float(self) -> bool {
        matches!(self, Self::F32 | Self::F64)
    }

    /// Whether the type is a signed integer.
    pub fn is_signed(self) -> bool {
        matches!(self, Self::I8 | Self::I16 | Self::I32 | Self::I64)
    }

    /// The bytes of the number written in `text`, in `endian` order.
    ///
    /// Integers take decimal (`-42`, `1_000`) or `0x` hex (`0xff`); a signed type also
    /// takes the hex of its bit pattern (`i8` `0xff` is -1). Floats take decimal
    /// (`1.5`, `-2e3`, `inf`, `NaN`). Errors are sentences naming the allowed range.
    pub fn encode(self, text: &str, endian: Endian) -> Result<Vec<u8>> {
        let text = text.trim();
        if text.is_empty() {
            bail!("type {} {} value", self.article(), self.name());
        }
        let le = if self.is_float() {
            self.encode_float(text)?
        } else {
            self.encode_int(text)?
        };
        Ok(match endian {
            Endian::Little => le,
            Endian::Big => le.into_iter().rev().collect(),
        })
    }

    fn encode_float(self, text: &str) -> Result<Vec<u8>> {
        let bad = || {
            anyhow::anyhow!(
                "`{text}` is not {} {} number; write a decimal like 1.5, -2e3, inf or NaN \
                 (for raw bits, use u{} with 0x…)",
                self.article(),
                self.name(),
                self.len_bytes() * 8
            )
        };
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("0x") || lower.starts_with("-0x") {
            return Err(bad());
        }
        let named_infinity = lower.trim_start_matches(['+', '-']).starts_with("inf");
        if self == Self::F32 {
            let value: f32 = text.parse().map_err(|_| bad())?;
            if value.is_infinite() && !named_infinity {
                bail!("`{text}` is too large for f32 (at most about ±3.4e38)");
            }
            Ok(value.to_le_bytes().to_vec())
        } else {
            let value: f64 = text.parse().map_err(|_| bad())?;
            if value.is_infinite() && !named_infinity {
                bail!("`{text}` is too large for f64 (at most about ±1.8e308)");
            }
            Ok(value.to_le_bytes().to_vec())
        }
    }

    fn encode_int(self, text: &str) -> Result<Vec<u8>> {
        let bits = self.len_bytes() as u32 * 8;
        let (min, max): (i128, i128) = if self.is_signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        };
        let range = format!("{} holds {min} to {max}", self.name());
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (hex, digits) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let digits: String = digits.chars().filter(|&c| c != '_').collect();
        let radix = if hex { 16 } else { 10 };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            bail!(
                "`{text}` is not a whole number; write decimal like 42 or hex like 0x2a \
                 ({range})"
            );
        }
        let Ok(magnitude) = u128::from_str_radix(&digits, radix) else {
            bail!("`{text}` is too large: {range}");
        };
        let magnitude = i128::try_from(magnitude).unwrap_or(i128::MAX);
        let value = if negative { -magnitude } else { magnitude };
        // A signed type also accepts the hex of its bit pattern: i8 0xff is -1.
        let unsigned_max = (1i128 << bits) - 1;
        let value = if hex && !negative && self.is_signed() && value > max && value <= unsigned_max
        {
            value - (1i128 << bits)
        } else {
            value
        };
        if value < min {
            if min == 0 {
                bail!("`{text}` is negative, but {range}");
            }
            bail!("`{text}` is too small: {range}");
        }
        if value > max {
            bail!("`{text}` is too large: {range}");
        }
        let bytes = value.to_le_bytes();
        Ok(bytes[..self.len_bytes()].to_vec())
    }
}

impl fmt::Display for NumKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(kind: NumKind, text: &str) -> Vec<u8> {
        kind.encode(text, Endian::Little).unwrap()
    }

    fn err(kind: NumKind, text: &str) -> String {
        kind.encode(text, Endian::Little).unwrap_err().to_string()
    }

    #[test]
    fn encodes_integers_in_both_orders() {
        assert_eq!(le(NumKind::U8, "255"), vec![0xff]);
        assert_eq!(le(NumKind::I8, "-1"), vec![0xff]);
        assert_eq!(le(NumKind::I8, "0xff"), vec![0xff]);
        assert_eq!(le(NumKind::I16, "-2"), vec![0xfe, 0xff]);
        assert_eq!(le(NumKind::U32, "0x0102_0304"), vec![4, 3, 2, 1]);
        assert_eq!(
            NumKind::U32.encode("0x01020304", Endian::Big).unwrap(),
            vec![1, 2, 3, 4]
        );
        assert_eq!(le(NumKind::U64, "1_000"), 1000u64.to_le_bytes().to_vec());
        assert_eq!(
            le(NumKind::I64, "-9223372036854775808"),
            i64::MIN.to_le_bytes()
        );
        assert_eq!(
            le(NumKind::U64, "0xffffffffffffffff"),
            u64::MAX.to_le_bytes()
        );
        assert_eq!(le(NumKind::I32, "-0x10"), (-16i32).to_le_bytes());
        assert_eq!(le(NumKind::I32, " +7 "), 7i32.to_le_bytes());
    }

    #[test]
    fn encodes_floats() {
        assert_eq!(le(NumKind::F32, "1.5"), 1.5f32.to_le_bytes());
        assert_eq!(le(NumKind::F64, "-2e3"), (-2000f64).to_le_bytes());
        assert_eq!(le(NumKind::F32, "0.1"), 0.1f32.to_le_bytes());
        assert_eq!(le(NumKind::F64, "-inf"), f64::NEG_INFINITY.to_le_bytes());
        assert_eq!(
            NumKind::F32.encode("1", Endian::Big).unwrap(),
            vec![0x3f, 0x80, 0, 0]
        );
    }

    #[test]
    fn explains_bad_numbers() {
        assert_eq!(
            err(NumKind::U8, "256"),
            "`256` is too large: u8 holds 0 to 255"
        );
        assert_eq!(
            err(NumKind::U8, "-1"),
            "`-1` is negative, but u8 holds 0 to 255"
        );
        assert_eq!(
            err(NumKind::I8, "-129"),
            "`-129` is too small: i8 holds -128 to 127"
        );
        assert!(err(NumKind::I8, "0x100").contains("too large"));
        assert!(err(NumKind::U32, "12ab").contains("not a whole number"));
        assert!(err(NumKind::U32, "0x").contains("not a whole number"));
        assert!(
            err(NumKind::U64, "99999999999999999999999999999999999999999").contains("too large")
        );
        assert!(err(NumKind::F32, "abc").contains("not an f32 number"));
        assert!(err(NumKind::F32, "0x3f800000").contains("use u32"));
        assert!(err(NumKind::F32, "1e40").contains("too large for f32"));
        assert!(err(NumKind::I32, "  ").contains("type an i32 value"));
    }
}
