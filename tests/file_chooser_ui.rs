//! wasmscope's own file chooser in the real window: File ▸ Open… without a system
//! dialog opens a module through it, Save session… writes the file (and asks before
//! replacing one), and a picture of it.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use std::path::{Path, PathBuf};

use common::{harness, harness_with, log_text, pick, pinned, settle, type_into};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wasmscope::ui::{App, AppOptions, ChooserChoice, NO_PORTAL, SystemDialog, UiCommand};

/// A fresh folder for this test and process.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmscope-chooser-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name)
}

/// Clicks File ▸ `item`.
fn file_menu(harness: &mut Harness<'static, App>, item: &str) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label(item).click();
    harness.run_steps(3);
}

/// Types `folder` into the chooser's Folder field and presses Enter.
fn go_to(harness: &mut Harness<'static, App>, folder: &Path) {
    type_into(harness, "Folder", &folder.display().to_string());
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
}

/// Clicks the button (or entry of the chooser) `label`; labels behind the chooser
/// may say the same.
fn click(harness: &mut Harness<'static, App>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    harness.run_steps(2);
}

/// Whether the chooser lists `label`.
fn lists(harness: &Harness<'static, App>, label: &str) -> bool {
    harness
        .query_by_role_and_label(Role::Button, label)
        .is_some()
}

/// How many times the log says `text`.
fn times_logged(app: &App, text: &str) -> usize {
    app.state().log.iter().filter(|e| e.text == text).count()
}

#[test]
fn without_a_portal_file_open_shows_our_chooser_and_opens_the_module_picked() {
    let dir = temp_dir("open");
    std::fs::create_dir(dir.join("modules")).unwrap();
    let module = dir.join("modules/append.wasm");
    std::fs::copy(asset("append.wasm"), &module).unwrap();
    std::fs::write(dir.join("modules/notes.txt"), "not a module").unwrap();
    // The harness's desktop has no portal and no zenity; Settings say automatic.
    let mut harness = harness(None, pinned());
    assert_eq!(
        harness.state().settings().file_chooser,
        ChooserChoice::Automatic
    );
    assert!(harness.query_by_label("Open a module").is_none());

    file_menu(&mut harness, "Open… Ctrl+O");
    harness.get_by_label("Open a module");
    assert_eq!(times_logged(harness.state(), NO_PORTAL), 1);
    // A folder that cannot be read says why, in the chooser.
    go_to(&mut harness, Path::new("/no/such/folder"));
    harness.get_by_label_contains("cannot read the folder /no/such/folder: ");
    go_to(&mut harness, &dir.join("modules"));
    click(&mut harness, "Up");
    assert_eq!(
        harness.get_by_label("Folder").value().unwrap(),
        dir.display().to_string()
    );
    click(&mut harness, "modules/");
    // Only modules (and folders) are listed, until Any file is ticked.
    assert!(lists(&harness, "append.wasm"));
    assert!(!lists(&harness, "notes.txt"));
    harness.get_by_label("Any file").click();
    harness.run_steps(2);
    assert!(lists(&harness, "notes.txt"));
    click(&mut harness, "append.wasm");
    click(&mut harness, "Open");
    settle(&mut harness, "the module picked to load", |app| {
        app.state().ready() && app.state().doc.path.as_deref() == Some(module.as_path())
    });
    assert!(harness.query_by_label("Open a module").is_none());
    let state = harness.state().state();
    assert_eq!(state.doc.module().unwrap().name, "append.wasm");
    assert_eq!(state.doc.walk.call_export, "append");

    // Ctrl+O asks again, in the folder of the module opened; the log said it once.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.run_steps(3);
    harness.get_by_label("Open a module");
    assert!(lists(&harness, "append.wasm"));
    assert_eq!(times_logged(harness.state(), NO_PORTAL), 1);
    // A name that is not there is an error in the chooser, not a load.
    type_into(&mut harness, "File name", "missing.wasm");
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    let missing = dir.join("modules/missing.wasm");
    harness.get_by_label(&format!("There is no file {}.", missing.display()));
    // Escape closes it and changes nothing.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(harness.query_by_label("Open a module").is_none());
    assert_eq!(
        harness.state().state().doc.path.as_deref(),
        Some(module.as_path())
    );
}

/// Settings ▸ File chooser: wasmscope's own, even where the desktop has a portal.
#[test]
fn save_session_through_our_chooser_writes_the_file_and_asks_before_replacing() {
    let dir = temp_dir("save");
    let options = AppOptions {
        presentation: pinned(),
        system_dialog: Some(SystemDialog::Portal),
        ..AppOptions::default()
    };
    let mut harness = harness_with(options, 1.0);
    harness.state_mut().apply(UiCommand::RunAll);
    settle(&mut harness, "Run all", |app| {
        app.state().doc.walk.result.is_some()
    });
    click(&mut harness, "Settings");
    harness.run_steps(4);
    harness.get_by_label("Automatic here: the desktop's file dialog (XDG portal)");
    pick(&mut harness, "File chooser", "wasmscope's own");
    assert_eq!(harness.state().settings().file_chooser, ChooserChoice::Own);
    click(&mut harness, "Settings");

    file_menu(&mut harness, "Save session…");
    harness.get_by_label("Save the session");
    assert_eq!(
        harness.get_by_label("File name").value().unwrap(),
        "session.toml"
    );
    go_to(&mut harness, &dir);
    // A name without an extension gets the session's.
    type_into(&mut harness, "File name", "walk");
    harness.key_press(egui::Key::Enter);
    harness.step();
    let saved = dir.join("walk.toml");
    settle(&mut harness, "the save", |app| {
        log_text(app).contains("Saved the session")
    });
    assert!(harness.query_by_label("Save the session").is_none());
    let session = wasmscope::recipe::load(&saved).unwrap();
    assert_eq!(session.steps.len(), 4);
    assert!(!log_text(harness.state()).contains(NO_PORTAL));

    // Saving over it asks first: Save becomes Replace.
    std::fs::write(&saved, "old").unwrap();
    file_menu(&mut harness, "Save session…");
    assert!(lists(&harness, "walk.toml"));
    type_into(&mut harness, "File name", "walk.toml");
    click(&mut harness, "Save");
    harness.get_by_label("walk.toml already exists: Replace writes over it.");
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), "old");
    click(&mut harness, "Replace");
    let said = format!("Saved the session (4 steps) to {}", saved.display());
    settle(&mut harness, "the second save", |app| {
        let saves = app.state().log.iter().filter(|e| e.text.starts_with(&said));
        saves.count() == 2
    });
    assert_eq!(wasmscope::recipe::load(&saved).unwrap().steps.len(), 4);
}

/// A folder that stays the same between runs, so the picture does.
fn picture_folder() -> PathBuf {
    let dir = std::env::temp_dir().join("wasmscope-chooser-picture");
    for folder in ["lessons", "sessions"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
    }
    for module in ["append.wasm", "strings.wasm"] {
        std::fs::copy(asset(module), dir.join(module)).unwrap();
    }
    std::fs::write(dir.join("hello.wat"), "(module)\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a module\n").unwrap();
    dir
}

#[test]
fn the_chooser_lists_folders_then_modules() {
    let dir = picture_folder();
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::OpenDialog);
    harness.run_steps(2);
    go_to(&mut harness, &dir);
    click(&mut harness, "strings.wasm");
    harness.snapshot("file_chooser");
}
