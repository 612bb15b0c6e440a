//! Unit tests for `function_wat` and `load_module_bytes`.

use super::tests::ALL_KINDS;
use super::*;
use std::path::PathBuf;

fn all_kinds_bytes() -> Vec<u8> {
    wat::parse_str(ALL_KINDS).expect("test WAT parses")
}

#[test]
fn function_wat_prints_only_that_function() {
    let bytes = all_kinds_bytes();
    let text = function_wat(&bytes, 1).expect("prints");
    assert!(text.starts_with("(func $add (;1;) (type $pair)"), "{text}");
    assert!(text.contains("i32.add"), "{text}");
    assert!(text.trim_end().ends_with(')'), "{text}");
    assert!(
        !text.contains("$pair (;2;)") && !text.contains("call $log"),
        "{text}"
    );
    let last = function_wat(&bytes, 4).expect("prints");
    assert!(last.contains("call $log"), "{last}");
    assert!(
        !last.contains("(module") && !last.contains("data"),
        "{last}"
    );
}

#[test]
fn function_wat_rejects_imports_and_missing_indices() {
    let bytes = all_kinds_bytes();
    let imported = format!("{:#}", function_wat(&bytes, 0).expect_err("imported"));
    assert!(imported.contains("imported (env.log)"), "{imported}");
    let missing = format!("{:#}", function_wat(&bytes, 99).expect_err("missing"));
    assert!(missing.contains("has 5 functions"), "{missing}");
    assert!(function_wat(b"nope", 0).is_err());
}

#[test]
fn function_wat_caps_huge_functions() {
    let body = "i32.const 1 drop\n".repeat(40_000);
    let bytes = wat::parse_str(format!("(module (func {body}))")).expect("parses");
    let text = function_wat(&bytes, 0).expect("prints");
    assert!(text.len() <= MAX_WAT_BYTES + 100, "{}", text.len());
    assert!(
        text.ends_with("the function is longer\n"),
        "{}",
        &text[text.len() - 80..]
    );
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmscope-inspect-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn load_reads_binary_and_text() {
    let dir = scratch("load");
    let binary = dir.join("m.wasm");
    std::fs::write(&binary, all_kinds_bytes()).expect("write");
    assert_eq!(
        load_module_bytes(&binary).expect("loads"),
        all_kinds_bytes()
    );
    let text = dir.join("m.wat");
    std::fs::write(&text, ALL_KINDS).expect("write");
    assert_eq!(load_module_bytes(&text).expect("loads"), all_kinds_bytes());
    let no_extension = dir.join("module");
    std::fs::write(&no_extension, format!(";; comment\n{ALL_KINDS}")).expect("write");
    assert!(
        load_module_bytes(&no_extension)
            .expect("loads")
            .starts_with(b"\0asm")
    );
    let not_wat = dir.join("notes.txt");
    std::fs::write(&not_wat, "just some notes").expect("write");
    let raw = load_module_bytes(&not_wat).expect("returned as is");
    assert!(format!("{:#}", inspect(&raw).expect_err("not wasm")).contains("bad magic"));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn load_errors_name_the_path() {
    let dir = scratch("errors");
    let missing = dir.join("missing.wasm");
    let err = format!("{:#}", load_module_bytes(&missing).expect_err("missing"));
    assert!(err.contains("missing.wasm"), "{err}");
    let err = format!("{:#}", load_module_bytes(&dir).expect_err("directory"));
    assert!(err.contains("is a directory"), "{err}");
    let empty = dir.join("empty.wasm");
    std::fs::write(&empty, b"").expect("write");
    let err = format!("{:#}", load_module_bytes(&empty).expect_err("empty"));
    assert!(err.contains("empty.wasm is empty"), "{err}");
    let bad = dir.join("bad.wat");
    std::fs::write(&bad, "(module (func (result i32) i32.const))").expect("write");
    let err = format!("{:#}", load_module_bytes(&bad).expect_err("bad wat"));
    assert!(
        err.contains("bad.wat is not valid WebAssembly text"),
        "{err}"
    );
    assert!(
        err.contains("bad.wat:1:"),
        "the wat error points at a line: {err}"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn to_binary_converts_text_and_passes_the_rest() {
    let binary = all_kinds_bytes();
    assert_eq!(to_binary(&binary).expect("binary"), binary);
    assert_eq!(to_binary(ALL_KINDS.as_bytes()).expect("text"), binary);
    assert_eq!(to_binary(b"\x7fELF").expect("as is"), b"\x7fELF");
    let err = format!(
        "{:#}",
        to_binary(b"(module (func i32.const))").expect_err("bad")
    );
    assert!(err.contains("not valid WebAssembly text"), "{err}");
}
