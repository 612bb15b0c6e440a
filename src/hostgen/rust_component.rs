//! A component's plan as a Rust `main.rs` for wasmtime 48's component model: WASI
//! preview 2 through wasmtime-wasi when the component imports it, and each call with
//! `Val`s read from the session's WAVE text (wasmtime's `wave` feature), its results
//! printed in WAVE as `wasmscope replay` prints them.

use std::fmt::Write as _;

use super::comment_lines;
use super::component_plan::ComponentPlan;

/// The program.
pub fn program(plan: &ComponentPlan) -> String {
    let mut out = header(plan);
    out.push_str("fn main() -> Result<()> {\n");
    let body = |out: &mut String, line: &str| {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "    {line}");
        }
    };
    for line in setup(plan) {
        body(&mut out, &line);
    }
    for (index, step) in plan.steps.iter().enumerate() {
        body(&mut out, "");
        for line in comment_lines(&format!("{}. {}", index + 1, step.title), 84) {
            body(&mut out, format!("// {line}").trim_end());
        }
        if let Some(note) = &step.note {
            for line in comment_lines(note, 84) {
                body(&mut out, format!("// {line}").trim_end());
            }
        }
        let args: Vec<String> = step.args.iter().map(|a| str_literal(a)).collect();
        for line in invoke_call(&step.function, &args) {
            body(&mut out, &line);
        }
    }
    body(&mut out, "Ok(())");
    out.push_str("}\n");
    if plan.wasi.is_some() {
        out.push_str(WASI_HOST);
    }
    out.push_str(INVOKE);
    out
}

/// `invoke(&mut store, &instance, "name", &[args])?;` laid out as rustfmt would: on one
/// line while the arguments fit its 60 columns, else one argument a line (and the
/// WAVE texts too, past 60).
fn invoke_call(function: &str, args: &[String]) -> Vec<String> {
    let list = format!("&[{}]", args.join(", "));
    let all = format!("&mut store, &instance, {function:?}, {list}");
    if all.len() <= 60 {
        return vec![format!("invoke({all})?;")];
    }
    let mut lines = vec![
        "invoke(".to_owned(),
        "    &mut store,".to_owned(),
        "    &instance,".to_owned(),
        format!("    {function:?},"),
    ];
    if list.len() - 3 <= 60 && list.len() + 9 <= 100 {
        lines.push(format!("    {list},"));
    } else {
        lines.push("    &[".to_owned());
        lines.extend(args.iter().map(|a| format!("        {a},")));
        lines.push("    ],".to_owned());
    }
    lines.push(")?;".to_owned());
    lines
}

fn header(plan: &ComponentPlan) -> String {
    let mut out = format!(
        "//! A host program for the component `{module}`, exported by wasmscope from the\n\
         //! session `{session}`. It calls the component's functions with wasmtime and prints\n\
         //! what wasmscope printed.\n\
         //!\n\
         //! Cargo.toml:\n\
         //!\n\
         //! ```toml\n\
         //! [dependencies]\n\
         //! wasmtime = {{ version = \"48\", features = [\"wave\"] }}\n",
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
         //! It looks for the component at `{path}` from this file's folder;\n\
         //! give another path with `cargo run -- PATH`.\n\n",
        path = plan.module_path
    );
    out.push_str("use wasmtime::component::{Component, Instance, Linker, Val};\n");
    out.push_str("use wasmtime::error::Context;\n");
    out.push_str("use wasmtime::{Engine, Result, Store};\n");
    if let Some(wasi) = &plan.wasi {
        let perms = if wasi.dirs.is_empty() {
            ""
        } else {
            "FsPerms, "
        };
        let _ = writeln!(
            out,
            "use wasmtime_wasi::{{{perms}ResourceTable, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView}};"
        );
    }
    out.push('\n');
    out
}

