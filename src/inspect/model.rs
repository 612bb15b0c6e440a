//! The parts of a `ModuleInfo`: exports, imports, memories, globals, … as plain data.

use super::types::{ConstValue, FuncSignature, GlobalType, MemoryType, TableType, ValType};
use serde::Serialize;

/// What kind of item an export or import refers to. Serializes lowercase (`func`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportKind {
    /// A function.
    Func,
    /// A table.
    Table,
    /// A linear memory.
    Memory,
    /// A global.
    Global,
    /// An exception tag.
    Tag,
}

impl ExportKind {
    /// The lowercase name, as in the text format: `func`, `table`, `memory`, `global`, `tag`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Func => "func",
            Self::Table => "table",
            Self::Memory => "memory",
            Self::Global => "global",
            Self::Tag => "tag",
        }
    }
}

impl std::fmt::Display for ExportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of an import (the same kinds as exports).
pub type ImportKind = ExportKind;

/// The type of the item behind an export or import: exactly one field is `Some`,
/// matching the kind (`signature` for functions and tags).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct EntityType {
    /// Function (or tag) signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<FuncSignature>,
    /// Memory type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryType>,
    /// Global type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global: Option<GlobalType>,
    /// Table type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<TableType>,
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(sig) = &self.signature {
            write!(f, "{sig}")
        } else if let Some(memory) = &self.memory {
            write!(f, "{memory}")
        } else if let Some(global) = &self.global {
            write!(f, "{global}")
        } else if let Some(table) = &self.table {
            write!(f, "{table}")
        } else {
            f.write_str("?")
        }
    }
}

/// One export: a name the host can look up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportInfo {
    /// Export name.
    pub name: String,
    /// What is exported.
    pub kind: ExportKind,
    /// Index in the kind's index space (imports first, then definitions).
    pub index: u32,
    /// The exported item's type.
    #[serde(flatten)]
    pub ty: EntityType,
}

impl ExportInfo {
    /// The function signature, when this exports a function.
    pub fn signature(&self) -> Option<&FuncSignature> {
        match self.kind {
            ExportKind::Func => self.ty.signature.as_ref(),
            _ => None,
        }
    }
}

/// One import: something the host must provide.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportInfo {
    /// Module name (e.g. `env`, `wasi_snapshot_preview1`).
    pub module: String,
    /// Item name within the module.
    pub name: String,
    /// What is imported.
    pub kind: ImportKind,
    /// Index the import takes in its kind's index space.
    pub index: u32,
    /// The imported item's type.
    #[serde(flatten)]
    pub ty: EntityType,
}

/// A linear memory, imported or defined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemoryInfo {
    /// Memory index.
    pub index: u32,
    /// Name from the name section, else the export name.
    pub name: Option<String>,
    /// Whether the memory is imported.
    pub imported: bool,
    /// Initial size in pages.
    pub min_pages: u64,
    /// Maximum size in pages, if declared.
    pub max_pages: Option<u64>,
    /// 64-bit addresses.
    pub memory64: bool,
    /// Shared between threads.
    pub shared: bool,
    /// Page size in bytes (usually 65536).
    pub page_size_bytes: u64,
}

impl MemoryInfo {
    /// The memory's type (limits and flags).
    pub fn ty(&self) -> MemoryType {
        MemoryType {
            min_pages: self.min_pages,
            max_pages: self.max_pages,
            memory64: self.memory64,
            shared: self.shared,
            page_size_bytes: self.page_size_bytes,
        }
    }
}

/// A table, imported or defined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableInfo {
    /// Table index.
    pub index: u32,
    /// Name from the name section, else the export name.
    pub name: Option<String>,
    /// Whether the table is imported.
    pub imported: bool,
    /// Element type and limits.
    #[serde(flatten)]
    pub ty: TableType,
}

/// A global, imported or defined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlobalInfo {
    /// Global index.
    pub index: u32,
    /// Name from the name section, else the export name, else `module.name` of its import.
    pub name: Option<String>,
    /// Value type.
    pub val_type: ValType,
    /// Whether it can be changed with `global.set`.
    pub mutable: bool,
    /// Whether the global is imported.
    pub imported: bool,
    /// Initial value, when the initializer is a simple constant expression.
    pub init: Option<ConstValue>,
}

/// A data segment: bytes copied into memory at instantiation (active) or on demand (passive).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataSegmentInfo {
    /// Segment index.
    pub index: u32,
    /// Target memory for an active segment; `None` for a passive one.
    pub memory: Option<u32>,
    /// Guest address it is copied to; `None` for passive or non-constant offsets.
    pub offset: Option<u64>,
    /// Whether the segment is passive (`memory.init` copies it).
    pub passive: bool,
    /// Number of bytes.
    pub len_bytes: u64,
    /// Where the bytes start in the module file.
    pub file_offset: u64,
    /// Name from the name section.
    pub name: Option<String>,
}

/// A custom section (name section, producers, DWARF, …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomSectionInfo {
    /// Section name.
    pub name: String,
    /// Payload size in bytes.
    pub len_bytes: u64,
}

/// One field of the `producers` section (`language`, `processed-by`, `sdk`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProducerField {
    /// Field name.
    pub field: String,
    /// Tools or languages listed under it.
    pub values: Vec<ProducerValue>,
}

/// A tool or language with its version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProducerValue {
    /// Name, e.g. `rustc`.
    pub name: String,
    /// Version text, possibly empty.
    pub version: String,
}
