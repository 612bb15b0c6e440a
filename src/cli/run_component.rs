//! Components from the command line: `wasmscope run COMPONENT --call NAME --args
//! 'WAVE' …` calls a function with typed values and prints what the canonical ABI did
//! in memory; `--save` writes the call as a session (`op = "invoke"`), which `replay`
//! plays here too.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::RunArgs;
use crate::engine::{
    AbiRoles, CompileCache, ComponentExport, ComponentSession, HostConfig, Limits, StopHandle,
    compile_component, default_cache_dir, new_debug_engine, results_text,
};
use crate::inspect::{ComponentInfo, inspect_component};
use crate::recipe::{self, ModuleRef, Op, Recipe, Step};

/// A component instance that watches the canonical ABI, and what describes it.
struct Opened {
    session: ComponentSession,
    info: ComponentInfo,
    exports: Vec<ComponentExport>,
}

/// Describes, compiles (for guest debugging: the canonical ABI is observed at
/// breakpoints) and instantiates the component in `bytes`; with `trace_writes`, every
/// write the guest's instructions make is listed too.
fn open(
    path: &Path,
    bytes: &[u8],
    host: &HostConfig,
    limits: Limits,
    no_cache: bool,
    trace_writes: bool,
) -> Result<Opened> {
    let cannot_load = || format!("cannot load {}", path.display());
    let info = inspect_component(bytes).with_context(cannot_load)?;
    let cache = match no_cache {
        true => None,
        false => default_cache_dir().and_then(|dir| CompileCache::open(&dir).ok()),
    };
    let engine = new_debug_engine(cache.as_ref())?;
    let component = compile_component(&engine, bytes).with_context(cannot_load)?;
    let stop = StopHandle::new(engine.clone());
    let session =
        ComponentSession::traced(&stop, &component, bytes, &info, limits, host, trace_writes)
            .with_context(cannot_load)?;
    let exports = session.exports();
    Ok(Opened {
        session,
        info,
        exports,
    })
}

impl Opened {
    /// The function `call` names: itself, or an interface's function by its short
    /// name when no other export has it (`run` for `wasi:cli/run@0.2.0#run`).
    fn function(&self, call: &str) -> Result<String> {
        let matching: Vec<&str> = self
            .exports
            .iter()
            .map(|e| e.name.as_str())
            .filter(|name| *name == call || name.ends_with(&format!("#{call}")))
            .collect();
        match matching.as_slice() {
            [one] => Ok((*one).to_owned()),
            [] => bail!(
                "the component exports no function `{call}`; its functions: {}",
                self.exports
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            many => bail!(
                "`{call}` could be {}; give the whole name",
                many.join(" or ")
            ),
        }
    }

    /// Calls `name(args)` and prints the canonical ABI's steps, what the guest printed,
    /// and the results; a failed call is the error (after what it did).
    fn call(&mut self, name: &str, args: &[String], out: &mut impl Write) -> Result<()> {
        for line in self.session.take_notes() {
            writeln!(out, "{line}")?;
        }
        let called = self.session.call_traced(name, args);
        for line in self.session.take_notes() {
            writeln!(out, "{line}")?;
        }
        let called = called?;
        if let Some(trace) = &called.trace {
            for line in trace.lines(&AbiRoles::of(self.info.lift_of(name))) {
                writeln!(out, "{line}")?;
            }
        }
        let results = called.results?;
        writeln!(
            out,
            "{name}({}) returned {}",
            args.join(", "),
            results_text(&results)
        )?;
        Ok(())
    }
}

/// Runs `args.call` on the component in `bytes`; with `--save`, writes the call as a
/// session.
pub fn run_component(args: &RunArgs, bytes: &[u8], out: &mut impl Write) -> Result<()> {
    let limits = Limits {
        timeout_ms: args.timeout_ms,
        memory_limit_bytes: args.memory_limit_mb.saturating_mul(1 << 20),
    };
    let settings = super::host::host_settings(args)?;
    let host = HostConfig::from_settings(&settings, &recipe::file_name(&args.module));
    let mut opened = open(
        &args.module,
        bytes,
        &host,
        limits,
        args.no_cache,
        args.trace_writes,
    )?;
    let Some(call) = &args.call else {
        writeln!(out, "Exports:")?;
        for export in &opened.exports {
            writeln!(out, "  {}{}", export.name, export.signature)?;
        }
        writeln!(out, "No --call given, so nothing was called")?;
        return Ok(());
    };
    let name = opened.function(call)?;
    let called = opened.call(&name, &args.args, out);
    if let Some(path) = &args.save {
        let session = Recipe {
            module: ModuleRef {
                path: args.module.clone(),
                sha256: Some(recipe::sha256_hex(bytes)),
            },
            host: settings,
            limits: Some(limits.settings()),
            steps: vec![Step::new(Op::Invoke {
                export: name,
                args: args.args.clone(),
            })],
            ..Recipe::default()
        };
        recipe::save(path, &session)?;
    }
    called
}

/// Replays a component's session (its `invoke` steps), printing what `run` prints;
/// returns the first failure, after running every step.
pub fn play_component(
    session: &Recipe,
    module_path: &Path,
    bytes: &[u8],
    (no_cache, trace_writes): (bool, bool),
    out: &mut impl Write,
) -> Result<Option<String>> {
    let limits = session
        .limits
        .map(Limits::from_settings)
        .unwrap_or_default();
    let host = HostConfig::from_settings(&session.host, &recipe::file_name(module_path));
    let mut opened = open(module_path, bytes, &host, limits, no_cache, trace_writes)?;
    let mut first_error = None;
    for (index, step) in session.steps.iter().enumerate() {
        let outcome = match &step.op {
            Op::Invoke { export, args } => opened.call(export, args, out),
            other => Err(anyhow::anyhow!(
                "step {}: `{}` is a step for core modules; a component's session has only \
                 `invoke` steps",
                index + 1,
                other.kind()
            )),
        };
        if let Err(err) = outcome {
            eprintln!("error: {err:#}");
            first_error.get_or_insert(format!("{err:#}"));
        }
    }
    Ok(first_error)
}
