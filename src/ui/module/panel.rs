//! The module panel: name, size, memories, exports with signatures (select one to
//! call it and see its WAT), imports (with a stub chooser each), and globals with
//! their current values.

use crate::text::count;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::engine::{CompileInfo, Compiler, StubPolicy, human_bytes, import_name, is_wasi};
use crate::inspect::{
    ExportKind, ImportKind, ModuleInfo, ToolchainImport, function_code, function_wat,
};

use super::call_panel::{CallForm, call_ui, ptr_len_args};
use crate::ui::UiCommand;
use crate::ui::context::PanelContext;
use crate::ui::settings::Settings;
use crate::ui::state::{Document, LoadedModule, Wasm};

/// Draws the module panel.
pub fn module_ui(
    ui: &mut egui::Ui,
    form: &mut CallForm,
    settings: &Settings,
    ctx: &mut PanelContext<'_>,
) {
    let doc = ctx.doc;
    // A module being compiled shows its exports at once; the steps wait for it.
    let (pending, compiling) = match ctx.loading {
        Some(Wasm::Module(module)) => (Some(module), true),
        Some(Wasm::Component(component)) => {
            return super::component_panel::component_ui(ui, component, form, settings, ctx);
        }
        None => (None, false),
    };
    if let (None, Some(component)) = (pending, doc.component()) {
        super::component_panel::component_ui(ui, component, form, settings, ctx);
        return;
    }
    let Some(module) = pending.or(doc.module()) else {
        ui.heading("No module");
        ui.label("File > Open... (Ctrl+O), or drop a .wasm or .wat file on the window.");
        return;
    };
    let info = &module.info;
    ui.heading(&module.name);
    if compiling {
        ui.horizontal(|ui| {
            ui.add(egui::Spinner::new());
            ui.label("compiling…");
        });
    }
    ui.label(format!(
        "{} · {} · {}",
        human_bytes(info.size_bytes),
        count(info.functions as u64, "function"),
        count(info.exports.len() as u64, "export")
    ));
    for memory in &info.memories {
        let max = memory
            .max_pages
            .map_or("no max".to_owned(), |m| format!("max {m}"));
        let width = if memory.memory64 {
            "memory64"
        } else {
            "memory32"
        };
        ui.label(format!(
            "Memory {}: {} ({}), {max}, {width}",
            memory.index,
            count(memory.min_pages, "page"),
            human_bytes(memory.min_pages * memory.page_size_bytes)
        ));
    }
    if let Some(compiled) = doc.compiled.as_ref().filter(|_| !compiling) {
        compiled_ui(ui, compiled, ctx.can_step, ctx);
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        // Another module starts at the top; the same one loaded again keeps its place.
        .id_salt(("module panel", &doc.instance.session.module.sha256))
        .show(ui, |ui| {
            exports_ui(ui, doc, info, form);
            selected_export_ui(ui, module, ctx.can_step, &doc.breakpoints, form, ctx);
            // Imports decide whether a module runs at all, so they come first.
            imports_ui(ui, info, settings, ctx);
            globals_ui(ui, doc, info);
        });
}

fn exports_ui(ui: &mut egui::Ui, doc: &Document, info: &ModuleInfo, form: &mut CallForm) {
    ui.strong(format!("Exports ({})", info.exports.len()));
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    TableBuilder::new(ui)
        // Column widths are remembered per module, so one shown while it compiled
        // leaves none behind.
        .id_salt(("exports", info.size_bytes, info.exports.len()))
        .striped(true)
        .vscroll(false)
        // Long names (`sqlite3_memory_used`) are cut with an ellipsis, whole on hover;
        // the column can be widened.
        .column(
            Column::initial(130.0)
                .at_least(60.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::auto().at_least(50.0))
        .column(Column::remainder())
        .header(row_height, |mut header| {
            header.col(|ui| {
                ui.strong("name");
            });
            header.col(|ui| {
                ui.strong("kind");
            });
            header.col(|ui| {
                ui.strong("signature");
            });
        })
        .body(|mut body| {
            for export in &info.exports {
                body.row(row_height, |mut row| {
                    row.col(|ui| {
                        let selected = form.selected.as_deref() == Some(export.name.as_str());
                        let name =
                            egui::Button::selectable(selected, export.name.as_str()).truncate();
                        if ui.add(name).on_hover_text(&export.name).clicked() {
                            // A (ptr, len) function starts with the walkthrough's input.
                            let args = export.ty.signature.as_ref().map_or_else(Vec::new, |sig| {
                                ptr_len_args(sig, doc.walk.ptr, doc.walk.written_len)
                            });
                            form.select(&export.name, args);
                        }
                    });
                    row.col(|ui| {
                        ui.label(export.kind.as_str());
                    });
                    row.col(|ui| {
                        ui.monospace(export_type(export, info));
                    });
                });
            }
        });
}

/// The export's type as one line: a signature, memory limits, a global's type.
fn export_type(export: &crate::inspect::ExportInfo, info: &ModuleInfo) -> String {
    let ty = &export.ty;
    if let Some(sig) = &ty.signature {
        return sig.to_string();
    }
    if let Some(memory) = &ty.memory {
        return count(memory.min_pages, "page");
    }
    if let Some(global) = &ty.global {
        let mutability = if global.mutable { "mut " } else { "" };
        let init = info
            .globals
            .get(export.index as usize)
            .and_then(|g| g.init.as_ref())
            .map(|v| format!(" = {v}"))
            .unwrap_or_default();
        return format!("{mutability}{}{init}", global.val_type);
    }
    if let Some(table) = &ty.table {
        return format!("{} × {}", table.min, table.element_type);
    }
    String::new()
}

fn selected_export_ui(
    ui: &mut egui::Ui,
    module: &LoadedModule,
    enabled: bool,
    breakpoints: &[u64],
    form: &mut CallForm,
    ctx: &mut PanelContext<'_>,
) {
    let Some(name) = form.selected.clone() else {
        ui.weak("Select a function to call it or see its WAT.");
        return;
    };
    let Some(export) = module.info.exports.iter().find(|e| e.name == name) else {
        return;
    };
    if export.kind != ExportKind::Func {
        return;
    }
    ui.add_space(6.0);
    if let Some(sig) = export.signature() {
        ui.strong(format!("{name} {sig}"));
        call_ui(ui, &name, sig, form, enabled, ctx);
    }
    let entry = *form.entry_pc.get_or_insert_with(|| {
        function_code(&module.bytes, export.index)
            .ok()
            .and_then(|code| code.iter().find_map(|line| line.pc))
    });
    if let Some(pc) = entry {
        let mut on = breakpoints.contains(&pc);
        if ui
            .checkbox(&mut on, "Pause on entry")
            .on_hover_text("A breakpoint at its first instruction: every call pauses there")
            .changed()
        {
            ctx.push(UiCommand::ToggleBreakpoint(pc));
        }
    }
    egui::CollapsingHeader::new(format!("WAT of {name}"))
        .id_salt(("wat", &name))
        .show(ui, |ui| {
            let wat = form
                .wat
                .get_or_insert_with(|| {
                    function_wat(&module.bytes, export.index).map_err(|err| format!("{err:#}"))
                })
                .clone();
            match wat {
                Ok(wat) => {
                    ui.add(egui::Label::new(RichText::new(wat).monospace()).selectable(true));
                }
                Err(err) => {
                    ui.colored_label(ui.visuals().error_fg_color, err);
                }
            }
        });
}

fn globals_ui(ui: &mut egui::Ui, doc: &Document, info: &ModuleInfo) {
    egui::CollapsingHeader::new(format!("Globals ({})", info.globals.len()))
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("globals").striped(true).show(ui, |ui| {
                for global in &info.globals {
                    let name = global
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("global {}", global.index));
                    ui.label(shortened(&name, GLOBAL_NAME_CHARS))
                        .on_hover_text(&name);
                    let mutability = if global.mutable { "mut " } else { "" };
                    ui.monospace(format!("{mutability}{}", global.val_type));
                    let live = exported_global_value(doc, info, global.index);
                    match (live, &global.init) {
                        (Some(value), _) => ui.monospace(value.to_string()),
                        (None, Some(init)) => ui.monospace(format!("{init} (initial)")),
                        (None, None) => ui.weak("—"),
                    };
                    ui.end_row();
                }
            });
        });
}

