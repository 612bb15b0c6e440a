//! A component in the real window: its WIT in the Module tab, a call with WAVE
//! arguments, and the canonical ABI on the timeline and in the hex view.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{harness, log_text, pinned, settle};
use egui_kittest::kittest::Queryable;
use wasmscope::memory::RegionKind;
use wasmscope::ui::UiCommand;

#[test]
fn calling_upper_shows_the_canonical_abi_in_memory() {
    let mut harness = harness(Some("component_upper.wasm"), pinned());
    assert!(harness.state().state().doc.component().is_some());
    harness.get_by_label_contains("export upper: func(s: string) -> string;");
    harness.get_by_label("Call").click();
    harness.step();
    settle(&mut harness, "the call", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 4
    });
    let log = log_text(harness.state());
    assert!(
        log.contains("[cabi_realloc(0, 0, 1, 16) -> 0x1000] changed: none"),
        "{log}"
    );
    assert!(
        log.contains("[upper(0x1000, 16) -> 0x100] changed: 0x1000..0x1010 (16 bytes)"),
        "{log}"
    );
    assert!(
        log.contains("return area 0x100: [0x1010, 16] -> \"THE INPUT STRING\""),
        "{log}"
    );
    assert!(
        log.ends_with("upper(\"The input string\") returned \"THE INPUT STRING\""),
        "{log}"
    );
    let state = harness.state().state();
    let region = |kind| {
        state
            .regions()
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.range.clone())
    };
    assert_eq!(region(RegionKind::Input), Some(0x1000..0x1010));
    assert_eq!(region(RegionKind::Output), Some(0x1010..0x1020));
    assert_eq!(region(RegionKind::Allocation), Some(0x100..0x108));
    assert_eq!(state.snapshot().read(0x1010, 16), b"THE INPUT STRING");
    // Recorded by default (its core module instrumented): who wrote each output byte,
    // with no setting turned on.
    let writer_at = |at: u64| {
        let writer = state.doc.instance.writers.writer_at(at);
        writer.map(|w| w.what.to_string())
    };
    let writer = writer_at(0x1015);
    assert!(
        writer
            .as_deref()
            .is_some_and(|w| w.contains("upper+0x") && w.contains("i32.store8")),
        "{writer:?}"
    );
    // The argument's bytes: wasmtime copied them in (the canonical ABI's lowering).
    let copier = writer_at(0x1000);
    assert_eq!(copier.as_deref(), Some("wasmtime (canonical ABI)"));
    assert!(
        !log.contains("i32.store8 ["),
        "recorded writes stay out of the log"
    );
    harness.snapshot("component_upper_called");
    // The call's step scrubs through its writes: wasmtime copying the argument in
    // first, then upper's stores.
    harness.get_by_label_contains("1 upper(").click();
    harness.run_steps(2);
    // Viewed as a past step, it keeps its argument and result highlighted.
    let viewed = harness.state().state();
    assert_eq!(viewed.doc.instance.timeline.viewing(), Some(3));
    let kinds: Vec<_> = viewed
        .regions()
        .iter()
        .map(|r| (r.kind, r.range.clone()))
        .collect();
    assert!(
        kinds.contains(&(RegionKind::Input, 0x1000..0x1010)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(RegionKind::Output, 0x1010..0x1020)),
        "{kinds:?}"
    );
    harness
        .state_mut()
        .apply(UiCommand::Scrub { entry: 3, at: 1 });
    harness.run_steps(2);
    harness.get_by_label_contains("wasmtime canonical ABI [0x1000..0x1010] <- 54 68 65");
    harness.get_by_label("write >").click();
    harness.run_steps(2);
    harness.get_by_label_contains("upper+0x0042 i32.store8");
}

#[test]
fn a_wrong_wave_argument_is_one_line_in_the_log() {
    let mut harness = harness(Some("component.wasm"), pinned());
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::CallComponent {
            name: "sum".to_owned(),
            args: vec!["\"nope\"".to_owned()],
        });
    harness.step();
    settle(&mut harness, "the call", |app| {
        app.state().running().is_none()
    });
    let log = log_text(harness.state());
    let last = log.lines().last().unwrap();
    assert!(
        last.starts_with("sum(\"nope\") failed: `\"nope\"` is not a list<u32>"),
        "{last}"
    );
}

