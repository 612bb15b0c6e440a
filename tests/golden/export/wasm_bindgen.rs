//! A host program for `wasm_bindgen.wasm`, exported by wasmscope from the session `wasm_bindgen.toml`.
//! It does the session's steps with wasmtime and prints what wasmscope printed.
//!
//! Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! wasmtime = "48"
//! ```
//!
//! Run it with the module's path (default: `wasm_bindgen.wasm`): `cargo run -- wasm_bindgen.wasm`

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store};

fn main() -> Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "wasm_bindgen.wasm".to_owned());
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

    // 1. __wbindgen_malloc(len(input) + 30)
    println!("Allocator: __wbindgen_malloc (wasm-bindgen, align 1)");
    let __wbindgen_malloc =
        instance.get_typed_func::<(u32, u32), u32>(&mut store, "__wbindgen_malloc")?;
    let args = (u32::try_from(input.len() as u64 + 30)?, 1);
    let ptr = u64::from(__wbindgen_malloc.call(&mut store, args)?);
    println!("Pointer received {ptr:#x}, {}", input.len());
    let host_base = memory.data_ptr(&store) as u64;
    println!("Host memory pointer {host_base:#x}");
    println!("address for wasm object in rust: {:#x}", host_base + ptr);

    // 2. write at ptr
    memory.write(&mut store, usize::try_from(ptr)?, &input)?;
    Ok(())
}
