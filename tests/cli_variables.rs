//! `run --break` prints the paused frame's variables — names, types, values and
//! addresses from DWARF, evaluated over the real pause — as text and as JSON.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use cli_support::{asset, source_line, stderr, stdout, wasmscope};

const INPUT: &str = "Hi there!";

fn run_c(extra: &[&str]) -> String {
    let module = asset("dwarf_c.wasm");
    let mut args = vec![
        "run", &module, "--alloc", "alloc", "--call", "upper", "--input", INPUT,
    ];
    args.extend_from_slice(extra);
    let out = wasmscope(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// `value` and `address` of a printed line `NAME: TYPE = VALUE @ 0xADDR`.
fn value_and_address(line: &str) -> (String, u64) {
    let (_, rest) = line.split_once(" = ").unwrap();
    let (value, at) = rest.rsplit_once(" @ 0x").unwrap();
    (value.to_owned(), u64::from_str_radix(at, 16).unwrap())
}

#[test]
fn break_prints_every_element_of_a_struct_array_with_its_values_and_addresses() {
    assert_eq!(source_line("dwarf_c/poly.c", 34).trim(), "pts[i].y = c;");
    assert_eq!(source_line("dwarf_c/poly.c", 38).trim(), "return len;");
    let text = run_c(&["--trace-writes", "--break", "poly.c:38"]);
    // Where the guest stored each `pts[i].y`, as the recorder saw it.
    let y_writes: Vec<u64> = text
        .lines()
        .filter(|l| l.contains(" <- ") && l.contains(" poly.c:34:"))
        .map(|l| {
            let at = l.split('[').nth(1).unwrap().split("..").next().unwrap();
            u64::from_str_radix(at.trim_start_matches("0x"), 16).unwrap()
        })
        .collect();
    assert_eq!(y_writes.len(), 8, "{text}");
    let block: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("break poly.c:38 (hit 1):"))
        .take_while(|l| l.starts_with("break") || l.starts_with("  "))
        .collect();
    assert!(block.contains(&"  variables:"), "{text}");
    let pts = block
        .iter()
        .position(|l| l.contains("static pts: point[8] = "))
        .unwrap();
    let upper: Vec<u8> = INPUT.bytes().map(|b| b.to_ascii_uppercase()).collect();
    for i in 0..8 {
        // `[i]: point = {x = i, y = Y} @ …`, then its x and y.
        let element = block[pts + 1 + 3 * i];
        assert!(
            element
                .trim_start()
                .starts_with(&format!("[{i}]: point = ")),
            "{element}"
        );
        let (x, x_at) = value_and_address(block[pts + 2 + 3 * i]);
        let (y, y_at) = value_and_address(block[pts + 3 + 3 * i]);
        assert_eq!(x, i.to_string());
        assert_eq!(y, upper[i].to_string());
        assert_eq!(y_at, y_writes[i], "pts[{i}].y is where the guest wrote it");
        assert_eq!(x_at + 2, y_at);
    }
    assert!(
        block
            .iter()
            .any(|l| l.contains("static kept: int = 8 @ 0x")),
        "{text}"
    );
    assert!(
        block
            .iter()
            .any(|l| l.starts_with("    param  s: char * = ") && l.contains("\"HI THERE!")),
        "{text}"
    );
}

#[test]
fn break_json_is_one_line_per_pause_with_the_variables() {
    let text = run_c(&["--break", "poly.c:38", "--json"]);
    let pauses: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(pauses.len(), 1, "{text}");
    let pause = &pauses[0];
    assert_eq!(pause["break"], "poly.c:38");
    assert_eq!(pause["function"], "upper");
    assert_eq!(pause["frames"][0]["location"], "poly.c:38:12");
    let variables = pause["variables"].as_array().unwrap();
    let pts = variables.iter().find(|v| v["name"] == "pts").unwrap();
    assert_eq!(pts["kind"], "static");
    assert_eq!(pts["type"], "point[8]");
    let y1 = &pts["children"][1]["children"][1];
    assert_eq!(y1["path"], "pts[1].y");
    assert_eq!(y1["value"], "73");
    assert_eq!(y1["address"], pts["address"].as_u64().unwrap() + 6);
    let len = variables.iter().find(|v| v["name"] == "len").unwrap();
    assert_eq!(
        (len["kind"].as_str(), len["value"].as_str()),
        (Some("param"), Some("9"))
    );
}

#[test]
fn json_without_break_is_refused() {
    let module = asset("dwarf_c.wasm");
    let out = wasmscope(&["run", &module, "--input", "x", "--json"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--json prints the pauses of --break"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_rust_debug_frame_reads_as_rust_with_string_vec_and_enum() {
    let module = asset("dwarf_rust.wasm");
    let input = "The input string";
    assert_eq!(
        source_line("dwarf_rust/src/lib.rs", 80).trim(),
        "let summary = describe(&shape, points.len());"
    );
    let out = wasmscope(&[
        "run",
        &module,
        "--call",
        "summarize",
        "--input",
        input,
        "--break",
        "lib.rs:80",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let line = |start: &str| {
        let found = text.lines().find(|l| l.trim_start().starts_with(start));
        found
            .unwrap_or_else(|| panic!("no `{start}` in {text}"))
            .trim_start()
            .to_owned()
    };
    assert!(line("local  text: String = ").starts_with(&format!(
        "local  text: String = {input:?} (capacity 16) @ 0x"
    )));
    assert!(line("local  text:").ends_with(", 16 bytes)"), "{text}");
    assert!(
        line("local  points: Vec<dwarf_rust::Point> = 16 items [Point { x: 0, y: 84 }, ")
            .contains("(heap 0x")
    );
    assert_eq!(
        line("local  shape: Shape = ").split(" @ ").next().unwrap(),
        "local  shape: Shape = Line { from: Point { x: 0, y: 84 }, to: Point { x: 15, y: 103 } }"
    );
    // Each item of the Vec is a Point made from a byte of the input.
    for (i, b) in input.bytes().enumerate() {
        assert!(
            text.contains(&format!("[{i}]: Point = Point {{ x: {i}, y: {b} }} @ 0x")),
            "{text}"
        );
    }
}

#[test]
fn an_optimised_rust_frame_shows_what_is_there_and_says_what_is_not() {
    let module = asset("dwarf_rust_release.wasm");
    let out = wasmscope(&[
        "run",
        &module,
        "--call",
        "summarize",
        "--input",
        "The input string",
        "--break",
        "lib.rs:106",
        "--break",
        "lib.rs:113",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("break lib.rs:106 (hit 1):"), "{text}");
    assert!(text.contains("break lib.rs:113 (hit 2):"), "{text}");
    // In Wasm locals: a value, no address.
    assert!(text.contains("    param  len: usize = 16\n"), "{text}");
    // Gone at this instruction: said so.
    assert!(
        text.contains("local  points: Vec<dwarf_rust::Point> = <optimised out"),
        "{text}"
    );
    // A reference held in a local, followed into the shadow stack and the heap.
    assert!(
        text.contains("*out: String = \"line 0,84 -> 15,\" (capacity 16) @ 0x"),
        "{text}"
    );
    assert!(
        !text.contains("not supported") && !stderr(&out).contains("error"),
        "{text}"
    );
}
