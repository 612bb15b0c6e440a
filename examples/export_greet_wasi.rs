//! A host program for `greet.wasm`, exported by wasmscope from the session `greet_wasi.toml`.
//! It does the session's steps with wasmtime and prints what wasmscope printed.
//!
//! Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! wasmtime = "48"
//! wasmtime-wasi = "48"
//! ```
//!
//! It looks for the module at `../assets/greet.wasm` from this file's folder;
//! give another path with `cargo run -- PATH`.

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

fn main() -> Result<()> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        // The module's path, from this file's folder, replaces this file's name.
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(file!())
            .with_file_name("../assets/greet.wasm"),
    };
    if !path.is_file() {
        let path = path.display();
        eprintln!("cannot find the module at {path}: give its path, `cargo run -- PATH`");
        std::process::exit(1);
    }
    let engine = Engine::default();
    let module = Module::from_file(&engine, &path)
        .with_context(|| format!("cannot load the module {}", path.display()))?;

    // The module imports WASI: its output goes to this program's.
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;
    let wasi = WasiCtxBuilder::new()
        .inherit_stdio()
        .args(&["greet.wasm", "--loud"])
        .envs(&[("GREETING", "Hi")])
        .build_p1();
    let mut store = Store::new(&engine, wasi);
    let instance = linker.instantiate(&mut store, &module)?;
    let memory = instance
        .get_memory(&mut store, "memory")
        .context("the module exports no memory `memory`")?;

    let input = "world".as_bytes().to_vec();

    // 1. alloc(len(input) + 30)
    println!("Allocator: alloc (alloc)");
    let alloc = instance.get_typed_func::<u32, u32>(&mut store, "alloc")?;
    let ptr = u64::from(alloc.call(&mut store, u32::try_from(input.len() as u64 + 30)?)?);
    println!("Pointer received {ptr:#x}, {}", input.len());
    let host_base = memory.data_ptr(&store) as u64;
    println!("Host memory pointer {host_base:#x}");
    println!("address for wasm object in rust: {:#x}", host_base + ptr);

    // 2. write at ptr
    memory.write(&mut store, usize::try_from(ptr)?, &input)?;

    // 3. greet(ptr, len(input))
    let greet = instance.get_typed_func::<(u32, u32), u32>(&mut store, "greet")?;
    let args = (u32::try_from(ptr)?, u32::try_from(input.len() as u64)?);
    let result = u64::from(greet.call(&mut store, args)?);
    println!("`greet` returned {}", i32_text(result));
    Ok(())
}

/// An i32 as wasmscope shows it: `10: i32`, `4096 (0x1000): i32`.
fn i32_text(value: u64) -> String {
    let signed = value as u32 as i32;
    if signed >= 0x1000 {
        format!("{signed} ({value:#x}): i32")
    } else {
        format!("{signed}: i32")
    }
}
