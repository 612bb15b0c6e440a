//! Components from the command line: `wasmscope run COMPONENT --call NAME --args
//! 'WAVE' …` calls a function with typed values (one `invoke` step, run by the same
//! runner as a module's steps) and prints what the canonical ABI did in memory;
//! `--save` writes the call as a session, which `replay` plays the same way.

use std::io::Write;

use anyhow::{Result, anyhow};

use super::RunArgs;
use super::play::{PlayOptions, compile_cache, open_component, play};
use crate::engine::{AfterFailure, HostConfig, Limits};
use crate::recipe::{self, ModuleRef, Op, Recipe, Step};

/// Runs `args.call` on the component in `bytes` (or lists its functions without
/// one); with `--save`, writes the call as a session.
pub fn run_component(args: &RunArgs, bytes: &[u8], out: &mut impl Write) -> Result<()> {
    let limits = Limits {
        timeout_ms: args.timeout_ms,
        memory_limit_bytes: args.memory_limit_mb.saturating_mul(1 << 20),
    };
    let host = super::host::host_settings(args)?;
    let Some(call) = &args.call else {
        let config = HostConfig::from_settings(&host, &recipe::file_name(&args.module));
        let cache = compile_cache(args.no_cache);
        let component = open_component(bytes, &config, limits, cache.as_ref(), false)
            .map_err(|err| err.context(format!("cannot load {}", args.module.display())))?;
        writeln!(out, "Exports:")?;
        for export in component.exports() {
            writeln!(out, "  {}{}", export.name, export.signature)?;
        }
        writeln!(out, "No --call given, so nothing was called")?;
        return Ok(());
    };
    let session = Recipe {
        module: ModuleRef {
            path: args.module.clone(),
            sha256: Some(recipe::sha256_hex(bytes)),
        },
        host,
        limits: Some(limits.settings()),
        steps: vec![Step::new(Op::Invoke {
            export: call.clone(),
            args: args.args.clone(),
        })],
        ..Recipe::default()
    };
    let options = PlayOptions {
        module_path: &args.module,
        no_cache: args.no_cache,
        compiler: args.compiler,
        after_failure: AfterFailure::Stop,
        allocators: Vec::new(),
        trace_writes: args.trace_writes,
        max_traced_writes: args.max_traced_writes,
        notes: false,
        // play() refuses --break on a component, with why.
        breaks: args.breaks.clone(),
        break_json: args.json,
    };
    let played = play(&session, bytes, options, out)?;
    if let Some(path) = &args.save {
        recipe::save(path, &session)?;
    }
    match played.first_error {
        Some(error) => Err(anyhow!(error)),
        None => Ok(()),
    }
}
