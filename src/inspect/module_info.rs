//! `ModuleInfo`: everything `inspect` learned about a module, and lookups over it.

use super::model::{
    CustomSectionInfo, DataSegmentInfo, ExportInfo, ExportKind, GlobalInfo, ImportInfo, MemoryInfo,
    ProducerField, TableInfo,
};
use super::types::FuncSignature;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything `inspect` learned about a module.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ModuleInfo {
    /// Size of the binary in bytes.
    pub size_bytes: u64,
    /// Module name from the name section.
    pub module_name: Option<String>,
    /// Number of functions: imported plus defined.
    pub functions: u32,
    /// How many of `functions` are imported (they come first in the index space).
    pub imported_functions: u32,
    /// The start function, run at instantiation.
    pub start_function: Option<u32>,
    /// Exports, in module order.
    pub exports: Vec<ExportInfo>,
    /// Imports, in module order.
    pub imports: Vec<ImportInfo>,
    /// Memories (imported first).
    pub memories: Vec<MemoryInfo>,
    /// Tables (imported first).
    pub tables: Vec<TableInfo>,
    /// Globals (imported first).
    pub globals: Vec<GlobalInfo>,
    /// Data segments.
    pub data_segments: Vec<DataSegmentInfo>,
    /// Function names from the name section, by function index.
    pub function_names: BTreeMap<u32, String>,
    /// Custom sections, in module order.
    pub custom_sections: Vec<CustomSectionInfo>,
    /// The `producers` section.
    pub producers: Vec<ProducerField>,
    /// Signature of each type-section entry (`None` for GC struct/array types).
    #[serde(skip)]
    pub(crate) types: Vec<Option<FuncSignature>>,
    /// Type index of each function, imported first.
    #[serde(skip)]
    pub(crate) func_type_indices: Vec<u32>,
}

impl ModuleInfo {
    /// Every data segment's bytes, by index, read from `bytes` (the module this
    /// describes): what `memory.init` copies, so what a replay of a call needs. A
    /// segment that lies outside `bytes` reads as empty.
    pub fn segment_bytes(&self, bytes: &[u8]) -> Vec<Arc<[u8]>> {
        self.data_segments
            .iter()
            .map(|segment| {
                let start = usize::try_from(segment.file_offset).unwrap_or(usize::MAX);
                let len = usize::try_from(segment.len_bytes).unwrap_or(usize::MAX);
                let data = start
                    .checked_add(len)
                    .and_then(|end| bytes.get(start..end))
                    .unwrap_or_default();
                Arc::from(data)
            })
            .collect()
    }

    /// The signature of the exported function `name`.
    pub fn export_func(&self, name: &str) -> Option<&FuncSignature> {
        self.exports
            .iter()
            .find(|e| e.kind == ExportKind::Func && e.name == name)
            .and_then(ExportInfo::signature)
    }

    /// Exported functions with their signatures, in module order.
    pub fn func_exports(&self) -> impl Iterator<Item = (&str, &FuncSignature)> + '_ {
        self.exports
            .iter()
            .filter_map(|e| e.signature().map(|sig| (e.name.as_str(), sig)))
    }

    /// Exported functions taking `(ptr, len)` (two integers), whatever they return:
    /// what the walkthrough's Call can call with the input.
    pub fn ptr_len_functions(&self) -> Vec<&str> {
        self.func_exports()
            .filter(|(_, sig)| matches!(sig.params.as_slice(), [p, l] if p.is_integer() && l.is_integer()))
            .map(|(name, _)| name)
            .collect()
    }

    /// The `(ptr, len)` function a user most likely wants to call with a string: the
    /// seed's `append`, else one whose name suggests a string transform (`upper`,
    /// `reverse`, `greet`), preferring one that returns an integer. Never an allocator,
    /// a deallocator or a toolchain's own helper (`__wbindgen_free`, `__wbg_set_…`).
    pub fn likely_string_function(&self) -> Option<&str> {
        const HELPERS: &[&str] = &["alloc", "free", "drop", "destroy", "release", "dispose"];
        const STRINGY: &[&str] = &[
            "append",
            "upper",
            "lower",
            "reverse",
            "greet",
            "hello",
            "shout",
            "echo",
            "concat",
            "trim",
            "capital",
            "transform",
            "process",
            "encode",
            "decode",
            "format",
            "convert",
            "hash",
            "parse",
            "replace",
            "render",
            "str",
            "text",
            "utf8",
            "name",
        ];
        let score = |name: &str, sig: &FuncSignature| {
            let lower = name.to_ascii_lowercase();
            let stringy = STRINGY.iter().any(|w| lower.contains(w));
            (name == "append", stringy, sig.returns_one_integer())
        };
        self.func_exports()
            .filter(|(name, sig)| {
                let lower = name.to_ascii_lowercase();
                matches!(sig.params.as_slice(), [p, l] if p.is_integer() && l.is_integer())
                    && !name.starts_with("__")
                    && !lower.starts_with("set_")
                    && !lower.contains("_set_")
                    && !HELPERS.iter().any(|h| lower.contains(h))
            })
            // The best score wins; among equals, the first in module order.
            .fold(None, |best: Option<(&str, _)>, (name, sig)| {
                let this = score(name, sig);
                match best {
                    Some((_, top)) if top >= this => best,
                    _ => Some((name, this)),
                }
            })
            .map(|(name, _)| name)
    }

    /// Exported functions `() -> integer`: where a function returning a new buffer's
    /// pointer keeps its length (the ownership guest's `last_len`).
    pub fn length_functions(&self) -> Vec<&str> {
        self.func_exports()
            .filter(|(_, sig)| sig.params.is_empty() && sig.returns_one_integer())
            .map(|(name, _)| name)
            .collect()
    }

    /// The global called `name` (name section, export or import name).
    pub fn global_by_name(&self, name: &str) -> Option<&GlobalInfo> {
        let by_export = self
            .exports
            .iter()
            .find(|e| e.kind == ExportKind::Global && e.name == name)
            .and_then(|e| self.globals.get(e.index as usize));
        by_export.or_else(|| {
            self.globals
                .iter()
                .find(|g| g.name.as_deref() == Some(name))
        })
    }

    /// The signature of any function by index (imported or defined).
    pub fn func_signature(&self, func_index: u32) -> Option<&FuncSignature> {
        let ty = *self.func_type_indices.get(func_index as usize)?;
        self.type_signature(ty)
    }

    /// The signature of a type-section entry, if it is a function type.
    pub fn type_signature(&self, type_index: u32) -> Option<&FuncSignature> {
        self.types.get(type_index as usize)?.as_ref()
    }

    /// A readable name for a function: its name-section name, else an export name.
    pub fn func_name(&self, func_index: u32) -> Option<&str> {
        if let Some(name) = self.function_names.get(&func_index) {
            return Some(name);
        }
        self.exports
            .iter()
            .find(|e| e.kind == ExportKind::Func && e.index == func_index)
            .map(|e| e.name.as_str())
    }
}