#[test]
fn a_components_session_is_saved_replayed_by_the_cli_and_opened_again() {
    let mut harness = harness(Some("component_upper.wasm"), pinned());
    harness.get_by_label("Call").click();
    harness.step();
    settle(&mut harness, "the call", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 4
    });
    let dir = std::env::temp_dir().join(format!("wasmscope-comp-ui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let session = dir.join("upper.toml");
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::SaveSession(session.clone()));
    settle(&mut harness, "the save", |_| session.exists());
    let text = std::fs::read_to_string(&session).unwrap();
    assert!(
        text.contains("op = \"invoke\"\nexport = \"upper\"\nargs = ['\"The input string\"']"),
        "{text}"
    );

    let replayed = std::process::Command::new(env!("CARGO_BIN_EXE_wasmscope"))
        .args(["replay", session.to_str().unwrap()])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&replayed.stdout);
    assert!(replayed.status.success(), "{out}");
    assert!(
        out.contains("return area 0x100: [0x1010, 16] -> \"THE INPUT STRING\""),
        "{out}"
    );

    let mut again = harness_with_session(&session);
    settle(&mut again, "the replayed call", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 4
    });
    let log = log_text(again.state());
    assert!(
        log.contains("upper(\"The input string\") returned \"THE INPUT STRING\"\nReplayed 1 step"),
        "{log}"
    );
}

fn harness_with_session(
    session: &std::path::Path,
) -> egui_kittest::Harness<'static, wasmscope::ui::App> {
    let mut harness = harness(None, pinned());
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::OpenSession(session.to_path_buf()));
    harness.step();
    settle(&mut harness, "the component", |app| {
        app.state().doc.component().is_some()
    });
    harness
}

#[test]
fn a_module_opened_after_a_component_replaces_it() {
    let mut harness = harness(Some("component.wasm"), pinned());
    assert!(harness.state().state().doc.component().is_some());
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::LoadBytes {
            name: "append.wasm".to_owned(),
            bytes: std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/append.wasm"))
                .unwrap(),
        });
    harness.step();
    settle(&mut harness, "the module", |app| {
        app.state().ready() && app.state().doc.module().is_some()
    });
    assert!(harness.state().state().doc.component().is_none());
    // And back: a component load that a module load overtakes is dropped.
    let component = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/component.wasm"
    ))
    .unwrap();
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::LoadBytes {
            name: "component.wasm".to_owned(),
            bytes: component,
        });
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::LoadBytes {
            name: "again.wasm".to_owned(),
            bytes: std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/append.wasm"))
                .unwrap(),
        });
    harness.step();
    settle(&mut harness, "the second module", |app| {
        app.state().ready()
            && app.state().loading.is_none()
            && app
                .state()
                .doc
                .module()
                .as_ref()
                .is_some_and(|m| m.name == "again.wasm")
    });
    assert!(harness.state().state().doc.component().is_none());
}

#[test]
fn a_components_import_stub_is_chosen_in_the_module_tab() {
    let mut harness = harness(None, pinned());
    let wat = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/needs_host.wat"
    ))
    .unwrap();
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::LoadBytes {
            name: "needs_host.wat".to_owned(),
            bytes: wat,
        });
    harness.step();
    settle(&mut harness, "the component", |app| {
        app.state().ready() && app.state().doc.component().is_some()
    });
    let call = |harness: &mut egui_kittest::Harness<'static, wasmscope::ui::App>, entries| {
        harness.get_by_label("Call").click();
        harness.step();
        settle(harness, "the call", |app| {
            app.state().running().is_none() && app.state().doc.instance.timeline.len() == entries
        });
    };
    call(&mut harness, 2);
    let log = log_text(harness.state());
    assert!(log.contains("stub host-log(\"hello\") -> "), "{log}");
    assert!(log.ends_with("greet() returned ()"), "{log}");

    common::pick(&mut harness, "host-log: func(s: string)", "trap");
    settle(&mut harness, "the reload", |app| {
        let state = app.state();
        state.ready()
            && state.loading.is_none()
            && state.running().is_none()
            && log_text(app).matches("> greet()").count() == 2
    });
    // The reload made the call again, and now the stub traps.
    let log = log_text(harness.state());
    assert!(
        log.contains("greet() failed: `greet` trapped: it called the import `host-log`, whose stub is set to trap"),
        "{log}"
    );
}

