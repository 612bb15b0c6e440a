//! What `wasmscope inspect` prints for a component.

use std::fmt::Write as _;

use super::component::{ComponentInfo, Lift, WitItem};

/// The component as text: its WIT, then exports with what they lift, imports, and
/// the core modules and instances inside.
pub fn render_component_text(info: &ComponentInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Component: {} bytes\n", info.size_bytes);
    match &info.wit_error {
        Some(why) => {
            let _ = writeln!(out, "WIT: none ({why})");
        }
        None => {
            let _ = writeln!(out, "WIT:");
            for line in info.wit.lines() {
                let _ = writeln!(out, "{}", format!("  {line}").trim_end());
            }
        }
    }
    items(&mut out, "Exports", &info.exports);
    items(&mut out, "Imports", &info.imports);
    let _ = writeln!(out, "\nCore modules ({}):", info.core_modules.len());
    for module in &info.core_modules {
        let memories = match module.memories.as_slice() {
            [] => "no memory".to_owned(),
            [1] => "a memory of 1 page".to_owned(),
            [pages] => format!("a memory of {pages} pages"),
            many => format!(
                "memories of {} pages",
                many.iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let _ = writeln!(
            out,
            "  module {}: {} bytes at 0x{:x}, {} functions, {memories}",
            module.index, module.size_bytes, module.offset, module.functions
        );
        if !module.imports.is_empty() {
            let _ = writeln!(out, "    imports: {}", module.imports.join(", "));
        }
        if !module.exports.is_empty() {
            let _ = writeln!(out, "    exports: {}", module.exports.join(", "));
        }
    }
    let _ = writeln!(out, "\nCore instances ({}):", info.core_instances.len());
    for instance in &info.core_instances {
        let _ = writeln!(out, "  instance {}: {}", instance.index, instance.what);
    }
    if info.nested_components > 0 {
        let _ = writeln!(out, "\nNested components: {}", info.nested_components);
    }
    out
}

fn items(out: &mut String, title: &str, items: &[WitItem]) {
    let _ = writeln!(out, "\n{title} ({}):", items.len());
    if items.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for item in items {
        let _ = writeln!(out, "  {}: {}", item.name, item.kind);
        lift(out, item.lift.as_ref(), "    ");
        for func in &item.functions {
            let _ = writeln!(out, "    {}: {}", func.name, func.signature);
            lift(out, func.lift.as_ref(), "      ");
        }
    }
}

fn lift(out: &mut String, lift: Option<&Lift>, indent: &str) {
    let Some(lift) = lift else {
        return;
    };
    let _ = writeln!(out, "{indent}lifts {}", lift.core_function);
    let mut options = vec![format!("string-encoding={}", lift.string_encoding)];
    if let Some(memory) = &lift.memory {
        options.push(format!("memory: {memory}"));
    }
    if let Some(realloc) = &lift.realloc {
        options.push(format!("realloc: {realloc}"));
    }
    if let Some(post) = &lift.post_return {
        options.push(format!("post-return: {post}"));
    }
    if lift.is_async {
        options.push("async".to_owned());
    }
    for option in options {
        let _ = writeln!(out, "{indent}  {option}");
    }
}
