//! `wasmscope run COMPONENT --call NAME --args 'WAVE' …`: a component's export called
//! with typed values; WASI preview 2 for components that import it.

use std::io::Write;

use anyhow::{Context, Result, bail};

use super::RunArgs;
use crate::engine::{
    AbiTrace, CompileCache, ComponentSession, HostConfig, Limits, StopHandle, changed_line,
    compile_component, default_cache_dir, export_name, new_debug_engine,
};
use crate::inspect::{Lift, inspect_component};
use crate::memory::changed_ranges;

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
    let exports = session.exports(&component);
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
    let lift = info
        .exports
        .iter()
        .flat_map(|e| {
            let top = (e.name == name).then(|| e.lift.clone()).flatten();
            let inner = e.functions.iter().filter_map(|f| {
                (format!("{}#{}", e.name, f.name) == name)
                    .then(|| f.lift.clone())
                    .flatten()
            });
            top.into_iter().chain(inner).collect::<Vec<_>>()
        })
        .next();
    let outcome = session.call_traced(&name, &args.args);
    for line in session.take_notes() {
        writeln!(out, "{line}")?;
    }
    let (results, trace) = outcome?;
    if let Some(trace) = &trace {
        print_trace(out, trace, lift.as_ref())?;
    }
    writeln!(
        out,
        "{name}({}) returned {}",
        args.args.join(", "),
        results_text(&results)
    )?;
    Ok(())
}

/// The canonical ABI's steps: each core function wasmtime called, with the bytes that
/// changed since the one before (wasmtime's copies, the guest's own writes), then the
/// return area and what it points at.
fn print_trace(out: &mut impl Write, trace: &AbiTrace, lift: Option<&Lift>) -> Result<()> {
    let name = |text: Option<&String>| text.and_then(|t| export_name(t)).map(str::to_owned);
    let realloc = name(lift.and_then(|l| l.realloc.as_ref()));
    let core = name(lift.map(|l| &l.core_function));
    let post = name(lift.and_then(|l| l.post_return.as_ref()));
    writeln!(
        out,
        "Canonical ABI (each core function wasmtime called, and what changed before it):"
    )?;
    let mut previous = &trace.before;
    for event in &trace.events {
        let named = |name: &Option<String>| name.as_ref().filter(|n| event.is(n)).cloned();
        let (call, role) = if let Some(n) = named(&realloc) {
            (n, "  <- room for an argument (realloc)")
        } else if let Some(n) = named(&core) {
            (n, "  <- the lifted core function, flat arguments")
        } else if let Some(n) = named(&post) {
            (n, "  <- results read; the guest frees them (post-return)")
        } else {
            (event.function.clone(), "")
        };
        let args = event.call_text();
        let args = args.split_once('(').map_or("()", |(_, a)| a);
        let changed = changed_ranges(previous, &event.snapshot);
        writeln!(out, "[{call}({args}] {}{role}", changed_line(&changed))?;
        previous = &event.snapshot;
    }
    let changed = changed_ranges(previous, &trace.after);
    writeln!(out, "[after the call] {}", changed_line(&changed))?;
    if let Some(area) = post.and_then(|p| trace.return_area(&p)) {
        let text = match std::str::from_utf8(&area.bytes) {
            Ok(text) => format!(" -> {text:?}"),
            Err(_) => String::new(),
        };
        writeln!(
            out,
            "return area {:#x}: [{:#x}, {}]{text}",
            area.at, area.ptr, area.len
        )?;
    }
    Ok(())
}

/// `"text"`, `()`, or `(1, 2)`.
fn results_text(results: &[String]) -> String {
    match results {
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    }
}
