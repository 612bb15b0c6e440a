//! The hex view as a tool (issue 4), on the real `App`: go to, search, the data
//! inspector, edits, the memory map, overruns, and a 4 GiB memory.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{
    PINNED_BASE, click_and_settle, click_at, harness, log_text, pinned, settle, type_into,
    wait_for_search,
};
use egui_kittest::kittest::Queryable;
use wasmscope::memory::MapKind;
use wasmscope::ui::SideTab;

fn go_to(harness: &mut egui_kittest::Harness<'static, wasmscope::ui::App>, text: &str) {
    type_into(harness, "Go to", text);
    harness.get_by_label("Go").click();
    harness.run_steps(3);
}

#[test]
fn go_to_offsets_host_addresses_and_expressions() {
    let mut harness = harness(None, pinned());
    click_and_settle(&mut harness, "2 Alloc");
    let ptr = harness.state().state().doc.walk.ptr.unwrap();

    go_to(&mut harness, "ptr+0x10");
    assert_eq!(harness.state().hex().cursor, Some(ptr + 16));
    go_to(&mut harness, &format!("{:#x}", PINNED_BASE + 0x100));
    assert_eq!(harness.state().hex().cursor, Some(0x100));
    go_to(&mut harness, "__heap_base");
    assert_eq!(harness.state().hex().cursor, Some(0x10_0270));
    go_to(&mut harness, "__stack_pointer - 16");
    assert_eq!(harness.state().hex().cursor, Some(0x10_0000 - 16));

    go_to(&mut harness, "nope + 1");
    let error = harness.state().hex().goto_error.clone().unwrap();
    assert!(error.contains("unknown name `nope`"), "{error}");

    // Back and forward retrace the jumps.
    harness.get_by_label("<").click();
    harness.run_steps(2);
    assert_eq!(harness.state().hex().cursor, Some(0x10_0270));
    harness.get_by_label(">").click();
    harness.run_steps(2);
    assert_eq!(harness.state().hex().cursor, Some(0x10_0000 - 16));
}

#[test]
fn search_finds_text_and_numbers_and_highlights_them() {
    let mut harness = harness(None, pinned());
    for step in ["2 Alloc", "3 Write"] {
        click_and_settle(&mut harness, step);
    }
    let ptr = harness.state().state().doc.walk.ptr.unwrap();
    type_into(&mut harness, "Search", "input");
    harness.get_by_label("Next").click();
    wait_for_search(&mut harness);
    assert_eq!(harness.state().hex().selection(), Some(ptr + 4..ptr + 9));
    harness.snapshot("search");

    // "The " as a little-endian u32.
    let the = u32::from_le_bytes(*b"The ");
    harness.get_by_label("Search");
    harness.state_mut().hex_mut().search.kind =
        wasmscope::ui::SearchKind::Number(wasmscope::memory::NumKind::U32);
    type_into(&mut harness, "Search", &the.to_string());
    harness.get_by_label("Prev").click();
    wait_for_search(&mut harness);
    assert_eq!(harness.state().hex().selection(), Some(ptr..ptr + 4));
}

#[test]
fn inspector_decodes_edits_and_follows_pointers() {
    let mut harness = harness(Some("teach.wasm"), pinned());
    go_to(&mut harness, "0x500");
    harness.get_by_label("Inspector").click();
    harness.run_steps(2);
    // Write the little-endian pointer 0x100 at 0x500, as a step of its own. The
    // inspector shows one value a row at this width: the form is further down.
    harness.get_by_label("Write").scroll_to_me();
    harness.run_steps(10);
    harness.get_by_label("as hex").click();
    harness.run_steps(1);
    type_into(&mut harness, "bytes to write", "00 01 00 00");
    harness.get_by_label("Write").click();
    harness.step();
    settle(&mut harness, "the write", |app| {
        app.state().running().is_none()
    });
    let log = log_text(harness.state());
    assert_eq!(harness.state().state().changed(), &[0x501..0x502], "{log}");
    assert!(log_text(harness.state()).contains("> write 4 bytes at 0x500"));
    assert_eq!(
        harness.get_all_by_label("0x100").count(),
        2,
        "ptr32 and ptr64"
    );
    harness.snapshot("inspector");

    harness.get_by_label("follow ptr32").click();
    harness.run_steps(2);
    assert_eq!(harness.state().hex().cursor, Some(0x100));
    // teach.wat's suffix starts there: '<' is 0x3c.
    harness.get_by_label("60 (0x3c)");
}

