//! The plan as a Rust `main.rs` for wasmtime 48: safe code only (`Memory::read` and
//! `write`, `get_typed_func`), stubs through the `Linker`, WASI through wasmtime-wasi.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::plan::{Action, Arg, Plan, PlanStep, num_type};
use super::{Needs, comment_lines, ident};
use crate::engine::{AllocArg, Convention, NumType, Value};
use crate::inspect::{FuncSignature, ValType};
use crate::recipe::{Data, Expr, Input, Returns};

/// Functions the program defines below `main` when a step needs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Helper {
    Stub,
    I32Text,
    I64Text,
    Hex,
}

struct Writer {
    body: String,
    helpers: BTreeSet<Helper>,
}

impl Writer {
    /// One line of `main`'s body; a `let` past rustfmt's 100 columns breaks after
    /// its `=`, as rustfmt would.
    fn line(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if text.is_empty() {
            self.body.push('\n');
            return;
        }
        if text.len() + 4 > 100
            && text.starts_with("let ")
            && let Some((binding, value)) = text.split_once(" = ")
        {
            let _ = writeln!(self.body, "    {binding} =\n        {value}");
        } else {
            let _ = writeln!(self.body, "    {text}");
        }
    }

    fn comment(&mut self, text: &str) {
        for line in comment_lines(text, 84) {
            self.line(format!("// {line}").trim_end());
        }
    }
}

/// The program.
pub fn program(plan: &Plan) -> String {
    let needs = Needs::of(plan);
    let mut w = Writer {
        body: String::new(),
        helpers: BTreeSet::new(),
    };
    setup(plan, &needs, &mut w);
    for (index, step) in plan.steps.iter().enumerate() {
        w.line("");
        step_code(index, step, &mut w);
    }
    w.line("Ok(())");
    let mut out = header(plan);
    out.push_str("fn main() -> Result<()> {\n");
    out.push_str(&w.body);
    out.push_str("}\n");
    for helper in &w.helpers {
        out.push('\n');
        out.push_str(helper_code(*helper));
    }
    out
}

fn header(plan: &Plan) -> String {
    let mut out = format!(
        "//! A host program for `{module}`, exported by wasmscope from the session `{session}`.\n\
         //! It does the session's steps with wasmtime and prints what wasmscope printed.\n\
         //!\n\
         //! Cargo.toml:\n\
         //!\n\
         //! ```toml\n\
         //! [dependencies]\n\
         //! wasmtime = \"48\"\n",
        module = plan.module_file,
        session = plan.session,
    );
    if plan.wasi.is_some() {
        out.push_str("//! wasmtime-wasi = \"48\"\n");
    }
    let _ = write!(
        out,
        "//! ```\n\
         //!\n\
         //! It looks for the module at `{path}` from this file's folder;\n\
         //! give another path with `cargo run -- PATH`.\n\n",
        path = plan.module_path
    );
    let mut uses = vec!["Engine", "Linker", "Module", "Result", "Store"];
    if !plan.stubs.is_empty() {
        uses.push("Val");
    }
    uses.sort_unstable();
    out.push_str("use wasmtime::error::Context;\n");
    let _ = writeln!(out, "use wasmtime::{{{}}};", uses.join(", "));
    if let Some(wasi) = &plan.wasi {
        if wasi.dirs.is_empty() {
            out.push_str("use wasmtime_wasi::WasiCtxBuilder;\n");
        } else {
            out.push_str("use wasmtime_wasi::{FsPerms, WasiCtxBuilder};\n");
        }
        out.push_str("use wasmtime_wasi::p1::WasiP1Ctx;\n");
    }
    out.push('\n');
    out
}

