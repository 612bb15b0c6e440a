//! `render_text`: the human summary printed by `wasmscope inspect MODULE`.

use super::model::{EntityType, ExportInfo, ExportKind};
use super::module_info::ModuleInfo;
use super::types::{ConstValue, bytes_text};
use std::collections::HashMap;

/// Longest list printed per section; the rest is counted.
const MAX_ROWS: usize = 1000;
/// Names wider than this don't widen their column.
const MAX_NAME_COLUMN: usize = 40;
/// The same for `module.name` import labels (wasm-bindgen's are long).
const MAX_IMPORT_COLUMN: usize = 64;

/// A readable, deterministic summary of a module for the CLI and for learners.
pub fn render_text(info: &ModuleInfo) -> String {
    let mut out = String::new();
    summary(&mut out, info);
    memories(&mut out, info);
    exports(&mut out, info);
    imports(&mut out, info);
    globals(&mut out, info);
    tables(&mut out, info);
    data_segments(&mut out, info);
    custom_sections(&mut out, info);
    producers(&mut out, info);
    out
}

/// Appends one line.
fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\n');
}

/// Appends a section heading with its item count.
fn heading(out: &mut String, title: &str, count: usize) {
    line(out, "");
    line(out, &format!("{title} ({count}):"));
    if count == 0 {
        line(out, "  (none)");
    }
}

/// Appends the "… and N more" line when a list was cut.
fn more(out: &mut String, total: usize) {
    if total > MAX_ROWS {
        line(out, &format!("  … and {} more", total - MAX_ROWS));
    }
}

/// `12 bytes`, or `123456 bytes (120.56 KiB)` from 1 KiB up.
fn size_text(len_bytes: u64) -> String {
    if len_bytes == 1 {
        "1 byte".to_owned()
    } else if len_bytes < 1024 {
        format!("{len_bytes} bytes")
    } else {
        format!("{len_bytes} bytes ({})", bytes_text(len_bytes.into()))
    }
}

/// A name as printed: quoted and escaped when empty or containing odd characters.
fn show(name: &str) -> String {
    if name.is_empty() || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        format!("{name:?}")
    } else {
        name.to_owned()
    }
}

/// Width of a name column: the longest shown name, capped.
fn column<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .take(MAX_ROWS)
        .map(|n| show(n).chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_NAME_COLUMN)
}

/// Width of a column of already-shown labels, capped at `cap`.
fn label_column(labels: &[String], cap: usize) -> usize {
    labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(cap)
}

fn summary(out: &mut String, info: &ModuleInfo) {
    line(out, &format!("size: {}", size_text(info.size_bytes)));
    if let Some(name) = &info.module_name {
        line(out, &format!("module name: {}", show(name)));
    }
    let defined = info.functions - info.imported_functions;
    line(
        out,
        &format!(
            "functions: {} ({} imported, {defined} defined)",
            info.functions, info.imported_functions
        ),
    );
    if let Some(start) = info.start_function {
        let name = info
            .func_name(start)
            .map(|n| format!(" {}", show(n)))
            .unwrap_or_default();
        line(
            out,
            &format!("start function: {start}{name} (runs at instantiation)"),
        );
    }
}

/// `"memory"` export names by memory (or other kind) index.
fn export_names(info: &ModuleInfo, kind: ExportKind) -> HashMap<u32, Vec<&str>> {
    let mut map: HashMap<u32, Vec<&str>> = HashMap::new();
    for e in info.exports.iter().filter(|e| e.kind == kind) {
        map.entry(e.index).or_default().push(&e.name);
    }
    map
}

