//! `inspect/{list,validate}/32MB`: listing a 32 MB module (exports, imports, memories,
//! globals, data, names; function bodies skipped) against validating it. The module
//! is made here: 160,000 functions with names, 2,000 exports, data segments. It is
//! also written to `$CARGO_TARGET_DIR/inspect-bench-32MB.wasm` (or the temp folder) so
//! that `wasm-objdump -x` can be timed on the same file. Set `WASMSCOPE_BENCH_MODULE`
//! to list a module of yours too.
#![allow(clippy::expect_used)] // A benchmark may panic on the unexpected.

use criterion::{Criterion, criterion_group, criterion_main};
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, ExportKind, ExportSection, Function, FunctionSection,
    IndirectNameMap, Instruction, MemorySection, MemoryType, Module, NameMap, NameSection,
    TypeSection, ValType,
};
use wasmscope::inspect::{list, validate};

const FUNCTIONS: u32 = 160_000;

/// A valid module of about 32 MB.
fn big_module() -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types
        .ty()
        .function([ValType::I32, ValType::I32], [ValType::I32]);
    module.section(&types);
    let mut functions = FunctionSection::new();
    for _ in 0..FUNCTIONS {
        functions.function(0);
    }
    module.section(&functions);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 17,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    for i in (0..FUNCTIONS).step_by(80) {
        exports.export(&format!("export_{i}"), ExportKind::Func, i);
    }
    module.section(&exports);
    let mut code = CodeSection::new();
    for i in 0..FUNCTIONS {
        let mut body = Function::new([(1, ValType::I32)]);
        for k in 0..17 {
            body.instruction(&Instruction::LocalGet(k % 2));
            body.instruction(&Instruction::I32Const((i as i32).wrapping_mul(k as i32)));
            body.instruction(&Instruction::I32Add);
            body.instruction(&Instruction::LocalSet(2));
        }
        body.instruction(&Instruction::LocalGet(2));
        body.instruction(&Instruction::End);
        code.function(&body);
    }
    module.section(&code);
    let mut data = DataSection::new();
    for i in 0..64u32 {
        data.active(
            0,
            &ConstExpr::i32_const((i * 1024) as i32),
            vec![i as u8; 1000],
        );
    }
    module.section(&data);
    let mut names = NameSection::new();
    let mut funcs = NameMap::new();
    for i in 0..FUNCTIONS {
        funcs.append(i, &format!("crate::module::function_number_{i}"));
    }
    names.functions(&funcs);
    names.locals(&IndirectNameMap::new());
    module.section(&names);
    module.finish()
}

fn bench(c: &mut Criterion) {
    let bytes = big_module();
    let dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(std::env::temp_dir, Into::into);
    let path = std::path::Path::new(&dir).join("inspect-bench-32MB.wasm");
    std::fs::write(&path, &bytes).expect("the module file");
    eprintln!("{} bytes, written to {}", bytes.len(), path.display());
    let mut group = c.benchmark_group("inspect");
    group.sample_size(10);
    group.bench_function("list/32MB", |b| b.iter(|| list(&bytes).expect("it lists")));
    group.bench_function("validate/32MB", |b| {
        b.iter(|| validate(&bytes).expect("it is valid"))
    });
    if let Some(own) = std::env::var_os("WASMSCOPE_BENCH_MODULE") {
        let own = std::fs::read(own).expect("the module");
        group.bench_function("list/yours", |b| b.iter(|| list(&own).expect("it lists")));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
