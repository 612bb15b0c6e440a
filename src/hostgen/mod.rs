//! A session as a host program of your own: a Rust `main.rs` for wasmtime or a
//! JavaScript module for Node and browsers, doing exactly the session's steps and
//! printing the lines wasmscope printed (`Pointer received …`, `Result: …`).
//!
//! `plan` resolves the session against its module once (signatures, allocator
//! conventions, stubs); `rust` and `js` only write that plan out. A component's
//! session is resolved by `component_plan` (functions, WIT types, WAVE arguments) and
//! written by `rust_component` and `js_component`.

mod component_plan;
mod js;
mod js_component;
mod plan;
mod rust;
mod rust_component;

use anyhow::Result;

pub use component_plan::{ComponentPlan, Invoke};
pub use js_component::JCO_PACKAGES;
pub use plan::{Action, Arg, Plan, PlanStep, Stub, Wasi};

use crate::engine::Allocator;
use crate::inspect::{ModuleInfo, component_funcs, inspect_component};
use crate::recipe::{Data, Recipe};

/// The language of a host program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// A `main.rs` for wasmtime 48.
    Rust,
    /// An ES module for Node ≥ 18 and browsers (a component's: for Node, with jco).
    Js,
}

impl Lang {
    /// The usual file name of a program in this language.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Rust => "main.rs",
            Self::Js => "host.mjs",
        }
    }

    /// As menus say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Rust => "Rust",
            Self::Js => "JavaScript",
        }
    }
}

/// The host program that does `recipe`'s steps on the module `info` describes.
/// `allocators` are those known from elsewhere (emscripten glue); `session` names the
/// session file in the program's header. The program looks for the module at
/// `recipe.module.path` taken from its own folder: make it relative to the folder the
/// program is written to (`recipe::relative_path`).
pub fn host_program(
    lang: Lang,
    recipe: &Recipe,
    info: &ModuleInfo,
    allocators: &[Allocator],
    session: &str,
) -> Result<String> {
    let plan = Plan::new(recipe, info, allocators, session)?;
    Ok(match lang {
        Lang::Rust => rust::program(&plan),
        Lang::Js => js::program(&plan),
    })
}

/// The host program that does the component session `recipe` on the component in
/// `bytes` (its functions called with the session's WAVE arguments, checked against
/// their WIT types here); `session` names the session file in the header. The program
/// looks for the component as [`host_program`]'s looks for its module.
pub fn component_program(
    lang: Lang,
    recipe: &Recipe,
    bytes: &[u8],
    session: &str,
) -> Result<String> {
    let info = inspect_component(bytes)?;
    let funcs = component_funcs(bytes)?;
    let plan = ComponentPlan::new(recipe, &info, &funcs, session)?;
    Ok(match lang {
        Lang::Rust => rust_component::program(&plan),
        Lang::Js => js_component::program(&plan),
    })
}

/// `name` as an identifier in both languages: other characters become `_`, and a
/// keyword or a name the program uses itself gets a `_` after it.
fn ident(name: &str) -> String {
    const TAKEN: &[&str] = &[
        "as",
        "async",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "crate",
        "default",
        "delete",
        "do",
        "dyn",
        "else",
        "enum",
        "export",
        "extern",
        "false",
        "finally",
        "fn",
        "for",
        "function",
        "if",
        "impl",
        "import",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "new",
        "null",
        "pub",
        "ref",
        "return",
        "self",
        "static",
        "struct",
        "super",
        "switch",
        "this",
        "throw",
        "trait",
        "true",
        "try",
        "type",
        "typeof",
        "unsafe",
        "use",
        "var",
        "void",
        "where",
        "while",
        "with",
        "yield", // the program's own names:
        "bytes",
        "engine",
        "exports",
        "host_base",
        "imports",
        "instance",
        "linker",
        "memory",
        "module",
        "path",
        "store",
        "wasi",
    ];
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if TAKEN.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// What of the program's setup the steps need.
struct Needs {
    /// The bytes named `input` (an alloc prints their length).
    input: bool,
    /// The exported memory.
    memory: bool,
}

impl Needs {
    fn of(plan: &Plan) -> Self {
        let mut needs = Self {
            input: false,
            memory: false,
        };
        for step in &plan.steps {
            let mut exprs = Vec::new();
            match &step.action {
                Action::Input(_) => {}
                Action::Alloc { size, .. } => {
                    needs.input = true;
                    needs.memory = true;
                    exprs.push(size);
                }
                Action::Write { at, data } => {
                    needs.memory = true;
                    needs.input |= matches!(data, Data::Named(name) if name == "input");
                    exprs.push(at);
                }
                Action::Call { args, .. } => exprs.extend(args.iter().filter_map(|a| match a {
                    Arg::Expr(expr) => Some(expr),
                    Arg::Literal(_) => None,
                })),
                Action::Read { at, len, .. } => {
                    needs.memory = true;
                    exprs.extend([at, len]);
                }
            }
            needs.input |= exprs.iter().any(|expr| {
                crate::memory::names_used(expr.as_str())
                    .is_ok_and(|names| names.iter().any(|n| n == "len(input)" || n == "input"))
            });
        }
        needs
    }
}

/// The words of a note or title, as comment lines of at most ~88 columns.
fn comment_lines(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}
