//! The canonical ABI, observed: a call's core functions (realloc, the lifted function,
//! post-return) with their arguments and memory, byte-exact on the hand-written
//! component, and checked against wasmtime's own component call on the same input.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::sync::Arc;

use wasmscope::engine::{
    AbiTrace, CallReplay, ComponentSession, ComponentWrites, HostConfig, Limits, StopHandle,
    compile_component, new_debug_engine,
};
use wasmscope::inspect::inspect_component;
use wasmscope::memory::changed_ranges;
use wasmscope::record::instrument_component;

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Calls `name(args)` on a traced instance: results (WAVE) and the trace.
fn traced(bytes: &[u8], name: &str, args: &[&str]) -> (Vec<String>, AbiTrace) {
    called(bytes, ComponentWrites::Traced, name, args)
}

/// Calls `name(args)` on an instance of `bytes` whose writes are listed as `writes`
/// says (when recorded, `bytes` are the instrumented component's).
fn called(
    bytes: &[u8],
    writes: ComponentWrites<'_>,
    name: &str,
    args: &[&str],
) -> (Vec<String>, AbiTrace) {
    let info = inspect_component(bytes).unwrap();
    let engine = new_debug_engine(None).unwrap();
    let component = compile_component(&engine, bytes).unwrap();
    let stop = StopHandle::new(engine.clone());
    let mut session = ComponentSession::traced(
        &stop,
        &component,
        bytes,
        &info,
        Limits::default(),
        &HostConfig::default(),
        writes,
    )
    .unwrap();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let called = session.call_traced(name, &args).unwrap();
    (called.results.unwrap(), called.trace)
}

/// The same call made by wasmtime alone, on an ordinary (Cranelift, not debug)
/// instance: its own linker, WASI and WAVE, none of wasmscope's code.
fn plain(bytes: &[u8], name: &str, args: &[&str]) -> Vec<String> {
    use wasmtime::component::{Component, Linker, ResourceTable, Val};
    use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
    struct Host(WasiCtx, ResourceTable);
    impl WasiView for Host {
        fn ctx(&mut self) -> WasiCtxView<'_> {
            WasiCtxView {
                ctx: &mut self.0,
                table: &mut self.1,
            }
        }
    }
    let engine = wasmtime::Engine::default();
    let component = Component::new(&engine, bytes).unwrap();
    let mut linker = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).unwrap();
    let host = Host(WasiCtx::builder().build(), ResourceTable::new());
    let mut store = wasmtime::Store::new(&engine, host);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let func = instance.get_func(&mut store, name).unwrap();
    let ty = func.ty(&store);
    let params: Vec<Val> = ty
        .params()
        .zip(args)
        .map(|((_, ty), text)| Val::from_wave(&ty, text).unwrap())
        .collect();
    let mut results = vec![Val::Bool(false); ty.results().len()];
    func.call(&mut store, &params, &mut results).unwrap();
    results.iter().map(|v| v.to_wave().unwrap()).collect()
}

#[test]
fn upper_passes_the_string_exactly_where_the_layout_says() {
    let bytes = asset("component_upper.wasm");
    let (results, trace) = traced(&bytes, "upper", &["\"The input string\""]);
    assert_eq!(results, ["\"THE INPUT STRING\""]);
    let calls: Vec<String> = trace.events.iter().map(|e| e.call_text()).collect();
    assert_eq!(
        calls,
        [
            "cabi_realloc(0, 0, 1, 16) -> 0x1000",
            "upper(0x1000, 16) -> 0x100",
            "cabi_post_upper(0x100)"
        ]
    );
    // Before `upper` runs, wasmtime has copied the argument to where realloc said.
    let copied = changed_ranges(&trace.events[0].snapshot, &trace.events[1].snapshot);
    assert_eq!(copied, [0x1000..0x1010]);
    assert_eq!(
        trace.events[1].snapshot.read(0x1000, 16),
        b"The input string"
    );
    let area = trace.return_area("cabi_post_upper").unwrap();
    assert_eq!((area.at, area.ptr, area.len), (0x100, 0x1010, 16));
    assert_eq!(area.bytes, b"THE INPUT STRING");
}

#[test]
fn what_memory_shows_agrees_with_wasmtimes_own_call() {
    let cases: &[(&str, &str, &[&str], Option<&str>)] = &[
        (
            "component_upper.wasm",
            "upper",
            &["\"héllo wörld\""],
            Some("cabi_post_upper"),
        ),
        (
            "component.wasm",
            "append",
            &["\"The input string\""],
            Some("cabi_post_append"),
        ),
        (
            "component.wasm",
            "label",
            &["{name: \"abc\", count: 3}"],
            Some("cabi_post_label"),
        ),
        ("component.wasm", "sum", &["[1, 2, 3, 4]"], None),
    ];
    assert!(!cases.is_empty());
    for (asset_name, name, args, post_return) in cases {
        let bytes = asset(asset_name);
        let (results, trace) = traced(&bytes, name, args);
        assert_eq!(results, plain(&bytes, name, args), "{name}");
        assert!(!trace.events.is_empty(), "{name}: no core calls observed");
        if let Some(post_return) = post_return {
            let area = trace.return_area(post_return).unwrap();
            let text = String::from_utf8(area.bytes).unwrap();
            // The string the return area points at is the one wasmtime lifted.
            assert!(
                results[0].contains(&format!("{text:?}")),
                "{name}: {text:?} vs {results:?}"
            );
        }
    }
}

