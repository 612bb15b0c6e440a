//! The bundled lessons (`assets/lessons/`): each replays without a failed step, and
//! every placeholder in its notes names a value (`replay --notes` fails otherwise).
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use std::path::Path;

use cli_support::{stderr, stdout, wasmscope};
use wasmscope::recipe::{self, placeholders};

fn lessons() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lessons");
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    found.sort();
    found
}

#[test]
fn every_lesson_replays_and_every_placeholder_resolves() {
    let lessons = lessons();
    assert_eq!(lessons.len(), 4, "{lessons:?}");
    for path in &lessons {
        let lesson = recipe::load(path).unwrap();
        let meta = lesson.lesson.as_ref().unwrap();
        assert!(!meta.title.is_empty());
        assert!(
            lesson.steps.iter().all(|s| s.note.is_some()),
            "{}: a step without a note",
            path.display()
        );
        let used: usize = lesson
            .steps
            .iter()
            .filter_map(|s| s.note.as_deref())
            .map(|n| placeholders(n).len())
            .sum();
        assert!(used > 5, "{}: {used} placeholders", path.display());
        let out = wasmscope(&["replay", "--notes", path.to_str().unwrap()]);
        let text = stdout(&out);
        assert!(
            out.status.success(),
            "{}: {}\n{text}",
            path.display(),
            stderr(&out)
        );
        assert!(!text.contains("> {") && !text.contains(" {ptr}"), "{text}");
        assert!(
            text.starts_with(&format!("Lesson: {}\n", meta.title)),
            "{text}"
        );
        // Every note is printed, filled in.
        let quoted = text.lines().filter(|l| l.starts_with("> ")).count();
        assert!(quoted >= lesson.steps.len(), "{quoted} lines of notes");
    }
}

#[test]
fn a_note_naming_nothing_fails_the_replay_with_its_step() {
    let dir = std::env::temp_dir().join(format!("wasmscope-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    let module = cli_support::asset("append.wasm");
    std::fs::write(
        &path,
        format!(
            "version = 1\ninput = \"hi\"\n[module]\npath = {module:?}\n[lesson]\ntitle = \"t\"\n\n\
             [[step]]\nop = \"alloc\"\nexport = \"alloc\"\nsize = 4\nnote = \"got {{ptr}} and {{pointer}}\"\n"
        ),
    )
    .unwrap();
    let out = wasmscope(&["replay", "--notes", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("step 1's note: {pointer} names nothing"),
        "{err}"
    );
    assert!(
        err.contains("error: notes name values no step defines: step 1: {pointer}"),
        "{err}"
    );
    assert!(stdout(&out).contains("> got 0x"), "{}", stdout(&out));
}
