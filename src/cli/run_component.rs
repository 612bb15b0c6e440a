//! `wasmscope run COMPONENT --call NAME --args 'WAVE' …`: a component's export called
//! with typed values; WASI preview 2 for components that import it.

use std::io::Write;

use anyhow::{Context, Result, bail};

use super::RunArgs;
use crate::engine::{
    AbiRoles, CompileCache, ComponentSession, HostConfig, Limits, StopHandle, compile_component,
    default_cache_dir, new_debug_engine,
};
use crate::inspect::inspect_component;

/// Runs `args.call` on the component in `bytes`, printing the call, what the guest
/// printed, and the results in WAVE.
pub fn run_component(args: &RunArgs, bytes: &[u8], out: &mut impl Write) -> Result<()> {
    let cannot_load = || format!("cannot load {}", args.module.display());
    let info = inspect_component(bytes).with_context(cannot_load)?;
    let cache = match args.no_cache {
        true => None,
        false => default_cache_dir().and_then(|dir| CompileCache::open(&dir).ok()),
    };
    // Compiled for guest debugging: the canonical ABI is observed at breakpoints.
    let engine = new_debug_engine(cache.as_ref())?;
    let component = compile_component(&engine, bytes).with_context(cannot_load)?;
    let limits = Limits {
        timeout_ms: args.timeout_ms,
        memory_limit_bytes: args.memory_limit_mb.saturating_mul(1 << 20),
    };
    let program = args.module.file_name().map_or_else(
        || "component.wasm".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let host = HostConfig::from_settings(&super::host::host_settings(args)?, &program);
    let stop = StopHandle::new(engine.clone());
    let mut session = ComponentSession::traced(&stop, &component, bytes, &info, limits, &host.wasi)
        .with_context(cannot_load)?;
    let exports = session.exports();
    let Some(call) = &args.call else {
        writeln!(out, "Exports:")?;
        for export in &exports {
            writeln!(out, "  {}{}", export.name, export.signature)?;
        }
        writeln!(out, "No --call given, so nothing was called")?;
        return Ok(());
    };
    // `run` finds `wasi:cli/run@0.2.0#run`: a function of an exported interface may
    // be named alone when no other export has that name.
    let matching: Vec<&str> = exports
        .iter()
        .map(|e| e.name.as_str())
        .filter(|name| *name == call || name.ends_with(&format!("#{call}")))
        .collect();
    let name = match matching.as_slice() {
        [one] => (*one).to_owned(),
        [] => bail!(
            "the component exports no function `{call}`; its functions: {}",
            exports
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        many => bail!(
            "`{call}` could be {}; give the whole name",
            many.join(" or ")
        ),
    };
    for line in session.take_notes() {
        writeln!(out, "{line}")?;
    }
    let lift = info.lift_of(&name);
    let outcome = session.call_traced(&name, &args.args);
    for line in session.take_notes() {
        writeln!(out, "{line}")?;
    }
    let called = outcome?;
    if let Some(trace) = &called.trace {
        for line in trace.lines(&AbiRoles::of(lift)) {
            writeln!(out, "{line}")?;
        }
    }
    let results = called.results?;
    writeln!(
        out,
        "{name}({}) returned {}",
        args.args.join(", "),
        results_text(&results)
    )?;
    Ok(())
}

/// `"text"`, `()`, or `(1, 2)`.
fn results_text(results: &[String]) -> String {
    match results {
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    }
}
