//! `hex_view_frame/{64KiB,64MiB,4GiB}`: one frame of the hex view at 1280×800 —
//! egui layout and tessellation, no GPU — scrolled to the middle of memory. The view
//! draws only the rows that fit, so the cost must not grow with memory size.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use wasmscope::memory::Snapshot;
use wasmscope::ui::{AppState, HexView, hex_view_ui};

fn frame_input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    }
}

fn hex_view_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("hex_view_frame");
    group.sample_size(30);
    for (name, len) in [
        ("64KiB", 64u64 << 10),
        ("64MiB", 64 << 20),
        ("4GiB", 4 << 30),
    ] {
        // calloc'd zeros: the pages are only mapped, so 4 GiB costs no real memory.
        let mut bytes = vec![0u8; len as usize];
        for (i, b) in bytes.iter_mut().take(1 << 16).enumerate() {
            *b = (i * 7) as u8;
        }
        let mid = (len / 2) as usize;
        bytes[mid..mid + 64].fill(0x41);
        let snapshot = Snapshot::capture(None, &bytes, 0x7f00_0000_0000);
        drop(bytes);
        let state = AppState {
            snapshot: Arc::new(snapshot),
            ..AppState::default()
        };
        let ctx = egui::Context::default();
        let mut view = HexView::default();
        view.go_to(len / 2);
        let hidden = BTreeSet::new();
        group.bench_function(name, |b| {
            b.iter(|| {
                let output = ctx.run_ui(frame_input(), |ui| {
                    egui::CentralPanel::default().show(ui, |ui| {
                        hex_view_ui(ui, &mut view, &state, &hidden, &mut Vec::new());
                    });
                });
                black_box(ctx.tessellate(output.shapes, output.pixels_per_point))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, hex_view_frame);
criterion_main!(benches);
