//! The committed guest modules in `assets/` match their sources in `guests/`.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn wat_sources() -> Vec<PathBuf> {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(root().join("guests/wat"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
        .collect();
    sources.sort();
    sources
}

fn asset_for(source: &Path) -> PathBuf {
    let stem = source.file_stem().unwrap();
    root().join("assets").join(stem).with_extension("wasm")
}

/// WAT guests compile (with the `wat` crate) to exactly the committed `.wasm`.
/// `BLESS=1` rewrites the committed files (guests/build.sh does that).
#[test]
fn wat_guests_match_their_sources() {
    let sources = wat_sources();
    assert!(sources.len() >= 2, "expected the WAT guests in guests/wat");
    for source in sources {
        let built = wat::parse_file(&source).unwrap();
        let asset = asset_for(&source);
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&asset, &built).unwrap();
            continue;
        }
        let committed = std::fs::read(&asset).unwrap_or_default();
        assert!(
            committed == built,
            "{} is stale: run guests/build.sh",
            asset.display()
        );
    }
}

fn rust_targets_installed() -> bool {
    let Ok(out) = Command::new("rustc").args(["--print", "sysroot"]).output() else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    ["wasm32-unknown-unknown", "wasm32-wasip1", "wasm32-wasip2"]
        .iter()
        .all(|target| {
            Path::new(&sysroot)
                .join("lib/rustlib")
                .join(target)
                .is_dir()
        })
}

/// Whether `program --version` runs.
fn tool_runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Builds the `kind` guests (GUEST_ONLY of guests/build.sh) into a temporary folder
/// and checks each of `assets` is byte-identical to the committed one.
fn rebuild_matches(kind: &str, assets: &[&str]) {
    let out = std::env::temp_dir().join(format!("wasmscope-guests-{kind}-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let status = Command::new("bash")
        .arg(root().join("guests/build.sh"))
        .env("GUEST_OUT_DIR", &out)
        .env("GUEST_ONLY", kind)
        .status()
        .unwrap();
    assert!(status.success(), "guests/build.sh failed for {kind}");
    for asset in assets {
        let built = std::fs::read(out.join(asset)).unwrap();
        let committed = std::fs::read(root().join("assets").join(asset)).unwrap();
        assert!(
            built == committed,
            "assets/{asset} is stale: run guests/build.sh"
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// A check that cannot run here: a note, or under `CI=true` a failure (skipped is not
/// passed where the toolchain is supposed to be installed).
fn skip(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true, but this check cannot run: {why}");
    }
    eprintln!("skipped: {why}");
}

/// Rust guests rebuilt by guests/build.sh (the core modules and the wasm32-wasip2
/// component) are byte-identical to the committed ones.
/// Skipped (with a note; a failure under `CI=true`) when a wasm target is not installed.
#[test]
fn rust_guests_match_their_sources() {
    if !rust_targets_installed() {
        skip(
            "`rustup target add wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2` to check Rust guests",
        );
        return;
    }
    rebuild_matches(
        "rust",
        &[
            "append.wasm",
            "strings.wasm",
            "greet.wasm",
            "component.wasm",
            "hello_p2.wasm",
            "dwarf_rust.wasm",
            "dwarf_rust_release.wasm",
        ],
    );
}

/// The C guest, rebuilt with clang and wasm-ld, is byte-identical to the committed one.
/// Skipped (with a note) without clang or wasm-ld.
#[test]
fn c_guest_matches_its_source() {
    // clang runs binaryen's wasm-opt after linking when it finds it; the committed
    // guest was built with it.
    if !tool_runs("clang") || !tool_runs("wasm-ld") || !tool_runs("wasm-opt") {
        skip("`apt-get install clang lld binaryen` to check the C guest");
        return;
    }
    rebuild_matches("c", &["shout_c.wasm", "dwarf_c.wasm"]);
}

/// The AssemblyScript guest, rebuilt with asc, is byte-identical to the committed one.
/// Skipped (with a note) without node and npm, or when the compiler cannot be
/// installed (`npm ci` in guests/assemblyscript, e.g. offline).
#[test]
fn assemblyscript_guest_matches_its_source() {
    let dir = root().join("guests/assemblyscript");
    let have_asc = || dir.join("node_modules/.bin/asc").exists();
    if !tool_runs("node") || !tool_runs("npm") {
        skip("install node and npm to check the AssemblyScript guest");
        return;
    }
    if !have_asc() {
        let _ = Command::new("npm")
            .args(["ci", "--silent", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status();
    }
    if !have_asc() {
        skip("`npm ci` in guests/assemblyscript could not install asc");
        return;
    }
    rebuild_matches("assemblyscript", &["shout_as.wasm"]);
}
