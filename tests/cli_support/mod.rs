//! Helpers for the CLI tests: run the real `wasmscope` binary on the real guests.
#![allow(dead_code, clippy::unwrap_used)] // Each test file uses some of them.

use std::path::Path;
use std::process::{Command, Output};

/// The path of a committed guest module.
pub fn asset(name: &str) -> String {
    format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `wasmscope` with `args`, its compile cache in `cache_dir`.
pub fn wasmscope_with_cache(args: &[&str], cache_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmscope"))
        .args(args)
        .env("WASMSCOPE_CACHE_DIR", cache_dir)
        .output()
        .unwrap()
}

/// Runs `wasmscope` with `args`, its compile cache in a folder of this test run.
pub fn wasmscope(args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("wasmscope-test-cache-{}", std::process::id()));
    wasmscope_with_cache(args, &cache)
}

/// What the run printed on stdout.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the run printed on stderr.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
