//! A session resolved against its module: every export's signature, the allocators'
//! conventions, the imports to stub. Both languages render this one plan, so what a
//! program does is decided once.

use anyhow::{Context, Result, bail, ensure};

use crate::engine::{Allocator, HostConfig, NumType, Value, allocators, is_wasi};
use crate::inspect::{ExportKind, FuncSignature, ModuleInfo, ValType};
use crate::recipe::{self, Data, Expr, Input, Op, Recipe, Returns};

/// Everything a generated program does, in order.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The session file's name, for the program's header.
    pub session: String,
    /// The module's file name: WASI's `argv[0]`, and how headers name it.
    pub module_file: String,
    /// Where the program looks for the module when not given a path: the session's
    /// module path, as the caller made it relative to the program's folder
    /// (`../assets/append.wasm`), or absolute.
    pub module_path: String,
    /// The exported memory the steps use.
    pub memory: String,
    /// How many memories the module has (more than one needs multi-memory).
    pub memories: usize,
    /// WASI, when the module imports it.
    pub wasi: Option<Wasi>,
    /// Functions the host answers with stubs, as the session did.
    pub stubs: Vec<Stub>,
    /// Exports called right after instantiation (`_initialize`, constructors).
    pub setup: Vec<String>,
    /// The session's input.
    pub input: Option<Input>,
    /// The steps.
    pub steps: Vec<PlanStep>,
}

/// What WASI sees.
#[derive(Clone, Debug)]
pub struct Wasi {
    /// Imports `wasi_snapshot_preview1`.
    pub p1: bool,
    /// Imports `wasi_unstable`.
    pub p0: bool,
    /// `argv`, the program name first.
    pub args: Vec<String>,
    /// Environment variables.
    pub env: Vec<(String, String)>,
    /// Folders granted, seen under the same path.
    pub dirs: Vec<String>,
}

/// One stubbed import.
#[derive(Clone, Debug)]
pub struct Stub {
    /// Import module.
    pub module: String,
    /// Import name.
    pub name: String,
    /// Its signature.
    pub sig: FuncSignature,
    /// Trap instead of answering zeros.
    pub trap: bool,
}

/// One step, resolved.
#[derive(Clone, Debug)]
pub struct PlanStep {
    /// The step as written (`append(ptr, len(input))`).
    pub title: String,
    /// The session's note for it.
    pub note: Option<String>,
    /// What to do.
    pub action: Action,
}

/// A step's action, with the types it needs.
#[derive(Clone, Debug)]
pub enum Action {
    /// New bytes named `input`.
    Input(Input),
    /// Calls an allocator by its convention and names the pointer.
    Alloc {
        /// How to call it.
        allocator: Allocator,
        /// Its signature.
        sig: FuncSignature,
        /// Bytes asked for.
        size: Expr,
        /// The pointer's name.
        name: String,
    },
    /// Copies bytes in.
    Write {
        /// Where.
        at: Expr,
        /// What.
        data: Data,
    },
    /// Calls an export.
    Call {
        /// The export.
        export: String,
        /// Its signature (numbers only).
        sig: FuncSignature,
        /// One argument per parameter.
        args: Vec<Arg>,
        /// The first result's name.
        name: String,
        /// How the result is reported.
        returns: Returns,
    },
    /// Copies bytes out.
    Read {
        /// Where.
        at: Expr,
        /// How many.
        len: Expr,
        /// Their name.
        name: String,
    },
}

/// A call argument.
#[derive(Clone, Debug)]
pub enum Arg {
    /// A number written as a literal of the parameter's type (`-1`, `1.5`).
    Literal(Value),
    /// An expression over earlier results (`ptr`, `len(input)`).
    Expr(Expr),
}

