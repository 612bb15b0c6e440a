//! The real `App` under egui_kittest: the seed's walkthrough by labels, load errors,
//! Stop on a looping guest, and screenshots of the key screens.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{PINNED_BASE, RESULT, click_and_settle, harness, log_text, pick, pinned, settle};
use egui_kittest::kittest::Queryable;
use wasmscope::memory::RegionKind;
use wasmscope::ui::{Presentation, Stage, UiCommand};

#[test]
fn start_screen_on_the_demo() {
    let mut harness = harness(None, pinned());
    let state = harness.state().state();
    assert_eq!(state.doc.module().unwrap().name, "append.wasm (demo)");
    assert_eq!(state.doc.walk.input, "The input string");
    assert_eq!(state.doc.walk.alloc_export, "alloc");
    assert_eq!(state.doc.walk.call_export, "append");
    harness.snapshot("start_screen");
}

#[test]
fn seed_walkthrough_step_by_step() {
    let mut harness = harness(None, pinned());
    click_and_settle(&mut harness, "2 Alloc");
    click_and_settle(&mut harness, "3 Write");
    let state = harness.state().state();
    let ptr = state.doc.walk.ptr.unwrap();
    assert_eq!(state.changed(), &[ptr..ptr + 16]);
    let kinds: Vec<RegionKind> = state.regions().iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![RegionKind::Allocation, RegionKind::Input]);
    assert_eq!(state.regions()[0].range, ptr..ptr + 46);
    harness.snapshot("after_alloc_write");

    click_and_settle(&mut harness, "4 Call");
    click_and_settle(&mut harness, "5 Read");
    let state = harness.state().state();
    assert_eq!(state.doc.walk.new_len, Some(41));
    assert_eq!(state.doc.walk.result.as_deref(), Some(RESULT.as_bytes()));
    // Read changes nothing, so the marks stay on what append changed: its 25 bytes.
    assert_eq!(state.changed(), &[ptr + 16..ptr + 41]);
    assert!(log_text(harness.state()).contains(&format!(
        "changed: {:#x}..{:#x} (25 bytes)",
        ptr + 16,
        ptr + 41
    )));
    assert!(log_text(harness.state()).contains(&format!("Result: {RESULT}")));
    assert!(log_text(harness.state()).contains(&format!("Host memory pointer {PINNED_BASE:#x}")));
    harness.snapshot("after_call_read");
    // ...and the toolbar says that Read itself changed nothing; a marked byte names
    // the step that changed it, not "the last step".
    harness.get_by_label("Last step changed nothing");
    harness.hover_at(harness.state().hex().byte_pos(ptr + 20).unwrap());
    harness.run_steps(4);
    harness.get_by_label(&format!("changed by append({ptr:#x}, 16)"));
}

#[test]
fn call_marks_the_bytes_append_added() {
    let mut harness = harness(None, pinned());
    for step in ["2 Alloc", "3 Write", "4 Call"] {
        click_and_settle(&mut harness, step);
    }
    let state = harness.state().state();
    let ptr = state.doc.walk.ptr.unwrap();
    assert_eq!(state.changed(), &[ptr + 16..ptr + 41]);
    harness.snapshot("after_call");
}

/// The real app (no pinned base) prints real host addresses: the base that wasmtime
/// reported, and base + pointer for the guest object.
#[test]
fn real_host_addresses_are_shown_as_text() {
    let mut harness = harness(None, Presentation::default());
    harness.state_mut().apply(UiCommand::RunAll);
    settle(&mut harness, "Run all", |app| {
        app.state().doc.walk.result.is_some()
    });
    let state = harness.state().state();
    let base = state.snapshot().host_base();
    let ptr = state.doc.walk.ptr.unwrap();
    assert!(base != 0 && base != PINNED_BASE, "{base:#x}");
    let log = log_text(harness.state());
    assert!(
        log.contains(&format!("Host memory pointer {base:#x}")),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "address for wasm object in rust: {:#x}",
            base + ptr
        )),
        "{log}"
    );
    harness.get_by_label_contains(&format!("Host base {base:#x}"));
}

#[test]
fn run_all_with_a_different_allocator_picked_in_the_chooser() {
    let mut harness = harness(Some("strings.wasm"), pinned());
    pick(&mut harness, "allocator", "alloc");
    pick(&mut harness, "function", "reverse");
    assert_eq!(harness.state().state().doc.walk.call_export, "reverse");
    harness.get_by_label("Run all Ctrl+Shift+Enter").click();
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().doc.walk.result.is_some()
    });
    let state = harness.state().state();
    assert_eq!(
        state.doc.walk.result.as_deref(),
        Some("gnirts tupni ehT".as_bytes())
    );
}

