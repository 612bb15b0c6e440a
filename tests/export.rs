//! `wasmscope export`: the host program of a session, for every guest, equals its
//! golden file; the JavaScript ones run under node, and three Rust ones (the demo,
//! the ownership guest and a WASI guest, built by `cargo test` as `examples/`) run
//! too. Each prints the lines `wasmscope replay` prints for the same session.
//!
//! After an intended change, regenerate with `BLESS=1 cargo test --test export` and
//! review the diff.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use cli_support::{RUN_CASES, asset, mask_host_addresses, stderr, stdout, wasmscope, wasmscope_in};

/// The `run` cases (`cli_support::RUN_CASES`) whose sessions are exported: every guest,
/// and one whose stub traps (the program fails where the session failed).
const CASES: &[&str] = &[
    "append",
    "append_hex",
    "teach",
    "strings_reverse",
    "strings_upper_ptr",
    "strings_sum_value",
    "greet_wasi",
    "shout_c",
    "shout_as",
    "wasm_bindgen",
    "cabi",
    "two_memories",
    "big",
    "shout_c_trap_stub",
];

/// The arguments after `run` of the case `name`.
fn run_args(name: &str) -> &'static [&'static str] {
    RUN_CASES
        .iter()
        .find(|(case, _)| *case == name)
        .map(|(_, args)| *args)
        .unwrap()
}

/// Cases node cannot run, and why.
const NOT_IN_NODE: &[(&str, &str)] = &[(
    "two_memories",
    "Node 20's V8 has no multi-memory; the program says so in its header",
)];

