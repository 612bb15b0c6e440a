//! A host program for the component `wave_types.wasm`, exported by wasmscope from the
//! session `wave_types.toml`. It calls the component's functions with wasmtime and prints
//! what wasmscope printed.
//!
//! Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! wasmtime = { version = "48", features = ["wave"] }
//! ```
//!
//! It looks for the component at `../tests/fixtures/wave_types.wasm` from this file's folder;
//! give another path with `cargo run -- PATH`.

use wasmtime::component::{Component, Instance, Linker, Val};
use wasmtime::error::Context;
use wasmtime::{Engine, Result, Store};

fn main() -> Result<()> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        // The component's path, from this file's folder, replaces this file's name.
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(file!())
            .with_file_name("../tests/fixtures/wave_types.wasm"),
    };
    if !path.is_file() {
        let path = path.display();
        eprintln!("cannot find the component at {path}: give its path, `cargo run -- PATH`");
        std::process::exit(1);
    }
    let engine = Engine::default();
    let component = Component::from_file(&engine, &path)
        .with_context(|| format!("cannot load the component {}", path.display()))?;
    let linker = Linker::new(&engine);
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component)?;

    // 1. next-color(blue-ish)
    invoke(&mut store, &instance, "next-color", &["blue-ish"])?;

    // 2. flip({read, exec-it})
    invoke(&mut store, &instance, "flip", &["{read, exec-it}"])?;

    // 3. unwrap-or-zero(some(7))
    invoke(&mut store, &instance, "unwrap-or-zero", &["some(7)"])?;

    // 4. unwrap-or-zero(none)
    invoke(&mut store, &instance, "unwrap-or-zero", &["none"])?;

    // 5. area(circle(3))
    invoke(&mut store, &instance, "area", &["circle(3)"])?;

    // 6. area(dot)
    invoke(&mut store, &instance, "area", &["dot"])?;

    // 7. add-pair((2, 3))
    invoke(&mut store, &instance, "add-pair", &["(2, 3)"])?;

    // 8. sum-fields({first-name: 1, n: 2})
    invoke(
        &mut store,
        &instance,
        "sum-fields",
        &["{first-name: 1, n: 2}"],
    )?;

    // 9. half(0.2)
    invoke(&mut store, &instance, "half", &["0.2"])?;

    // 10. negate(-9000000000)
    invoke(&mut store, &instance, "negate", &["-9000000000"])?;

    // 11. is-big(4294967296)
    invoke(&mut store, &instance, "is-big", &["4294967296"])?;

    // 12. next-char('&')
    invoke(&mut store, &instance, "next-char", &["'&'"])?;

    // 13. check(8)
    invoke(&mut store, &instance, "check", &["8"])?;

    // 14. check(7)
    invoke(&mut store, &instance, "check", &["7"])?;
    Ok(())
}

/// Calls the exported function `name` (`interface#function` for one in an interface)
/// with `args` in WAVE, read as its parameters' types, and prints its results in WAVE:
/// `upper("The input string") returned "THE INPUT STRING"`.
fn invoke<T>(store: &mut Store<T>, instance: &Instance, name: &str, args: &[&str]) -> Result<()> {
    let missing = || format!("the component exports no function `{name}`");
    let index = match name.split_once('#') {
        Some((interface, function)) => {
            let interface = instance.get_export_index(&mut *store, None, interface);
            let interface = interface.with_context(missing)?;
            instance.get_export_index(&mut *store, Some(&interface), function)
        }
        None => instance.get_export_index(&mut *store, None, name),
    };
    let func = instance
        .get_func(&mut *store, index.with_context(missing)?)
        .with_context(missing)?;
    let ty = func.ty(&*store);
    let params = ty
        .params()
        .zip(args)
        .map(|((param, ty), text)| {
            Val::from_wave(&ty, text).with_context(|| format!("`{text}` is not a `{param}`"))
        })
        .collect::<Result<Vec<Val>>>()?;
    let mut results = vec![Val::Bool(false); ty.results().len()];
    func.call(&mut *store, &params, &mut results)?;
    let results = results
        .iter()
        .map(Val::to_wave)
        .collect::<Result<Vec<String>>>()?;
    let results = match results.as_slice() {
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    };
    println!("{name}({}) returned {results}", args.join(", "));
    Ok(())
}