#[test]
fn a_failed_load_keeps_the_current_module() {
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "broken.wasm".into(),
        bytes: b"\0asm\x01\0\0\0\x05\x03\x01".to_vec(),
    });
    settle(&mut harness, "the load to fail", |app| {
        app.state().loading.is_none()
    });
    // This one parses but cannot be instantiated: its start function traps.
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "traps_at_start.wat".into(),
        bytes: br#"(module (func $s unreachable) (start $s) (func (export "g")))"#.to_vec(),
    });
    settle(&mut harness, "the second load to fail", |app| {
        app.state().loading.is_none()
    });
    harness
        .state_mut()
        .apply(UiCommand::Open("/no/such/module.wasm".into()));
    // The engine thread reads the file, and says it cannot.
    settle(&mut harness, "the missing file", |app| {
        app.state().loading.is_none() && log_text(app).contains("/no/such/module.wasm")
    });
    let state = harness.state().state();
    assert_eq!(state.doc.module().unwrap().name, "append.wasm (demo)");
    assert!(state.ready());
    let log = log_text(harness.state());
    assert!(log.contains("Cannot load broken.wasm"), "{log}");
    assert!(
        log.contains("Cannot load traps_at_start.wat") && log.contains("unreachable"),
        "{log}"
    );
    assert!(
        state
            .doc
            .module()
            .as_ref()
            .unwrap()
            .info
            .export_func("append")
            .is_some()
    );
    assert!(log.contains("/no/such/module.wasm"), "{log}");
    harness.snapshot("load_error");
}

/// hostile.wasm's endless `spin`, called from the module panel and running.
fn spinning() -> egui_kittest::Harness<'static, wasmscope::ui::App> {
    let mut harness = harness(Some("hostile.wasm"), pinned());
    // The export's row in the module panel (drawn before the walkthrough's chooser).
    harness.get_all_by_label("spin").next().unwrap().click();
    harness.run_steps(2);
    harness.get_by_label("Call spin").click();
    harness.run_steps(2);
    settle(&mut harness, "spin to begin", |app| {
        app.state()
            .running()
            .as_ref()
            .is_some_and(|r| r.step.is_some())
    });
    harness
}

#[test]
fn stop_ends_a_looping_guest() {
    let mut harness = spinning();
    harness.get_by_label_contains("Stop").click();
    harness.step();
    settle(&mut harness, "Stop", |app| app.state().running().is_none());
    let log = log_text(harness.state());
    assert!(log.contains("stopped by the user"), "{log}");
}

/// A guest asleep in WASI (`std::thread::sleep`) is stopped as promptly as a loop.
#[test]
fn stop_ends_a_sleeping_wasi_guest() {
    let mut harness = harness(Some("greet.wasm"), pinned());
    harness.get_all_by_label("nap").next().unwrap().click();
    harness.run_steps(2);
    common::type_into(&mut harness, "arg 0: i32", "60000");
    harness.get_by_label("Call nap").click();
    harness.run_steps(2);
    // Stop while the call runs (a Stop before it begins ends the run before it).
    settle(&mut harness, "nap to begin", |app| {
        app.state()
            .running()
            .as_ref()
            .is_some_and(|r| r.step.is_some())
    });
    harness.get_by_label_contains("Stop").click();
    harness.step();
    settle(&mut harness, "Stop", |app| app.state().running().is_none());
    let log = log_text(harness.state());
    assert!(log.contains("`nap` was stopped by the user"), "{log}");
}

#[test]
fn hovering_a_byte_shows_its_offset_address_and_value() {
    let mut harness = harness(None, pinned());
    for step in ["2 Alloc", "3 Write"] {
        click_and_settle(&mut harness, step);
    }
    let ptr = harness.state().state().doc.walk.ptr.unwrap();
    let pos = harness.state().hex().byte_pos(ptr + 8).unwrap();
    harness.hover_at(pos);
    harness.run_steps(4);
    let host = PINNED_BASE + ptr + 8;
    harness.get_by_label(&format!("guest offset {:#x} ({})", ptr + 8, ptr + 8));
    harness.get_by_label(&format!("host address {host:#x}"));
    // 't', the ninth byte of "The input string".
    harness.get_by_label("u8  116 (0x74)");
    harness.get_by_label(&format!("changed by write 16 bytes at {ptr:#x}"));
    harness.snapshot("hover_byte");
}

