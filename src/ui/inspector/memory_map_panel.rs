//! The Memory map tab: data segments, `__data_end`/`__heap_base`, the shadow stack,
//! the session's allocations and growths, each layer toggled from the legend.

use std::collections::BTreeSet;

use egui::Color32;

use crate::engine::human_bytes;
use crate::memory::{CHUNK_BYTES, MapKind};

use crate::ui::UiCommand;
use crate::ui::context::PanelContext;
use crate::ui::hex_view::writer_colour;

/// Every layer, in legend order.
pub const LAYERS: [MapKind; 8] = [
    MapKind::Stack,
    MapKind::DataSegment,
    MapKind::DataEnd,
    MapKind::HeapBase,
    MapKind::StackPointer,
    MapKind::Heap,
    MapKind::Allocation,
    MapKind::PageBoundary,
];

/// Entries listed at most (a Go module has ~100k data segments).
const LISTED_MAX: usize = 500;

/// The colour of a layer, in the legend and in the hex view's gutter.
pub fn layer_color(kind: MapKind, dark: bool) -> Color32 {
    let [r, g, b] = match kind {
        MapKind::Stack => [170, 110, 220],
        MapKind::DataSegment => [80, 160, 230],
        MapKind::DataEnd | MapKind::HeapBase | MapKind::StackPointer => [240, 170, 60],
        MapKind::Heap => [90, 190, 120],
        MapKind::Allocation => [60, 110, 230],
        MapKind::PageBoundary => [150, 150, 150],
    };
    if dark {
        Color32::from_rgb(r, g, b)
    } else {
        Color32::from_rgb(r / 2 + 40, g / 2 + 40, b / 2 + 40)
    }
}

/// Draws the map: layer toggles, growths, then the entries (click one to go there).
pub fn memory_map_ui(
    ui: &mut egui::Ui,
    ctx: &mut PanelContext<'_>,
    hidden: &mut BTreeSet<MapKind>,
) {
    ui.heading("Memory map");
    let len = ctx.memory().len_bytes();
    let pages = len / CHUNK_BYTES as u64;
    let plural = if pages == 1 { "" } else { "s" };
    ui.label(format!(
        "{} in {pages} page{plural} of 64 KiB",
        human_bytes(len)
    ));
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        for kind in LAYERS {
            let mut shown = !hidden.contains(&kind);
            let text = egui::RichText::new(kind.name()).color(layer_color(kind, dark));
            if ui.checkbox(&mut shown, text).changed() {
                if shown {
                    hidden.remove(&kind);
                } else {
                    hidden.insert(kind);
                }
            }
        }
    });
    let instance = &ctx.doc.instance;
    for (before, after, during) in &instance.marks.grows {
        ui.label(format!(
            "grew {} -> {} pages during {during}",
            before / CHUNK_BYTES as u64,
            after / CHUNK_BYTES as u64
        ));
    }
    writers_ui(ui, ctx);
    variables_ui(ui, ctx);
    ui.separator();
    let entries: Vec<_> = instance
        .marks
        .map
        .iter()
        .filter(|e| !hidden.contains(&e.kind) && e.kind != MapKind::PageBoundary)
        .collect();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("memory_map")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for entry in entries.iter().take(LISTED_MAX) {
                        let range = if entry.range.is_empty() {
                            format!("{:#x}", entry.range.start)
                        } else {
                            format!("{:#x}..{:#x}", entry.range.start, entry.range.end)
                        };
                        let color = layer_color(entry.kind, dark);
                        let link = ui.link(egui::RichText::new(range).monospace().color(color));
                        if link.on_hover_text("Go there").clicked() {
                            ctx.push(UiCommand::Reveal {
                                offset: entry.range.start,
                                cursor: true,
                            });
                        }
                        ui.add(egui::Label::new(&entry.label).truncate());
                        ui.end_row();
                    }
                });
            if entries.len() > LISTED_MAX {
                ui.weak(format!("… and {} more", entries.len() - LISTED_MAX));
            }
        });
}

/// The paused frame's variables in memory (what the hex view paints), by address.
fn variables_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
    let Some(shown) = ctx.doc.paused.as_ref().and_then(|p| p.variables.as_ref()) else {
        return;
    };
    let roots = shown.overlay.roots();
    if roots.is_empty() {
        return;
    }
    let function = shown
        .frame
        .function
        .as_deref()
        .unwrap_or("the paused frame");
    egui::CollapsingHeader::new(format!("Variables of {function} ({})", roots.len()))
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("variables in memory")
                .max_height(160.0)
                .show(ui, |ui| {
                    for root in roots.iter().take(LISTED_MAX) {
                        ui.horizontal(|ui| {
                            let range = format!("{:#x}..{:#x}", root.range.start, root.range.end);
                            let link = ui.link(egui::RichText::new(range).monospace());
                            if link.on_hover_text("Go there").clicked() {
                                ctx.push(UiCommand::Reveal {
                                    offset: root.range.start,
                                    cursor: true,
                                });
                            }
                            ui.add(egui::Label::new(&root.title).truncate());
                        });
                    }
                });
        });
}

/// Who wrote what: each writer's share of memory (click one to go to its first bytes).
fn writers_ui(ui: &mut egui::Ui, ctx: &mut PanelContext<'_>) {
    let totals = &ctx.doc.instance.writer_totals;
    if totals.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(format!("Written by ({} writers)", totals.len()))
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("writers")
                .max_height(160.0)
                .show(ui, |ui| writer_rows_ui(ui, totals, ctx));
        });
    ui.label(
        egui::RichText::new(
            "(the host's writes, and every instruction's while Settings > Record every write \
             is on; the hex view's \"by writer\" colours bytes like this)",
        )
        .weak()
        .small(),
    );
}

/// One row per writer.
fn writer_rows_ui(
    ui: &mut egui::Ui,
    totals: &[crate::memory::WriterTotal],
    ctx: &mut PanelContext<'_>,
) {
    for total in totals.iter().take(LISTED_MAX) {
        ui.horizontal(|ui| {
            let bytes = crate::memory::plural_bytes(total.bytes);
            let link = ui.link(egui::RichText::new(format!("{:#x}", total.first)).monospace());
            if link.on_hover_text("Go to its first bytes").clicked() {
                ctx.push(UiCommand::Reveal {
                    offset: total.first,
                    cursor: true,
                });
            }
            // The colour "by writer" gives these bytes in the hex view.
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            let colour = writer_colour(ui.visuals(), &total.group);
            ui.painter().rect_filled(swatch, 2.0, colour);
            ui.add(egui::Label::new(format!("{bytes} by {}", total.what)).truncate());
        });
    }
}
