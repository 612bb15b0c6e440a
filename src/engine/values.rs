//! Typed values passed to and returned from guest functions, parsed from user text.

use std::fmt;

use anyhow::{Context, Result, bail};
use wasmtime::{Val, ValType};

/// A value crossing the host↔guest boundary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A 32-bit integer (also every wasm32 pointer and length).
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float.
    F32(f32),
    /// A 64-bit float.
    F64(f64),
}

/// The four numeric value types a user can type in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumType {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
}

impl NumType {
    /// The numeric type of a wasmtime value type, if it is one.
    pub fn of(ty: &ValType) -> Option<Self> {
        match ty {
            ValType::I32 => Some(Self::I32),
            ValType::I64 => Some(Self::I64),
            ValType::F32 => Some(Self::F32),
            ValType::F64 => Some(Self::F64),
            _ => None,
        }
    }

    /// Parses a type name as written in WAT (`i32`, `i64`, `f32`, `f64`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "i32" => Some(Self::I32),
            "i64" => Some(Self::I64),
            "f32" => Some(Self::F32),
            "f64" => Some(Self::F64),
            _ => None,
        }
    }

    /// The type's WAT name.
    pub fn name(self) -> &'static str {
        match self {
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::F32 => "f32",
            Self::F64 => "f64",
        }
    }

    /// Parses user text as this type: decimal (`-5`), hex (`0x400`), or for floats
    /// anything Rust's float parser takes (`1.5`, `inf`, `NaN`). Integers may be given
    /// in their unsigned range too (`0xFFFFFFFF` as i32 is -1).
    pub fn parse(self, text: &str) -> Result<Value> {
        let text = text.trim().replace('_', "");
        let value = match self {
            Self::I32 => Value::I32(parse_int(&text, 32)? as i32),
            Self::I64 => Value::I64(parse_int(&text, 64)? as i64),
            Self::F32 => Value::F32(
                text.parse()
                    .with_context(|| format!("`{text}` is not an f32 (try 1.5 or -2e3)"))?,
            ),
            Self::F64 => Value::F64(
                text.parse()
                    .with_context(|| format!("`{text}` is not an f64 (try 1.5 or -2e3)"))?,
            ),
        };
        Ok(value)
    }
}

/// Parses a signed or unsigned integer of `bits` width from decimal or `0x` hex.
fn parse_int(text: &str, bits: u32) -> Result<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => u128::from_str_radix(hex, 16),
        None => digits.parse::<u128>(),
    };
    let Ok(magnitude) = magnitude else {
        bail!("`{text}` is not an integer (try 42, -1 or 0x400)");
    };
    let min = -(1i128 << (bits - 1));
    let max_unsigned = (1i128 << bits) - 1;
    let value = if negative {
        -i128::try_from(magnitude).unwrap_or(i128::MAX)
    } else {
        i128::try_from(magnitude).unwrap_or(i128::MAX)
    };
    if value < min || value > max_unsigned {
        bail!("`{text}` does not fit in i{bits}");
    }
    Ok(value)
}

impl Value {
    /// The value's numeric type.
    pub fn num_type(&self) -> NumType {
        match self {
            Self::I32(_) => NumType::I32,
            Self::I64(_) => NumType::I64,
            Self::F32(_) => NumType::F32,
            Self::F64(_) => NumType::F64,
        }
    }

    /// The value as an unsigned address or length, if it is an integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Self::I32(v) => Some(u64::from(v as u32)),
            Self::I64(v) => Some(v as u64),
            _ => None,
        }
    }

    /// The value's raw bits and width, as DWARF locations read a Wasm slot.
    pub fn slot(self) -> crate::inspect::Slot {
        let (bits, bytes) = match self {
            Self::I32(v) => (u64::from(v as u32), 4),
            Self::I64(v) => (v as u64, 8),
            Self::F32(v) => (u64::from(v.to_bits()), 4),
            Self::F64(v) => (v.to_bits(), 8),
        };
        crate::inspect::Slot { bits, bytes }
    }

    /// Converts to a wasmtime value.
    pub fn to_val(self) -> Val {
        match self {
            Self::I32(v) => Val::I32(v),
            Self::I64(v) => Val::I64(v),
            Self::F32(v) => Val::F32(v.to_bits()),
            Self::F64(v) => Val::F64(v.to_bits()),
        }
    }

    /// Converts from a wasmtime value; other kinds (v128, references) are `None`.
    pub fn from_val(val: &Val) -> Option<Self> {
        match *val {
            Val::I32(v) => Some(Self::I32(v)),
            Val::I64(v) => Some(Self::I64(v)),
            Val::F32(bits) => Some(Self::F32(f32::from_bits(bits))),
            Val::F64(bits) => Some(Self::F64(f64::from_bits(bits))),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// `41: i32`; integers that look like addresses also show hex: `1048576 (0x100000): i32`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::I32(v) if v >= 0x1000 => write!(f, "{v} ({:#x}): i32", v as u32),
            Self::I32(v) => write!(f, "{v}: i32"),
            Self::I64(v) if v >= 0x1000 => write!(f, "{v} ({:#x}): i64", v as u64),
            Self::I64(v) => write!(f, "{v}: i64"),
            Self::F32(v) => write!(f, "{v}: f32"),
            Self::F64(v) => write!(f, "{v}: f64"),
        }
    }
}

/// Formats values as `(41: i32, 2: i64)`, or `()` when empty.
pub fn format_values(values: &[Value]) -> String {
    match values {
        [] => "()".to_owned(),
        [one] => one.to_string(),
        many => format!(
            "({})",
            many.iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_integers_in_every_notation() {
        assert_eq!(NumType::I32.parse("42").unwrap(), Value::I32(42));
        assert_eq!(NumType::I32.parse("-1").unwrap(), Value::I32(-1));
        assert_eq!(NumType::I32.parse("0xFFFFFFFF").unwrap(), Value::I32(-1));
        assert_eq!(NumType::I32.parse(" 0x400 ").unwrap(), Value::I32(1024));
        assert_eq!(NumType::I64.parse("1_000").unwrap(), Value::I64(1000));
        assert!(NumType::I32.parse("0x1_0000_0000").is_err());
        assert!(NumType::I32.parse("-2147483649").is_err());
        assert!(NumType::I32.parse("abc").is_err());
        assert!(NumType::I32.parse("").is_err());
        assert!(NumType::I64.parse("-").is_err());
    }

    #[test]
    fn parses_floats() {
        assert_eq!(NumType::F32.parse("1.5").unwrap(), Value::F32(1.5));
        assert_eq!(NumType::F64.parse("-2e3").unwrap(), Value::F64(-2000.0));
        assert!(NumType::F64.parse("1.5.5").is_err());
    }

    #[test]
    fn round_trips_through_wasmtime() {
        for v in [
            Value::I32(-7),
            Value::I64(1 << 40),
            Value::F32(0.25),
            Value::F64(-1.0),
        ] {
            assert_eq!(Value::from_val(&v.to_val()), Some(v));
        }
        assert_eq!(Value::I32(-1).as_u64(), Some(0xFFFF_FFFF));
    }

    #[test]
    fn displays_with_type() {
        assert_eq!(format_values(&[Value::I32(41)]), "41: i32");
        assert_eq!(
            format_values(&[Value::I32(0x10_0000), Value::F32(1.5)]),
            "(1048576 (0x100000): i32, 1.5: f32)"
        );
        assert_eq!(format_values(&[]), "()");
    }
}
