//! Lessons in the real window: Help ▸ Lessons, Next runs a step and shows its note
//! with the real values, Back rewinds, the note points the hex view at its bytes,
//! and a lesson file opened like a session starts at its introduction.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod common;

use common::{harness, pinned, settle};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wasmscope::ui::{App, UiCommand};

fn idle(app: &App) -> bool {
    let state = app.state();
    state.ready() && state.running().is_none() && state.loading.is_none()
}

fn next(harness: &mut Harness<'static, App>, expected_page: usize) {
    let state = harness.state().state();
    let step = &state.doc.lesson.as_ref().unwrap().steps[state.doc.lesson_page()];
    let label = format!("Next: {} >", step.op.describe());
    harness.get_by_label(&label).click();
    harness.step();
    settle(harness, "the lesson's step", |app| {
        idle(app) && app.state().doc.lesson_page() == expected_page
    });
}

#[test]
fn the_first_lesson_reads_with_real_values_and_goes_back() {
    let mut harness = harness(None, pinned());
    harness.get_by_label("Help").click();
    harness.run();
    harness.get_by_label("Lessons").hover();
    harness.run();
    harness.get_by_label("The newsletter's walkthrough").click();
    harness.step();
    settle(&mut harness, "the lesson's module", |app| {
        idle(app) && app.state().doc.lesson.is_some()
    });
    harness.get_by_label_contains("Introduction · 8 steps");
    let log = common::log_text(harness.state());
    assert!(
        log.ends_with("Lesson: press Next (or Ctrl+Enter) for each step."),
        "{log}"
    );
    harness.get_by_label_contains("can pass each other only numbers");

    next(&mut harness, 1);
    let text = harness.state().state().lesson_text();
    assert!(
        text.starts_with("1. Alloc. The host called the guest's `alloc(16 + 30)`"),
        "{text}"
    );
    assert!(text.contains("The guest answered 0x110008."), "{text}");
    // The pinned host base, as the hex view shows it.
    assert!(
        text.contains("live at 0x7f0000110008, which is the memory's base 0x7f0000000000"),
        "{text}"
    );
    // The note points at the allocation: outlined in the hex view, not selected, so
    // the colours the notes speak of ("the green bytes") stay visible.
    assert_eq!(
        harness.state().state().doc.instance.shown,
        Some(0x11_0008..0x11_0008 + 46)
    );
    assert_eq!(harness.state().hex().selection(), None);

    for page in 2..=3 {
        next(&mut harness, page);
    }
    // Ctrl+Enter is Next in a lesson.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    harness.step();
    settle(&mut harness, "Ctrl+Enter", |app| {
        idle(app) && app.state().doc.lesson_page() == 4
    });
    let text = harness.state().state().lesson_text();
    assert!(
        text.contains("\"The input string<---- This is your string\""),
        "{text}"
    );
    harness.get_by_label_contains("Step 4 of 8: read result bytes at ptr");
    harness.snapshot("lesson_step_4");

    harness.get_by_label("< Back").click();
    harness.step();
    settle(&mut harness, "the rewind", |app| {
        idle(app) && app.state().doc.lesson_page() == 3
    });
    let text = harness.state().state().lesson_text();
    assert!(
        text.starts_with("3. Call. The host called `append(0x110008, 16)`"),
        "{text}"
    );
    assert_eq!(harness.state().state().doc.instance.session.steps.len(), 3);

    harness.get_by_label("Leave the lesson").click();
    harness.step();
    assert!(harness.state().state().doc.lesson.is_none());
}

#[test]
fn every_bundled_lesson_runs_to_its_end_in_the_window() {
    let titles = wasmscope::ui::bundled_lesson_titles();
    assert_eq!(titles.len(), 4);
    for (index, title) in titles.iter().enumerate() {
        let mut harness = harness(None, pinned());
        harness.state_mut().apply(UiCommand::StartLesson(index));
        harness.step();
        settle(&mut harness, "the lesson's module", |app| {
            idle(app) && app.state().doc.lesson.is_some()
        });
        let total = harness
            .state()
            .state()
            .doc
            .lesson
            .as_ref()
            .unwrap()
            .steps
            .len();
        for page in 1..=total {
            harness.state_mut().apply(UiCommand::LessonNext);
            harness.step();
            settle(&mut harness, "the lesson's step", |app| {
                idle(app) && app.state().doc.lesson_page() == page
            });
            let text = harness.state().state().lesson_text();
            assert!(
                !text.contains('{'),
                "{}: step {page}: {text}",
                titles[index]
            );
            assert!(!text.is_empty());
        }
        let log = common::log_text(harness.state());
        assert!(!log.contains("failed"), "{title}: {log}");
    }
}

#[test]
fn a_lesson_file_opens_at_its_introduction() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lessons/who_frees_what.toml");
    let mut harness = harness(None, pinned());
    harness.state_mut().apply(UiCommand::OpenSession(path));
    harness.step();
    settle(&mut harness, "the lesson", |app| {
        idle(app)
            && app.state().doc.lesson.is_some()
            && app
                .state()
                .doc
                .module()
                .as_ref()
                .is_some_and(|m| m.name == "strings.wasm")
    });
    assert_eq!(harness.state().state().doc.lesson_page(), 0);
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
    harness.get_by_label("Who frees what");
}
