//! Inside a call, write by write, in the real window: after Run all on the demo,
//! the scrubber under the timeline walks append's four stores, and the hex view shows
//! the suffix landing last bytes first.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{harness, log_text, pinned, settle};
use egui_kittest::kittest::{NodeT, Queryable};
use wasmscope::engine::Value;
use wasmscope::ui::UiCommand;

#[test]
fn the_scrubber_walks_appends_stores_and_the_hex_view_follows() {
    let mut harness = harness(None, pinned());
    settle(&mut harness, "the load", |app| app.state().ready());
    harness.state_mut().apply(UiCommand::RunAll);
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 4
    });
    // Live, the newest step (a read) wrote nothing: the strip says how to scrub.
    harness.get_by_label("Click a step on the timeline to go through its writes one by one.");
    harness.get_by_label_contains("3 append(").click();
    harness.run_steps(2);
    harness.get_by_label("Writes of step 3:");
    harness.get_by_label("drag to watch the step's writes land one by one");
    let ptr = harness.state().state().doc.walk.ptr.unwrap();
    let suffix = |app: &wasmscope::ui::App| app.state().snapshot().read(ptr + 16, 25);
    assert_eq!(&suffix(harness.state())[..], b"<---- This is your string");
    // Back to the start of the call: memory as append found it.
    harness
        .state_mut()
        .apply(UiCommand::Scrub { entry: 2, at: 0 });
    harness.run_steps(2);
    assert_eq!(suffix(harness.state()), vec![0; 25]);
    harness.get_by_label("memory as the step found it");
    // The slider, focused, moves one write per arrow key.
    harness.get_by_role(egui::accesskit::Role::Slider).focus();
    harness.run_steps(2);
    for _ in 0..2 {
        harness.key_press(egui::Key::ArrowRight);
        harness.run_steps(1);
    }
    harness.get_by_label_contains("after write 2 of 4 (read-only)");
    harness.key_press(egui::Key::ArrowLeft);
    harness.run_steps(1);
    harness.key_press(egui::Key::ArrowLeft);
    harness.run_steps(2);
    assert_eq!(suffix(harness.state()), vec![0; 25]);
    // One write on: LLVM stores the last byte first.
    harness.get_by_label("write >").click();
    harness.run_steps(2);
    let line = "append+0x0011 i32.store8 [0x110030..0x110031] <- 67";
    harness.get_by_label(line);
    harness.get_by_label_contains("after write 1 of 4 (read-only)");
    let state = harness.state().state();
    assert_eq!(
        state.changed(),
        &[ptr + 40..ptr + 41],
        "write 1's byte is marked"
    );
    let mut expected = vec![0; 25];
    expected[24] = b'g';
    assert_eq!(suffix(harness.state()), expected);
    harness.snapshot("scrub_append_write_1");
    // Then the three i64 stores, from the end backwards.
    for (at, landed) in [(2, 16..24), (3, 8..16), (4, 0..8)] {
        harness.get_by_label("write >").click();
        harness.run_steps(2);
        let suffix = suffix(harness.state());
        assert_eq!(
            &suffix[landed.clone()],
            &b"<---- This is your string"[landed.clone()],
            "write {at}"
        );
        assert!(suffix[..landed.start].iter().all(|&b| b == 0), "write {at}");
    }
    let next = harness.get_by_label("write >");
    assert!(
        next.accesskit_node().is_disabled(),
        "no write after the last"
    );
    // While the past is shown, who wrote a byte last is said of live memory.
    common::hover_byte(&mut harness, ptr + 40);
    harness.get_by_label("written by append+0x0011 (i32.store8) in step 3 (in live memory)");
    // Back to live memory.
    harness.get_by_label("Back to live").click();
    harness.run_steps(2);
    assert!(
        harness
            .state()
            .state()
            .doc
            .instance
            .timeline
            .scrub()
            .is_none()
    );
    // Hovering a byte lists its history: the page alloc grew, then append's store.
    common::hover_byte(&mut harness, ptr + 40);
    harness.get_by_label("history (2 writes):");
    harness.get_by_label_contains("(memory.grow)  ?? -> 00");
    harness.get_by_label("step 3: append+0x0011 (i32.store8)  00 -> 67");
    harness.snapshot("byte_history");
    // The input's bytes were the host's.
    common::hover_byte(&mut harness, ptr);
    harness.get_by_label("step 2: write 16 bytes at 0x110008  00 -> 54"); // File > Save animation: a frame before the writes and one after each.
    harness
        .state_mut()
        .apply(UiCommand::Scrub { entry: 2, at: 2 });
    let path = std::env::temp_dir().join(format!("wasmscope-scrub-{}.png", std::process::id()));
    harness
        .state_mut()
        .apply(UiCommand::SaveAnimation(path.clone()));
    harness.step();
    settle(&mut harness, "the animation saved", |_| path.exists());
    let bytes = std::fs::read(&path).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    assert_eq!(reader.info().animation_control.unwrap().num_frames, 5);
    std::fs::remove_file(&path).unwrap();
    let scrub = harness
        .state()
        .state()
        .doc
        .instance
        .timeline
        .scrub()
        .unwrap();
    assert_eq!(scrub.at, 2, "the view is back where it was");
}

