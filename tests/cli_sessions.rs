//! `wasmscope run --save` and `wasmscope replay`: the saved file, a module that moved
//! or changed, every kind of bad session file, and what a shared file may not do
//! without `--allow-host-settings`.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::{asset, stderr, stdout, wasmscope};

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("wasmscope-sessions-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves the seed's walkthrough on a copy of append.wasm in `dir`; returns the file.
fn saved_walkthrough(dir: &Path) -> PathBuf {
    std::fs::copy(asset("append.wasm"), dir.join("append.wasm")).unwrap();
    let session = dir.join("walk.toml");
    let out = wasmscope(&[
        "run",
        dir.join("append.wasm").to_str().unwrap(),
        "--input",
        "The input string",
        "--save",
        session.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    session
}

fn replay(args: &[&str]) -> std::process::Output {
    let mut full = vec!["replay"];
    full.extend_from_slice(args);
    wasmscope(&full)
}

/// The one line a failed replay prints.
fn error_line(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "should fail: {}", stdout(out));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{err}");
    err.trim_end().to_owned()
}

#[test]
fn the_saved_file_names_the_module_beside_it_and_replays() {
    let dir = temp_dir("saved");
    let session = saved_walkthrough(&dir);
    let text = std::fs::read_to_string(&session).unwrap();
    assert!(text.contains("path = \"append.wasm\""), "{text}");
    assert!(text.contains("sha256 = \""), "{text}");
    assert_eq!(text.matches("[[step]]").count(), 4, "{text}");
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    let out = replay(&[session.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Result: The input string<---- This is your string"));
    assert_eq!(stderr(&out), "");

    // The folder moves whole: the module is found beside the session.
    let moved = temp_dir("moved");
    for name in ["walk.toml", "append.wasm"] {
        std::fs::rename(dir.join(name), moved.join(name)).unwrap();
    }
    let out = replay(&[moved.join("walk.toml").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_missing_or_changed_module_is_named_and_strict_refuses_a_changed_one() {
    let dir = temp_dir("module");
    let session = saved_walkthrough(&dir);
    let session = session.to_str().unwrap();
    std::fs::rename(dir.join("append.wasm"), dir.join("elsewhere.wasm")).unwrap();
    let line = error_line(&replay(&[session]));
    assert!(
        line.contains("walk.toml line 6: `module.path`: cannot open"),
        "{line}"
    );

    // --module points at it; a different module (teach.wasm) warns, or is refused.
    let out = replay(&[
        session,
        "--module",
        dir.join("elsewhere.wasm").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let teach = asset("teach.wasm");
    let out = replay(&[session, "--module", &teach]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("warning: "), "{}", stderr(&out));
    assert!(stderr(&out).contains("SHA-256"), "{}", stderr(&out));
    let line = error_line(&replay(&[session, "--module", &teach, "--strict"]));
    assert!(line.ends_with("--strict refuses it"), "{line}");
}

#[test]
fn bad_session_files_get_one_line_naming_line_and_field() {
    let dir = temp_dir("bad");
    let session = saved_walkthrough(&dir);
    let good = std::fs::read_to_string(&session).unwrap();
    let cases: [(&str, String, &str); 6] = [
        (
            "syntax",
            good.replace("op = \"write\"", "op = \"write"),
            "line 19: ",
        ),
        (
            "unknown op",
            good.replace("op = \"write\"", "op = \"poke\""),
            "line 18: step 2: unknown op `poke`",
        ),
        (
            "unknown field",
            good.replace("data = \"input\"", "dat = \"input\""),
            "line 21: unknown field `dat`",
        ),
        (
            "name before definition",
            good.replace("len = \"result\"", "len = \"reslt\""),
            "step 4 (read), `len`: `reslt` is used before any step defines it",
        ),
        (
            "version",
            good.replace("version = 1", "version = 9"),
            "line 2: `version` is 9",
        ),
        ("empty", String::new(), "missing field `version`"),
    ];
    for (what, text, expected) in cases {
        let path = dir.join(format!("{}.toml", what.replace(' ', "_")));
        std::fs::write(&path, text).unwrap();
        let line = error_line(&replay(&[path.to_str().unwrap()]));
        assert!(line.starts_with("error: "), "{what}: {line}");
        assert!(line.contains(expected), "{what}: {line}");
    }
    let line = error_line(&replay(&[dir.join("none.toml").to_str().unwrap()]));
    assert!(line.contains("cannot read the session file"), "{line}");
}

#[test]
fn a_shared_session_gets_no_folder_or_environment_without_consent() {
    let dir = temp_dir("grants");
    let granted = dir.join("data");
    std::fs::create_dir_all(&granted).unwrap();
    std::fs::write(granted.join("one.txt"), "1").unwrap();
    let session = dir.join("greet.toml");
    let folder = granted.to_str().unwrap();
    std::fs::write(
        &session,
        format!(
            "version = 1\ninput = {folder:?}\n\n[module]\npath = {:?}\n\n[host]\n\
             wasi_env = [\"GREETING=Hi\"]\nwasi_dirs = [{folder:?}]\n\n\
             [[step]]\nop = \"alloc\"\nexport = \"alloc\"\nsize = \"len(input)\"\n\n\
             [[step]]\nop = \"write\"\nat = \"ptr\"\ndata = \"input\"\n\n\
             [[step]]\nop = \"call\"\nexport = \"count_entries\"\nargs = [\"ptr\", \"len(input)\"]\n",
            asset("greet.wasm")
        ),
    )
    .unwrap();
    let out = replay(&[session.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("`count_entries` returned -1: i32"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains(&format!(
            "note: this session asks to read and write the folder {folder}, see the \
             environment variable GREETING=Hi; it runs without them"
        )),
        "{}",
        stderr(&out)
    );
    let out = replay(&[session.to_str().unwrap(), "--allow-host-settings"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("`count_entries` returned 1: i32"),
        "{}",
        stdout(&out)
    );
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_failed_step_is_saved_and_replays_as_the_same_failure() {
    let dir = temp_dir("trap");
    let session = dir.join("boom.toml");
    let out = wasmscope(&[
        "run",
        &asset("hostile.wasm"),
        "--input",
        "x",
        "--call",
        "boom",
        "--save",
        session.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let text = std::fs::read_to_string(&session).unwrap();
    // Alloc, write and the call that trapped; not the read that never ran.
    assert_eq!(text.matches("[[step]]").count(), 3, "{text}");
    let replayed = replay(&[session.to_str().unwrap()]);
    assert_eq!(stderr(&replayed), stderr(&out));
    assert_eq!(replayed.status.code(), Some(1));
}

#[test]
fn saving_where_no_file_can_be_written_fails_cleanly() {
    let out = wasmscope(&[
        "run",
        &asset("append.wasm"),
        "--input",
        "x",
        "--save",
        "/no/such/folder/s.toml",
    ]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.starts_with("error: cannot save the session to /no/such/folder/s.toml"),
        "{err}"
    );
}
