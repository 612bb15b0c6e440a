//! `wasmscope run`: the seed's walkthrough, printed the way the newsletter printed it,
//! with the byte ranges each step changed, and what the guest printed or called on
//! the host's stubs.

use std::io::Write;
use std::ops::Range;

use anyhow::{Context, Result, bail};

use super::host::{host_config, pick_allocator};
use super::{ResultKind, RunArgs};
use crate::engine::{
    CompileCache, Limits, Session, Step, StepOutput, StopHandle, Value, call_line, changed_line,
    check_imports, default_cache_dir, new_engine_with, pointer_lines, result_line,
};
use crate::inspect::{ModuleInfo, ValType, inspect, load_module_bytes};
use crate::memory::{format_hex, overrun_report, parse_hex};

/// The compile cache `run` uses, unless `--no-cache`; a folder that cannot be used
/// is reported and the module compiled anyway.
fn compile_cache(args: &RunArgs) -> Option<CompileCache> {
    if args.no_cache {
        return None;
    }
    let dir = default_cache_dir()?;
    CompileCache::open(&dir)
        .map_err(|err| eprintln!("warning: {err:#}; compiling without it"))
        .ok()
}

/// Runs the walkthrough and writes its lines to `out`.
pub fn run(args: &RunArgs, out: &mut impl Write) -> Result<()> {
    let input = match (&args.input, &args.hex) {
        (_, Some(hex)) => parse_hex(hex).context("--hex")?,
        (Some(text), None) => text.clone().into_bytes(),
        (None, None) => bail!("give the input with --input TEXT or --hex BYTES"),
    };
    let bytes = load_module_bytes(&args.module)?;
    let cannot_load = || format!("cannot load {}", args.module.display());
    let info = inspect(&bytes).with_context(cannot_load)?;
    check_imports(&info).with_context(cannot_load)?;
    let limits = Limits {
        timeout_ms: args.timeout_ms,
        memory_limit_bytes: args.memory_limit_mb.saturating_mul(1 << 20),
    };
    let host = host_config(args)?;
    let stop = StopHandle::new(new_engine_with(compile_cache(args).as_ref())?);
    let mut session =
        Session::from_checked_with(&stop, &bytes, limits, &host).with_context(cannot_load)?;
    let mut walk = Walk {
        session: &mut session,
        out,
        allocation: None,
    };
    walk.notes()?;
    let len = input.len() as u64;

    let allocator = pick_allocator(&args.module, &info, args.alloc.as_deref())?;
    walk.lines(&[format!("Allocator: {allocator}")])?;
    let size = len + args.extra;
    let ptr = match walk.step(Step::Alloc {
        export: allocator.export.clone(),
        size,
    })? {
        StepOutput::Pointer(ptr) => ptr,
        other => bail!("the allocator produced {other:?}"),
    };
    walk.allocation = Some((ptr..ptr + size, format!("{}({size})", allocator.export)));
    let base = walk.session.host_base();
    walk.lines(&pointer_lines(ptr, len, base))?;

    walk.step(Step::Write { ptr, bytes: input })?;
    let Some(call) = args.call.clone().or_else(|| default_call(&info)) else {
        let base = walk.session.host_base();
        walk.lines(&landed_lines(&info, &allocator.export, ptr, len, base))?;
        return Ok(());
    };
    let args_values = pointer_args(walk.session, &call, ptr, len)?;
    let results = match walk.step(Step::Call {
        export: call.clone(),
        args: args_values,
    })? {
        StepOutput::Values(values) => values,
        other => bail!("the call produced {other:?}"),
    };
    let returned = results.first().and_then(Value::as_u64);
    let (read_ptr, read_len) = match (args.result, returned) {
        (ResultKind::Value, _) => {
            walk.lines(&[format!("`{call}` returned {}", fmt_values(&results))])?;
            return Ok(());
        }
        (ResultKind::Len, Some(new_len)) => {
            walk.lines(&[call_line(&call, &results)])?;
            (ptr, new_len)
        }
        (ResultKind::Ptr, Some(new_ptr)) => {
            walk.lines(&[format!("Pointer returned {new_ptr:#x}")])?;
            let len_values = walk.session.call(&args.len_from, &[])?;
            let Some(new_len) = len_values.first().and_then(Value::as_u64) else {
                bail!("`{}` did not return a length", args.len_from);
            };
            walk.lines(&[format!(
                "New Size received: {new_len} (from `{}`)",
                args.len_from
            )])?;
            (new_ptr, new_len)
        }
        (_, None) => bail!(
            "`{call}` returned {}, not an integer to read by",
            fmt_values(&results)
        ),
    };
    if let StepOutput::Bytes(result) = walk.step(Step::Read {
        ptr: read_ptr,
        len: read_len,
    })? {
        walk.lines(&[result_line(&result)])?;
        if std::str::from_utf8(&result).is_err() {
            walk.lines(&[format!("Result (hex): {}", format_hex(&result))])?;
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
    let int = |t: &ValType| matches!(t, ValType::I32 | ValType::I64);
    let shaped: Vec<&str> = info
        .func_exports()
        .filter(|(name, sig)| {
            *name != allocator
                && matches!(sig.params.as_slice(), [p, l] if int(p) && int(l))
                && matches!(sig.results.as_slice(), [r] if int(r))
        })
        .map(|(name, _)| name)
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

fn fmt_values(values: &[Value]) -> String {
    crate::engine::format_values(values)
}

/// The `(ptr, len)` arguments in the types `name` takes (i32 for wasm32, i64 for
/// memory64).
fn pointer_args(session: &mut Session, name: &str, ptr: u64, len: u64) -> Result<Vec<Value>> {
    let wide = session.memory_is_64();
    Ok(if wide {
        vec![Value::I64(ptr as i64), Value::I64(len as i64)]
    } else {
        let narrow = |v: u64| {
            u32::try_from(v)
                .map(|v| Value::I32(v as i32))
                .with_context(|| format!("{v} does not fit the i32 that `{name}` takes"))
        };
        vec![narrow(ptr)?, narrow(len)?]
    })
}

/// Runs steps and prints what they did, flagging writes past the allocation.
struct Walk<'a, W: Write> {
    session: &'a mut Session,
    out: &'a mut W,
    /// The block the allocator handed out, and its step's label.
    allocation: Option<(Range<u64>, String)>,
}

impl<W: Write> Walk<'_, W> {
    fn step(&mut self, step: Step) -> Result<StepOutput> {
        let result = self.session.run_step(&step);
        if result.is_err() {
            // What the guest printed or called before it failed helps explain why.
            self.notes()?;
        }
        let output = result?;
        let changed = self.session.snapshot();
        writeln!(
            self.out,
            "[{}] {}",
            step.label(),
            changed_line(changed.changed())
        )?;
        if let Some((allocation, label)) = &self.allocation
            && let Some((_, line)) =
                overrun_report(&step.label(), allocation, label, changed.changed())
        {
            writeln!(self.out, "{line}")?;
        }
        self.notes()?;
        Ok(output)
    }

    /// Prints what the guest printed or called since the last step.
    fn notes(&mut self) -> Result<()> {
        let notes = self.session.take_notes();
        self.lines(&notes)
    }

    fn lines(&mut self, lines: &[String]) -> Result<()> {
        for line in lines {
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }
}
