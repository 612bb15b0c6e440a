//! Golden text for `inspect`: for every `.wasm` and `.wat` file in `assets/`, the output of
//! `describe` (what `wasmscope inspect` prints, for modules and components) must equal
//! `tests/golden/<file name>.txt`.
//!
//! After an intended change, regenerate with `BLESS=1 cargo test --test inspect_golden`
//! and review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic on the unexpected.

use std::path::{Path, PathBuf};
use wasmscope::inspect::{describe, load_module_bytes};

/// Modules under `assets/`, sorted by name.
fn assets() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable assets/ entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "wasm" || e == "wat"))
        .collect();
    files.sort();
    files
}

/// What the golden file holds: the summary, or the error for a module that is rejected.
fn rendered(path: &Path) -> String {
    match load_module_bytes(path).and_then(|bytes| describe(&bytes, false, None)) {
        Ok(text) => text,
        Err(err) => format!("error: {err:#}\n"),
    }
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let (mut e, mut a) = (expected.lines(), actual.lines());
    for line_no in 1.. {
        match (e.next(), a.next()) {
            (None, None) => break,
            (x, y) if x == y => continue,
            (x, y) => return format!("line {line_no}:\n  golden: {x:?}\n  actual: {y:?}"),
        }
    }
    "texts differ only in trailing newlines".to_owned()
}

#[test]
fn inspect_output_matches_golden_files() {
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut failures = Vec::new();
    let mut expected_names = Vec::new();
    let modules = assets();
    assert!(
        modules.len() >= 10,
        "expected the guests in assets/: {modules:?}"
    );
    for module in modules {
        let file_name = module
            .file_name()
            .expect("asset has a file name")
            .to_string_lossy()
            .into_owned();
        let golden = golden_dir.join(format!("{file_name}.txt"));
        expected_names.push(format!("{file_name}.txt"));
        let actual = rendered(&module);
        if bless {
            std::fs::create_dir_all(&golden_dir).expect("create tests/golden");
            std::fs::write(&golden, &actual).expect("write golden file");
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{file_name}: output differs from {}\n{}",
                golden.display(),
                first_difference(&expected, &actual)
            )),
            Err(_) => failures.push(format!(
                "{file_name}: no golden file {}; run `BLESS=1 cargo test --test inspect_golden` to create it",
                golden.display()
            )),
        }
    }
    // Golden files whose module is gone.
    if let Ok(entries) = std::fs::read_dir(&golden_dir) {
        for entry in entries {
            let path = entry.expect("readable tests/golden entry").path();
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".txt") && !expected_names.contains(&name) {
                if bless {
                    std::fs::remove_file(&path).expect("remove stale golden file");
                } else {
                    failures.push(format!(
                        "{name}: golden file without a module in assets/; run with BLESS=1 to remove it"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatch(es) (after an intended change: BLESS=1 cargo test --test inspect_golden):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
