//! A paused call: where it is (the function's code, its instruction highlighted), what
//! its frame holds (locals and operand stack; values that point into memory are
//! links), the call stack, and the controls — Step (F11), Step over (F10), Step out
//! (Shift+F11), Run to the next write, Continue (F5), Stop; Step back and Run back to
//! write (views of earlier pauses).

use egui::RichText;

use crate::engine::{DebugCommand, Value};

use crate::ui::UiCommand;
use crate::ui::context::PanelContext;
use crate::ui::state::Paused;

use super::{SourceLine, SourceView};

/// F11: step (or step into the walkthrough's call when nothing is paused).
pub const STEP: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::NONE, egui::Key::F11);
/// F10: step over.
pub const STEP_OVER: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::NONE, egui::Key::F10);
/// Shift+F11: step out.
pub const STEP_OUT: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::SHIFT, egui::Key::F11);
/// F5: continue.
pub const CONTINUE: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::NONE, egui::Key::F5);

/// Rows of code shown (the hex view keeps the rest of the height).
const CODE_ROWS: f32 = 7.0;

/// Rows of source shown above the code.
const SOURCE_ROWS: f32 = 5.0;

/// Rows of code shown under the source.
const CODE_ROWS_UNDER_SOURCE: f32 = 3.0;

/// Draws the paused call, if one is.
pub fn debugger_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
    let doc = ctx.doc;
    let Some(paused) = &doc.paused else {
        return;
    };
    let pause = &paused.pause;
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!(
            "Paused at {} (pause {})",
            pause.top.place, pause.count
        ));
        // With line info, stepping by source line first.
        if paused.source.is_some() {
            let lines = [
                (
                    "Step over line",
                    "Next line of this function, over calls",
                    DebugCommand::StepLine,
                ),
                (
                    "Step into line",
                    "Next line, into a called function with line info",
                    DebugCommand::StepIntoLine,
                ),
            ];
            for (label, hover, command) in lines {
                if ui.button(label).on_hover_text(hover).clicked() {
                    ctx.push(UiCommand::Debug(command));
                }
            }
            ui.separator();
        }
        let buttons = [
            ("Step", "F11", DebugCommand::Step),
            ("Step over", "F10", DebugCommand::StepOver),
            ("Step out", "Shift+F11", DebugCommand::StepOut),
            ("Run to next write", "", DebugCommand::RunToWrite),
            ("Continue", "F5", DebugCommand::Continue),
        ];
        for (label, keys, command) in buttons {
            if ui
                .add(egui::Button::new(label).shortcut_text(keys))
                .clicked()
            {
                ctx.push(UiCommand::Debug(command));
            }
        }
        if ui.button("Stop").clicked() {
            ctx.push(UiCommand::Stop);
        }
        ui.separator();
        // Back in time: views of earlier pauses (read-only, like the timeline's).
        if ui
            .button("Step back")
            .on_hover_text("Memory at the pause before the one shown (the timeline's entry)")
            .clicked()
        {
            ctx.push(UiCommand::StepBack);
        }
        let selection = ctx.selection.clone();
        let back = ui
            .add_enabled(selection.is_some(), egui::Button::new("Run back to write"))
            .on_hover_text("Memory at the newest earlier pause where the selected bytes changed")
            .on_disabled_hover_text("Select bytes in the hex view first");
        if back.clicked()
            && let Some(range) = selection
        {
            ctx.push(UiCommand::RunBackToWrite(range));
        }
    });

    if let Some(trap) = &pause.trap {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("This instruction traps: {trap}"),
        );
    }
    ui.columns(2, |columns| {
        // With line info the source comes first and the instructions shrink to a few
        // rows, so that the hex view keeps its height.
        let code_rows = match &paused.source {
            Some(source) => {
                source_ui(&mut columns[0], source, &doc.breakpoints, ctx);
                CODE_ROWS_UNDER_SOURCE
            }
            None => CODE_ROWS,
        };
        code_ui(&mut columns[0], paused, &doc.breakpoints, code_rows, ctx);
        let memory_len = ctx.memory().len_bytes();
        frame_ui(&mut columns[1], paused, memory_len, ctx);
    });
}