/// Cases whose Rust program is an example of this package (`examples/export_NAME.rs`),
/// so `cargo test` builds it with the wasmtime this project already compiled.
const RUST_EXAMPLES: &[&str] = &["append", "strings_upper_ptr", "greet_wasi"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn golden_path(case: &str, ext: &str) -> PathBuf {
    if ext == "rs" && RUST_EXAMPLES.contains(&case) {
        root().join(format!("examples/export_{case}.rs"))
    } else {
        root().join(format!("tests/golden/export/{case}.{ext}"))
    }
}

/// A scratch folder for one case.
fn scratch(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmscope-export-{}-{case}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves the case's session with `run --save`; returns its path and the module's.
fn save_session(case: &str, args: &[&str]) -> (PathBuf, String) {
    let session = scratch(case).join(format!("{case}.toml"));
    let module = asset(args[0].trim_start_matches('@'));
    let mut full = vec!["run", &module];
    full.extend(&args[1..]);
    full.extend(["--save", session.to_str().unwrap()]);
    wasmscope(&full);
    assert!(session.exists(), "{case}: run --save wrote no session");
    (session, module)
}

/// The lines of `replay` a host program prints too: the newsletter's lines and the
/// guest's own output (without the `stdout: ` wasmscope puts before it).
fn expected_lines(replay: &str, with_host: bool) -> Vec<String> {
    const KEPT: &[&str] = &[
        "Allocator: ",
        "Pointer received ",
        "Pointer returned ",
        "New Size received: ",
        "Result: ",
        "Result (hex): ",
        "`",
    ];
    const HOST: &[&str] = &["Host memory pointer ", "address for wasm object in rust: "];
    replay
        .lines()
        .filter_map(|line| {
            if let Some(output) = line.strip_prefix("stdout: ") {
                return Some(output.to_owned());
            }
            let kept = KEPT.iter().any(|p| line.starts_with(p))
                || (with_host && HOST.iter().any(|p| line.starts_with(p)));
            kept.then(|| line.to_owned())
        })
        .collect()
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

#[test]
fn exported_programs_match_golden_files_and_print_what_replay_prints() {
    assert!(!CASES.is_empty());
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut node_runs = 0;
    for case in CASES {
        let (session, module) = save_session(case, run_args(case));
        let session_arg = session.to_str().unwrap();
        let replay = wasmscope(&["replay", session_arg, "--allow-host-settings"]);
        let replay_text = mask_host_addresses(&stdout(&replay));
        for (lang, ext) in [("rust", "rs"), ("js", "mjs")] {
            // Printed from the golden's folder, the program looks for the module from
            // there (the Rust examples run without a path).
            let golden = golden_path(case, ext);
            let out = wasmscope_in(
                golden.parent().unwrap(),
                &["export", session_arg, "--lang", lang],
            );
            assert!(out.status.success(), "{case} {lang}: {}", stderr(&out));
            let program = stdout(&out);
            if bless {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, &program).unwrap();
            } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(&program) {
                failures.push(format!(
                    "{case}: the {lang} program differs from {}",
                    golden.display()
                ));
            }
            if lang == "js" && !NOT_IN_NODE.iter().any(|(name, _)| name == case) {
                let file = scratch(case).join("host.mjs");
                std::fs::write(&file, &program).unwrap();
                let ran = Command::new("node")
                    .arg(&file)
                    .arg(&module)
                    .output()
                    .unwrap();
                node_runs += 1;
                let expected = expected_lines(&replay_text, false);
                if lines(&stdout(&ran)) != expected
                    || ran.status.success() != replay.status.success()
                {
                    failures.push(format!(
                        "{case}: node printed\n{}(exit {:?}, stderr {})\nbut replay printed\n{}",
                        stdout(&ran),
                        ran.status.code(),
                        stderr(&ran),
                        expected.join("\n")
                    ));
                }
            }
        }
    }
    assert_eq!(node_runs, CASES.len() - NOT_IN_NODE.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Where cargo put this package's examples: beside the folder of this test binary.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn rust_exports_build_and_print_what_replay_prints() {
    assert!(!RUST_EXAMPLES.is_empty());
    for case in RUST_EXAMPLES {
        let (session, module) = save_session(case, run_args(case));
        let replay = wasmscope(&["replay", session.to_str().unwrap(), "--allow-host-settings"]);
        let binary = example_binary(&format!("export_{case}"));
        assert!(
            binary.exists(),
            "{} is missing: `cargo test` builds the examples (or `cargo build --examples`)",
            binary.display()
        );
        // Without a path, from another folder, it finds the module from its source's.
        let elsewhere = scratch(case);
        let ran = Command::new(&binary)
            .current_dir(&elsewhere)
            .output()
            .unwrap();
        assert!(ran.status.success(), "{case} ({module}): {}", stderr(&ran));
        assert_eq!(
            lines(&mask_host_addresses(&stdout(&ran))),
            expected_lines(&mask_host_addresses(&stdout(&replay)), true),
            "{case}"
        );
    }
}

#[test]
fn a_session_a_program_cannot_do_is_refused_with_the_reason() {
    let dir = scratch("refused");
    let session = dir.join("s.toml");
    // A call of an export the module does not have.
    std::fs::write(
        &session,
        format!(
            "version = 1\n[module]\npath = {:?}\n\n[[step]]\nop = \"call\"\nexport = \"nope\"\n",
            asset("append.wasm")
        ),
    )
    .unwrap();
    let out = wasmscope(&["export", session.to_str().unwrap(), "--lang", "rust"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("the module exports no function `nope`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A session saved far from the working folder replays from a third one, and the
/// programs exported from it run from the folder they were written to; a missing
/// module is one line that says where the program looked.
#[test]
fn sessions_and_programs_find_their_module_from_any_folder() {
    // As a user would: a path relative to the working folder, saved elsewhere.
    let saved = scratch("where-saved").join("s.toml");
    let saved_arg = saved.to_str().unwrap();
    let run = wasmscope_in(
        root(),
        &[
            "run",
            "assets/append.wasm",
            "--input",
            "The input string",
            "--save",
            saved_arg,
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));

    let other = scratch("where-other");
    let replay = wasmscope_in(&other, &["replay", saved_arg]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    assert_eq!(
        mask_host_addresses(&stdout(&replay)),
        mask_host_addresses(&stdout(&run))
    );

    let program_dir = scratch("where-program");
    let node_in_program_dir = |program: &str| {
        Command::new("node")
            .arg(program)
            .current_dir(&program_dir)
            .output()
            .unwrap()
    };
    let export = |program: &str, extra: &[&str]| {
        let out_path = program_dir.join(program);
        let mut args = vec![
            "export",
            saved_arg,
            "--lang",
            "js",
            "-o",
            out_path.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = wasmscope_in(&other, &args);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    export("host.mjs", &[]);
    let ran = node_in_program_dir("host.mjs");
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert_eq!(
        lines(&stdout(&ran)),
        expected_lines(&mask_host_addresses(&stdout(&replay)), false)
    );

    // A module that is gone: one line naming where the program looked.
    let copy = scratch("where-copy").join("append.wasm");
    std::fs::copy(asset("append.wasm"), &copy).unwrap();
    export("gone.mjs", &["--module", copy.to_str().unwrap()]);
    std::fs::remove_file(&copy).unwrap();
    let ran = node_in_program_dir("gone.mjs");
    assert!(!ran.status.success());
    let err = stderr(&ran);
    assert_eq!(err.lines().count(), 1, "{err}");
    let looked = format!(
        "cannot read the module at {} (no such file)",
        copy.display()
    );
    assert!(err.contains(&looked), "{err}");
}
