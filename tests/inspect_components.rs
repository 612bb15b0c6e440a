//! `inspect` on components nobody here wrote: every component in the WebAssembly
//! component-model repository's tests (`.wast` scripts, a few committed under
//! `tests/fixtures/component-model/`, the whole folder with
//! `WASMSCOPE_COMPONENT_TESTS=/path/to/component-model/test`) is described without an
//! error, its WIT printed.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::path::{Path, PathBuf};

use wasmscope::inspect::inspect_component;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, Wat};

/// Every `.wast` file below `dir`.
fn scripts(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(scripts(&path));
        } else if path.extension().is_some_and(|e| e == "wast") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The binaries of the components a script declares as valid (not those in
/// `assert_invalid` and friends).
fn components(path: &Path) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(path).unwrap();
    let Ok(buffer) = ParseBuffer::new(&text) else {
        return Vec::new();
    };
    let Ok(wast) = parser::parse::<Wast>(&buffer) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for directive in wast.directives {
        if let WastDirective::Module(mut quote) = directive
            && matches!(quote, QuoteWat::Wat(Wat::Component(_)))
            && let Ok(bytes) = quote.encode()
        {
            found.push(bytes);
        }
    }
    found
}

/// Describes every component below `dir`; returns how many, and the failures.
fn inspect_all(dir: &Path) -> (usize, Vec<String>) {
    let mut count = 0;
    let mut failures = Vec::new();
    for script in scripts(dir) {
        for (i, bytes) in components(&script).into_iter().enumerate() {
            count += 1;
            match inspect_component(&bytes) {
                Ok(info) => assert!(
                    info.wit_error.is_some() || info.wit.contains("world"),
                    "{} #{i}: {}",
                    script.display(),
                    info.wit
                ),
                Err(err) => failures.push(format!("{} #{i}: {err:#}", script.display())),
            }
        }
    }
    (count, failures)
}

#[test]
fn components_from_the_component_model_tests_are_described() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/component-model");
    let (count, failures) = inspect_all(&dir);
    assert!(count >= 20, "only {count} components");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// With `WASMSCOPE_COMPONENT_TESTS` set, every script there (the repository's
/// `test/` folder): prints how many were described and which were not.
#[test]
fn the_whole_component_model_test_suite_when_given() {
    let Some(dir) = std::env::var_os("WASMSCOPE_COMPONENT_TESTS") else {
        return;
    };
    let (count, failures) = inspect_all(Path::new(&dir));
    println!("{count} components, {} not described", failures.len());
    for failure in &failures {
        println!("  {failure}");
    }
    assert!(count > 0);
}

/// Damaged components (cut short anywhere, or a byte changed) are described or
/// refused with an error, never a panic.
#[test]
fn damaged_components_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for name in ["component_upper.wasm", "component.wasm", "hello_p2.wasm"] {
        let bytes = std::fs::read(root.join("assets").join(name)).unwrap();
        let step = (bytes.len() / 300).max(1);
        for at in (8..bytes.len()).step_by(step) {
            // Cut at a section's end it is still a (smaller) component; cut inside
            // the core module (which starts at byte 11) it is not.
            let cut = inspect_component(&bytes[..at]);
            if name == "component_upper.wasm" && (12..580).contains(&at) {
                assert!(cut.is_err(), "{name} cut at {at} was described");
            }
            let mut changed = bytes.clone();
            changed[at] ^= 0x5a;
            let _ = inspect_component(&changed);
            checked += 1;
        }
    }
    assert!(checked > 600, "{checked}");
}
