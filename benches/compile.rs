//! `load/{winch,cranelift}/<module>`: a first load — compile (no cache) and
//! instantiate — of the largest test module, `greet.wasm` (a Rust WASI guest), with
//! each compiler. Set `WASMSCOPE_BENCH_MODULE` to a `.wasm` file to measure that one
//! too (e.g. the 32 MB `@ffmpeg/core` from npm; expect minutes with Cranelift).
//!
//! The bench profile builds every dependency as release does (see `Cargo.toml`), so
//! these are the compile times a release build sees.
#![allow(clippy::expect_used)] // A benchmark may panic on the unexpected.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use wasmscope::engine::{CompilerChoice, Engines, HostConfig, Limits, Session, StopHandle};

fn load(c: &mut Criterion) {
    let mut modules = vec![PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/greet.wasm"
    ))];
    modules.extend(std::env::var_os("WASMSCOPE_BENCH_MODULE").map(PathBuf::from));
    let engines = Engines::new(None).expect("the engines");
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for path in &modules {
        let bytes = std::fs::read(path).expect("the module");
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for (label, choice) in [
            ("winch", CompilerChoice::Winch),
            ("cranelift", CompilerChoice::Cranelift),
        ] {
            group.bench_function(format!("{label}/{name}"), |b| {
                b.iter(|| {
                    let (module, _) = engines.compile(choice, &bytes).expect("it compiles");
                    let stop = StopHandle::new(module.engine().clone());
                    Session::from_module(&stop, &module, Limits::default(), &HostConfig::default())
                        .expect("it instantiates")
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
