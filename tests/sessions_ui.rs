//! Sessions in the real window: save, replay with the CLI, open again to the same
//! memory; the timeline (view a past step, compare two), rewind, the consent a shared
//! session file needs, and a dead engine brought back.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use common::{RESULT, harness, log_text, pinned, settle};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wasmscope::engine::worker::Command;
use wasmscope::memory::RegionKind;
use wasmscope::ui::{App, UiCommand};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmscope-ui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Applies `command` and waits until nothing runs or loads.
fn apply_and_settle(harness: &mut Harness<'static, App>, command: UiCommand, what: &str) {
    harness.state_mut().apply(command);
    harness.step();
    settle(harness, what, |app| {
        let state = app.state();
        state.running().is_none() && state.loading.is_none() && state.ready()
    });
}

/// The demo, walked through with Run all.
fn walked_demo() -> Harness<'static, App> {
    let mut harness = harness(None, pinned());
    apply_and_settle(&mut harness, UiCommand::RunAll, "Run all");
    assert_eq!(harness.state().state().doc.instance.timeline.len(), 4);
    harness
}

/// Every byte of the memory the window shows.
fn memory_of(app: &App) -> Vec<u8> {
    let snapshot = app.state().snapshot();
    snapshot.read(0, snapshot.len_bytes())
}

fn wasmscope(args: &[&str]) -> String {
    let out = Process::new(env!("CARGO_BIN_EXE_wasmscope"))
        .args(args)
        .env(
            "WASMSCOPE_CACHE_DIR",
            std::env::temp_dir().join("wasmscope-ui-cache"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The lines both front ends print for a step's result, without host addresses.
fn result_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            l.starts_with("Pointer received")
                || l.starts_with("New Size")
                || l.starts_with("Result")
        })
        .collect()
}

fn save(harness: &mut Harness<'static, App>, path: &Path) {
    harness
        .state_mut()
        .apply(UiCommand::SaveSession(path.to_path_buf()));
    settle(harness, "the save", |app| {
        log_text(app).contains("Saved the session")
    });
}

#[test]
fn a_walkthrough_saved_in_the_window_replays_in_the_cli_and_reopens_to_the_same_memory() {
    let mut first = walked_demo();
    let dir = temp_dir("save");
    let session = dir.join("walk.toml");
    save(&mut first, &session);
    // The demo has no file of its own: it is saved beside the session.
    assert!(dir.join("append.wasm").is_file());
    let text = std::fs::read_to_string(&session).unwrap();
    assert!(text.contains("path = \"append.wasm\""), "{text}");
    assert!(text.contains("size = \"len(input) + 30\""), "{text}");
    assert!(text.contains("input = \"The input string\""), "{text}");

    let replayed = wasmscope(&["replay", session.to_str().unwrap()]);
    let window_log = log_text(first.state());
    assert_eq!(result_lines(&replayed), result_lines(&window_log));
    assert!(
        replayed.contains(&format!("Result: {RESULT}")),
        "{replayed}"
    );
    let run = wasmscope(&[
        "run",
        &format!("{}/assets/append.wasm", env!("CARGO_MANIFEST_DIR")),
        "--input",
        "The input string",
    ]);
    assert_eq!(result_lines(&replayed), result_lines(&run));

    // Dropped on a fresh window, the session is replayed.
    let mut second = harness(None, pinned());
    second
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(session)));
    settle(&mut second, "the replay", |app| {
        log_text(app).contains("Replayed") && app.state().running().is_none()
    });
    let state = second.state().state();
    assert_eq!(
        state.doc.instance.timeline.len(),
        4,
        "{}",
        log_text(second.state())
    );
    assert!(log_text(second.state()).contains("Replayed 4 steps; memory"));
    assert_eq!(memory_of(second.state()), memory_of(first.state()));
    assert_eq!(
        state.doc.instance.session,
        first
            .state()
            .state()
            .doc
            .instance
            .session
            .clone()
            .with_module_path(&dir)
    );
}

/// A file dropped on the window, as the native integration hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// `Recipe` equality up to where the module lives.
trait WithModulePath {
    fn with_module_path(self, dir: &Path) -> Self;
}

impl WithModulePath for wasmscope::recipe::Recipe {
    fn with_module_path(mut self, dir: &Path) -> Self {
        self.module.path = dir.join("append.wasm");
        self
    }
}