fn setup(plan: &ComponentPlan) -> Vec<String> {
    let mut lines: Vec<String> = [
        "let path = match std::env::args().nth(1) {",
        "    Some(path) => std::path::PathBuf::from(path),",
        "    // The component's path, from this file's folder, replaces this file's name.",
        "    None => std::path::Path::new(env!(\"CARGO_MANIFEST_DIR\"))",
        "        .join(file!())",
    ]
    .map(str::to_owned)
    .to_vec();
    lines.push(format!("        .with_file_name({:?}),", plan.module_path));
    lines.extend(
        [
            "};",
            "if !path.is_file() {",
            "    let path = path.display();",
            "    eprintln!(\"cannot find the component at {path}: give its path, `cargo run -- PATH`\");",
            "    std::process::exit(1);",
            "}",
            "let engine = Engine::default();",
            "let component = Component::from_file(&engine, &path)",
            "    .with_context(|| format!(\"cannot load the component {}\", path.display()))?;",
        ]
        .map(str::to_owned),
    );
    match &plan.wasi {
        Some(wasi) => {
            lines.push(String::new());
            lines.push(
                "// The component imports WASI preview 2: its output goes to this program's."
                    .to_owned(),
            );
            lines.push("let mut linker: Linker<Host> = Linker::new(&engine);".to_owned());
            lines.push("wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;".to_owned());
            lines.push("let wasi = WasiCtxBuilder::new()".to_owned());
            lines.push("    .inherit_stdio()".to_owned());
            lines.push(format!("    .args(&{:?})", wasi.args));
            if !wasi.env.is_empty() {
                lines.push(format!("    .envs(&{:?})", wasi.env));
            }
            for dir in &wasi.dirs {
                lines.push(format!(
                    "    .preopened_dir({dir:?}, {dir:?}, FsPerms::ReadWrite)?"
                ));
            }
            lines.push("    .build();".to_owned());
            lines.push("let table = ResourceTable::new();".to_owned());
            lines.push("let mut store = Store::new(&engine, Host { wasi, table });".to_owned());
        }
        None => {
            lines.push("let linker = Linker::new(&engine);".to_owned());
            lines.push("let mut store = Store::new(&engine, ());".to_owned());
        }
    }
    lines.push("let instance = linker.instantiate(&mut store, &component)?;".to_owned());
    lines
}

/// `text` as a Rust string literal: raw when it has quotes or backslashes (WAVE
/// strings do), escaped when it has control characters.
fn str_literal(text: &str) -> String {
    let plain = !text.chars().any(char::is_control);
    if plain && (text.contains('"') || text.contains('\\')) {
        let hashes = (1..)
            .map(|n| "#".repeat(n))
            .find(|h| !text.contains(&format!("\"{h}")))
            .unwrap_or_default();
        format!("r{hashes}\"{text}\"{hashes}")
    } else {
        format!("{text:?}")
    }
}

const WASI_HOST: &str = "
/// What the store holds: WASI's context and the table of its resources.
struct Host {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
";

const INVOKE: &str = "
/// Calls the exported function `name` (`interface#function` for one in an interface)
/// with `args` in WAVE, read as its parameters' types, and prints its results in WAVE:
/// `upper(\"The input string\") returned \"THE INPUT STRING\"`.
fn invoke<T>(store: &mut Store<T>, instance: &Instance, name: &str, args: &[&str]) -> Result<()> {
    let missing = || format!(\"the component exports no function `{name}`\");
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
            Val::from_wave(&ty, text).with_context(|| format!(\"`{text}` is not a `{param}`\"))
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
        many => format!(\"({})\", many.join(\", \")),
    };
    println!(\"{name}({}) returned {results}\", args.join(\", \"));
    Ok(())
}
";

#[cfg(test)]
mod tests {
    use super::{invoke_call, str_literal};

    #[test]
    fn wave_texts_are_raw_strings_when_they_quote() {
        assert_eq!(str_literal("[1, 2]"), "\"[1, 2]\"");
        assert_eq!(str_literal("\"a\""), "r#\"\"a\"\"#");
        assert_eq!(str_literal("\"a\"#\""), "r##\"\"a\"#\"\"##");
        assert_eq!(str_literal("\"a\nb\""), "\"\\\"a\\nb\\\"\"");
    }

    #[test]
    fn a_call_is_one_line_while_its_arguments_fit_rustfmts_60_columns() {
        let short = invoke_call("sum", &["\"[1]\"".to_owned()]);
        assert_eq!(
            short,
            ["invoke(&mut store, &instance, \"sum\", &[\"[1]\"])?;"]
        );
        let long = invoke_call("label", &[format!("\"{}\"", "x".repeat(40))]);
        assert_eq!(long.len(), 6, "{long:?}");
        let many: Vec<String> = (0..8)
            .map(|i| format!("\"{}\"", i.to_string().repeat(9)))
            .collect();
        let listed = invoke_call("f", &many);
        assert_eq!(listed.len(), 4 + 2 + many.len() + 1, "{listed:?}");
    }
}
