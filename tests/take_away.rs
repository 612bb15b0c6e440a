//! What leaves the real window: the session as a host program (File ▸ Export as), and
//! the hex view as a picture (File ▸ Save picture), the same as `wasmscope shot` draws.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;
mod common;

use std::path::{Path, PathBuf};

use common::{harness, pinned, settle};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wasmscope::hostgen::Lang;
use wasmscope::ui::{App, PictureRows, UiCommand, decode_png};

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
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 4
    });
    harness
}

/// The committed example program of the demo session (`cargo test` builds and runs
/// it), with the window's name for the session; the demo has no file, so the
/// program looks for it beside itself.
fn demo_program() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/export_append.rs");
    std::fs::read_to_string(path)
        .unwrap()
        .replace(
            "the session `append.toml`",
            "the session `made in the window`",
        )
        .replace("../assets/append.wasm", "append.wasm")
}

#[test]
fn the_demo_exports_the_program_the_cli_exports() {
    let mut harness = walked_demo();
    let dir = temp_dir("export");
    let path = dir.join("main.rs");
    harness
        .state_mut()
        .apply(UiCommand::ExportTo(Lang::Rust, path.clone()));
    // The worker writes the file, and the log says so when it has.
    settle(&mut harness, "the export", |app| {
        common::log_text(app).contains("Saved the session as a Rust program to")
    });
    assert_eq!(std::fs::read_to_string(&path).unwrap(), demo_program());

    // File ▸ Export as ▸ Copy as JavaScript puts the program on the clipboard.
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Export as").hover();
    harness.run();
    harness.get_by_label("Copy as JavaScript").click();
    harness.step();
    let copied = common::copied_texts(&harness);
    assert_eq!(copied.len(), 1, "{copied:?}");
    assert!(copied[0].contains("const bytes = inNode"), "{}", copied[0]);
    assert!(copied[0].contains("exports.append(ptr, input.length)"));
}

