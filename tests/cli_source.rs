//! The CLI at source level: `--trace-writes` names each write's source line when the
//! module has DWARF, and leaves a module without DWARF as it was.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use cli_support::{asset, source_line, stderr, stdout, wasmscope};

/// `run` on the C guest's `upper` with `extra` arguments.
fn run_upper(extra: &[&str]) -> std::process::Output {
    let module = asset("dwarf_c.wasm");
    let mut args = vec![
        "run", &module, "--alloc", "alloc", "--call", "upper", "--input", "hello",
    ];
    args.extend_from_slice(extra);
    wasmscope(&args)
}

#[test]
fn traced_writes_carry_their_source_line() {
    let out = run_upper(&["--trace-writes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // The byte written back into the input: `s[i] = c;` in poly.c.
    let stores: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("upper+") && l.contains("i32.store8 [0x400..0x401]"))
        .collect();
    assert_eq!(stores.len(), 1, "{text}");
    let location = stores[0].rsplit(' ').next().unwrap();
    let mut parts = location.split(':');
    assert_eq!(parts.next(), Some("poly.c"), "{location}");
    let line: u32 = parts.next().unwrap().parse().unwrap();
    assert_eq!(source_line("dwarf_c/poly.c", line).trim(), "s[i] = c;");
    let column: usize = parts.next().unwrap().parse().unwrap();
    assert!(column > 0, "{location}");
    // Every traced write of the C guest has a line.
    let writes: Vec<&str> = text.lines().filter(|l| l.contains(" <- ")).collect();
    assert!(writes.len() > 10, "{text}");
    assert!(writes.iter().all(|l| l.contains(" poly.c:")), "{text}");
    assert!(!stderr(&out).contains("debug info"), "{}", stderr(&out));
}

#[test]
fn a_module_without_dwarf_traces_as_before() {
    let out = wasmscope(&[
        "run",
        &asset("append.wasm"),
        "--input",
        "hi",
        "--trace-writes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let writes: Vec<&str> = text.lines().filter(|l| l.contains(" <- ")).collect();
    assert!(!writes.is_empty(), "{text}");
    assert!(
        writes
            .iter()
            .all(|l| !l.contains(".c:") && !l.contains(".rs:")),
        "{text}"
    );
}

#[test]
fn damaged_debug_info_is_one_note_and_the_run_goes_on() {
    let mut binary = std::fs::read(asset("dwarf_c.wasm")).unwrap();
    // Garbage over the start of `.debug_info`'s payload.
    let name = b".debug_info";
    let at = binary.windows(name.len()).position(|w| w == name).unwrap() + name.len();
    for byte in &mut binary[at..at + 16] {
        *byte = 0xff;
    }
    let path = std::env::temp_dir().join(format!("wasmscope-damaged-{}.wasm", std::process::id()));
    std::fs::write(&path, &binary).unwrap();
    let out = wasmscope(&[
        "run",
        path.to_str().unwrap(),
        "--alloc",
        "alloc",
        "--call",
        "upper",
        "--input",
        "hello",
        "--trace-writes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let notes: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.contains("debug info"))
        .map(str::to_owned)
        .collect();
    assert_eq!(notes.len(), 1, "{}", stderr(&out));
    assert!(notes[0].starts_with("note: cannot read"), "{notes:?}");
    assert!(stdout(&out).contains(" <- "), "{}", stdout(&out));
}

#[test]
fn break_pauses_at_a_source_line_prints_the_frame_and_goes_on() {
    // `hello`: line 31 (`s[i] = c;`) runs once a byte, 38 (`return len;`) once, and
    // line 45 (in `centroid`, never called) not at all.
    let out = run_upper(&[
        "--break",
        "poly.c:31",
        "--break",
        "dwarf_c/poly.c:38",
        "--break",
        "poly.c:45",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let hits: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("break poly.c:31 (hit"))
        .collect();
    assert_eq!(hits.len(), 5, "{text}");
    assert!(
        text.contains("break poly.c:31 (hit 5):\n  in upper+0x"),
        "{text}"
    );
    assert_eq!(source_line("dwarf_c/poly.c", 31).trim(), "s[i] = c;");
    let frame = text
        .lines()
        .skip_while(|l| !l.starts_with("break poly.c:31 (hit 1)"))
        .nth(1);
    assert!(frame.unwrap().ends_with(" at poly.c:31:16"), "{text}");
    assert!(text.contains("break dwarf_c/poly.c:38 (hit 1):"), "{text}");
    assert!(text.contains("break poly.c:45 was never reached"), "{text}");
    // The run prints what it prints without --break, breakpoint lines aside.
    let plain = stdout(&run_upper(&[]));
    let mut rest: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("break ") && !l.starts_with("  "))
        .filter(|l| !l.starts_with("Host memory pointer") && !l.starts_with("address for"))
        .collect();
    let mut expected: Vec<&str> = plain
        .lines()
        .filter(|l| !l.starts_with("Host memory pointer") && !l.starts_with("address for"))
        .collect();
    rest.sort_unstable();
    expected.sort_unstable();
    assert_eq!(rest, expected);
}

#[test]
fn break_refuses_a_line_without_code_or_a_module_without_dwarf() {
    let out = run_upper(&["--break", "poly.c:2"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--break poly.c:2: no code is at that line"),
        "{}",
        stderr(&out)
    );
    let module = asset("append.wasm");
    let out = wasmscope(&["run", &module, "--input", "hi", "--break", "lib.rs:3"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--break needs the module's debug info (DWARF)"),
        "{}",
        stderr(&out)
    );
    let out = run_upper(&["--break", "poly.c"]);
    assert!(
        stderr(&out).contains("`poly.c` is not FILE:LINE"),
        "{}",
        stderr(&out)
    );
}
