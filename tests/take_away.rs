//! What leaves the real window: the session as a host program (File ▸ Export as).
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use std::path::{Path, PathBuf};

use common::{harness, pinned, settle};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wasmscope::hostgen::Lang;
use wasmscope::ui::{App, UiCommand};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmscope-take-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The demo, walked through with Run all.
fn walked_demo() -> Harness<'static, App> {
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::RunAll);
    harness.step();
    settle(&mut harness, "Run all", |app| {
        app.state().running.is_none() && app.state().timeline.len() == 4
    });
    harness
}

/// The committed example program of the demo session (`cargo test` builds and runs
/// it), with the window's name for the session.
fn demo_program() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/export_append.rs");
    std::fs::read_to_string(path).unwrap().replace(
        "the session `append.toml`",
        "the session `made in the window`",
    )
}

#[test]
fn the_demo_exports_the_program_the_cli_exports() {
    let mut harness = walked_demo();
    let dir = temp_dir("export");
    let path = dir.join("main.rs");
    harness
        .state_mut()
        .apply(UiCommand::ExportTo(Lang::Rust, path.clone()));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), demo_program());
    let log = common::log_text(harness.state());
    assert!(
        log.contains("Exported the session as a Rust program to"),
        "{log}"
    );

    // File ▸ Export as ▸ Copy as JavaScript puts the program on the clipboard.
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Export as").hover();
    harness.run();
    harness.get_by_label("Copy as JavaScript").click();
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied.len(), 1, "{copied:?}");
    assert!(copied[0].contains("const bytes = inNode"), "{}", copied[0]);
    assert!(copied[0].contains("exports.append(ptr, input.length)"));
}

#[test]
fn a_module_a_program_cannot_use_gets_the_reason_in_the_log() {
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::LoadBytes {
        name: "no_memory.wat".to_owned(),
        bytes: br#"(module (func (export "f")))"#.to_vec(),
    });
    harness.step();
    settle(&mut harness, "the module to load", |app| {
        app.state().ready
            && app
                .state()
                .module
                .as_ref()
                .is_some_and(|m| m.name == "no_memory.wat")
    });
    let path = temp_dir("no-memory").join("host.mjs");
    harness
        .state_mut()
        .apply(UiCommand::ExportTo(Lang::Js, path.clone()));
    assert!(!path.exists());
    let log = common::log_text(harness.state());
    assert!(
        log.contains("cannot export the session: the module exports no memory"),
        "{log}"
    );
}
