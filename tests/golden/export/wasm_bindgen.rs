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
//! It looks for the module at `../../../assets/wasm_bindgen.wasm` from this file's folder;
//! give another path with `cargo run -- PATH`.

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store};

fn main() -> Result<()> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        // The module's path, from this file's folder, replaces this file's name.
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(file!())
            .with_file_name("../../../assets/wasm_bindgen.wasm"),
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