/// `store8_loop.wat` loaded with `cap` writes kept per step, and `fill(stores)` run.
fn fill(harness: &mut egui_kittest::Harness<'static, wasmscope::ui::App>, cap: usize, stores: i32) {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/store8_loop.wat"
    );
    harness.state_mut().apply(UiCommand::SetWriteCap(cap));
    common::load_bytes(
        harness,
        "store8_loop.wasm",
        wat::parse_file(fixture).unwrap(),
    );
    harness.state_mut().apply(UiCommand::Call {
        export: "fill".into(),
        args: vec![Value::I32(stores)],
        step_into: false,
    });
    harness.step();
    settle(harness, "the call", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 1
    });
}

#[test]
fn past_the_writes_kept_per_step_the_rest_are_counted_and_said_so() {
    let mut harness = harness(None, pinned());
    settle(&mut harness, "the demo", |app| app.state().ready());
    fill(&mut harness, 1000, 5000);
    let log = log_text(harness.state());
    assert!(
        log.contains("Recorded the first 1000 of its writes; 4000 more were only counted"),
        "{log}"
    );
    // The scrubber covers the writes kept; who wrote byte 999 is known, byte 1000's not.
    harness.run_steps(2);
    harness.get_by_label("Writes of step 1:");
    let writers = &harness.state().state().doc.instance.writers;
    assert_eq!(
        &*writers.writer_at(999).unwrap().what,
        "fill+0x0015 (i32.store8)"
    );
    assert!(writers.writer_at(1000).is_none());
    harness
        .state_mut()
        .apply(UiCommand::Scrub { entry: 0, at: 1000 });
    harness.run_steps(2);
    harness.get_by_label_contains("after write 1000 of 1000");
    // Scrubbing brings the write into view.
    harness.state_mut().hex_mut().first_row = 0x8000;
    harness
        .state_mut()
        .apply(UiCommand::Scrub { entry: 0, at: 500 });
    harness.run_steps(2);
    let first = harness.state().hex().first_row * 16;
    assert!((first..first + 160).contains(&499), "row {first:#x}");
}

#[test]
fn a_step_of_more_than_a_million_writes_is_replayed_aside_then_scrubbed() {
    let mut harness = harness(None, pinned());
    settle(&mut harness, "the demo", |app| app.state().ready());
    fill(&mut harness, 2_000_000, 1_200_000);
    // More writes than are replayed at once: the replay is built on its own thread
    // while the window goes on, then the scrubber lands where it was asked to.
    harness.state_mut().apply(UiCommand::Scrub {
        entry: 0,
        at: 600_000,
    });
    assert!(
        harness
            .state()
            .state()
            .doc
            .instance
            .timeline
            .building()
            .is_some()
    );
    settle(&mut harness, "the replay", |app| {
        app.state()
            .doc
            .instance
            .timeline
            .scrub()
            .is_some_and(|s| s.at == 600_000)
    });
    let memory = harness.state().state().snapshot().clone();
    assert_eq!(memory.byte(599_999), Some((599_999 & 0xff) as u8));
    assert_eq!(memory.byte(600_000), Some(0), "not written yet");
    harness.get_by_label_contains("after write 600000 of 1200000");
}
