//! The seed's flow as numbered steps: input, Alloc, Write, Call, Read, Run all.
//! Each step's button is enabled once the one before it has run.

use crate::text::count;
use egui::RichText;

use super::{length_exports, returns_an_integer};
use crate::memory::format_hex;
use crate::recipe::Returns;

use super::{DEFAULT_EXTRA_BYTES, Stage, Walkthrough, pointer_len_callables};
use crate::ui::UiCommand;
use crate::ui::context::PanelContext;

/// Draws the steps; edits to the input or the choices reset the steps after them.
/// The panel edits a copy of the document's choices and asks for the edited copy to
/// be taken (before anything it asks the steps to do, which read it).
pub fn walkthrough_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
    let Some(module) = ctx.doc.module() else {
        ui.label("Open a module to begin (File > Open..., or drop a .wasm file here).");
        return;
    };
    let busy = !ctx.can_step;
    let host_base = ctx.host_base;
    let mut edited = ctx.doc.walk.clone();
    let walk = &mut edited;
    let mut asked = Vec::new();
    let cmds = &mut asked;

    egui::Grid::new("walkthrough")
        .num_columns(3)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            input_row(ui, walk);
            ui.end_row();

            step_button(ui, walk, Stage::Alloc, busy, cmds);
            ui.horizontal(|ui| {
                export_combo(ui, "allocator", &mut walk.alloc_export, &module.allocators);
                let label = ui.label("size");
                let default = walk
                    .input_bytes()
                    .map(|b| (b.len() as u64 + DEFAULT_EXTRA_BYTES).to_string())
                    .unwrap_or_default();
                ui.add(
                    egui::TextEdit::singleline(&mut walk.alloc_size)
                        .hint_text(default)
                        .desired_width(60.0),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "Bytes to allocate. Empty = input length + 30, as in the seed: \
                     append writes its 25-byte suffix right after the input, so the \
                     allocation needs room for it.",
                );
            });
            result_label(
                ui,
                walk.ptr
                    .map(|p| format!("ptr {p:#x}  (host {:#x})", host_base.wrapping_add(p))),
            );
            ui.end_row();

            step_button(ui, walk, Stage::Write, busy, cmds);
            ui.label("copy the input to ptr");
            result_label(
                ui,
                walk.written_len
                    .map(|n| format!("{} written", count(n, "byte"))),
            );
            ui.end_row();

            step_button(ui, walk, Stage::Call, busy, cmds);
            ui.horizontal(|ui| {
                let calls = pointer_len_callables(&module.info);
                let mut call = walk.call_export.clone();
                export_combo(ui, "function", &mut call, &calls);
                if call != walk.call_export {
                    walk.choose_call(&module.info, &call);
                }
                returns_ui(ui, walk, &module.info);
                let can_step = !busy && walk.is_enabled(Stage::Call);
                if ui
                    .add_enabled(can_step, egui::Button::new("Step into").small())
                    .on_hover_text(
                        "Call it paused before its first instruction, and step through \
                         it (F11)",
                    )
                    .clicked()
                {
                    cmds.push(UiCommand::StepIntoCall);
                }
            });
            let returned = walk.returned.as_ref().map(|v| format!("returned {v}"));
            let new_ptr = walk.new_ptr.map(|p| format!("new buffer at {p:#x}"));
            result_label(
                ui,
                walk.new_len
                    .map(|n| format!("new len {n}"))
                    .or(new_ptr)
                    .or(returned),
            );
            ui.end_row();

            step_button(ui, walk, Stage::Read, busy, cmds);
            match walk.returns {
                Returns::Len => ui.label("read new len bytes at ptr"),
                Returns::Ptr => ui.label(format!(
                    "read the new buffer, {}() bytes long",
                    walk.len_from
                )),
                Returns::Value => ui.weak("nothing to read: the function returns a value"),
            };
            let shown = result_label(ui, walk.result.as_deref().map(result_text));
            if let (Some(shown), Some(bytes)) = (shown, walk.result.as_deref()) {
                shown.on_hover_text(format!("hex: {}", format_hex(bytes)));
            }
            ui.end_row();
        });

    ui.horizontal(|ui| {
        let run_all = egui::Button::new("Run all").shortcut_text("Ctrl+Shift+Enter");
        let can_run = !busy && walk.next_stage().is_some() && walk.input_bytes().is_ok();
        if ui.add_enabled(can_run, run_all).clicked() {
            cmds.push(UiCommand::RunAll);
        }
        if ui
            .add_enabled(!busy && walk.ptr.is_some(), egui::Button::new("Start over"))
            .on_hover_text(
                "Start again on a fresh instance of the module: memory as it was \
                 loaded, the session's steps and the timeline cleared (the input and \
                 choices stay)",
            )
            .clicked()
        {
            cmds.push(UiCommand::ResetWalkthrough);
        }
    });
    if edited != ctx.doc.walk {
        ctx.push(UiCommand::EditWalkthrough(Box::new(edited)));
    }
    for command in asked {
        ctx.push(command);
    }
}

