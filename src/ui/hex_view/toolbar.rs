//! The hex view's toolbar: legend, go to, back/forward, bytes per row, and the list
//! of ranges the last step changed.

use super::HexView;
use super::rows::Palette;
use crate::memory::{RegionKind, WriterTotal};
use crate::ui::UiCommand;
use crate::ui::state::{AppState, Changed, Memories};

/// Bytes-per-row choices.
const ROW_WIDTHS: [usize; 3] = [8, 16, 32];

/// Draws the toolbar: the memory selector (with several memories), the legend and
/// the changed ranges, then navigation.
pub fn toolbar_ui(
    ui: &mut egui::Ui,
    view: &mut HexView,
    state: &AppState,
    palette: &Palette,
    cmds: &mut Vec<UiCommand>,
) {
    ui.horizontal(|ui| {
        let Memories { names, shown } = &state.doc.instance.memories;
        if names.len() > 1 {
            let mut picked = shown.clone();
            egui::ComboBox::from_label("shown memory")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for name in names {
                        ui.selectable_value(&mut picked, name.clone(), name);
                    }
                });
            if picked != *shown {
                cmds.push(UiCommand::SelectMemory(picked));
            }
        } else {
            ui.strong("Linear memory");
        }
        match view.by_writer {
            true => writers_legend_ui(ui, palette, &state.doc.instance.writer_totals),
            false => legend_ui(ui, palette),
        }
        let recorded = !state.doc.instance.writers.is_empty();
        let toggle = ui
            .add_enabled(
                recorded,
                egui::Button::selectable(view.by_writer, "by writer"),
            )
            .on_hover_text(
                "Colour each byte by the function that wrote it last, instead of by region",
            )
            .on_disabled_hover_text("Nothing recorded who wrote what yet: run a step");
        if toggle.clicked() {
            view.by_writer = !view.by_writer;
        }
        ui.separator();
        changed_menu_ui(ui, view, state.shown_changes());
    });
    ui.horizontal(|ui| {
        goto_ui(ui, view, state);
        ui.separator();
        let back = ui.add_enabled(!view.back.is_empty(), egui::Button::new("<"));
        if back.on_hover_text("Back (Alt+Left)").clicked() {
            view.go_back();
        }
        let forward = ui.add_enabled(!view.forward.is_empty(), egui::Button::new(">"));
        if forward.on_hover_text("Forward (Alt+Right)").clicked() {
            view.go_forward();
        }
        let mut width = view.bytes_per_row;
        egui::ComboBox::from_label("bytes/row")
            .selected_text(width.to_string())
            .width(44.0)
            .show_ui(ui, |ui| {
                for choice in ROW_WIDTHS {
                    ui.selectable_value(&mut width, choice, choice.to_string());
                }
            });
        view.set_bytes_per_row(width);
    });
}

/// The highlight colours, named: allocation, input, output, overrun, changed.
pub(super) fn legend_ui(ui: &mut egui::Ui, palette: &Palette) {
    for kind in RegionKind::ALL {
        legend_chip(ui, kind.name(), palette.region(kind), palette);
    }
    legend_chip(ui, "overrun", palette.overrun, palette);
    ui.label(
        egui::RichText::new("changed")
            .color(palette.changed)
            .underline(),
    );
}

/// Most writers the legend names when bytes are coloured by writer (the Memory map
/// lists them all).
const LEGEND_WRITERS: usize = 4;

/// The writers' colours, named: those that wrote the most bytes first.
fn writers_legend_ui(ui: &mut egui::Ui, palette: &Palette, totals: &[WriterTotal]) {
    let mut groups: Vec<(&str, u64)> = Vec::new();
    for total in totals {
        match groups.iter_mut().find(|(group, _)| *group == &*total.group) {
            Some((_, bytes)) => *bytes += total.bytes,
            None => groups.push((&total.group, total.bytes)),
        }
    }
    groups.sort_by_key(|&(_, bytes)| std::cmp::Reverse(bytes));
    for (group, _) in groups.iter().take(LEGEND_WRITERS) {
        let name: String = group.chars().take(24).collect();
        legend_chip(ui, &name, palette.writer(group), palette);
    }
    if groups.len() > LEGEND_WRITERS {
        ui.weak(format!(
            "+{} more (Memory map)",
            groups.len() - LEGEND_WRITERS
        ));
    }
}

fn legend_chip(ui: &mut egui::Ui, name: &str, color: egui::Color32, palette: &Palette) {
    let chip = egui::RichText::new(format!(" {name} "))
        .background_color(color)
        .color(palette.text);
    ui.label(chip);
}

fn goto_ui(ui: &mut egui::Ui, view: &mut HexView, state: &AppState) {
    let label = ui.label("Go to");
    let field = ui
        .add(
            egui::TextEdit::singleline(&mut view.goto)
                .hint_text("e.g. 0x400")
                .desired_width(110.0),
        )
        .labelled_by(label.id)
        .on_hover_text(
            "A guest offset (1024, 0x400), a host address (0x7f…), or an expression: \
             ptr+0x10, __heap_base, __data_end, __stack_pointer",
        );
    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if ui.button("Go").clicked() || entered {
        match super::goto::resolve(&view.goto, state) {
            Ok(offset) => {
                view.goto_error = None;
                view.go_to(offset);
            }
            Err(err) => view.goto_error = Some(format!("{err:#}")),
        }
    }
    if let Some(err) = &view.goto_error {
        ui.colored_label(ui.visuals().error_fg_color, err);
    }
}

fn changed_menu_ui(ui: &mut egui::Ui, view: &mut HexView, marks: &Changed) {
    let (changed, by) = (&marks.ranges, &marks.step);
    let title = match (by.is_empty(), marks.stale, changed.len()) {
        (true, _, _) => "Changed: nothing yet".to_owned(),
        (false, true, _) => "Last step changed nothing".to_owned(),
        (false, false, 1) => "Changed: 1 range".to_owned(),
        (false, false, n) => format!("Changed: {n} ranges"),
    };
    ui.add_enabled_ui(!changed.is_empty(), |ui| {
        let menu = ui.menu_button(title, |ui| {
            for range in changed.iter().take(200) {
                let text = format!(
                    "{:#x}..{:#x} ({} bytes)",
                    range.start,
                    range.end,
                    range.end - range.start
                );
                if ui.button(text).clicked() {
                    view.go_to(range.start);
                    ui.close();
                }
            }
            if changed.len() > 200 {
                ui.weak(format!("… and {} more", changed.len() - 200));
            }
        });
        if !by.is_empty() {
            menu.response.on_hover_text(format!(
                "Marked: the bytes {by} changed; click to list them"
            ));
        }
    });
}