/// The recorder (each core module instrumented) lists the debugger's writes, core call
/// by core call, write for write, with the same results.
#[test]
fn a_recorded_component_lists_the_debuggers_writes() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("component_upper.wasm", "upper", &["\"héllo wörld\""]),
        ("component.wasm", "append", &["\"The input string\""]),
        ("component.wasm", "label", &["{name: \"abc\", count: 3}"]),
        ("component.wasm", "sum", &["[1, 2, 3, 4]"]),
    ];
    let mut compared = 0;
    for (asset_name, name, args) in cases {
        let bytes = asset(asset_name);
        let recording = instrument_component(&bytes).unwrap().unwrap();
        assert!(!recording.modules.is_empty());
        let (results, trace) = traced(&bytes, name, args);
        let recorded = ComponentWrites::Recorded(&recording);
        let (recorded_results, recorded_trace) = called(&recording.bytes, recorded, name, args);
        assert_eq!(results, recorded_results, "{name}");
        let calls = |trace: &AbiTrace| -> Vec<(String, Vec<(String, u64)>)> {
            trace
                .events
                .iter()
                .map(|e| {
                    let writes = e.writes.iter().map(|w| (w.line(), w.pc)).collect();
                    (e.call_text(), writes)
                })
                .collect()
        };
        let (expected, got) = (calls(&trace), calls(&recorded_trace));
        assert!(
            expected.iter().any(|(_, writes)| !writes.is_empty()),
            "{name} wrote nothing"
        );
        assert_eq!(got, expected, "{asset_name} {name}");
        compared += expected.len();
        // The call's writes in one list, the host's among them, replay memory from
        // before the call to after it.
        let writes = recorded_trace.call_writes();
        assert!(writes.iter().any(|w| &*w.place == "wasmtime"), "{name}");
        let replay = CallReplay::new(
            &recorded_trace.before,
            0,
            Arc::new(writes.into()),
            Arc::from(Vec::new()),
        );
        let (replayed, _) = replay.at(replay.len());
        let after = &recorded_trace.after;
        assert_eq!(
            replayed.read(0, after.len_bytes()),
            after.read(0, after.len_bytes()),
            "{name}"
        );
    }
    assert!(compared >= 8, "{compared} core calls");
}

/// A recorded component call that traps at a store keeps the writes before it and
/// marks that store's write as not done.
#[test]
fn a_recorded_component_call_that_traps_marks_its_last_write() {
    let bytes = wat::parse_str(
        r#"(component
          (core module $m
            (memory (export "memory") 1)
            (func (export "poke") (param i32)
              (i32.store8 (i32.const 5) (i32.const 1))
              (i32.store8 (local.get 0) (i32.const 2))))
          (core instance $i (instantiate $m))
          (func (export "poke") (param "at" u32)
            (canon lift (core func $i "poke"))))"#,
    )
    .unwrap();
    let recording = instrument_component(&bytes).unwrap().unwrap();
    let info = inspect_component(&recording.bytes).unwrap();
    let engine = new_debug_engine(None).unwrap();
    let component = compile_component(&engine, &recording.bytes).unwrap();
    let stop = StopHandle::new(engine.clone());
    let mut session = ComponentSession::traced(
        &stop,
        &component,
        &recording.bytes,
        &info,
        Limits::default(),
        &HostConfig::default(),
        ComponentWrites::Recorded(&recording),
    )
    .unwrap();
    let called = session.call_traced("poke", &["6".to_owned()]).unwrap();
    assert!(called.results.is_ok());
    let writes: Vec<_> = called.trace.events.iter().flat_map(|e| &e.writes).collect();
    assert_eq!(writes.len(), 2);
    assert!(writes.iter().all(|w| !w.trapped));
    let called = session.call_traced("poke", &["70000".to_owned()]).unwrap();
    let error = called.results.unwrap_err().to_string();
    assert!(error.contains("out-of-bounds"), "{error}");
    let writes: Vec<_> = called.trace.events.iter().flat_map(|e| &e.writes).collect();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert!(!writes[0].trapped);
    assert!(writes[1].trapped, "{:?}", writes[1]);
    assert_eq!(writes[1].range, 70000..70001);
}