/// Start over starts from a fresh instance: the timeline and session are empty, and
/// the next Alloc gets the first pointer again (the old instance's heap is gone).
#[test]
fn start_over_begins_on_a_fresh_instance() {
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::RunAll);
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 4
    });
    let first_ptr = harness.state().state().doc.walk.ptr.unwrap();
    click_and_settle(&mut harness, "Start over");
    // The fresh instance's line comes after the timeline empties: wait for both.
    settle(&mut harness, "Start over", |app| {
        app.state().running().is_none()
            && app.state().doc.instance.timeline.is_empty()
            && log_text(app).ends_with("A fresh instance: memory as the module was loaded.")
    });
    assert!(
        harness
            .state()
            .state()
            .doc
            .instance
            .session
            .steps
            .is_empty()
    );
    let log = log_text(harness.state());
    assert!(
        log.ends_with("A fresh instance: memory as the module was loaded."),
        "{log}"
    );
    click_and_settle(&mut harness, "2 Alloc");
    assert_eq!(harness.state().state().doc.walk.ptr, Some(first_ptr));
}

/// 4 Call starts on the likely string function: never the ownership guest's
/// `dealloc`, which comes first among its `(ptr, len)` exports.
#[test]
fn four_call_starts_on_a_string_function_not_a_deallocator() {
    let mut harness = harness(None, pinned());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/strings.wasm");
    harness.state_mut().apply(UiCommand::Open(path));
    harness.step();
    settle(&mut harness, "strings.wasm", |app| {
        app.state().ready() && app.state().doc.path.is_some()
    });
    let call = harness.state().state().doc.walk.call_export.clone();
    assert!(["reverse", "upper"].contains(&call.as_str()), "{call}");
}

#[test]
fn exports_are_listed_before_the_module_is_compiled() {
    let mut harness = harness(None, pinned());
    let bytes = std::fs::read(format!(
        "{}/assets/strings.wasm",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "strings.wasm".into(),
        bytes,
    });
    // The worker reports the parsed module before it compiles it.
    assert!(
        harness
            .state_mut()
            .wait_for_event(std::time::Duration::from_secs(20))
    );
    let state = harness.state().state();
    let pending = state.loading.as_ref().and_then(|l| l.wasm.as_ref());
    let Some(wasmscope::ui::Wasm::Module(pending)) = pending else {
        panic!("a module should be pending");
    };
    assert_eq!(pending.name, "strings.wasm");
    assert!(pending.info.export_func("upper").is_some());
    assert_eq!(state.doc.module().unwrap().name, "append.wasm (demo)");
    settle(&mut harness, "the compile", |app| {
        app.state().loading.is_none()
    });
    assert_eq!(
        harness.state().state().doc.module().unwrap().name,
        "strings.wasm"
    );
}

/// WASI's environment comes from Settings; the reload applies it.
#[test]
fn settings_give_wasi_guests_their_environment() {
    let mut harness = harness(Some("greet.wasm"), pinned());
    harness.get_by_label("Settings").click();
    // The window fades in over a few frames.
    harness.run_steps(4);
    common::type_into(&mut harness, "WASI environment", "GREETING=Ahoy");
    harness.get_by_label("Reload the module with these").click();
    harness.step();
    settle(&mut harness, "the reload", |app| {
        app.state().loading.is_none() && app.state().ready()
    });
    pick(&mut harness, "function", "greet");
    harness.get_by_label("Run all Ctrl+Shift+Enter").click();
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().doc.walk.result.is_some()
    });
    let log = log_text(harness.state());
    assert!(log.contains("stdout: Ahoy, The input string!"), "{log}");
}

