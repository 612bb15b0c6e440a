//! A host program for `shout_as.wasm`, exported by wasmscope from the session `shout_as.toml`.
//! It does the session's steps with wasmtime and prints what wasmscope printed.
//!
//! Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! wasmtime = "48"
//! ```
//!
//! It looks for the module at `../../../assets/shout_as.wasm` from this file's folder;
//! give another path with `cargo run -- PATH`.

use wasmtime::error::Context;
use wasmtime::{Engine, Linker, Module, Result, Store, Val};

fn main() -> Result<()> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        // The module's path, from this file's folder, replaces this file's name.
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(file!())
            .with_file_name("../../../assets/shout_as.wasm"),
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
    stub(&mut linker, &module, ("env", "abort"), false)?; // (i32, i32, i32, i32) -> () answers zeros
    stub(&mut linker, &module, ("env", "notify"), false)?; // (i32, i32) -> () answers zeros
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module)?;
    let memory = instance
        .get_memory(&mut store, "memory")
        .context("the module exports no memory `memory`")?;

    let input = "hello".as_bytes().to_vec();

    // 1. __new(len(input) + 30)
    println!("Allocator: __new (assemblyscript, id 1 = ArrayBuffer, pinned with __pin)");
    let __new = instance.get_typed_func::<(u32, u32), u32>(&mut store, "__new")?;
    let args = (u32::try_from(input.len() as u64 + 30)?, 1);
    let ptr = u64::from(__new.call(&mut store, args)?);
    instance
        .get_typed_func::<u32, u32>(&mut store, "__pin")?
        .call(&mut store, u32::try_from(ptr)?)?; // keep it from the GC
    println!("Pointer received {ptr:#x}, {}", input.len());
    let host_base = memory.data_ptr(&store) as u64;
    println!("Host memory pointer {host_base:#x}");
    println!("address for wasm object in rust: {:#x}", host_base + ptr);

    // 2. write at ptr
    memory.write(&mut store, usize::try_from(ptr)?, &input)?;
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
