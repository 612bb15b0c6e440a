//! A host program for `strings.wasm`, exported by wasmscope from the session `strings_reverse.toml`.
//! It does the session's steps with wasmtime and prints what wasmscope printed.
//!
//! Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! wasmtime = "48"
//! ```
//!
//! Run it with the module's path (default: `strings.wasm`): `cargo run -- strings.wasm`

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store};

fn main() -> Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "strings.wasm".to_owned());
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

    // 3. reverse(ptr, len(input))
    let reverse = instance.get_typed_func::<(u32, u32), u32>(&mut store, "reverse")?;
    let args = (u32::try_from(ptr)?, u32::try_from(input.len() as u64)?);
    let result = u64::from(reverse.call(&mut store, args)?);
    println!("New Size received: {result}");

    // 4. read result bytes at ptr
    let mut output = vec![0; usize::try_from(result)?];
    memory.read(&store, usize::try_from(ptr)?, &mut output)?;
    println!("Result: {}", String::from_utf8_lossy(&output));
    if std::str::from_utf8(&output).is_err() {
        println!("Result (hex): {}", hex(&output));
    }
    Ok(())
}

/// Bytes as spaced hex: `de ad be ef`.
fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