/// Minified emscripten names `malloc` only in its JavaScript glue; the window reads
/// the glue beside the module and offers that export as the allocator.
#[test]
fn the_allocator_named_by_emscripten_glue_is_offered() {
    let dir = std::env::temp_dir().join(format!("wasmscope-ui-glue-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = wat::parse_str(
        r#"(module (memory (export "O") 1)
             (func (export "Ia") (param i32) (result i32) i32.const 0x500))"#,
    )
    .unwrap();
    std::fs::write(dir.join("mini.wasm"), wasm).unwrap();
    std::fs::write(dir.join("mini.js"), "var _malloc=Module._malloc=c.Ia;").unwrap();
    let mut harness = harness(None, pinned());
    harness
        .state_mut()
        .apply(UiCommand::Open(dir.join("mini.wasm")));
    settle(&mut harness, "mini.wasm", |app| {
        app.state()
            .doc
            .module()
            .as_ref()
            .is_some_and(|m| m.name == "mini.wasm")
    });
    let state = harness.state().state();
    assert_eq!(state.doc.module().unwrap().allocators, vec!["Ia"]);
    assert_eq!(state.doc.walk.alloc_export, "Ia");
    click_and_settle(&mut harness, "2 Alloc");
    assert_eq!(harness.state().state().doc.walk.ptr, Some(0x500));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Each stubbed import has its own chooser in the Module tab; picking "trap" reloads
/// the module, and a call that reaches that import traps naming it.
#[test]
fn one_import_can_be_set_to_trap_in_the_module_tab() {
    let wat = r#"(module
        (import "env" "log" (func $log (param i32)))
        (import "env" "now" (func (result f64)))
        (memory (export "memory") 1)
        (func (export "alloc") (param i32) (result i32) i32.const 0x400)
        (func (export "shout") (param i32 i32) (result i32)
          (call $log (local.get 1))
          (local.get 1)))"#;
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "imports.wat".into(),
        bytes: wat.as_bytes().to_vec(),
    });
    let loaded = |app: &wasmscope::ui::App| {
        app.state().loading.is_none()
            && app.state().ready()
            && app
                .state()
                .doc
                .module()
                .as_ref()
                .is_some_and(|m| m.name == "imports.wat")
    };
    settle(&mut harness, "imports.wat", loaded);
    pick(&mut harness, "env.log (func) (i32) -> ()", "trap");
    settle(&mut harness, "the reload", loaded);
    let log = log_text(harness.state());
    assert!(log.contains("env.log (trap), env.now"), "{log}");
    pick(&mut harness, "function", "shout");
    harness.get_by_label("Run all Ctrl+Shift+Enter").click();
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().running().is_none()
    });
    let log = log_text(harness.state());
    assert!(
        log.contains("it called the import `env.log`, whose stub is set to trap"),
        "{log}"
    );
}

/// After the walkthrough wrote the input, a `(ptr, len)` function picked in the module
/// panel starts with that pointer and length, so Call (or Step into) just works.
#[test]
fn a_ptr_len_function_starts_with_the_walkthroughs_input() {
    let mut harness = harness(None, pinned());
    for step in ["2 Alloc", "3 Write"] {
        click_and_settle(&mut harness, step);
    }
    let ptr = harness.state().state().doc.walk.ptr.unwrap();
    // The export's row in the module panel (the walkthrough's combo names it too).
    harness.get_all_by_label("append").next().unwrap().click();
    harness.run_steps(2);
    let arg = |h: &egui_kittest::Harness<'_, wasmscope::ui::App>, label: &str| {
        h.get_by_label(label).value().unwrap_or_default()
    };
    assert_eq!(arg(&harness, "arg 0: i32"), format!("{ptr:#x}"));
    assert_eq!(arg(&harness, "arg 1: i32"), "16");
    // Each field shows the whole pointer (it was a few characters wide).
    let field = harness.get_by_label("arg 0: i32").rect();
    assert!(field.width() >= 120.0, "{field:?}");
    harness.get_by_label("Call append").click();
    harness.step();
    settle(&mut harness, "the call", |app| {
        app.state().running().is_none()
    });
    let log = log_text(harness.state());
    assert!(log.contains(&format!("> append({ptr:#x}, 16)")), "{log}");
}

/// A `(ptr, len)` function that returns nothing (AssemblyScript's `main`, say) is the
/// walkthrough's call too: Run all allocates, writes, calls it, and has nothing to
/// read.
#[test]
fn the_walkthrough_calls_a_function_that_returns_no_length() {
    let wat = common::with_bump_alloc(
        r#"(func (export "stars") (param $ptr i32) (param $len i32)
    (memory.fill (local.get $ptr) (i32.const 42) (local.get $len)))"#,
    );
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "stars.wat".into(),
        bytes: wat.as_bytes().to_vec(),
    });
    harness.step();
    settle(&mut harness, "stars.wat", |app| {
        app.state().ready() && log_text(app).contains("Loaded stars.wat")
    });
    assert_eq!(harness.state().state().doc.walk.call_export, "stars");
    harness.get_by_label("(ptr, len) -> a value");
    harness.state_mut().apply(UiCommand::RunAll);
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.steps() == 3
    });
    let state = harness.state().state();
    assert_eq!(state.doc.walk.returned.as_deref(), Some("()"));
    assert_eq!(state.doc.walk.next_stage(), None, "nothing to read");
    let ptr = state.doc.walk.ptr.unwrap();
    assert_eq!(
        state.snapshot().read(ptr, 16),
        vec![42; 16],
        "the call ran on the input"
    );
    harness.get_by_label("returned ()");
    // Writing the input again makes the call the next step again.
    click_and_settle(&mut harness, "3 Write");
    assert_eq!(
        harness.state().state().doc.walk.next_stage(),
        Some(Stage::Call)
    );
}

