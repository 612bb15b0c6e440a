//! The plan as an ES module for Node ≥ 18 and browsers: the WebAssembly JS API, a
//! `Uint8Array` over `memory.buffer`, `TextEncoder`/`TextDecoder`, `node:wasi` for
//! WASI modules, plain functions as stubs.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::plan::{Action, Arg, Plan, PlanStep, num_type};
use super::{Needs, comment_lines, ident};
use crate::engine::{AllocArg, Convention, NumType, Value};
use crate::inspect::ValType;
use crate::recipe::{Data, Expr, Input, Returns};

struct Writer {
    body: String,
    /// Names declared with `let` (a second step with the same name assigns).
    declared: BTreeSet<String>,
}

impl Writer {
    fn line(&mut self, text: impl AsRef<str>) {
        let _ = writeln!(self.body, "{}", text.as_ref());
    }

    fn comment(&mut self, text: &str) {
        for line in comment_lines(text, 88) {
            self.line(format!("// {line}").trim_end());
        }
    }

    /// `let name = value;`, or `name = value;` when `name` was declared before.
    fn bind(&mut self, name: &str, value: &str) {
        if self.declared.insert(name.to_owned()) {
            self.line(format!("let {name} = {value};"));
        } else {
            self.line(format!("{name} = {value};"));
        }
    }
}

/// The program.
pub fn program(plan: &Plan) -> String {
    let needs = Needs::of(plan);
    let mut w = Writer {
        body: String::new(),
        declared: BTreeSet::new(),
    };
    header(plan, &mut w);
    setup(plan, &needs, &mut w);
    for (index, step) in plan.steps.iter().enumerate() {
        w.line("");
        step_code(index, step, &mut w);
    }
    w.body
}

fn header(plan: &Plan, w: &mut Writer) {
    w.line(format!(
        "// A host program for `{}`, exported by wasmscope from the session `{}`.",
        plan.module_file, plan.session
    ));
    w.line("// It does the session's steps with the WebAssembly JS API and prints what wasmscope");
    w.line("// printed, except the host addresses, which JavaScript cannot see.");
    w.line("//");
    w.line(format!(
        "// Node 18 or later: node host.mjs [path/to/{}]",
        plan.module_file
    ));
    w.line(format!(
        "// Without a path it reads {} from this file's folder.",
        plan.module_path
    ));
    if plan.memories > 1 {
        w.line(format!(
            "// The module has {} memories: it needs multi-memory (Node 22, Chrome 120, Firefox 125).",
            plan.memories
        ));
    }
    if plan.wasi.is_some() {
        w.line("// The module imports WASI, which only Node provides (node:wasi).");
    } else {
        w.line(format!(
            "// Browser: serve this file beside {} and load it with <script type=\"module\">.",
            plan.module_file
        ));
    }
    w.line("");
}