fn setup(plan: &Plan, needs: &Needs, w: &mut Writer) {
    w.line("let path = match std::env::args().nth(1) {");
    w.line("    Some(path) => std::path::PathBuf::from(path),");
    w.line("    // The module's path, from this file's folder, replaces this file's name.");
    w.line("    None => std::path::Path::new(env!(\"CARGO_MANIFEST_DIR\"))");
    w.line("        .join(file!())");
    w.line(format!("        .with_file_name({:?}),", plan.module_path));
    w.line("};");
    w.line("if !path.is_file() {");
    w.line("    let path = path.display();");
    w.line(
        "    eprintln!(\"cannot find the module at {path}: give its path, `cargo run -- PATH`\");",
    );
    w.line("    std::process::exit(1);");
    w.line("}");
    w.line("let engine = Engine::default();");
    w.line("let module = Module::from_file(&engine, &path)");
    w.line("    .with_context(|| format!(\"cannot load the module {}\", path.display()))?;");
    let linker_mut = if plan.wasi.is_some() || !plan.stubs.is_empty() {
        "mut "
    } else {
        ""
    };
    match &plan.wasi {
        Some(wasi) => {
            w.line("");
            w.comment("The module imports WASI: its output goes to this program's.");
            w.line(format!(
                "let {linker_mut}linker: Linker<WasiP1Ctx> = Linker::new(&engine);"
            ));
            if wasi.p1 {
                w.line("wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi)?;");
            }
            if wasi.p0 {
                w.line("wasmtime_wasi::p0::add_to_linker_sync(&mut linker, |wasi| wasi)?;");
            }
        }
        None => w.line(format!("let {linker_mut}linker = Linker::new(&engine);")),
    }
    if !plan.stubs.is_empty() {
        w.helpers.insert(Helper::Stub);
        w.line("");
        w.comment("Imports this host does not provide get stubs, as in the session.");
        for stub in &plan.stubs {
            let what = if stub.trap { "traps" } else { "answers zeros" };
            w.line(format!(
                "stub(&mut linker, &module, ({:?}, {:?}), {})?; // {} {what}",
                stub.module, stub.name, stub.trap, stub.sig
            ));
        }
    }
    match &plan.wasi {
        Some(wasi) => {
            w.line("let wasi = WasiCtxBuilder::new()");
            w.line("    .inherit_stdio()");
            w.line(format!("    .args(&{:?})", wasi.args));
            if !wasi.env.is_empty() {
                w.line(format!("    .envs(&{:?})", wasi.env));
            }
            for dir in &wasi.dirs {
                w.line(format!(
                    "    .preopened_dir({dir:?}, {dir:?}, FsPerms::ReadWrite)?"
                ));
            }
            w.line("    .build_p1();");
            w.line("let mut store = Store::new(&engine, wasi);");
        }
        None => w.line("let mut store = Store::new(&engine, ());"),
    }
    w.line("let instance = linker.instantiate(&mut store, &module)?;");
    for export in &plan.setup {
        w.line(format!(
            "instance.get_typed_func::<(), ()>(&mut store, {export:?})?.call(&mut store, ())?; \
             // the module's own setup"
        ));
    }
    if needs.memory {
        w.line("let memory = instance");
        w.line(format!("    .get_memory(&mut store, {:?})", plan.memory));
        w.line(format!(
            "    .context(\"the module exports no memory `{}`\")?;",
            plan.memory
        ));
    }
    if needs.input {
        w.line("");
        match &plan.input {
            Some(input) => w.line(format!("let input = {};", bytes_vec(input))),
            None => w.line("let input: Vec<u8> = Vec::new();"),
        }
    }
}

fn step_code(index: usize, step: &PlanStep, w: &mut Writer) {
    w.comment(&format!("{}. {}", index + 1, step.title));
    if let Some(note) = &step.note {
        w.comment(note);
    }
    match &step.action {
        Action::Input(input) => w.line(format!("let input = {};", bytes_vec(input))),
        Action::Alloc {
            allocator,
            sig,
            size,
            name,
        } => {
            w.line(format!("println!(\"Allocator: {allocator}\");"));
            let size = expr(size);
            let args: Vec<String> = allocator
                .arg_shape()
                .into_iter()
                .map(|arg| match arg {
                    AllocArg::Size32 => format!("u32::try_from({size})?"),
                    AllocArg::Size64 => size.clone(),
                    AllocArg::Const(value) => literal(value),
                })
                .collect();
            let ptr = ident(name);
            call(&allocator.export, sig, &args, Some(&ptr), w);
            if let Some(pin) = &allocator.pin
                && allocator.convention == Convention::AssemblyScript
            {
                w.line("instance");
                w.line(format!(
                    "    .get_typed_func::<u32, u32>(&mut store, {pin:?})?"
                ));
                w.line(format!(
                    "    .call(&mut store, u32::try_from({ptr})?)?; // keep it from the GC"
                ));
            }
            w.line(format!(
                "println!(\"Pointer received {{{ptr}:#x}}, {{}}\", input.len());"
            ));
            w.line("let host_base = memory.data_ptr(&store) as u64;");
            w.line("println!(\"Host memory pointer {host_base:#x}\");");
            w.line(format!(
                "println!(\"address for wasm object in rust: {{:#x}}\", host_base + {ptr});"
            ));
        }
        Action::Write { at, data } => {
            let bytes = match data {
                Data::Named(name) => format!("&{}", ident(name)),
                Data::Literal(input) => format!("&{}", bytes_vec(input)),
            };
            w.line(format!(
                "memory.write(&mut store, usize::try_from({})?, {bytes})?;",
                expr(at)
            ));
        }
        Action::Call {
            export,
            sig,
            args,
            name,
            returns,
        } => {
            let texts: Vec<String> = sig
                .params
                .iter()
                .zip(args)
                .map(|(ty, arg)| match arg {
                    Arg::Literal(value) => literal(*value),
                    Arg::Expr(e) if *ty == ValType::I32 => format!("u32::try_from({})?", expr(e)),
                    Arg::Expr(e) => expr(e),
                })
                .collect();
            let result = ident(name);
            let one_int = sig.returns_one_integer();
            if one_int || sig.results.len() == 1 {
                call(export, sig, &texts, Some(&result), w);
            } else {
                call(export, sig, &texts, None, w);
            }
            let line = match returns {
                Returns::Value => {
                    let text = values_text(&sig.results, &result, w);
                    format!("println!(\"`{export}` returned {{}}\", {text});")
                }
                Returns::Ptr => format!("println!(\"Pointer returned {{{result}:#x}}\");"),
                Returns::Len if args.is_empty() => {
                    format!("println!(\"New Size received: {{{result}}} (from `{export}`)\");")
                }
                Returns::Len => format!("println!(\"New Size received: {{{result}}}\");"),
            };
            w.line(line);
        }
        Action::Read { at, len, name } => {
            let bytes = ident(name);
            w.helpers.insert(Helper::Hex);
            w.line(format!(
                "let mut {bytes} = vec![0; usize::try_from({})?];",
                expr(len)
            ));
            w.line(format!(
                "memory.read(&store, usize::try_from({})?, &mut {bytes})?;",
                expr(at)
            ));
            w.line(format!(
                "println!(\"Result: {{}}\", String::from_utf8_lossy(&{bytes}));"
            ));
            w.line(format!("if std::str::from_utf8(&{bytes}).is_err() {{"));
            w.line(format!(
                "    println!(\"Result (hex): {{}}\", hex(&{bytes}));"
            ));
            w.line("}");
        }
    }
}

