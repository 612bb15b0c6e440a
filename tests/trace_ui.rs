//! Who wrote each byte, in the real window: with nothing turned on, the
//! demo's walkthrough attributes every byte of append's suffix to the store that
//! wrote it, and the input to the host.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{harness, log_text, pinned, settle};
use egui_kittest::kittest::Queryable;
use wasmscope::ui::UiCommand;

#[test]
fn every_byte_of_the_suffix_says_which_instruction_wrote_it() {
    let mut harness = harness(None, pinned());
    settle(&mut harness, "the load", |app| app.state().ready());
    harness.state_mut().apply(UiCommand::RunAll);
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 4
    });
    let state = harness.state().state();
    let ptr = state.doc.walk.ptr.unwrap();
    // The input: the host's write (step 2).
    let input = state.doc.instance.writers.writer_at(ptr).unwrap();
    assert_eq!(
        (input.what.as_ref(), input.step),
        ("the host (write 16 bytes at 0x110008)", 2)
    );
    // The suffix: LLVM compiled append into three i64 stores and one byte (step 3).
    let suffix: Vec<String> = (ptr + 16..ptr + 41)
        .map(|offset| {
            state
                .doc
                .instance
                .writers
                .writer_at(offset)
                .unwrap()
                .what
                .to_string()
        })
        .collect();
    assert!(
        suffix[..8].iter().all(|w| w == "append+0x003b (i64.store)"),
        "{suffix:?}"
    );
    assert!(
        suffix[8..16]
            .iter()
            .all(|w| w == "append+0x002d (i64.store)")
    );
    assert!(
        suffix[16..24]
            .iter()
            .all(|w| w == "append+0x001f (i64.store)")
    );
    assert_eq!(suffix[24], "append+0x0011 (i32.store8)");
    assert!(
        (ptr + 16..ptr + 41).all(|o| state.doc.instance.writers.writer_at(o).unwrap().step == 3),
        "all in step 3"
    );
    // Hovering the last byte of the suffix says who wrote it.
    common::hover_byte(&mut harness, ptr + 40);
    harness.get_by_label("written by append+0x0011 (i32.store8) in step 3");
    harness.snapshot("hover_written_by");
    // The memory map sums up who wrote what.
    harness.get_by_label("Memory map").click();
    harness.run_steps(3);
    let totals = &harness.state().state().doc.instance.writer_totals;
    assert!(!totals.is_empty());
    let host = totals
        .iter()
        .find(|t| t.what.starts_with("the host"))
        .unwrap();
    assert_eq!((host.bytes, host.first), (16, ptr));
    harness.get_by_label_contains("Written by (");
    harness.get_by_label_contains("8 bytes by append+0x003b (i64.store)");
    harness.snapshot("memory_map_writers");
    // Bytes coloured by the function that wrote them: the legend names the writers.
    harness.get_by_label("by writer").click();
    harness.run_steps(2);
    assert!(harness.state().hex().by_writer);
    harness.get_by_label(" append ");
    harness.get_by_label(" the host ");
    harness.snapshot("hex_by_writer");
}