fn setup(plan: &Plan, needs: &Needs, w: &mut Writer) {
    w.comment("The module, from this file's folder.");
    w.line(format!("const source = {};", js_string(&plan.module_path)));
    w.line("const inNode = typeof process === \"object\" && process.versions?.node !== undefined;");
    w.line("const bytes = inNode ? await readInNode() : await (await fetch(new URL(source, import.meta.url))).arrayBuffer();");
    w.line("");
    w.line("async function readInNode() {");
    w.line("  const { fileURLToPath } = await import(\"node:url\");");
    w.line("  const { dirname, resolve } = await import(\"node:path\");");
    w.line("  const path = process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), source);");
    w.line("  try {");
    w.line("    return await (await import(\"node:fs/promises\")).readFile(path);");
    w.line("  } catch (err) {");
    w.line("    const why = err.code === \"ENOENT\" ? \"no such file\" : err.message;");
    w.line("    console.error(`cannot read the module at ${path} (${why}): give its path, node host.mjs PATH`);");
    w.line("    process.exit(1);");
    w.line("  }");
    w.line("}");
    w.line("");
    if !plan.stubs.is_empty() {
        w.comment("Imports this host does not provide get stubs, as in the session.");
        w.line("const stub = (name, trap, zero) => () => {");
        w.line("  if (trap) throw new Error(`the guest called ${name}, which this host does not provide`);");
        w.line("  return zero;");
        w.line("};");
    }
    if let Some(wasi) = &plan.wasi {
        w.comment("The module imports WASI: its output goes to this program's.");
        w.line("const { WASI } = await import(\"node:wasi\");");
        let args: Vec<String> = wasi.args.iter().map(|a| js_string(a)).collect();
        let env: Vec<String> = wasi
            .env
            .iter()
            .map(|(k, v)| format!("{}: {}", js_string(k), js_string(v)))
            .collect();
        let dirs: Vec<String> = wasi
            .dirs
            .iter()
            .map(|d| format!("{}: {}", js_string(d), js_string(d)))
            .collect();
        w.line("const wasi = new WASI({");
        w.line("  version: \"preview1\",");
        w.line(format!("  args: [{}],", args.join(", ")));
        w.line(format!("  env: {{{}}},", env.join(", ")));
        w.line(format!("  preopens: {{{}}},", dirs.join(", ")));
        w.line("});");
    }
    w.line("const imports = {");
    if let Some(wasi) = &plan.wasi {
        if wasi.p1 {
            w.line("  wasi_snapshot_preview1: wasi.wasiImport,");
        }
        if wasi.p0 {
            w.line("  wasi_unstable: wasi.wasiImport,");
        }
    }
    let mut modules: Vec<&str> = plan.stubs.iter().map(|s| s.module.as_str()).collect();
    modules.dedup();
    for module in modules {
        w.line(format!("  {}: {{", property(module)));
        for stub in plan.stubs.iter().filter(|s| s.module == module) {
            let zero = match stub.sig.results.as_slice() {
                [] => "undefined",
                [ValType::I64] => "0n",
                [_] => "0",
                _ => "[]",
            };
            w.line(format!(
                "    {}: stub({}, {}, {zero}), // {}",
                property(&stub.name),
                js_string(&format!("{}.{}", stub.module, stub.name)),
                stub.trap,
                stub.sig,
            ));
        }
        w.line("  },");
    }
    w.line("};");
    w.line("const { instance } = await WebAssembly.instantiate(bytes, imports);");
    w.line("const exports = instance.exports;");
    if plan.wasi.is_some() {
        w.line("wasi.initialize(instance); // calls `_initialize` when the module has it");
    }
    for export in &plan.setup {
        if export == "_initialize" && plan.wasi.is_some() {
            continue;
        }
        w.line(format!(
            "{}(); // the module's own setup",
            export_ref(export)
        ));
    }
    if needs.memory {
        w.line(format!("const memory = {};", export_ref(&plan.memory)));
        w.comment(
            "A view of linear memory; made anew after each call, as growing memory \
             replaces the buffer.",
        );
        w.line("const view = () => new Uint8Array(memory.buffer);");
    }
    let reads = plan
        .steps
        .iter()
        .any(|s| matches!(s.action, Action::Read { .. }));
    if reads {
        w.line("const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, \"0\")).join(\" \");");
    }
    if needs.input {
        w.line("");
        let value = match &plan.input {
            Some(input) => bytes_value(input),
            None => "new Uint8Array()".to_owned(),
        };
        w.bind("input", &value);
    }
}

fn step_code(index: usize, step: &PlanStep, w: &mut Writer) {
    w.comment(&format!("{}. {}", index + 1, step.title));
    if let Some(note) = &step.note {
        w.comment(note);
    }
    match &step.action {
        Action::Input(input) => w.bind("input", &bytes_value(input)),
        Action::Alloc {
            allocator,
            sig,
            size,
            name,
        } => {
            w.line(format!(
                "console.log({});",
                js_string(&format!("Allocator: {allocator}"))
            ));
            let size = expr(size);
            let args: Vec<String> = allocator
                .arg_shape()
                .into_iter()
                .map(|arg| match arg {
                    AllocArg::Size32 => size.clone(),
                    AllocArg::Size64 => format!("BigInt({size})"),
                    AllocArg::Const(value) => literal(value),
                })
                .collect();
            let ptr = ident(name);
            let call = format!("{}({})", export_ref(&allocator.export), args.join(", "));
            w.bind(&ptr, &from_wasm(&call, sig.results.first()));
            if let Some(pin) = &allocator.pin
                && allocator.convention == Convention::AssemblyScript
            {
                w.line(format!(
                    "{}({ptr}); // keep it from the GC",
                    export_ref(pin)
                ));
            }
            w.line(format!(
                "console.log(`Pointer received 0x${{{ptr}.toString(16)}}, ${{input.length}}`);"
            ));
        }
        Action::Write { at, data } => {
            let bytes = match data {
                Data::Named(name) => ident(name),
                Data::Literal(input) => bytes_value(input),
            };
            w.line(format!("view().set({bytes}, {});", expr(at)));
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
                    Arg::Expr(e) if *ty == ValType::I64 => format!("BigInt({})", expr(e)),
                    Arg::Expr(e) => expr(e),
                })
                .collect();
            let call = format!("{}({})", export_ref(export), texts.join(", "));
            let result = ident(name);
            let line = match returns {
                Returns::Value => {
                    w.bind(&result, &call);
                    format!(
                        "console.log(`\\`{export}\\` returned ${{{}}}`);",
                        values_text(&sig.results, &result)
                    )
                }
                _ => {
                    w.bind(&result, &from_wasm(&call, sig.results.first()));
                    match returns {
                        Returns::Ptr => {
                            format!("console.log(`Pointer returned 0x${{{result}.toString(16)}}`);")
                        }
                        _ if args.is_empty() => format!(
                            "console.log(`New Size received: ${{{result}}} (from \\`{export}\\`)`);"
                        ),
                        _ => format!("console.log(`New Size received: ${{{result}}}`);"),
                    }
                }
            };
            w.line(line);
        }
        Action::Read { at, len, name } => {
            let bytes = ident(name);
            let at = expr(at);
            w.bind(&bytes, &format!("view().slice({at}, {at} + {})", expr(len)));
            w.line(format!(
                "console.log(`Result: ${{new TextDecoder().decode({bytes})}}`);"
            ));
            w.line("try {");
            w.line(format!(
                "  new TextDecoder(\"utf-8\", {{ fatal: true }}).decode({bytes});"
            ));
            w.line("} catch {");
            w.line(format!("  console.log(`Result (hex): ${{hex({bytes})}}`);"));
            w.line("}");
        }
    }
}