fn input_row(ui: &mut egui::Ui, walk: &mut Walkthrough) {
    let label = ui.label(RichText::new("1 Input").strong());
    ui.horizontal(|ui| {
        ui.selectable_value(&mut walk.input_is_hex, false, "Text");
        ui.selectable_value(&mut walk.input_is_hex, true, "Hex");
        let hint = if walk.input_is_hex {
            "de ad be ef"
        } else {
            "text to pass to the guest (UTF-8)"
        };
        ui.add(
            egui::TextEdit::singleline(&mut walk.input)
                .hint_text(hint)
                .desired_width(360.0),
        )
        .labelled_by(label.id);
    });
    match walk.input_bytes() {
        Ok(bytes) => ui.label(count(bytes.len() as u64, "byte")),
        Err(err) => ui.colored_label(ui.visuals().error_fg_color, format!("{err:#}")),
    };
}

fn step_button(
    ui: &mut egui::Ui,
    walk: &Walkthrough,
    stage: Stage,
    busy: bool,
    cmds: &mut Vec<UiCommand>,
) {
    let next = walk.next_stage() == Some(stage);
    let mut text = RichText::new(stage.label()).strong();
    if next && !busy {
        text = text.color(ui.visuals().strong_text_color());
    }
    let button = egui::Button::new(text)
        .min_size(egui::vec2(80.0, 0.0))
        .selected(next && !busy);
    let response = ui.add_enabled(!busy && walk.is_enabled(stage), button);
    let response = if next {
        response.on_hover_text("Next step (Ctrl+Enter)")
    } else {
        response
    };
    if response.clicked() {
        cmds.push(UiCommand::Stage(stage));
    }
}

fn export_combo(ui: &mut egui::Ui, label: &str, selected: &mut String, names: &[String]) {
    let shown = if selected.is_empty() {
        "(none fits)".to_owned()
    } else {
        selected.clone()
    };
    /// Longer names are cut (whole on hover), so the result column stays in the panel.
    const LONG_NAME_CHARS: usize = 20;
    let long = shown.chars().count() > LONG_NAME_CHARS;
    let response = ui.scope(|ui| {
        if long {
            ui.set_max_width(190.0);
        }
        egui::ComboBox::from_label(label)
            .selected_text(shown.as_str())
            .truncate()
            .show_ui(ui, |ui| {
                for name in names {
                    ui.selectable_value(selected, name.clone(), name);
                }
            })
    });
    if long {
        response.inner.response.on_hover_text(shown);
    }
}

/// A step's result, or a dash before the step ran; the label's response when shown.
fn result_label(ui: &mut egui::Ui, text: Option<String>) -> Option<egui::Response> {
    match text {
        Some(text) => {
            Some(ui.add(egui::Label::new(RichText::new(text).monospace()).selectable(true)))
        }
        None => {
            ui.weak("—");
            None
        }
    }
}

/// The read bytes as text, with hex when they are not valid UTF-8.
fn result_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => format!("{text:?}"),
        Err(_) => format_hex(bytes),
    }
}

/// What the chosen function returns: a new length at ptr, a pointer to a new buffer
/// (with the export that says how long it is), or a value. Only a function returning
/// one integer offers the first two.
fn returns_ui(ui: &mut egui::Ui, walk: &mut Walkthrough, info: &crate::inspect::ModuleInfo) {
    if !returns_an_integer(info, &walk.call_export) {
        ui.label("(ptr, len) -> a value");
        return;
    }
    let lengths = length_exports(info);
    let label = |r: Returns| match r {
        Returns::Len => "new len at ptr",
        Returns::Ptr => "ptr to a new buffer",
        Returns::Value => "a value",
    };
    let mut returns = walk.returns;
    egui::ComboBox::from_label("returns")
        .selected_text(label(returns))
        .show_ui(ui, |ui| {
            for choice in [Returns::Len, Returns::Ptr, Returns::Value] {
                if choice == Returns::Ptr && lengths.is_empty() {
                    continue;
                }
                ui.selectable_value(&mut returns, choice, label(choice));
            }
        })
        .response
        .on_hover_text(
            "What the function returns: the new length of the data at ptr (append), a \
             pointer to a new buffer whose length another export returns (upper and \
             last_len), or just a value",
        );
    if returns != walk.returns {
        walk.choose_returns(returns);
    }
    if walk.returns == Returns::Ptr {
        let mut len_from = walk.len_from.clone();
        export_combo(ui, "length from", &mut len_from, &lengths);
        if len_from != walk.len_from {
            walk.len_from = len_from;
        }
    }
}
