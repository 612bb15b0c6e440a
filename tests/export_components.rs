//! `wasmscope export` of component sessions: each program equals its golden file
//! (the Rust ones are examples of this package, `examples/export_NAME.rs`, so `cargo
//! test` builds them with the wasmtime this project already compiled), and the Rust
//! and the JavaScript program print the result lines `wasmscope replay` prints, and
//! what the guest writes to stdout and stderr.
//!
//! The JavaScript programs need jco from npm, looked for in `$WASMSCOPE_JCO_DIR`
//! (default `~/.cache/wasmscope-jco`; `.ci/run` installs it there). Without it that
//! check is skipped with a note, and fails under `CI=true`.
//!
//! After an intended change, regenerate with `BLESS=1 cargo test --test
//! export_components` and review the diff.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cli_support::{asset, stderr, stdout, wasmscope, wasmscope_in};
use wasmscope::hostgen::JCO_PACKAGES;

/// The cases: a name, and how its session is made.
const CASES: &[(&str, Session)] = &[
    // As a user saves one: `run --call --args --save`.
    (
        "component_upper",
        Session::Run(&[
            "component_upper.wasm",
            "--call",
            "upper",
            "--args",
            "\"The input string\"",
        ]),
    ),
    // Three calls: a string, a list, and a record (with escapes in its string).
    ("component", Session::File(COMPONENT_SESSION)),
    // WASI preview 2, with an argument and an environment variable, called by its
    // short name (`run` for `wasi:cli/run@0.2.0#run`).
    (
        "hello_p2",
        Session::Run(&[
            "hello_p2.wasm",
            "--call",
            "run",
            "--wasi-arg",
            "one two",
            "--env",
            "GREETING=hi",
        ]),
    ),
    // Every other WIT type, and a function's `err` result.
    ("wave_types", Session::Fixture("wave_types.toml")),
];

/// How a case's session is made.
enum Session {
    /// `wasmscope run assets/ARGS[0] ARGS[1..] --save`.
    Run(&'static [&'static str]),
    /// This session file, its module path `@name` being the committed guest.
    File(&'static str),
    /// This session file in `tests/fixtures`.
    Fixture(&'static str),
}

const COMPONENT_SESSION: &str = r#"version = 1

[module]
path = "@component.wasm"

[[step]]
op = "invoke"
export = "append"
args = ['"The input string"']

[[step]]
op = "invoke"
export = "sum"
args = ["[1, 2, 3]"]

[[step]]
op = "invoke"
export = "label"
args = ['{name: "x\n\"y", count: 3}']
note = "A record goes in and comes back changed."
"#;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn golden_path(case: &str, ext: &str) -> PathBuf {
    match ext {
        "rs" => root().join(format!("examples/export_{case}.rs")),
        _ => root().join(format!("tests/golden/export/{case}.{ext}")),
    }
}

