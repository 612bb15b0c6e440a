//! Allocator conventions on real guests: each is detected, allocates through its own
//! convention, and a string written there reads back.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use wasmscope::engine::allocators::{detect, resolve};
use wasmscope::engine::{Convention, Limits, Session, StopHandle, Value, new_engine};
use wasmscope::inspect::{ModuleInfo, inspect, to_binary};

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn info(bytes: &[u8]) -> ModuleInfo {
    inspect(&to_binary(bytes).unwrap()).unwrap()
}

fn session(bytes: &[u8]) -> Session {
    let stop = StopHandle::new(new_engine().unwrap());
    Session::new(&stop, bytes, Limits::default()).unwrap()
}

fn global(s: &mut Session, name: &str) -> Option<Value> {
    s.globals().into_iter().find(|g| g.name == name)?.value
}

/// Detects the preferred allocator of `asset`, allocates `text` + 3 bytes with it,
/// writes `text`, calls `func(ptr, len)` and returns (pointer, result bytes).
fn round_trip(asset_name: &str, text: &str, func: &str) -> (Session, u64, Vec<u8>) {
    let bytes = asset(asset_name);
    let allocator = detect(&info(&bytes)).into_iter().next().unwrap();
    let mut s = session(&bytes);
    let ptr = s.alloc(&allocator.export, text.len() as u64 + 3).unwrap();
    s.write(ptr, text.as_bytes()).unwrap();
    assert_eq!(s.read(ptr, text.len() as u64).unwrap(), text.as_bytes());
    let args = [Value::I32(ptr as i32), Value::I32(text.len() as i32)];
    let new_len = s.call(func, &args).unwrap()[0].as_u64().unwrap();
    let result = s.read(ptr, new_len).unwrap();
    (s, ptr, result)
}

#[test]
fn each_guest_has_its_convention_detected() {
    let described = |name: &str| -> Vec<String> {
        detect(&info(&asset(name)))
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(described("append.wasm"), ["alloc (alloc)"]);
    assert_eq!(
        described("hostile.wasm"),
        ["alloc (alloc)", "bad_alloc (alloc)"]
    );
    assert_eq!(described("shout_c.wasm"), ["malloc (malloc)"]);
    assert_eq!(
        described("shout_as.wasm"),
        ["__new (assemblyscript, id 1 = ArrayBuffer, pinned with __pin)"]
    );
    assert_eq!(
        described("wasm_bindgen.wasm"),
        ["__wbindgen_malloc (wasm-bindgen, align 1)"]
    );
    assert_eq!(described("cabi.wasm"), ["cabi_realloc (cabi, align 1)"]);
    assert_eq!(described("greet.wasm"), ["alloc (alloc)"]);
}

#[test]
fn c_malloc_allocates_and_the_string_reads_back() {
    let (_, ptr, result) = round_trip("shout_c.wasm", "hello, c", "shout");
    assert!(ptr >= 1024, "the heap starts after the data: {ptr:#x}");
    assert_eq!(result, b"HELLO, C!!!");
}

#[test]
fn assemblyscript_new_allocates_a_pinned_array_buffer() {
    let (mut s, ptr, result) = round_trip("shout_as.wasm", "hello, as", "shout");
    assert_eq!(result, b"HELLO, AS!!!");
    // `__new(12, 1)` made a real ArrayBuffer: the runtime knows its length.
    assert_eq!(
        s.call("bufferLength", &[Value::I32(ptr as i32)]).unwrap(),
        vec![Value::I32(12)]
    );
    // Pinned: a full collection leaves it (and its bytes) alone.
    s.call("__collect", &[]).unwrap();
    assert_eq!(s.read(ptr, 12).unwrap(), b"HELLO, AS!!!");
}

#[test]
fn wasm_bindgen_malloc_gets_size_and_align() {
    let (mut s, ptr, result) = round_trip("wasm_bindgen.wasm", "hello", "reverse");
    assert_eq!(ptr, 0x1000, "wasm_bindgen.wat's heap starts at 0x1000");
    assert_eq!(result, b"olleh");
    assert_eq!(global(&mut s, "last_align"), Some(Value::I32(1)));
}

#[test]
fn cabi_realloc_gets_a_new_block_with_align() {
    let (mut s, ptr, result) = round_trip("cabi.wasm", "hello", "upper");
    assert_eq!(ptr, 0x2000, "cabi.wat's heap starts at 0x2000");
    assert_eq!(result, b"HELLO");
    assert_eq!(global(&mut s, "last_align"), Some(Value::I32(1)));
    assert_eq!(global(&mut s, "heap_next"), Some(Value::I32(0x2000 + 8)));
}

#[test]
fn conventions_resolve_by_name_and_unknown_names_list_the_choices() {
    let c = info(&asset("shout_c.wasm"));
    assert_eq!(resolve(&c, "malloc", &[]).unwrap().export, "malloc");
    let as_info = info(&asset("shout_as.wasm"));
    let found = resolve(&as_info, "assemblyscript", &[]).unwrap();
    assert_eq!(
        (found.export.as_str(), found.convention),
        ("__new", Convention::AssemblyScript)
    );
    let wb = info(&asset("wasm_bindgen.wasm"));
    assert_eq!(
        resolve(&wb, "wasm-bindgen", &[]).unwrap().export,
        "__wbindgen_malloc"
    );
    let err = format!("{:#}", resolve(&wb, "cabi", &[]).unwrap_err());
    assert!(
        err.contains("no allocator `cabi`")
            && err.contains("__wbindgen_malloc (wasm-bindgen, align 1)"),
        "{err}"
    );
    let err = format!("{:#}", resolve(&wb, "reverse", &[]).unwrap_err());
    assert!(err.contains("`reverse` is not an allocator"), "{err}");
}

#[test]
fn hostile_allocators_fail_with_a_clear_message() {
    let wat = r#"(module (memory (export "memory") 1)
        (func (export "malloc") (param i32) (result i32) i32.const 0)
        (func (export "__wbindgen_malloc") (param i32 i32) (result i32) unreachable)
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 0xFFFF))"#;
    let mut s = session(wat.as_bytes());
    let null = format!("{:#}", s.alloc("malloc", 8).unwrap_err());
    assert!(null.contains("null pointer"), "{null}");
    let trap = format!("{:#}", s.alloc("__wbindgen_malloc", 8).unwrap_err());
    assert!(trap.contains("unreachable"), "{trap}");
    let past_end = format!("{:#}", s.alloc("cabi_realloc", 8).unwrap_err());
    assert!(
        past_end.contains("0xffff + 8 bytes") && past_end.contains("outside linear memory"),
        "{past_end}"
    );
}