#[test]
fn the_timeline_shows_a_past_step_and_what_differs_between_two() {
    let mut harness = walked_demo();
    let live = memory_of(harness.state());
    harness.get_by_label_contains("2 write 16 bytes").click();
    harness.step();
    harness.step();
    let state = harness.state().state();
    assert_eq!(state.doc.instance.timeline.viewing(), Some(1));
    let ptr = state.doc.walk.ptr.unwrap();
    assert_eq!(state.changed(), &[ptr..ptr + 16]);
    let past = memory_of(harness.state());
    assert_eq!(&past[ptr as usize..ptr as usize + 16], b"The input string");
    assert_eq!(past[ptr as usize + 16], 0, "the suffix is not there yet");
    // Highlighted as it was then: the allocation and the input, no output yet.
    let kinds: Vec<RegionKind> = state.regions().iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![RegionKind::Allocation, RegionKind::Input]);
    harness.get_by_label_contains("Viewing step 2 of 4");
    // Steps are read-only while the past is shown.
    assert!(!state.can_step());
    harness.run_steps(4);
    harness.snapshot("timeline_view");

    // F8 walks forward; past the newest step it is live memory again.
    harness.key_press(egui::Key::F8);
    harness.step();
    assert_eq!(
        harness.state().state().doc.instance.timeline.viewing(),
        Some(2)
    );
    harness.key_press(egui::Key::F8);
    harness.step();
    harness.key_press(egui::Key::F8);
    harness.step();
    assert_eq!(
        harness.state().state().doc.instance.timeline.viewing(),
        None
    );
    assert_eq!(memory_of(harness.state()), live);
    // F7 from live memory goes to the newest step.
    harness.key_press(egui::Key::F7);
    harness.step();
    assert_eq!(
        harness.state().state().doc.instance.timeline.viewing(),
        Some(3)
    );
    harness.state_mut().apply(UiCommand::ViewStep(None));

    // Step 1 against step 4: the input and append's suffix.
    harness.state_mut().apply(UiCommand::ViewStep(Some(3)));
    harness.state_mut().apply(UiCommand::CompareWith(0));
    harness.step();
    harness.step();
    let comparison = harness
        .state()
        .state()
        .doc
        .instance
        .timeline
        .comparison()
        .cloned()
        .unwrap();
    assert_eq!((comparison.from, comparison.to), (0, 3));
    assert_eq!(comparison.ranges, vec![ptr..ptr + 41]);
    assert_eq!(harness.state().state().changed(), &[ptr..ptr + 41]);
    harness.get_by_label_contains("Comparing step 1 with step 4");
    harness.run_steps(4);
    harness.snapshot("timeline_compare");
    harness.get_by_label("Back to live").click();
    harness.step();
    assert_eq!(memory_of(harness.state()), live);
    assert!(harness.state().state().can_step());
}

#[test]
fn continue_from_a_past_step_replays_up_to_it_and_drops_the_rest() {
    let mut harness = walked_demo();
    let ptr = harness.state().state().doc.walk.ptr.unwrap() as usize;
    harness.state_mut().apply(UiCommand::ViewStep(Some(1)));
    harness.step();
    harness.get_by_label("Continue from here").click();
    harness.step();
    settle(&mut harness, "the rewind", |app| {
        app.state().running().is_none() && log_text(app).contains("Replayed 2 steps")
    });
    let state = harness.state().state();
    assert_eq!(state.doc.instance.timeline.len(), 2);
    assert_eq!(state.doc.instance.session.steps.len(), 2);
    assert_eq!(state.doc.instance.timeline.viewing(), None);
    let memory = memory_of(harness.state());
    assert_eq!(&memory[ptr..ptr + 16], b"The input string");
    assert_eq!(memory[ptr + 16], 0, "append has not run in the replay");
    // The walkthrough is where it was after step 2: Call is next.
    assert_eq!(
        state.doc.walk.next_stage(),
        Some(wasmscope::ui::Stage::Call)
    );
    // The log's last pixel of scrolling depends on how the replay's lines arrived
    // over frames; a look at step 1 and back puts it at its end the same way always.
    harness.state_mut().apply(UiCommand::ViewStep(Some(0)));
    harness.run_steps(2);
    harness.state_mut().apply(UiCommand::ViewStep(None));
    harness.run_steps(8);
    harness.snapshot("rewind");

    // From here the user goes on live: a call from the call panel is step 3.
    harness.state_mut().apply(UiCommand::Call {
        export: "append".into(),
        args: vec![
            wasmscope::engine::Value::I32(ptr as i32),
            wasmscope::engine::Value::I32(16),
        ],
        step_into: false,
    });
    harness.step();
    settle(&mut harness, "the call", |app| {
        app.state().running().is_none()
    });
    let state = harness.state().state();
    assert_eq!(state.doc.instance.timeline.len(), 3);
    assert!(log_text(harness.state()).contains("`append` returned 41: i32"));
}