/// A scratch folder for one case.
fn scratch(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "wasmscope-export-components-{}-{case}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the case's session; returns its path and the component's.
fn save_session(case: &str, how: &Session) -> (PathBuf, String) {
    let session = scratch(case).join(format!("{case}.toml"));
    let session_arg = session.to_str().unwrap();
    let module = match how {
        Session::Run(args) => {
            let module = asset(args[0]);
            let mut full = vec!["run", &module];
            full.extend(&args[1..]);
            full.extend(["--save", session_arg]);
            let out = wasmscope(&full);
            assert!(out.status.success(), "{case}: {}", stderr(&out));
            module
        }
        Session::Fixture(name) => {
            let fixture = root().join("tests/fixtures").join(name);
            let text = std::fs::read_to_string(&fixture).unwrap();
            let module = text
                .lines()
                .find_map(|l| l.strip_prefix("path = "))
                .unwrap();
            let module = fixture.with_file_name(module.trim_matches('"'));
            return (fixture, module.to_str().unwrap().to_owned());
        }
        Session::File(text) => {
            let start = text.find("\"@").unwrap() + 2;
            let name = &text[start..start + text[start..].find('"').unwrap()];
            let module = asset(name);
            let text = text.replace(&format!("@{name}"), &module);
            std::fs::write(&session, text).unwrap();
            module
        }
    };
    assert!(session.exists(), "{case}: no session was written");
    (session, module)
}

/// What a host program prints on stdout: the guest's own output and each call's last
/// line (`upper("The input string") returned "THE INPUT STRING"`); on stderr: the
/// guest's. Taken from `replay`'s output.
fn expected(replay: &str) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    for line in replay.lines() {
        if let Some(output) = line.strip_prefix("stdout: ") {
            out.push(output.to_owned());
        } else if let Some(output) = line.strip_prefix("stderr: ") {
            err.push(output.to_owned());
        } else if line.contains(") returned ") && !line.starts_with('[') {
            out.push(line.to_owned());
        }
    }
    (out, err)
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

/// Checks that `ran` printed what `replay` did; a failure's description otherwise.
fn compare(what: &str, ran: &Output, replay: &str) -> Option<String> {
    let (out, err) = expected(replay);
    assert!(!out.is_empty(), "{what}: replay printed no result line");
    let same = lines(&stdout(ran)) == out && lines(&stderr(ran)) == err && ran.status.success();
    (!same).then(|| {
        format!(
            "{what} printed\n{}(stderr {}, exit {:?})\nbut replay printed\n{}\n(stderr {})",
            stdout(ran),
            stderr(ran),
            ran.status.code(),
            out.join("\n"),
            err.join("\n")
        )
    })
}

/// A check that cannot run here: a note, or under `CI=true` a failure.
fn skip(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true, but this check cannot run: {why}");
    }
    eprintln!("skipped: {why}");
}

/// The folder whose `node_modules` holds jco and preview2-shim, if installed.
fn jco_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("WASMSCOPE_JCO_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/wasmscope-jco"),
    };
    let modules = dir.join("node_modules/@bytecodealliance");
    let installed = ["jco", "preview2-shim"]
        .iter()
        .all(|p| modules.join(p).join("package.json").is_file());
    installed.then_some(dir)
}

/// Puts jco where node looks for the packages of a program in `dir`: beside it.
fn link_jco(dir: &Path, jco: &Path) {
    let link = dir.join("node_modules");
    if !link.exists() {
        std::os::unix::fs::symlink(jco.join("node_modules"), &link).unwrap();
    }
}

