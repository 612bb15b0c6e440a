//! Golden text for `wasmscope run` on every guest: stdout, stderr and the exit code of
//! each case below must equal `tests/golden/run/<case>.txt`, host addresses masked.
//!
//! These lock in what `run` prints, so that the session runner behind it can change
//! without the user seeing a difference. After an intended change, regenerate with
//! `BLESS=1 cargo test --test run_golden` and review the diff.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use std::path::Path;

use cli_support::{RUN_CASES, asset, mask_host_addresses, stderr, stdout, wasmscope};

/// What one case prints, as its golden file holds it; `extra` goes after `args`.
fn rendered(args: &[&str], extra: &[&str]) -> String {
    let args: Vec<String> = args
        .iter()
        .map(|a| match a.strip_prefix('@') {
            Some(name) => asset(name),
            None => (*a).to_owned(),
        })
        .collect();
    let mut full = vec!["run"];
    full.extend(args.iter().map(String::as_str));
    full.extend(extra);
    let out = wasmscope(&full);
    let manifest = env!("CARGO_MANIFEST_DIR");
    let text = format!(
        "--- stdout\n{}--- stderr\n{}--- exit {}\n",
        stdout(&out),
        stderr(&out),
        out.status.code().unwrap_or(-1)
    );
    mask_host_addresses(&text.replace(manifest, "$ROOT"))
}

#[test]
fn run_output_matches_golden_files() {
    check_cases(&[]);
}

/// Every guest prints the same under each compiler (the default, `auto`, is Winch for
/// all of them).
#[test]
fn each_compiler_prints_the_golden_lines() {
    check_cases(&["--compiler", "winch"]);
    check_cases(&["--compiler", "cranelift"]);
}

/// Runs every case with `extra` arguments and compares it with its golden file.
fn check_cases(extra: &[&str]) {
    assert!(!RUN_CASES.is_empty());
    let bless = extra.is_empty() && std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/run");
    let mut failures = Vec::new();
    for (name, args) in RUN_CASES {
        let path = dir.join(format!("{name}.txt"));
        let expected = std::fs::read_to_string(&path);
        // clap's usage line after an argument error names the extra arguments.
        if !extra.is_empty() && expected.as_ref().is_ok_and(|e| e.ends_with("--- exit 2\n")) {
            continue;
        }
        let actual = rendered(args, extra);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        match expected {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{name} {extra:?}: output differs\n--- golden\n{expected}--- actual\n{actual}"
            )),
            Err(err) => failures.push(format!("{name}: no golden file ({err})")),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(BLESS=1 regenerates after an intended change)",
        failures.join("\n")
    );
}

/// `run --save` then `replay` of what it saved prints the same stdout and exits the
/// same way, on every case that got as far as running steps.
#[test]
fn every_saved_run_replays_to_the_same_lines() {
    let dir = std::env::temp_dir().join(format!("wasmscope-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut replayed = 0;
    for (name, args) in RUN_CASES {
        let session = dir.join(format!("{name}.toml"));
        let mut full = vec!["run".to_owned()];
        full.extend(args.iter().map(|a| match a.strip_prefix('@') {
            Some(asset_name) => asset(asset_name),
            None => (*a).to_owned(),
        }));
        full.extend(["--save".to_owned(), session.display().to_string()]);
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let run = wasmscope(&full);
        if !session.exists() {
            // Refused before any step ran (bad arguments, no module): nothing to save.
            assert!(!run.status.success(), "{name} ran but saved nothing");
            continue;
        }
        // The user's own session: its WASI environment is granted.
        let mut replay_args = vec!["replay", session.to_str().unwrap(), "--allow-host-settings"];
        if args.contains(&"--trace-writes") {
            replay_args.push("--trace-writes");
        }
        let replay = wasmscope(&replay_args);
        // Without --call, `run` ends with a hint about its own flags.
        let run_lines: String = stdout(&run)
            .lines()
            .filter(|l| !l.starts_with("Input landed at") && !l.starts_with("No --call given"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            mask_host_addresses(&stdout(&replay)),
            mask_host_addresses(&run_lines),
            "{name}: {}",
            stderr(&replay)
        );
        assert_eq!(replay.status.code(), run.status.code(), "{name}");
        if !run.status.success() {
            // The failure is the same sentence, as `replay` reports each failed step.
            assert_eq!(stderr(&replay), stderr(&run), "{name}");
        }
        replayed += 1;
    }
    assert!(replayed >= 22, "only {replayed} cases replayed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn host_addresses_are_masked_and_offsets_kept() {
    assert_eq!(
        mask_host_addresses("base 0x7f12345678ab, ptr 0x110008, end 0x"),
        "base 0xHOST, ptr 0x110008, end 0x"
    );
}
