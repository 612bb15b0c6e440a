//! Unit tests for `inspect` and `render_text` on small inline WAT modules.

use super::*;

/// A module with one item of every exportable kind, names, data and a producers section.
pub(super) const ALL_KINDS: &str = r#"
(module $demo
  (type $pair (func (param i32 i32) (result i32)))
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "base" (global $base i32))
  (import "env" "table" (table 2 funcref))
  (tag $oops (export "oops") (param i32))
  (memory $mem (export "memory") 2 10)
  (global $sp (export "stack_pointer") (mut i32) (i32.const 65536))
  (global $big i64 (i64.const -1))
  (global $pi f64 (f64.const 3.5))
  (global $rel i32 (i32.add (global.get $base) (i32.const 16)))
  (global $alias i32 (global.get $base))
  (table $funcs (export "funcs") 1 1 funcref)
  (func $add (export "add") (type $pair) local.get 0 local.get 1 i32.add)
  (func $pair (export "pair") (param i64) (result i32 i64) i32.const 1 local.get 0)
  (func $nothing (export "nothing"))
  (func (export "say") (call $log (i32.const 1024) (i32.const 5)))
  (data $hello (i32.const 1024) "hello")
  (data $later "passive bytes")
  (data (memory $mem) (offset (global.get $base)) "at base")
  (@producers (language "wat" "1.0") (processed-by "hand" ""))
)
"#;

/// `inspect` of WAT text.
pub(super) fn inspect_wat(text: &str) -> ModuleInfo {
    let bytes = wat::parse_str(text).expect("test WAT parses");
    inspect(&bytes).expect("test module is valid")
}

/// `inspect`'s error text for `bytes`.
pub(super) fn error_of(bytes: &[u8]) -> String {
    format!("{:#}", inspect(bytes).expect_err("input must be rejected"))
}

#[test]
fn exports_of_every_kind_with_types() {
    let info = inspect_wat(ALL_KINDS);
    let kinds: Vec<(&str, ExportKind, u32)> = info
        .exports
        .iter()
        .map(|e| (e.name.as_str(), e.kind, e.index))
        .collect();
    assert_eq!(
        kinds,
        [
            ("oops", ExportKind::Tag, 0),
            ("memory", ExportKind::Memory, 0),
            ("stack_pointer", ExportKind::Global, 1),
            ("funcs", ExportKind::Table, 1),
            ("add", ExportKind::Func, 1),
            ("pair", ExportKind::Func, 2),
            ("nothing", ExportKind::Func, 3),
            ("say", ExportKind::Func, 4),
        ]
    );
    let sig = |name: &str| info.export_func(name).map(ToString::to_string);
    assert_eq!(sig("add").as_deref(), Some("(i32, i32) -> i32"));
    assert_eq!(sig("pair").as_deref(), Some("(i64) -> (i32, i64)"));
    assert_eq!(sig("nothing").as_deref(), Some("() -> ()"));
    assert_eq!(sig("memory"), None, "a memory is not a function");
    assert_eq!(info.func_exports().count(), 4);
    let memory = info
        .exports
        .iter()
        .find(|e| e.name == "memory")
        .expect("export");
    assert_eq!(
        memory.ty.memory.map(|m| (m.min_pages, m.max_pages)),
        Some((2, Some(10)))
    );
    let table = info
        .exports
        .iter()
        .find(|e| e.name == "funcs")
        .expect("export");
    assert_eq!(
        table.ty.table.as_ref().map(ToString::to_string).as_deref(),
        Some("funcref, min 1, max 1")
    );
    let tag = info
        .exports
        .iter()
        .find(|e| e.name == "oops")
        .expect("export");
    assert_eq!(
        tag.ty
            .signature
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("(i32) -> ()")
    );
}

#[test]
fn imports_functions_and_names() {
    let info = inspect_wat(ALL_KINDS);
    let imports: Vec<String> = info
        .imports
        .iter()
        .map(|i| format!("{} {}.{} #{} {}", i.kind, i.module, i.name, i.index, i.ty))
        .collect();
    assert_eq!(
        imports,
        [
            "func env.log #0 (i32, i32) -> ()",
            "global env.base #0 i32",
            "table env.table #0 funcref, min 2, no max",
        ]
    );
    assert_eq!((info.functions, info.imported_functions), (5, 1));
    assert_eq!(info.module_name.as_deref(), Some("demo"));
    assert_eq!(info.function_names.get(&1).map(String::as_str), Some("add"));
    assert_eq!(
        info.func_name(4),
        Some("say"),
        "falls back to the export name"
    );
    assert_eq!(
        info.func_signature(0).map(ToString::to_string).as_deref(),
        Some("(i32, i32) -> ()")
    );
    assert_eq!(info.memories[0].name.as_deref(), Some("mem"));
    assert_eq!(info.tables[1].name.as_deref(), Some("funcs"));
}

#[test]
fn globals_with_constant_initializers() {
    let info = inspect_wat(ALL_KINDS);
    let globals: Vec<(Option<&str>, String, bool, Option<ConstValue>)> = info
        .globals
        .iter()
        .map(|g| (g.name.as_deref(), g.val_type.to_string(), g.mutable, g.init))
        .collect();
    assert_eq!(
        globals,
        [
            (Some("base"), "i32".to_owned(), false, None),
            (
                Some("sp"),
                "i32".to_owned(),
                true,
                Some(ConstValue::I32(65536))
            ),
            (
                Some("big"),
                "i64".to_owned(),
                false,
                Some(ConstValue::I64(-1))
            ),
            (
                Some("pi"),
                "f64".to_owned(),
                false,
                Some(ConstValue::F64(3.5))
            ),
            (Some("rel"), "i32".to_owned(), false, None),
            (
                Some("alias"),
                "i32".to_owned(),
                false,
                Some(ConstValue::GlobalGet(0))
            ),
        ]
    );
    assert!(info.globals[0].imported);
    assert_eq!(
        info.global_by_name("stack_pointer").map(|g| g.index),
        Some(1)
    );
    assert_eq!(info.global_by_name("pi").map(|g| g.index), Some(3));
    assert_eq!(info.global_by_name("nope"), None);
}