#[test]
fn stepping_into_append_shows_the_code_the_frame_and_each_store_landing() {
    let mut harness = harness(None, pinned());
    for stage in ["2 Alloc", "3 Write"] {
        common::click_and_settle(&mut harness, stage);
    }
    harness.get_by_label("Step into").click();
    harness.step();
    settle(&mut harness, "the first pause", |app| {
        app.state().doc.paused.is_some()
    });
    let log = log_text(harness.state());
    assert!(
        log.contains("for stepping and replayed its 2 steps;"),
        "{log}"
    );
    let pause = &harness.state().state().doc.paused.as_ref().unwrap().pause;
    assert_eq!(pause.count, 1);
    assert!(pause.top.place.starts_with("append+"));
    // F11 steps one instruction.
    common::key_to_next_pause(&mut harness, egui::Key::F11);
    let pause = &harness.state().state().doc.paused.as_ref().unwrap().pause;
    assert_eq!(pause.count, 2);
    // Run to the stores: the first lands the suffix's last byte.
    for count in [3, 4] {
        harness.get_by_label_contains("Run to next write").click();
        harness.step();
        settle(&mut harness, "a write", |app| {
            app.state()
                .doc
                .paused
                .as_ref()
                .is_some_and(|p| p.pause.count == count)
        });
    }
    let state = harness.state().state();
    let paused = state.doc.paused.as_ref().unwrap();
    assert_eq!(paused.pause.top.place, "append+0x001f");
    let ptr = state.doc.walk.ptr.unwrap();
    assert_eq!(
        state.changed(),
        &[ptr + 40..ptr + 41],
        "the byte store landed"
    );
    // While paused, the byte that landed already says who wrote it; the store paused
    // at (append+0x001f, 8 bytes before it) has not written yet.
    let landed = state.doc.instance.writers.writer_at(ptr + 40).unwrap();
    assert_eq!(
        (landed.what.as_ref(), landed.step),
        ("append+0x0011 (i32.store8)", 3)
    );
    let before = state.doc.instance.writers.writer_at(ptr + 32);
    assert!(before.is_none(), "{before:?}");
    let highlighted = paused
        .code
        .iter()
        .find(|l| l.pc == Some(paused.pause.top.pc))
        .unwrap();
    assert!(
        highlighted.text.trim_start().starts_with("i64.store"),
        "{highlighted:?}"
    );
    harness.get_by_label_contains("Paused at append+0x001f (pause 4)");
    harness.run_steps(2);
    harness.snapshot("paused_in_append");
    // Step back: memory at pause 3 (timeline entry 4), then at pause 2.
    let viewing = |app: &wasmscope::ui::App| app.state().doc.instance.timeline.viewing();
    for entry in [4, 3] {
        harness.get_by_label("Step back").click();
        harness.run_steps(2);
        assert_eq!(viewing(harness.state()), Some(entry));
    }
    // Run back to the write of the suffix's last byte, from the live pause: pause 3,
    // at the byte store, before it wrote.
    harness.state_mut().apply(UiCommand::ViewStep(None));
    harness.state_mut().hex_mut().cursor = Some(ptr + 40);
    harness.run_steps(1);
    harness.get_by_label("Run back to write").click();
    harness.run_steps(2);
    assert_eq!(viewing(harness.state()), Some(4));
    harness.get_by_label_contains("Viewing pause 3 at append+0x0011");
    // No write of this call changed the byte before that.
    harness.get_by_label("Run back to write").click();
    harness.run_steps(2);
    assert_eq!(viewing(harness.state()), Some(4));
    assert!(log_text(harness.state()).contains("No earlier write of this call changed"));
    harness.state_mut().apply(UiCommand::ViewStep(None));
    // Each pause is on the timeline after the two steps: scrub back to the third,
    // before the byte store ran.
    let timeline = &harness.state().state().doc.instance.timeline;
    assert_eq!((timeline.len(), timeline.steps()), (6, 2));
    assert_eq!(timeline.name(4), "pause 3 at append+0x0011");
    harness.state_mut().apply(UiCommand::ViewStep(Some(4)));
    harness.run_steps(2);
    harness.get_by_label_contains("Viewing pause 3 at append+0x0011, inside a stepped call");
    assert!(harness.query_by_label("Continue from here").is_none());
    let byte = |app: &wasmscope::ui::App| app.state().snapshot().read(ptr + 40, 1);
    assert_eq!(byte(harness.state()), vec![0], "not written yet at pause 3");
    // Continuing goes back to live memory, and the call's entry follows its pauses.
    harness.key_press(egui::Key::F5);
    harness.step();
    settle(&mut harness, "the call's end", |app| {
        app.state().running().is_none() && app.state().doc.paused.is_none()
    });
    let state = harness.state().state();
    assert_eq!(state.doc.instance.timeline.viewing(), None);
    assert_eq!(state.doc.instance.timeline.step_index(6), Some(2));
    assert_eq!(byte(harness.state()), b"g".to_vec());
    assert_eq!(state.doc.walk.new_len, Some(41));
    assert_eq!(
        &*state.doc.instance.writers.writer_at(ptr + 40).unwrap().what,
        "append+0x0011 (i32.store8)"
    );
}

