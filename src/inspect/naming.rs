//! Gives items readable names: the name section first, then export names.

use super::model::ExportKind;
use super::module_info::ModuleInfo;
use super::names::Names;
use std::collections::HashMap;

/// Fills `module_name`, `function_names` and the `name` of memories, tables, globals and
/// data segments. An import label already set on a global is kept unless a better name
/// (name section, export) exists.
pub(crate) fn apply(info: &mut ModuleInfo, mut names: Names) {
    info.module_name = names.module.take();
    let exported = |kind: ExportKind| -> HashMap<u32, String> {
        let mut map = HashMap::new();
        for export in info.exports.iter().filter(|e| e.kind == kind) {
            // The first export of an item wins when it is exported twice.
            map.entry(export.index)
                .or_insert_with(|| export.name.clone());
        }
        map
    };
    let (memory_exports, table_exports, global_exports) = (
        exported(ExportKind::Memory),
        exported(ExportKind::Table),
        exported(ExportKind::Global),
    );
    for memory in &mut info.memories {
        memory.name = pick(&mut names.memories, &memory_exports, memory.index);
    }
    for table in &mut info.tables {
        table.name = pick(&mut names.tables, &table_exports, table.index);
    }
    for global in &mut info.globals {
        if let Some(name) = pick(&mut names.globals, &global_exports, global.index) {
            global.name = Some(name);
        }
    }
    for segment in &mut info.data_segments {
        segment.name = names.data.remove(&segment.index);
    }
    info.function_names = names.functions;
}

/// The name-section name for `index`, else its export name.
fn pick(
    from_names: &mut HashMap<u32, String>,
    from_exports: &HashMap<u32, String>,
    index: u32,
) -> Option<String> {
    from_names
        .remove(&index)
        .or_else(|| from_exports.get(&index).cloned())
}
