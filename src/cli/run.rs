//! `wasmscope run`: the seed's walkthrough, printed the way the newsletter printed it,
//! with the byte ranges each step changed.

use std::io::Write;

use anyhow::{Context, Result, bail};

use super::{ResultKind, RunArgs};
use crate::engine::{
    Limits, Session, Step, StepOutput, StopHandle, Value, call_line, changed_line, new_engine,
    pointer_lines, result_line,
};
use crate::inspect::load_module_bytes;
use crate::memory::{format_hex, parse_hex};

/// Runs the walkthrough and writes its lines to `out`.
pub fn run(args: &RunArgs, out: &mut impl Write) -> Result<()> {
    let input = match (&args.input, &args.hex) {
        (_, Some(hex)) => parse_hex(hex).context("--hex")?,
        (Some(text), None) => text.clone().into_bytes(),
        (None, None) => bail!("give the input with --input TEXT or --hex BYTES"),
    };
    let bytes = load_module_bytes(&args.module)?;
    let limits = Limits {
        timeout_ms: args.timeout_ms,
        memory_limit_bytes: args.memory_limit_mb.saturating_mul(1 << 20),
    };
    let stop = StopHandle::new(new_engine()?);
    let mut session = Session::new(&stop, &bytes, limits)
        .with_context(|| format!("cannot load {}", args.module.display()))?;
    let mut walk = Walk {
        session: &mut session,
        out,
    };
    let len = input.len() as u64;

    let size = len + args.extra;
    let ptr = match walk.step(Step::Alloc {
        export: args.alloc.clone(),
        size,
    })? {
        StepOutput::Pointer(ptr) => ptr,
        other => bail!("the allocator produced {other:?}"),
    };
    let base = walk.session.host_base();
    walk.lines(&pointer_lines(ptr, len, base))?;

    walk.step(Step::Write { ptr, bytes: input })?;
    let args_values = pointer_args(walk.session, &args.call, ptr, len)?;
    let results = match walk.step(Step::Call {
        export: args.call.clone(),
        args: args_values,
    })? {
        StepOutput::Values(values) => values,
        other => bail!("the call produced {other:?}"),
    };
    let returned = results.first().and_then(Value::as_u64);
    let (read_ptr, read_len) = match (args.result, returned) {
        (ResultKind::Value, _) => {
            walk.lines(&[format!("`{}` returned {}", args.call, fmt_values(&results))])?;
            return Ok(());
        }
        (ResultKind::Len, Some(new_len)) => {
            walk.lines(&[call_line(&args.call, &results)])?;
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
            "`{}` returned {}, not an integer to read by",
            args.call,
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

/// Runs steps and prints what they did.
struct Walk<'a, W: Write> {
    session: &'a mut Session,
    out: &'a mut W,
}

impl<W: Write> Walk<'_, W> {
    fn step(&mut self, step: Step) -> Result<StepOutput> {
        let output = self.session.run_step(&step)?;
        let changed = self.session.snapshot();
        writeln!(
            self.out,
            "[{}] {}",
            step.label(),
            changed_line(changed.changed())
        )?;
        Ok(output)
    }

    fn lines(&mut self, lines: &[String]) -> Result<()> {
        for line in lines {
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }
}
