//! The rewriter on small modules: what it adds validates, shifts no index, and its
//! records decode to the writes the instructions make.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::memory::Written;

fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap()
}

fn instrumented(text: &str) -> Recording {
    let recording = instrument(&wat(text)).unwrap().unwrap();
    let mut features = wasmparser::WasmFeatures::all();
    features.remove(wasmparser::WasmFeatures::CUSTOM_PAGE_SIZES);
    wasmparser::Validator::new_with_features(features)
        .validate_all(&recording.bytes)
        .unwrap();
    recording
}

#[test]
fn every_kind_of_write_is_instrumented_and_the_result_validates() {
    let recording = instrumented(
        r#"(module
            (memory 1) (data $d "hi")
            (func $all (param i32) (local f32)
              (i32.store8 offset=3 (local.get 0) (i32.const 1))
              (i32.store16 (local.get 0) (i32.const 1))
              (i32.store (local.get 0) (i32.const 1))
              (i64.store (local.get 0) (i64.const 2))
              (i64.store8 (local.get 0) (i64.const 2))
              (i64.store16 (local.get 0) (i64.const 2))
              (i64.store32 (local.get 0) (i64.const 2))
              (f32.store (local.get 0) (f32.const 1))
              (f64.store (local.get 0) (f64.const 1))
              (v128.store (local.get 0) (v128.const i64x2 1 2))
              (v128.store8_lane 3 (local.get 0) (v128.const i64x2 1 2))
              (v128.store64_lane 1 (local.get 0) (v128.const i64x2 1 2))
              (memory.fill (local.get 0) (i32.const 0) (i32.const 4))
              (memory.copy (local.get 0) (i32.const 8) (i32.const 4))
              (memory.init $d (local.get 0) (i32.const 0) (i32.const 2))
              (drop (memory.grow (i32.const 1)))
              (i32.atomic.store (local.get 0) (i32.const 1))
              (drop (i32.atomic.rmw.add (local.get 0) (i32.const 1)))
              (drop (i64.atomic.rmw32.cmpxchg_u (local.get 0) (i64.const 1) (i64.const 2)))
              (drop (i32.load (local.get 0)))))"#,
    );
    let ops: Vec<&str> = recording.sites.iter().map(|s| s.op).collect();
    assert_eq!(ops.len(), 19, "{ops:?}");
    assert!(ops.contains(&"i64.atomic.rmw32.cmpxchg_u"), "{ops:?}");
    assert_eq!(recording.instrumented_pcs.len(), 19);
    assert_eq!(recording.trace_memory, "wasmscope-trace-memory");
    // The sites' pcs are the original module's.
    let original = wat("(module (memory 1))");
    assert!(recording.sites[0].pc > original.len() as u64);
    assert_eq!(&*recording.sites[0].place, format!("all+{:#06x}", 7));
}

#[test]
fn no_index_moves_and_names_stay() {
    let text = r#"(module
        (import "env" "f" (func $f))
        (import "env" "m" (memory 1))
        (global $g (mut i32) (i32.const 5))
        (func $first (export "first") (param i32) (i32.store (local.get 0) (global.get $g)))
        (func $second (export "second") (call $first (i32.const 0)))
        (start $second))"#;
    let recording = instrumented(text);
    let info = crate::inspect::inspect(&recording.bytes).unwrap();
    let original = crate::inspect::inspect(&wat(text)).unwrap();
    // The same functions at the same indices, with their names; the trace memory and
    // its end and count are exported (the module had no memory or global section of its own).
    let names = |info: &crate::inspect::ModuleInfo| {
        info.func_exports()
            .map(|e| e.0.to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&info), names(&original));
    let sites = crate::inspect::write_sites(&recording.bytes).unwrap();
    assert_eq!(sites.func_name(1), "first");
    assert_eq!(sites.func_name(2), "second");
    assert_eq!(info.memories.len(), 2);
    assert_eq!(info.globals.len(), original.globals.len() + 3);
}

#[test]
fn memory64_and_several_memories_are_recorded_on_each() {
    let recording = instrumented(
        r#"(module
            (memory $a 1) (memory $b i64 1)
            (func (param i64)
              (i32.store $a (i32.const 4) (i32.const 1))
              (i64.store $b (local.get 0) (i64.const 1))
              (memory.copy $a $b (i32.const 0) (local.get 0) (i32.const 4))
              (memory.copy $b $b (local.get 0) (i64.const 0) (i64.const 4))
              (memory.fill $b (local.get 0) (i32.const 1) (i64.const 9))
              (drop (memory.grow $b (i64.const 1)))))"#,
    );
    let memories: Vec<(u32, bool)> = recording
        .sites
        .iter()
        .map(|s| (s.memory, s.memory64))
        .collect();
    assert_eq!(
        memories,
        [
            (0, false),
            (1, true),
            (0, false),
            (1, true),
            (1, true),
            (1, true)
        ]
    );
}