/// A component's session leaves the window as the program the CLI exports (the
/// committed example, which `cargo test` builds and tests/export_components.rs runs).
#[test]
fn a_component_session_exports_the_program_the_cli_exports() {
    let mut harness = harness(Some("component_upper.wasm"), pinned());
    harness.get_by_label("Call").click();
    harness.step();
    settle(&mut harness, "the call", |app| {
        app.state().running().is_none() && app.state().doc.instance.timeline.len() == 4
    });

    // File ▸ Export as ▸ Copy as Rust: the copy names the component by its absolute path.
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Export as").hover();
    harness.run();
    harness.get_by_label("Copy as Rust").click();
    harness.step();
    let copied = common::copied_texts(&harness);
    assert_eq!(copied.len(), 1, "{copied:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected = std::fs::read_to_string(root.join("examples/export_component_upper.rs"))
        .unwrap()
        .replace("`component_upper.toml`", "`made in the window`")
        .replace(
            "\"../assets/component_upper.wasm\"",
            &format!("{:?}", cli_support::asset("component_upper.wasm")),
        )
        .replace(
            "`../assets/component_upper.wasm`",
            &format!("`{}`", cli_support::asset("component_upper.wasm")),
        );
    assert_eq!(copied[0], expected);

    let dir = temp_dir("export-component");
    let path = dir.join("host.mjs");
    harness
        .state_mut()
        .apply(UiCommand::ExportTo(Lang::Js, path.clone()));
    // The worker writes the file, and the log says so when it has.
    settle(&mut harness, "the export", |app| {
        common::log_text(app).contains("Saved the session as a JavaScript program to")
    });
    let program = std::fs::read_to_string(&path).unwrap();
    assert!(program.contains("guest.upper"), "{program}");
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
        app.state().ready()
            && app
                .state()
                .doc
                .module()
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

/// The picture File ▸ Save picture makes of the rows on screen.
fn window_picture(harness: &mut Harness<'static, App>, dir: &Path) -> (PathBuf, PictureRows) {
    let path = dir.join("window.png");
    harness
        .state_mut()
        .apply(UiCommand::SavePicture(path.clone()));
    settle(harness, "the picture to be saved", |app| {
        common::log_text(app).contains("Saved a picture of the hex view to")
    });
    assert!(path.exists());
    (path, harness.state().rows_on_screen())
}

#[test]
fn a_file_the_worker_cannot_write_gets_the_reason_in_the_log() {
    let mut harness = walked_demo();
    let path = temp_dir("unwritable").join("no/such/folder/window.png");
    harness
        .state_mut()
        .apply(UiCommand::SavePicture(path.clone()));
    settle(&mut harness, "the failed save", |app| {
        common::log_text(app).contains("cannot save a picture of the hex view")
    });
    let log = common::log_text(harness.state());
    let line = log.lines().last().unwrap();
    assert!(
        line.contains("cannot write") && line.contains("window.png"),
        "{line}"
    );
    assert!(!path.exists());
}

#[test]
fn shot_draws_the_picture_the_window_saves() {
    let mut harness = walked_demo();
    harness.state_mut().hex_mut().first_row = 0x11_0000 / 16;
    harness.step();
    harness.step();
    let dir = temp_dir("shot");
    let (window_png, rows) = window_picture(&mut harness, &dir);
    assert_eq!(rows.first, 0x11_0000 / 16);
    assert!(rows.count > 8, "{rows:?}");

    // The same session, saved and pictured headless by the CLI.
    let session = dir.join("demo.toml");
    harness
        .state_mut()
        .apply(UiCommand::SaveSession(session.clone()));
    settle(&mut harness, "the save", |_| session.exists());
    let shot_png = dir.join("shot.png");
    let out = cli_support::wasmscope(&[
        "shot",
        session.to_str().unwrap(),
        "-o",
        shot_png.to_str().unwrap(),
        "--at",
        "0x110000",
        "--rows",
        &rows.count.to_string(),
        "--host-base",
        &format!("{:#x}", common::PINNED_BASE),
    ]);
    assert!(out.status.success(), "{}", cli_support::stderr(&out));
    let window = decode_png(&std::fs::read(&window_png).unwrap()).unwrap();
    let shot = decode_png(&std::fs::read(&shot_png).unwrap()).unwrap();
    assert_eq!(window.size, shot.size);
    let differing = window
        .pixels
        .iter()
        .zip(&shot.pixels)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(differing, 0, "{differing} pixels differ");
    // Not a blank picture: the allocation's colour is in it.
    let distinct: std::collections::BTreeSet<_> =
        shot.pixels.iter().map(|p| p.to_array()).collect();
    assert!(distinct.len() > 50, "{} colours", distinct.len());
}

#[test]
fn shot_refuses_bad_arguments_with_one_line() {
    let dir = temp_dir("shot-bad");
    let png = dir.join("x.png");
    let png = png.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["no/such.toml", "-o", png], "no/such.toml"),
        (
            &[&common_session(&dir), "-o", png, "--at", "nope"],
            "--at nope",
        ),
        (
            &[&common_session(&dir), "-o", png, "--bytes-per-row", "12"],
            "8, 16 or 32",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["shot"];
        full.extend(args.iter());
        let out = cli_support::wasmscope(&full);
        assert!(!out.status.success(), "{args:?}");
        let err = cli_support::stderr(&out);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    assert!(!Path::new(png).exists());
}

/// A session of the demo (`run --save`), in `dir`.
fn common_session(dir: &Path) -> String {
    let session = dir.join("demo.toml");
    let module = cli_support::asset("append.wasm");
    cli_support::wasmscope(&[
        "run",
        &module,
        "--input",
        "hi",
        "--save",
        session.to_str().unwrap(),
    ]);
    session.to_str().unwrap().to_owned()
}

/// The README's picture of the hex view is `wasmscope shot` of `docs/demo.toml`; it
/// stays what the command draws (regenerate with the command in the README).
#[test]
fn the_readme_picture_is_what_shot_draws() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_png = temp_dir("readme").join("hex_view.png");
    let out = cli_support::wasmscope(&[
        "shot",
        root.join("docs/demo.toml").to_str().unwrap(),
        "-o",
        out_png.to_str().unwrap(),
        "--host-base",
        "0x7f0000000000",
        "--scale",
        "2",
        "--rows",
        "5",
    ]);
    assert!(out.status.success(), "{}", cli_support::stderr(&out));
    let drawn = decode_png(&std::fs::read(&out_png).unwrap()).unwrap();
    let committed = decode_png(&std::fs::read(root.join("docs/hex_view.png")).unwrap()).unwrap();
    assert_eq!(drawn.size, committed.size);
    assert!(
        drawn.pixels == committed.pixels,
        "docs/hex_view.png is out of date"
    );
}

/// A lesson's steps run before the picture; `--step` pictures an earlier one.
#[test]
fn shot_runs_a_lessons_steps_and_pictures_any_step() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lesson = root.join("assets/lessons/newsletter.toml");
    let dir = temp_dir("lesson-shot");
    let picture = |step: &str| {
        let png = dir.join(format!("step{step}.png"));
        let out = cli_support::wasmscope(&[
            "shot",
            lesson.to_str().unwrap(),
            "-o",
            png.to_str().unwrap(),
            "--step",
            step,
            "--at",
            "0x110000",
        ]);
        assert!(out.status.success(), "{}", cli_support::stderr(&out));
        decode_png(&std::fs::read(png).unwrap()).unwrap()
    };
    let after_alloc = picture("1");
    let after_overrun = picture("8");
    assert_eq!(after_alloc.size, after_overrun.size);
    assert!(after_alloc.pixels != after_overrun.pixels);
    let out = cli_support::wasmscope(&[
        "shot",
        lesson.to_str().unwrap(),
        "-o",
        dir.join("x.png").to_str().unwrap(),
        "--step",
        "9",
    ]);
    assert!(cli_support::stderr(&out).contains("--step 9: the session has steps 1 to 8"));
}