/// The ownership guest's `upper` returns a pointer to a new buffer whose length
/// `last_len()` says: chosen in 4 Call, Read asks for the length, then reads there.
#[test]
fn the_walkthrough_reads_a_new_buffer_a_pointer_points_at() {
    let mut harness = harness(Some("strings.wasm"), pinned());
    common::pick(&mut harness, "function", "upper");
    common::pick(&mut harness, "returns", "ptr to a new buffer");
    let walk = &harness.state().state().doc.walk;
    assert_eq!(walk.returns, wasmscope::recipe::Returns::Ptr);
    assert_eq!(walk.len_from, "last_len");
    harness.get_by_label("read the new buffer, last_len() bytes long");
    harness.state_mut().apply(UiCommand::RunAll);
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().running().is_none() && app.state().doc.walk.result.is_some()
    });
    let state = harness.state().state();
    assert_eq!(
        state.doc.walk.result.as_deref(),
        Some(&b"THE INPUT STRING"[..])
    );
    let new_ptr = state.doc.walk.new_ptr.unwrap();
    assert_ne!(
        Some(new_ptr),
        state.doc.walk.ptr,
        "a new buffer, not the input's"
    );
    harness.get_by_label(&format!("new buffer at {new_ptr:#x}"));
    let kinds: Vec<&str> = state
        .doc
        .instance
        .session
        .steps
        .iter()
        .map(|s| s.op.kind())
        .collect();
    assert_eq!(kinds, ["alloc", "write", "call", "call", "read"]);
}

/// The module panel of a newly opened module starts at the top, not where the
/// previous module's panel was scrolled to.
#[test]
fn another_module_starts_at_the_top_of_the_module_panel() {
    let many = |prefix: &str| {
        let funcs: String = (0..80)
            .map(|i| format!("(func (export \"{prefix}{i}\"))"))
            .collect();
        format!("(module (memory (export \"memory\") 1) {funcs})")
    };
    let mut harness = harness(None, pinned());
    let load = |harness: &mut egui_kittest::Harness<'static, wasmscope::ui::App>, prefix: &str| {
        harness.state_mut().apply(UiCommand::LoadBytes {
            name: format!("{prefix}.wat"),
            bytes: many(prefix).into_bytes(),
        });
        harness.step();
        settle(harness, prefix, |app| {
            app.state().ready()
                && app
                    .state()
                    .doc
                    .module()
                    .as_ref()
                    .is_some_and(|m| m.name.starts_with(prefix))
        });
    };
    load(&mut harness, "first");
    let top = harness.get_by_label("first0").rect().top();
    // Scroll the panel down with the wheel, over it.
    harness.hover_at(egui::pos2(100.0, 400.0));
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -1500.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(10);
    assert!(
        harness.get_by_label("first0").rect().top() < top - 500.0,
        "scrolled"
    );
    load(&mut harness, "second");
    harness.run_steps(2);
    let second = harness.get_by_label("second0").rect().top();
    assert!((second - top).abs() < 1.0, "{second} vs {top}");
}

/// Opening a module while a call runs, or while one is paused, ends that call and
/// leaves a window whose steps work.
#[test]
fn opening_a_module_while_a_call_runs_or_is_paused_leaves_a_usable_window() {
    let demo = || UiCommand::LoadBytes {
        name: "again.wasm".to_owned(),
        bytes: std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/append.wasm")).unwrap(),
    };
    let usable = |harness: &mut egui_kittest::Harness<'static, wasmscope::ui::App>| {
        harness.step();
        settle(harness, "the new module", |app| {
            app.state().ready()
                && app
                    .state()
                    .doc
                    .module()
                    .as_ref()
                    .is_some_and(|m| m.name == "again.wasm")
        });
        let state = harness.state().state();
        assert!(state.running().is_none() && state.doc.paused.is_none());
        settle(harness, "the step buttons", |app| app.state().can_step());
        click_and_settle(harness, "2 Alloc");
        let log = log_text(harness.state());
        assert!(harness.state().state().doc.walk.ptr.is_some(), "{log}");
    };
    // Running: hostile's endless loop.
    let mut harness = spinning();
    harness.state_mut().apply(demo());
    usable(&mut harness);
    // Paused: stepping into the demo's append.
    for step in ["2 Alloc", "3 Write"] {
        click_and_settle(&mut harness, step);
    }
    harness.state_mut().apply(UiCommand::StepIntoCall);
    harness.step();
    settle(&mut harness, "the pause", |app| {
        app.state().doc.paused.is_some()
    });
    harness.state_mut().apply(demo());
    usable(&mut harness);
}
