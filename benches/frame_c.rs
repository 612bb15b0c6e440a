//! A paused frame of 50 variables with nested structs, for the variables benchmarks:
//! generated C built with `clang -g -O0` (every variable on the shadow stack), its
//! DWARF, and the frame's state and memory as a pause at its `return` sees them.
//! `None` when clang cannot build wasm32 here.

use std::process::Command;

use wasmscope::inspect::{Dwarf, Slot};

/// Variables of the function.
pub const VARIABLES: usize = 50;

/// `struct outer { int id; struct inner in[3]; char name[8]; struct inner *link; }`
/// times 50, and the line of its `return`.
fn c_source() -> (String, u32) {
    let mut c = String::from(
        "struct inner { short a; short b; int c; };\n\
         struct outer { int id; struct inner in[3]; char name[8]; struct inner *link; };\n\
         int many(int n) {\n",
    );
    for i in 0..VARIABLES {
        c.push_str(&format!(
            "    struct outer v{i} = {{ {i}, {{ {{ 1, 2, 3 }}, {{ 4, 5, 6 }}, {{ 7, 8, n }} }}, \"v{i}\", 0 }};\n"
        ));
    }
    c.push_str("    int sum = 0;\n");
    for i in 0..VARIABLES {
        c.push_str(&format!("    sum += v{i}.id + v{i}.in[2].c;\n"));
    }
    let line = c.lines().count() as u32 + 1;
    c.push_str("    return sum;\n}\n");
    (c, line)
}

/// Builds C file `c` into `wasm` with `clang -g -O0` (every function exported);
/// `false` when clang cannot build wasm32 here.
pub fn clang_wasm(c: &std::path::Path, wasm: &std::path::Path) -> bool {
    let built = Command::new("clang")
        .args([
            "--target=wasm32",
            "-g",
            "-O0",
            "-nostdlib",
            "-Wl,--no-entry",
        ])
        .args(["-Wl,--export-all", "-o"])
        .arg(wasm)
        .arg(c)
        .status();
    built.is_ok_and(|s| s.success())
}

/// The frame: the module's DWARF, the pc of the `return`, and the frame base (every
/// local holds it, whichever the frame base names).
pub struct Frame {
    pub dwarf: Dwarf,
    pub pc: u64,
    pub locals: Vec<Option<Slot>>,
}

/// Builds the module (once per target dir) and finds its `return`; the frame base is
/// put at `base`.
pub fn frame(base: u64) -> Option<Frame> {
    let dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(std::env::temp_dir, Into::into);

    let (c, wasm) = (dir.join("frame-bench.c"), dir.join("frame-bench.wasm"));
    let (source, line) = c_source();
    std::fs::write(&c, source).ok()?;
    if !clang_wasm(&c, &wasm) {
        eprintln!("clang cannot build wasm32 here: no variables benchmark");
        return None;
    }
    let bytes = std::fs::read(&wasm).ok()?;
    let dwarf = Dwarf::parse(&bytes).ok()??;
    let pc = *dwarf.pcs_of_line("frame-bench.c", line).first()?;
    let slot = Some(Slot {
        bits: base,
        bytes: 4,
    });
    Some(Frame {
        dwarf,
        pc,
        locals: vec![slot; 8],
    })
}
