//! `wasmscope inspect` and `wasmscope run`, as a user runs them.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::path::PathBuf;
mod cli_support;

use cli_support::{asset, stderr, stdout, wasmscope, wasmscope_with_cache};

#[test]
fn run_prints_the_newsletters_lines() {
    let out = wasmscope(&["run", &asset("append.wasm"), "--input", "The input string"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    let lines: Vec<&str> = text.lines().collect();
    let pointer = lines
        .iter()
        .find(|l| l.starts_with("Pointer received 0x"))
        .unwrap();
    assert!(pointer.ends_with(", 16"), "{pointer}");
    let ptr = u64::from_str_radix(
        pointer
            .trim_start_matches("Pointer received 0x")
            .trim_end_matches(", 16"),
        16,
    )
    .unwrap();
    let base_line = lines
        .iter()
        .find(|l| l.starts_with("Host memory pointer 0x"))
        .unwrap();
    let base =
        u64::from_str_radix(base_line.trim_start_matches("Host memory pointer 0x"), 16).unwrap();
    assert_ne!(base, 0);
    assert!(
        lines.contains(&format!("address for wasm object in rust: {:#x}", base + ptr).as_str())
    );
    assert!(lines.contains(&"New Size received: 41"));
    assert!(lines.contains(&"Result: The input string<---- This is your string"));
    // Each step reports what it changed: the write the input, append the suffix.
    assert!(
        text.contains(&format!("changed: {:#x}..{:#x} (16 bytes)", ptr, ptr + 16)),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "changed: {:#x}..{:#x} (25 bytes)",
            ptr + 16,
            ptr + 41
        )),
        "{text}"
    );
}

#[test]
fn run_works_on_the_wat_and_ownership_guests() {
    let out = wasmscope(&["run", &asset("teach.wasm"), "--input", "The input string"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Pointer received 0x400, 16"));
    assert!(stdout(&out).contains("Result: The input string<---- This is your string"));

    let out = wasmscope(&[
        "run",
        &asset("strings.wasm"),
        "--input",
        "hello",
        "--call",
        "reverse",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Result: olleh"), "{}", stdout(&out));

    let out = wasmscope(&[
        "run",
        &asset("strings.wasm"),
        "--input",
        "hello",
        "--call",
        "upper",
        "--result",
        "ptr",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("New Size received: 5 (from `last_len`)"));
    assert!(stdout(&out).contains("Result: HELLO"), "{}", stdout(&out));

    let out = wasmscope(&[
        "run",
        &asset("strings.wasm"),
        "--hex",
        "68 69",
        "--call",
        "reverse",
        "--result",
        "value",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("`reverse` returned 2: i32"),
        "{}",
        stdout(&out)
    );
}

fn fails_with_one_line(args: &[&str], expect: &str) {
    let out = wasmscope(args);
    let err = stderr(&out);
    assert!(!out.status.success(), "{args:?} should fail");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains(expect),
        "{args:?}: {err}"
    );
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmscope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn bad_files_get_one_line_errors() {
    let random: Vec<u8> = (0..200u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let random = temp_file("random.wasm", &random);
    let empty = temp_file("empty.wasm", b"");
    let module = std::fs::read(asset("append.wasm")).unwrap();
    let truncated = temp_file("truncated.wasm", &module[..module.len() / 2]);
    let dir = std::env::temp_dir();
    for cmd in ["inspect", "run"] {
        let with = |path: &PathBuf| -> Vec<String> {
            let mut args = vec![cmd.to_owned(), path.display().to_string()];
            if cmd == "run" {
                args.extend(["--input".to_owned(), "x".to_owned()]);
            }
            args
        };
        for (path, expect) in [
            (&random, "not a WebAssembly"),
            (&empty, "empty"),
            (&truncated, "offset"),
            (&dir, "directory"),
        ] {
            let args = with(path);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            fails_with_one_line(&args, expect);
        }
    }
    fails_with_one_line(&["inspect", "/no/such/file.wasm"], "/no/such/file.wasm");
}

#[test]
fn run_reports_traps_timeouts_and_bad_pointers() {
    let hostile = asset("hostile.wasm");
    fails_with_one_line(
        &["run", &hostile, "--input", "x", "--call", "boom"],
        "unreachable",
    );
    fails_with_one_line(
        &[
            "run",
            &hostile,
            "--input",
            "x",
            "--call",
            "spin",
            "--timeout-ms",
            "100",
        ],
        "time limit of 100 ms",
    );
    fails_with_one_line(
        &["run", &hostile, "--input", "x", "--alloc", "bad_alloc"],
        "outside linear memory",
    );
    fails_with_one_line(
        &["run", &hostile, "--input", "x", "--call", "too_long"],
        "outside linear memory",
    );
    fails_with_one_line(
        &[
            "run",
            &asset("append.wasm"),
            "--input",
            "x",
            "--call",
            "nope",
        ],
        "no function `nope`",
    );
}

#[test]
fn inspect_json_lists_exports_with_kinds() {
    let out = wasmscope(&["inspect", "--json", &asset("teach.wasm")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let exports: Vec<(String, String)> = json["exports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (name, kind) in [
        ("memory", "memory"),
        ("__heap_base", "global"),
        ("heap_next", "global"),
        ("alloc", "func"),
        ("append", "func"),
        ("reset", "func"),
    ] {
        assert!(exports.contains(&(name.into(), kind.into())), "{exports:?}");
    }
    assert!(json["imports"].as_array().unwrap().is_empty());
    assert!(json["data_segments"].is_array() && json["memories"].is_array());
}

#[test]
fn run_flags_the_seeds_overrun_when_the_extra_bytes_are_too_few() {
    let out = wasmscope(&[
        "run",
        &asset("append.wasm"),
        "--input",
        "The input string",
        "--extra",
        "5",
    ]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    let overrun = text.lines().find(|l| l.starts_with("overrun: ")).unwrap();
    assert!(
        overrun.contains("append(")
            && overrun.contains("20 bytes outside the allocation alloc(21)"),
        "{overrun}"
    );
    let fine = stdout(&wasmscope(&["run", &asset("append.wasm"), "--input", "x"]));
    assert!(!fine.contains("overrun"), "{fine}");
}

/// `run` keeps compiled code in the cache folder, unless `--no-cache`.
#[test]
fn run_uses_the_compile_cache_unless_told_not_to() {
    let dir = std::env::temp_dir().join(format!("wasmscope-run-cache-{}", std::process::id()));
    let run = |extra: &[&str]| {
        let strings = asset("strings.wasm");
        let mut args = vec![
            "run",
            strings.as_str(),
            "--input",
            "hi",
            "--call",
            "reverse",
        ];
        args.extend_from_slice(extra);
        let out = wasmscope_with_cache(&args, &dir);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let cached_files = || std::fs::read_dir(&dir).map_or(0, |d| d.count());
    run(&["--no-cache"]);
    assert_eq!(cached_files(), 0);
    run(&[]);
    assert!(cached_files() > 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A reader that stops early (`| head`) ends the output quietly: no panic, no error.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    for args in [
        vec!["inspect", "--json"],
        vec!["run", "--no-cache", "--input", "The input string"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wasmscope"))
            .args(&args)
            .arg(asset("append.wasm"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the program writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}