impl Plan {
    /// Resolves `recipe` against `info`. `allocators` are those known from elsewhere
    /// (emscripten glue); `session` names the session file. Fails, with the reason, on
    /// what a program could not do: a missing export, a non-numeric signature, an
    /// import other than a function.
    pub fn new(
        recipe: &Recipe,
        info: &ModuleInfo,
        allocators: &[Allocator],
        session: &str,
    ) -> Result<Self> {
        recipe::check_names(&recipe.steps, &["input"]).map_err(|err| anyhow::anyhow!("{err}"))?;
        let (module_file, module_path) = module_location(recipe);
        let host = HostConfig::from_settings(&recipe.host, &module_file);
        let memory = info
            .exports
            .iter()
            .find(|e| e.kind == ExportKind::Memory)
            .map(|e| e.name.clone())
            .context("the module exports no memory, so a host cannot reach its bytes")?;
        let mut stubs = Vec::new();
        let mut wasi_imported = (false, false);
        for import in &info.imports {
            if is_wasi(&import.module) {
                wasi_imported.0 |= import.module == "wasi_snapshot_preview1";
                wasi_imported.1 |= import.module == "wasi_unstable";
                continue;
            }
            let full = format!("{}.{}", import.module, import.name);
            let sig = match (import.kind, import.ty.signature.as_ref()) {
                (ExportKind::Func, Some(sig)) => numeric(sig, &full)?,
                (kind, _) => bail!(
                    "the module imports the {kind} `{full}`; exported programs provide only \
                     functions (and WASI)"
                ),
            };
            stubs.push(Stub {
                module: import.module.clone(),
                name: import.name.clone(),
                sig,
                trap: host.policy_for(&import.module, &import.name) == recipe::StubPolicy::Trap,
            });
        }
        let wasi = (wasi_imported.0 || wasi_imported.1).then(|| Wasi {
            p1: wasi_imported.0,
            p0: wasi_imported.1,
            args: host.wasi.args.clone(),
            env: host.wasi.env.clone(),
            dirs: host
                .wasi
                .dirs
                .iter()
                .map(|d| d.to_string_lossy().into_owned())
                .collect(),
        });
        let takes_nothing = |name: &str| {
            info.export_func(name)
                .is_some_and(|sig| sig.params.is_empty() && sig.results.is_empty())
        };
        let setup = if takes_nothing("_initialize") {
            vec!["_initialize".to_owned()]
        } else {
            ["emscripten_stack_init", "__wasm_call_ctors"]
                .into_iter()
                .filter(|name| takes_nothing(name))
                .map(str::to_owned)
                .collect()
        };
        let steps = recipe
            .steps
            .iter()
            .map(|step| {
                Ok(PlanStep {
                    title: step.op.describe(),
                    note: step.note.clone(),
                    action: action(&step.op, info, allocators)
                        .with_context(|| format!("step `{}`", step.op.describe()))?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            session: session.to_owned(),
            module_file,
            module_path,
            memory,
            memories: info.memories.len(),
            wasi,
            stubs,
            setup,
            input: recipe.input.clone(),
            steps,
        })
    }
}

/// The guest's file name (`append.wasm`) and the path the program looks for it at.
pub(super) fn module_location(recipe: &Recipe) -> (String, String) {
    let file = recipe.module.path.file_name().map_or_else(
        || "module.wasm".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    (file, recipe.module.path.to_string_lossy().into_owned())
}

/// `sig`, checked to hold only numbers.
fn numeric(sig: &FuncSignature, what: &str) -> Result<FuncSignature> {
    let all_numbers = sig
        .params
        .iter()
        .chain(&sig.results)
        .all(|t| num_type(t).is_some());
    ensure!(
        all_numbers,
        "`{what}` is {sig}; exported programs pass only numbers (i32, i64, f32, f64)"
    );
    Ok(sig.clone())
}

/// The numeric type `ty` is, if it is one.
pub fn num_type(ty: &ValType) -> Option<NumType> {
    match ty {
        ValType::I32 => Some(NumType::I32),
        ValType::I64 => Some(NumType::I64),
        ValType::F32 => Some(NumType::F32),
        ValType::F64 => Some(NumType::F64),
        ValType::V128 | ValType::Ref(_) => None,
    }
}

fn action(op: &Op, info: &ModuleInfo, known: &[Allocator]) -> Result<Action> {
    let export_sig = |export: &str| {
        info.export_func(export)
            .with_context(|| format!("the module exports no function `{export}`"))
            .and_then(|sig| numeric(sig, export))
    };
    Ok(match op {
        Op::Input(input) => Action::Input(input.clone()),
        Op::Alloc { export, size, name } => {
            let sig = export_sig(export)?;
            let allocator = match known.iter().find(|a| &a.export == export) {
                Some(found) => found.clone(),
                None => allocators::resolve(info, export, &[])?,
            };
            Action::Alloc {
                allocator,
                sig,
                size: size.clone(),
                name: name.clone(),
            }
        }
        Op::Write { at, data } => Action::Write {
            at: at.clone(),
            data: data.clone(),
        },
        Op::Call {
            export,
            args,
            name,
            returns,
        } => {
            let sig = export_sig(export)?;
            ensure!(
                sig.params.len() == args.len(),
                "`{export}` takes {} argument(s) but the step gives {}",
                sig.params.len(),
                args.len()
            );
            let one_int = sig.returns_one_integer();
            ensure!(
                one_int || *returns == Returns::Value,
                "`{export}` returns {sig}, not one integer to read the result by"
            );
            let args = sig
                .params
                .iter()
                .zip(args)
                .map(
                    |(ty, arg)| match num_type(ty).and_then(|t| t.parse(arg.as_str()).ok()) {
                        Some(value) => Ok(Arg::Literal(value)),
                        None if ty.is_integer() => Ok(Arg::Expr(arg.clone())),
                        None => bail!("`{arg}` is not a {ty} that `{export}` takes"),
                    },
                )
                .collect::<Result<_>>()?;
            Action::Call {
                export: export.clone(),
                sig,
                args,
                name: name.clone(),
                returns: *returns,
            }
        }
        Op::Invoke { export, .. } => {
            bail!("`{export}` is a component's function, but this is a core module")
        }
        Op::Read { at, len, name } => Action::Read {
            at: at.clone(),
            len: len.clone(),
            name: name.clone(),
        },
    })
}
