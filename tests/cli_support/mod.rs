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

/// Replaces host addresses (hex numbers of more than 8 digits: above any wasm32
/// offset) with `0xHOST`, so the text does not change with ASLR.
pub fn mask_host_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        let digits = rest[at + 2..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        if digits > 8 {
            out.push_str("0xHOST");
        } else {
            out.push_str(&rest[at..at + 2 + digits]);
        }
        rest = &rest[at + 2 + digits..];
    }
    out.push_str(rest);
    out
}