#[test]
fn clicking_and_shift_clicking_select_bytes() {
    let mut harness = harness(Some("teach.wasm"), pinned());
    go_to(&mut harness, "0x100");
    let first = harness.state().hex().byte_pos(0x101).unwrap();
    click_at(&mut harness, first);
    assert_eq!(harness.state().hex().selection(), Some(0x101..0x102));
    let last = harness.state().hex().byte_pos(0x104).unwrap();
    harness.hover_at(last);
    for pressed in [true, false] {
        let event = egui::Event::PointerButton {
            pos: last,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::SHIFT,
        };
        harness.event_modifiers(event, egui::Modifiers::SHIFT);
    }
    harness.run_steps(2);
    assert_eq!(harness.state().hex().selection(), Some(0x101..0x105));
}

#[test]
fn memory_map_lists_segments_stack_heap_and_allocations() {
    let mut harness = harness(None, pinned());
    click_and_settle(&mut harness, "2 Alloc");
    harness.get_by_label("Memory map").click();
    harness.run_steps(2);
    assert_eq!(harness.state().tab(), SideTab::MemoryMap);
    let map = &harness.state().state().doc.instance.marks.map;
    let kinds: Vec<MapKind> = map.iter().map(|e| e.kind).collect();
    for kind in [
        MapKind::Stack,
        MapKind::DataSegment,
        MapKind::HeapBase,
        MapKind::Allocation,
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    let ptr = harness.state().state().doc.walk.ptr.unwrap();
    assert!(
        map.iter()
            .any(|e| e.kind == MapKind::Allocation && e.range == (ptr..ptr + 46))
    );
    harness.snapshot("memory_map");

    // An entry is a link: the panel asks for the hex view's cursor to go there.
    assert_ne!(harness.state().hex().cursor, Some(ptr));
    harness
        .get_by_label(&format!("{ptr:#x}..{:#x}", ptr + 46))
        .click();
    harness.run_steps(3);
    assert_eq!(harness.state().hex().cursor, Some(ptr));
    let row = ptr / harness.state().hex().bytes_per_row as u64;
    let first = harness.state().hex().first_row;
    assert!((first..first + harness.state().hex().visible_rows()).contains(&row));
}

#[test]
fn too_few_extra_bytes_are_flagged_as_an_overrun() {
    let mut harness = harness(None, pinned());
    type_into(&mut harness, "size", "21");
    harness.get_by_label("Run all Ctrl+Shift+Enter").click();
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().doc.walk.result.is_some()
    });
    let state = harness.state().state();
    let ptr = state.doc.walk.ptr.unwrap();
    assert_eq!(state.doc.instance.marks.overruns, vec![ptr + 21..ptr + 41]);
    let log = log_text(harness.state());
    assert!(
        log.contains("overrun: append(") && log.contains("20 bytes"),
        "{log}"
    );
    harness.snapshot("overrun");
}

