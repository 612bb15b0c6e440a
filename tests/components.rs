//! Components from the command line: `inspect` shows their WIT and what each export
//! lifts, `run --call NAME --args WAVE…` calls them with typed values, a WASI preview 2
//! command runs its `wasi:cli/run`, and bad input is one line.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use cli_support::{asset, stderr, stdout, wasmscope};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `run` on `component` with `args` after `--call`: (stdout, stderr, success).
fn call(component: &str, args: &[&str]) -> (String, String, bool) {
    let mut full = vec!["run", component, "--call"];
    full.extend(args);
    let out = wasmscope(&full);
    (stdout(&out), stderr(&out), out.status.success())
}

#[test]
fn the_rust_component_is_called_with_typed_values() {
    let component = asset("component.wasm");
    let (out, err, ok) = call(&component, &["append", "--args", "\"The input string\""]);
    assert!(ok, "{err}");
    assert!(
        out.ends_with(
            "append(\"The input string\") returned \"The input string<---- This is your string\"\n"
        ),
        "{out}"
    );
    // The canonical ABI's steps come first: realloc, the core function, post-return.
    assert!(
        out.contains("[cabi_realloc(0, 0, 1, 16) -> 0x110008] changed: none"),
        "{out}"
    );
    assert!(out.contains("[append(0x"), "{out}");
    assert!(out.contains("[cabi_post_append(0x"), "{out}");
    let (out, _, ok) = call(&component, &["sum", "--args", "[1, 2, 3]"]);
    assert!(ok);
    assert!(out.ends_with("sum([1, 2, 3]) returned 6\n"), "{out}");
    assert!(
        out.contains("[cabi_realloc(0, 0, 4, 12) -> 0x110008]"),
        "{out}"
    );
    let (out, _, ok) = call(&component, &["label", "--args", "{name: \"x\", count: 3}"]);
    assert!(ok);
    assert!(
        out.ends_with("label({name: \"x\", count: 3}) returned {name: \"X\", count: 4}\n"),
        "{out}"
    );
    assert!(out.contains("return area 0x"), "{out}");
}

#[test]
fn the_hand_written_component_upper_cases() {
    let (out, err, ok) = call(
        &asset("component_upper.wasm"),
        &["upper", "--args", "\"The input string\""],
    );
    assert!(ok, "{err}");
    // The fixed layout of guests/wat/component_upper.wat, byte for byte.
    assert_eq!(
        out,
        "Canonical ABI (each core function wasmtime called, and what changed before it):\n\
         [cabi_realloc(0, 0, 1, 16) -> 0x1000] changed: none  <- room for an argument (realloc)\n\
         [upper(0x1000, 16) -> 0x100] changed: 0x1000..0x1010 (16 bytes)  \
         <- the lifted core function, flat arguments\n\
         [cabi_post_upper(0x100)] changed: 0x100..0x102 (2 bytes), 0x104..0x105 (1 byte), \
         0x1010..0x1020 (16 bytes)  <- results read; the guest frees them (post-return)\n\
         [after the call] changed: none\n\
         return area 0x100: [0x1010, 16] -> \"THE INPUT STRING\"\n\
         upper(\"The input string\") returned \"THE INPUT STRING\"\n"
    );
    let (out, _, _) = call(
        &asset("component_upper.wasm"),
        &["count", "--args", "\"héllo\""],
    );
    assert!(out.ends_with("count(\"héllo\") returned 6\n"), "{out}");
}

#[test]
fn without_call_the_exports_are_listed() {
    let out = wasmscope(&["run", &asset("component.wasm")]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("  sum(values: list<u32>) -> u64\n"), "{text}");
    assert!(
        text.ends_with("No --call given, so nothing was called\n"),
        "{text}"
    );
}

#[test]
fn a_wasi_command_component_runs_with_its_output() {
    let (out, err, ok) = call(&asset("hello_p2.wasm"), &["run", "--wasi-arg", "--loud"]);
    assert!(ok, "{err}");
    assert!(out.contains("WASI preview 2 provided"), "{out}");
    assert!(
        out.contains("stdout: Hello from a WASI preview 2 command component!\n"),
        "{out}"
    );
    assert!(
        out.contains("stderr: args: [\"hello_p2.wasm\", \"--loud\"]\n"),
        "{out}"
    );
    assert!(
        out.ends_with("wasi:cli/run@0.2.0#run() returned ok\n"),
        "{out}"
    );
}