/// Looks up `export` and calls it with `args`; with `bind`, names its result(s): one
/// integer as a `u64`, several as `bind_0`, `bind_1`, ….
fn call(export: &str, sig: &FuncSignature, args: &[String], bind: Option<&str>, w: &mut Writer) {
    let func = match ident(export) {
        name if bind.is_some_and(|b| b == name) => format!("{name}_fn"),
        name => name,
    };
    w.line(format!(
        "let {func} = instance.get_typed_func::<{}, {}>(&mut store, {export:?})?;",
        tuple_type(&sig.params),
        tuple_type(&sig.results)
    ));
    let args = match args {
        [] => "()".to_owned(),
        [one] if one.len() < 40 => one.clone(),
        many => {
            w.line(format!("let args = {};", tuple_value(many)));
            "args".to_owned()
        }
    };
    let call = format!("{func}.call(&mut store, {args})?");
    match (bind, sig.results.as_slice()) {
        (_, []) | (None, _) => w.line(format!("{call};")),
        (Some(name), [ValType::I32]) => w.line(format!("let {name} = u64::from({call});")),
        (Some(name), [_]) => w.line(format!("let {name} = {call};")),
        (Some(name), many) => {
            let names: Vec<String> = (0..many.len()).map(|i| format!("{name}_{i}")).collect();
            w.line(format!("let ({}) = {call};", names.join(", ")));
        }
    }
}

/// How `results`, bound as `name` by [`call`], read in the line: `10: i32`.
fn values_text(results: &[ValType], name: &str, w: &mut Writer) -> String {
    let one = |ty: &ValType, var: String, w: &mut Writer| match num_type(ty) {
        Some(NumType::I32) => {
            w.helpers.insert(Helper::I32Text);
            format!("i32_text(u64::from({var}))")
        }
        Some(NumType::I64) => {
            w.helpers.insert(Helper::I64Text);
            format!("i64_text({var})")
        }
        _ => format!("format!(\"{{}}: {ty}\", {var})"),
    };
    match results {
        [] => "\"()\"".to_owned(),
        [ValType::I32] => {
            w.helpers.insert(Helper::I32Text);
            format!("i32_text({name})")
        }
        [ty] => one(ty, name.to_owned(), w),
        many => {
            let parts: Vec<String> = many
                .iter()
                .enumerate()
                .map(|(i, ty)| one(ty, format!("{name}_{i}"), w))
                .collect();
            format!(
                "format!(\"({})\", {})",
                vec!["{}"; many.len()].join(", "),
                parts.join(", ")
            )
        }
    }
}

fn rust_type(ty: &ValType) -> &'static str {
    match num_type(ty) {
        Some(NumType::I32) => "u32",
        Some(NumType::I64) => "u64",
        Some(NumType::F32) => "f32",
        _ => "f64",
    }
}