#[test]
fn a_callers_frame_shows_its_code_and_values() {
    let mut harness = harness(None, pinned());
    let calls = include_str!("fixtures/calls.wat");
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "calls.wat".into(),
        bytes: calls.as_bytes().to_vec(),
    });
    harness.step();
    settle(&mut harness, "the load", |app| {
        app.state().ready() && app.state().doc.module().unwrap().name == "calls.wat"
    });
    harness.state_mut().apply(UiCommand::Call {
        export: "outer".into(),
        args: vec![
            wasmscope::engine::Value::I32(0x100),
            wasmscope::engine::Value::I32(0),
        ],
        step_into: true,
    });
    harness.step();
    settle(&mut harness, "the first pause", |app| {
        app.state().doc.paused.is_some()
    });
    // F11 until inside `inner`.
    for _ in 0..10 {
        if harness
            .state()
            .state()
            .doc
            .paused
            .as_ref()
            .unwrap()
            .pause
            .depth()
            == 2
        {
            break;
        }
        common::key_to_next_pause(&mut harness, egui::Key::F11);
    }
    let paused = harness.state().state().doc.paused.as_ref().unwrap();
    assert!(
        paused.pause.top.place.starts_with("inner+"),
        "{}",
        paused.pause.top.place
    );
    assert!(paused.code[0].text.starts_with("(func $inner"));
    // The caller's frame in the call stack (the timeline's pauses name places too).
    let caller = paused.pause.callers[0].place.clone();
    assert!(caller.starts_with("outer+"), "{caller}");
    harness.get_by_label(&caller).click();
    harness.run_steps(3);
    let paused = harness.state().state().doc.paused.as_ref().unwrap();
    assert_eq!(paused.frame, 1);
    // The caller's pc is where the call returns to; the line before it is the call.
    let caller = &paused.pause.callers[0];
    let call = paused
        .code
        .iter()
        .rev()
        .find(|l| l.pc.is_some_and(|pc| pc < caller.pc))
        .unwrap();
    assert!(
        call.text.trim_start().starts_with("call $inner"),
        "{call:?}"
    );
    harness.get_by_label_contains("Locals of outer+");
    harness.snapshot("paused_caller_frame");
    harness.key_press(egui::Key::F5);
    harness.step();
    settle(&mut harness, "the call's end", |app| {
        app.state().running().is_none() && app.state().doc.paused.is_none()
    });
    assert!(log_text(harness.state()).contains("`outer` returned 268"));
}

#[test]
fn pause_on_entry_stops_run_all_at_the_function() {
    let mut harness = harness(None, pinned());
    // The export's row in the module panel.
    harness.get_all_by_label("append").next().unwrap().click();
    harness.run_steps(2);
    harness.get_by_label("Pause on entry").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state().doc.breakpoints.len(), 1);
    harness.state_mut().apply(UiCommand::RunAll);
    harness.step();
    settle(&mut harness, "the pause at append's entry", |app| {
        app.state().doc.paused.is_some()
    });
    let paused = harness.state().state().doc.paused.as_ref().unwrap();
    assert!(
        paused.pause.top.place.starts_with("append+"),
        "{}",
        paused.pause.top.place
    );
    assert_eq!(
        paused.code.iter().find_map(|l| l.pc),
        Some(paused.pause.top.pc)
    );
    harness.key_press(egui::Key::F5);
    harness.step();
    settle(&mut harness, "Run all's end", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.steps() == 4
    });
    let timeline = &harness.state().state().doc.instance.timeline;
    assert_eq!(timeline.len(), 5, "the pause is on the timeline");
    assert_eq!(harness.state().state().doc.walk.new_len, Some(41));
}