/// The frames of an animated PNG, decoded.
fn apng_frames(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let frames = reader.info().animation_control.unwrap().num_frames;
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    (0..frames)
        .map(|_| {
            let info = reader.next_frame(&mut buffer).unwrap();
            buffer[..info.buffer_size()].to_vec()
        })
        .collect()
}

/// The frames of a GIF, decoded to RGBA.
fn gif_frames(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(std::io::Cursor::new(bytes)).unwrap();
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        frames.push(frame.buffer.to_vec());
    }
    frames
}

#[test]
fn shot_animates_the_writes_of_a_step_one_frame_each() {
    let dir = temp_dir("shot-animate");
    let session = common_session(&dir);
    let apng = dir.join("writes.png");
    let shot = |extra: &[&str]| {
        let mut args = vec!["shot", &session, "-o", apng.to_str().unwrap(), "--animate"];
        args.extend(extra);
        cli_support::wasmscope(&args)
    };
    let out = shot(&["--step", "3", "--frame-ms", "100"]);
    assert!(out.status.success(), "{}", cli_support::stderr(&out));
    // append's writes, as `run --trace-writes` lists them, and one frame before them.
    let module = cli_support::asset("append.wasm");
    let traced = cli_support::wasmscope(&["run", &module, "--input", "hi", "--trace-writes"]);
    let listed = cli_support::stdout(&traced);
    let stores = listed.lines().filter(|l| l.starts_with("append+")).count();
    assert!(stores > 0, "{listed}");
    let frames = apng_frames(&std::fs::read(&apng).unwrap());
    assert_eq!(frames.len(), stores + 1);
    for pair in frames.windows(2) {
        assert_ne!(pair[0], pair[1], "each frame shows one more write");
    }
    // Two writes a frame: half as many frames.
    let out = shot(&["--step", "3", "--every", "2"]);
    assert!(out.status.success(), "{}", cli_support::stderr(&out));
    let frames = apng_frames(&std::fs::read(&apng).unwrap());
    assert_eq!(frames.len(), stores.div_ceil(2) + 1);
    // The same as a GIF, by the file's name; anything else is refused.
    let gif = dir.join("writes.gif");
    let out = cli_support::wasmscope(&[
        "shot",
        &session,
        "-o",
        gif.to_str().unwrap(),
        "--animate",
        "--step",
        "3",
    ]);
    assert!(out.status.success(), "{}", cli_support::stderr(&out));
    let frames = gif_frames(&std::fs::read(&gif).unwrap());
    assert_eq!(frames.len(), stores + 1);
    for pair in frames.windows(2) {
        assert_ne!(pair[0], pair[1], "each GIF frame shows one more write");
    }
    let jpg = dir.join("writes.jpg");
    let out = cli_support::wasmscope(&["shot", &session, "-o", jpg.to_str().unwrap(), "--animate"]);
    assert!(!out.status.success());
    assert!(cli_support::stderr(&out).contains(".gif"));
    assert!(!jpg.exists());
    // A step that kept no writes of its own (the host's write) says so.
    let out = shot(&["--step", "2"]);
    assert!(!out.status.success());
    let err = cli_support::stderr(&out);
    assert!(
        err.contains("--animate: step 2 kept no writes of its own"),
        "{err}"
    );
}

/// The README's animation of append's writes is `wasmscope shot --animate` of
/// `docs/demo.toml`; it stays what the command draws (the command is in the README).
#[test]
fn the_readme_animation_is_what_shot_draws() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_png = temp_dir("readme-animation").join("append_writes.png");
    let out = cli_support::wasmscope(&[
        "shot",
        root.join("docs/demo.toml").to_str().unwrap(),
        "-o",
        out_png.to_str().unwrap(),
        "--animate",
        "--step",
        "3",
        "--host-base",
        "0x7f0000000000",
        "--scale",
        "2",
        "--rows",
        "4",
        "--at",
        "0x110000",
        "--frame-ms",
        "700",
    ]);
    assert!(out.status.success(), "{}", cli_support::stderr(&out));
    let drawn = apng_frames(&std::fs::read(&out_png).unwrap());
    let committed = apng_frames(&std::fs::read(root.join("docs/append_writes.png")).unwrap());
    assert_eq!(
        drawn.len(),
        5,
        "memory before append and after each of its 4 stores"
    );
    assert!(drawn == committed, "docs/append_writes.png is out of date");
}