/// The source file around the frame's line, that line highlighted and kept in view; or
/// why the file is not shown.
fn source_ui(
    ui: &mut egui::Ui,
    source: &SourceView,
    breakpoints: &[u64],
    ctx: &mut PanelContext<'_>,
) {
    let location = &source.location;
    let lines = match &source.lines {
        Ok(lines) => lines,
        Err(why) => {
            ui.horizontal_wrapped(|ui| {
                ui.strong(location.to_string());
                ui.weak(why);
            });
            return;
        }
    };
    ui.horizontal(|ui| {
        ui.strong(location.to_string());
        ui.weak(&location.file);
    });
    let (row_height, row_pitch) = code_rows(ui);
    let current = (location.line as usize).saturating_sub(1);
    let shown_id = egui::Id::unique("wasmscope source view line");
    let shown: Option<(String, u32)> = ui.data(|d| d.get_temp(shown_id));
    let key = (location.file.clone(), location.line);
    let mut area = egui::ScrollArea::vertical()
        .id_salt("source view")
        .max_height(row_pitch * SOURCE_ROWS)
        .auto_shrink([false, true])
        .animated(false);
    if shown.as_ref() != Some(&key) {
        // The current line a third of the way down.
        let first = current.saturating_sub(SOURCE_ROWS as usize / 3);
        area = area.vertical_scroll_offset(first as f32 * row_pitch);
        ui.data_mut(|d| d.insert_temp(shown_id, key));
    }
    let width = lines.len().to_string().len();
    let highlight = ui.visuals().selection.bg_fill;
    // The lines of this file that have a breakpoint (a few lookups, every frame).
    let dwarf = ctx.doc.module().and_then(|m| m.dwarf.clone());
    let marked: std::collections::BTreeSet<u32> = breakpoints
        .iter()
        .filter_map(|&pc| dwarf.as_deref()?.shown_location_at(pc))
        .filter(|l| l.file == location.file)
        .map(|l| l.line)
        .collect();
    area.show_rows(ui, row_height, lines.len(), |ui, rows| {
        for index in rows {
            let line = index as u32 + 1;
            ui.horizontal(|ui| {
                let (dot, _) = ui.allocate_exact_size(
                    egui::vec2(row_height * 0.8, row_height),
                    egui::Sense::hover(),
                );
                if marked.contains(&line) {
                    let colour = ui.visuals().error_fg_color;
                    ui.painter()
                        .circle_filled(dot.center(), row_height * 0.3, colour);
                }
                let number = format!("{:>width$}", index + 1);
                let mut text = RichText::new(format!("{number}  {}", lines[index])).monospace();
                if index == current {
                    text = text.background_color(highlight).strong();
                }
                let label = ui.add(
                    egui::Label::new(text)
                        .truncate()
                        .sense(egui::Sense::click()),
                );
                let label = label.on_hover_text(
                    "Click: set or clear a breakpoint on this line; right-click: run to it",
                );
                let at = || SourceLine {
                    file: location.file.clone(),
                    line,
                };
                if label.clicked() {
                    ctx.push(UiCommand::ToggleLineBreakpoint(at()));
                }
                label.context_menu(|ui| {
                    if ui.button("Run to this line").clicked() {
                        ctx.push(UiCommand::RunToLine(at()));
                        ui.close();
                    }
                });
            });
        }
    });
}

/// The height of a code row, and the distance from one row to the next.
fn code_rows(ui: &egui::Ui) -> (f32, f32) {
    // Each row is a `horizontal`, which is at least `interact_size` high, and
    // `show_rows` puts the item spacing between rows.
    let text_height = ui.text_style_height(&egui::TextStyle::Monospace) + 2.0;
    let row_height = text_height.max(ui.spacing().interact_size.y);
    (row_height, row_height + ui.spacing().item_spacing.y)
}