#[test]
fn a_4_gib_memory_scrolls_to_its_last_byte_and_searches() {
    let mut harness = harness(Some("big.wasm"), pinned());
    let len = harness.state().state().snapshot().len_bytes();
    assert_eq!(len, 4 << 30);
    go_to(&mut harness, "0xffffffff");
    assert!(harness.state().hex().byte_pos(0xffff_ffff).is_some());
    assert_eq!(
        harness.state().state().snapshot().byte(0xffff_ffff),
        Some(0x2a)
    );
    go_to(&mut harness, "0");
    assert!(harness.state().hex().byte_pos(0).is_some());
    // The keyboard reaches both ends too, with byte precision.
    harness.get_by_label("Hex view of linear memory").hover();
    harness.key_press(egui::Key::End);
    harness.run_steps(2);
    assert_eq!(harness.state().hex().cursor, Some(0xffff_ffff));
    assert!(harness.state().hex().byte_pos(0xffff_ffff).is_some());
    harness.key_press(egui::Key::ArrowLeft);
    harness.run_steps(1);
    assert_eq!(harness.state().hex().cursor, Some(0xffff_fffe));
    harness.key_press(egui::Key::Home);
    harness.run_steps(2);
    assert!(harness.state().hex().byte_pos(0).is_some());

    type_into(&mut harness, "Search", "the last bytes");
    harness.get_by_label("Next").click();
    wait_for_search(&mut harness);
    assert_eq!(
        harness.state().hex().selection(),
        Some(0xffff_ffe0..0xffff_ffee)
    );
    type_into(&mut harness, "Search", "halfway");
    harness.get_by_label("Prev").click();
    wait_for_search(&mut harness);
    assert_eq!(
        harness.state().hex().selection(),
        Some(0x8000_0000..0x8000_0007)
    );
}

#[test]
fn a_second_memory_is_one_pick_away() {
    let mut harness = harness(Some("two_memories.wasm"), pinned());
    let state = harness.state().state();
    assert_eq!(state.doc.instance.memories.names, vec!["memory", "scratch"]);
    assert_eq!(state.snapshot().read(0x10, 11), b"main memory");
    common::pick(&mut harness, "shown memory", "scratch");
    settle(&mut harness, "the memory switch", |app| {
        app.state().doc.instance.memories.shown == "scratch"
    });
    let state = harness.state().state();
    assert_eq!(state.snapshot().len_bytes(), 2 * 65536);
    assert_eq!(state.snapshot().read(0x20, 14), b"scratch memory");
    assert!(log_text(harness.state()).contains("Showing memory `scratch`"));
    // The map follows: the scratch memory's own data segment, nothing of memory 0's.
    let segments: Vec<_> = state
        .doc
        .instance
        .marks
        .map
        .iter()
        .filter(|e| e.kind == MapKind::DataSegment)
        .map(|e| e.range.clone())
        .collect();
    assert_eq!(segments, vec![0x20..0x2e]);
}

#[test]
fn the_selection_copies_as_a_rust_array() {
    let mut harness = harness(Some("teach.wasm"), pinned());
    go_to(&mut harness, "0x100");
    harness.state_mut().hex_mut().anchor = Some(0x103);
    harness.run_steps(2);
    harness
        .get_by_label("Hex view of linear memory")
        .click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Copy as Rust array").click();
    harness.step();
    let copied = common::copied_texts(&harness);
    assert_eq!(copied, vec!["[0x3c, 0x2d, 0x2d, 0x2d]".to_owned()]);
}

#[test]
fn rows_can_hold_8_16_or_32_bytes() {
    let mut harness = harness(Some("teach.wasm"), pinned());
    go_to(&mut harness, "0x100");
    common::pick(&mut harness, "bytes/row", "32");
    assert_eq!(harness.state().hex().bytes_per_row, 32);
    let first = harness.state().hex().byte_pos(0x100).unwrap();
    let last = harness.state().hex().byte_pos(0x11f).unwrap();
    assert_eq!(first.y, last.y, "0x100..0x120 is one row");
    common::pick(&mut harness, "bytes/row", "8");
    let next_row = harness.state().hex().byte_pos(0x108).unwrap();
    assert!(next_row.y > harness.state().hex().byte_pos(0x100).unwrap().y);
}
