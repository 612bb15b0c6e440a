//! Detection and calling conventions on small hand-written modules.

use super::*;
use crate::inspect::inspect;

fn info(wat: &str) -> ModuleInfo {
    inspect(&wat::parse_str(wat).unwrap()).unwrap()
}

fn exports(found: &[Allocator]) -> Vec<&str> {
    found.iter().map(|a| a.export.as_str()).collect()
}

#[test]
fn newer_wasm_bindgen_hides_malloc_as_the_first_size_align_export() {
    // As in tiktoken: export_0 frees an object, export_1 is malloc, export_2 realloc.
    let module = info(
        r#"(module (memory (export "memory") 1)
            (func (export "__wbindgen_export_0") (param i32))
            (func (export "__wbindgen_export_2") (param i32 i32 i32 i32) (result i32) i32.const 0)
            (func (export "__wbindgen_export_3") (param i32 i32) (result i32) i32.const 0)
            (func (export "__wbindgen_export_1") (param i32 i32) (result i32) i32.const 0))"#,
    );
    let found = detect(&module);
    assert_eq!(exports(&found), ["__wbindgen_export_1"]);
    assert_eq!(found[0].convention, Convention::WasmBindgen);
    assert_eq!(found[0].args(46).unwrap(), [Value::I32(46), Value::I32(1)]);
}

#[test]
fn preference_order_and_what_is_left_out() {
    let module = info(
        r#"(module (memory (export "memory") 1)
            (func (export "stackAlloc") (param i32) (result i32) i32.const 0)
            (func (export "my_alloc") (param i32) (result i32) i32.const 0)
            (func (export "__new") (param i32 i32) (result i32) i32.const 0)
            (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 0)
            (func (export "__wbindgen_malloc") (param i32) (result i32) i32.const 0)
            (func (export "__wbindgen_export_0") (param i32 i32) (result i32) i32.const 0)
            (func (export "malloc") (param i32) (result i32) i32.const 0)
            (func (export "realloc") (param i32) (result i32) i32.const 0)
            (func (export "alloc") (param i64) (result i64) i64.const 0))"#,
    );
    let found = detect(&module);
    assert_eq!(
        exports(&found),
        [
            "alloc",
            "malloc",
            "__wbindgen_malloc",
            "cabi_realloc",
            "__new",
            "my_alloc"
        ]
    );
    assert!(found[0].wide, "alloc takes an i64 size");
    assert_eq!(found[0].args(8).unwrap(), [Value::I64(8)]);
    // The older wasm-bindgen malloc takes the size only.
    assert_eq!(found[2].align, None);
    assert_eq!(found[2].args(8).unwrap(), [Value::I32(8)]);
    assert_eq!(
        found[3].args(8).unwrap(),
        [Value::I32(0), Value::I32(0), Value::I32(1), Value::I32(8)]
    );
    assert_eq!(found[4].pin, None, "no __pin export");
    assert_eq!(found[4].args(8).unwrap(), [Value::I32(8), Value::I32(1)]);
}

#[test]
fn sizes_past_i32_are_refused_for_wasm32_allocators() {
    let module = info(r#"(module (func (export "malloc") (param i32) (result i32) i32.const 0))"#);
    let malloc = &detect(&module)[0];
    let err = format!("{:#}", malloc.args(1 << 33).unwrap_err());
    assert!(err.contains("do not fit an i32"), "{err}");
}

#[test]
fn convention_names_round_trip() {
    for convention in Convention::ALL {
        assert_eq!(Convention::from_name(convention.name()), Some(convention));
    }
    assert_eq!(Convention::from_name("Malloc"), None);
}
