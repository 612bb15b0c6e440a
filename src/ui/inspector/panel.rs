//! The Inspector tab: the byte under the cursor decoded, the selection copied, and
//! edits written into linear memory as steps of their own.

use crate::memory::{Endian, parse_hex, plural_bytes};

use crate::ui::UiCommand;
use crate::ui::context::PanelContext;
use crate::ui::hex_view::CopyAs;

/// The Inspector tab, with what the user chose and typed in it.
#[derive(Debug, Default)]
pub struct InspectorPanel {
    /// The bytes to write.
    pub edit: EditForm,
    /// Byte order of the data inspector.
    pub endian: Endian,
}

/// What the user typed into the edit field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditForm {
    /// The bytes to write, as typed.
    pub text: String,
    /// Whether `text` is hex rather than UTF-8.
    pub is_hex: bool,
}

impl EditForm {
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        if self.is_hex {
            parse_hex(&self.text)
        } else {
            Ok(self.text.clone().into_bytes())
        }
    }
}

impl InspectorPanel {
    /// Draws the Inspector tab: the byte under the hex view's cursor and the
    /// selection.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
        let (Some(cursor), Some(selection)) = (ctx.cursor, ctx.selection.clone()) else {
            ui.heading("Inspector");
            ui.label("Click a byte in the hex view to inspect it; drag or Shift+click to select.");
            return;
        };
        // Values wrap at the panel's width (see `decode_panel`); the form may be below.
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| self.cursor_ui(ui, ctx, cursor, selection));
    }

    fn cursor_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &mut PanelContext<'_>,
        cursor: u64,
        selection: std::ops::Range<u64>,
    ) {
        ui.heading(format!("Byte {cursor:#x}"));
        ui.monospace(format!(
            "host address {:#x}",
            ctx.host_base.wrapping_add(cursor)
        ));
        ui.separator();
        super::decode_panel::decode_ui(ui, ctx, cursor, &mut self.endian);
        ui.separator();
        edit_ui(ui, ctx, &mut self.edit, selection);
    }
}

/// Copy the selection, and write typed bytes at its start.
fn edit_ui(
    ui: &mut egui::Ui,
    ctx: &mut PanelContext<'_>,
    edit: &mut EditForm,
    selection: std::ops::Range<u64>,
) {
    let len = selection.end - selection.start;
    ui.strong(format!(
        "Selection: {} at {:#x}",
        plural_bytes(len),
        selection.start
    ));
    ui.horizontal_wrapped(|ui| {
        for format in CopyAs::ALL {
            if ui.button(format.label()).clicked() {
                let bytes = ctx.memory().read(selection.start, len);
                ui.ctx().copy_text(format.format(&bytes));
            }
        }
    });
    ui.separator();

    ui.strong(format!("Write at {:#x}", selection.start));
    ui.horizontal(|ui| {
        ui.selectable_value(&mut edit.is_hex, false, "as text");
        ui.selectable_value(&mut edit.is_hex, true, "as hex");
    });
    let label = ui.label("bytes to write");
    ui.add(
        egui::TextEdit::singleline(&mut edit.text)
            .hint_text(if edit.is_hex { "de ad be ef" } else { "text" })
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    let bytes = edit.bytes();
    match &bytes {
        Ok(bytes) if bytes.len() as u64 > len && len > 1 => {
            ui.weak(format!(
                "{} — longer than the selection; the rest follows it",
                plural_bytes(bytes.len() as u64)
            ));
        }
        Ok(bytes) => {
            ui.weak(plural_bytes(bytes.len() as u64));
        }
        Err(err) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("{err:#}"));
        }
    }
    let can_write = ctx.can_step && bytes.as_ref().is_ok_and(|b| !b.is_empty());
    let write = ui
        .add_enabled(can_write, egui::Button::new("Write"))
        .on_hover_text("Copies the bytes into linear memory as a step of its own");
    if write.clicked()
        && let Ok(bytes) = bytes
    {
        ctx.push(UiCommand::WriteBytes {
            offset: selection.start,
            bytes,
        });
    }
}
