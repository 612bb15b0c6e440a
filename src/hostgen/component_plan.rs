//! A component's session resolved against the component: each `invoke` step's
//! function by its whole name, its WIT types, and its WAVE arguments parsed against
//! them, so that a session a program could not do fails here, with the reason, and
//! both languages write one checked plan.

use anyhow::{Context, Result, bail, ensure};
use wasm_wave::value::{Type, Value};
use wasm_wave::wasm::WasmFunc;

use super::plan::{Wasi, module_location};
use crate::engine::HostConfig;
use crate::inspect::{ComponentFunc, ComponentInfo, resolve_function};
use crate::recipe::{Op, Recipe};

/// Everything a generated program for a component does, in order.
#[derive(Clone, Debug)]
pub struct ComponentPlan {
    /// The session file's name, for the program's header.
    pub session: String,
    /// The component's file name (WASI's `argv[0]`).
    pub module_file: String,
    /// Where the program looks for the component when not given a path (as
    /// [`super::Plan::module_path`]).
    pub module_path: String,
    /// WASI preview 2, when the component imports any `wasi:` interface (`p0` and `p1`
    /// are false).
    pub wasi: Option<Wasi>,
    /// The calls.
    pub steps: Vec<Invoke>,
}

/// One `invoke` step, resolved.
#[derive(Clone, Debug)]
pub struct Invoke {
    /// The step as written (`upper("The input string")`).
    pub title: String,
    /// The session's note for it.
    pub note: Option<String>,
    /// The function's whole name (`append`, `wasi:cli/run@0.2.0#run`).
    pub function: String,
    /// The arguments as the session wrote them, in WAVE.
    pub args: Vec<String>,
    /// The parameters: name, type, and the argument parsed as that type.
    pub params: Vec<(String, Type, Value)>,
    /// The result's type, if it returns one.
    pub result: Option<Type>,
}

impl ComponentPlan {
    /// Resolves `recipe` against the component `info` and `funcs` describe. Fails,
    /// with the reason, on what a program could not do: a step other than `invoke`
    /// (or `input`, which a component's session ignores), a function it does not
    /// export, an argument that is not its parameter's type, an import other than WASI.
    pub fn new(
        recipe: &Recipe,
        info: &ComponentInfo,
        funcs: &[ComponentFunc],
        session: &str,
    ) -> Result<Self> {
        let (module_file, module_path) = module_location(recipe);
        // Types the world uses are imports too; only functions and interfaces need a host.
        let needed: Vec<_> = info.imports.iter().filter(|i| i.kind != "type").collect();
        if let Some(other) = needed.iter().find(|i| !i.name.starts_with("wasi:")) {
            bail!(
                "the component imports `{}`; exported programs provide only WASI to a component",
                other.name
            );
        }
        let wasi = (!needed.is_empty()).then(|| {
            let host = HostConfig::from_settings(&recipe.host, &module_file);
            Wasi {
                p1: false,
                p0: false,
                args: host.wasi.args.clone(),
                env: host.wasi.env.clone(),
                dirs: host
                    .wasi
                    .dirs
                    .iter()
                    .map(|d| d.to_string_lossy().into_owned())
                    .collect(),
            }
        });
        let mut steps = Vec::new();
        for step in &recipe.steps {
            let (export, args) = match &step.op {
                Op::Invoke { export, args } => (export, args),
                Op::Input(_) => continue,
                op => bail!(
                    "step `{}`: `{}` is a step for core modules; a component's session has \
                     only `invoke` steps",
                    op.describe(),
                    op.kind()
                ),
            };
            let invoke = invoke(export, args, funcs)
                .with_context(|| format!("step `{}`", step.op.describe()))?;
            steps.push(Invoke {
                note: step.note.clone(),
                ..invoke
            });
        }
        Ok(Self {
            session: session.to_owned(),
            module_file,
            module_path,
            wasi,
            steps,
        })
    }
}

fn invoke(export: &str, args: &[String], funcs: &[ComponentFunc]) -> Result<Invoke> {
    let function = resolve_function(funcs.iter().map(|f| f.name.as_str()), export)?;
    let ty = funcs
        .iter()
        .find(|f| f.name == function)
        .map(|f| f.ty.clone())
        .with_context(|| format!("the component exports no function `{function}`"))?
        .map_err(|why| anyhow::anyhow!("`{function}` has types WAVE cannot show: {why}"))?;
    let names: Vec<String> = ty.param_names().map(|n| n.into_owned()).collect();
    let types: Vec<Type> = ty.params().collect();
    ensure!(
        types.len() == args.len(),
        "`{function}` takes {} argument(s) but the step gives {}",
        types.len(),
        args.len()
    );
    let params = names
        .into_iter()
        .zip(types)
        .zip(args)
        .map(|((name, ty), text)| {
            let value: Value = wasm_wave::from_str(&ty, text).map_err(|err| {
                anyhow::anyhow!(
                    "`{text}` is not a value of `{name}`'s type: {}",
                    err.to_string()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            })?;
            Ok((name, ty, value))
        })
        .collect::<Result<_>>()?;
    let mut results = ty.results();
    let result = results.next();
    ensure!(
        results.next().is_none(),
        "`{function}` returns several values; exported programs read one"
    );
    Ok(Invoke {
        title: format!("{function}({})", args.join(", ")),
        note: None,
        function,
        args: args.to_vec(),
        params,
        result,
    })
}