#[test]
fn bad_input_is_one_line() {
    let component = asset("component.wasm");
    let one_line = |(_, err, ok): (String, String, bool), expected: &str| {
        assert!(!ok);
        assert!(err.contains(expected), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    };
    one_line(
        call(&component, &["sum", "--args", "\"nope\""]),
        "`\"nope\"` is not a list<u32> for `values`",
    );
    one_line(
        call(&component, &["sum", "--args", "[1]", "[2]"]),
        "`sum` takes 1 argument(s) (values: list<u32>), but 2 were given",
    );
    one_line(
        call(&component, &["nope"]),
        "the component exports no function `nope`; its functions: append, sum, label",
    );
    one_line(
        call(&fixture("needs_host.wat"), &["greet", "--stub", "trap"]),
        "`greet` trapped: it called the import `host-log`, whose stub is set to trap",
    );
    let dir = std::env::temp_dir().join(format!("wasmscope-components-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let truncated = dir.join("truncated.wasm");
    let bytes = std::fs::read(&component).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    for command in ["inspect", "run"] {
        let out = wasmscope(&[command, truncated.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains("invalid component at byte offset"), "{err}");
        assert!(err.contains("truncated"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

#[test]
fn an_import_nobody_provides_gets_a_stub_that_answers_zeros_and_is_logged() {
    let (out, err, ok) = call(&fixture("needs_host.wat"), &["greet"]);
    assert!(ok, "{err}");
    assert!(out.contains("stubbed imports: host-log (zeros)"), "{out}");
    assert!(out.contains("stub host-log(\"hello\") -> \n"), "{out}");
    assert!(out.ends_with("greet() returned ()\n"), "{out}");
}

#[test]
fn inspect_json_has_the_wit_and_each_lift() {
    let out = wasmscope(&["inspect", "--json", &asset("component_upper.wasm")]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        json["wit"]
            .as_str()
            .unwrap()
            .contains("export upper: func(s: string) -> string;")
    );
    let upper = &json["exports"][0];
    assert_eq!(upper["name"], "upper");
    assert_eq!(
        upper["lift"]["realloc"],
        "core instance 0 export `cabi_realloc`"
    );
    assert_eq!(
        upper["lift"]["post_return"],
        "core instance 0 export `cabi_post_upper`"
    );
    assert_eq!(upper["lift"]["string_encoding"], "utf8");
    assert_eq!(json["core_modules"][0]["memories"][0], 1);
}

#[test]
fn a_call_is_saved_as_a_session_and_replayed() {
    let dir = std::env::temp_dir().join(format!("wasmscope-comp-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let session = dir.join("append.toml");
    let session_arg = session.to_str().unwrap();
    let (run_out, err, ok) = call(
        &asset("component.wasm"),
        &[
            "append",
            "--args",
            "\"The input string\"",
            "--save",
            session_arg,
        ],
    );
    assert!(ok, "{err}");
    let replayed = wasmscope(&["replay", session_arg]);
    assert!(replayed.status.success(), "{}", stderr(&replayed));
    assert_eq!(stdout(&replayed), run_out);
    // A module's step in a component's session is refused, naming it.
    let text =
        std::fs::read_to_string(&session).unwrap() + "\n[[step]]\nop = \"read\"\nat = 0\nlen = 4\n";
    std::fs::write(&session, text).unwrap();
    let replayed = wasmscope(&["replay", session_arg]);
    assert!(!replayed.status.success());
    assert!(
        stderr(&replayed).contains("step 2: `read` is a step for core modules"),
        "{}",
        stderr(&replayed)
    );
}

#[test]
fn trace_writes_lists_each_instruction_that_wrote_during_the_call() {
    let (out, err, ok) = call(
        &asset("component_upper.wasm"),
        &["upper", "--args", "\"abc\"", "--trace-writes"],
    );
    assert!(ok, "{err}");
    // After `upper` is entered: the three upper-cased bytes at 0x1003, then the
    // return area's (ptr, len) at 0x100; then post-return.
    let expected = "[upper(0x1000, 3) -> 0x100] changed: 0x1000..0x1003 (3 bytes)  \
                    <- the lifted core function, flat arguments\n\
                    upper+0x0042 i32.store8 [0x1003..0x1004] <- 41\n\
                    upper+0x0042 i32.store8 [0x1004..0x1005] <- 42\n\
                    upper+0x0042 i32.store8 [0x1005..0x1006] <- 43\n\
                    upper+0x0055 i32.store [0x100..0x104] <- 03 10 00 00\n\
                    upper+0x005d i32.store [0x104..0x108] <- 03 00 00 00\n\
                    [cabi_post_upper(0x100)]";
    assert!(out.contains(expected), "{out}");
    // Past --max-traced-writes a call's writes are counted, and it says how many.
    let (out, err, ok) = call(
        &asset("component_upper.wasm"),
        &[
            "upper",
            "--args",
            "\"abc\"",
            "--trace-writes",
            "--max-traced-writes",
            "2",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out.matches("upper+0x").count(), 2, "{out}");
    assert!(
        out.contains(
            "... and 3 more writes (not listed; --max-traced-writes lists more)\n\
             [after the call]"
        ),
        "{out}"
    );
}

#[test]
fn the_limits_end_a_component_that_loops_or_grows_forever() {
    let hostile = fixture("hostile_component.wat");
    let (_, err, ok) = call(&hostile, &["spin", "--timeout-ms", "200"]);
    assert!(!ok);
    assert!(
        err.contains("`spin` was interrupted: it ran longer than the time limit of 200 ms"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let (_, err, ok) = call(&hostile, &["grow", "--memory-limit-mb", "16"]);
    assert!(!ok);
    assert!(
        err.contains("`grow` trapped: memory limit reached"),
        "{err}"
    );
}

#[test]
fn a_wasi_command_component_sees_its_environment_and_granted_folders() {
    let dir = std::env::temp_dir().join(format!("wasmscope-p2-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("granted.txt"), "yes").unwrap();
    let folder = dir.to_str().unwrap();
    let hello = asset("hello_p2.wasm");
    let granted = [
        "run",
        "--wasi-arg",
        folder,
        "--env",
        "GREETING=hi",
        "--dir",
        folder,
    ];
    let (out, err, ok) = call(&hello, &granted);
    assert!(ok, "{err}");
    assert!(
        out.contains("stdout: env: [(\"GREETING\", \"hi\")]\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!("stdout: {folder}: granted.txt\n")),
        "{out}"
    );
    // Without --dir the guest has no filesystem: the folder cannot be read.
    let (out, err, ok) = call(&hello, &["run", "--wasi-arg", folder]);
    assert!(ok, "{err}");
    assert!(!out.contains("granted.txt"), "{out}");
    assert!(out.contains(&format!("stdout: {folder}: ")), "{out}");
    assert!(!out.contains("stdout: env:"), "{out}");

    // Saved with its settings, replayed with them only when allowed.
    let session = dir.join("hello.toml");
    let mut saving = granted.to_vec();
    saving.extend(["--save", session.to_str().unwrap()]);
    let (_, err, ok) = call(&hello, &saving);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&session).unwrap();
    assert!(text.contains("GREETING"), "{text}");
    let allowed = wasmscope(&["replay", session.to_str().unwrap(), "--allow-host-settings"]);
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    assert!(
        stdout(&allowed).contains("granted.txt"),
        "{}",
        stdout(&allowed)
    );
    assert!(
        stdout(&allowed).contains("GREETING"),
        "{}",
        stdout(&allowed)
    );
    let refused = wasmscope(&["replay", session.to_str().unwrap()]);
    assert!(refused.status.success(), "{}", stderr(&refused));
    assert!(
        !stdout(&refused).contains("granted.txt"),
        "{}",
        stdout(&refused)
    );
    assert!(
        !stdout(&refused).contains("GREETING"),
        "{}",
        stdout(&refused)
    );
}
