//! Types of exported and imported items, looked up by kind and index.

use super::model::{EntityType, ExportKind, MemoryInfo};
use super::module_info::ModuleInfo;
use super::types::GlobalType;
use wasmparser::ExternalKind;

/// The type of item `index` of `kind`.
pub(crate) fn entity_type(
    info: &ModuleInfo,
    tag_types: &[u32],
    kind: ExportKind,
    index: u32,
) -> EntityType {
    let at = index as usize;
    match kind {
        ExportKind::Func => EntityType {
            signature: info.func_signature(index).cloned(),
            ..EntityType::default()
        },
        ExportKind::Tag => EntityType {
            signature: tag_types
                .get(at)
                .and_then(|&t| info.type_signature(t))
                .cloned(),
            ..EntityType::default()
        },
        ExportKind::Memory => EntityType {
            memory: info.memories.get(at).map(MemoryInfo::ty),
            ..EntityType::default()
        },
        ExportKind::Table => EntityType {
            table: info.tables.get(at).map(|t| t.ty.clone()),
            ..EntityType::default()
        },
        ExportKind::Global => EntityType {
            global: info.globals.get(at).map(|g| GlobalType {
                val_type: g.val_type.clone(),
                mutable: g.mutable,
            }),
            ..EntityType::default()
        },
    }
}

/// Maps wasmparser's export kinds onto ours (an exact-type function is a function).
pub(crate) fn export_kind(kind: ExternalKind) -> ExportKind {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
        ExternalKind::Table => ExportKind::Table,
        ExternalKind::Memory => ExportKind::Memory,
        ExternalKind::Global => ExportKind::Global,
        ExternalKind::Tag => ExportKind::Tag,
    }
}
