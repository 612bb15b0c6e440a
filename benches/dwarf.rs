//! `dwarf/{parse,location_at,frames_at,pcs_of_line}/30MB` (and `pcs_of_line/30MB_again`,
//! the same file asked for again): a module of about 30 MB with
//! full DWARF (clang `-g -O0`: 42,000 C functions, each a loop over a struct array),
//! made here from generated C when `clang` has the wasm32 target (else the committed
//! Rust guest stands in, and the figures say so). `parse` is what a load does once on
//! the compile thread; each lookup is what a pause, a hovered byte or `--break` asks.
//! `WASMSCOPE_DWARF_MODULE=FILE` measures a module of yours instead.
#![allow(clippy::expect_used)] // A benchmark may panic on the unexpected.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use wasmscope::inspect::{Dwarf, FrameState, Overlay, VariableLimits, write_sites};
use wasmscope::memory::Snapshot;

mod frame_c;

/// Functions in the generated C.
const FUNCTIONS: usize = 42_000;

/// The generated C: `f0` … `f41999`, each with a loop, a branch and struct stores.
fn c_source() -> String {
    let mut c = String::from("struct point { short x; short y; };\nstatic struct point pts[64];\n");
    for i in 0..FUNCTIONS {
        c.push_str(&format!(
            "\nint f{i}(char *s, int len) {{\n    int total = {i};\n    \
             for (int j = 0; j < len; j++) {{\n        char c = s[j];\n        \
             if (c > {}) {{\n            total += c;\n        }}\n        \
             pts[j % 64].x = (short)j;\n        pts[j % 64].y = (short)total;\n    }}\n    \
             return total;\n}}\n",
            i % 100
        ));
    }
    c
}

/// The module measured, and what it is.
fn module() -> (Vec<u8>, String) {
    if let Some(path) = std::env::var_os("WASMSCOPE_DWARF_MODULE") {
        let bytes = std::fs::read(&path).expect("the module");
        return (bytes, PathBuf::from(path).display().to_string());
    }
    let dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(std::env::temp_dir, Into::into);
    let (c, wasm) = (dir.join("dwarf-bench.c"), dir.join("dwarf-bench.wasm"));
    if !wasm.is_file() {
        std::fs::write(&c, c_source()).expect("the C file");
        if !frame_c::clang_wasm(&c, &wasm) {
            let rust = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/dwarf_rust.wasm");
            eprintln!("clang cannot build wasm32 here: measuring {rust} instead");
            return (
                std::fs::read(rust).expect("the Rust guest"),
                rust.to_owned(),
            );
        }
    }
    let bytes = std::fs::read(&wasm).expect("the built module");
    (bytes, wasm.display().to_string())
}

fn bench(c: &mut Criterion) {
    let (bytes, what) = module();
    eprintln!("{what}: {} bytes", bytes.len());
    let dwarf = Dwarf::parse(&bytes)
        .expect("readable DWARF")
        .expect("DWARF");
    // Every writing instruction's pc, spread over the whole module.
    let pcs: Vec<u64> = write_sites(&bytes)
        .expect("sites")
        .sites
        .keys()
        .copied()
        .collect();
    assert!(pcs.len() > 100, "{} sites", pcs.len());
    let file = dwarf
        .summary()
        .files
        .first()
        .cloned()
        .expect("a source file");
    let mut group = c.benchmark_group("dwarf");
    group.sample_size(10);
    group.bench_function("parse/30MB", |b| {
        b.iter(|| Dwarf::parse(&bytes).expect("readable"))
    });
    let mut at = 0;
    group.bench_function("location_at/30MB", |b| {
        b.iter(|| {
            at = (at + 7919) % pcs.len();
            black_box(dwarf.location_at(pcs[at]))
        })
    });
    group.bench_function("frames_at/30MB", |b| {
        b.iter(|| {
            at = (at + 7919) % pcs.len();
            black_box(dwarf.frames_at(pcs[at]))
        })
    });
    // The first time a file is asked for walks every row (a fresh parse each time,
    // not timed); after, the file's entries are remembered.
    group.bench_function("pcs_of_line/30MB", |b| {
        b.iter_batched(
            || Dwarf::parse(&bytes).expect("readable").expect("DWARF"),
            |fresh| black_box(fresh.pcs_of_line(&file, 9)),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("pcs_of_line/30MB_again", |b| {
        b.iter(|| black_box(dwarf.pcs_of_line(&file, 9)))
    });
    group.finish();
}

/// `dwarf/variables_50_nested`: a pause's variables evaluated (50 structs, each with
/// an array of structs, a string and a pointer) and their overlay built — what the
/// window does at each pause.
fn variables(c: &mut Criterion) {
    let Some(frame) = frame_c::frame(0x8000) else {
        return;
    };
    let memory = Snapshot::capture(None, &vec![7u8; 1 << 17], 0x7f00_0000_0000);
    let state = FrameState {
        pc: frame.pc,
        locals: &frame.locals,
        stack: &[],
        globals: &[],
    };
    let vars = frame
        .dwarf
        .frame_variables(&state, &memory, VariableLimits::default());
    assert!(
        vars.variables.len() > frame_c::VARIABLES,
        "{:?}",
        vars.lines()
    );
    let mut group = c.benchmark_group("dwarf");
    group.bench_function("variables_50_nested", |b| {
        b.iter(|| {
            let vars = frame
                .dwarf
                .frame_variables(&state, &memory, VariableLimits::default());
            black_box(Overlay::new(vars.variables.iter().map(|v| &v.node)))
        })
    });
    group.finish();
}

criterion_group!(benches, bench, variables);
criterion_main!(benches);