#[test]
fn extended_const_and_global_get_of_defined_globals() {
    let info = inspect_wat(
        r#"(module (global $a i32 (i32.const 100))
             (global $b i32 (i32.mul (i32.add (global.get $a) (i32.const 4)) (i32.const 2)))
             (memory 1) (data (offset (global.get $b)) "x"))"#,
    );
    assert_eq!(info.globals[1].init, Some(ConstValue::I32(208)));
    assert_eq!(info.data_segments[0].offset, Some(208));
}

/// `(memory, offset, passive, len_bytes, name)` of a data segment.
type SegmentRow<'a> = (Option<u32>, Option<u64>, bool, u64, Option<&'a str>);

#[test]
fn data_segments_active_passive_and_computed() {
    let info = inspect_wat(ALL_KINDS);
    let segs: Vec<SegmentRow<'_>> = info
        .data_segments
        .iter()
        .map(|d| {
            (
                d.memory,
                d.offset,
                d.passive,
                d.len_bytes,
                d.name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        segs,
        [
            (Some(0), Some(1024), false, 5, Some("hello")),
            (None, None, true, 13, Some("later")),
            (Some(0), None, false, 7, None),
        ]
    );
    let bytes = wat::parse_str(ALL_KINDS).expect("parses");
    let first = &info.data_segments[0];
    let start = first.file_offset as usize;
    assert_eq!(&bytes[start..start + 5], b"hello");
}

#[test]
fn custom_sections_and_producers() {
    let info = inspect_wat(ALL_KINDS);
    let names: Vec<&str> = info
        .custom_sections
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert!(
        names.contains(&"name") && names.contains(&"producers"),
        "{names:?}"
    );
    assert_eq!(info.producers[0].field, "language");
    assert_eq!(info.producers[0].values[0].name, "wat");
    assert_eq!(info.producers[0].values[0].version, "1.0");
}

#[test]
fn serializes_kinds_and_types_lowercase() {
    let info = inspect_wat(ALL_KINDS);
    let json = serde_json::to_value(&info).expect("serializes");
    assert_eq!(json["exports"][4]["kind"], "func");
    assert_eq!(json["exports"][4]["signature"]["params"][0], "i32");
    assert_eq!(json["exports"][1]["kind"], "memory");
    assert_eq!(json["exports"][3]["element_type"], serde_json::Value::Null);
    assert_eq!(json["exports"][3]["table"]["element_type"], "funcref");
    assert_eq!(json["globals"][1]["init"]["i32"], 65536);
    assert_eq!(json["imports"][1]["kind"], "global");
}

#[test]
fn memory64_shared_and_reference_types() {
    let info = inspect_wat(
        r#"(module (memory i64 1) (memory 1 2 shared)
             (func (export "r") (param externref funcref v128) (result f32) f32.const 0))"#,
    );
    assert!(info.memories[0].memory64 && !info.memories[0].shared);
    assert!(info.memories[1].shared);
    assert_eq!(info.memories[0].page_size_bytes, 65536);
    let sig = info.export_func("r").map(ToString::to_string);
    assert_eq!(sig.as_deref(), Some("(externref, funcref, v128) -> f32"));
}

#[test]
fn render_text_is_deterministic_and_readable() {
    let info = inspect_wat(ALL_KINDS);
    let text = render_text(&info);
    assert_eq!(text, render_text(&inspect_wat(ALL_KINDS)));
    for expected in [
        "functions: 5 (1 imported, 4 defined)",
        "  func    add            (i32, i32) -> i32",
        "  global  stack_pointer  mut i32 = 65536 (0x10000)",
        "memory 0 (exported as \"memory\"): 2 pages (128 KiB), max 10 pages (640 KiB)",
        "data 0   memory 0 at 0x00000400, 5 bytes  hello",
        "language: wat 1.0",
        "global 5   alias  i32 = global.get 0 (base)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn the_likely_string_function_is_never_a_deallocator_or_a_setter() {
    let likely = |funcs: &str| {
        let info = inspect_wat(&format!("(module (memory (export \"memory\") 1) {funcs})"));
        info.likely_string_function().map(str::to_owned)
    };
    let f = |name: &str, result: &str| {
        format!("(func (export \"{name}\") (param i32 i32) {result} unreachable)")
    };
    let len = "(result i32)";
    // The ownership guest: `dealloc` comes first, `upper` is the string function.
    let strings = [f("dealloc", ""), f("upper", len), f("reverse", "")].concat();
    assert_eq!(likely(&strings).as_deref(), Some("upper"));
    // The seed's `append` wins over everything.
    let seed = [f("upper", len), f("append", len)].concat();
    assert_eq!(likely(&seed).as_deref(), Some("append"));
    // wasm-bindgen: a struct setter and the toolchain's own free come first.
    let bindgen = [
        f("__wbg_set_point_x", ""),
        f("__wbindgen_free", ""),
        f("point_set_y", ""),
        f("greet", len),
    ]
    .concat();
    assert_eq!(likely(&bindgen).as_deref(), Some("greet"));
    // No string-like name: the first that returns an integer.
    let plain = [f("f", ""), f("g", len)].concat();
    assert_eq!(likely(&plain).as_deref(), Some("g"));
    // Only a deallocator: nothing is offered as the default.
    assert_eq!(likely(&f("free_buffer", "")), None);
}
