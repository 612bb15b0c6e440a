//! `hex_view_frame/{64KiB,64MiB,4GiB}`: one frame of the hex view at 1280×800 —
//! egui layout and tessellation, no GPU — scrolled to the middle of memory. The view
//! draws only the rows that fit, so the cost must not grow with memory size.
//!
//! `hex_view_frame_past/{view,compare}_{64KiB,4GiB}`: the same frame while the timeline
//! shows memory after a past step, and while it compares two steps (their differences
//! marked); `timeline_compare/4GiB`: what a Shift+click on a timeline entry costs
//! (finding where two snapshots of 4 GiB differ). Same budget as live.
//!
//! `hex_view_frame/4GiB_by_writer`: the 4 GiB frame with bytes coloured by writer, over
//! a write map of 100 k ranges by 16 functions (every byte on screen has a writer).

use std::collections::BTreeSet;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use wasmscope::engine::{FrameView, Pause, Value};
use wasmscope::memory::{Snapshot, Writer};
use wasmscope::ui::{AppState, HexView, Paused, ShownVariables, StepMark, hex_view_ui};

mod frame_c;

fn frame_input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    }
}

/// Memory of `len` bytes (calloc'd zeros, so 4 GiB is only mapped) with a pattern at
/// its start and 64 bytes of `A` in the middle.
fn memory(len: u64) -> Vec<u8> {
    let mut bytes = vec![0u8; len as usize];
    for (i, b) in bytes.iter_mut().take(1 << 16).enumerate() {
        *b = (i * 7) as u8;
    }
    let mid = (len / 2) as usize;
    bytes[mid..mid + 64].fill(0x41);
    bytes
}

/// One frame of the hex view over `state`.
fn frame(ctx: &egui::Context, view: &mut HexView, state: &AppState) {
    let hidden = BTreeSet::new();
    let output = ctx.run_ui(frame_input(), |ui| {
        egui::CentralPanel::default().show(ui, |ui| {
            hex_view_ui(ui, view, state, &hidden, &mut Vec::new());
        });
    });
    black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
}

/// A state with a timeline of four steps, each writing 16 bytes in the middle.
fn state_with_timeline(len: u64) -> AppState {
    let mut bytes = memory(len);
    let mut state = AppState::default();
    let mut prev: Option<Arc<Snapshot>> = None;
    for step in 0..4u64 {
        let at = (len / 2 + step * 16) as usize;
        bytes[at..at + 16].fill(step as u8 + 1);
        let snapshot = Arc::new(Snapshot::capture(prev.as_deref(), &bytes, 0x7f00_0000_0000));
        let mark = StepMark {
            pause: false,
            changed_bytes: 16,
            failed: false,
            overrun: false,
            log_line: None,
            regions: Vec::new(),
        };
        state.doc.instance.timeline.push(
            format!("write 16 bytes (step {step})"),
            snapshot.clone(),
            mark,
        );
        prev = Some(snapshot);
    }
    state.doc.instance.snapshot = prev.unwrap_or_else(|| Arc::new(Snapshot::empty()));
    state
}