#[test]
fn component_programs_match_golden_files_and_print_what_replay_prints_in_node() {
    assert!(!CASES.is_empty());
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let jco = jco_dir();
    if jco.is_none() {
        skip(&format!(
            "jco is not installed: `npm install --prefix ~/.cache/wasmscope-jco --no-save \
             {JCO_PACKAGES}` (as .ci/run does; or set WASMSCOPE_JCO_DIR)"
        ));
    }
    let mut failures = Vec::new();
    for (case, how) in CASES {
        let (session, module) = save_session(case, how);
        let session_arg = session.to_str().unwrap();
        let replay = wasmscope(&["replay", session_arg, "--allow-host-settings"]);
        assert!(replay.status.success(), "{case}: {}", stderr(&replay));
        for (lang, ext) in [("rust", "rs"), ("js", "mjs")] {
            // Printed from the golden's folder, the program looks for the component
            // from there.
            let golden = golden_path(case, ext);
            let out = wasmscope_in(
                golden.parent().unwrap(),
                &["export", session_arg, "--lang", lang],
            );
            assert!(out.status.success(), "{case} {lang}: {}", stderr(&out));
            let program = stdout(&out);
            if bless {
                std::fs::write(&golden, &program).unwrap();
            } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(&program) {
                failures.push(format!(
                    "{case}: the {lang} program differs from {}",
                    golden.display()
                ));
            }
        }
        let Some(jco) = &jco else { continue };
        let dir = scratch(case);
        let file = dir.join("host.mjs");
        std::fs::copy(golden_path(case, "mjs"), &file).unwrap();
        link_jco(&dir, jco);
        let ran = Command::new("node")
            .arg(&file)
            .arg(&module)
            .output()
            .unwrap();
        failures.extend(compare(&format!("{case}: node"), &ran, &stdout(&replay)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A JavaScript program without jco installed, or without its component, says so in
/// one line (the first names the `npm install` to run).
#[test]
fn a_component_program_missing_jco_or_its_component_says_so_in_one_line() {
    let program = golden_path("component_upper", "mjs");
    let bare = scratch("no-jco");
    std::fs::copy(&program, bare.join("host.mjs")).unwrap();
    let ran = Command::new("node")
        .arg(bare.join("host.mjs"))
        .output()
        .unwrap();
    assert!(!ran.status.success());
    let err = stderr(&ran);
    assert_eq!(err.lines().count(), 1, "{err}");
    let said = format!("cannot find @bytecodealliance/jco: npm install {JCO_PACKAGES}");
    assert!(err.contains(&said), "{err}");

    let Some(jco) = jco_dir() else {
        return skip("jco is not installed (see the test above)");
    };
    let dir = scratch("no-component");
    std::fs::copy(&program, dir.join("host.mjs")).unwrap();
    link_jco(&dir, &jco);
    let gone = dir.join("gone.wasm");
    let ran = Command::new("node")
        .arg(dir.join("host.mjs"))
        .arg(&gone)
        .output()
        .unwrap();
    assert!(!ran.status.success());
    let err = stderr(&ran);
    assert_eq!(err.lines().count(), 1, "{err}");
    let said = format!(
        "cannot read the component at {} (no such file)",
        gone.display()
    );
    assert!(err.contains(&said), "{err}");
}

/// `tests/fixtures/wave_types.wasm` is its `.wat` as a binary (the programs read a
/// binary: jco takes no text); `BLESS=1` rewrites it.
#[test]
fn the_wave_types_component_is_its_wat() {
    let fixtures = root().join("tests/fixtures");
    let built = wat::parse_file(fixtures.join("wave_types.wat")).unwrap();
    let binary = fixtures.join("wave_types.wasm");
    if std::env::var_os("BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&binary, &built).unwrap();
    }
    assert!(
        std::fs::read(&binary).ok() == Some(built),
        "{} is out of date: BLESS=1 cargo test --test export_components",
        binary.display()
    );
}

/// Where cargo put this package's examples: beside the folder of this test binary.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn rust_component_programs_build_and_print_what_replay_prints() {
    assert!(!CASES.is_empty());
    let mut failures = Vec::new();
    for (case, how) in CASES {
        let (session, _) = save_session(case, how);
        let replay = wasmscope(&["replay", session.to_str().unwrap(), "--allow-host-settings"]);
        let binary = example_binary(&format!("export_{case}"));
        assert!(
            binary.exists(),
            "{} is missing: `cargo test` builds the examples (or `cargo build --examples`)",
            binary.display()
        );
        // Without a path, from another folder, it finds the component from its source's.
        let ran = Command::new(&binary)
            .current_dir(scratch(case))
            .output()
            .unwrap();
        failures.extend(compare(&format!("{case}: Rust"), &ran, &stdout(&replay)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Sessions no program can do: the component (from the package's folder), the step,
/// and what the refusal says.
const REFUSED: &[(&str, &str, &str)] = &[
    (
        "assets/component_upper.wasm",
        "op = \"invoke\"\nexport = \"nope\"\nargs = []",
        "the component exports no function `nope`; its functions: upper, count",
    ),
    (
        "assets/component_upper.wasm",
        "op = \"invoke\"\nexport = \"upper\"\nargs = [\"42\"]",
        "`42` is not a value of `s`'s type",
    ),
    (
        "assets/component_upper.wasm",
        "op = \"call\"\nexport = \"upper\"",
        "`call` is a step for core modules",
    ),
    (
        "tests/fixtures/needs_host.wat",
        "op = \"invoke\"\nexport = \"greet\"\nargs = []",
        "the component imports `host-log`; exported programs provide only WASI to a component",
    ),
];

#[test]
fn a_component_session_a_program_cannot_do_is_refused_with_the_reason() {
    assert!(!REFUSED.is_empty());
    let dir = scratch("refused");
    for (module, step, said) in REFUSED {
        let session = dir.join("s.toml");
        std::fs::write(
            &session,
            format!(
                "version = 1\n[module]\npath = {:?}\n\n[[step]]\n{step}\n",
                root().join(module)
            ),
        )
        .unwrap();
        for lang in ["rust", "js"] {
            let out = wasmscope(&["export", session.to_str().unwrap(), "--lang", lang]);
            assert!(!out.status.success(), "{step}");
            let err = stderr(&out);
            assert!(err.contains(said), "{step}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
}
