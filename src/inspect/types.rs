//! Small value types shared by the module model: value types, signatures, limits and
//! constant values, each with a `Display` that reads like the WebAssembly text format.

use serde::{Serialize, Serializer};
use std::fmt;

/// A WebAssembly value type, displayed and serialized as its text-format name
/// (`i32`, `i64`, `f32`, `f64`, `v128`, `funcref`, `externref`, `(ref null 3)`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// 128-bit SIMD vector.
    V128,
    /// A reference type, held as its text-format spelling (e.g. `funcref`).
    Ref(String),
}

impl From<wasmparser::ValType> for ValType {
    fn from(ty: wasmparser::ValType) -> Self {
        match ty {
            wasmparser::ValType::I32 => Self::I32,
            wasmparser::ValType::I64 => Self::I64,
            wasmparser::ValType::F32 => Self::F32,
            wasmparser::ValType::F64 => Self::F64,
            wasmparser::ValType::V128 => Self::V128,
            wasmparser::ValType::Ref(r) => Self::Ref(r.to_string()),
        }
    }
}

impl From<wasmparser::RefType> for ValType {
    fn from(ty: wasmparser::RefType) -> Self {
        Self::Ref(ty.to_string())
    }
}

impl ValType {
    /// Whether it is `i32` or `i64`: what can hold an address or a length.
    pub fn is_integer(&self) -> bool {
        matches!(self, Self::I32 | Self::I64)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::I32 => f.write_str("i32"),
            Self::I64 => f.write_str("i64"),
            Self::F32 => f.write_str("f32"),
            Self::F64 => f.write_str("f64"),
            Self::V128 => f.write_str("v128"),
            Self::Ref(text) => f.write_str(text),
        }
    }
}

impl Serialize for ValType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A function signature: parameter and result types.
///
/// Displays as `(i32, i32) -> i32`, `() -> ()` or `(i32) -> (i32, i64)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct FuncSignature {
    /// Parameter types, in order.
    pub params: Vec<ValType>,
    /// Result types, in order.
    pub results: Vec<ValType>,
}

impl FuncSignature {
    /// Whether it returns exactly one integer (a length, or a pointer).
    pub fn returns_one_integer(&self) -> bool {
        matches!(self.results.as_slice(), [r] if r.is_integer())
    }
}

impl From<&wasmparser::FuncType> for FuncSignature {
    fn from(ty: &wasmparser::FuncType) -> Self {
        Self {
            params: ty.params().iter().map(|&t| t.into()).collect(),
            results: ty.results().iter().map(|&t| t.into()).collect(),
        }
    }
}

/// Writes `(a, b, c)`.
fn write_tuple(f: &mut fmt::Formatter<'_>, types: &[ValType]) -> fmt::Result {
    f.write_str("(")?;
    for (i, ty) in types.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{ty}")?;
    }
    f.write_str(")")
}

impl fmt::Display for FuncSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tuple(f, &self.params)?;
        f.write_str(" -> ")?;
        match self.results.as_slice() {
            [single] => write!(f, "{single}"),
            many => write_tuple(f, many),
        }
    }
}

/// The type of a linear memory: limits in pages and flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct MemoryType {
    /// Initial size in pages.
    pub min_pages: u64,
    /// Maximum size in pages, if declared.
    pub max_pages: Option<u64>,
    /// Whether the memory is indexed with 64-bit addresses.
    pub memory64: bool,
    /// Whether the memory is shared between threads.
    pub shared: bool,
    /// Page size in bytes (65536 unless the custom-page-sizes proposal is used).
    pub page_size_bytes: u64,
}