/// A wasm integer result as a non-negative JavaScript number (an i32 comes back
/// signed, an i64 as a BigInt).
fn from_wasm(call: &str, ty: Option<&ValType>) -> String {
    match ty {
        Some(ValType::I64) => format!("Number(BigInt.asUintN(64, {call}))"),
        _ => format!("{call} >>> 0"),
    }
}

/// How a call's results, bound as `name`, read in the line: `10: i32`.
fn values_text(results: &[ValType], name: &str) -> String {
    let one = |ty: &ValType, var: &str| match num_type(ty) {
        Some(NumType::I32) => format!(
            "{var} >= 0x1000 ? `${{{var}}} (0x${{({var} >>> 0).toString(16)}}): i32` : `${{{var}}}: i32`"
        ),
        Some(NumType::I64) => format!(
            "{var} >= 0x1000n ? `${{{var}}} (0x${{BigInt.asUintN(64, {var}).toString(16)}}): i64` : `${{{var}}}: i64`"
        ),
        _ => format!("`${{{var}}}: {ty}`"),
    };
    match results {
        [] => "\"()\"".to_owned(),
        [ty] => one(ty, name),
        many => {
            let parts: Vec<String> = many
                .iter()
                .enumerate()
                .map(|(i, ty)| format!("({})", one(ty, &format!("{name}[{i}]"))))
                .collect();
            format!("`(${{[{}].join(\", \")}})`", parts.join(", "))
        }
    }
}

/// An expression over the program's numbers.
fn expr(e: &Expr) -> String {
    crate::memory::rewrite_names(e.as_str(), |name| match name.strip_prefix("len(") {
        Some(rest) => format!("{}.length", ident(rest.trim_end_matches(')'))),
        None => ident(name),
    })
    .unwrap_or_else(|_| e.as_str().to_owned())
}

fn literal(value: Value) -> String {
    let float = |v: f64| {
        if v.is_nan() {
            "NaN".to_owned()
        } else if v.is_infinite() {
            if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        } else {
            format!("{v:?}")
        }
    };
    match value {
        Value::I32(v) => v.to_string(),
        Value::I64(v) => format!("{v}n"),
        Value::F32(v) => float(f64::from(v)),
        Value::F64(v) => float(v),
    }
}

fn bytes_value(input: &Input) -> String {
    match input {
        Input::Text(text) => format!("new TextEncoder().encode({})", js_string(text)),
        Input::Bytes(bytes) => {
            let items: Vec<String> = bytes.iter().map(|b| format!("0x{b:02x}")).collect();
            format!("new Uint8Array([{}])", items.join(", "))
        }
    }
}

/// Whether `name` can follow a `.` in JavaScript.
fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// `exports.name`, or `exports["odd-name"]` for a name that is no identifier.
fn export_ref(name: &str) -> String {
    if is_identifier(name) {
        format!("exports.{name}")
    } else {
        format!("exports[{}]", js_string(name))
    }
}

/// `name` as a key in an object literal.
pub(super) fn property(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        js_string(name)
    }
}

/// A JavaScript string literal (JSON's escaping is valid JavaScript).
pub(super) fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}