/// Longest global name shown whole; longer ones keep their end (the distinctive part of
/// `assembly/instructions/MISSING_INSTRUCTION`), so the values beside them fit.
const GLOBAL_NAME_CHARS: usize = 24;

/// `name`, or `…` and its last `max - 1` characters.
fn shortened(name: &str, max: usize) -> String {
    let count = name.chars().count();
    if count <= max {
        return name.to_owned();
    }
    let tail: String = name.chars().skip(count - (max - 1)).collect();
    format!("…{tail}")
}

/// The live value of global `index`, when it is exported (only exports can be read).
fn exported_global_value(
    doc: &Document,
    info: &ModuleInfo,
    index: u32,
) -> Option<crate::engine::Value> {
    let export = info
        .exports
        .iter()
        .find(|e| e.kind == ExportKind::Global && e.index == index)?;
    doc.instance
        .globals
        .iter()
        .find(|g| g.name == export.name)
        .and_then(|g| g.value)
}

/// The imports; each stubbed function has a chooser for what its stub does.
fn imports_ui(
    ui: &mut egui::Ui,
    info: &ModuleInfo,
    settings: &Settings,
    ctx: &mut PanelContext<'_>,
) {
    egui::CollapsingHeader::new(format!("Imports ({})", info.imports.len()))
        // Open unless a long list would bury the globals below it.
        .default_open(!info.imports.is_empty() && info.imports.len() <= 24)
        .show(ui, |ui| {
            if info.imports.is_empty() {
                ui.weak("none");
            }
            for import in &info.imports {
                let ty = import
                    .ty
                    .signature
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                let line = RichText::new(format!(
                    "{}.{} ({}) {ty}",
                    import.module,
                    import.name,
                    import.kind.as_str()
                ))
                .monospace();
                let wasi = is_wasi(&import.module);
                if import.kind != ImportKind::Func {
                    ui.label(line);
                } else if wasi {
                    // Wrapped, like the other rows, so long names do not widen the panel.
                    ui.horizontal_wrapped(|ui| {
                        ui.weak("WASI").on_hover_text("provided by WASI");
                        ui.label(line);
                    });
                } else {
                    let full = import_name(&import.module, &import.name);
                    stub_chooser_ui(ui, full, line, import.toolchain(), settings, ctx);
                }
            }
        });
}