/// A component opened from a file is a recent file, and nothing of the module before
/// it stays: its overrun marks, highlights and writers are gone.
#[test]
fn a_component_after_a_module_with_an_overrun_keeps_none_of_its_marks() {
    let mut harness = harness(None, pinned());
    common::type_into(&mut harness, "size", "21");
    harness.state_mut().apply(wasmscope::ui::UiCommand::RunAll);
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().doc.walk.result.is_some()
    });
    assert!(
        !harness
            .state()
            .state()
            .doc
            .instance
            .marks
            .overruns
            .is_empty()
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/component.wasm");
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::Open(path));
    harness.step();
    settle(&mut harness, "the component", |app| {
        app.state().ready() && app.state().doc.component().is_some()
    });
    let state = harness.state().state();
    assert!(state.doc.instance.marks.overruns.is_empty());
    assert!(state.doc.instance.marks.allocations.is_empty());
    assert!(state.regions().is_empty());
    assert!(state.doc.instance.writers.writer_at(0x11_0008).is_none());
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Recent files").hover();
    harness.run_steps(4);
    harness.get_by_label_contains("assets/component.wasm");
}

/// A session of `hello_p2.wasm` saved by the CLI, asking for the variable
/// `GREETING=hi` and the folder `dir` (which holds `granted.txt`); the guest lists
/// that folder.
fn hello_session(dir: &std::path::Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("granted.txt"), "yes").unwrap();
    let session = dir.join("hello.toml");
    let folder = dir.to_str().unwrap();
    let saved = std::process::Command::new(env!("CARGO_BIN_EXE_wasmscope"))
        .args([
            "run",
            concat!(env!("CARGO_MANIFEST_DIR"), "/assets/hello_p2.wasm"),
        ])
        .args([
            "--call",
            "run",
            "--wasi-arg",
            folder,
            "--env",
            "GREETING=hi",
        ])
        .args(["--dir", folder, "--save", session.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    session
}

/// Opens `session` and answers the consent dialog with `button`; waits for the
/// replayed call.
fn open_answering(
    harness: &mut egui_kittest::Harness<'static, wasmscope::ui::App>,
    session: &std::path::Path,
    button: &str,
) {
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::OpenSession(session.to_path_buf()));
    settle(harness, "the question", |app| app.state().offer.is_some());
    harness.get_by_label_contains("see the environment variable GREETING=hi");
    harness.get_by_label(button).click();
    harness.step();
    settle(harness, "the replay", |app| {
        let state = app.state();
        state.running().is_none()
            && state.loading.is_none()
            && state.doc.instance.timeline.steps() == 1
    });
}

#[test]
fn a_component_session_runs_with_the_host_settings_it_was_allowed_and_saves_them() {
    let dir = std::env::temp_dir().join(format!("wasmscope-comp-host-{}", std::process::id()));
    let session = hello_session(&dir);
    let mut harness = harness(None, pinned());
    open_answering(&mut harness, &session, "Allow and open");
    let log = log_text(harness.state());
    assert!(
        log.contains("stdout: env: [(\"GREETING\", \"hi\")]"),
        "{log}"
    );
    assert!(
        log.contains(&format!("stdout: {}: granted.txt", dir.display())),
        "{log}"
    );
    assert!(
        log.contains("wasi:cli/run@0.2.0#run() returned ok\nReplayed 1 step"),
        "{log}"
    );

    // Saved again, the session keeps what it was allowed.
    let again = dir.join("again.toml");
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::SaveSession(again.clone()));
    settle(&mut harness, "the save", |_| again.exists());
    let text = std::fs::read_to_string(&again).unwrap();
    assert!(text.contains("GREETING"), "{text}");
    assert!(text.contains("wasi_dirs"), "{text}");
    assert!(text.contains("timeout_ms"), "{text}");

    // Without them the guest sees neither.
    let mut harness = common::harness(None, pinned());
    open_answering(&mut harness, &session, "Open without them");
    let log = log_text(harness.state());
    assert!(!log.contains("GREETING"), "{log}");
    assert!(!log.contains("granted.txt"), "{log}");
    assert!(
        log.contains("wasi:cli/run@0.2.0#run() returned ok\nReplayed 1 step"),
        "{log}"
    );
}