#[test]
fn a_module_without_writes_is_left_alone() {
    assert!(instrument(&wat("(module)")).unwrap().is_none());
    let reads_only = wat("(module (memory 1) (func (drop (i32.load (i32.const 0)))))");
    assert!(instrument(&reads_only).unwrap().is_none());
}

#[test]
fn a_module_with_the_most_memories_says_there_is_no_room() {
    let memories = "(memory 1) ".repeat(100);
    let text = format!("(module {memories} (func (i32.store (i32.const 0) (i32.const 0))))");
    let err = instrument(&wat(&text)).unwrap_err();
    assert!(format!("{err:#}").contains("100 memories"), "{err:#}");
}

#[test]
fn the_trace_maximum_is_one_no_memory_declares() {
    let recording =
        instrumented("(module (memory 1 65535) (func (i32.store (i32.const 0) (i32.const 0))))");
    assert_eq!(recording.trace_max_pages, 65534);
}

#[test]
fn an_export_name_in_use_gets_a_suffix() {
    let recording = instrumented(
        r#"(module (memory (export "wasmscope-trace-memory") 1)
            (func (i32.store (i32.const 0) (i32.const 0))))"#,
    );
    assert_eq!(recording.trace_memory, "wasmscope-trace-memory-2");
}

#[test]
fn records_decode_to_writes() {
    let recording = instrumented(
        r#"(module (memory 1)
            (func $f (i32.store16 offset=2 (i32.const 8) (i32.const 0x1234))
                     (memory.fill (i32.const 1) (i32.const 7) (i32.const 3))
                     (memory.copy (i32.const 0) (i32.const 4) (i32.const 2))))"#,
    );
    let mut trace = Vec::new();
    trace.extend(0u32.to_le_bytes());
    trace.extend(8u32.to_le_bytes());
    trace.extend([0x34, 0x12]);
    trace.extend(1u32.to_le_bytes());
    for field in [1u64, 3] {
        trace.extend(field.to_le_bytes());
    }
    trace.push(7);
    trace.extend(2u32.to_le_bytes());
    for field in [0u64, 4, 2] {
        trace.extend(field.to_le_bytes());
    }
    let sites = recording.sites.clone();
    let mut kept = Records::new(sites.clone());
    assert_eq!(kept.append(&trace, 3, 2).unwrap(), 1);
    assert_eq!(kept.len(), 2);
    kept.check().unwrap();
    let writes: Vec<_> = kept.iter().collect();
    assert_eq!(writes.len(), 2);
    let store = &writes[0];
    assert_eq!(store.range, 10..12);
    assert_eq!(store.written, Written::bytes(&[0x34, 0x12]));
    assert_eq!(store.op, "i32.store16");
    assert_eq!(writes[1].written, Written::Fill(7));
    // A trap at the last record's instruction undoes it, at another's nothing.
    kept.trapped_at(0);
    assert!(!kept.iter().any(|w| w.trapped));
    kept.trapped_at(1);
    assert!(kept.iter().last().unwrap().trapped);
    let mut all = Records::new(sites.clone());
    assert_eq!(all.append(&trace, 3, 10).unwrap(), 0);
    let writes: Vec<_> = all.iter().collect();
    assert_eq!(writes.len(), 3);
    assert_eq!(writes[2].written, Written::Copy { from: 4..6 });
    // Garbage is an error, never a panic; iterating stops at it.
    let garbage: [&[u8]; 3] = [&trace[..trace.len() - 1], &[9, 0, 0, 0], &[0, 0]];
    for bytes in garbage {
        let mut records = Records::new(sites.clone());
        records.append(bytes, 3, 10).unwrap();
        assert!(records.check().is_err());
        assert!(records.iter().count() < 3);
    }
    // Walked when some are left out: garbage there is an error.
    let mut records = Records::new(sites);
    assert!(records.append(&[9, 0, 0, 0], 3, 1).is_err());
    assert!(records.is_empty());
}

#[test]
fn a_component_gets_its_core_modules_instrumented_and_still_validates() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/component_upper.wasm");
    let bytes = std::fs::read(path).unwrap();
    let recording = instrument_component(&bytes).unwrap().unwrap();
    assert_eq!(recording.modules.len(), 1);
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&recording.bytes)
        .unwrap();
    // Its core module is the instrumented one, byte for byte.
    let module = &recording.modules[0].bytes;
    let at = recording
        .bytes
        .windows(module.len())
        .position(|w| w == &module[..])
        .unwrap();
    assert!(
        recording
            .of_module(&recording.bytes[at..at + module.len()])
            .is_some()
    );
    // Not a component, or one cut short: an error, never a panic.
    assert!(instrument_component(&wat("(module)")).is_err());
    for cut in [9, bytes.len() / 2, bytes.len() - 1] {
        assert!(instrument_component(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}
