//! `wasmscope run`: the seed's walkthrough, printed the way the newsletter printed it,
//! with the byte ranges each step changed, and what the guest printed or called on
//! the host's stubs.

use std::io::Write;

use anyhow::{Context, Result, anyhow, bail};

use super::host::{host_settings, pick_allocator};
use super::play::{PlayOptions, play};
use super::{ResultKind, RunArgs};
use crate::engine::{AfterFailure, Limits};
use crate::inspect::{ModuleInfo, inspect, is_component, load_module_bytes};
use crate::memory::parse_hex;
use crate::recipe::{self, Expr, Input, ModuleRef, Recipe, Returns, SeedChoice, seed_steps};

/// Runs the walkthrough and writes its lines to `out`; with `--save`, writes the
/// session it ran.
pub fn run(args: &RunArgs, out: &mut impl Write) -> Result<()> {
    if args.json && args.breaks.is_empty() {
        bail!("--json prints the pauses of --break FILE:LINE: give one");
    }
    let bytes = load_module_bytes(&args.module)?;
    if is_component(&bytes) {
        return super::run_component::run_component(args, &bytes, out);
    }
    if !args.args.is_empty() {
        bail!("--args is for components; a module's function is called with (ptr, len)");
    }
    let input = match (&args.input, &args.hex) {
        (_, Some(hex)) => Input::Bytes(parse_hex(hex).context("--hex")?),
        (Some(text), None) => Input::Text(text.clone()),
        (None, None) => bail!("give the input with --input TEXT or --hex BYTES"),
    };
    let info = inspect(&bytes).with_context(|| format!("cannot load {}", args.module.display()))?;
    let allocator = pick_allocator(&args.module, &info, args.alloc.as_deref())?;
    let call = args.call.clone().or_else(|| default_call(&info));
    let choice = SeedChoice {
        allocator: allocator.export.clone(),
        size: Expr::new(format!("len(input) + {}", args.extra)),
        call: call.clone(),
        returns: match args.result {
            ResultKind::Len => Returns::Len,
            ResultKind::Ptr => Returns::Ptr,
            ResultKind::Value => Returns::Value,
        },
        len_from: args.len_from.clone(),
    };
    let limits = Limits {
        timeout_ms: args.timeout_ms,
        memory_limit_bytes: args.memory_limit_mb.saturating_mul(1 << 20),
    };
    let mut recipe = Recipe {
        module: ModuleRef {
            path: args.module.clone(),
            sha256: Some(recipe::sha256_hex(&bytes)),
        },
        input: Some(input),
        host: host_settings(args)?,
        limits: Some(limits.settings()),
        steps: seed_steps(&choice),
        lesson: None,
    };
    let options = PlayOptions {
        module_path: &args.module,
        no_cache: args.no_cache,
        compiler: args.compiler,
        after_failure: AfterFailure::Stop,
        allocators: vec![allocator.clone()],
        trace_writes: args.trace_writes,
        max_traced_writes: args.max_traced_writes,
        breaks: args.breaks.clone(),
        break_json: args.json,
        notes: false,
    };
    let played = play(&recipe, &bytes, options, out)?;
    if let Some(path) = &args.save {
        recipe.truncate(played.end.ran);
        recipe::save(path, &recipe)?;
    }
    if let Some(error) = played.first_error {
        return Err(anyhow!(error));
    }
    if call.is_none()
        && let (Some(ptr), Some(input), Some(info)) = (
            played.bindings.int("ptr"),
            played.bindings.bytes("input"),
            &played.info,
        )
    {
        for line in landed_lines(
            info,
            &allocator.export,
            ptr,
            input.len() as u64,
            played.host_base,
        ) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The seed's `append` when the module exports it; otherwise nothing is called.
fn default_call(info: &ModuleInfo) -> Option<String> {
    info.export_func("append").map(|_| "append".to_owned())
}

/// Where the input landed, and what could be called with it, when nothing is.
fn landed_lines(
    info: &ModuleInfo,
    allocator: &str,
    ptr: u64,
    len: u64,
    host_base: u64,
) -> Vec<String> {
    let mut lines = vec![format!(
        "Input landed at {ptr:#x}..{:#x} ({len} bytes), host address {:#x}",
        ptr + len,
        host_base.wrapping_add(ptr)
    )];
    let shaped: Vec<&str> = info
        .ptr_len_functions()
        .into_iter()
        .filter(|name| *name != allocator)
        .filter(|name| {
            info.export_func(name)
                .is_some_and(|s| s.returns_one_integer())
        })
        .collect();
    let hint = match shaped.as_slice() {
        [] => String::new(),
        names if names.len() <= 8 => format!("; (ptr, len) -> len exports: {}", names.join(", ")),
        names => format!(
            "; (ptr, len) -> len exports: {}, and {} more",
            names[..8].join(", "),
            names.len() - 8
        ),
    };
    lines.push(format!("No --call given, so nothing was called{hint}"));
    lines
}