fn hex_view_frame_past(c: &mut Criterion) {
    let mut group = c.benchmark_group("hex_view_frame_past");
    group.sample_size(30);
    for (name, len) in [("64KiB", 64u64 << 10), ("4GiB", 4 << 30)] {
        let mut state = state_with_timeline(len);
        let ctx = egui::Context::default();
        let mut view = HexView::default();
        view.go_to(len / 2);
        state.view_step(Some(1));
        group.bench_function(format!("view_{name}"), |b| {
            b.iter(|| frame(&ctx, &mut view, &state));
        });
        state.compare_with(3);
        assert_eq!(
            state
                .doc
                .instance
                .timeline
                .comparison()
                .map(|c| c.ranges.len()),
            Some(1)
        );
        group.bench_function(format!("compare_{name}"), |b| {
            b.iter(|| frame(&ctx, &mut view, &state));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("timeline_compare");
    group.sample_size(20);
    let mut state = state_with_timeline(4 << 30);
    group.bench_function("4GiB", |b| {
        b.iter(|| {
            state.view_step(Some(0));
            state.compare_with(3);
            black_box(
                state
                    .doc
                    .instance
                    .timeline
                    .comparison()
                    .map(|c| c.ranges.len()),
            )
        });
    });
    group.finish();
}

fn hex_view_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("hex_view_frame");
    group.sample_size(30);
    for (name, len) in [
        ("64KiB", 64u64 << 10),
        ("64MiB", 64 << 20),
        ("4GiB", 4 << 30),
    ] {
        let snapshot = Snapshot::capture(None, &memory(len), 0x7f00_0000_0000);
        let mut state = AppState::default();
        state.doc.instance.snapshot = Arc::new(snapshot);
        let ctx = egui::Context::default();
        let mut view = HexView::default();
        view.go_to(len / 2);
        group.bench_function(name, |b| b.iter(|| frame(&ctx, &mut view, &state)));
    }
    let len = 4u64 << 30;
    let mut state = AppState::default();
    state.doc.instance.snapshot = Arc::new(Snapshot::capture(None, &memory(len), 0x7f00_0000_0000));
    let writers = &mut state.doc.instance.writers;
    let names: Vec<Writer> = (0..16)
        .map(|f| Writer {
            what: format!("f{f}+0x0010 (i32.store8)").into(),
            group: format!("f{f}").into(),
            step: 1,
        })
        .collect();
    // Byte by byte around the middle (on screen), and 16-byte stores all over.
    for at in len / 2 - 4096..len / 2 + 4096 {
        writers.record(at..at + 1, names[(at % 16) as usize].clone());
    }
    for i in 0..100_000u64 {
        let at = i * (len / 100_000);
        writers.record(at..at + 16, names[(i % 16) as usize].clone());
    }
    let ctx = egui::Context::default();
    let mut view = HexView::default();
    view.go_to(len / 2);
    view.by_writer = true;
    group.bench_function("4GiB_by_writer", |b| {
        b.iter(|| frame(&ctx, &mut view, &state))
    });
    group.finish();
}

/// `hex_view_frame/4GiB_variables`: a pause's 50 variables (nested structs) painted
/// over the rows on screen — framed, field ticks, title chips — at 4 GiB.
fn hex_view_frame_variables(c: &mut Criterion) {
    let len = 4u64 << 30;
    // The frame sits on screen: the view is at its base.
    let base = len / 2;
    let Some(paused) = frame_c::frame(base) else {
        return;
    };
    let snapshot = Arc::new(Snapshot::capture(None, &memory(len), 0x7f00_0000_0000));
    let pause = Pause {
        top: FrameView {
            func: 0,
            pc: paused.pc,
            place: "many+0x0100".into(),
            locals: paused
                .locals
                .iter()
                .map(|s| s.map(|s| Value::I32(s.bits as i32)))
                .collect(),
            stack: Vec::new(),
        },
        callers: Vec::new(),
        trap: None,
        snapshot: snapshot.clone(),
        count: 1,
        writes: Vec::new(),
        globals: Vec::new(),
    };
    let variables = ShownVariables::evaluate(&pause, 0, &paused.dwarf, None);
    assert!(variables.overlay.roots().len() >= frame_c::VARIABLES);
    let mut state = AppState::default();
    state.doc.instance.snapshot = snapshot;
    state.doc.paused = Some(Paused {
        pause,
        frame: 0,
        code: Arc::from(Vec::new()),
        source: None,
        variables: Some(variables),
    });
    let ctx = egui::Context::default();
    let mut view = HexView::default();
    view.go_to(base);
    let mut group = c.benchmark_group("hex_view_frame");
    group.sample_size(30);
    group.bench_function("4GiB_variables", |b| {
        b.iter(|| frame(&ctx, &mut view, &state))
    });
    group.finish();
}

criterion_group!(
    benches,
    hex_view_frame,
    hex_view_frame_past,
    hex_view_frame_variables
);
criterion_main!(benches);