/// A chooser between the default stub, zeros and trap for the import `full`,
/// labelled `line` (after the tag of a toolchain's error import, `known`); a change
/// reloads the module.
pub(in crate::ui) fn stub_chooser_ui(
    ui: &mut egui::Ui,
    full: String,
    line: RichText,
    known: Option<ToolchainImport>,
    settings: &Settings,
    ctx: &mut PanelContext<'_>,
) {
    let current = settings.stub_overrides.get(&full).copied();
    let default = format!("default ({})", settings.default_stub().name());
    let text = current.map_or(default.clone(), |p| p.name().to_owned());
    let mut chosen = current;
    // The import's line wraps beside the chooser (a combo box's own label would not).
    ui.horizontal_wrapped(|ui| {
        let label = egui::Label::new(line);
        let combo = egui::ComboBox::new(("stub", &full), "")
            .selected_text(text)
            .width(124.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, default);
                ui.selectable_value(&mut chosen, Some(StubPolicy::Zeros), "zeros");
                ui.selectable_value(&mut chosen, Some(StubPolicy::Trap), "trap");
            })
            .response;
        if let Some(known) = known {
            ui.weak(known.tag()).on_hover_text(known.about());
        }
        let label = ui.add(label);
        combo.labelled_by(label.id).on_hover_text(format!(
            "What the stub for {full} does when the guest calls it; a change reloads the module"
        ));
    });
    if chosen != current {
        ctx.push(UiCommand::SetStub {
            import: full,
            policy: chosen,
        });
    }
}

/// Which compiler compiled the module, and (after Winch) the way to faster code.
fn compiled_ui(
    ui: &mut egui::Ui,
    compiled: &CompileInfo,
    can_run: bool,
    ctx: &mut PanelContext<'_>,
) {
    // Wraps: "Compiled code (Winch) loaded from the cache" and the button are wide.
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(compiled.what());
        if let Some(refusal) = compiled.refusal() {
            label.on_hover_text(refusal);
        }
        if compiled.compiler == Compiler::Winch
            && ui
                .add_enabled(
                    can_run,
                    egui::Button::new("Recompile with Cranelift").small(),
                )
                .on_hover_text(
                    "Faster code for long calls: compile with Cranelift (on its own \
                     thread) and replay the session on it; memory ends as it is now",
                )
                .clicked()
        {
            ctx.push(UiCommand::RecompileOptimised);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::shortened;

    #[test]
    fn long_names_keep_their_end() {
        assert_eq!(shortened("__heap_base", 24), "__heap_base");
        let long = "assembly/instructions/MISSING_INSTRUCTION";
        let short = shortened(long, 24);
        assert_eq!(short, "…ons/MISSING_INSTRUCTION");
        assert_eq!(short.chars().count(), 24);
    }
}
