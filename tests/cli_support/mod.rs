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
    wasmscope_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs `wasmscope` with `args` from the working folder `dir`.
pub fn wasmscope_in(dir: &Path, args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("wasmscope-test-cache-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_wasmscope"))
        .args(args)
        .current_dir(dir)
        .env("WASMSCOPE_CACHE_DIR", cache)
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

/// `run` on every guest (`tests/run_golden.rs`, whose golden files they name; the
/// export tests reuse them): each case's name, and the arguments after `run` (`@name` is the
/// committed guest `assets/name`).
pub const RUN_CASES: &[(&str, &[&str])] = &[
    ("append", &["@append.wasm", "--input", "The input string"]),
    ("append_hex", &["@append.wasm", "--hex", "de ad be ef"]),
    (
        "append_overrun",
        &[
            "@append.wasm",
            "--input",
            "The input string",
            "--extra",
            "5",
        ],
    ),
    ("teach", &["@teach.wasm", "--input", "The input string"]),
    (
        "strings_reverse",
        &["@strings.wasm", "--input", "hello", "--call", "reverse"],
    ),
    (
        "strings_upper_ptr",
        &[
            "@strings.wasm",
            "--input",
            "hello",
            "--call",
            "upper",
            "--result",
            "ptr",
        ],
    ),
    (
        "strings_sum_value",
        &[
            "@strings.wasm",
            "--hex",
            "01 00 00 00 02 00 00 00",
            "--call",
            "sum_u32",
            "--result",
            "value",
        ],
    ),
    ("strings_no_call", &["@strings.wasm", "--input", "hello"]),
    (
        "greet_wasi",
        &[
            "@greet.wasm",
            "--input",
            "world",
            "--call",
            "greet",
            "--result",
            "value",
            "--env",
            "GREETING=Hi",
            "--wasi-arg",
            "--loud",
        ],
    ),
    (
        "shout_c",
        &["@shout_c.wasm", "--input", "hello", "--call", "shout"],
    ),
    (
        "shout_c_trap_stub",
        &[
            "@shout_c.wasm",
            "--input",
            "hello",
            "--call",
            "shout",
            "--stub",
            "trap",
        ],
    ),
    ("shout_as", &["@shout_as.wasm", "--input", "hello"]),
    ("wasm_bindgen", &["@wasm_bindgen.wasm", "--input", "hello"]),
    ("cabi", &["@cabi.wasm", "--input", "hello"]),
    ("two_memories", &["@two_memories.wasm", "--input", "hello"]),
    ("big", &["@big.wasm", "--input", "hello"]),
    (
        "hostile_boom",
        &["@hostile.wasm", "--input", "x", "--call", "boom"],
    ),
    (
        "hostile_spin",
        &[
            "@hostile.wasm",
            "--input",
            "x",
            "--call",
            "spin",
            "--timeout-ms",
            "200",
        ],
    ),
    (
        "hostile_bad_alloc",
        &["@hostile.wasm", "--input", "x", "--alloc", "bad_alloc"],
    ),
    (
        "hostile_too_long",
        &["@hostile.wasm", "--input", "x", "--call", "too_long"],
    ),
    (
        "append_traced",
        &[
            "@append.wasm",
            "--input",
            "The input string",
            "--trace-writes",
        ],
    ),
    (
        "writes_traced",
        &[
            "@writes.wasm",
            "--input",
            "x",
            "--call",
            "widths",
            "--result",
            "value",
            "--trace-writes",
        ],
    ),
    (
        "writes_past_end_traced",
        &[
            "@writes.wasm",
            "--input",
            "x",
            "--call",
            "past_end",
            "--result",
            "value",
            "--trace-writes",
        ],
    ),
    (
        "writes_grow_traced",
        &[
            "@writes.wasm",
            "--input",
            "x",
            "--call",
            "grow",
            "--result",
            "value",
            "--trace-writes",
        ],
    ),
    // A stack overflow while traced: wasmtime 48 cannot read the frame it traps in.
    (
        "hostile_recurse_traced",
        &[
            "@hostile.wasm",
            "--input",
            "x",
            "--call",
            "recurse",
            "--trace-writes",
        ],
    ),
    ("no_input", &["@append.wasm"]),
    ("missing_module", &["no/such/module.wasm", "--input", "x"]),
];

/// The source line `line` (from 1) of a guest's source file.
pub fn source_line(path: &str, line: u32) -> String {
    let text =
        std::fs::read_to_string(format!("{}/guests/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    text.lines()
        .nth(line as usize - 1)
        .unwrap_or_default()
        .to_owned()
}
