//! `inspect` over every `.wasm` file below `$WASMSCOPE_CORPUS`, for large local
//! corpora: no module, however broken, may panic it; rejected ones are counted.
//!
//! `WASMSCOPE_CORPUS=/path/to/modules cargo test --test inspect_corpus -- --nocapture`
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::path::{Path, PathBuf};

use wasmscope::inspect::{inspect, render_text};

fn wasm_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            wasm_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "wasm") {
            out.push(path);
        }
    }
}

#[test]
fn inspect_survives_every_module_of_the_corpus() {
    let Some(corpus) = std::env::var_os("WASMSCOPE_CORPUS") else {
        eprintln!("skipped: set WASMSCOPE_CORPUS to a folder of .wasm files");
        return;
    };
    let mut files = Vec::new();
    wasm_files(Path::new(&corpus), &mut files);
    assert!(!files.is_empty(), "no .wasm files below {corpus:?}");
    let mut rejected = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        match inspect(&bytes) {
            Ok(info) => {
                assert!(!render_text(&info).is_empty());
                // Truncated copies must fail cleanly, never panic.
                let _ = inspect(&bytes[..bytes.len() / 2]);
            }
            Err(err) => {
                rejected += 1;
                eprintln!("{}: {err:#}", file.display());
            }
        }
    }
    eprintln!("{} modules inspected, {rejected} rejected", files.len());
}

/// `list` (sections only, no validation: what the window shows first) never panics on
/// a damaged module: every committed guest cut short or with a byte changed, anywhere.
#[test]
fn listing_damaged_modules_never_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "wasm") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if wasmscope::inspect::is_component(&bytes) {
            continue;
        }
        let step = (bytes.len() / 200).max(1);
        for at in (0..bytes.len()).step_by(step) {
            let _ = wasmscope::inspect::list(&bytes[..at]);
            let mut changed = bytes.clone();
            changed[at] ^= 0xa5;
            let _ = wasmscope::inspect::list(&changed);
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}