impl From<wasmparser::MemoryType> for MemoryType {
    fn from(ty: wasmparser::MemoryType) -> Self {
        let log2 = ty.page_size_log2.unwrap_or(16).min(63);
        Self {
            min_pages: ty.initial,
            max_pages: ty.maximum,
            memory64: ty.memory64,
            shared: ty.shared,
            page_size_bytes: 1u64 << log2,
        }
    }
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", pages_text(self.min_pages, self.page_size_bytes))?;
        match self.max_pages {
            Some(max) => write!(f, ", max {}", pages_text(max, self.page_size_bytes))?,
            None => f.write_str(", no max")?,
        }
        if self.page_size_bytes != 65536 {
            write!(f, ", page size {} bytes", self.page_size_bytes)?;
        }
        if self.memory64 {
            f.write_str(", memory64")?;
        }
        if self.shared {
            f.write_str(", shared")?;
        }
        Ok(())
    }
}

/// `17 pages (1.06 MiB)`.
pub(crate) fn pages_text(pages: u64, page_size_bytes: u64) -> String {
    let unit = if pages == 1 { "page" } else { "pages" };
    let bytes = u128::from(pages) * u128::from(page_size_bytes);
    format!("{pages} {unit} ({})", bytes_text(bytes))
}

/// A byte count for humans: `512 B`, `64 KiB`, `1.06 MiB`, `4 GiB`.
pub(crate) fn bytes_text(bytes: u128) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value.fract() == 0.0 {
        format!("{value} {}", UNITS[unit])
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

/// The type of a table: element type and limits in elements.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TableType {
    /// Element type, e.g. `funcref`.
    pub element_type: ValType,
    /// Initial size in elements.
    pub min: u64,
    /// Maximum size in elements, if declared.
    pub max: Option<u64>,
    /// Whether the table is indexed with 64-bit indices.
    pub table64: bool,
}

impl From<wasmparser::TableType> for TableType {
    fn from(ty: wasmparser::TableType) -> Self {
        Self {
            element_type: ty.element_type.into(),
            min: ty.initial,
            max: ty.maximum,
            table64: ty.table64,
        }
    }
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, min {}", self.element_type, self.min)?;
        match self.max {
            Some(max) => write!(f, ", max {max}")?,
            None => f.write_str(", no max")?,
        }
        if self.table64 {
            f.write_str(", table64")?;
        }
        Ok(())
    }
}

/// The type of a global: value type and mutability.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct GlobalType {
    /// The value type.
    pub val_type: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}

impl From<wasmparser::GlobalType> for GlobalType {
    fn from(ty: wasmparser::GlobalType) -> Self {
        Self {
            val_type: ty.content_type.into(),
            mutable: ty.mutable,
        }
    }
}

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable {
            write!(f, "mut {}", self.val_type)
        } else {
            write!(f, "{}", self.val_type)
        }
    }
}

/// The value of a constant expression (a global's initializer, a data segment's offset).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstValue {
    /// An `i32` value.
    I32(i32),
    /// An `i64` value.
    I64(i64),
    /// An `f32` value.
    F32(f32),
    /// An `f64` value.
    F64(f64),
    /// A `v128` value.
    V128(u128),
    /// `ref.null`.
    RefNull,
    /// `ref.func N`.
    RefFunc(u32),
    /// `global.get N` of a global whose value is only known at instantiation (an import).
    GlobalGet(u32),
}

impl ConstValue {
    /// The value as an unsigned address or offset, if it is an integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Self::I32(v) => Some(u64::from(v as u32)),
            Self::I64(v) => Some(v as u64),
            _ => None,
        }
    }
}

impl fmt::Display for ConstValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::I32(v) if !(0..4096).contains(&v) => write!(f, "{v} (0x{:x})", v as u32),
            Self::I32(v) => write!(f, "{v}"),
            Self::I64(v) if !(0..4096).contains(&v) => write!(f, "{v} (0x{:x})", v as u64),
            Self::I64(v) => write!(f, "{v}"),
            Self::F32(v) => write!(f, "{v:?}"),
            Self::F64(v) => write!(f, "{v:?}"),
            Self::V128(v) => write!(f, "0x{v:032x}"),
            Self::RefNull => f.write_str("ref.null"),
            Self::RefFunc(i) => write!(f, "ref.func {i}"),
            Self::GlobalGet(i) => write!(f, "global.get {i}"),
        }
    }
}