/// Loads the hostile component (`spin` loops, `grow` grows) as bytes.
fn hostile() -> egui_kittest::Harness<'static, wasmscope::ui::App> {
    let mut harness = harness(None, pinned());
    let wat = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostile_component.wat"
    ))
    .unwrap();
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::LoadBytes {
            name: "hostile_component.wat".to_owned(),
            bytes: wat,
        });
    harness.step();
    settle(&mut harness, "the component", |app| {
        app.state().ready()
            && app.state().doc.component().is_some()
            && app.state().loading.is_none()
    });
    harness
}

#[test]
fn stop_ends_a_component_call_that_loops() {
    let mut harness = hostile();
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::CallComponent {
            name: "spin".to_owned(),
            args: Vec::new(),
        });
    harness.step();
    // Stop while the call runs (a Stop before it begins ends the run before it).
    settle(&mut harness, "spin to begin", |app| {
        app.state()
            .running()
            .as_ref()
            .is_some_and(|r| r.step.is_some())
    });
    harness.get_by_label_contains("Stop").click();
    harness.step();
    settle(&mut harness, "the stopped call", |app| {
        app.state().running().is_none()
    });
    let log = log_text(harness.state());
    assert!(
        log.contains("spin() failed: `spin` was stopped by the user after"),
        "{log}"
    );
    // The window goes on: the next call runs.
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::CallComponent {
            name: "grow".to_owned(),
            args: Vec::new(),
        });
    harness.step();
    settle(&mut harness, "the next call", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.steps() == 2
    });
}

#[test]
fn continue_from_an_earlier_component_call_replays_up_to_it() {
    let mut harness = harness(Some("component_upper.wasm"), pinned());
    for text in ["\"first\"", "\"second\""] {
        harness
            .state_mut()
            .apply(wasmscope::ui::UiCommand::CallComponent {
                name: "upper".to_owned(),
                args: vec![text.to_owned()],
            });
        harness.step();
        settle(&mut harness, "the call", |app| {
            app.state().running().is_none()
        });
    }
    let state = harness.state().state();
    assert_eq!(state.doc.instance.timeline.steps(), 2);
    assert_eq!(state.doc.instance.session.steps.len(), 2);
    // The first call's own entry (after its three canonical-ABI entries).
    harness
        .state_mut()
        .apply(wasmscope::ui::UiCommand::ViewStep(Some(3)));
    harness.step();
    harness.get_by_label("Continue from here").click();
    harness.step();
    settle(&mut harness, "the rewind", |app| {
        app.state().running().is_none() && log_text(app).contains("Replayed 1 step")
    });
    let state = harness.state().state();
    assert_eq!(state.doc.instance.session.steps.len(), 1);
    assert_eq!(state.doc.instance.timeline.steps(), 1);
    // The first call ran again; the second is gone from memory.
    let log = log_text(harness.state());
    assert_eq!(
        log.matches("upper(\"first\") returned \"FIRST\"").count(),
        2,
        "{log}"
    );
    let memory = state.snapshot().read(0, state.snapshot().len_bytes());
    let has = |text: &[u8]| memory.windows(text.len()).any(|w| w == text);
    assert!(has(b"FIRST"));
    assert!(!has(b"SECOND"));
}
