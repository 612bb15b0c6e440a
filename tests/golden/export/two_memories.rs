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
//! Run it with the module's path (default: `two_memories.wasm`): `cargo run -- two_memories.wasm`

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store};

fn main() -> Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "two_memories.wasm".to_owned());
    let engine = Engine::default();
    let module = Module::from_file(&engine, &path)
        .with_context(|| format!("cannot load the module {path}"))?;
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
