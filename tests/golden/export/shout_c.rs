//! A host program for `shout_c.wasm`, exported by wasmscope from the session `shout_c.toml`.
//! It does the session's steps with wasmtime and prints what wasmscope printed.
//!
//! Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! wasmtime = "48"
//! ```
//!
//! It looks for the module at `../../../assets/shout_c.wasm` from this file's folder;
//! give another path with `cargo run -- PATH`.

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store, Val};

fn main() -> Result<()> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        // The module's path, from this file's folder, replaces this file's name.
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(file!())
            .with_file_name("../../../assets/shout_c.wasm"),
    };
    if !path.is_file() {
        let path = path.display();
        eprintln!("cannot find the module at {path}: give its path, `cargo run -- PATH`");
        std::process::exit(1);
    }
    let engine = Engine::default();
    let module = Module::from_file(&engine, &path)
        .with_context(|| format!("cannot load the module {}", path.display()))?;
    let mut linker = Linker::new(&engine);

    // Imports this host does not provide get stubs, as in the session.
    stub(&mut linker, &module, ("env", "notify"), false)?; // (i32, i32) -> () answers zeros
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module)?;
    let memory = instance
        .get_memory(&mut store, "memory")
        .context("the module exports no memory `memory`")?;

    let input = "hello".as_bytes().to_vec();

    // 1. malloc(len(input) + 30)
    println!("Allocator: malloc (malloc)");
    let malloc = instance.get_typed_func::<u32, u32>(&mut store, "malloc")?;
    let ptr = u64::from(malloc.call(&mut store, u32::try_from(input.len() as u64 + 30)?)?);
    println!("Pointer received {ptr:#x}, {}", input.len());
    let host_base = memory.data_ptr(&store) as u64;
    println!("Host memory pointer {host_base:#x}");
    println!("address for wasm object in rust: {:#x}", host_base + ptr);

    // 2. write at ptr
    memory.write(&mut store, usize::try_from(ptr)?, &input)?;

    // 3. shout(ptr, len(input))
    let shout = instance.get_typed_func::<(u32, u32), u32>(&mut store, "shout")?;
    let args = (u32::try_from(ptr)?, u32::try_from(input.len() as u64)?);
    let result = u64::from(shout.call(&mut store, args)?);
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

/// Answers the import `from.name` as wasmscope's stubs do: zeros for every result, or
/// (`trap`) an error naming it.
fn stub<T: 'static>(
    linker: &mut Linker<T>,
    module: &Module,
    (from, name): (&str, &str),
    trap: bool,
) -> Result<()> {
    let ty = module
        .imports()
        .find(|i| i.module() == from && i.name() == name)
        .and_then(|i| i.ty().func().cloned())
        .with_context(|| format!("the module imports no function {from}.{name}"))?;
    let zeros: Vec<Val> = ty
        .results()
        .map(|t| Val::default_for_ty(&t))
        .collect::<Option<_>>()
        .with_context(|| format!("{from}.{name} returns a type without a zero"))?;
    let full = format!("{from}.{name}");
    linker.func_new(from, name, ty, move |_caller, _params, results| {
        if trap {
            wasmtime::bail!("the guest called {full}, which this host does not provide");
        }
        results.clone_from_slice(&zeros);
        Ok(())
    })?;
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