/// The function's code, the next instruction highlighted and kept in view; a click on
/// an instruction's line sets or clears a breakpoint there (a red dot).
fn code_ui(
    ui: &mut egui::Ui,
    paused: &Paused,
    breakpoints: &[u64],
    rows: f32,
    ctx: &mut PanelContext<'_>,
) {
    let (row_height, row_pitch) = code_rows(ui);
    let pc = paused
        .pause
        .frame(paused.frame)
        .map_or(paused.pause.top.pc, |f| f.pc);
    let current = if paused.frame == 0 {
        paused.code.iter().position(|line| line.pc == Some(pc))
    } else {
        // A caller's pc is where the call returns to: show the call itself.
        paused
            .code
            .iter()
            .rposition(|line| line.pc.is_some_and(|p| p < pc))
    };
    let shown_id = egui::Id::unique("wasmscope code view pc");
    let shown: Option<u64> = ui.data(|d| d.get_temp(shown_id));
    let mut area = egui::ScrollArea::vertical()
        .id_salt("code view")
        .max_height(row_pitch * rows)
        .auto_shrink([false, true])
        .animated(false);
    if shown != Some(pc)
        && let Some(row) = current
    {
        // A new pause (or frame): its line, a few lines from the top.
        area = area.vertical_scroll_offset((row as f32 - 2.0).max(0.0) * row_pitch);
        ui.data_mut(|d| d.insert_temp(shown_id, pc));
    }
    area.show_rows(ui, row_height, paused.code.len(), |ui, rows| {
        for index in rows {
            let line = &paused.code[index];
            let mut text = RichText::new(&line.text).monospace();
            if Some(index) == current {
                text = text
                    .background_color(ui.visuals().selection.bg_fill)
                    .strong();
            }
            ui.horizontal(|ui| {
                let (dot, _) = ui.allocate_exact_size(
                    egui::vec2(row_height * 0.8, row_height),
                    egui::Sense::hover(),
                );
                if line.pc.is_some_and(|pc| breakpoints.contains(&pc)) {
                    ui.painter().circle_filled(
                        dot.center(),
                        row_height * 0.3,
                        ui.visuals().error_fg_color,
                    );
                }
                let label = ui.add(
                    egui::Label::new(text)
                        .truncate()
                        .sense(egui::Sense::click()),
                );
                if let Some(pc) = line.pc
                    && label
                        .on_hover_text("Click: set or clear a breakpoint")
                        .clicked()
                {
                    ctx.push(UiCommand::ToggleBreakpoint(pc));
                }
            });
        }
    });
    if paused.code.is_empty() {
        ui.weak("(no code to show for this function)");
    }
}

/// Locals, the operand stack and the call stack.
fn frame_ui(ui: &mut egui::Ui, paused: &Paused, memory_len: u64, ctx: &mut PanelContext<'_>) {
    let pause = &paused.pause;
    let Some(frame) = pause.frame(paused.frame) else {
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("frame values")
        .max_height(code_rows(ui).1 * (CODE_ROWS + 1.0))
        .auto_shrink([false, true])
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.strong("Call stack");
                let dwarf = ctx.doc.module().and_then(|m| m.dwarf.clone());
                for (index, caller) in pause.frames().enumerate() {
                    let pc = caller.line_pc(index);
                    let text = match dwarf.as_deref().and_then(|d| d.location_at(pc)) {
                        Some(location) => format!("{} {location}", caller.place),
                        None => caller.place.clone(),
                    };
                    let text = RichText::new(text).monospace();
                    if ui
                        .selectable_label(index == paused.frame, text)
                        .on_hover_text("Show this frame's code and values")
                        .clicked()
                    {
                        ctx.push(UiCommand::SelectFrame(index));
                    }
                }
            });
            if let Some(shown) = &paused.variables {
                super::variables_panel::variables_ui(ui, shown, ctx);
            }
            ui.strong(format!("Locals of {}", frame.place));
            values_ui(ui, "local", &frame.locals, memory_len, ctx);
            ui.strong("Operand stack (top last)");
            if frame.stack.is_empty() {
                ui.weak("(empty)");
            }
            values_ui(ui, "stack", &frame.stack, memory_len, ctx);
        });
}

/// One value per row; an integer that lands inside memory is a link to it.
fn values_ui(
    ui: &mut egui::Ui,
    kind: &str,
    values: &[Option<Value>],
    memory_len: u64,
    ctx: &mut PanelContext<'_>,
) {
    for (index, value) in values.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.monospace(format!("{kind} {index}:"));
            match value {
                Some(value) => {
                    let text = value.to_string();
                    match value.as_u64().filter(|&v| v >= 0x100 && v < memory_len) {
                        Some(offset) => {
                            if ui
                                .link(RichText::new(text).monospace())
                                .on_hover_text("Show these bytes in the hex view")
                                .clicked()
                            {
                                ctx.push(UiCommand::Reveal {
                                    offset,
                                    cursor: false,
                                });
                            }
                        }
                        None => {
                            ui.monospace(text);
                        }
                    }
                }
                None => {
                    ui.weak("(not a number)");
                }
            }
        });
    }
}