/// Where an item comes from: `imported from env.memory`, `exported as "memory"`.
fn origin(
    info: &ModuleInfo,
    kind: ExportKind,
    index: u32,
    exported: &HashMap<u32, Vec<&str>>,
) -> String {
    let mut parts = Vec::new();
    if let Some(i) = info
        .imports
        .iter()
        .find(|i| i.kind == kind && i.index == index)
    {
        parts.push(format!(
            "imported from {}.{}",
            show(&i.module),
            show(&i.name)
        ));
    }
    if let Some(names) = exported.get(&index) {
        let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
        parts.push(format!("exported as {}", quoted.join(", ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

fn memories(out: &mut String, info: &ModuleInfo) {
    heading(out, "Memories", info.memories.len());
    let exported = export_names(info, ExportKind::Memory);
    for m in info.memories.iter().take(MAX_ROWS) {
        let from = origin(info, ExportKind::Memory, m.index, &exported);
        line(out, &format!("  memory {}{from}: {}", m.index, m.ty()));
    }
    more(out, info.memories.len());
}

/// The type column of an export or import, plus a global's value when known.
fn type_text(info: &ModuleInfo, kind: ExportKind, index: u32, ty: &EntityType) -> String {
    let mut text = ty.to_string();
    if kind == ExportKind::Global
        && let Some(init) = info.globals.get(index as usize).and_then(|g| g.init)
    {
        text.push_str(&format!(" = {init}"));
    }
    text
}

fn exports(out: &mut String, info: &ModuleInfo) {
    heading(out, "Exports", info.exports.len());
    let width = column(info.exports.iter().map(|e| e.name.as_str()));
    for e in info.exports.iter().take(MAX_ROWS) {
        let ExportInfo {
            name,
            kind,
            index,
            ty,
        } = e;
        let ty = type_text(info, *kind, *index, ty);
        let row = format!("  {:<6}  {:<width$}  {ty}", kind.as_str(), show(name));
        line(out, row.trim_end());
    }
    more(out, info.exports.len());
}

fn imports(out: &mut String, info: &ModuleInfo) {
    heading(out, "Imports", info.imports.len());
    let labels: Vec<String> = info
        .imports
        .iter()
        .take(MAX_ROWS)
        .map(|i| format!("{}.{}", show(&i.module), show(&i.name)))
        .collect();
    let width = label_column(&labels, MAX_IMPORT_COLUMN);
    for (i, label) in info.imports.iter().zip(&labels) {
        let known = i
            .toolchain()
            .map(|t| format!("  [{}: {}]", t.tag(), t.logged()))
            .unwrap_or_default();
        let row = format!("  {:<6}  {label:<width$}  {}{known}", i.kind.as_str(), i.ty);
        line(out, row.trim_end());
    }
    more(out, info.imports.len());
}

fn globals(out: &mut String, info: &ModuleInfo) {
    heading(out, "Globals", info.globals.len());
    let labels: Vec<String> = info
        .globals
        .iter()
        .take(MAX_ROWS)
        .map(|g| g.name.as_deref().map(show).unwrap_or_default())
        .collect();
    let width = label_column(&labels, MAX_NAME_COLUMN);
    for (g, label) in info.globals.iter().zip(&labels) {
        let mutability = if g.mutable { "mut " } else { "" };
        let value = match (&g.init, g.imported) {
            (_, true) => " (imported: value set by the host)".to_owned(),
            (Some(v), false) => format!(" = {v}{}", global_get_name(info, v)),
            (None, false) => " = (computed at instantiation)".to_owned(),
        };
        let row = format!(
            "  global {:<3} {label:<width$}  {mutability}{}{value}",
            g.index, g.val_type
        );
        line(out, &row);
    }
    more(out, info.globals.len());
}

/// ` (env.base)` after `global.get N` when global N has a name.
fn global_get_name(info: &ModuleInfo, value: &ConstValue) -> String {
    match value {
        ConstValue::GlobalGet(index) => info
            .globals
            .get(*index as usize)
            .and_then(|g| g.name.as_deref())
            .map(|name| format!(" ({})", show(name)))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn tables(out: &mut String, info: &ModuleInfo) {
    heading(out, "Tables", info.tables.len());
    let exported = export_names(info, ExportKind::Table);
    for t in info.tables.iter().take(MAX_ROWS) {
        let from = origin(info, ExportKind::Table, t.index, &exported);
        line(out, &format!("  table {}{from}: {}", t.index, t.ty));
    }
    more(out, info.tables.len());
}

fn data_segments(out: &mut String, info: &ModuleInfo) {
    heading(out, "Data segments", info.data_segments.len());
    for d in info.data_segments.iter().take(MAX_ROWS) {
        let place = match (d.memory, d.offset) {
            (None, _) => "passive (copied by memory.init)".to_owned(),
            (Some(m), Some(offset)) => format!("memory {m} at 0x{offset:08x}"),
            (Some(m), None) => format!("memory {m} at an offset computed at instantiation"),
        };
        let name = d
            .name
            .as_deref()
            .map(|n| format!("  {}", show(n)))
            .unwrap_or_default();
        let len = size_text(d.len_bytes);
        line(out, &format!("  data {:<3} {place}, {len}{name}", d.index));
    }
    more(out, info.data_segments.len());
}

fn custom_sections(out: &mut String, info: &ModuleInfo) {
    heading(out, "Custom sections", info.custom_sections.len());
    let width = column(info.custom_sections.iter().map(|c| c.name.as_str()));
    for c in info.custom_sections.iter().take(MAX_ROWS) {
        let len = size_text(c.len_bytes);
        line(out, &format!("  {:<width$}  {len}", show(&c.name)));
    }
    more(out, info.custom_sections.len());
}

fn producers(out: &mut String, info: &ModuleInfo) {
    if info.producers.is_empty() {
        return;
    }
    line(out, "");
    line(out, "Producers:");
    for field in &info.producers {
        let values: Vec<String> = field
            .values
            .iter()
            .map(|v| {
                if v.version.is_empty() {
                    v.name.clone()
                } else {
                    format!("{} {}", v.name, v.version)
                }
            })
            .collect();
        line(out, &format!("  {}: {}", field.field, values.join(", ")));
    }
}
