//! Call any exported function with typed argument fields.

use crate::engine::{NumType, Value};
use crate::inspect::{FuncSignature, ValType};

use crate::ui::UiCommand;
use crate::ui::context::PanelContext;

/// The selected export and what the user typed for its arguments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallForm {
    /// Selected export (any kind; only functions get a form).
    pub selected: Option<String>,
    /// One text per parameter.
    pub args: Vec<String>,
    /// The selected function's WAT, printed once per selection.
    pub wat: Option<Result<String, String>>,
    /// The module offset of the selected function's first instruction, found once per
    /// selection (for its entry breakpoint).
    pub entry_pc: Option<Option<u64>>,
}

impl CallForm {
    /// Selects `name`; when it changes, its argument fields start as `args` (empty:
    /// zeros).
    pub fn select(&mut self, name: &str, args: Vec<String>) {
        if self.selected.as_deref() != Some(name) {
            self.selected = Some(name.to_owned());
            self.args = args;
            self.wat = None;
            self.entry_pc = None;
        }
    }
}

/// The arguments a function taking `(i32, i32)` starts with once the walkthrough has
/// written its input: that input's pointer and length, the seed's `(ptr, len)`.
pub fn ptr_len_args(sig: &FuncSignature, ptr: Option<u64>, len: Option<u64>) -> Vec<String> {
    match (sig.params.as_slice(), ptr, len) {
        ([ValType::I32, ValType::I32], Some(ptr), Some(len)) => {
            vec![format!("{ptr:#x}"), len.to_string()]
        }
        _ => Vec::new(),
    }
}

fn num_type(ty: &ValType) -> Option<NumType> {
    match ty {
        ValType::I32 => Some(NumType::I32),
        ValType::I64 => Some(NumType::I64),
        ValType::F32 => Some(NumType::F32),
        ValType::F64 => Some(NumType::F64),
        _ => None,
    }
}

/// Width of a typed argument's field: room for a 64-bit hex value.
const ARG_FIELD_WIDTH: f32 = 150.0;

/// Typed fields for `sig`'s parameters and a Call button.
pub fn call_ui(
    ui: &mut egui::Ui,
    name: &str,
    sig: &FuncSignature,
    form: &mut CallForm,
    enabled: bool,
    ctx: &mut PanelContext<'_>,
) {
    form.args.resize(sig.params.len(), String::new());
    let mut parsed: Vec<Result<Value, String>> = Vec::new();
    egui::Grid::new("call_args").num_columns(3).show(ui, |ui| {
        for (index, (ty, text)) in sig.params.iter().zip(form.args.iter_mut()).enumerate() {
            let label = ui.label(format!("arg {index}: {ty}"));
            // Sized explicitly: a grid cell would otherwise keep it a few characters
            // wide (`0x1c0100` showed as `)100`).
            let size = egui::vec2(ARG_FIELD_WIDTH, ui.spacing().interact_size.y);
            ui.add_sized(size, egui::TextEdit::singleline(text).hint_text("0"))
                .labelled_by(label.id);
            let value = match num_type(ty) {
                Some(num) if text.trim().is_empty() => num.parse("0").map_err(|e| e.to_string()),
                Some(num) => num.parse(text).map_err(|e| format!("{e:#}")),
                None => Err(format!("{ty} arguments cannot be typed in")),
            };
            match &value {
                Ok(_) => ui.label(""),
                Err(err) => ui.colored_label(ui.visuals().error_fg_color, err),
            };
            parsed.push(value);
            ui.end_row();
        }
    });
    let args: Result<Vec<Value>, String> = parsed.into_iter().collect();
    ui.horizontal(|ui| {
        let ready = enabled && args.is_ok();
        let call = ui.add_enabled(ready, egui::Button::new(format!("Call {name}")));
        let step = ui
            .add_enabled(ready, egui::Button::new(format!("Step into {name}")))
            .on_hover_text("Pause before its first instruction and step through it (F11)");
        if let (true, Ok(args)) = (call.clicked() || step.clicked(), args) {
            ctx.push(UiCommand::Call {
                export: name.to_owned(),
                args,
                step_into: step.clicked(),
            });
        }
    });
}
