//! A host program for `strings.wasm`, exported by wasmscope from the session `strings_sum_value.toml`.
//! It does the session's steps with wasmtime and prints what wasmscope printed.
//!
//! Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! wasmtime = "48"
//! ```
//!
//! It looks for the module at `../../../assets/strings.wasm` from this file's folder;
//! give another path with `cargo run -- PATH`.

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store};

fn main() -> Result<()> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        // The module's path, from this file's folder, replaces this file's name.
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(file!())
            .with_file_name("../../../assets/strings.wasm"),
    };
    if !path.is_file() {
        let path = path.display();
        eprintln!("cannot find the module at {path}: give its path, `cargo run -- PATH`");
        std::process::exit(1);
    }
    let engine = Engine::default();
    let module = Module::from_file(&engine, &path)
        .with_context(|| format!("cannot load the module {}", path.display()))?;
    let linker = Linker::new(&engine);
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module)?;
    let memory = instance
        .get_memory(&mut store, "memory")
        .context("the module exports no memory `memory`")?;

    let input = vec![0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00];

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

    // 3. sum_u32(ptr, len(input))
    let sum_u32 = instance.get_typed_func::<(u32, u32), u64>(&mut store, "sum_u32")?;
    let args = (u32::try_from(ptr)?, u32::try_from(input.len() as u64)?);
    let result = sum_u32.call(&mut store, args)?;
    println!("`sum_u32` returned {}", i64_text(result));
    Ok(())
}

/// An i64 as wasmscope shows it: `10: i64`, `4096 (0x1000): i64`.
fn i64_text(value: u64) -> String {
    let signed = value as i64;
    if signed >= 0x1000 {
        format!("{signed} ({value:#x}): i64")
    } else {
        format!("{signed}: i64")
    }
}
