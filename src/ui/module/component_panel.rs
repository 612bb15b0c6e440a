//! The Module tab for a component: its WIT, and a form to call any exported function
//! with WAVE arguments (`"The input string"`, `[1, 2, 3]`, `{name: "x", count: 3}`).

use super::call_panel::CallForm;
use super::component_view::LoadedComponent;
use super::panel::stub_chooser_ui;
use crate::engine::human_bytes;
use crate::text::count;
use crate::ui::UiCommand;
use crate::ui::context::PanelContext;
use crate::ui::settings::Settings;
use egui::RichText;

/// Draws the component's description and the call form.
pub fn component_ui(
    ui: &mut egui::Ui,
    component: &LoadedComponent,
    form: &mut CallForm,
    settings: &Settings,
    ctx: &mut PanelContext<'_>,
) {
    ui.heading(&component.name);
    ui.label(format!(
        "{} · a component · {} · {}",
        human_bytes(component.info.size_bytes),
        count(component.exports.len() as u64, "function"),
        count(component.info.core_modules.len() as u64, "core module")
    ));
    ui.separator();
    ui.strong("Call a function");
    let selected = form
        .selected
        .clone()
        .filter(|s| component.exports.iter().any(|e| &e.name == s))
        .or_else(|| component.exports.first().map(|e| e.name.clone()));
    let mut picked = selected.clone().unwrap_or_default();
    egui::ComboBox::from_label("function")
        .selected_text(&picked)
        .show_ui(ui, |ui| {
            for export in &component.exports {
                let text = format!("{}{}", export.name, export.signature);
                ui.selectable_value(&mut picked, export.name.clone(), text);
            }
        });
    let Some(export) = component.exports.iter().find(|e| e.name == picked) else {
        ui.weak("This component exports no function.");
        return;
    };
    if form.selected.as_deref() != Some(picked.as_str()) || form.args.len() != export.params.len() {
        form.selected = Some(picked.clone());
        form.args = export.params.iter().map(|(_, ty)| sample(ty)).collect();
    }
    ui.weak(format!("{}{}", export.name, export.signature));
    for ((name, ty), arg) in export.params.iter().zip(&mut form.args) {
        ui.horizontal(|ui| {
            let label = ui.label(format!("{name}: {ty}"));
            ui.add(egui::TextEdit::singleline(arg).desired_width(f32::INFINITY))
                .labelled_by(label.id)
                .on_hover_text("A WAVE value: \"text\", 42, [1, 2, 3], {name: \"x\", count: 3}");
        });
    }
    let call = ui.add_enabled(ctx.can_step, egui::Button::new("Call"));
    if call
        .on_hover_text("Call it and watch the canonical ABI: realloc, the copy, the core call, the return area, post-return")
        .clicked()
    {
        ctx.push(UiCommand::CallComponent {
            name: export.name.clone(),
            args: form.args.clone(),
        });
    }
    ui.separator();
    imports_ui(ui, component, settings, ctx);
    egui::CollapsingHeader::new("WIT")
        .default_open(true)
        .show(ui, |ui| {
            // Lines are not wrapped (a wrapped WIT line reads as two); it scrolls.
            egui::ScrollArea::both().max_height(260.0).show(ui, |ui| {
                let text = egui::RichText::new(&component.info.wit).monospace();
                ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend));
            });
        });
}

/// The component's imports: WASI's are provided; every other function gets a stub
/// whose answer (zeros or a trap) can be chosen here, as for a module's imports; a
/// change loads the component again and makes its calls again.
fn imports_ui(
    ui: &mut egui::Ui,
    component: &LoadedComponent,
    settings: &Settings,
    ctx: &mut PanelContext<'_>,
) {
    let imports = &component.info.imports;
    egui::CollapsingHeader::new(format!("Imports ({})", imports.len()))
        .id_salt("component imports")
        .default_open(!imports.is_empty() && imports.len() <= 8)
        .show(ui, |ui| {
            for import in imports {
                let line =
                    |name: &str, kind: &str| RichText::new(format!("{name}: {kind}")).monospace();
                if import.name.starts_with("wasi:") {
                    ui.horizontal_wrapped(|ui| {
                        ui.weak("WASI").on_hover_text("provided by WASI preview 2");
                        ui.label(RichText::new(&import.name).monospace());
                    });
                } else if import.kind.starts_with("func(") {
                    let full = import.name.clone();
                    stub_chooser_ui(
                        ui,
                        full,
                        line(&import.name, &import.kind),
                        None,
                        settings,
                        ctx,
                    );
                } else if import.functions.is_empty() {
                    ui.label(line(&import.name, &import.kind));
                } else {
                    ui.label(RichText::new(&import.name).monospace());
                    for function in &import.functions {
                        let full = format!("{}#{}", import.name, function.name);
                        let text = line(&function.name, &function.signature);
                        ui.indent(&full, |ui| {
                            stub_chooser_ui(ui, full.clone(), text, None, settings, ctx)
                        });
                    }
                }
            }
        });
}

/// A value of WIT type `ty` to start from: the seed's string, small numbers.
fn sample(ty: &str) -> String {
    match ty {
        "string" => "\"The input string\"".to_owned(),
        "bool" => "true".to_owned(),
        "char" => "'x'".to_owned(),
        "f32" | "f64" => "1.5".to_owned(),
        "u8" | "u16" | "u32" | "u64" | "s8" | "s16" | "s32" | "s64" => "3".to_owned(),
        list if list.starts_with("list<") => {
            let inner = &list[5..list.len().saturating_sub(1)];
            let one = sample(inner);
            if one.is_empty() {
                "[]".to_owned()
            } else {
                format!("[{one}, {one}]")
            }
        }
        record if record.starts_with("record {") => {
            let fields = &record[8..record.len().saturating_sub(1)];
            let parts: Vec<String> = top_level(fields)
                .iter()
                .filter_map(|field| {
                    let (name, ty) = field.split_once(':')?;
                    Some(format!("{}: {}", name.trim(), sample(ty.trim())))
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        _ => String::new(),
    }
}

/// `text` split at the commas outside brackets.
fn top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '<' | '{' | '(' | '[' => depth += 1,
            '>' | '}' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}
