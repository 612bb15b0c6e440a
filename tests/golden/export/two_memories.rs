//! A host program for `two_memories.wasm`, exported by wasmscope from the session `two_memories.toml`.
//! It does the session's steps with wasmtime and prints what wasmscope printed.
//!
//! Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! wasmtime = "48"
//! ```
//!
//! It looks for the module at `../../../assets/two_memories.wasm` from this file's folder;
//! give another path with `cargo run -- PATH`.

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store};

fn main() -> Result<()> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        // The module's path, from this file's folder, replaces this file's name.
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(file!())
            .with_file_name("../../../assets/two_memories.wasm"),
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

    let input = "hello".as_bytes().to_vec();

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
    Ok(())
}
