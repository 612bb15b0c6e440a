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
