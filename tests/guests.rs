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

fn wasm_target_installed() -> bool {
    let Ok(out) = Command::new("rustc").args(["--print", "sysroot"]).output() else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    Path::new(&sysroot)
        .join("lib/rustlib/wasm32-unknown-unknown")
        .is_dir()
}

/// Rust guests rebuilt by guests/build.sh are byte-identical to the committed ones.
/// Skipped (with a note) when the wasm32 target is not installed.
#[test]
fn rust_guests_match_their_sources() {
    if !wasm_target_installed() {
        eprintln!("skipped: `rustup target add wasm32-unknown-unknown` to check Rust guests");
        return;
    }
    let out = std::env::temp_dir().join(format!("wasmscope-guests-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let status = Command::new("bash")
        .arg(root().join("guests/build.sh"))
        .env("GUEST_OUT_DIR", &out)
        .status()
        .unwrap();
    assert!(status.success(), "guests/build.sh failed");
    for guest in ["append", "strings"] {
        let built = std::fs::read(out.join(guest).with_extension("wasm")).unwrap();
        let committed =
            std::fs::read(root().join("assets").join(guest).with_extension("wasm")).unwrap();
        assert!(
            built == committed,
            "assets/{guest}.wasm is stale: run guests/build.sh"
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}