#[test]
fn a_session_asking_for_a_folder_and_the_environment_needs_consent() {
    // A fixed folder name: the dialog shows it, and the screenshot must not change.
    let dir = std::env::temp_dir().join("wasmscope-ui-consent");
    let _ = std::fs::remove_dir_all(&dir);
    let granted = dir.join("granted");
    std::fs::create_dir_all(&granted).unwrap();
    std::fs::write(granted.join("a.txt"), "a").unwrap();
    let greet = format!("{}/assets/greet.wasm", env!("CARGO_MANIFEST_DIR"));
    let session = dir.join("greet.toml");
    std::fs::write(
        &session,
        format!(
            "version = 1\ninput = {:?}\n\n[module]\npath = {greet:?}\n\n[host]\n\
             wasi_env = [\"GREETING=Howdy\"]\nwasi_dirs = [{:?}]\n\n\
             [[step]]\nop = \"alloc\"\nexport = \"alloc\"\nsize = \"len(input)\"\n\n\
             [[step]]\nop = \"write\"\nat = \"ptr\"\ndata = \"input\"\n\n\
             [[step]]\nop = \"call\"\nexport = \"count_entries\"\nargs = [\"ptr\", \"len(input)\"]\n\n\
             [[step]]\nop = \"call\"\nexport = \"greet\"\nargs = [\"ptr\", 5]\n",
            granted.to_str().unwrap(),
            granted.to_str().unwrap()
        ),
    )
    .unwrap();

    let mut harness = harness(None, pinned());
    harness
        .state_mut()
        .apply(UiCommand::OpenSession(session.clone()));
    settle(&mut harness, "the question", |app| {
        app.state().offer.is_some()
    });
    harness.get_by_label_contains("see the environment variable GREETING=Howdy");
    harness.snapshot("session_consent");
    harness.get_by_label("Open without them").click();
    harness.step();
    settle(&mut harness, "the replay", |app| {
        log_text(app).contains("Replayed 4 steps") && app.state().running().is_none()
    });
    let log = log_text(harness.state());
    assert!(log.contains("`count_entries` returned -1: i32"), "{log}");
    assert!(log.contains("stdout: Hello, "), "{log}");
    assert!(
        harness
            .state()
            .state()
            .doc
            .instance
            .session
            .host
            .grants()
            .is_empty()
    );
    // The walkthrough goes on with the session's input.
    assert_eq!(
        harness.state().state().doc.walk.input,
        granted.to_str().unwrap()
    );

    harness.state_mut().apply(UiCommand::OpenSession(session));
    settle(&mut harness, "the question", |app| {
        app.state().offer.is_some()
    });
    harness.get_by_label("Allow and open").click();
    harness.step();
    settle(&mut harness, "the second replay", |app| {
        log_text(app).matches("Replayed 4 steps").count() == 2 && app.state().running().is_none()
    });
    let log = log_text(harness.state());
    assert!(log.contains("`count_entries` returned 1: i32"), "{log}");
    assert!(log.contains("stdout: Howdy, "), "{log}");
}

#[test]
fn a_bad_session_file_is_one_line_in_the_log_and_changes_nothing() {
    let mut harness = walked_demo();
    let dir = temp_dir("bad");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "version = 1\n[module]\npath = \"x.wasm\"\n[[step]]\nop = \"jump\"\n",
    )
    .unwrap();
    harness.state_mut().apply(UiCommand::OpenSession(bad));
    settle(&mut harness, "the error", |app| {
        log_text(app).contains("unknown op `jump`")
    });
    let log = log_text(harness.state());
    let line = log.lines().last().unwrap();
    assert!(line.ends_with("bad.toml line 4: step 1: unknown op `jump` (expected input, alloc, write, call, read or invoke)"), "{line}");
    assert_eq!(harness.state().state().doc.instance.timeline.len(), 4);
}

#[test]
fn a_dead_engine_is_reported_and_restarts_with_the_session() {
    let mut harness = walked_demo();
    let before = memory_of(harness.state());
    harness
        .state()
        .send_to_engine(Command::Panic("test: the engine thread fails".into()));
    settle(&mut harness, "the engine's death", |app| {
        app.state().engine_stopped.is_some()
    });
    let why = harness.state().state().engine_stopped.clone().unwrap();
    assert!(why.contains("test: the engine thread fails"), "{why}");
    assert!(
        harness
            .query_all_by_label_contains("The engine stopped: the engine thread panicked")
            .count()
            >= 1
    );
    assert!(!harness.state().state().can_step());
    harness.snapshot("engine_stopped");
    harness.get_by_label("Restart the engine").click();
    harness.step();
    settle(&mut harness, "the restart", |app| {
        log_text(app).contains("Replayed 4 steps") && app.state().running().is_none()
    });
    assert_eq!(memory_of(harness.state()), before);
    assert!(harness.state().state().can_step());
}