fn tuple_type(types: &[ValType]) -> String {
    match types {
        [one] => rust_type(one).to_owned(),
        many => format!(
            "({})",
            many.iter().map(rust_type).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn tuple_value(values: &[String]) -> String {
    match values {
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    }
}

/// An expression over the program's `u64` names.
fn expr(e: &Expr) -> String {
    crate::memory::rewrite_names(e.as_str(), |name| match name.strip_prefix("len(") {
        Some(rest) => format!("{}.len() as u64", ident(rest.trim_end_matches(')'))),
        None => ident(name),
    })
    .unwrap_or_else(|_| e.as_str().to_owned())
}

/// A literal of the type the guest takes (`u32` for i32, as `get_typed_func` has it).
fn literal(value: Value) -> String {
    let float = |text: String, ty: &str| match text.as_str() {
        "NaN" => format!("{ty}::NAN"),
        "inf" => format!("{ty}::INFINITY"),
        "-inf" => format!("{ty}::NEG_INFINITY"),
        _ => format!("{text}_{ty}"),
    };
    match value {
        Value::I32(v) if v < 0 => format!("{v}_i32 as u32"),
        Value::I32(v) => v.to_string(),
        Value::I64(v) if v < 0 => format!("{v}_i64 as u64"),
        Value::I64(v) => v.to_string(),
        Value::F32(v) => float(format!("{v:?}"), "f32"),
        Value::F64(v) => float(format!("{v:?}"), "f64"),
    }
}

/// The bytes of `input` as a `Vec<u8>` expression.
fn bytes_vec(input: &Input) -> String {
    match input {
        Input::Text(text) => format!("{text:?}.as_bytes().to_vec()"),
        Input::Bytes(bytes) => {
            let items: Vec<String> = bytes.iter().map(|b| format!("0x{b:02x}")).collect();
            format!("vec![{}]", items.join(", "))
        }
    }
}

fn helper_code(helper: Helper) -> &'static str {
    match helper {
        Helper::Stub => {
            "/// Answers the import `from.name` as wasmscope's stubs do: zeros for every result, or\n\
             /// (`trap`) an error naming it.\n\
             fn stub<T: 'static>(\n    \
                 linker: &mut Linker<T>,\n    \
                 module: &Module,\n    \
                 (from, name): (&str, &str),\n    \
                 trap: bool,\n\
             ) -> Result<()> {\n    \
                 let ty = module\n        \
                     .imports()\n        \
                     .find(|i| i.module() == from && i.name() == name)\n        \
                     .and_then(|i| i.ty().func().cloned())\n        \
                     .with_context(|| format!(\"the module imports no function {from}.{name}\"))?;\n    \
                 let zeros: Vec<Val> = ty\n        \
                     .results()\n        \
                     .map(|t| Val::default_for_ty(&t))\n        \
                     .collect::<Option<_>>()\n        \
                     .with_context(|| format!(\"{from}.{name} returns a type without a zero\"))?;\n    \
                 let full = format!(\"{from}.{name}\");\n    \
                 linker.func_new(from, name, ty, move |_caller, _params, results| {\n        \
                     if trap {\n            \
                         wasmtime::bail!(\"the guest called {full}, which this host does not provide\");\n        \
                     }\n        \
                     results.clone_from_slice(&zeros);\n        \
                     Ok(())\n    \
                 })?;\n    \
                 Ok(())\n\
             }\n"
        }
        Helper::I32Text => {
            "/// An i32 as wasmscope shows it: `10: i32`, `4096 (0x1000): i32`.\n\
             fn i32_text(value: u64) -> String {\n    \
                 let signed = value as u32 as i32;\n    \
                 if signed >= 0x1000 {\n        \
                     format!(\"{signed} ({value:#x}): i32\")\n    \
                 } else {\n        \
                     format!(\"{signed}: i32\")\n    \
                 }\n\
             }\n"
        }
        Helper::I64Text => {
            "/// An i64 as wasmscope shows it: `10: i64`, `4096 (0x1000): i64`.\n\
             fn i64_text(value: u64) -> String {\n    \
                 let signed = value as i64;\n    \
                 if signed >= 0x1000 {\n        \
                     format!(\"{signed} ({value:#x}): i64\")\n    \
                 } else {\n        \
                     format!(\"{signed}: i64\")\n    \
                 }\n\
             }\n"
        }
        Helper::Hex => {
            "/// Bytes as spaced hex: `de ad be ef`.\n\
             fn hex(bytes: &[u8]) -> String {\n    \
                 bytes\n        \
                     .iter()\n        \
                     .map(|b| format!(\"{b:02x}\"))\n        \
                     .collect::<Vec<_>>()\n        \
                     .join(\" \")\n\
             }\n"
        }
    }
}
