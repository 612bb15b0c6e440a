//! Helpers for the CLI tests: run the real `wasmscope` binary on the real guests.
#![allow(dead_code, clippy::unwrap_used)] // Each test file uses some of them.

use std::process::{Command, Output};

/// The path of a committed guest module.
pub fn asset(name: &str) -> String {
    format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `wasmscope` with `args`.
pub fn wasmscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmscope"))
        .args(args)
        .output()
        .unwrap()
}

/// What the run printed on stdout.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the run printed on stderr.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
